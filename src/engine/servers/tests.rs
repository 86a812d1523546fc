//! Servers' settings through the engine: the cache across processes, the quotas and the
//! language they give, and forgetting the servers the bot left.

use super::*;
use crate::config::NemoConfig;
use crate::engine::front::{Front, FrontError, Link, MsgId};
use crate::engine::Actor;
use crate::i18n::Lang;
use crate::store::{ScratchSchema, SessionRecord};
use async_trait::async_trait;

/// Stores over one database as two processes see it: sled always (in `dir`), PostgreSQL when
/// the test database is set (dropped by `finish`).
async fn stores(test: &str, dir: &tempfile::TempDir) -> Vec<(Store, Option<ScratchSchema>)> {
    let mut stores = vec![(Store::open_sled(&dir.path().join("db")).unwrap(), None)];
    if let Some(scratch) = ScratchSchema::from_env(test).await.unwrap() {
        let store = Store::open_postgres(&scratch.url).await.unwrap();
        stores.push((store, Some(scratch)));
    }
    stores
}

/// Waits (with a deadline) until `fact` holds.
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut fact: impl FnMut() -> F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !fact().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn engine(store: Store, limits: LimitsConfig) -> Engine {
    Engine::with_limits(&NemoConfig::default(), limits, store).unwrap()
}

fn member(user: &str, group: Option<&str>) -> Actor {
    Actor {
        user: user.into(),
        scope: format!("channel:{user}"),
        lang: String::new(),
        group: group.map(str::to_string),
    }
}

#[tokio::test]
async fn another_processs_change_is_obeyed_within_about_a_second() {
    let dir = tempfile::tempdir().unwrap();
    for (store, scratch) in stores("another_processs_change", &dir).await {
        // The real refresh period: the change must show within it (and the deadline).
        let (a, b) = (
            Servers::new(store.clone()),
            Servers::new(store.other_process()),
        );
        assert_eq!(a.record("guild:1").await, ServerRecord::default());
        assert_eq!(b.record("guild:1").await, ServerRecord::default());
        let started = Instant::now();
        b.update("guild:1", |r| r.settings.threads = true)
            .await
            .unwrap();
        assert!(
            b.record("guild:1").await.settings.threads,
            "at once where made"
        );
        until("A sees B's change", || async {
            a.record("guild:1").await.settings.threads
        })
        .await;
        // A asked just before B's change, and asks again only a refresh period later.
        assert!(started.elapsed() >= REFRESH / 2, "{:?}", started.elapsed());
        // A forgotten server is forgotten by the other process's cache too.
        store
            .other_process()
            .forget_server("guild:1")
            .await
            .unwrap();
        until("A forgets it", || async {
            a.record("guild:1").await == ServerRecord::default()
        })
        .await;
        drop((a, b, store));
        if let Some(scratch) = scratch {
            scratch.finish().await.unwrap();
        }
    }
}

#[tokio::test]
async fn the_cache_asks_the_store_at_most_once_per_refresh_period() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sled(&dir.path().join("db")).unwrap();
    let a = Servers::with_refresh(store.clone(), Duration::from_secs(3600));
    assert_eq!(a.record("guild:1").await, ServerRecord::default());
    Servers::new(store.clone())
        .update("guild:1", |r| r.settings.threads = true)
        .await
        .unwrap();
    // Within the period, the cached record stands (no query per use).
    assert!(!a.record("guild:1").await.settings.threads);
    a.cache.lock().asked = None;
    assert!(a.record("guild:1").await.settings.threads, "asked again");
}

