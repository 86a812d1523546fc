//! The engine's error: a `User` sentence shown as is, or a failure underneath that users see as
//! one friendly sentence while the details go to the log.

use super::front::FrontError;
use crate::files::{FileProblem, SUPPORTED_EXTENSIONS};
use crate::nemo::NemoError;
use crate::store::StoreError;

/// Registration page for anonymous accounts.
pub const REGISTER_URL: &str = "https://nemovideo.com/register";

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A sentence for the user, shown as is.
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
}

impl EngineError {
    /// The sentence the user sees (2001's registration link is posted separately, privately).
    pub fn user_text(&self) -> String {
        use NemoError as N;
        match self {
            EngineError::User(text) => text.clone(),
            EngineError::File(problem) => problem.to_string(),
            EngineError::Nemo(N::NoCredits { .. }) => {
                "You're out of credits. Top up credits in your account to keep going.".into()
            }
            EngineError::Nemo(N::UnsupportedFile { .. }) => format!(
                "The video service refused that file type. Supported formats: {}.",
                SUPPORTED_EXTENSIONS.join(", ")
            ),
            EngineError::Nemo(N::FileChanged { path, .. }) => format!(
                "{path} changed while I was uploading it, so I stopped. Wait until it is fully saved, then send it again."
            ),
            EngineError::Nemo(N::FileTooLarge { .. }) => {
                "That file is too large for the video service (200 MB at most). Try compressing it or trimming the song.".into()
            }
            EngineError::Nemo(N::ExportBlocked { .. }) => {
                "Register or upgrade your plan to unlock export.".into()
            }
            EngineError::Nemo(N::RateLimited { .. }) => {
                "The video service is busy right now (rate limited). Please try again in a minute.".into()
            }
            EngineError::Nemo(N::BadToken { .. }) => {
                "The video service did not accept our credentials. Please try again later; if it keeps happening, tell the bot's operator.".into()
            }
            EngineError::Nemo(N::TooLarge { .. }) => {
                tracing::error!(error = %self, "answer too large");
                "The video service sent an answer far larger than expected, so I stopped reading it. Nothing was lost: say `status` to see the project, or try again.".into()
            }
            EngineError::Nemo(e) if e.is_retryable() => {
                tracing::error!(error = %e, "video service unavailable");
                super::text::SERVICE_TROUBLE.into()
            }
            other => {
                tracing::error!(error = %other, "request failed");
                super::text::OUR_TROUBLE.into()
            }
        }
    }
}
