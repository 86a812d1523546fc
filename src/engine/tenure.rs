//! Whether this process may still act under a lease. The epoch fences the store's rows; this
//! fences what happens outside them (a link posted, a render started, a turn sent): such a
//! side effect happens only while the lease is *known* to be held, judged by monotonic time
//! since the last renewal that the store confirmed. A renewal that failed (the database
//! unreachable) confirms nothing, so the lease is then known for a shorter and shorter while.
//!
//! A renewal is timed from when it was *sent*: the database extends the lease from its own
//! "now", which is no earlier, so the lease lasts at least `lease` from that instant whatever
//! the two clocks say. A process paused past that (SIGSTOP, a long stall) finds the time gone
//! when it wakes and acts on nothing.

use crate::store::StoreError;
use parking_lot::Mutex;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// Whether a lease of length `lease`, last confirmed `since` ago (`None`: never, or lost),
/// is still known to be held: with a third of the lease kept as a margin for the side effect
/// itself and for the clocks' rates, i.e. one missed renewal (they come at a third).
pub(crate) fn is_held(since: Option<Duration>, lease: Duration) -> bool {
    since.is_some_and(|since| since < lease - lease / 3)
}

/// One lease as this process knows it: when its last confirmed renewal was sent.
#[derive(Debug)]
pub(crate) struct Tenure {
    lease: Duration,
    sent: Mutex<Instant>,
    lost: AtomicBool,
}

impl Tenure {
    /// A lease of length `lease` taken (or renewed) by a request sent at `sent`.
    pub(crate) fn new(lease: Duration, sent: Instant) -> Tenure {
        Tenure {
            lease,
            sent: Mutex::new(sent),
            lost: AtomicBool::new(false),
        }
    }

    fn sent(&self) -> Instant {
        *self.sent.lock()
    }

    /// Notes a renewal the store confirmed, sent at `sent`.
    pub(crate) fn renewed(&self, sent: Instant) {
        let mut last = self.sent.lock();
        *last = (*last).max(sent);
    }

    /// Notes that the store said the lease is someone else's now.
    pub(crate) fn lose(&self) {
        self.lost.store(true, Ordering::SeqCst);
    }

    /// Whether the lease is known to be held now.
    pub(crate) fn held(&self) -> bool {
        let since = (!self.lost.load(Ordering::SeqCst)).then(|| self.sent().elapsed());
        is_held(since, self.lease)
    }

    /// Resolves once the lease is no longer known to be held.
    pub(crate) async fn expired(&self) {
        while self.held() {
            let deadline = self.sent() + (self.lease - self.lease / 3);
            tokio::time::sleep_until(deadline).await;
        }
    }

    /// Runs `work` while renewing the lease with `renew` (see [`Tenure::keep`]), and only
    /// while the lease is known to be held (see [`fenced`]): `None` once it is not, the work
    /// dropped at its next step. The one renewal loop of turns and exports alike.
    pub(crate) async fn hold<T, F, Fut>(&self, renew: F, work: impl Future<Output = T>) -> Option<T>
    where
        F: Fn(Instant) -> Fut,
        Fut: Future<Output = Renewed>,
    {
        tokio::select! {
            biased;
            () = self.keep(renew) => None,
            out = fenced(self, work) => out,
        }
    }

    /// Renews the lease with `renew` (given when its request is sent) at a third of its
    /// length; returns once it is lost or no longer known to be held (renewals failed, or the
    /// process was paused past it). A renewal that hangs is given up at that moment too.
    async fn keep<F, Fut>(&self, renew: F)
    where
        F: Fn(Instant) -> Fut,
        Fut: Future<Output = Renewed>,
    {
        loop {
            tokio::select! {
                biased;
                () = self.expired() => return,
                () = tokio::time::sleep(self.lease / 3) => {}
            }
            let sent = Instant::now();
            let renewed = tokio::select! {
                biased;
                () = self.expired() => return,
                renewed = renew(sent) => renewed,
            };
            match renewed {
                Renewed::Yes => self.renewed(sent),
                Renewed::Lost => return self.lose(),
                // Logged by `renew`; the lease runs on, known for less and less time.
                Renewed::Failed => {}
            }
        }
    }
}

