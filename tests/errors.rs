//! Every row of the contract's error table, refused files, and transport faults — each with what
//! the user sees, what the server received, and the engine still serving afterwards.

mod common;

use common::fake_nemo::{Body, FakeNemo, Fault};
use common::harness::{actor, mp3, ready, say, Bot};
use common::recorder::Recorder;
use common::wait::wait_until;
use music_video_bot::engine::{Actor, Engine, Media, Request};

fn code(http: u16, code: i64, message: &str) -> Fault {
    Fault::Code {
        http,
        code,
        message: message.into(),
    }
}

/// After any failure, the same engine still answers.
async fn still_serves(engine: &Engine, who: &Actor) {
    let rec = Recorder::new();
    engine.handle(who, Request::Credits, rec.clone()).await;
    assert!(
        rec.transcript().contains("Available: "),
        "engine stopped serving: {}",
        rec.transcript()
    );
}

#[tokio::test]
async fn code_1001_renews_the_token_with_the_same_client_id_and_retries_once() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine
        .handle(&me, Request::Credits, Recorder::new())
        .await;
    fake.revoke_tokens();
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Credits, rec.clone()).await;
    assert!(
        rec.transcript().contains("Available: 100"),
        "{}",
        rec.transcript()
    );
    let anon = fake.requests_to("/api/auth/anonymous-token");
    assert_eq!(anon.len(), 2);
    assert_eq!(
        anon[0].headers["x-client-id"], anon[1].headers["x-client-id"],
        "same client id"
    );
    assert_eq!(
        fake.requests_to("/api/credits").len(),
        3,
        "one failed call, one retry"
    );
}

#[tokio::test]
async fn code_1002_starts_a_new_session_and_retries_once() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine.handle(&me, say("hello"), Recorder::new()).await;
    fake.drop_sessions();
    let rec = Recorder::new();
    bot.engine
        .handle(&me, say("hello again"), rec.clone())
        .await;
    assert_eq!(fake.sessions().len(), 2, "a new session was created");
    let text = rec.transcript();
    assert!(text.contains("started a new one"), "{text}");
    assert!(
        text.contains("Here is your draft"),
        "the message went through: {text}"
    );
    still_serves(&bot.engine, &me).await;
}

#[tokio::test]
async fn code_2001_shows_the_owners_registration_link() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine
        .handle(&me, Request::Credits, Recorder::new())
        .await;
    fake.set_credits(10, 0);
    let rec = Recorder::new();
    bot.engine
        .handle(&me, say("make a video"), rec.clone())
        .await;
    let links = rec.links();
    assert_eq!(links.len(), 1, "{}", rec.transcript());
    assert!(
        links[0]
            .url
            .starts_with("https://nemovideo.com/register?bind=anon_"),
        "{}",
        links[0].url
    );
    // Someone else in the same channel never sees that link.
    let other = actor("b", "c");
    let rec = Recorder::new();
    bot.engine
        .handle(&other, say("make a video"), rec.clone())
        .await;
    assert!(rec.links().is_empty());
    assert!(
        rec.transcript().contains("another member's account"),
        "{}",
        rec.transcript()
    );
    still_serves(&bot.engine, &me).await;
}

#[tokio::test]
async fn codes_4001_and_4002_from_the_server_are_explained() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    let song = mp3(bot.dir.path(), "song.mp3");
    let rows = [
        (code(400, 4001, "unsupported"), "Supported formats: mp3"),
        (code(413, 4002, "too large"), "200 MB"),
    ];
    for (fault, want) in rows {
        fake.fail_next("/api/upload-video", fault);
        let rec = Recorder::new();
        let req = Request::Upload {
            media: vec![Media::File(song.clone())],
            text: String::new(),
        };
        bot.engine.handle(&me, req, rec.clone()).await;
        assert!(
            rec.transcript().contains(want),
            "{want}: {}",
            rec.transcript()
        );
    }
    still_serves(&bot.engine, &me).await;
}

