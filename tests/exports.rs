//! Exports: polling, both answer shapes, failures, and jobs that survive a restart.

mod common;

use common::fake_nemo::{Body, FakeNemo, Fault, RenderShape};
use common::harness::{actor, engine_at, nemo_config, open_store, ready, ready_with, say, Bot};
use common::recorder::{Recorder, ToRecorder};
use common::wait::wait_until;
use music_video_bot::engine::cards;
use music_video_bot::engine::Actor;
use music_video_bot::engine::Request;
use music_video_bot::i18n::Lang;
use music_video_bot::store::JobStatus;
use std::time::Duration;

async fn export_once(shape: RenderShape) -> (FakeNemo, std::sync::Arc<Recorder>) {
    let fake = FakeNemo::start().await;
    fake.set_render_shape(shape);
    fake.set_render_polls(3);
    let (bot, me) = ready(&fake, "alice").await;
    let rec = Recorder::new();
    bot.engine.handle(&me, say("export"), rec.clone()).await;
    bot.engine.idle().await;
    (fake, rec)
}

#[tokio::test]
async fn export_polls_until_done_and_posts_the_link_in_both_shapes() {
    for shape in [RenderShape::Envelope, RenderShape::Bare] {
        let (fake, rec) = export_once(shape).await;
        let links = rec.links();
        assert_eq!(links.len(), 1, "{}", rec.transcript());
        assert!(
            links[0].url.starts_with(&fake.base_url()) && links[0].url.ends_with(".mp4"),
            "{}",
            links[0].url
        );
        let polls = fake
            .requests_to("/api/render/proxy/lambda/")
            .into_iter()
            .filter(|r| r.method == "GET")
            .count();
        assert!(polls >= 3, "polled until completed: {polls}");
        let statuses = rec.statuses();
        assert!(
            statuses.iter().any(|s| s.contains("Rendering")),
            "progress shown: {statuses:?}"
        );
        // The progress card ends full once the video is posted, not stuck where it was.
        let done = cards::rendered(Lang::En).text();
        assert_eq!(statuses.last(), Some(&done), "{statuses:?}");
        // The finished card says what the render reported, when it did (the bare shape).
        let card = links[0].card.clone().expect("the finished video's card");
        let length = card.fields.iter().find(|f| f.name == "Length");
        let want = match shape {
            RenderShape::Bare => "0:31",
            _ => "0:10",
        };
        assert_eq!(length.map(|f| f.value.as_str()), Some(want), "{card:?}");
    }
}

