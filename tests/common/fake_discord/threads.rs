//! Threads started from messages, as Discord starts them, and the channels they become.
//!
//! Discord's documentation (Channel, "Start Thread from Message",
//! `POST /channels/{channel.id}/messages/{message.id}/threads`): "Creates a new thread from an
//! existing message. Returns a channel on success, and a 400 BAD REQUEST on invalid parameters.
//! Fires a Thread Create and a Message Update Gateway event. When called on a `GUILD_TEXT`
//! channel, creates a `PUBLIC_THREAD` [...] Does not work on a `GUILD_FORUM` or a `GUILD_MEDIA`
//! channel. The id of the created thread will be the same as the id of the source message, and
//! as such a message can only have a single thread created from it." Its body is
//! `CreateTextThreadWithMessageRequest` in the OpenAPI description: `name` required, 1-100
//! characters; `auto_archive_duration` null or one of 60, 1440, 4320, 10080
//! (`ThreadAutoArchiveDuration`); `rate_limit_per_user` null or 0-21600; no
//! `additionalProperties: false`, so other fields are ignored. The answer is a
//! `ThreadResponse` (201).
//!
//! What Discord answers otherwise (JSON Error Codes): 50035 "Invalid form body" (400, its
//! `errors` nested by field as the Reference's "Error Messages" show), 50003 "Cannot execute
//! action on a DM channel" (403), 50024 "Cannot execute action on this channel type" (400: a
//! forum, media or thread channel), 50013 "You lack permissions to perform that action" (403:
//! no `CREATE_PUBLIC_THREADS`, "Allows for creating public and announcement threads"), 10008
//! "Unknown message" (404), 160004 "A thread has already been created for this message"
//! (400). The documentation does not say in which order Discord checks; the fake checks the
//! body, then the channel, the permission, the message, in that order.
//!
//! The thread is a channel afterwards (Gateway Events, "Thread Create": "The inner payload is a
//! channel object. When a thread is created, includes an additional `newly_created` boolean
//! field"), whose permissions are its parent's (Permissions, "Inherited Permissions (Threads)":
//! "The `SEND_MESSAGES` permission is not inherited; users must have
//! `SEND_MESSAGES_IN_THREADS` to send a message in a thread"): see [`super::permissions`].

use super::{permissions, FakeDiscord, State, APP_ID};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// `GUILD_TEXT`, `DM`, `PUBLIC_THREAD`, `GUILD_FORUM` (Channel, "Channel Types").
const TEXT: u64 = 0;
const DM: u64 = 1;
const PUBLIC_THREAD: u64 = 11;
const FORUM: u64 = 15;

/// The values `ThreadAutoArchiveDuration` allows, in minutes.
const ARCHIVE_DURATIONS: [u64; 4] = [60, 1440, 4320, 10080];

/// One thread the bot started.
#[derive(Debug, Clone)]
pub struct Thread {
    /// Its channel id: the id of the message it was started from.
    pub id: u64,
    /// The channel of that message.
    pub parent: u64,
    /// The message it was started from (the same as `id`, as Discord makes it).
    pub message: u64,
    /// Its name.
    pub name: String,
    /// Minutes of inactivity before it is archived.
    pub auto_archive_duration: u64,
    /// Its slow mode, in seconds.
    pub rate_limit_per_user: u64,
    /// Its guild.
    pub guild: u64,
}

impl FakeDiscord {
    /// Marks `channel` as a forum (`GUILD_FORUM`, type 15): no thread can be started from a
    /// message there, and interactions from it say its type.
    pub fn forum(&self, channel: u64) {
        self.state.lock().unwrap().forums.insert(channel);
    }

    /// Every thread the bot started, oldest first.
    pub fn threads(&self) -> Vec<Thread> {
        let s = self.state.lock().unwrap();
        let mut threads: Vec<Thread> = s.threads.values().cloned().collect();
        threads.sort_by_key(|t| t.id);
        threads
    }
}

