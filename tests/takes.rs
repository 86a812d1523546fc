//! The Another take button on a finished video's card, through the real bot against the fake
//! Discord and the fake NemoVideo: pressed by the member who asked, it makes exactly one new
//! turn on the same words and one export, and posts one new link; a stranger's press is
//! refused privately, and so is one who may press it but lacks the server's role; over the
//! member's turn quota, it is refused with the usual sentence; words too long for its id are
//! read from the video's record while the history keeps it.

mod common;

use common::discord_bot::{callbacks, start_with, Running, CHANNEL, USER};
use common::fake_discord::{member, member_with, Msg, GUILD_ID, MEMBER_PERMISSIONS};
use common::wait::wait_until;
use serde_json::json;
use std::time::Duration;

/// A member of the server who neither asked nor may manage messages.
const STRANGER: u64 = 700_000_000_000_000_002;
/// MANAGE_MESSAGES and ADMINISTRATOR.
const MODERATING: u64 = (1 << 13) | (1 << 3);
/// The member's words.
const WORDS: &str = "make it neon: a city at night";

/// The custom id of the Another take button on `message`, if it has one.
fn take_button(message: &Msg) -> Option<String> {
    let rows = message.components.as_array()?;
    let mut buttons = rows
        .iter()
        .flat_map(|r| r["components"].as_array())
        .flatten();
    let take = buttons.find(|b| b["label"] == "Another take")?;
    take["custom_id"].as_str().map(str::to_string)
}

/// The video links posted so far.
fn links(bot: &Running) -> Vec<Msg> {
    let all = bot.discord.messages(CHANNEL).into_iter();
    all.filter(|m| m.content.contains(".mp4")).collect()
}

/// The words of each turn sent to the agent.
fn turns(bot: &Running) -> Vec<String> {
    let sent = bot.nemo.requests_to("/run_sse").into_iter();
    sent.map(|r| format!("{:?}", r.body)).collect()
}

/// A bot whose members may send `turns` requests an hour, with credits for many turns, after
/// the member's first video (`/musicvideo` with [`WORDS`]); its link's message.
async fn first_video(turns_per_hour: u32) -> (Running, Msg) {
    first_video_of(turns_per_hour, WORDS).await
}

