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

/// Words that contain a phrase are the agent's own; the phrases themselves, as words, are
/// still rewritten.
#[test]
fn only_whole_words_are_rewritten() {
    let move_words = "tell me in a message to move";
    let rows: &[(&str, &str)] = &[
        (
            "A neon dragon flies over the city",
            "A neon dragon flies over the city",
        ),
        ("The dragged clip stays.", "The dragged clip stays."),
        ("Click exported files", "Click exported files"),
        (
            "Stop clicking export buttons",
            "Stop clicking export buttons",
        ),
        ("Doubleclick export", "Doubleclick export"),
        ("snapdrag it", "snapdrag it"),
        ("drag_and_drop", "drag_and_drop"),
        ("CLICK EXPORT!", "Say `export`!"),
        ("(drag the clip)", "(tell me in a message to move the clip)"),
        ("Then drag.", "Then tell me in a message to move."),
        // The longest phrase runs into a word: the shorter one that stands alone is taken.
        (
            "Drag and drops of rain",
            "Tell me in a message to move and drops of rain",
        ),
        ("请click export然后", "请say `export`然后"),
        ("点击导出按钮吧", "发送“导出”吧"),
    ];
    for (input, want) in rows {
        assert_eq!(translate_gui(input).0, *want, "{input}");
    }
    assert!(!translate_gui("dragon dragster").0.contains(move_words));
}

/// A deterministic pseudo-random sequence (the same texts on every run).
fn sequence(mut seed: u64) -> impl FnMut() -> usize {
    move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    }
}

/// `text` fed in chunks of 1 to 12 bytes (on char boundaries), each chunk's settled
/// translation appended, then the unsettled end: what a streamed answer shows at its end.
/// Also the longest unsettled end seen, in bytes.
fn streamed(text: &str, next: &mut impl FnMut() -> usize) -> (String, usize) {
    let mut gui = GuiStream::default();
    let (mut shown, mut cut, mut widest) = (String::new(), 0, 0);
    while cut < text.len() {
        cut = (cut + 1 + next() % 12).min(text.len());
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        shown.push_str(&gui.advance(&text[..cut]));
        widest = widest.max(gui.tail(&text[..cut]).len());
    }
    shown.push_str(&gui.tail(text));
    (shown, widest)
}

const PIECES: [&str; 27] = [
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
    "on",
    "ged ",
    "ed",
    " ",
    "click",
    "ing ",
    "a neon ",
    "_",
];

/// Whatever the chunking, the streamed translation reads as the whole one: short texts with
/// line breaks, and long ones without any.
#[test]
fn streamed_translation_equals_the_whole_one() {
    let mut next = sequence(11);
    for round in 0..800 {
        let count = if round % 4 == 0 { 400 } else { next() % 40 };
        let text: String = (0..count)
            .map(|_| PIECES[next() % PIECES.len()])
            .filter(|p| round % 2 == 0 || !p.contains('\n'))
            .collect();
        let (shown, _) = streamed(&text, &mut next);
        assert_eq!(shown, translate_gui(&text).0, "{text:?}");
    }
}

/// A long paragraph without a line break is settled as it grows: what is looked at again on
/// each chunk stays within a few phrases' length, however long the answer gets.
#[test]
fn the_unsettled_end_stays_short_without_line_breaks() {
    let mut next = sequence(5);
    let text = "A neon dragon flies over the city, click export and drag the clip. ".repeat(300);
    let (shown, widest) = streamed(&text, &mut next);
    assert_eq!(shown, translate_gui(&text).0);
    assert!(
        widest <= 4 * longest_phrase(),
        "{widest} bytes looked at again, for a {}-byte text",
        text.len()
    );
}

/// Odd characters read as themselves: a GUI phrase beside a character that continues a word
/// (a letter or digit of a language written with spaces, or `_`) is the agent's own word and
/// stays; beside anything else (punctuation, controls, marks, kana, emoji) it is rewritten.
/// Either way the rest is kept, only a rewrite suggests the export, and translating the result
/// again changes nothing.
#[test]
fn any_unicode_keeps_whole_words_and_is_idempotent() {
    let written_without_spaces =
        |c: char| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}');
    let samples = [
        '\u{0}', 'é', 'Ｃ', 'İ', '🎵', '_', '`', '\n', 'ー', '点', '\u{301}',
    ];
    let sweep = (0u32..0x3100).step_by(7).filter_map(char::from_u32);
    for c in samples.into_iter().chain(sweep) {
        let text = format!("{c}click export{c}");
        let joins = (c.is_alphanumeric() || c == '_') && !written_without_spaces(c);
        let want = match joins {
            true => text.clone(),
            false => format!("{c}say `export`{c}"),
        };
        let (shown, found) = translate_gui(&text);
        assert_eq!(shown, want, "{c:?} (U+{:04X})", c as u32);
        let suggested: &[Suggestion] = if joins { &[] } else { &[Export] };
        assert_eq!(found, suggested, "{c:?}");
        assert_eq!(translate_gui(&shown).0, shown, "{c:?}: translated twice");
    }
}
