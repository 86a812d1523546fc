//! Property tests on everything that reads outside input: SSE payloads, draft JSON, user words,
//! config text, file headers, agent text. None may panic, and each keeps its invariants.

use music_video_bot::config::Config;
use music_video_bot::engine::files::sniff;
use music_video_bot::engine::gui::translate_gui;
use music_video_bot::engine::route::route;
use music_video_bot::engine::split::{split_message, text_len};
use music_video_bot::engine::summary::{describe_state, diff, Timeline};
use music_video_bot::nemo::sse::decode_event;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Arbitrary JSON, with the draft's short keys over-represented so tracks are actually built.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        let key = prop_oneof![
            Just("t".to_string()),
            Just("tt".to_string()),
            Just("sg".to_string()),
            Just("st".to_string()),
            Just("d".to_string()),
            Just("m".to_string()),
            Just("v".to_string()),
            Just("title".to_string()),
            Just("content".to_string()),
            Just("parts".to_string()),
            Just("text".to_string()),
            Just("type".to_string()),
            ".{0,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn sse_payloads_never_panic(data in ".{0,200}") {
        let _ = decode_event(&data);
    }

    #[test]
    fn sse_json_payloads_decode_to_few_events(v in any_json()) {
        let events = decode_event(&v.to_string());
        prop_assert!(events.len() <= 7, "{} events", events.len());
    }

    #[test]
    fn drafts_never_panic_and_always_summarise(a in any_json(), b in any_json()) {
        let (ta, tb) = (Timeline::from_draft(&a), Timeline::from_draft(&b));
        prop_assert!(!ta.summary().is_empty());
        let _ = diff(&ta, &tb);
        prop_assert!(diff(&ta, &ta).is_none(), "a timeline never differs from itself");
        let _ = describe_state(&json!({"draft": a, "video_infos": b}));
    }

    #[test]
    fn routing_never_panics(text in "\\PC{0,60}", files in any::<bool>()) {
        let _ = route(&text, files);
    }

    #[test]
    fn mixed_language_routing_never_panics(parts in prop::collection::vec(prop_oneof![
        Just("export"), Just("导出"), Just("积分"), Just("status"), Just("add"), Just("加"), Just(" "), Just("🎵"), Just("please"),
    ], 0..12)) {
        let _ = route(&parts.concat(), false);
    }

    #[test]
    fn config_text_never_panics(text in "\\PC{0,200}") {
        let _ = Config::from_toml(&text);
    }

    #[test]
    fn sniffing_never_panics(name in "\\PC{0,20}(\\.(mp3|wav|flac|m4a|aac|mp4|png))?", head in prop::collection::vec(any::<u8>(), 0..32)) {
        let _ = sniff(&name, &head);
    }

    #[test]
    fn splitting_keeps_limits_and_content(text in "[a-z \\n`🎵中]{0,600}", max in 20usize..300) {
        let chunks = split_message(&text, max);
        for c in &chunks {
            prop_assert!(text_len(c) <= max, "{} > {max}", text_len(c));
        }
        let words = |s: &str| s.split_whitespace().filter(|w| !w.starts_with("```")).collect::<String>();
        let joined: String = chunks.iter().map(|c| words(c)).collect();
        prop_assert_eq!(joined.replace('`', ""), words(&text).replace('`', ""));
    }

    #[test]
    fn gui_translation_never_panics(text in "\\PC{0,200}") {
        let _ = translate_gui(&text);
    }
}
