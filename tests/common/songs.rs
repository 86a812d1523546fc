//! Songs made here, whose tempo and key are known by construction: drum patterns, chord
//! progressions, noise, a WAV writer, and the set the analysis is measured on (issue #20), shared
//! by `tests/analysis.rs` and the bench's analysis rows (`benches/support/analysis.rs`), which
//! can also write the set out for the reference comparison (`benches/reference/`).
#![allow(dead_code)]

use music_video_bot::audio::analysis::RATE;
use std::path::Path;

/// A deterministic noise source (the tests must not depend on a seed's luck).
pub struct Noise(pub u32);

impl Noise {
    /// The next value, in −1…1.
    pub fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (self.0 >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
    }
}

/// Adds a decaying sound from `at` (seconds): `tone` Hz (0 for none) and `noise` of it.
fn hit(out: &mut [f32], at: f64, tone: f32, noise: f32, decay_s: f32, gain: f32, n: &mut Noise) {
    let start = (at * f64::from(RATE)) as usize;
    let length = (decay_s * 5.0 * RATE as f32) as usize;
    let mut previous = 0f32;
    for i in 0..length {
        let Some(slot) = out.get_mut(start + i) else {
            break;
        };
        let t = i as f32 / RATE as f32;
        let envelope = (-t / decay_s).exp() * gain;
        let white = n.next();
        // A hat is bright: the difference of white noise leans to the top of the spectrum.
        let bright = white - previous;
        previous = white;
        let body = (std::f32::consts::TAU * tone * t).sin();
        *slot +=
            envelope * ((1.0 - noise) * body + noise * if tone == 0.0 { bright } else { white });
    }
}

/// A drum pattern: kick on the bar's first beat (and a softer one on the third in 4/4), snare
/// on the others, hats on every eighth, the second eighth of each beat late by `swing` (0
/// straight, 1/3 a triplet feel).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drums {
    /// Beats per minute.
    pub bpm: f64,
    /// Beats in a bar (3 or 4).
    pub meter: usize,
    /// How late the off-beat eighth is, in halves of a beat.
    pub swing: f64,
}

impl Drums {
    /// Straight drums at `bpm` in `meter`.
    pub fn straight(bpm: f64, meter: usize) -> Drums {
        Drums {
            bpm,
            meter,
            swing: 0.0,
        }
    }

    /// Adds whole beats of the pattern to `out` from `from` until `to` (seconds), the first a
    /// downbeat.
    pub fn play(&self, out: &mut [f32], from: f64, to: f64) {
        let mut n = Noise(7);
        let beat = 60.0 / self.bpm;
        let beats = ((to - from) / beat) as usize;
        for b in 0..beats {
            let at = from + b as f64 * beat;
            match b % self.meter {
                0 => hit(out, at, 55.0, 0.1, 0.12, 0.9, &mut n),
                2 if self.meter == 4 => hit(out, at, 55.0, 0.1, 0.12, 0.6, &mut n),
                _ => hit(out, at, 190.0, 0.7, 0.09, 0.6, &mut n),
            }
            hit(out, at, 0.0, 1.0, 0.02, 0.2, &mut n);
            let off = at + beat * (0.5 + self.swing / 2.0);
            hit(out, off, 0.0, 1.0, 0.02, 0.15, &mut n);
        }
    }

    /// `seconds` of the pattern after `lead` seconds of silence.
    pub fn after(&self, lead: f64, seconds: f64) -> Vec<f32> {
        let mut out = silence(seconds);
        self.play(&mut out, lead, seconds);
        out
    }
}

/// `seconds` of straight drums at `bpm` in `meter` from the first sample.
pub fn drums(bpm: f64, meter: usize, seconds: f64) -> Vec<f32> {
    Drums::straight(bpm, meter).after(0.0, seconds)
}

/// `seconds` of nothing.
pub fn silence(seconds: f64) -> Vec<f32> {
    vec![0f32; (seconds * f64::from(RATE)) as usize]
}

/// `samples` with white noise added at `level` times their own RMS.
pub fn with_noise(mut samples: Vec<f32>, level: f32, seed: u32) -> Vec<f32> {
    let power = samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32;
    // White noise in −1…1 has an RMS of 1/√3.
    let gain = level * power.sqrt() * 3f32.sqrt();
    let mut n = Noise(seed);
    for s in &mut samples {
        *s += gain * n.next();
    }
    samples
}

/// A chord: its root in semitones from A4, and whether its third is minor.
pub type Chord = (i32, bool);

