//! The main flows, end to end over real HTTP and SSE against the fake Nemo server: what the
//! user sees, and what the server received.

mod common;

use common::fake_nemo::{Body, FakeNemo, Step};
use common::harness::{actor, mp3, nemo_config, say, Bot};
use common::recorder::{Ev, Recorder};
use common::wait::wait_until;
use music_video_bot::engine::{Media, Request};
use music_video_bot::secret::Secret;
use std::time::Duration;

#[tokio::test]
async fn anonymous_token_is_fetched_once_and_sent_everywhere() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("alice", "c1");
    let rec = Recorder::new();
    bot.engine
        .handle(&me, say("make a neon video"), rec.clone())
        .await;
    bot.engine.handle(&me, Request::Credits, rec.clone()).await;

    let anon = fake.requests_to("/api/auth/anonymous-token");
    assert_eq!(anon.len(), 1, "one token for one user");
    let client_id = anon[0].headers.get("x-client-id").expect("client id");
    assert!(
        uuid::Uuid::parse_str(client_id).is_ok(),
        "client id is a UUID: {client_id}"
    );
    for r in fake
        .requests()
        .iter()
        .filter(|r| !r.path.contains("anonymous-token"))
    {
        let auth = r
            .headers
            .get("authorization")
            .expect("bearer on every call");
        assert!(auth.starts_with("Bearer nmv_usr_"), "{} {auth}", r.path);
        assert_eq!(
            r.headers.get("x-skill-source").map(String::as_str),
            Some("music-to-ai")
        );
        assert_eq!(
            r.headers.get("x-skill-platform").map(String::as_str),
            Some("github")
        );
        assert_eq!(
            r.headers.get("x-skill-version").map(String::as_str),
            Some(env!("CARGO_PKG_VERSION"))
        );
    }
    let text = rec.transcript();
    assert!(text.contains("Here is your draft"), "{text}");
    assert!(text.contains("Available: 50"), "{text}");
}

