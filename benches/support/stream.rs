//! `stream_60k_paragraph_cpu_ms` and `stream_60k_mixed_cpu_ms`: an answer of 60,000 characters
//! arriving as 3,000 ADK partial events, one at a time as a real agent writes it (then repeated
//! whole, as ADK does), from the fake server through the SSE decoder and the engine to the real
//! console front as on a terminal: the bot's CPU time for it; and that of a bare reader taking
//! the same stream chunk by chunk on the same thread (`stream_60k_bare_cpu_ms`), which the gate
//! takes out (`stream_60k_paragraph_over_bare_ms`, `stream_60k_mixed_over_bare_ms`).

use crate::common::fake_nemo::{FakeNemo, Step};
use crate::{bot_cpu_now, engine_for};
use music_video_bot::console::ConsoleFront;
use music_video_bot::engine::{Actor, Request};
use music_video_bot::i18n::Lang;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Issue #15's target for one such answer, end to end, in ms of CPU beyond a bare reader's for
/// the same stream, and the gate. The bot's whole CPU time was 537 ms before the GUI rewrite
/// settled text without line breaks and the console paced its redraws, about 150 ms after
/// (2026-12-02), and 56–69 ms once a turn read the stream in one go per redraw (2026-12-03).
/// On the same machine a day later the same code took 80–285 ms, and a bare reader (or curl)
/// 56–134 ms for the same 3,000 events: the thread waking once per event, which the machine
/// prices (a profile puts it under `epoll_wait`), had become most of it. So the gate is on what
/// the bot spends beyond that. On a quiet machine that is 58–104 ms (CI's fresh run went red at
/// 104 against a first gate of 100), while a console redrawing on every event again measured
/// 189–210 ms over: the gate sits between them.
pub const MAX_STREAM_CPU_OVER_BARE_MS: f64 = 150.0;
/// Rounds of the bot and the bare reader, each answer: the medians damp a neighbour's burst.
const ROUNDS: usize = 3;
/// Characters of each answer, and the events it arrives in.
const CHARS: usize = 60_000;
const CHUNKS: usize = 3_000;

/// What streaming one answer cost, over [`ROUNDS`] rounds of the bot and a bare reader taking
/// turns.
pub struct StreamFigures {
    /// The bot's CPU time, in ms (the rounds' median).
    pub cpu_ms: f64,
    /// The bare reader's CPU time for the same stream, in ms (the rounds' median).
    pub bare_cpu_ms: f64,
    /// The bot's CPU time beyond the bare reader's in the same round, in ms (the rounds'
    /// median): what the bot's own work costs once receiving the events is paid for.
    pub over_bare_ms: f64,
    /// Characters the console printed (the answer, and any line printed again; the fewest of
    /// any round).
    pub printed: usize,
}

impl StreamFigures {
    /// The gate's complaints, for an answer described as `what`.
    pub fn misses(&self, what: &str) -> Vec<String> {
        let mut misses = Vec::new();
        if self.over_bare_ms.is_nan() || self.over_bare_ms > MAX_STREAM_CPU_OVER_BARE_MS {
            misses.push(format!(
                "streaming {what} took {:.0} ms of CPU beyond a bare reader's {:.0} ms (gate ≤ {MAX_STREAM_CPU_OVER_BARE_MS:.0})",
                self.over_bare_ms, self.bare_cpu_ms
            ));
        }
        // The answer arrived (less the spaces trimmed where the agent's chunks were joined).
        if self.printed < CHARS - 1_000 {
            misses.push(format!(
                "only {} of {CHARS} characters of {what} printed",
                self.printed
            ));
        }
        misses
    }
}

/// The table's rows for the two answers.
pub fn print_rows(paragraph: &StreamFigures, mixed: &StreamFigures) {
    for (what, f) in [("one paragraph", paragraph), ("mixed prose", mixed)] {
        println!(
            "| 60,000 chars in 3,000 chunks, {what}, CPU, bot / bare reader | {:.0} / {:.0} ms | |",
            f.cpu_ms, f.bare_cpu_ms
        );
        println!(
            "| the same, the bot's CPU beyond the bare reader's | {:.0} ms | ≤ {MAX_STREAM_CPU_OVER_BARE_MS:.0} |",
            f.over_bare_ms
        );
    }
}

/// The `name: value` lines for the two answers.
pub fn print_lines(paragraph: &StreamFigures, mixed: &StreamFigures) {
    for (name, f) in [("paragraph", paragraph), ("mixed", mixed)] {
        println!("stream_60k_{name}_cpu_ms: {:.1}", f.cpu_ms);
        println!("stream_60k_{name}_over_bare_ms: {:.1}", f.over_bare_ms);
    }
    let bare = paragraph.bare_cpu_ms.min(mixed.bare_cpu_ms);
    println!("stream_60k_bare_cpu_ms: {bare:.1}");
}

/// Sentences of an agent describing a video, GUI talk and words that contain it included.
const SENTENCES: [&str; 8] = [
    "The opening shot follows a neon dragon over the city while the bass drops. ",
    "Each cut lands on the kick drum, and the chorus brings the dragged light trails back. ",
    "When you are happy with the pacing, click export and I will render the MP4. ",
    "I exported nothing yet; clicking through the takes, the second verse reads best. ",
    "If a clip feels early, drag the clip a beat later or open the timeline to check it. ",
    "The color grade warms up in the bridge, then cools as the last chorus fades out. ",
    "霓虹巨龙飞过城市上空，鼓点落下时画面切换。满意后点击导出即可。",
    "Slow motion on the dancer's spin makes the drop feel twice as heavy as before. ",
];

