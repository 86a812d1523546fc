//! How often and how long each kind of call is tried again, in one place (through `backon`).
//! Only calls that are safe to repeat get a policy: reads, and requests the server refused
//! with a rate limit (a refusal took nothing, so the retry cannot charge twice).

use backon::{ConstantBuilder, ExponentialBuilder};
use std::time::Duration;

/// The longest wait a server's `Retry-After` may ask of one request.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Idempotent reads (state, credits, render status): two more tries, waiting about 0.2 s then
/// 0.8 s, with jitter so that many readers do not come back at once.
pub fn reads() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_factor(4.0)
        .with_max_times(2)
        .with_jitter()
}

/// A rate-limited request: one more try after `after` (the contract: once, after 30 s), or
/// after the server's own `Retry-After` where it gave one.
pub fn rate_limited(after: Duration) -> ConstantBuilder {
    ConstantBuilder::default()
        .with_delay(after)
        .with_max_times(1)
}

/// Discord's 429s for a call that must arrive (an answer, a link), with serenity's limiter off
/// behind a REST proxy (serenity then drops `retry_after`): tried again until it goes, waiting
/// 0.25 s doubling to at most 4 s, for as long as an interaction's token lives (15 minutes) — a
/// 429 never loses what a member asked for. (Progress lines and streaming edits get no second
/// try: the next one supersedes them.)
pub fn discord_rate_limit() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(250))
        .with_factor(2.0)
        .with_max_delay(Duration::from_secs(4))
        .with_max_times(229)
}

/// The wait before the next try: the server's hint (capped) where it gave one, else the
/// policy's; none when the policy has no tries left.
pub fn honour(hint: Option<Duration>, planned: Option<Duration>) -> Option<Duration> {
    planned.map(|p| hint.map_or(p, |h| h.min(MAX_RETRY_AFTER)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use backon::BackoffBuilder;

    #[test]
    fn policies_try_as_often_as_documented() {
        assert_eq!(reads().build().count(), 2);
        let limited: Vec<Duration> = rate_limited(Duration::from_secs(30)).build().collect();
        assert_eq!(limited, [Duration::from_secs(30)]);
        let discord: Vec<Duration> = discord_rate_limit().build().collect();
        assert_eq!(discord[0], Duration::from_millis(250));
        assert!(discord.iter().all(|d| *d <= Duration::from_secs(4)));
        let total: Duration = discord.iter().sum();
        assert!(
            (Duration::from_secs(900)..Duration::from_secs(920)).contains(&total),
            "Discord's 429s are waited out for an interaction token's life: {total:?}"
        );
    }

    #[test]
    fn a_server_hint_wins_but_is_capped_and_never_adds_a_try() {
        let planned = Some(Duration::from_secs(30));
        assert_eq!(honour(None, planned), planned);
        let hint = Some(Duration::from_secs(2));
        assert_eq!(honour(hint, planned), hint);
        let huge = Some(Duration::from_secs(86_400));
        assert_eq!(honour(huge, planned), Some(MAX_RETRY_AFTER));
        assert_eq!(honour(hint, None), None);
    }
}
