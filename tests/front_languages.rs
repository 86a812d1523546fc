//! The fronts speak the member's language: slash commands named and described in English and
//! Simplified Chinese within Discord's rules (and registered so), a `zh-CN` interaction answered
//! in Chinese and an `en-US` one in English, the console's `--lang`; messages, which carry no
//! locale, in the language of the member's words; a resumed export in its own.

mod common;

use common::discord_bot::{start, wait_call, Running, CHANNEL, USER};
use common::fake_discord::{commands::problems, member, shown, APP_ID};
use music_video_bot::discord::{commands, ids::check_attachment};
use music_video_bot::i18n::Lang;
use music_video_bot::tr;
use serde_json::{json, Value};

/// The registration payload as Discord receives it.
fn payload() -> Vec<Value> {
    let all = commands::all();
    let registration = commands::registration(&all);
    registration
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect()
}

#[test]
fn every_command_and_option_has_both_languages_within_discords_rules() {
    let payload = payload();
    assert_eq!(payload.len(), commands::all().len());
    for command in &payload {
        let name = command["name"].as_str().unwrap();
        assert!(
            problems(command).is_empty(),
            "{name}: {:?}",
            problems(command)
        );
        let zh = &command["name_localizations"]["zh-CN"];
        assert!(zh.is_string() && zh.as_str() != Some(name), "{name}: {zh}");
        if command["type"] == json!(1) {
            assert!(command["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()));
            assert!(
                command["description_localizations"]["zh-CN"].is_string(),
                "{name}"
            );
        }
        every_option_in_both_languages(name, command);
    }
    // The English names are the code's (Discord sends them back, and poise dispatches on them).
    let musicvideo = payload.iter().find(|c| c["name"] == "musicvideo").unwrap();
    assert_eq!(musicvideo["name_localizations"]["zh-CN"], "音乐视频");
    let options: Vec<&Value> = musicvideo["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["name"])
        .collect();
    assert_eq!(options, [&json!("prompt"), &json!("audio"), &json!("url")]);
    let menu = payload.iter().find(|c| c["type"] == json!(3)).unwrap();
    assert_eq!(menu["name"], "Make music video");
    assert_eq!(menu["name_localizations"]["zh-CN"], "制作音乐视频");
}

/// Every option of `command`, and of its subcommands and groups (options of types 1 and 2, as
/// "Application Command Object" nests them), is described in English and named and described
/// in Chinese.
fn every_option_in_both_languages(path: &str, command: &Value) {
    for option in command["options"].as_array().into_iter().flatten() {
        let at = format!("{path} {}", option["name"]);
        assert!(option["description"].is_string(), "{at}");
        assert!(option["name_localizations"]["zh-CN"].is_string(), "{at}");
        let zh = &option["description_localizations"]["zh-CN"];
        assert!(zh.is_string(), "{at}");
        every_option_in_both_languages(&at, option);
    }
}

#[test]
fn the_fakes_command_rules_refuse_what_discord_refuses() {
    let slash = |name: &str, description: &str, localized: Value| json!({"type": 1, "name": name, "description": description, "name_localizations": localized});
    let long = "x".repeat(101);
    let rows = [
        (
            slash("musicvideo", "Make one", json!({"zh-CN": "音乐视频"})),
            true,
        ),
        (
            slash("music-video_2", "Make one", json!({"hi": "संगीत"})),
            true,
        ),
        (slash("MusicVideo", "Make one", json!({})), false),
        (slash("music video", "Make one", json!({})), false),
        (slash("musicvideo", "", json!({})), false),
        (slash("musicvideo", &long, json!({})), false),
        (
            slash("musicvideo", "Make one", json!({"zh-CN": "音乐 视频"})),
            false,
        ),
        (
            slash("musicvideo", "Make one", json!({"zh": "音乐视频"})),
            false,
        ),
        (slash(&"a".repeat(33), "Make one", json!({})), false),
        (json!({"type": 3, "name": "Make music video"}), true),
        (
            json!({"type": 3, "name": "Make music video", "description": "x"}),
            false,
        ),
        (
            json!({"type": 1, "name": "a", "description": "b",
                   "options": [{"type": 3, "name": "Prompt", "description": "c"}]}),
            false,
        ),
    ];
    for (command, ok) in rows {
        assert_eq!(problems(&command).is_empty(), ok, "{command}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_receives_the_commands_with_their_chinese_names() {
    let bot = start().await;
    let put = wait_call(&bot, "registering the commands", |c| {
        c.method == "PUT" && c.path.ends_with("/commands")
    })
    .await;
    let registered = put.body.as_array().expect("a list of commands");
    assert_eq!(registered, &payload());
    for command in registered {
        assert!(
            command["name_localizations"]["zh-CN"].is_string(),
            "{command}"
        );
    }
    let status = registered.iter().find(|c| c["name"] == "status").unwrap();
    assert_eq!(status["name_localizations"]["zh-CN"], "状态");
    assert!(status["description_localizations"]["zh-CN"].is_string());
    // A choice's label too (`/videos where:`).
    let videos = registered.iter().find(|c| c["name"] == "videos").unwrap();
    let choices = &videos["options"][0]["choices"];
    assert_eq!(
        choices[0]["name_localizations"]["zh-CN"], "所有地方",
        "{videos}"
    );
    assert_eq!(
        choices[1]["name_localizations"]["zh-CN"], "此处",
        "{videos}"
    );
}

/// The ephemeral answer to an interaction whose content contains `needle`.
async fn answer_containing(bot: &Running, needle: &str) -> String {
    let call = wait_call(bot, needle, |c| {
        c.path.starts_with("/interactions/")
            && c.body["data"]["content"]
                .as_str()
                .is_some_and(|t| t.contains(needle))
    })
    .await;
    assert_eq!(call.body["data"]["flags"], json!(64), "ephemeral");
    call.body["data"]["content"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zh_cn_member_is_answered_in_chinese_and_an_en_us_one_in_english() {
    let bot = start().await;
    let mut no_rights = member(USER);
    no_rights["permissions"] = json!("0");
    let none = json!({"options": []});
    let d = &bot.discord;
    d.slash_in("reset", none.clone(), CHANNEL, no_rights.clone(), "zh-CN");
    answer_containing(&bot, "只有能管理消息的成员才能重置").await;
    d.slash_in("reset", none.clone(), CHANNEL, no_rights, "en-US");
    answer_containing(&bot, "Only members who can manage messages").await;
    d.slash_in("help", none.clone(), CHANNEL, member(USER), "zh-CN");
    let zh = answer_containing(&bot, "右键点击带音频的消息").await;
    assert!(!zh.contains("Right-click"), "{zh}");
    d.slash_in("help", none, CHANNEL, member(USER), "en-US");
    let en = answer_containing(&bot, "Right-click a message with audio").await;
    assert!(!en.contains("右键"), "{en}");
}

/// A message mentioning the bot, in the test channel.
fn mention(bot: &Running, words: &str, attachments: Value) {
    let content = format!("<@{APP_ID}> {words}");
    bot.discord
        .message(&content, attachments, CHANNEL, USER, true);
}

/// Messages carry no locale (Discord's Message object has no `locale` field; interactions do):
/// a member who writes 状态 in an English project gets the project card in Chinese.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_saying_zhuangtai_gets_the_chinese_project_card() {
    let bot = start().await;
    mention(&bot, "make a video", json!([]));
    bot.discord
        .wait_for(CHANNEL, "with the draft", |m| {
            m.content.contains("Here is your draft")
        })
        .await;
    mention(&bot, "状态", json!([]));
    let card = bot
        .discord
        .wait_for(CHANNEL, "with the Chinese project card", |m| {
            m.shown().contains("1. 🎬 视频 · AI visuals · 0-10 秒")
        })
        .await;
    assert!(!card.shown().contains("Video ·"), "{}", card.shown());
    let session = bot.store.session(&format!("channel:{CHANNEL}")).await;
    let language = session.unwrap().expect("the project").language;
    assert_eq!(language, "en", "the project keeps its language");
}

/// A dropped file the bot cannot use is refused in the language of the member's words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_attachment_from_a_chinese_speaking_member_is_refused_in_chinese() {
    let bot = start().await;
    let url = bot.discord.host_file("notes.txt", b"la la la".to_vec());
    let att = bot.discord.attachment("notes.txt", 8, &url);
    mention(&bot, "用这个文件做一个音乐视频", json!([att]));
    let problem = check_attachment("notes.txt", 8).expect_err("a text file is refused");
    let refusal = problem.user_text(Lang::ZhCn);
    bot.discord
        .wait_for(CHANNEL, "with the Chinese refusal", |m| {
            m.content.contains(&refusal)
        })
        .await;
    let english = problem.user_text(Lang::En);
    let messages = bot.discord.messages(CHANNEL);
    assert!(messages.iter().all(|m| !m.content.contains(&english)));
}

/// The labels of a message's buttons.
fn button_labels(components: &Value) -> Vec<String> {
    let rows = components.as_array().into_iter().flatten();
    rows.flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["label"].as_str().map(str::to_string))
        .collect()
}

/// An export resumed by a new process posts its video with the job's language on its buttons.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_export_labels_its_button_in_the_jobs_language() {
    let mut bot = start().await;
    bot.nemo.set_render_polls(15);
    let none = json!({"options": []});
    bot.discord
        .slash_in("musicvideo", none, CHANNEL, member(USER), "zh-CN");
    wait_call(&bot, "with render progress", |c| {
        shown(&c.body).contains("正在渲染")
    })
    .await;
    bot.restart().await;
    let video = bot
        .discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let labels = button_labels(&video.components);
    let chinese = [
        tr!(Lang::ZhCn, "discord-button-download"),
        tr!(Lang::ZhCn, "discord-button-take"),
    ];
    assert_eq!(labels, chinese);
}
