//! Tokens and sessions: who is calling Nemo, on which session, and the contract's retries
//! that need them (1001 → new token, 1002 → new session, 400 → new client id).

use super::keyed::Keyed;
use super::summary::Timeline;
use super::{Actor, EngineError};
use crate::engine::front::Front;
use crate::nemo::{NemoClient, NemoError};
use crate::secret::Secret;
use crate::store::{
    now_secs, AccountRecord, Member, MemberForgotten, SessionRecord, SongHeard, Store, StoreError,
};
use crate::tr;
use std::future::Future;
use tokio::sync::Mutex;

/// The account key used for every call when a fixed token is configured.
const FIXED_ACCOUNT: &str = "configured-token";

/// Songs heard that a session keeps for `/status` (its card has room for a handful).
const SONGS_KEPT: usize = 10;

/// Who calls NemoVideo for whom: accounts' tokens and client ids, and each scope's session.
pub(crate) struct Accounts {
    nemo: NemoClient,
    store: Store,
    fixed_token: Option<Secret>,
    /// One token request at a time per account (not for everyone: one slow answer must not
    /// hold up other users).
    token_locks: Keyed<Mutex<()>>,
    /// One session creation at a time per scope.
    session_locks: Keyed<Mutex<()>>,
}

impl Accounts {
    /// The accounts kept in `store`; `fixed_token`, when configured, serves everyone.
    pub(crate) fn new(nemo: NemoClient, store: Store, fixed_token: Option<Secret>) -> Accounts {
        Accounts {
            nemo,
            store,
            fixed_token,
            token_locks: Keyed::default(),
            session_locks: Keyed::default(),
        }
    }

    /// The account whose credentials serve this user's new sessions.
    pub(crate) fn account_of(&self, actor: &Actor) -> String {
        match self.fixed_token {
            Some(_) => FIXED_ACCOUNT.to_string(),
            None => format!("user:{}", actor.user),
        }
    }

    /// Forgets what the store keeps of `actor`'s member (see [`crate::engine::Engine::forget_member`]):
    /// their own account unless the operator's token serves everyone.
    pub(crate) async fn forget(&self, actor: &Actor) -> Result<MemberForgotten, StoreError> {
        let account = self.fixed_token.is_none().then(|| self.account_of(actor));
        let member = Member {
            user: &actor.user,
            account: account.as_deref(),
            scope: &actor.scope,
        };
        self.store.forget_member(member).await
    }

    /// A usable token for `account`, getting an anonymous one on first use.
    async fn token(&self, account: &str) -> Result<Secret, EngineError> {
        if let Some(t) = &self.fixed_token {
            return Ok(t.clone());
        }
        if let Some(t) = self.store.account(account).await?.and_then(|a| a.token) {
            return Ok(t);
        }
        self.renew(account, None).await
    }

    /// Gets a new anonymous token for `account`, keeping its client id. `stale` is the token
    /// that failed: when another task already replaced it, that newer token is used instead.
    async fn renew(&self, account: &str, stale: Option<&Secret>) -> Result<Secret, EngineError> {
        let lock = self.token_locks.get(account);
        let _one_at_a_time = lock.lock().await;
        let mut rec = self
            .store
            .account(account)
            .await?
            .unwrap_or_else(|| AccountRecord {
                client_id: uuid::Uuid::new_v4().to_string(),
                token: None,
                user_id: None,
                expires_at: None,
            });
        if let Some(current) = rec.token.as_ref().filter(|t| Some(*t) != stale) {
            return Ok(current.clone());
        }
        // The client id is kept before the request, so a crash cannot orphan the token.
        self.store.put_account(account, &rec).await?;
        // Safe to repeat like a read: the same client id always maps to the same account.
        let nemo = &self.nemo;
        let client_id = rec.client_id.clone();
        let issued = match retry_reads(|| nemo.anonymous_token(&client_id)).await {
            Err(NemoError::MissingClientId { .. }) => {
                rec.client_id = uuid::Uuid::new_v4().to_string();
                self.store.put_account(account, &rec).await?;
                self.nemo.anonymous_token(&rec.client_id).await?
            }
            other => other?,
        };
        rec.token = Some(issued.token.clone());
        rec.user_id = issued.user_id.or(rec.user_id);
        rec.expires_at = issued.expires_at;
        self.store.put_account(account, &rec).await?;
        tracing::info!(account, "got an anonymous Nemo token");
        Ok(issued.token)
    }