/// Chords (root, third, fifth and the root an octave down, from `roots` in semitones from
/// A4 = 440 Hz; `minor` thirds per chord), each note with two overtones, `per` seconds each,
/// added to `out` from its start, the progression repeated until `out` ends.
pub fn play_chords(out: &mut [f32], chords: &[Chord], per: f64, gain: f32) {
    let per = (per * f64::from(RATE)) as usize;
    for (c, slice) in out.chunks_mut(per.max(1)).enumerate() {
        let (root, minor) = chords[c % chords.len()];
        let third = if minor { 3 } else { 4 };
        for semitone in [root - 12, root, root + third, root + 7] {
            let f = 440.0 * 2f32.powf(semitone as f32 / 12.0);
            for (i, slot) in slice.iter_mut().enumerate() {
                let t = i as f32 / RATE as f32;
                for (h, weight) in [(1.0, 0.3), (2.0, 0.12), (3.0, 0.06)] {
                    *slot += gain * weight * (std::f32::consts::TAU * f * h * t).sin();
                }
            }
        }
    }
}

/// The progression once through, two seconds a chord.
pub fn chords(progression: &[Chord]) -> Vec<f32> {
    let mut out = silence(2.0 * progression.len() as f64);
    play_chords(&mut out, progression, 2.0, 1.0);
    out
}

/// I–IV–V–I in a major key, i–iv–V–i in a minor one (the harmonic minor's major dominant),
/// the tonic `tonic` (0 = C … 11 = B) between E♭4 and D5.
pub fn cadence(tonic: usize, minor: bool) -> [Chord; 4] {
    let root = (tonic as i32 + 9) % 12 - 6;
    [
        (root, minor),
        (root + 5, minor),
        (root + 7, false),
        (root, minor),
    ]
}

/// `samples` as a 16-bit stereo WAV file at 44.1 kHz (each sample held for four frames, so
/// that averaging four frames gives the samples back).
pub fn wav(path: &Path, samples: &[f32]) {
    let frames = samples.len() * 4;
    let data = (frames * 4) as u32;
    let mut bytes = Vec::with_capacity(44 + data as usize);
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes());
    bytes.extend_from_slice(&2u16.to_le_bytes());
    bytes.extend_from_slice(&44_100u32.to_le_bytes());
    bytes.extend_from_slice(&(44_100u32 * 4).to_le_bytes());
    bytes.extend_from_slice(&4u16.to_le_bytes());
    bytes.extend_from_slice(&16u16.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        let v = ((s.clamp(-1.0, 1.0)) * 32_000.0) as i16;
        for _ in 0..8 {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    std::fs::write(path, bytes).expect("write the WAV");
}

/// Seconds of each file of the set with drums.
const SECONDS: f64 = 30.0;
/// How far a tempo heard may be from the truth, as a share of it (the 4 %).
pub const TOLERANCE: f64 = 0.04;

/// One file of the set: how it is made and what is right for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// A file name without extension.
    pub name: String,
    /// What kind of material it is (the table's rows).
    pub category: &'static str,
    /// The tempo, when it has drums.
    pub bpm: Option<f64>,
    /// The second half's tempo, for a tempo change halfway.
    pub then_bpm: Option<f64>,
    /// The key (tonic 0 = C … 11 = B, minor), when it has chords.
    pub key: Option<(usize, bool)>,
    recipe: Recipe,
}

#[derive(Debug, Clone, PartialEq)]
enum Recipe {
    Drums { drums: Drums, lead: f64 },
    Change { first: Drums, then: Drums },
    Noisy { drums: Drums, level: f32 },
    Chords,
    Song { drums: Drums },
}

const TONICS: [&str; 12] = [
    "C", "Cs", "D", "Eb", "E", "F", "Fs", "G", "Ab", "A", "Bb", "B",
];

