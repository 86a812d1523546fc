//! One turn of a project at a time: a line per scope in this process, and a lease per scope
//! in the store, so that a turn here and a turn in another process (a DM on one, a button on
//! another) never run at once. A request that waits is told its place. A turn runs only
//! while its lease is known to be held (`tenure.rs`): one that loses it (its process paused
//! or cut off from the database past it) stops at its next step, sends nothing more to the
//! agent and starts no export, and the member is told.

use super::front::notify;
use super::front::Front;
use super::keyed::Keyed;
use super::tenure::{Renewed, Tenure};
use super::{text, Actor, CancelAction, Cancellable, EngineError};
use crate::i18n::Lang;
use crate::store::{now_secs, ScopeClaim, Store, StoreError};
use crate::telemetry::metrics;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How often a turn waiting for another process's lease asks again, at most.
const LEASE_ASK_MAX: Duration = Duration::from_secs(1);

/// The scopes' lines and leases.
pub(crate) struct Scopes {
    lines: Keyed<Line>,
    store: Store,
    /// Average time of requests that hold a scope, in ms (0 until one has run).
    request_ms: AtomicU64,
    /// The requests waiting in a line here, by the id of their place: a Cancel ends the wait.
    places: parking_lot::Mutex<HashMap<String, CancellationToken>>,
}

/// One request at a time per scope in this process; `waiting` counts the queue.
#[derive(Default)]
struct Line {
    mutex: Arc<Mutex<()>>,
    waiting: AtomicUsize,
}

/// A scope held by one request: its place in this process's line and the store's lease.
/// Run the request through [`ScopeTurn::hold`] (which renews the lease) and hand the scope
/// back with [`ScopeTurn::leave`]; dropped (the request cut short), the lease is let go in
/// the background.
pub(crate) struct ScopeTurn {
    lease: Option<Lease>,
    _guard: OwnedMutexGuard<()>,
    _line: Arc<Line>,
}

/// A scope's lease in the store, held by one turn.
struct Lease {
    store: Store,
    scope: String,
    claim: ScopeClaim,
    tenure: Tenure,
}

tokio::task_local! {
    /// The lease of the turn this task runs, if any: the session writes deep inside a turn
    /// (a session made on first use, or replaced when NemoVideo lost it) name it, so the
    /// store refuses them once another turn has the scope.
    static HELD: ScopeClaim;
}

/// The lease of the turn the calling task runs, if it runs one (see [`ScopeTurn::hold`]).
pub(crate) fn held_claim() -> Option<ScopeClaim> {
    HELD.try_with(ScopeClaim::clone).ok()
}

impl Scopes {
    /// The scopes of `store`.
    pub(crate) fn new(store: Store) -> Scopes {
        Scopes {
            lines: Keyed::default(),
            store,
            request_ms: AtomicU64::new(0),
            places: parking_lot::Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the scope (this process's line, then the store's lease), telling the user
    /// their place when they have to wait.
    pub(crate) async fn enter(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
    ) -> Result<ScopeTurn, EngineError> {
        let line = self.lines.get(&actor.scope);
        let guard = match line.mutex.clone().try_lock_owned() {
            Ok(guard) => guard,
            Err(_) => {
                let waiting = Waiting::join(&line);
                let place = uuid::Uuid::new_v4().simple().to_string();
                let cancelled = CancellationToken::new();
                self.places.lock().insert(place.clone(), cancelled.clone());
                let cancel = CancelAction {
                    what: Cancellable::Waiting(place.clone()),
                    by: actor.user.clone(),
                };
                let text = self.place_text(actor.language(), front, waiting.position);
                if let Err(e) = front.waiting(&text, &cancel).await {
                    tracing::warn!("could not show a place in line: {e}");
                }
                let guard = tokio::select! {
                    guard = line.mutex.clone().lock_owned() => Some(guard),
                    _ = cancelled.cancelled() => None,
                };
                self.places.lock().remove(&place);
                drop(waiting);
                guard.ok_or(EngineError::Cancelled)?
            }
        };
        let lease = self.lease(actor, front, &line).await?;
        Ok(ScopeTurn {
            lease: Some(lease),
            _guard: guard,
            _line: line,
        })
    }

    /// Takes the scope's lease in the store, waiting while a turn in another process holds it.
    async fn lease(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        line: &Line,
    ) -> Result<Lease, EngineError> {
        let scope = &actor.scope;
        let turn = uuid::Uuid::new_v4().simple().to_string();
        let mut pause = Duration::from_millis(50);
        let mut told = false;
        let mut sent = Instant::now();
        let claim = loop {
            if let Some(claim) = self.store.lease_scope(scope, &turn).await? {
                break claim;
            }
            if !told {
                // Another process runs a turn of this project; this request is next here.
                let position = line.waiting.load(Ordering::SeqCst) + 1;
                self.tell_place(actor.language(), front, position).await;
                told = true;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LEASE_ASK_MAX);
            sent = Instant::now();
        };
        Ok(Lease {
            store: self.store.clone(),
            scope: scope.to_string(),
            claim,
            tenure: Tenure::new(self.store.lease(), sent),
        })
    }

    /// Says the request is queued, with an estimate once requests have been timed.
    async fn tell_place(&self, lang: Lang, front: &Arc<dyn Front>, position: usize) {
        notify(front, &self.place_text(lang, front, position)).await;
    }

    /// The sentence of a place in line, with an estimate once requests have been timed.
    fn place_text(&self, lang: Lang, front: &Arc<dyn Front>, position: usize) -> String {
        let eta = self
            .typical_request_secs()
            .map(|secs| front.eta(lang, now_secs() + secs * position as u64));
        text::queued(lang, position, eta.as_deref())
    }

    /// Ends the wait of the request at `place` in a line here (a Cancel pressed); whether
    /// it was waiting here (a line is this process's own: elsewhere it is not).
    pub(crate) fn cancel_waiting(&self, place: &str) -> bool {
        let waiting = self.places.lock().remove(place);
        waiting.map(|cancelled| cancelled.cancel()).is_some()
    }

    /// Keeps a running average of how long requests that hold a scope take (for queue ETAs).
    pub(crate) fn note_request_time(&self, took: Duration) {
        let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX).max(1);
        let _ = self
            .request_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |avg| {
                Some(if avg == 0 { ms } else { (avg * 3 + ms) / 4 })
            });
    }

