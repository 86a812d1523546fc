//! A [`ChannelFront`]'s buttons on answers: the follow-up actions an answer offers, and,
//! while a turn streams, the turn's Cancel on the message its text grows in, which goes at
//! that message's final edit.

use super::ChannelFront;
use crate::discord::ids::{button_id, edit_id, EditId};
use crate::engine::gui::Suggestion;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::builder::CreateButton;

impl ChannelFront {
    /// The buttons of `actions`, and the Edit button every answer has.
    pub(super) fn buttons(&self, actions: &[Suggestion]) -> Vec<CreateButton> {
        let mut buttons: Vec<CreateButton> = actions
            .iter()
            .map(|a| {
                let label = match a {
                    Suggestion::Export => tr!(self.lang, "discord-button-export"),
                    Suggestion::Status => tr!(self.lang, "discord-button-status"),
                };
                CreateButton::new(button_id(*a, &self.scope)).label(label)
            })
            .collect();
        // The Edit button: its form's answer is the next turn (see `edit.rs`).
        let edit = CreateButton::new(edit_id(&EditId::Button(self.scope.clone())))
            .label(tr!(self.lang, "edit-button"))
            .style(serenity::ButtonStyle::Secondary);
        buttons.push(edit);
        buttons
    }

    /// The buttons of a new answer message: the streaming turn's Cancel while it is not
    /// `done` (it will be edited as the answer grows), else none.
    pub(super) fn cancel_comes(&self, done: bool) -> Option<Vec<CreateButton>> {
        let cancel = self.streaming.lock().0.clone().filter(|_| !done)?;
        crate::discord::cancel::button(&cancel, self.lang).map(|b| vec![b])
    }

    /// The buttons of an edit of message `id`: none when it carries a streaming turn's
    /// Cancel and the edit is its last (`done`), else unchanged (`None`).
    pub(super) fn cancel_goes(
        &self,
        id: serenity::MessageId,
        done: bool,
    ) -> Option<Vec<CreateButton>> {
        let carried = done && self.streaming.lock().1.remove(&id);
        carried.then(Vec::new)
    }
}
