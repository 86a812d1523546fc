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
            Subject::Postgres(scratch) => Store::open_postgres(&scratch.url).await.unwrap(),
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
        group: None,
        // What was heard in a song round-trips too (floats, a tuple, an empty list).
        songs: vec![SongHeard {
            name: "song.mp3".into(),
            seconds: Some(192.4),
            bpm: Some(124.2),
            meter: Some(4),
            first_downbeat: Some(0.52),
            sections: vec![45.5, 90.0],
            drop: Some(45.5),
            key: Some((4, true)),
        }],
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
        lang: "zh-CN".into(),
        video: VideoFacts {
            title: Some("Neon Nights".into()),
            length_ms: Some(30_500),
            size: Some((1920, 1080)),
            request: Some("make it neon: a city at night".into()),
        },
    }
}

/// Two processes over one database, leases lasting `lease`.
async fn two_processes(subject: &Subject, lease: Duration) -> (Store, Store) {
    let a = subject.open().await.with_lease(lease);
    let b = a.other_process();
    (a, b)
}

#[tokio::test]
async fn a_job_is_held_by_one_process_and_a_lost_claim_is_fenced() {
    for subject in subjects("a_job_is_held_by_one_process").await {
        let name = subject.name();
        // A lease long enough that a loaded CI machine (a fresh clone compiling beside the
        // tests) cannot let it lapse between the two calls below: 300 ms once did.
        let (a, b) = two_processes(&subject, Duration::from_millis(1_500)).await;
        let mine = a
            .create_job(&job("render_1"), ExportCaps::NONE)
            .await
            .unwrap();
        assert!(b.claim_jobs(10).await.unwrap().is_empty(), "{name}: held");
        a.renew_job(&mine).await.unwrap();
        let mut rec = job("render_1");
        rec.progress = 40;
        a.update_job(&mine, &rec).await.unwrap();
        // A stops renewing (paused, cut off): past its lease, B takes the job over.
        tokio::time::sleep(Duration::from_millis(4_500)).await;
        let taken = b.claim_jobs(10).await.unwrap();
        assert_eq!(taken.len(), 1, "{name}");
        let (found, theirs) = &taken[0];
        assert_eq!(found.progress, 40, "{name}: B sees A's last write");
        assert!(theirs.epoch > mine.epoch, "{name}: {theirs:?} {mine:?}");
        // A comes back: every write it tries is refused, and changes nothing.
        rec.progress = 99;
        let refused = [
            a.update_job(&mine, &rec).await.map(drop),
            a.renew_job(&mine).await.map(drop),
            a.finish_job(&mine).await,
        ];
        for r in refused {
            assert!(matches!(r, Err(StoreError::Fenced { .. })), "{name}: {r:?}");
        }
        assert_eq!(b.job("render_1").await.unwrap().unwrap().progress, 40);
        assert!(!StoreError::Fenced { id: "x".into() }.is_retryable());
        b.finish_job(theirs).await.unwrap();
        assert!(b.jobs().await.unwrap().is_empty(), "{name}");
        drop((a, b));
        subject.finish().await;
    }
}

#[tokio::test]
async fn released_and_free_jobs_are_claimed_at_once_and_never_by_two() {
    for subject in subjects("released_and_free_jobs_are_claimed").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_secs(60)).await;
        let held = a
            .create_job(&job("render_0"), ExportCaps::NONE)
            .await
            .unwrap();
        for i in 1..=20 {
            // Written by no process (as by a bot before leases): free.
            b.put_job(&job(&format!("render_{i:02}"))).await.unwrap();
        }
        let (x, y) = tokio::join!(a.claim_jobs(15), b.claim_jobs(15));
        let (x, y) = (x.unwrap(), y.unwrap());
        assert!(x.len() <= 15 && y.len() <= 15, "{name}: the limit");
        let mut ids: Vec<_> = x.iter().chain(&y).map(|(j, _)| j.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), x.len() + y.len(), "{name}: claimed twice");
        assert_eq!(ids.len(), 20, "{name}: every free job, not A's held one");
        // A clean stop lets go: B takes A's job at once, without waiting out the lease.
        a.release_all().await.unwrap();
        let taken = b.claim_jobs(100).await.unwrap();
        let ids: Vec<_> = taken.iter().map(|(j, _)| j.id.as_str()).collect();
        assert!(ids.contains(&"render_0"), "{name}: {ids:?}");
        assert!(a.renew_job(&held).await.is_err(), "{name}");
        drop((a, b));
        subject.finish().await;
    }
}