    /// The typical time a scope-holding request takes, in whole seconds, once one has run.
    fn typical_request_secs(&self) -> Option<u64> {
        let avg = self.request_ms.load(Ordering::Relaxed);
        (avg > 0).then(|| avg.div_ceil(1000))
    }
}

impl ScopeTurn {
    /// Runs `work` while renewing the lease at a third of its length (in the same task, so
    /// nothing outlives the request), and only while the lease is known to be held: once it
    /// is not, or the store refuses a session write of the work's as stale, the work is
    /// dropped (at its next step) and [`EngineError::LeaseLost`] returned.
    pub(crate) async fn hold<T>(
        &self,
        work: impl Future<Output = Result<T, EngineError>>,
    ) -> Result<T, EngineError> {
        let Some(lease) = &self.lease else {
            return work.await;
        };
        let work = HELD.scope(lease.claim.clone(), work);
        let out = lease.hold(work).await;
        match out {
            Some(Err(EngineError::Store(StoreError::ScopeFenced { .. }))) | None => {
                lease.tenure.lose();
                tracing::warn!(scope = %lease.scope, "lost the project's lease (this process was too slow to renew it); stopped the request");
                Err(EngineError::LeaseLost)
            }
            Some(out) => out,
        }
    }

    /// Lets go of the scope: the store's lease first, so that the next request in this
    /// process's line finds it free.
    pub(crate) async fn leave(mut self) {
        if let Some(lease) = self.lease.take() {
            lease.release().await;
        }
    }
}

impl Drop for ScopeTurn {
    fn drop(&mut self) {
        if let Some(lease) = self.lease.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(lease.release());
            }
        }
    }
}

impl Lease {
    /// Runs `work` while renewing the lease, and only while it is known to be held (see
    /// [`Tenure::hold`]): `None` once it is lost (another turn holds it) or not known to be
    /// held.
    async fn hold<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        let renew = |_sent| async move {
            let renewed = self.store.renew_scope(&self.scope, &self.claim.turn).await;
            Renewed::from_store(
                renewed,
                format_args!("the project's lease ({})", self.scope),
            )
        };
        self.tenure.hold(renew, work).await
    }

    async fn release(self) {
        if let Err(e) = self
            .store
            .release_scope(&self.scope, &self.claim.turn)
            .await
        {
            // It runs out by itself within the lease's length.
            tracing::warn!(scope = %self.scope, "could not release the project's lease: {e}");
        }
    }
}

/// A place in a scope's line; leaving it (served, or the request dropped) shortens the line.
struct Waiting<'a> {
    line: &'a Line,
    position: usize,
}

impl<'a> Waiting<'a> {
    fn join(line: &'a Line) -> Waiting<'a> {
        metrics::scopes_waiting(1.0);
        let position = line.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        Waiting { line, position }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.line.waiting.fetch_sub(1, Ordering::SeqCst);
        metrics::scopes_waiting(-1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SessionRecord;

    fn session(id: &str) -> SessionRecord {
        SessionRecord {
            session_id: id.into(),
            task_id: "task_1".into(),
            language: "en".into(),
            account: "user:1".into(),
            user_id: None,
            created: 1,
            group: None,
            songs: Vec::new(),
        }
    }

    /// A turn on `store`, holding `scope`'s lease as [`Scopes::enter`] would.
    async fn turn_on(store: &Store, scope: &str) -> ScopeTurn {
        let claim = store.lease_scope(scope, "t1").await.unwrap().unwrap();
        let line = Arc::new(Line::default());
        ScopeTurn {
            lease: Some(Lease {
                store: store.clone(),
                scope: scope.to_string(),
                claim,
                tenure: Tenure::new(store.lease(), Instant::now()),
            }),
            _guard: line.mutex.clone().lock_owned().await,
            _line: line,
        }
    }

    #[tokio::test]
    async fn a_turn_whose_session_write_is_refused_as_stale_stops_as_lease_lost() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open_sled(&dir.path().join("db")).unwrap();
        let b = a.other_process();
        let scope = "channel:1";
        let turn = turn_on(&a, scope).await;
        let work = async {
            // Another process has the scope now, though this one's tenure has not lapsed (its
            // clock ran slow, or its write was in flight): it lets go, B takes it and writes.
            a.release_all().await?;
            let theirs = b.lease_scope(scope, "t2").await?.expect("free");
            b.put_session(scope, &session("s_b"), Some(&theirs)).await?;
            // The turn's own write, as `Accounts` makes it: under the turn's lease.
            let mine = held_claim().expect("inside the turn");
            a.put_session(scope, &session("s_a"), Some(&mine)).await?;
            Ok(())
        };
        let out = turn.hold(work).await;
        assert!(matches!(out, Err(EngineError::LeaseLost)), "{out:?}");
        let kept = a.session(scope).await.unwrap().unwrap();
        assert_eq!(kept.session_id, "s_b");
        assert_eq!(held_claim(), None, "outside the turn");
    }
}
