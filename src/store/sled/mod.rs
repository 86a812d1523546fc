//! The embedded sled backend: zero setup, one process.
//!
//! Every write is flushed before it returns, so a crash loses nothing a user did.

mod leases;
mod members;
mod servers;
mod videos;

use super::quotas::TurnLog;
use super::{StoreError, Table};
use std::path::Path;
use std::sync::Arc;

/// The sled database and its five trees, with what only this process needs to know (its
/// leases and the turn log: sled's files are locked to one process).
#[derive(Clone)]
pub struct SledStore {
    db: sled::Db,
    sessions: sled::Tree,
    accounts: sled::Tree,
    jobs: sled::Tree,
    servers: sled::Tree,
    /// Members' finished videos (`videos.rs`).
    videos: sled::Tree,
    /// Held by each servers' write until it is durable, so change numbers are written in order.
    servers_lock: Arc<tokio::sync::Mutex<()>>,
    leases: Arc<leases::Leases>,
    turns: Arc<TurnLog>,
}

impl SledStore {
    /// Opens (or creates) the database at `path`, readable by this user only.
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let db = sled::open(path)?;
        restrict_permissions(path);
        Ok(SledStore {
            sessions: db.open_tree("sessions")?,
            accounts: db.open_tree("accounts")?,
            jobs: db.open_tree("jobs")?,
            servers: db.open_tree("servers")?,
            videos: db.open_tree("videos")?,
            servers_lock: Arc::default(),
            db,
            leases: Arc::default(),
            turns: Arc::default(),
        })
    }

    fn tree(&self, table: Table) -> &sled::Tree {
        match table {
            Table::Sessions => &self.sessions,
            Table::Accounts => &self.accounts,
            Table::Jobs => &self.jobs,
        }
    }

    /// The hourly turn log.
    pub(super) fn turns(&self) -> &TurnLog {
        &self.turns
    }

    /// The encoded record under `key`.
    pub(super) fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree(table).get(key)?.map(|v| v.to_vec()))
    }

    /// Every record of `table`, in key order.
    pub(super) fn all(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.tree(table)
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((String::from_utf8_lossy(&key).into_owned(), value.to_vec()))
            })
            .collect()
    }

    /// The keys of `table`'s records, decoded as `T`, that `keep` picks.
    pub(super) fn keys_where<T: serde::de::DeserializeOwned>(
        &self,
        table: Table,
        keep: impl Fn(&str, &T) -> bool,
    ) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        for (key, value) in self.all(table)? {
            let rec: T = crate::store::decode(&key, &value)?;
            if keep(&key, &rec) {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    /// Saves `bytes` under `key`, durably.
    pub(super) async fn put(
        &self,
        table: Table,
        key: &str,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.tree(table).insert(key, bytes)?;
        self.flush().await
    }

    /// Forgets `key`, durably.
    #[cfg(any(test, feature = "testing"))]
    pub(super) async fn remove(&self, table: Table, key: &str) -> Result<(), StoreError> {
        self.tree(table).remove(key)?;
        self.flush().await
    }

    /// Makes every write so far durable. sled's own `flush_async` hands the work to its small
    /// thread pool, which deadlocks when many flushes wait on each other (seen under the load
    /// benchmark); a blocking flush on tokio's blocking pool does not.
    pub(super) async fn flush(&self) -> Result<(), StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| StoreError::Io {
                path: "flush".into(),
                source: std::io::Error::other(e.to_string()),
            })??;
        Ok(())
    }

    /// Whether the database answers a read.
    pub(super) fn ping(&self) -> Result<(), StoreError> {
        self.db.get(b"ping")?;
        Ok(())
    }
}

/// Tokens live in the store, so only the bot's own user may read it.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!("could not restrict permissions of {}: {e}", path.display());
        }
    }
}
