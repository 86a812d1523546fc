//! Polling a job held by this process: a look at its render each interval, its progress saved
//! and shown, and its end (finished, failed, lost, or past the export's time limit) posted.

use super::delivery::show_progress;
use super::{Exports, Step, Task};
use crate::engine::accounts::retry_reads;
use crate::engine::claims::{Held, Saved};
use crate::engine::front::Front;
use crate::engine::{text, EngineError};
use crate::nemo::{NemoError, RenderState, RenderStatus};
use crate::store::{JobRecord, JobStatus};
use crate::telemetry::metrics::{self, ExportEnd};
use crate::tr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

impl Exports {
    /// Polls until the job ends, then forgets it; leaves it in the store when the runner
    /// halts, and to whoever claims it next once its claim is not known to be held (taken
    /// over, or not renewed in time): no step of it is taken after that.
    /// A member's Cancel (`cancelled`) stops it at once: the store has forgotten it already.
    pub(super) async fn poll(&self, mut task: Task, held: Held, cancelled: CancellationToken) {
        let store = &self.inner.store;
        let run = async {
            loop {
                match self.poll_once(&mut task, &held).await {
                    Step::Wait => {}
                    Step::End(end) => return Some(end),
                    Step::Lost => return None,
                }
            }
        };
        let end = tokio::select! {
            biased;
            _ = self.inner.halted.cancelled() => return,
            _ = cancelled.cancelled() => {
                let took = Duration::from_secs(held.db_now_secs().saturating_sub(task.job.started));
                metrics::export_finished(ExportEnd::Cancelled, took);
                return;
            }
            end = held.hold(store, run) => end.flatten(),
        };
        let Some(end) = end else {
            tracing::warn!(job = %held.claim.id, "lost this export's claim (another process holds this export now, or will); leaving it");
            return;
        };
        let took = Duration::from_secs(held.db_now_secs().saturating_sub(task.job.started));
        metrics::export_finished(end, took);
        let finished = match &task.finished {
            Some(video) => store.finish_video(&held.claim, video).await,
            None => store.finish_job(&held.claim).await,
        };
        if let Err(e) = finished {
            tracing::error!(job = %held.claim.id, "could not forget a finished export: {e}");
        }
    }

    /// Waits one interval, reads the status, and shows what changed. The export's time limit
    /// holds whatever the render's state, posting included.
    async fn poll_once(&self, task: &mut Task, held: &Held) -> Step {
        tokio::time::sleep(self.inner.cfg.poll_interval()).await;
        let job = &mut task.job;
        let read = self.read_status(job).await;
        let lang = job.language();
        let now = held.db_now_secs();
        let timed_out = now > job.started + self.inner.cfg.export_timeout_ms / 1000;
        let ending = match read {
            Ok(s) if s.state == RenderState::Completed && s.url.is_some() => {
                if !timed_out {
                    return self.deliver(task, held, s).await;
                }
                // Past the limit with its link still not out: ended below, as timed out.
                None
            }
            Ok(s) if matches!(s.state, RenderState::Completed | RenderState::Failed) => Some((
                ExportEnd::Failed,
                text::export_failed(lang, s.error.as_deref()),
            )),
            Ok(s) => {
                if self.progressed(job, &task.front, held, &s).await == Saved::Lost {
                    return Step::Lost;
                }
                None
            }
            Err(EngineError::Nemo(NemoError::Api { status: 404, .. })) if self.lost(job, now) => {
                Some((ExportEnd::Lost, tr!(lang, "export-lost")))
            }
            Err(e) => {
                tracing::warn!(job = %job.id, "could not read the export's status: {e}");
                None
            }
        };
        let ending =
            ending.or_else(|| timed_out.then(|| (ExportEnd::Timeout, tr!(lang, "export-timeout"))));
        let Some((end, message)) = ending else {
            return Step::Wait;
        };
        if let Err(e) = task.front.send(&message, true).await {
            tracing::warn!(job = %job.id, "could not post the export's end: {e}");
        }
        Step::End(end)
    }

    /// The render's status now, read with bounded retries.
    async fn read_status(&self, job: &JobRecord) -> Result<RenderStatus, EngineError> {
        let id = &job.id;
        self.inner
            .accounts
            .with_token(&job.account, |nemo, t| async move {
                retry_reads(|| nemo.render_status(&t, id)).await
            })
            .await
    }

    /// Saves and shows the render's progress `now` when it changed; a change that could not be
    /// saved is shown at a later poll.
    async fn progressed(
        &self,
        job: &mut JobRecord,
        front: &Arc<dyn Front>,
        held: &Held,
        now: &RenderStatus,
    ) -> Saved {
        let status = JobStatus::Nemo(now.status.clone());
        if (&status, now.progress) == (&job.status, job.progress) {
            return Saved::Yes;
        }
        let before = (job.status.clone(), job.progress);
        job.status = status;
        job.progress = now.progress;
        let saved = held.save(&self.inner.store, job).await;
        match saved {
            Saved::Yes => show_progress(front, job, held).await,
            Saved::Lost => {}
            Saved::Failed => (job.status, job.progress) = before,
        }
        saved
    }

    /// Whether "not found" means the render request never arrived: only once it was sent
    /// long enough ago that it cannot still be on its way (it may have timed out on our side,
    /// or the bot may have died while sending it, and still reach the service late). `now`
    /// is the database's clock, like the job's start.
    fn lost(&self, job: &JobRecord, now: u64) -> bool {
        let grace_secs = (2 * self.inner.cfg.request_timeout_ms).div_ceil(1000) + 1;
        job.status == JobStatus::Submitting && now > job.started + grace_secs
    }
}
