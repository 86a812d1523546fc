//! The Cancel button, through the real bot against the fake Discord and the fake NemoVideo:
//! a request waiting in line leaves it (it never reaches the agent); an export that is
//! rendering stops (no link is ever posted, the member's export slot is free at once); only
//! for the member who asked or a moderator, and also when the press reaches another process
//! than the one polling the export (PostgreSQL); a turn that has said nothing yet is cancelled
//! from its progress line.

mod common;

use common::discord_bot::{callbacks, start_with, Running, CHANNEL, USER};
use common::fake_discord::{member, member_with, Msg, APP_ID, GUILD_ID, MEMBER_PERMISSIONS};
use common::fake_nemo::Step;
use common::pair::{Pair, DM as PAIR_DM, USER as PAIR_USER};
use common::wait::wait_until;
use serde_json::{json, Value};
use std::time::Duration;

/// The member's DM channel with the bot.
const DM: u64 = 650_000_000_000_000_001;
/// A member of the server who neither asked nor may manage messages.
const STRANGER: u64 = 700_000_000_000_000_002;
/// A member of the server who may manage messages.
const MODERATOR: u64 = 700_000_000_000_000_003;
/// Discord's ephemeral message flag.
const EPHEMERAL: u64 = 1 << 6;
/// MANAGE_MESSAGES and ADMINISTRATOR.
const MODERATING: u64 = (1 << 13) | (1 << 3);

/// The custom id of the Cancel button on `message`, if it has one.
fn cancel_button(message: &Msg) -> Option<String> {
    let rows = message.components.as_array()?;
    let buttons = rows
        .iter()
        .flat_map(|r| r["components"].as_array())
        .flatten();
    let cancel = buttons.into_iter().find(|b| b["label"] == "Cancel")?;
    cancel["custom_id"].as_str().map(str::to_string)
}

/// A bot that lets a member run one export at a time.
async fn bot() -> Running {
    start_with(|c| c.limits.exports_per_user = 1).await
}

/// The member asks for a video in `channel` (mentioning the bot in a server) and exports it;
/// the render is held by NemoVideo, and its progress card shows (with its Cancel button).
async fn rendering(bot: &Running, guild: Option<u64>, channel: u64) -> Msg {
    let say = |words: &str| match guild {
        Some(_) => format!("<@{APP_ID}> {words}"),
        None => words.to_string(),
    };
    let answers = bot.discord.messages(channel).len();
    bot.discord
        .message_in(guild, &say("make a music video"), json!([]), channel, USER);
    let answered = |m: &Msg| m.content.contains("when you're happy with it");
    bot.discord.wait_for(channel, "the answer", answered).await;
    assert!(bot.discord.messages(channel).len() > answers);
    bot.nemo.hold_renders(true);
    let before = bot.nemo.render_requests().len();
    bot.discord
        .message_in(guild, &say("export"), json!([]), channel, USER);
    let card = |m: &Msg| m.shown().contains("Rendering") && cancel_button(m).is_some();
    let card = bot
        .discord
        .wait_for(channel, "the progress card", card)
        .await;
    assert_eq!(bot.nemo.render_requests().len(), before + 1);
    card
}

/// Waits for an interaction response whose text contains `words`; its body.
async fn wait_response(bot: &Running, words: &str) -> Value {
    let found = || {
        callbacks(bot).into_iter().find(|b| {
            b["data"]["content"]
                .as_str()
                .is_some_and(|t| t.contains(words))
        })
    };
    wait_until(words, Duration::from_secs(15), || async {
        found().is_some()
    })
    .await;
    found().unwrap()
}

fn ephemeral(response: &Value) -> bool {
    response["data"]["flags"]
        .as_u64()
        .is_some_and(|f| f & EPHEMERAL != 0)
}

