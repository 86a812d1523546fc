//! Splitting long text into chat messages without cutting a word or a code block in half.

/// Length in UTF-16 code units, which is what Discord counts.
pub fn text_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Splits text into messages of at most `max_len` UTF-16 code units (what Discord counts), never
/// cutting a word or a fenced code block in half: a block that must span messages is closed at
/// the end of one and reopened (with its language) at the start of the next.
pub fn split_message(text: &str, max_len: usize) -> Vec<String> {
    split_pieces(text, max_len, None)
        .into_iter()
        .map(|p| p.text)
        .collect()
}

/// One message of a split, with where it lies in the input (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The message.
    pub text: String,
    /// Where the next message's input starts.
    pub end: usize,
    /// How far the input was read to decide this message: text after it cannot change it.
    pub seen: usize,
    /// The code block's language to reopen in the next message, if one spans the cut.
    pub reopen: Option<String>,
}

/// [`split_message`], resumable: `reopen` is the [`Piece::reopen`] of the message before
/// `text` (a streamed reply splits only the part after its settled messages). Reads each part
/// of the input a bounded number of times, so a long text costs in proportion to its length.
pub fn split_pieces(text: &str, max_len: usize, reopen: Option<String>) -> Vec<Piece> {
    let max_len = max_len.max(20);
    let mut pieces = Vec::new();
    // Offsets below count from the start, which trimming the end does not move.
    let text = text.trim_end();
    let mut rest = text;
    let mut reopen = reopen;
    while !rest.is_empty() {
        let offset = text.len() - rest.len();
        let prefix = reopen
            .take()
            .map(|info| format!("```{info}\n"))
            .unwrap_or_default();
        // max_len >= 20 and a reopened fence is at most 14 units, so room >= 6.
        let room = max_len - text_len(&prefix);
        let fit = fitting(rest, room);
        // The split looked at the first character past what fits, and (below) at the first one
        // after the cut.
        let first_len = |s: &str| s.chars().next().map_or(0, char::len_utf8);
        let past_fit = offset + fit + first_len(&rest[fit..]);
        let mut cut = if fit == rest.len() {
            rest.len()
        } else {
            break_point(rest, fit)
        };
        if cut < rest.len() && open_fence(&format!("{prefix}{}", &rest[..cut])).is_some() {
            // Ending inside a code block: leave room to close it ("\n```").
            cut = break_point(rest, fitting(rest, room - 4));
        }
        let (head, tail) = rest.split_at(cut);
        let next = tail.trim_start_matches([' ', '\n', '\t', '\r']);
        let mut chunk = format!("{prefix}{}", head.trim_end());
        if let Some(info) = open_fence(&chunk) {
            // Trailing whitespace was trimmed, so any text after the cut is more than spaces.
            if !next.is_empty() {
                chunk.push_str("\n```");
                reopen = Some(info);
            }
        }
        let end = text.len() - next.len();
        if !chunk.trim().is_empty() {
            pieces.push(Piece {
                text: chunk,
                end,
                seen: past_fit.max(end + first_len(next)),
                reopen: reopen.clone(),
            });
        }
        rest = next;
    }
    pieces
}

/// The byte length of the longest head of `text` within `room` units (reads no further).
fn fitting(text: &str, room: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > room {
            return i;
        }
    }
    text.len()
}

/// The byte index at which to cut `text` so that the head is at most `text[..fit]`: the last
/// paragraph break, else line break, else space; a word longer than that is hard-cut.
fn break_point(text: &str, fit: usize) -> usize {
    let head = &text[..fit];
    let found = [
        head.rfind("\n\n"),
        head.rfind('\n'),
        head.rfind([' ', '\t']),
    ]
    .into_iter()
    .flatten()
    .find(|&i| i > 0);
    match found {
        Some(i) => i,
        None if fit == 0 => text.chars().next().map_or(text.len(), char::len_utf8),
        None => fit,
    }
}