/// The set, in the table's order: drums at known tempi (straight 4/4 every 5 BPM from 70 to
/// 180, swung, in 3/4, after silence, changing tempo halfway, under noise), a cadence in each of
/// the 24 keys, and drums with chords at known tempo and key.
pub fn set() -> Vec<Case> {
    let drums = |category, name: String, drums: Drums, recipe| Case {
        name,
        category,
        bpm: Some(drums.bpm),
        then_bpm: None,
        key: None,
        recipe,
    };
    let mut set = Vec::new();
    // Drums from the first sample: (category, name, tempi, meter, swing).
    for (category, name, tempi, meter, swing) in [
        ("4/4", "straight", (70..=180).step_by(5), 4, 0.0),
        ("swing", "swing", (75..=165).step_by(15), 4, 1.0 / 3.0),
        ("3/4", "waltz", (72..=172).step_by(20), 3, 0.0),
    ] {
        for bpm in tempi.map(f64::from) {
            let d = Drums { bpm, meter, swing };
            let recipe = Recipe::Drums {
                drums: d,
                lead: 0.0,
            };
            set.push(drums(category, format!("{name}-{bpm}"), d, recipe));
        }
    }
    for (lead, bpm) in [
        (2.0, 84.0),
        (3.5, 100.0),
        (5.0, 126.0),
        (7.0, 142.0),
        (10.0, 166.0),
    ] {
        let d = Drums::straight(bpm, 4);
        let recipe = Recipe::Drums { drums: d, lead };
        set.push(drums(
            "silence first",
            format!("lead-{lead}-{bpm}"),
            d,
            recipe,
        ));
    }
    for (a, b) in [
        (90.0, 108.0),
        (100.0, 120.0),
        (120.0, 105.0),
        (128.0, 144.0),
        (150.0, 125.0),
        (170.0, 140.0),
    ] {
        let (first, then) = (Drums::straight(a, 4), Drums::straight(b, 4));
        let mut case = drums(
            "tempo change",
            format!("change-{a}-{b}"),
            first,
            Recipe::Change { first, then },
        );
        case.then_bpm = Some(b);
        set.push(case);
    }
    for (i, bpm) in [80.0, 98.0, 116.0, 134.0, 152.0, 176.0]
        .into_iter()
        .enumerate()
    {
        let d = Drums::straight(bpm, 4);
        // Noise as loud as the drums, or half as loud (0 and −6 dB).
        let level = if i % 2 == 0 { 1.0 } else { 0.5 };
        let recipe = Recipe::Noisy { drums: d, level };
        set.push(drums("noise", format!("noise-{bpm}-{level}"), d, recipe));
    }
    for k in 0..24 {
        let (tonic, minor) = (k % 12, k >= 12);
        let mode = if minor { "minor" } else { "major" };
        set.push(Case {
            name: format!("chords-{}-{mode}", TONICS[tonic]),
            category: "chords",
            bpm: None,
            then_bpm: None,
            key: Some((tonic, minor)),
            recipe: Recipe::Chords,
        });
    }
    for (bpm, meter, tonic, minor) in [
        (76.0, 4, 2, true),
        (96.0, 3, 7, false),
        (110.0, 4, 10, false),
        (124.0, 4, 4, true),
        (140.0, 4, 5, false),
        (168.0, 4, 1, true),
    ] {
        let d = Drums::straight(bpm, meter);
        let mode = if minor { "minor" } else { "major" };
        let mut case = drums(
            "drums + chords",
            format!("song-{bpm}-{}-{mode}", TONICS[tonic]),
            d,
            Recipe::Song { drums: d },
        );
        case.key = Some((tonic, minor));
        set.push(case);
    }
    set
}

impl Case {
    /// The file's samples at [`RATE`], at most 0.9 at their loudest (so a WAV never clips).
    pub fn samples(&self) -> Vec<f32> {
        let samples = match &self.recipe {
            Recipe::Drums { drums, lead } => drums.after(*lead, SECONDS),
            Recipe::Change { first, then } => {
                let mut out = silence(SECONDS);
                first.play(&mut out, 0.0, SECONDS / 2.0);
                then.play(&mut out, SECONDS / 2.0, SECONDS);
                out
            }
            Recipe::Noisy { drums, level } => with_noise(drums.after(0.0, SECONDS), *level, 11),
            Recipe::Chords => {
                let (tonic, minor) = self.key.unwrap_or_default();
                chords(&cadence(tonic, minor))
            }
            Recipe::Song { drums } => song(*drums, self.key.unwrap_or_default(), SECONDS),
        };
        normalized(samples)
    }

    /// Whether a tempo heard is right: within [`TOLERANCE`] of the tempo, or for a tempo change
    /// halfway, of either half's (the analysis tells one tempo for the whole song, and either
    /// half is as much the song as the other).
    pub fn tempo_right(&self, heard: Option<f64>) -> bool {
        let truths = [self.bpm, self.then_bpm];
        heard.is_some_and(|h| {
            truths
                .iter()
                .flatten()
                .any(|&t| (h / t - 1.0).abs() <= TOLERANCE)
        })
    }

    /// Whether a wrong tempo is an octave error: right at double or half speed.
    pub fn octave_error(&self, heard: Option<f64>) -> bool {
        !self.tempo_right(heard)
            && [2.0, 0.5]
                .iter()
                .any(|factor| self.tempo_right(heard.map(|h| h * factor)))
    }
}

/// Drums with the cadence of `key` one chord a bar, for `seconds`.
pub fn song(drums: Drums, (tonic, minor): (usize, bool), seconds: f64) -> Vec<f32> {
    let mut out = drums.after(0.0, seconds);
    let bar = 60.0 / drums.bpm * drums.meter as f64;
    play_chords(&mut out, &cadence(tonic, minor), bar, 0.5);
    out
}

/// `samples` scaled to peak at 0.9.
pub fn normalized(mut samples: Vec<f32>) -> Vec<f32> {
    let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
    if peak > 0.0 {
        samples.iter_mut().for_each(|s| *s *= 0.9 / peak);
    }
    samples
}
