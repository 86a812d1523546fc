use super::*;
use serde_json::json;

fn contract_draft() -> Value {
    json!({"t":[
        {"id":"trk1","tt":0,"m":{"title":"city timelapse"},"sg":[{"id":"s1","st":0,"d":10000,"m":{"title":"city timelapse"}}]},
        {"tt":1,"sg":[{"st":0,"d":10000,"v":0.35,"m":{"title":"Lo-fi"}}]},
        {"tt":7,"sg":[{"st":0,"d":3000,"m":{"text":"Urban Dreams"}}]}
    ],"d":10000,"m":{"title":"Urban Dreams","width":1920,"height":1080}})
}

#[test]
fn the_contracts_example_summary() {
    let t = Timeline::from_draft(&contract_draft());
    assert_eq!(
        t.summary(Lang::En),
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)"
    );
    assert!(t.is_exportable());
    assert_eq!((t.width, t.height), (Some(1920), Some(1080)));
}

#[test]
fn the_summary_and_its_changes_speak_chinese() {
    let t = Timeline::from_draft(&contract_draft());
    assert_eq!(
        t.summary(Lang::ZhCn),
        "时间线（3 条轨道）：1. 视频：city timelapse（0-10 秒） 2. 背景音乐：Lo-fi（0-10 秒，35%） 3. 标题：“Urban Dreams”（0-3 秒）"
    );
    let before = Timeline::from_draft(
        &json!({"t":[{"tt":0,"sg":[{"st":0,"d":10000,"m":{"title":"city"}}]}]}),
    );
    assert_eq!(
        diff(Lang::ZhCn, &before, &t).as_deref(),
        Some("第 1 条轨道现在是视频：city timelapse（0-10 秒）；添加了第 2 条轨道：背景音乐：Lo-fi（0-10 秒，35%）；添加了第 3 条轨道：标题：“Urban Dreams”（0-3 秒）；项目标题现在是“Urban Dreams”。")
    );
}

#[test]
fn odd_drafts_are_tolerated() {
    let rows: Vec<(Value, &str, bool)> = vec![
        (json!(null), "The timeline is empty (no tracks yet).", false),
        (
            json!({"t":[]}),
            "The timeline is empty (no tracks yet).",
            false,
        ),
        (
            json!({"t":"nope"}),
            "The timeline is empty (no tracks yet).",
            false,
        ),
        (
            json!({"t":[{"tt":0,"sg":[]}]}),
            "Timeline (1 track): 1. Video: untitled (0-0s)",
            false,
        ),
        (
            json!({"t":[{"tt":"1","sg":[{"start":"1500","duration":2500.0,"volume":80,"name":"Beat"}]}]}),
            "Timeline (1 track): 1. BGM: Beat (1.5-4s, 80%)",
            true,
        ),
        (
            json!({"t":[{"tt":42,"n":"fx","sg":[{"s":0,"d":1e30}]}]}),
            "Timeline (1 track): 1. Track: fx (0-18446744073709551.6s)",
            true,
        ),
        (
            json!({"t":[{"tt":0,"sg":[{"st":-5,"d":"x"}]}, 7, null]}),
            "Timeline (1 track): 1. Video: untitled (0-0s)",
            true,
        ),
    ];
    for (draft, want, exportable) in rows {
        let t = Timeline::from_draft(&draft);
        assert_eq!(t.summary(Lang::En), want, "{draft}");
        assert_eq!(t.is_exportable(), exportable, "{draft}");
    }
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({"t": [deep]});
    }
    let _ = Timeline::from_draft(&deep).summary(Lang::En);
}

#[test]
fn diffs_say_what_changed() {
    let before = Timeline::from_draft(
        &json!({"t":[{"tt":0,"sg":[{"st":0,"d":10000,"m":{"title":"city"}}]}]}),
    );
    let after = Timeline::from_draft(&contract_draft());
    let rows: Vec<(&Timeline, &Timeline, Option<&str>)> = vec![
        (&before, &before, None),
        (&before, &after, Some("Track 1 is now Video: city timelapse (0-10s); added track 2. BGM: Lo-fi (0-10s, 35%); added track 3. Title: \"Urban Dreams\" (0-3s); the project is now titled \"Urban Dreams\".")),
        (&after, &before, Some("Track 1 is now Video: city (0-10s); removed track 2. BGM: Lo-fi (0-10s, 35%); removed track 3. Title: \"Urban Dreams\" (0-3s).")),
    ];
    for (b, a, want) in rows {
        assert_eq!(diff(Lang::En, b, a).as_deref(), want);
    }
    let longer = Timeline::from_draft(
        &json!({"t":[{"tt":0,"sg":[{"st":0,"d":12000,"m":{"title":"city"}}]}]}),
    );
    assert_eq!(
        diff(Lang::En, &before, &longer).as_deref(),
        Some("Retimed track 1 (Video): 0-10s → 0-12s.")
    );
}
