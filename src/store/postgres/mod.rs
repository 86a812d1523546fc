//! The PostgreSQL backend, for several bot processes over one store.
//!
//! Runtime queries only (`sqlx::query`), so building needs no database; the migrations are
//! compiled into the binary and applied when the store opens. Each write is committed with
//! `synchronous_commit = on` before it returns, the same promise the sled backend keeps.

mod exports;
mod leases;
mod members;
mod servers;
mod sessions;
mod videos;

use super::{StoreError, Table};
use crate::secret::{redact_url, Secret};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::Connection;
use std::str::FromStr;
use std::time::Duration;

/// Every migration of `src/store/migrations`, oldest first, compiled into the binary: version
/// and description from the file's name (`0003_job_indexes.sql`), checksum from its text
/// (`build.rs` rebuilds the crate when a file is added there).
static MIGRATOR: Migrator = sqlx::migrate!("src/store/migrations");

/// Connections one process keeps at most.
const MAX_CONNECTIONS: u32 = 8;
/// How long a statement waits for a free connection before it fails, with leases lasting
/// `lease`: a third of it (one renewal's interval), so that a renewal stuck behind a busy pool
/// fails while the lease still runs, and the next renewal gets its own chance, instead of the
/// lease running out under a statement still waiting.
fn acquire_timeout(lease: Duration) -> Duration {
    lease / 3
}
/// How long the server lets a transaction of this process sit idle between its statements
/// before it ends the session (rolling back, letting go of its locks), as a setting: a third
/// of a lease. A process paused inside a transaction (SIGSTOP, a stall) must not keep the
/// rows and locks other processes wait on — a scope's lease row, a member's export lock — past
/// its own lease: the others would wait on it for as long as it sleeps.
fn idle_limit(lease: Duration) -> String {
    format!("{}ms", (lease / 3).as_millis().max(1))
}

/// Readiness checks must answer quickly, whatever the pool is doing.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// A pool of connections to the database.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (giving up after `timeout`) and applies the embedded migrations; its
    /// statements are timed for leases lasting `lease`. Errors show the URL with its password
    /// masked.
    pub async fn connect(
        url: &Secret,
        timeout: Duration,
        lease: Duration,
    ) -> Result<PgStore, StoreError> {
        let (store, mut first) = PgStore::connect_only(url, timeout, lease).await?;
        // On the first connection, which has no lease's limits: a start-up under load must
        // not fail on the pool's short wait for a connection, nor have a migration's
        // transaction ended for a pause between its statements.
        let migrated = MIGRATOR.run(&mut first).await;
        drop(first.close().await);
        migrated?;
        Ok(store)
    }

    /// Connects without migrating: the pool, and a first connection of its own (without the
    /// pool's limits).
    async fn connect_only(
        url: &Secret,
        timeout: Duration,
        lease: Duration,
    ) -> Result<(PgStore, PgConnection), StoreError> {
        let connect_error = |reason: String| StoreError::Connect {
            target: redact_url(url.expose()),
            reason: mask_password(&reason, url.expose()),
        };
        let options = PgConnectOptions::from_str(url.expose())
            .map_err(|e| connect_error(format!("bad URL: {e}")))?
            // The write-then-call promise holds even where the server's default is weaker.
            .options([("synchronous_commit", "on")]);
        // One connection first, on its own: the pool would retry a refused connection until
        // its timeout and then report only the timeout, where this reports the reason.
        let first = match tokio::time::timeout(timeout, PgConnection::connect_with(&options)).await
        {
            Ok(Ok(first)) => first,
            Ok(Err(e)) => return Err(connect_error(e.to_string())),
            Err(_) => {
                let waited = format!("no answer within {} s", timeout.as_secs());
                return Err(connect_error(waited));
            }
        };
        let leased = options.options([("idle_in_transaction_session_timeout", idle_limit(lease))]);
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(acquire_timeout(lease))
            .connect_lazy_with(leased);
        Ok((PgStore { pool }, first))
    }

    /// The encoded record under `key`.
    pub(super) async fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let (name, column) = names(table);
        let sql = format!("SELECT record::text FROM {name} WHERE {column} = $1");
        let found: Option<String> = sqlx::query_scalar(&sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg("reading a record"))?;
        Ok(found.map(String::into_bytes))
    }

    /// Every record of `table`, in key order (as sled iterates).
    pub(super) async fn all(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let (name, column) = names(table);
        let sql = format!("SELECT {column}, record::text FROM {name} ORDER BY {column}");
        let rows: Vec<(String, String)> = sqlx::query_as(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(pg("listing records"))?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into_bytes())).collect())
    }

    /// Saves `bytes` (a JSON document) under `key`; committed when this returns.
    pub(super) async fn put(
        &self,
        table: Table,
        key: &str,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        let (name, column) = names(table);
        let sql = format!(
            "INSERT INTO {name} ({column}, record) VALUES ($1, $2::jsonb) \
             ON CONFLICT ({column}) DO UPDATE SET record = EXCLUDED.record, updated = now()"
        );
        let text = String::from_utf8_lossy(&bytes);
        sqlx::query(&sql)
            .bind(key)
            .bind(text.as_ref())
            .execute(&self.pool)
            .await
            .map_err(pg("saving a record"))?;
        Ok(())
    }

    /// Forgets `key`; committed when this returns.
    #[cfg(any(test, feature = "testing"))]
    pub(super) async fn remove(&self, table: Table, key: &str) -> Result<(), StoreError> {
        let (name, column) = names(table);
        let sql = format!("DELETE FROM {name} WHERE {column} = $1");
        sqlx::query(&sql)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(pg("removing a record"))?;
        Ok(())
    }

    /// Whether the database answers a query within a couple of seconds.
    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        let query = sqlx::query("SELECT 1").execute(&self.pool);
        match tokio::time::timeout(PING_TIMEOUT, query).await {
            Ok(done) => done.map(drop).map_err(pg("answering a ping")),
            Err(_) => Err(pg("answering a ping")(sqlx::Error::PoolTimedOut)),
        }
    }
}

