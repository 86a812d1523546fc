//! The backend talks as if it had a GUI ("click Export", "drag the clip"). In chat there is
//! none: rewrite those instructions into things the user can say, and note the actions offered.

use crate::i18n::Lang;
use crate::tr;

/// An action the agent's text suggested, which a front may offer as a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suggestion {
    /// Render the MP4.
    Export,
    /// Show the timeline.
    Status,
}

/// What a GUI instruction becomes: words a member can say instead, from the catalogs.
#[derive(Debug, Clone, Copy)]
enum Say {
    Export,
    Status,
    StatusSummary,
    TellMove,
}

impl Say {
    /// The words in `lang`: the language of the agent's words they replace, so that an
    /// English sentence stays English and a Chinese one Chinese.
    fn words(self, lang: Lang) -> String {
        match self {
            Say::Export => tr!(lang, "gui-say-export"),
            Say::Status => tr!(lang, "gui-say-status"),
            Say::StatusSummary => tr!(lang, "gui-say-status-summary"),
            Say::TellMove => tr!(lang, "gui-tell-move"),
        }
    }
}

/// One rewrite: an English phrase (matched case-insensitively) or a Chinese one, its
/// replacement, and the action it suggests.
struct Rule {
    phrase: &'static str,
    replacement: Say,
    suggests: Option<Suggestion>,
}

const fn rule(phrase: &'static str, replacement: Say, suggests: Option<Suggestion>) -> Rule {
    Rule {
        phrase,
        replacement,
        suggests,
    }
}

/// Longest phrases first, so "click the Export button" wins over "click".
const RULES: &[Rule] = &[
    rule(
        "click on the export button",
        Say::Export,
        Some(Suggestion::Export),
    ),
    rule(
        "click the export button",
        Say::Export,
        Some(Suggestion::Export),
    ),
    rule("click on export", Say::Export, Some(Suggestion::Export)),
    rule("click export", Say::Export, Some(Suggestion::Export)),
    rule("点击导出按钮", Say::Export, Some(Suggestion::Export)),
    rule("点击导出", Say::Export, Some(Suggestion::Export)),
    rule(
        "preview it in the timeline",
        Say::StatusSummary,
        Some(Suggestion::Status),
    ),
    rule(
        "preview in the timeline",
        Say::StatusSummary,
        Some(Suggestion::Status),
    ),
    rule(
        "preview in timeline",
        Say::StatusSummary,
        Some(Suggestion::Status),
    ),
    rule("open the timeline", Say::Status, Some(Suggestion::Status)),
    rule("open the project", Say::Status, Some(Suggestion::Status)),
    rule("open the editor", Say::Status, Some(Suggestion::Status)),
    rule("open the panel", Say::Status, Some(Suggestion::Status)),
    rule("打开时间线", Say::Status, Some(Suggestion::Status)),
    rule("打开项目", Say::Status, Some(Suggestion::Status)),
    rule("drag and drop", Say::TellMove, None),
    rule("drag & drop", Say::TellMove, None),
    rule("拖拽", Say::TellMove, None),
    rule("drag", Say::TellMove, None),
];

/// Rewrites GUI instructions in the agent's text into things the user can say, and lists the
/// actions it suggested. Code blocks are left as they are.
pub fn translate_gui(text: &str) -> (String, Vec<Suggestion>) {
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    for (i, piece) in text.split("```").enumerate() {
        if i > 0 {
            out.push_str("```");
        }
        if i % 2 == 1 {
            out.push_str(piece);
        } else {
            out.push_str(&rewrite(piece, &mut found));
        }
    }
    if offers_export(text) && !found.contains(&Suggestion::Export) {
        found.push(Suggestion::Export);
    }
    (out, found)
}

/// [`translate_gui`] for a text that grows at its end, such as a streamed answer: each whole
/// line is translated once, when it is complete, and only the unfinished last line is looked
/// at again. No rule phrase and no code fence spans a line break, so the lines translated one
/// by one read exactly as the whole text translated at once.
#[derive(Debug, Default)]
pub struct GuiStream {
    /// Bytes of the source already translated (whole lines, up to and with a `\n`).
    consumed: usize,
    /// Whether the consumed lines left a code block open.
    in_code: bool,
}

impl GuiStream {
    /// Translates the lines of `source` completed since the last call; `source` must start with
    /// the text given before. Returns their translation, to append to what came before.
    pub fn advance(&mut self, source: &str) -> String {
        let new = source.get(self.consumed..).unwrap_or_default();
        let Some(last_break) = new.rfind('\n') else {
            return String::new();
        };
        let lines = &new[..=last_break];
        self.consumed += lines.len();
        translate_lines(lines, &mut self.in_code)
    }

    /// The translation of `source`'s unfinished last line, as it reads now.
    pub fn tail(&self, source: &str) -> String {
        let rest = source.get(self.consumed..).unwrap_or_default();
        translate_lines(rest, &mut self.in_code.clone())
    }
}