/// What one renewal of a lease said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Renewed {
    /// Still ours, for another lease from when it was sent.
    Yes,
    /// Another holder has it now.
    Lost,
    /// The store failed: nothing is known.
    Failed,
}

impl Renewed {
    /// What the store's answer to a renewal of `lease` (what it is, for the log) says:
    /// `Ok(true)` still held; `Ok(false)` or a fenced write another holder's now; any other
    /// error nothing known (logged here).
    pub(crate) fn from_store(
        answer: Result<bool, StoreError>,
        lease: impl std::fmt::Display,
    ) -> Renewed {
        match answer {
            Ok(true) => Renewed::Yes,
            Ok(false) | Err(StoreError::Fenced { .. } | StoreError::ScopeFenced { .. }) => {
                Renewed::Lost
            }
            Err(e) => {
                tracing::warn!("could not renew {lease}: {e}");
                Renewed::Failed
            }
        }
    }
}

/// Runs `work` only while `tenure` is known to be held: every step of it (every poll) is
/// checked first, so a process that wakes from a pause past its lease takes no further step,
/// whatever woke it; the work is dropped and `None` returned instead.
fn fenced<F: Future>(tenure: &Tenure, work: F) -> Fenced<'_, F> {
    Fenced { tenure, work }
}

pin_project_lite::pin_project! {
    /// See [`fenced`].
    struct Fenced<'a, F> {
        tenure: &'a Tenure,
        #[pin]
        work: F,
    }
}

impl<F: Future> Future for Fenced<'_, F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if !this.tenure.held() {
            return Poll::Ready(None);
        }
        this.work.poll(cx).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_held_until_a_renewal_is_missed() {
        let lease = Duration::from_secs(30);
        let ms = Duration::from_millis;
        let table = [
            (None, false, "never confirmed, or lost"),
            (Some(Duration::ZERO), true, "just renewed"),
            (Some(ms(10_000)), true, "due for renewal"),
            (
                Some(ms(19_999)),
                true,
                "one renewal late, within the margin",
            ),
            (Some(ms(20_000)), false, "the margin reached"),
            (
                Some(ms(29_999)),
                false,
                "still the database's, not known to be ours",
            ),
            (Some(ms(30_000)), false, "run out"),
            (
                Some(Duration::from_secs(3600)),
                false,
                "woken from a long pause",
            ),
        ];
        for (since, held, why) in table {
            assert_eq!(is_held(since, lease), held, "{since:?}: {why}");
        }
        assert!(!is_held(Some(Duration::ZERO), Duration::ZERO), "no lease");
    }

    #[tokio::test(start_paused = true)]
    async fn a_tenure_counts_from_the_last_confirmed_renewal() {
        let lease = Duration::from_secs(3);
        let tenure = Tenure::new(lease, Instant::now());
        tokio::time::advance(Duration::from_millis(1500)).await;
        assert!(tenure.held());
        // A renewal sent earlier than the last confirmed one changes nothing.
        tenure.renewed(Instant::now() - Duration::from_secs(2));
        tenure.renewed(Instant::now());
        tokio::time::advance(Duration::from_millis(1999)).await;
        assert!(tenure.held());
        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(!tenure.held(), "missed renewals let it lapse");
        tokio::time::timeout(Duration::ZERO, tenure.expired())
            .await
            .expect("expired() resolves at once");
        tenure.renewed(Instant::now());
        assert!(tenure.held());
        tenure.lose();
        assert!(!tenure.held(), "taken over");
    }

    #[tokio::test(start_paused = true)]
    async fn fenced_work_stops_at_its_next_step_once_the_lease_lapses() {
        let tenure = Tenure::new(Duration::from_secs(3), Instant::now());
        let steps = std::sync::atomic::AtomicUsize::new(0);
        let work = async {
            loop {
                steps.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        };
        let out: Option<()> = fenced(&tenure, work).await;
        assert_eq!(out, None);
        // Steps at 0, 0.5 … 1.5 s; the one due at 2 s finds the lease past its margin.
        assert_eq!(steps.load(Ordering::SeqCst), 4);
    }
}
