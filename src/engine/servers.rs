//! Servers' settings as this process sees them: a cache of the store's records, kept fresh by
//! asking the store what changed (at most once per [`REFRESH`], on use), so a change made
//! through another process is obeyed within about a second. Reading never blocks a member on
//! the store: a failed read is logged and the operator's defaults apply.
//!
//! A server the bot was removed from is forgotten (its settings and projects deleted) after a
//! grace period, unless it comes back first: [`Engine::server_left`] schedules the forgetting
//! as background work that a stop or halt ends (the next start's
//! [`Engine::forget_left_servers`] takes it up again).

use super::{Engine, EngineError};
use crate::config::LimitsConfig;
use crate::store::{now_secs, ServerRecord, ServerSettings, Store, StoreError};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How often, at most, the cache asks the store what changed.
const REFRESH: Duration = Duration::from_secs(1);
/// How long a server that removed the bot is kept, unless configured.
const DEFAULT_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The servers' records this process knows, and how fresh they are.
#[derive(Default)]
struct Cache {
    /// Records read or changed, by group (the default for a server without one).
    records: HashMap<String, ServerRecord>,
    /// The newest change number seen.
    seen: i64,
    /// When the store was last asked what changed.
    asked: Option<Instant>,
}

/// The servers' settings, cached, and the forgetting of servers that removed the bot.
pub(crate) struct Servers {
    store: Store,
    cache: Arc<Mutex<Cache>>,
    /// Held by the one refresh in flight, so slow answers do not pile up.
    refreshing: tokio::sync::Mutex<()>,
    refresh: Duration,
    /// The grace period, in ms (set once at start-up, see [`Engine::set_forget_servers_after`]).
    grace_ms: AtomicU64,
    /// Scheduled forgettings.
    tasks: TaskTracker,
    /// Cancelled when the engine halts: scheduled forgettings end.
    halted: CancellationToken,
}

impl Servers {
    /// The servers of `store`, asked about changes at most once a second.
    pub(crate) fn new(store: Store) -> Servers {
        Servers::with_refresh(store, REFRESH)
    }

    /// The servers of `store`, asked about changes at most once per `refresh`.
    pub(crate) fn with_refresh(store: Store, refresh: Duration) -> Servers {
        let grace = u64::try_from(DEFAULT_GRACE.as_millis()).unwrap_or(u64::MAX);
        Servers {
            store,
            cache: Arc::default(),
            refreshing: tokio::sync::Mutex::new(()),
            refresh,
            grace_ms: AtomicU64::new(grace),
            tasks: TaskTracker::new(),
            halted: CancellationToken::new(),
        }
    }

    fn grace(&self) -> Duration {
        Duration::from_millis(self.grace_ms.load(Ordering::Relaxed))
    }

    /// Asks the store what changed since the newest number seen, if it was last asked a
    /// refresh period ago or more, and takes those changes in.
    async fn refresh_if_due(&self) {
        let Ok(_one) = self.refreshing.try_lock() else {
            return;
        };
        let since = {
            let mut cache = self.cache.lock();
            if cache.asked.is_some_and(|at| at.elapsed() < self.refresh) {
                return;
            }
            cache.asked = Some(Instant::now());
            cache.seen
        };
        match self.store.servers_changed_since(since).await {
            Ok((newest, changes)) => {
                let mut cache = self.cache.lock();
                for (group, rec) in changes {
                    cache.records.insert(group, rec.unwrap_or_default());
                }
                cache.seen = cache.seen.max(newest);
            }
            Err(e) => tracing::warn!("could not ask the store which servers changed: {e}"),
        }
    }

    #[cfg(test)]
    /// The server's record, fresh within a refresh period; the default when it has none or
    /// the store cannot say.
    pub(crate) async fn record(&self, group: &str) -> ServerRecord {
        self.read(group, ServerRecord::clone).await
    }

    /// What `look` reads of the server's record — fresh within a refresh period; the default
    /// when it has none or the store cannot say — without copying the whole record (its
    /// threads) out of the cache.
    pub(crate) async fn read<R>(&self, group: &str, look: impl FnOnce(&ServerRecord) -> R) -> R {
        self.refresh_if_due().await;
        if let Some(rec) = self.cache.lock().records.get(group) {
            return look(rec);
        }
        match self.store.server(group).await {
            // A refresh may have brought a newer one meanwhile: that one is kept.
            Ok(rec) => look(
                (self.cache.lock().records)
                    .entry(group.to_string())
                    .or_insert(rec.unwrap_or_default()),
            ),
            Err(e) => {
                tracing::warn!(group, "could not read the server's settings: {e}");
                look(&ServerRecord::default())
            }
        }
    }

    /// Changes the server's record in the store, and at once in this process's cache.
    async fn update(
        &self,
        group: &str,
        f: impl FnMut(&mut ServerRecord) + Send,
    ) -> Result<ServerRecord, StoreError> {
        let rec = self.store.update_server(group, f).await?;
        (self.cache.lock().records).insert(group.to_string(), rec.clone());
        Ok(rec)
    }

    /// Schedules the forgetting of `group` in `after`, if it has still left by then (unless
    /// the engine has halted: the next start takes it up).
    fn schedule_forget(&self, group: &str, after: Duration) {
        if self.halted.is_cancelled() {
            return;
        }
        let (store, cache, halted) = (self.store.clone(), self.cache.clone(), self.halted.clone());
        let (group, grace) = (group.to_string(), self.grace());
        self.tasks.spawn(async move {
            tokio::select! {
                () = halted.cancelled() => {}
                () = tokio::time::sleep(after) => {
                    if let Err(e) = forget_if_left(&store, &cache, &group, grace).await {
                        tracing::warn!(group, "could not forget a server the bot left: {e}");
                    }
                }
            }
        });
    }

