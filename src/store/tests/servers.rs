//! Servers' records, their change numbers and forgetting a server, on every backend.

use super::{job, session, subjects, two_processes};
use crate::store::{ExportCaps, Forgotten, ServerRecord, Store};
use std::time::Duration;

/// A session of `group`'s.
fn session_of(id: &str, group: &str) -> crate::store::SessionRecord {
    let mut rec = session(id);
    rec.group = Some(group.into());
    rec
}

#[tokio::test]
async fn a_server_is_updated_read_and_its_changes_listed_by_number() {
    for subject in subjects("a_server_is_updated").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_secs(60)).await;
        assert_eq!(a.server("guild:1").await.unwrap(), None, "{name}");
        let (start, none) = a.servers_changed_since(0).await.unwrap();
        assert!(none.is_empty(), "{name}: {none:?}");
        let rec = a
            .update_server("guild:1", |r| r.settings.threads = true)
            .await
            .unwrap();
        assert!(rec.settings.threads, "{name}");
        let (v1, changed) = b.servers_changed_since(start).await.unwrap();
        assert!(v1 > start, "{name}");
        assert_eq!(
            changed,
            vec![("guild:1".into(), Some(rec.clone()))],
            "{name}"
        );
        // Nothing new since v1; then only the server written after it.
        assert_eq!(
            b.servers_changed_since(v1).await.unwrap(),
            (v1, vec![]),
            "{name}"
        );
        b.update_server("guild:2", |r| r.left_at = Some(7))
            .await
            .unwrap();
        let (v2, changed) = a.servers_changed_since(v1).await.unwrap();
        assert!(v2 > v1, "{name}");
        let groups: Vec<&str> = changed.iter().map(|(g, _)| g.as_str()).collect();
        assert_eq!(groups, ["guild:2"], "{name}");
        assert_eq!(a.servers_left().await.unwrap(), [("guild:2".into(), 7)]);
        // The change is made on the record as stored, by whichever process.
        let both = b
            .update_server("guild:1", |r| r.settings.language = Some("zh-CN".into()))
            .await
            .unwrap();
        assert!(both.settings.threads, "{name}: {both:?}");
        assert_eq!(a.server("guild:1").await.unwrap(), Some(both), "{name}");
        drop((a, b));
        // Kept across a restart.
        let reopened = subject.open().await;
        let (_, all) = reopened.servers_changed_since(0).await.unwrap();
        assert_eq!(all.len(), 2, "{name}: {all:?}");
        drop(reopened);
        subject.finish().await;
    }
}

#[tokio::test]
async fn concurrent_updates_from_two_processes_lose_nothing() {
    for subject in subjects("concurrent_server_updates").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_secs(60)).await;
        let noting = |store: Store, from: u64| async move {
            for thread in from..from + 20 {
                store
                    .update_server("guild:1", |r| r.note_thread(thread))
                    .await
                    .unwrap();
            }
        };
        tokio::join!(noting(a.clone(), 0), noting(b.clone(), 100));
        let mut threads = a.server("guild:1").await.unwrap().unwrap().threads;
        threads.sort_unstable();
        let want: Vec<u64> = (0..20).chain(100..120).collect();
        assert_eq!(threads, want, "{name}: an update was lost");
        subject.finish().await;
    }
}

#[tokio::test]
async fn forgetting_a_server_deletes_its_projects_and_nothing_else() {
    for subject in subjects("forgetting_a_server").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_secs(60)).await;
        let sessions = [
            ("channel:1", Some("guild:1")),
            ("channel:2", Some("guild:1")),
            ("user:ann", Some("guild:1")),
            ("channel:3", Some("guild:2")),
            ("channel:4", None),
        ];
        for (scope, group) in sessions {
            let rec = match group {
                Some(g) => session_of(scope, g),
                None => session(scope),
            };
            a.put_session(scope, &rec, None).await.unwrap();
        }
        let held = a.lease_scope("channel:1", "t1").await.unwrap().unwrap();
        for (id, group) in [("render_1", "guild:1"), ("render_2", "guild:2")] {
            let mut rec = job(id);
            rec.group = Some(group.into());
            a.create_job(&rec, ExportCaps::NONE).await.unwrap();
        }
        for group in ["guild:1", "guild:2"] {
            a.update_server(group, |r| r.settings.threads = true)
                .await
                .unwrap();
        }
        let (seen, _) = b.servers_changed_since(0).await.unwrap();
        let forgotten = b.forget_server("guild:1").await.unwrap();
        let want = Forgotten {
            server: true,
            sessions: 2,
            leases: 1,
            jobs: 1,
        };
        assert_eq!(forgotten, want, "{name}");
        assert_eq!(a.server("guild:1").await.unwrap(), None, "{name}");
        let (_, changed) = a.servers_changed_since(seen).await.unwrap();
        assert_eq!(
            changed,
            vec![("guild:1".into(), None)],
            "{name}: a tombstone"
        );
        for (scope, kept) in [
            ("channel:1", false),
            ("channel:2", false),
            ("user:ann", true),
            ("channel:3", true),
            ("channel:4", true),
        ] {
            let found = a.session(scope).await.unwrap().is_some();
            assert_eq!(found, kept, "{name}: {scope}");
        }
        let jobs: Vec<String> = a.jobs().await.unwrap().into_iter().map(|j| j.id).collect();
        assert_eq!(jobs, ["render_2"], "{name}");
        let other = a.server("guild:2").await.unwrap();
        assert!(
            other.is_some_and(|r: ServerRecord| r.settings.threads),
            "{name}"
        );
        // The forgotten project's lease is gone: its old turn writes nothing back.
        let stale = a.put_session("channel:1", &session("x"), Some(&held)).await;
        assert!(stale.is_err(), "{name}: {stale:?}");
        // Forgetting again finds nothing; a server written again starts afresh.
        let again = a.forget_server("guild:1").await.unwrap();
        assert_eq!(again, Forgotten::default(), "{name}");
        let fresh = a.update_server("guild:1", |_| {}).await.unwrap();
        assert_eq!(fresh, ServerRecord::default(), "{name}");
        subject.finish().await;
    }
}
