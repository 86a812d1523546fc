//! Pure pieces of the Discord front: session scopes, button custom ids, attachment checks.

use crate::config::SessionScope;
use crate::engine::gui::Suggestion;
use crate::engine::Cancellable;
use crate::files::{check_size, kind_of_name, FileProblem};
use fnv::FnvHasher;
use std::hash::Hasher;

/// Discord's limit on a component's custom id.
pub const MAX_CUSTOM_ID: usize = 100;

/// The scope (session owner) of a message: DMs are always the user's own.
pub fn scope_key(scope: SessionScope, in_guild: bool, channel: u64, user: u64) -> String {
    match (in_guild, scope) {
        (true, SessionScope::Channel) => format!("channel:{channel}"),
        _ => format!("user:{user}"),
    }
}

/// A button's custom id: what it does and for which scope, so it works after a restart.
pub fn button_id(action: Suggestion, scope: &str) -> String {
    let verb = match action {
        Suggestion::Export => "export",
        Suggestion::Status => "status",
    };
    let id = format!("mvb:{verb}:{scope}");
    debug_assert!(id.len() <= MAX_CUSTOM_ID);
    id
}

/// Reads a custom id made by [`button_id`].
pub fn parse_button_id(id: &str) -> Option<(Suggestion, String)> {
    let rest = id.strip_prefix("mvb:")?;
    let (verb, scope) = rest.split_once(':')?;
    let action = match verb {
        "export" => Suggestion::Export,
        "status" => Suggestion::Status,
        _ => return None,
    };
    valid_scope(scope).then(|| (action, scope.to_string()))
}

/// What an Edit custom id opens or carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditId {
    /// The Edit button of a scope: a click opens the form.
    Button(String),
    /// The Edit form of a scope: its submit is the next turn.
    Form(String),
}

/// The custom id of the Edit button, or of the form it opens, with its scope.
pub fn edit_id(id: &EditId) -> String {
    let id = match id {
        EditId::Button(scope) => format!("mvb:edit:{scope}"),
        EditId::Form(scope) => format!("mvb:edited:{scope}"),
    };
    debug_assert!(id.len() <= MAX_CUSTOM_ID);
    id
}

/// Reads a custom id made by [`edit_id`].
pub fn parse_edit_id(id: &str) -> Option<EditId> {
    let (verb, scope) = id.strip_prefix("mvb:")?.split_once(':')?;
    if !valid_scope(scope) {
        return None;
    }
    match verb {
        "edit" => Some(EditId::Button(scope.to_string())),
        "edited" => Some(EditId::Form(scope.to_string())),
        _ => None,
    }
}

/// The custom id of a Cancel button: what it stops and the Discord user who asked for it,
/// so that any process can check who may press it and obey it (`mvb:cancel:export:<job>:<user>`);
/// `None` when it would not fit Discord's limit.
pub fn cancel_id(what: &Cancellable, user: u64) -> Option<String> {
    let id = match what {
        Cancellable::Export(job) => format!("mvb:cancel:export:{job}:{user}"),
        Cancellable::Waiting(place) => format!("mvb:cancel:waiting:{place}:{user}"),
        Cancellable::Turn(turn) => format!("mvb:cancel:turn:{turn}:{user}"),
    };
    (id.len() <= MAX_CUSTOM_ID).then_some(id)
}

/// Reads a custom id made by [`cancel_id`]: what it stops and who asked.
pub fn parse_cancel_id(id: &str) -> Option<(Cancellable, u64)> {
    let rest = id.strip_prefix("mvb:cancel:")?;
    let (kind, rest) = rest.split_once(':')?;
    let (what, user) = rest.rsplit_once(':')?;
    let user = user.parse().ok().filter(|u| *u > 0)?;
    let plain = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    if what.is_empty() || !what.bytes().all(plain) {
        return None;
    }
    match kind {
        "export" => Some((Cancellable::Export(what.to_string()), user)),
        "waiting" => Some((Cancellable::Waiting(what.to_string()), user)),
        "turn" => Some((Cancellable::Turn(what.to_string()), user)),
        _ => None,
    }
}

