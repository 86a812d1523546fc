//! The engine's cards, built from what NemoVideo and the store say: credits, the project
//! (timeline, media, running exports), a render's progress, the finished video.

use super::{bar, Card, Tone};
use crate::engine::summary::{self, Timeline, TrackKind};
use crate::engine::text::{self, clock, number};
use crate::i18n::Lang;
use crate::nemo::Credits;
use crate::store::{JobRecord, JobStatus, SongHeard, VideoFacts};
use crate::tr;
use serde_json::Value;

/// Cells in a bar.
const BAR: usize = 10;

/// The credits: a bar of what is available out of the total, the three numbers, the costs.
pub fn credits(lang: Lang, c: &Credits) -> Card {
    let percent = if c.total > 0.0 {
        (c.available / c.total * 100.0).round().clamp(0.0, 100.0) as u8
    } else {
        0
    };
    let card = Card {
        lines: vec![tr!(
            lang,
            "card-credits-bar",
            bar = bar(percent, BAR),
            percent = percent
        )],
        footer: Some(tr!(lang, "card-credits-costs")),
        ..Card::new(lang, Tone::Info, tr!(lang, "card-credits-title"))
    };
    card.field(
        tr!(lang, "card-credits-available"),
        number(c.available),
        true,
    )
    .field(tr!(lang, "card-credits-frozen"), number(c.frozen), true)
    .field(tr!(lang, "card-credits-total"), number(c.total), true)
}

/// The project: one line per track (kind, name, span, volume), then the canvas, the media,
/// the songs the bot heard (`songs`), what was generated and the exports still rendering
/// (`jobs`, the scope's own).
pub fn project(lang: Lang, state: &Value, songs: &[SongHeard], jobs: &[JobRecord]) -> Card {
    let timeline = Timeline::from_draft(state.get("draft").unwrap_or(&Value::Null));
    let title = match &timeline.title {
        Some(title) => tr!(lang, "card-project-title-named", title = title.as_str()),
        None => tr!(lang, "card-project-title"),
    };
    let mut lines: Vec<String> = timeline
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (label, name, span) = summary::words(lang, t);
            let icon = icon(t.kind).to_string();
            let line = tr!(
                lang,
                "card-track",
                n = i + 1,
                icon = icon,
                label = label,
                name = name,
                span = span
            );
            match summary::volume(t) {
                Some(volume) => tr!(lang, "card-track-volume", line = line, volume = volume),
                None => line,
            }
        })
        .collect();
    if lines.is_empty() {
        lines.push(tr!(lang, "card-project-empty"));
    }
    let mut card = Card {
        lines,
        footer: Some(tr!(lang, "card-project-footer")),
        ..Card::new(lang, Tone::Info, title)
    };
    if let (Some(w), Some(h)) = (timeline.width, timeline.height) {
        card = card.field(tr!(lang, "card-project-canvas"), format!("{w}×{h}"), true);
    }
    for (name, items) in [
        (tr!(lang, "card-project-media"), summary::media(lang, state)),
        (
            tr!(lang, "card-project-songs"),
            songs.iter().map(|s| text::song_heard(lang, s)).collect(),
        ),
        (
            tr!(lang, "card-project-generated"),
            summary::generated(lang, state),
        ),
        (
            tr!(lang, "card-project-exports"),
            jobs.iter().map(|j| export_line(lang, j)).collect(),
        ),
    ] {
        if !items.is_empty() {
            card = card.field(name, items.join("\n"), false);
        }
    }
    card
}

/// A render under way: the bar and its percentage, the service's state and when it should
/// be ready (`eta`, as the front writes a time).
pub fn progress(lang: Lang, status: &JobStatus, percent: u8, eta: &str) -> Card {
    Card {
        lines: vec![
            meter(percent),
            tr!(
                lang,
                "card-render-state",
                state = state_word(lang, status),
                eta = eta
            ),
        ],
        footer: Some(tr!(lang, "card-render-footer")),
        ..Card::new(lang, Tone::Working, tr!(lang, "card-render-title"))
    }
}

/// The progress card's last state: the bar full, the video posted below it.
pub fn rendered(lang: Lang) -> Card {
    Card {
        lines: vec![meter(100), tr!(lang, "card-render-done")],
        ..Card::new(lang, Tone::Done, tr!(lang, "card-render-title-done"))
    }
}

