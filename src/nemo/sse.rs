//! The agent's SSE turn: decoding both event forms, and a stream that never reconnects.

use super::error::{classify, NemoError};
use futures_util::StreamExt;
use reqwest_eventsource::{retry::Never, Event, EventSource};
use serde_json::Value;
use std::collections::VecDeque;

/// One thing the agent's stream said.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    /// Text for the user; `partial` chunks are later repeated whole by a final event.
    Text {
        /// The text.
        text: String,
        /// A streaming chunk rather than a whole part.
        partial: bool,
    },
    /// A tool call or result: internal, shown only as a short status.
    Tool {
        /// The tool's name.
        name: String,
    },
    /// Still working.
    Heartbeat,
    /// The turn failed.
    Error {
        /// The error code, when there is one.
        code: Option<String>,
        /// What the backend said.
        message: String,
    },
    /// The stream closed: the turn is over.
    End,
}

/// Decodes one `data:` payload, of either documented form, into events. Never fails: what it
/// cannot read it ignores (and logs), because raw JSON must never reach a user.
pub fn decode_event(data: &str) -> Vec<TurnEvent> {
    let data = data.trim();
    if data.is_empty() {
        return vec![TurnEvent::Heartbeat];
    }
    let Ok(json) = serde_json::from_str::<Value>(data) else {
        tracing::debug!(len = data.len(), "ignoring a non-JSON SSE payload");
        return Vec::new();
    };
    if let Some(kind) = json.get("type").and_then(Value::as_str) {
        return decode_typed(kind, &json).into_iter().collect();
    }
    decode_adk(&json)
}

/// The skills' simple form: `{"type":"text","content":…}` and friends. Its text events are
/// streaming chunks, joined as they come.
fn decode_typed(kind: &str, json: &Value) -> Option<TurnEvent> {
    let name = || str_at(json, "name").unwrap_or("tool").to_string();
    match kind {
        "text" => {
            let text = str_at(json, "content").or_else(|| str_at(json, "text"))?;
            Some(TurnEvent::Text {
                text: text.to_string(),
                partial: true,
            })
        }
        "tool_call" | "tool_result" => Some(TurnEvent::Tool { name: name() }),
        "heartbeat" | "ping" => Some(TurnEvent::Heartbeat),
        "error" => Some(TurnEvent::Error {
            code: json.get("code").map(scalar_text),
            message: str_at(json, "message")
                .or_else(|| str_at(json, "content"))
                .unwrap_or("unknown error")
                .to_string(),
        }),
        _ => None,
    }
}

/// An ADK Event (camelCase), or ADK's crash report `{"error":…}`.
fn decode_adk(json: &Value) -> Vec<TurnEvent> {
    if let Some(err) = json.get("error").filter(|e| !e.is_null()) {
        let message = err
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| scalar_text(err));
        return vec![TurnEvent::Error {
            code: None,
            message,
        }];
    }
    let code = json.get("errorCode").or_else(|| json.get("error_code"));
    let message = json
        .get("errorMessage")
        .or_else(|| json.get("error_message"));
    if code.is_some_and(|c| !c.is_null()) || message.is_some_and(|m| !m.is_null()) {
        return vec![TurnEvent::Error {
            code: code.filter(|c| !c.is_null()).map(scalar_text),
            message: message
                .map(scalar_text)
                .unwrap_or_else(|| "unknown error".into()),
        }];
    }
    let partial = json
        .get("partial")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let parts = json
        .get("content")
        .and_then(|c| c.get("parts"))
        .and_then(Value::as_array);
    let mut out = Vec::new();
    for part in parts.into_iter().flatten() {
        if let Some(call) = part
            .get("functionCall")
            .or_else(|| part.get("functionResponse"))
        {
            let name = str_at(call, "name").unwrap_or("tool").to_string();
            out.push(TurnEvent::Tool { name });
        } else if let Some(text) = str_at(part, "text") {
            let thought = part
                .get("thought")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if !thought && !text.is_empty() {
                out.push(TurnEvent::Text {
                    text: text.to_string(),
                    partial,
                });
            }
        }
    }
    if out.is_empty() {
        out.push(TurnEvent::Heartbeat);
    }
    out
}

fn str_at<'a>(json: &'a Value, key: &str) -> Option<&'a str> {
    json.get(key).and_then(Value::as_str)
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("unknown error")
            .to_string(),
        other => other.to_string(),
    }
}

/// An open agent turn. Built with reconnection off: a reconnect would POST the prompt again,
/// and every message is charged.
pub struct TurnStream {
    source: EventSource,
    pending: VecDeque<TurnEvent>,
    done: bool,
}

const ENDPOINT: &str = "POST /run_sse";

/// The largest single event of the agent's stream that is used (a whole answer is far below).
pub const MAX_EVENT_BYTES: usize = 1 << 20;

