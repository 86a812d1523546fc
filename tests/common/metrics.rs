//! The process-wide Prometheus recorder, for tests that read the bot's counters.

use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::OnceLock;

/// The recorder, installed once for this test binary (counters are counted from then on).
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| music_video_bot::telemetry::metrics::install().expect("recorder"))
}

/// A counter's value in the recorder's text page, `name` with its labels as the page writes
/// them (0 when absent).
pub fn counter(name: &str) -> f64 {
    metrics()
        .render()
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}
