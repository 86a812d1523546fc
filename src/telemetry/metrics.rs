//! The bot's metrics, recorded through the `metrics` facade (a no-op until [`install`] sets a
//! Prometheus recorder). One function per event, so names and labels live in one place.

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use std::time::Duration;

/// How an agent turn (or a request that would have started one) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnOutcome {
    /// The agent answered with text.
    Answered,
    /// The turn ended normally without text (the change was explained).
    Silent,
    /// Past the turn's total time, or no event for the idle time.
    Timeout,
    /// The stream broke.
    Broken,
    /// The agent reported an error.
    AgentError,
    /// Refused by a quota before anything was sent.
    RefusedByQuota,
    /// Cut short by a stop after the grace period.
    Interrupted,
    /// Its stream closed by the member's Cancel.
    Cancelled,
    /// Failed before the agent answered (session, upload, API error).
    Failed,
}

impl TurnOutcome {
    fn label(self) -> &'static str {
        match self {
            TurnOutcome::Answered => "answered",
            TurnOutcome::Silent => "silent",
            TurnOutcome::Timeout => "timeout",
            TurnOutcome::Broken => "broken",
            TurnOutcome::AgentError => "agent_error",
            TurnOutcome::RefusedByQuota => "refused_by_quota",
            TurnOutcome::Interrupted => "interrupted",
            TurnOutcome::Cancelled => "cancelled",
            TurnOutcome::Failed => "failed",
        }
    }
}

/// How an export ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportEnd {
    /// The link was posted.
    Completed,
    /// NemoVideo reported a failure.
    Failed,
    /// The render request never arrived.
    Lost,
    /// Past the export time limit.
    Timeout,
    /// The place to post was gone.
    Gone,
    /// A member cancelled it.
    Cancelled,
}

impl ExportEnd {
    fn label(self) -> &'static str {
        match self {
            ExportEnd::Completed => "completed",
            ExportEnd::Failed => "failed",
            ExportEnd::Lost => "lost",
            ExportEnd::Timeout => "timeout",
            ExportEnd::Gone => "gone",
            ExportEnd::Cancelled => "cancelled",
        }
    }
}

/// Buckets for durations: from 10 ms (API calls) to an hour (exports).
const SECONDS_BUCKETS: &[f64] = &[
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0,
];

/// Installs the process-wide Prometheus recorder and returns the handle that renders it.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(handle)
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!("mvb_turns_started_total", "Agent turns started.");
    describe_counter!(
        "mvb_turns_finished_total",
        "Agent turns (and requests for one) ended, by outcome."
    );
    describe_histogram!(
        "mvb_turn_first_text_seconds",
        Unit::Seconds,
        "Time from a turn's start to its first visible text."
    );
    describe_counter!(
        "mvb_nemo_requests_total",
        "Requests to NemoVideo by endpoint and HTTP status (`error`: no answer)."
    );
    describe_histogram!(
        "mvb_nemo_request_duration_seconds",
        Unit::Seconds,
        "Latency of requests to NemoVideo, by endpoint."
    );
    describe_counter!("mvb_exports_started_total", "Export jobs written down.");
    describe_counter!(
        "mvb_exports_finished_total",
        "Export jobs ended, by status."
    );
    describe_histogram!(
        "mvb_export_duration_seconds",
        Unit::Seconds,
        "Time from an export's request to its end."
    );
    describe_counter!(
        "mvb_exports_resumed_total",
        "Unfinished export jobs picked up from the store at start-up."
    );
    describe_counter!(
        "mvb_discord_rest_errors_total",
        "Failed Discord REST calls by HTTP status (429s are counted apart)."
    );
    describe_counter!(
        "mvb_discord_rate_limited_total",
        "Discord REST calls that met a rate limit (HTTP 429, or waited for one)."
    );
    describe_gauge!(
        "mvb_discord_shard_latency_seconds",
        Unit::Seconds,
        "Gateway heartbeat latency per shard."
    );
    describe_gauge!(
        "mvb_scopes_waiting",
        "Requests waiting in line behind another request of the same project."
    );
    describe_counter!(
        "mvb_requests_refused_restarting_total",
        "Requests refused because the bot was shutting down."
    );
    describe_counter!(
        "mvb_songs_analysed_total",
        "Song files the bot analysed, by whether anything musical was found."
    );
}

/// An agent turn started.
pub fn turn_started() {
    counter!("mvb_turns_started_total").increment(1);
}

/// An agent turn ended (or was refused before it started).
pub fn turn_finished(outcome: TurnOutcome) {
    counter!("mvb_turns_finished_total", "outcome" => outcome.label()).increment(1);
}

/// A turn's first text became visible this long after the turn started.
pub fn first_text(after: Duration) {
    histogram!("mvb_turn_first_text_seconds").record(after.as_secs_f64());
}

/// One request to NemoVideo: its endpoint (a fixed name), its HTTP status (`None`: no answer).
pub fn nemo_request(endpoint: &'static str, status: Option<u16>, took: Duration) {
    let status = status.map_or_else(|| "error".to_string(), |s| s.to_string());
    counter!("mvb_nemo_requests_total", "endpoint" => endpoint, "status" => status).increment(1);
    histogram!("mvb_nemo_request_duration_seconds", "endpoint" => endpoint)
        .record(took.as_secs_f64());
}

/// An export job was written down.
pub fn export_started() {
    counter!("mvb_exports_started_total").increment(1);
}

/// An export job ended, `took` after it was requested.
pub fn export_finished(end: ExportEnd, took: Duration) {
    counter!("mvb_exports_finished_total", "status" => end.label()).increment(1);
    histogram!("mvb_export_duration_seconds").record(took.as_secs_f64());
}

/// Export jobs picked up from the store at start-up.
pub fn exports_resumed(count: usize) {
    counter!("mvb_exports_resumed_total").increment(count as u64);
}

/// A Discord REST call failed with this HTTP status.
pub fn discord_rest_error(status: u16) {
    if status == 429 {
        discord_rate_limited();
    } else {
        counter!("mvb_discord_rest_errors_total", "status" => status.to_string()).increment(1);
    }
}

/// A Discord REST call met a rate limit.
pub fn discord_rate_limited() {
    counter!("mvb_discord_rate_limited_total").increment(1);
}

/// A shard's heartbeat latency (none yet: not recorded).
pub fn shard_latency(shard: u32, latency: Duration) {
    gauge!("mvb_discord_shard_latency_seconds", "shard" => shard.to_string())
        .set(latency.as_secs_f64());
}

/// One more (or one fewer) request waiting for its project.
pub fn scopes_waiting(delta: f64) {
    gauge!("mvb_scopes_waiting").increment(delta);
}

/// A request refused because the bot is shutting down.
pub fn refused_restarting() {
    counter!("mvb_requests_refused_restarting_total").increment(1);
}

/// A song's analysis ended; `found`: something musical was heard (a tempo, a key, sections).
pub fn song_heard(found: bool) {
    let found = if found { "yes" } else { "no" };
    counter!("mvb_songs_analysed_total", "found" => found).increment(1);
}
