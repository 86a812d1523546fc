//! Configuration of running the bot as a service: shutdown, the admin endpoint, logs, and the
//! song analysis's bounds.

use serde::Deserialize;
use std::time::Duration;

/// How the process stops.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuntimeConfig {
    /// How long agent turns in progress may run on after SIGTERM/SIGINT before they are
    /// interrupted (keep it under the container's stop timeout).
    pub shutdown_grace_ms: u64,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            shutdown_grace_ms: 25_000,
        }
    }
}

impl RuntimeConfig {
    /// The grace period as a duration.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms)
    }
}

/// The admin endpoint: `/healthz`, `/readyz`, `/metrics`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    /// `host:port` to listen on; empty turns the endpoint off. Never expose it publicly.
    pub listen: String,
}

/// How log lines are written (to standard error).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// Text for people, JSON for log shippers.
    pub format: LogFormat,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line, with the event's spans (a turn's id and scope).
    Json,
}

/// What the bot listens for in the songs it uploads itself (tempo, bars, sections, key).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisConfig {
    /// Minutes of each song heard, from its start (0: songs are not analysed).
    pub max_minutes: u32,
    /// Whether the turn after an upload tells the agent what was heard.
    pub tell_agent: bool,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            max_minutes: 10,
            tell_agent: true,
        }
    }
}
