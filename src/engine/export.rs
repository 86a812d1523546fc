//! Export jobs: persisted before the render is requested, polled until they end, resumed by
//! one runner at start-up, and posted exactly once. Safe to start twice: a job already being
//! polled is not polled again.

use super::front::{Deliver, Front, Link, LinkKind};
use super::summary::Timeline;
use super::turn::{notify, retry_reads};
use super::{text, Actor, Engine, EngineError};
use crate::nemo::{NemoError, RenderState};
use crate::store::{now_secs, JobRecord, JobStatus};
use crate::telemetry::metrics::{self, ExportEnd};
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

impl Engine {
    /// Starts an export of the scope's current draft and polls it in the background.
    pub(crate) async fn export(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
    ) -> Result<(), EngineError> {
        self.check_export_quota(actor).await?;
        let draft = self.draft(actor, front.as_ref()).await?;
        self.export_draft(actor, front, draft).await
    }

    /// Starts an export of `draft`, the scope's draft as just read.
    pub(crate) async fn export_draft(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        draft: serde_json::Value,
    ) -> Result<(), EngineError> {
        self.check_export_quota(actor).await?;
        if !Timeline::from_draft(&draft).is_exportable() {
            return Err(EngineError::User(text::NOTHING_TO_EXPORT.into()));
        }
        let session = self.session(actor).await?;
        let mut job = JobRecord {
            id: render_id(),
            session_id: session.session_id.clone(),
            scope: actor.scope.clone(),
            account: session.account.clone(),
            target: front.target(),
            requested_by: actor.user.clone(),
            group: actor.group.clone(),
            started: now_secs(),
            status: JobStatus::Submitting,
            progress: 0,
        };
        let mut fresh_id = false;
        metrics::export_started();
        let accepted = loop {
            self.inner.store.put_job(&job).await?;
            match self.submit(&job, &draft).await {
                Err(EngineError::Nemo(NemoError::DuplicateId { .. })) if !fresh_id => {
                    // The contract: on a duplicate id, use a new one.
                    self.inner.store.remove_job(&job.id).await?;
                    job.id = render_id();
                    fresh_id = true;
                }
                Err(EngineError::Nemo(e)) if e.is_retryable() => {
                    // The request may have arrived: keep the job and let polling find out,
                    // rather than risk a second render.
                    tracing::warn!(job = %job.id, "render request unconfirmed: {e}");
                    notify(front, text::EXPORT_UNCONFIRMED).await;
                    self.spawn_poll(job, front.clone());
                    return Ok(());
                }
                Err(e) => {
                    self.inner.store.remove_job(&job.id).await?;
                    metrics::export_finished(ExportEnd::Failed, Duration::ZERO);
                    return Err(e);
                }
                Ok(status) => break status,
            }
        };
        job.status = JobStatus::Nemo(accepted.status);
        job.progress = accepted.progress;
        self.inner.store.put_job(&job).await?;
        // Typical renders take 30–90 s: promise the middle of that.
        let eta = front.eta(now_secs() + 60);
        notify(front, &text::export_started(&eta)).await;
        self.spawn_poll(job, front.clone());
        Ok(())
    }

    async fn submit(
        &self,
        job: &JobRecord,
        draft: &serde_json::Value,
    ) -> Result<crate::nemo::RenderStatus, EngineError> {
        let nemo = &self.inner.nemo;
        self.with_token(&job.account, |t| async move {
            nemo.start_render(&t, &job.id, &job.session_id, draft).await
        })
        .await
    }

    /// Resumes polling every unfinished job; jobs whose place is gone are logged and kept.
    pub async fn resume_jobs(&self, deliver: &dyn Deliver) -> Result<usize, EngineError> {
        let mut resumed = 0;
        for job in self.inner.store.jobs().await? {
            match deliver.front_for(&job.target, &job.scope) {
                Some(front) => {
                    tracing::info!(job = %job.id, "resuming export");
                    resumed += usize::from(self.spawn_poll(job, front));
                }
                None => {
                    tracing::warn!(job = %job.id, target = %job.target, "no place to post this export")
                }
            }
        }
        metrics::exports_resumed(resumed);
        Ok(resumed)
    }

    /// Polls a job in the background unless it is already being polled.
    fn spawn_poll(&self, job: JobRecord, front: Arc<dyn Front>) -> bool {
        let mut running = self
            .inner
            .jobs_running
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if !running.insert(job.id.clone()) {
            return false;
        }
        let engine = self.clone();
        let span = tracing::info_span!("export", job = %job.id, scope = %job.scope);
        let task = async move {
            let id = job.id.clone();
            engine.poll(job, front).await;
            let mut running = engine
                .inner
                .jobs_running
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            running.remove(&id);
        };
        self.inner.tasks.spawn(task.instrument(span));
        true
    }

