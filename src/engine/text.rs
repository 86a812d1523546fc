//! Every sentence the engine says, in one place so the wording stays consistent.

use crate::nemo::Credits;

/// The seed's prompt, used when the user gave none.
pub const DEFAULT_PROMPT: &str =
    "generate a music video with visuals that match the beat and mood of this song";
/// Shown every `still_working_ms` without new text.
pub const STILL_WORKING: &str = "⏳ Still working...";
/// A stream that broke after the prompt was sent.
pub const STREAM_BROKEN: &str = "⚠️ The connection to the video service broke while the agent was working. I did not resend your message (each message costs credits). Say `status` to see what was done.";
/// The video service failed in a way that may pass (5xx, HTML pages, resets, timeouts).
pub const SERVICE_TROUBLE: &str =
    "The video service is not answering properly right now. Please try again in a few minutes.";
/// Anything else that went wrong; the details are in the log.
pub const OUR_TROUBLE: &str =
    "Something went wrong on my side. Please try again; if it keeps happening, tell the bot's operator.";
/// A silent turn that changed nothing.
pub const SILENT_NO_CHANGE: &str = "The agent finished without a reply, and the timeline did not change. Try describing what you want in more detail.";
/// A silent turn whose result could not be read.
pub const SILENT_UNKNOWN: &str =
    "The agent finished without a reply, and I could not read the timeline. Say `status` in a moment to check.";
/// Status/export/open before any session exists.
pub const NO_SESSION: &str = "There is no project here yet. Drop a song (MP3, WAV, M4A, AAC or FLAC) or describe the music video you want.";
/// Export of an empty timeline.
pub const NOTHING_TO_EXPORT: &str = "There is nothing to export yet: the timeline is empty. Ask for a music video first, for example with /musicvideo.";
/// After /reset.
pub const RESET_DONE: &str = "🆕 Done. The next request starts a fresh project; the old one stays in your NemoVideo account.";
/// After files were dropped without words.
pub const UPLOAD_HINT: &str = "Tell me what to make, for example: “generate a music video with visuals that match the beat and mood of this song”.";
/// "upload" with nothing attached.
pub const ATTACH_SOMETHING: &str = "Attach an audio file (MP3, WAV, M4A, AAC, FLAC, up to 200 MB) or paste a link to one, and I'll upload it.";
/// A second request on a busy session; `eta` says when it likely starts, once known.
pub fn queued(position: usize, eta: Option<&str>) -> String {
    let when = eta.map(|e| format!(", likely {e}")).unwrap_or_default();
    format!("⏳ Another request is still running in this project; yours is number {position} in line and starts when it's done{when}.")
}

/// The agent's turn failed (its own error, or a crash). Its raw words (often an exception
/// name and a stack) go to the log only: they mean nothing to a user and may leak internals.
pub const AGENT_FAILED: &str = "⚠️ The video service's agent ran into a problem and stopped before finishing this step. Nothing you made was lost. Please send your message again (simpler words can help), or say `status` to see the timeline as it is now.";

/// The turn ran past its time limit.
pub fn turn_timeout(minutes: u64) -> String {
    format!("⌛ The agent took longer than {}, so I stopped waiting. It may still finish in the background: say `status` in a bit to see the timeline.", minutes_text(minutes))
}

/// The stream went quiet for the idle limit.
pub fn turn_quiet(minutes: u64) -> String {
    format!("⌛ The video service sent nothing for {}, so I stopped waiting. The agent may still finish in the background: say `status` in a bit to see the timeline.", minutes_text(minutes))
}

fn minutes_text(minutes: u64) -> String {
    match minutes {
        1 => "a minute".into(),
        n => format!("{n} minutes"),
    }
}

/// A tool the agent is using.
pub fn working_on(tool: &str) -> String {
    let name: String = tool.chars().filter(|c| !c.is_control()).take(60).collect();
    format!("🎛️ Working: {name}")
}

/// A silent turn that changed the timeline.
pub fn silent_changed(change: &str, summary: &str) -> String {
    if change.is_empty() {
        format!("✅ Done. {summary}")
    } else {
        format!("✅ Done. {change}\n{summary}")
    }
}