/// The link posts that reached Discord.
fn link_posts(bot: &Running) -> usize {
    let calls = bot.discord.calls().into_iter();
    calls
        .filter(|c| c.method == "POST")
        .filter(|c| {
            c.body["content"]
                .as_str()
                .is_some_and(|t| t.contains(".mp4"))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rendering_export_cancelled_posts_no_link_and_frees_the_members_slot() {
    let bot = bot().await;
    let card = rendering(&bot, None, DM).await;
    let id = cancel_button(&card).unwrap();
    bot.discord.click_in(None, &id, &card, USER);
    let told = wait_response(&bot, "Export cancelled").await;
    assert!(!ephemeral(&told), "the channel is told: {told}");
    assert!(
        told["data"]["content"].as_str().unwrap().contains("/open"),
        "where to find a render that finishes anyway: {told}"
    );
    assert!(
        bot.store.jobs().await.unwrap().is_empty(),
        "the job left the store"
    );
    // The progress card itself became the sentence, without its card or button.
    let card_now = bot
        .discord
        .messages(DM)
        .into_iter()
        .find(|m| m.id == card.id);
    let card_now = card_now.unwrap();
    assert!(
        card_now.shown().contains("Export cancelled"),
        "{}",
        card_now.shown()
    );
    assert!(
        !card_now.shown().contains("Rendering"),
        "{}",
        card_now.shown()
    );
    assert!(
        cancel_button(&card_now).is_none(),
        "{:?}",
        card_now.components
    );
    // The slot is free at once: a new export (one at a time) starts, not refused.
    bot.discord.message_in(None, "export", json!([]), DM, USER);
    wait_until("a second render", Duration::from_secs(15), || async {
        bot.nemo.render_requests().len() == 2
    })
    .await;
    // Both renders finish at NemoVideo: only the second one's link is posted.
    bot.nemo.hold_renders(false);
    let link = |m: &Msg| m.content.contains(".mp4");
    bot.discord
        .wait_for(DM, "the second video's link", link)
        .await;
    bot.wait_jobs_forgotten().await;
    assert_eq!(
        link_posts(&bot),
        1,
        "the cancelled render's link never posted"
    );
    // Pressed again, it says it is over rather than pretend.
    bot.discord.click_in(None, &id, &card, USER);
    let over = wait_response(&bot, "already ended").await;
    assert!(ephemeral(&over), "{over}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_cancel_is_refused_privately_and_a_moderators_works() {
    let bot = bot().await;
    let card = rendering(&bot, Some(GUILD_ID), CHANNEL).await;
    let id = cancel_button(&card).unwrap();
    let stranger = member_with(STRANGER, MEMBER_PERMISSIONS & !MODERATING);
    bot.discord.click_by(Some(GUILD_ID), &id, &card, stranger);
    let refused = wait_response(&bot, "Only the member who asked").await;
    assert!(ephemeral(&refused), "refused privately: {refused}");
    assert_eq!(bot.store.jobs().await.unwrap().len(), 1, "still rendering");
    bot.discord
        .click_by(Some(GUILD_ID), &id, &card, member(MODERATOR));
    let told = wait_response(&bot, "Export cancelled").await;
    assert!(!ephemeral(&told), "{told}");
    assert!(
        bot.store.jobs().await.unwrap().is_empty(),
        "the job left the store"
    );
    assert_eq!(link_posts(&bot), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_pressed_in_one_process_stops_the_export_another_polls() {
    let Some(pair) = Pair::start("cancel_across_processes").await else {
        return;
    };
    pair.export_on_a().await;
    let has_cancel = |m: &Msg| cancel_button(m).is_some();
    let card = pair
        .discord
        .wait_for(PAIR_DM, "the Cancel button", has_cancel)
        .await;
    let id = cancel_button(&card).unwrap();
    // The press reaches B (shard 1, the server's) while A (shard 0, DMs) polls the export:
    // the button's id is all B needs.
    pair.discord
        .click_by(Some(GUILD_ID), &id, &card, member(PAIR_USER));
    pair.b
        .wait_stderr("B's cancel", |e| e.contains("export cancelled"))
        .await;
    pair.wait_jobs_forgotten().await;
    pair.nemo.hold_renders(false);
    pair.a
        .wait_stderr("A leaving the export", |e| {
            e.contains("lost this export's claim")
        })
        .await;
    assert_eq!(pair.link_posts().len(), 0, "A posted no link");
    pair.finish(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cancelled_while_waiting_in_line_never_runs() {
    let bot = bot().await;
    let sse = || bot.nemo.requests_to("/run_sse").len();
    // The first request's answer takes a while: the second waits behind it in the DM's line.
    // (Within the test config's idle and whole-turn timeouts: 3 s and 5 s.)
    let slow = vec![
        Step::Partial("first part".into()),
        Step::Sleep(Duration::from_secs(2)),
        Step::Partial(", more".into()),
        Step::Sleep(Duration::from_secs(2)),
        Step::Text("first part, more: first done".into()),
    ];
    bot.nemo.push_turn(slow);
    bot.discord
        .message_in(None, "the first", json!([]), DM, USER);
    wait_until("the first turn", Duration::from_secs(15), || async {
        sse() == 1
    })
    .await;
    bot.discord
        .message_in(None, "the second", json!([]), DM, USER);
    let queued = |m: &Msg| m.content.contains("in line") && cancel_button(m).is_some();
    let place = bot.discord.wait_for(DM, "a place in line", queued).await;
    bot.discord
        .click_in(None, &cancel_button(&place).unwrap(), &place, USER);
    let told = wait_response(&bot, "left the line").await;
    assert!(ephemeral(&told), "the press is answered privately: {told}");
    // Once the first is done, a third request runs: the second, ahead of it in line had it
    // not left, never reached the agent.
    let answered = |m: &Msg| m.content.contains("first done");
    bot.discord.wait_for(DM, "the first answer", answered).await;
    bot.nemo.push_turn(vec![Step::Text("third done".into())]);
    bot.discord
        .message_in(None, "the third", json!([]), DM, USER);
    let answered = |m: &Msg| m.content.contains("third done");
    bot.discord.wait_for(DM, "the third answer", answered).await;
    let sent: Vec<String> = (bot.nemo.requests_to("/run_sse").iter())
        .map(|r| format!("{:?}", r.body))
        .collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(!sent.iter().any(|b| b.contains("the second")), "{sent:?}");
    // The place in line says so instead, and its Cancel went with the wait.
    let place = bot
        .discord
        .messages(DM)
        .into_iter()
        .find(|m| m.id == place.id)
        .unwrap();
    assert!(place.content.contains("left the line"), "{}", place.content);
    assert!(cancel_button(&place).is_none(), "{:?}", place.components);
}

/// A bot whose turns may stay quiet for a minute: a stream is only ever ended by its Cancel.
async fn patient_bot() -> Running {
    start_with(|c| {
        c.nemo.idle_timeout_ms = 60_000;
        c.nemo.sse_timeout_ms = 120_000;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streaming_answer_cancelled_closes_its_stream_and_exports_nothing() {
    let bot = patient_bot().await;
    // Enough credits for three turns (each costs 50).
    bot.nemo.set_credits(1_000, 0);
    // A first video: the project's timeline can be exported from now on.
    common::discord_bot::answer_with_buttons(&bot).await;
    let link = |m: &Msg| m.content.contains(".mp4");
    bot.discord.wait_for(CHANNEL, "the first link", link).await;
    bot.wait_jobs_forgotten().await;
    let renders = bot.nemo.render_requests().len();
    // The second /musicvideo's answer streams, then pauses (until it is cancelled).
    bot.nemo.push_turn(vec![
        Step::Partial("Halfway through a neon".into()),
        Step::Sleep(Duration::from_secs(60)),
        Step::Text("Halfway through a neon city: never shown".into()),
    ]);
    let prompt = json!({"options": [{"name": "prompt", "type": 3, "value": "again"}]});
    bot.discord.slash("musicvideo", prompt, CHANNEL, USER);
    let streaming = |m: &Msg| m.content.contains("Halfway") && cancel_button(m).is_some();
    let answer = bot
        .discord
        .wait_for(CHANNEL, "the streaming answer", streaming)
        .await;
    let id = cancel_button(&answer).unwrap();
    // A stranger's press is refused privately, and the stream goes on.
    let stranger = member_with(STRANGER, MEMBER_PERMISSIONS & !MODERATING);
    bot.discord.click_by(Some(GUILD_ID), &id, &answer, stranger);
    let refused = wait_response(&bot, "Only the member who asked").await;
    assert!(ephemeral(&refused), "refused privately: {refused}");
    assert_eq!(bot.nemo.streams_cut(), 0, "still streaming");
    // The member's own press closes the stream: the fake sees it closed before its end.
    bot.discord.click_in(Some(GUILD_ID), &id, &answer, USER);
    let told = wait_response(&bot, "closed the agent's answer").await;
    assert!(ephemeral(&told), "{told}");
    wait_until(
        "the stream closed at NemoVideo",
        Duration::from_secs(15),
        || async { bot.nemo.streams_cut() == 1 },
    )
    .await;
    let ended = |m: &Msg| m.id == answer.id && m.content.contains("may not come back");
    let ended = bot
        .discord
        .wait_for(CHANNEL, "the cancelled answer", ended)
        .await;
    assert!(ended.content.starts_with("Halfway"), "{}", ended.content);
    assert!(cancel_button(&ended).is_none(), "{:?}", ended.components);
    // The next request of the project runs once the cancelled one is over: by then no
    // export came of the cancelled turn.
    bot.run_next_request().await;
    assert_eq!(bot.nemo.render_requests().len(), renders, "no export");
    assert_eq!(link_posts(&bot), 1, "only the first video's link");
    // Pressed again, it says it is over.
    bot.discord.click_in(Some(GUILD_ID), &id, &answer, USER);
    wait_response(&bot, "already ended").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_cancelled_before_its_first_words_is_cancelled_from_its_progress_line() {
    let bot = patient_bot().await;
    // The agent works with a tool and says nothing yet: only the progress line shows.
    bot.nemo.push_turn(vec![
        Step::Call("generate_video".into()),
        Step::Sleep(Duration::from_secs(60)),
        Step::Text("never shown".into()),
    ]);
    let words = format!("<@{APP_ID}> make it neon");
    bot.discord
        .message_in(Some(GUILD_ID), &words, json!([]), CHANNEL, USER);
    let working = |m: &Msg| m.content.contains("Working: generate_video");
    let line = bot
        .discord
        .wait_for(CHANNEL, "the progress line with its Cancel", |m| {
            working(m) && cancel_button(m).is_some()
        })
        .await;
    let id = cancel_button(&line).unwrap();
    bot.discord.click_in(Some(GUILD_ID), &id, &line, USER);
    wait_until(
        "the stream closed at NemoVideo",
        Duration::from_secs(15),
        || async { bot.nemo.streams_cut() == 1 },
    )
    .await;
    // The line stays (by now perhaps saying it is still working), without its button; the
    // channel is told the turn was cancelled.
    let plain = |m: &Msg| m.id == line.id && cancel_button(m).is_none();
    bot.discord
        .wait_for(CHANNEL, "the line without its Cancel", plain)
        .await;
    let note = |m: &Msg| m.content.contains("the answer stops here");
    bot.discord.wait_for(CHANNEL, "the cancel note", note).await;
    assert!(!bot
        .discord
        .messages(CHANNEL)
        .iter()
        .any(|m| m.content.contains("never shown")));
}