#[tokio::test]
async fn configured_token_is_used_without_anonymous_tokens() {
    let fake = FakeNemo::start().await;
    fake.issue_token("nmv_usr_configured", "user_42");
    let mut cfg = nemo_config(&fake);
    cfg.token = Some(Secret::new("nmv_usr_configured"));
    let bot = Bot::with_config(cfg);
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("bob", "c1"), Request::Credits, rec.clone())
        .await;
    assert!(fake.requests_to("/api/auth/anonymous-token").is_empty());
    let calls = fake.requests_to("/api/credits");
    assert_eq!(
        calls[0].headers["authorization"],
        "Bearer nmv_usr_configured"
    );
    assert!(
        rec.transcript().contains("Available: 100"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn session_is_reused_across_a_restart() {
    let fake = FakeNemo::start().await;
    let cfg = nemo_config(&fake);
    let bot = Bot::with_config(cfg.clone());
    let me = actor("alice", "c1");
    bot.engine.handle(&me, say("hello"), Recorder::new()).await;
    let bot = bot.restart(&cfg);
    bot.engine.handle(&me, say("again"), Recorder::new()).await;
    assert_eq!(fake.sessions().len(), 1, "the stored session was reused");
    assert_eq!(
        fake.requests_to("/api/auth/anonymous-token").len(),
        1,
        "the stored token was reused"
    );
    let sids: Vec<String> = fake
        .requests_to("/run_sse")
        .iter()
        .map(|r| match &r.body {
            Body::Json(v) => v["session_id"].as_str().unwrap_or_default().to_string(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(sids.len(), 2);
    assert_eq!(sids[0], sids[1]);
    assert_eq!(sids[0], fake.sessions()[0]);
}

#[tokio::test]
async fn a_file_upload_arrives_intact_as_field_files() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let song = mp3(bot.dir.path(), "My Song.mp3");
    let sent = std::fs::read(&song).unwrap();
    let rec = Recorder::new();
    let req = Request::Upload {
        media: vec![Media::File(song)],
        text: String::new(),
    };
    bot.engine.handle(&actor("a", "c"), req, rec.clone()).await;
    let uploads = fake.requests_to("/api/upload-video/nemo_agent/me/");
    assert_eq!(uploads.len(), 1);
    let Body::Multipart(parts) = &uploads[0].body else {
        panic!("not multipart: {:?}", uploads[0].body)
    };
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "files");
    assert_eq!(parts[0].filename.as_deref(), Some("My Song.mp3"));
    assert_eq!(parts[0].content_type.as_deref(), Some("audio/mpeg"));
    assert!(parts[0].bytes == sent, "bytes arrived intact");
    let text = rec.transcript();
    assert!(text.contains("Uploaded My Song.mp3"), "{text}");
    assert!(text.contains("Tell me what to make"), "{text}");
    assert!(
        fake.requests_to("/run_sse").is_empty(),
        "a bare upload sends no message"
    );
}

#[tokio::test]
async fn a_url_upload_sends_the_contract_json() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    let url = "https://cdn.example.com/tracks/song.flac";
    bot.engine
        .handle(&actor("a", "c"), say(&format!("upload {url}")), rec.clone())
        .await;
    let uploads = fake.requests_to("/api/upload-video/nemo_agent/me/");
    assert_eq!(uploads.len(), 1);
    let Body::Json(v) = &uploads[0].body else {
        panic!("not JSON")
    };
    assert_eq!(v, &serde_json::json!({"urls": [url], "source_type": "url"}));
    assert!(
        rec.transcript().contains("Uploaded"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn music_video_uploads_turns_exports_and_posts_the_link() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let song = mp3(bot.dir.path(), "song.mp3");
    let rec = Recorder::new();
    let req = Request::MusicVideo {
        prompt: None,
        media: vec![Media::File(song)],
    };
    bot.engine
        .handle(&actor("alice", "c"), req, rec.clone())
        .await;
    bot.engine.idle().await;
    let links = rec.links();
    assert_eq!(links.len(), 1, "{}", rec.transcript());
    assert!(links[0].url.ends_with(".mp4"), "{}", links[0].url);
    assert!(links[0].text.contains("ready"), "{}", links[0].text);
    let sse = fake.requests_to("/run_sse");
    assert_eq!(sse.len(), 1);
    let Body::Json(v) = &sse[0].body else {
        panic!()
    };
    assert_eq!(v["app_name"], "nemo_agent");
    assert_eq!(v["user_id"], "me");
    assert_eq!(
        v["new_message"]["parts"][0]["text"],
        "generate a music video with visuals that match the beat and mood of this song"
    );
    let renders = fake.render_requests();
    assert_eq!(renders.len(), 1, "one render");
    let Body::Json(r) = &renders[0].body else {
        panic!()
    };
    assert!(r["id"].as_str().unwrap().starts_with("render_"));
    assert!(
        !r["draft"]["t"].as_array().unwrap().is_empty(),
        "the current draft is rendered"
    );
    assert!(
        rec.statuses()
            .iter()
            .any(|s| s.contains("Rendering your music video")),
        "{:?}",
        rec.statuses()
    );
}

#[tokio::test]
async fn adk_partials_stream_into_one_message_without_repeating() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![
        Step::Partial("Here is ".into()),
        Step::Partial("your beat-synced cut.".into()),
        Step::Text("Here is your beat-synced cut.".into()),
        Step::Text("I encountered a temporary issue, please retry.".into()),
    ]);
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("a", "c"), say("cut it to the beat"), rec.clone())
        .await;
    assert_eq!(
        rec.answers(),
        vec!["Here is your beat-synced cut.".to_string()]
    );
}

#[tokio::test]
async fn the_simple_event_form_streams_too() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![
        Step::TypeCall("analyze_audio".into()),
        Step::TypeResult("analyze_audio".into()),
        Step::TypeHeartbeat,
        Step::TypeText("Added a lo-fi ".into()),
        Step::TypeText("BGM track.".into()),
    ]);
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("a", "c"), say("add lo-fi bgm"), rec.clone())
        .await;
    assert_eq!(rec.answers(), vec!["Added a lo-fi BGM track.".to_string()]);
    assert!(
        rec.statuses().iter().any(|s| s.contains("analyze_audio")),
        "tool shown as a short status"
    );
    assert!(
        !rec.transcript().contains('{'),
        "no raw JSON: {}",
        rec.transcript()
    );
}

#[tokio::test]
async fn heartbeats_only_produce_still_working() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![
        Step::Comment,
        Step::Sleep(Duration::from_millis(200)),
        Step::EmptyData,
        Step::Sleep(Duration::from_millis(200)),
        Step::Comment,
        Step::Text("Done generating.".into()),
    ]);
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("a", "c"), say("generate"), rec.clone())
        .await;
    assert!(
        rec.statuses().iter().any(|s| s == "⏳ Still working..."),
        "{:?}",
        rec.statuses()
    );
    assert_eq!(rec.answers(), vec!["Done generating.".to_string()]);
}

