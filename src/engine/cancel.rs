//! Cancel: a member stops what they asked for. The platform's button carries what it stops
//! and who asked, so that a press reaching any process (after a restart, or another one over
//! PostgreSQL) can be obeyed: an export's cancellation goes through the store, which every
//! process that could post its link reads before doing so. A place in line and a streaming
//! turn live in one process only: a press reaching another is told it is over.

use super::{Actor, Engine, EngineError};
use parking_lot::Mutex;
use std::collections::HashMap;
use tokio_util::sync::CancellationToken;

/// What a Cancel action stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancellable {
    /// An export that is rendering, by its job (render) id.
    Export(String),
    /// A request waiting in its scope's line in one process, by the id of its place.
    Waiting(String),
    /// An agent turn whose answer is streaming in one process, by the turn's id.
    Turn(String),
}

/// A Cancel action a front may attach to what it shows (a card): what it stops, and who
/// asked for it (the actor's user, e.g. `discord:1234`), who may press it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelAction {
    /// What it stops.
    pub what: Cancellable,
    /// Who asked for it.
    pub by: String,
}

/// What a cancellation came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// The export was stopped here and in the store: no process posts its link.
    Export,
    /// The request left the line: it will not run.
    Waiting,
    /// The turn's stream was closed: its answer stops where it got to.
    Turn,
    /// Nothing to stop: it has already ended (or another member cancelled it).
    Over,
}

impl Cancelled {
    /// What to tell the member, in `lang`.
    pub fn sentence(self, lang: crate::i18n::Lang) -> String {
        match self {
            Cancelled::Export => crate::tr!(lang, "cancel-export-done"),
            Cancelled::Waiting => crate::tr!(lang, "cancel-waiting-done"),
            Cancelled::Turn => crate::tr!(lang, "cancel-turn-done"),
            Cancelled::Over => crate::tr!(lang, "cancel-over"),
        }
    }
}

impl Engine {
    /// Stops `what` for `actor`. Whether the actor may (they asked, or they moderate the
    /// place) is the front's to check: only it knows the platform's permissions.
    pub async fn cancel(
        &self,
        actor: &Actor,
        what: &Cancellable,
    ) -> Result<Cancelled, EngineError> {
        match what {
            Cancellable::Export(job) => {
                let stopped = self.parts.exports.cancel(job).await?;
                tracing::info!(job = %job, by = %actor.user, stopped, "export cancelled");
                Ok(if stopped {
                    Cancelled::Export
                } else {
                    Cancelled::Over
                })
            }
            // Only the process whose line it waits in knows it: elsewhere it is not here.
            Cancellable::Waiting(place) => Ok(match self.parts.scopes.cancel_waiting(place) {
                true => Cancelled::Waiting,
                false => Cancelled::Over,
            }),
            // Likewise a stream: only the process reading it can close it.
            Cancellable::Turn(turn) => Ok(match self.parts.streaming.cancel(turn) {
                true => Cancelled::Turn,
                false => Cancelled::Over,
            }),
        }
    }
}

/// The turns whose answers stream in this process, by id: a Cancel closes one's stream.
#[derive(Default)]
pub(crate) struct Streaming {
    turns: Mutex<HashMap<String, CancellationToken>>,
}

impl Streaming {
    /// A turn starts streaming: its id and token, forgotten when the guard drops.
    pub(crate) fn begin(&self) -> StreamingTurn<'_> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let token = CancellationToken::new();
        self.turns.lock().insert(id.clone(), token.clone());
        StreamingTurn {
            owner: self,
            id,
            token,
        }
    }

    /// Cancels the turn `id`; whether it was streaming here.
    fn cancel(&self, id: &str) -> bool {
        let turn = self.turns.lock().remove(id);
        turn.map(|token| token.cancel()).is_some()
    }
}

/// A turn streaming in this process, until dropped.
pub(crate) struct StreamingTurn<'a> {
    owner: &'a Streaming,
    id: String,
    token: CancellationToken,
}

impl StreamingTurn<'_> {
    /// The Cancel action of this turn, asked for by `by`.
    pub(crate) fn action(&self, by: &str) -> CancelAction {
        CancelAction {
            what: Cancellable::Turn(self.id.clone()),
            by: by.to_string(),
        }
    }

    /// Cancelled once the member presses Cancel.
    pub(crate) fn token(&self) -> &CancellationToken {
        &self.token
    }
}

impl Drop for StreamingTurn<'_> {
    fn drop(&mut self) {
        self.owner.turns.lock().remove(&self.id);
    }
}
