//! `music-video-bot render AUDIO [PROMPT] [-o OUT.mp4]`: one song in, one MP4 out, through the
//! same engine flow as `/musicvideo`, on a session of its own.

use crate::engine::front::{Front, FrontError, Link, LinkKind, MsgId};
use crate::engine::{Actor, Engine, Media, Request};
use crate::tr;
use async_trait::async_trait;
use parking_lot::Mutex;
use std::path::{Path, PathBuf};

/// Why the one-shot render produced no video: one sentence for the user.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RenderFailed(pub String);

/// Shows progress on standard error and keeps the last word and the video link.
#[derive(Default)]
struct Capture {
    last_message: Mutex<Option<String>>,
    video: Mutex<Option<String>>,
}

#[async_trait]
impl Front for Capture {
    fn max_len(&self) -> usize {
        100_000
    }

    fn target(&self) -> String {
        "render".into()
    }

    async fn send(&self, text: &str, done: bool) -> Result<MsgId, FrontError> {
        if done {
            eprintln!("{text}");
            *self.last_message.lock() = Some(text.to_string());
        }
        Ok(MsgId(String::new()))
    }

    async fn edit(&self, _id: &MsgId, text: &str, done: bool) -> Result<(), FrontError> {
        self.send(text, done).await.map(drop)
    }

    async fn status(&self, text: &str) -> Result<(), FrontError> {
        eprintln!("{text}");
        Ok(())
    }

    async fn post_link(&self, link: &Link) -> Result<(), FrontError> {
        if link.kind == LinkKind::Video {
            *self.video.lock() = Some(link.url.clone());
        } else {
            eprintln!("{} {}", link.text, link.url);
        }
        Ok(())
    }
}

/// Renders `audio` into a music video and returns the MP4's URL (downloaded to `out` if given).
pub async fn render(
    engine: &Engine,
    audio: &Path,
    prompt: Option<String>,
    out: Option<&Path>,
) -> Result<String, RenderFailed> {
    let capture = std::sync::Arc::new(Capture::default());
    let actor = Actor {
        user: "cli".into(),
        scope: format!("render:{}", uuid::Uuid::new_v4()),
        lang: "en".into(),
        group: None,
    };
    let request = Request::MusicVideo {
        prompt,
        media: vec![Media::File(PathBuf::from(audio))],
    };
    let lang = actor.language();
    engine.handle(&actor, request, capture.clone()).await;
    engine.idle().await;
    let video = capture.video.lock().clone();
    let Some(url) = video else {
        if engine.is_stopping() {
            return Err(RenderFailed(tr!(lang, "render-stopped")));
        }
        let last = capture.last_message.lock().clone();
        return Err(RenderFailed(
            last.unwrap_or_else(|| tr!(lang, "render-nothing-made")),
        ));
    };
    if let Some(path) = out {
        crate::download::to_file(&url, path).await.map_err(|e| {
            RenderFailed(tr!(
                lang,
                "render-save-failed",
                url = url.as_str(),
                path = path.display().to_string(),
                error = e.to_string()
            ))
        })?;
    }
    Ok(url)
}
