//! Finished videos kept in their members' histories (for `/videos`): the record made when a
//! link is posted (kept as its job ends, in the same fenced step), and the sweep of records
//! older than `[store] video_history_days`, at most once per [`SWEEP_EVERY`].

use super::Exports;
use crate::nemo::RenderStatus;
use crate::store::{history_cutoff, JobRecord, StoreError, VideoPage, VideoQuery, VideoRecord};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How many days a video is kept unless configured.
pub(super) const DEFAULT_DAYS: u64 = 30;
/// How often the periodic work sweeps the histories: history is kept by the day, so an hour
/// late is nothing, and the sweep is not repeated at every claiming pass.
pub(super) const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// The history record of `job`, whose render ended as `done` (posted at `now`, unix seconds
/// by the store's clock); none without a link.
pub(super) fn video(job: &JobRecord, done: &RenderStatus, now: u64) -> Option<VideoRecord> {
    let seconds = done
        .duration
        .or(job.video.length_ms.map(|ms| ms as f64 / 1000.0));
    Some(VideoRecord {
        id: job.id.clone(),
        user: job.requested_by.clone(),
        place: job.target.clone(),
        group: job.group.clone(),
        title: job.video.title.clone(),
        length_secs: seconds
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| s.round() as u64),
        finished_at: now,
        url: done.url.clone()?,
        request: job.video.request.clone(),
    })
}

impl Exports {
    /// A page of a member's videos.
    pub(crate) async fn videos(&self, query: VideoQuery<'_>) -> Result<VideoPage, StoreError> {
        self.inner.store.videos(query).await
    }

    /// A member's video by its id, while the history keeps it.
    pub(crate) async fn video(
        &self,
        user: &str,
        id: &str,
    ) -> Result<Option<VideoRecord>, StoreError> {
        self.inner.store.video(user, id).await
    }

    /// Keeps finished videos `days` days.
    pub(crate) fn set_history_days(&self, days: u64) {
        self.inner.history_days.store(days, Ordering::Relaxed);
    }

    /// Deletes the videos older than the history kept, as of `now` (unix seconds by the
    /// store's clock); how many.
    pub(crate) async fn forget_old_videos(&self, now: u64) -> Result<usize, StoreError> {
        let days = self.inner.history_days.load(Ordering::Relaxed);
        let store = &self.inner.store;
        store.forget_videos_before(history_cutoff(now, days)).await
    }

    /// The periodic sweep: by the store's clock, which the records' times are taken by.
    pub(super) async fn sweep_history(&self) {
        let swept = match self.inner.store.clock_ms().await {
            Ok(ms) => {
                self.forget_old_videos(u64::try_from(ms / 1000).unwrap_or(0))
                    .await
            }
            Err(e) => Err(e),
        };
        match swept {
            Ok(0) => {}
            Ok(n) => tracing::info!(videos = n, "deleted videos past the history kept"),
            Err(e) => tracing::warn!("could not delete old videos: {e}"),
        }
    }
}
