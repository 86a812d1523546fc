//! The engine's [`Front`] on Discord: answers are ordinary channel messages sent with the bot
//! token, so they outlive the 15-minute interaction token; while that token lives, progress goes
//! into the command's own (deferred) response and private links go as ephemeral follow-ups.
//!
//! A deferred response ("thinking…") is always edited: into progress, into a pointer to the
//! answer, or (see [`ChannelFront::finish`]) into an apology (see `interaction.rs`).

mod buttons;
mod delivery;
mod status;

use super::budget::{Active, Budget, Priority};
use super::embeds::Body;
use super::ids::nonce_for;
use super::interaction::Responding;
pub use super::interaction::{Deferral, InteractionToken};
use super::outgoing::{Outgoing, Shown};
use super::permissions::{missing_in, Missing};
use super::throttle::LatestOnly;
use crate::engine::cards::Card;
use crate::engine::front::{Front, FrontError, Link, LinkKind, MsgId};
use crate::engine::gui::Suggestion;
use crate::engine::CancelAction;
use crate::i18n::Lang;
use crate::tr;
use async_trait::async_trait;
use parking_lot::Mutex;
use poise::serenity_prelude as serenity;
use serenity::builder::CreateButton;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Discord's message length limit.
pub const MAX_LEN: usize = 2000;
/// The longest URL a link button takes (Discord's button structure: "max 512 characters").
pub const BUTTON_URL_MAX: usize = 512;

/// One channel (or DM), as the engine sees it.
pub struct ChannelFront {
    http: Arc<serenity::Http>,
    /// The process's share of Discord's global limit, which every channel and DM call takes.
    budget: Arc<Budget>,
    /// Counts this conversation among those whose edits share the budget.
    _active: Active,
    channel: serenity::ChannelId,
    user: serenity::UserId,
    scope: String,
    edit_interval: Duration,
    interaction: Responding,
    /// The most a message may attach, in bytes, when the MP4 itself is attached.
    attach_limit: Option<u64>,
    /// Answers are for the caller only (ephemeral while the token lives, else by DM).
    private_replies: bool,
    status_msg: Mutex<Option<serenity::MessageId>>,
    /// Progress edits (lines and cards in the one status message), latest-only within the
    /// edit interval.
    status_line: LatestOnly<Body>,
    /// What the channel's status message shows now: an edit that would change nothing is not
    /// sent (progress polls often repeat the same card).
    status_shown: Mutex<Option<Body>>,
    /// Lines that stay atop the progress (files uploaded): one message fewer each.
    notes: Mutex<Vec<String>>,
    last_sent: Mutex<Option<serenity::MessageId>>,
    /// The language of the front's own words (button labels).
    lang: Lang,
    /// What the bot may not do in the channel, as far as is known.
    missing: Mutex<Option<Missing>>,
    /// Messages sent elsewhere than the channel (see [`delivery`]), by the id the engine has.
    places: Mutex<HashMap<serenity::MessageId, delivery::Place>>,
    /// The member's DM channel, once opened.
    dm: Mutex<Option<serenity::ChannelId>>,
    /// Where the member was last told what is missing.
    told: Mutex<Option<super::permissions::Route>>,
    /// The Cancel of the turn streaming now, and the messages that carry it (each loses it
    /// at its final edit).
    streaming: Mutex<(Option<CancelAction>, HashSet<serenity::MessageId>)>,
    /// The progress line shown with a streaming turn's Cancel and not replaced since, to show
    /// without it when the request is done.
    streamed_line: Mutex<Option<String>>,
}

impl ChannelFront {
    /// A front for `channel`, answering `user` in `scope`, its calls within `budget`.
    pub fn new(
        http: Arc<serenity::Http>,
        budget: Arc<Budget>,
        channel: serenity::ChannelId,
        user: serenity::UserId,
        scope: String,
        edit_interval: Duration,
    ) -> ChannelFront {
        ChannelFront {
            http,
            _active: budget.active(),
            budget,
            channel,
            user,
            scope,
            edit_interval,
            interaction: Responding::default(),
            attach_limit: None,
            private_replies: false,
            status_msg: Mutex::new(None),
            status_line: LatestOnly::default(),
            status_shown: Mutex::new(None),
            notes: Mutex::new(Vec::new()),
            last_sent: Mutex::new(None),
            lang: Lang::En,
            missing: Mutex::new(None),
            places: Mutex::new(HashMap::new()),
            dm: Mutex::new(None),
            told: Mutex::new(None),
            streaming: Mutex::default(),
            streamed_line: Mutex::default(),
        }
    }

    /// Knows what the bot may do in the channel: an interaction's `app_permissions`.
    pub fn with_permissions(self, app_permissions: Option<serenity::Permissions>) -> ChannelFront {
        *self.missing.lock() = missing_in(app_permissions);
        self
    }

    /// Labels buttons in `lang` (English until told).
    pub fn speaking(mut self, lang: Lang) -> ChannelFront {
        self.lang = lang;
        self
    }