#[tokio::test]
async fn a_servers_quotas_stay_within_the_operators() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sled(&dir.path().join("db")).unwrap();
    let limits = LimitsConfig {
        turns_per_user_per_hour: 3,
        exports_per_user: 2,
        exports_per_guild: 10,
        files_per_message: 5,
    };
    let engine = engine(store, limits.clone());
    assert_eq!(engine.limits().turns_per_user_per_hour, 3);
    engine
        .change_server("guild:low", |s| {
            s.turns_per_hour = Some(2);
            s.exports_per_member = Some(1);
            s.exports_per_server = Some(50);
        })
        .await
        .unwrap();
    engine
        .change_server("guild:high", |s| s.turns_per_hour = Some(99))
        .await
        .unwrap();
    let quotas = &engine.parts.quotas;
    // (member, server, turns allowed in an hour, export caps per member and per server)
    let rows = [
        ("ann", None, 3, (2, 10)),
        ("bob", Some("guild:low"), 2, (1, 10)),
        ("cat", Some("guild:high"), 3, (2, 10)),
        ("dan", Some("guild:none"), 3, (2, 10)),
    ];
    for (user, group, turns, (per_user, per_group)) in rows {
        let actor = member(user, group);
        let caps = quotas.export_caps(&actor).await;
        assert_eq!(
            (caps.per_user, caps.per_group),
            (per_user, per_group),
            "{user}"
        );
        for n in 0..turns {
            let taken = quotas.take_turn(&actor, &Silent).await;
            assert!(taken.is_ok(), "{user}: turn {n}: {taken:?}");
        }
        let refused = quotas.take_turn(&actor, &Silent).await;
        assert!(
            matches!(refused, Err(EngineError::User(_))),
            "{user}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn the_servers_language_comes_after_the_members_and_before_the_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sled(&dir.path().join("db")).unwrap();
    let engine = engine(store.clone(), LimitsConfig::default());
    let actor = member("ann", Some("guild:1"));
    let session = SessionRecord {
        session_id: "s".into(),
        task_id: "t".into(),
        language: "en".into(),
        account: "a".into(),
        user_id: None,
        created: 1,
        group: Some("guild:1".into()),
        songs: Vec::new(),
    };
    store
        .put_session(&actor.scope, &session, None)
        .await
        .unwrap();
    assert_eq!(engine.language(&actor, "").await, Lang::En, "the session's");
    engine
        .change_server("guild:1", |s| s.language = Some("zh-CN".into()))
        .await
        .unwrap();
    assert_eq!(
        engine.language(&actor, "").await,
        Lang::ZhCn,
        "the server's"
    );
    let mut own = actor.clone();
    own.lang = "en-US".into();
    assert_eq!(engine.language(&own, "").await, Lang::En, "the member's");
    let elsewhere = member("ann", Some("guild:2"));
    assert_eq!(engine.language(&elsewhere, "").await, Lang::En);
}

#[tokio::test]
async fn a_server_left_is_forgotten_after_the_grace_period_unless_it_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sled(&dir.path().join("db")).unwrap();
    let engine = engine(store.clone(), LimitsConfig::default());
    engine.set_forget_servers_after(Duration::from_secs(1));
    for group in ["guild:back", "guild:gone"] {
        let mut session = member("x", None);
        session.scope = format!("channel:{group}");
        let rec = SessionRecord {
            session_id: "s".into(),
            task_id: "t".into(),
            language: "en".into(),
            account: "a".into(),
            user_id: None,
            created: 1,
            group: Some(group.into()),
            songs: Vec::new(),
        };
        store.put_session(&session.scope, &rec, None).await.unwrap();
        engine
            .change_server(group, |s| s.threads = true)
            .await
            .unwrap();
        engine.note_thread(group, 7).await.unwrap();
        assert!(engine.is_thread(group, 7).await);
    }
    engine.server_left("guild:back").await;
    engine.server_back("guild:back").await;
    engine.server_left("guild:gone").await;
    // Every scheduled forgetting runs to its end.
    let servers = &engine.parts.servers;
    servers.tasks.close();
    servers.tasks.wait().await;
    assert_eq!(store.server("guild:gone").await.unwrap(), None);
    assert_eq!(store.session("channel:guild:gone").await.unwrap(), None);
    assert!(!engine.server("guild:gone").await.threads);
    assert!(!engine.is_thread("guild:gone", 7).await);
    let kept = store.server("guild:back").await.unwrap().unwrap();
    assert!(kept.settings.threads && kept.left_at.is_none(), "{kept:?}");
    assert!(store.session("channel:guild:back").await.unwrap().is_some());
}

#[tokio::test]
async fn at_start_up_servers_left_long_ago_are_forgotten_and_the_others_scheduled() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sled(&dir.path().join("db")).unwrap();
    let engine = engine(store.clone(), LimitsConfig::default());
    engine.set_forget_servers_after(Duration::from_secs(60));
    let now = now_secs();
    for (group, at) in [("guild:old", now - 61), ("guild:new", now)] {
        store
            .update_server(group, |r| r.left_at = Some(at))
            .await
            .unwrap();
    }
    assert_eq!(engine.forget_left_servers().await.unwrap(), 1);
    assert_eq!(store.server("guild:old").await.unwrap(), None);
    assert!(store.server("guild:new").await.unwrap().is_some());
    // The other is scheduled; the engine's halt ends that without forgetting it.
    assert!(!engine.parts.servers.tasks.is_empty());
    engine.halt().await;
    assert!(engine.parts.servers.tasks.is_empty());
    assert!(store.server("guild:new").await.unwrap().is_some());
}

/// A front that says nothing (quotas only ask it for a time).
struct Silent;

#[async_trait]
impl Front for Silent {
    fn max_len(&self) -> usize {
        2000
    }
    fn target(&self) -> String {
        "t".into()
    }
    async fn send(&self, _text: &str, _done: bool) -> Result<MsgId, FrontError> {
        Ok(MsgId(String::new()))
    }
    async fn edit(&self, _id: &MsgId, _text: &str, _done: bool) -> Result<(), FrontError> {
        Ok(())
    }
    async fn status(&self, _text: &str) -> Result<(), FrontError> {
        Ok(())
    }
    async fn post_link(&self, _link: &Link) -> Result<(), FrontError> {
        Ok(())
    }
}
