//! The bot listens to the songs it uploads (issue #20): what it heard shows on the upload line
//! and on `/status`, and the turn that follows tells the agent, after the member's words.
//!
//! The analysis races the upload by design (neither waits for the other), so to see what a
//! finished analysis does, the fake NemoVideo holds each upload until the bot's counter of
//! analysed songs says the analysis ended. The tests take turns ([`ONE_AT_A_TIME`]), so that
//! no other test moves the counter meanwhile.

mod common;
#[path = "common/songs.rs"]
mod songs;

use common::discord_bot::{start, USER};
use common::fake_nemo::{Body, FakeNemo, Fault};
use common::harness::{actor, say, Bot};
use common::metrics::{counter, metrics};
use common::recorder::Recorder;
use common::wait::wait_until;
use music_video_bot::config::{AnalysisConfig, LimitsConfig};
use music_video_bot::engine::{Actor, Media, Request};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Held by each test for its whole run: the counter of songs heard is the process's.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const FOUND: &str = "mvb_songs_analysed_total{found=\"yes\"}";

/// 24 s at 120 BPM in 4/4, E minor, quiet for its first 12 s and loud after: a drop at 0:12.
fn song(dir: &Path) -> PathBuf {
    let mut samples = songs::song(songs::Drums::straight(120.0, 4), (4, true), 24.0);
    let half = samples.len() / 2;
    samples[..half].iter_mut().for_each(|s| *s *= 0.25);
    let path = dir.join("song.wav");
    songs::wav(&path, &samples);
    path
}

/// The next upload, held at the fake NemoVideo until the song's analysis has ended.
struct HeldUpload {
    gate: Arc<Notify>,
    /// Songs heard before it.
    before: f64,
}

impl HeldUpload {
    /// Holds `fake`'s next upload.
    fn hold(fake: &FakeNemo) -> HeldUpload {
        let gate = Arc::new(Notify::new());
        fake.fail_next("/api/upload-video", Fault::Hold(gate.clone()));
        HeldUpload {
            gate,
            before: counter(FOUND),
        }
    }

    /// Lets the upload go once the counter of songs heard has moved.
    async fn release_once_heard(self) {
        let before = self.before;
        wait_until(
            "the song's analysis ended",
            Duration::from_secs(120),
            || async { counter(FOUND) > before },
        )
        .await;
        self.gate.notify_one();
    }
}

/// Serves `request` with its upload held until the song was heard, so that the analysis is
/// done by the time the upload is; what the member saw.
async fn with_song_heard(
    bot: &Bot,
    fake: &FakeNemo,
    who: &Actor,
    request: Request,
) -> Arc<Recorder> {
    let held = HeldUpload::hold(fake);
    let (engine, who, rec) = (bot.engine.clone(), who.clone(), Recorder::new());
    let front = rec.clone();
    let serving = tokio::spawn(async move { engine.handle(&who, request, front).await });
    held.release_once_heard().await;
    serving.await.unwrap();
    rec
}

/// The words of every turn NemoVideo received, in order.
fn prompts(fake: &FakeNemo) -> Vec<String> {
    fake.requests_to("/run_sse")
        .iter()
        .map(|r| match &r.body {
            Body::Json(v) => v["new_message"]["parts"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        })
        .collect()
}

/// The note a turn's words end with, after the member's `words`.
fn note_after<'a>(prompt: &'a str, words: &str) -> &'a str {
    let note = prompt
        .strip_prefix(words)
        .unwrap_or_else(|| panic!("the member's words come first: {prompt}"));
    note.strip_prefix("\n\n")
        .unwrap_or_else(|| panic!("a note follows the words: {prompt}"))
}

/// The tempo a note tells ("…: 120.1 BPM; …").
fn bpm_in(note: &str) -> f64 {
    let before = note.split(" BPM").next().unwrap_or_default();
    let number = before.rsplit(' ').next().unwrap_or_default();
    number
        .parse()
        .unwrap_or_else(|_| panic!("a tempo in {note}"))
}

