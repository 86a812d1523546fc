//! The store: sessions per scope, accounts (client id and token), export jobs.
//!
//! Two backends behind one API: embedded sled (the zero-setup default, one process) and
//! PostgreSQL (several processes over one database). With either, every write is durable
//! before the caller goes on to the network call that depends on it, so a crash loses
//! nothing a user did.

mod postgres;
mod scratch;
mod sled;

pub use self::postgres::PgStore;
pub use self::scratch::{ScratchSchema, TEST_DATABASE_URL};
pub use self::sled::SledStore;

use crate::config::{StoreBackend, StoreConfig};
use crate::secret::Secret;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

/// A Nemo session that belongs to a scope (a channel or a user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Nemo's session id (opaque).
    pub session_id: String,
    /// Nemo's task id.
    pub task_id: String,
    /// Language the session was created with.
    pub language: String,
    /// The account whose token created (and so owns) the session.
    pub account: String,
    /// Nemo user id seen when the session was created, if any.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Unix seconds.
    pub created: u64,
}

/// The credentials of one account: a user of the bot, or the configured token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The UUID sent as `X-Client-Id`; kept so an expired token is renewed with the same one.
    pub client_id: String,
    /// The current token, if one was issued.
    #[serde(default)]
    pub token: Option<Secret>,
    /// Nemo's user id (`anon_…` for anonymous accounts), the `bind` id for registration.
    #[serde(default)]
    pub user_id: Option<String>,
    /// When the token expires (RFC 3339), as Nemo said.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// An export job that has not finished yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The render id, `render_<unix ms>_<uuid>`.
    pub id: String,
    /// The session it renders.
    pub session_id: String,
    /// The scope that asked.
    pub scope: String,
    /// The account whose token polls it.
    pub account: String,
    /// Where the front posts the result (opaque to the engine).
    pub target: String,
    /// Who asked (for quotas).
    pub requested_by: String,
    /// The community it counts against (a guild), if any.
    #[serde(default)]
    pub group: Option<String>,
    /// Unix seconds.
    pub started: u64,
    /// Where the job stands: the bot's own phases, or Nemo's last word.
    pub status: JobStatus,
    /// Last progress seen, 0–100.
    pub progress: u8,
}

/// Where an export job stands. Stored as `"submitting"`, `"posting"` or `{"nemo":"<word>"}`;
/// records written before this enum held a plain string (one of the bot's phases or Nemo's
/// word), and still decode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", from = "StoredStatus")]
pub enum JobStatus {
    /// Written down; the render request may not have arrived.
    Submitting,
    /// The finished video's link is being posted (it may be out already after a crash).
    Posting,
    /// Accepted by Nemo, which last said this (`pending`, `processing`, …).
    Nemo(String),
}

impl JobStatus {
    /// The word shown to users and logs.
    pub fn as_str(&self) -> &str {
        match self {
            JobStatus::Submitting => "submitting",
            JobStatus::Posting => "posting",
            JobStatus::Nemo(word) => word,
        }
    }
}

/// Either form a job's status was ever stored in.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredStatus {
    /// `{"nemo":"pending"}`.
    Nemo { nemo: String },
    /// A bot phase, or (old records) Nemo's word as a plain string.
    Word(String),
}

impl From<StoredStatus> for JobStatus {
    fn from(stored: StoredStatus) -> JobStatus {
        match stored {
            StoredStatus::Nemo { nemo } => JobStatus::Nemo(nemo),
            StoredStatus::Word(w) if w == "submitting" => JobStatus::Submitting,
            StoredStatus::Word(w) if w == "posting" => JobStatus::Posting,
            StoredStatus::Word(w) => JobStatus::Nemo(w),
        }
    }
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed (disk, corruption).
    #[error("store: {0}")]
    Db(#[from] ::sled::Error),
    /// A record did not decode.
    #[error("store: bad record under {key}: {source}")]
    Decode {
        /// The key.
        key: String,
        /// The decoder's words.
        source: serde_json::Error,
    },
    /// Creating the directory failed.
    #[error("store: cannot create {path}: {source}")]
    Io {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// PostgreSQL could not be reached, or refused the connection.
    #[error("store: cannot connect to PostgreSQL at {target}: {reason}")]
    Connect {
        /// The URL, its password masked.
        target: String,
        /// Why, its password masked.
        reason: String,
    },
    /// A statement failed.
    #[error("store: PostgreSQL failed {context}: {source}")]
    Postgres {
        /// What the store was doing.
        context: &'static str,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The embedded migrations could not be applied.
    #[error("store: migrating the PostgreSQL schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether trying again later may succeed (the database was unreachable or busy), as
    /// opposed to a bad record or a broken disk.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Connect { .. } => true,
            StoreError::Postgres { source, .. } => match source {
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
                // Class 08: connection exceptions; class 40: serialization failures, deadlocks.
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|code| code.starts_with("08") || code.starts_with("40")),
                _ => false,
            },
            _ => false,
        }
    }
}

