//! A member's finished videos (`/videos`): listed a page at a time, newest first, here or
//! everywhere; kept for `[store] video_history_days`.

use super::{Engine, EngineError};
use crate::store::{VideoPage, VideoQuery};

/// Videos per page.
pub const PAGE_SIZE: usize = 5;

impl Engine {
    /// Page `page` (from 0) of `user`'s videos, newest first, of those posted where the place
    /// starts with `place` (everywhere when `None`), with how many there are.
    pub async fn videos(
        &self,
        user: &str,
        place: Option<&str>,
        page: usize,
    ) -> Result<VideoPage, EngineError> {
        let query = VideoQuery {
            user,
            place,
            skip: page.saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
        };
        Ok(self.parts.exports.videos(query).await?)
    }

    /// The words `user`'s video `id` was made from (empty: the default request), while the
    /// history keeps it; none for a video made of whatever the timeline was.
    pub async fn words_of_video(
        &self,
        user: &str,
        id: &str,
    ) -> Result<Option<String>, EngineError> {
        let video = self.parts.exports.video(user, id).await?;
        Ok(video.and_then(|v| v.request))
    }

    /// How many days finished videos are kept (`store.video_history_days`; 30 unless set).
    /// Set it before serving.
    pub fn set_video_history_days(&self, days: u64) {
        self.parts.exports.set_history_days(days);
    }

    /// Deletes the videos older than the history kept, as of `now` (unix seconds): what the
    /// periodic work does about once an hour; how many were deleted.
    pub async fn forget_old_videos(&self, now: u64) -> Result<usize, EngineError> {
        Ok(self.parts.exports.forget_old_videos(now).await?)
    }
}
