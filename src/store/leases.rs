//! Leases, so that several processes over one database share the work without doing any of
//! it twice: a lease per scope (one turn of a project at a time) and a claim per export job.
//!
//! A lease has an owner (one per process) and an expiry; its holder renews it at a third of
//! its length. A job's claim also carries an epoch, raised by every claim: each write of the
//! job names the epoch it was claimed at, and a write from a process whose claim was taken
//! over (it was paused, or cut off, past its lease) is refused with [`StoreError::Fenced`].
//!
//! A scope's lease has an epoch too, raised each time another turn takes it, which fences the
//! scope's session writes (`sessions.rs`).
//!
//! On PostgreSQL the leases are rows, timed by the database's clock. sled is one process's
//! database (its files are locked), so its leases live in that process's memory: everything
//! held when it last stopped or crashed is free when it opens again.

use super::{Backend, ExportCaps, JobRecord, ScopeClaim, Store, StoreError, VideoRecord};
use std::time::Duration;

/// How long a lease lasts when the configuration does not say (`[store] lease_ms`).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// Who holds leases: one process, and how long its leases last.
#[derive(Debug, Clone)]
pub struct Holder {
    /// Unique per process start, so a restarted process does not mistake its past for its own.
    pub owner: String,
    /// How long a lease lasts without renewal.
    pub lease: Duration,
}

impl Holder {
    /// A new holder, unique to this process.
    pub fn new(lease: Duration) -> Holder {
        Holder {
            owner: uuid::Uuid::new_v4().simple().to_string(),
            lease,
        }
    }

    /// The owner of a scope's lease: one turn of this process (its own, so that a turn
    /// releasing late never lets go of the next turn's lease).
    pub(super) fn turn(&self, turn: &str) -> String {
        format!("{}/{turn}", self.owner)
    }

    /// Whether a scope lease's owner is one of this holder's turns.
    pub(super) fn has_turn(&self, owner: &str) -> bool {
        owner
            .strip_prefix(self.owner.as_str())
            .is_some_and(|rest| rest.starts_with('/'))
    }

    /// The lease in whole milliseconds, at least one.
    pub(super) fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }
}

/// A job about to be written, with what its caps are counted by.
pub(super) struct NewJob<'a> {
    /// Its id.
    pub id: &'a str,
    /// The member who asked.
    pub user: &'a str,
    /// Their community, if any.
    pub group: Option<&'a str>,
    /// The caps it must fit under.
    pub caps: ExportCaps,
}

/// This process's claim on an export job: every write of the job goes through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The job.
    pub id: String,
    /// Raised by every claim; a write at an older epoch is refused.
    pub epoch: i64,
}

impl Store {
    /// How long this process's leases last; they are renewed at a third of this.
    pub fn lease(&self) -> Duration {
        self.holder.lease
    }

    /// Saves a new export job, held by this process, if `caps` leave room for it among the
    /// running exports of its member and community ([`StoreError::ExportsFull`] when not):
    /// counted and written in one step, so no two processes take the last place.
    pub async fn create_job(&self, rec: &JobRecord, caps: ExportCaps) -> Result<Claim, StoreError> {
        let bytes = super::encode(&rec.id, rec)?;
        let new = NewJob {
            id: &rec.id,
            user: &rec.requested_by,
            group: rec.group.as_deref(),
            caps,
        };
        match &self.db {
            Backend::Sled(db) => db.create_job(&self.holder, &new, bytes).await,
            Backend::Postgres(db) => db.create_job(&self.holder, &new, bytes).await,
        }
    }

    /// Claims up to `limit` jobs that no live process holds: free ones, and those whose
    /// holder stopped renewing (it died, or lost its way to the database).
    pub async fn claim_jobs(&self, limit: usize) -> Result<Vec<(JobRecord, Claim)>, StoreError> {
        let rows = match &self.db {
            Backend::Sled(db) => db.claim_jobs(&self.holder, limit)?,
            Backend::Postgres(db) => db.claim_jobs(&self.holder, limit).await?,
        };
        rows.into_iter()
            .map(|(claim, bytes)| Ok((super::decode(&claim.id, &bytes)?, claim)))
            .collect()
    }

    /// Renews the claim; [`StoreError::Fenced`] when another process holds the job now (or
    /// it is gone). The database's clock when it renewed, in ms since the Unix epoch.
    pub async fn renew_job(&self, claim: &Claim) -> Result<i64, StoreError> {
        let renewed = match &self.db {
            Backend::Sled(db) => db.renew_job(&self.holder, claim).then(super::now_ms),
            Backend::Postgres(db) => db.renew_job(&self.holder, claim).await?,
        };
        renewed.ok_or_else(|| fenced(claim))
    }

