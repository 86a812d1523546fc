//! Discord's interaction rules, end to end (the real serenity/poise client against the fake
//! Discord): a deferred response always ends edited, never "thinking…"; what is private stays
//! private although the first follow-up after a deferral is the deferred message itself, with
//! the deferral's visibility.

mod common;

use common::discord_bot::{answer_with_buttons, start, start_with, Running, CHANNEL, USER};
use common::fake_discord::{member, message_json, user_json, Msg, APP_ID};
use common::fake_nemo::Fault;
use serde_json::{json, Value};

/// A channel the bot listens in (files dropped there are read).
const LISTENING: u64 = CHANNEL + 7;
/// A DM channel between the member and the bot.
const DM: u64 = 650_000_000_000_000_001;

/// The custom id of the button labelled `label` on `message`.
fn button(message: &Msg, label: &str) -> String {
    let buttons = message.components[0]["components"].as_array().unwrap();
    let found = buttons.iter().find(|b| b["label"] == label);
    found.expect(label)["custom_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A small MP3 on the fake CDN, as an attachment object.
fn hosted_mp3(bot: &Running, name: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(common::harness::mp3(dir.path(), name)).unwrap();
    let url = bot.discord.host_file(name, bytes.clone());
    bot.discord.attachment(name, bytes.len() as u64, &url)
}

/// Messages (in any channel, ephemeral or not) showing NemoVideo's registration link.
fn registration_links(bot: &Running) -> Vec<Msg> {
    let all = bot.discord.all_messages();
    all.into_iter()
        .filter(|m| m.shown().contains("?bind="))
        .collect()
}

/// Waits until `n` messages show the registration link.
async fn wait_links(bot: &Running, n: usize, path: &str) {
    for _ in 0..600 {
        if registration_links(bot).len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "{path}: no registration link; messages: {:#?}",
        bot.discord
            .all_messages()
            .iter()
            .map(Msg::shown)
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_deferred_command_ends_with_its_deferred_message_edited() {
    let bot = start().await;
    answer_with_buttons(&bot).await;
    let chinese = |command: &str, channel: u64| {
        let options = json!({"options": []});
        bot.discord
            .slash_in(command, options, channel, member(USER), "zh-CN")
    };
    // An answer in the channel: the deferred message points to it, in the member's language.
    let status = bot.discord.wait_answered(&chinese("status", CHANNEL)).await;
    assert_eq!(status.content, "完成了，回答在下面。");
    // The engine refusing (no project in that channel) is an answer too.
    let refused = chinese("status", CHANNEL + 1);
    bot.discord.wait_answered(&refused).await;
    for command in ["export", "reset"] {
        let token = bot
            .discord
            .slash(command, json!({"options": []}), CHANNEL, USER);
        bot.discord.wait_answered(&token).await;
    }
    let form = format!("mvb:edited:channel:{CHANNEL}");
    let token = bot
        .discord
        .submit_form(&form, "what", "warmer colours", CHANNEL, USER);
    bot.discord.wait_answered(&token).await;
    assert_eq!(bot.discord.thinking(), Vec::<String>::new());
    assert_eq!(bot.discord.refused_callbacks(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registration_link_is_never_public_in_a_server_channel() {
    let bot = start_with(|c| c.discord.channels = vec![LISTENING]).await;
    let answer = answer_with_buttons(&bot).await;
    // The member's anonymous account has run out: every turn now ends with the link.
    bot.nemo.set_credits(10, 0);
    let mut expected = 0;
    let mut next = |path: &'static str| {
        expected += 1;
        (expected, path)
    };

    let (n, path) = next("slash command");
    let prompt = json!({"options": [{"name": "prompt", "type": 3, "value": "again"}]});
    bot.discord.slash("musicvideo", prompt, CHANNEL, USER);
    wait_links(&bot, n, path).await;

    let (n, path) = next("Edit form");
    let form = format!("mvb:edited:channel:{CHANNEL}");
    let token = bot
        .discord
        .submit_form(&form, "what", "warmer", CHANNEL, USER);
    wait_links(&bot, n, path).await;
    bot.discord.wait_answered(&token).await;

    let (n, path) = next("message menu");
    let target = 555_000_000_000_000_001u64;
    let song = hosted_mp3(&bot, "menu.mp3");
    let message = message_json(
        target,
        CHANNEL,
        user_json(USER, false),
        "synthwave",
        json!([song]),
        json!([]),
    );
    let resolved = json!({"messages": {target.to_string(): message}});
    let options = json!({"type": 3, "target_id": target.to_string(), "resolved": resolved});
    bot.discord
        .slash("Make music video", options, CHANNEL, USER);
    wait_links(&bot, n, path).await;

    let (n, path) = next("dropped file");
    let song = hosted_mp3(&bot, "dropped.mp3");
    bot.discord
        .message("neon city", json!([song]), LISTENING, USER, true);
    wait_links(&bot, n, path).await;

    let (n, path) = next("mention");
    let words = format!("<@{APP_ID}> brighter please");
    bot.discord.message(&words, json!([]), CHANNEL, USER, true);
    wait_links(&bot, n, path).await;

    let (n, path) = next("DM");
    bot.discord
        .message("make a video", json!([]), DM, USER, false);
    wait_links(&bot, n, path).await;

    let (n, path) = next("Export button");
    let credits_gone = Fault::Code {
        http: 200,
        code: 2001,
        message: "insufficient credits".into(),
    };
    bot.nemo.fail_next("/api/render", credits_gone);
    bot.discord
        .click(&button(&answer, "Export MP4"), &answer, USER);
    wait_links(&bot, n, path).await;

    let public: Vec<String> = bot
        .discord
        .public_in_guilds()
        .iter()
        .map(Msg::shown)
        .filter(|shown| shown.contains("?bind="))
        .collect();
    assert_eq!(public, Vec::<String>::new(), "registration links in public");
    assert_eq!(bot.discord.thinking(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_on_a_message_without_audio_answers_privately() {
    let bot = start().await;
    let target = 555_000_000_000_000_002u64;
    let words = message_json(
        target,
        CHANNEL,
        user_json(USER + 5, false),
        "hi",
        json!([]),
        json!([]),
    );
    let resolved = json!({"messages": {target.to_string(): words}});
    let options = json!({"type": 3, "target_id": target.to_string(), "resolved": resolved});
    let token = bot
        .discord
        .slash("Make music video", options, CHANNEL, USER);
    let answer = bot.discord.wait_answered(&token).await;
    assert_eq!(answer.content, "That message has no audio attached.");
    assert!(answer.ephemeral, "only the member sees it: {answer:?}");
    assert!(bot.discord.public_in_guilds().is_empty());
}

/// The fake itself, through raw HTTP: the rules above as Discord documents them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_discord_holds_to_discords_interaction_rules() {
    let discord = common::fake_discord::FakeDiscord::start().await;
    let http = reqwest::Client::new();
    let api = format!("{}/api/v10", discord.base_url());
    let post = |path: String, body: Value| {
        let request = http.post(format!("{api}{path}")).json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    // A public deferral: the first follow-up is the deferred message, public whatever it asks.
    let token = discord.slash("status", json!({}), CHANNEL, USER);
    let deferred = post(
        format!("/interactions/1/{token}/callback"),
        json!({"type": 5}),
    )
    .await;
    assert_eq!(deferred.0, 204);
    assert_eq!(discord.thinking(), std::slice::from_ref(&token));
    let private = json!({"content": "secret", "flags": 64});
    post(format!("/webhooks/{APP_ID}/{token}"), private.clone()).await;
    assert!(discord.thinking().is_empty());
    let first = discord.wait_answered(&token).await;
    assert_eq!((first.content.as_str(), first.ephemeral), ("secret", false));
    // Once it is edited, a follow-up is a new message, with its own flag.
    post(format!("/webhooks/{APP_ID}/{token}"), private).await;
    let all = discord.all_messages();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().any(|m| m.id != first.id && m.ephemeral));

    // An autocomplete choice's value over 100 characters: the whole answer is refused.
    let token = discord.autocomplete("musicvideo", "prompt", "", CHANNEL, USER);
    let long = "x".repeat(101);
    let choices = json!({"type": 8, "data": {"choices": [{"name": "x", "value": long}]}});
    let refused = post(format!("/interactions/1/{token}/callback"), choices).await;
    assert_eq!((refused.0, &refused.1["code"]), (400, &json!(50035)));
    // A modal of 6 rows likewise.
    let token = discord.slash("status", json!({}), CHANNEL, USER);
    let row =
        json!({"type": 1, "components": [{"type": 4, "custom_id": "f", "style": 1, "label": "l"}]});
    let modal =
        json!({"type": 9, "data": {"custom_id": "m", "title": "t", "components": vec![row; 6]}});
    let refused = post(format!("/interactions/1/{token}/callback"), modal).await;
    assert_eq!((refused.0, &refused.1["code"]), (400, &json!(50035)));
    assert_eq!(discord.refused_callbacks().len(), 2);
}
