//! The one small trait through which the engine talks to a platform (Discord, the console).

use super::cards::Card;
use super::gui::Suggestion;
use super::CancelAction;
use crate::i18n::Lang;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// A message the front sent, so the engine can edit it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MsgId(pub String);

/// What kind of link the engine posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// The finished MP4.
    Video,
    /// Opens the session in Nemo's web editor: for the asking user only.
    Claim,
    /// Registration (`?bind=`) for an anonymous account: for its owner only.
    Register,
}

/// A link with the sentence that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What it is.
    pub kind: LinkKind,
    /// The sentence shown with it.
    pub text: String,
    /// The URL.
    pub url: String,
    /// Stable per result, so a front can post it once even if asked twice (e.g. the job id).
    pub key: String,
    /// It may have been posted already, just before a crash: a front that cannot drop the
    /// repeat by `key` should say so.
    pub again: bool,
    /// What the link is, as a card (the finished video's title, length, resolution).
    pub card: Option<Card>,
}

/// Why a front could not deliver.
#[derive(Debug, thiserror::Error)]
pub enum FrontError {
    /// The message or channel is gone; stop using it.
    #[error("the message or channel is gone")]
    Gone,
    /// The platform refused the request for good (Discord's 400, 401, 403: a malformed
    /// message, a bad token, a missing permission): sending it again gets the same answer.
    #[error("refused: {0}")]
    Refused(String),
    /// Anything else (a 429, a 5xx, a dropped connection): may work later.
    #[error("front: {0}")]
    Failed(String),
}

impl FrontError {
    /// Whether trying again later may work.
    pub fn is_retryable(&self) -> bool {
        matches!(self, FrontError::Failed(_))
    }
}

/// A conversation place on a platform: where the engine's answers go.
#[async_trait]
pub trait Front: Send + Sync {
    /// The longest message the platform takes, in UTF-16 code units.
    fn max_len(&self) -> usize;
    /// The shortest time between two edits of one message.
    fn edit_interval(&self) -> Duration {
        Duration::ZERO
    }
    /// How to say "at `unix_secs`" in `lang` (about a minute from now, for an export), e.g. a
    /// Discord relative timestamp that counts down by itself.
    fn eta(&self, lang: crate::i18n::Lang, unix_secs: u64) -> String {
        let seconds = unix_secs.saturating_sub(crate::store::now_secs());
        crate::tr!(lang, "eta-seconds", seconds = seconds)
    }
    /// Where export results must go after a restart (opaque to the engine, stored with jobs).
    fn target(&self) -> String;
    /// Sends a message; `done` says it will not be edited again.
    async fn send(&self, text: &str, done: bool) -> Result<MsgId, FrontError>;
    /// Replaces a message's text; `done` says it will not be edited again.
    async fn edit(&self, id: &MsgId, text: &str, done: bool) -> Result<(), FrontError>;
    /// A transient progress line ("⏳ Still working...", "working: …", export progress).
    async fn status(&self, text: &str) -> Result<(), FrontError>;
    /// Posts a link (the MP4, the editor, registration).
    async fn post_link(&self, link: &Link) -> Result<(), FrontError>;
    /// Shows a card (credits, the timeline); where there are no cards, its text.
    async fn card(&self, card: &Card) -> Result<(), FrontError> {
        self.send(&card.text(), true).await.map(drop)
    }
    /// Shows a render's progress as a card that replaces the last one (one message, edited
    /// like [`Front::status`]); where there are no cards, its text as a status line.
    async fn progress(&self, card: &Card) -> Result<(), FrontError> {
        self.status(&card.text()).await
    }
    /// Says the request waits in line (`text`), with a Cancel action where the platform has
    /// buttons; by default, a status line.
    async fn waiting(&self, text: &str, _cancel: &CancelAction) -> Result<(), FrontError> {
        self.status(text).await
    }
    /// While a turn streams, its answer's message (and its progress line) carries `cancel`
    /// where the platform has buttons; `None` once the stream is over (the message loses it
    /// at its final edit).
    fn streaming(&self, _cancel: Option<CancelAction>) {}
    /// The request is over: a progress line that still carries a turn's Cancel (a turn with
    /// no answer yet has nothing else to carry it) loses it. (Progress shown after the turn,
    /// such as a render's card, replaces the line and its Cancel in its own edit: no call.)
    async fn finished(&self) -> Result<(), FrontError> {
        Ok(())
    }
    /// Offers follow-up actions the agent suggested (buttons where the platform has them) on
    /// the last message sent.
    async fn offer(&self, _actions: &[Suggestion]) -> Result<(), FrontError> {
        Ok(())
    }
    /// Shows an answer's last message for good (`id`: the message to edit; `None`: a new one)
    /// with the follow-up `actions`. By default the message, then [`Front::offer`]; a platform
    /// that can do both in one call should.
    async fn conclude(
        &self,
        id: Option<&MsgId>,
        text: &str,
        actions: &[Suggestion],
    ) -> Result<MsgId, FrontError> {
        let id = match id {
            Some(id) => {
                self.edit(id, text, true).await?;
                id.clone()
            }
            None => self.send(text, true).await?,
        };
        // Buttons are a convenience: the answer is out, so a failure is only logged.
        if let Err(e) = self.offer(actions).await {
            tracing::warn!("could not offer the next actions: {e}");
        }
        Ok(id)
    }
    /// A line that stays with the request (a file uploaded). By default a message of its own;
    /// a front with a progress message may keep it there, atop the progress that follows.
    async fn note(&self, text: &str) -> Result<(), FrontError> {
        self.send(text, true).await.map(drop)
    }
}

/// Finds the front for a stored job's target after a restart.
pub trait Deliver: Send + Sync {
    /// The front for `target` (a job started in `scope`), its own words (buttons) in the job's
    /// `lang`, or `None` when it no longer exists.
    fn front_for(&self, target: &str, scope: &str, lang: Lang) -> Option<Arc<dyn Front>>;
}

/// Sends a transient status, logging (not failing) when the front cannot.
pub(crate) async fn notify(front: &Arc<dyn Front>, status: &str) {
    if let Err(e) = front.status(status).await {
        tracing::warn!("could not show a status line: {e}");
    }
}
