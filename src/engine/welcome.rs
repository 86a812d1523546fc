//! What the product tells a newcomer: the first contact of a place (setting things up, then
//! connected, with the "Try saying" examples) and, after a long song is uploaded, the tip that
//! shorter tracks give more cohesive visuals.

use super::accounts::Accounts;
use super::front::Front;
use super::text::clock;
use super::{Actor, EngineError, Request};
use crate::files::{CheckedFile, MediaKind};
use crate::i18n::Lang;
use crate::tr;
use std::sync::Arc;

/// The product's "Try saying" examples, in its order.
pub fn examples(lang: Lang) -> [String; 3] {
    [
        tr!(lang, "welcome-example-mp3"),
        tr!(lang, "welcome-example-beat"),
        tr!(lang, "welcome-example-creators"),
    ]
}

/// The connected message: ready, and the examples to try.
pub fn connected(lang: Lang) -> String {
    let mut out = format!(
        "{}\n{}",
        tr!(lang, "welcome-connected"),
        tr!(lang, "welcome-try-saying")
    );
    for example in examples(lang) {
        out.push_str(&format!("\n• {example}"));
    }
    out
}

/// Whether `request` is one that makes something of a project (and so, in a place without a
/// session, gets the first contact). Reads and exports do not greet.
fn greets(request: &Request) -> bool {
    matches!(
        request,
        Request::MusicVideo { .. } | Request::Upload { .. } | Request::Say(_)
    )
}

/// Whether the first contact of a place should show the "Try saying" examples: only when the
/// request leaves the member to say what they want (a song dropped without words). A request
/// that already asks for something goes on at once, and a busy server where projects are per
/// member is not filled with one greeting per newcomer.
fn shows_examples(request: &Request) -> bool {
    matches!(request, Request::Upload { text, .. } if text.trim().is_empty())
}

/// First contact: in a place without a session, says that things are being set up (in the
/// status line, which the request's own progress then takes over) and makes the token and
/// session; when the member has yet to say what they want, it then says it is connected,
/// with the examples. Then the request goes on.
pub(crate) async fn first_contact(
    accounts: &Accounts,
    actor: &Actor,
    front: &Arc<dyn Front>,
    request: &Request,
) -> Result<(), EngineError> {
    if !greets(request) || accounts.existing_session(actor).await?.is_some() {
        return Ok(());
    }
    let lang = actor.language();
    super::front::notify(front, &tr!(lang, "welcome-setting-up")).await;
    accounts.session(actor).await?;
    if !shows_examples(request) {
        return Ok(());
    }
    // A courtesy: the request goes on whether or not the greeting could be shown.
    if let Err(e) = front.send(&connected(lang), true).await {
        tracing::warn!("could not say that the place is connected: {e}");
    }
    Ok(())
}

/// The tip for a song longer than [`crate::audio::TIP_ABOVE_SECONDS`], or `None`. The length
/// is what the upload answer reported (`reported`), else what the local file's headers say.
pub(crate) async fn song_tip(
    lang: Lang,
    reported_type: Option<&str>,
    reported: Option<f64>,
    local: Option<&CheckedFile>,
) -> Option<String> {
    let local = local.filter(|f| f.kind == MediaKind::Audio);
    if local.is_none() && reported_type != Some("audio") {
        return None;
    }
    let seconds = match reported.filter(|s| s.is_finite() && *s > 0.0) {
        Some(s) => s,
        None => {
            let path = local?.path.clone();
            // Reading headers is blocking file I/O.
            tokio::task::spawn_blocking(move || crate::audio::duration(&path))
                .await
                .ok()??
                .as_secs_f64()
        }
    };
    crate::audio::needs_length_tip(seconds)
        .then(|| tr!(lang, "song-length-tip", length = clock(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Media;

    #[test]
    fn what_greets() {
        let rows = [
            (Request::Say("make it".into()), true),
            (
                Request::MusicVideo {
                    prompt: None,
                    media: vec![],
                },
                true,
            ),
            (
                Request::Upload {
                    media: vec![],
                    text: String::new(),
                },
                true,
            ),
            (Request::Export, false),
            (Request::Credits, false),
            (Request::Status, false),
            (Request::Open, false),
            (Request::Reset, false),
        ];
        for (request, want) in rows {
            assert_eq!(greets(&request), want, "{request:?}");
        }
    }

    #[test]
    fn only_a_song_without_words_gets_the_examples() {
        let song = || vec![Media::Url("https://x/song.mp3".into())];
        let rows = [
            (Request::Say("make it".into()), false),
            (
                Request::MusicVideo {
                    prompt: None,
                    media: song(),
                },
                false,
            ),
            (
                Request::Upload {
                    media: song(),
                    text: "make it neon".into(),
                },
                false,
            ),
            (
                Request::Upload {
                    media: song(),
                    text: " ".into(),
                },
                true,
            ),
        ];
        for (request, want) in rows {
            assert_eq!(shows_examples(&request), want, "{request:?}");
        }
    }

    #[tokio::test]
    async fn only_songs_longer_than_90_seconds_get_the_tip() {
        let rows = [
            (Some("audio"), Some(100.0), true),
            (Some("audio"), Some(90.0), false),
            (Some("audio"), Some(10.0), false),
            (Some("video"), Some(300.0), false),
            (None, Some(300.0), false),
            (Some("audio"), None, false),
        ];
        for (kind, seconds, want) in rows {
            let tip = song_tip(Lang::En, kind, seconds, None).await;
            assert_eq!(tip.is_some(), want, "{kind:?} {seconds:?}");
        }
    }
}
