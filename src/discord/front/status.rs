//! A [`ChannelFront`]'s progress: one message (the command's own response while its token
//! lives, else a channel message) edited as the request goes on, latest-only, with the lines
//! that stay (files uploaded) atop it.

use super::{ChannelFront, MAX_LEN};
use crate::discord::budget::Priority;
use crate::discord::embeds::Body;
use crate::discord::outgoing::Outgoing;
use crate::engine::front::{Front, FrontError};

impl ChannelFront {
    /// Shows `body` in the channel's status message: posted the first time, then edited
    /// (unless it would show the same).
    async fn channel_status(&self, body: &Body) -> Result<(), FrontError> {
        let mut out = Outgoing::from(body);
        // A place in line's Cancel goes once the wait is over (in the same edit).
        let was_waiting = matches!(*self.status_shown.lock(), Some(Body::Waiting(..)));
        if was_waiting && out.buttons.is_none() {
            out.buttons = Some(Vec::new());
        }
        let existing = *self.status_msg.lock();
        if let Some(id) = existing {
            if self.status_shown.lock().as_ref() == Some(body) {
                return Ok(());
            }
            match self.change(id, &out, Priority::Cosmetic).await {
                Ok(()) => {
                    *self.status_shown.lock() = Some(body.clone());
                    return Ok(());
                }
                Err(FrontError::Gone) => {}
                Err(e) => return Err(e),
            }
        }
        let id = self.deliver(&out, Priority::Cosmetic).await?;
        *self.status_msg.lock() = Some(id);
        *self.status_shown.lock() = Some(body.clone());
        Ok(())
    }

    /// `body` below the notes, if there are any.
    fn noted(&self, body: Body) -> Body {
        let notes = self.notes.lock().join("\n");
        match body {
            _ if notes.is_empty() => body,
            Body::Text(text) if text.is_empty() => Body::Text(notes),
            Body::Text(text) => Body::Text(format!("{notes}\n{text}")),
            Body::Waiting(text, cancel, lang) => {
                Body::Waiting(format!("{notes}\n{text}"), cancel, lang)
            }
            Body::Card(card) | Body::Noted(_, card) => Body::Noted(notes, card),
        }
    }

    /// Shows progress (a line or a card) below the notes: in the command's response while its
    /// token lives, else in the channel's status message.
    async fn show_status(&self, body: &Body) -> Result<(), FrontError> {
        let body = &self.noted(body.clone());
        if let Some((token, _)) = self.interaction.live() {
            match self
                .interaction
                .edit_original(&self.http, &token, body)
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) => self.interaction.forget_on_404(&e),
            }
        }
        self.channel_status(body).await
    }

    /// Kept atop the status message (one message fewer per file), while that stays within a
    /// message's length; else a message of its own.
    pub(super) async fn keep_note(&self, text: &str) -> Result<(), FrontError> {
        let kept = {
            let mut notes = self.notes.lock();
            let length: usize = notes.iter().map(|n| n.chars().count() + 1).sum();
            let fits = length + text.chars().count() <= MAX_LEN / 2;
            if fits {
                notes.push(text.to_string());
            }
            fits
        };
        if !kept {
            return self.send(text, true).await.map(drop);
        }
        // The note says how the progress before it ended ("uploading…" is over): the notes
        // alone until the next progress.
        self.update_status(Body::Text(String::new())).await
    }

    /// A progress line; while a turn streams, with its Cancel (there may be no answer yet to
    /// carry it), its text kept to show it without the Cancel when the request is done, unless
    /// other progress replaces it first (and the Cancel with it, in the same edit).
    pub(super) async fn progress_line(&self, text: &str) -> Result<(), FrontError> {
        let cancel = self.streaming.lock().0.clone();
        let Some(cancel) = cancel else {
            return self.update_status(Body::Text(text.to_string())).await;
        };
        let line = Body::Waiting(text.to_string(), cancel, self.lang);
        let shown = self.update_status(line).await;
        *self.streamed_line.lock() = Some(text.to_string());
        shown
    }

    /// The request is done: a progress line still carrying its turn's Cancel loses it.
    pub(super) async fn streamed_line_over(&self) -> Result<(), FrontError> {
        let line = self.streamed_line.lock().take();
        match line {
            Some(text) => self.update_status(Body::Text(text)).await,
            None => Ok(()),
        }
    }

    /// Shows progress `body` when its turn comes (latest-only, an edit per interval).
    pub(super) async fn update_status(&self, body: Body) -> Result<(), FrontError> {
        // Whatever shows now replaces a line that carried a turn's Cancel.
        *self.streamed_line.lock() = None;
        let interval = self.edit_interval();
        self.status_line
            .update(
                body,
                interval,
                |b| async move { self.show_status(&b).await },
            )
            .await
    }
}