/// When a render that started at `started` and stands at `percent` now should end (unix
/// seconds): from its pace once it has made some, else the typical minute; never in the
/// past, never further than ten minutes out.
pub fn finish_estimate(started: u64, now: u64, percent: u8) -> u64 {
    let elapsed = now.saturating_sub(started);
    let remaining = match u64::from(percent.min(100)) {
        p @ 5..=99 if elapsed > 0 => elapsed * (100 - p) / p,
        _ => (started + 60).saturating_sub(now),
    };
    now + remaining.clamp(5, 600)
}

/// The finished video: its title, length, resolution and size (`duration` and `bytes` as the
/// render reported them, else what the draft said).
pub fn finished(lang: Lang, video: &VideoFacts, duration: Option<f64>, bytes: Option<u64>) -> Card {
    let title = video
        .title
        .clone()
        .unwrap_or_else(|| tr!(lang, "card-video-untitled"));
    let seconds = duration.or(video.length_ms.map(|ms| ms as f64 / 1000.0));
    // The contract renders "high" quality: 1080p, unless the draft's canvas says otherwise.
    let (w, h) = video.size.unwrap_or((1920, 1080));
    let mut card = Card {
        footer: Some(tr!(lang, "card-video-footer")),
        ..Card::new(lang, Tone::Done, title)
    };
    if let Some(s) = seconds {
        card = card.field(tr!(lang, "card-video-length"), clock(s), true);
    }
    card = card.field(tr!(lang, "card-video-resolution"), format!("{w}×{h}"), true);
    if let Some(b) = bytes.filter(|b| *b > 0) {
        let mb = number((b as f64 / 1_048_576.0 * 10.0).round() / 10.0);
        card = card.field(
            tr!(lang, "card-video-size"),
            tr!(lang, "card-video-mb", mb = mb),
            true,
        );
    }
    card
}

/// What the finished video's card will say, from the draft being exported: the title text
/// on the timeline, else the project's title, else the song's name (without its extension);
/// where the timeline ends; the canvas.
pub fn facts(draft: &Value) -> VideoFacts {
    let timeline = Timeline::from_draft(draft);
    let named = |kind: TrackKind| {
        timeline
            .tracks
            .iter()
            .find(|t| t.kind == kind && !t.name.is_empty())
            .map(|t| t.name.clone())
    };
    let song = named(TrackKind::Audio).map(|name| match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 4 => stem.to_string(),
        _ => name,
    });
    VideoFacts {
        title: named(TrackKind::Text).or(timeline.title.clone()).or(song),
        length_ms: timeline
            .tracks
            .iter()
            .map(|t| t.end_ms)
            .max()
            .filter(|ms| *ms > 0),
        size: timeline.width.zip(timeline.height),
        request: None,
    }
}

/// A render's bar and percentage, `▰▰▰▰▰▱▱▱▱▱ 50%`.
fn meter(percent: u8) -> String {
    format!("{} {}%", bar(percent, BAR), percent.min(100))
}

/// One running export: its bar, percentage and state.
fn export_line(lang: Lang, job: &JobRecord) -> String {
    tr!(
        lang,
        "card-project-export",
        bar = bar(job.progress, BAR),
        percent = job.progress,
        state = state_word(lang, &job.status)
    )
}

/// A render's state in the member's words; an unknown word of the service's as it is.
fn state_word(lang: Lang, status: &JobStatus) -> String {
    match status.as_str().to_ascii_lowercase().as_str() {
        "submitting" | "pending" | "queued" => tr!(lang, "card-state-waiting"),
        "processing" | "rendering" | "running" => tr!(lang, "card-state-rendering"),
        "posting" | "completed" => tr!(lang, "card-state-finishing"),
        _ => status.as_str().to_string(),
    }
}

/// A track kind's mark on the card (a symbol, the same in every language).
fn icon(kind: TrackKind) -> char {
    match kind {
        TrackKind::Video => '🎬',
        TrackKind::Audio => '🎵',
        TrackKind::Text => '🔤',
        TrackKind::Other(_) => '▫',
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