    /// Saves the job's new state under the claim (renewing it), durably;
    /// [`StoreError::Fenced`] when another process holds the job now. The database's clock
    /// when it renewed, in ms since the Unix epoch.
    pub async fn update_job(&self, claim: &Claim, rec: &JobRecord) -> Result<i64, StoreError> {
        let bytes = super::encode(&rec.id, rec)?;
        let renewed = match &self.db {
            Backend::Sled(db) => db
                .update_job(&self.holder, claim, bytes)
                .await?
                .then(super::now_ms),
            Backend::Postgres(db) => db.update_job(&self.holder, claim, bytes).await?,
        };
        renewed.ok_or_else(|| fenced(claim))
    }

    /// The database's clock, in ms since the Unix epoch: the one clock every process agrees
    /// on, for the times of jobs that any of them may take over (sled, one process: its own).
    pub async fn clock_ms(&self) -> Result<i64, StoreError> {
        match &self.db {
            Backend::Sled(_) => Ok(super::now_ms()),
            Backend::Postgres(db) => db.clock_ms().await,
        }
    }

    /// Forgets a job that ended, under the claim; [`StoreError::Fenced`] when another process
    /// holds it now.
    pub async fn finish_job(&self, claim: &Claim) -> Result<(), StoreError> {
        self.finish(claim, None).await
    }

    /// Forgets a job whose video was posted and keeps the video in its member's history, in
    /// one step under the claim; [`StoreError::Fenced`] (and nothing kept) when another
    /// process holds the job now.
    pub async fn finish_video(&self, claim: &Claim, video: &VideoRecord) -> Result<(), StoreError> {
        self.finish(claim, Some(video)).await
    }

    async fn finish(&self, claim: &Claim, video: Option<&VideoRecord>) -> Result<(), StoreError> {
        let video = match video {
            Some(v) => Some((v, super::encode(&v.id, v)?)),
            None => None,
        };
        let held = match &self.db {
            Backend::Sled(db) => db.finish_job(&self.holder, claim, video).await?,
            Backend::Postgres(db) => db.finish_job(&self.holder, claim, video).await?,
        };
        held.then_some(()).ok_or_else(|| fenced(claim))
    }

    /// Forgets a job that a member cancelled, whoever holds it: its holder's next write of it
    /// is fenced (so no process posts its link), no process claims it again, and it no longer
    /// counts against the caps. Whether it was still there.
    pub async fn cancel_job(&self, id: &str) -> Result<bool, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.cancel_job(id).await,
            Backend::Postgres(db) => db.cancel_job(id).await,
        }
    }

    /// Takes the scope's lease for one turn (`turn`, unique to it) unless another turn,
    /// here or in another process, holds it; the claim its session writes name, if taken.
    pub async fn lease_scope(
        &self,
        scope: &str,
        turn: &str,
    ) -> Result<Option<ScopeClaim>, StoreError> {
        let owner = self.holder.turn(turn);
        let epoch = match &self.db {
            Backend::Sled(db) => db.lease_scope(&owner, self.holder.lease, scope),
            Backend::Postgres(db) => db.lease_scope(&owner, &self.holder, scope).await?,
        };
        Ok(epoch.map(|epoch| ScopeClaim {
            turn: turn.to_string(),
            epoch,
        }))
    }

    /// Renews the scope's lease; whether `turn` still held it.
    pub async fn renew_scope(&self, scope: &str, turn: &str) -> Result<bool, StoreError> {
        let owner = self.holder.turn(turn);
        match &self.db {
            Backend::Sled(db) => Ok(db.renew_scope(&owner, self.holder.lease, scope)),
            Backend::Postgres(db) => db.renew_scope(&owner, &self.holder, scope).await,
        }
    }

    /// Lets go of the scope's lease if `turn` holds it, so the next turn anywhere may start.
    pub async fn release_scope(&self, scope: &str, turn: &str) -> Result<(), StoreError> {
        let owner = self.holder.turn(turn);
        match &self.db {
            Backend::Sled(db) => {
                db.release_scope(&owner, scope);
                Ok(())
            }
            Backend::Postgres(db) => db.release_scope(&owner, scope).await,
        }
    }

    /// Lets go of every lease and claim this process holds (at a clean stop), so that other
    /// processes, or this one's next start, take its exports over at once.
    pub async fn release_all(&self) -> Result<(), StoreError> {
        match &self.db {
            Backend::Sled(db) => {
                db.release_all(&self.holder);
                Ok(())
            }
            Backend::Postgres(db) => db.release_all(&self.holder).await,
        }
    }
}

/// The error for a write refused because the claim is not this process's any more.
fn fenced(claim: &Claim) -> StoreError {
    StoreError::Fenced {
        id: claim.id.clone(),
    }
}
