//! The store's tests, each run against every backend: sled always, PostgreSQL when
//! `MVB_TEST_DATABASE_URL` is set (each test in a scratch schema of its own).

use super::*;

/// One backend's data under test: opened (and reopened, as after a restart) by the test.
enum Subject {
    Sled(tempfile::TempDir),
    Postgres(ScratchSchema),
}

impl Subject {
    fn name(&self) -> &'static str {
        match self {
            Subject::Sled(_) => "sled",
            Subject::Postgres(_) => "postgres",
        }
    }

    /// A store over this data; drop the previous one first (sled allows one at a time).
    async fn open(&self) -> Store {
        match self {
            // sled's background threads may hold the file lock a moment after the last
            // handle goes.
            Subject::Sled(dir) => {
                for _ in 0..100 {
                    if let Ok(store) = Store::open_sled(&dir.path().join("db")) {
                        return store;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Store::open_sled(&dir.path().join("db")).unwrap()
            }
            Subject::Postgres(scratch) => Store::Postgres(
                PgStore::connect(&scratch.url, CONNECT_TIMEOUT)
                    .await
                    .unwrap(),
            ),
        }
    }

    /// Removes what the test left behind in the shared database.
    async fn finish(self) {
        if let Subject::Postgres(scratch) = self {
            scratch.finish().await.unwrap();
        }
    }
}

/// A sled store's directory, and a PostgreSQL scratch schema when the test database is set.
async fn subjects(test: &str) -> Vec<Subject> {
    let mut subjects = vec![Subject::Sled(tempfile::tempdir().unwrap())];
    if let Some(scratch) = ScratchSchema::from_env(test).await.unwrap() {
        subjects.push(Subject::Postgres(scratch));
    }
    subjects
}

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

fn job(id: &str) -> JobRecord {
    JobRecord {
        id: id.into(),
        session_id: "s1".into(),
        scope: "channel:1".into(),
        account: "u1".into(),
        target: "t".into(),
        requested_by: "u1".into(),
        group: None,
        started: 1,
        status: JobStatus::Nemo("pending".into()),
        progress: 5,
    }
}

#[tokio::test]
async fn records_survive_reopening() {
    for subject in subjects("records_survive_reopening").await {
        let name = subject.name();
        let store = subject.open().await;
        store
            .put_session("channel:1", &session("s0"))
            .await
            .unwrap();
        // A second write replaces the first.
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
        store.put_job(&job("render_2")).await.unwrap();
        store.put_job(&job("render_1")).await.unwrap();
        drop(store);

        let store = subject.open().await;
        let got = store.session("channel:1").await.unwrap();
        assert_eq!(got, Some(session("s1")), "{name}");
        assert_eq!(store.session("channel:2").await.unwrap(), None, "{name}");
        let acc = store.account("u1").await.unwrap().unwrap();
        assert_eq!(acc.token.unwrap().expose(), "nmv_usr_t", "{name}");
        let jobs = store.jobs().await.unwrap();
        let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["render_1", "render_2"], "{name}: in key order");
        let one = store.job("render_1").await.unwrap();
        assert_eq!(one, Some(job("render_1")), "{name}");
        store.remove_job("render_1").await.unwrap();
        // Removing what is gone is no error (a retried cleanup).
        store.remove_job("render_1").await.unwrap();
        store.remove_session("channel:1").await.unwrap();
        assert_eq!(store.jobs().await.unwrap().len(), 1, "{name}");
        assert_eq!(store.session("channel:1").await.unwrap(), None, "{name}");
        store.flush().await.unwrap();
        store.ping().await.unwrap();
        drop(store);
        subject.finish().await;
    }
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

/// Regression: with sled's `flush_async`, a few hundred concurrent writers deadlocked; the
/// PostgreSQL pool must queue as many writers without failing either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_writes_finish() {
    for subject in subjects("many_concurrent_writes_finish").await {
        let store = subject.open().await;
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
        tokio::time::timeout(Duration::from_secs(60), all)
            .await
            .unwrap_or_else(|_| panic!("{}: writes finished", subject.name()));
        drop(store);
        subject.finish().await;
    }
}

#[tokio::test]
async fn an_unreachable_database_fails_fast_without_its_password() {
    // Port 1 on the loopback refuses at once; the timeout bounds a silent host as well.
    let url = Secret::new("postgres://bot:hunter2-secret@127.0.0.1:1/mvb");
    let started = std::time::Instant::now();
    let err = match PgStore::connect(&url, Duration::from_secs(2)).await {
        Ok(_) => panic!("connected to port 1"),
        Err(e) => e,
    };
    assert!(started.elapsed() < Duration::from_secs(10));
    let text = err.to_string();
    assert!(
        text.contains("127.0.0.1:1") && text.contains("***"),
        "{text}"
    );
    assert!(!text.contains("hunter2") && !format!("{err:?}").contains("hunter2"));
    assert!(err.is_retryable());
}

#[cfg(unix)]
#[tokio::test]
async fn store_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    Store::open_sled(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0);
}
