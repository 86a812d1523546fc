//! PostgreSQL's video history: the `videos` table of migration 0006, by the member's index
//! for their lists and the age index for the sweep.

use super::{pg, PgStore};
use crate::store::videos::{VideoPage, VideoQuery, VideoRecord};
use crate::store::StoreError;

/// A member's videos (`$1`) where the place starts with `$2` (all when null), newest first.
const PAGE: &str = "SELECT record::text, count(*) OVER () FROM videos \
     WHERE user_key = $1 AND ($2::text IS NULL OR starts_with(place, $2)) \
     ORDER BY finished_at DESC, id DESC OFFSET $3 LIMIT $4";

/// How many there are when the page itself is empty (skipped past the last).
const COUNT: &str = "SELECT count(*) FROM videos \
     WHERE user_key = $1 AND ($2::text IS NULL OR starts_with(place, $2))";

impl PgStore {
    /// Keeps `rec` (encoded as `bytes`) in its member's history, on `conn` (the transaction
    /// that forgets its job); a second write of one video changes nothing.
    pub(super) async fn keep_video<'c>(
        conn: impl sqlx::PgExecutor<'c>,
        rec: &VideoRecord,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        let finished = i64::try_from(rec.finished_at).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO videos (id, user_key, place, finished_at, record) \
             VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&rec.id)
        .bind(&rec.user)
        .bind(&rec.place)
        .bind(finished)
        .bind(String::from_utf8_lossy(bytes).as_ref())
        .execute(conn)
        .await
        .map_err(pg("keeping a finished video"))?;
        Ok(())
    }

    /// See [`crate::store::Store::videos`].
    pub(in crate::store) async fn videos(
        &self,
        query: VideoQuery<'_>,
    ) -> Result<VideoPage, StoreError> {
        let failed = pg("listing a member's videos");
        let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let rows: Vec<(String, i64)> = sqlx::query_as(PAGE)
            .bind(query.user)
            .bind(query.place)
            .bind(as_i64(query.skip))
            .bind(as_i64(query.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(&failed)?;
        let total = match rows.first() {
            Some((_, total)) => *total,
            None => sqlx::query_scalar(COUNT)
                .bind(query.user)
                .bind(query.place)
                .fetch_one(&self.pool)
                .await
                .map_err(&failed)?,
        };
        let videos = rows
            .iter()
            .map(|(record, _)| crate::store::decode(query.user, record.as_bytes()))
            .collect::<Result<_, _>>()?;
        Ok(VideoPage {
            videos,
            total: usize::try_from(total).unwrap_or(0),
        })
    }

    /// See [`crate::store::Store::video`].
    pub(in crate::store) async fn video(
        &self,
        user: &str,
        id: &str,
    ) -> Result<Option<VideoRecord>, StoreError> {
        let record: Option<String> =
            sqlx::query_scalar("SELECT record::text FROM videos WHERE id = $1 AND user_key = $2")
                .bind(id)
                .bind(user)
                .fetch_optional(&self.pool)
                .await
                .map_err(pg("reading a finished video"))?;
        record
            .map(|r| crate::store::decode(user, r.as_bytes()))
            .transpose()
    }

    /// See [`crate::store::Store::forget_videos_before`].
    pub(in crate::store) async fn forget_videos_before(
        &self,
        cutoff: u64,
    ) -> Result<usize, StoreError> {
        let done = sqlx::query("DELETE FROM videos WHERE finished_at < $1")
            .bind(i64::try_from(cutoff).unwrap_or(i64::MAX))
            .execute(&self.pool)
            .await
            .map_err(pg("deleting old videos"))?;
        Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
    }
}
