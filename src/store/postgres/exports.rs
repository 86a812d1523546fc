//! PostgreSQL's counts and lists of running exports, by the indexes of migration 0003.

use super::{pg, PgStore};
use crate::store::exports::Running;
use crate::store::StoreError;

/// The member's and the community's running exports, in one statement.
const COUNT: &str = "SELECT (SELECT count(*) FROM jobs WHERE record->>'requested_by' = $1), \
                            (SELECT count(*) FROM jobs WHERE record->>'group' = $2)";

/// The locks that serialise new exports of one member and of one community (taken in this
/// order by every process, so two never wait on each other).
pub(super) const LOCK: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

impl PgStore {
    /// See [`crate::store::Store::running_exports`]; `conn` may be a transaction.
    pub(super) async fn count_running<'c>(
        conn: impl sqlx::PgExecutor<'c>,
        user: &str,
        group: Option<&str>,
    ) -> Result<Running, StoreError> {
        let (user_count, group_count): (i64, i64) = sqlx::query_as(COUNT)
            .bind(user)
            .bind(group)
            .fetch_one(conn)
            .await
            .map_err(pg("counting running exports"))?;
        Ok(Running {
            user: u32::try_from(user_count).unwrap_or(u32::MAX),
            group: u32::try_from(group_count).unwrap_or(u32::MAX),
        })
    }

    /// See [`crate::store::Store::running_exports`].
    pub(in crate::store) async fn running_exports(
        &self,
        user: &str,
        group: Option<&str>,
    ) -> Result<Running, StoreError> {
        Self::count_running(&self.pool, user, group).await
    }

    /// The jobs of `scope`: id and record.
    pub(in crate::store) async fn jobs_of(
        &self,
        scope: &str,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, record::text FROM jobs WHERE record->>'scope' = $1 ORDER BY id",
        )
        .bind(scope)
        .fetch_all(&self.pool)
        .await
        .map_err(pg("listing a scope's exports"))?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into_bytes())).collect())
    }
}
