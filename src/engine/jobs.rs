//! The export runner: a job is written (held by this process) before its render is
//! requested, polled until it ends, and its link posted exactly once. Jobs are claimed from
//! the store — at start-up and then periodically, so that a job whose process died is taken
//! over by another — and every write of a job is fenced by its claim: a process that lost a
//! job (it was paused past its lease) stops touching it. What a job does outside the store
//! (the render request, progress, the link) happens only while its claim is known to be held
//! (`claims.rs`, `tenure.rs`), so a process that wakes from a pause past its lease does none of
//! it.

use super::accounts::Accounts;
use super::claims::{Held, Saved};
use super::front::notify;
use super::front::{Deliver, Front};
use super::EngineError;
use crate::config::NemoConfig;
use crate::nemo::{NemoError, RenderStatus};
use crate::store::{ExportCaps, JobRecord, JobStatus, Store, StoreError, VideoRecord};
use crate::telemetry::metrics::{self, ExportEnd};
use crate::tr;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

mod delivery;
mod history;
mod poll;

use delivery::show_progress;

/// Jobs claimed in one pass.
const CLAIM_BATCH: usize = 64;

/// The runner; cheap to clone.
#[derive(Clone)]
pub(crate) struct Exports {
    inner: Arc<Runner>,
}

pub(crate) struct Runner {
    accounts: Arc<Accounts>,
    store: Store,
    cfg: NemoConfig,
    /// Every job being polled.
    tasks: TaskTracker,
    /// Cancelled once the runner halts (the words of stopping: `lifecycle.rs`).
    halted: CancellationToken,
    /// Whether the periodic claims have started.
    claiming: AtomicBool,
    /// The jobs polled here, by id: cancelling one stops its poll at once.
    polled: Mutex<HashMap<String, CancellationToken>>,
    /// How many days finished videos are kept in their members' histories.
    history_days: AtomicU64,
}

/// A job being polled here: the job, where it posts, how many times this process has
/// tried to post its link, and its video once the link is out (kept as the job ends).
struct Task {
    job: JobRecord,
    front: Arc<dyn Front>,
    posts: u32,
    finished: Option<VideoRecord>,
}

/// What one look at a job led to.
enum Step {
    /// Not finished yet.
    Wait,
    /// It ended (and its end was posted).
    End(ExportEnd),
    /// Another process holds it now.
    Lost,
}

impl Exports {
    /// A runner over `store`, calling NemoVideo as `accounts` say.
    pub(crate) fn new(accounts: Arc<Accounts>, store: Store, cfg: NemoConfig) -> Exports {
        let runner = Runner {
            accounts,
            store,
            cfg,
            tasks: TaskTracker::new(),
            halted: CancellationToken::new(),
            claiming: AtomicBool::new(false),
            polled: Mutex::new(HashMap::new()),
            history_days: AtomicU64::new(history::DEFAULT_DAYS),
        };
        Exports {
            inner: Arc::new(runner),
        }
    }

    /// Writes `job` down (if `caps` leave room for it), requests its render of `draft`, and
    /// polls it in the background.
    pub(crate) async fn start(
        &self,
        mut job: JobRecord,
        draft: &serde_json::Value,
        front: &Arc<dyn Front>,
        caps: ExportCaps,
    ) -> Result<(), EngineError> {
        let store = &self.inner.store;
        let mut fresh_id = false;
        loop {
            let held = self.write_down(&mut job, caps).await?;
            if !fresh_id {
                metrics::export_started();
            }
            // The request may take longer than the lease: the claim is renewed meanwhile, and
            // the request is never sent once the claim is not known to be held.
            let submitted = held.hold(store, self.submit(&job, draft)).await;
            match submitted {
                None => {
                    // Written down as submitting: whoever claims it next finds out by polling.
                    tracing::warn!(job = %job.id, "lost the export's claim while requesting its render");
                    notify(front, &tr!(job.language(), "export-unconfirmed")).await;
                    return Ok(());
                }
                Some(Err(EngineError::Nemo(NemoError::DuplicateId { .. }))) if !fresh_id => {
                    // The contract: on a duplicate id, use a new one.
                    store.finish_job(&held.claim).await?;
                    job.id = super::export::render_id();
                    fresh_id = true;
                }
                Some(Err(EngineError::Nemo(e))) if e.is_retryable() => {
                    // The request may have arrived: keep the job and let polling find out,
                    // rather than risk a second render.
                    tracing::warn!(job = %job.id, "render request unconfirmed: {e}");
                    notify(front, &tr!(job.language(), "export-unconfirmed")).await;
                    self.spawn_poll(job, held, front.clone());
                    return Ok(());
                }
                Some(Err(e)) => {
                    store.finish_job(&held.claim).await?;
                    metrics::export_finished(ExportEnd::Failed, Duration::ZERO);
                    return Err(e);
                }
                Some(Ok(accepted)) => {
                    self.accepted(job, held, accepted, front).await;
                    return Ok(());
                }
            }
        }
    }

    /// Writes `job` down, held by this process, if `caps` leave room for it; started now by
    /// the database's clock.
    async fn write_down(&self, job: &mut JobRecord, caps: ExportCaps) -> Result<Held, EngineError> {
        let store = &self.inner.store;
        let sent = Instant::now();
        let db_ms = store.clock_ms().await?;
        // Timed by the database's clock, which every process that may take it over shares.
        job.started = u64::try_from(db_ms / 1000).unwrap_or(0);
        let claim = match store.create_job(job, caps).await {
            // Refused by a cap: not an export that started.
            Err(StoreError::ExportsFull(full)) => {
                return Err(super::limits::export_refused(job.language(), full))
            }
            created => created?,
        };
        Ok(Held::new(claim, store.lease(), sent, db_ms))
    }

