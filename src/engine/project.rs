//! The project's short requests: the account's credits, the project's status, its link to
//! the web editor, and its reset. Each takes the parts it needs.

use super::accounts::{retry_reads, Accounts};
use super::front::{Front, Link, LinkKind};
use super::jobs::Exports;
use super::scopes::Scopes;
use super::{cards, Actor, EngineError};
use crate::store::SessionRecord;
use crate::tr;
use std::sync::Arc;

/// `/credits`: the balance of the account that serves the member.
pub(crate) async fn credits(
    accounts: &Accounts,
    actor: &Actor,
    front: &Arc<dyn Front>,
) -> Result<(), EngineError> {
    let account = accounts.account_of(actor);
    let c = accounts
        .with_token(&account, |nemo, t| async move {
            retry_reads(|| nemo.credits(&t)).await
        })
        .await?;
    front.card(&cards::credits(actor.language(), &c)).await?;
    Ok(())
}

/// `/status`: the project's timeline and its exports.
pub(crate) async fn status(
    accounts: &Accounts,
    exports: &Exports,
    actor: &Actor,
    front: &Arc<dyn Front>,
) -> Result<(), EngineError> {
    let session = needs_session(accounts, actor).await?;
    let lang = actor.language();
    let data = accounts.state(actor, front.as_ref()).await?;
    let state = data.get("state").cloned().unwrap_or_default();
    let jobs = exports.jobs_of(&actor.scope).await?;
    let card = cards::project(lang, &state, &session.songs, &jobs);
    front.card(&card).await?;
    Ok(())
}

/// `/open`: a link that opens the project in NemoVideo's web editor.
pub(crate) async fn open(
    accounts: &Accounts,
    actor: &Actor,
    front: &Arc<dyn Front>,
) -> Result<(), EngineError> {
    needs_session(accounts, actor).await?;
    let claim = accounts
        .with_session(actor, front.as_ref(), |nemo, t, s| async move {
            nemo.claim_token(&t, &s.task_id, &s.session_id).await
        })
        .await?;
    let link = Link {
        kind: LinkKind::Claim,
        text: tr!(actor.language(), "open-editor"),
        url: format!(
            "https://nemovideo.com/workspace/claim?ct={}",
            claim.claim_token.expose()
        ),
        key: format!("claim:{}", actor.scope),
        again: false,
        card: None,
    };
    front.post_link(&link).await?;
    Ok(())
}

/// `/reset`: forgets the scope's session (under its turn), so the next request starts anew.
pub(crate) async fn reset(
    scopes: &Scopes,
    accounts: &Accounts,
    actor: &Actor,
    front: &Arc<dyn Front>,
) -> Result<(), EngineError> {
    let turn = scopes.enter(actor, front).await?;
    let forgot = turn.hold(accounts.forget_session(actor)).await;
    turn.leave().await;
    forgot?;
    front
        .send(&tr!(actor.language(), "reset-done"), true)
        .await?;
    Ok(())
}

/// The scope's session; a request about the project is refused when it has none yet.
async fn needs_session(accounts: &Accounts, actor: &Actor) -> Result<SessionRecord, EngineError> {
    accounts
        .existing_session(actor)
        .await?
        .ok_or_else(|| EngineError::User(tr!(actor.language(), "no-session")))
}