/// The channel's type as the fake knows it.
pub(super) fn kind(s: &State, channel: u64) -> u64 {
    if s.dm_channels.contains(&channel) {
        DM
    } else if s.forums.contains(&channel) {
        FORUM
    } else if s.threads.contains_key(&channel) {
        PUBLIC_THREAD
    } else {
        TEXT
    }
}

/// The channel whose permissions apply in `channel`: a thread's parent, else itself.
pub(super) fn permission_source(s: &State, channel: u64) -> u64 {
    s.threads.get(&channel).map_or(channel, |t| t.parent)
}

/// An interaction's partial `channel` (Interactions: "Partial Channel objects only have id,
/// name, type and permissions fields. Threads will also have thread_metadata and parent_id").
pub(super) fn partial_channel(s: &State, channel: u64) -> Value {
    let mut out = json!({"id": channel.to_string(), "type": kind(s, channel)});
    if let Some(t) = s.threads.get(&channel) {
        out["parent_id"] = json!(t.parent.to_string());
        out["thread_metadata"] = metadata(t);
        out["name"] = json!(t.name);
    }
    out
}

fn metadata(t: &Thread) -> Value {
    json!({"archived": false, "auto_archive_duration": t.auto_archive_duration,
           "archive_timestamp": "2026-11-25T00:00:00.000000+00:00", "locked": false,
           "create_timestamp": "2026-11-25T00:00:00.000000+00:00"})
}

/// A thread as Discord's channel object shows it (`ThreadResponse`).
pub(super) fn thread_json(t: &Thread) -> Value {
    json!({
        "id": t.id.to_string(), "type": PUBLIC_THREAD, "guild_id": t.guild.to_string(),
        "parent_id": t.parent.to_string(), "owner_id": APP_ID.to_string(), "name": t.name,
        "last_message_id": null, "last_pin_timestamp": null,
        "rate_limit_per_user": t.rate_limit_per_user, "flags": 0,
        "message_count": 0, "member_count": 1, "total_message_sent": 0,
        "thread_metadata": metadata(t),
    })
}

/// One broken field of the body: its name, Discord's error code and message.
fn body_problems(body: &Value) -> Vec<(&'static str, &'static str, String)> {
    let mut out = Vec::new();
    match &body["name"] {
        Value::Null => out.push((
            "name",
            "BASE_TYPE_REQUIRED",
            "This field is required".into(),
        )),
        Value::String(n) if (1..=100).contains(&n.chars().count()) => {}
        Value::String(_) => out.push((
            "name",
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.".into(),
        )),
        _ => out.push((
            "name",
            "BASE_TYPE_STRING",
            "Could not interpret as string.".into(),
        )),
    }
    let duration = &body["auto_archive_duration"];
    if !duration.is_null()
        && !duration
            .as_u64()
            .is_some_and(|d| ARCHIVE_DURATIONS.contains(&d))
    {
        let message = "Value must be one of (60, 1440, 4320, 10080).".into();
        out.push(("auto_archive_duration", "BASE_TYPE_CHOICES", message));
    }
    let slow = &body["rate_limit_per_user"];
    if !slow.is_null() && slow.as_u64().is_none_or(|r| r > 21_600) {
        let message = "int value should be between 0 and 21600.".into();
        out.push(("rate_limit_per_user", "NUMBER_TYPE_MAX", message));
    }
    out
}

/// A refusal: its status and Discord's error body.
type Refused = (StatusCode, Value);

fn error(status: StatusCode, message: &str, code: u32) -> Refused {
    (status, json!({"message": message, "code": code}))
}

/// The message `id` as posted in `channel` (a member's, or a non-ephemeral one of the bot's,
/// an interaction's in the interaction's channel), as a `MESSAGE_UPDATE` would show it.
fn source_message(s: &State, channel: u64, id: u64) -> Option<Value> {
    if let Some(posted) = s.posted.get(&id) {
        return (posted["channel_id"].as_str() == Some(channel.to_string().as_str()))
            .then(|| posted.clone());
    }
    let m = s.messages.get(&id).filter(|m| !m.ephemeral)?;
    let shown_in = match s.interaction_messages.get(&id) {
        Some(token) => s.channels.get(token).copied()?,
        None => m.channel,
    };
    let mut message = super::rest::msg_json(m);
    message["channel_id"] = json!(shown_in.to_string());
    (shown_in == channel).then_some(message)
}

