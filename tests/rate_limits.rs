//! Discord's per-route rate limits against the path production runs: the bot talks to
//! "discord.com" (the fake, over TLS) with serenity's own rate limiter on, reads the fake's
//! `X-RateLimit-*` headers and waits before a bucket runs dry instead of drawing 429s (each of
//! which counts toward Discord's invalid-request limit).

mod common;

use common::discord_bot::{boot, CHANNEL, USER};
use common::fake_discord::FakeDiscord;
use common::fake_nemo::Step;
use serde_json::json;
use std::time::Duration;

/// A long answer streamed by edits into a channel whose routes take 2 requests a second: the
/// edits wait for the bucket to reset (none is refused) and the whole answer arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_edits_keep_to_the_route_limit_before_discord_refuses() {
    let discord = FakeDiscord::start().await;
    discord.limit_routes(2, Duration::from_secs(1));
    let bot = boot(discord, |c| {
        c.discord.edit_interval_ms = 50;
        c.nemo.still_working_ms = 60_000;
        // The turn reads the stream between edits, and every edit here waits for its bucket:
        // the tests' short time limits (5 s) would end the turn before its last edit on a
        // loaded machine. What is tested is the wait, not the limit.
        c.nemo.sse_timeout_ms = 120_000;
        c.nemo.idle_timeout_ms = 60_000;
    })
    .await;
    bot.discord.wait_ready(1).await;
    let words: Vec<String> = (0..120).map(|i| format!("w{i:03}")).collect();
    let mut steps = Vec::new();
    // 30 chunks over about 2.4 s: more edits than the buckets take in that time.
    for chunk in words.chunks(4) {
        steps.push(Step::Partial(format!("{} ", chunk.join(" "))));
        steps.push(Step::Sleep(Duration::from_millis(80)));
    }
    bot.nemo.push_turn(steps);
    bot.discord.message(
        &format!("<@{}> talk a lot", common::fake_discord::APP_ID),
        json!([]),
        CHANNEL,
        USER,
        true,
    );
    let answer = bot
        .discord
        .wait_for(CHANNEL, "with the last word", |m| {
            m.content.ends_with("w119")
        })
        .await;
    assert!(answer.edits >= 2, "the answer was streamed by edits");
    let patches = bot
        .discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "PATCH")
        .count();
    assert!(patches >= 5, "enough edits to meet the limit: {patches}");
    assert_eq!(
        bot.discord.answered_429(),
        0,
        "the limiter waited for each bucket's reset instead of drawing 429s"
    );
}

/// The yardstick itself: the fake takes 50 requests a second across routes and answers the
/// 51st with Discord's global 429, while interaction endpoints stay outside the count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_refuses_the_fifty_first_request_of_a_second_globally() {
    let discord = FakeDiscord::start().await;
    let client = reqwest::Client::new();
    let base = discord.base_url();
    // Different channels, so no route limit binds: only the global one. All at once, well
    // within one second.
    let calls = (0..60u64).map(|i| {
        let url = format!("{base}/api/v10/channels/{}/messages/1", 1_000 + i);
        let request = client.get(url).send();
        async move {
            let response = request.await.unwrap();
            let global = response.headers().get("x-ratelimit-global").is_some();
            (response.status().as_u16(), global)
        }
    });
    let statuses = futures_util::future::join_all(calls).await;
    let refused = statuses.iter().filter(|(s, _)| *s == 429).count();
    assert!(refused > 0, "the 51st request of the second was refused");
    assert!(statuses
        .iter()
        .filter(|(s, _)| *s == 429)
        .all(|(_, global)| *global));
    assert_eq!(discord.global_429s(), refused);
    assert_eq!(discord.peak_per_second(), 50);
    let callback = format!(
        "{base}/api/v10/webhooks/{}/token/messages/@original",
        common::fake_discord::APP_ID
    );
    let response = client
        .patch(callback)
        .json(&json!({"content": "x"}))
        .send()
        .await
        .unwrap();
    assert_ne!(
        response.status().as_u16(),
        429,
        "interaction endpoints are exempt"
    );
}
