//! The fronts speak the member's language: slash commands named and described in English and
//! Simplified Chinese within Discord's rules (and registered so), a `zh-CN` interaction answered
//! in Chinese and an `en-US` one in English, the console's `--lang`.

mod common;

use common::discord_bot::{start, wait_call, Running, CHANNEL, USER};
use common::fake_discord::{commands::problems, member};
use music_video_bot::discord::commands;
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
        for option in command["options"].as_array().into_iter().flatten() {
            let option_name = &option["name"];
            assert!(option["description"].is_string(), "{name} {option_name}");
            assert!(
                option["name_localizations"]["zh-CN"].is_string(),
                "{name} {option_name}"
            );
            let zh = &option["description_localizations"]["zh-CN"];
            assert!(zh.is_string(), "{name} {option_name}");
        }
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
