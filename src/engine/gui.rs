//! The backend talks as if it had a GUI ("click Export", "drag the clip"). In chat there is
//! none: rewrite those instructions into things the user can say, and note the actions offered.
//! Only whole words are rewritten: "dragon" and "exported" are the agent's own words.

mod stream;

pub use stream::GuiStream;

use crate::i18n::Lang;
use crate::tr;
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use std::ops::Range;
use std::sync::LazyLock;

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

/// One rewrite: an English phrase (matched case-insensitively, as whole words) or a Chinese
/// one, its replacement, and the action it suggests.
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

/// The phrases; where several start at one place the longest wins ("drag and drop" over
/// "drag").
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

/// The rules' phrases in one automaton: leftmost-longest, ASCII case-insensitive, and able to
/// search anchored at a position (for a shorter phrase where the longest is not a whole word).
static PHRASES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .start_kind(StartKind::Both)
        .build(RULES.iter().map(|r| r.phrase))
        .expect("the GUI phrases build an automaton")
});

/// The longest phrase, in bytes: how far a match can reach.
fn longest_phrase() -> usize {
    RULES.iter().map(|r| r.phrase.len()).max().unwrap_or(0)
}

/// Rewrites GUI instructions in the agent's text into things the user can say, and lists the
/// actions it suggested. Code blocks are left as they are.
pub fn translate_gui(text: &str) -> (String, Vec<Suggestion>) {
    let mut found = Vec::new();
    let out = translate_range(text, 0..text.len(), &mut false, &mut found);
    if offers_export(text) && !found.contains(&Suggestion::Export) {
        found.push(Suggestion::Export);
    }
    (out, found)
}

/// Translates `text[range]`: prose is rewritten, code blocks are kept. `in_code` says whether
/// a block is open before the range, and after it. Word boundaries are judged on the
/// characters around the range too, so a range reads as it does within the whole text.
fn translate_range(
    text: &str,
    range: Range<usize>,
    in_code: &mut bool,
    found: &mut Vec<Suggestion>,
) -> String {
    let mut out = String::with_capacity(range.len());
    let mut at = range.start;
    let fences = text[range.clone()]
        .match_indices("```")
        .map(|(i, _)| range.start + i);
    for fence in fences.chain([range.end]) {
        if *in_code {
            out.push_str(&text[at..fence]);
        } else {
            rewrite(text, at..fence, &mut out, found);
        }
        if fence < range.end {
            out.push_str("```");
            *in_code = !*in_code;
            at = fence + 3;
        }
    }
    out
}

/// Appends prose `text[range]` to `out`, each whole-word phrase replaced by its rule's words.
fn rewrite(text: &str, range: Range<usize>, out: &mut String, found: &mut Vec<Suggestion>) {
    let mut copied = range.start;
    let mut at = range.start;
    while let Some((span, rule)) = next_match(text, at..range.end) {
        let lang = if rule.phrase.is_ascii() {
            Lang::En
        } else {
            Lang::ZhCn
        };
        out.push_str(&text[copied..span.start]);
        out.push_str(&same_case(
            &text[span.clone()],
            &rule.replacement.words(lang),
        ));
        if let Some(s) = rule.suggests.filter(|s| !found.contains(s)) {
            found.push(s);
        }
        (copied, at) = (span.end, span.end);
    }
    out.push_str(&text[copied..range.end]);
}

/// The first phrase in `text[range]` that stands as whole words, and its rule. Where the
/// longest phrase at a place runs into a word ("drag and dropped"), a shorter one that does
/// not ("drag") is taken.
fn next_match(text: &str, range: Range<usize>) -> Option<(Range<usize>, &'static Rule)> {
    let mut from = range.start;
    loop {
        let m = PHRASES.find(Input::new(text).range(from..range.end))?;
        let mut candidate = Some(m);
        while let Some(c) = candidate {
            if whole_words(text, c.range()) {
                return Some((c.range(), &RULES[c.pattern().as_usize()]));
            }
            let shorter = Input::new(text)
                .range(c.start()..c.end() - 1)
                .anchored(Anchored::Yes);
            candidate = PHRASES.find(shorter);
        }
        from = m.start() + 1;
    }
}

/// Whether the phrase at `span` stands as whole words: an English phrase neither continues a
/// word before it nor runs into one after it. Chinese is written without spaces, so a Chinese
/// phrase (or a Chinese neighbour) is always apart.
fn whole_words(text: &str, span: Range<usize>) -> bool {
    let phrase = &text[span.clone()];
    let apart = |edge: Option<char>, neighbour: Option<char>| match (edge, neighbour) {
        (Some(e), Some(n)) => !(e.is_ascii_alphanumeric() && continues_word(n)),
        _ => true,
    };
    apart(
        phrase.chars().next(),
        text[..span.start].chars().next_back(),
    ) && apart(phrase.chars().next_back(), text[span.end..].chars().next())
}

/// Whether `c`, beside a word of a language written with spaces, makes it a longer word.
fn continues_word(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !is_written_without_spaces(c)
}

/// Chinese and Japanese characters (written without spaces between words).
fn is_written_without_spaces(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' // kana
        | '\u{3400}'..='\u{4dbf}' // CJK extension A
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
        | '\u{f900}'..='\u{faff}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{3134f}') // CJK extensions B–H
}

/// The replacement, capitalised when the words it replaces were (at a sentence start).
fn same_case(original: &str, replacement: &str) -> String {
    let mut chars = replacement.chars();
    match (original.chars().next(), chars.next()) {
        (Some(o), Some(r)) if o.is_uppercase() => r.to_uppercase().chain(chars).collect(),
        _ => replacement.to_string(),
    }
}

/// The agent offering an export as the next step, without a GUI word.
fn offers_export(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["ready to export", "you can export", "export it", "导出"]
        .iter()
        .any(|p| lower.contains(p))
}

#[cfg(test)]
mod tests;
