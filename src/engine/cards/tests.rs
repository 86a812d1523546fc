use super::*;
use crate::nemo::Credits;
use crate::store::{JobRecord, JobStatus, VideoFacts};
use serde_json::{json, Value};

fn contract_draft() -> Value {
    json!({"t":[
        {"tt":0,"sg":[{"st":0,"d":10000,"m":{"title":"city timelapse"}}]},
        {"tt":1,"sg":[{"st":0,"d":10000,"v":0.35,"m":{"title":"Lo-fi"}}]},
        {"tt":7,"sg":[{"st":0,"d":3000,"m":{"text":"Urban Dreams"}}]}
    ],"m":{"title":"City Lights","width":1920,"height":1080}})
}

fn job(progress: u8, status: JobStatus) -> JobRecord {
    JobRecord {
        id: "render_1".into(),
        session_id: "s".into(),
        scope: "channel:1".into(),
        account: "a".into(),
        target: "t".into(),
        requested_by: "u".into(),
        group: None,
        started: 0,
        status,
        progress,
        lang: String::new(),
        video: VideoFacts::default(),
    }
}

fn field<'a>(card: &'a Card, name: &str) -> Option<&'a str> {
    card.fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
}

#[test]
fn the_credits_card_has_a_bar_the_numbers_and_the_costs() {
    let c = Credits {
        available: 75.0,
        frozen: 25.0,
        total: 100.0,
    };
    let card = credits(Lang::En, &c);
    assert_eq!(card.title, "💳 Credits");
    assert_eq!(card.lines, ["▰▰▰▰▰▰▰▰▱▱ 75% available"]);
    assert_eq!(field(&card, "Available"), Some("75"));
    assert_eq!(field(&card, "Frozen (held by running jobs)"), Some("25"));
    assert_eq!(field(&card, "Total"), Some("100"));
    assert!(card.footer.as_deref().unwrap().contains("100 credits"));
    let zh = credits(Lang::ZhCn, &c);
    assert_eq!(zh.title, "💳 积分");
    assert_eq!(zh.lines, ["▰▰▰▰▰▰▰▰▱▱ 可用 75%"]);
    assert_eq!(field(&zh, "可用"), Some("75"));
    // Nothing at all: an empty bar, not a division by zero.
    let none = credits(
        Lang::En,
        &Credits {
            available: 0.0,
            frozen: 0.0,
            total: 0.0,
        },
    );
    assert_eq!(none.lines, ["▱▱▱▱▱▱▱▱▱▱ 0% available"]);
}

#[test]
fn the_project_card_has_a_line_per_track_then_media_and_exports() {
    let state = json!({
        "draft": contract_draft(),
        "video_infos": [{"filename":"song.mp3","file_type":"audio","duration":182.4}, {"x":1}],
        "generated_media": {"a": {"m": {"title": "neon clip"}}},
    });
    let jobs = [job(50, JobStatus::Nemo("processing".into()))];
    let card = project(Lang::En, &state, &[], &jobs);
    assert_eq!(card.title, "🎞️ City Lights");
    assert_eq!(
        card.lines,
        [
            "1. 🎬 Video · city timelapse · 0-10s",
            "2. 🎵 BGM · Lo-fi · 0-10s · 🔊 35%",
            "3. 🔤 Title · \"Urban Dreams\" · 0-3s",
        ]
    );
    assert_eq!(field(&card, "Canvas"), Some("1920×1080"));
    assert_eq!(field(&card, "Media"), Some("song.mp3 (audio, 3:02)\nfile"));
    assert_eq!(field(&card, "Generated"), Some("neon clip"));
    assert_eq!(
        field(&card, "Exports rendering"),
        Some("▰▰▰▰▰▱▱▱▱▱ 50% · Rendering")
    );
    let zh = project(Lang::ZhCn, &state, &[], &jobs);
    assert_eq!(zh.lines[1], "2. 🎵 背景音乐 · Lo-fi · 0-10 秒 · 🔊 35%");
    assert_eq!(field(&zh, "正在导出"), Some("▰▰▰▰▰▱▱▱▱▱ 50% · 渲染中"));
    for junk in [json!("junk"), json!({"draft": {"t": "nope"}})] {
        let empty = project(Lang::En, &junk, &[], &[]);
        assert_eq!(empty.title, "🎞️ Your project");
        assert_eq!(empty.lines.len(), 1, "{:?}", empty.lines);
        assert!(empty.fields.is_empty());
    }
}

