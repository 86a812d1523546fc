//! Several bot processes splitting the Discord shards over one PostgreSQL store: the fake
//! gateway routes each guild's events to its shard's connection and DMs to shard 0, only the
//! process running shard 0 registers the commands, each process answers what its shards
//! receive, and a shard range outside the count stops the binary at start-up.

mod common;

use common::bot_process::{launch_process, BotProcess};
use common::discord_bot::{CHANNEL, USER};
use common::fake_discord::{guild_on_shard, shard_for, FakeDiscord, APP_ID, GUILD_ID};
use common::fake_nemo::{FakeNemo, Step};
use music_video_bot::secret::Secret;
use music_video_bot::store::ScratchSchema;
use serde_json::json;
use std::time::Duration;

/// The DM channel of the tests' member.
const DM_CHANNEL: u64 = 800_000_000_000_000_009;

#[test]
fn guild_events_route_by_discords_formula_and_dms_to_shard_zero() {
    let rows = [
        // serenity's documented example: guild 81384788765712384 of 17 shards is on shard 7.
        (Some(81_384_788_765_712_384), 17, 7),
        (Some(0), 4, 0),
        (Some(1 << 22), 4, 1),
        (Some((5 << 22) + 12_345), 4, 1),
        (Some(3 << 22), 2, 1),
        (Some(u64::MAX), 1, 0),
        (None, 8, 0),
    ];
    for (guild, count, shard) in rows {
        assert_eq!(shard_for(guild, count), shard, "{guild:?} of {count}");
    }
    for (shard, count) in [(0, 2), (1, 2), (3, 4), (6, 7)] {
        let guild = guild_on_shard(shard, count);
        assert_eq!(shard_for(Some(guild), count), shard);
        assert!(guild >= GUILD_ID && guild < GUILD_ID + (u64::from(count) << 22));
    }
}

/// Waits until the fake's gateway has a connection identified as each of `shards`.
async fn wait_connected(discord: &FakeDiscord, shards: &[[u32; 2]]) {
    for _ in 0..600 {
        let connected = discord.connected_shards();
        if shards.iter().all(|s| connected.contains(s)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("connected: {:?}", discord.connected_shards());
}

/// Stops a process with SIGTERM; it exits 0.
async fn stop(mut bot: BotProcess) {
    bot.signal(libc::SIGTERM);
    assert_eq!(
        bot.exit(Duration::from_secs(30)).await,
        0,
        "{}",
        bot.stderr()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_split_the_shards_and_answer_what_their_shards_receive() {
    let test = "two_processes_split_the_shards_and_answer_what_their_shards_receive";
    let Some(scratch) = ScratchSchema::from_env(test).await.unwrap() else {
        return;
    };
    let (discord, nemo) = (FakeDiscord::start().await, FakeNemo::start().await);
    let a = launch_process(&discord, &nemo, &scratch.url, "0-0", 2, "");
    let b = launch_process(&discord, &nemo, &scratch.url, "1-1", 2, "");
    wait_connected(&discord, &[[0, 2], [1, 2]]).await;
    // Both ready; B's readiness does not wait for commands it does not register.
    a.wait_ready().await;
    b.wait_ready().await;
    discord.wait_ready(1).await;
    assert_eq!(discord.registrations(), (1, 1), "one registration in all");
    a.wait_stderr("registration", |e| e.contains("registered"))
        .await;
    assert!(
        b.stderr()
            .contains("shard 0 runs elsewhere; that process registers the commands"),
        "{}",
        b.stderr()
    );
    assert!(!b.stderr().contains("slash commands"), "{}", b.stderr());

    // A mention in a guild on shard 1 reaches B alone, which answers it once.
    nemo.push_turn(vec![Step::Text("Neon from shard one.".into())]);
    let guild = guild_on_shard(1, 2);
    let mention = format!("<@{APP_ID}> make it neon");
    discord.message_in(Some(guild), &mention, json!([]), CHANNEL, USER);
    let answer = |m: &common::fake_discord::Msg| m.content.contains("Neon from shard one.");
    discord.wait_for(CHANNEL, "with B's answer", answer).await;
    let delivered = discord.deliveries();
    let last = delivered.last().expect("the mention was dispatched");
    assert_eq!((last.guild, last.shard), (Some(guild), Some(1)), "{last:?}");
    b.wait_stderr("B's turn", |e| e.contains("created a Nemo session"))
        .await;
    assert!(!a.stderr().contains("created a Nemo session"));

    // The same member's DM reaches A (shard 0), which finds the member's Nemo account in the
    // shared store.
    nemo.push_turn(vec![Step::Text("A DM on shard zero.".into())]);
    discord.message_in(None, "make it neon", json!([]), DM_CHANNEL, USER);
    let answer = |m: &common::fake_discord::Msg| m.content.contains("A DM on shard zero.");
    discord
        .wait_for(DM_CHANNEL, "with A's answer", answer)
        .await;
    let last = discord.deliveries().last().cloned().unwrap();
    assert_eq!((last.guild, last.shard), (None, Some(0)), "{last:?}");
    a.wait_stderr("A's turn", |e| e.contains("created a Nemo session"))
        .await;
    assert_eq!(
        nemo.requests_to("/api/auth/anonymous-token").len(),
        1,
        "one account for the member, shared"
    );

    // Each request was answered exactly once, by one process.
    for (channel, text) in [
        (CHANNEL, "Neon from shard one."),
        (DM_CHANNEL, "A DM on shard zero."),
    ] {
        let answers = discord.messages(channel);
        let answers: Vec<_> = answers
            .iter()
            .filter(|m| m.content.contains(text))
            .collect();
        assert_eq!(answers.len(), 1, "{answers:?}");
    }
    assert_eq!(nemo.requests_to("/run_sse").len(), 2);
    let lost = discord
        .deliveries()
        .into_iter()
        .filter(|d| d.connection.is_none());
    assert_eq!(lost.count(), 0, "every event reached a shard");
    stop(a).await;
    stop(b).await;
    scratch.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_range_outside_the_count_stops_the_binary_naming_the_key() {
    let (discord, nemo) = (FakeDiscord::start().await, FakeNemo::start().await);
    // Checked before the store is opened: no database is needed to be refused.
    let url = Secret::new("postgres://bot:pw@127.0.0.1:9/mvb");
    let mut bot = launch_process(&discord, &nemo, &url, "1-2", 2, "");
    assert_eq!(bot.exit(Duration::from_secs(30)).await, 2);
    let err = bot.stderr();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("discord.shard_range"), "{err}");
    assert!(discord.calls().is_empty(), "nothing reached Discord");
}
