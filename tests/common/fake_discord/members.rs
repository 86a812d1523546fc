//! Members as Discord shows them: in interactions (with `roles` and `permissions`), in a guild
//! `MESSAGE_CREATE` (a partial member, without `user`), the roles a test gives them, and slash
//! commands that name a subcommand.
//!
//! Discord's documentation:
//! - Interactions, "Interaction Object": `member?`, "Guild member data for the invoking user,
//!   including permissions"; the guild member object's `permissions?`, "Total permissions of the
//!   member in the channel, including overwrites, returned when in the interaction object" (a
//!   string, like every permission field since v8), and `roles`, "array of role object ids".
//! - Application Commands, "Subcommands and Subcommand Groups": the interaction's
//!   `data.options` holds one option of type 2 (SUB_COMMAND_GROUP) whose `options` hold one of
//!   type 1 (SUB_COMMAND), or that type-1 option directly, whose `options` are the ones the
//!   member filled in (the documentation's example payloads).
//! - Interactions, "Resolved Data Structure": `users`, `members` ("Partial Member objects are
//!   missing user, deaf and mute fields"), `roles`, `channels` ("Partial Channel objects only have
//!   id, name, type and permissions fields. Threads will also have thread_metadata and parent_id
//!   fields"), for the options of type USER (6), ROLE (8), CHANNEL (7) and MENTIONABLE (9).

use super::{user_json, FakeDiscord, State};
use serde_json::{json, Map, Value};

/// The permissions [`member`] has: every permission of the first 31 bits (as before), so
/// `ADMINISTRATOR` and `MANAGE_GUILD` (`1 << 5`) among them.
pub const MEMBER_PERMISSIONS: u64 = 2_147_483_647;

/// A guild member with every permission ([`MEMBER_PERMISSIONS`]).
pub fn member(user: u64) -> Value {
    member_with(user, MEMBER_PERMISSIONS)
}

/// A guild member whose permissions in the channel are `permissions` (a bitfield: e.g.
/// `MEMBER_PERMISSIONS & !(1 << 3) & !(1 << 5)` for a member who cannot manage the server).
/// Roles given with [`FakeDiscord::give_role`] are added when it is used.
pub fn member_with(user: u64, permissions: u64) -> Value {
    json!({
        "user": user_json(user, false),
        "roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
        "flags": 0, "pending": false, "nick": null, "avatar": null, "premium_since": null,
        "permissions": permissions.to_string(),
    })
}

/// A role object (Permissions, "Role Object"), with `permissions` as a string.
pub(super) fn role_json(guild: u64, role: u64, permissions: u64) -> Value {
    let name = if role == guild {
        "@everyone".to_string()
    } else {
        format!("role{role}")
    };
    json!({"id": role.to_string(), "name": name, "color": 0,
           "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
           "hoist": false, "icon": null, "unicode_emoji": null, "position": 0,
           "permissions": permissions.to_string(), "managed": false, "mentionable": false, "flags": 0})
}

impl FakeDiscord {
    /// `user` gets `role`: their later messages and interactions list it in `member.roles`.
    pub fn give_role(&self, user: u64, role: u64) {
        let mut s = self.state.lock().unwrap();
        s.roles.entry(user).or_default().insert(role);
    }

    /// Notes that `channel` is in `guild`, and returns `member` with the roles the test gave
    /// them, and the interaction's partial `channel` object.
    pub(super) fn seen_in_guild(
        &self,
        guild: u64,
        channel: u64,
        mut member: Value,
    ) -> (Value, Value) {
        let mut s = self.state.lock().unwrap();
        s.guild_channels.entry(channel).or_insert(guild);
        let user = member["user"]["id"]
            .as_str()
            .and_then(|u| u.parse::<u64>().ok());
        let given = user
            .and_then(|u| s.roles.get(&u))
            .cloned()
            .unwrap_or_default();
        let mut roles: Vec<String> = member["roles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
        roles.extend(given.iter().map(u64::to_string));
        roles.sort();
        roles.dedup();
        member["roles"] = json!(roles);
        (member, super::threads::partial_channel(&s, channel))
    }

    /// The `options` and `resolved` of a slash command naming a subcommand (`path`: the
    /// subcommand, or a group and its subcommand) whose own options are `leaf`
    /// (`[{"name", "type", "value"}]`), for [`FakeDiscord::slash_as`] or
    /// [`FakeDiscord::slash_in`]. Options of type USER (6), CHANNEL (7) and ROLE (8) are
    /// resolved as Discord does.
    pub fn sub_options(&self, path: &[&str], leaf: Value) -> Value {
        let resolved = resolve(&self.state.lock().unwrap(), &leaf);
        let mut options = leaf;
        for (depth, name) in path.iter().enumerate().rev() {
            // The last name is the subcommand (1); one before it, its group (2).
            let kind = if depth + 1 == path.len() { 1 } else { 2 };
            options = json!([{"name": name, "type": kind, "options": options}]);
        }
        json!({"options": options, "resolved": resolved})
    }

    /// A member runs `/command path… leaf…` (see [`FakeDiscord::sub_options`]) in `channel`;
    /// returns the interaction token.
    pub fn slash_sub(
        &self,
        command: &str,
        path: &[&str],
        leaf: Value,
        channel: u64,
        member: Value,
    ) -> String {
        let options = self.sub_options(path, leaf);
        self.slash_as(command, options, channel, member)
    }
}

/// The resolved data of `options`' users, channels and roles.
fn resolve(s: &State, options: &Value) -> Value {
    let mut resolved: Map<String, Value> = Map::new();
    let mut add = |kind: &str, id: &str, v: Value| {
        let entry = resolved.entry(kind).or_insert_with(|| json!({}));
        entry[id] = v;
    };
    for option in options.as_array().into_iter().flatten() {
        let Some(id) = option["value"].as_str() else {
            continue;
        };
        let number: u64 = id.parse().unwrap_or(0);
        match option["type"].as_u64() {
            Some(6) => {
                add("users", id, user_json(number, false));
                let mut m = member(number);
                if let Some(m) = m.as_object_mut() {
                    for key in ["user", "deaf", "mute"] {
                        m.remove(key);
                    }
                }
                add("members", id, m);
            }
            Some(7) => {
                let mut channel = super::threads::partial_channel(s, number);
                channel["name"] = json!(format!("channel{number}"));
                channel["permissions"] = json!(MEMBER_PERMISSIONS.to_string());
                add("channels", id, channel);
            }
            Some(8) => add("roles", id, role_json(super::GUILD_ID, number, 0)),
            _ => {}
        }
    }
    Value::Object(resolved)
}
