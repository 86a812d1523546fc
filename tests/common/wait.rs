//! Waiting on facts: a test that needs something to have happened polls for it, with a
//! deadline, and fails naming what never happened (no sleep stands in for the fact).

use std::future::Future;
use std::time::Duration;

/// Waits (up to `within`) until `fact` holds; panics naming `what` when it never does.
pub async fn wait_until<F, Fut>(what: &str, within: Duration, fact: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while !fact().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never: {what} (waited {within:?})"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
