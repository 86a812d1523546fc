//! What a server's settings decide on Discord: whether a message is for the bot, whether a
//! member may use it, whether a request gets a thread of its own and what the thread is called.
//! Pure functions, so each rule is a table test.

use crate::config::LimitsConfig;
use crate::engine::capped;
use crate::engine::route::{route, Action};
use crate::i18n::Lang;
use crate::store::ServerSettings;
use crate::tr;

/// Discord's limit on a thread's name (Start Thread from Message: `name`, 1–100 characters).
pub const MAX_THREAD_NAME: usize = 100;

/// Where a message in a server stands with the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// Not for the bot: a channel it does not listen in, and no mention.
    No,
    /// In a channel the bot listens in, or mentioning it.
    Channel,
    /// In a thread the bot opened for a video: the thread's own project.
    Thread,
}

/// Whether the bot takes a message in `channel`: in a thread it opened, in a channel the
/// server chose (else one of the operator's `defaults`), or when it is mentioned.
pub fn heard(
    settings: &ServerSettings,
    defaults: &[u64],
    channel: u64,
    bot_thread: bool,
    mentioned: bool,
) -> Heard {
    if bot_thread {
        return Heard::Thread;
    }
    let listening = settings.channels.as_deref().unwrap_or(defaults);
    if mentioned || listening.contains(&channel) {
        Heard::Channel
    } else {
        Heard::No
    }
}

/// Whether a member may use the bot on a server that may have limited it to a role: members who
/// can manage the server always may (they set the role, and must be able to undo it).
pub fn may_use(settings: &ServerSettings, roles: &[u64], manages_server: bool) -> bool {
    match settings.role {
        None => true,
        Some(role) => manages_server || roles.contains(&role),
    }
}

/// What a member is told where their server keeps the bot to a role they lack.
pub fn role_required(lang: Lang, settings: &ServerSettings) -> String {
    let role = settings.role.unwrap_or_default().to_string();
    tr!(lang, "settings-role-required", role = role)
}

/// Whether a request heard in a channel moves into a thread of its own: the server turned
/// threads on, and the message asks for a video (it brings songs, or words for the agent —
/// not a command word such as "credits", which is answered where it was asked).
pub fn opens_thread(settings: &ServerSettings, heard: Heard, has_files: bool, words: &str) -> bool {
    if !settings.threads || heard != Heard::Channel {
        return false;
    }
    has_files || (!words.trim().is_empty() && route(words, false) == Action::Message)
}

/// A thread's name: the first song's name without its extension (Discord's underscores for
/// spaces turned back), else the member's words, cut to Discord's 100 characters (never empty:
/// "Music video").
pub fn thread_name(files: &[&str], words: &str) -> String {
    let song = files.first().map(|name| match name.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.replace('_', " "),
        _ => name.to_string(),
    });
    let name = song.unwrap_or_else(|| words.to_string());
    let name = name.split_whitespace().collect::<Vec<_>>();
    let name = name.join(" ");
    let name = if name.is_empty() {
        "Music video"
    } else {
        &name
    };
    name.chars().take(MAX_THREAD_NAME).collect()
}

/// The quotas that apply on a server, as its moderators read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    /// Turns per member per hour.
    pub turns: u32,
    /// Running exports per member.
    pub per_member: u32,
    /// Running exports per server.
    pub per_server: u32,
    /// Whether the server asked for more than the operator allows somewhere.
    pub capped: bool,
}

/// What applies on a server: its own quotas, the operator's `limits` as their ceiling.
pub fn quotas(settings: &ServerSettings, limits: &LimitsConfig) -> Quotas {
    let pick = |own: Option<u32>, ceiling: u32| capped(ceiling, own);
    let over = |own: Option<u32>, ceiling: u32| own.is_some_and(|o| o > ceiling);
    Quotas {
        turns: pick(settings.turns_per_hour, limits.turns_per_user_per_hour),
        per_member: pick(settings.exports_per_member, limits.exports_per_user),
        per_server: pick(settings.exports_per_server, limits.exports_per_guild),
        capped: over(settings.turns_per_hour, limits.turns_per_user_per_hour)
            || over(settings.exports_per_member, limits.exports_per_user)
            || over(settings.exports_per_server, limits.exports_per_guild),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut ServerSettings)) -> ServerSettings {
        let mut settings = ServerSettings::default();
        f(&mut settings);
        settings
    }

    #[test]
    fn a_message_is_heard_where_the_server_or_else_the_operator_says() {
        let unset = ServerSettings::default();
        let own = with(|s| s.channels = Some(vec![7]));
        let none = with(|s| s.channels = Some(vec![]));
        // (settings, channel, bot's thread, mentioned) → heard
        let table = [
            (&unset, 5, false, false, Heard::Channel), // the operator's default
            (&unset, 7, false, false, Heard::No),
            (&own, 7, false, false, Heard::Channel),
            (&own, 5, false, false, Heard::No), // the server's choice replaces the default
            (&none, 5, false, true, Heard::Channel), // a mention is always heard
            (&none, 9, true, false, Heard::Thread),
            (&unset, 9, true, true, Heard::Thread),
        ];
        for (settings, channel, thread, mentioned, want) in table {
            let got = heard(settings, &[5], channel, thread, mentioned);
            assert_eq!(
                got, want,
                "channel {channel}, thread {thread}, {settings:?}"
            );
        }
    }

    #[test]
    fn a_role_limits_members_but_never_moderators() {
        let open = ServerSettings::default();
        let limited = with(|s| s.role = Some(42));
        let table = [
            (&open, &[][..], false, true),
            (&limited, &[][..], false, false),
            (&limited, &[1, 42][..], false, true),
            (&limited, &[][..], true, true),
        ];
        for (settings, roles, moderator, want) in table {
            assert_eq!(
                may_use(settings, roles, moderator),
                want,
                "{roles:?} {moderator}"
            );
        }
    }

    #[test]
    fn only_requests_for_a_video_open_a_thread_when_threads_are_on() {
        let on = with(|s| s.threads = true);
        let off = ServerSettings::default();
        let table = [
            (&on, Heard::Channel, true, "", true),
            (&on, Heard::Channel, false, "make it dreamy and slow", true),
            (&on, Heard::Channel, false, "credits", false),
            (&on, Heard::Channel, false, "  ", false),
            (&on, Heard::Thread, true, "", false), // already in its thread
            (&off, Heard::Channel, true, "", false),
        ];
        for (settings, heard, files, words, want) in table {
            let got = opens_thread(settings, heard, files, words);
            assert_eq!(got, want, "{heard:?} files {files} {words:?}");
        }
    }

    #[test]
    fn threads_are_named_after_the_song_within_discords_limit() {
        let long = "x".repeat(150);
        let table = [
            (vec!["Summer Nights.mp3"], "", "Summer Nights".to_string()),
            (vec!["Summer_Nights.mp3"], "", "Summer Nights".to_string()),
            (vec!["a.b.mp3", "c.mp3"], "go", "a.b".to_string()),
            (vec![".mp3"], "", ".mp3".to_string()),
            (vec![], "make   it\nslow", "make it slow".to_string()),
            (vec![], "", "Music video".to_string()),
            (vec![], long.as_str(), "x".repeat(MAX_THREAD_NAME)),
        ];
        for (files, words, want) in table {
            assert_eq!(thread_name(&files, words), want, "{files:?} {words:?}");
        }
    }
}