/// `POST /channels/{channel}/messages/{message}/threads`: the thread (201, with its
/// `THREAD_CREATE` and the message's `MESSAGE_UPDATE` dispatched), or Discord's refusal.
pub(super) fn start(s: &mut State, channel: &str, message: &str, body: &Value) -> Response {
    let (channel, message): (u64, u64) =
        (channel.parse().unwrap_or(0), message.parse().unwrap_or(0));
    let mut source = match refusal(s, channel, message, body) {
        Ok(source) => source,
        Err((status, body)) => return (status, axum::Json(body)).into_response(),
    };
    let guild = s
        .guild_channels
        .get(&channel)
        .copied()
        .unwrap_or(super::GUILD_ID);
    let thread = Thread {
        id: message,
        parent: channel,
        message,
        name: body["name"].as_str().unwrap_or_default().to_string(),
        // Without one, the parent's `default_auto_archive_duration` ("copied onto newly
        // created threads"); the fake's text channels have none set, and Discord's clients
        // show 1440 (one day) then.
        auto_archive_duration: body["auto_archive_duration"].as_u64().unwrap_or(1440),
        rate_limit_per_user: body["rate_limit_per_user"].as_u64().unwrap_or(0),
        guild,
    };
    let answer = thread_json(&thread);
    s.threads.insert(message, thread);
    s.guild_channels.insert(message, guild);
    let mut created = answer.clone();
    created["newly_created"] = json!(true);
    super::gateway::dispatch(s, "THREAD_CREATE", created);
    // The source message now has a thread: flag HAS_THREAD (Message, "Message Flags": `1 << 5`,
    // "this message has an associated thread, with the same id as the message") and `thread`
    // ("the thread that was started from this message").
    source["guild_id"] = json!(guild.to_string());
    source["flags"] = json!(1 << 5);
    source["thread"] = answer.clone();
    super::gateway::dispatch(s, "MESSAGE_UPDATE", source);
    (StatusCode::CREATED, axum::Json(answer)).into_response()
}

/// Discord's refusal to start a thread from `message` in `channel` with `body`, or the source
/// message when there is none.
fn refusal(s: &mut State, channel: u64, message: u64, body: &Value) -> Result<Value, Refused> {
    let problems = body_problems(body);
    if !problems.is_empty() {
        let mut errors = json!({});
        for (field, code, message) in problems {
            errors[field] = json!({"_errors": [{"code": code, "message": message}]});
        }
        let body = json!({"code": 50035, "message": "Invalid Form Body", "errors": errors});
        return Err((StatusCode::BAD_REQUEST, body));
    }
    match kind(s, channel) {
        DM => {
            let text = "Cannot execute action on a DM channel";
            return Err(error(StatusCode::FORBIDDEN, text, 50003));
        }
        FORUM | PUBLIC_THREAD => {
            let text = "Cannot execute action on this channel type";
            return Err(error(StatusCode::BAD_REQUEST, text, 50024));
        }
        _ => {}
    }
    if permissions::granted(s, channel) & permissions::CREATE_PUBLIC_THREADS == 0 {
        let route = format!("POST /channels/{channel}/messages/{message}/threads");
        s.refused_permissions.push(route);
        return Err(error(StatusCode::FORBIDDEN, "Missing Permissions", 50013));
    }
    let Some(source) = source_message(s, channel, message) else {
        return Err(error(StatusCode::NOT_FOUND, "Unknown Message", 10008));
    };
    if s.threads.contains_key(&message) {
        let text = "A thread has already been created for this message";
        return Err(error(StatusCode::BAD_REQUEST, text, 160004));
    }
    Ok(source)
}
