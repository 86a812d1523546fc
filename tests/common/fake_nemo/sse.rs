//! The fake's `/run_sse`: ADK's RunAgentRequest in, a scripted event stream out.

use super::routes::reply;
use super::{own_draft_default, Body, Shared, State, Step};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

type Chunk = Result<Bytes, std::io::Error>;

/// Validates the request, charges the turn, and answers with the next script.
pub(super) fn start(s: &mut State, shared: Shared, user: &str, body: &Body) -> Response {
    let Body::Json(v) = body else {
        return reply(422, json!({"detail": "RunAgentRequest JSON required"}));
    };
    let sid = v["session_id"].as_str().unwrap_or("").to_string();
    let text = v["new_message"]["parts"][0]["text"].as_str().unwrap_or("");
    if v["app_name"] != "nemo_agent" || text.is_empty() {
        return reply(
            422,
            json!({"detail": "app_name nemo_agent and new_message.parts[0].text required"}),
        );
    }
    if s.sessions.get(&sid).is_none_or(|x| x.user != user) {
        return reply(404, json!({"code": 1002, "message": "session not found"}));
    }
    if s.credits_of(user).0 < 50 {
        return reply(
            200,
            json!({"code": 2001, "message": "insufficient credits"}),
        );
    }
    *s.spent.entry(user.to_string()).or_default() += 50;
    let mut steps = match s.turns.pop_front() {
        Some(steps) => steps,
        None => default_turn(s, &sid),
    };
    if let Some(mishap) = s.roll("/run_sse (stream)", true) {
        if let Some(chaos) = &s.chaos {
            steps = chaos.spoil(mishap, steps);
        }
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(16);
    tokio::spawn(play(shared, sid, steps, tx));
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    (
        [
            ("content-type", "text/event-stream"),
            ("cache-control", "no-cache"),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
}

/// What the agent does when no script is queued: works, builds the draft, answers.
fn default_turn(s: &State, sid: &str) -> Vec<Step> {
    vec![
        Step::Call("generate_video".into()),
        Step::SetDraft(own_draft_default(s, sid)),
        Step::Response("generate_video".into()),
        Step::Text("Here is your draft: a music video cut to the beat. Click Export when you're happy with it.".into()),
    ]
}

/// Plays `steps` into the stream; a client that closes it before the script's end is counted
/// (at once, even during a pause: the connection's closing drops the receiver).
async fn play(shared: Shared, sid: String, steps: Vec<Step>, tx: tokio::sync::mpsc::Sender<Chunk>) {
    if !play_all(&shared, &sid, steps, &tx).await {
        shared.lock().unwrap().streams_cut += 1;
    }
}

/// Plays `steps`; whether the client read (or the script ended) the stream to its end.
async fn play_all(
    shared: &Shared,
    sid: &str,
    steps: Vec<Step>,
    tx: &tokio::sync::mpsc::Sender<Chunk>,
) -> bool {
    for step in steps {
        let payload = match step {
            Step::Sleep(d) => {
                tokio::select! {
                    () = tokio::time::sleep(d) => {}
                    () = tx.closed() => return false,
                }
                continue;
            }
            Step::SetDraft(draft) => {
                if let Some(x) = shared.lock().unwrap().sessions.get_mut(sid) {
                    x.draft = draft;
                }
                continue;
            }
            Step::Drop => {
                let _ = tx
                    .send(Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "dropped",
                    )))
                    .await;
                return true;
            }
            Step::Comment => ": keepalive\n\n".to_string(),
            Step::EmptyData => "data:\n\n".to_string(),
            Step::Verbatim(v) => format!("data: {v}\n\n"),
            Step::Text(t) => format!("data: {}\n\n", event(Step::Text(stamp(&t)))),
            other => format!("data: {}\n\n", event(other)),
        };
        if tx.send(Ok(Bytes::from(payload))).await.is_err() {
            return false;
        }
    }
    true
}

fn adk(parts: Value, partial: bool) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "invocationId": "e-fake",
        "author": "nemo_agent",
        "timestamp": 1764000000.1,
        "content": {"role": "model", "parts": parts},
        "partial": partial,
        "actions": {"stateDelta": {}, "artifactDelta": {}},
    })
}

fn event(step: Step) -> Value {
    match step {
        Step::Text(t) => adk(json!([{"text": t}]), false),
        Step::Partial(t) => adk(json!([{"text": t}]), true),
        Step::Thought(t) => adk(json!([{"text": t, "thought": true}]), false),
        Step::Call(n) => adk(
            json!([{"functionCall": {"id": "call_1", "name": n, "args": {}}}]),
            false,
        ),
        Step::Response(n) => adk(
            json!([{"functionResponse": {"id": "call_1", "name": n, "response": {"ok": true}}}]),
            false,
        ),
        Step::TypeText(t) => json!({"type": "text", "content": t}),
        Step::TypeCall(n) => json!({"type": "tool_call", "name": n, "args": {}}),
        Step::TypeResult(n) => json!({"type": "tool_result", "name": n, "result": {"ok": true}}),
        Step::TypeHeartbeat => json!({"type": "heartbeat"}),
        Step::AdkError { code, message } => {
            json!({"id": "e1", "author": "nemo_agent", "errorCode": code, "errorMessage": message})
        }
        Step::Crash(e) => json!({"error": e, "error_details": {"type": "RuntimeError"}}),
        Step::Raw(r) => serde_json::from_str(&r).unwrap_or(Value::String(r)),
        Step::Sleep(_)
        | Step::SetDraft(_)
        | Step::Drop
        | Step::Comment
        | Step::EmptyData
        | Step::Verbatim(_) => Value::Null,
    }
}

/// Replaces `{now_ns}` with the time of sending, in ns since the Unix epoch.
fn stamp(text: &str) -> String {
    if !text.contains("{now_ns}") {
        return text.to_string();
    }
    let ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    text.replace("{now_ns}", &ns.to_string())
}
