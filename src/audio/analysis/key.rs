//! The key: how much of each pitch class the song holds (a chromagram), matched against
//! Krumhansl and Kessler's profiles of the 24 major and minor keys.

use super::decode::RATE;
use realfft::RealFftPlanner;

/// Samples per frame (0.37 s): 2.7 Hz between bins, fine enough for the low notes.
const WIN: usize = 4096;
/// The pitches counted, in Hz: from A1 to about B6.
const LOWEST: f32 = 55.0;
const HIGHEST: f32 = 2_000.0;
/// A key is told when its profile fits at least this well (Pearson's r) …
const FITS: f64 = 0.6;
/// … and better than any other key's by this much.
const CLEAR: f64 = 0.04;

/// Krumhansl and Kessler's probe-tone ratings, from the tonic up.
const MAJOR: [f64; 12] = [
    6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88,
];
const MINOR: [f64; 12] = [
    6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17,
];

/// A key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The tonic's pitch class, 0 = C … 11 = B.
    pub tonic: usize,
    /// Minor (true) or major.
    pub minor: bool,
}

impl Key {
    /// The tonic's name ("C", "F♯" …).
    pub fn tonic_name(&self) -> &'static str {
        pitch_name(self.tonic)
    }
}

/// The name of pitch class `pitch` (0 = C … 11 = B): "C", "F♯" …
pub fn pitch_name(pitch: usize) -> &'static str {
    [
        "C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B",
    ][pitch % 12]
}

/// The key of mono `samples` at [`RATE`], when one fits clearly.
pub fn key(samples: &[f32]) -> Option<Key> {
    let chroma = chroma(samples)?;
    let mut fits: Vec<(f64, Key)> = (0..24)
        .map(|k| {
            let key = Key {
                tonic: k % 12,
                minor: k >= 12,
            };
            let profile = if key.minor { &MINOR } else { &MAJOR };
            let rotated: Vec<f64> = (0..12)
                .map(|pc| profile[(pc + 12 - key.tonic) % 12])
                .collect();
            (pearson(&chroma, &rotated), key)
        })
        .collect();
    fits.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, key) = fits[0];
    (best >= FITS && best - fits[1].0 >= CLEAR).then_some(key)
}

/// The energy of each pitch class, 0 = C; `None` for silence.
fn chroma(samples: &[f32]) -> Option<[f64; 12]> {
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(WIN);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let hz = RATE as f32 / WIN as f32;
    let classes: Vec<Option<usize>> = (0..spectrum.len())
        .map(|bin| {
            let f = bin as f32 * hz;
            (LOWEST..=HIGHEST).contains(&f).then(|| {
                let semitones = (12.0 * (f / 440.0).log2()).round() as i64;
                (semitones + 9).rem_euclid(12) as usize
            })
        })
        .collect();
    // A Hann window: without one each note leaked over the semitones around it, and B♭ minor's
    // third drowned in its neighbours (the set's cadences in the 24 keys: 23 right, 24 with it).
    let window: Vec<f32> = (0..WIN)
        .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / WIN as f32).cos())
        .collect();
    let mut chroma = [0f64; 12];
    for frame in samples.chunks_exact(WIN) {
        for ((x, s), w) in input.iter_mut().zip(frame).zip(&window) {
            *x = s * w;
        }
        if fft.process(&mut input, &mut spectrum).is_err() {
            return None;
        }
        for (c, class) in spectrum.iter().zip(&classes) {
            if let Some(pc) = class {
                chroma[*pc] += f64::from(c.norm());
            }
        }
    }
    (chroma.iter().sum::<f64>() > 0.0).then_some(chroma)
}

/// Pearson's correlation of two equally long series.
fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ab += (x - ma) * (y - mb);
        aa += (x - ma) * (x - ma);
        bb += (y - mb) * (y - mb);
    }
    if aa <= 0.0 || bb <= 0.0 {
        return 0.0;
    }
    ab / (aa * bb).sqrt()
}
