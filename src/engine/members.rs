//! A member's right to be forgotten: what the bot keeps about them, deleted on request.

use super::{Actor, Engine, EngineError};
use crate::store::MemberForgotten;

impl Engine {
    /// Deletes what the bot keeps about `actor`'s member, whose own scope `actor.scope` is:
    /// their NemoVideo client id and token (unless every member shares the operator's), the
    /// projects of their scope and those made with their account, their unfinished exports and
    /// their turn counts. What NemoVideo keeps is NemoVideo's: nothing is sent there. Their
    /// next request starts from a new anonymous account.
    pub async fn forget_member(&self, actor: &Actor) -> Result<MemberForgotten, EngineError> {
        let forgotten = self.parts.accounts.forget(actor).await?;
        tracing::info!(
            sessions = forgotten.sessions,
            jobs = forgotten.jobs,
            "forgot a member at their request"
        );
        Ok(forgotten)
    }
}
