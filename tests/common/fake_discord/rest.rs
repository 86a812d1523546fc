//! The fake REST API: gateway discovery, command registration, interaction callbacks and
//! webhooks, channel messages, DMs, and a CDN for attachments.

use super::{interactions, limits, permissions, user_json, Call, Msg, Shared, State, APP_ID};
use axum::body::Bytes;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

pub(super) fn router(state: Shared) -> Router {
    Router::new()
        .fallback(move |req: Request| super::ratelimit::limited(state.clone(), req))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// Answers a request the rate limits let through: the CDN's files, or the API (each call
/// recorded, then refused as Discord would refuse it, or answered).
pub(super) async fn handle(state: Shared, req: Request) -> Response {
    let method = req.method().to_string();
    let full = req.uri().path().to_string();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(req.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let mut s = state.lock().unwrap();
    if let Some(name) = full.strip_prefix("/cdn/") {
        record(&mut s, &method, &full, Value::Null);
        return match s.files.get(name) {
            Some(b) => (StatusCode::OK, b.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let path = full.strip_prefix("/api/v10").unwrap_or(&full);
    let body = parse_body(&content_type, &bytes);
    record(&mut s, &method, path, body.clone());
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    refusal(&mut s, &method, &full, &segs, &body)
        .unwrap_or_else(|| answer(&mut s, &method, &segs, &body))
}

/// Notes a call, as it arrived.
fn record(s: &mut State, method: &str, path: &str, body: Value) {
    s.calls.push(Call {
        method: method.to_string(),
        path: path.to_string(),
        body,
        at: tokio::time::Instant::now(),
    });
}

/// Discord's refusal of a call before it does anything: an expired interaction token, a 429
/// the test asked for, a message over Discord's limits, or a missing permission.
fn refusal(
    s: &mut State,
    method: &str,
    full: &str,
    segs: &[&str],
    body: &Value,
) -> Option<Response> {
    if let ["webhooks", _, token, ..] = segs {
        let expired = match (s.token_ttl, s.issued.get(*token)) {
            (Some(ttl), Some(at)) => at.elapsed() > ttl,
            _ => false,
        };
        if expired {
            return Some(error(StatusCode::NOT_FOUND, "Unknown Webhook", 10015));
        }
    }
    if s.rate_limited > 0 && posts_or_edits_a_message(method, segs) {
        s.rate_limited -= 1;
        s.limited += 1;
        let bucket = super::ratelimit::bucket_of(method, full).unwrap_or_default();
        return Some(super::ratelimit::too_many_requests(
            &bucket,
            5,
            s.retry_after,
        ));
    }
    limits::refuse_oversized(s, method, segs, body)
        .or_else(|| permissions::refuse_missing(s, method, segs, body))
}

/// Discord's answer to a call it takes (`segs`: the path's segments after `/api/v10`).
fn answer(s: &mut State, method: &str, segs: &[&str], body: &Value) -> Response {
    match (method, segs) {
        ("GET", ["gateway"]) => ok(json!({"url": ws_url(s)})),
        ("GET", ["gateway", "bot"]) => ok(
            json!({"url": ws_url(s), "shards": s.recommended_shards.unwrap_or(1),
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}),
        ),
        ("GET", ["users", "@me"]) => ok(user_json(APP_ID, true)),
        ("PUT", ["applications", _, "commands"]) => register(s, body),
        ("POST", ["interactions", _, token, "callback"]) => callback(s, token, body),
        // "Get Original Interaction Response" (`GET /webhooks/{application.id}/
        // {interaction.token}/messages/@original`): "Returns the initial Interaction response";
        // none made yet answers Unknown Message.
        ("GET", ["webhooks", _, token, "messages", "@original"]) => {
            match interactions::original(s, token) {
                Some(message) => ok(message),
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            ok(interactions::edit_original(s, token, body))
        }
        // Discord's "Edit Followup Message": a message sent with the token, edited with it.
        ("PATCH", ["webhooks", _, token, "messages", id]) => {
            match interactions::edit_follow_up(s, token, id.parse().unwrap_or(0), body) {
                Some(message) => ok(message),
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("POST", ["webhooks", _, token]) => ok(interactions::follow_up(s, token, body)),
        ("POST", ["channels", channel, "messages"]) => post_message(s, channel, body),
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            super::threads::start(s, channel, message, body)
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            if !s.messages.contains_key(&id) {
                return error(StatusCode::NOT_FOUND, "Unknown Message", 10008);
            }
            ok(upsert(s, channel.parse().unwrap_or(0), Some(id), body))
        }
        ("POST", ["users", "@me", "channels"]) => open_dm(s, body),
        _ => {
            let route = format!("fake: no route {method} /{}", segs.join("/"));
            error(StatusCode::NOT_FOUND, &route, 0)
        }
    }
}

/// Discord's error answer: `message` and its JSON error `code`.
fn error(status: StatusCode, message: &str, code: u32) -> Response {
    let body = json!({"message": message, "code": code});
    (status, axum::Json(body)).into_response()
}

/// `POST /interactions/{id}/{token}/callback`: taken (204), or refused for the problem
/// Discord would find in it.
fn callback(s: &mut State, token: &str, body: &Value) -> Response {
    match callback_problem(s.kinds.get(token).copied(), body) {
        None => {
            interactions::responded(s, token, body);
            StatusCode::NO_CONTENT.into_response()
        }
        Some(why) => {
            s.refused_callbacks.push(why.clone());
            let message = format!("Invalid Form Body: {why}");
            error(StatusCode::BAD_REQUEST, &message, 50035)
        }
    }
}

/// `POST /channels/{id}/messages`: a new message, unless its nonce was enforced and seen
/// lately.
fn post_message(s: &mut State, channel: &str, body: &Value) -> Response {
    // Discord: with enforce_nonce, a second message with a nonce seen in the last few
    // minutes is not created; the first one is returned.
    let nonce = (body["enforce_nonce"] == true && !body["nonce"].is_null())
        .then(|| format!("{channel}/{}", body["nonce"]));
    let window = s.nonce_window.unwrap_or(NONCE_WINDOW);
    if let Some(m) = nonce
        .as_ref()
        .and_then(|n| s.nonces.get(n))
        .filter(|(_, at)| at.elapsed() <= window)
        .and_then(|(id, _)| s.messages.get(id))
    {
        return ok(msg_json(m));
    }
    let id = s.id();
    if let Some(n) = nonce {
        s.nonces.insert(n, (id, tokio::time::Instant::now()));
    }
    ok(upsert(s, channel.parse().unwrap_or(0), Some(id), body))
}

/// `POST /users/@me/channels`: the DM channel with the recipient.
fn open_dm(s: &mut State, body: &Value) -> Response {
    let user: u64 = body["recipient_id"]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let dm = super::dm_channel(user);
    s.dm_channels.insert(dm);
    ok(json!({"id": dm.to_string(), "type": 1,
              "recipients": [user_json(user, false)], "last_message_id": null}))
}

/// How long Discord remembers a message nonce: "a few minutes".
const NONCE_WINDOW: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Creating or editing a message, in a channel or through an interaction's webhook (starting
/// a thread from a message is neither).
pub(super) fn posts_or_edits_a_message(method: &str, segs: &[&str]) -> bool {
    matches!(
        (method, segs),
        (
            "POST" | "PATCH",
            ["channels", _, "messages"] | ["channels", _, "messages", _]
        ) | ("POST" | "PATCH", ["webhooks", ..])
    )
}

fn ws_url(s: &State) -> String {
    format!("{}/gateway-ws", s.base_url.replace("http://", "ws://"))
}

fn parse_body(content_type: &str, bytes: &Bytes) -> Value {
    if content_type.starts_with("multipart/") {
        // The JSON part of a multipart message is named payload_json.
        let text = String::from_utf8_lossy(bytes);
        let files: Vec<String> = text
            .split("filename=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_string))
            .collect();
        let mut json: Value = text
            .split("name=\"payload_json\"")
            .nth(1)
            .and_then(|rest| rest.split("\r\n\r\n").nth(1))
            .and_then(|rest| rest.split("\r\n--").next())
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or(json!({}));
        // Test-only field: the names of the files the message attached.
        json["_files"] = json!(files);
        return json;
    }
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

/// Creates or edits a message; the message as Discord's answer shows it.
pub(super) fn upsert(s: &mut State, channel: u64, id: Option<u64>, body: &Value) -> Value {
    let id = id.unwrap_or_else(|| s.id());
    let created = !s.messages.contains_key(&id);
    let entry = s
        .messages
        .entry(id)
        .or_insert_with(|| Msg::new(id, channel, ""));
    if !created {
        entry.edits += 1;
    }
    if let Some(c) = body["content"].as_str() {
        entry.content = c.to_string();
    }
    if let Some(c) = body.get("components") {
        entry.components = c.clone();
    }
    if let Some(e) = body.get("embeds") {
        entry.embeds = e.clone();
    }
    msg_json(entry)
}

/// A message as Discord's API shows it.
pub(super) fn msg_json(m: &Msg) -> Value {
    json!({
        "id": m.id.to_string(), "channel_id": m.channel.to_string(), "author": user_json(APP_ID, true),
        "content": m.content, "timestamp": "2026-11-25T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": m.embeds, "pinned": false, "type": 0, "components": m.components,
    })
}

fn ok(v: Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}

/// `PUT /applications/{id}/commands`: the commands as registered, or a refusal the test asked
/// for, with Discord's error body for that status.
fn register(s: &mut State, body: &Value) -> Response {
    let refusal = match s.refuse_commands.len() {
        0 => None,
        1 => s.refuse_commands.front().copied(),
        _ => s.refuse_commands.pop_front(),
    };
    match refusal {
        Some(400) => {
            let errors = json!({"0": {"name": {"_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME",
                "message": "Command name is invalid"}]}}});
            let body = json!({"code": 50035, "message": "Invalid Form Body", "errors": errors});
            (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
        }
        Some(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = json!({"message": format!("{status}"), "code": 0});
            (status, axum::Json(body)).into_response()
        }
        None => {
            let commands = body.as_array().cloned().unwrap_or_default();
            // Discord checks names, descriptions and their localizations (400 when one breaks
            // the rules), in one answer for the whole list.
            let errors: serde_json::Map<String, Value> = commands
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let problems = super::commands::problems(c);
                    let errors: Vec<Value> = problems
                        .iter()
                        .map(|p| json!({"code": "APPLICATION_COMMAND_INVALID", "message": p}))
                        .collect();
                    (!errors.is_empty()).then(|| (i.to_string(), json!({"_errors": errors})))
                })
                .collect();
            if !errors.is_empty() {
                let body = json!({"code": 50035, "message": "Invalid Form Body", "errors": errors});
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            }
            s.registered += 1;
            let commands: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, mut c)| {
                    c["id"] = json!((1000 + i).to_string());
                    c["application_id"] = json!(APP_ID.to_string());
                    c["version"] = json!("1");
                    for (key, default) in [("type", json!(1)), ("description", json!(""))] {
                        if c.get(key).is_none_or(Value::is_null) {
                            c[key] = default;
                        }
                    }
                    c
                })
                .collect();
            s.commands = commands.clone();
            ok(json!(commands))
        }
    }
}

/// What is wrong with an interaction response, as Discord checks it: the callback types an
/// interaction type allows (PING aside), and the schema of the modal (9) and autocomplete
/// result (8) payloads. `kind` is the interaction's type, when the fake issued it.
fn callback_problem(kind: Option<u8>, body: &Value) -> Option<String> {
    let callback = body["type"].as_u64().unwrap_or(0);
    let allowed: &[u64] = match kind {
        Some(2) => &[4, 5, 9],
        Some(3) => &[4, 5, 6, 7, 9],
        Some(4) => &[8],
        Some(5) => &[4, 5, 6, 7],
        _ => &[4, 5, 6, 7, 8, 9],
    };
    if !allowed.contains(&callback) {
        return Some(format!(
            "callback type {callback} for interaction type {kind:?}"
        ));
    }
    let data = &body["data"];
    let text = |v: &Value, min: usize, max: usize| {
        v.as_str()
            .is_some_and(|t| (min..=max).contains(&t.chars().count()))
    };
    let optional = |v: &Value, max: usize| v.is_null() || text(v, 0, max);
    match callback {
        9 => {
            let rows = data["components"].as_array().cloned().unwrap_or_default();
            let inputs_ok = rows.iter().all(|row| {
                let inputs = row["components"].as_array().cloned().unwrap_or_default();
                row["type"] == 1
                    && (1..=5).contains(&inputs.len())
                    && inputs.iter().all(|i| {
                        i["type"] == 4
                            && text(&i["custom_id"], 1, 100)
                            && matches!(i["style"].as_u64(), Some(1 | 2))
                            && optional(&i["label"], 45)
                            && optional(&i["placeholder"], 100)
                    })
            });
            // Discord's Modal callback data: "Between 1 and 5 (inclusive) components that
            // make up the modal".
            let ok = text(&data["custom_id"], 1, 100)
                && text(&data["title"], 1, 45)
                && (1..=5).contains(&rows.len())
                && inputs_ok;
            (!ok).then(|| format!("modal {data}"))
        }
        8 => {
            // Discord's "Application Command Option Choice Structure": a "1-100 character
            // choice name", a "Value for the choice, up to 100 characters if string" (the
            // OpenAPI description says 6,000; Discord refuses the whole answer past 100).
            let choices = data["choices"].as_array().cloned().unwrap_or_default();
            let value_ok = |v: &Value| !v.is_string() || text(v, 0, 100);
            let ok = choices.len() <= 25
                && choices
                    .iter()
                    .all(|c| text(&c["name"], 1, 100) && value_ok(&c["value"]));
            (!ok).then(|| format!("choices {data}"))
        }
        _ => None,
    }
}