#[test]
fn the_progress_card_moves_its_bar_and_says_when() {
    let card = progress(Lang::En, &JobStatus::Nemo("pending".into()), 5, "<t:100:R>");
    assert_eq!(card.tone, Tone::Working);
    assert_eq!(
        card.lines,
        ["▰▱▱▱▱▱▱▱▱▱ 5%", "Waiting for its turn · ready <t:100:R>"]
    );
    let later = progress(
        Lang::ZhCn,
        &JobStatus::Nemo("processing".into()),
        50,
        "<t:90:R>",
    );
    assert_eq!(later.lines, ["▰▰▰▰▰▱▱▱▱▱ 50%", "渲染中 · 预计<t:90:R>完成"]);
    // A word of the service's the bot does not know is shown as it is.
    let odd = progress(Lang::En, &JobStatus::Nemo("encoding".into()), 70, "soon");
    assert_eq!(odd.lines[1], "encoding · ready soon");
}

#[test]
fn estimates_follow_the_pace_and_stay_in_bounds() {
    for (started, now, percent, want) in [
        // Nothing to go by yet: the typical minute from the start.
        (1000, 1000, 0, 1060),
        (1000, 1010, 2, 1060),
        // The minute has passed: a little later, never in the past.
        (1000, 1100, 0, 1105),
        // Half done in 20 s: 20 s more.
        (1000, 1020, 50, 1040),
        (1000, 1030, 75, 1040),
        // Nearly done: at least 5 s.
        (1000, 1090, 99, 1095),
        // A very slow start is capped at ten minutes.
        (0, 3000, 5, 3600),
        (1000, 1100, 100, 1105),
    ] {
        assert_eq!(
            finish_estimate(started, now, percent),
            want,
            "{started} {now} {percent}"
        );
    }
}

#[test]
fn video_facts_come_from_the_draft() {
    let rows = [
        // The title text on the timeline first.
        (
            contract_draft(),
            Some("Urban Dreams"),
            Some(10_000),
            Some((1920, 1080)),
        ),
        // Else the project's title.
        (
            json!({"t":[{"tt":1,"sg":[{"st":0,"d":8000,"m":{"title":"song.mp3"}}]}],"m":{"title":"Demo"}}),
            Some("Demo"),
            Some(8000),
            None,
        ),
        // Else the song's name, without its extension.
        (
            json!({"t":[{"tt":1,"sg":[{"st":500,"d":8000,"m":{"title":"My Song (final).mp3"}}]}]}),
            Some("My Song (final)"),
            Some(8500),
            None,
        ),
        (json!(null), None, None, None),
    ];
    for (draft, title, length_ms, size) in rows {
        let f = facts(&draft);
        assert_eq!(
            (f.title.as_deref(), f.length_ms, f.size),
            (title, length_ms, size),
            "{draft}"
        );
    }
}

#[test]
fn the_finished_card_prefers_what_the_render_reported() {
    let video = VideoFacts {
        title: Some("Urban Dreams".into()),
        length_ms: Some(10_000),
        size: None,
        request: None,
    };
    let card = finished(Lang::En, &video, Some(30.5), Some(15_728_640));
    assert_eq!(
        (card.title.as_str(), card.tone),
        ("Urban Dreams", Tone::Done)
    );
    assert_eq!(field(&card, "Length"), Some("0:31"));
    assert_eq!(field(&card, "Resolution"), Some("1920×1080"));
    assert_eq!(field(&card, "Size"), Some("15 MB"));
    let from_draft = finished(Lang::ZhCn, &VideoFacts::default(), None, None);
    assert_eq!(from_draft.title, "你的音乐视频");
    assert_eq!(field(&from_draft, "时长"), None);
    assert_eq!(field(&from_draft, "分辨率"), Some("1920×1080"));
    let short = finished(Lang::En, &video, None, None);
    assert_eq!(field(&short, "Length"), Some("0:10"));
}

#[test]
fn the_progress_card_ends_full() {
    let card = rendered(Lang::En);
    assert_eq!(card.tone, Tone::Done);
    assert_eq!(
        card.lines,
        ["▰▰▰▰▰▰▰▰▰▰ 100%", "Done: the video is posted below."]
    );
    assert_eq!(rendered(Lang::ZhCn).title, "🎬 渲染完成");
}
