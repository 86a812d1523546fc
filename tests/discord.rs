//! The Discord front end to end: the real serenity/poise client against a fake Discord (REST and
//! gateway on 127.0.0.1) and the fake Nemo server.

mod common;

use common::discord_bot::{callbacks, start, start_with, wait_call, Running, CHANNEL, USER};
use common::fake_discord::shown;
use common::wait::wait_until;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credits_are_shown_to_the_caller_only() {
    let bot = start().await;
    bot.discord
        .slash("credits", json!({"options": []}), CHANNEL, USER);
    // Deferred privately, the answer is that deferred response (edited), seen by the caller
    // only; the fake keeps interaction messages in pseudo-channel 0.
    let reply = bot
        .discord
        .wait_for(0, "with the balance", |m| m.shown().contains("💳 Credits"))
        .await;
    assert!(
        reply.shown().contains("💳 Credits") && reply.shown().contains("\nAvailable: 100\n"),
        "{reply:?}"
    );
    assert!(reply.ephemeral, "ephemeral");
    let callbacks = bot
        .discord
        .calls()
        .into_iter()
        .filter(|c| c.path.ends_with("/callback"))
        .collect::<Vec<_>>();
    assert_eq!(callbacks.len(), 1, "the command was acknowledged once");
    assert_eq!(callbacks[0].body["type"], json!(5), "deferred");
    assert!(bot.discord.messages(CHANNEL).is_empty(), "nothing public");
    assert_eq!(bot.nemo.requests_to("/api/credits").len(), 1);
}

/// A small, real-looking MP3.
fn mp3_bytes() -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    for _ in 0..500 {
        bytes.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0]);
    }
    bytes
}

/// The body of the first message sent to the agent.
fn first_prompt(bot: &Running) -> serde_json::Value {
    let sse = bot.nemo.requests_to("/run_sse");
    match &sse.first().expect("a message was sent").body {
        common::fake_nemo::Body::Json(v) => v.clone(),
        other => panic!("not JSON: {other:?}"),
    }
}

/// Hosts an MP3 on the fake CDN and returns its bytes and attachment object.
fn hosted_mp3(bot: &Running, name: &str) -> (Vec<u8>, serde_json::Value) {
    let bytes = mp3_bytes();
    let url = bot.discord.host_file(name, bytes.clone());
    let att = bot.discord.attachment(name, bytes.len() as u64, &url);
    (bytes, att)
}

