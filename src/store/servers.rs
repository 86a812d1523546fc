//! Servers' records: what each community's moderators chose, the threads the bot opened there,
//! and when the bot was removed. Keyed by group (`guild:<id>`).
//!
//! Every write takes a number from one counter shared by all servers, so a process's cache
//! asks "what changed since the last number I saw" ([`Store::servers_changed_since`]) instead
//! of re-reading every record. Writes take their numbers one at a time (a lock on sled, an
//! advisory lock on PostgreSQL, held until the write is durable), so a reader never sees a
//! number before an earlier one is written. Forgetting a server leaves a tombstone under a
//! new number: the other processes' caches learn of it as of any change.

use super::{Backend, ServerRecord, Store, StoreError};

/// What [`Store::forget_server`] deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forgotten {
    /// Whether the server had a record.
    pub server: bool,
    /// The server's channel sessions (its projects).
    pub sessions: usize,
    /// The leases of those sessions' scopes.
    pub leases: usize,
    /// Its unfinished export jobs.
    pub jobs: usize,
}

/// What a write makes of a server's record, as JSON (given the stored one, if any).
pub(super) type Change<'a> = dyn FnMut(Option<&[u8]>) -> Result<Vec<u8>, StoreError> + Send + 'a;

impl Store {
    /// A server's record, if it has one (none after it was forgotten).
    pub async fn server(&self, group: &str) -> Result<Option<ServerRecord>, StoreError> {
        let bytes = match &self.db {
            Backend::Sled(db) => db.server(group)?,
            Backend::Postgres(db) => db.server(group).await?,
        };
        bytes.map(|b| super::decode(group, &b)).transpose()
    }

    /// Changes a server's record (the default when it has none) by `f`, called once on the
    /// record as stored, in one atomic read-modify-write: two processes changing one server at
    /// once both get their change in. Durable before it returns; takes a new change number.
    pub async fn update_server(
        &self,
        group: &str,
        mut f: impl FnMut(&mut ServerRecord) + Send,
    ) -> Result<ServerRecord, StoreError> {
        let mut changed = None;
        let mut change = |old: Option<&[u8]>| -> Result<Vec<u8>, StoreError> {
            let mut rec: ServerRecord = match old {
                Some(bytes) => super::decode(group, bytes)?,
                None => ServerRecord::default(),
            };
            f(&mut rec);
            let bytes = super::encode(group, &rec)?;
            changed = Some(rec);
            Ok(bytes)
        };
        match &self.db {
            Backend::Sled(db) => db.update_server(group, &mut change).await?,
            Backend::Postgres(db) => db.update_server(group, &mut change).await?,
        }
        Ok(changed.unwrap_or_default())
    }

    /// The servers written (or forgotten: `None`) after change number `version`, oldest
    /// first, and the newest number seen (`version` itself when nothing changed). Start from
    /// 0 to read them all.
    pub async fn servers_changed_since(
        &self,
        version: i64,
    ) -> Result<(i64, Vec<(String, Option<ServerRecord>)>), StoreError> {
        let rows = match &self.db {
            Backend::Sled(db) => db.servers_since(version)?,
            Backend::Postgres(db) => db.servers_since(version).await?,
        };
        let newest = rows.iter().map(|(_, v, _)| *v).fold(version, i64::max);
        let changes = rows
            .into_iter()
            .map(|(group, _, bytes)| {
                let rec = bytes.map(|b| super::decode(&group, &b)).transpose()?;
                Ok((group, rec))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((newest, changes))
    }

    /// The servers the bot was removed from and not forgotten yet: (group, when, unix secs).
    pub async fn servers_left(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let (_, all) = self.servers_changed_since(0).await?;
        Ok(all
            .into_iter()
            .filter_map(|(group, rec)| rec?.left_at.map(|at| (group, at)))
            .collect())
    }

    /// Forgets a server: deletes its record (leaving a tombstone, see the module's header),
    /// its channel sessions (scopes `channel:*` whose session names the group; a member's own
    /// `user:*` sessions are theirs and stay), those scopes' leases, and its unfinished export
    /// jobs. Durable before it returns.
    pub async fn forget_server(&self, group: &str) -> Result<Forgotten, StoreError> {
        match &self.db {
            Backend::Sled(db) => db.forget_server(group).await,
            Backend::Postgres(db) => db.forget_server(group).await,
        }
    }
}

/// Whether a session's scope belongs to its server (rather than to a member).
pub(super) fn is_server_scope(scope: &str) -> bool {
    scope.starts_with("channel:")
}
