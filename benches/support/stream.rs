//! `stream_60k_paragraph_cpu_ms` and `stream_60k_mixed_cpu_ms`: an answer of 60,000 characters
//! arriving as 3,000 ADK partial events, one at a time as a real agent writes it (then repeated
//! whole, as ADK does), from the fake server through the SSE decoder and the engine to the real
//! console front as on a terminal: the bot's CPU time for it.

use crate::common::fake_nemo::{FakeNemo, Step};
use crate::{bot_cpu_now, engine_for};
use music_video_bot::console::ConsoleFront;
use music_video_bot::engine::{Actor, Request};
use music_video_bot::i18n::Lang;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Issue #15's target for one such answer, end to end (ms of CPU), and the gate: it was 537
/// ms before the GUI rewrite settled text without line breaks and the console paced its
/// redraws, about 150 ms after (2026-12-02), 56–69 ms (up to 103 beside a test build) once a turn read the stream in one go
/// per redraw and rewrote the text once a redraw, not once an event (2026-12-03).
pub const MAX_STREAM_CPU_MS: f64 = 100.0;
/// Characters of each answer, and the events it arrives in.
const CHARS: usize = 60_000;
const CHUNKS: usize = 3_000;

/// What streaming one answer cost, and what the console printed.
pub struct StreamFigures {
    /// The bot's CPU time, in ms.
    pub cpu_ms: f64,
    /// Characters the console printed (the answer, and any line printed again).
    pub printed: usize,
}

impl StreamFigures {
    /// The gate's complaints, for an answer described as `what`.
    pub fn misses(&self, what: &str) -> Vec<String> {
        let mut misses = Vec::new();
        if self.cpu_ms.is_nan() || self.cpu_ms > MAX_STREAM_CPU_MS {
            misses.push(format!(
                "streaming {what} took {:.0} ms of CPU (gate ≤ {MAX_STREAM_CPU_MS:.0})",
                self.cpu_ms
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

/// `text` streamed in `CHUNKS` events of equal length in characters, each sent on its own (the
/// server pauses between them, as an agent writing does), to a console on a terminal.
pub async fn stream(fake: &FakeNemo, text: &str) -> StreamFigures {
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars.len(), CHARS);
    let mut steps = Vec::with_capacity(2 * CHUNKS + 1);
    for chunk in chars.chunks(CHARS / CHUNKS) {
        steps.push(Step::Partial(chunk.iter().collect()));
        steps.push(Step::Sleep(Duration::from_millis(1)));
    }
    steps.push(Step::Text(text.to_string()));
    fake.push_turn(steps);
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
    StreamFigures {
        cpu_ms: cpu.as_secs_f64() * 1e3,
        printed: printed.load(Ordering::Relaxed),
    }
}
