//! A message (or an edit of one) as the front means it, built for whichever route it takes:
//! the channel, the interaction's webhook, or a DM; and its plain-text form for a channel
//! where cards are refused.

use super::embeds::{embed, Body};
use super::front::MAX_LEN;
use crate::engine::cards::Card;
use crate::engine::split::split_message;
use poise::serenity_prelude as serenity;
use serenity::builder::{
    CreateActionRow, CreateAttachment, CreateButton, CreateEmbed,
    CreateInteractionResponseFollowup, CreateMessage, EditMessage,
};

/// `builder` (an edit, or a follow-up: serenity's builders share these methods, not a trait)
/// with `out`'s text, embed and buttons, where it says anything about them.
macro_rules! changes {
    ($builder:expr, $out:expr) => {{
        let (out, mut m) = ($out, $builder);
        if let Some(text) = &out.content {
            m = m.content(text);
        }
        m = match (&out.shown, out.embed()) {
            (_, Some(e)) => m.embed(e),
            (Shown::Clear, None) => m.embeds(Vec::new()),
            _ => m,
        };
        if let Some(rows) = out.rows() {
            m = m.components(rows);
        }
        m
    }};
}

/// What a message shows as its embed.
#[derive(Debug, Clone, Default)]
pub(crate) enum Shown {
    /// Nothing is said about embeds (an edit keeps them).
    #[default]
    Keep,
    /// No embed (an edit removes the card it showed).
    Clear,
    /// A card, its title linking to the URL when there is one.
    Card(Box<Card>, Option<String>),
}

/// A message to create, or the changes of an edit.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outgoing {
    /// The text; `None` keeps an edited message's text.
    pub content: Option<String>,
    /// The embed.
    pub shown: Shown,
    /// One row of buttons; `None` keeps an edited message's.
    pub buttons: Option<Vec<CreateButton>>,
    /// Discord drops a second message with this nonce in the same channel (channels only).
    pub nonce: Option<String>,
    /// The MP4, attached.
    pub video: Option<Vec<u8>>,
}

impl From<&Body> for Outgoing {
    fn from(body: &Body) -> Outgoing {
        match body {
            Body::Text(text) => Outgoing {
                content: Some(text.clone()),
                shown: Shown::Clear,
                ..Outgoing::default()
            },
            Body::Waiting(text, cancel, lang) => Outgoing {
                content: Some(text.clone()),
                shown: Shown::Clear,
                buttons: Some(super::cancel::button(cancel, *lang).into_iter().collect()),
                ..Outgoing::default()
            },
            Body::Card(card) => Outgoing {
                content: Some(String::new()),
                shown: Shown::Card(Box::new(card.clone()), None),
                buttons: super::cancel::buttons(card),
                ..Outgoing::default()
            },
            Body::Noted(text, card) => Outgoing {
                content: Some(text.clone()),
                shown: Shown::Card(Box::new(card.clone()), None),
                buttons: super::cancel::buttons(card),
                ..Outgoing::default()
            },
        }
    }
}

impl Outgoing {
    /// Whether it shows a card.
    pub(crate) fn has_card(&self) -> bool {
        matches!(self.shown, Shown::Card(..))
    }

    /// The same without its card: the card's text follows the content (all of it cut to
    /// Discord's length).
    pub(crate) fn plain(&self) -> Outgoing {
        let Shown::Card(card, _) = &self.shown else {
            return self.clone();
        };
        let text = match self.content.as_deref() {
            Some(content) if !content.is_empty() => format!("{content}\n{}", card.text()),
            _ => card.text(),
        };
        let content = split_message(&text, MAX_LEN)
            .into_iter()
            .next()
            .unwrap_or_default();
        Outgoing {
            content: Some(content),
            shown: Shown::Clear,
            ..self.clone()
        }
    }

    fn embed(&self) -> Option<CreateEmbed> {
        match &self.shown {
            Shown::Card(card, Some(url)) => Some(embed(card).url(url)),
            Shown::Card(card, None) => Some(embed(card)),
            _ => None,
        }
    }

    fn rows(&self) -> Option<Vec<CreateActionRow>> {
        let buttons = self.buttons.clone()?;
        Some(if buttons.is_empty() {
            Vec::new()
        } else {
            vec![CreateActionRow::Buttons(buttons)]
        })
    }

    fn attachment(&self) -> Option<CreateAttachment> {
        let bytes = self.video.clone()?;
        Some(CreateAttachment::bytes(bytes, "music-video.mp4"))
    }

    /// A new message in a channel (or a DM).
    pub(crate) fn message(&self) -> CreateMessage {
        let mut m = CreateMessage::new();
        if let Some(text) = self.content.as_deref().filter(|t| !t.is_empty()) {
            m = m.content(text);
        }
        if let Some(e) = self.embed() {
            m = m.embed(e);
        }
        if let Some(rows) = self.rows().filter(|r| !r.is_empty()) {
            m = m.components(rows);
        }
        if let Some(nonce) = &self.nonce {
            m = m
                .nonce(serenity::Nonce::String(nonce.clone()))
                .enforce_nonce(true);
        }
        if let Some(file) = self.attachment() {
            m = m.add_file(file);
        }
        m
    }

    /// An edit of a channel (or DM) message.
    pub(crate) fn edit(&self) -> EditMessage {
        changes!(EditMessage::new(), self)
    }

    /// A public follow-up through the interaction's webhook, or (with an id) its edit.
    pub(crate) fn followup(&self) -> CreateInteractionResponseFollowup {
        let m = changes!(CreateInteractionResponseFollowup::new(), self);
        match self.attachment() {
            Some(file) => m.add_file(file),
            None => m,
        }
    }
}
