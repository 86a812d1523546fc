//! Cards: what the engine shows as a block rather than a sentence — the credits, the
//! timeline, a render's progress, the finished video. A platform with cards (Discord's embeds)
//! draws them; any other prints [`Card::text`]. The words come from `locales/*/cards.ftl`.

use crate::i18n::Lang;
use crate::tr;

mod build;

pub use build::{credits, facts, finish_estimate, finished, progress, project, rendered};

/// How a card feels, for the colour a platform gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    /// Facts (credits, the timeline).
    #[default]
    Info,
    /// Something under way (a render).
    Working,
    /// Something finished (the video).
    Done,
}

/// A named value: side by side with others when `inline`, else a section of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its value (may span lines).
    pub value: String,
    /// Whether it sits beside its neighbours.
    pub inline: bool,
}

/// Another take of a finished video: its request made again (a new turn on the same project,
/// then an export), by the member who asked for it (or a moderator, on their behalf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeAction {
    /// The member's words (empty: the default request).
    pub request: String,
    /// Who asked for the video (the actor's user, e.g. `discord:1234`).
    pub by: String,
    /// The video (its render id), whose kept record has the words too, for a front whose
    /// button cannot carry them.
    pub video: String,
}

/// A titled block: lines (one per track, a bar…), fields and a footer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    /// The language it is written in (a front that must shorten it says so in this one).
    pub lang: Lang,
    /// How it feels.
    pub tone: Tone,
    /// The headline.
    pub title: String,
    /// The body, a line each; a front may keep only the first ones, saying how many it left.
    pub lines: Vec<String>,
    /// Named values after the body.
    pub fields: Vec<Field>,
    /// A closing remark.
    pub footer: Option<String>,
    /// What a Cancel action on it would stop (a render's progress), where the platform has
    /// buttons; shown with the card, in the same call.
    pub cancel: Option<crate::engine::CancelAction>,
    /// The request a finished video's Another take makes again, where the platform has
    /// buttons (boxed: most cards have none).
    pub take: Option<Box<TakeAction>>,
}

impl Card {
    /// A card with a title and nothing else yet.
    pub fn new(lang: Lang, tone: Tone, title: String) -> Card {
        Card {
            lang,
            tone,
            title,
            ..Card::default()
        }
    }

    /// Adds a field.
    pub fn field(mut self, name: String, value: String, inline: bool) -> Card {
        self.fields.push(Field {
            name,
            value,
            inline,
        });
        self
    }

    /// The card as plain text (for a terminal): the title, the body, each field as
    /// `name: value` (a value of several lines indented under its name), the footer.
    pub fn text(&self) -> String {
        let mut out = vec![self.title.clone()];
        out.extend(self.lines.iter().cloned());
        for f in &self.fields {
            let (name, value) = (f.name.as_str(), f.value.as_str());
            if f.value.contains('\n') {
                let heading = tr!(self.lang, "card-field", name = name, value = "");
                out.push(heading.trim_end().to_string());
                out.extend(f.value.lines().map(|l| format!("  {l}")));
            } else {
                out.push(tr!(self.lang, "card-field", name = name, value = value));
            }
        }
        out.extend(self.footer.iter().cloned());
        out.join("\n")
    }
}

/// A bar of `width` cells, `percent` of them filled (rounded): `▰▰▰▱▱▱` for 50 of 6.
pub fn bar(percent: u8, width: usize) -> String {
    let filled = (usize::from(percent.min(100)) * width + 50) / 100;
    let cell = |i| if i < filled { '▰' } else { '▱' };
    (0..width).map(cell).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_proportion() {
        for (percent, width, want) in [
            (0, 6, "▱▱▱▱▱▱"),
            (50, 6, "▰▰▰▱▱▱"),
            (100, 6, "▰▰▰▰▰▰"),
            (255, 6, "▰▰▰▰▰▰"),
            (8, 6, "▱▱▱▱▱▱"),
            (9, 6, "▰▱▱▱▱▱"),
            (33, 10, "▰▰▰▱▱▱▱▱▱▱"),
        ] {
            assert_eq!(bar(percent, width), want, "{percent}% of {width}");
        }
    }

    #[test]
    fn text_puts_each_part_on_its_lines() {
        let card = Card {
            lines: vec!["▰▰▱▱ 50%".into()],
            footer: Some("Exports are free.".into()),
            ..Card::new(Lang::En, Tone::Info, "Credits".into())
        }
        .field("Available".into(), "50".into(), true)
        .field("Media".into(), "a.mp3\nb.mp3".into(), false);
        assert_eq!(
            card.text(),
            "Credits\n▰▰▱▱ 50%\nAvailable: 50\nMedia:\n  a.mp3\n  b.mp3\nExports are free."
        );
    }
}
