//! The session's draft (short-key JSON) as a timeline: the contract's one-line summary, whether
//! it can be exported, and what changed between two states, in the member's language (the
//! names and numbers are the draft's own). Tolerates any JSON.

use crate::i18n::Lang;
use crate::tr;
use serde_json::Value;

/// A track's type (`tt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackKind {
    /// `tt` 0.
    Video,
    /// `tt` 1 (background music).
    Audio,
    /// `tt` 7 (titles).
    Text,
    /// Any other type.
    Other(i64),
}

/// One track, as the user sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Its type.
    pub kind: TrackKind,
    /// Its name (title, text, or file).
    pub name: String,
    /// Start of its first segment, ms.
    pub start_ms: u64,
    /// End of its last segment, ms.
    pub end_ms: u64,
    /// Volume in percent, for audio.
    pub volume_pct: Option<u32>,
    /// Number of segments.
    pub segments: usize,
}

/// A draft's tracks and metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// Tracks in order.
    pub tracks: Vec<Track>,
    /// The project's title.
    pub title: Option<String>,
    /// Canvas width.
    pub width: Option<u64>,
    /// Canvas height.
    pub height: Option<u64>,
}

impl Timeline {
    /// Reads a draft (`t` tracks, `tt` type 0 video/1 audio/7 text, `sg` segments, `d` ms, `m`
    /// metadata); tolerates anything.
    pub fn from_draft(draft: &Value) -> Timeline {
        let tracks = draft
            .get("t")
            .or_else(|| draft.get("tracks"))
            .and_then(Value::as_array)
            .map(|ts| ts.iter().filter(|t| t.is_object()).map(track).collect())
            .unwrap_or_default();
        let meta = draft.get("m");
        Timeline {
            tracks,
            title: meta.and_then(|m| text_at(m, &["title", "name"])),
            width: meta
                .and_then(|m| m.get("width"))
                .and_then(number)
                .map(|n| n as u64),
            height: meta
                .and_then(|m| m.get("height"))
                .and_then(number)
                .map(|n| n as u64),
        }
    }

    /// The contract's one-line form:
    /// `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) …`.
    pub fn summary(&self, lang: Lang) -> String {
        if self.tracks.is_empty() {
            return tr!(lang, "timeline-empty");
        }
        let items: Vec<String> = self
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{}. {}", i + 1, describe(lang, t)))
            .collect();
        tr!(
            lang,
            "timeline",
            count = self.tracks.len(),
            items = items.join(" ")
        )
    }

    /// Exportable when some track has segments.
    pub fn is_exportable(&self) -> bool {
        self.tracks.iter().any(|t| t.segments > 0)
    }
}

fn track(t: &Value) -> Track {
    let kind = match t
        .get("tt")
        .or_else(|| t.get("type"))
        .and_then(number)
        .map(|n| n as i64)
    {
        Some(0) => TrackKind::Video,
        Some(1) => TrackKind::Audio,
        Some(7) => TrackKind::Text,
        Some(other) => TrackKind::Other(other),
        None => TrackKind::Other(-1),
    };
    let segs: Vec<&Value> = t
        .get("sg")
        .or_else(|| t.get("segments"))
        .and_then(Value::as_array)
        .map(|s| s.iter().filter(|x| x.is_object()).collect())
        .unwrap_or_default();
    let span = |s: &Value| {
        let start = s
            .get("st")
            .or_else(|| s.get("s"))
            .or_else(|| s.get("start"))
            .or_else(|| s.get("start_ms"));
        let start = start.and_then(number).map_or(0, ms);
        let dur = s
            .get("d")
            .or_else(|| s.get("duration"))
            .and_then(number)
            .map_or(0, ms);
        (start, start.saturating_add(dur))
    };
    let start_ms = segs.iter().map(|s| span(s).0).min().unwrap_or(0);
    let end_ms = segs.iter().map(|s| span(s).1).max().unwrap_or(0);
    let name = segs
        .iter()
        .find_map(|s| name_of(s))
        .or_else(|| name_of(t))
        .unwrap_or_default();
    let volume_pct = segs
        .iter()
        .chain(std::iter::once(&t))
        .find_map(|s| s.get("v").or_else(|| s.get("volume")).and_then(number))
        .map(|v| if v <= 1.0 { v * 100.0 } else { v })
        .map(|v| v.clamp(0.0, 1000.0).round() as u32);
    Track {
        kind,
        name,
        start_ms,
        end_ms,
        volume_pct,
        segments: segs.len(),
    }
}

fn name_of(v: &Value) -> Option<String> {
    v.get("m")
        .and_then(|m| text_at(m, &["title", "name", "text"]))
        .or_else(|| text_at(v, &["name", "n", "title", "text"]))
}

fn text_at(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(clean(s)),
        _ => None,
    })
}

/// Single-line, bounded, without control characters.
fn clean(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    match trimmed.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None => trimmed.to_string(),
    }
}

/// A number given as a number or a numeric string; finite only.
fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// Milliseconds from a float, saturating (never negative, never overflowing).
fn ms(n: f64) -> u64 {
    if n <= 0.0 {
        0
    } else if n >= u64::MAX as f64 {
        u64::MAX
    } else {
        n as u64
    }
}

