//! A [`ChannelFront`]'s streaming answer: while a turn streams, the message its text grows in
//! carries the turn's Cancel, which goes at that message's final edit.

use super::ChannelFront;
use poise::serenity_prelude as serenity;
use serenity::builder::CreateButton;

impl ChannelFront {
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
