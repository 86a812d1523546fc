//! A member's `/videos` (#19): every finished video is kept for its member, listed newest
//! first on a private card five at a time, here or everywhere; only they may page; records
//! older than `[store] video_history_days` are deleted by the housekeeping. On sled and on
//! PostgreSQL.

mod common;

use common::discord_bot::{boot_on, hosted_mp3, Running, CHANNEL, USER};
use common::fake_discord::{dm_channel, FakeDiscord, Msg, APP_ID};
use common::harness::scratch_store;
use common::wait::wait_until;
use music_video_bot::discord::ids::{videos_id, VideosId};
use music_video_bot::store::{now_secs, Store};
use serde_json::{json, Value};
use std::time::Duration;

/// A guild channel where the member made nothing.
const ELSEWHERE: u64 = CHANNEL + 1;
/// Days of history this bot keeps.
const DAYS: u64 = 2;
const DAY: u64 = 24 * 3600;

/// The MP4 links posted in `channel` so far, oldest first.
fn links(bot: &Running, channel: u64) -> Vec<String> {
    let mut posted: Vec<Msg> = bot.discord.messages(channel);
    posted.sort_by_key(|m| m.id);
    posted
        .iter()
        .flat_map(|m| {
            m.content
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.starts_with("http") && w.ends_with(".mp4"))
        .collect()
}

/// The member makes a video from `song` in `channel` (a DM, or a mention in the server); its
/// link, once the job is forgotten (its history written).
async fn make_video(bot: &Running, channel: u64, song: &str) -> String {
    let before = links(bot, channel).len();
    let file = hosted_mp3(&bot.discord, song);
    let guild = channel != dm_channel(USER);
    let words = match guild {
        true => format!("<@{APP_ID}> dreamy synthwave"),
        false => "dreamy synthwave".to_string(),
    };
    bot.discord
        .message(&words, json!([file]), channel, USER, guild);
    let more = || async { links(bot, channel).len() > before };
    wait_until("the video's link", Duration::from_secs(30), more).await;
    bot.wait_jobs_forgotten().await;
    links(bot, channel).pop().unwrap()
}

/// `/videos` in `channel`, `here` or not (`None`: the default); the private answer.
async fn videos(bot: &Running, channel: u64, here: Option<bool>) -> Msg {
    let options = match here {
        Some(h) => json!({"options": [{"name": "where", "type": 4, "value": u8::from(h)}]}),
        None => json!({}),
    };
    let token = bot.discord.slash("videos", options, channel, USER);
    let answer = bot.discord.wait_answered(&token).await;
    assert!(
        answer.ephemeral,
        "only the member sees their videos: {answer:?}"
    );
    answer
}

/// The links a card lists, top to bottom.
fn listed(card: &Msg) -> Vec<String> {
    let fields = card.embeds[0]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    fields
        .iter()
        .filter_map(|f| {
            let value = f["value"].as_str()?;
            let (_, rest) = value.split_once("](")?;
            Some(rest.trim_end_matches(')').to_string())
        })
        .collect()
}

/// The paging buttons' (custom id, disabled) on a card.
fn buttons(card: &Msg) -> Vec<(String, bool)> {
    let rows = card.components.as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
        .map(|b: Value| {
            (
                b["custom_id"].as_str().unwrap_or("").to_string(),
                b["disabled"] == true,
            )
        })
        .collect()
}

/// The message `id` as it is now.
fn now_shown(bot: &Running, id: u64) -> Msg {
    let all = bot.discord.all_messages();
    all.into_iter().find(|m| m.id == id).expect("the card")
}

/// Six videos (four in a DM, two in the server), then `/videos` everywhere and here, paging
/// by its member and by a stranger, and the housekeeping of old records.
async fn lists_pages_and_forgets(bot: Running) {
    let dm = dm_channel(USER);
    let mut made = Vec::new();
    for (channel, song) in [(dm, "a"), (dm, "b"), (dm, "c"), (dm, "d"), (CHANNEL, "e")] {
        made.push(make_video(&bot, channel, &format!("{song}.mp3")).await);
    }
    made.push(make_video(&bot, CHANNEL, "f.mp3").await);
    let newest_first: Vec<String> = made.iter().rev().cloned().collect();

    // Everywhere (the default): the five newest, then the oldest on page two.
    let card = videos(&bot, CHANNEL, None).await;
    assert_eq!(listed(&card), newest_first[..5], "{card:#?}");
    assert!(
        card.shown().contains("Page 1 of 2 · 6 videos"),
        "{}",
        card.shown()
    );
    let next = videos_id(&VideosId {
        here: false,
        page: 1,
        user: USER,
    });
    let first = videos_id(&VideosId {
        here: false,
        page: 0,
        user: USER,
    });
    assert_eq!(buttons(&card), [(first, true), (next.clone(), false)]);

    // A stranger's press is refused privately, and the card stays.
    bot.discord.click(&next, &card, USER + 1);
    let refused = |m: &Msg| m.ephemeral && m.content.contains("someone else");
    let found = || async { bot.discord.all_messages().iter().any(refused) };
    wait_until("the stranger refused", Duration::from_secs(20), found).await;
    assert_eq!(listed(&now_shown(&bot, card.id)), newest_first[..5]);

    // The member's press turns the page in place.
    bot.discord.click(&next, &card, USER);
    let turned = || async { listed(&now_shown(&bot, card.id)) == newest_first[5..] };
    wait_until("page two", Duration::from_secs(20), turned).await;
    let page_two = now_shown(&bot, card.id);
    assert!(
        page_two.shown().contains("Page 2 of 2"),
        "{}",
        page_two.shown()
    );
    assert!(page_two.ephemeral);

    // Here: only the server channel's two, on one page without buttons; none elsewhere.
    let here = videos(&bot, CHANNEL, Some(true)).await;
    assert_eq!(listed(&here), newest_first[..2]);
    assert!(buttons(&here).is_empty(), "{here:#?}");
    let none = videos(&bot, ELSEWHERE, Some(true)).await;
    assert!(none.content.contains("no finished videos here"), "{none:?}");
    assert!(none.embeds.as_array().is_none_or(Vec::is_empty), "{none:?}");

    // The housekeeping, as of a given now: kept within the configured days, deleted after.
    let now = now_secs();
    assert_eq!(
        bot.engine
            .forget_old_videos(now + DAYS * DAY - 60)
            .await
            .unwrap(),
        0
    );
    assert_eq!(listed(&videos(&bot, CHANNEL, None).await).len(), 5);
    assert_eq!(
        bot.engine
            .forget_old_videos(now + DAYS * DAY + 60)
            .await
            .unwrap(),
        6
    );
    let left = bot.store.everything().await.unwrap();
    let kept: Vec<_> = left.iter().filter(|r| r.starts_with("videos")).collect();
    assert!(kept.is_empty(), "{kept:#?}");
    let gone = videos(&bot, CHANNEL, None).await;
    assert!(gone.content.contains("no finished videos yet"), "{gone:?}");
}

async fn bot_on(store: Option<Store>) -> Running {
    let adjust = |c: &mut music_video_bot::config::Config| c.store.video_history_days = DAYS;
    let bot = boot_on(FakeDiscord::start().await, store, adjust).await;
    // Six videos cost more than an anonymous account's first 100 credits.
    bot.nemo.set_credits(10_000, 0);
    bot.discord.wait_ready(1).await;
    bot
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn videos_are_listed_paged_and_forgotten_in_sled() {
    lists_pages_and_forgets(bot_on(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn videos_are_listed_paged_and_forgotten_in_postgres() {
    let test = "videos_are_listed_paged_and_forgotten_in_postgres";
    let Some((scratch, store)) = scratch_store(test).await else {
        return;
    };
    lists_pages_and_forgets(bot_on(Some(store)).await).await;
    scratch.finish().await.unwrap();
}