/// The info string of a fence left open at the end of `chunk`, if any.
fn open_fence(chunk: &str) -> Option<String> {
    let mut open: Option<String> = None;
    for line in chunk.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            open = match open {
                Some(_) => None,
                None => Some(language(info)),
            };
        }
    }
    open
}

/// A fence's language tag worth repeating when it is reopened (short, plain), else nothing.
fn language(info: &str) -> String {
    let word = info.split_whitespace().next().unwrap_or("");
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-_.#".contains(c));
    if plain && word.len() <= 10 {
        word.to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fences_balanced(chunk: &str) -> bool {
        chunk
            .lines()
            .filter(|l| l.trim_start().starts_with("```"))
            .count()
            % 2
            == 0
    }

    #[test]
    fn table() {
        let rows: Vec<(&str, usize, Vec<&str>)> = vec![
            ("", 2000, vec![]),
            ("   ", 2000, vec![]),
            ("hello", 2000, vec!["hello"]),
            (
                "aaaa bbbb cccc dddd eeee ffff",
                20,
                vec!["aaaa bbbb cccc dddd", "eeee ffff"],
            ),
            (
                "para one.\n\npara two is here",
                20,
                vec!["para one.", "para two is here"],
            ),
            (
                "x".repeat(45).leak(),
                20,
                vec![
                    "x".repeat(20).leak(),
                    "x".repeat(20).leak(),
                    "x".repeat(5).leak(),
                ],
            ),
        ];
        for (text, max, want) in rows {
            assert_eq!(split_message(text, max), want, "{text:?}");
        }
    }

    #[test]
    fn a_4500_character_answer_becomes_three_messages() {
        let words: Vec<String> = (0..900).map(|i| format!("w{i:03}")).collect();
        let text = words.join(" ");
        assert!(text.len() >= 4499);
        let chunks = split_message(&text, 2000);
        assert_eq!(chunks.len(), 3);
        assert!(chunks.iter().all(|c| text_len(c) <= 2000));
        let back: Vec<&str> = chunks.iter().flat_map(|c| c.split_whitespace()).collect();
        assert_eq!(back, words.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn code_blocks_are_closed_and_reopened() {
        let code: Vec<String> = (0..200).map(|i| format!("let x{i} = {i};")).collect();
        let text = format!("Here:\n```rust\n{}\n```\nDone.", code.join("\n"));
        let chunks = split_message(&text, 500);
        assert!(chunks.len() > 3);
        for (i, c) in chunks.iter().enumerate() {
            assert!(text_len(c) <= 500, "chunk {i} too long");
            assert!(fences_balanced(c), "chunk {i} unbalanced:\n{c}");
            if i > 0 && i + 1 < chunks.len() {
                assert!(c.starts_with("```rust\n"), "chunk {i} reopens the block");
            }
        }
    }

    #[test]
    fn emoji_count_as_two_units() {
        assert_eq!(text_len("🎵"), 2);
        let chunks = split_message(&"🎵".repeat(30), 20);
        assert!(chunks.iter().all(|c| text_len(c) <= 20), "{chunks:?}");
        assert_eq!(chunks.concat(), "🎵".repeat(30));
    }

    #[test]
    fn invariants_hold_on_many_inputs() {
        let pieces = [
            "word",
            "longerword",
            "\n",
            "\n\n",
            "```",
            "```py\n",
            "中文字",
            "🎶",
            " ",
            "x".repeat(70).leak(),
        ];
        let mut seed = 7u64;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..(seed % 200) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                text.push(' ');
            }
            let max = 20 + (seed % 200) as usize;
            let chunks = split_message(&text, max);
            for c in &chunks {
                assert!(text_len(c) <= max, "{} > {max}: {c:?}", text_len(c));
                assert!(!c.trim().is_empty());
            }
            let words = |s: &str| {
                s.split_whitespace()
                    .filter(|w| !w.starts_with("```"))
                    .map(str::to_string)
                    .collect::<String>()
            };
            let joined: String = chunks.iter().map(|c| words(c)).collect();
            assert_eq!(joined, words(&text), "content preserved for {text:?}");
        }
    }
}
