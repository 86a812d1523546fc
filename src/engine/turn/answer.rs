//! The agent's answer as it streams in: final parts and the chunks since, kept whole as it
//! grows.

/// The agent's text so far. ADK streams `partial` chunks and then repeats the whole part in a
/// final event, which replaces the chunks; the simple event form only sends chunks. The text
/// is the final parts and the chunks since, each trimmed, joined by blank lines, and is kept
/// whole as it grows, so that a chunk costs in proportion to its own length.
#[derive(Default)]
pub(super) struct Answer {
    text: String,
    /// The bytes at the end of `text` that come from chunks (with the blank line before them).
    partial_len: usize,
    /// Whitespace at the end of the chunks, held back until more text follows it.
    held: String,
}

/// What a pushed piece of text did to the answer.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Change {
    /// Nothing (the backend's stray "temporary issue" line).
    None,
    /// Text was appended; what was there before is unchanged.
    Grew,
    /// A final part replaced the chunks streamed before it.
    Replaced,
}

impl Answer {
    /// Adds a piece of text, `partial` when it is a chunk rather than a whole part.
    pub(super) fn push(&mut self, text: &str, partial: bool) -> Change {
        if is_temporary_issue(text) && !self.is_empty() {
            // The backend sometimes tacks this on after a complete answer.
            return Change::None;
        }
        if !partial {
            let replaced = self.partial_len > 0;
            self.text.truncate(self.text.len() - self.partial_len);
            self.partial_len = 0;
            self.held.clear();
            self.append(text.trim());
            return if replaced {
                Change::Replaced
            } else {
                Change::Grew
            };
        }
        let mut chunk = std::mem::take(&mut self.held);
        chunk.push_str(if self.partial_len == 0 {
            text.trim_start()
        } else {
            text
        });
        let content = chunk.trim_end();
        if !content.is_empty() {
            let before = self.text.len();
            self.append(content);
            self.partial_len += self.text.len() - before;
        }
        if self.partial_len > 0 {
            self.held = chunk[content.len()..].to_string();
        }
        Change::Grew
    }

    /// Appends trimmed text: a new paragraph when it starts a part, else a continuation.
    fn append(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.text.is_empty() && self.partial_len == 0 {
            self.text.push_str("\n\n");
        }
        self.text.push_str(text);
    }

    /// Whether the agent has said nothing yet.
    pub(super) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text so far.
    pub(super) fn text(&self) -> &str {
        &self.text
    }
}

fn is_temporary_issue(text: &str) -> bool {
    text.to_lowercase()
        .contains("i encountered a temporary issue")
}

#[cfg(test)]
mod tests {
    use super::{Answer, Change};

    /// The answer as it was computed before, from scratch: final parts and the trimmed chunks
    /// since, joined by blank lines.
    fn joined(parts: &[String], partial: &str) -> String {
        let mut all: Vec<&str> = parts.iter().map(|p| p.trim()).collect();
        all.push(partial.trim());
        all.retain(|p| !p.is_empty());
        all.join("\n\n")
    }

    #[test]
    fn the_answer_grows_as_its_parts_and_chunks_joined() {
        let pieces = [
            "Here ",
            " ",
            "\n",
            "is",
            " your\n\n",
            "draft.",
            "  ",
            "\t",
            "🎵",
        ];
        let mut seed = 5u64;
        for _ in 0..300 {
            let (mut answer, mut parts, mut partial) =
                (Answer::default(), Vec::new(), String::new());
            for _ in 0..(seed % 30) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let text = pieces[(seed >> 33) as usize % pieces.len()];
                let is_partial = (seed >> 40) % 4 != 0;
                let change = answer.push(text, is_partial);
                let before = joined(&parts, &partial);
                if is_partial {
                    partial.push_str(text);
                } else {
                    // A final part replaces the chunks before it.
                    partial.clear();
                    parts.push(text.to_string());
                }
                let now = joined(&parts, &partial);
                assert_eq!(answer.text(), now, "{parts:?} {partial:?}");
                if change == Change::Grew {
                    assert!(now.starts_with(&before), "grew means appended");
                }
            }
        }
    }
}
