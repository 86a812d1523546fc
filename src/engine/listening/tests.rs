use super::*;
use crate::audio::analysis::{Key, Tempo};

fn heard(confidence: f64, seconds: f64) -> Heard {
    Heard {
        tempo: Some(Tempo {
            bpm: 124.0,
            confidence,
        }),
        beats: vec![0.5, 0.98],
        meter: Some(4),
        first_downbeat: Some(0.5),
        sections: vec![45.0, 90.0],
        drop: Some(45.0),
        key: Some(Key {
            tonic: 4,
            minor: true,
        }),
        seconds,
    }
}

fn song(name: &str, sections: usize) -> SongHeard {
    SongHeard {
        name: name.into(),
        seconds: Some(192.0),
        bpm: Some(124.0),
        meter: Some(4),
        first_downbeat: Some(0.52),
        sections: (1..=sections).map(|i| i as f64 * 30.0).collect(),
        drop: Some(45.0),
        key: Some((4, true)),
    }
}

#[test]
fn only_what_was_heard_with_confidence_is_told() {
    let limit = 600.0;
    let sure = summary("a.mp3", &heard(0.8, 192.0), limit).unwrap();
    assert_eq!(
        (sure.bpm, sure.meter, sure.first_downbeat),
        (Some(124.0), Some(4), Some(0.5))
    );
    assert_eq!((sure.seconds, sure.key), (Some(192.0), Some((4, true))));
    // An unsure tempo takes its bars with it; the key and sections stay.
    let unsure = summary("a.mp3", &heard(0.3, 192.0), limit).unwrap();
    assert_eq!(
        (unsure.bpm, unsure.meter, unsure.first_downbeat),
        (None, None, None)
    );
    assert_eq!((unsure.key, unsure.drop), (Some((4, true)), Some(45.0)));
    // Cut at the limit: its length is not known from what was heard.
    assert_eq!(
        summary("a.mp3", &heard(0.8, limit), limit).unwrap().seconds,
        None
    );
    // Nothing musical (silence, a broken file): nothing to tell.
    let mut silence = heard(0.0, 30.0);
    (silence.tempo, silence.key, silence.sections) = (None, None, Vec::new());
    assert_eq!(summary("a.mp3", &silence, limit), None);
}

#[test]
fn the_note_tells_each_song_on_a_line_within_its_limit() {
    let one = note(&[song("song.mp3", 2)]).unwrap();
    assert!(
        one.starts_with(AGENT_NOTE_OPEN) && one.ends_with(AGENT_NOTE_CLOSE),
        "{one}"
    );
    for fact in [
        "\"song.mp3\"",
        "124.0 BPM",
        "4/4, bar 1.94 s",
        "first downbeat 0.52 s",
        "sections 0:30 1:00",
        "drop 0:45",
        "key E minor",
    ] {
        assert!(one.contains(fact), "{fact} in {one}");
    }
    assert_eq!(note(&[]), None);
    // Many songs with long names and many sections: the newest first, sections dropped
    // before songs, never past the limit.
    let names: Vec<String> = (0..6).map(|i| format!("{i}{}", "x".repeat(80))).collect();
    let many: Vec<SongHeard> = names.iter().map(|n| song(n, 6)).collect();
    let told = note(&many).unwrap();
    assert!(told.chars().count() <= NOTE_MAX_CHARS, "{}", told.len());
    assert!(told.contains(&names[5][..NOTE_NAME_CHARS]), "{told}");
    assert!(!told.contains(&names[0][..10]), "{told}");
    // A name cannot close the note early or break its lines.
    let hostile = note(&[song("a]\n\"b[.mp3", 0)]).unwrap();
    assert_eq!(hostile.matches(']').count(), 1, "{hostile}");
    assert_eq!(hostile.lines().count(), 2, "{hostile}");
}

fn hearing(heard: Option<Option<SongHeard>>) -> Hearing {
    let cell = OnceLock::new();
    if let Some(h) = heard {
        cell.set(h).unwrap();
    }
    Hearing {
        started: Instant::now(),
        heard: Arc::new(cell),
        stored: Arc::default(),
    }
}

#[test]
fn a_turn_takes_what_is_ready_and_leaves_what_is_still_heard() {
    let listening = Listening::new(AnalysisConfig::default());
    listening.keep("c", hearing(Some(Some(song("ready.mp3", 1)))));
    listening.keep("c", hearing(None));
    listening.keep("c", hearing(Some(None)));
    listening.keep("elsewhere", hearing(Some(Some(song("other.mp3", 1)))));
    let names = |taken: Vec<Hearing>| -> Vec<String> {
        taken
            .iter()
            .map(|h| h.ready().unwrap().name.clone())
            .collect()
    };
    assert_eq!(names(listening.take("c")), ["ready.mp3"]);
    // The one still being heard waits for the next turn; nothing heard is dropped.
    assert_eq!(listening.untold.lock().by_scope["c"].len(), 1);
    assert!(listening.take("c").is_empty());
    assert_eq!(names(listening.take("elsewhere")), ["other.mp3"]);
    for i in 0..KEPT_PER_SCOPE + 2 {
        listening.keep("d", hearing(Some(Some(song(&format!("{i}"), 0)))));
    }
    let kept = names(listening.take("d"));
    assert_eq!(kept.len(), KEPT_PER_SCOPE);
    assert_eq!(kept[0], "2", "the oldest gave way");
}
