//! Where a [`ChannelFront`]'s messages go when the channel refuses them: cards as text where
//! the bot lacks Embed Links; everything through the interaction's webhook, then by DM, where
//! it lacks Send Messages. What is missing is known from the interaction's `app_permissions`,
//! or learned from Discord's 403 (50013); the member is told once per place. Every channel and
//! DM call takes its slot of the bot's budget ([`crate::discord::budget`]) first.

use super::{front_error, ChannelFront};
use crate::discord::budget::Priority;
use crate::discord::embeds::Body;
use crate::discord::outgoing::Outgoing;
use crate::discord::permissions::{self, Missing, Route};
use crate::engine::front::FrontError;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::builder::Builder;

/// Where a message the engine knows by its id really is, when not in the channel.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    /// A message in the channel (a follow-up whose token died, sent anew there).
    Channel(serenity::MessageId),
    /// A follow-up through the interaction's webhook.
    Followup(serenity::MessageId),
    /// A message in the member's DM channel.
    Dm(serenity::ChannelId, serenity::MessageId),
}

impl ChannelFront {
    /// Sends a new message wherever it may go now; its id for later edits.
    pub(super) async fn deliver(
        &self,
        out: &Outgoing,
        priority: Priority,
    ) -> Result<serenity::MessageId, FrontError> {
        self.try_deliver(out, priority).await.map_err(front_error)
    }