    /// Ends the scheduled forgettings (they stay due in the store) and waits for them.
    pub(crate) async fn halt(&self) {
        self.halted.cancel();
        self.tasks.close();
        self.tasks.wait().await;
    }
}

/// Forgets `group` if the bot left it `grace` ago or more and it has not come back; whether it
/// did.
async fn forget_if_left(
    store: &Store,
    cache: &Mutex<Cache>,
    group: &str,
    grace: Duration,
) -> Result<bool, StoreError> {
    let due = |at: u64| now_secs() >= at.saturating_add(grace.as_secs());
    let left = store.server(group).await?.and_then(|r| r.left_at);
    if !left.is_some_and(due) {
        return Ok(false);
    }
    let gone = store.forget_server(group).await?;
    cache.lock().records.remove(group);
    tracing::info!(
        group,
        sessions = gone.sessions,
        jobs = gone.jobs,
        "forgot a server the bot was removed from"
    );
    Ok(true)
}

/// `chosen` within `ceiling`: the operator's config stays the ceiling.
pub(crate) fn capped(ceiling: u32, chosen: Option<u32>) -> u32 {
    chosen.map_or(ceiling, |c| c.min(ceiling))
}

impl Engine {
    /// A server's settings (`group`, e.g. `guild:1`), as its moderators chose them; all unset
    /// for a server that chose nothing, or when the store cannot say (logged).
    pub async fn server(&self, group: &str) -> ServerSettings {
        let servers = &self.parts.servers;
        servers.read(group, |rec| rec.settings.clone()).await
    }

    /// Changes a server's settings by `change`, made on the settings as stored (another
    /// process's change is not lost); the new settings, obeyed by this process at once and by
    /// the others within about a second.
    pub async fn change_server(
        &self,
        group: &str,
        change: impl FnOnce(&mut ServerSettings) + Send,
    ) -> Result<ServerSettings, EngineError> {
        // The store calls it once; an `Option` makes the once-only change callable as `FnMut`.
        let mut change = Some(change);
        let rec = (self.parts.servers)
            .update(group, |rec| {
                if let Some(change) = change.take() {
                    change(&mut rec.settings)
                }
            })
            .await?;
        Ok(rec.settings)
    }

    /// Whether `channel` is a thread the bot opened in the server.
    pub async fn is_thread(&self, group: &str, channel: u64) -> bool {
        let servers = &self.parts.servers;
        servers
            .read(group, |rec| rec.threads.contains(&channel))
            .await
    }

    /// Notes a thread the bot opened in the server (the newest
    /// [`ServerRecord::MAX_THREADS`] are kept).
    pub async fn note_thread(&self, group: &str, thread: u64) -> Result<(), EngineError> {
        let servers = &self.parts.servers;
        servers.update(group, |rec| rec.note_thread(thread)).await?;
        Ok(())
    }

    /// The bot was removed from the server: noted (the first time's moment is kept), and its
    /// settings and projects forgotten after the grace period unless [`Engine::server_back`]
    /// comes first. Failures are logged (the next start finds the server again).
    pub async fn server_left(&self, group: &str) {
        let servers = &self.parts.servers;
        let now = now_secs();
        let noted = servers.update(group, |rec| rec.left_at = Some(rec.left_at.unwrap_or(now)));
        match noted.await {
            Ok(_) => servers.schedule_forget(group, servers.grace()),
            Err(e) => tracing::warn!(group, "could not note that the bot left a server: {e}"),
        }
    }

    /// The bot is in the server again: nothing of it is forgotten.
    pub async fn server_back(&self, group: &str) {
        let servers = &self.parts.servers;
        let left = servers.read(group, |rec| rec.left_at.is_some()).await;
        if left {
            if let Err(e) = servers.update(group, |rec| rec.left_at = None).await {
                tracing::warn!(
                    group,
                    "could not note that the bot is back in a server: {e}"
                );
            }
        }
    }

    /// At start-up: forgets the servers the bot left a grace period ago or more, and schedules
    /// the others; how many were forgotten now.
    pub async fn forget_left_servers(&self) -> Result<usize, EngineError> {
        let servers = &self.parts.servers;
        let grace = servers.grace();
        let mut forgotten = 0;
        for (group, at) in servers.store.servers_left().await? {
            let due = at.saturating_add(grace.as_secs());
            match due.checked_sub(now_secs()).filter(|wait| *wait > 0) {
                Some(wait) => servers.schedule_forget(&group, Duration::from_secs(wait)),
                None => {
                    let gone = forget_if_left(&servers.store, &servers.cache, &group, grace);
                    forgotten += usize::from(gone.await?);
                }
            }
        }
        Ok(forgotten)
    }

    /// How long a server that removed the bot is kept before it is forgotten
    /// (`store.forget_servers_after_secs`; 7 days unless set). Set it before serving.
    pub fn set_forget_servers_after(&self, grace: Duration) {
        let ms = u64::try_from(grace.as_millis()).unwrap_or(u64::MAX);
        self.parts.servers.grace_ms.store(ms, Ordering::Relaxed);
    }

    /// The operator's quotas: the ceilings of what servers may choose.
    pub fn limits(&self) -> &LimitsConfig {
        self.parts.quotas.limits()
    }
}

#[cfg(test)]
mod tests;