#[tokio::test]
async fn a_scope_lease_has_one_holder_until_released_or_run_out() {
    for subject in subjects("a_scope_lease_has_one_holder").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_millis(300)).await;
        assert!(
            a.lease_scope("user:1", "t1").await.unwrap().is_some(),
            "{name}"
        );
        assert!(
            b.lease_scope("user:1", "t2").await.unwrap().is_none(),
            "{name}: held by A"
        );
        assert!(
            b.lease_scope("user:2", "t3").await.unwrap().is_some(),
            "{name}: per scope"
        );
        assert!(a.renew_scope("user:1", "t1").await.unwrap(), "{name}");
        assert!(
            a.lease_scope("user:1", "t4").await.unwrap().is_none(),
            "{name}: a turn each"
        );
        a.release_scope("user:1", "t4").await.unwrap();
        assert!(
            b.lease_scope("user:1", "t2").await.unwrap().is_none(),
            "{name}: not t4's to let go"
        );
        a.release_scope("user:1", "t1").await.unwrap();
        assert!(
            b.lease_scope("user:1", "t2").await.unwrap().is_some(),
            "{name}: released"
        );
        assert!(
            !a.renew_scope("user:1", "t1").await.unwrap(),
            "{name}: B's now"
        );
        // B stops renewing: its lease runs out and A may take the scope.
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert!(
            a.lease_scope("user:1", "t1").await.unwrap().is_some(),
            "{name}: run out"
        );
        assert!(!b.renew_scope("user:1", "t2").await.unwrap(), "{name}");
        b.release_all().await.unwrap();
        assert!(
            b.lease_scope("user:1", "t2").await.unwrap().is_none(),
            "{name}: not B's to let go"
        );
        a.release_all().await.unwrap();
        assert!(
            b.lease_scope("user:1", "t2").await.unwrap().is_some(),
            "{name}: A let go"
        );
        drop((a, b));
        subject.finish().await;
    }
}

#[tokio::test]
async fn the_turn_quota_counts_every_process() {
    for subject in subjects("the_turn_quota_counts_every_process").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_secs(30)).await;
        let before = now_secs();
        assert_eq!(
            a.turns("discord:1", 2, true).await.unwrap(),
            TurnQuota::Allowed
        );
        assert_eq!(
            b.turns("discord:1", 2, false).await.unwrap(),
            TurnQuota::Allowed
        );
        assert_eq!(
            b.turns("discord:1", 2, true).await.unwrap(),
            TurnQuota::Allowed
        );
        let TurnQuota::Full { next_at } = a.turns("discord:1", 2, true).await.unwrap() else {
            panic!("{name}: a third turn in the hour was allowed");
        };
        assert!(
            (before + 3599..=now_secs() + 3601).contains(&next_at),
            "{name}"
        );
        assert_eq!(
            a.turns("discord:2", 2, true).await.unwrap(),
            TurnQuota::Allowed
        );
        a.forget_old_turns().await.unwrap();
        assert!(matches!(
            b.turns("discord:1", 2, false).await,
            Ok(TurnQuota::Full { .. })
        ));
        drop((a, b));
        subject.finish().await;
    }
}

#[tokio::test]
async fn records_survive_reopening() {
    for subject in subjects("records_survive_reopening").await {
        let name = subject.name();
        let store = subject.open().await;
        store
            .put_session("channel:1", &session("s0"), None)
            .await
            .unwrap();
        // A second write replaces the first.
        store
            .put_session("channel:1", &session("s1"), None)
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
        store.remove_session("channel:1", None).await.unwrap();
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
                        .put_session(&format!("channel:{i}"), &session("s"), None)
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
    let err = match PgStore::connect(&url, Duration::from_secs(2), DEFAULT_LEASE).await {
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

mod exports;
mod servers;
mod sessions;
mod videos;
