//! Discord's global rate limit, as its "Rate Limits" page documents it
//! (https://discord.com/developers/docs/topics/rate-limits#global-rate-limit): "All bots can
//! make up to 50 requests per second to our API", across every route; "Interaction endpoints
//! are not bound to the bot's Global Rate Limit". Past it, a 429 with `X-RateLimit-Global: true`,
//! `X-RateLimit-Scope: global`, `Retry-After` and the body `{message, retry_after, global: true}`
//! (the page's "Exceeding A Rate Limit"). The page does not say how the second is measured, so
//! the fake takes the strictest reading: no more than 50 in *any* second.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// Discord's global limit: requests per second per bot.
pub const GLOBAL_PER_SECOND: usize = 50;
const WINDOW: Duration = Duration::from_secs(1);

/// The bot's requests that count toward the global limit, over the last second.
#[derive(Debug, Default)]
pub(super) struct Global {
    /// When each request of the last second was taken.
    recent: VecDeque<Instant>,
    /// The most taken in any one second so far.
    pub peak: usize,
    /// Requests answered with the global 429.
    pub refused: usize,
    /// Requests taken in all.
    pub taken: usize,
    /// Of Discord's 50 a second, how many other clients of the same bot take (another process,
    /// a proxy's other callers): this one is refused past the rest.
    pub others: usize,
}

/// Whether a request to `path` (with or without `/api/v10`) counts toward the global limit:
/// the API's routes do, except the interaction endpoints (an interaction's callback, and its
/// webhook — the application's id with the interaction's token — for the original response and
/// follow-ups). The CDN is not the API.
pub(super) fn counts(path: &str, app_id: u64) -> bool {
    let path = path.strip_prefix("/api/v10").unwrap_or(path);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["cdn", ..] | ["interactions", ..] => false,
        ["webhooks", id, _token, ..] => *id != app_id.to_string(),
        _ => true,
    }
}

impl Global {
    /// Takes one request at `now`: `None` when it may go, else the global 429 to answer.
    pub(super) fn take(&mut self, now: Instant) -> Option<Response> {
        while self
            .recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() + self.others >= GLOBAL_PER_SECOND {
            self.refused += 1;
            let oldest = self.recent.front().copied().unwrap_or(now);
            let retry_after = WINDOW.saturating_sub(now.duration_since(oldest));
            return Some(too_many_requests(retry_after));
        }
        self.recent.push_back(now);
        self.taken += 1;
        self.peak = self.peak.max(self.recent.len());
        None
    }
}

/// Discord's 429 for the global limit.
fn too_many_requests(retry_after: Duration) -> Response {
    let secs = retry_after.as_secs_f64();
    let body =
        json!({"message": "You are being rate limited.", "retry_after": secs, "global": true});
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let map = response.headers_mut();
    map.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    map.insert("x-ratelimit-scope", HeaderValue::from_static("global"));
    if let Ok(v) = HeaderValue::from_str(&format!("{secs:.3}")) {
        map.insert("retry-after", v);
    }
    response
}
