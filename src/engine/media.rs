//! Songs in, videos out: uploads (checked before anything is sent), and the music-video flow
//! that uploads, asks the agent, and exports, one file after another.

use super::error::report;
use super::front::Front;
use super::listening::{self, Hearing};
use super::route::{route, Action};
use super::summary::Timeline;
use super::{project, text, Actor, EngineError, Media, Parts};
use crate::files::{check_file, check_url, display_name, CheckedFile};
use crate::i18n::Lang;
use crate::nemo::Uploaded;
use crate::store::SongHeard;
use crate::tr;
use std::sync::Arc;

/// Media that passed every check.
enum Checked {
    File(CheckedFile),
    Url(String),
}

impl Parts {
    /// `/musicvideo`: each medium is uploaded and gets its own turn and render; without media,
    /// one turn on the current timeline, then a render.
    pub(crate) async fn music_video(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        prompt: Option<String>,
        media: Vec<Media>,
    ) -> Result<(), EngineError> {
        // The member's words (none: the default request), kept with the video for another take.
        let prompt = prompt.filter(|p| !p.trim().is_empty()).unwrap_or_default();
        if media.is_empty() {
            return self.make_video(actor, front, &prompt).await;
        }
        self.quotas
            .check_file_count(actor.language(), media.len())?;
        for item in self.check_all(actor.language(), front, media).await {
            if let Err(e) = self.upload(actor, front, &item).await {
                report(&self.accounts, actor, front, e).await;
                continue;
            }
            if let Err(e) = self.make_video(actor, front, &prompt).await {
                report(&self.accounts, actor, front, e).await;
            }
        }
        Ok(())
    }

    /// A turn on the member's `words` (empty: the default request), then an export when the
    /// turn worked and the timeline has something to render.
    async fn make_video(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        words: &str,
    ) -> Result<(), EngineError> {
        let prompt = match words {
            "" => text::DEFAULT_PROMPT,
            words => words,
        };
        let outcome = self.run_turn(actor, front, prompt).await?;
        if outcome.failed {
            return Ok(());
        }
        // One read of the state after the turn serves both the check and the export.
        let draft = self.accounts.draft(actor, front.as_ref()).await?;
        if Timeline::from_draft(&draft).is_exportable() {
            self.export_draft(actor, front, draft, Some(words)).await?;
        }
        Ok(())
    }

    /// Files dropped into the conversation: with words, the music-video flow on them; without,
    /// just the upload and a hint.
    pub(crate) async fn dropped(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        media: Vec<Media>,
        words: String,
    ) -> Result<(), EngineError> {
        if media.is_empty() {
            return Err(EngineError::User(tr!(actor.language(), "attach-something")));
        }
        self.quotas
            .check_file_count(actor.language(), media.len())?;
        let then = route(&words, false);
        if then == Action::Message && !words.trim().is_empty() {
            return self.music_video(actor, front, Some(words), media).await;
        }
        let mut any = false;
        for item in self.check_all(actor.language(), front, media).await {
            match self.upload(actor, front, &item).await {
                Ok(()) => any = true,
                Err(e) => report(&self.accounts, actor, front, e).await,
            }
        }
        match then {
            // "export this", "status?" with files attached: upload, then do what the words say.
            Action::Export => self.export(actor, front).await,
            Action::Credits => project::credits(&self.accounts, actor, front).await,
            Action::Status => project::status(&self.accounts, &self.exports, actor, front).await,
            Action::Upload | Action::Message if any => {
                // The files are up either way: a hint that cannot be shown is only logged.
                let hint = tr!(actor.language(), "upload-hint");
                if let Err(e) = front.send(&hint, true).await {
                    tracing::warn!("could not give the upload hint: {e}");
                }
                Ok(())
            }
            Action::Upload | Action::Message => Ok(()),
        }
    }

    /// Runs every check; refused media are explained and dropped, nothing of them is sent.
    async fn check_all(
        &self,
        lang: Lang,
        front: &Arc<dyn Front>,
        media: Vec<Media>,
    ) -> Vec<Checked> {
        let mut ok = Vec::new();
        for item in media {
            let checked = match item {
                Media::File(path) => check_file(&path).await.map(Checked::File),
                Media::Url(url) => check_url(&url).map(|_| Checked::Url(url)),
            };
            match checked {
                Ok(c) => ok.push(c),
                Err(problem) => {
                    if let Err(e) = front.send(&problem.user_text(lang), true).await {
                        tracing::warn!("could not explain a refused file: {e}");
                    }
                }
            }
        }
        ok
    }

