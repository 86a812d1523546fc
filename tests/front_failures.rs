//! A front that fails: buttons, edits and status lines are best-effort, and an export's link is
//! posted again after a failure that may pass — as many times as `delivery_attempts` allows
//! and within the export's time limit — but not to a place that is gone or refuses it.

mod common;

use common::fake_nemo::FakeNemo;
use common::harness::{actor, mp3, nemo_config, open_store, ready, ready_with, say, Bot};
use common::recorder::{Failure, Op, Recorder};
use music_video_bot::engine::{Media, Request};
use std::time::Duration;

/// `/musicvideo` with a song, through `rec`, until every export ended.
async fn music_video(bot: &Bot, rec: &std::sync::Arc<Recorder>) {
    let song = mp3(bot.dir.path(), "song.mp3");
    let req = Request::MusicVideo {
        prompt: None,
        media: vec![Media::File(song)],
    };
    bot.engine
        .handle(&actor("alice", "c"), req, rec.clone())
        .await;
    bot.engine.idle().await;
}

#[tokio::test]
async fn failing_buttons_neither_hide_the_answer_nor_skip_the_export() {
    for how in [Failure::Retryable, Failure::Gone] {
        let fake = FakeNemo::start().await;
        let bot = Bot::start(&fake);
        let rec = Recorder::new();
        rec.fail_next(Op::Offer, 1, how);
        music_video(&bot, &rec).await;
        let text = rec.transcript();
        assert_eq!(rec.attempts(Op::Offer), 1, "{how:?}");
        assert!(!rec.messages().is_empty(), "the answer is shown: {text}");
        assert!(!text.contains("went wrong"), "{how:?}: {text}");
        assert_eq!(fake.render_requests().len(), 1, "{how:?}: exported");
        assert_eq!(rec.links().len(), 1, "{how:?}: {text}");
    }
}

#[tokio::test]
async fn failing_status_lines_and_edits_do_not_stop_the_export() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    rec.fail_next(Op::Status, 100, Failure::Retryable);
    rec.fail_next(Op::Edit, 100, Failure::Retryable);
    music_video(&bot, &rec).await;
    assert!(rec.attempts(Op::Status) > 0);
    assert_eq!(rec.links().len(), 1, "{}", rec.transcript());
    assert!(!rec.transcript().contains("went wrong"));
}

