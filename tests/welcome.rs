//! What a newcomer is shown: the first contact of a place, the "Try saying" examples in `/help`
//! and in `/musicvideo`'s autocomplete, and the tip after a long song is uploaded.

mod common;

use common::discord_bot::{start, wait_call, CHANNEL, USER};
use common::fake_nemo::FakeNemo;
use common::harness::{actor, say, Bot};
use common::recorder::{Ev, Recorder};
use common::wait::wait_until;
use music_video_bot::engine::{Actor, Media, Request};
use serde_json::json;
use std::path::{Path, PathBuf};

const SETTING_UP: &str = "Setting things up...";
const CONNECTED: &str =
    "Connected — ready when you are. Drop your audio files here or describe what you want to make.";
const EXAMPLES: [&str; 3] = [
    "convert a 3-minute MP3 music track into a 1080p MP4",
    "generate a music video with visuals that match the beat and mood of this song",
    "turning music tracks into AI-generated visual videos for musicians, content creators, social media managers",
];

/// Where in the recorded events the setting-up line and the connected message are, if shown.
fn first_contact_at(
    events: &[Ev],
    setting_up: &str,
    connected: &str,
) -> (Option<usize>, Option<usize>) {
    let status = events
        .iter()
        .position(|e| matches!(e, Ev::Status(s) if s == setting_up));
    let sent = events
        .iter()
        .position(|e| matches!(e, Ev::Send { text, .. } if text.starts_with(connected)));
    (status, sent)
}

/// The status lines shown, in order.
fn status_lines(events: &[Ev]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            Ev::Status(s) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_first_request_that_asks_for_something_is_set_up_in_its_status_line_only() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = actor("u1", "c");
    let first = Recorder::new();
    bot.engine
        .handle(&me, say("make a video"), first.clone())
        .await;
    let events = first.events();
    let lines = status_lines(&events);
    assert_eq!(lines.first(), Some(&SETTING_UP), "{events:#?}");
    assert_eq!(
        first_contact_at(&events, SETTING_UP, CONNECTED).1,
        None,
        "no greeting message of its own: {events:#?}"
    );
    let all = first.messages().join("\n");
    assert!(!all.contains(EXAMPLES[0]), "{all}");
    let answered = events
        .iter()
        .any(|e| matches!(e, Ev::Send { text, .. } if text.contains("Here is your draft")));
    assert!(answered, "the request itself goes on: {events:#?}");
    assert_eq!(fake.sessions().len(), 1);

    let second = Recorder::new();
    bot.engine
        .handle(&me, say("make it neon"), second.clone())
        .await;
    let again = status_lines(&second.events())
        .into_iter()
        .any(|l| l == SETTING_UP);
    assert!(!again, "{:#?}", second.events());
    assert_eq!(fake.sessions().len(), 1, "the same session");
}

#[tokio::test]
async fn a_song_dropped_without_words_is_greeted_with_the_examples() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    let song = common::harness::mp3(bot.dir.path(), "song.mp3");
    let request = Request::Upload {
        media: vec![Media::File(song)],
        text: String::new(),
    };
    bot.engine
        .handle(&actor("u1", "c"), request, rec.clone())
        .await;
    let events = rec.events();
    let (status, sent) = first_contact_at(&events, SETTING_UP, CONNECTED);
    let (status, sent) = (status.expect("setting up"), sent.expect("connected"));
    assert!(status < sent, "{events:#?}");
    let Ev::Send { text, .. } = &events[sent] else {
        unreachable!()
    };
    for example in EXAMPLES {
        assert!(text.contains(example), "{text}");
    }
}

#[tokio::test]
async fn a_chinese_speaker_is_greeted_in_chinese() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let me = Actor {
        lang: "zh-CN".into(),
        ..actor("u1", "c")
    };
    let rec = Recorder::new();
    bot.engine.handle(&me, say("做一个视频"), rec.clone()).await;
    let events = rec.events();
    assert_eq!(
        status_lines(&events).first(),
        Some(&"正在准备…"),
        "{events:#?}"
    );
    // A song without words: the greeting with the examples, in Chinese.
    let rec = Recorder::new();
    let song = common::harness::mp3(bot.dir.path(), "song.mp3");
    let request = Request::Upload {
        media: vec![Media::File(song)],
        text: String::new(),
    };
    let me = Actor {
        scope: "channel:zh2".into(),
        ..me
    };
    bot.engine.handle(&me, request, rec.clone()).await;
    let all = rec.messages().join("\n");
    assert!(all.contains("已连接——随时可以开始。"), "{all}");
    assert!(all.contains("可以这样说："), "{all}");
    assert!(!all.contains(CONNECTED), "{all}");
}

#[tokio::test]
async fn reads_do_not_greet_a_place_without_a_project() {
    let fake = FakeNemo::start().await;
    let bot = Bot::start(&fake);
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("u1", "c"), Request::Status, rec.clone())
        .await;
    assert_eq!(
        first_contact_at(&rec.events(), SETTING_UP, CONNECTED),
        (None, None)
    );
    assert!(fake.sessions().is_empty(), "no session made for a read");
}