    /// Saves and shows the render NemoVideo `accepted`, then polls it in the background.
    async fn accepted(
        &self,
        mut job: JobRecord,
        held: Held,
        accepted: RenderStatus,
        front: &Arc<dyn Front>,
    ) {
        let store = &self.inner.store;
        job.status = JobStatus::Nemo(accepted.status);
        job.progress = accepted.progress;
        // Renewed until the poll takes over (the card may wait on the platform's limits), and
        // shown only while held.
        let shown = async {
            if held.save(store, &job).await == Saved::Yes {
                show_progress(front, &job, &held).await;
            }
        };
        held.hold(store, shown).await;
        self.spawn_poll(job, held, front.clone());
    }

    async fn submit(
        &self,
        job: &JobRecord,
        draft: &serde_json::Value,
    ) -> Result<RenderStatus, EngineError> {
        self.inner
            .accounts
            .with_token(&job.account, |nemo, t| async move {
                nemo.start_render(&t, &job.id, &job.session_id, draft).await
            })
            .await
    }

    /// Claims the jobs no live process holds and polls them, posting through `deliver`; from
    /// then on, claims again at a third of the lease's length until the runner halts. How
    /// many jobs this first pass took.
    pub(crate) async fn resume(&self, deliver: Arc<dyn Deliver>) -> Result<usize, EngineError> {
        let resumed = self.claim(deliver.as_ref()).await?;
        metrics::exports_resumed(resumed);
        if !self.inner.claiming.swap(true, Ordering::SeqCst) {
            let weak = Arc::downgrade(&self.inner);
            tokio::spawn(keep_claiming(weak, self.inner.halted.clone(), deliver));
        }
        Ok(resumed)
    }

    /// One pass of claims; how many jobs it took and polls.
    async fn claim(&self, deliver: &dyn Deliver) -> Result<usize, EngineError> {
        let mut taken = 0;
        let store = &self.inner.store;
        let sent = Instant::now();
        let db_ms = store.clock_ms().await?;
        for (job, claim) in store.claim_jobs(CLAIM_BATCH).await? {
            match deliver.front_for(&job.target, &job.scope, job.language()) {
                Some(front) => {
                    tracing::info!(job = %job.id, epoch = claim.epoch, "polling a claimed export");
                    let held = Held::new(claim, store.lease(), sent, db_ms);
                    self.spawn_poll(job, held, front);
                    taken += 1;
                }
                // Held until its lease runs out, then claimed (and logged) again.
                None => {
                    tracing::warn!(job = %job.id, target = %job.target, "no place to post this export")
                }
            }
        }
        Ok(taken)
    }

    fn spawn_poll(&self, job: JobRecord, held: Held, front: Arc<dyn Front>) {
        let runner = self.clone();
        let span = tracing::info_span!("export", job = %job.id, scope = %job.scope);
        let cancelled = CancellationToken::new();
        let polled = &self.inner.polled;
        polled.lock().insert(job.id.clone(), cancelled.clone());
        let task = Task {
            job,
            front,
            posts: 0,
            finished: None,
        };
        let run = async move {
            let id = task.job.id.clone();
            runner.poll(task, held, cancelled).await;
            runner.inner.polled.lock().remove(&id);
        };
        self.inner.tasks.spawn(run.instrument(span));
    }

    /// Cancels the job `id`, wherever it is polled: forgotten in the store (so no process
    /// posts its link, and it no longer counts against the member's exports), and its poll
    /// here, if it is polled here, stopped at once. Whether the job was still running.
    pub(crate) async fn cancel(&self, id: &str) -> Result<bool, EngineError> {
        let existed = self.inner.store.cancel_job(id).await?;
        if let Some(polled) = self.inner.polled.lock().remove(id) {
            polled.cancel();
        }
        Ok(existed)
    }

    /// The jobs of `scope`, for its status.
    pub(crate) async fn jobs_of(&self, scope: &str) -> Result<Vec<JobRecord>, EngineError> {
        Ok(self.inner.store.jobs_of(scope).await?)
    }

    /// Waits until every job being polled has ended.
    pub(crate) async fn idle(&self) {
        let tasks = &self.inner.tasks;
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }

    /// Halts: stops polling (the jobs stay in the store, held until their leases run out).
    pub(crate) async fn halt(&self) {
        self.inner.halted.cancel();
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
    }

    /// Resolves once [`Exports::halt`] has been called.
    pub(crate) fn halted(&self) -> tokio_util::sync::WaitForCancellationFutureOwned {
        self.inner.halted.clone().cancelled_owned()
    }
}

/// Claims jobs whose holder died, at a third of the lease's length, until the runner halts
/// or is dropped (it holds the runner only while claiming, so a dropped engine lets its store
/// go).
async fn keep_claiming(runner: Weak<Runner>, halted: CancellationToken, deliver: Arc<dyn Deliver>) {
    let mut swept: Option<Instant> = None;
    loop {
        let every = match runner.upgrade() {
            Some(inner) => inner.store.lease() / 3,
            None => return,
        };
        tokio::select! {
            _ = halted.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let Some(inner) = runner.upgrade() else {
            return;
        };
        let exports = Exports { inner };
        match exports.claim(deliver.as_ref()).await {
            Ok(0) => {}
            Ok(n) => metrics::exports_resumed(n),
            Err(e) => tracing::warn!("could not claim exports: {e}"),
        }
        if let Err(e) = exports.inner.store.forget_old_turns().await {
            tracing::warn!("could not forget old turns: {e}");
        }
        if swept.is_none_or(|at| at.elapsed() >= history::SWEEP_EVERY) {
            swept = Some(Instant::now());
            exports.sweep_history().await;
        }
    }
}