/// A front whose next `send` fails: what the engine says next must still come, and the
/// video with it.
async fn first_send_fails(bot: &Bot, me: &music_video_bot::engine::Actor, request: Request) {
    let rec = Recorder::new();
    rec.fail_next(Op::Send, 1, Failure::Retryable);
    bot.engine.handle(me, request, rec.clone()).await;
    bot.engine.idle().await;
    assert!(rec.attempts(Op::Send) >= 1, "{}", rec.transcript());
    assert_eq!(rec.links().len(), 1, "{}", rec.transcript());
    assert!(
        !rec.transcript().contains("went wrong"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn a_greeting_that_cannot_be_shown_does_not_stop_the_upload() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    // A new place and a song without words: the first message is the greeting with the
    // examples ("Connected — ready when you are…"), and it fails.
    rec.fail_next(Op::Send, 1, Failure::Retryable);
    let request = Request::Upload {
        media: vec![Media::File(mp3(bot.dir.path(), "song.mp3"))],
        text: String::new(),
    };
    bot.engine
        .handle(&actor("alice", "c"), request, rec.clone())
        .await;
    let text = rec.transcript();
    assert!(rec.attempts(Op::Send) >= 2, "{text}");
    assert!(text.contains("Uploaded song.mp3"), "{text}");
    assert_eq!(fake.requests_to("/api/upload-video").len(), 1, "{text}");
    assert!(!text.contains("went wrong"), "{text}");
}

#[tokio::test]
async fn an_upload_note_that_cannot_be_shown_does_not_stop_the_video() {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready(&fake, "a").await;
    let song = mp3(bot.dir.path(), "song.mp3");
    let request = Request::MusicVideo {
        prompt: None,
        media: vec![Media::File(song)],
    };
    // Greeted already: the first message is "Uploaded song.mp3".
    first_send_fails(&bot, &me, request).await;
}

#[tokio::test]
async fn a_silent_turns_explanation_that_cannot_be_shown_does_not_stop_the_video() {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready(&fake, "a").await;
    // The agent says nothing: the first message explains what the turn changed.
    fake.push_turn(vec![]);
    let request = Request::MusicVideo {
        prompt: Some("again".into()),
        media: vec![],
    };
    first_send_fails(&bot, &me, request).await;
}

#[tokio::test]
async fn a_link_that_fails_to_post_once_is_posted_later_exactly_once() {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready(&fake, "a").await;
    let rec = Recorder::new();
    rec.fail_next(Op::PostLink, 1, Failure::Retryable);
    bot.engine.handle(&me, say("export"), rec.clone()).await;
    bot.engine.idle().await;
    assert_eq!(rec.attempts(Op::PostLink), 2);
    let links = rec.links();
    assert_eq!(links.len(), 1, "{}", rec.transcript());
    assert!(!links[0].again, "this run had not posted it: not a repeat");
    assert!(stored_jobs(bot).await.is_empty(), "job done");
}

#[tokio::test]
async fn a_link_whose_place_is_gone_or_refused_is_given_up_not_retried() {
    for how in [Failure::Gone, Failure::Refused] {
        let fake = FakeNemo::start().await;
        let (bot, me) = ready(&fake, "a").await;
        let rec = Recorder::new();
        rec.fail_next(Op::PostLink, 1, how);
        // Were it retried, this second order would let it through.
        rec.fail_next(Op::PostLink, 1, Failure::Retryable);
        bot.engine.handle(&me, say("export"), rec.clone()).await;
        bot.engine.idle().await;
        assert_eq!(rec.attempts(Op::PostLink), 1, "{how:?}");
        assert!(rec.links().is_empty(), "{how:?}");
        assert!(stored_jobs(bot).await.is_empty(), "{how:?}: job forgotten");
    }
}

/// Waits (up to a minute) until every export of `bot` has ended.
async fn exports_ended(bot: &Bot) {
    tokio::time::timeout(Duration::from_secs(60), bot.engine.idle())
        .await
        .expect("the export ended");
}

#[tokio::test]
async fn a_link_that_keeps_failing_is_given_up_after_the_configured_attempts() {
    let fake = FakeNemo::start().await;
    let mut cfg = nemo_config(&fake);
    cfg.delivery_attempts = 3;
    let (bot, me) = ready_with(cfg, "a").await;
    let rec = Recorder::new();
    rec.fail_next(Op::PostLink, 1000, Failure::Retryable);
    bot.engine.handle(&me, say("export"), rec.clone()).await;
    exports_ended(&bot).await;
    assert_eq!(rec.attempts(Op::PostLink), 3);
    assert!(stored_jobs(bot).await.is_empty(), "job forgotten");
}

#[tokio::test]
async fn the_export_timeout_holds_while_its_link_fails_to_post() {
    let fake = FakeNemo::start().await;
    let mut cfg = nemo_config(&fake);
    cfg.delivery_attempts = 1_000_000;
    cfg.export_timeout_ms = 1000;
    let (bot, me) = ready_with(cfg, "a").await;
    let rec = Recorder::new();
    rec.fail_next(Op::PostLink, 1_000_000, Failure::Retryable);
    bot.engine.handle(&me, say("export"), rec.clone()).await;
    exports_ended(&bot).await;
    assert!(rec.attempts(Op::PostLink) > 0, "it was tried");
    let text = rec.transcript();
    assert!(text.contains("far longer than usual"), "{text}");
    assert!(stored_jobs(bot).await.is_empty(), "job forgotten");
}

/// The jobs the bot's store still holds, read after its engine stopped.
async fn stored_jobs(bot: Bot) -> Vec<music_video_bot::store::JobRecord> {
    let Bot {
        engine, store_path, ..
    } = bot;
    drop(engine);
    open_store(&store_path).jobs().await.unwrap()
}
