//! Servers set the bot up themselves (#18): `/settings` from a moderator, refused to a member
//! who cannot manage the server by the bot itself, a thread per video (started from the
//! member's message as Discord's "Start Thread from Message" allows, else the channel),
//! a role that keeps the bot to its members, settings that survive a restart and reach another
//! process over PostgreSQL, and a server forgotten after the bot was removed from it — all
//! through the real bot against the fake Discord.

mod common;

use common::discord_bot::{
    answer_with_buttons, boot_on, hosted_mp3, start_with, Running, CHANNEL, USER,
};
use common::fake_discord::permissions::CREATE_PUBLIC_THREADS;
use common::fake_discord::{member, member_with, FakeDiscord, Msg, GUILD_ID, MEMBER_PERMISSIONS};
use common::wait::wait_until;
use music_video_bot::discord::ids::{button_id, edit_id, EditId};
use music_video_bot::engine::gui::Suggestion;
use music_video_bot::store::ScratchSchema;
use serde_json::{json, Value};
use std::time::Duration;

/// A second channel of the test guild.
const OTHER: u64 = CHANNEL + 1;
/// `MANAGE_GUILD` and `ADMINISTRATOR` (Permissions, "Bitwise Permission Flags").
const MANAGE_GUILD: u64 = 1 << 5;
const ADMINISTRATOR: u64 = 1 << 3;

/// The test guild's name in the engine and the store.
fn group() -> String {
    format!("guild:{GUILD_ID}")
}

/// A moderator runs `/settings <path…>` with `leaf` options in CHANNEL; returns its answer.
async fn settings(bot: &Running, path: &[&str], leaf: Value) -> Msg {
    settings_as(bot, path, leaf, member(USER)).await
}

/// [`settings`] by `who`.
async fn settings_as(bot: &Running, path: &[&str], leaf: Value, who: Value) -> Msg {
    let token = bot.discord.slash_sub("settings", path, leaf, CHANNEL, who);
    bot.discord.wait_answered(&token).await
}

/// `channel` as a channel option (type 7).
fn channel_option(channel: u64) -> Value {
    json!([{"name": "channel", "type": 7, "value": channel.to_string()}])
}