fn label(lang: Lang, kind: TrackKind) -> String {
    match kind {
        TrackKind::Video => tr!(lang, "track-video"),
        TrackKind::Audio => tr!(lang, "track-bgm"),
        TrackKind::Text => tr!(lang, "track-title"),
        TrackKind::Other(_) => tr!(lang, "track-other"),
    }
}

/// Seconds, without a trailing `.0`: 1500 → "1.5", 10000 → "10".
fn secs(ms: u64) -> String {
    let whole = ms / 1000;
    let tenths = (ms % 1000) / 100;
    if tenths == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{tenths}")
    }
}

/// A span of seconds, `0-10s`.
fn span(lang: Lang, start_ms: u64, end_ms: u64) -> String {
    tr!(
        lang,
        "track-span",
        start = secs(start_ms),
        end = secs(end_ms)
    )
}

/// A track's words as the member reads them: its kind's label, its name (quoted for a title,
/// "untitled" when it has none) and its span.
pub(crate) fn words(lang: Lang, t: &Track) -> (String, String, String) {
    let name = match (t.kind, t.name.is_empty()) {
        (_, true) => tr!(lang, "track-untitled"),
        (TrackKind::Text, false) => tr!(lang, "track-quoted", name = t.name.as_str()),
        _ => t.name.clone(),
    };
    (label(lang, t.kind), name, span(lang, t.start_ms, t.end_ms))
}

/// An audio track's volume (other kinds have none worth showing).
pub(crate) fn volume(t: &Track) -> Option<u32> {
    t.volume_pct.filter(|_| t.kind == TrackKind::Audio)
}

fn describe(lang: Lang, t: &Track) -> String {
    let (label, name, span) = words(lang, t);
    match volume(t) {
        Some(volume) => tr!(
            lang,
            "track-line-volume",
            label = label,
            name = name,
            span = span,
            volume = volume
        ),
        None => tr!(lang, "track-line", label = label, name = name, span = span),
    }
}

/// What changed between two timelines, as one sentence in `lang`; None when nothing changed.
pub fn diff(lang: Lang, before: &Timeline, after: &Timeline) -> Option<String> {
    let mut changes = Vec::new();
    let common = before.tracks.len().min(after.tracks.len());
    for (i, (b, a)) in before.tracks.iter().zip(&after.tracks).enumerate() {
        let n = i + 1;
        let track = || describe(lang, a);
        if b.kind != a.kind || b.name != a.name {
            changes.push(tr!(lang, "change-replaced", n = n, track = track()));
        } else if (b.start_ms, b.end_ms) != (a.start_ms, a.end_ms) {
            changes.push(tr!(
                lang,
                "change-retimed",
                n = n,
                label = label(lang, a.kind),
                before = span(lang, b.start_ms, b.end_ms),
                after = span(lang, a.start_ms, a.end_ms)
            ));
        } else if b.segments != a.segments {
            changes.push(tr!(
                lang,
                "change-segments",
                n = n,
                label = label(lang, a.kind),
                segments = a.segments,
                was = b.segments
            ));
        } else if b.volume_pct != a.volume_pct {
            changes.push(tr!(lang, "change-volume", n = n, track = track()));
        }
    }
    for (i, a) in after.tracks.iter().enumerate().skip(common) {
        changes.push(tr!(
            lang,
            "change-added",
            n = i + 1,
            track = describe(lang, a)
        ));
    }
    for (i, b) in before.tracks.iter().enumerate().skip(common) {
        changes.push(tr!(
            lang,
            "change-removed",
            n = i + 1,
            track = describe(lang, b)
        ));
    }
    if before.title != after.title {
        if let Some(t) = &after.title {
            changes.push(tr!(lang, "change-title", title = t.as_str()));
        }
    }
    if changes.is_empty() {
        return None;
    }
    let list = changes.join(&tr!(lang, "change-separator"));
    // A sentence starts with a capital (where the language has them).
    let mut chars = list.chars();
    let list: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    Some(tr!(lang, "changes", list = list))
}

/// The project's uploaded media (`video_infos`), a line each: name, type and length.
pub(crate) fn media(lang: Lang, state: &Value) -> Vec<String> {
    list(state.get("video_infos"))
        .iter()
        .map(|m| media_line(lang, m))
        .collect()
}

/// The names of what the agent generated (`generated_media`).
pub(crate) fn generated(lang: Lang, state: &Value) -> Vec<String> {
    list(state.get("generated_media"))
        .iter()
        .enumerate()
        .map(|(i, g)| {
            name_of(g)
                .or_else(|| text_at(g, &["filename", "type"]))
                .unwrap_or_else(|| tr!(lang, "state-item", n = i + 1))
        })
        .collect()
}

/// A list, an object's values, or nothing.
fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(o)) => o.values().collect(),
        _ => Vec::new(),
    }
}

fn media_line(lang: Lang, m: &Value) -> String {
    let name =
        text_at(m, &["filename", "name", "title"]).unwrap_or_else(|| tr!(lang, "state-file"));
    let mut details = Vec::new();
    if let Some(kind) = text_at(m, &["file_type", "type"]) {
        details.push(kind);
    }
    if let Some(d) = m
        .get("duration")
        .and_then(number)
        .filter(|d| *d > 0.0 && *d < 1e7)
    {
        details.push(super::text::clock(d));
    }
    if details.is_empty() {
        name
    } else {
        format!("{name} ({})", details.join(", "))
    }
}

#[cfg(test)]
mod tests;