/// [`first_video`], made from `words`.
async fn first_video_of(turns_per_hour: u32, words: &str) -> (Running, Msg) {
    let bot = start_with(|c| c.limits.turns_per_user_per_hour = turns_per_hour).await;
    bot.nemo.set_credits(1_000, 0);
    let prompt = json!({"options": [{"name": "prompt", "type": 3, "value": words}]});
    bot.discord.slash("musicvideo", prompt, CHANNEL, USER);
    let link = |m: &Msg| m.content.contains(".mp4") && take_button(m).is_some();
    let video = bot.discord.wait_for(CHANNEL, "the first video", link).await;
    bot.wait_jobs_forgotten().await;
    (bot, video)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_take_makes_one_new_turn_and_one_new_video() {
    let (bot, video) = first_video(10).await;
    assert_eq!(turns(&bot).len(), 1);
    assert_eq!(bot.nemo.render_requests().len(), 1);
    let id = take_button(&video).unwrap();
    // A stranger's press is refused privately, and makes nothing.
    let stranger = member_with(STRANGER, MEMBER_PERMISSIONS & !MODERATING);
    bot.discord.click_by(Some(GUILD_ID), &id, &video, stranger);
    let refused = |b: &serde_json::Value| {
        b["data"]["content"]
            .as_str()
            .is_some_and(|t| t.contains("another take"))
    };
    wait_until("the stranger refused", Duration::from_secs(15), || async {
        callbacks(&bot).iter().any(refused)
    })
    .await;
    let refusal = callbacks(&bot).into_iter().find(refused).unwrap();
    assert_eq!(
        refusal["data"]["flags"].as_u64().unwrap_or(0) & (1 << 6),
        1 << 6
    );
    // The member's press: one new turn on the same words, one export, one new link.
    bot.discord.click_in(Some(GUILD_ID), &id, &video, USER);
    wait_until("a second link", Duration::from_secs(30), || async {
        links(&bot).len() == 2
    })
    .await;
    bot.wait_jobs_forgotten().await;
    // The project's next request runs once all the take's work is done: by then it made
    // exactly one turn and one export.
    bot.run_next_request().await;
    bot.wait_jobs_forgotten().await;
    let sent = turns(&bot);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[1].contains(WORDS), "the same words: {sent:?}");
    assert_eq!(bot.nemo.render_requests().len(), 2);
    assert_eq!(links(&bot).len(), 2);
    let second = links(&bot).pop().unwrap();
    assert_ne!(second.id, video.id);
    assert!(take_button(&second).is_some(), "the new take has its own");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_take_over_the_turn_quota_is_refused() {
    let (bot, video) = first_video(1).await;
    bot.discord
        .click_in(Some(GUILD_ID), &take_button(&video).unwrap(), &video, USER);
    let refused = |m: &Msg| m.content.contains("in the last hour");
    bot.discord
        .wait_for(CHANNEL, "the quota's refusal", refused)
        .await;
    assert_eq!(turns(&bot).len(), 1, "no new turn");
    assert_eq!(bot.nemo.render_requests().len(), 1, "no new export");
    assert_eq!(links(&bot).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_take_is_behind_the_servers_role() {
    const ROLE: u64 = 990_000_000_000_000_001;
    let (bot, video) = first_video(10).await;
    let role = json!([{"name": "role", "type": 8, "value": ROLE.to_string()}]);
    let token = (bot.discord).slash_sub("settings", &["role"], role, CHANNEL, member(USER));
    bot.discord.wait_answered(&token).await;
    // One who may manage messages (so may press it for the member) but lacks the role, and
    // may not manage the server: refused by the role, privately; nothing is made.
    let moderator = member_with(STRANGER, MEMBER_PERMISSIONS & !(1 << 5) & !(1 << 3));
    let id = take_button(&video).unwrap();
    bot.discord.click_by(Some(GUILD_ID), &id, &video, moderator);
    let refused = |b: &serde_json::Value| {
        b["data"]["content"]
            .as_str()
            .is_some_and(|t| t.contains("only members with"))
    };
    wait_until("the role's refusal", Duration::from_secs(15), || async {
        callbacks(&bot).iter().any(refused)
    })
    .await;
    assert_eq!(turns(&bot).len(), 1, "no new turn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_too_long_for_the_button_are_read_from_the_videos_record_while_it_is_kept() {
    let words = format!("{WORDS}, {}", "rain on glass, slow zooms, ".repeat(5));
    let (bot, video) = first_video_of(10, &words).await;
    let id = take_button(&video).expect("a button even for long words");
    assert!(id.len() <= 100 && !id.contains("rain"), "{id}");
    bot.discord.click_in(Some(GUILD_ID), &id, &video, USER);
    wait_until("a second link", Duration::from_secs(30), || async {
        links(&bot).len() == 2
    })
    .await;
    bot.wait_jobs_forgotten().await;
    let sent = turns(&bot);
    assert!(
        sent[1].contains(words.trim_end()),
        "the same words: {sent:?}"
    );
    // Once the history no longer keeps the video, a press says so, privately.
    bot.engine.forget_old_videos(u64::MAX).await.unwrap();
    bot.discord.click_in(Some(GUILD_ID), &id, &video, USER);
    let gone = |b: &serde_json::Value| {
        b["data"]["content"]
            .as_str()
            .is_some_and(|t| t.contains("no longer in the history"))
    };
    wait_until(
        "the press told the video is gone",
        Duration::from_secs(15),
        || async { callbacks(&bot).iter().any(gone) },
    )
    .await;
    assert_eq!(turns(&bot).len(), 2, "no new turn");
}
