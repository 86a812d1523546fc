//! A member's `/forget-me` (#19): after they confirm, the store holds nothing of them — every
//! table or tree read back, on sled and on PostgreSQL, their video history included — and their
//! next request starts from a new anonymous NemoVideo account; only they may confirm.

mod common;

use common::discord_bot::{boot_on, hosted_mp3, Running, CHANNEL, USER};
use common::fake_discord::{dm_channel, FakeDiscord, Msg};
use common::harness::scratch_store;
use common::wait::wait_until;
use music_video_bot::discord::ids::forget_id;
use serde_json::json;
use std::time::Duration;

/// The client ids the bot asked NemoVideo for anonymous tokens with, in order.
fn client_ids(bot: &Running) -> Vec<String> {
    let asked = bot.nemo.requests_to("/api/auth/anonymous-token");
    asked
        .iter()
        .map(|r| r.headers["x-client-id"].clone())
        .collect()
}

/// The member makes a video in their DM, then has the bot forget them; the store is read back
/// whole, and their next request is served by a new account.
async fn forgets_everything(bot: Running) {
    let dm = dm_channel(USER);
    let song = hosted_mp3(&bot.discord, "mine.mp3");
    bot.discord
        .message("dreamy synthwave", json!([song]), dm, USER, false);
    bot.discord
        .wait_for(dm, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    bot.wait_jobs_forgotten().await;
    let kept = bot.store.everything().await.unwrap();
    let mine = |rows: &[String]| -> Vec<String> {
        let id = USER.to_string();
        rows.iter().filter(|r| r.contains(&id)).cloned().collect()
    };
    assert!(
        !mine(&kept).is_empty(),
        "the store kept something of the member: {kept:#?}"
    );
    let history = |rows: &[String]| mine(rows).iter().any(|r| r.starts_with("videos"));
    assert!(
        history(&kept),
        "the finished video is in the history: {kept:#?}"
    );
    let first = client_ids(&bot);
    assert_eq!(first.len(), 1, "{first:?}");

    let token = bot.discord.slash("forget-me", json!({}), CHANNEL, USER);
    let prompt = bot.discord.wait_answered(&token).await;
    assert!(prompt.ephemeral, "only the member sees it");
    assert!(prompt.content.contains("/open"), "{prompt:?}");
    // Someone else's press is refused, and deletes nothing.
    bot.discord.click(&forget_id(USER), &prompt, USER + 1);
    let refused = |m: &Msg| m.ephemeral && m.content.contains("someone else");
    wait_for_any(&bot, "the stranger refused", refused).await;
    assert_eq!(mine(&bot.store.everything().await.unwrap()), mine(&kept));
    bot.discord.click(&forget_id(USER), &prompt, USER);
    let done = |m: &Msg| m.ephemeral && m.content.contains("I deleted");
    let answer = wait_for_any(&bot, "what was deleted", done).await;
    assert!(answer.content.contains("client id and token"), "{answer:?}");
    assert!(answer.content.contains("1 project"), "{answer:?}");
    assert!(
        answer.content.contains("1 video in your /videos history"),
        "{answer:?}"
    );
    assert!(answer.content.contains("NemoVideo keeps"), "{answer:?}");
    let left = bot.store.everything().await.unwrap();
    assert!(
        mine(&left).is_empty(),
        "still kept of the member: {:#?}",
        mine(&left)
    );

    bot.discord.message("credits", json!([]), dm, USER, false);
    let again = || async { client_ids(&bot).len() == 2 };
    wait_until("a new anonymous account", Duration::from_secs(20), again).await;
    let ids = client_ids(&bot);
    assert_ne!(ids[0], ids[1], "the new account has a client id of its own");
}

/// The first message anywhere matching `pred`.
async fn wait_for_any(bot: &Running, what: &str, pred: impl Fn(&Msg) -> bool) -> Msg {
    let found = || async { bot.discord.all_messages().iter().any(&pred) };
    wait_until(what, Duration::from_secs(20), found).await;
    let all = bot.discord.all_messages();
    all.into_iter().find(|m| pred(m)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_leaves_nothing_of_the_member_in_sled() {
    let bot = boot_on(FakeDiscord::start().await, None, |_| {}).await;
    bot.discord.wait_ready(1).await;
    forgets_everything(bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_me_leaves_nothing_of_the_member_in_postgres() {
    let test = "forget_me_leaves_nothing_of_the_member_in_postgres";
    let Some((scratch, store)) = scratch_store(test).await else {
        return;
    };
    let bot = boot_on(FakeDiscord::start().await, Some(store), |_| {}).await;
    bot.discord.wait_ready(1).await;
    forgets_everything(bot).await;
    scratch.finish().await.unwrap();
}