/// The `audio:` option of `/musicvideo` carrying `att`.
fn audio_option(att: serde_json::Value) -> serde_json::Value {
    let id = att["id"].as_str().unwrap().to_string();
    json!({
        "options": [{"name": "audio", "type": 11, "value": id}],
        "resolved": {"attachments": {id: att}},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn musicvideo_with_an_attachment_posts_the_mp4_link() {
    let bot = start().await;
    let (bytes, att) = hosted_mp3(&bot, "song.mp3");
    bot.discord
        .slash("musicvideo", audio_option(att), CHANNEL, USER);
    let link = bot
        .discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    assert!(
        link.content.contains(&format!("<@{USER}>")),
        "mentions the asker: {}",
        link.content
    );
    assert_eq!(
        link.components[0]["components"][0]["url"]
            .as_str()
            .map(|u| u.ends_with(".mp4")),
        Some(true)
    );
    let uploads = bot.nemo.requests_to("/api/upload-video");
    let common::fake_nemo::Body::Multipart(parts) = &uploads[0].body else {
        panic!("not multipart")
    };
    assert!(
        parts[0].bytes == bytes,
        "the attachment reached NemoVideo intact"
    );
    let answer = bot
        .discord
        .wait_for(CHANNEL, "with the agent's answer", |m| {
            m.content.contains("Here is your draft")
        })
        .await;
    assert!(
        answer.content.contains("Say `export`"),
        "GUI words translated: {}",
        answer.content
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_mp3_with_words_in_a_dm_makes_a_video() {
    let bot = start().await;
    let (_, att) = hosted_mp3(&bot, "drop.mp3");
    let dm = 600_000_000_000_000_001;
    bot.discord
        .message("make it dreamy", json!([att]), dm, USER, false);
    bot.discord
        .wait_for(dm, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let v = first_prompt(&bot);
    assert_eq!(v["new_message"]["parts"][0]["text"], "make it dreamy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_words_and_status_in_a_dm() {
    let bot = start().await;
    let dm = 600_000_000_000_000_002;
    bot.discord.message("积分", json!([]), dm, USER, false);
    // A message carries no locale: the words are Chinese, so is the answer.
    bot.discord
        .wait_for(dm, "with credits", |m| m.shown().contains("可用: "))
        .await;
    bot.discord
        .message("生成一个音乐视频", json!([]), dm, USER, false);
    bot.discord
        .wait_for(dm, "with the answer", |m| {
            m.content.contains("Here is your draft")
        })
        .await;
    bot.discord.message("状态", json!([]), dm, USER, false);
    bot.discord
        .wait_for(dm, "with the timeline", |m| {
            m.shown().contains("\n1. 🎬 视频 · AI visuals · 0-10 秒\n")
        })
        .await;
    // Messages in a guild channel without a mention are not read: a DM sent after one is
    // answered, and by then the channel got nothing and NemoVideo was asked for credits only
    // for the DMs.
    bot.discord.message("积分", json!([]), CHANNEL, USER, true);
    bot.discord.message("积分", json!([]), dm, USER, false);
    let balances = || async {
        let dms = bot.discord.messages(dm).into_iter();
        dms.filter(|m| m.shown().contains("可用: ")).count() >= 2
    };
    wait_until("the later DM answered", Duration::from_secs(15), balances).await;
    assert!(bot.discord.messages(CHANNEL).is_empty());
    assert_eq!(bot.nemo.requests_to("/api/credits").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_answer_is_split_and_edits_are_throttled() {
    let bot = start().await;
    let words: Vec<String> = (0..900).map(|i| format!("w{i:03}")).collect();
    let mut steps = Vec::new();
    for chunk in words.chunks(30) {
        steps.push(common::fake_nemo::Step::Partial(format!(
            "{} ",
            chunk.join(" ")
        )));
        steps.push(common::fake_nemo::Step::Sleep(
            std::time::Duration::from_millis(20),
        ));
    }
    bot.nemo.push_turn(steps);
    bot.discord.slash(
        "musicvideo",
        json!({"options": [{"name": "prompt", "type": 3, "value": "talk a lot"}]}),
        CHANNEL,
        USER,
    );
    bot.discord
        .wait_for(CHANNEL, "with the last word", |m| {
            m.content.ends_with("w899")
        })
        .await;
    let msgs: Vec<_> = bot
        .discord
        .messages(CHANNEL)
        .into_iter()
        .filter(|m| m.content.starts_with('w'))
        .collect();
    assert_eq!(msgs.len(), 3, "4,500 characters in three messages");
    assert!(msgs
        .iter()
        .all(|m| m.content.encode_utf16().count() <= 2000));
    let back: Vec<&str> = msgs
        .iter()
        .flat_map(|m| m.content.split_whitespace())
        .collect();
    assert_eq!(
        back,
        words.iter().map(String::as_str).collect::<Vec<_>>(),
        "no word cut"
    );
    // At most one edit per 200 ms per message (the final one may follow sooner).
    assert!(
        msgs.iter().any(|m| m.edits >= 2),
        "the answer was streamed by edits"
    );
    for m in &msgs {
        let path = format!("/channels/{CHANNEL}/messages/{}", m.id);
        let times: Vec<_> = bot
            .discord
            .calls()
            .into_iter()
            .filter(|c| c.method == "PATCH" && c.path == path)
            .map(|c| c.at)
            .collect();
        for pair in times.windows(2).take(times.len().saturating_sub(2)) {
            assert!(
                pair[1] - pair[0] >= std::time::Duration::from_millis(190),
                "edits too close: {:?}",
                pair[1] - pair[0]
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_button_exports_for_the_channel_only() {
    let bot = start().await;
    bot.discord.slash(
        "musicvideo",
        json!({"options": [{"name": "prompt", "type": 3, "value": "make it"}]}),
        CHANNEL,
        USER,
    );
    let answer = bot
        .discord
        .wait_for(CHANNEL, "with buttons", |m| {
            m.content.contains("Here is your draft") && m.components != json!([])
        })
        .await;
    let first_link = bot
        .discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let button = answer.components[0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(button, format!("mvb:export:channel:{CHANNEL}"));
    bot.discord.click(&button, &answer, USER);
    bot.discord
        .wait_for(CHANNEL, "with a second MP4", |m| {
            m.content.contains(".mp4") && m.id != first_link.id
        })
        .await;
    let renders = bot.nemo.render_requests().len();
    assert_eq!(renders, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_250_mb_attachment_is_refused_without_downloading() {
    let bot = start().await;
    let url = bot.discord.host_file("huge.wav", b"RIFF".to_vec());
    let att = bot.discord.attachment("huge.wav", 250 * 1024 * 1024, &url);
    bot.discord
        .slash("musicvideo", audio_option(att), CHANNEL, USER);
    let follow_up =
        |c: &common::fake_discord::Call| c.method == "POST" && c.path.starts_with("/webhooks/");
    let refusal = wait_call(&bot, "with the refusal", follow_up).await.body;
    assert!(
        refusal["content"].as_str().unwrap_or("").contains("200 MB"),
        "{refusal:?}"
    );
    // Discord keeps a deferral's visibility for the message a follow-up lands in: the refusal
    // must be in a message only the member sees, whatever flag the follow-up carried.
    let shown = bot.discord.all_messages();
    let refused = shown.iter().find(|m| m.content.contains("200 MB"));
    assert!(refused.expect("the refusal").ephemeral, "{shown:?}");
    assert!(
        bot.discord
            .calls()
            .iter()
            .all(|c| !c.path.starts_with("/cdn/")),
        "never downloaded"
    );
    assert!(bot.nemo.requests_to("/api/upload-video").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_that_outlives_the_interaction_token_still_posts() {
    let bot = start().await;
    bot.discord
        .set_token_ttl(std::time::Duration::from_millis(150));
    bot.nemo.set_render_polls(12);
    bot.discord
        .slash("musicvideo", json!({"options": []}), CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let calls = bot.discord.calls();
    let last_webhook = calls
        .iter()
        .rposition(|c| c.path.starts_with("/webhooks/"))
        .expect("progress used the interaction");
    let later_status = calls[last_webhook..].iter().any(|c| {
        c.path.starts_with(&format!("/channels/{CHANNEL}/messages"))
            && shown(&c.body).contains("Rendering")
    });
    assert!(
        later_status,
        "after the token died, progress went on in the channel"
    );
}

/// A bot whose /musicvideo export is rendering (the render takes `polls` status reads).
async fn exporting(polls: u32) -> Running {
    let bot = start().await;
    bot.nemo.set_render_polls(polls);
    bot.discord
        .slash("musicvideo", json!({"options": []}), CHANNEL, USER);
    // Progress goes into the command's response (the interaction's token lives).
    wait_call(&bot, "with render progress", |c| {
        shown(&c.body).contains("Rendering")
    })
    .await;
    bot
}

/// MP4 links in the channel.
fn links_shown(bot: &Running) -> usize {
    bot.discord
        .messages(CHANNEL)
        .into_iter()
        .filter(|m| m.content.contains(".mp4"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_export_posts_the_link_once() {
    let mut bot = exporting(15).await;
    bot.restart().await;
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    // Once the job is forgotten, nothing is left that could post the link again.
    bot.wait_jobs_forgotten().await;
    assert_eq!(links_shown(&bot), 1, "posted once");
    let renders = bot.nemo.render_requests().len();
    assert_eq!(renders, 1, "not rendered again");
}

/// A bot that died after posting its export's link but before forgetting the job, restarted
/// after `pause` (with Discord remembering nonces for `window`): the link posts it made.
async fn link_posted_again_after_a_crash(
    window: std::time::Duration,
    pause: std::time::Duration,
) -> (Running, Vec<common::fake_discord::Call>) {
    let mut bot = exporting(10).await;
    bot.discord.set_nonce_window(window);
    let job = bot
        .store
        .jobs()
        .await
        .unwrap()
        .pop()
        .expect("a running export");
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    // The crash: nothing of this process runs any more (its claims of free jobs included).
    bot.engine.halt().await;
    bot.store.put_job(&job).await.unwrap();
    // The bot stays down this long: the scenario is Discord's nonce memory outliving the
    // outage, or not.
    tokio::time::sleep(pause).await;
    bot.restart().await;
    let link_posts = || -> Vec<common::fake_discord::Call> {
        bot.discord
            .calls()
            .into_iter()
            .filter(|c| c.method == "POST")
            .filter(|c| {
                c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains(".mp4"))
            })
            .collect()
    };
    let posted_again = || async { link_posts().len() >= 2 };
    wait_until(
        "the link posted again",
        Duration::from_secs(15),
        posted_again,
    )
    .await;
    let posts = link_posts();
    assert_eq!(posts.len(), 2, "posted again after the restart");
    let nonce = music_video_bot::discord::ids::nonce_for(&job.id);
    assert!(posts
        .iter()
        .all(|c| c.body["enforce_nonce"] == true && c.body["nonce"] == json!(nonce)));
    (bot, posts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_posted_again_after_a_crash_shows_once() {
    let minutes = std::time::Duration::from_secs(300);
    let (bot, _) = link_posted_again_after_a_crash(minutes, std::time::Duration::ZERO).await;
    assert_eq!(links_shown(&bot), 1, "Discord shows it once");
}

/// Discord forgets nonces after a few minutes: a bot down for longer posts the link twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_posted_again_after_the_nonce_window_shows_twice() {
    let window = std::time::Duration::from_millis(200);
    let (bot, _) = link_posted_again_after_a_crash(window, window * 2).await;
    assert_eq!(links_shown(&bot), 2, "the repeat is no longer recognised");
}

/// Discord answers 429 to the streamed answer's edits and then to the export's messages: the
/// bot waits and tries again, and the final answer and the link each arrive once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_delay_but_do_not_lose_the_answer_or_the_link() {
    use common::fake_nemo::Step;
    // No "still working" lines in between: the answer's own calls meet the 429s.
    let bot = start_with(|c| c.nemo.still_working_ms = 60_000).await;
    bot.nemo.set_render_polls(2);
    let draft = json!({"t": [{"tt": 0, "sg": [{"st": 0, "d": 10000, "m": {"title": "x"}}]}]});
    bot.nemo.push_turn(vec![
        Step::SetDraft(draft),
        Step::Partial("Here is your draft, ".into()),
        Step::Sleep(Duration::from_millis(400)),
        Step::Partial("cut to the beat.".into()),
        Step::Sleep(Duration::from_millis(400)),
        Step::Partial(" Click Export when you like it.".into()),
    ]);
    bot.discord
        .slash("musicvideo", json!({"options": []}), CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the answer's middle", |m| {
            m.content.ends_with("cut to the beat.")
        })
        .await;
    // The answer's last edit, its final flush and its buttons would all be refused once.
    bot.discord.rate_limit_next(3, Duration::from_millis(100));
    let answer = bot
        .discord
        .wait_for(CHANNEL, "with the whole answer", |m| {
            m.content.ends_with("Say `export` when you like it.")
        })
        .await;
    bot.discord.rate_limit_next(4, Duration::from_millis(100));
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    // Once the job is forgotten, nothing is left that could post the link again.
    bot.wait_jobs_forgotten().await;
    assert_eq!(
        bot.discord.answered_429(),
        7,
        "every 429 was met by a retry"
    );
    let answers = bot
        .discord
        .messages(CHANNEL)
        .into_iter()
        .filter(|m| m.content.starts_with("Here is your draft"))
        .count();
    assert_eq!(answers, 1, "one answer message: {}", answer.content);
    assert_eq!(links_shown(&bot), 1, "the link once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mp4_is_attached_when_it_fits_the_reported_limit() {
    let bot = start_with(|c| c.discord.attach_video = true).await;
    bot.discord
        .slash("musicvideo", json!({"options": []}), CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let post = bot
        .discord
        .calls()
        .into_iter()
        .find(|c| {
            c.method == "POST"
                && c.path == format!("/channels/{CHANNEL}/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains(".mp4"))
        })
        .expect("the link message");
    assert_eq!(
        post.body["_files"],
        json!(["music-video.mp4"]),
        "{:?}",
        post.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_progress_shows_a_countdown_timestamp() {
    let bot = start().await;
    bot.discord
        .slash("musicvideo", json!({"options": []}), CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let eta = bot.discord.calls().into_iter().find_map(|c| {
        let text = shown(&c.body);
        text.contains("Rendering your music video").then_some(text)
    });
    let eta = eta.expect("a progress card");
    assert!(eta.contains("<t:") && eta.contains(":R>"), "{eta}");
}
async fn wait_callbacks(bot: &Running, n: usize) -> Vec<serde_json::Value> {
    for _ in 0..200 {
        let all = callbacks(bot);
        if all.len() >= n {
            return all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "expected {n} interaction responses, got {:?}",
        callbacks(bot)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_and_reset_are_refused_to_those_they_are_not_for() {
    let bot = start().await;
    let message = common::fake_discord::Msg::new(1, CHANNEL, "x");
    bot.discord
        .click(&format!("mvb:export:user:{}", USER + 1), &message, USER);
    let first = wait_callbacks(&bot, 1).await;
    assert_eq!(
        first[0]["data"]["flags"],
        json!(64),
        "ephemeral: {:?}",
        first[0]
    );
    assert!(first[0]["data"]["content"]
        .as_str()
        .unwrap()
        .contains("someone else's"));
    let mut member = common::fake_discord::member(USER);
    member["permissions"] = json!("0");
    bot.discord
        .slash_as("reset", json!({"options": []}), CHANNEL, member);
    let second = wait_callbacks(&bot, 2).await;
    assert!(
        second[1]["data"]["content"]
            .as_str()
            .unwrap()
            .contains("manage messages"),
        "{:?}",
        second[1]
    );
    assert!(
        bot.nemo.requests_to("/api/render").is_empty(),
        "nothing exported"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_urls_sends_the_cdn_link_instead_of_the_file() {
    let bot = start_with(|c| c.discord.forward_urls = true).await;
    let (_, att) = hosted_mp3(&bot, "linked.mp3");
    let url = att["url"].as_str().unwrap().to_string();
    bot.discord
        .slash("musicvideo", audio_option(att), CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let uploads = bot.nemo.requests_to("/api/upload-video");
    let common::fake_nemo::Body::Json(v) = &uploads[0].body else {
        panic!("not a URL upload")
    };
    assert_eq!(v["urls"], json!([url]));
    assert!(
        bot.discord
            .calls()
            .iter()
            .all(|c| !c.path.starts_with("/cdn/")),
        "not downloaded by the bot"
    );
    let sessions = bot.nemo.requests_to("/api/tasks/me/with-session");
    let common::fake_nemo::Body::Json(s) = &sessions[0].body else {
        panic!()
    };
    assert_eq!(
        s["language"], "en-US",
        "the interaction's locale is the session's language"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_menu_makes_a_video_from_the_messages_audio() {
    let bot = start().await;
    let (_, att) = hosted_mp3(&bot, "menu.mp3");
    let target = 555_000_000_000_000_001u64;
    let other_user = common::fake_discord::user_json(USER + 5, false);
    let message = common::fake_discord::message_json(
        target,
        CHANNEL,
        other_user,
        "synthwave please",
        json!([att]),
        json!([]),
    );
    let options = json!({"type": 3, "target_id": target.to_string(), "resolved": {"messages": {target.to_string(): message}}});
    bot.discord
        .slash("Make music video", options, CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let v = first_prompt(&bot);
    assert_eq!(
        v["new_message"]["parts"][0]["text"], "synthwave please",
        "the message's words are the prompt"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_dropped_in_a_listening_channel_are_read() {
    let bot = start_with(|c| c.discord.channels = vec![CHANNEL]).await;
    let (_, att) = hosted_mp3(&bot, "chan.mp3");
    bot.discord.message("", json!([att]), CHANNEL, USER, true);
    bot.discord
        .wait_for(CHANNEL, "with the upload", |m| {
            m.content.contains("Uploaded chan.mp3")
        })
        .await;
    bot.discord
        .wait_for(CHANNEL, "with the hint", |m| {
            m.content.contains("Tell me what to make")
        })
        .await;
    assert!(
        bot.nemo.requests_to("/run_sse").is_empty(),
        "a bare drop only uploads"
    );
}
