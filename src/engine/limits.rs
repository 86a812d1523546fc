//! Quotas, so that one member or one community cannot use up a shared pool of credits and
//! render slots. Going over is answered with when to try again, never silently dropped.

use super::front::Front;
use super::{text, Actor, Engine, EngineError};
use crate::store::now_secs;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

const HOUR: u64 = 3600;

/// When each user started their turns of the last hour (unix seconds). In memory: a restart
/// forgets it, which at worst grants one extra hour. Users with no turn in the last hour are
/// forgotten as the log grows (twice the users of the last sweep), so it holds only the last
/// hour's users.
#[derive(Default)]
pub(crate) struct TurnLog(Mutex<Log>);

#[derive(Default)]
struct Log {
    users: HashMap<String, VecDeque<u64>>,
    sweep_at: usize,
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

impl Engine {
    /// Counts a turn against the user's hourly quota, or says when the next one is allowed.
    pub(crate) fn take_turn(&self, actor: &Actor, front: &dyn Front) -> Result<(), EngineError> {
        self.with_turns(actor, front, |times, now| times.push_back(now))
            .map_err(EngineError::User)
    }

    /// Whether a request bringing `files` files may go ahead, checked from what the platform
    /// says of them before anything is downloaded or sent: the number of files, the stop, and
    /// (when it `makes_videos`) the turn and export quotas. The sentence for the user if not.
    pub async fn check_files_first(
        &self,
        actor: &Actor,
        front: &dyn Front,
        files: usize,
        makes_videos: bool,
    ) -> Result<(), String> {
        if self.is_stopping() {
            return Err(text::RESTARTING.into());
        }
        self.check_file_count(files).map_err(|e| e.user_text())?;
        if makes_videos {
            self.check_export_quota(actor)
                .await
                .map_err(|e| e.user_text())?;
            self.with_turns(actor, front, |_, _| ())?;
        }
        Ok(())
    }

    /// Runs `then` on the user's turns of the last hour when one more is allowed; the
    /// sentence saying when the next one is, if not.
    fn with_turns<T>(
        &self,
        actor: &Actor,
        front: &dyn Front,
        then: impl FnOnce(&mut VecDeque<u64>, u64) -> T,
    ) -> Result<T, String> {
        let limit = self.inner.limits.turns_per_user_per_hour as usize;
        let now = now_secs();
        let mut log = self.inner.turns.0.lock().unwrap_or_else(|p| p.into_inner());
        let times = log.recent(&actor.user, now);
        if times.len() >= limit {
            let next = times.front().map_or(now + HOUR, |t| t + HOUR);
            return Err(text::turn_quota(limit, &front.eta(next)));
        }
        Ok(then(times, now))
    }

    /// Refuses an export past the user's or the community's number of running exports.
    pub(crate) async fn check_export_quota(&self, actor: &Actor) -> Result<(), EngineError> {
        let limits = &self.inner.limits;
        let jobs = self.inner.store.jobs().await?;
        let mine = jobs.iter().filter(|j| j.requested_by == actor.user).count();
        if mine >= limits.exports_per_user as usize {
            return Err(EngineError::User(text::export_quota_user(mine)));
        }
        if let Some(group) = &actor.group {
            let ours = jobs
                .iter()
                .filter(|j| j.group.as_ref() == Some(group))
                .count();
            if ours >= limits.exports_per_guild as usize {
                return Err(EngineError::User(text::EXPORT_QUOTA_GROUP.into()));
            }
        }
        Ok(())
    }

    /// Refuses a message that brings more files than allowed, before anything is sent.
    pub(crate) fn check_file_count(&self, count: usize) -> Result<(), EngineError> {
        let limit = self.inner.limits.files_per_message as usize;
        if count > limit {
            return Err(EngineError::User(text::too_many_files(limit)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_without_a_turn_in_the_last_hour_are_forgotten() {
        let mut log = Log::default();
        for i in 0..10_000 {
            log.recent(&format!("user{i}"), 1_000).push_back(1_000);
        }
        assert_eq!(log.users.len(), 10_000, "all within the hour");
        let later = 1_000 + HOUR;
        for i in 0..30_000 {
            log.recent(&format!("late{i}"), later).push_back(later);
        }
        assert!(!log.users.contains_key("user5"), "an hour-old user is gone");
        assert!(log.users.len() <= 2 * 30_000, "{}", log.users.len());
        assert_eq!(log.recent("late7", later).len(), 1, "recent turns are kept");
    }
}
