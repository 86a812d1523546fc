//! Cards on Discord, through the fake Discord (which refuses, as Discord does, content and
//! embeds over its limits): a 40-track timeline reaches the channel as one embed within every
//! limit, shortened in the card's language; render progress is one message edited; the
//! finished video's card comes with its button and MP4, once.

mod common;

use common::discord_bot::{channel_front, rest_client};
use common::fake_discord::{member, shown, FakeDiscord, Msg, APP_ID};
use music_video_bot::discord::front::{ChannelFront, InteractionToken};
use music_video_bot::engine::cards::{self, bar, Card, Tone};
use music_video_bot::engine::front::{Front, Link, LinkKind};
use music_video_bot::i18n::Lang;
use music_video_bot::tr;
use poise::serenity_prelude as serenity;
use serde_json::{json, Value};
use std::time::Duration;

const CHANNEL: u64 = 800_000_000_000_000_001;
const USER: u64 = 700_000_000_000_000_001;

fn front(discord: &FakeDiscord, edit_interval: Duration) -> ChannelFront {
    channel_front(discord, CHANNEL, edit_interval)
}

/// A timeline of 40 tracks with long names, some Chinese, some with emoji.
fn timeline(lang: Lang) -> Card {
    let lines = (1..=40)
        .map(|i| {
            let name = match i % 3 {
                0 => format!("夜空中最亮的星（现场版）{}", "音乐".repeat(40)),
                1 => format!("🎵 Track {i} — {}", "a very long song name ".repeat(6)),
                _ => format!("clip-{i}.mp4 {}", "x".repeat(150)),
            };
            format!("{i:02}. audio · {name} · 0:00–3:30 · 80%")
        })
        .collect();
    Card {
        lines,
        footer: Some("2 exports running".into()),
        ..Card::new(lang, Tone::Info, "Timeline".into())
    }
    .field("Media".into(), "song.mp3\nclip.mp4".into(), false)
    .field("Exports".into(), "job-1 (50%)".into(), true)
}

