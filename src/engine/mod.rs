//! The platform-agnostic engine: sessions, routing, turns and export jobs. Fronts call
//! [`Engine::handle`] with what a user said or dropped; answers go back through [`Front`].
//!
//! [`Engine`] only admits and routes a request. Each part owns its state behind a small API
//! (`accounts`, `scopes`, `jobs`, `limits`, `lifecycle`, `listening`); each use case (`turn`, `media`,
//! `export`, `project`, `welcome`) is a module that takes the parts it needs.

mod accounts;
pub mod cancel;
pub mod cards;
mod claims;
pub mod error;
mod export;
pub mod front;
pub mod gui;
mod jobs;
mod keyed;
mod lifecycle;
mod limits;
mod listening;
mod media;
mod members;
mod project;
pub mod reply;
pub mod route;
mod scopes;
mod servers;
pub mod split;
pub mod summary;
mod tenure;
pub mod text;
mod turn;
pub mod videos;
pub mod welcome;

pub use cancel::{CancelAction, Cancellable, Cancelled};
pub use cards::{Card, Field, TakeAction, Tone};
pub use error::EngineError;
pub use front::{Deliver, Front, FrontError, Link, LinkKind, MsgId};

use crate::config::{AnalysisConfig, LimitsConfig, NemoConfig};
use crate::i18n::{member_language, Lang};
use crate::nemo::NemoClient;
use crate::store::Store;
use crate::telemetry::metrics;
use crate::tr;
use accounts::Accounts;
use error::report;
use jobs::Exports;
use limits::Quotas;
use route::{route, Action};
use scopes::Scopes;
pub(crate) use servers::capped;
use servers::Servers;
use std::path::PathBuf;
use std::sync::Arc;
use tracing::Instrument;

/// Who is asking, and in which scope (the key of the scope's session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A stable user id, e.g. `discord:1234` or `console:alice`.
    pub user: String,
    /// The session's owner: e.g. `channel:42` or `user:1234`.
    pub scope: String,
    /// The interaction's locale (`zh-CN`, `en-US`…), or empty when the platform gives none (a
    /// plain message): the engine then answers in the scope's session language, else English.
    pub lang: String,
    /// The community the scope belongs to (a Discord guild), for shared quotas.
    pub group: Option<String>,
}

impl Actor {
    /// The language to answer in (once the engine has resolved it, see [`Engine::language`]).
    pub fn language(&self) -> Lang {
        Lang::from_tag(&self.lang)
    }

    /// The same actor, a missing locale filled in with `lang`'s tag (a locale it has is kept:
    /// new sessions tell NemoVideo the member's own).
    pub fn speaking(&self, lang: Lang) -> Actor {
        let mut actor = self.clone();
        if actor.lang.is_empty() {
            actor.lang = lang.tag().to_string();
        }
        actor
    }
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
    parts: Arc<Parts>,
}

