use super::*;
use crate::i18n::Lang;

/// A short, fixed wording, so the tables read plainly.
fn plus(count: usize) -> String {
    format!("+{count}")
}

fn card(title: &str, lines: Vec<String>, fields: usize, value: &str) -> Card {
    let mut card = Card {
        lines,
        ..Card::new(Lang::En, Tone::Info, title.into())
    };
    for i in 0..fields {
        card = card.field(format!("Field {i}"), value.into(), true);
    }
    card
}

/// Every limit Discord sets on one embed, as `(what, length, limit)` rows that break it.
fn broken(f: &Fitted) -> Vec<(String, usize, usize)> {
    let mut rows = vec![
        ("title".to_string(), text_len(&f.title), TITLE),
        ("description".into(), text_len(&f.description), DESCRIPTION),
        ("fields".into(), f.fields.len(), FIELDS),
        ("total".into(), f.total(), TOTAL),
    ];
    rows.extend(
        f.footer
            .iter()
            .map(|t| ("footer".into(), text_len(t), FOOTER)),
    );
    for (i, field) in f.fields.iter().enumerate() {
        rows.push((format!("field {i} name"), text_len(&field.name), FIELD_NAME));
        rows.push((
            format!("field {i} value"),
            text_len(&field.value),
            FIELD_VALUE,
        ));
        rows.push((
            format!("field {i} empty"),
            usize::from(field.name.is_empty() || field.value.is_empty()),
            0,
        ));
    }
    rows.retain(|(_, len, limit)| len > limit);
    rows
}

/// The number a `+N` line says, or 0 without one.
fn said(text: &str) -> usize {
    text.lines()
        .last()
        .and_then(|l| l.strip_prefix('+'))
        .map_or(0, |n| n.parse().unwrap())
}

#[test]
fn cuts_fall_on_character_boundaries_and_end_with_an_ellipsis() {
    for (text, max, want) in [
        ("abc", 3, "abc"),
        ("abcd", 3, "ab…"),
        ("音乐视频", 4, "音乐视频"),
        ("音乐视频", 3, "音乐…"),
        // 🎵 is two UTF-16 units: it fits whole or not at all.
        ("🎵🎵", 4, "🎵🎵"),
        ("🎵🎵", 3, "🎵…"),
        ("🎵🎵", 2, "…"),
        ("", 0, ""),
    ] {
        assert_eq!(cut(text, max), want, "{text} in {max}");
        assert!(text_len(&cut(text, max)) <= max);
    }
}

#[test]
fn a_card_is_fitted_within_every_limit_and_says_what_it_left_out() {
    let lines = |n: usize, len: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("{i:02} {}", "x".repeat(len)))
            .collect()
    };
    let cjk = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("{i:02} 🎵 {}", "音乐视频".repeat(30)))
            .collect()
    };
    // (card, lines shown, lines said to be left out, fields kept, fields said left out)
    let rows = [
        (card("Credits", lines(3, 10), 3, "50"), 3, 0, 3, 0),
        (card("", vec![], 0, ""), 0, 0, 0, 0),
        // 40 tracks with long names: 40 × 203 > 4,096.
        (card("Timeline", lines(40, 200), 2, "a.mp3"), 20, 20, 2, 0),
        // CJK and emoji names: 127 UTF-16 units a line.
        (card("时间线", cjk(40), 2, "音乐.mp3"), 32, 8, 2, 0),
        // Fields past 25 are left out and counted.
        (card("Many", lines(2, 5), 30, "v"), 2, 0, 25, 5),
        // Fields that fill the total after a full description.
        (
            card("Big", lines(40, 200), 10, &"v".repeat(2000)),
            20,
            20,
            1,
            9,
        ),
        (card(&"t".repeat(300), lines(1, 5000), 0, ""), 1, 0, 0, 0),
    ];
    for (i, (card, shown, left, kept, dropped)) in rows.into_iter().enumerate() {
        let f = fit(&card, plus);
        assert_eq!(broken(&f), [], "row {i}: {f:?}");
        let body: Vec<&str> = f.description.lines().collect();
        let body_shown = body.len() - usize::from(left > 0);
        assert_eq!((body_shown, said(&f.description)), (shown, left), "row {i}");
        assert_eq!(body_shown + left, card.lines.len(), "row {i}: nothing lost");
        for (got, line) in body.iter().zip(&card.lines).take(body_shown) {
            assert!(
                line.starts_with(got.trim_end_matches('…')),
                "row {i}: {got}"
            );
        }
        let footer = f.footer.as_deref().unwrap_or_default();
        assert_eq!((f.fields.len(), said(footer)), (kept, dropped), "row {i}");
    }
}