/// The one embed of a message.
fn the_embed(m: &Msg) -> &Value {
    let embeds = m.embeds.as_array().expect("embeds");
    assert_eq!(embeds.len(), 1, "{embeds:?}");
    &embeds[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_40_track_card_arrives_within_discords_limits_saying_what_it_left_out() {
    for (lang, chinese) in [(Lang::En, false), (Lang::ZhCn, true)] {
        let discord = FakeDiscord::start().await;
        let card = timeline(lang);
        front(&discord, Duration::ZERO).card(&card).await.unwrap();
        assert_eq!(discord.refused_messages(), Vec::<String>::new());
        let messages = discord.messages(CHANNEL);
        assert_eq!(messages.len(), 1);
        let embed = the_embed(&messages[0]);
        assert_eq!(embed["title"], "Timeline");
        assert_eq!(embed["fields"].as_array().unwrap().len(), 2);
        let lines: Vec<&str> = embed["description"].as_str().unwrap().lines().collect();
        let (more, shown) = lines.split_last().unwrap();
        // The lines shown are the first ones, whole; the last line counts the others.
        assert_eq!(shown, &card.lines[..shown.len()]);
        let left = card.lines.len() - shown.len();
        assert!(left > 0, "40 long lines do not fit in 4,096");
        assert_eq!(*more, tr!(lang, "card-more", count = left));
        let cjk = more.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
        assert_eq!(cjk, chinese, "{more}");
    }
}

/// The project card the engine builds for a 40-track draft with the longest names it keeps
/// (Chinese, emoji, Latin), 30 media and 3 exports: within every limit, every track shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_project_card_of_a_40_track_draft_fits_whole() {
    let tracks: Vec<Value> = (0..40)
        .map(|i| {
            let name = match i % 3 {
                0 => "夜空中最亮的星".repeat(20),
                1 => format!("🎵 {}", "a very long song name ".repeat(6)),
                _ => "x".repeat(200),
            };
            json!({"tt": i % 2, "sg": [{"st": i * 1000, "d": 3000, "v": 0.8, "m": {"title": name}}]})
        })
        .collect();
    let media: Vec<Value> = (0..30)
        .map(|i| json!({"filename": format!("{i}-{}.mp3", "歌".repeat(80)), "duration": 200}))
        .collect();
    let state =
        json!({"draft": {"t": tracks, "m": {"title": "t".repeat(300)}}, "video_infos": media});
    let discord = FakeDiscord::start().await;
    for lang in [Lang::En, Lang::ZhCn] {
        let card = cards::project(lang, &state, &[], &[]);
        assert_eq!(card.lines.len(), 40);
        front(&discord, Duration::ZERO).card(&card).await.unwrap();
    }
    assert_eq!(discord.refused_messages(), Vec::<String>::new());
    for m in discord.messages(CHANNEL) {
        let embed = the_embed(&m);
        let description = embed["description"].as_str().unwrap();
        assert_eq!(
            description.lines().count(),
            40,
            "every track: {description}"
        );
        assert!(embed["title"].as_str().unwrap().chars().count() <= 256);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_refuses_embeds_and_content_over_discords_limits() {
    let discord = FakeDiscord::start().await;
    let http = rest_client(&discord);
    let channel = serenity::ChannelId::new(CHANNEL);
    // Within serenity's own check (6,000 in all) but over Discord's title and field limits.
    let embed = serenity::CreateEmbed::new()
        .title("t".repeat(257))
        .fields((0..26).map(|i| (format!("f{i}"), "v".repeat(10), true)));
    let sent = channel
        .send_message(&http, serenity::CreateMessage::new().embed(embed))
        .await;
    let status = match sent {
        Err(serenity::Error::Http(e)) => e.status_code(),
        other => panic!("expected a 400, got {other:?}"),
    };
    assert_eq!(status, Some(serenity::StatusCode::BAD_REQUEST));
    // Over the total, and content over 2,000: sent as raw JSON, past serenity's checks.
    let url = format!("{}/api/v10/channels/{CHANNEL}/messages", discord.base_url());
    let quarter = json!({"description": "d".repeat(1600)});
    for body in [
        json!({"embeds": [quarter, quarter, quarter, quarter]}),
        json!({"content": "c".repeat(2001)}),
    ] {
        let answer = reqwest::Client::new()
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
        let error: Value = answer.json().await.unwrap();
        assert_eq!(error["code"], 50035, "{error}");
    }
    let refused = discord.refused_messages();
    for what in [
        "embeds.0.title",
        "embeds.0.fields",
        "Embed size exceeds",
        "content",
    ] {
        assert!(
            refused.iter().any(|r| r.contains(what)),
            "{what}: {refused:?}"
        );
    }
    assert!(discord.messages(CHANNEL).is_empty(), "nothing was created");
    // Within the limits, it is taken.
    let fine = json!({"content": "c".repeat(2000), "embeds": [{"description": "d".repeat(4096)}]});
    let answer = reqwest::Client::new().post(&url).json(&fine).send().await;
    assert_eq!(answer.unwrap().status(), 200);
}

fn progress(percent: u8) -> Card {
    Card {
        lines: vec![format!("{} {percent}%", bar(percent, 10))],
        ..Card::new(Lang::En, Tone::Working, "Rendering".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_cards_are_edited_into_one_status_message() {
    let discord = FakeDiscord::start().await;
    let front = front(&discord, Duration::from_millis(20));
    front.status("Uploading…").await.unwrap();
    for percent in [10, 50, 90] {
        front.progress(&progress(percent)).await.unwrap();
    }
    let messages = discord.messages(CHANNEL);
    assert_eq!(messages.len(), 1, "one status message");
    let m = &messages[0];
    assert_eq!(m.edits, 3);
    assert_eq!(m.content, "", "the card replaced the line");
    assert_eq!(the_embed(m)["description"], format!("{} 90%", bar(90, 10)));
    // And a line after the card replaces it again.
    front.status("Done").await.unwrap();
    let m = &discord.messages(CHANNEL)[0];
    assert_eq!((m.content.as_str(), &m.embeds), ("Done", &json!([])));
    assert_eq!(discord.refused_messages(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_goes_into_the_commands_response_while_its_token_lives() {
    let discord = FakeDiscord::start().await;
    // A command's token, as the fake issues it (no bot is listening).
    let token = discord.slash("export", json!({}), CHANNEL, USER);
    let front = front(&discord, Duration::from_millis(20))
        .with_interaction(InteractionToken::new(&token, Duration::from_secs(900)));
    for percent in [20, 60] {
        front.progress(&progress(percent)).await.unwrap();
    }
    let edits: Vec<_> = discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "PATCH")
        .collect();
    assert_eq!(edits.len(), 2, "{edits:#?}");
    let path = format!("/webhooks/{APP_ID}/{token}/messages/@original");
    assert!(edits.iter().all(|c| c.path == path), "{edits:?}");
    let last = &edits[1].body["embeds"][0];
    assert_eq!(last["description"], format!("{} 60%", bar(60, 10)));
    assert!(
        discord.messages(CHANNEL).is_empty(),
        "nothing in the channel"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_card_is_an_ephemeral_follow_up() {
    let discord = FakeDiscord::start().await;
    let token = discord.slash("credits", json!({}), CHANNEL, USER);
    let front = front(&discord, Duration::ZERO)
        .private_replies()
        .with_interaction(InteractionToken::new(&token, Duration::from_secs(900)));
    let card = Card::new(Lang::En, Tone::Info, "Credits".into()).field(
        "Available".into(),
        "50".into(),
        true,
    );
    front.card(&card).await.unwrap();
    let calls = discord.calls();
    let followup = calls
        .iter()
        .find(|c| c.method == "POST" && c.path == format!("/webhooks/{APP_ID}/{token}"))
        .expect("a follow-up");
    assert_eq!(followup.body["flags"], 64, "ephemeral");
    assert_eq!(followup.body["embeds"][0]["title"], "Credits");
    assert!(discord.messages(CHANNEL).is_empty(), "not in the channel");
    let paths: Vec<String> = calls
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert_eq!(paths.len(), 1, "only the follow-up, no DM: {paths:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_videos_card_comes_with_its_button_and_mp4_once() {
    let discord = FakeDiscord::start().await;
    let mp4 = vec![7u8; 4096];
    let url = discord.host_file("render.mp4", mp4);
    let front = front(&discord, Duration::ZERO).attaching_videos(1 << 20);
    let card = Card::new(Lang::En, Tone::Done, "Neon Nights".into())
        .field("Length".into(), "0:42".into(), true)
        .field("Resolution".into(), "1920×1080".into(), true);
    let link = Link {
        kind: LinkKind::Video,
        text: "Your video is ready.".into(),
        url: url.clone(),
        key: "job-1".into(),
        again: false,
        card: Some(card),
    };
    front.post_link(&link).await.unwrap();
    // Posted again (a crash before the job was forgotten): Discord drops it by its nonce.
    front
        .post_link(&Link {
            again: true,
            ..link
        })
        .await
        .unwrap();
    let messages = discord.messages(CHANNEL);
    assert_eq!(messages.len(), 1, "posted once");
    let m = &messages[0];
    assert_eq!(m.content, format!("<@{USER}> Your video is ready.\n{url}"));
    let embed = the_embed(m);
    assert_eq!(
        (&embed["title"], &embed["url"]),
        (&json!("Neon Nights"), &json!(url))
    );
    assert_eq!(embed["fields"][1]["value"], "1920×1080");
    assert_eq!(m.components[0]["components"][0]["url"], json!(url));
    let posts: Vec<_> = discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path == format!("/channels/{CHANNEL}/messages"))
        .collect();
    assert_eq!(
        posts[0].body["_files"],
        json!(["music-video.mp4"]),
        "the MP4 attached"
    );
    assert_eq!(discord.refused_messages(), Vec::<String>::new());
}

/// Every card (embed) the bot sent or edited in, as text, in the order it went out.
fn cards_sent(bot: &common::discord_bot::Running) -> Vec<String> {
    bot.discord
        .calls()
        .iter()
        .filter(|c| c.body["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        .map(|c| shown(&json!({"embeds": c.body["embeds"]})))
        .collect()
}

/// Through the real bot: `/musicvideo`, `/credits` and `/status` from a member whose Discord
/// speaks `zh-CN` give Chinese cards (progress, finished video, credits, project), and from
/// an `en-US` one English cards, all within Discord's limits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_speak_the_members_language_end_to_end() {
    let zh = [
        "🎬 正在渲染你的音乐视频\n▰",
        "Music video\n时长: 0:10\n分辨率: 1920×1080\n",
        "💳 积分\n▰▰▰▰▰▰▰▰▰▰ 可用 100%\n可用: 50\n",
        "\n1. 🎬 视频 · AI visuals · 0-10 秒\n",
    ];
    let en = [
        "🎬 Rendering your music video\n▰",
        "Music video\nLength: 0:10\nResolution: 1920×1080\n",
        "💳 Credits\n▰▰▰▰▰▰▰▰▰▰ 100% available\nAvailable: 50\n",
        "\n1. 🎬 Video · AI visuals · 0-10s\n",
    ];
    for (tag, want, foreign) in [("zh-CN", zh, "Rendering"), ("en-US", en, "渲染")] {
        let bot = common::discord_bot::start().await;
        bot.nemo.set_render_polls(3);
        let d = &bot.discord;
        let none = json!({"options": []});
        d.slash_in("musicvideo", none.clone(), CHANNEL, member(USER), tag);
        d.wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
            .await;
        d.slash_in("credits", none.clone(), CHANNEL, member(USER), tag);
        common::discord_bot::wait_call(&bot, "with the credits card", |c| {
            shown(&c.body).contains("💳")
        })
        .await;
        d.slash_in("status", none, CHANNEL, member(USER), tag);
        common::discord_bot::wait_call(&bot, "with the project card", |c| {
            shown(&c.body).contains("🎞")
        })
        .await;
        let cards = cards_sent(&bot);
        for (i, part) in want.iter().enumerate() {
            assert!(
                cards.iter().any(|c| c.contains(part)),
                "{tag}: card {i} ({part:?}) not among {cards:#?}"
            );
        }
        assert!(
            cards.iter().all(|c| !c.contains(foreign)),
            "{tag}: {cards:#?}"
        );
        assert!(
            d.refused_messages().is_empty(),
            "{:?}",
            d.refused_messages()
        );
    }
}