    /// Uses the command's interaction for progress and private answers while it lives.
    pub fn with_interaction(self, interaction: InteractionToken) -> ChannelFront {
        self.interaction.set(interaction);
        self
    }

    /// Sends every answer privately: for commands whose answer is the caller's own business.
    pub fn private_replies(mut self) -> ChannelFront {
        self.private_replies = true;
        self
    }

    /// Also attaches the finished MP4 when it is at most `limit` bytes.
    pub fn attaching_videos(mut self, limit: u64) -> ChannelFront {
        self.attach_limit = Some(limit);
        self
    }

    /// Ends a request: a deferred response never edited (no answer reached the member) says
    /// that something went wrong instead of "thinking…" until its token dies.
    pub async fn finish(&self) {
        let sorry = Body::Text(tr!(self.lang, "discord-command-failed"));
        self.interaction.settle(&self.http, &sorry).await;
    }

    /// The interaction's token while it lives.
    fn live_token(&self) -> Option<String> {
        self.interaction.live().map(|(token, _)| token)
    }

    /// A webhook that answers 404 is gone: stop using it.
    fn drop_token_on_404(&self, e: &serenity::Error) {
        self.interaction.forget_on_404(e);
    }

    /// Tells the caller `text` only (see [`ChannelFront::private`]).
    pub async fn tell_privately(&self, text: &str) -> Result<(), FrontError> {
        self.private(&Body::Text(text.to_string())).await
    }

    /// Shows an answer (with `buttons`, if any): privately for private replies (one-shot,
    /// never edited, without buttons: no id), else as a channel message, the one later buttons
    /// go on.
    async fn answer(
        &self,
        body: &Body,
        buttons: Option<Vec<CreateButton>>,
    ) -> Result<Option<serenity::MessageId>, FrontError> {
        if self.private_replies {
            self.private(body).await?;
            return Ok(None);
        }
        let out = Outgoing {
            buttons,
            ..Outgoing::from(body)
        };
        let id = self.deliver(&out, Priority::Urgent).await?;
        *self.last_sent.lock() = Some(id);
        let pointer = Body::Text(tr!(self.lang, "discord-answered-below"));
        self.interaction.settle(&self.http, &pointer).await;
        Ok(Some(id))
    }

    /// Shows `body` to the caller only: through the interaction while its token lives (a
    /// private deferral's response edited into it, else an ephemeral follow-up), else a DM.
    async fn private(&self, body: &Body) -> Result<(), FrontError> {
        if self.interaction.live().is_some() {
            let pointer = Body::Text(tr!(self.lang, "discord-answered-privately"));
            match self.interaction.privately(&self.http, &pointer, body).await {
                Ok(()) => return Ok(()),
                Err(e) => self.interaction.forget_on_404(&e),
            }
        }
        let dm = self.dm_channel().await.map_err(front_error)?;
        self.spend(Priority::Urgent, || {
            dm.send_message(&self.http, body.message())
        })
        .await
        .map_err(front_error)?;
        Ok(())
    }
}

#[async_trait]
impl Front for ChannelFront {
    fn max_len(&self) -> usize {
        MAX_LEN
    }

    fn edit_interval(&self) -> Duration {
        self.budget.cadence(self.edit_interval)
    }

    fn eta(&self, _lang: crate::i18n::Lang, unix_secs: u64) -> String {
        format!("<t:{unix_secs}:R>")
    }

    fn target(&self) -> String {
        format!("discord:{}:{}", self.channel.get(), self.user.get())
    }

    async fn send(&self, text: &str, done: bool) -> Result<MsgId, FrontError> {
        let buttons = self.cancel_comes(done);
        let carries = buttons.is_some();
        let id = self.answer(&Body::Text(text.to_string()), buttons).await?;
        if let Some(id) = id.filter(|_| carries) {
            self.streaming.lock().1.insert(id);
        }
        Ok(msg_id(id))
    }

    async fn edit(&self, id: &MsgId, text: &str, done: bool) -> Result<(), FrontError> {
        let id = message_id(id)?;
        let out = Outgoing {
            content: Some(text.to_string()),
            buttons: self.cancel_goes(id, done),
            ..Outgoing::default()
        };
        // A streaming edit is superseded by the next; the finished text is the answer.
        let priority = if done {
            Priority::Urgent
        } else {
            Priority::Cosmetic
        };
        self.change(id, &out, priority).await
    }

    async fn status(&self, text: &str) -> Result<(), FrontError> {
        self.progress_line(text).await
    }

    async fn waiting(&self, text: &str, cancel: &CancelAction) -> Result<(), FrontError> {
        let body = Body::Waiting(text.to_string(), cancel.clone(), self.lang);
        self.update_status(body).await
    }

    async fn card(&self, card: &Card) -> Result<(), FrontError> {
        self.answer(&Body::Card(card.clone()), None).await.map(drop)
    }

