//! Start-up that cannot go deaf, and readiness: the Discord front against the fakes, with the
//! admin endpoint's `/readyz` asked over HTTP.

mod common;

use common::discord_bot::{boot, start, Running, CHANNEL, USER};
use common::fake_discord::{FakeDiscord, APP_ID};
use common::fake_nemo::Step;
use common::metrics::{counter, metrics};
use common::wait::wait_until;
use music_video_bot::admin::{self, Admin};
use std::time::Duration;

/// Starts the admin endpoint for `bot` on a free loopback port; returns its `/readyz` URL.
async fn readyz_url(bot: &Running) -> String {
    let admin = Admin {
        health: bot.health.clone(),
        store: bot.store.clone(),
        metrics: None,
    };
    let addr = admin::start("127.0.0.1:0", admin, std::future::pending())
        .await
        .expect("admin endpoint");
    format!("http://{addr}/readyz")
}

/// `/readyz`'s status and text.
async fn readyz(url: &str) -> (u16, String) {
    let resp = reqwest::get(url).await.expect("readyz answers");
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Polls `/readyz` until its status is `want` (at most ~30 s), returning its text.
async fn wait_readyz(url: &str, want: u16) -> String {
    let mut last = (0, String::new());
    for _ in 0..300 {
        last = readyz(url).await;
        if last.0 == want {
            return last.1;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/readyz never answered {want}; last: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_command_registration_leaves_the_bot_serving_and_is_retried() {
    let discord = FakeDiscord::start().await;
    // Discord answers 500, then a validation error (400), until it is let through.
    discord.refuse_commands(&[500, 400]);
    let bot = boot(discord, |_| {}).await;
    let url = readyz_url(&bot).await;
    let tried_twice = || async { bot.discord.registrations().1 >= 2 };
    wait_until(
        "two registrations tried",
        Duration::from_secs(30),
        tried_twice,
    )
    .await;
    assert_eq!(bot.discord.registrations(), (0, 2), "tried twice, refused");
    let (status, text) = readyz(&url).await;
    assert_eq!(status, 503);
    assert!(text.contains("commands not registered"), "{text}");

    // Mentions are served meanwhile.
    bot.nemo
        .push_turn(vec![Step::Text("A neon skyline it is.".into())]);
    let mention = format!("<@{APP_ID}> make it neon");
    bot.discord
        .message(&mention, serde_json::json!([]), CHANNEL, USER, true);
    bot.discord
        .wait_for(CHANNEL, "with the agent's answer", |m| {
            m.content.contains("A neon skyline it is.")
        })
        .await;

    // A later try is taken, and the bot becomes ready.
    bot.discord.accept_commands();
    bot.discord.wait_ready(1).await;
    assert_eq!(wait_readyz(&url, 200).await, "ready\n");
    let (taken, tried) = bot.discord.registrations();
    assert_eq!(taken, 1);
    assert!(tried >= 3, "{tried}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_goes_503_when_the_gateway_is_lost() {
    let bot = start().await;
    let url = readyz_url(&bot).await;
    assert_eq!(wait_readyz(&url, 200).await, "ready\n");
    bot.discord.stop_gateway();
    let text = wait_readyz(&url, 503).await;
    assert!(text.contains("not connected"), "{text}");
    assert!(!text.contains("commands"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_the_turn_refuses_new_requests_and_closes_the_gateway() {
    let mut bot = start().await;
    bot.nemo.push_turn(vec![
        Step::Text("Working on the neon.".into()),
        Step::Sleep(Duration::from_millis(800)),
        Step::Text("Neon done.".into()),
    ]);
    let dm = serde_json::json!([]);
    bot.discord
        .message("make it neon", dm.clone(), CHANNEL, USER, false);
    let turning = || async { !bot.nemo.requests_to("/run_sse").is_empty() };
    wait_until("the turn under way", Duration::from_secs(10), turning).await;
    let engine = bot.engine.clone();
    let stop = tokio::spawn(async move { engine.stop(Duration::from_secs(10)).await });
    let stopping = || async { bot.engine.is_stopping() };
    wait_until("the stop begun", Duration::from_secs(10), stopping).await;
    bot.discord
        .message("and one more", dm, CHANNEL, USER, false);
    bot.discord
        .wait_for(CHANNEL, "saying the bot restarts", |m| {
            m.content == music_video_bot::tr!(music_video_bot::i18n::Lang::En, "restarting")
        })
        .await;
    assert!(
        stop.await.unwrap(),
        "the turn ended within the grace period"
    );
    bot.discord
        .wait_for(CHANNEL, "with the whole answer", |m| {
            m.content.contains("Neon done.")
        })
        .await;
    assert_eq!(bot.nemo.requests_to("/run_sse").len(), 1, "only the first");
    // The front ends by itself once the engine has stopped.
    tokio::time::timeout(Duration::from_secs(10), &mut bot.task)
        .await
        .expect("the Discord front stopped")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_rate_limits_are_counted() {
    metrics();
    let bot = start().await;
    bot.discord.rate_limit_next(2, Duration::from_millis(50));
    bot.nemo.push_turn(vec![Step::Text("Counted.".into())]);
    bot.discord
        .message("make it neon", serde_json::json!([]), CHANNEL, USER, false);
    bot.discord
        .wait_for(CHANNEL, "with the answer", |m| {
            m.content.contains("Counted.")
        })
        .await;
    assert_eq!(bot.discord.answered_429(), 2);
    assert_eq!(counter("mvb_discord_rate_limited_total"), 2.0);
}

/// poise holds every event until its setup returns: exports resume beside the events, so a
/// database that takes its time (here another session holds the jobs table) costs no
/// interaction its 3 seconds. Skipped without `MVB_TEST_DATABASE_URL`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_store_at_start_up_holds_back_no_interaction() {
    use sqlx::Connection;
    let test = "a_slow_store_at_start_up_holds_back_no_interaction";
    let Some((scratch, store)) = common::harness::scratch_store(test).await else {
        return;
    };
    let mut blocker = sqlx::PgConnection::connect(scratch.url.expose())
        .await
        .unwrap();
    for sql in ["BEGIN", "LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE"] {
        sqlx::query(sql).execute(&mut blocker).await.unwrap();
    }
    let bot = common::discord_bot::boot_on(FakeDiscord::start().await, Some(store), |_| {}).await;
    bot.discord.wait_ready(1).await;
    bot.discord
        .slash("help", serde_json::json!({}), CHANNEL, USER);
    // Bounded (10 s): on a start-up that waits for the jobs table, no answer comes at all.
    common::discord_bot::wait_call(&bot, "answering /help", |c| c.path.ends_with("/callback"))
        .await;
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();
    drop(bot);
    scratch.finish().await.unwrap();
}
