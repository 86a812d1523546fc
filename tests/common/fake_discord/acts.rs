//! What members do, as the gateway tells the bot: slash commands (with subcommands, see
//! [`FakeDiscord::sub_options`]), autocomplete, forms, messages and button clicks.
//!
//! Discord's documentation: Interactions, "Interaction Object" (the fields each carries) and
//! Gateway Events, "Message Create" (a guild message's `guild_id` and partial `member`).

use super::{member, message_json, user_json, FakeDiscord, Msg, APP_ID, GUILD_ID};
use serde_json::{json, Value};

impl FakeDiscord {
    /// A user runs a slash command in a channel; returns the interaction token.
    pub fn slash(&self, name: &str, options: Value, channel: u64, user: u64) -> String {
        self.slash_as(name, options, channel, member(user))
    }

    /// Like `slash`, with the member object (and so the permissions) given.
    pub fn slash_as(&self, name: &str, options: Value, channel: u64, member: Value) -> String {
        self.slash_in(name, options, channel, member, "en-US")
    }

    /// Like `slash_as`, from a member whose Discord client speaks `locale` (`zh-CN`, `en-US`…).
    pub fn slash_in(
        &self,
        name: &str,
        options: Value,
        channel: u64,
        member: Value,
        locale: &str,
    ) -> String {
        let (id, token) = {
            let mut s = self.state.lock().unwrap();
            let id = s.id();
            let token = format!("itoken{id}");
            s.issued.insert(token.clone(), tokio::time::Instant::now());
            s.kinds.insert(token.clone(), 2);
            s.channels.insert(token.clone(), channel);
            (id, token)
        };
        let app_permissions = self.app_permissions(channel);
        let (member, channel_object) = self.seen_in_guild(GUILD_ID, channel, member);
        let data = json!({
            "id": id.to_string(), "application_id": APP_ID.to_string(), "type": 2, "token": token, "version": 1,
            "guild_id": GUILD_ID.to_string(), "channel_id": channel.to_string(),
            "channel": channel_object,
            "member": member,
            "app_permissions": app_permissions, "locale": locale, "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {}, "context": 0,
            "attachment_size_limit": 10485760,
            "data": {"id": "1", "name": name, "type": options.get("type").cloned().unwrap_or(json!(1)),
                     "options": options.get("options").cloned().unwrap_or(json!([])),
                     "resolved": options.get("resolved").cloned().unwrap_or(json!({}))},
        });
        let mut data = data;
        if let Some(target) = options.get("target_id") {
            data["data"]["target_id"] = target.clone();
        }
        self.dispatch("INTERACTION_CREATE", data);
        token
    }

    /// A member types `typed` into `option` of `command` (an APPLICATION_COMMAND_AUTOCOMPLETE
    /// interaction, type 4); returns the interaction token.
    pub fn autocomplete(
        &self,
        command: &str,
        option: &str,
        typed: &str,
        channel: u64,
        user: u64,
    ) -> String {
        let data = json!({"id": "1", "name": command, "type": 1,
            "options": [{"name": option, "type": 3, "value": typed, "focused": true}]});
        self.interaction(4, data, channel, user)
    }

