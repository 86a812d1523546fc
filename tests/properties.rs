//! Property tests on everything that reads outside input: SSE payloads, draft JSON, user words,
//! config text, file headers, agent text. None may panic, and each checks what must hold.

use music_video_bot::config::Config;
use music_video_bot::engine::cards;
use music_video_bot::engine::gui::{translate_gui, GuiStream};
use music_video_bot::engine::route::{route, Action};
use music_video_bot::engine::split::{split_message, text_len};
use music_video_bot::engine::summary::{diff, Timeline};
use music_video_bot::files::{sniff, MediaKind};
use music_video_bot::i18n::LANGUAGES;
use music_video_bot::nemo::sse::{decode_event, TurnEvent};
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
    fn sse_payloads_that_are_not_json_show_nothing(data in ".{0,200}") {
        let events = decode_event(&data);
        if data.trim().is_empty() {
            prop_assert_eq!(events, vec![TurnEvent::Heartbeat]);
        } else if serde_json::from_str::<Value>(data.trim()).is_err() {
            prop_assert!(events.is_empty(), "raw text never reaches a user: {:?}", events);
        }
    }

    #[test]
    fn sse_json_payloads_decode_to_few_events(v in any_json()) {
        let events = decode_event(&v.to_string());
        prop_assert!(events.len() <= 7, "{} events", events.len());
    }

    #[test]
    fn drafts_never_panic_and_always_summarise(a in any_json(), b in any_json()) {
        let (ta, tb) = (Timeline::from_draft(&a), Timeline::from_draft(&b));
        for lang in LANGUAGES {
            prop_assert!(!ta.summary(lang).is_empty());
            let _ = diff(lang, &ta, &tb);
            prop_assert!(diff(lang, &ta, &ta).is_none(), "a timeline never differs from itself");
            // The project card: one line per track (or one saying there are none).
            let card = cards::project(lang, &json!({"draft": a, "video_infos": b}), &[], &[]);
            prop_assert_eq!(card.lines.len(), ta.tracks.len().max(1));
        }
    }

    #[test]
    fn a_file_is_always_an_upload_and_case_or_slash_never_matter(text in "\\PC{0,60}") {
        prop_assert_eq!(route(&text, true), Action::Upload);
        let action = route(&text, false);
        prop_assert_eq!(route(&text.to_ascii_uppercase(), false), action);
        prop_assert_eq!(route(&format!("/{}", text.trim_start()), false), action);
    }

    #[test]
    fn mixed_language_routing_follows_its_words(parts in prop::collection::vec(prop_oneof![
        Just("export"), Just("导出"), Just("积分"), Just("status"), Just("add"), Just("加"), Just(" "), Just("🎵"), Just("please"),
    ], 0..12)) {
        let text = parts.concat();
        let action = route(&text, false);
        // Whatever it is, a keyword of its own said so, and an edit word keeps it with the agent.
        let named = match action {
            Action::Export => text.contains("export") || text.contains("导出"),
            Action::Credits => text.contains("积分"),
            Action::Status => text.contains("status"),
            Action::Upload => false,
            Action::Message => true,
        };
        prop_assert!(named, "{:?} for {:?}", action, text);
        if text.contains('加') {
            prop_assert_eq!(action, Action::Message);
        }
    }

    #[test]
    fn config_text_never_shows_its_token(junk in "\\PC{0,200}", token in "nmv_usr_[a-z0-9]{12}") {
        for text in [junk.clone(), format!("[nemo]\ntoken = \"{token}\"\n{junk}")] {
            match Config::from_toml(&text) {
                Ok(cfg) => {
                    let shown = format!("{:?}", cfg);
                    prop_assert!(!shown.contains(&token));
                }
                Err(e) => prop_assert!(!e.is_empty(), "an error says what is wrong"),
            }
        }
    }

    #[test]
    fn sniffing_accepts_only_what_name_and_bytes_agree_on(stem in "[\\p{L}\\p{N} _-]{1,20}", ext in "(mp3|wav|flac|png|txt|exe)", head in prop::collection::vec(any::<u8>(), 0..32)) {
        let name = format!("{stem}.{ext}");
        let signature: &[u8] = match ext.as_str() {
            "mp3" => b"ID3",
            "flac" => b"fLaC",
            "png" => &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
            _ => b"RIFF\0\0\0\0WAVE",
        };
        let good: Vec<u8> = signature.iter().chain(&head).copied().collect();
        let want = match ext.as_str() {
            "mp3" | "wav" | "flac" => Some(MediaKind::Audio),
            "png" => Some(MediaKind::Image),
            _ => None,
        };
        prop_assert_eq!(sniff(&name, &good).ok(), want, "{}", name);
        // Bytes of no media family never pass, whatever the name says.
        let text: Vec<u8> = b"hello ".iter().chain(&head).copied().collect();
        prop_assert!(sniff(&name, &text).is_err(), "{}", name);
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
        // Without code blocks (nothing to close and reopen) the parts re-join to the input.
        if !text.contains("```") {
            let rejoined: String = chunks.concat();
            let squeezed = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(squeezed(&rejoined), squeezed(&text));
        }
    }

    #[test]
    fn code_blocks_survive_gui_translation(before in "[a-zA-Z \n]{0,40}", code in "(click|export|drag|open the timeline| |\n|[a-z])*", after in "[a-zA-Z .\n]{0,40}") {
        let text = format!("{before} click export\n```\n{code}\n```\n{after}");
        let (shown, suggestions) = translate_gui(&text);
        prop_assert!(shown.contains(&format!("```\n{code}\n```")), "{shown:?}");
        prop_assert!(shown.contains("say `export`"), "{shown:?}");
        prop_assert!(!suggestions.is_empty());
        // Text without a GUI word reads as it was.
        let plain = format!("{before}```{code}```");
        let lower = plain.to_lowercase();
        if !["click", "drag", "open", "preview"].iter().any(|w| lower.contains(w)) {
            prop_assert_eq!(translate_gui(&plain).0, plain);
        }
    }

    #[test]
    fn streamed_gui_translation_equals_the_whole(text in "(Click Export|click the export button|```|`|drag|\n|点击导出| |[a-z]|🎵)*", cuts in prop::collection::vec(1usize..30, 1..40)) {
        let mut gui = GuiStream::default();
        let (mut shown, mut end) = (String::new(), 0);
        for step in cuts.iter().cycle().take(text.len()) {
            if end == text.len() {
                break;
            }
            end = (end + step).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            shown.push_str(&gui.advance(&text[..end]));
        }
        shown.push_str(&gui.tail(&text));
        prop_assert_eq!(shown, translate_gui(&text).0);
    }
}
