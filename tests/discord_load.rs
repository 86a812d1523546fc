//! The Discord front under load: dropped files are checked from Discord's metadata (count,
//! quotas, size, type) before any is fetched from the CDN, and progress edits stay within the
//! edit budget.

mod common;

use common::discord_bot::{start_with, Running, CHANNEL, USER};
use common::wait::wait_until;
use music_video_bot::i18n::Lang;
use music_video_bot::tr;
use serde_json::{json, Value};

/// `n` attachments of `size` bytes each, hosted on the fake CDN.
fn attachments(bot: &Running, n: usize, size: u64) -> Value {
    let all: Vec<Value> = (0..n)
        .map(|i| {
            let name = format!("song{i}.mp3");
            let url = bot.discord.host_file(&name, b"ID3".to_vec());
            bot.discord.attachment(&name, size, &url)
        })
        .collect();
    json!(all)
}

fn cdn_hits(bot: &Running) -> usize {
    bot.discord
        .calls()
        .iter()
        .filter(|c| c.path.starts_with("/cdn/"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_big_files_in_one_message_are_refused_before_any_download() {
    let bot = start_with(|c| c.limits.files_per_message = 5).await;
    let files = attachments(&bot, 10, 200 * 1000 * 1000);
    bot.discord
        .message("make a video of each", files, CHANNEL, USER, false);
    bot.discord
        .wait_for(CHANNEL, "refusing the files", |m| {
            m.content == tr!(Lang::En, "too-many-files", limit = 5)
        })
        .await;
    assert_eq!(cdn_hits(&bot), 0, "nothing fetched");
    assert!(bot.nemo.requests_to("/api/upload-video").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_out_of_turns_is_told_before_the_file_is_fetched() {
    let bot = start_with(|c| c.limits.turns_per_user_per_hour = 1).await;
    bot.discord
        .message("make it neon", json!([]), CHANNEL, USER, false);
    bot.discord
        .wait_for(CHANNEL, "with the first answer", |m| !m.content.is_empty())
        .await;
    let counted = || async { !bot.nemo.requests_to("/run_sse").is_empty() };
    let within = std::time::Duration::from_secs(10);
    wait_until("the first turn sent to the agent", within, counted).await;
    let files = attachments(&bot, 1, 1_000_000);
    bot.discord
        .message("now this one", files, CHANNEL, USER, false);
    bot.discord
        .wait_for(CHANNEL, "with the hourly limit", |m| {
            m.content
                .starts_with("You've sent 1 request to the video agent in the last hour")
        })
        .await;
    assert_eq!(cdn_hits(&bot), 0, "nothing fetched");
    assert!(bot.nemo.requests_to("/api/upload-video").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_edits_of_a_command_response_keep_the_edit_interval() {
    let bot = start_with(|c| c.discord.edit_interval_ms = 300).await;
    bot.nemo.set_render_polls(6);
    bot.discord
        .slash("musicvideo", json!({"options": []}), CHANNEL, USER);
    bot.discord
        .wait_for(CHANNEL, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let edits: Vec<_> = bot
        .discord
        .calls()
        .into_iter()
        .filter(|c| c.method == "PATCH" && c.path.ends_with("/messages/@original"))
        .collect();
    assert!(edits.len() >= 2, "progress was shown: {}", edits.len());
    for pair in edits.windows(2) {
        let gap = pair[1].at - pair[0].at;
        // The bot spaces them 300 ms apart; arrival can shift by a few ms either way.
        assert!(
            gap >= std::time::Duration::from_millis(250),
            "edits {gap:?} apart: {:?} then {:?}",
            pair[0].body["content"],
            pair[1].body["content"]
        );
    }
}