#[tokio::test]
async fn a_turn_without_text_reports_what_changed() {
    let fake = FakeNemo::start().await;
    fake.set_credits(1000, 0);
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine.handle(&me, say("hello"), Recorder::new()).await;
    let draft = serde_json::json!({"t":[
        {"tt":0,"m":{"title":"AI visuals"},"sg":[{"st":0,"d":10000,"m":{"title":"AI visuals"}}]},
        {"tt":7,"sg":[{"st":0,"d":3000,"m":{"text":"Urban Dreams"}}]}
    ],"d":10000,"m":{"width":1920,"height":1080}});
    fake.push_turn(vec![
        Step::Call("add_title".into()),
        Step::SetDraft(draft),
        Step::Response("add_title".into()),
    ]);
    let rec = Recorder::new();
    bot.engine
        .handle(&me, say("add a title Urban Dreams"), rec.clone())
        .await;
    let text = rec.transcript();
    assert!(text.contains("Urban Dreams"), "{text}");
    assert!(text.contains("Done"), "{text}");
    assert!(
        text.to_lowercase().contains("added"),
        "says what changed: {text}"
    );
    // An unchanged timeline is said plainly.
    fake.push_turn(vec![Step::Comment]);
    let rec = Recorder::new();
    bot.engine.handle(&me, say("hmm"), rec.clone()).await;
    assert!(
        rec.transcript().contains("did not change"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn the_adk_error_event_ends_the_turn_with_its_message() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![Step::AdkError {
        code: "MODEL_OVERLOADED".into(),
        message: "The model is overloaded".into(),
    }]);
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    let me = actor("a", "c");
    bot.engine.handle(&me, say("generate"), rec.clone()).await;
    let text = rec.transcript();
    assert!(text.contains("stopped before finishing"), "{text}");
    assert!(
        !text.contains("overloaded"),
        "Nemo's words stay in the log: {text}"
    );
    // ADK's crash form too.
    fake.push_turn(vec![Step::Crash("internal server error".into())]);
    let rec = Recorder::new();
    bot.engine.handle(&me, say("again"), rec.clone()).await;
    assert!(
        rec.transcript().contains("stopped before finishing"),
        "{}",
        rec.transcript()
    );
}

/// A Python agent's crash arrives as an exception with its stack: the user reads what happened
/// and what to do, never the exception.
#[tokio::test]
async fn an_agent_exception_never_reaches_the_user() {
    let fake = FakeNemo::start().await;
    let raw = "Traceback (most recent call last):\n  File \"agent.py\", line 3\nRuntimeError: Error: tool generate_video failed";
    fake.push_turn(vec![Step::Crash(raw.into())]);
    fake.push_turn(vec![Step::AdkError {
        code: "INTERNAL".into(),
        message: "RuntimeError: Error: boom".into(),
    }]);
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    for prompt in ["generate", "again"] {
        let rec = Recorder::new();
        bot.engine.handle(&me, say(prompt), rec.clone()).await;
        let text = rec.transcript();
        for word in ["Error:", "RuntimeError", "Traceback"] {
            assert!(!text.contains(word), "{word} shown: {text}");
        }
        assert!(text.contains("Nothing you made was lost"), "{text}");
        assert!(text.contains("`status`"), "{text}");
    }
}

#[tokio::test]
async fn a_stream_that_breaks_is_not_sent_again() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![Step::Partial("Working on your ".into()), Step::Drop]);
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    let me = actor("a", "c");
    bot.engine
        .handle(&me, say("make it dreamy"), rec.clone())
        .await;
    assert_eq!(
        fake.requests_to("/run_sse").len(),
        1,
        "the message was sent once"
    );
    let text = rec.transcript();
    assert!(text.contains("did not resend your message"), "{text}");
    // The engine keeps serving.
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Credits, rec.clone()).await;
    assert!(
        rec.transcript().contains("Available: "),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn credits_status_and_claim_link() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Status, rec.clone()).await;
    assert!(
        rec.transcript().contains("no project here yet"),
        "{}",
        rec.transcript()
    );
    bot.engine
        .handle(&me, say("make a video"), Recorder::new())
        .await;
    fake.set_credits(25000, 40);
    let rec = Recorder::new();
    bot.engine.handle(&me, say("credits"), rec.clone()).await;
    bot.engine
        .handle(&me, say("show tracks"), rec.clone())
        .await;
    bot.engine.handle(&me, Request::Open, rec.clone()).await;
    let text = rec.transcript();
    assert!(
        text.contains("Available: 25000\nFrozen (held by running jobs): 40"),
        "{text}"
    );
    assert!(
        text.contains("\n1. 🎬 Video · AI visuals · 0-10s\n"),
        "{text}"
    );
    let links = rec.links();
    assert_eq!(links.len(), 1);
    assert!(
        links[0]
            .url
            .starts_with("https://nemovideo.com/workspace/claim?ct=clm_"),
        "{}",
        links[0].url
    );
    let claims = fake.requests_to("/api/auth/claim-token");
    let Body::Json(v) = &claims[0].body else {
        panic!()
    };
    assert_eq!(v["session_id"], fake.sessions()[0].as_str());
    assert!(v["task_id"].as_str().unwrap().starts_with("task_"));
}