/// A scope as [`scope_key`] makes them: `channel:<id>` or `user:<id>`.
fn valid_scope(scope: &str) -> bool {
    scope.split_once(':').is_some_and(|(kind, num)| {
        matches!(kind, "channel" | "user")
            && !num.is_empty()
            && num.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Whether a user clicking in a channel may use a button of `scope`: a channel's project is
/// for whoever is in that channel, a user's project for that user only.
pub fn may_use(scope: &str, channel: u64, user: u64) -> bool {
    match scope.split_once(':') {
        Some(("channel", id)) => id == channel.to_string(),
        Some(("user", id)) => id == user.to_string(),
        _ => false,
    }
}

/// What an Another take button asks for again: the member's words themselves, or the video
/// whose kept record has them (words too long for a custom id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeOf {
    /// The words (empty: the default request).
    Words(String),
    /// The video's render id.
    Video(String),
}

/// The custom id of a finished video's Another take button: the Discord user who asked for
/// it and their words (`mvb:take:<user>:<words>`, empty for the default request), so that a
/// press in any process, after any restart, can make it again; when the words do not fit
/// Discord's limit, the video whose record keeps them (`mvb:retake:<user>:<video>`); `None`
/// when neither fits.
pub fn take_id(user: u64, words: &str, video: &str) -> Option<String> {
    [
        format!("mvb:take:{user}:{words}"),
        format!("mvb:retake:{user}:{video}"),
    ]
    .into_iter()
    .find(|id| id.len() <= MAX_CUSTOM_ID)
}

/// Reads a custom id made by [`take_id`]: who asked, and what to ask for again.
pub fn parse_take_id(id: &str) -> Option<(u64, TakeOf)> {
    let (user, of) = match id.strip_prefix("mvb:take:") {
        Some(rest) => {
            let (user, words) = rest.split_once(':')?;
            (user, TakeOf::Words(words.to_string()))
        }
        None => {
            let (user, video) = id.strip_prefix("mvb:retake:")?.split_once(':')?;
            (!video.is_empty()).then_some((user, TakeOf::Video(video.to_string())))?
        }
    };
    let user = user.parse().ok().filter(|u| *u > 0)?;
    Some((user, of))
}

/// The custom id of the button that confirms `/forget-me` for `user` (only they may press it).
pub fn forget_id(user: u64) -> String {
    format!("mvb:forget:{user}")
}

/// Reads a custom id made by [`forget_id`]: whose data it deletes.
pub fn parse_forget_id(id: &str) -> Option<u64> {
    id.strip_prefix("mvb:forget:")?.parse().ok()
}

/// What a `/videos` paging button shows: here (the channel it is pressed in) or everywhere,
/// which page, and whose videos (only they may page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideosId {
    /// Only the videos made in the channel the card is in.
    pub here: bool,
    /// The page to show, from 0.
    pub page: usize,
    /// The member whose videos they are.
    pub user: u64,
}

/// The custom id of a `/videos` paging button (`mvb:videos:<h|a>:<page>:<user>`, at most 56
/// characters): everything it needs, so it works after a restart and in any process.
pub fn videos_id(id: &VideosId) -> String {
    let here = if id.here { "h" } else { "a" };
    let text = format!("mvb:videos:{here}:{}:{}", id.page, id.user);
    debug_assert!(text.len() <= MAX_CUSTOM_ID);
    text
}

/// Reads a custom id made by [`videos_id`].
pub fn parse_videos_id(id: &str) -> Option<VideosId> {
    let mut parts = id.strip_prefix("mvb:videos:")?.split(':');
    let here = match parts.next()? {
        "h" => true,
        "a" => false,
        _ => return None,
    };
    let page = parts.next()?.parse().ok()?;
    let user = parts.next()?.parse().ok().filter(|u| *u > 0)?;
    parts
        .next()
        .is_none()
        .then_some(VideosId { here, page, user })
}

/// Checks an attachment from what Discord says of it, before downloading anything.
pub fn check_attachment(name: &str, size: u64) -> Result<(), FileProblem> {
    kind_of_name(name)?;
    check_size(name, size)
}

/// Discord keeps a message nonce to 25 characters.
const MAX_NONCE: usize = 25;

/// The nonce for a message that must appear once: Discord drops a second message with the same
/// nonce from the same bot for a few minutes (`enforce_nonce`), which covers a link posted again
/// by an export resumed after a crash. Keys that fit are used as they are; longer ones hashed.
pub fn nonce_for(key: &str) -> String {
    if key.len() <= MAX_NONCE {
        return key.to_string();
    }
    // 64-bit FNV-1a over the key's bytes: a fixed algorithm, so a process after a restart (or
    // a newer build) hashes a key to the same nonce, unlike std's hasher. `write`, not
    // `Hash::hash`, which would add a terminator byte to a `str`.
    let mut hasher = FnvHasher::default();
    hasher.write(key.as_bytes());
    format!("k{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_ids_name_their_member() {
        assert_eq!(parse_forget_id(&forget_id(20)), Some(20));
        for id in [
            "mvb:forget:",
            "mvb:forget:x",
            "mvb:export:channel:1",
            "forget:20",
        ] {
            assert_eq!(parse_forget_id(id), None, "{id}");
        }
    }

    #[test]
    fn videos_ids_round_trip_and_stay_short() {
        for id in [
            VideosId {
                here: true,
                page: 0,
                user: 1,
            },
            VideosId {
                here: false,
                page: usize::MAX,
                user: u64::MAX,
            },
        ] {
            let text = videos_id(&id);
            assert!(text.len() <= MAX_CUSTOM_ID, "{text}");
            assert_eq!(parse_videos_id(&text), Some(id));
            assert_eq!(parse_button_id(&text), None, "not an Export/Status id");
            assert_eq!(parse_cancel_id(&text), None, "not a Cancel id");
        }
        for bad in [
            "",
            "mvb:videos:",
            "mvb:videos:x:0:5",
            "mvb:videos:h:-1:5",
            "mvb:videos:h:0:0",
            "mvb:videos:h:0:5:6",
            "mvb:videos:h:0",
            "mvb:forget:5",
        ] {
            assert_eq!(parse_videos_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn scopes() {
        let rows = [
            (SessionScope::Channel, true, "channel:10"),
            (SessionScope::User, true, "user:20"),
            (SessionScope::Channel, false, "user:20"),
            (SessionScope::User, false, "user:20"),
        ];
        for (scope, in_guild, want) in rows {
            assert_eq!(scope_key(scope, in_guild, 10, 20), want);
        }
    }

    #[test]
    fn button_ids_round_trip_and_stay_short() {
        let scope = format!("channel:{}", u64::MAX);
        for action in [Suggestion::Export, Suggestion::Status] {
            let id = button_id(action, &scope);
            assert!(id.len() <= MAX_CUSTOM_ID);
            assert_eq!(parse_button_id(&id), Some((action, scope.clone())));
        }
        for bad in [
            "",
            "mvb:",
            "mvb:export",
            "mvb:dance:channel:1",
            "mvb:export:guild:1",
            "mvb:export:user:",
            "mvb:export:user:1x",
            "other:export:user:1",
        ] {
            assert_eq!(parse_button_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn edit_ids_round_trip_and_stay_short() {
        let longest = [
            format!("channel:{}", u64::MAX),
            format!("user:{}", u64::MAX),
        ];
        for scope in longest {
            for id in [EditId::Button(scope.clone()), EditId::Form(scope.clone())] {
                let text = edit_id(&id);
                assert!(text.len() <= MAX_CUSTOM_ID, "{text}");
                assert_eq!(parse_edit_id(&text), Some(id));
                assert_eq!(parse_button_id(&text), None, "not an Export/Status id");
            }
        }
        let rows = [
            ("mvb:edit:user:1", Some(EditId::Button("user:1".into()))),
            (
                "mvb:edited:channel:2",
                Some(EditId::Form("channel:2".into())),
            ),
            ("mvb:export:user:1", None),
            ("mvb:edit:guild:1", None),
            ("mvb:edit:user:", None),
            ("mvb:edited:user:1x", None),
            ("mvb:edit", None),
            ("other:edit:user:1", None),
            ("", None),
        ];
        for (text, want) in rows {
            assert_eq!(parse_edit_id(text), want, "{text}");
        }
    }

    #[test]
    fn cancel_ids_round_trip_and_stay_short() {
        let job = format!("render_{}_{}", u64::MAX, "f".repeat(32));
        let what = Cancellable::Export(job);
        let id = cancel_id(&what, u64::MAX).expect("the longest fits");
        assert!(id.len() <= MAX_CUSTOM_ID, "{id}");
        assert_eq!(parse_cancel_id(&id), Some((what, u64::MAX)));
        assert_eq!(parse_button_id(&id), None, "not an Export/Status id");
        assert_eq!(parse_edit_id(&id), None, "not an Edit id");
        assert_eq!(cancel_id(&Cancellable::Export("r".repeat(90)), 1), None);
        for short in [
            Cancellable::Waiting("f".repeat(32)),
            Cancellable::Turn("e".repeat(32)),
        ] {
            let id = cancel_id(&short, u64::MAX).expect("fits");
            assert_eq!(parse_cancel_id(&id), Some((short, u64::MAX)));
        }
        for bad in [
            "",
            "mvb:cancel:export:render_1",
            "mvb:cancel:export:render_1:0",
            "mvb:cancel:export:render_1:x",
            "mvb:cancel:export::5",
            "mvb:cancel:export:a b:5",
            "mvb:cancel:dance:render_1:5",
            "mvb:export:user:1",
        ] {
            assert_eq!(parse_cancel_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn take_ids_carry_who_asked_and_their_words_or_their_video() {
        let words = |w: &str| Some(TakeOf::Words(w.to_string()));
        let video = Some(TakeOf::Video("render_1".into()));
        let long_video = "r".repeat(100);
        let rows = [
            (
                5,
                "make it neon: a city at night",
                "render_1",
                words("make it neon: a city at night"),
            ),
            (u64::MAX, "", "render_1", words("")),
            (
                u64::MAX,
                &"w".repeat(70),
                "render_1",
                words(&"w".repeat(70)),
            ),
            (u64::MAX, &"w".repeat(71), "render_1", video),
            (u64::MAX, &"w".repeat(71), &long_video, None),
        ];
        for (user, words, video, of) in rows {
            let id = take_id(user, words, video);
            assert_eq!(id.is_some(), of.is_some(), "{words}");
            let Some(id) = id else { continue };
            assert!(id.len() <= MAX_CUSTOM_ID, "{id}");
            assert_eq!(parse_take_id(&id), of.map(|of| (user, of)));
            assert_eq!(parse_cancel_id(&id), None, "not a Cancel id");
            assert_eq!(parse_button_id(&id), None, "not an Export/Status id");
        }
        for bad in [
            "",
            "mvb:take:",
            "mvb:take:0:x",
            "mvb:take:x:y",
            "mvb:take:5",
            "mvb:retake:5:",
            "mvb:retake:5",
            "mvb:retake:0:render_1",
            "mvb:export:user:1",
        ] {
            assert_eq!(parse_take_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn buttons_belong_to_their_scope() {
        let rows = [
            ("channel:5", 5, 9, true),
            ("channel:5", 6, 9, false),
            ("user:9", 6, 9, true),
            ("user:9", 6, 8, false),
            ("junk", 5, 9, false),
        ];
        for (scope, channel, user, ok) in rows {
            assert_eq!(
                may_use(scope, channel, user),
                ok,
                "{scope} {channel} {user}"
            );
        }
    }

    #[test]
    fn nonces_fit_and_are_stable() {
        assert_eq!(nonce_for("render_1764000000000"), "render_1764000000000");
        let long = "render_".repeat(10);
        let nonce = nonce_for(&long);
        assert!(nonce.len() <= MAX_NONCE);
        assert_eq!(nonce, nonce_for(&long));
        assert_ne!(nonce, nonce_for(&format!("{long}x")));
        // Pinned (what the hand-written FNV-1a gave): a link posted again after a restart or an
        // upgrade must carry the same nonce.
        assert_eq!(nonce, "k63c7930955512957");
    }

    #[test]
    fn attachments_are_refused_before_download() {
        assert!(check_attachment("song.mp3", 5_000_000).is_ok());
        let big = check_attachment("song.wav", 250 * 1024 * 1024)
            .unwrap_err()
            .to_string();
        assert!(big.contains("200 MB"), "{big}");
        let exe = check_attachment("a.exe", 10).unwrap_err().to_string();
        assert!(exe.contains("mp3"), "{exe}");
    }
}