/// Runs one statement on a connection of its own.
#[cfg(any(test, feature = "testing"))]
pub(super) async fn admin_statement(url: &Secret, sql: &str) -> Result<(), StoreError> {
    let five = Duration::from_secs(5);
    let (_, mut first) = PgStore::connect_only(url, five, super::DEFAULT_LEASE).await?;
    let done = sqlx::query(sql).execute(&mut first).await;
    drop(first.close().await);
    done.map(drop).map_err(pg("managing a scratch schema"))
}

/// The table and key column of `table` (fixed names, never user input).
fn names(table: Table) -> (&'static str, &'static str) {
    match table {
        Table::Sessions => ("sessions", "scope"),
        Table::Accounts => ("accounts", "key"),
        Table::Jobs => ("jobs", "id"),
    }
}

/// Wraps a driver error with what the store was doing.
fn pg(context: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |source| StoreError::Postgres { context, source }
}

/// Masks the URL's password wherever a driver message repeats it.
fn mask_password(text: &str, url: &str) -> String {
    match crate::secret::url_password(url) {
        Some(p) if !p.is_empty() => text.replace(&p, "***"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_waits_for_a_connection_well_under_a_lease() {
        let ms = Duration::from_millis;
        for (lease, want) in [
            (ms(30_000), ms(10_000)),
            (ms(2_000), Duration::from_nanos(666_666_666)),
            (ms(300), ms(100)),
            (ms(1), Duration::from_nanos(333_333)),
        ] {
            let got = acquire_timeout(lease);
            assert_eq!(got, want, "{lease:?}");
            // Renewed at a third of the lease: a renewal stuck waiting gives up by the next.
            assert!(got <= lease / 3, "{lease:?}");
        }
    }

    #[test]
    fn applied_migrations_keep_their_names_and_checksums() {
        // A database records each migration's checksum (SHA-384 of its text) and refuses to
        // start when a file it applied has changed: the files are never edited, only added.
        let want = [
            (1, "records", "51f2a29630ce4c86"),
            (2, "leases", "477130f4d9660215"),
            (3, "job indexes", "3589d34e97cab17a"),
            (4, "scope epochs", "e1a954b7fa4b1085"),
            (5, "servers", "b8017e3aafc49815"),
            (6, "videos", "ac49c13b4f7a0212"),
        ];
        let got: Vec<(i64, &str, String)> = MIGRATOR
            .iter()
            .map(|m| {
                let hex: String = m.checksum[..8].iter().map(|b| format!("{b:02x}")).collect();
                (m.version, m.description.as_ref(), hex)
            })
            .collect();
        let want: Vec<(i64, &str, String)> = want
            .into_iter()
            .map(|(v, d, c)| (v, d, c.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn a_transaction_left_idle_by_a_paused_process_is_ended_by_the_server() {
        let test = "a_transaction_left_idle";
        let Some(scratch) = crate::store::ScratchSchema::from_env(test).await.unwrap() else {
            return;
        };
        let lease = Duration::from_secs(3);
        let db = PgStore::connect(&scratch.url, Duration::from_secs(5), lease)
            .await
            .unwrap();
        let mut tx = db.pool.begin().await.unwrap();
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        // This "process" goes quiet inside its transaction; the server ends it.
        let alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = $1";
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let n: i64 = sqlx::query_scalar(alive)
                .bind(pid)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            if n == 0 {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "never ended");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(sqlx::query("SELECT 1").execute(&mut *tx).await.is_err());
        drop(tx);
        db.pool.close().await;
        scratch.finish().await.unwrap();
    }
}