#[tokio::test]
async fn http_400_missing_client_id_gets_a_new_client_id_and_retries() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    fake.fail_next(
        "/api/auth/anonymous-token",
        code(400, 400, "missing X-Client-Id"),
    );
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("a", "c"), Request::Credits, rec.clone())
        .await;
    assert!(
        rec.transcript().contains("Available: 100"),
        "{}",
        rec.transcript()
    );
    let anon = fake.requests_to("/api/auth/anonymous-token");
    assert_eq!(anon.len(), 2);
    assert_ne!(
        anon[0].headers["x-client-id"], anon[1].headers["x-client-id"],
        "a new client id"
    );
}

#[tokio::test]
async fn http_402_on_export_says_register_or_upgrade() {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready(&fake, "a").await;
    fake.fail_next(
        "/api/render/proxy/lambda",
        Fault::Status {
            http: 402,
            body: serde_json::json!({"success": false, "error": "free plan"}),
        },
    );
    let rec = Recorder::new();
    bot.engine.handle(&me, say("export"), rec.clone()).await;
    assert!(
        rec.transcript()
            .contains("Register or upgrade your plan to unlock export."),
        "{}",
        rec.transcript()
    );
    assert!(
        !rec.transcript().to_lowercase().contains("credits"),
        "not a credits problem"
    );
}

#[tokio::test]
async fn http_429_is_retried_once_after_the_configured_wait() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine
        .handle(&me, Request::Credits, Recorder::new())
        .await;
    fake.fail_next("/api/credits", code(429, 429, "rate limited"));
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Credits, rec.clone()).await;
    assert!(
        rec.transcript().contains("Available: "),
        "{}",
        rec.transcript()
    );
    assert_eq!(fake.requests_to("/api/credits").len(), 3);
    // Twice in a row: one retry only, then a clear sentence.
    fake.fail_next("/api/auth/claim-token", code(429, 429, "rate limited"));
    fake.fail_next("/api/auth/claim-token", code(429, 429, "rate limited"));
    let rec = Recorder::new();
    bot.engine
        .handle(&me, Request::Status, Recorder::new())
        .await;
    bot.engine.handle(&me, say("hi"), Recorder::new()).await;
    bot.engine.handle(&me, Request::Open, rec.clone()).await;
    assert_eq!(fake.requests_to("/api/auth/claim-token").len(), 2);
    assert!(rec.transcript().contains("busy"), "{}", rec.transcript());
}

#[tokio::test]
async fn refused_files_are_never_sent() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let dir = bot.dir.path();
    let exe = dir.join("setup.exe");
    std::fs::write(&exe, b"MZ\x90\x00").unwrap();
    let fake_mp3 = dir.join("notes.mp3");
    std::fs::write(&fake_mp3, b"just some text renamed to mp3\n").unwrap();
    let huge = dir.join("huge.wav");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 * 1024 * 1024 + 1)
        .unwrap();
    let rows = [(exe, "mp3"), (fake_mp3, "notes.mp3"), (huge, "200 MB")];
    for (path, want) in rows {
        let rec = Recorder::new();
        let req = Request::MusicVideo {
            prompt: None,
            media: vec![Media::File(path.clone())],
        };
        bot.engine.handle(&actor("a", "c"), req, rec.clone()).await;
        assert!(
            rec.transcript().contains(want),
            "{}: {}",
            path.display(),
            rec.transcript()
        );
    }
    assert!(
        fake.requests_to("/api/upload-video").is_empty(),
        "nothing was uploaded"
    );
    assert!(
        fake.requests_to("/run_sse").is_empty(),
        "no message was sent"
    );
}

