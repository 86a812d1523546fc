//! No sentence in the sources bypasses the catalogs. (That every key `tr!` uses exists in
//! every language, with the arguments its message takes, is checked by `cargo build`: see
//! `build.rs`.)

use regex::Regex;
use std::path::{Path, PathBuf};

/// Calls whose strings are for the log, the operator's terminal (CLI help, start-up errors),
/// metrics or a panic, and constants of words for the agent (`AGENT_…`: NemoVideo reads them
/// in a turn's prompt), never for a member.
const NOT_FOR_MEMBERS: &[&str] = &[
    "const AGENT_",
    "tracing::",
    "trace!(",
    "debug!(",
    "info!(",
    "warn!(",
    "error!(",
    "panic!(",
    "expect(",
    "unreachable!(",
    "#[error(",
    "assert",
    "eprintln!(",
    "println!(",
    "#[arg(",
    "#[command(",
    "describe_counter!(",
    "describe_gauge!(",
    "describe_histogram!(",
];

fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    walk(&root.join("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .expect("under the crate")
                .to_string_lossy();
            let text = std::fs::read_to_string(&p).expect("a readable source");
            (rel.replace('\\', "/"), text)
        })
        .collect()
}

/// The code of a source a member could see: without its test module (at the end of a file, by
/// the house's layout) and its comment lines.
fn member_code(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// String literals that read like a sentence for a member: words ending as a sentence ends,
/// or a line starting with an emoji.
fn sentences(code: &str) -> Vec<String> {
    let literal = Regex::new(r#""((?:[^"\\]|\\.)*)""#).expect("a valid regex");
    let ends = ['.', '!', '?', '…', '。', '！', '？', ':', '：'];
    let mut found = Vec::new();
    for m in literal.captures_iter(code) {
        let whole = m.get(0).expect("the match");
        let s = &m[1];
        let statement_start = code[..whole.start()]
            .rfind([';', '{', '}'])
            .map_or(0, |i| i + 1);
        let statement = &code[statement_start..whole.start()];
        if NOT_FOR_MEMBERS.iter().any(|call| statement.contains(call)) {
            continue;
        }
        let wordy = s.contains(' ') && s.chars().any(char::is_alphabetic);
        let emoji = s
            .chars()
            .next()
            .is_some_and(|c| ('\u{2300}'..='\u{27BF}').contains(&c) || c >= '\u{1F300}');
        if (wordy && s.trim_end().ends_with(ends)) || emoji {
            found.push(s.to_string());
        }
    }
    found
}

#[test]
fn no_sentence_bypasses_the_catalogs() {
    let mut bypassing = Vec::new();
    for (path, text) in sources() {
        if path.ends_with("tests.rs") {
            continue;
        }
        for s in sentences(&member_code(&text)) {
            bypassing.push(format!("{path}: {s}"));
        }
    }
    assert!(
        bypassing.is_empty(),
        "sentences outside the catalogs:\n{}",
        bypassing.join("\n")
    );
}

#[test]
fn the_sentence_scan_finds_a_planted_sentence() {
    let planted = r#"
        fn answer() -> String {
            tracing::warn!(
                "a log line may say anything."
            );
            let fine = "export";
            format!("You are out of credits, {}.", fine)
        }
        fn status() -> &'static str { "⏳ Still working" }
        /// "A doc comment is not shown."
        // "Nor is a comment."
        #[cfg(test)]
        mod tests { const T: &str = "Tests may say sentences."; }
    "#;
    assert_eq!(
        sentences(&member_code(planted)),
        ["You are out of credits, {}.", "⏳ Still working"]
    );
}

#[test]
fn english_reads_as_it_did_before_the_catalogs() {
    use music_video_bot::i18n::Lang::{En, ZhCn};
    use music_video_bot::tr;
    let rows = [
        (
            tr!(En, "turn-timeout", minutes = 1),
            "⌛ The agent took longer than a minute, so I stopped waiting.",
        ),
        (
            tr!(En, "turn-quiet", minutes = 5),
            "⌛ The video service sent nothing for 5 minutes, so I stopped waiting.",
        ),
        (
            tr!(En, "silent-changed", change = "A.", summary = "B"),
            "✅ Done. A.\nB",
        ),
        (
            tr!(En, "queued", position = 2),
            "⏳ Another request is still running in this project; yours is number 2 in line",
        ),
        (
            tr!(ZhCn, "turn-timeout", minutes = 1),
            "⌛ 智能体用时超过 1 分钟",
        ),
    ];
    for (said, start) in rows {
        assert!(
            said.starts_with(start),
            "{said:?} should start with {start:?}"
        );
    }
}
