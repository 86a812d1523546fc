//! Routing a user's words to an action, per the contract's table (English and Chinese). Pure.

/// What a message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Render the MP4.
    Export,
    /// The credit balance.
    Credits,
    /// The timeline summary.
    Status,
    /// Upload media.
    Upload,
    /// Anything else: a message to the agent.
    Message,
}

/// English phrases (whole words, any case) and Chinese ones (substrings) per action.
const TABLE: &[(Action, &[&str], &[&str])] = &[
    (
        Action::Export,
        &[
            "export",
            "download",
            "send me the video",
            "send me the mp4",
            "give me the video",
            "render it",
        ],
        &["导出", "下载"],
    ),
    (
        Action::Credits,
        &["credits", "credit", "balance"],
        &["积分", "余额"],
    ),
    (
        Action::Status,
        &["status", "show tracks", "show the tracks", "show timeline"],
        &["状态", "显示轨道"],
    ),
    (Action::Upload, &["upload"], &["上传"]),
];

/// Verbs that ask the agent to change something: a message holding one stays with the agent
/// even when it also names a keyword ("add a status bar overlay").
const EDIT_WORDS_EN: &[&str] = &[
    "add", "make", "generate", "create", "change", "remove", "delete", "cut", "trim", "replace",
    "edit", "put", "insert", "use", "turn", "set", "move", "apply", "fade", "speed", "slow",
];
const EDIT_WORDS_ZH: &[&str] = &[
    "添加", "加", "生成", "修改", "删除", "剪", "换", "做", "制作", "改",
];

/// Longest message (in words, or CJK characters) still read as a command rather than a request
/// for the agent.
const MAX_COMMAND_WORDS: usize = 8;
const MAX_COMMAND_CJK: usize = 16;

/// Decides what a user's words (and attached files) ask for.
pub fn route(text: &str, has_files: bool) -> Action {
    if has_files {
        return Action::Upload;
    }
    let lower = text.trim().trim_start_matches('/').to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty() && w.is_ascii())
        .collect();
    let cjk = lower.chars().filter(|c| is_cjk(*c)).count();
    if words.len() > MAX_COMMAND_WORDS || cjk > MAX_COMMAND_CJK || asks_for_an_edit(&words, &lower)
    {
        return Action::Message;
    }
    TABLE
        .iter()
        .find(|(_, en, zh)| {
            en.iter().any(|p| has_phrase(&words, p)) || zh.iter().any(|p| lower.contains(p))
        })
        .map(|(action, _, _)| *action)
        .unwrap_or(Action::Message)
}

fn asks_for_an_edit(words: &[&str], lower: &str) -> bool {
    let zh = EDIT_WORDS_ZH.iter().any(|w| lower.contains(w));
    zh || words.iter().any(|w| EDIT_WORDS_EN.contains(w))
}

/// Whether the word list contains the phrase's words in a row.
fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let want: Vec<&str> = phrase.split(' ').collect();
    words.windows(want.len()).any(|w| w == want.as_slice())
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

impl super::Request {
    /// The member's own words in the request (none for commands and buttons), which tell the
    /// language they write in.
    pub fn words(&self) -> &str {
        match self {
            super::Request::Say(words) | super::Request::Upload { text: words, .. } => words,
            super::Request::MusicVideo {
                prompt: Some(words),
                ..
            } => words,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Action::*;
    use super::*;

    #[test]
    fn table() {
        let rows: &[(&str, bool, Action)] = &[
            ("export", false, Export),
            ("Export", false, Export),
            ("EXPORT!", false, Export),
            ("/export", false, Export),
            ("export it please", false, Export),
            ("download", false, Export),
            ("can I download the video?", false, Export),
            ("send me the video", false, Export),
            ("please send me the mp4", false, Export),
            ("导出", false, Export),
            ("导出视频", false, Export),
            ("请导出", false, Export),
            ("credits", false, Credits),
            ("how many credits do I have?", false, Credits),
            ("balance", false, Credits),
            ("my balance?", false, Credits),
            ("积分", false, Credits),
            ("余额", false, Credits),
            ("还有多少积分", false, Credits),
            ("status", false, Status),
            ("show tracks", false, Status),
            ("Show tracks please", false, Status),
            ("状态", false, Status),
            ("当前状态", false, Status),
            ("upload", false, Upload),
            ("upload https://x.test/a.mp3", false, Upload),
            ("上传", false, Upload),
            ("anything at all", true, Upload),
            ("", true, Upload),
            ("make a music video that matches the beat", false, Message),
            (
                "generate a music video with visuals that match the beat and mood of this song",
                false,
                Message,
            ),
            ("make the colour balance warmer", false, Message),
            ("add a status bar overlay", false, Message),
            (
                "generate a video and upload it to youtube style",
                false,
                Message,
            ),
            ("加一个上传动画", false, Message),
            ("生成一个音乐视频", false, Message),
            ("rebalance the colours", false, Message),
            ("the exported file looked odd", false, Message),
            ("downloads", false, Message),
            ("hello", false, Message),
            ("", false, Message),
            ("🎵🎶", false, Message),
            ("add BGM", false, Message),
            ("please export 导出", false, Export),
            ("status 状态", false, Status),
            (
                "this is a long message that mentions export but is really a request for the agent",
                false,
                Message,
            ),
            (
                "把这个视频导出成一个非常非常长的高清版本然后发给我谢谢你呀朋友们",
                false,
                Message,
            ),
        ];
        for (text, files, want) in rows {
            assert_eq!(route(text, *files), *want, "{text:?}");
        }
    }

    /// Odd characters read as themselves: a keyword beside a character that continues a word
    /// (a letter, a digit or an apostrophe) is part of a longer word and not a command; beside
    /// anything else it is. Files always mean an upload, and case and surrounding blanks never
    /// change the answer.
    #[test]
    fn odd_unicode_keeps_words_apart() {
        let samples = [
            ("\u{0}", Message),
            ("\u{202e}export", Export),
            ("é x", Message),
            ("ｅｘｐｏｒｔ", Message),
            ("\u{10FFFF}", Message),
            ("导", Message),
            ("a\u{301}", Message),
            ("İ status", Status),
        ];
        for (text, want) in samples {
            assert_eq!(route(text, false), want, "{text:?}");
        }
        for c in (0u32..0x3000).step_by(7).filter_map(char::from_u32) {
            let text = format!("{c}export{c}");
            let want = match c.is_alphanumeric() || c == '\'' {
                true => Message,
                false => Export,
            };
            let action = route(&text, false);
            assert_eq!(action, want, "{c:?} (U+{:04X})", c as u32);
            assert_eq!(route(&text, true), Upload);
            assert_eq!(route(&text.to_lowercase(), false), action, "{c:?}");
            assert_eq!(route(&format!(" \t{text}\n"), false), action, "{c:?}");
        }
    }
}