const HEARD_LINE: &str = "🎵 song.wav · 0:24 · 120 BPM · 4/4 · E minor · drop at 0:12";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_bot_heard_is_shown_kept_and_told_to_the_agent_once() {
    let _turn = ONE_AT_A_TIME.lock().await;
    metrics();
    let fake = FakeNemo::start().await;
    fake.set_credits(10_000, 0);
    let bot = Bot::start(&fake);
    let path = song(bot.dir.path());
    let media = || vec![Media::File(path.clone())];

    // /musicvideo with words: the upload line tells what was heard; the turn carries it
    // after the words, short and delimited.
    let ann = actor("ann", "a");
    let words = "neon city at night";
    let request = Request::MusicVideo {
        prompt: Some(words.into()),
        media: media(),
    };
    let rec = with_song_heard(&bot, &fake, &ann, request).await;
    let said = rec.transcript();
    assert!(said.contains(HEARD_LINE), "{said}");
    let sent = prompts(&fake);
    let note = note_after(&sent[0], words);
    assert!(note.chars().count() <= 300, "{note}");
    assert!(note.starts_with('[') && note.ends_with(']'), "{note}");
    assert!((bpm_in(note) - 120.0).abs() < 1.2, "{note}");
    for fact in [
        "\"song.wav\"",
        "4/4, bar 2.00 s",
        "drop 0:12",
        "key E minor",
    ] {
        assert!(note.contains(fact), "{fact} in {note}");
    }
    // /status lists the song; the next turn says nothing more of it.
    let rec = Recorder::new();
    bot.engine.handle(&ann, Request::Status, rec.clone()).await;
    let card = rec.transcript();
    assert!(
        card.contains("Songs heard") && card.contains(HEARD_LINE),
        "{card}"
    );
    bot.engine
        .handle(&ann, say("warmer colours"), Recorder::new())
        .await;
    assert_eq!(prompts(&fake)[1], "warmer colours");

    // Dropped without words: the line shows it, and the member's next words carry the note.
    let bo = actor("bo", "b");
    let request = Request::Upload {
        media: media(),
        text: String::new(),
    };
    let rec = with_song_heard(&bot, &fake, &bo, request).await;
    assert!(
        rec.transcript().contains(HEARD_LINE),
        "{}",
        rec.transcript()
    );
    bot.engine
        .handle(&bo, say("make it dreamy"), Recorder::new())
        .await;
    let sent = prompts(&fake);
    let note = note_after(&sent[2], "make it dreamy");
    assert!((bpm_in(note) - 120.0).abs() < 1.2, "{note}");
    // A song dropped before /reset is not told to the new project.
    let request = Request::Upload {
        media: media(),
        text: String::new(),
    };
    with_song_heard(&bot, &fake, &bo, request).await;
    bot.engine
        .handle(&bo, Request::Reset, Recorder::new())
        .await;
    bot.engine
        .handle(&bo, say("start over"), Recorder::new())
        .await;
    assert_eq!(prompts(&fake)[3], "start over");

    // In Chinese.
    let mut mei = actor("mei", "m");
    mei.lang = "zh-CN".into();
    let request = Request::Upload {
        media: media(),
        text: String::new(),
    };
    let rec = with_song_heard(&bot, &fake, &mei, request).await;
    let said = rec.transcript();
    assert!(
        said.contains("120 BPM · 4/4 拍 · E 小调 · 高潮在 0:12"),
        "{said}"
    );
    bot.engine.idle().await;

    // With `tell_agent` off, the line still shows it and the agent gets the words alone.
    let quiet = AnalysisConfig {
        tell_agent: false,
        ..AnalysisConfig::default()
    };
    let bot = Bot::configured(&fake, LimitsConfig::default(), quiet);
    let path = song(bot.dir.path());
    let request = Request::MusicVideo {
        prompt: Some(words.into()),
        media: vec![Media::File(path)],
    };
    let cy = actor("cy", "c");
    let rec = with_song_heard(&bot, &fake, &cy, request).await;
    assert!(
        rec.transcript().contains(HEARD_LINE),
        "{}",
        rec.transcript()
    );
    assert_eq!(prompts(&fake).last().unwrap(), words);
    bot.engine.idle().await;

    // The length tip goes by the length heard: NemoVideo says 30.5 s, the song lasts 1:36.
    let long = bot.dir.path().join("long.wav");
    let drums = songs::Drums::straight(100.0, 4);
    songs::wav(&long, &songs::song(drums, (0, false), 96.0));
    let request = Request::Upload {
        media: vec![Media::File(long)],
        text: String::new(),
    };
    let rec = with_song_heard(&bot, &fake, &actor("di", "d"), request).await;
    let said = rec.transcript();
    assert!(said.contains("🎵 long.wav · 1:36 · 100 BPM"), "{said}");
    assert!(said.contains("this one is 1:36"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_song_dropped_on_discord_is_heard_from_the_attachment_the_bot_downloaded() {
    let _turn = ONE_AT_A_TIME.lock().await;
    metrics();
    let bot = start().await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(song(dir.path())).unwrap();
    let url = bot.discord.host_file("song.wav", bytes.clone());
    let att = bot.discord.attachment("song.wav", bytes.len() as u64, &url);
    let held = HeldUpload::hold(&bot.nemo);
    let dm = 600_000_000_000_000_009;
    bot.discord
        .message("make it dreamy", json!([att]), dm, USER, false);
    held.release_once_heard().await;
    bot.discord
        .wait_for(dm, "the upload line", |m| m.content.contains(HEARD_LINE))
        .await;
    bot.discord
        .wait_for(dm, "with the MP4", |m| m.content.contains(".mp4"))
        .await;
    let sent = prompts(&bot.nemo);
    let note = note_after(&sent[0], "make it dreamy");
    assert!(note.contains("4/4, bar 2.00 s"), "{note}");
}
