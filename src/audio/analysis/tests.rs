//! The analysis against songs made here, whose tempo is known by construction.

use super::{analyse_samples, RATE};

/// A deterministic noise source (the tests must not depend on a seed's luck).
struct Noise(u32);

impl Noise {
    fn next(&mut self) -> f32 {
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

/// A drum pattern at `bpm` in `meter` (3 or 4 beats a bar) for `seconds`: kick on the bar's
/// first beat (and a softer one on the third in 4/4), snare on the others, hats on every eighth,
/// the second eighth of each beat late by `swing` (0 straight, 1/3 a triplet feel).
fn drums(bpm: f64, meter: usize, seconds: f64, swing: f64) -> Vec<f32> {
    drums_from(0.0, bpm, meter, seconds, swing)
}

/// [`drums`] after `lead` seconds of silence.
fn drums_from(lead: f64, bpm: f64, meter: usize, seconds: f64, swing: f64) -> Vec<f32> {
    let mut out = vec![0f32; (seconds * f64::from(RATE)) as usize];
    let mut n = Noise(7);
    let beat = 60.0 / bpm;
    let beats = ((seconds - lead) / beat) as usize;
    for b in 0..beats {
        let at = lead + b as f64 * beat;
        match b % meter {
            0 => hit(&mut out, at, 55.0, 0.1, 0.12, 0.9, &mut n),
            2 if meter == 4 => hit(&mut out, at, 55.0, 0.1, 0.12, 0.6, &mut n),
            _ => hit(&mut out, at, 190.0, 0.7, 0.09, 0.6, &mut n),
        }
        hit(&mut out, at, 0.0, 1.0, 0.02, 0.2, &mut n);
        hit(
            &mut out,
            at + beat * (0.5 + swing / 2.0),
            0.0,
            1.0,
            0.02,
            0.15,
            &mut n,
        );
    }
    out
}

fn heard_bpm(samples: &[f32]) -> f64 {
    analyse_samples(samples).tempo.expect("a tempo").bpm
}

#[test]
fn straight_four_four_from_70_to_180_bpm() {
    let wrong: Vec<String> = [
        70.0, 78.0, 85.0, 92.0, 100.0, 110.0, 120.0, 128.0, 140.0, 150.0, 160.0, 170.0, 180.0,
    ]
    .into_iter()
    .filter_map(|bpm| {
        let got = heard_bpm(&drums(bpm, 4, 30.0, 0.0));
        ((got / bpm - 1.0).abs() > 0.04).then(|| format!("{bpm} BPM heard as {got:.1}"))
    })
    .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}

#[test]
fn swing_and_three_four() {
    for (bpm, meter, swing) in [
        (96.0, 4, 1.0 / 3.0),
        (132.0, 4, 1.0 / 3.0),
        (90.0, 3, 0.0),
        (150.0, 3, 0.0),
    ] {
        let got = heard_bpm(&drums(bpm, meter, 30.0, swing));
        assert!(
            (got / bpm - 1.0).abs() <= 0.04,
            "{bpm} BPM in {meter}, swing {swing:.2}, heard as {got:.1}"
        );
    }
}

#[test]
fn noise_has_no_confident_tempo() {
    let mut n = Noise(3);
    let noise: Vec<f32> = (0..RATE as usize * 20).map(|_| n.next() * 0.3).collect();
    let heard = analyse_samples(&noise);
    assert!(heard.tempo.is_none_or(|t| t.confidence < 0.5), "{heard:?}");
}

/// `samples` as a 16-bit stereo WAV file at 44.1 kHz (each sample held for four frames).
fn wav(path: &std::path::Path, samples: &[f32]) {
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

#[test]
fn a_stereo_file_is_decoded_down_and_cut_at_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("song.wav");
    wav(&path, &drums(124.0, 4, 40.0, 0.0));
    let heard = super::analyse(&path, 25.0).expect("a WAV file is heard");
    assert!((heard.seconds - 25.0).abs() < 0.01, "{heard:?}");
    let bpm = heard.tempo.expect("a tempo").bpm;
    assert!((bpm / 124.0 - 1.0).abs() <= 0.04, "heard {bpm:.1}");
    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "not a song").expect("write");
    assert_eq!(super::analyse(&text, 25.0), None);
}

#[test]
fn beats_fall_on_the_drums_and_bars_on_the_accented_kick() {
    for (lead, bpm, meter) in [
        (0.0, 120.0, 4),
        (2.0, 96.0, 4),
        (1.3, 150.0, 3),
        (3.0, 84.0, 3),
    ] {
        let heard = analyse_samples(&drums_from(lead, bpm, meter, 32.0, 0.0));
        let beat = 60.0 / bpm;
        // Every beat heard is on a drum hit (within 35 ms), and nearly every hit is heard.
        let off: Vec<f64> = heard
            .beats
            .iter()
            .copied()
            .filter(|t| {
                let k = ((t - lead) / beat).round();
                k < 0.0 || (t - lead - k * beat).abs() > 0.035
            })
            .collect();
        assert!(off.is_empty(), "{bpm} BPM: beats off the drums at {off:?}");
        let expected = ((32.0 - lead) / beat) as usize;
        assert!(
            heard.beats.len() + 2 >= expected,
            "{bpm} BPM: {} of {expected} beats",
            heard.beats.len()
        );
        assert_eq!(heard.meter, Some(meter), "{bpm} BPM in {meter}");
        let first = heard.first_downbeat.expect("a downbeat");
        let bars = (first - lead) / (beat * meter as f64);
        assert!(
            (bars - bars.round()).abs() < 0.05 && first < lead + 2.0 * beat * meter as f64,
            "{bpm} BPM: first downbeat at {first:.2} s"
        );
    }
}

#[test]
fn sections_change_where_the_song_gets_louder_and_quieter() {
    let mut song = drums(120.0, 4, 60.0, 0.0);
    // Quiet for 20 s, full for 20 s, quiet again: two boundaries, the drop at 20 s.
    for (i, s) in song.iter_mut().enumerate() {
        let t = i as f64 / f64::from(RATE);
        if !(20.0..40.0).contains(&t) {
            *s *= 0.2;
        }
    }
    let heard = analyse_samples(&song);
    assert_eq!(heard.sections.len(), 2, "{:?}", heard.sections);
    assert!(
        (heard.sections[0] - 20.0).abs() <= 1.0,
        "{:?}",
        heard.sections
    );
    assert!(
        (heard.sections[1] - 40.0).abs() <= 1.0,
        "{:?}",
        heard.sections
    );
    let drop = heard.drop.expect("a drop");
    assert!((drop - 20.0).abs() <= 1.0, "drop at {drop}");
    // A song that never changes has no sections.
    assert!(analyse_samples(&drums(120.0, 4, 60.0, 0.0))
        .sections
        .is_empty());
}

/// A chord: its root in semitones from A4, and whether its third is minor.
type Chord = (i32, bool);

/// Chords (root, third, fifth above `roots`, in semitones from A4 = 440 Hz; `minor` thirds per
/// chord), two seconds each, each note with two overtones.
fn chords(chords: &[Chord]) -> Vec<f32> {
    let per = 2 * RATE as usize;
    let mut out = vec![0f32; per * chords.len()];
    for (c, &(root, minor)) in chords.iter().enumerate() {
        let third = if minor { 3 } else { 4 };
        for semitone in [root - 12, root, root + third, root + 7] {
            let f = 440.0 * 2f32.powf(semitone as f32 / 12.0);
            for (i, slot) in out[c * per..(c + 1) * per].iter_mut().enumerate() {
                let t = i as f32 / RATE as f32;
                for (h, gain) in [(1.0, 0.3), (2.0, 0.12), (3.0, 0.06)] {
                    *slot += gain * (std::f32::consts::TAU * f * h * t).sin();
                }
            }
        }
    }
    out
}

#[test]
fn the_key_of_a_progression_and_none_for_drums() {
    // Semitones from A: C = 3, E = 7, F = 8, G = 10, A = 0, B = 2, F♯ = 9, C♯ = 4, A♭ = -1, D♭ = 4.
    let table: [(&[Chord], &str, bool); 4] = [
        (
            &[(3, false), (8, false), (10, false), (3, false)],
            "C",
            false,
        ),
        (&[(7, true), (0, true), (2, false), (7, true)], "E", true),
        (&[(9, true), (2, true), (4, false), (9, true)], "F♯", true),
        (
            &[(-1, false), (4, false), (6, false), (-1, false)],
            "A♭",
            false,
        ),
    ];
    for (progression, tonic, minor) in table {
        let key = analyse_samples(&chords(progression)).key.expect("a key");
        assert_eq!(
            (key.tonic_name(), key.minor),
            (tonic, minor),
            "{progression:?}"
        );
    }
    assert_eq!(analyse_samples(&drums(120.0, 4, 20.0, 0.0)).key, None);
}
