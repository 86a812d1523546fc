//! sled's video history: a tree keyed by member, then finish time, then render id, so a
//! member's videos are one prefix scan, oldest first (read backwards for newest first).

use super::SledStore;
use crate::store::videos::{is_old, VideoPage, VideoQuery, VideoRecord};
use crate::store::StoreError;

/// The key prefix of `user`'s videos.
fn prefix(user: &str) -> Vec<u8> {
    format!("{user}\0").into_bytes()
}

/// The key of a video: its member, its finish time (zero-padded, so keys sort by it), its id.
fn key(rec: &VideoRecord) -> Vec<u8> {
    format!("{}\0{:020}\0{}", rec.user, rec.finished_at, rec.id).into_bytes()
}

impl SledStore {
    /// Keeps `rec` (encoded as `bytes`) in its member's history; the caller flushes.
    pub(in crate::store) fn keep_video(
        &self,
        rec: &VideoRecord,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.videos.insert(key(rec), bytes)?;
        Ok(())
    }

    /// See [`crate::store::Store::videos`].
    pub(in crate::store) fn videos(&self, query: VideoQuery<'_>) -> Result<VideoPage, StoreError> {
        let mut page = VideoPage::default();
        for item in self.videos.scan_prefix(prefix(query.user)).rev() {
            let (key, value) = item?;
            let rec: VideoRecord = crate::store::decode(&String::from_utf8_lossy(&key), &value)?;
            if query.place.is_some_and(|p| !rec.place.starts_with(p)) {
                continue;
            }
            if page.total >= query.skip && page.videos.len() < query.limit {
                page.videos.push(rec);
            }
            page.total += 1;
        }
        Ok(page)
    }

    /// See [`crate::store::Store::video`].
    pub(in crate::store) fn video(
        &self,
        user: &str,
        id: &str,
    ) -> Result<Option<VideoRecord>, StoreError> {
        for item in self.videos.scan_prefix(prefix(user)) {
            let (key, value) = item?;
            if key.ends_with(format!("\0{id}").as_bytes()) {
                let name = String::from_utf8_lossy(&key);
                return Ok(Some(crate::store::decode(&name, &value)?));
            }
        }
        Ok(None)
    }

    /// See [`crate::store::Store::forget_videos_before`].
    pub(in crate::store) async fn forget_videos_before(
        &self,
        cutoff: u64,
    ) -> Result<usize, StoreError> {
        let mut old = Vec::new();
        for item in self.videos.iter() {
            let (key, value) = item?;
            let rec: VideoRecord = crate::store::decode(&String::from_utf8_lossy(&key), &value)?;
            if is_old(rec.finished_at, cutoff) {
                old.push(key);
            }
        }
        for key in &old {
            self.videos.remove(key)?;
        }
        self.flush().await?;
        Ok(old.len())
    }

    /// Deletes `user`'s videos (the caller flushes); how many there were.
    pub(in crate::store) fn forget_videos_of(&self, user: &str) -> Result<usize, StoreError> {
        let keys: Vec<_> = self
            .videos
            .scan_prefix(prefix(user))
            .keys()
            .collect::<Result<_, _>>()?;
        for key in &keys {
            self.videos.remove(key)?;
        }
        Ok(keys.len())
    }
}
