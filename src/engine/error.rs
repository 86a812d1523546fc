//! The engine's error: a `User` sentence shown as is, or a failure underneath that users see as
//! one friendly sentence while the details go to the log.

use super::accounts::{Accounts, CreditsOwner};
use super::front::{Front, FrontError, Link, LinkKind};
use super::Actor;
use crate::files::{FileProblem, SUPPORTED_EXTENSIONS};
use crate::i18n::Lang;
use crate::nemo::NemoError;
use crate::store::StoreError;
use crate::tr;
use std::sync::Arc;

/// Registration page for anonymous accounts.
pub const REGISTER_URL: &str = "https://nemovideo.com/register";

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A sentence for the user (already in their language), shown as is.
    #[error("{0}")]
    User(String),
    /// A refused file.
    #[error(transparent)]
    File(#[from] FileProblem),
    /// The Nemo API.
    #[error(transparent)]
    Nemo(#[from] NemoError),
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The front.
    #[error(transparent)]
    Front(#[from] FrontError),
    /// The project's lease was lost while the request ran (this process was paused or cut
    /// off from the database past it): the request stopped, as another may hold it now.
    #[error("the project's lease was lost")]
    LeaseLost,
    /// The member cancelled the request while it waited in line.
    #[error("cancelled while waiting in line")]
    Cancelled,
}

impl EngineError {
    /// The sentence the user sees in `lang` (2001's registration link is posted separately,
    /// privately).
    pub fn user_text(&self, lang: Lang) -> String {
        use NemoError as N;
        match self {
            EngineError::User(text) => text.clone(),
            EngineError::File(problem) => problem.user_text(lang),
            EngineError::Nemo(N::NoCredits { .. }) => tr!(lang, "no-credits"),
            EngineError::Nemo(N::UnsupportedFile { .. }) => tr!(
                lang,
                "service-refused-file",
                formats = SUPPORTED_EXTENSIONS.join(", ")
            ),
            EngineError::Nemo(N::FileChanged { path, .. }) => {
                tr!(lang, "file-changed", path = path.as_str())
            }
            EngineError::Nemo(N::FileTooLarge { .. }) => tr!(lang, "service-file-too-large"),
            EngineError::Nemo(N::ExportBlocked { .. }) => tr!(lang, "export-blocked"),
            EngineError::Nemo(N::RateLimited { .. }) => tr!(lang, "rate-limited"),
            EngineError::Nemo(N::BadToken { .. }) => tr!(lang, "bad-token"),
            EngineError::Nemo(N::TooLarge { .. }) => {
                tracing::error!(error = %self, "answer too large");
                tr!(lang, "answer-too-large")
            }
            // A session write refused outside a turn (another turn holds the project) reads
            // the same to the member as one refused inside it.
            EngineError::LeaseLost | EngineError::Store(StoreError::ScopeFenced { .. }) => {
                tr!(lang, "lease-lost")
            }
            EngineError::Nemo(e) if e.is_retryable() => {
                tracing::error!(error = %e, "video service unavailable");
                tr!(lang, "service-trouble")
            }
            other => {
                tracing::error!(error = %other, "request failed");
                tr!(lang, "our-trouble")
            }
        }
    }
}

/// Tells the user what went wrong, in one sentence (the registration link privately).
pub(crate) async fn report(
    accounts: &Accounts,
    actor: &Actor,
    front: &Arc<dyn Front>,
    err: EngineError,
) {
    let lang = actor.language();
    let delivered = match &err {
        EngineError::Nemo(NemoError::NoCredits { .. }) => {
            match accounts.credits_owner(actor).await {
                CreditsOwner::Anonymous(id) => {
                    let link = Link {
                        kind: LinkKind::Register,
                        text: tr!(lang, "no-credits-register"),
                        url: format!("{}?bind={id}", REGISTER_URL),
                        key: format!("register:{id}"),
                        again: false,
                        card: None,
                    };
                    front.post_link(&link).await
                }
                CreditsOwner::Registered => front.send(&err.user_text(lang), true).await.map(drop),
                CreditsOwner::Someone => {
                    let sorry = tr!(lang, "no-credits-not-yours");
                    front.send(&sorry, true).await.map(drop)
                }
            }
        }
        _ => front.send(&err.user_text(lang), true).await.map(drop),
    };
    if let Err(e) = delivered {
        tracing::warn!("could not deliver an error message: {e}");
    }
}