#[tokio::test]
async fn chinese_words_route_like_english() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine
        .handle(&me, say("生成一个音乐视频"), Recorder::new())
        .await;
    let rec = Recorder::new();
    bot.engine.handle(&me, say("积分"), rec.clone()).await;
    bot.engine.handle(&me, say("状态"), rec.clone()).await;
    bot.engine.handle(&me, say("余额"), rec.clone()).await;
    bot.engine.handle(&me, say("导出"), rec.clone()).await;
    bot.engine.idle().await;
    assert_eq!(
        fake.requests_to("/run_sse").len(),
        1,
        "only the first went to the agent"
    );
    assert_eq!(fake.requests_to("/api/credits").len(), 2);
    let text = rec.transcript();
    assert!(text.contains("1. 🎬 Video · AI visuals"), "{text}");
    assert_eq!(rec.links().len(), 1, "导出 exported: {text}");
}

#[tokio::test]
async fn a_second_request_waits_its_turn_and_is_told() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![
        Step::Sleep(Duration::from_millis(400)),
        Step::Text("first".into()),
    ]);
    fake.push_turn(vec![Step::Text("second".into())]);
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    let (r1, r2) = (Recorder::new(), Recorder::new());
    let e1 = bot.engine.clone();
    let m1 = me.clone();
    let f1 = r1.clone();
    let first = tokio::spawn(async move { e1.handle(&m1, say("one"), f1).await });
    // The first turn holds the project once its message reaches the agent.
    let holding = || async { fake.requests_to("/run_sse").len() == 1 };
    wait_until("the first turn under way", Duration::from_secs(10), holding).await;
    bot.engine.handle(&me, say("two"), r2.clone()).await;
    first.await.unwrap();
    assert!(
        r2.statuses()
            .iter()
            .any(|s| s.contains("number 1 in line") && !s.contains("likely")),
        "no guess before any request finished: {:?}",
        r2.events()
    );
    assert_eq!(r1.answers(), vec!["first".to_string()]);
    assert_eq!(r2.messages(), vec!["second".to_string()]);
    assert!(matches!(r2.events().first(), Some(Ev::Status(_))));
}

#[tokio::test]
async fn once_requests_have_run_the_queue_says_when_yours_likely_starts() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine
        .handle(&me, say("warm up"), Recorder::new())
        .await;
    fake.push_turn(vec![
        Step::Sleep(Duration::from_millis(400)),
        Step::Text("slow".into()),
    ]);
    let first = tokio::spawn({
        let (engine, me) = (bot.engine.clone(), me.clone());
        async move { engine.handle(&me, say("one"), Recorder::new()).await }
    });
    // The first turn holds the project once its message reaches the agent.
    let holding = || async { fake.requests_to("/run_sse").len() == 2 };
    wait_until("the first turn under way", Duration::from_secs(10), holding).await;
    let rec = Recorder::new();
    bot.engine.handle(&me, say("two"), rec.clone()).await;
    first.await.unwrap();
    let queued = rec.statuses().into_iter().find(|s| s.contains("in line"));
    assert!(
        queued
            .as_deref()
            .is_some_and(|s| s.contains("likely in about")),
        "{queued:?}"
    );
}

