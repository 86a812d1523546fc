use super::*;
use std::collections::BTreeSet;

#[test]
fn every_catalog_parses_and_every_language_has_the_same_keys() {
    let english: BTreeSet<String> = keys(Lang::En).into_iter().collect();
    assert!(!english.is_empty());
    for lang in LANGUAGES {
        for (file, source) in CATALOGS.iter().zip(SOURCES[lang.index()]) {
            let parsed = FluentResource::try_new(source.to_string());
            assert!(
                parsed.is_ok(),
                "locales/{}/{file}.ftl does not parse",
                lang.tag()
            );
        }
        let all = keys(lang);
        let set: BTreeSet<String> = all.iter().cloned().collect();
        assert_eq!(set.len(), all.len(), "{}: a key defined twice", lang.tag());
        let missing: Vec<_> = english.difference(&set).collect();
        let extra: Vec<_> = set.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in English {extra:?}",
            lang.tag()
        );
    }
}

#[test]
fn tags_choose_the_language() {
    let rows = [
        ("zh-CN", Lang::ZhCn),
        ("zh-TW", Lang::ZhCn),
        ("zh", Lang::ZhCn),
        ("ZH_cn", Lang::ZhCn),
        ("en-US", Lang::En),
        ("en", Lang::En),
        ("fr", Lang::En),
        ("", Lang::En),
        ("zhx", Lang::En),
        ("zh-HK", Lang::ZhCn),
        ("zh-Hant", Lang::ZhCn),
        ("zh-Hans-CN", Lang::ZhCn),
        ("ZH", Lang::ZhCn),
        ("zh_CN.UTF-8", Lang::ZhCn),
        ("en_US", Lang::En),
        ("es-419", Lang::En),
        ("ja", Lang::En),
        ("und", Lang::En),
        (" zh", Lang::En),
        ("not a tag", Lang::En),
    ];
    for (tag, lang) in rows {
        assert_eq!(Lang::from_tag(tag), lang, "{tag}");
    }
    // Every locale Discord sends: its two Chinese ones are Chinese, the rest English.
    let discord = [
        "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
        "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi",
        "th", "ja", "ko",
    ];
    for tag in discord {
        assert_eq!(Lang::from_tag(tag), Lang::En, "{tag}");
    }
    for tag in ["zh-CN", "zh-TW"] {
        assert_eq!(Lang::from_tag(tag), Lang::ZhCn, "{tag}");
    }
}

#[test]
fn each_language_says_its_own_sentence() {
    let en = crate::tr!(Lang::En, "restarting");
    let zh = crate::tr!(Lang::ZhCn, "restarting");
    assert!(en.contains("restarting right now"), "{en}");
    assert!(zh.contains("重启"), "{zh}");
    assert_eq!(text(Lang::ZhCn, "no-such-key", None), "no-such-key");
}

/// Counts agree with their nouns through Fluent's plural rules ("1 export", "2 exports"),
/// never "export(s)".
#[test]
fn counts_agree_with_their_nouns() {
    let rows = [
        (
            "console-resuming",
            "count",
            "1 unfinished export…",
            "2 unfinished exports…",
        ),
        (
            "export-quota-user",
            "running",
            "1 export rendering",
            "2 exports rendering",
        ),
        (
            "turn-quota",
            "limit",
            "sent 1 request to",
            "sent 2 requests to",
        ),
        (
            "too-many-files",
            "limit",
            "At most 1 file per",
            "At most 2 files per",
        ),
    ];
    for (key, name, one, two) in rows {
        for (count, want) in [(1, one), (2, two)] {
            let mut args = Args::new();
            args.set(name, count);
            args.set("eta", "soon");
            let said = text(Lang::En, key, Some(&args));
            assert!(said.contains(want), "{key} with {count}: {said}");
        }
    }
    for lang in LANGUAGES {
        for source in SOURCES[lang.index()] {
            let guessed = source.replace("http(s)", "");
            assert!(!guessed.contains("(s)"), "{}: a count as (s)", lang.tag());
        }
    }
}
