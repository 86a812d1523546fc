//! sled's leases. sled's files are locked to one process, so its leases are that process's
//! memory: they keep two holders of one open store apart (tests play two processes that
//! way) with the same rules as PostgreSQL's rows, and whatever was held when the process last
//! stopped is free at the next open.

use super::SledStore;
use crate::store::exports::{count, Running};
use crate::store::leases::NewJob;
use crate::store::sessions::{may_write, LeaseNow, Writer};
use crate::store::{Claim, Holder, JobRecord, StoreError, VideoRecord};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Every lease this store's holders have.
#[derive(Default)]
pub(super) struct Leases(Mutex<Held>);

#[derive(Default)]
struct Held {
    jobs: HashMap<String, Lease>,
    scopes: HashMap<String, Lease>,
}

/// A lease: its holder (none once released), the claim's epoch, and when it runs out.
struct Lease {
    owner: Option<String>,
    epoch: i64,
    until: Instant,
}

impl Lease {
    fn held_by(&self, holder: &Holder) -> bool {
        self.owner.as_deref() == Some(holder.owner.as_str())
    }

    fn is_free(&self, now: Instant) -> bool {
        self.owner.is_none() || self.until <= now
    }

    fn take(&mut self, holder: &Holder, now: Instant) {
        self.owner = Some(holder.owner.clone());
        self.until = now + holder.lease;
    }
}