/// How long opening a PostgreSQL store may take before the bot gives up with one line.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The three kinds of record, each kept apart (a sled tree, a PostgreSQL table).
#[derive(Debug, Clone, Copy)]
enum Table {
    Sessions,
    Accounts,
    Jobs,
}

/// The store, over either backend.
#[derive(Clone)]
pub enum Store {
    /// The embedded sled database.
    Sled(SledStore),
    /// A PostgreSQL database.
    Postgres(PgStore),
}

impl Store {
    /// Opens the configured backend: the sled directory, or a connection to PostgreSQL (with
    /// its migrations applied), giving up after [`CONNECT_TIMEOUT`].
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        match (config.backend, &config.url) {
            (StoreBackend::Sled, _) => Store::open_sled(&config.path),
            (StoreBackend::Postgres, Some(url)) => Ok(Store::Postgres(
                PgStore::connect(url, CONNECT_TIMEOUT).await?,
            )),
            // Config validation refuses this; kept as an error rather than a panic.
            (StoreBackend::Postgres, None) => Err(StoreError::Connect {
                target: "(none)".into(),
                reason: "store.url is not set".into(),
            }),
        }
    }

    /// Opens (or creates) a sled store at `path`, readable by this user only.
    pub fn open_sled(path: &Path) -> Result<Store, StoreError> {
        SledStore::open(path).map(Store::Sled)
    }

    /// The session of a scope.
    pub async fn session(&self, scope: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.get(Table::Sessions, scope).await
    }

    /// Saves the session of a scope.
    pub async fn put_session(&self, scope: &str, rec: &SessionRecord) -> Result<(), StoreError> {
        self.put(Table::Sessions, scope, rec).await
    }

    /// Forgets the session of a scope.
    pub async fn remove_session(&self, scope: &str) -> Result<(), StoreError> {
        self.remove(Table::Sessions, scope).await
    }

    /// The credentials of an account.
    pub async fn account(&self, key: &str) -> Result<Option<AccountRecord>, StoreError> {
        self.get(Table::Accounts, key).await
    }

    /// Saves the credentials of an account.
    pub async fn put_account(&self, key: &str, rec: &AccountRecord) -> Result<(), StoreError> {
        self.put(Table::Accounts, key, rec).await
    }

    /// One export job.
    pub async fn job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.get(Table::Jobs, id).await
    }

    /// Every unfinished export job.
    pub async fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        let rows = match self {
            Store::Sled(db) => db.all(Table::Jobs)?,
            Store::Postgres(db) => db.all(Table::Jobs).await?,
        };
        rows.iter().map(|(key, value)| decode(key, value)).collect()
    }

    /// Saves an export job.
    pub async fn put_job(&self, rec: &JobRecord) -> Result<(), StoreError> {
        self.put(Table::Jobs, &rec.id, rec).await
    }

    /// Forgets a finished export job.
    pub async fn remove_job(&self, id: &str) -> Result<(), StoreError> {
        self.remove(Table::Jobs, id).await
    }

    /// Makes every write so far durable (PostgreSQL commits each write as it happens).
    pub async fn flush(&self) -> Result<(), StoreError> {
        match self {
            Store::Sled(db) => db.flush().await,
            Store::Postgres(_) => Ok(()),
        }
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sled(db) => db.ping(),
            Store::Postgres(db) => db.ping().await,
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        table: Table,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let bytes = match self {
            Store::Sled(db) => db.get(table, key)?,
            Store::Postgres(db) => db.get(table, key).await?,
        };
        bytes.map(|v| decode(key, &v)).transpose()
    }

    async fn put<T: Serialize>(&self, table: Table, key: &str, rec: &T) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(rec).map_err(|source| StoreError::Decode {
            key: key.into(),
            source,
        })?;
        match self {
            Store::Sled(db) => db.put(table, key, bytes).await,
            Store::Postgres(db) => db.put(table, key, bytes).await,
        }
    }

    async fn remove(&self, table: Table, key: &str) -> Result<(), StoreError> {
        match self {
            Store::Sled(db) => db.remove(table, key).await,
            Store::Postgres(db) => db.remove(table, key).await,
        }
    }
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Decode {
        key: key.into(),
        source,
    })
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
