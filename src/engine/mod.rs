//! The platform-agnostic engine: sessions, routing, turns and export jobs. Fronts call
//! [`Engine::handle`] with what a user said or dropped; answers go back through [`Front`].

mod accounts;
pub mod error;
mod export;
pub mod front;
pub mod gui;
mod keyed;
mod lifecycle;
mod limits;
mod media;
pub mod reply;
pub mod route;
pub mod split;
pub mod summary;
pub mod text;
mod turn;

pub use error::EngineError;
pub use front::{Deliver, Front, FrontError, Link, LinkKind, MsgId};

use crate::config::{LimitsConfig, NemoConfig};
use crate::nemo::NemoClient;
use crate::secret::Secret;
use crate::store::Store;
use crate::telemetry::metrics;
use accounts::CreditsOwner;
use route::{route, Action};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

/// Who is asking, and in which scope (the key of the scope's session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A stable user id, e.g. `discord:1234` or `console:alice`.
    pub user: String,
    /// The session's owner: e.g. `channel:42` or `user:1234`.
    pub scope: String,
    /// The user's language, for new sessions.
    pub lang: String,
    /// The community the scope belongs to (a Discord guild), for shared quotas.
    pub group: Option<String>,
}

/// A piece of media to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Media {
    /// A local file.
    File(PathBuf),
    /// A link Nemo fetches itself.
    Url(String),
}

/// What a user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Upload the media (each in turn), ask for the video, export it.
    MusicVideo {
        /// The words for the agent; the seed's default prompt when empty.
        prompt: Option<String>,
        /// Songs (or clips) to use.
        media: Vec<Media>,
    },
    /// Files dropped into the conversation, with the message's words.
    Upload {
        /// The files.
        media: Vec<Media>,
        /// The message text (may be empty).
        text: String,
    },
    /// Plain words, routed as the contract's table says.
    Say(String),
    /// The credit balance.
    Credits,
    /// The timeline summary.
    Status,
    /// Render the MP4.
    Export,
    /// A link to the web editor.
    Open,
    /// Start a new session in this scope.
    Reset,
}

/// The engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    nemo: NemoClient,
    store: Store,
    cfg: NemoConfig,
    fixed_token: Option<Secret>,
    /// One request at a time per scope, and the line behind it.
    scopes: keyed::Keyed<ScopeLock>,
    /// One token request at a time per account (not for everyone: one slow answer must not
    /// hold up other users).
    token_locks: keyed::Keyed<tokio::sync::Mutex<()>>,
    /// One session creation at a time per scope.
    session_locks: keyed::Keyed<tokio::sync::Mutex<()>>,
    tasks: TaskTracker,
    limits: LimitsConfig,
    turns: limits::TurnLog,
    stopping: CancellationToken,
    life: lifecycle::Lifecycle,
    jobs_running: Mutex<HashSet<String>>,
    /// Average time of requests that hold a scope, in ms (0 until one has run).
    request_ms: std::sync::atomic::AtomicU64,
}

/// One request at a time per scope; `waiting` counts the queue.
#[derive(Default)]
struct ScopeLock {
    mutex: Arc<tokio::sync::Mutex<()>>,
    waiting: AtomicUsize,
}

/// A scope held by one request; holding the entry keeps later requests on the same lock.
struct ScopeTurn {
    _guard: tokio::sync::OwnedMutexGuard<()>,
    _lock: Arc<ScopeLock>,
}

impl Engine {
    /// An engine over an opened store, with default limits.
    pub fn new(cfg: &NemoConfig, store: Store) -> Result<Engine, EngineError> {
        Engine::with_limits(cfg, LimitsConfig::default(), store)
    }

    /// An engine over an opened store, with these quotas.
    pub fn with_limits(
        cfg: &NemoConfig,
        limits: LimitsConfig,
        store: Store,
    ) -> Result<Engine, EngineError> {
        Ok(Engine {
            inner: Arc::new(Inner {
                nemo: NemoClient::new(cfg)?,
                store,
                cfg: cfg.clone(),
                fixed_token: cfg.token.clone(),
                scopes: keyed::Keyed::default(),
                token_locks: keyed::Keyed::default(),
                session_locks: keyed::Keyed::default(),
                tasks: TaskTracker::new(),
                limits,
                turns: limits::TurnLog::default(),
                stopping: CancellationToken::new(),
                life: lifecycle::Lifecycle::default(),
                jobs_running: Mutex::new(HashSet::new()),
                request_ms: std::sync::atomic::AtomicU64::new(0),
            }),
        })
    }