    async fn progress(&self, card: &Card) -> Result<(), FrontError> {
        self.update_status(Body::Card(card.clone())).await
    }

    async fn post_link(&self, link: &Link) -> Result<(), FrontError> {
        let text = format!("{}\n{}", link.text, link.url);
        if link.kind != LinkKind::Video {
            return self.private(&Body::Text(text)).await;
        }
        // The link stays in the text too: Discord shows a player for it, and a URL too long
        // for a button is only there.
        let content = format!("<@{}> {text}", self.user.get());
        let button = (link.url.chars().count() <= BUTTON_URL_MAX).then(|| {
            CreateButton::new_link(&link.url).label(tr!(self.lang, "discord-button-download"))
        });
        let take = (link.card.as_ref())
            .and_then(|card| card.take.as_ref())
            .and_then(|take| super::take::button(take, self.lang));
        let mut out = Outgoing {
            content: Some(content.clone()),
            // The card's title links to the video, as the button does.
            shown: link.card.clone().map_or(Shown::Clear, |card| {
                Shown::Card(Box::new(card), button.is_some().then(|| link.url.clone()))
            }),
            buttons: Some(button.into_iter().chain(take).collect()),
            // The same export's link posted again (a crash between posting and forgetting the
            // job) is dropped by Discord.
            nonce: Some(nonce_for(&link.key)),
            video: None,
        };
        if let Some(limit) = self.attach_limit {
            // Any failure (too large, unreachable, stalled) posts the link alone.
            match crate::download::bounded(&link.url, limit).await {
                Ok(bytes) => out.video = Some(bytes),
                Err(why) => tracing::info!("not attaching the MP4 ({why}); posting the link only"),
            }
        }
        match self.try_deliver(&out, Priority::Urgent).await {
            // The card, the button or the file refused as malformed: the link alone still goes.
            Err(e) if status_of(&e) == Some(400) => {
                tracing::warn!("the video's message was refused ({e}); posting the link alone");
                let alone = Outgoing {
                    content: Some(content),
                    nonce: out.nonce,
                    ..Outgoing::default()
                };
                self.deliver(&alone, Priority::Urgent).await.map(drop)
            }
            other => other.map(drop).map_err(front_error),
        }
    }

    async fn offer(&self, actions: &[Suggestion]) -> Result<(), FrontError> {
        let Some(last) = *self.last_sent.lock() else {
            return Ok(());
        };
        let out = Outgoing {
            buttons: Some(self.buttons(actions)),
            ..Outgoing::default()
        };
        self.change(last, &out, Priority::Urgent).await
    }

    /// The answer's last message and its buttons in one call.
    async fn conclude(
        &self,
        id: Option<&MsgId>,
        text: &str,
        actions: &[Suggestion],
    ) -> Result<MsgId, FrontError> {
        let buttons = (!actions.is_empty()).then(|| self.buttons(actions));
        let Some(id) = id else {
            let sent = self.answer(&Body::Text(text.to_string()), buttons).await?;
            return Ok(msg_id(sent));
        };
        let at = message_id(id)?;
        let out = Outgoing {
            content: Some(text.to_string()),
            buttons: buttons.or_else(|| self.cancel_goes(at, true)),
            ..Outgoing::default()
        };
        self.change(at, &out, Priority::Urgent).await?;
        Ok(id.clone())
    }

    async fn note(&self, text: &str) -> Result<(), FrontError> {
        self.keep_note(text).await
    }

    fn streaming(&self, cancel: Option<CancelAction>) {
        self.streaming.lock().0 = cancel;
    }

    async fn finished(&self) -> Result<(), FrontError> {
        self.streamed_line_over().await
    }
}

/// The engine's id of a message sent (none: a private answer, which is never edited).
fn msg_id(id: Option<serenity::MessageId>) -> MsgId {
    MsgId(id.map(|id| id.get().to_string()).unwrap_or_default())
}

/// Discord's id of a message the engine names; a message never sent (a private answer) or an
/// id Discord never gave is gone.
fn message_id(id: &MsgId) -> Result<serenity::MessageId, FrontError> {
    id.0.parse::<std::num::NonZeroU64>()
        .map(serenity::MessageId::from)
        .map_err(|_| FrontError::Gone)
}

/// The HTTP status Discord answered with, if it answered.
fn status_of(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(h) => h.status_code().map(|s| s.as_u16()),
        _ => None,
    }
}

fn front_error(e: serenity::Error) -> FrontError {
    let status = status_of(&e);
    if let Some(status) = status {
        crate::telemetry::metrics::discord_rest_error(status);
    }
    // Discord's permanent answers are final (its docs: 400 malformed, 401 bad token, 403
    // missing permission, 404 unknown): trying again only adds to the invalid-request count.
    match status {
        Some(404) => FrontError::Gone,
        Some(400 | 401 | 403) => FrontError::Refused(e.to_string()),
        _ => FrontError::Failed(e.to_string()),
    }
}
