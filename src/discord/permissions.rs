//! Channels where the bot may not post: what is missing, where answers go instead, and the one
//! sentence that tells the member.
//!
//! Discord's rules (its documentation): creating a message in a guild channel needs
//! `SEND_MESSAGES` (Create Message, "Limitations"), and Discord answers 403 with JSON error
//! code 50013 ("You lack permissions to perform that action") when it is missing, or when a
//! message carries an embed where the bot lacks `EMBED_LINKS`. An interaction's
//! `app_permissions` says beforehand what the bot may do where it was used. Responding to an
//! interaction goes through its webhook, which needs no channel permission, for the token's
//! 15 minutes; after that, a DM is the only way to reach the member.

use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::Permissions;

/// Discord's JSON error code for a missing permission.
const MISSING_PERMISSIONS: isize = 50013;

/// What the bot lacks in a channel, as far as it matters to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// Cards (embeds) are refused; text is not.
    EmbedLinks,
    /// Nothing may be posted (Discord: denying it implicitly denies `EMBED_LINKS` too).
    SendMessages,
}

/// What an interaction's `app_permissions` says is missing (`None`: nothing, or not given).
pub(crate) fn missing_in(app_permissions: Option<Permissions>) -> Option<Missing> {
    let granted = app_permissions?;
    if granted.administrator() {
        return None;
    }
    if !granted.send_messages() {
        Some(Missing::SendMessages)
    } else if !granted.embed_links() {
        Some(Missing::EmbedLinks)
    } else {
        None
    }
}

/// What a 50013 to a channel message teaches, given what was known and whether the refused
/// message had a card: a card alone may be the problem (try text next), text means the
/// channel is closed.
pub(crate) fn learn(known: Option<Missing>, had_card: bool) -> Missing {
    match known {
        None if had_card => Missing::EmbedLinks,
        _ => Missing::SendMessages,
    }
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// The channel itself (cards as text when `EMBED_LINKS` is missing).
    Channel,
    /// The interaction's webhook: a public follow-up in the same channel.
    Interaction,
    /// A DM to the member.
    Dm,
}

/// Where messages go, given what is missing and whether the interaction's token lives.
pub(crate) fn route(missing: Option<Missing>, token_lives: bool) -> Route {
    match missing {
        Some(Missing::SendMessages) if token_lives => Route::Interaction,
        Some(Missing::SendMessages) => Route::Dm,
        _ => Route::Channel,
    }
}

/// Whether Discord refused for a missing permission (403, code 50013).
pub(crate) fn is_missing_permission(e: &serenity::Error) -> bool {
    matches!(
        e,
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
            if r.error.code == MISSING_PERMISSIONS
    )
}

/// The sentence that tells the member what is missing in `channel`, for a message taking
/// `route`.
pub(crate) fn notice(lang: Lang, missing: Missing, route: Route, channel: u64) -> String {
    let channel = channel.to_string();
    match (missing, route) {
        (Missing::EmbedLinks, _) => tr!(lang, "discord-missing-embed-links"),
        (Missing::SendMessages, Route::Dm) => {
            tr!(lang, "discord-missing-send-dm", channel = channel)
        }
        (Missing::SendMessages, _) => tr!(lang, "discord-missing-send-here"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_app_permissions_say_is_missing() {
        // An administrator has every permission (Discord: it "bypasses channel permission
        // overwrites"), so the other rows leave it out.
        let all = Permissions::all() - Permissions::ADMINISTRATOR;
        let rows = [
            (None, None),
            (Some(all), None),
            (
                Some(all - Permissions::EMBED_LINKS),
                Some(Missing::EmbedLinks),
            ),
            (
                Some(all - Permissions::SEND_MESSAGES),
                Some(Missing::SendMessages),
            ),
            (
                Some(all - Permissions::SEND_MESSAGES - Permissions::EMBED_LINKS),
                Some(Missing::SendMessages),
            ),
            (Some(Permissions::VIEW_CHANNEL), Some(Missing::SendMessages)),
            (Some(Permissions::ADMINISTRATOR), None),
            (Some(Permissions::all()), None),
        ];
        for (granted, want) in rows {
            assert_eq!(missing_in(granted), want, "{granted:?}");
        }
    }

    #[test]
    fn what_a_refusal_teaches() {
        let rows = [
            (None, true, Missing::EmbedLinks),
            (None, false, Missing::SendMessages),
            (Some(Missing::EmbedLinks), false, Missing::SendMessages),
            (Some(Missing::EmbedLinks), true, Missing::SendMessages),
            (Some(Missing::SendMessages), true, Missing::SendMessages),
        ];
        for (known, had_card, want) in rows {
            assert_eq!(learn(known, had_card), want, "{known:?} {had_card}");
        }
    }

    #[test]
    fn where_messages_go() {
        let rows = [
            (None, true, Route::Channel),
            (None, false, Route::Channel),
            (Some(Missing::EmbedLinks), true, Route::Channel),
            (Some(Missing::EmbedLinks), false, Route::Channel),
            (Some(Missing::SendMessages), true, Route::Interaction),
            (Some(Missing::SendMessages), false, Route::Dm),
        ];
        for (missing, lives, want) in rows {
            assert_eq!(route(missing, lives), want, "{missing:?} {lives}");
        }
    }

    #[test]
    fn the_notice_names_the_permission_in_the_members_language() {
        for lang in [Lang::En, Lang::ZhCn] {
            let dm = notice(lang, Missing::SendMessages, Route::Dm, 42);
            assert!(dm.contains("<#42>"), "{dm}");
            let here = notice(lang, Missing::SendMessages, Route::Interaction, 42);
            let cards = notice(lang, Missing::EmbedLinks, Route::Channel, 42);
            assert_ne!(here, cards);
        }
        let en = notice(Lang::En, Missing::SendMessages, Route::Interaction, 1);
        assert!(en.contains("Send Messages"), "{en}");
        let en = notice(Lang::En, Missing::EmbedLinks, Route::Channel, 1);
        assert!(en.contains("Embed Links"), "{en}");
    }
}