/// The credits line.
pub fn credits(c: &Credits) -> String {
    format!(
        "💳 Credits: {} available · {} frozen (held by running jobs) · {} total. A generated clip costs about 100, an edit session about 50.",
        number(c.available),
        number(c.frozen),
        number(c.total)
    )
}

/// A render that was accepted; `eta` is the front's way of saying when it should be ready.
pub fn export_started(eta: &str) -> String {
    format!("🎬 Export started: the MP4 should be ready {eta} (usually 30–90 seconds). I'll post the link here.")
}

/// Render progress.
pub fn export_progress(status: &str, progress: u8) -> String {
    format!("🎬 Rendering: {status} ({progress}%)")
}

/// The finished video.
pub const EXPORT_DONE: &str = "🎉 Your music video is ready (1080p MP4):";
/// After a link that may have been posted just before a restart.
pub const POSTED_AGAIN: &str = "(posted again after a restart, in case the first one was lost)";

/// A render that failed.
pub fn export_failed(error: Option<&str>) -> String {
    let why = error
        .map(|e| crate::secret::redact(e.trim()))
        .filter(|e| !e.is_empty() && !e.starts_with('{') && e.len() < 300)
        .map(|e| format!(": {e}"))
        .unwrap_or_default();
    format!("❌ The export failed{why}. Say `export` to try again.")
}

/// A render the service no longer knows (it never started, or a restart lost it).
pub const EXPORT_LOST: &str = "❌ The export was interrupted before the video service took it. Say `export` to start it again.";
/// A render request whose answer was lost.
pub const EXPORT_UNCONFIRMED: &str = "🎬 The video service did not confirm the export; I'm checking whether it started and will post the result here.";
/// A render that ran past the limit.
pub const EXPORT_TIMEOUT: &str = "⌛ The export is taking far longer than usual, so I stopped waiting for it. Say `export` to try again.";

/// An upload that worked.
pub fn uploaded(name: &str, kind: Option<&str>, seconds: Option<f64>) -> String {
    let mut details: Vec<String> = kind.map(str::to_string).into_iter().collect();
    if let Some(s) = seconds.filter(|s| s.is_finite() && *s > 0.0) {
        let s = s.round() as u64;
        details.push(format!("{}:{:02}", s / 60, s % 60));
    }
    if details.is_empty() {
        format!("📥 Uploaded {name}.")
    } else {
        format!("📥 Uploaded {name} ({}).", details.join(", "))
    }
}

/// Out of credits on a session another member owns.
pub const NO_CREDITS_NOT_YOURS: &str = "This project's credits are used up (it runs on another member's account). Use /reset to start a project on your own account.";

/// The registration link's sentence, for an anonymous account out of credits.
pub const NO_CREDITS_REGISTER: &str =
    "You're out of free credits. Register to keep going (your projects come with you):";

/// The claim link's sentence.
pub const OPEN_EDITOR: &str =
    "Open this project in NemoVideo's web editor (the link works for 7 days):";

/// Integers without a fraction, others with one decimal.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Over the hourly turn quota; `eta` says when the next turn is allowed.
pub fn turn_quota(limit: usize, eta: &str) -> String {
    format!("You've sent {limit} requests to the video agent in the last hour, the most one member may. You can send the next one {eta}.")
}

/// Over the per-user export quota.
pub fn export_quota_user(running: usize) -> String {
    format!("You already have {running} export(s) rendering. When one finishes (its link is posted here), export again.")
}

/// Over the per-community export quota.
pub const EXPORT_QUOTA_GROUP: &str =
    "This server already has as many exports rendering as it may. Please try again in a minute or two.";

/// Too many files in one message.
pub fn too_many_files(limit: usize) -> String {
    format!("At most {limit} files per message, please. Nothing was uploaded: send them in smaller groups.")
}

/// `render` stopped by a signal before its video was ready.
pub const RENDER_STOPPED: &str =
    "Stopped before the video was ready. Run the same command again to make it.";

/// The agent's stream sent one event past the size the bot reads.
pub const STREAM_TOO_LARGE: &str = "⚠️ The video service sent a piece of the answer far larger than expected, so I stopped reading it. I did not resend your message (each message costs credits). Say `status` to see what was done.";
