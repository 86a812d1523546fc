//! What the bot hears in a song: its tempo (and later its bars, sections and key), read from the
//! decoded audio on the bot's side, for the member's card and the agent's note (issue #20).

mod decode;
mod onset;
mod tempo;

pub use decode::RATE;
pub use tempo::Tempo;

use std::path::Path;

/// What was heard in a song.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    /// The tempo, when there is a pulse at all.
    pub tempo: Option<Tempo>,
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
    Heard {
        tempo: tempo::estimate(&curves.all, &curves.body, onset::fps()),
        seconds: samples.len() as f64 / f64::from(RATE),
    }
}

#[cfg(test)]
mod tests;
