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
    ];
    for (tag, lang) in rows {
        assert_eq!(Lang::from_tag(tag), lang, "{tag}");
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
