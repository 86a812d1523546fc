//! Discord's limits on what a message says, as its API checks them when a message is created
//! or edited (in a channel, through an interaction's webhook, or as an interaction response):
//! content up to 2,000 characters, up to 10 embeds, and per embed a title of 256, a description
//! of 4,096, 25 fields of 256 (name) and 1,024 (value), a footer of 2,048, an author name of
//! 256, and 6,000 across all of those in all the message's embeds (Discord's embed object
//! documentation; `RichEmbed` in its OpenAPI description). Discord counts characters: code
//! points here, as serenity's own check does. A link button's URL is at most 512 characters
//! (the button structure: "URL for link-style buttons; max 512 characters").

use super::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

const CONTENT: usize = 2000;
const EMBEDS: usize = 10;
const FIELDS: usize = 25;
const TOTAL: usize = 6000;
/// Discord's button structure: "url? string URL for link-style buttons; max 512 characters".
const BUTTON_URL: usize = 512;

/// One broken rule: where (`["embeds", "0", "title"]`), Discord's error code and message.
pub(super) struct Problem {
    path: Vec<String>,
    code: &'static str,
    message: String,
}

impl Problem {
    fn too_long(path: &[&str], max: usize) -> Problem {
        Problem {
            path: path.iter().map(|p| p.to_string()).collect(),
            code: "BASE_TYPE_MAX_LENGTH",
            message: format!("Must be {max} or fewer in length."),
        }
    }

    /// For the refusals the fake records.
    pub(super) fn describe(&self) -> String {
        format!("{}: {}", self.path.join("."), self.message)
    }
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// What breaks Discord's limits in a message body (`content`, `embeds`).
pub(super) fn problems(body: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    if chars(&body["content"]) > CONTENT {
        out.push(Problem::too_long(&["content"], CONTENT));
    }
    let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
    if embeds.len() > EMBEDS {
        out.push(Problem::too_long(&["embeds"], EMBEDS));
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        let i = i.to_string();
        let mut part = |path: &[&str], v: &Value, max: usize| {
            total += chars(v);
            if chars(v) > max {
                let mut at = vec!["embeds", i.as_str()];
                at.extend_from_slice(path);
                out.push(Problem::too_long(&at, max));
            }
        };
        part(&["title"], &embed["title"], 256);
        part(&["description"], &embed["description"], 4096);
        part(&["footer", "text"], &embed["footer"]["text"], 2048);
        part(&["author", "name"], &embed["author"]["name"], 256);
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        for (f, field) in fields.iter().enumerate() {
            let f = f.to_string();
            part(&["fields", &f, "name"], &field["name"], 256);
            part(&["fields", &f, "value"], &field["value"], 1024);
        }
        if fields.len() > FIELDS {
            out.push(Problem::too_long(&["embeds", &i, "fields"], FIELDS));
        }
    }
    out.extend(long_button_urls(body));
    if total > TOTAL {
        out.push(Problem {
            path: vec!["embeds".into()],
            code: "MAX_EMBED_SIZE_EXCEEDED",
            message: format!("Embed size exceeds maximum size of {TOTAL}"),
        });
    }
    out
}

/// Link buttons whose URL is longer than [`BUTTON_URL`].
fn long_button_urls(body: &Value) -> Vec<Problem> {
    let rows = body["components"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let buttons = row["components"].as_array().cloned().unwrap_or_default();
        for (b, button) in buttons.iter().enumerate() {
            if chars(&button["url"]) > BUTTON_URL {
                let (r, b) = (r.to_string(), b.to_string());
                let at = ["components", &r, "components", &b, "url"];
                out.push(Problem::too_long(&at, BUTTON_URL));
            }
        }
    }
    out
}

/// Discord's 400 body for them: code 50035 with the errors nested by path under `prefix`
/// (`data` for an interaction response).
pub(super) fn error_body(problems: &[Problem], prefix: Option<&str>) -> Value {
    let mut errors = Value::Object(Map::new());
    for p in problems {
        let mut at = &mut errors;
        for key in prefix.into_iter().chain(p.path.iter().map(String::as_str)) {
            at = at
                .as_object_mut()
                .expect("an object")
                .entry(key)
                .or_insert_with(|| json!({}));
        }
        let list = at
            .as_object_mut()
            .expect("an object")
            .entry("_errors")
            .or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            list.push(json!({"code": p.code, "message": p.message}));
        }
    }
    json!({"code": 50035, "message": "Invalid Form Body", "errors": errors})
}

/// Discord refuses (400, code 50035) a message, created or edited, or an interaction
/// response, whose content or embeds break its limits; the refusal is recorded.
pub(super) fn refuse_oversized(
    s: &mut State,
    method: &str,
    segs: &[&str],
    body: &Value,
) -> Option<Response> {
    let callback = matches!((method, segs), ("POST", ["interactions", _, _, "callback"]));
    let (message, prefix) = if callback {
        (&body["data"], Some("data"))
    } else if super::rest::posts_or_edits_a_message(method, segs) {
        (body, None)
    } else {
        return None;
    };
    let problems = problems(message);
    if problems.is_empty() {
        return None;
    }
    let route = format!("{method} /{}", segs.join("/"));
    s.refused_messages.extend(
        problems
            .iter()
            .map(|p| format!("{route}: {}", p.describe())),
    );
    let body = error_body(&problems, prefix);
    Some((StatusCode::BAD_REQUEST, axum::Json(body)).into_response())
}
