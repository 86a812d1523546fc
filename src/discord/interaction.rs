//! The interaction a front answers through while its token lives, and what its original
//! response shows.
//!
//! A deferred response ("thinking…") must end edited. And Discord makes a follow-up sent right
//! after a deferral edit the deferred message instead: "The ephemeral flag will be ignored, and
//! the value you provided in the initial defer response will be preserved" ("Create Followup
//! Message" in its interactions documentation). So nothing private goes out as a follow-up while
//! a public deferral still shows "thinking…": that message is edited first.

use super::embeds::Body;
use parking_lot::Mutex;
use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use std::time::{Duration, Instant};

/// A slash command's (or a form's) interaction token, usable until it expires: what a front
/// answers through (named apart from `serenity::Interaction`, the event itself).
#[derive(Clone)]
pub struct InteractionToken {
    token: String,
    valid_until: Instant,
    deferral: Deferral,
}

/// What an interaction's original response shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deferral {
    /// Deferred for everyone in the channel to see, and still "thinking…".
    Public,
    /// Deferred for the member only, and still "thinking…".
    Private,
    /// Something already (answered, or edited since the deferral).
    Settled,
}

impl InteractionToken {
    /// The token of an interaction received now, whose token is used for `ttl` (Discord's last 15 minutes),
    /// whose original response shows something already.
    pub fn new(token: &str, ttl: Duration) -> InteractionToken {
        InteractionToken {
            token: token.to_string(),
            valid_until: Instant::now() + ttl,
            deferral: Deferral::Settled,
        }
    }

    /// The same token, its interaction acknowledged with a deferral of this visibility.
    pub fn deferred(mut self, deferral: Deferral) -> InteractionToken {
        self.deferral = deferral;
        self
    }
}

/// A front's interaction, if it has one (dropped once its webhook answers 404).
#[derive(Default)]
pub(super) struct Responding(Mutex<Option<InteractionToken>>);

impl Responding {
    /// Answers through `interaction` from now on.
    pub(super) fn set(&self, interaction: InteractionToken) {
        *self.0.lock() = Some(interaction);
    }

    /// The token, if it is still valid, and what its response shows.
    pub(super) fn live(&self) -> Option<(String, Deferral)> {
        let guard = self.0.lock();
        guard
            .as_ref()
            .filter(|i| Instant::now() < i.valid_until)
            .map(|i| (i.token.clone(), i.deferral))
    }

    /// A webhook that answers 404 is gone: stop using it.
    pub(super) fn forget_on_404(&self, e: &serenity::Error) {
        if is_not_found(e) {
            *self.0.lock() = None;
        }
    }

    /// Edits the original response into `body`; it no longer shows "thinking…".
    pub(super) async fn edit_original(
        &self,
        http: &serenity::Http,
        token: &str,
        body: &Body,
    ) -> Result<(), serenity::Error> {
        body.edit_response().execute(http, token).await?;
        if let Some(i) = self.0.lock().as_mut() {
            i.deferral = Deferral::Settled;
        }
        Ok(())
    }

    /// Edits a deferred response still "thinking…" into `body`; a failure is only logged (the
    /// answer itself went elsewhere).
    pub(super) async fn settle(&self, http: &serenity::Http, body: &Body) {
        let Some((token, Deferral::Public | Deferral::Private)) = self.live() else {
            return;
        };
        if let Err(e) = self.edit_original(http, &token, body).await {
            self.forget_on_404(&e);
            tracing::warn!("could not edit the deferred response: {e}");
        }
    }

    /// Shows `body` to the member only: a private deferral's response edited into it, else an
    /// ephemeral follow-up, after a public deferral's response was edited into `pointer`. An
    /// error (also: no live token) means nothing private was sent.
    pub(super) async fn privately(
        &self,
        http: &serenity::Http,
        pointer: &Body,
        body: &Body,
    ) -> Result<(), serenity::Error> {
        let Some((token, deferral)) = self.live() else {
            return Err(serenity::Error::Other("the interaction token has expired"));
        };
        match deferral {
            Deferral::Private => return self.edit_original(http, &token, body).await,
            Deferral::Public => self.edit_original(http, &token, pointer).await?,
            Deferral::Settled => {}
        }
        body.followup().execute(http, (None, &token)).await?;
        Ok(())
    }
}

/// Whether Discord answered 404: an unknown message, or a webhook (an interaction token) gone.
pub(super) fn is_not_found(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(h) if h.status_code() == Some(serenity::StatusCode::NOT_FOUND))
}
