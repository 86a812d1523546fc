//! Stopping cleanly: once a stop begins, new requests are refused with one sentence, requests
//! in progress may finish within a grace period, and the rest are interrupted (and told so).
//!
//! The words of stopping, each with one meaning across the engine:
//! - **stop** ([`Engine::stop`]): the clean stop, from its start to its end: refuse, drain,
//!   interrupt, halt, let the leases go, flush the store.
//! - **stopping** ([`Engine::is_stopping`], [`Engine::stopping`]): a stop has begun, so new
//!   requests are refused; fronts stop reading input.
//! - **interrupted** ([`Lifecycle::is_interrupted`]): the stop's grace period ran out and the
//!   requests still in progress were cut short.
//! - **halt** ([`Engine::halt`]): background work (export polling and claiming) ends at once
//!   without finishing, as a crash would; its jobs stay in the store for whoever claims them.
//!   The stop halts after draining; tests halt alone to stand for a crash.
//! - **stopped** ([`Engine::stopped`]): the engine has halted, and does no more work of its
//!   own: fronts end with it.
//!
//! The configuration's `shutdown_grace_ms` is the stop's grace period (its name is kept: it is
//! what operators set).

use super::jobs::Exports;
use super::servers::Servers;
use super::Engine;
use crate::store::Store;
use futures_util::future::{AbortHandle, AbortRegistration};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tokio_util::task::{task_tracker::TaskTrackerToken, TaskTracker};

/// How long interrupted requests get to say so before the engine stops regardless.
const INTERRUPT_NOTICE: Duration = Duration::from_secs(5);

/// Whether the engine takes new requests, and the requests in progress.
pub(crate) struct Lifecycle {
    /// Flushed, and this process's leases let go, at the end of a stop.
    store: Store,
    /// Cancelled once a stop has begun.
    stopping: CancellationToken,
    interrupt: CancellationToken,
    requests: TaskTracker,
    /// How to cut short each request in progress. Each request checks its own flag when
    /// polled (an atomic load), rather than all of them polling one shared token (a lock).
    aborts: Mutex<HashMap<u64, AbortHandle>>,
    next_id: AtomicU64,
}

/// A request let in: counted until dropped (and then no longer cut short).
pub(crate) struct Admitted<'a> {
    life: &'a Lifecycle,
    id: u64,
    _counted: TaskTrackerToken,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.life.aborts.lock().remove(&self.id);
    }
}

impl Lifecycle {
    /// The lifecycle of an engine over `store`.
    pub(crate) fn new(store: Store) -> Lifecycle {
        Lifecycle {
            store,
            stopping: CancellationToken::new(),
            interrupt: CancellationToken::new(),
            requests: TaskTracker::new(),
            aborts: Mutex::default(),
            next_id: AtomicU64::new(0),
        }
    }

    /// Admits a request (hold the first until it ends; run it under the second through
    /// `futures_util::future::Abortable`), or `None` once a stop has begun.
    pub(crate) fn admit(&self) -> Option<(Admitted<'_>, AbortRegistration)> {
        // Counted first, then checked: a stop that begins in between still waits for it.
        let counted = self.requests.token();
        if self.stopping.is_cancelled() {
            return None;
        }
        let (handle, registration) = AbortHandle::new_pair();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.aborts.lock().insert(id, handle.clone());
        // Registered after the interrupt swept the map: cut short at once.
        if self.interrupt.is_cancelled() {
            handle.abort();
        }
        let admitted = Admitted {
            life: self,
            id,
            _counted: counted,
        };
        Some((admitted, registration))
    }

    /// Whether requests in progress were told to stop.
    pub(crate) fn is_interrupted(&self) -> bool {
        self.interrupt.is_cancelled()
    }

    /// Refuses new requests, waits up to `grace` for those in progress, then interrupts the
    /// rest; true when all finished within the grace period.
    async fn drain(&self, grace: Duration) -> bool {
        self.stopping.cancel();
        self.requests.close();
        if tokio::time::timeout(grace, self.requests.wait())
            .await
            .is_ok()
        {
            return true;
        }
        self.interrupt.cancel();
        for request in self.aborts.lock().values() {
            request.abort();
        }
        if tokio::time::timeout(INTERRUPT_NOTICE, self.requests.wait())
            .await
            .is_err()
        {
            tracing::warn!("some interrupted requests did not end in time");
        }
        false
    }

    /// The stop (see [`Engine::stop`]), halting `exports` and `servers`' scheduled work once
    /// the requests are done.
    async fn stop(&self, grace: Duration, exports: &Exports, servers: &Servers) -> bool {
        let in_time = self.drain(grace).await;
        exports.halt().await;
        servers.halt().await;
        // Another process (or this one's next start) takes the exports over at once.
        if let Err(e) = self.store.release_all().await {
            tracing::warn!("could not release this process's leases while stopping: {e}");
        }
        if let Err(e) = self.store.flush().await {
            tracing::error!("could not flush the store while stopping: {e}");
        }
        in_time
    }
}

impl Engine {
    /// Stops the engine cleanly: no new requests, those in progress finish (up to `grace`,
    /// then they are interrupted and told so), export jobs stay in the store, let go for
    /// another process or the next start to take over, and the store is flushed. True when
    /// nothing had to be interrupted.
    pub async fn stop(&self, grace: Duration) -> bool {
        (self.parts.life)
            .stop(grace, &self.parts.exports, &self.parts.servers)
            .await
    }

    /// Whether a stop has begun (new requests are refused).
    pub fn is_stopping(&self) -> bool {
        self.parts.life.stopping.is_cancelled()
    }

    /// Resolves once a stop has begun, so fronts stop reading new input.
    pub fn stopping(&self) -> WaitForCancellationFutureOwned {
        self.parts.life.stopping.clone().cancelled_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lifecycle over a store in `dir`.
    fn lifecycle(dir: &tempfile::TempDir) -> std::sync::Arc<Lifecycle> {
        let store = Store::open_sled(&dir.path().join("db")).unwrap();
        std::sync::Arc::new(Lifecycle::new(store))
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_waits_for_requests_then_interrupts_them() {
        let dir = tempfile::tempdir().unwrap();
        let life = lifecycle(&dir);
        let (admitted_tx, admitted_rx) = tokio::sync::oneshot::channel();
        let runner = life.clone();
        let ends = tokio::spawn(async move {
            let (_running, registration) = runner.admit().expect("admitted before the stop");
            admitted_tx.send(()).unwrap();
            let forever = std::future::pending::<()>();
            futures_util::future::Abortable::new(forever, registration).await
        });
        admitted_rx.await.unwrap();
        assert!(!life.drain(Duration::from_secs(2)).await);
        assert!(life.is_interrupted());
        assert!(ends.await.unwrap().is_err(), "cut short");
        assert!(life.admit().is_none(), "no request after a stop");
        assert!(life.aborts.lock().is_empty(), "forgotten once ended");
    }

    #[tokio::test(start_paused = true)]
    async fn requests_that_end_in_time_are_not_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let life = lifecycle(&dir);
        let (admitted_tx, admitted_rx) = tokio::sync::oneshot::channel();
        let runner = life.clone();
        tokio::spawn(async move {
            let _running = runner.admit().unwrap();
            admitted_tx.send(()).unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
        });
        admitted_rx.await.unwrap();
        assert!(life.drain(Duration::from_secs(2)).await);
        assert!(!life.is_interrupted());
    }
}