/// Every message of the bot's, anywhere, as shown.
fn everything(bot: &Running) -> String {
    let all = bot.discord.all_messages();
    all.iter().map(Msg::shown).collect::<Vec<_>>().join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_picks_a_channel_and_the_next_unmentioned_song_there_is_taken() {
    let bot = start_with(|c| c.discord.message_content = Some(true)).await;
    let first = hosted_mp3(&bot.discord, "first.mp3");
    bot.discord.message("", json!([first]), OTHER, USER, true);
    let answer = settings(&bot, &["channels", "add"], channel_option(OTHER)).await;
    assert!(answer.ephemeral, "settings answer the moderator only");
    assert!(
        answer.content.contains(&format!("<#{OTHER}>")),
        "{answer:?}"
    );
    let second = hosted_mp3(&bot.discord, "second.mp3");
    bot.discord.message("", json!([second]), OTHER, USER, true);
    bot.discord
        .wait_for(OTHER, "with the upload", |m| {
            m.content.contains("Uploaded second.mp3")
        })
        .await;
    assert!(
        !everything(&bot).contains("first.mp3"),
        "before the setting, an un-mentioned song there was not for the bot"
    );
    let list = settings(&bot, &["channels", "list"], json!([])).await;
    assert!(list.content.contains(&format!("<#{OTHER}>")), "{list:?}");
    // Removing it: the server's own list is now empty, and the bot says so.
    settings(&bot, &["channels", "remove"], channel_option(OTHER)).await;
    let list = settings(&bot, &["channels", "list"], json!([])).await;
    assert!(list.content.contains("without a mention"), "{list:?}");
    assert!(!list.content.contains(&format!("<#{OTHER}>")), "{list:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_message_content_intent_a_moderator_is_told_plainly() {
    let bot = start_with(|c| c.discord.message_content = Some(false)).await;
    let answer = settings(&bot, &["channels", "add"], channel_option(OTHER)).await;
    assert!(answer.content.contains("Message Content"), "{answer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_cannot_manage_the_server_is_refused_by_the_bot_itself() {
    let bot = start_with(|_| {}).await;
    let registered = bot
        .discord
        .registered("settings")
        .expect("/settings is registered");
    assert_eq!(
        registered["default_member_permissions"],
        json!(MANAGE_GUILD.to_string())
    );
    // Discord lets a server's admins give the command to anyone: the bot checks again.
    let plain = member_with(USER, MEMBER_PERMISSIONS & !MANAGE_GUILD & !ADMINISTRATOR);
    let on = json!([{"name": "on", "type": 5, "value": true}]);
    let answer = settings_as(&bot, &["threads"], on.clone(), plain).await;
    assert!(answer.ephemeral);
    assert!(
        answer.content.contains("Only members who can manage"),
        "{answer:?}"
    );
    assert!(
        bot.store.server(&group()).await.unwrap().is_none(),
        "nothing was written"
    );
    // An administrator may, whatever else they lack.
    let admin = member_with(USER, ADMINISTRATOR);
    let answer = settings_as(&bot, &["threads"], on, admin).await;
    assert!(answer.content.contains("thread of its own"), "{answer:?}");
    assert!(bot.engine.server(&group()).await.threads);
}

/// A moderator turns a thread per video on.
async fn threads_on(bot: &Running) {
    let on = json!([{"name": "on", "type": 5, "value": true}]);
    settings(bot, &["threads"], on).await;
}

/// A song with words, dropped in CHANNEL (where the bot listens); the message's id.
fn drop_song(bot: &Running, song: &str, words: &str) -> u64 {
    let att = hosted_mp3(&bot.discord, song);
    bot.discord
        .message(words, json!([att]), CHANNEL, USER, true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_threads_on_a_song_gets_a_thread_and_its_link_lands_there() {
    let bot = start_with(|c| c.discord.channels = vec![CHANNEL]).await;
    threads_on(&bot).await;
    let source = drop_song(&bot, "Summer_Nights.mp3", "dreamy synthwave");
    let thread = source; // Discord: a thread started from a message has that message's id.
    bot.discord
        .wait_for(thread, "with the MP4 in the thread", |m| {
            m.content.contains(".mp4")
        })
        .await;
    let threads = bot.discord.threads();
    assert_eq!(threads.len(), 1, "{threads:?}");
    assert_eq!((threads[0].parent, threads[0].message), (CHANNEL, source));
    assert_eq!(threads[0].name, "Summer Nights");
    let in_channel = bot.discord.messages(CHANNEL);
    assert!(
        in_channel.iter().all(|m| !m.content.contains(".mp4")),
        "the channel stays readable: {in_channel:?}"
    );
    // Words in the thread go to its project without a mention.
    let turns = bot.nemo.requests_to("/run_sse").len();
    bot.discord
        .message("make it slower", json!([]), thread, USER, true);
    let more = || async { bot.nemo.requests_to("/run_sse").len() > turns };
    wait_until(
        "a turn from words in the thread",
        Duration::from_secs(20),
        more,
    )
    .await;
    assert_eq!(
        bot.discord.threads().len(),
        1,
        "no thread inside the thread"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_discord_refuses_a_thread_the_video_is_made_in_the_channel() {
    let bot = start_with(|c| c.discord.channels = vec![CHANNEL]).await;
    threads_on(&bot).await;
    bot.discord.deny(CHANNEL, CREATE_PUBLIC_THREADS);
    drop_song(&bot, "song.mp3", "dreamy synthwave");
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    assert!(bot.discord.threads().is_empty());
    let shown = everything(&bot);
    assert!(!shown.contains("went wrong"), "nothing alarming: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_threads_on_musicvideo_answers_in_a_thread_on_its_response() {
    let bot = start_with(|_| {}).await;
    threads_on(&bot).await;
    let att = hosted_mp3(&bot.discord, "Night_Drive.mp3");
    let id = att["id"].as_str().unwrap().to_string();
    let options = json!({
        "options": [{"name": "audio", "type": 11, "value": id}],
        "resolved": {"attachments": {id: att}},
    });
    let token = bot.discord.slash("musicvideo", options, CHANNEL, USER);
    let pointer = bot.discord.wait_answered(&token).await;
    assert!(pointer.content.contains("thread"), "{pointer:?}");
    bot.discord
        .wait_for(pointer.id, "with the MP4 in the thread", |m| {
            m.content.contains(".mp4")
        })
        .await;
    let threads = bot.discord.threads();
    assert_eq!(threads.len(), 1, "{threads:?}");
    assert_eq!(
        (threads[0].id, threads[0].name.as_str()),
        (pointer.id, "Night Drive")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_keeps_the_bot_to_members_who_have_it() {
    const ROLE: u64 = 990_000_000_000_000_001;
    const STRANGER: u64 = USER + 7;
    let bot = start_with(|c| c.discord.channels = vec![CHANNEL]).await;
    let role = json!([{"name": "role", "type": 8, "value": ROLE.to_string()}]);
    let set = settings(&bot, &["role"], role).await;
    assert!(set.content.contains(&format!("<@&{ROLE}>")), "{set:?}");
    // Refused by the bot: a member without the role, by command and by message.
    let plain = member_with(
        STRANGER,
        MEMBER_PERMISSIONS & !MANAGE_GUILD & !ADMINISTRATOR,
    );
    let token = bot
        .discord
        .slash_as("credits", json!({}), CHANNEL, plain.clone());
    let refused = bot.discord.wait_answered(&token).await;
    assert!(refused.ephemeral);
    assert!(refused.content.contains("only members with"), "{refused:?}");
    let att = hosted_mp3(&bot.discord, "nope.mp3");
    bot.discord
        .message("", json!([att]), CHANNEL, STRANGER, true);
    bot.discord
        .wait_for(CHANNEL, "with the refusal", |m| {
            m.content.contains("only members with")
        })
        .await;
    // And by button: Export and Edit on the member's project alike.
    let answer = answer_with_buttons(&bot).await;
    let scope = format!("channel:{CHANNEL}");
    let edit = edit_id(&EditId::Button(scope.clone()));
    for id in [button_id(Suggestion::Export, &scope), edit] {
        bot.discord
            .click_by(Some(GUILD_ID), &id, &answer, plain.clone());
    }
    let refusals = || async {
        let all = bot.discord.all_messages();
        let refused = all
            .iter()
            .filter(|m| m.ephemeral && m.content.contains("only members with"));
        refused.count() >= 3
    };
    wait_until("both buttons refused", Duration::from_secs(20), refusals).await;
    // With the role, the same command is answered.
    bot.discord.give_role(STRANGER, ROLE);
    let token = bot.discord.slash_as("credits", json!({}), CHANNEL, plain);
    let answered = bot.discord.wait_answered(&token).await;
    assert!(
        !answered.content.contains("only members with"),
        "{answered:?}"
    );
    assert!(!everything(&bot).contains("Uploaded nope.mp3"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_survive_a_restart_and_show_as_a_card_within_the_operators_ceiling() {
    let mut bot = start_with(|_| {}).await;
    // poise sends a choice parameter as an integer option: the index of the choice.
    let language = json!([{"name": "language", "type": 4, "value": 1}]);
    settings(&bot, &["language"], language).await;
    let quota = json!([
        {"name": "turns_per_hour", "type": 4, "value": 5},
        {"name": "exports_per_member", "type": 4, "value": 9},
    ]);
    let answer = settings(&bot, &["quota"], quota).await;
    let ceiling = bot.config.limits.exports_per_user;
    assert!(
        answer.content.contains("5 turns per member per hour"),
        "{answer:?}"
    );
    assert!(answer
        .content
        .contains(&format!("{ceiling} running exports per member")));
    assert!(answer.content.contains("capped"), "{answer:?}");
    bot.restart().await;
    let card = settings(&bot, &["show"], json!([])).await;
    let shown = card.shown();
    assert!(shown.contains("简体中文"), "{shown}");
    assert!(shown.contains("5 turns per member per hour"), "{shown}");
    // The server's language answers a message that carries none, even in English words.
    bot.discord.message(
        &format!("<@{}> credits", common::fake_discord::APP_ID),
        json!([]),
        CHANNEL,
        USER,
        true,
    );
    bot.discord
        .wait_for(CHANNEL, "with the credits in Chinese", |m| {
            m.shown().contains("积分")
        })
        .await;
}

/// The grace period the forgetting tests run with.
const GRACE_SECS: u64 = 1;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_server_is_forgotten_after_the_grace_period_and_an_outage_forgets_nothing() {
    let bot = start_with(|c| {
        c.discord.channels = vec![CHANNEL];
        c.store.forget_servers_after_secs = GRACE_SECS;
    })
    .await;
    settings(
        &bot,
        &["threads"],
        json!([{"name": "on", "type": 5, "value": false}]),
    )
    .await;
    drop_song(&bot, "song.mp3", "dreamy synthwave");
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let scope = format!("channel:{CHANNEL}");
    assert!(bot.store.session(&scope).await.unwrap().is_some());
    // Two other servers: one removes the bot and adds it back, one removes it for good.
    let (back, gone) = (GUILD_ID + (1 << 22), GUILD_ID + (2 << 22));
    for guild in [back, gone] {
        let group = format!("guild:{guild}");
        let change = bot.engine.change_server(&group, |s| s.threads = true);
        change.await.unwrap();
    }
    bot.discord.outage(GUILD_ID);
    bot.discord.remove_bot(back);
    bot.discord.add_bot(back);
    bot.discord.remove_bot(gone);
    // Events are handled in order and every grace is the same: once `gone` is forgotten, an
    // outage or a server that came back would have been too, had they been scheduled.
    let store = &bot.store;
    let forgotten = |g: u64| async move {
        let record = store.server(&format!("guild:{g}")).await.unwrap();
        record.is_none()
    };
    wait_until(
        "the removed server forgotten",
        Duration::from_secs(20),
        || forgotten(gone),
    )
    .await;
    assert!(
        !forgotten(back).await,
        "a server that added the bot back keeps its settings"
    );
    assert!(!forgotten(GUILD_ID).await, "an outage deletes nothing");
    assert!(bot.store.session(&scope).await.unwrap().is_some());
    // Removed for good: its settings and its channels' projects go.
    bot.discord.remove_bot(GUILD_ID);
    wait_until("the test server forgotten", Duration::from_secs(20), || {
        forgotten(GUILD_ID)
    })
    .await;
    assert!(
        bot.store.session(&scope).await.unwrap().is_none(),
        "its project went too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setting_changed_in_one_process_is_obeyed_by_another_over_postgres() {
    let test = "a_setting_changed_in_one_process_is_obeyed_by_another_over_postgres";
    let Some(scratch) = ScratchSchema::from_env(test).await.unwrap() else {
        return;
    };
    let open = || music_video_bot::store::Store::open_postgres(&scratch.url);
    let intent = |c: &mut music_video_bot::config::Config| c.discord.message_content = Some(true);
    let first = boot_on(
        FakeDiscord::start().await,
        Some(open().await.unwrap()),
        intent,
    )
    .await;
    let second = boot_on(
        FakeDiscord::start().await,
        Some(open().await.unwrap()),
        intent,
    )
    .await;
    first.discord.wait_ready(1).await;
    second.discord.wait_ready(1).await;
    // The second process has read the server's (empty) settings before the change.
    assert_eq!(second.engine.server(&group()).await.channels, None);
    settings(&first, &["channels", "add"], channel_option(OTHER)).await;
    // Within about a second (the cache asks the store what changed at most once a second).
    let obeyed = || async {
        let channels = second.engine.server(&group()).await.channels;
        channels.is_some_and(|c| c.contains(&OTHER))
    };
    wait_until(
        "the second process sees the change",
        Duration::from_secs(5),
        obeyed,
    )
    .await;
    let att = hosted_mp3(&second.discord, "shared.mp3");
    second.discord.message("", json!([att]), OTHER, USER, true);
    second
        .discord
        .wait_for(OTHER, "with the upload", |m| {
            m.content.contains("Uploaded shared.mp3")
        })
        .await;
    drop((first, second));
    scratch.finish().await.unwrap();
}
