//! Why the store failed, and whether trying again may help.

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
    /// The job is held by another process now (this one's lease ran out and it was claimed):
    /// the write was refused, and this process must stop touching the job.
    #[error("store: export job {id} is held by another process now")]
    Fenced {
        /// The job.
        id: String,
    },
    /// A session write was refused: the scope's lease is another turn's now (this one's ran
    /// out and was taken), or a turn holds it and the write was made outside any.
    #[error("store: the project {scope} is held by another turn now")]
    ScopeFenced {
        /// The scope.
        scope: String,
    },
    /// A new export was refused: the cap (per member or per community) leaves no room.
    #[error("store: no room for another export ({0:?})")]
    ExportsFull(super::Full),
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