impl TurnStream {
    /// Sends the request and waits until the stream is open, so that refusals (1001, 1002,
    /// 2001, 429…) come back as errors before any text, when retrying cannot double-charge.
    pub async fn open(request: reqwest::RequestBuilder) -> Result<TurnStream, NemoError> {
        let mut source = EventSource::new(request).map_err(|_| NemoError::StreamBroken {
            endpoint: ENDPOINT.into(),
            reason: "request body cannot be sent".into(),
        })?;
        source.set_retry_policy(Box::new(Never));
        match source.next().await {
            Some(Ok(Event::Open)) => Ok(TurnStream {
                source,
                pending: VecDeque::new(),
                done: false,
            }),
            Some(Ok(Event::Message(_))) => Err(broken("a message before the stream opened")),
            Some(Err(e)) => Err(refusal(e).await),
            None => Err(broken("the stream closed before it opened")),
        }
    }

    /// The next event; `End` once, then `None`.
    pub async fn next(&mut self) -> Option<Result<TurnEvent, NemoError>> {
        loop {
            if let Some(ev) = self.pending.pop_front() {
                return Some(Ok(ev));
            }
            if self.done {
                return None;
            }
            match self.source.next().await {
                Some(Ok(Event::Message(m))) if m.data.len() > MAX_EVENT_BYTES => {
                    self.finish();
                    return Some(Err(NemoError::TooLarge {
                        endpoint: ENDPOINT.into(),
                        limit: MAX_EVENT_BYTES,
                    }));
                }
                Some(Ok(Event::Message(m))) => self.pending.extend(decode_event(&m.data)),
                Some(Ok(Event::Open)) => {}
                None | Some(Err(reqwest_eventsource::Error::StreamEnded)) => {
                    self.finish();
                    return Some(Ok(TurnEvent::End));
                }
                Some(Err(e)) => {
                    self.finish();
                    return Some(Err(broken(&e.to_string())));
                }
            }
        }
    }

    fn finish(&mut self) {
        self.done = true;
        self.source.close();
    }
}

fn broken(reason: &str) -> NemoError {
    NemoError::StreamBroken {
        endpoint: ENDPOINT.into(),
        reason: reason.to_string(),
    }
}

/// Turns a failure to open the stream into the contract's error.
async fn refusal(err: reqwest_eventsource::Error) -> NemoError {
    use reqwest_eventsource::Error as E;
    match err {
        E::InvalidStatusCode(_, resp) | E::InvalidContentType(_, resp) => {
            let status = resp.status().as_u16();
            let hint = super::retry_after(resp.headers());
            let body = match super::read_capped(ENDPOINT, resp, super::MAX_JSON_BYTES).await {
                Ok(body) => body,
                Err(e) => return e,
            };
            match classify(ENDPOINT, status, &body) {
                Err(e) => e.with_retry_after(hint),
                Ok(_) => broken("the answer was not an event stream"),
            }
        }
        E::Transport(source) => NemoError::Http {
            endpoint: ENDPOINT.into(),
            source,
        },
        other => broken(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TurnEvent::*;

    fn text(t: &str, partial: bool) -> TurnEvent {
        Text {
            text: t.into(),
            partial,
        }
    }

    #[test]
    fn decodes_both_event_forms() {
        let rows: Vec<(&str, Vec<TurnEvent>)> = vec![
            ("", vec![Heartbeat]),
            ("  ", vec![Heartbeat]),
            (
                r#"{"content":{"role":"model","parts":[{"text":"Hi"}]},"partial":false}"#,
                vec![text("Hi", false)],
            ),
            (
                r#"{"content":{"parts":[{"text":"H"}]},"partial":true}"#,
                vec![text("H", true)],
            ),
            (
                r#"{"content":{"parts":[{"text":"hmm","thought":true}]}}"#,
                vec![Heartbeat],
            ),
            (
                r#"{"content":{"parts":[{"functionCall":{"id":"1","name":"gen","args":{}}}]}}"#,
                vec![Tool { name: "gen".into() }],
            ),
            (
                r#"{"content":{"parts":[{"functionResponse":{"id":"1","name":"gen","response":{}}}]}}"#,
                vec![Tool { name: "gen".into() }],
            ),
            (
                r#"{"errorCode":"MALFORMED","errorMessage":"bad"}"#,
                vec![Error {
                    code: Some("MALFORMED".into()),
                    message: "bad".into(),
                }],
            ),
            (
                r#"{"error":"boom","error_details":{"x":1}}"#,
                vec![Error {
                    code: None,
                    message: "boom".into(),
                }],
            ),
            (
                r#"{"type":"text","content":"Hello"}"#,
                vec![text("Hello", true)],
            ),
            (
                r#"{"type":"tool_call","name":"cut","args":{}}"#,
                vec![Tool { name: "cut".into() }],
            ),
            (
                r#"{"type":"tool_result","name":"cut","result":{}}"#,
                vec![Tool { name: "cut".into() }],
            ),
            (r#"{"type":"heartbeat"}"#, vec![Heartbeat]),
            (r#"{"type":"mystery"}"#, vec![]),
            ("not json at all", vec![]),
            (r#"{"actions":{"stateDelta":{}}}"#, vec![Heartbeat]),
            (r#"[1,2,3]"#, vec![Heartbeat]),
        ];
        for (data, want) in rows {
            assert_eq!(decode_event(data), want, "{data}");
        }
    }
}