/// Translates prose outside code blocks; `in_code` says whether a block is open before `text`,
/// and after it.
fn translate_lines(text: &str, in_code: &mut bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, piece) in text.split("```").enumerate() {
        if i > 0 {
            out.push_str("```");
            *in_code = !*in_code;
        }
        if *in_code {
            out.push_str(piece);
        } else {
            out.push_str(&rewrite(piece, &mut Vec::new()));
        }
    }
    out
}

/// Applies every rule to prose (no code), case-insensitively, on char boundaries.
fn rewrite(prose: &str, found: &mut Vec<Suggestion>) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose;
    'scan: while !rest.is_empty() {
        for r in RULES {
            if let Some(len) = starts_with_ci(rest, r.phrase) {
                let lang = if r.phrase.is_ascii() {
                    Lang::En
                } else {
                    Lang::ZhCn
                };
                out.push_str(&same_case(&rest[..len], &r.replacement.words(lang)));
                if let Some(s) = r.suggests.filter(|s| !found.contains(s)) {
                    found.push(s);
                }
                rest = &rest[len..];
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// The replacement, capitalised when the words it replaces were (at a sentence start).
fn same_case(original: &str, replacement: &str) -> String {
    let mut chars = replacement.chars();
    match (original.chars().next(), chars.next()) {
        (Some(o), Some(r)) if o.is_uppercase() => r.to_uppercase().chain(chars).collect(),
        _ => replacement.to_string(),
    }
}

/// The byte length of `phrase` at the start of `text`, compared case-insensitively (ASCII).
fn starts_with_ci(text: &str, phrase: &str) -> Option<usize> {
    let head = text.get(..phrase.len())?;
    head.eq_ignore_ascii_case(phrase).then_some(phrase.len())
}

/// The agent offering an export as the next step, without a GUI word.
fn offers_export(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["ready to export", "you can export", "export it", "导出"]
        .iter()
        .any(|p| lower.contains(p))
}

#[cfg(test)]
mod tests {
    use super::Suggestion::*;
    use super::*;

    #[test]
    fn table() {
        let rows: &[(&str, &str, &[Suggestion])] = &[
            ("Here is your draft.", "Here is your draft.", &[]),
            (
                "Click Export when you're happy with it.",
                "Say `export` when you're happy with it.",
                &[Export],
            ),
            (
                "Then click the Export button.",
                "Then say `export`.",
                &[Export],
            ),
            (
                "完成了，点击导出即可。",
                "完成了，发送“导出”即可。",
                &[Export],
            ),
            (
                "Preview in the timeline to check.",
                "Say `status` for a summary of the tracks to check.",
                &[Status],
            ),
            (
                "Open the timeline to see it.",
                "Say `status` to see it.",
                &[Status],
            ),
            ("打开时间线查看", "发送“状态”查看", &[Status]),
            (
                "Drag and drop the clip to 0:05.",
                "Tell me in a message to move the clip to 0:05.",
                &[],
            ),
            ("拖拽片段", "发消息告诉我如何移动片段", &[]),
            (
                "Ready to export whenever you are.",
                "Ready to export whenever you are.",
                &[Export],
            ),
            (
                "Click Export, then preview in timeline.",
                "Say `export`, then say `status` for a summary of the tracks.",
                &[Export, Status],
            ),
            (
                "```\nclick export\n``` and click export",
                "```\nclick export\n``` and say `export`",
                &[Export],
            ),
            (
                "See https://x.test/click-export",
                "See https://x.test/click-export",
                &[],
            ),
        ];
        for (input, want, suggestions) in rows {
            let (text, found) = translate_gui(input);
            assert_eq!(text, *want, "{input}");
            assert_eq!(found, suggestions.to_vec(), "{input}");
        }
    }

    /// Whatever the chunking, the streamed translation reads as the whole one.
    #[test]
    fn streamed_translation_equals_the_whole_one() {
        let pieces = [
            "Click ",
            "Export",
            " now.\n",
            "```",
            "py\nclick export\n",
            "```\n",
            "click the ",
            "export button",
            "\n\n",
            "点击导出",
            "拖拽",
            "drag",
            " and drop",
            "`",
            "``",
            "İ",
            "🎵",
            "Preview in timeline",
            "\n",
        ];
        let mut seed = 11u64;
        for _ in 0..500 {
            let mut next = || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as usize
            };
            let text: String = (0..next() % 40)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            let mut gui = GuiStream::default();
            let (mut shown, mut cut) = (String::new(), 0);
            while cut < text.len() {
                cut = (cut + 1 + next() % 12).min(text.len());
                while !text.is_char_boundary(cut) {
                    cut += 1;
                }
                shown.push_str(&gui.advance(&text[..cut]));
            }
            shown.push_str(&gui.tail(&text));
            assert_eq!(shown, translate_gui(&text).0, "{text:?}");
        }
    }

    #[test]
    fn any_unicode_is_safe() {
        for s in [
            "é",
            "ＣＬＩＣＫ",
            "\u{0}click",
            "点",
            "🎵click export🎵",
            "İclick export",
        ] {
            let _ = translate_gui(s);
        }
    }
}
