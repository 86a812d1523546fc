//! The GUI rewrite of a text that grows at its end, such as a streamed answer, at a cost in
//! proportion to the text added rather than to the text so far.

use super::{longest_phrase, translate_range, PHRASES};
use aho_corasick::{Anchored, Input};

/// [`translate_gui`](super::translate_gui) for a growing text: each part is translated once,
/// when it is settled (nothing that may still arrive can change how it reads), and only the
/// short unsettled end is looked at again. Line breaks play no part: an answer of one long
/// paragraph settles as it grows. The parts read exactly as the whole text translated at once.
#[derive(Debug, Default)]
pub struct GuiStream {
    /// Bytes of the source already translated.
    consumed: usize,
    /// Whether the translated part left a code block open.
    in_code: bool,
}

impl GuiStream {
    /// Translates the text settled since the last call; `source` must start with the text
    /// given before. Returns its translation, to append to what came before.
    pub fn advance(&mut self, source: &str) -> String {
        let cut = settled_end(source, self.consumed);
        if cut <= self.consumed {
            return String::new();
        }
        let settled = self.consumed..cut;
        self.consumed = cut;
        translate_range(source, settled, &mut self.in_code, &mut Vec::new())
    }

    /// The translation of `source`'s unsettled end, as it reads now.
    pub fn tail(&self, source: &str) -> String {
        let rest = self.consumed.min(source.len())..source.len();
        translate_range(source, rest, &mut self.in_code.clone(), &mut Vec::new())
    }
}

/// Where `source`, settled up to `from`, is settled now. A cut a longest phrase before the end
/// sees every phrase that starts before it whole, with the character after it (so whether it
/// stands as whole words is known); the cut then moves back before any phrase that crosses it,
/// and out of a run of backticks (which may be a code fence).
fn settled_end(source: &str, from: usize) -> usize {
    let reach = longest_phrase();
    let Some(mut cut) = source.len().checked_sub(reach) else {
        return from;
    };
    while !source.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut start = cut;
    while start > from && start + reach > cut {
        start -= 1;
        let crosses = source.is_char_boundary(start)
            && PHRASES
                .find(Input::new(source).range(start..).anchored(Anchored::Yes))
                .is_some_and(|m| m.end() > cut);
        if crosses {
            cut = start;
        }
    }
    let bytes = source.as_bytes();
    while cut > from && bytes[cut - 1] == b'`' && bytes.get(cut) == Some(&b'`') {
        cut -= 1;
    }
    cut.max(from)
}
