//! Quotas, so that one member or one community cannot use up a shared pool of credits and
//! render slots. Going over is answered with when to try again, never silently dropped.

use super::front::Front;
use super::{text, Actor, Engine, EngineError};
use crate::store::now_secs;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

const HOUR: u64 = 3600;

/// When each user started their turns of the last hour (unix seconds). In memory: a restart
/// forgets it, which at worst grants one extra hour.
#[derive(Default)]
pub(crate) struct TurnLog(Mutex<HashMap<String, VecDeque<u64>>>);

impl Engine {
    /// Counts a turn against the user's hourly quota, or says when the next one is allowed.
    pub(crate) fn take_turn(&self, actor: &Actor, front: &dyn Front) -> Result<(), EngineError> {
        let limit = self.inner.limits.turns_per_user_per_hour as usize;
        let now = now_secs();
        let mut log = self.inner.turns.0.lock().unwrap_or_else(|p| p.into_inner());
        let times = log.entry(actor.user.clone()).or_default();
        while times.front().is_some_and(|t| t + HOUR <= now) {
            times.pop_front();
        }
        if times.len() >= limit {
            let next = times.front().map_or(now + HOUR, |t| t + HOUR);
            return Err(EngineError::User(text::turn_quota(limit, &front.eta(next))));
        }
        times.push_back(now);
        Ok(())
    }

    /// Refuses an export past the user's or the community's number of running exports.
    pub(crate) fn check_export_quota(&self, actor: &Actor) -> Result<(), EngineError> {
        let limits = &self.inner.limits;
        let jobs = self.inner.store.jobs()?;
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
