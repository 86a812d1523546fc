//! An export job as the process that claimed it holds it: the claim (which fences the job's
//! rows), what this process knows of the claim's lease (which fences what it does outside
//! them: see `tenure.rs`), and the database's clock, by which every process times the job.

use super::tenure::{Renewed, Tenure};
use crate::store::{Claim, JobRecord, Store, StoreError};
use parking_lot::Mutex;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// A claimed job's claim and lease, as this process knows them.
pub(crate) struct Held {
    /// The claim every write of the job names.
    pub(crate) claim: Claim,
    /// Whether the claim is known to be this process's still.
    pub(crate) tenure: Tenure,
    /// The database's clock at the last confirmed renewal, and when that renewal was sent.
    clock: Mutex<(Instant, i64)>,
}

/// What saving a job's state came to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Saved {
    /// Saved, and the claim renewed.
    Yes,
    /// Another process holds the job now.
    Lost,
    /// The store failed: nothing is known, so nothing that depends on it may happen.
    Failed,
}

impl Held {
    /// `claim`, taken (or found held) by a request to the store sent at `sent`, when the
    /// database's clock read `db_ms`.
    pub(crate) fn new(claim: Claim, lease: Duration, sent: Instant, db_ms: i64) -> Held {
        Held {
            claim,
            tenure: Tenure::new(lease, sent),
            clock: Mutex::new((sent, db_ms)),
        }
    }

    /// Notes the database's clock at a renewal sent at `sent`.
    fn note_clock(&self, sent: Instant, db_ms: i64) {
        let mut clock = self.clock.lock();
        if sent > clock.0 {
            *clock = (sent, db_ms);
        }
    }

    /// The database's clock now, in whole seconds since the Unix epoch: its reading at the
    /// last renewal plus the monotonic time since, so that no process's own wall clock decides
    /// how old a job is.
    pub(crate) fn db_now_secs(&self) -> u64 {
        let (sent, db_ms) = *self.clock.lock();
        let elapsed = u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX);
        (u64::try_from(db_ms).unwrap_or(0).saturating_add(elapsed)) / 1000
    }

    /// Runs `work` while renewing the claim, and only while it is known to be held (see
    /// [`Tenure::hold`]): `None` once it is lost (taken over) or not known to be held.
    pub(crate) async fn hold<T>(&self, store: &Store, work: impl Future<Output = T>) -> Option<T> {
        let renew = |sent| async move {
            let renewed = store.renew_job(&self.claim).await.map(|db_ms| {
                self.note_clock(sent, db_ms);
                true
            });
            Renewed::from_store(
                renewed,
                format_args!("the export's lease ({})", self.claim.id),
            )
        };
        self.tenure.hold(renew, work).await
    }

    /// Saves the job's state under the claim, renewing it.
    pub(crate) async fn save(&self, store: &Store, job: &JobRecord) -> Saved {
        let sent = Instant::now();
        match store.update_job(&self.claim, job).await {
            Ok(db_ms) => {
                self.tenure.renewed(sent);
                self.note_clock(sent, db_ms);
                Saved::Yes
            }
            Err(StoreError::Fenced { .. }) => {
                self.tenure.lose();
                Saved::Lost
            }
            Err(e) => {
                tracing::error!(job = %job.id, "could not save the export's state: {e}");
                Saved::Failed
            }
        }
    }
}