    /// Serves one request. Never fails: every error becomes one clear message to the user.
    /// Once a stop has begun, new requests get one sentence and nothing reaches NemoVideo.
    pub async fn handle(&self, actor: &Actor, request: Request, front: Arc<dyn Front>) {
        let Some((_admitted, registration)) = self.inner.life.admit() else {
            metrics::refused_restarting();
            if let Err(e) = front.send(text::RESTARTING, true).await {
                tracing::warn!("could not say that the bot is restarting: {e}");
            }
            return;
        };
        // Every log line of this request carries its id and scope.
        let span = tracing::info_span!(
            "turn",
            turn = %uuid::Uuid::new_v4().simple(),
            scope = %actor.scope
        );
        async {
            let serving = self.serve(actor, request, &front);
            if futures_util::future::Abortable::new(serving, registration)
                .await
                .is_err()
            {
                tracing::warn!("request interrupted by the shutdown");
                if let Err(e) = front.send(text::INTERRUPTED, true).await {
                    tracing::warn!("could not say that a request was interrupted: {e}");
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Serves an admitted request.
    async fn serve(&self, actor: &Actor, request: Request, front: &Arc<dyn Front>) {
        let request = resolve(request);
        // Requests that change the session run one at a time per scope; reads and /reset
        // (which takes the lock itself) do not wait behind a long turn.
        let changes = matches!(
            request,
            Request::MusicVideo { .. } | Request::Upload { .. } | Request::Export | Request::Say(_)
        );
        let _turn = if changes {
            Some(self.lock_scope(actor, front).await)
        } else {
            None
        };
        let started = std::time::Instant::now();
        let result = match request {
            Request::MusicVideo { prompt, media } => {
                self.music_video(actor, front, prompt, media).await
            }
            Request::Upload { media, text } => self.dropped(actor, front, media, text).await,
            Request::Export => self.export(actor, front).await,
            Request::Say(words) => self.run_turn(actor, front, &words).await.map(drop),
            Request::Credits => self.credits(actor, front).await,
            Request::Status => self.status(actor, front).await,
            Request::Open => self.open(actor, front).await,
            Request::Reset => self.reset(actor, front).await,
        };
        if let Err(e) = result {
            self.report(actor, front, e).await;
        }
        if changes {
            self.note_request_time(started.elapsed());
        }
    }

    /// Keeps a running average of how long requests that hold a scope take (for queue ETAs).
    fn note_request_time(&self, took: std::time::Duration) {
        let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX).max(1);
        let _ = self
            .inner
            .request_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |avg| {
                Some(if avg == 0 { ms } else { (avg * 3 + ms) / 4 })
            });
    }

    /// The typical time a scope-holding request takes, in whole seconds, once one has run.
    fn typical_request_secs(&self) -> Option<u64> {
        let avg = self.inner.request_ms.load(Ordering::Relaxed);
        (avg > 0).then(|| avg.div_ceil(1000))
    }

    /// Waits until every background job (exports) has finished.
    pub async fn idle(&self) {
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
        self.inner.tasks.reopen();
    }

    /// Resolves once [`Engine::shutdown`] has been called, so fronts can stop with it.
    pub fn stopped(&self) -> tokio_util::sync::WaitForCancellationFutureOwned {
        self.inner.stopping.clone().cancelled_owned()
    }

    /// Stops background work (export polling) without finishing it, as a crash would; the
    /// jobs stay in the store and the next start resumes them.
    pub async fn shutdown(&self) {
        self.inner.stopping.cancel();
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
    }

    /// One request at a time per scope: a second one waits, and is told its place in line.
    async fn lock_scope(&self, actor: &Actor, front: &Arc<dyn Front>) -> ScopeTurn {
        let lock = self.inner.scopes.get(&actor.scope);
        if let Ok(guard) = lock.mutex.clone().try_lock_owned() {
            return ScopeTurn {
                _guard: guard,
                _lock: lock,
            };
        }
        let waiting = Waiting::join(&lock);
        let position = waiting.position;
        let eta = self
            .typical_request_secs()
            .map(|secs| front.eta(crate::store::now_secs() + secs * position as u64));
        turn::notify(front, &text::queued(position, eta.as_deref())).await;
        let guard = lock.mutex.clone().lock_owned().await;
        drop(waiting);
        ScopeTurn {
            _guard: guard,
            _lock: lock,
        }
    }

    async fn credits(&self, actor: &Actor, front: &Arc<dyn Front>) -> Result<(), EngineError> {
        let nemo = &self.inner.nemo;
        let account = self.account_of(actor);
        let c = self
            .with_token(&account, |t| async move {
                turn::retry_reads(|| nemo.credits(&t)).await
            })
            .await?;
        front.send(&text::credits(&c), true).await?;
        Ok(())
    }

    async fn status(&self, actor: &Actor, front: &Arc<dyn Front>) -> Result<(), EngineError> {
        if self.existing_session(actor).await?.is_none() {
            return Err(EngineError::User(text::NO_SESSION.into()));
        }
        let data = self.state(actor, front.as_ref()).await?;
        let state = data.get("state").cloned().unwrap_or_default();
        let mut out = summary::describe_state(&state);
        for job in self
            .inner
            .store
            .jobs()
            .await?
            .iter()
            .filter(|j| j.scope == actor.scope)
        {
            out.push_str(&format!(
                "\n{}",
                text::export_progress(job.status.as_str(), job.progress)
            ));
        }
        front.send(&out, true).await?;
        Ok(())
    }

    async fn open(&self, actor: &Actor, front: &Arc<dyn Front>) -> Result<(), EngineError> {
        if self.existing_session(actor).await?.is_none() {
            return Err(EngineError::User(text::NO_SESSION.into()));
        }
        let nemo = &self.inner.nemo;
        let claim = self
            .with_session(actor, front.as_ref(), |t, s| async move {
                nemo.claim_token(&t, &s.task_id, &s.session_id).await
            })
            .await?;
        let link = Link {
            kind: LinkKind::Claim,
            text: text::OPEN_EDITOR.into(),
            url: format!(
                "https://nemovideo.com/workspace/claim?ct={}",
                claim.claim_token.expose()
            ),
            key: format!("claim:{}", actor.scope),
            again: false,
        };
        front.post_link(&link).await?;
        Ok(())
    }

    async fn reset(&self, actor: &Actor, front: &Arc<dyn Front>) -> Result<(), EngineError> {
        let _turn = self.lock_scope(actor, front).await;
        self.forget_session(actor).await?;
        front.send(text::RESET_DONE, true).await?;
        Ok(())
    }

    /// Tells the user what went wrong, in one sentence (the registration link privately).
    async fn report(&self, actor: &Actor, front: &Arc<dyn Front>, err: EngineError) {
        let delivered = match &err {
            EngineError::Nemo(crate::nemo::NemoError::NoCredits { .. }) => {
                match self.credits_owner(actor).await {
                    CreditsOwner::Anonymous(id) => {
                        let link = Link {
                            kind: LinkKind::Register,
                            text: text::NO_CREDITS_REGISTER.into(),
                            url: format!("{}?bind={id}", error::REGISTER_URL),
                            key: format!("register:{id}"),
                            again: false,
                        };
                        front.post_link(&link).await
                    }
                    CreditsOwner::Registered => front.send(&err.user_text(), true).await.map(drop),
                    CreditsOwner::Someone => {
                        front.send(text::NO_CREDITS_NOT_YOURS, true).await.map(drop)
                    }
                }
            }
            _ => front.send(&err.user_text(), true).await.map(drop),
        };
        if let Err(e) = delivered {
            tracing::warn!("could not deliver an error message: {e}");
        }
    }
}

/// A place in a scope's line; leaving it (served, or the request dropped) shortens the line.
struct Waiting<'a> {
    lock: &'a ScopeLock,
    position: usize,
}

impl<'a> Waiting<'a> {
    fn join(lock: &'a ScopeLock) -> Waiting<'a> {
        metrics::scopes_waiting(1.0);
        let position = lock.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        Waiting { lock, position }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.lock.waiting.fetch_sub(1, Ordering::SeqCst);
        metrics::scopes_waiting(-1.0);
    }
}

/// Routes plain words (the contract's table) to the request they stand for.
fn resolve(request: Request) -> Request {
    let Request::Say(words) = request else {
        return request;
    };
    match route(&words, false) {
        Action::Export => Request::Export,
        Action::Credits => Request::Credits,
        Action::Status => Request::Status,
        Action::Upload => Request::Upload {
            media: words
                .split_whitespace()
                .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                .map(|w| Media::Url(w.to_string()))
                .collect(),
            text: String::new(),
        },
        Action::Message => Request::Say(words),
    }
}
