//! Channels where the bot may not post (the fake refuses as Discord does: 403, 50013) and link
//! buttons Discord would refuse (URL over 512 characters): the member still gets every answer
//! and the video link — through the interaction, by DM once its token is gone, as text where
//! cards are refused — and is told once what is missing.

mod common;

use common::discord_bot::{channel_front, rest_client, start, Running, USER};
use common::fake_discord::permissions::{EMBED_LINKS, SEND_MESSAGES};
use common::fake_discord::{dm_channel, FakeDiscord, Msg, APP_ID};
use music_video_bot::engine::front::{Front, FrontError, Link, LinkKind};
use poise::serenity_prelude as serenity;
use serde_json::{json, Value};
use serenity::builder::Builder;
use std::time::Duration;

/// A channel where the tests take permissions away.
const CLOSED: u64 = 800_000_000_000_000_077;
/// Where the fake keeps interaction responses and follow-ups.
const WEBHOOK: u64 = 0;

/// A small, real-looking MP3 hosted on the fake CDN, as an attachment object.
fn hosted_mp3(discord: &FakeDiscord) -> Value {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    for _ in 0..500 {
        bytes.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0]);
    }
    let url = discord.host_file("song.mp3", bytes.clone());
    discord.attachment("song.mp3", bytes.len() as u64, &url)
}

/// `/musicvideo audio:` with `att`, in `channel`.
fn musicvideo_with(bot: &Running, att: Value, channel: u64) {
    let id = att["id"].as_str().unwrap().to_string();
    let options = json!({
        "options": [{"name": "audio", "type": 11, "value": id}],
        "resolved": {"attachments": {id: att}},
    });
    bot.discord.slash("musicvideo", options, channel, USER);
}

/// The messages of `channel` whose text contains `needle`.
fn saying(discord: &FakeDiscord, channel: u64, needle: &str) -> Vec<Msg> {
    let all = discord.messages(channel);
    all.into_iter()
        .filter(|m| m.shown().contains(needle))
        .collect()
}

