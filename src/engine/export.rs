//! Exports as a user asks for them: the quota, the draft, then the runner (`jobs.rs`) writes
//! the job down, requests the render and posts the link.

use super::front::{Deliver, Front};
use super::summary::Timeline;
use super::{Actor, Engine, EngineError, Parts};
use crate::store::{JobRecord, JobStatus};
use crate::tr;
use std::sync::Arc;

impl Parts {
    /// Starts an export of the scope's current draft and polls it in the background.
    pub(crate) async fn export(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
    ) -> Result<(), EngineError> {
        self.quotas.check_exports(actor).await?;
        let draft = self.accounts.draft(actor, front.as_ref()).await?;
        self.export_draft(actor, front, draft, None).await
    }

    /// Starts an export of `draft`, the scope's draft as just read, made from the member's
    /// words `request` when a turn on them made it (see [`crate::store::VideoFacts`]).
    pub(crate) async fn export_draft(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        draft: serde_json::Value,
        request: Option<&str>,
    ) -> Result<(), EngineError> {
        self.quotas.check_exports(actor).await?;
        if !Timeline::from_draft(&draft).is_exportable() {
            return Err(EngineError::User(tr!(
                actor.language(),
                "nothing-to-export"
            )));
        }
        let session = self.accounts.session(actor).await?;
        let job = JobRecord {
            id: render_id(),
            session_id: session.session_id,
            scope: actor.scope.clone(),
            account: session.account,
            target: front.target(),
            requested_by: actor.user.clone(),
            group: actor.group.clone(),
            // Set by the database's clock when the job is written.
            started: 0,
            status: JobStatus::Submitting,
            progress: 0,
            lang: actor.language().tag().to_string(),
            video: crate::store::VideoFacts {
                request: request.map(str::to_string),
                ..super::cards::facts(&draft)
            },
        };
        let caps = self.quotas.export_caps(actor).await;
        self.exports.start(job, &draft, front, caps).await
    }
}

impl Engine {
    /// Polls every export no live process holds, posting through `deliver`, and from then on
    /// takes over those of processes that die; how many it took now. Safe to call twice: a
    /// job being polled is held, and not polled again.
    pub async fn resume_jobs(&self, deliver: Arc<dyn Deliver>) -> Result<usize, EngineError> {
        self.parts.exports.resume(deliver).await
    }
}

/// A fresh render id, `render_<unix ms>_<uuid>`: the time keeps the contract's form, the
/// UUID makes it unique across processes and machines (two bots, or a restart within a ms).
pub(crate) fn render_id() -> String {
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
