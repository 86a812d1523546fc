//! The store: sessions per scope, accounts (client id and token), export jobs, servers'
//! settings.
//!
//! Two backends behind one API: embedded sled (the zero-setup default, one process) and
//! PostgreSQL (several processes over one database). With either, every write is durable
//! before the caller goes on to the network call that depends on it, so a crash loses
//! nothing a user did.

mod error;
mod exports;
mod leases;
mod members;
mod postgres;
mod quotas;
mod records;
#[cfg(any(test, feature = "testing"))]
mod scratch;
mod servers;
mod sessions;
mod sled;
mod videos;

pub use self::error::StoreError;
pub use self::exports::{ExportCaps, Full, Running};
pub use self::leases::{Claim, Holder, DEFAULT_LEASE};
pub use self::members::{Member, MemberForgotten};
pub use self::postgres::PgStore;
pub use self::quotas::TurnQuota;
pub use self::records::{
    AccountRecord, JobRecord, JobStatus, ServerRecord, ServerSettings, SessionRecord, SongHeard,
    VideoFacts,
};
#[cfg(any(test, feature = "testing"))]
pub use self::scratch::{ScratchSchema, TEST_DATABASE_URL};
pub use self::servers::Forgotten;
pub use self::sessions::ScopeClaim;
pub use self::sled::SledStore;
pub use self::videos::{history_cutoff, is_old, VideoPage, VideoQuery, VideoRecord};

use crate::config::{StoreBackend, StoreConfig};
use crate::secret::Secret;
use serde::{de::DeserializeOwned, Serialize};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long opening a PostgreSQL store may take before the bot gives up with one line.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The three kinds of record, each kept apart (a sled tree, a PostgreSQL table).
#[derive(Debug, Clone, Copy)]
enum Table {
    Sessions,
    Accounts,
    Jobs,
}

/// The store, over either backend, as one process (one lease holder) sees it.
#[derive(Clone)]
pub struct Store {
    db: Backend,
    holder: Arc<Holder>,
}

/// The database behind a [`Store`].
#[derive(Clone)]
enum Backend {
    /// The embedded sled database.
    Sled(SledStore),
    /// A PostgreSQL database.
    Postgres(PgStore),
}

impl Store {
    /// Opens the configured backend: the sled directory, or a connection to PostgreSQL (with
    /// its migrations applied), giving up after [`CONNECT_TIMEOUT`].
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        let store = match (config.backend, &config.url) {
            (StoreBackend::Sled, _) => Store::open_sled(&config.path)?,
            (StoreBackend::Postgres, Some(url)) => Store::postgres(url, config.lease()).await?,
            // Config validation refuses this; kept as an error rather than a panic.
            (StoreBackend::Postgres, None) => {
                return Err(StoreError::Connect {
                    target: "(none)".into(),
                    reason: "store.url is not set".into(),
                })
            }
        };
        Ok(store.with_lease(config.lease()))
    }

    /// Opens (or creates) a sled store at `path`, readable by this user only.
    pub fn open_sled(path: &Path) -> Result<Store, StoreError> {
        SledStore::open(path).map(|db| Store::over(Backend::Sled(db)))
    }

    #[cfg(any(test, feature = "testing"))]
    /// Connects to the PostgreSQL database at `url` and applies the embedded migrations
    /// (leases of [`DEFAULT_LEASE`]; a store for shorter ones is opened by [`Store::open`],
    /// which times the pool's waits for them).
    pub async fn open_postgres(url: &Secret) -> Result<Store, StoreError> {
        Store::postgres(url, DEFAULT_LEASE).await
    }

    async fn postgres(url: &Secret, lease: Duration) -> Result<Store, StoreError> {
        let db = PgStore::connect(url, CONNECT_TIMEOUT, lease).await?;
        Ok(Store::over(Backend::Postgres(db)))
    }

    fn over(db: Backend) -> Store {
        Store {
            db,
            holder: Arc::new(Holder::new(DEFAULT_LEASE)),
        }
    }

    /// The same store, its leases lasting `lease`.
    pub fn with_lease(self, lease: Duration) -> Store {
        let owner = self.holder.owner.clone();
        Store {
            holder: Arc::new(Holder { owner, lease }),
            ..self
        }
    }

    #[cfg(any(test, feature = "testing"))]
    /// The same database as another process sees it: a lease holder of its own.
    pub fn other_process(&self) -> Store {
        Store {
            db: self.db.clone(),
            holder: Arc::new(Holder::new(self.holder.lease)),
        }
    }

    /// The session of a scope.
    pub async fn session(&self, scope: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.get(Table::Sessions, scope).await
    }

    /// The credentials of an account.
    pub async fn account(&self, key: &str) -> Result<Option<AccountRecord>, StoreError> {
        self.get(Table::Accounts, key).await
    }

    /// Saves the credentials of an account.
    pub async fn put_account(&self, key: &str, rec: &AccountRecord) -> Result<(), StoreError> {
        self.put(Table::Accounts, key, rec).await
    }

    #[cfg(test)]
    /// One export job.
    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.get(Table::Jobs, id).await
    }

    /// Every unfinished export job.
    pub async fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        let rows = match &self.db {
            Backend::Sled(db) => db.all(Table::Jobs)?,
            Backend::Postgres(db) => db.all(Table::Jobs).await?,
        };
        rows.iter().map(|(key, value)| decode(key, value)).collect()
    }

    #[cfg(any(test, feature = "testing"))]
    /// Saves an export job that no process holds (any process may claim it), without the
    /// fencing of a claim: for tests, which set up jobs as a crashed process left them.
    pub async fn put_job(&self, rec: &JobRecord) -> Result<(), StoreError> {
        self.put(Table::Jobs, &rec.id, rec).await
    }

    #[cfg(any(test, feature = "testing"))]
    /// Forgets an export job, without the fencing of a claim (tests only).
    pub async fn remove_job(&self, id: &str) -> Result<(), StoreError> {
        self.remove(Table::Jobs, id).await
    }

    /// Makes every write so far durable (PostgreSQL commits each write as it happens).
    pub async fn flush(&self) -> Result<(), StoreError> {
        match &self.db {
            Backend::Sled(db) => db.flush().await,
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.db {
            Backend::Sled(db) => db.ping(),
            Backend::Postgres(db) => db.ping().await,
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        table: Table,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let bytes = match &self.db {
            Backend::Sled(db) => db.get(table, key)?,
            Backend::Postgres(db) => db.get(table, key).await?,
        };
        bytes.map(|v| decode(key, &v)).transpose()
    }

    async fn put<T: Serialize>(&self, table: Table, key: &str, rec: &T) -> Result<(), StoreError> {
        let bytes = encode(key, rec)?;
        match &self.db {
            Backend::Sled(db) => db.put(table, key, bytes).await,
            Backend::Postgres(db) => db.put(table, key, bytes).await,
        }
    }

    #[cfg(any(test, feature = "testing"))]
    async fn remove(&self, table: Table, key: &str) -> Result<(), StoreError> {
        match &self.db {
            Backend::Sled(db) => db.remove(table, key).await,
            Backend::Postgres(db) => db.remove(table, key).await,
        }
    }
}

fn encode<T: Serialize>(key: &str, rec: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(rec).map_err(|source| StoreError::Decode {
        key: key.into(),
        source,
    })
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Decode {
        key: key.into(),
        source,
    })
}

/// Milliseconds since the Unix epoch, by this machine's clock.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
