//! Stopping cleanly: once a stop begins, new requests are refused with one sentence, requests
//! in progress may finish within a grace period, and the rest are interrupted (and told so).

use super::Engine;
use std::time::Duration;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tokio_util::task::{task_tracker::TaskTrackerToken, TaskTracker};

/// How long interrupted requests get to say so before the engine stops regardless.
const INTERRUPT_NOTICE: Duration = Duration::from_secs(5);

/// Whether the engine takes new requests, and the requests in progress.
#[derive(Default)]
pub(crate) struct Lifecycle {
    draining: CancellationToken,
    interrupt: CancellationToken,
    requests: TaskTracker,
}

impl Lifecycle {
    /// Admits a request (held until it ends), or `None` once a stop has begun.
    pub(crate) fn admit(&self) -> Option<TaskTrackerToken> {
        // Counted first, then checked: a stop that begins in between still waits for it.
        let token = self.requests.token();
        (!self.draining.is_cancelled()).then_some(token)
    }

    /// Resolves when requests in progress must stop (the grace period is over).
    pub(crate) fn interrupted(&self) -> WaitForCancellationFutureOwned {
        self.interrupt.clone().cancelled_owned()
    }

    /// Whether requests in progress were told to stop.
    pub(crate) fn is_interrupted(&self) -> bool {
        self.interrupt.is_cancelled()
    }

    /// Refuses new requests, waits up to `grace` for those in progress, then interrupts the
    /// rest; true when all finished within the grace period.
    async fn drain(&self, grace: Duration) -> bool {
        self.draining.cancel();
        self.requests.close();
        if tokio::time::timeout(grace, self.requests.wait())
            .await
            .is_ok()
        {
            return true;
        }
        self.interrupt.cancel();
        if tokio::time::timeout(INTERRUPT_NOTICE, self.requests.wait())
            .await
            .is_err()
        {
            tracing::warn!("some interrupted requests did not end in time");
        }
        false
    }
}

impl Engine {
    /// Stops the engine cleanly: no new requests, those in progress finish (up to `grace`,
    /// then they are interrupted and told so), export jobs stay in the store for the next
    /// start, and the store is flushed. True when nothing had to be interrupted.
    pub async fn stop(&self, grace: Duration) -> bool {
        let in_time = self.inner.life.drain(grace).await;
        self.shutdown().await;
        if let Err(e) = self.inner.store.flush().await {
            tracing::error!("could not flush the store while stopping: {e}");
        }
        in_time
    }

    /// Whether a stop has begun (new requests are refused).
    pub fn is_stopping(&self) -> bool {
        self.inner.life.draining.is_cancelled()
    }

    /// Resolves once a stop has begun, so fronts stop reading new input.
    pub fn stopping(&self) -> WaitForCancellationFutureOwned {
        self.inner.life.draining.clone().cancelled_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_stop_waits_for_requests_then_interrupts_them() {
        let life = Lifecycle::default();
        let running = life.admit().expect("admitted before the stop");
        let interrupted = life.interrupted();
        let ends = tokio::spawn(async move {
            interrupted.await;
            drop(running);
        });
        assert!(!life.drain(Duration::from_secs(2)).await);
        assert!(life.is_interrupted());
        ends.await.unwrap();
        assert!(life.admit().is_none(), "no request after a stop");
    }

    #[tokio::test(start_paused = true)]
    async fn requests_that_end_in_time_are_not_interrupted() {
        let life = Lifecycle::default();
        let running = life.admit().unwrap();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            drop(running);
        });
        assert!(life.drain(Duration::from_secs(2)).await);
        assert!(!life.is_interrupted());
    }
}