#[tokio::test]
async fn a_failed_render_says_so() {
    let fake = FakeNemo::start().await;
    fake.fail_next_render("GPU node lost");
    let (bot, me) = ready(&fake, "a").await;
    let rec = Recorder::new();
    bot.engine.handle(&me, say("download"), rec.clone()).await;
    bot.engine.idle().await;
    assert!(rec.links().is_empty());
    assert!(
        rec.transcript()
            .contains("The export failed: GPU node lost"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn an_empty_timeline_is_not_exported() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("a", "c");
    fake.push_turn(vec![common::fake_nemo::Step::Text(
        "Hi! What should we make?".into(),
    )]);
    bot.engine.handle(&me, say("hello"), Recorder::new()).await;
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Export, rec.clone()).await;
    assert!(
        rec.transcript().contains("nothing to export yet"),
        "{}",
        rec.transcript()
    );
    assert!(fake.requests_to("/api/render").is_empty());
}

#[tokio::test]
async fn an_export_resumes_after_a_restart_and_posts_once() {
    let fake = FakeNemo::start().await;
    fake.set_render_polls(6);
    let mut cfg = nemo_config(&fake);
    cfg.poll_interval_ms = 80;
    let bot = Bot::with_config(cfg.clone());
    let me = actor("alice", "c");
    bot.engine
        .handle(&me, say("make a video"), Recorder::new())
        .await;
    let before = Recorder::new();
    bot.engine.handle(&me, say("export"), before.clone()).await;
    let polled = || async {
        let renders = fake.requests_to("/api/render/proxy/lambda/");
        renders.iter().any(|r| r.method == "GET")
    };
    wait_until(
        "the render's first status poll",
        Duration::from_secs(10),
        polled,
    )
    .await;
    bot.engine.halt().await; // as if the process died mid-poll
    assert!(before.links().is_empty(), "not finished before the restart");

    let bot = bot.restart(&cfg);
    let after = Recorder::new();
    let resumed = bot
        .engine
        .resume_jobs(std::sync::Arc::new(ToRecorder(after.clone())))
        .await
        .unwrap();
    assert_eq!(resumed, 1);
    // Starting the runner twice does not poll (or post) twice.
    assert_eq!(
        bot.engine
            .resume_jobs(std::sync::Arc::new(ToRecorder(after.clone())))
            .await
            .unwrap(),
        0
    );
    bot.engine.idle().await;
    assert_eq!(after.links().len(), 1, "{}", after.transcript());
    let renders = fake.render_requests();
    assert_eq!(renders.len(), 1, "not rendered again");
    // A further restart finds nothing left to do.
    let bot = bot.restart(&cfg);
    assert_eq!(
        bot.engine
            .resume_jobs(std::sync::Arc::new(ToRecorder(Recorder::new())))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_duplicate_render_id_is_replaced_by_a_new_one() {
    retried_with_a_new_id(serde_json::json!({"success": false, "error": "duplicate render id"}))
        .await;
}

/// The 409 decides, not Nemo's wording.
#[tokio::test]
async fn a_409_in_other_words_is_a_duplicate_id_too() {
    retried_with_a_new_id(serde_json::json!({"success": false, "error": "id already in use"}))
        .await;
}

async fn retried_with_a_new_id(duplicate: serde_json::Value) {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready(&fake, "a").await;
    fake.fail_next(
        "/api/render/proxy/lambda",
        Fault::Status {
            http: 409,
            body: duplicate,
        },
    );
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Export, rec.clone()).await;
    bot.engine.idle().await;
    let posts: Vec<String> = fake
        .render_requests()
        .into_iter()
        .map(|r| match r.body {
            Body::Json(v) => v["id"].as_str().unwrap_or_default().to_string(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(posts.len(), 2);
    assert_ne!(posts[0], posts[1], "a new id");
    assert_eq!(rec.links().len(), 1, "{}", rec.transcript());
}

/// A bot with a drafted video whose requests time out after 300 ms, so that a render request
/// without an answer is called lost after 2 s rather than 11.
async fn ready_quick(fake: &FakeNemo) -> (Bot, Actor) {
    let mut cfg = nemo_config(fake);
    cfg.request_timeout_ms = 300;
    ready_with(cfg, "alice").await
}

#[tokio::test]
async fn an_unconfirmed_render_request_is_checked_not_repeated() {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready_quick(&fake).await;
    fake.fail_next("/api/render/proxy/lambda", Fault::Html(502));
    let rec = Recorder::new();
    bot.engine.handle(&me, Request::Export, rec.clone()).await;
    bot.engine.idle().await;
    let posts = fake.render_requests().len();
    assert_eq!(posts, 1, "never rendered twice");
    let text = rec.transcript();
    assert!(text.contains("did not confirm the export"), "{text}");
    assert!(
        text.contains("interrupted"),
        "the lost job is reported: {text}"
    );
}

#[tokio::test]
async fn a_render_request_that_times_out_but_arrives_late_still_gets_its_link() {
    let fake = FakeNemo::start().await;
    let (bot, me) = ready_quick(&fake).await;
    // The render request gets no answer in time; the server takes it after we gave up, so the
    // first polls find nothing. That is not yet "lost".
    fake.fail_next(
        "/api/render/proxy/lambda",
        Fault::Delay(Duration::from_millis(700)),
    );
    let rec = Recorder::new();
    bot.engine.handle(&me, say("export"), rec.clone()).await;
    bot.engine.idle().await;
    let text = rec.transcript();
    assert!(text.contains("did not confirm the export"), "{text}");
    assert!(!text.contains("interrupted"), "{text}");
    assert_eq!(rec.links().len(), 1, "{text}");
    assert_eq!(fake.render_requests().len(), 1, "never rendered twice");
}

#[tokio::test]
async fn a_job_caught_while_posting_its_link_posts_it_again_marked_as_a_repeat() {
    let fake = FakeNemo::start().await;
    fake.set_render_polls(20);
    let cfg = nemo_config(&fake);
    let (bot, me) = ready_with(cfg.clone(), "alice").await;
    bot.engine.handle(&me, say("export"), Recorder::new()).await;
    bot.engine.halt().await;
    let Bot {
        engine,
        store_path,
        dir,
    } = bot;
    drop(engine);
    // As if the bot died after marking the job `posting` (and perhaps posting its link) but
    // before forgetting it.
    let store = open_store(&store_path);
    let mut job = store
        .jobs()
        .await
        .unwrap()
        .pop()
        .expect("the running export");
    job.status = JobStatus::Posting;
    store.put_job(&job).await.unwrap();
    drop(store);
    // The render finished meanwhile.
    fake.set_render_polls(1);
    let bot = Bot {
        engine: engine_at(&cfg, &store_path),
        store_path,
        dir,
    };
    let after = Recorder::new();
    assert_eq!(
        bot.engine
            .resume_jobs(std::sync::Arc::new(ToRecorder(after.clone())))
            .await
            .unwrap(),
        1
    );
    bot.engine.idle().await;
    let links = after.links();
    assert_eq!(links.len(), 1, "{}", after.transcript());
    assert!(links[0].again, "marked as a possible repeat");
    assert_eq!(
        links[0].key, job.id,
        "same key, so Discord drops it by nonce"
    );
    assert_eq!(fake.render_requests().len(), 1, "not rendered again");
}
