//! What the bot hears in songs made here, whose tempo, beats, bars, sections and key are known by
//! construction (issue #20), through the public API; the whole set's accuracy is the bench's
//! (`benches/support/analysis.rs`).

#[path = "common/songs.rs"]
mod songs;

use music_video_bot::audio::analysis::{analyse, analyse_samples, RATE};
use songs::{chords, drums, Chord, Drums, Noise};

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
        let got = heard_bpm(&drums(bpm, 4, 30.0));
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
        let got = heard_bpm(&Drums { bpm, meter, swing }.after(0.0, 30.0));
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

#[test]
fn a_stereo_file_is_decoded_down_and_cut_at_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("song.wav");
    songs::wav(&path, &drums(124.0, 4, 40.0));
    let heard = analyse(&path, 25.0).expect("a WAV file is heard");
    assert!((heard.seconds - 25.0).abs() < 0.01, "{heard:?}");
    let bpm = heard.tempo.expect("a tempo").bpm;
    assert!((bpm / 124.0 - 1.0).abs() <= 0.04, "heard {bpm:.1}");
    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "not a song").expect("write");
    assert_eq!(analyse(&text, 25.0), None);
}

#[test]
fn beats_fall_on_the_drums_and_bars_on_the_accented_kick() {
    for (lead, bpm, meter) in [
        (0.0, 120.0, 4),
        (2.0, 96.0, 4),
        (1.3, 150.0, 3),
        (3.0, 84.0, 3),
    ] {
        let heard = analyse_samples(&Drums::straight(bpm, meter).after(lead, 32.0));
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
    let mut song = drums(120.0, 4, 60.0);
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
    assert!(analyse_samples(&drums(120.0, 4, 60.0)).sections.is_empty());
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
    assert_eq!(analyse_samples(&drums(120.0, 4, 20.0)).key, None);
}

#[test]
fn the_key_of_a_cadence_in_each_of_the_24_keys() {
    let wrong: Vec<String> = (0..24)
        .filter_map(|k| {
            let (tonic, minor) = (k % 12, k >= 12);
            let heard = analyse_samples(&chords(&songs::cadence(tonic, minor))).key;
            (heard.map(|h| (h.tonic, h.minor)) != Some((tonic, minor)))
                .then(|| format!("{tonic} (minor: {minor}) heard as {heard:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}

#[test]
fn the_set_holds_what_the_issue_asks_and_scores_as_the_readme_says() {
    let set = songs::set();
    let count = |category: &str| set.iter().filter(|c| c.category == category).count();
    let tempi: Vec<f64> = set.iter().filter_map(|c| c.bpm).collect();
    assert!(tempi.contains(&70.0) && tempi.contains(&180.0));
    for category in ["swing", "3/4", "silence first", "tempo change", "noise"] {
        assert!(count(category) >= 5, "{category}: {}", count(category));
    }
    let mut keys: Vec<(usize, bool)> = set.iter().filter_map(|c| c.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 24, "every key");
    // A tempo change halfway is heard right at either half's tempo, and only there.
    let change = set
        .iter()
        .find(|c| c.name == "change-100-120")
        .expect("a tempo change");
    for (heard, right, octave) in [
        (Some(97.0), true, false),
        (Some(124.0), true, false),
        (Some(110.0), false, false),
        (Some(240.0), false, true),
        (Some(50.0), false, true),
        (None, false, false),
    ] {
        assert_eq!(change.tempo_right(heard), right, "{heard:?}");
        assert_eq!(change.octave_error(heard), octave, "{heard:?}");
    }
}

#[test]
fn the_first_file_of_each_kind_in_the_set_is_heard_right() {
    let mut seen: Vec<&str> = Vec::new();
    for case in songs::set() {
        if seen.contains(&case.category) {
            continue;
        }
        seen.push(case.category);
        let heard = analyse_samples(&case.samples());
        if case.bpm.is_some() {
            assert!(
                case.tempo_right(heard.tempo.map(|t| t.bpm)),
                "{}: {:?}",
                case.name,
                heard.tempo
            );
        }
        // The key where there are chords, and none on drums alone.
        let key = heard.key.map(|k| (k.tonic, k.minor));
        assert_eq!(key, case.key, "{}", case.name);
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
}