impl SledStore {
    /// See [`crate::store::Store::running_exports`]: a scan of the (few) unfinished jobs.
    pub(in crate::store) fn running_exports(
        &self,
        user: &str,
        group: Option<&str>,
    ) -> Result<Running, StoreError> {
        let jobs: Vec<JobRecord> = self
            .jobs
            .iter()
            .map(|item| {
                let (key, value) = item?;
                crate::store::decode(&String::from_utf8_lossy(&key), &value)
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(count(jobs.iter(), user, group))
    }

    /// Saves a new job held by `holder` if its caps leave room, durably; counted and written
    /// under the leases' lock, so two requests never both take the last place.
    pub(in crate::store) async fn create_job(
        &self,
        holder: &Holder,
        new: &NewJob<'_>,
        bytes: Vec<u8>,
    ) -> Result<Claim, StoreError> {
        let epoch = {
            let mut held = self.leases.0.lock();
            if let Some(full) = new.caps.full(self.running_exports(new.user, new.group)?) {
                return Err(StoreError::ExportsFull(full));
            }
            let now = Instant::now();
            let lease = held.jobs.entry(new.id.to_string()).or_insert(Lease {
                owner: None,
                epoch: 0,
                until: now,
            });
            lease.take(holder, now);
            lease.epoch += 1;
            self.jobs.insert(new.id, bytes)?;
            lease.epoch
        };
        self.flush().await?;
        Ok(Claim {
            id: new.id.to_string(),
            epoch,
        })
    }

    /// Claims up to `limit` free or expired jobs for `holder`, in key order.
    pub(in crate::store) fn claim_jobs(
        &self,
        holder: &Holder,
        limit: usize,
    ) -> Result<Vec<(Claim, Vec<u8>)>, StoreError> {
        let now = Instant::now();
        let mut held = self.leases.0.lock();
        let mut claimed = Vec::new();
        for item in self.jobs.iter() {
            if claimed.len() >= limit {
                break;
            }
            let (key, value) = item?;
            let id = String::from_utf8_lossy(&key).into_owned();
            let lease = held.jobs.entry(id.clone()).or_insert(Lease {
                owner: None,
                epoch: 0,
                until: now,
            });
            if lease.is_free(now) {
                lease.take(holder, now);
                lease.epoch += 1;
                let epoch = lease.epoch;
                claimed.push((Claim { id, epoch }, value.to_vec()));
            }
        }
        Ok(claimed)
    }

    /// Whether `claim` is still `holder`'s (and the job still exists); the lease extended if so.
    fn keep_claim(&self, held: &mut Held, holder: &Holder, claim: &Claim) -> bool {
        let exists = self.jobs.contains_key(&claim.id).unwrap_or(false);
        match held.jobs.get_mut(&claim.id) {
            Some(lease) if exists && lease.held_by(holder) && lease.epoch == claim.epoch => {
                lease.until = Instant::now() + holder.lease;
                true
            }
            _ => false,
        }
    }

    /// Renews `claim`; whether it was still `holder`'s.
    pub(in crate::store) fn renew_job(&self, holder: &Holder, claim: &Claim) -> bool {
        let mut held = self.leases.0.lock();
        self.keep_claim(&mut held, holder, claim)
    }

    /// Saves the job under `claim`, durably; whether it was still `holder`'s.
    pub(in crate::store) async fn update_job(
        &self,
        holder: &Holder,
        claim: &Claim,
        bytes: Vec<u8>,
    ) -> Result<bool, StoreError> {
        {
            let mut held = self.leases.0.lock();
            if !self.keep_claim(&mut held, holder, claim) {
                return Ok(false);
            }
            self.jobs.insert(&claim.id, bytes)?;
        }
        self.flush().await?;
        Ok(true)
    }

    /// Forgets the job under `claim`, keeping its finished `video` (the record and its
    /// encoding) in the history, durably; whether it was still `holder`'s.
    pub(in crate::store) async fn finish_job(
        &self,
        holder: &Holder,
        claim: &Claim,
        video: Option<(&VideoRecord, Vec<u8>)>,
    ) -> Result<bool, StoreError> {
        {
            let mut held = self.leases.0.lock();
            if !self.keep_claim(&mut held, holder, claim) {
                return Ok(false);
            }
            held.jobs.remove(&claim.id);
            self.jobs.remove(&claim.id)?;
            if let Some((rec, bytes)) = video {
                self.keep_video(rec, bytes)?;
            }
        }
        self.flush().await?;
        Ok(true)
    }

    /// See [`crate::store::Store::cancel_job`]: removed under the leases' lock, so that no
    /// holder's write of it slips in between.
    pub(in crate::store) async fn cancel_job(&self, id: &str) -> Result<bool, StoreError> {
        let existed = {
            let mut held = self.leases.0.lock();
            held.jobs.remove(id);
            self.jobs.remove(id)?.is_some()
        };
        self.flush().await?;
        Ok(existed)
    }

    /// Takes `scope`'s lease for `owner` (a turn) unless another turn holds it; its epoch
    /// if taken (raised when the owner changes).
    pub(in crate::store) fn lease_scope(
        &self,
        owner: &str,
        lease: Duration,
        scope: &str,
    ) -> Option<i64> {
        let now = Instant::now();
        let mut held = self.leases.0.lock();
        let current = held.scopes.entry(scope.to_string()).or_insert(Lease {
            owner: None,
            epoch: 0,
            until: now,
        });
        let mine = current.owner.as_deref() == Some(owner);
        if !mine && !current.is_free(now) {
            return None;
        }
        if !mine {
            current.owner = Some(owner.to_string());
            current.epoch += 1;
        }
        current.until = now + lease;
        Some(current.epoch)
    }

    /// Saves `bytes` as `scope`'s session (forgets it when `None`) if `writer` may, durably;
    /// whether it was written. Checked and written under the leases' lock.
    pub(in crate::store) async fn write_session(
        &self,
        scope: &str,
        bytes: Option<Vec<u8>>,
        writer: Writer<'_>,
    ) -> Result<bool, StoreError> {
        {
            let now = Instant::now();
            let held = self.leases.0.lock();
            let lease = held.scopes.get(scope).map(|l| LeaseNow {
                owner: l.owner.as_deref(),
                epoch: l.epoch,
                live: l.until > now,
            });
            if !may_write(writer, lease) {
                return Ok(false);
            }
            match bytes {
                Some(bytes) => {
                    self.sessions.insert(scope, bytes)?;
                }
                None => {
                    self.sessions.remove(scope)?;
                }
            }
        }
        self.flush().await?;
        Ok(true)
    }

    /// Renews `scope`'s lease; whether `owner` still had it.
    pub(in crate::store) fn renew_scope(&self, owner: &str, lease: Duration, scope: &str) -> bool {
        let mut held = self.leases.0.lock();
        match held.scopes.get_mut(scope) {
            Some(l) if l.owner.as_deref() == Some(owner) => {
                l.until = Instant::now() + lease;
                true
            }
            _ => false,
        }
    }

    /// Lets go of `scope`'s lease if `owner` has it.
    pub(in crate::store) fn release_scope(&self, owner: &str, scope: &str) {
        let mut held = self.leases.0.lock();
        // Kept, without an owner, so the next turn's epoch follows this one's.
        if let Some(lease) = held
            .scopes
            .get_mut(scope)
            .filter(|l| l.owner.as_deref() == Some(owner))
        {
            lease.owner = None;
        }
    }

    /// Lets go of everything `holder` has.
    pub(in crate::store) fn release_all(&self, holder: &Holder) {
        let mut guard = self.leases.0.lock();
        let held = &mut *guard;
        let turns = held
            .scopes
            .values_mut()
            .filter(|l| l.owner.as_deref().is_some_and(|o| holder.has_turn(o)));
        let jobs = held.jobs.values_mut().filter(|l| l.held_by(holder));
        for lease in turns.chain(jobs) {
            lease.owner = None;
        }
    }

    /// Forgets the sessions of `scopes` with their leases, and the jobs `jobs` with theirs,
    /// under the leases' lock (so no turn or poller writes one of them back in between); how
    /// many scope leases and jobs there were.
    pub(in crate::store) fn forget_held(
        &self,
        scopes: &[String],
        jobs: &[String],
    ) -> Result<(usize, usize), StoreError> {
        let mut held = self.leases.0.lock();
        let mut leases = 0;
        for scope in scopes {
            self.sessions.remove(scope.as_str())?;
            leases += usize::from(held.scopes.remove(scope).is_some());
        }
        let mut removed = 0;
        for id in jobs {
            held.jobs.remove(id);
            removed += usize::from(self.jobs.remove(id.as_str())?.is_some());
        }
        Ok((leases, removed))
    }
}