    /// Polls until the job ends (or the engine stops), then forgets it.
    async fn poll(&self, mut job: JobRecord, front: Arc<dyn Front>) {
        let end = loop {
            tokio::select! {
                _ = self.inner.stopping.cancelled() => return,
                end = self.poll_once(&mut job, &front) => if let Some(end) = end { break end },
            }
        };
        let took = Duration::from_secs(now_secs().saturating_sub(job.started));
        metrics::export_finished(end, took);
        if let Err(e) = self.inner.store.remove_job(&job.id).await {
            tracing::error!(job = %job.id, "could not forget a finished export: {e}");
        }
    }

    /// Waits one interval, reads the status, and shows what changed; how the job ended once
    /// it did and its result was posted.
    async fn poll_once(&self, job: &mut JobRecord, front: &Arc<dyn Front>) -> Option<ExportEnd> {
        tokio::time::sleep(self.inner.cfg.poll_interval()).await;
        let nemo = &self.inner.nemo;
        let id = job.id.clone();
        let read = self
            .with_token(&job.account, |t| {
                let id = &id;
                async move { retry_reads(|| nemo.render_status(&t, id)).await }
            })
            .await;
        let ending = match read {
            Ok(s) if s.state == RenderState::Completed && s.url.is_some() => {
                return self.deliver(job, s.url.unwrap_or_default(), front).await;
            }
            Ok(s) if matches!(s.state, RenderState::Completed | RenderState::Failed) => {
                Some((ExportEnd::Failed, text::export_failed(s.error.as_deref())))
            }
            Ok(s) => {
                let status = JobStatus::Nemo(s.status);
                if (&status, s.progress) != (&job.status, job.progress) {
                    notify(front, &text::export_progress(status.as_str(), s.progress)).await;
                    job.status = status;
                    job.progress = s.progress;
                    self.save(job).await;
                }
                None
            }
            Err(EngineError::Nemo(NemoError::Api { status: 404, .. })) if self.lost(job) => {
                Some((ExportEnd::Lost, text::EXPORT_LOST.to_string()))
            }
            Err(e) => {
                tracing::warn!(job = %job.id, "could not read the export's status: {e}");
                None
            }
        };
        let give_up_at = job.started + self.inner.cfg.export_timeout_ms / 1000;
        let ending = ending.or_else(|| {
            (now_secs() > give_up_at).then(|| (ExportEnd::Timeout, text::EXPORT_TIMEOUT.into()))
        });
        let (end, message) = ending?;
        if let Err(e) = front.send(&message, true).await {
            tracing::warn!(job = %job.id, "could not post the export's end: {e}");
        }
        Some(end)
    }

    /// Posts the finished video's link; how the job ended once done with it. The job is marked
    /// `posting` (durably) first, so that a crash before it is forgotten is known at the next
    /// start: the link is then posted again, marked as possibly repeated (Discord drops the
    /// repeat by its nonce).
    async fn deliver(
        &self,
        job: &mut JobRecord,
        url: String,
        front: &Arc<dyn Front>,
    ) -> Option<ExportEnd> {
        let again = job.status == JobStatus::Posting;
        if !again {
            job.status = JobStatus::Posting;
            self.save(job).await;
        }
        let link = Link {
            kind: LinkKind::Video,
            text: text::EXPORT_DONE.into(),
            url,
            key: job.id.clone(),
            again,
        };
        match front.post_link(&link).await {
            Ok(()) => Some(ExportEnd::Completed),
            Err(e) if e.is_retryable() => {
                tracing::warn!(job = %job.id, "posting the link failed, will retry: {e}");
                // Not posted by this run, whatever the store says.
                job.status = JobStatus::Nemo("completed".into());
                None
            }
            Err(e) => {
                tracing::warn!(job = %job.id, "the place to post is gone: {e}");
                Some(ExportEnd::Gone)
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

    async fn save(&self, job: &JobRecord) {
        if let Err(e) = self.inner.store.put_job(job).await {
            tracing::error!(job = %job.id, "could not save export progress: {e}");
        }
    }
}

/// A fresh render id, `render_<unix ms>_<uuid>`: the time keeps the contract's form, the
/// UUID makes it unique across processes and machines (two bots, or a restart within a ms).
fn render_id() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("render_{now}_{}", uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::render_id;

    #[test]
    fn render_ids_keep_the_contract_form_and_carry_a_uuid() {
        let id = render_id();
        let mut parts = id.split('_');
        assert_eq!(parts.next(), Some("render"));
        assert!(parts.next().is_some_and(|ms| ms.parse::<u64>().is_ok()));
        let uuid = parts.next().unwrap_or_default();
        assert!(
            uuid::Uuid::try_parse(uuid).is_ok() && uuid.len() == 32,
            "{id}"
        );
        assert_ne!(render_id(), render_id());
    }
}
