//! Songs heard (issue #20): each song file the bot uploads itself is analysed off the async
//! workers, a few at a time, while it uploads. What is ready when the upload is done shows on
//! the upload line and is kept with the session for `/status`; what is ready when the scope's
//! next turn starts is told to the agent. Nothing waits for the analysis.

use super::text::clock;
use crate::audio::analysis::{self, pitch_name, Heard};
use crate::config::AnalysisConfig;
use crate::files::{CheckedFile, MediaKind};
use crate::store::SongHeard;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// A tempo is told from this confidence up (noise measures below 0.5; see the analysis tests).
const CONFIDENT_TEMPO: f64 = 0.5;
/// Songs kept per scope for its next turn; the oldest give way.
const KEPT_PER_SCOPE: usize = 8;
/// Songs no turn took within this long are forgotten (the map follows active scopes only).
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// Below this many scopes the map is not swept.
const MIN_SWEEP: usize = 64;

/// The songs being heard, and those heard since each scope's last turn.
pub(crate) struct Listening {
    cfg: AnalysisConfig,
    /// One analysis per core at a time: each holds the decoded song (2.6 MB a minute) and a
    /// core, and a burst of uploads must not take every core from the bot.
    slots: Arc<Semaphore>,
    untold: Mutex<Untold>,
}

struct Untold {
    by_scope: HashMap<String, Vec<Hearing>>,
    /// Forget stale scopes once the map reaches this size (twice the live ones at the last
    /// sweep, so sweeping costs O(1) per song on average).
    sweep_at: usize,
}

/// One song being heard; cheap to clone.
#[derive(Clone)]
pub(crate) struct Hearing {
    started: Instant,
    /// Set once the analysis ended: what was heard with confidence, none when nothing was.
    heard: Arc<OnceLock<Option<SongHeard>>>,
    /// Whether the session already keeps it (it was ready when the upload was done).
    stored: Arc<AtomicBool>,
}

impl Hearing {
    /// What was heard, once the analysis has ended and found something.
    pub(crate) fn ready(&self) -> Option<&SongHeard> {
        self.heard.get().and_then(Option::as_ref)
    }

    /// Whether the session keeps it already.
    pub(crate) fn stored(&self) -> bool {
        self.stored.load(Ordering::Relaxed)
    }

    /// Notes that the session keeps it now.
    pub(crate) fn mark_stored(&self) {
        self.stored.store(true, Ordering::Relaxed);
    }

    fn pending(&self) -> bool {
        self.heard.get().is_none()
    }
}

impl Listening {
    /// Listening within `cfg`'s bounds.
    pub(crate) fn new(cfg: AnalysisConfig) -> Listening {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Listening {
            cfg,
            slots: Arc::new(Semaphore::new(cores)),
            untold: Mutex::new(Untold {
                by_scope: HashMap::new(),
                sweep_at: MIN_SWEEP,
            }),
        }
    }

    /// Whether turns tell the agent what was heard.
    pub(crate) fn tells_agent(&self) -> bool {
        self.cfg.tell_agent
    }

    /// Starts hearing `file` (shown as `name`) when it is a song and analysis is on.
    pub(crate) fn start(&self, file: &CheckedFile, name: &str) -> Option<Hearing> {
        if file.kind != MediaKind::Audio || self.cfg.max_minutes == 0 {
            return None;
        }
        let hearing = Hearing {
            started: Instant::now(),
            heard: Arc::new(OnceLock::new()),
            stored: Arc::default(),
        };
        let (path, name, cell) = (file.path.clone(), name.to_string(), hearing.heard.clone());
        let max_seconds = f64::from(self.cfg.max_minutes) * 60.0;
        let slots = self.slots.clone();
        tokio::spawn(async move {
            let _slot = slots.acquire_owned().await;
            let heard = tokio::task::spawn_blocking(move || {
                let heard = analysis::analyse(&path, max_seconds);
                heard.and_then(|h| summary(&name, &h, max_seconds))
            })
            .await;
            let heard = heard.ok().flatten();
            let found = heard.is_some();
            let _ = cell.set(heard);
            crate::telemetry::metrics::song_heard(found);
        });
        Some(hearing)
    }

    /// Keeps `hearing` for the scope's next turn.
    pub(crate) fn keep(&self, scope: &str, hearing: Hearing) {
        let mut untold = self.untold.lock();
        let kept = untold.by_scope.entry(scope.to_string()).or_default();
        kept.push(hearing);
        if kept.len() > KEPT_PER_SCOPE {
            kept.remove(0);
        }
        if untold.by_scope.len() >= untold.sweep_at {
            untold
                .by_scope
                .retain(|_, kept| kept.iter().any(|h| h.started.elapsed() < FORGET_AFTER));
            untold.sweep_at = (untold.by_scope.len() * 2).max(MIN_SWEEP);
        }
    }

