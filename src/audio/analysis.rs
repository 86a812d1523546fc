//! What the bot hears in a song: its tempo, beats and bars, its sections and its key, read from
//! the decoded audio on the bot's side, for the member's card and the agent's note (issue #20).

mod beats;
mod decode;
mod key;
mod onset;
mod sections;
mod tempo;

pub use decode::RATE;
pub use key::{pitch_name, Key};
pub use tempo::Tempo;

use std::path::Path;

/// What was heard in a song.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    /// The tempo, when there is a pulse at all.
    pub tempo: Option<Tempo>,
    /// The beats, in seconds from the start.
    pub beats: Vec<f64>,
    /// Beats in a bar (3 or 4), when the bars stand out.
    pub meter: Option<usize>,
    /// Where the first bar begins, in seconds, when the bars stand out.
    pub first_downbeat: Option<f64>,
    /// Where the sections change, in seconds (at most 6).
    pub sections: Vec<f64>,
    /// Where the song gets loudest, in seconds: the drop.
    pub drop: Option<f64>,
    /// The key, when one fits clearly.
    pub key: Option<Key>,
    /// Seconds of audio analysed.
    pub seconds: f64,
}

/// Listens to at most the first `max_seconds` of the file at `path`; `None` when it cannot be
/// decoded. CPU-bound: run it off the async workers.
pub fn analyse(path: &Path, max_seconds: f64) -> Option<Heard> {
    decode::mono(path, max_seconds).map(|samples| analyse_samples(&samples))
}

/// Listens to mono `samples` at [`RATE`].
pub fn analyse_samples(samples: &[f32]) -> Heard {
    let curves = onset::curves(samples);
    let fps = onset::fps();
    let tempo = tempo::estimate(&curves.all, &curves.body, fps);
    let frames = tempo.map_or_else(Vec::new, |t| beats::track(&curves.body, 60.0 * fps / t.bpm));
    let bars = beats::bars(&curves.bass, &frames);
    let second = |frame: usize| frame as f64 / fps + onset::LATENCY;
    let boundaries = sections::boundaries(samples, RATE);
    Heard {
        tempo,
        beats: frames.iter().map(|&f| second(f)).collect(),
        meter: bars.map(|b| b.meter),
        first_downbeat: bars.map(|b| second(frames[b.first])),
        sections: boundaries.iter().map(|b| b.at).collect(),
        drop: sections::drop(&boundaries),
        key: key::key(samples),
        seconds: samples.len() as f64 / f64::from(RATE),
    }
}