    /// Uploads one checked medium to the scope's session.
    async fn upload(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        item: &Checked,
    ) -> Result<(), EngineError> {
        let mut hearing = None;
        let (name, done): (String, Uploaded) = match item {
            Checked::File(f) => {
                // Heard while it uploads: what is ready when the upload is done is shown.
                hearing = self.listening.start(f, &f.name);
                let uploading = tr!(actor.language(), "uploading", name = f.name.as_str());
                super::front::notify(front, &uploading).await;
                let files = std::slice::from_ref(f);
                let up = self
                    .accounts
                    .with_session(actor, front.as_ref(), |nemo, t, s| async move {
                        nemo.upload_files(&t, &s.session_id, files).await
                    })
                    .await?;
                (f.name.clone(), up)
            }
            Checked::Url(url) => {
                let urls = std::slice::from_ref(url);
                let up = self
                    .accounts
                    .with_session(actor, front.as_ref(), |nemo, t, s| async move {
                        nemo.upload_urls(&t, &s.session_id, urls).await
                    })
                    .await?;
                (display_name(url.rsplit('/').next().unwrap_or(url)), up)
            }
        };
        let heard = match hearing {
            Some(hearing) => self.heard_at_upload(actor, hearing, &done).await,
            None => None,
        };
        uploaded(actor.language(), front, item, name, &done, heard.as_ref()).await;
        Ok(())
    }

    /// What was heard in a song by the time its upload (`done`) ended, its length filled in
    /// from NemoVideo's when the analysis did not hear it whole; kept with the session. The
    /// hearing is kept for the next turn's note either way.
    async fn heard_at_upload(
        &self,
        actor: &Actor,
        hearing: Hearing,
        done: &Uploaded,
    ) -> Option<SongHeard> {
        let reported = done.files.first().and_then(|f| f.duration);
        let mut song = hearing.ready().cloned();
        if let Some(song) = &mut song {
            song.seconds = song
                .seconds
                .or(reported.filter(|s| s.is_finite() && *s > 0.0));
            match self
                .accounts
                .keep_songs(actor, std::slice::from_ref(song))
                .await
            {
                Ok(()) => hearing.mark_stored(),
                Err(e) => tracing::warn!("could not keep what was heard in a song: {e}"),
            }
        }
        self.listening.keep(&actor.scope, hearing);
        song
    }

    /// The agent's note of the songs heard since the scope's last turn, for the turn starting
    /// now (none when turned off or nothing is ready); the songs not yet kept with the session
    /// are kept now.
    pub(crate) async fn heard_note(&self, actor: &Actor) -> Option<String> {
        let mut songs = Vec::new();
        let mut unstored = Vec::new();
        for hearing in self.listening.take(&actor.scope) {
            let Some(song) = hearing.ready() else {
                continue;
            };
            if !hearing.stored() {
                unstored.push(song.clone());
            }
            songs.push(song.clone());
        }
        if !unstored.is_empty() {
            if let Err(e) = self.accounts.keep_songs(actor, &unstored).await {
                tracing::warn!("could not keep what was heard in a song: {e}");
            }
        }
        self.listening
            .tells_agent()
            .then(|| listening::note(&songs))?
    }
}

/// Tells the member that `item` (shown as `name` unless NemoVideo named it) is up, with what
/// was `heard` in it by now, and the tip for a long song (its length as heard, else as
/// NemoVideo reports it). Both best-effort: the upload worked, and the video that follows
/// must not be stopped by a message that could not be shown.
async fn uploaded(
    lang: Lang,
    front: &Arc<dyn Front>,
    item: &Checked,
    name: String,
    done: &Uploaded,
    heard: Option<&SongHeard>,
) {
    let first = done.files.first();
    let shown = first
        .map(|f| display_name(&f.filename))
        .filter(|n| !n.is_empty())
        .unwrap_or(name);
    let kind = first.and_then(|f| f.file_type.as_deref());
    let seconds = heard
        .and_then(|h| h.seconds)
        .or_else(|| first.and_then(|f| f.duration));
    let message = match heard {
        Some(song) => text::song_heard(
            lang,
            &SongHeard {
                name: shown,
                ..song.clone()
            },
        ),
        None => text::uploaded(lang, &shown, kind, seconds),
    };
    if let Err(e) = front.note(&message).await {
        tracing::warn!("could not say that a file was uploaded: {e}");
    }
    let local = match item {
        Checked::File(f) => Some(f),
        Checked::Url(_) => None,
    };
    if let Some(tip) = super::welcome::song_tip(lang, kind, seconds, local).await {
        if let Err(e) = front.send(&tip, true).await {
            tracing::warn!("could not give the song-length tip: {e}");
        }
    }
}
