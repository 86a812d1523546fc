//! Channels where the bot lacks permissions, as Discord treats them.
//!
//! Discord's documentation:
//! - Permissions, "Bitwise Permission Flags": `SEND_MESSAGES` `0x0000000000000800` `(1 << 11)`
//!   "Allows for sending messages in a channel …"; `EMBED_LINKS` `0x0000000000004000`
//!   `(1 << 14)` "Links sent by users with this permission will be auto-embedded"; and
//!   "Denying `SEND_MESSAGES` implicitly denies `MENTION_EVERYONE`, `SEND_TTS_MESSAGES`,
//!   `ATTACH_FILES`, and `EMBED_LINKS`."
//! - Create Message, "Limitations": "When operating on a guild channel, the current user must
//!   have the `SEND_MESSAGES` permission."
//! - JSON Error Codes: `50013` "You lack permissions to perform that action", answered with
//!   HTTP 403 (the body is `{"message": "Missing Permissions", "code": 50013}`); `50007`
//!   "Cannot send messages to this user", to a DM the member does not take.
//! - The interaction object: `app_permissions`, "Bitwise set of permissions the app has in the
//!   source location of the interaction" (a string, like every permission field since v8).
//! - Responding to interactions: "Interactions--both receiving and responding--are webhooks
//!   under the hood", and webhooks "do not require a bot user or authentication to use": the
//!   interaction routes (`/interactions/…/callback`, `/webhooks/{app}/{token}…`) are not
//!   checked against the channel's permissions, so they keep working there.
//!
//! - Permissions, "Inherited Permissions (Threads)": "The `SEND_MESSAGES` permission is not
//!   inherited; users must have `SEND_MESSAGES_IN_THREADS` to send a message in a thread";
//!   `CREATE_PUBLIC_THREADS` (`1 << 35`) "Allows for creating public and announcement threads".
//!
//! A message with an embed where the bot lacks `EMBED_LINKS` is refused the same way; the
//! documentation does not say so, Discord's own tracker does (discord-api-docs issue #2601:
//! sending an embed "with the permission disabled" answers "Forbidden 403: 'Missing
//! Permissions'"; discord.js issue #7544: the same embed works through the interaction).

use super::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// `SEND_MESSAGES`, `1 << 11`.
pub const SEND_MESSAGES: u64 = 1 << 11;
/// `EMBED_LINKS`, `1 << 14`.
pub const EMBED_LINKS: u64 = 1 << 14;
/// `CREATE_PUBLIC_THREADS`, `1 << 35`: "Allows for creating public and announcement threads".
pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
/// `SEND_MESSAGES_IN_THREADS`, `1 << 38`: "Allows for sending messages in threads".
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
/// `MANAGE_GUILD`, `1 << 5`: "Allows management and editing of the guild".
pub const MANAGE_GUILD: u64 = 1 << 5;
/// `ADMINISTRATOR`, `1 << 3`.
const ADMINISTRATOR: u64 = 1 << 3;
/// Every permission the tests' bot has where nothing was taken away: every flag of the
/// documentation's table, `1 << 0` to `1 << 52` (`1 << 47` is not one).
const ALL: u64 = ((1 << 53) - 1) & !(1 << 47);

/// The bot's permissions in `channel`, as an interaction's `app_permissions` says them.
pub(super) fn app_permissions(s: &State, channel: u64) -> String {
    granted(s, channel).to_string()
}

/// The bot's permissions in `channel`: a thread's are its parent's (Permissions, "Inherited
/// Permissions (Threads)": "Threads inherit permissions from the parent channel").
pub(super) fn granted(s: &State, channel: u64) -> u64 {
    let channel = super::threads::permission_source(s, channel);
    match s.denied.get(&channel) {
        None => ALL,
        // `ADMINISTRATOR` (1 << 3) "Allows all permissions and bypasses channel permission
        // overwrites": a bot that lacks something is no administrator.
        Some(denied) => ALL & !denied & !ADMINISTRATOR,
    }
}

/// Discord's 403 (50013) to a message created or edited in a channel where the bot lacks
/// `SEND_MESSAGES`, or with an embed where it lacks `EMBED_LINKS`; recorded.
pub(super) fn refuse_missing(
    s: &mut State,
    method: &str,
    segs: &[&str],
    body: &Value,
) -> Option<Response> {
    if !super::rest::posts_or_edits_a_message(method, segs) {
        return None;
    }
    let ["channels", channel, ..] = segs else {
        return None;
    };
    let channel: u64 = channel.parse().ok()?;
    let route = format!("{method} /{}", segs.join("/"));
    if s.closed_dms.contains(&channel) {
        s.refused_permissions.push(route);
        let body = json!({"message": "Cannot send messages to this user", "code": 50007});
        return Some((StatusCode::FORBIDDEN, axum::Json(body)).into_response());
    }
    let granted = granted(s, channel);
    let embeds = body["embeds"].as_array().is_some_and(|e| !e.is_empty());
    // In a thread, `SEND_MESSAGES_IN_THREADS` takes the place of `SEND_MESSAGES`.
    let send = match super::threads::kind(s, channel) {
        11 => SEND_MESSAGES_IN_THREADS,
        _ => SEND_MESSAGES,
    };
    let allowed = granted & send != 0 && (!embeds || granted & EMBED_LINKS != 0);
    if allowed {
        return None;
    }
    s.refused_permissions.push(route);
    let body = json!({"message": "Missing Permissions", "code": 50013});
    Some((StatusCode::FORBIDDEN, axum::Json(body)).into_response())
}