    /// A member sends back a form (a MODAL_SUBMIT interaction, type 5) whose one text field
    /// `field` holds `value`; returns the interaction token.
    pub fn submit_form(
        &self,
        custom_id: &str,
        field: &str,
        value: &str,
        channel: u64,
        user: u64,
    ) -> String {
        let data = json!({"custom_id": custom_id, "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": field, "value": value}]}]});
        self.interaction(5, data, channel, user)
    }

    /// An interaction of `kind` in a guild channel; returns its token.
    fn interaction(&self, kind: u8, data: Value, channel: u64, user: u64) -> String {
        let (id, token) = {
            let mut s = self.state.lock().unwrap();
            let id = s.id();
            let token = format!("itoken{id}");
            s.issued.insert(token.clone(), tokio::time::Instant::now());
            s.kinds.insert(token.clone(), kind);
            s.channels.insert(token.clone(), channel);
            (id, token)
        };
        let app_permissions = self.app_permissions(channel);
        let (member, channel_object) = self.seen_in_guild(GUILD_ID, channel, member(user));
        self.dispatch("INTERACTION_CREATE", json!({
            "id": id.to_string(), "application_id": APP_ID.to_string(), "type": kind, "token": token,
            "version": 1, "guild_id": GUILD_ID.to_string(), "channel_id": channel.to_string(),
            "channel": channel_object, "member": member,
            "app_permissions": app_permissions, "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {}, "context": 0,
            "attachment_size_limit": 10485760, "data": data,
        }));
        token
    }

    /// A user posts a message (a DM when `guild` is false); `<@APP_ID>` in it mentions the bot.
    /// Returns the message's id (a thread started from it gets the same id).
    pub fn message(
        &self,
        content: &str,
        attachments: Value,
        channel: u64,
        user: u64,
        guild: bool,
    ) -> u64 {
        let guild = guild.then_some(GUILD_ID);
        self.message_in(guild, content, attachments, channel, user)
    }

    /// [`FakeDiscord::message`] in `guild` (a DM when `None`); returns the message's id.
    pub fn message_in(
        &self,
        guild: Option<u64>,
        content: &str,
        attachments: Value,
        channel: u64,
        user: u64,
    ) -> u64 {
        let id = self.state.lock().unwrap().id();
        let mut data = message_json(
            id,
            channel,
            user_json(user, false),
            content,
            attachments,
            json!([]),
        );
        match guild {
            Some(guild) => {
                // Discord's Message Create extra fields: `guild_id`, and `member`, "a partial
                // guild member" of the author (without `user`: the author is the user).
                let (mut member, _) = self.seen_in_guild(guild, channel, member(user));
                if let Some(m) = member.as_object_mut() {
                    m.remove("user");
                    m.remove("permissions");
                }
                data["guild_id"] = json!(guild.to_string());
                data["member"] = member;
            }
            None => {
                self.state.lock().unwrap().dm_channels.insert(channel);
            }
        }
        // As Discord does, a `<@id>` in the text lists that user among the mentions.
        if content.contains(&format!("<@{APP_ID}>")) {
            data["mentions"] = json!([user_json(APP_ID, true)]);
        }
        self.state.lock().unwrap().posted.insert(id, data.clone());
        self.dispatch("MESSAGE_CREATE", data);
        id
    }

    /// A user clicks a button on a message.
    pub fn click(&self, custom_id: &str, message: &Msg, user: u64) {
        self.click_in(Some(GUILD_ID), custom_id, message, user);
    }

    /// [`FakeDiscord::click`] in `guild` (a DM when `None`).
    pub fn click_in(&self, guild: Option<u64>, custom_id: &str, message: &Msg, user: u64) {
        self.click_by(guild, custom_id, message, member(user));
    }

    /// [`FakeDiscord::click`] by a guild `member` object (with its permissions), in `guild` (a
    /// DM when `None`: then only the member's user is sent).
    pub fn click_by(&self, guild: Option<u64>, custom_id: &str, message: &Msg, member: Value) {
        let user: u64 = member["user"]["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .expect("a member object names its user");
        let id = {
            let mut s = self.state.lock().unwrap();
            let id = s.id();
            s.kinds.insert(format!("itoken{id}"), 3);
            s.channels.insert(format!("itoken{id}"), message.channel);
            s.clicked.insert(format!("itoken{id}"), message.id);
            id
        };
        let app_permissions = self.app_permissions(message.channel);
        let mut data = json!({
            "id": id.to_string(), "application_id": APP_ID.to_string(), "type": 3, "token": format!("itoken{id}"),
            "version": 1, "channel_id": message.channel.to_string(),
            "app_permissions": app_permissions, "locale": "en-US", "entitlements": [],
            "authorizing_integration_owners": {}, "context": 0, "attachment_size_limit": 10485760,
            "data": {"custom_id": custom_id, "component_type": 2},
            "message": message_json(message.id, message.channel, user_json(APP_ID, true), &message.content, json!([]), message.components.clone()),
        });
        data["message"]["embeds"] = message.embeds.clone();
        match guild {
            Some(guild) => {
                let (member, channel) = self.seen_in_guild(guild, message.channel, member);
                data["guild_id"] = json!(guild.to_string());
                data["guild_locale"] = json!("en-US");
                data["member"] = member;
                data["channel"] = channel;
            }
            None => {
                self.state
                    .lock()
                    .unwrap()
                    .dm_channels
                    .insert(message.channel);
                data["user"] = user_json(user, false);
                data["channel"] = json!({"id": message.channel.to_string(), "type": 1});
            }
        }
        self.dispatch("INTERACTION_CREATE", data);
    }
}
