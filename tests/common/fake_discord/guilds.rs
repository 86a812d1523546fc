//! The bot joining and leaving servers, as the gateway tells it.
//!
//! Discord's documentation (Gateway Events):
//! - "Guild Delete": "Sent when a guild becomes or was already unavailable due to an outage,
//!   or when the user leaves or is removed from a guild. The inner payload is an unavailable
//!   guild object. If the `unavailable` field is not set, the user was removed from the guild."
//!   (Guild, "Unavailable Guild Object": `id`, `unavailable`.)
//! - "Guild Create": sent "when the current user joins a new Guild" (and when one becomes
//!   available again): "a guild object with extra fields" — `joined_at`, `large`,
//!   `unavailable?`, `member_count`, `voice_states`, `members`, `channels`, `threads`,
//!   `presences`, `stage_instances`, `guild_scheduled_events`, `soundboard_sounds` ("Guild
//!   Create Extra Fields"). The guild object's own fields are Guild, "Guild Structure".

use super::members::role_json;
use super::{user_json, FakeDiscord, State, APP_ID};
use serde_json::{json, Value};

impl FakeDiscord {
    /// The bot is removed from `guild` (kicked, banned, or the server deleted): `GUILD_DELETE`
    /// `{id}`, without `unavailable`.
    pub fn remove_bot(&self, guild: u64) {
        self.dispatch("GUILD_DELETE", json!({"id": guild.to_string()}));
    }

    /// `guild` becomes unavailable in an outage: `GUILD_DELETE` `{id, unavailable: true}`.
    pub fn outage(&self, guild: u64) {
        let data = json!({"id": guild.to_string(), "unavailable": true});
        self.dispatch("GUILD_DELETE", data);
    }

    /// The bot joins `guild` (or it is back after an outage): `GUILD_CREATE` with the guild,
    /// its channels and threads as the fake knows them, and the bot as its member.
    pub fn add_bot(&self, guild: u64) {
        let data = guild_json(&self.state.lock().unwrap(), guild);
        self.dispatch("GUILD_CREATE", data);
    }
}

/// The guild object of a `GUILD_CREATE`: Guild Structure and the extra fields.
fn guild_json(s: &State, guild: u64) -> Value {
    let mut roles: Vec<u64> = s.roles.values().flatten().copied().collect();
    roles.sort();
    roles.dedup();
    // The `@everyone` role has the guild's id (Permissions, "Role Object").
    let mut role_objects = vec![role_json(guild, guild, super::MEMBER_PERMISSIONS)];
    role_objects.extend(roles.iter().map(|r| role_json(guild, *r, 0)));
    let channels: Vec<Value> = s
        .guild_channels
        .iter()
        .filter(|(c, g)| **g == guild && !s.threads.contains_key(c))
        .map(|(c, _)| {
            json!({"id": c.to_string(), "type": super::threads::kind(s, *c), "name": format!("channel{c}"),
                   "position": 0, "permission_overwrites": [], "nsfw": false, "parent_id": null,
                   "last_message_id": null, "rate_limit_per_user": 0, "topic": null, "flags": 0})
        })
        .collect();
    let threads: Vec<Value> = s
        .threads
        .values()
        .filter(|t| t.guild == guild)
        .map(super::threads::thread_json)
        .collect();
    let mut bot = super::member(APP_ID);
    bot["user"] = user_json(APP_ID, true);
    bot["communication_disabled_until"] = Value::Null;
    let mut out = json!({
        "id": guild.to_string(), "name": format!("guild{guild}"), "icon": null, "icon_hash": null,
        "splash": null, "discovery_splash": null, "owner_id": "1", "afk_channel_id": null,
        "afk_timeout": 300, "widget_enabled": false, "widget_channel_id": null,
        "verification_level": 0, "default_message_notifications": 0,
        "explicit_content_filter": 0, "roles": role_objects, "emojis": [], "features": [],
        "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "max_presences": null,
        "max_members": 500000, "vanity_url_code": null, "description": null, "banner": null,
        "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
        "public_updates_channel_id": null, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "approximate_member_count": null,
        "approximate_presence_count": null, "nsfw_level": 0, "stickers": [],
        "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    // Guild Create Extra Fields.
    let extra = json!({
        "joined_at": "2026-11-25T00:00:00.000000+00:00", "large": false, "unavailable": false,
        "member_count": 2, "voice_states": [], "members": [bot], "channels": channels,
        "threads": threads, "presences": [], "stage_instances": [],
        "guild_scheduled_events": [], "soundboard_sounds": [],
    });
    if let (Some(out), Some(extra)) = (out.as_object_mut(), extra.as_object()) {
        out.extend(extra.clone());
    }
    out
}
