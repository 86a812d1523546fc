//! The engine's sentences that need more than a catalog lookup: numbers formatted, details
//! joined, a service's words cleaned. The words themselves are in `locales/*/engine.ftl`.

use crate::audio::analysis::pitch_name;
use crate::i18n::Lang;
use crate::store::SongHeard;
use crate::tr;

/// The seed's prompt, used when the user gave none (words for the agent, not for a member).
pub const DEFAULT_PROMPT: &str =
    "generate a music video with visuals that match the beat and mood of this song";

/// A second request on a busy session; `eta` says when it likely starts, once known.
pub fn queued(lang: Lang, position: usize, eta: Option<&str>) -> String {
    match eta {
        Some(eta) => tr!(lang, "queued-eta", position = position, eta = eta),
        None => tr!(lang, "queued", position = position),
    }
}

/// A tool the agent is using (its name cleaned and shortened).
pub fn working_on(lang: Lang, tool: &str) -> String {
    let name: String = tool.chars().filter(|c| !c.is_control()).take(60).collect();
    tr!(lang, "working-on", tool = name)
}

/// A silent turn that changed the timeline (`change` empty when there was no timeline before).
pub fn silent_changed(lang: Lang, change: &str, summary: &str) -> String {
    if change.is_empty() {
        tr!(lang, "silent-changed-new", summary = summary)
    } else {
        tr!(lang, "silent-changed", change = change, summary = summary)
    }
}

/// A render that failed, with the service's reason when it is a short sentence.
pub fn export_failed(lang: Lang, error: Option<&str>) -> String {
    let why = error
        .map(|e| crate::secret::redact(e.trim()))
        .filter(|e| !e.is_empty() && !e.starts_with('{') && e.len() < 300);
    match why {
        Some(why) => tr!(lang, "export-failed-why", why = why),
        None => tr!(lang, "export-failed"),
    }
}

/// An upload that worked, with its type and length when the service said them.
pub fn uploaded(lang: Lang, name: &str, kind: Option<&str>, seconds: Option<f64>) -> String {
    let mut details: Vec<String> = kind.map(str::to_string).into_iter().collect();
    if let Some(s) = seconds.filter(|s| s.is_finite() && *s > 0.0) {
        details.push(clock(s));
    }
    if details.is_empty() {
        tr!(lang, "uploaded", name = name)
    } else {
        tr!(
            lang,
            "uploaded-details",
            name = name,
            details = details.join(", ")
        )
    }
}

/// A song the bot heard: its name, then what was found with confidence ("🎵 song.mp3 · 3:12
/// · 124 BPM · 4/4 · E minor · drop at 0:45"), for the upload line and `/status`.
pub fn song_heard(lang: Lang, song: &SongHeard) -> String {
    let mut details: Vec<String> = song.seconds.map(clock).into_iter().collect();
    if let Some(bpm) = song.bpm {
        details.push(tr!(lang, "heard-bpm", bpm = bpm.round()));
    }
    if let Some(meter) = song.meter {
        details.push(tr!(lang, "heard-meter", beats = meter));
    }
    if let Some((tonic, minor)) = song.key {
        let tonic = pitch_name(usize::from(tonic));
        details.push(match minor {
            true => tr!(lang, "heard-key-minor", tonic = tonic),
            false => tr!(lang, "heard-key-major", tonic = tonic),
        });
    }
    if let Some(drop) = song.drop {
        details.push(tr!(lang, "heard-drop", at = clock(drop)));
    }
    let name = song.name.as_str();
    match details.is_empty() {
        true => tr!(lang, "heard-song", name = name),
        false => tr!(
            lang,
            "heard-song-details",
            name = name,
            details = details.join(" · ")
        ),
    }
}

/// `m:ss`, rounded to the second (a song's or a video's length).
pub(crate) fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Integers without a fraction, others with one decimal.
pub(crate) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        for (seconds, want) in [
            (0.0, "0:00"),
            (59.6, "1:00"),
            (100.0, "1:40"),
            (3600.0, "60:00"),
        ] {
            assert_eq!(clock(seconds), want);
        }
    }
}
