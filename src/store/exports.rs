//! Running exports as the quotas and `/status` see them: counted per member and per
//! community, listed per scope (by index on PostgreSQL, not by reading every job). A new job is
//! checked against the caps and written in one step — one transaction under per-member and
//! per-community locks on PostgreSQL, one lock on sled — so two processes (or two requests of
//! one) cannot both start the last export allowed.

use super::{Backend, JobRecord, Store, StoreError};

/// How many exports may run at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportCaps {
    /// Per member.
    pub per_user: u32,
    /// Per community (a Discord server); jobs outside one are not capped by it.
    pub per_group: u32,
}

impl ExportCaps {
    /// No cap.
    pub const NONE: ExportCaps = ExportCaps {
        per_user: u32::MAX,
        per_group: u32::MAX,
    };

    /// The cap `running` leaves no room under, if any.
    pub fn full(&self, running: Running) -> Option<Full> {
        if running.user >= self.per_user {
            Some(Full::User {
                running: running.user,
            })
        } else if running.group >= self.per_group {
            Some(Full::Group)
        } else {
            None
        }
    }
}

/// A member's exports running now, and their community's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Running {
    /// The member's.
    pub user: u32,
    /// The community's (0 outside one).
    pub group: u32,
}

/// The cap a new export would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The member's, with how many of theirs are running.
    User {
        /// Their running exports.
        running: u32,
    },
    /// The community's.
    Group,
}

impl Store {
    /// The exports running for `user`, and for `group` (0 without one).
    pub async fn running_exports(
        &self,
        user: &str,
        group: Option<&str>,
    ) -> Result<Running, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.running_exports(user, group),
            Backend::Postgres(db) => db.running_exports(user, group).await,
        }
    }

    /// The unfinished exports of `scope`.
    pub async fn jobs_of(&self, scope: &str) -> Result<Vec<JobRecord>, StoreError> {
        match &self.db {
            Backend::Sled(_) => Ok(self
                .jobs()
                .await?
                .into_iter()
                .filter(|j| j.scope == scope)
                .collect()),
            Backend::Postgres(db) => db
                .jobs_of(scope)
                .await?
                .iter()
                .map(|(key, value)| super::decode(key, value))
                .collect(),
        }
    }
}

/// Counts `user`'s and `group`'s jobs among `jobs` (sled's scan).
pub(super) fn count<'a>(
    jobs: impl Iterator<Item = &'a JobRecord>,
    user: &str,
    group: Option<&str>,
) -> Running {
    let mut running = Running::default();
    for job in jobs {
        running.user += u32::from(job.requested_by == user);
        running.group += u32::from(group.is_some() && job.group.as_deref() == group);
    }
    running
}
