//! Many members at once (issue #16): 80 members mention the bot with a song within one second,
//! in one busy channel and several others, against a fake Discord that holds the bot to
//! Discord's global limit (50 requests a second, interaction endpoints aside) with global 429s.
//! The bot keeps its own budget under the limit: nobody's video is lost, and Discord never has
//! to refuse a request.

mod common;

use common::bot_process::launch_process;
use common::burst::{
    burst, burst_in, busy, busy_bot, busy_toml, Burst, FIRST_CHANNEL, FIRST_MEMBER,
    MAX_CALLS_PER_CONVERSATION,
};
use common::discord_bot::boot;
use common::fake_discord::{guild_on_shard, FakeDiscord};
use common::fake_nemo::FakeNemo;
use common::pair::stop;
use music_video_bot::store::ScratchSchema;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_members_at_once_each_get_one_link_and_discord_refuses_nothing() {
    let bot = busy_bot().await;
    let members = 80;
    let seen = burst(&bot, members, 9, Duration::from_secs(240)).await;
    assert_eq!(
        without_one_link(&seen),
        vec![],
        "members without exactly one link; messages: {:#?}",
        seen.kinds
    );
    assert_eq!(seen.global_429s, 0, "global 429s drawn: {seen:?}");
    assert_eq!(seen.all_429s, 0, "429s of any kind: {seen:?}");
    assert!(seen.peak_per_second <= 50, "{seen:?}");
    assert!(
        seen.calls_per_conversation <= MAX_CALLS_PER_CONVERSATION,
        "{seen:?}"
    );
}

/// The members of a burst who got no link, or more than one.
fn without_one_link(seen: &Burst) -> Vec<(u64, usize)> {
    (0..seen.members as u64)
        .map(|i| FIRST_MEMBER + i)
        .map(|m| (m, seen.links.get(&m).copied().unwrap_or(0)))
        .filter(|(_, n)| *n != 1)
        .collect()
}

/// A global 429 delays a request but never loses it, whether Discord itself sends it (the bot
/// talks to discord.com, serenity's limiter on) or a REST proxy passes it on (`api_base`, the
/// limiter off, the bot's own retry): other clients of the same bot take 40 of the 50 requests
/// a second, so this one draws global 429s past its 10, and still every member gets exactly
/// one link and nobody is told that something went wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_429s_from_discord_or_a_proxy_delay_but_lose_nothing() {
    for proxy in [false, true] {
        let discord = FakeDiscord::start().await;
        discord.others_take(40);
        let base = discord.base_url();
        let bot = boot(discord, |c| {
            busy(c);
            if proxy {
                c.discord.api_base = base;
                c.discord.rest_address = None;
                c.discord.rest_ca_file = None;
            }
        })
        .await;
        bot.discord.wait_ready(1).await;
        let seen = burst(&bot, 20, 3, Duration::from_secs(300)).await;
        assert_eq!(without_one_link(&seen), vec![], "proxy: {proxy}; {seen:#?}");
        assert!(
            seen.global_429s > 0,
            "proxy: {proxy}: no global 429 was drawn"
        );
        let sorry: Vec<String> = bot
            .discord
            .all_messages()
            .into_iter()
            .map(|m| m.shown())
            .filter(|t| t.contains("went wrong") || t.contains("rate limited"))
            .collect();
        assert_eq!(sorry, Vec::<String>::new(), "proxy: {proxy}");
    }
}

/// Two processes of one bot, each running one of its two shards, each keep to their shards'
/// share of the budget (22 of the configured 45 a second) without talking to each other: a
/// burst over guilds on both shards stays within Discord's 50 in any second, draws no 429,
/// and every member gets exactly one link. (Each process spending the whole 45 would pass 50.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_keep_to_one_budget_by_their_shards_shares() {
    let test = "two_processes_keep_to_one_budget_by_their_shards_shares";
    let Some(scratch) = ScratchSchema::from_env(test).await.unwrap() else {
        return;
    };
    let (discord, nemo) = (FakeDiscord::start().await, FakeNemo::start().await);
    let mut a = launch_process(&discord, &nemo, &scratch.url, "0-0", 2, &busy_toml());
    let mut b = launch_process(&discord, &nemo, &scratch.url, "1-1", 2, &busy_toml());
    a.wait_ready().await;
    b.wait_ready().await;
    discord.wait_ready(1).await;
    // The busiest channel and every other one after it on shard 0, the rest on shard 1.
    let guild = |channel: u64| guild_on_shard(((channel - FIRST_CHANNEL) % 2) as u32, 2);
    let seen = burst_in(&discord, 80, 9, guild, Duration::from_secs(300)).await;
    assert_eq!(without_one_link(&seen), vec![], "{seen:#?}");
    assert_eq!(seen.all_429s, 0, "{seen:?}");
    assert!(seen.peak_per_second <= 50, "{seen:?}");
    for bot in [&a, &b] {
        assert!(
            bot.stderr().contains("created a Nemo session"),
            "both processes served members: {}",
            bot.stderr()
        );
    }
    stop(&mut a).await;
    stop(&mut b).await;
    scratch.finish().await.unwrap();
}