/// Writes a silent WAV of `seconds` (8 kHz, mono, 16-bit PCM) and returns its path.
fn silent_wav(dir: &Path, name: &str, seconds: u32) -> PathBuf {
    let data_len = seconds * 8_000 * 2;
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
    bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
    bytes.extend_from_slice(&8_000u32.to_le_bytes());
    bytes.extend_from_slice(&16_000u32.to_le_bytes()); // bytes per second
    bytes.extend_from_slice(&2u16.to_le_bytes()); // block align
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    bytes.resize(bytes.len() + data_len as usize, 0);
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write wav");
    path
}

/// Uploads `path` in a place of its own and returns everything said.
async fn upload(bot: &Bot, place: &str, path: PathBuf) -> String {
    let rec = Recorder::new();
    let request = Request::Upload {
        media: vec![Media::File(path)],
        text: String::new(),
    };
    bot.engine
        .handle(&actor("u1", place), request, rec.clone())
        .await;
    rec.messages().join("\n")
}

const TIP: &str = "tracks under 90 seconds generate more cohesive visuals";

#[tokio::test]
async fn a_song_longer_than_90_seconds_gets_the_tip_from_its_own_headers() {
    let fake = FakeNemo::start().await;
    fake.set_upload_duration(None);
    let bot = Bot::start(&fake);
    let long = silent_wav(bot.dir.path(), "long.wav", 100);
    let said = upload(&bot, "a", long).await;
    assert!(said.contains("Uploaded long.wav"), "{said}");
    assert!(said.contains(TIP), "{said}");
    assert!(
        said.contains("1:40") && said.contains("the chorus, 0:45–1:15"),
        "{said}"
    );
    let short = silent_wav(bot.dir.path(), "short.wav", 10);
    let said = upload(&bot, "b", short).await;
    assert!(said.contains("Uploaded short.wav"), "{said}");
    assert!(!said.contains(TIP), "{said}");
}

#[tokio::test]
async fn the_length_the_upload_answer_reports_comes_first() {
    let fake = FakeNemo::start().await;
    fake.set_upload_duration(Some(120.0));
    let bot = Bot::start(&fake);
    let short = silent_wav(bot.dir.path(), "short.wav", 10);
    let said = upload(&bot, "a", short).await;
    assert!(said.contains(TIP) && said.contains("2:00"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_shows_what_the_bot_does_and_the_examples() {
    let bot = start().await;
    let token = bot
        .discord
        .slash("help", json!({"options": []}), CHANNEL, USER);
    let answer = wait_call(&bot, "answering /help", |c| {
        c.path.ends_with("/callback") && c.path.contains(&format!("/{token}/"))
    })
    .await
    .body;
    assert_eq!(answer["type"], 4, "{answer}");
    assert_eq!(answer["data"]["flags"], 64, "only the caller sees it");
    let text = answer["data"]["content"].as_str().unwrap();
    assert!(
        text.contains("music videos") && text.contains("Try saying:"),
        "{text}"
    );
    for example in EXAMPLES {
        assert!(text.contains(example), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_autocompletes_with_the_examples_that_match() {
    let bot = start().await;
    let registered = wait_call(&bot, "registering", |c| c.method == "PUT").await;
    let prompt = &registered.body[0]["options"][0];
    assert_eq!(
        (&prompt["name"], &prompt["autocomplete"]),
        (&json!("prompt"), &json!(true))
    );

    let choices = |typed: &str| {
        let bot = &bot;
        let token = bot
            .discord
            .autocomplete("musicvideo", "prompt", typed, CHANNEL, USER);
        async move {
            let answer = wait_call(bot, "the choices", |c| {
                c.path.ends_with("/callback") && c.path.contains(&format!("/{token}/"))
            })
            .await
            .body;
            assert_eq!(answer["type"], 8, "{answer}");
            answer["data"]["choices"].as_array().unwrap().clone()
        }
    };
    let rows: [(&str, &[&str]); 3] = [("", &EXAMPLES), ("mp4", &EXAMPLES[..1]), ("polka", &[])];
    let mut all = Vec::new();
    for (typed, want) in rows {
        let got = choices(typed).await;
        let names: Vec<&str> = got.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), want.len(), "{typed:?}: {names:?}");
        for (name, example) in names.iter().zip(want) {
            let shown = name.trim_end_matches('…');
            assert!(example.starts_with(shown), "{name:?} shows {example:?}");
        }
        if typed.is_empty() {
            all = got;
        }
    }
    // Discord refuses a whole answer with one name or value over 100 characters.
    assert!(
        bot.discord.refused_callbacks().is_empty(),
        "{:?}",
        bot.discord.refused_callbacks()
    );
    // Picking the long example runs it whole.
    let value = all[2]["value"].clone();
    let option = json!({"options": [{"name": "prompt", "type": 3, "value": value}]});
    bot.discord.slash("musicvideo", option, CHANNEL, USER);
    let sent = || async { !bot.nemo.requests_to("/run_sse").is_empty() };
    let within = std::time::Duration::from_secs(10);
    wait_until("the example sent to the agent", within, sent).await;
    let turns = bot.nemo.requests_to("/run_sse");
    let common::fake_nemo::Body::Json(turn) = &turns.first().expect("a turn").body else {
        panic!("not JSON: {turns:?}");
    };
    assert_eq!(turn["new_message"]["parts"][0]["text"], EXAMPLES[2]);
}