/// One paragraph of prose, no line break anywhere, `CHARS` characters long.
pub fn paragraph() -> String {
    let prose: String = SENTENCES.iter().cycle().take(900).copied().collect();
    prose.chars().take(CHARS).collect()
}

/// Prose as an agent writes it: paragraphs, a list, a code block, `CHARS` characters long.
pub fn mixed() -> String {
    let mut text = String::new();
    for i in 0.. {
        let part = match i % 6 {
            0 => SENTENCES.concat(),
            1 => format!("{}\n\n", SENTENCES[i % SENTENCES.len()]),
            2 => "1. Intro: slow zoom\n2. Verse: quick cuts\n3. Chorus: drag and drop the hook\n"
                .to_string(),
            3 => "```json\n{\"cut\": \"click export\", \"beat\": 120}\n```\n".to_string(),
            4 => format!("{}\n", SENTENCES[(i + 3) % SENTENCES.len()]),
            _ => SENTENCES[..4].concat(),
        };
        text.push_str(&part);
        if text.chars().count() >= CHARS {
            break;
        }
    }
    text.chars().take(CHARS).collect()
}

/// Counts the characters written to it.
struct Printed(Arc<AtomicUsize>);

impl Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let chars = String::from_utf8_lossy(buf).chars().count();
        self.0.fetch_add(chars, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
/// The agent's script for `text`: `CHUNKS` events of equal length in characters, each sent on
/// its own (the server pauses between them, as an agent writing does), then the whole answer.
fn script(text: &str) -> Vec<Step> {
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars.len(), CHARS);
    let mut steps = Vec::with_capacity(2 * CHUNKS + 1);
    for chunk in chars.chunks(CHARS / CHUNKS) {
        steps.push(Step::Partial(chunk.iter().collect()));
        steps.push(Step::Sleep(Duration::from_millis(1)));
    }
    steps.push(Step::Text(text.to_string()));
    steps
}

/// `text` streamed [`ROUNDS`] times as [`script`] says, each time to the bot and to a bare
/// reader.
pub async fn stream(fake: &FakeNemo, text: &str) -> StreamFigures {
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let (bot, printed) = bot_stream(fake, text).await;
        rounds.push((bot, bare_stream(fake, text).await, printed));
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    StreamFigures {
        cpu_ms: median(rounds.iter().map(|r| r.0).collect()),
        bare_cpu_ms: median(rounds.iter().map(|r| r.1).collect()),
        over_bare_ms: median(rounds.iter().map(|r| r.0 - r.1).collect()),
        printed: rounds.iter().map(|r| r.2).min().unwrap_or(0),
    }
}

/// `text` streamed to a console on a terminal: the bot's CPU time (ms) and the characters
/// printed.
async fn bot_stream(fake: &FakeNemo, text: &str) -> (f64, usize) {
    fake.push_turn(script(text));
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine_for(fake, dir.path());
    let printed = Arc::new(AtomicUsize::new(0));
    let out = Arc::new(parking_lot::Mutex::new(Printed(printed.clone())));
    let front = Arc::new(ConsoleFront::new(out, true, "stream", Lang::En));
    let actor = Actor {
        user: "bench:stream".into(),
        scope: "channel:stream".into(),
        lang: "en".into(),
        group: None,
    };
    let before = bot_cpu_now();
    engine
        .handle(&actor, Request::Say("go".into()), front)
        .await;
    let cpu = bot_cpu_now().saturating_sub(before);
    (cpu.as_secs_f64() * 1e3, printed.load(Ordering::Relaxed))
}

/// The same stream read chunk by chunk and dropped, on this thread: the CPU time (ms) of
/// receiving 3,000 events one at a time here (the thread's wake-ups, the system calls, HTTP),
/// which is most of the bot's.
async fn bare_stream(fake: &FakeNemo, text: &str) -> f64 {
    const TOKEN: &str = "nmv_usr_stream_bare";
    fake.issue_token(TOKEN, "stream_bare");
    // Every round's turn is charged; the accounts' credits are not what is measured here.
    fake.set_credits(i64::MAX / 2, 0);
    let client = reqwest::Client::new();
    let base = fake.base_url();
    let session: serde_json::Value = client
        .post(format!("{base}/api/tasks/me/with-session/nemo_agent"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("a session for the bare reader")
        .json()
        .await
        .expect("session JSON");
    let body = serde_json::json!({
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session["data"]["session_id"],
        "new_message": {"role": "user", "parts": [{"text": "go"}]},
    });
    fake.push_turn(script(text));
    let before = bot_cpu_now();
    let mut response = client
        .post(format!("{base}/run_sse"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .expect("the bare reader's stream");
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        bytes += chunk.len();
    }
    let cpu = bot_cpu_now().saturating_sub(before);
    // The whole answer came (in parts, then whole), not a refusal.
    assert!(bytes > 2 * CHARS, "the bare reader got {bytes} bytes");
    cpu.as_secs_f64() * 1e3
}
