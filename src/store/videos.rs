//! Members' finished videos, kept for `/videos`: written with the end of their export job (in
//! the same fenced step, so a process that lost the job keeps nothing of it), listed newest
//! first, deleted once older than `[store] video_history_days`, and by `/forget-me`.

use super::{Backend, Store, StoreError};
use serde::{Deserialize, Serialize};

/// Seconds in a day.
const DAY: u64 = 24 * 3600;

/// A finished video, as its member's history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoRecord {
    /// The render id.
    pub id: String,
    /// The member who asked for it (`discord:<id>`).
    pub user: String,
    /// Where its link was posted, as the front names it (`discord:<channel>:<user>`).
    pub place: String,
    /// The community it was made in (a guild), if any.
    #[serde(default)]
    pub group: Option<String>,
    /// Its title, when the draft or the song gave one.
    #[serde(default)]
    pub title: Option<String>,
    /// Its length in seconds, when the render or the timeline said it.
    #[serde(default)]
    pub length_secs: Option<u64>,
    /// When its link was posted, unix seconds by the store's clock.
    pub finished_at: u64,
    /// NemoVideo's MP4 link. NemoVideo's render answer says nothing of when it expires
    /// (`shared/nemo-api.md`), so neither does the record.
    pub url: String,
    /// The member's words it was made from (empty: the default request), for another take
    /// whose words are too long for its button; none for an export of whatever the timeline
    /// was, and for videos kept before the words were.
    #[serde(default)]
    pub request: Option<String>,
}

/// One page of a member's videos, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VideoPage {
    /// The page's videos.
    pub videos: Vec<VideoRecord>,
    /// How many videos the member has there in all.
    pub total: usize,
}

/// Which of a member's videos to list.
#[derive(Debug, Clone, Copy)]
pub struct VideoQuery<'a> {
    /// The member.
    pub user: &'a str,
    /// Only those posted where the place starts with this (`discord:<channel>:`); all when
    /// `None`.
    pub place: Option<&'a str>,
    /// How many newer ones to skip.
    pub skip: usize,
    /// How many to list at most.
    pub limit: usize,
}

/// The oldest finish time kept, `days` of history before `now` (unix seconds): a video that
/// finished before it is deleted.
pub fn history_cutoff(now: u64, days: u64) -> u64 {
    now.saturating_sub(days.saturating_mul(DAY))
}

/// Whether a video that finished at `finished_at` is past the history kept before `cutoff`.
pub fn is_old(finished_at: u64, cutoff: u64) -> bool {
    finished_at < cutoff
}

impl Store {
    /// A page of `query.user`'s videos, newest first, and how many there are in all.
    pub async fn videos(&self, query: VideoQuery<'_>) -> Result<VideoPage, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.videos(query),
            Backend::Postgres(db) => db.videos(query).await,
        }
    }

    /// `user`'s video `id`, while the history keeps it.
    pub async fn video(&self, user: &str, id: &str) -> Result<Option<VideoRecord>, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.video(user, id),
            Backend::Postgres(db) => db.video(user, id).await,
        }
    }

    /// Deletes the videos that finished before `cutoff` (unix seconds, see
    /// [`history_cutoff`]), durably; how many there were.
    pub async fn forget_videos_before(&self, cutoff: u64) -> Result<usize, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.forget_videos_before(cutoff).await,
            Backend::Postgres(db) => db.forget_videos_before(cutoff).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_video_is_old_once_it_finished_more_than_the_kept_days_ago() {
        let now = 1_800_000_000;
        let table = [
            // (finished this many seconds before now, days kept, old)
            (0, 30, false),
            (29 * DAY, 30, false),
            (30 * DAY, 30, false),
            (30 * DAY + 1, 30, true),
            (400 * DAY, 30, true),
            (DAY, 1, false),
            (DAY + 1, 1, true),
            (2 * DAY, 7, false),
            (8 * DAY, 7, true),
        ];
        for (ago, days, old) in table {
            let cutoff = history_cutoff(now, days);
            assert_eq!(is_old(now - ago, cutoff), old, "{ago} s ago, {days} days");
        }
        // Far more days than the clock has run: nothing is old, nothing wraps.
        assert_eq!(history_cutoff(100, u64::MAX), 0);
        assert!(!is_old(0, history_cutoff(100, u64::MAX)));
    }
}