#[test]
fn oversized_title_footer_and_blank_fields_are_fitted() {
    let mut card = card(&"t".repeat(300), vec![], 0, "");
    card.footer = Some("f".repeat(3000));
    let card = card.field(String::new(), String::new(), false).field(
        "n".repeat(300),
        "v".repeat(2000),
        false,
    );
    let f = fit(&card, plus);
    assert_eq!(broken(&f), []);
    assert_eq!(f.title, format!("{}…", "t".repeat(255)));
    assert_eq!(f.fields[0].name, BLANK);
    assert!(f.fields[1].value.ends_with('…'));
    assert!(f.footer.unwrap().ends_with('…'), "no field was left out");
}

#[test]
fn the_more_line_is_in_the_cards_language() {
    let long: Vec<String> = (0..40)
        .map(|i| format!("{i} {}", "y".repeat(200)))
        .collect();
    for (lang, words) in [(Lang::En, "and 20 more"), (Lang::ZhCn, "另有 20 项")] {
        let card = Card {
            lines: long.clone(),
            ..Card::new(lang, Tone::Working, "t".into())
        };
        let json = serde_json::to_value(embed(&card)).unwrap();
        let description = json["description"].as_str().unwrap();
        let last = description.lines().last().unwrap();
        assert!(last.contains(words), "{lang:?}: {last}");
        assert_eq!(json["color"], colour(Tone::Working));
    }
}

#[test]
fn a_long_list_in_a_field_keeps_whole_lines_and_counts_the_rest() {
    let media: Vec<String> = (0..60)
        .map(|i| format!("song-{i:02}.mp3 (audio, 3:02)"))
        .collect();
    let card = Card::new(Lang::En, Tone::Info, "Project".into()).field(
        "Media".into(),
        media.join("\n"),
        false,
    );
    let fitted = fit(&card, plus);
    assert!(broken(&fitted).is_empty(), "{:?}", broken(&fitted));
    let value = &fitted.fields[0].value;
    let lines: Vec<&str> = value.lines().collect();
    let (note, shown) = lines.split_last().unwrap();
    assert_eq!(shown, &media[..shown.len()], "whole lines, in order");
    assert_eq!(*note, plus(media.len() - shown.len()), "{value}");
    // A value on one line is still cut at the limit.
    let one = Card::new(Lang::En, Tone::Info, "t".into()).field("n".into(), "x".repeat(2000), true);
    let value = &fit(&one, plus).fields[0].value;
    assert_eq!((text_len(value), value.ends_with('…')), (FIELD_VALUE, true));
}

/// A command's own response shows a Cancel only while what it shows has one: the text or
/// card that follows a place in line (or a render's card without its Cancel) goes without.
#[test]
fn a_command_response_keeps_no_cancel_past_what_had_it() {
    use crate::engine::{CancelAction, Cancellable};
    let cancel = CancelAction {
        what: Cancellable::Waiting("place".into()),
        by: "discord:5".into(),
    };
    let with_cancel = Card {
        cancel: Some(CancelAction {
            what: Cancellable::Export("render_1".into()),
            by: "discord:5".into(),
        }),
        ..card("Rendering", vec![], 0, "")
    };
    let rows = [
        (Body::Waiting("in line".into(), cancel, Lang::En), 1),
        (Body::Text("working".into()), 0),
        (Body::Card(card("Rendering", vec![], 0, "")), 0),
        (Body::Card(with_cancel.clone()), 1),
        (Body::Noted("a.mp3 is up".into(), with_cancel), 1),
    ];
    for (body, want) in rows {
        let edit = serde_json::to_value(body.edit_response()).unwrap();
        let rows = edit["components"].as_array().map(Vec::len);
        assert_eq!(rows, Some(want), "{body:?}: {edit}");
    }
}
