//! The hourly turn quota's log: shared by every process on PostgreSQL (a row per turn), in
//! the process's memory on sled (one process; a restart forgets it, which at worst grants one
//! extra hour).

use super::{now_secs, Backend, Store, StoreError};
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};

/// The length of the quota's window, in seconds.
pub(super) const HOUR: u64 = 3600;

/// Where a user stands against the hourly turn quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnQuota {
    /// One more turn is allowed (and was counted, when the caller took it).
    Allowed,
    /// The quota is used up; the next turn is allowed at this unix second.
    Full {
        /// Unix seconds.
        next_at: u64,
    },
}

impl Store {
    /// Checks `user`'s turns of the last hour against `limit`, counting one more when `take`
    /// is set and one is allowed.
    pub async fn turns(&self, user: &str, limit: u32, take: bool) -> Result<TurnQuota, StoreError> {
        match &self.db {
            Backend::Sled(db) => Ok(db.turns().check(user, limit, take, now_secs())),
            Backend::Postgres(db) => db.turns(user, limit, take).await,
        }
    }

    /// Forgets turns older than the quota's window, of members who have not been back (run
    /// now and then by one of the processes' periodic work; sled's log sweeps itself).
    pub async fn forget_old_turns(&self) -> Result<(), StoreError> {
        match &self.db {
            Backend::Sled(_) => Ok(()),
            Backend::Postgres(db) => db.forget_old_turns().await,
        }
    }
}

/// When each user started their turns of the last hour (unix seconds). Users with no turn in
/// the last hour are forgotten as the log grows (twice the users of the last sweep), so it
/// holds only the last hour's users.
#[derive(Default)]
pub(super) struct TurnLog(Mutex<Log>);

#[derive(Default)]
struct Log {
    users: HashMap<String, VecDeque<u64>>,
    sweep_at: usize,
}

impl TurnLog {
    /// [`Store::turns`] at `now`.
    pub(super) fn check(&self, user: &str, limit: u32, take: bool, now: u64) -> TurnQuota {
        let mut log = self.0.lock();
        let times = log.recent(user, now);
        if times.len() >= limit as usize {
            let next_at = times.front().map_or(now + HOUR, |t| t + HOUR);
            return TurnQuota::Full { next_at };
        }
        if take {
            times.push_back(now);
        }
        TurnQuota::Allowed
    }

    /// Forgets `user`'s turns; how many there were.
    pub(super) fn forget(&self, user: &str) -> usize {
        self.0
            .lock()
            .users
            .remove(user)
            .map_or(0, |times| times.len())
    }

    #[cfg(any(test, feature = "testing"))]
    /// Every user with turns in the log.
    pub(super) fn users(&self) -> Vec<String> {
        self.0.lock().users.keys().cloned().collect()
    }
}

impl Log {
    /// The user's turns of the last hour, oldest first.
    fn recent(&mut self, user: &str, now: u64) -> &mut VecDeque<u64> {
        if self.users.len() >= self.sweep_at {
            self.users
                .retain(|_, times| times.back().is_some_and(|t| t + HOUR > now));
            self.sweep_at = (self.users.len() * 2).max(1024);
        }
        let times = self.users.entry(user.to_string()).or_default();
        while times.front().is_some_and(|t| t + HOUR <= now) {
            times.pop_front();
        }
        times
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_without_a_turn_in_the_last_hour_are_forgotten() {
        let log = TurnLog::default();
        for i in 0..10_000 {
            log.check(&format!("user{i}"), 5, true, 1_000);
        }
        assert_eq!(log.0.lock().users.len(), 10_000, "all within the hour");
        let later = 1_000 + HOUR;
        for i in 0..30_000 {
            log.check(&format!("late{i}"), 5, true, later);
        }
        let mut inner = log.0.lock();
        assert!(
            !inner.users.contains_key("user5"),
            "an hour-old user is gone"
        );
        assert!(inner.users.len() <= 2 * 30_000, "{}", inner.users.len());
        assert_eq!(
            inner.recent("late7", later).len(),
            1,
            "recent turns are kept"
        );
    }

    #[test]
    fn the_quota_counts_only_taken_turns_and_says_when_the_next_is_allowed() {
        let log = TurnLog::default();
        assert_eq!(log.check("a", 2, false, 100), TurnQuota::Allowed);
        assert_eq!(log.check("a", 2, true, 100), TurnQuota::Allowed);
        assert_eq!(log.check("a", 2, true, 200), TurnQuota::Allowed);
        let full = TurnQuota::Full {
            next_at: 100 + HOUR,
        };
        assert_eq!(log.check("a", 2, true, 300), full);
        assert_eq!(log.check("b", 2, true, 300), TurnQuota::Allowed, "per user");
        assert_eq!(log.check("a", 2, true, 100 + HOUR), TurnQuota::Allowed);
    }
}
