//! The export runner: a job is written (held by this process) before its render is
//! requested, polled until it ends, and its link posted exactly once. Jobs are claimed from
//! the store — at start-up and then periodically, so that a job whose process died is taken
//! over by another — and every write of a job is fenced by its claim: a process that lost a
//! job (it was paused past its lease) stops touching it.

use super::accounts::Accounts;
use super::front::{Deliver, Front, Link, LinkKind};
use super::turn::{notify, retry_reads};
use super::{cards, text, EngineError};
use crate::config::NemoConfig;
use crate::nemo::{NemoClient, NemoError, RenderState, RenderStatus};
use crate::store::{now_secs, Claim, ExportCaps, JobRecord, JobStatus, Store, StoreError};
use crate::telemetry::metrics::{self, ExportEnd};
use crate::tr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

/// Jobs claimed in one pass.
const CLAIM_BATCH: usize = 64;

/// The runner; cheap to clone.
#[derive(Clone)]
pub(crate) struct Exports {
    inner: Arc<Runner>,
}

pub(crate) struct Runner {
    nemo: NemoClient,
    accounts: Arc<Accounts>,
    store: Store,
    cfg: NemoConfig,
    /// Every job being polled.
    tasks: TaskTracker,
    stopping: CancellationToken,
    /// Whether the periodic claims have started.
    claiming: AtomicBool,
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
    pub(crate) fn new(
        nemo: NemoClient,
        accounts: Arc<Accounts>,
        store: Store,
        cfg: NemoConfig,
    ) -> Exports {
        let runner = Runner {
            nemo,
            accounts,
            store,
            cfg,
            tasks: TaskTracker::new(),
            stopping: CancellationToken::new(),
            claiming: AtomicBool::new(false),
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
        let (accepted, claim) = loop {
            let claim = match store.create_job(&job, caps).await {
                // Refused by a cap: not an export that started.
                Err(StoreError::ExportsFull(full)) => {
                    return Err(super::limits::export_refused(job.language(), full))
                }
                created => created?,
            };
            if !fresh_id {
                metrics::export_started();
            }
            match self.submit(&job, draft).await {
                Err(EngineError::Nemo(NemoError::DuplicateId { .. })) if !fresh_id => {
                    // The contract: on a duplicate id, use a new one.
                    store.finish_job(&claim).await?;
                    job.id = super::export::render_id();
                    fresh_id = true;
                }
                Err(EngineError::Nemo(e)) if e.is_retryable() => {
                    // The request may have arrived: keep the job and let polling find out,
                    // rather than risk a second render.
                    tracing::warn!(job = %job.id, "render request unconfirmed: {e}");
                    notify(front, &tr!(job.language(), "export-unconfirmed")).await;
                    self.spawn_poll(job, claim, front.clone());
                    return Ok(());
                }
                Err(e) => {
                    store.finish_job(&claim).await?;
                    metrics::export_finished(ExportEnd::Failed, Duration::ZERO);
                    return Err(e);
                }
                Ok(status) => break (status, claim),
            }
        };
        job.status = JobStatus::Nemo(accepted.status);
        job.progress = accepted.progress;
        store.update_job(&claim, &job).await?;
        show_progress(front, &job).await;
        self.spawn_poll(job, claim, front.clone());
        Ok(())
    }

    async fn submit(
        &self,
        job: &JobRecord,
        draft: &serde_json::Value,
    ) -> Result<crate::nemo::RenderStatus, EngineError> {
        let nemo = &self.inner.nemo;
        self.inner
            .accounts
            .with_token(&job.account, |t| async move {
                nemo.start_render(&t, &job.id, &job.session_id, draft).await
            })
            .await
    }

    /// Claims the jobs no live process holds and polls them, posting through `deliver`; from
    /// then on, claims again at a third of the lease's length until the engine stops. How
    /// many jobs this first pass took.
    pub(crate) async fn resume(&self, deliver: Arc<dyn Deliver>) -> Result<usize, EngineError> {
        let resumed = self.claim(deliver.as_ref()).await?;
        metrics::exports_resumed(resumed);
        if !self.inner.claiming.swap(true, Ordering::SeqCst) {
            let weak = Arc::downgrade(&self.inner);
            tokio::spawn(keep_claiming(weak, self.inner.stopping.clone(), deliver));
        }
        Ok(resumed)
    }

    /// One pass of claims; how many jobs it took and polls.
    async fn claim(&self, deliver: &dyn Deliver) -> Result<usize, EngineError> {
        let mut taken = 0;
        for (job, claim) in self.inner.store.claim_jobs(CLAIM_BATCH).await? {
            match deliver.front_for(&job.target, &job.scope, job.language()) {
                Some(front) => {
                    tracing::info!(job = %job.id, epoch = claim.epoch, "polling a claimed export");
                    self.spawn_poll(job, claim, front);
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

    fn spawn_poll(&self, job: JobRecord, claim: Claim, front: Arc<dyn Front>) {
        let runner = self.clone();
        let span = tracing::info_span!("export", job = %job.id, scope = %job.scope);
        let task = async move { runner.poll(job, claim, front).await };
        self.inner.tasks.spawn(task.instrument(span));
    }

    /// Polls until the job ends, then forgets it; gives up on a job another process took
    /// over, and leaves it in the store when the engine stops.
    async fn poll(&self, mut job: JobRecord, claim: Claim, front: Arc<dyn Front>) {
        let run = async {
            loop {
                match self.poll_once(&mut job, &claim, &front).await {
                    Step::Wait => {}
                    Step::End(end) => return Some(end),
                    Step::Lost => return None,
                }
            }
        };
        let end = tokio::select! {
            _ = self.inner.stopping.cancelled() => return,
            _ = self.keep_claim(&claim) => None,
            end = run => end,
        };
        let Some(end) = end else {
            tracing::warn!(job = %claim.id, "another process holds this export now; leaving it");
            return;
        };
        let took = Duration::from_secs(now_secs().saturating_sub(job.started));
        metrics::export_finished(end, took);
        if let Err(e) = self.inner.store.finish_job(&claim).await {
            tracing::error!(job = %claim.id, "could not forget a finished export: {e}");
        }
    }

    /// Renews the job's claim at a third of the lease's length; returns once it is lost.
    async fn keep_claim(&self, claim: &Claim) {
        let every = self.inner.store.lease() / 3;
        loop {
            tokio::time::sleep(every).await;
            match self.inner.store.renew_job(claim).await {
                Ok(()) => {}
                Err(StoreError::Fenced { .. }) => return,
                Err(e) => {
                    tracing::warn!(job = %claim.id, "could not renew the export's lease: {e}")
                }
            }
        }
    }

    /// Waits one interval, reads the status, and shows what changed.
    async fn poll_once(&self, job: &mut JobRecord, claim: &Claim, front: &Arc<dyn Front>) -> Step {
        tokio::time::sleep(self.inner.cfg.poll_interval()).await;
        let nemo = &self.inner.nemo;
        let id = job.id.clone();
        let read = self
            .inner
            .accounts
            .with_token(&job.account, |t| {
                let id = &id;
                async move { retry_reads(|| nemo.render_status(&t, id)).await }
            })
            .await;
        let lang = job.language();
        let ending = match read {
            Ok(s) if s.state == RenderState::Completed && s.url.is_some() => {
                return self.deliver(job, claim, s, front).await;
            }
            Ok(s) if matches!(s.state, RenderState::Completed | RenderState::Failed) => Some((
                ExportEnd::Failed,
                text::export_failed(lang, s.error.as_deref()),
            )),
            Ok(s) => {
                let status = JobStatus::Nemo(s.status);
                if (&status, s.progress) != (&job.status, job.progress) {
                    job.status = status;
                    job.progress = s.progress;
                    if !self.save(job, claim).await {
                        return Step::Lost;
                    }
                    show_progress(front, job).await;
                }
                None
            }
            Err(EngineError::Nemo(NemoError::Api { status: 404, .. })) if self.lost(job) => {
                Some((ExportEnd::Lost, tr!(lang, "export-lost")))
            }
            Err(e) => {
                tracing::warn!(job = %job.id, "could not read the export's status: {e}");
                None
            }
        };
        let give_up_at = job.started + self.inner.cfg.export_timeout_ms / 1000;
        let ending = ending.or_else(|| {
            (now_secs() > give_up_at).then(|| (ExportEnd::Timeout, tr!(lang, "export-timeout")))
        });
        let Some((end, message)) = ending else {
            return Step::Wait;
        };
        if let Err(e) = front.send(&message, true).await {
            tracing::warn!(job = %job.id, "could not post the export's end: {e}");
        }
        Step::End(end)
    }

    /// Posts the finished video's link. The job is marked `posting` (durably, under its
    /// claim) first, so that a crash before it is forgotten is known at the next claim: the
    /// link is then posted again, marked as possibly repeated (Discord drops the repeat by its
    /// nonce); and a process that lost the job posts nothing.
    async fn deliver(
        &self,
        job: &mut JobRecord,
        claim: &Claim,
        done: RenderStatus,
        front: &Arc<dyn Front>,
    ) -> Step {
        let again = job.status == JobStatus::Posting;
        if !again {
            job.status = JobStatus::Posting;
            if !self.save(job, claim).await {
                return Step::Lost;
            }
        }
        let lang = job.language();
        let link = Link {
            kind: LinkKind::Video,
            text: tr!(lang, "export-done"),
            url: done.url.unwrap_or_default(),
            key: job.id.clone(),
            again,
            card: Some(cards::finished(lang, &job.video, done.duration, done.size)),
        };
        match front.post_link(&link).await {
            Ok(()) => {
                // The progress card above the video stops moving: done, not stuck at 90%.
                if let Err(e) = front.progress(&cards::rendered(lang)).await {
                    tracing::info!(job = %job.id, "could not close the progress card: {e}");
                }
                Step::End(ExportEnd::Completed)
            }
            Err(e) if e.is_retryable() => {
                tracing::warn!(job = %job.id, "posting the link failed, will retry: {e}");
                // Not posted by this run, whatever the store says.
                job.status = JobStatus::Nemo("completed".into());
                Step::Wait
            }
            Err(e) => {
                tracing::warn!(job = %job.id, "the place to post is gone: {e}");
                Step::End(ExportEnd::Gone)
            }
        }
    }

    /// Whether "not found" means the render request never arrived: only once it was sent
    /// long enough ago that it cannot still be on its way (it may have timed out on our side,
    /// or the bot may have died while sending it, and still reach the service late).
    fn lost(&self, job: &JobRecord) -> bool {
        let grace_secs = (2 * self.inner.cfg.request_timeout_ms).div_ceil(1000) + 1;
        job.status == JobStatus::Submitting && now_secs() > job.started + grace_secs
    }

    /// Saves the job's state under its claim; false once another process holds the job (a
    /// store that fails otherwise is logged, and polling goes on).
    async fn save(&self, job: &JobRecord, claim: &Claim) -> bool {
        match self.inner.store.update_job(claim, job).await {
            Ok(()) => true,
            Err(StoreError::Fenced { .. }) => false,
            Err(e) => {
                tracing::error!(job = %job.id, "could not save export progress: {e}");
                true
            }
        }
    }

    /// Waits until every job being polled has ended.
    pub(crate) async fn idle(&self) {
        let tasks = &self.inner.tasks;
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }

    /// Stops polling (the jobs stay in the store, held until their leases run out).
    pub(crate) async fn shutdown(&self) {
        self.inner.stopping.cancel();
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
    }

    /// Resolves once [`Exports::shutdown`] has been called.
    pub(crate) fn stopped(&self) -> tokio_util::sync::WaitForCancellationFutureOwned {
        self.inner.stopping.clone().cancelled_owned()
    }
}

/// Shows the job's progress card, with when it should be ready; a front that cannot show it
/// is logged (the render goes on).
async fn show_progress(front: &Arc<dyn Front>, job: &JobRecord) {
    let lang = job.language();
    let at = cards::finish_estimate(job.started, now_secs(), job.progress);
    let card = cards::progress(lang, &job.status, job.progress, &front.eta(lang, at));
    if let Err(e) = front.progress(&card).await {
        tracing::warn!(job = %job.id, "could not show the export's progress: {e}");
    }
}

/// Claims jobs whose holder died, at a third of the lease's length, until the engine stops
/// or is dropped (it holds the runner only while claiming, so a dropped engine lets its store
/// go).
async fn keep_claiming(
    runner: Weak<Runner>,
    stopping: CancellationToken,
    deliver: Arc<dyn Deliver>,
) {
    loop {
        let every = match runner.upgrade() {
            Some(inner) => inner.store.lease() / 3,
            None => return,
        };
        tokio::select! {
            _ = stopping.cancelled() => return,
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
    }
}