/// The engine's parts, each owning its state behind a small API over the store: the store's
/// backend decides what is shared between processes. The use cases (`turn`, `media`,
/// `export`, `project`, `welcome`) take the parts they need.
pub(crate) struct Parts {
    /// The settings turns are timed by.
    cfg: NemoConfig,
    /// The NemoVideo client, tokens, client ids and each scope's session.
    accounts: Arc<Accounts>,
    /// One turn of a project at a time, and the line behind it.
    scopes: Scopes,
    /// The configured quotas, within which servers choose theirs.
    quotas: Quotas,
    /// Servers' settings, cached; servers that removed the bot, forgotten.
    servers: Arc<Servers>,
    /// Export jobs: claims, polling, delivery.
    exports: Exports,
    /// Requests admitted and interrupted, and the stop.
    life: lifecycle::Lifecycle,
    /// The turns streaming here, which a Cancel closes.
    streaming: cancel::Streaming,
    /// The songs being heard, and those heard since each scope's last turn.
    listening: listening::Listening,
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
        Engine::configured(cfg, limits, AnalysisConfig::default(), store)
    }

    /// An engine over an opened store, with these quotas and this song analysis.
    pub fn configured(
        cfg: &NemoConfig,
        limits: LimitsConfig,
        analysis: AnalysisConfig,
        store: Store,
    ) -> Result<Engine, EngineError> {
        let accounts = Arc::new(Accounts::new(
            NemoClient::new(cfg)?,
            store.clone(),
            cfg.token.clone(),
        ));
        let exports = Exports::new(accounts.clone(), store.clone(), cfg.clone());
        let scopes = Scopes::new(store.clone());
        let servers = Arc::new(Servers::new(store.clone()));
        let quotas = Quotas::new(limits, store.clone(), servers.clone());
        Ok(Engine {
            parts: Arc::new(Parts {
                cfg: cfg.clone(),
                accounts,
                scopes,
                quotas,
                servers,
                exports,
                life: lifecycle::Lifecycle::new(store),
                streaming: cancel::Streaming::default(),
                listening: listening::Listening::new(analysis),
            }),
        })
    }

    /// Serves one request. Never fails: every error becomes one clear message to the user.
    /// Once a stop has begun, new requests get one sentence and nothing reaches NemoVideo.
    pub async fn handle(&self, actor: &Actor, request: Request, front: Arc<dyn Front>) {
        let Some((_admitted, registration)) = self.parts.life.admit() else {
            metrics::refused_restarting();
            if let Err(e) = front.send(&tr!(actor.language(), "restarting"), true).await {
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
            let actor = &actor.speaking(self.language(actor, request.words()).await);
            let serving = self.serve(actor, request, &front);
            if futures_util::future::Abortable::new(serving, registration)
                .await
                .is_err()
            {
                tracing::warn!("request interrupted by the stop");
                if let Err(e) = front
                    .send(&tr!(actor.language(), "interrupted"), true)
                    .await
                {
                    tracing::warn!("could not say that a request was interrupted: {e}");
                }
            }
        }
        .instrument(span)
        .await
    }

    /// The language to answer `actor`, who said `words`, in: the member's own (the
    /// interaction's locale, else the language of their words when it is clear, see
    /// [`member_language`]), else their server's (see [`Engine::server`]), else the language
    /// of the scope's session, else English.
    pub async fn language(&self, actor: &Actor, words: &str) -> Lang {
        if let Some(lang) = member_language(&actor.lang, words) {
            return lang;
        }
        if let Some(group) = &actor.group {
            if let Some(tag) = self.server(group).await.language {
                return Lang::from_tag(&tag);
            }
        }
        match self.parts.accounts.existing_session(actor).await {
            Ok(session) => session.map_or(Lang::En, |s| Lang::from_tag(&s.language)),
            Err(e) => {
                tracing::warn!("could not read the session's language: {e}");
                Lang::En
            }
        }
    }

    /// Serves an admitted request, `actor` speaking its resolved language.
    async fn serve(&self, actor: &Actor, request: Request, front: &Arc<dyn Front>) {
        let request = resolve(request);
        // Requests that change the session run one at a time per scope; reads and /reset
        // (which takes the lock itself) do not wait behind a long turn.
        let changes = matches!(
            request,
            Request::MusicVideo { .. } | Request::Upload { .. } | Request::Export | Request::Say(_)
        );
        let turn = if changes {
            match self.parts.scopes.enter(actor, front).await {
                Ok(turn) => Some(turn),
                // Said in place of the place in line (its Cancel goes with it).
                Err(EngineError::Cancelled) => {
                    let left = tr!(actor.language(), "cancel-waiting-done");
                    return front::notify(front, &left).await;
                }
                Err(e) => return report(&self.parts.accounts, actor, front, e).await,
            }
        } else {
            None
        };
        let started = std::time::Instant::now();
        let result = match &turn {
            Some(turn) => turn.hold(self.dispatch(actor, front, request)).await,
            None => self.dispatch(actor, front, request).await,
        };
        if let Err(e) = result {
            report(&self.parts.accounts, actor, front, e).await;
        }
        if let Err(e) = front.finished().await {
            tracing::warn!("could not take a finished turn's Cancel off the progress line: {e}");
        }
        if let Some(turn) = turn {
            turn.leave().await;
            self.parts.scopes.note_request_time(started.elapsed());
        }
    }

    /// Runs one request.
    async fn dispatch(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        request: Request,
    ) -> Result<(), EngineError> {
        let parts = &*self.parts;
        welcome::first_contact(&parts.accounts, actor, front, &request).await?;
        match request {
            Request::MusicVideo { prompt, media } => {
                parts.music_video(actor, front, prompt, media).await
            }
            Request::Upload { media, text } => parts.dropped(actor, front, media, text).await,
            Request::Export => parts.export(actor, front).await,
            Request::Say(words) => parts.run_turn(actor, front, &words).await.map(drop),
            Request::Credits => project::credits(&parts.accounts, actor, front).await,
            Request::Status => project::status(&parts.accounts, &parts.exports, actor, front).await,
            Request::Open => project::open(&parts.accounts, actor, front).await,
            Request::Reset => {
                // Songs heard for the old project are not the new one's to tell.
                parts.listening.forget(&actor.scope);
                project::reset(&parts.scopes, &parts.accounts, actor, front).await
            }
        }
    }

    /// Waits until every background job (exports) has finished.
    pub async fn idle(&self) {
        self.parts.exports.idle().await
    }

    /// Resolves once the engine has halted (see [`Engine::halt`]; a stop halts too), so
    /// fronts can end with it.
    pub fn stopped(&self) -> tokio_util::sync::WaitForCancellationFutureOwned {
        self.parts.exports.halted()
    }

    /// Halts background work (export polling) without finishing it, as a crash would; the
    /// jobs stay in the store and the next start (or another process) takes them over.
    pub async fn halt(&self) {
        self.parts.exports.halt().await;
        self.parts.servers.halt().await
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