fn is_link(m: &Msg) -> bool {
    m.content.contains(".mp4")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_refuses_as_discord_does() {
    let discord = FakeDiscord::start().await;
    discord.deny(CLOSED, EMBED_LINKS);
    let http = rest_client(&discord);
    let channel = serenity::ChannelId::new(CLOSED);
    let card = || serenity::CreateEmbed::new().title("A card");
    let code = |r: Result<serenity::Message, serenity::Error>| match r {
        Ok(_) => None,
        Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(e))) => {
            Some((e.status_code.as_u16(), e.error.code))
        }
        Err(e) => panic!("{e}"),
    };
    let text = serenity::CreateMessage::new().content("text");
    assert_eq!(code(channel.send_message(&http, text.clone()).await), None);
    let with_card = serenity::CreateMessage::new().embed(card());
    let refused = code(channel.send_message(&http, with_card).await);
    assert_eq!(refused, Some((403, 50013)), "a card without Embed Links");
    discord.deny(CLOSED, SEND_MESSAGES);
    let refused = code(channel.send_message(&http, text).await);
    assert_eq!(refused, Some((403, 50013)), "text without Send Messages");
    // The interaction's webhook is not the channel's: it keeps working there.
    let token = discord.slash("credits", json!({}), CLOSED, USER);
    let followup = serenity::CreateInteractionResponseFollowup::new().embed(card());
    followup.execute(&http, (None, &token)).await.unwrap();
    // A link button's URL: at most 512 characters.
    let url = |len: usize| format!("https://example.com/{}", "a".repeat(len - 20));
    let button = |len| {
        let b = serenity::CreateButton::new_link(url(len)).label("Open");
        serenity::CreateMessage::new()
            .content("a link")
            .components(vec![serenity::CreateActionRow::Buttons(vec![b])])
    };
    let open = serenity::ChannelId::new(CLOSED + 1);
    assert_eq!(code(open.send_message(&http, button(512)).await), None);
    let refused = code(open.send_message(&http, button(513)).await);
    assert_eq!(refused, Some((400, 50035)), "a button URL of 513");
    assert_eq!(discord.refused_permissions().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn musicvideo_where_the_bot_may_not_post_answers_through_the_interaction() {
    let bot = start().await;
    bot.discord.deny(CLOSED, SEND_MESSAGES);
    let att = hosted_mp3(&bot.discord);
    musicvideo_with(&bot, att, CLOSED);
    let link = bot.discord.wait_for(WEBHOOK, "with the MP4", is_link).await;
    assert!(
        link.content.contains(&format!("<@{USER}>")),
        "{}",
        link.content
    );
    let d = &bot.discord;
    assert_eq!(saying(d, WEBHOOK, "Send Messages").len(), 1, "told once");
    assert_eq!(
        saying(d, WEBHOOK, "Here is your draft").len(),
        1,
        "first contact went on, and the answer came"
    );
    assert!(d.messages(CLOSED).is_empty());
    let tried: Vec<Value> = d
        .calls()
        .into_iter()
        .filter(|c| c.path.starts_with(&format!("/channels/{CLOSED}")))
        .map(|c| c.body)
        .collect();
    assert_eq!(
        tried,
        Vec::<Value>::new(),
        "app_permissions said it: the channel was never tried"
    );
    assert_eq!(d.refused_messages(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_the_token_is_gone_the_link_goes_by_dm() {
    let bot = start().await;
    bot.discord.deny(CLOSED, SEND_MESSAGES);
    bot.discord.set_token_ttl(Duration::from_millis(150));
    bot.nemo.set_render_polls(12);
    bot.discord
        .slash("musicvideo", json!({"options": []}), CLOSED, USER);
    let dm = dm_channel(USER);
    bot.discord.wait_for(dm, "with the MP4", is_link).await;
    let told = saying(&bot.discord, dm, "Send Messages");
    assert_eq!(told.len(), 1, "told once in the DM");
    assert!(
        told[0].content.contains(&format!("<#{CLOSED}>")),
        "{}",
        told[0].content
    );
    assert!(bot.discord.messages(CLOSED).is_empty());
    assert_eq!(bot.discord.refused_permissions(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_where_the_bot_may_not_post_gets_its_link_by_dm() {
    let bot = start().await;
    bot.discord.deny(CLOSED, SEND_MESSAGES);
    let att = hosted_mp3(&bot.discord);
    let words = format!("<@{APP_ID}> make it dreamy");
    bot.discord
        .message(&words, json!([att]), CLOSED, USER, true);
    let dm = dm_channel(USER);
    bot.discord.wait_for(dm, "with the MP4", is_link).await;
    let told = saying(&bot.discord, dm, "Send Messages");
    assert_eq!(told.len(), 1, "told once");
    assert!(told[0].content.contains(&format!("<#{CLOSED}>")));
    assert_eq!(saying(&bot.discord, dm, "Here is your draft").len(), 1);
    assert!(bot.discord.messages(CLOSED).is_empty());
    // A message carries no app_permissions: the first refusal teaches it, once.
    assert_eq!(bot.discord.refused_permissions().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_embed_links_cards_come_as_text_and_the_link_arrives() {
    let bot = start().await;
    bot.discord.deny(CLOSED, EMBED_LINKS);
    let att = hosted_mp3(&bot.discord);
    let words = format!("<@{APP_ID}> make it dreamy");
    bot.discord
        .message(&words, json!([att]), CLOSED, USER, true);
    let link = bot.discord.wait_for(CLOSED, "with the MP4", is_link).await;
    assert_eq!(link.embeds, json!([]), "no card");
    assert_eq!(
        link.components[0]["components"][0]["style"], 5,
        "the button"
    );
    let told = saying(&bot.discord, CLOSED, "Embed Links");
    assert_eq!(told.len(), 1, "told once");
    let with_cards = bot.discord.messages(CLOSED);
    assert!(with_cards.iter().all(|m| m.embeds == json!([])));
    assert!(
        saying(&bot.discord, CLOSED, "Rendering").len() == 1,
        "the progress card, as text"
    );
    assert_eq!(bot.discord.refused_permissions().len(), 1, "learned once");
    assert_eq!(bot.discord.refused_messages(), Vec::<String>::new());
}

/// A finished video's link to `url`.
fn video(url: &str) -> Link {
    Link {
        kind: LinkKind::Video,
        text: "Your video is ready.".into(),
        url: url.into(),
        key: "job-1".into(),
        again: false,
        card: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_too_long_for_a_button_is_posted_in_the_text() {
    let discord = FakeDiscord::start().await;
    let front = channel_front(&discord, CLOSED, Duration::ZERO);
    let url = format!("https://cdn.example.com/{}.mp4", "a".repeat(600));
    front.post_link(&video(&url)).await.unwrap();
    let messages = discord.messages(CLOSED);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].content.contains(&url),
        "{}",
        messages[0].content
    );
    assert_eq!(messages[0].components, json!([]), "no button");
    assert_eq!(discord.refused_messages(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_nobody_can_be_sent_is_refused_for_good_after_one_try_each() {
    let discord = FakeDiscord::start().await;
    discord.deny(CLOSED, SEND_MESSAGES);
    discord.close_dms(USER);
    let front = channel_front(&discord, CLOSED, Duration::ZERO);
    let result = front
        .post_link(&video("https://cdn.example.com/v.mp4"))
        .await;
    assert!(matches!(result, Err(FrontError::Refused(_))), "{result:?}");
    let posts = |channel: u64| {
        let path = format!("/channels/{channel}/messages");
        let calls = discord.calls().into_iter();
        calls
            .filter(|c| c.method == "POST" && c.path == path)
            .count()
    };
    assert_eq!(posts(CLOSED), 1, "the channel, once");
    // The sentence saying why, then the link; the link alone is not tried a third time (a
    // 403 is no reason to drop the button).
    assert_eq!(
        posts(dm_channel(USER)),
        2,
        "the DM: the notice and the link"
    );
}
