//! PostgreSQL's servers (migration 0005): a row per server with the number of its last write,
//! from one sequence. Every write takes the servers' advisory lock first and holds it until it
//! commits, so numbers commit in order and a reader that saw number n has seen every write
//! below it.

use super::exports::LOCK;
use super::{pg, PgStore};
use crate::store::servers::{Change, Forgotten};
use crate::store::StoreError;
use sqlx::{Postgres, Transaction};

/// The advisory lock's key (through [`LOCK`]) that orders the servers' writes.
const SERVERS: &str = "servers";

/// Writes the record `$2` (no record: a tombstone) of group `$1` under a new number.
const WRITE: &str = "INSERT INTO servers (grp, record, version) \
     VALUES ($1, $2::jsonb, nextval('servers_version')) \
     ON CONFLICT (grp) DO UPDATE SET record = EXCLUDED.record, version = EXCLUDED.version, \
         updated = now()";

/// Rows of [`PgStore::servers_since`]: group, change number, record (none: forgotten).
type Changed = Vec<(String, i64, Option<Vec<u8>>)>;

impl PgStore {
    /// The server's record as JSON, if it has one.
    pub(in crate::store) async fn server(
        &self,
        group: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let found: Option<Option<String>> =
            sqlx::query_scalar("SELECT record::text FROM servers WHERE grp = $1")
                .bind(group)
                .fetch_optional(&self.pool)
                .await
                .map_err(pg("reading a server"))?;
        Ok(found.flatten().map(String::into_bytes))
    }

    /// A transaction holding the servers' lock, and the group's row (`FOR UPDATE`) if it has
    /// one: its record as JSON.
    async fn lock_server(
        &self,
        group: &str,
        failed: &impl Fn(sqlx::Error) -> StoreError,
    ) -> Result<(Transaction<'static, Postgres>, Option<String>), StoreError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        sqlx::query(LOCK)
            .bind(SERVERS)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        let found: Option<Option<String>> =
            sqlx::query_scalar("SELECT record::text FROM servers WHERE grp = $1 FOR UPDATE")
                .bind(group)
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed)?;
        Ok((tx, found.flatten()))
    }

    /// Replaces the server's record by what `change` makes of it, under a new number;
    /// committed when this returns.
    pub(in crate::store) async fn update_server(
        &self,
        group: &str,
        change: &mut Change<'_>,
    ) -> Result<(), StoreError> {
        let failed = pg("saving a server");
        let (mut tx, old) = self.lock_server(group, &failed).await?;
        let new = change(old.as_deref().map(str::as_bytes))?;
        sqlx::query(WRITE)
            .bind(group)
            .bind(String::from_utf8_lossy(&new).as_ref())
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
        tx.commit().await.map_err(&failed)
    }

    /// Every server written after number `version`, oldest first.
    pub(in crate::store) async fn servers_since(
        &self,
        version: i64,
    ) -> Result<Changed, StoreError> {
        let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
            "SELECT grp, version, record::text FROM servers WHERE version > $1 ORDER BY version",
        )
        .bind(version)
        .fetch_all(&self.pool)
        .await
        .map_err(pg("listing changed servers"))?;
        Ok(rows
            .into_iter()
            .map(|(group, v, rec)| (group, v, rec.map(String::into_bytes)))
            .collect())
    }

    /// See [`crate::store::Store::forget_server`]: one transaction.
    pub(in crate::store) async fn forget_server(
        &self,
        group: &str,
    ) -> Result<Forgotten, StoreError> {
        let failed = pg("forgetting a server");
        let (mut tx, old) = self.lock_server(group, &failed).await?;
        sqlx::query(WRITE)
            .bind(group)
            .bind(None::<String>)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
        let scopes: Vec<String> = sqlx::query_scalar(
            "DELETE FROM sessions WHERE record->>'group' = $1 AND scope LIKE 'channel:%' \
             RETURNING scope",
        )
        .bind(group)
        .fetch_all(&mut *tx)
        .await
        .map_err(&failed)?;
        let leases = sqlx::query("DELETE FROM scope_leases WHERE scope = ANY($1)")
            .bind(&scopes)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?
            .rows_affected();
        let jobs = sqlx::query("DELETE FROM jobs WHERE record->>'group' = $1")
            .bind(group)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?
            .rows_affected();
        tx.commit().await.map_err(&failed)?;
        Ok(Forgotten {
            server: old.is_some(),
            sessions: scopes.len(),
            leases: usize::try_from(leases).unwrap_or(usize::MAX),
            jobs: usize::try_from(jobs).unwrap_or(usize::MAX),
        })
    }
}
