//! The member's language end to end: the interaction's locale first, then the scope's session
//! language for plain messages that carry none, else English.

mod common;

use common::fake_nemo::{Body, FakeNemo};
use common::harness::{actor, say, Bot};
use common::recorder::Recorder;
use music_video_bot::engine::{Actor, Request};
use music_video_bot::i18n::Lang;
use music_video_bot::tr;
use std::sync::Arc;

fn speaking(user: &str, channel: &str, lang: &str) -> Actor {
    Actor {
        lang: lang.into(),
        ..actor(user, channel)
    }
}

/// The languages NemoVideo's sessions were created with, in order.
fn session_languages(fake: &FakeNemo) -> Vec<String> {
    fake.requests_to("/api/tasks/me/with-session/nemo_agent")
        .into_iter()
        .filter_map(|r| match r.body {
            Body::Json(v) => v["language"].as_str().map(str::to_string),
            _ => None,
        })
        .collect()
}

/// What `who` sees for a first turn, credits, status and an export (with its progress and
/// finished link).
async fn a_whole_project(bot: &Bot, who: &Actor) -> Arc<Recorder> {
    bot.engine
        .handle(who, say("make a video"), Recorder::new())
        .await;
    let rec = Recorder::new();
    for request in [Request::Credits, Request::Status, Request::Export] {
        bot.engine.handle(who, request, rec.clone()).await;
    }
    bot.engine.idle().await;
    assert_eq!(rec.links().len(), 1, "{}", rec.transcript());
    rec
}

#[tokio::test]
async fn a_chinese_interaction_gets_chinese_answers_and_an_english_one_english() {
    for (tag, lang, credits, status, progress, foreign) in [
        (
            "zh-CN",
            Lang::ZhCn,
            "💳 积分\n▰▰▰▰▰▰▰▰▰▰ 可用 100%\n可用：50",
            "1. 🎬 视频 · AI visuals · 0-10 秒",
            "🎬 正在渲染你的音乐视频\n▰",
            "Credits",
        ),
        (
            "en-US",
            Lang::En,
            "💳 Credits\n▰▰▰▰▰▰▰▰▰▰ 100% available\nAvailable: 50",
            "1. 🎬 Video · AI visuals · 0-10s",
            "🎬 Rendering your music video\n▰",
            "积分",
        ),
    ] {
        let fake = FakeNemo::start().await;
        fake.set_render_polls(3);
        let bot = Bot::start(&fake);
        let rec = a_whole_project(&bot, &speaking("amy", "c", tag)).await;
        let said = rec.transcript();
        assert!(said.contains(credits), "{tag}: {said}");
        assert!(said.contains(status), "{tag}: {said}");
        assert!(!said.contains(foreign), "{tag}: {said}");
        assert!(
            rec.statuses().iter().any(|s| s.starts_with(progress)),
            "{tag}: {:?}",
            rec.statuses()
        );
        assert_eq!(rec.links()[0].text, tr!(lang, "export-done"), "{tag}");
        let card = rec.links()[0]
            .card
            .clone()
            .expect("the finished video's card");
        let names: Vec<&str> = card.fields.iter().map(|f| f.name.as_str()).collect();
        let want = [
            tr!(lang, "card-video-length"),
            tr!(lang, "card-video-resolution"),
        ];
        assert_eq!(names[..2], want, "{tag}");
        assert_eq!(session_languages(&fake), [tag], "{tag}");
    }
}

#[tokio::test]
async fn a_plain_message_is_answered_in_the_sessions_language() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let first = speaking("amy", "c", "zh-CN");
    bot.engine
        .handle(&first, say("make a video"), Recorder::new())
        .await;
    // A plain message carries no locale: the project's language answers.
    let rec = Recorder::new();
    let plain = speaking("bob", "c", "");
    bot.engine.handle(&plain, say("credits"), rec.clone()).await;
    // Bob's own account, untouched: its 100 credits, in the project's language.
    assert!(
        rec.transcript().contains("可用：100"),
        "{}",
        rec.transcript()
    );
    // Where there is no project yet, English, and the new project is English.
    let rec = Recorder::new();
    let elsewhere = speaking("bob", "d", "");
    bot.engine
        .handle(&elsewhere, say("status"), rec.clone())
        .await;
    assert_eq!(rec.messages(), [tr!(Lang::En, "no-session")]);
    bot.engine
        .handle(&elsewhere, say("make a video"), Recorder::new())
        .await;
    assert_eq!(session_languages(&fake), ["zh-CN", "en"]);
}
