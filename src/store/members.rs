//! What the store keeps about one member, and forgetting it (a member's `/forget-me`).

use super::{Backend, Store, StoreError};

/// One member, as the store keys what it keeps about them.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// Their user key (`discord:<id>`): who asked for exports and took turns.
    pub user: &'a str,
    /// Their account key, when the bot keeps a NemoVideo account of their own (none when every
    /// member shares the operator's token).
    pub account: Option<&'a str>,
    /// Their own scope (`user:<id>`): their DMs and, where projects are per member, theirs.
    pub scope: &'a str,
}

/// What forgetting a member deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberForgotten {
    /// Their account: NemoVideo's client id and token for them.
    pub account: bool,
    /// Projects (sessions): their own scope's, and those made with their account, which
    /// cannot go on without its token.
    pub sessions: usize,
    /// Their unfinished exports.
    pub jobs: usize,
    /// Their turns counted for the hourly quota.
    pub turns: usize,
    /// Their finished videos kept for `/videos`.
    pub videos: usize,
}

impl Store {
    /// Deletes everything the store keeps about `member` — their account, their projects,
    /// their unfinished exports, their turn counts, their video history — durably, and says what there was.
    pub async fn forget_member(&self, member: Member<'_>) -> Result<MemberForgotten, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.forget_member(member).await,
            Backend::Postgres(db) => db.forget_member(member).await,
        }
    }

    #[cfg(any(test, feature = "testing"))]
    /// Every record of every table (tree), as text: for tests that check nothing of someone is
    /// left anywhere, including in tables added later.
    pub async fn everything(&self) -> Result<Vec<String>, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.everything(),
            Backend::Postgres(db) => db.everything().await,
        }
    }
}
