//! A card as a Discord embed, always inside Discord's embed limits: the card's lines become the
//! description, its fields the embed's fields; whatever does not fit is cut with `…` or left
//! out with an "… and N more" line, never dropped silently (Discord refuses the whole message
//! when one limit is broken).

use crate::engine::cards::{Card, Field, Tone};
use crate::engine::split::text_len;
use crate::engine::CancelAction;
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::builder::{
    CreateActionRow, CreateEmbed, CreateEmbedFooter, CreateInteractionResponseFollowup,
    CreateMessage, EditInteractionResponse,
};

// Discord's embed limits (the embed object's documentation and `RichEmbed` in its OpenAPI
// description). Discord says "characters"; lengths here are UTF-16 code units
// ([`text_len`]), which are never fewer than code points, so an embed that fits here fits
// whichever Discord counts (they differ only for emoji and other characters beyond the BMP).
/// The longest title.
pub const TITLE: usize = 256;
/// The longest description.
pub const DESCRIPTION: usize = 4096;
/// The most fields.
pub const FIELDS: usize = 25;
/// The longest field name.
pub const FIELD_NAME: usize = 256;
/// The longest field value.
pub const FIELD_VALUE: usize = 1024;
/// The longest footer.
pub const FOOTER: usize = 2048;
/// The most characters of title, description, field names and values and footer together.
pub const TOTAL: usize = 6000;

/// What a message shows: a text, a card as its embed, or both.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// Text only.
    Text(String),
    /// A card only.
    Card(Card),
    /// A text above a card (lines that stay atop a progress card).
    Noted(String, Card),
    /// A place in line, with its Cancel button (in this language).
    Waiting(String, CancelAction, Lang),
}

impl Body {
    /// A new channel message (or DM) showing it.
    pub(crate) fn message(&self) -> CreateMessage {
        match self {
            Body::Text(text) | Body::Waiting(text, ..) => CreateMessage::new().content(text),
            Body::Card(card) => CreateMessage::new().embed(embed(card)),
            Body::Noted(text, card) => CreateMessage::new().content(text).embed(embed(card)),
        }
    }

    /// An ephemeral follow-up to an interaction showing it.
    pub(crate) fn followup(&self) -> CreateInteractionResponseFollowup {
        let followup = CreateInteractionResponseFollowup::new().ephemeral(true);
        match self {
            Body::Text(text) | Body::Waiting(text, ..) => followup.content(text),
            Body::Card(card) => followup.embed(embed(card)),
            Body::Noted(text, card) => followup.content(text).embed(embed(card)),
        }
    }

    /// The same for an interaction's own response, with a card's buttons (its Cancel).
    pub(crate) fn edit_response(&self) -> EditInteractionResponse {
        let (edit, card) = match self {
            // A command's own response carries no button but a Cancel: a text is without.
            Body::Text(text) => {
                let edit = EditInteractionResponse::new().content(text);
                return edit.embeds(Vec::new()).components(Vec::new());
            }
            Body::Waiting(text, cancel, lang) => {
                let edit = EditInteractionResponse::new().content(text);
                let rows = super::cancel::button(cancel, *lang)
                    .map(|b| vec![CreateActionRow::Buttons(vec![b])]);
                return edit.embeds(Vec::new()).components(rows.unwrap_or_default());
            }
            Body::Card(card) => (EditInteractionResponse::new().content(""), card),
            Body::Noted(text, card) => (EditInteractionResponse::new().content(text), card),
        };
        let edit = edit.embed(embed(card));
        match super::cancel::buttons(card) {
            Some(buttons) if !buttons.is_empty() => {
                edit.components(vec![CreateActionRow::Buttons(buttons)])
            }
            // Nor does a card without its Cancel keep one (a place in line's, before it).
            _ => edit.components(Vec::new()),
        }
    }
}

/// Discord refuses a field with an empty name or value; a zero-width space shows as nothing.
const BLANK: &str = "\u{200B}";

/// A card's parts, cut to fit one embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// The title (may be empty: none).
    pub title: String,
    /// The lines, joined; the last may say how many were left out.
    pub description: String,
    /// The fields kept.
    pub fields: Vec<Field>,
    /// The footer; its last line says how many fields were left out, if any were.
    pub footer: Option<String>,
}

impl Fitted {
    /// Everything Discord counts towards [`TOTAL`], in UTF-16 code units.
    pub fn total(&self) -> usize {
        let fields: usize = self
            .fields
            .iter()
            .map(|f| text_len(&f.name) + text_len(&f.value))
            .sum();
        text_len(&self.title)
            + text_len(&self.description)
            + fields
            + self.footer.as_deref().map_or(0, text_len)
    }
}