    /// Runs `op` on the NemoVideo client with `account`'s token; on 1001 gets a new token and
    /// runs it once more.
    pub(crate) async fn with_token<'a, T, F, Fut>(
        &'a self,
        account: &str,
        op: F,
    ) -> Result<T, EngineError>
    where
        F: Fn(&'a NemoClient, Secret) -> Fut,
        Fut: Future<Output = Result<T, NemoError>>,
    {
        let token = self.token(account).await?;
        match op(&self.nemo, token.clone()).await {
            Err(NemoError::BadToken { .. }) if self.fixed_token.is_none() => {
                let fresh = self.renew(account, Some(&token)).await?;
                Ok(op(&self.nemo, fresh).await?)
            }
            other => Ok(other?),
        }
    }

    /// The scope's session, if it has one.
    pub(crate) async fn existing_session(
        &self,
        actor: &Actor,
    ) -> Result<Option<SessionRecord>, EngineError> {
        Ok(self.store.session(&actor.scope).await?)
    }

    /// The scope's session, created on first use.
    pub(crate) async fn session(&self, actor: &Actor) -> Result<SessionRecord, EngineError> {
        if let Some(s) = self.existing_session(actor).await? {
            return Ok(s);
        }
        let lock = self.session_locks.get(&actor.scope);
        let _one_at_a_time = lock.lock().await;
        match self.existing_session(actor).await? {
            Some(s) => Ok(s),
            None => self.new_session(actor).await,
        }
    }

    /// Creates a session for the scope on the actor's account and stores it.
    async fn new_session(&self, actor: &Actor) -> Result<SessionRecord, EngineError> {
        let account = self.account_of(actor);
        let created = self
            .with_token(&account, |nemo, t| async move {
                nemo.create_session(&t, &actor.lang).await
            })
            .await?;
        let rec = SessionRecord {
            session_id: created.session_id,
            task_id: created.task_id,
            language: actor.lang.clone(),
            account,
            user_id: created.user_id,
            created: now_secs(),
            group: actor.group.clone(),
            songs: Vec::new(),
        };
        let claim = super::scopes::held_claim();
        self.store
            .put_session(&actor.scope, &rec, claim.as_ref())
            .await?;
        tracing::info!(scope = %actor.scope, session = %rec.session_id, "created a Nemo session");
        Ok(rec)
    }

    /// Runs `op` on the NemoVideo client, on the scope's session with its owner's token. On
    /// 1002 the session is replaced (the user is told) and `op` runs once more; 1001 is
    /// handled by `with_token`.
    pub(crate) async fn with_session<'a, T, F, Fut>(
        &'a self,
        actor: &Actor,
        front: &dyn Front,
        op: F,
    ) -> Result<T, EngineError>
    where
        F: Fn(&'a NemoClient, Secret, SessionRecord) -> Fut,
        Fut: Future<Output = Result<T, NemoError>>,
    {
        let session = self.session(actor).await?;
        let first = self
            .with_token(&session.account, |n, t| op(n, t, session.clone()))
            .await;
        match first {
            Err(EngineError::Nemo(NemoError::SessionNotFound { .. })) => {
                tracing::warn!(scope = %actor.scope, "session gone; starting a new one");
                let lock = self.session_locks.get(&actor.scope);
                let one_at_a_time = lock.lock().await;
                let fresh = self.new_session(actor).await?;
                drop(one_at_a_time);
                let note = tr!(actor.language(), "session-replaced");
                if let Err(e) = front.send(&note, true).await {
                    tracing::warn!("could not tell the user about the new session: {e}");
                }
                self.with_token(&fresh.account, |n, t| op(n, t, fresh.clone()))
                    .await
            }
            other => other,
        }
    }

    /// Keeps what was heard in `songs` with the scope's session (a song heard again replaces
    /// its earlier line; the last [`SONGS_KEPT`] stay), for `/status`. Written under the
    /// scope's turn like every session write.
    pub(crate) async fn keep_songs(
        &self,
        actor: &Actor,
        songs: &[SongHeard],
    ) -> Result<(), EngineError> {
        let Some(mut rec) = self.existing_session(actor).await? else {
            return Ok(());
        };
        for song in songs {
            rec.songs.retain(|s| s.name != song.name);
            rec.songs.push(song.clone());
        }
        let extra = rec.songs.len().saturating_sub(SONGS_KEPT);
        rec.songs.drain(..extra);
        let claim = super::scopes::held_claim();
        self.store
            .put_session(&actor.scope, &rec, claim.as_ref())
            .await?;
        Ok(())
    }

    /// Forgets the scope's session; the next request starts a new one.
    pub(crate) async fn forget_session(&self, actor: &Actor) -> Result<(), EngineError> {
        let claim = super::scopes::held_claim();
        Ok(self
            .store
            .remove_session(&actor.scope, claim.as_ref())
            .await?)
    }

    /// Whose credits ran out, as far as this actor may be told.
    pub(crate) async fn credits_owner(&self, actor: &Actor) -> CreditsOwner {
        let account = self.account_of(actor);
        let session = self.existing_session(actor).await.ok().flatten();
        if session.as_ref().is_some_and(|s| s.account != account) {
            return CreditsOwner::Someone;
        }
        let own = self
            .store
            .account(&account)
            .await
            .ok()
            .flatten()
            .and_then(|a| a.user_id);
        match own.or_else(|| session.and_then(|s| s.user_id)) {
            Some(id) if id.starts_with("anon_") => CreditsOwner::Anonymous(id),
            _ => CreditsOwner::Registered,
        }
    }

    /// The session's timeline now.
    pub(crate) async fn timeline(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<Timeline, EngineError> {
        Ok(Timeline::from_draft(&self.draft(actor, front).await?))
    }

    /// The session's draft now (null when it has none).
    pub(crate) async fn draft(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<serde_json::Value, EngineError> {
        let mut data = self.state(actor, front).await?;
        Ok(data
            .pointer_mut("/state/draft")
            .map(serde_json::Value::take)
            .unwrap_or_default())
    }

    /// The session's state (`data`, with `state` inside), read with bounded retries.
    pub(crate) async fn state(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<serde_json::Value, EngineError> {
        self.with_session(actor, front, |nemo, t, s| async move {
            retry_reads(|| nemo.state(&t, &s.session_id)).await
        })
        .await
    }
}

/// The account behind a 2001 (out of credits), from the asking user's side.
pub(crate) enum CreditsOwner {
    /// The user's own anonymous account: the registration link binds it (`?bind=<id>`).
    Anonymous(String),
    /// The user's own registered account (or one we know nothing of).
    Registered,
    /// The project runs on another member's account: their link is not shown.
    Someone,
}

/// Retries an idempotent read on transient failures, three tries with growing, jittered waits.
pub(crate) async fn retry_reads<T, F, Fut>(read: F) -> Result<T, NemoError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, NemoError>>,
{
    use backon::Retryable;
    read.retry(crate::retry::reads())
        .when(NemoError::is_retryable)
        .notify(|e, wait| tracing::warn!("read failed, retrying in {wait:?}: {e}"))
        .await
}