#[tokio::test]
async fn a_stalled_stream_times_out_with_a_clear_message() {
    let fake = FakeNemo::start().await;
    fake.push_turn(vec![Step::Comment, Step::Sleep(Duration::from_secs(3))]);
    let mut cfg = nemo_config(&fake);
    cfg.idle_timeout_ms = 300;
    let bot = Bot::with_config(cfg);
    let rec = Recorder::new();
    let me = actor("a", "c");
    bot.engine.handle(&me, say("generate"), rec.clone()).await;
    assert!(
        rec.transcript()
            .contains("sent nothing for a minute, so I stopped waiting"),
        "{}",
        rec.transcript()
    );
    assert_eq!(fake.requests_to("/run_sse").len(), 1);
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Credits, rec.clone()).await;
    assert!(rec.transcript().contains("Available: "), "still serving");
}

#[tokio::test]
async fn a_registered_account_out_of_credits_is_told_to_top_up() {
    let fake = FakeNemo::start().await;
    fake.issue_token("nmv_usr_team", "user_42");
    fake.set_credits(0, 0);
    let mut cfg = nemo_config(&fake);
    cfg.token = Some(Secret::new("nmv_usr_team"));
    let bot = Bot::with_config(cfg);
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("a", "c"), say("make a video"), rec.clone())
        .await;
    assert!(rec.links().is_empty());
    assert!(
        rec.transcript().contains("Top up credits in your account"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn files_dropped_with_words_follow_the_words() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    let song = mp3(bot.dir.path(), "song.mp3");
    // With a prompt: its own turn and render.
    let rec = Recorder::new();
    let req = Request::Upload {
        media: vec![Media::File(song.clone())],
        text: "make it neon".into(),
    };
    bot.engine.handle(&me, req, rec.clone()).await;
    bot.engine.idle().await;
    assert_eq!(rec.links().len(), 1, "{}", rec.transcript());
    let sse = fake.requests_to("/run_sse");
    let Body::Json(v) = &sse[0].body else {
        panic!()
    };
    assert_eq!(v["new_message"]["parts"][0]["text"], "make it neon");
    // With a command word: upload, then the command, and nothing sent to the agent.
    let rec = Recorder::new();
    let req = Request::Upload {
        media: vec![Media::File(song)],
        text: "status".into(),
    };
    bot.engine.handle(&me, req, rec.clone()).await;
    assert_eq!(fake.requests_to("/run_sse").len(), 1);
    assert!(
        rec.transcript()
            .contains("Media:\n  song.mp3 (audio, 0:31)\n  song.mp3 (audio, 0:31)"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn reset_starts_a_fresh_session_on_the_next_request() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine.handle(&me, say("hello"), Recorder::new()).await;
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Reset, rec.clone()).await;
    assert!(
        rec.transcript().contains("fresh project"),
        "{}",
        rec.transcript()
    );
    bot.engine
        .handle(&me, say("hello again"), Recorder::new())
        .await;
    let sessions = fake.sessions();
    assert_eq!(sessions.len(), 2);
    let last = fake.requests_to("/run_sse").pop().unwrap();
    let Body::Json(v) = last.body else { panic!() };
    assert_eq!(
        v["session_id"],
        sessions[1].as_str(),
        "the new session is used"
    );
}

#[tokio::test]
async fn several_files_each_get_their_own_turn_and_render() {
    let fake = FakeNemo::start().await;
    fake.set_credits(1000, 0);
    let bot = Bot::start(&fake);
    let files = vec![
        Media::File(mp3(bot.dir.path(), "one.mp3")),
        Media::File(mp3(bot.dir.path(), "two.mp3")),
    ];
    let rec = Recorder::new();
    bot.engine
        .handle(
            &actor("a", "c"),
            Request::MusicVideo {
                prompt: None,
                media: files,
            },
            rec.clone(),
        )
        .await;
    bot.engine.idle().await;
    assert_eq!(fake.requests_to("/api/upload-video").len(), 2);
    assert_eq!(fake.requests_to("/run_sse").len(), 2);
    assert_eq!(rec.links().len(), 2, "{}", rec.transcript());
    let text = rec.transcript();
    let (one, two) = (
        text.find("Uploaded one.mp3").unwrap(),
        text.find("Uploaded two.mp3").unwrap(),
    );
    assert!(one < two, "in order");
}