/// The card as an embed, coloured by its tone, its words shortened in its language.
pub fn embed(card: &Card) -> CreateEmbed {
    let fitted = fit(card, |count| tr!(card.lang, "card-more", count = count));
    let mut embed = CreateEmbed::new().colour(colour(card.tone));
    if !fitted.title.is_empty() {
        embed = embed.title(fitted.title);
    }
    if !fitted.description.is_empty() {
        embed = embed.description(fitted.description);
    }
    embed = embed.fields(
        fitted
            .fields
            .into_iter()
            .map(|f| (f.name, f.value, f.inline)),
    );
    match fitted.footer {
        Some(footer) if !footer.is_empty() => embed.footer(CreateEmbedFooter::new(footer)),
        _ => embed,
    }
}

/// The colour of a tone: Discord's blurple for facts, yellow under way, green when done.
pub fn colour(tone: Tone) -> u32 {
    match tone {
        Tone::Info => 0x5865F2,
        Tone::Working => 0xFEE75C,
        Tone::Done => 0x57F287,
    }
}

/// Fits a card into the limits; `more(n)` words the line saying `n` more were left out.
///
/// The budget goes in reading order of importance: the title, the footer (with room for the
/// note on left-out fields), the lines (at least 6000 − 256 − 2048 = 3696 remain for them, so
/// their own note always fits), then the fields in order while they fit whole.
pub fn fit(card: &Card, more: impl Fn(usize) -> String) -> Fitted {
    let title = cut(&card.title, TITLE);
    // The note on left-out fields is longest for the most fields; its room is kept for it.
    let note_room = match card.fields.len() {
        0 => 0,
        n => text_len(&more(n)) + 1,
    };
    let footer = card.footer.as_deref().map(|f| cut(f, FOOTER - note_room));
    let used = text_len(&title) + footer.as_deref().map_or(0, text_len) + note_room;
    let description = fit_lines(&card.lines, DESCRIPTION.min(TOTAL - used), &more);
    let mut left = TOTAL - used - text_len(&description);
    let mut fields = Vec::new();
    for field in card.fields.iter().take(FIELDS) {
        let field = fit_field(field, &more);
        let size = text_len(&field.name) + text_len(&field.value);
        if size > left {
            // Later fields are left out too: the ones shown stay the first ones, in order.
            break;
        }
        left -= size;
        fields.push(field);
    }
    let left_out = card.fields.len() - fields.len();
    let footer = match (footer, left_out) {
        (footer, 0) => footer,
        (None, n) => Some(more(n)),
        (Some(f), n) if f.is_empty() => Some(more(n)),
        (Some(f), n) => Some(format!("{f}\n{}", more(n))),
    };
    Fitted {
        title,
        description,
        fields,
        footer,
    }
}

/// A field within its name and value limits, neither empty; a value of several lines (a
/// list) keeps its first whole lines and says how many more there were.
fn fit_field(field: &Field, more: &impl Fn(usize) -> String) -> Field {
    let nonblank = |s: String| if s.is_empty() { BLANK.to_string() } else { s };
    let lines: Vec<String> = field.value.lines().map(str::to_string).collect();
    Field {
        name: nonblank(cut(&field.name, FIELD_NAME)),
        value: nonblank(fit_lines(&lines, FIELD_VALUE, more)),
        inline: field.inline,
    }
}

/// The lines joined, within `budget`: when they do not all fit, the first whole lines and a
/// last one saying how many more there were (a first line too long on its own is cut).
fn fit_lines(lines: &[String], budget: usize, more: &impl Fn(usize) -> String) -> String {
    let all = lines.join("\n");
    if text_len(&all) <= budget {
        return all;
    }
    let count = lines.len();
    let note = |shown: usize| more(count - shown);
    let mut used = 0;
    let mut shown = 0;
    for line in lines {
        let with = used + usize::from(shown > 0) + text_len(line);
        if with + 1 + text_len(&note(shown + 1)) > budget {
            break;
        }
        used = with;
        shown += 1;
    }
    if shown == 0 {
        if count == 1 {
            return cut(&lines[0], budget);
        }
        let note = note(1);
        let room = budget.saturating_sub(text_len(&note) + 1);
        return format!("{}\n{note}", cut(&lines[0], room));
    }
    format!("{}\n{}", lines[..shown].join("\n"), note(shown))
}

/// `text` within `max` UTF-16 code units: cut on a character boundary, ending with `…`.
pub fn cut(text: &str, max: usize) -> String {
    if text_len(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        // One unit stays for the `…`.
        if units + c.len_utf16() + 1 > max {
            break;
        }
        units += c.len_utf16();
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
