//! Under real load: one slow answer for one user must not hold up anyone else.

mod common;

use common::fake_nemo::{FakeNemo, Fault, Step};
use common::harness::{actor, nemo_config, say, Bot};
use common::recorder::Recorder;
use common::wait::wait_until;
use std::time::Duration;

/// Ann's first request in channel a stalls for 20 s at `path`; meanwhile `other` says hello
/// and must get the agent's answer while Ann's request is still waiting.
async fn stalled_holds_up_no_one(path: &str, other: music_video_bot::engine::Actor) {
    let fake = FakeNemo::start().await;
    let mut cfg = nemo_config(&fake);
    cfg.request_timeout_ms = 30_000;
    let bot = Bot::with_config(cfg);
    fake.fail_next(path, Fault::Delay(Duration::from_secs(20)));
    let slow = {
        let engine = bot.engine.clone();
        tokio::spawn(async move {
            engine
                .handle(&actor("ann", "a"), say("hello"), Recorder::new())
                .await
        })
    };
    let stalled = || async { !fake.requests_to(path).is_empty() };
    wait_until("Ann's request stalled", Duration::from_secs(10), stalled).await;
    fake.push_turn(vec![Step::Text("Hi there.".into())]);
    let rec = Recorder::new();
    bot.engine.handle(&other, say("hello"), rec.clone()).await;
    assert!(
        rec.transcript().contains("Hi there."),
        "{}",
        rec.transcript()
    );
    assert!(
        !slow.is_finished(),
        "Ann's request is still stalled at {path}"
    );
    slow.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_token_request_holds_up_no_other_user() {
    stalled_holds_up_no_one("/api/auth/anonymous-token", actor("bob", "b")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_session_creation_holds_up_no_other_channel() {
    // The same member (same account and token) in another channel.
    stalled_holds_up_no_one("/api/tasks/me/with-session", actor("ann", "b")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_json_answer_is_refused_with_one_sentence() {
    let fake = FakeNemo::start().await;
    let (bot, me) = common::harness::ready(&fake, "ann").await;
    let huge = "x".repeat(music_video_bot::nemo::MAX_JSON_BYTES + 1);
    let body = serde_json::json!({"code": 0, "data": {"available": 1, "padding": huge}});
    fake.fail_next("/api/credits", Fault::Status { http: 200, body });
    let rec = Recorder::new();
    bot.engine
        .handle(&me, music_video_bot::engine::Request::Credits, rec.clone())
        .await;
    assert_eq!(rec.messages().len(), 1, "{:?}", rec.messages());
    assert!(
        rec.messages()[0].contains("far larger than expected"),
        "{:?}",
        rec.messages()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_stream_event_ends_the_turn_with_one_sentence() {
    let fake = FakeNemo::start().await;
    let (bot, me) = common::harness::ready(&fake, "ann").await;
    let huge = "y".repeat(music_video_bot::nemo::sse::MAX_EVENT_BYTES + 1);
    fake.push_turn(vec![
        Step::Text("Starting.".into()),
        Step::Text(huge),
        Step::Text("Never shown.".into()),
    ]);
    let rec = Recorder::new();
    bot.engine.handle(&me, say("go"), rec.clone()).await;
    let said = rec.transcript();
    assert!(
        said.contains(&music_video_bot::tr!(
            music_video_bot::i18n::Lang::En,
            "stream-too-large"
        )),
        "{said}"
    );
    assert!(!said.contains("Never shown."), "{said}");
    assert_eq!(fake.requests_to("/run_sse").len(), 2, "not resent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_once_after_the_servers_retry_after() {
    let fake = FakeNemo::start().await;
    let mut cfg = nemo_config(&fake);
    // Far longer than the test may take: only the server's hint can make it pass.
    cfg.retry_after_ms = 600_000;
    let (bot, me) = common::harness::ready_with(cfg, "ann").await;
    fake.fail_next("/api/credits", Fault::RetryAfter(0.05));
    fake.fail_next("/run_sse", Fault::RetryAfter(0.05));
    fake.push_turn(vec![Step::Text("Retried once.".into())]);
    let rec = Recorder::new();
    let both = async {
        let credits = music_video_bot::engine::Request::Credits;
        bot.engine.handle(&me, credits, rec.clone()).await;
        bot.engine.handle(&me, say("again"), rec.clone()).await;
    };
    tokio::time::timeout(Duration::from_secs(30), both)
        .await
        .expect("the server's Retry-After was honoured");
    let said = rec.transcript();
    assert!(said.contains("available"), "{said}");
    assert!(said.contains("Retried once."), "{said}");
    assert_eq!(fake.requests_to("/api/credits").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_music_video_reads_the_state_before_and_after_its_turn_only() {
    let fake = FakeNemo::start().await;
    let (bot, me) = common::harness::ready(&fake, "ann").await;
    let before = fake.requests_to("/api/state").len();
    let rec = Recorder::new();
    let request = music_video_bot::engine::Request::MusicVideo {
        prompt: Some("neon".into()),
        media: vec![],
    };
    bot.engine.handle(&me, request, rec.clone()).await;
    bot.engine.idle().await;
    assert_eq!(rec.links().len(), 1, "{}", rec.transcript());
    // The export polls render status, never the state: one read before the turn (to explain a
    // silent one), one after (to check and export the draft).
    assert_eq!(fake.requests_to("/api/state").len() - before, 2);
}
