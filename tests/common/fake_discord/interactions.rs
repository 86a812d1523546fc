//! What an interaction's responses show, as Discord keeps them: the original response (made by
//! the callback, or "thinking…" after a deferral until it is edited), its follow-ups, and who
//! sees each (the ephemeral flag, `1 << 6`).
//!
//! Discord's "Receiving and Responding" page, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (5): "ACK an
//! interaction and edit a response later, the user sees a loading state"; DEFERRED_UPDATE_MESSAGE
//! (6): "the user does not see a loading state". And under Create Followup Message: "When using
//! this endpoint directly after responding to an interaction with
//! DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, this endpoint will function as Edit Original
//! Interaction Response [...] no new message will be created, and the loading message will be
//! edited instead. The ephemeral flag will be ignored, and the value you provided in the initial
//! defer response will be preserved, as an existing message's ephemeral state cannot be
//! changed."

use super::{Msg, State};
use serde_json::Value;

/// The ephemeral message flag.
const EPHEMERAL: u64 = 1 << 6;

/// An interaction's original response.
#[derive(Debug, Clone, Copy)]
pub(super) struct Original {
    /// Only the member sees it.
    ephemeral: bool,
    /// A deferral (callback 5) never edited since: the member sees "thinking…".
    loading: bool,
}

fn ephemeral(body: &Value) -> bool {
    body["flags"].as_u64().is_some_and(|f| f & EPHEMERAL != 0)
}

/// Interaction tokens are `itoken<id>`; the original response's message id comes from it.
pub(super) fn original_id(token: &str) -> u64 {
    token
        .trim_start_matches("itoken")
        .parse::<u64>()
        .unwrap_or(0)
        + 500_000_000_000_000
}

/// An accepted callback: a message (4) is the original response at once, a deferral (5) shows
/// "thinking…" with the visibility it asked for, an update (7) edits the message whose button
/// was clicked; other types make no message.
pub(super) fn responded(s: &mut State, token: &str, body: &Value) {
    let data = &body["data"];
    match body["type"].as_u64() {
        Some(4) => {
            let original = Original {
                ephemeral: ephemeral(data),
                loading: false,
            };
            s.originals.insert(token.to_string(), original);
            write(s, token, original_id(token), data, original.ephemeral);
        }
        Some(5) => {
            let original = Original {
                ephemeral: ephemeral(data),
                loading: true,
            };
            s.originals.insert(token.to_string(), original);
        }
        Some(7) => {
            if let Some(id) = s.clicked.get(token).copied() {
                super::rest::upsert(s, 0, Some(id), data);
            }
        }
        _ => {}
    }
}

/// `PATCH …/messages/@original`: the original response edited (a deferral's keeps its
/// visibility and stops "thinking…").
pub(super) fn edit_original(s: &mut State, token: &str, body: &Value) -> Value {
    let visible = settle(s, token);
    write(s, token, original_id(token), body, visible)
}

/// `POST /webhooks/{app}/{token}`: a new message, or, right after a deferral, the deferred
/// message itself, with the deferral's visibility (the ephemeral flag ignored).
pub(super) fn follow_up(s: &mut State, token: &str, body: &Value) -> Value {
    let deferred = s.originals.get(token).is_some_and(|o| o.loading);
    if deferred {
        return edit_original(s, token, body);
    }
    let id = s.id();
    write(s, token, id, body, ephemeral(body))
}

/// `PATCH …/messages/{id}` ("Edit Followup Message"): a message the token sent, edited with
/// it, keeping who sees it; `None` when the token sent no such message.
pub(super) fn edit_follow_up(s: &mut State, token: &str, id: u64, body: &Value) -> Option<Value> {
    if s.interaction_messages.get(&id).map(String::as_str) != Some(token) {
        return None;
    }
    let ephemeral = s.messages.get(&id).is_some_and(|m| m.ephemeral);
    Some(write(s, token, id, body, ephemeral))
}

/// Ends a deferral's loading state; whether the original is ephemeral.
fn settle(s: &mut State, token: &str) -> bool {
    match s.originals.get_mut(token) {
        Some(o) => {
            o.loading = false;
            o.ephemeral
        }
        None => false,
    }
}

/// Creates or edits a message of the interaction `token` (kept in pseudo-channel 0, as the
/// token does not say its channel), remembering who sees it and where.
fn write(s: &mut State, token: &str, id: u64, body: &Value, ephemeral: bool) -> Value {
    s.interaction_messages.insert(id, token.to_string());
    let mut message = super::rest::upsert(s, 0, Some(id), body);
    if let Some(m) = s.messages.get_mut(&id) {
        m.ephemeral = ephemeral;
    }
    message["flags"] = serde_json::json!(if ephemeral { EPHEMERAL } else { 0 });
    if let Some(channel) = s.channels.get(token) {
        // Discord answers with the interaction's channel (serenity cannot read a channel id
        // of 0, and takes the answer for a failure).
        message["channel_id"] = serde_json::json!(channel.to_string());
    }
    message
}

/// The original response of `token` as the API returns it, shown in the interaction's
/// channel (none before the interaction was answered).
pub(super) fn original(s: &State, token: &str) -> Option<Value> {
    s.originals.get(token)?;
    let m = s.messages.get(&original_id(token))?;
    let mut message = super::rest::msg_json(m);
    if let Some(channel) = s.channels.get(token) {
        message["channel_id"] = serde_json::json!(channel.to_string());
    }
    message["flags"] = serde_json::json!(if m.ephemeral { EPHEMERAL } else { 0 });
    Some(message)
}

/// The original response of `token`, once it shows a message (not "thinking…"), in the
/// interaction's channel (as Discord's message object says; the fake keeps it apart).
pub(super) fn answered(s: &State, token: &str) -> Option<Msg> {
    let mut message = s
        .originals
        .get(token)
        .filter(|o| !o.loading)
        .and_then(|_| s.messages.get(&original_id(token)))
        .cloned()?;
    if let Some(channel) = s.channels.get(token) {
        message.channel = *channel;
    }
    Some(message)
}

/// Interactions deferred (callback 5) whose deferred message was never edited.
pub(super) fn thinking(s: &State) -> Vec<String> {
    s.originals
        .iter()
        .filter(|(_, o)| o.loading)
        .map(|(token, _)| token.clone())
        .collect()
}

/// Messages everyone in a server channel sees: not ephemeral, and in a guild channel (an
/// interaction's messages are in its channel).
pub(super) fn public_in_guilds(s: &State) -> Vec<Msg> {
    s.messages
        .values()
        .filter(|m| !m.ephemeral)
        .filter(|m| {
            let channel = match s.interaction_messages.get(&m.id) {
                Some(token) => s.channels.get(token).copied().unwrap_or(0),
                None => m.channel,
            };
            !s.dm_channels.contains(&channel)
        })
        .cloned()
        .collect()
}