    /// Forgets the songs heard in the scope and not yet told (its project is starting anew).
    pub(crate) fn forget(&self, scope: &str) {
        self.untold.lock().by_scope.remove(scope);
    }

    /// The songs heard in the scope since its last turn, for the turn starting now (each
    /// [`Hearing::ready`]). Songs still being heard stay for the turn after (this one goes
    /// without them); songs in which nothing was heard are dropped.
    pub(crate) fn take(&self, scope: &str) -> Vec<Hearing> {
        let mut untold = self.untold.lock();
        let Some(kept) = untold.by_scope.remove(scope) else {
            return Vec::new();
        };
        let (pending, ended): (Vec<Hearing>, Vec<Hearing>) =
            kept.into_iter().partition(Hearing::pending);
        if !pending.is_empty() {
            untold.by_scope.insert(scope.to_string(), pending);
        }
        ended.into_iter().filter(|h| h.ready().is_some()).collect()
    }
}

/// What of `heard` (the first `max_seconds` of the song `name`) is told: the tempo when
/// confident, the bars and the key when found, the sections and the drop, and the length
/// when the whole song was heard; none when nothing musical was found (a length alone is
/// what NemoVideo reports anyway).
pub(crate) fn summary(name: &str, heard: &Heard, max_seconds: f64) -> Option<SongHeard> {
    let whole = heard.seconds < max_seconds - 1.0 / f64::from(analysis::RATE);
    let tempo = heard.tempo.filter(|t| t.confidence >= CONFIDENT_TEMPO);
    let song = SongHeard {
        name: name.to_string(),
        seconds: whole.then_some(heard.seconds),
        bpm: tempo.map(|t| t.bpm),
        meter: tempo.and(heard.meter).map(|m| m as u8),
        first_downbeat: tempo.and(heard.first_downbeat),
        sections: heard.sections.clone(),
        drop: heard.drop,
        key: heard.key.map(|k| (k.tonic as u8, k.minor)),
    };
    let found = song.bpm.is_some() || song.key.is_some() || !song.sections.is_empty();
    found.then_some(song)
}

/// The most characters the agent's note of what was heard takes (the member's words come
/// first and are never cut).
pub(crate) const NOTE_MAX_CHARS: usize = 300;
/// How the note opens and closes: brackets, so the agent tells it from the member's words.
const AGENT_NOTE_OPEN: &str = "[What the bot heard in the uploaded audio, for cutting on the beat:";
const AGENT_NOTE_CLOSE: &str = "]";
/// Characters of a song's name the note keeps.
const NOTE_NAME_CHARS: usize = 40;

/// The note for the agent of what was heard in `songs` (oldest first): one line per song,
/// within [`NOTE_MAX_CHARS`]; a song's sections go first when it does not fit, then the
/// oldest songs. `None` when nothing fits or nothing was heard.
pub(crate) fn note(songs: &[SongHeard]) -> Option<String> {
    let mut budget = NOTE_MAX_CHARS - AGENT_NOTE_OPEN.len() - AGENT_NOTE_CLOSE.len() - 1;
    let mut lines = Vec::new();
    for song in songs.iter().rev() {
        let fits = [true, false]
            .into_iter()
            .map(|sections| note_line(song, sections))
            .find(|line| line.chars().count() < budget);
        let Some(line) = fits else { break };
        budget -= line.chars().count() + 1;
        lines.push(line);
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(format!(
        "{AGENT_NOTE_OPEN}\n{}{AGENT_NOTE_CLOSE}",
        lines.join("\n")
    ))
}

/// One song's line of the note: its name, then the tempo, bar length, first downbeat, (the
/// section times,) the drop and the key.
fn note_line(song: &SongHeard, with_sections: bool) -> String {
    let name: String = song
        .name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '[' | ']' | '"'))
        .take(NOTE_NAME_CHARS)
        .collect();
    let mut facts = Vec::new();
    if let Some(bpm) = song.bpm {
        facts.push(format!("{bpm:.1} BPM"));
        if let Some(meter) = song.meter {
            let bar = f64::from(meter) * 60.0 / bpm;
            facts.push(format!("{meter}/4, bar {bar:.2} s"));
        }
        if let Some(first) = song.first_downbeat {
            facts.push(format!("first downbeat {first:.2} s"));
        }
    }
    if with_sections && !song.sections.is_empty() {
        let times: Vec<String> = song.sections.iter().map(|&s| clock(s)).collect();
        facts.push(format!("sections {}", times.join(" ")));
    }
    if let Some(drop) = song.drop {
        facts.push(format!("drop {}", clock(drop)));
    }
    if let Some((tonic, minor)) = song.key {
        let mode = if minor { "minor" } else { "major" };
        facts.push(format!("key {} {mode}", pitch_name(usize::from(tonic))));
    }
    format!("\"{name}\": {}", facts.join("; "))
}

#[cfg(test)]
mod tests;