#[tokio::test]
async fn an_html_502_and_a_dropped_connection_get_one_clear_sentence() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    bot.engine
        .handle(&me, Request::Credits, Recorder::new())
        .await;
    for fault in [Fault::Html(502), Fault::Drop] {
        // Reads retry with backoff; three faults in a row exhaust them.
        for _ in 0..3 {
            fake.fail_next("/api/credits", fault.clone());
        }
        let rec = Recorder::new();
        bot.engine.handle(&me, Request::Credits, rec.clone()).await;
        let text = rec.transcript();
        assert!(text.contains("not answering properly"), "{text}");
        assert!(
            !text.contains("<html>") && !text.contains('{'),
            "no raw body: {text}"
        );
        still_serves(&bot.engine, &me).await;
    }
}

#[tokio::test]
async fn a_502_when_opening_the_stream_is_not_retried() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    fake.fail_next("/run_sse", Fault::Html(502));
    let rec = Recorder::new();
    bot.engine
        .handle(&me, say("make a video"), rec.clone())
        .await;
    assert_eq!(
        fake.requests_to("/run_sse").len(),
        1,
        "a message is never sent twice"
    );
    assert!(
        rec.transcript().contains("not answering properly"),
        "{}",
        rec.transcript()
    );
    still_serves(&bot.engine, &me).await;
}

/// A 32 MB WAV: big enough that the upload is still streaming when the test touches the file.
fn big_wav(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("growing.wav");
    let mut bytes = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
    bytes.resize(32 << 20, 1);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_changes_size_while_uploading_is_stopped_with_a_clear_answer() {
    for grows in [true, false] {
        let fake = FakeNemo::start().await;
        let bot = Bot::start(&fake);
        let me = actor("a", "c");
        let path = big_wav(bot.dir.path());
        // The server reads nothing for a while, so the upload stalls mid-file.
        fake.fail_next(
            "/api/upload-video",
            Fault::SlowBody(std::time::Duration::from_millis(800)),
        );
        let rec = Recorder::new();
        let request = Request::Upload {
            media: vec![Media::File(path.clone())],
            text: String::new(),
        };
        let upload = tokio::spawn({
            let (engine, me, rec) = (bot.engine.clone(), me.clone(), rec.clone());
            async move { engine.handle(&me, request, rec).await }
        });
        // The server logs the upload on arrival and then stalls before reading its body.
        let arrived = || async { !fake.requests_to("/api/upload-video").is_empty() };
        let within = std::time::Duration::from_secs(10);
        wait_until("the upload under way", within, arrived).await;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        let len = file.metadata().unwrap().len();
        file.set_len(if grows { len + 4096 } else { len / 2 })
            .unwrap();
        upload.await.unwrap();

        let text = rec.transcript();
        assert!(
            text.contains("growing.wav changed while I was uploading it"),
            "grows={grows}: {text}"
        );
        assert!(!text.contains("Uploaded"), "grows={grows}: {text}");
        let received = fake.requests_to("/api/upload-video");
        assert_eq!(received.len(), 1, "not sent again");
        assert!(
            matches!(received[0].body, Body::Cut),
            "the server got a cut-off upload, which it refuses"
        );
        still_serves(&bot.engine, &me).await;
    }
}

#[tokio::test]
async fn a_hostile_file_name_is_cleaned_before_it_is_shown_or_sent() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    let song = mp3(bot.dir.path(), "song.mp3");
    let hostile = bot.dir.path().join("my\u{7}song\u{1b}[31m\r.mp3");
    std::fs::rename(&song, &hostile).unwrap();
    let rec = Recorder::new();
    let request = Request::Upload {
        media: vec![Media::File(hostile)],
        text: String::new(),
    };
    bot.engine.handle(&me, request, rec.clone()).await;
    let uploads = fake.requests_to("/api/upload-video");
    let Body::Multipart(parts) = &uploads[0].body else {
        panic!("a multipart upload")
    };
    assert_eq!(parts[0].filename.as_deref(), Some("mysong[31m.mp3"));
    let text = rec.transcript();
    assert!(text.contains("Uploaded mysong[31m.mp3"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}
