//! The sled store: sessions per scope, accounts (client id and token), export jobs.
//!
//! Every write is flushed before the caller goes on to the network call that depends on it,
//! so a crash loses nothing a user did.

use crate::secret::Secret;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::Path;

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
    Db(#[from] sled::Error),
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
}

/// The embedded database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    sessions: sled::Tree,
    accounts: sled::Tree,
    jobs: sled::Tree,
}

impl Store {
    /// Opens (or creates) the store at `path`, readable by this user only.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let db = sled::open(path)?;
        restrict_permissions(path);
        Ok(Store {
            sessions: db.open_tree("sessions")?,
            accounts: db.open_tree("accounts")?,
            jobs: db.open_tree("jobs")?,
            db,
        })
    }

    /// The session of a scope.
    pub fn session(&self, scope: &str) -> Result<Option<SessionRecord>, StoreError> {
        get(&self.sessions, scope)
    }

    /// Saves the session of a scope.
    pub async fn put_session(&self, scope: &str, rec: &SessionRecord) -> Result<(), StoreError> {
        self.put(&self.sessions, scope, rec).await
    }

    /// Forgets the session of a scope.
    pub async fn remove_session(&self, scope: &str) -> Result<(), StoreError> {
        self.sessions.remove(scope)?;
        self.flush().await?;
        Ok(())
    }

    /// The credentials of an account.
    pub fn account(&self, key: &str) -> Result<Option<AccountRecord>, StoreError> {
        get(&self.accounts, key)
    }

    /// Saves the credentials of an account.
    pub async fn put_account(&self, key: &str, rec: &AccountRecord) -> Result<(), StoreError> {
        self.put(&self.accounts, key, rec).await
    }

    /// One export job.
    pub fn job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        get(&self.jobs, id)
    }

    /// Every unfinished export job.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        let mut out = Vec::new();
        for item in self.jobs.iter() {
            let (key, value) = item?;
            out.push(decode(&String::from_utf8_lossy(&key), &value)?);
        }
        Ok(out)
    }

    /// Saves an export job.
    pub async fn put_job(&self, rec: &JobRecord) -> Result<(), StoreError> {
        self.put(&self.jobs, &rec.id, rec).await
    }

    /// Forgets a finished export job.
    pub async fn remove_job(&self, id: &str) -> Result<(), StoreError> {
        self.jobs.remove(id)?;
        self.flush().await?;
        Ok(())
    }

    /// Makes every write so far durable. sled's own `flush_async` hands the work to its small
    /// thread pool, which deadlocks when many flushes wait on each other (seen under the load
    /// benchmark); a blocking flush on tokio's blocking pool does not.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| StoreError::Io {
                path: "flush".into(),
                source: std::io::Error::other(e.to_string()),
            })??;
        Ok(())
    }

    /// Whether the database answers a read (for readiness checks).
    pub fn ping(&self) -> Result<(), StoreError> {
        self.db.get(b"ping")?;
        Ok(())
    }

    async fn put<T: Serialize>(
        &self,
        tree: &sled::Tree,
        key: &str,
        rec: &T,
    ) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(rec).map_err(|source| StoreError::Decode {
            key: key.into(),
            source,
        })?;
        tree.insert(key, bytes)?;
        self.flush().await?;
        Ok(())
    }
}

fn get<T: DeserializeOwned>(tree: &sled::Tree, key: &str) -> Result<Option<T>, StoreError> {
    tree.get(key)?.map(|v| decode(key, &v)).transpose()
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Decode {
        key: key.into(),
        source,
    })
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

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str) -> SessionRecord {
        SessionRecord {
            session_id: id.into(),
            task_id: "task_1".into(),
            language: "en".into(),
            account: "u1".into(),
            user_id: Some("anon_1".into()),
            created: 1,
        }
    }

    /// sled's background threads may hold the file lock a moment after the last handle goes.
    async fn reopen(path: &Path) -> Store {
        for _ in 0..100 {
            if let Ok(store) = Store::open(path) {
                return store;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Store::open(path).unwrap()
    }

    #[tokio::test]
    async fn records_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            let store = Store::open(&path).unwrap();
            store
                .put_session("channel:1", &session("s1"))
                .await
                .unwrap();
            let acc = AccountRecord {
                client_id: "c".into(),
                token: Some(Secret::new("nmv_usr_t")),
                user_id: None,
                expires_at: None,
            };
            store.put_account("u1", &acc).await.unwrap();
            let job = JobRecord {
                id: "render_1".into(),
                session_id: "s1".into(),
                scope: "channel:1".into(),
                account: "u1".into(),
                target: "t".into(),
                requested_by: "u1".into(),
                group: None,
                started: 1,
                status: JobStatus::Nemo("pending".into()),
                progress: 5,
            };
            store.put_job(&job).await.unwrap();
        }
        let store = reopen(&path).await;
        assert_eq!(store.session("channel:1").unwrap(), Some(session("s1")));
        let acc = store.account("u1").unwrap().unwrap();
        assert_eq!(acc.token.unwrap().expose(), "nmv_usr_t");
        let jobs = store.jobs().unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].status, JobStatus::Nemo("pending".into()));
        store.remove_job("render_1").await.unwrap();
        store.remove_session("channel:1").await.unwrap();
        assert!(store.jobs().unwrap().is_empty());
        assert_eq!(store.session("channel:1").unwrap(), None);
    }

    #[test]
    fn job_status_round_trips_and_old_plain_strings_still_decode() {
        for status in [
            JobStatus::Submitting,
            JobStatus::Posting,
            JobStatus::Nemo("processing".into()),
            // Nemo's word is kept apart from the bot's phases even when they look alike.
            JobStatus::Nemo("posting".into()),
        ] {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(serde_json::from_str::<JobStatus>(&json).unwrap(), status);
        }
        let old = r#"{"id":"render_1","session_id":"s1","scope":"channel:1","account":"u1",
            "target":"t","requested_by":"u1","group":null,"started":1,"status":"STATUS","progress":5}"#;
        for (word, want) in [
            ("submitting", JobStatus::Submitting),
            ("posting", JobStatus::Posting),
            ("pending", JobStatus::Nemo("pending".into())),
        ] {
            let rec: JobRecord = decode("job", old.replace("STATUS", word).as_bytes()).unwrap();
            assert_eq!(rec.status, want, "{word}");
        }
    }

    /// Regression: with sled's `flush_async`, a few hundred concurrent writers deadlocked.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_concurrent_writes_finish() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let writers: Vec<_> = (0..300)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .put_session(&format!("channel:{i}"), &session("s"))
                        .await
                })
            })
            .collect();
        let all = async {
            for w in writers {
                w.await.unwrap().unwrap();
            }
        };
        // A hang detector, not a speed target: the writes take well under a second.
        tokio::time::timeout(std::time::Duration::from_secs(60), all)
            .await
            .expect("writes finished");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn store_directory_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0);
    }
}
