//! The member's language where the platform gives no locale (a Discord message, a console
//! line): read from the member's own words, trusted only when the detection is confident and
//! the catalogs have the language.

use super::Lang;

/// The language a member speaks, when it is known: the interaction's `locale` when the
/// platform gives one, else the language `words` are confidently written in, if the bot speaks
/// it. `None` leaves the choice to the project (its session's language, else English).
pub fn member_language(locale: &str, words: &str) -> Option<Lang> {
    if !locale.is_empty() {
        return Some(Lang::from_tag(locale));
    }
    written_in(words)
}

/// The catalog language of `words`, when whatlang is confident. Chinese is told by its script
/// (whatlang calls Han text Mandarin with full confidence unless kana make it Japanese), so
/// two characters such as 状态 are enough; Latin-script text needs a confident detection of
/// English among the languages written that way, which one or two words seldom give.
fn written_in(words: &str) -> Option<Lang> {
    let info = whatlang::detect(words).filter(whatlang::Info::is_reliable)?;
    match info.lang() {
        whatlang::Lang::Cmn => Some(Lang::ZhCn),
        whatlang::Lang::Eng => Some(Lang::En),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_language() {
        let zh = Some(Lang::ZhCn);
        let en = Some(Lang::En);
        let rows: &[(&str, &str, Option<Lang>)] = &[
            // The interaction's locale wins over the words.
            ("zh-CN", "make a video", zh),
            ("en-US", "状态", en),
            ("fr", "状态", en),
            // No locale: the words' language, when the bot speaks it.
            ("", "状态", zh),
            ("", "导出", zh),
            ("", "帮我把副歌部分剪得更有节奏感", zh),
            (
                "",
                "make the chorus brighter and cut every shot on the beat",
                en,
            ),
            (
                "",
                "I would like the colors to be warmer when the chorus comes back",
                en,
            ),
            // Not confident, or a language the catalogs lack: the project decides.
            ("", "", None),
            ("", "status", None),
            // Plain English that whatlang is not sure of (it guesses Afrikaans).
            (
                "",
                "Please make the video darker and slower in the second verse",
                None,
            ),
            ("", "make it 更酷一点", None),
            ("", "https://example.com/song.mp3", None),
            ("", "ok", None),
            ("", "🎵🎵", None),
            ("", "12:30", None),
            ("", "Haz el video más oscuro y más lento, por favor", None),
            ("", "Mach das Video bitte dunkler und langsamer", None),
            ("", "ステータスを見せてください", None),
        ];
        for (locale, words, want) in rows {
            assert_eq!(
                member_language(locale, words),
                *want,
                "{locale:?} {words:?}"
            );
        }
    }
}