    /// [`ChannelFront::deliver`], failing with Discord's own error.
    pub(super) async fn try_deliver(
        &self,
        out: &Outgoing,
        priority: Priority,
    ) -> Result<serenity::MessageId, serenity::Error> {
        // At most four turns: what is missing only grows (nothing → Embed Links → Send
        // Messages), and a token found dead moves the route from the interaction to a DM.
        loop {
            let known = *self.missing.lock();
            let route = permissions::route(known, self.live_token().is_some());
            let out = match known {
                Some(Missing::EmbedLinks) if out.has_card() => {
                    self.tell(Missing::EmbedLinks, route).await;
                    out.plain()
                }
                _ => out.clone(),
            };
            if let Some(missing) = known.filter(|_| route != Route::Channel) {
                self.tell(missing, route).await;
            }
            match self.send_by(route, &out, priority).await {
                Ok(place) => return Ok(self.remember(place)),
                Err(e) if route == Route::Channel && permissions::is_missing_permission(&e) => {
                    tracing::info!("the channel refused a message (missing permission): {e}");
                    *self.missing.lock() = Some(permissions::learn(known, out.has_card()));
                }
                Err(e) if route == Route::Interaction && self.live_token().is_none() => {
                    tracing::info!("the interaction's token is gone; answering by DM: {e}");
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Edits a message sent with [`ChannelFront::deliver`], where it is.
    pub(super) async fn change(
        &self,
        id: serenity::MessageId,
        out: &Outgoing,
        priority: Priority,
    ) -> Result<(), FrontError> {
        let place = self.places.lock().get(&id).copied();
        let result = match place.unwrap_or(Place::Channel(id)) {
            Place::Channel(at) => {
                let out = match *self.missing.lock() {
                    Some(Missing::EmbedLinks) => out.plain(),
                    _ => out.clone(),
                };
                let edit = || self.channel.edit_message(&self.http, at, out.edit());
                self.spend(priority, edit).await
            }
            Place::Dm(dm, at) => {
                let edit = || dm.edit_message(&self.http, at, out.edit());
                self.spend(priority, edit).await
            }
            Place::Followup(at) => match self.live_token() {
                Some(token) => out.followup().execute(&self.http, (Some(at), &token)).await,
                // The webhook died with the token: a whole new text goes where messages go now.
                None if out.content.is_some() => {
                    let moved = self.deliver(out, priority).await?;
                    let to = self.places.lock().get(&moved).copied();
                    self.places
                        .lock()
                        .insert(id, to.unwrap_or(Place::Channel(moved)));
                    return Ok(());
                }
                None => return Err(FrontError::Gone),
            },
        };
        match result {
            Ok(_) => Ok(()),
            Err(e) if permissions::is_missing_permission(&e) && out.has_card() => {
                // A card refused in an edit: the channel lacks Embed Links; text goes.
                let known = *self.missing.lock();
                *self.missing.lock() = Some(permissions::learn(known, true));
                Box::pin(self.change(id, &out.plain(), priority)).await
            }
            Err(e) => Err(front_error(e)),
        }
    }

    /// Sends `out` by `route`; where it landed.
    async fn send_by(
        &self,
        route: Route,
        out: &Outgoing,
        priority: Priority,
    ) -> Result<Place, serenity::Error> {
        match route {
            Route::Channel => {
                let send = || self.channel.send_message(&self.http, out.message());
                let m = self.spend(priority, send).await?;
                Ok(Place::Channel(m.id))
            }
            Route::Interaction => {
                // Discord makes the first follow-up after a deferral the deferred message
                // itself: that one is edited first, so the follow-up is a message of its own.
                let pointer = Body::Text(tr!(self.lang, "discord-answered-below"));
                self.interaction.settle(&self.http, &pointer).await;
                let token = self.live_token().unwrap_or_default();
                let sent = out.followup().execute(&self.http, (None, &token)).await;
                if let Err(e) = &sent {
                    self.drop_token_on_404(e);
                }
                Ok(Place::Followup(sent?.id))
            }
            Route::Dm => {
                let dm = self.dm_channel().await?;
                let m = self
                    .spend(priority, || dm.send_message(&self.http, out.message()))
                    .await?;
                Ok(Place::Dm(dm, m.id))
            }
        }
    }

    /// The id the engine knows `place`'s message by, remembered when it is not in the channel.
    fn remember(&self, place: Place) -> serenity::MessageId {
        match place {
            Place::Channel(id) => id,
            Place::Followup(id) | Place::Dm(_, id) => {
                self.places.lock().insert(id, place);
                id
            }
        }
    }

    /// The member's DM channel (asked for once).
    pub(super) async fn dm_channel(&self) -> Result<serenity::ChannelId, serenity::Error> {
        if let Some(dm) = *self.dm.lock() {
            return Ok(dm);
        }
        let open = || self.user.create_dm_channel(&self.http);
        let dm = self.spend(Priority::Urgent, open).await?.id;
        *self.dm.lock() = Some(dm);
        Ok(dm)
    }

    /// Tells the member, once per route, what is missing and so where answers go.
    async fn tell(&self, missing: Missing, route: Route) {
        if self.told.lock().replace(route) == Some(route) {
            return;
        }
        let text = permissions::notice(self.lang, missing, route, self.channel.get());
        let note = Outgoing {
            content: Some(text),
            ..Outgoing::default()
        };
        if let Err(e) = self.send_by(route, &note, Priority::Urgent).await {
            tracing::warn!("could not say which permission is missing: {e}");
        }
    }

    /// Makes a call that counts toward Discord's global limit: each try takes a slot of the
    /// budget first. A 429 (from a REST proxy; serenity's own limiter waits out Discord's) is
    /// tried again while it lasts ([`crate::retry::discord_rate_limit`]) when the call is
    /// urgent, and dropped when it is cosmetic (the next progress edit supersedes it).
    pub(super) async fn spend<T, F, Fut>(
        &self,
        priority: Priority,
        mut call: F,
    ) -> Result<T, serenity::Error>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, serenity::Error>>,
    {
        use backon::Retryable;
        let budget = &self.budget;
        let attempt = || {
            // serenity's calls do nothing until polled: the slot is taken before it is sent.
            let call = call();
            async move {
                budget.take(priority).await;
                call.await
            }
        };
        attempt
            .retry(crate::retry::discord_rate_limit())
            .when(|e| priority == Priority::Urgent && is_rate_limited(e))
            .notify(|_, wait| {
                crate::telemetry::metrics::discord_rate_limited();
                tracing::info!(?wait, "Discord rate limit; trying again after a pause");
            })
            .await
    }
}

fn is_rate_limited(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(h) if h.status_code() == Some(serenity::StatusCode::TOO_MANY_REQUESTS))
}
