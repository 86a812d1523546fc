//! sled's servers: a tree of records, each with the change number of its last write (from
//! sled's own monotonic id generator). Writes hold the servers' lock until they are durable,
//! so numbers are written in order; changes since a number are found by a scan (servers are
//! few, and sled serves one process).

use super::SledStore;
use crate::store::servers::{is_server_scope, Change, Forgotten};
use crate::store::{JobRecord, SessionRecord, StoreError, Table};

/// Rows of [`SledStore::servers_since`]: group, change number, record (none: forgotten).
type Changed = Vec<(String, i64, Option<Vec<u8>>)>;

/// The stored form: the change number, 8 bytes big-endian, then the record's JSON (nothing:
/// forgotten).
fn pack(version: i64, record: Option<&[u8]>) -> Vec<u8> {
    let mut bytes = version.to_be_bytes().to_vec();
    bytes.extend_from_slice(record.unwrap_or_default());
    bytes
}

/// The change number and the record's JSON (none: forgotten) of a stored value.
fn unpack(bytes: &[u8]) -> (i64, Option<&[u8]>) {
    let (version, record) = bytes.split_at(8.min(bytes.len()));
    let version = <[u8; 8]>::try_from(version).map_or(0, i64::from_be_bytes);
    (version, (!record.is_empty()).then_some(record))
}

impl SledStore {
    /// A fresh change number, above every one before it and above 0 (sled's ids start at 0,
    /// the number a cache that has seen nothing asks from).
    fn next_version(&self) -> Result<i64, StoreError> {
        Ok(i64::try_from(self.db.generate_id()?).map_or(i64::MAX, |id| id.saturating_add(1)))
    }

    /// The server's record as JSON, if it has one.
    pub(in crate::store) fn server(&self, group: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let stored = self.servers.get(group)?;
        Ok(stored.and_then(|b| unpack(&b).1.map(<[u8]>::to_vec)))
    }

    /// Replaces the server's record by what `change` makes of it, under a new change number;
    /// durable when this returns.
    pub(in crate::store) async fn update_server(
        &self,
        group: &str,
        change: &mut Change<'_>,
    ) -> Result<(), StoreError> {
        let _in_order = self.servers_lock.lock().await;
        let stored = self.servers.get(group)?;
        let new = change(stored.as_deref().and_then(|b| unpack(b).1))?;
        let version = self.next_version()?;
        self.servers.insert(group, pack(version, Some(&new)))?;
        self.flush().await
    }

    /// Every server written after change number `version`, oldest first.
    pub(in crate::store) fn servers_since(&self, version: i64) -> Result<Changed, StoreError> {
        let mut rows = Vec::new();
        for item in self.servers.iter() {
            let (key, value) = item?;
            let (changed, record) = unpack(&value);
            if changed > version {
                let group = String::from_utf8_lossy(&key).into_owned();
                rows.push((group, changed, record.map(<[u8]>::to_vec)));
            }
        }
        rows.sort_by_key(|(_, changed, _)| *changed);
        Ok(rows)
    }

    /// See [`crate::store::Store::forget_server`].
    pub(in crate::store) async fn forget_server(
        &self,
        group: &str,
    ) -> Result<Forgotten, StoreError> {
        let _in_order = self.servers_lock.lock().await;
        let server = self.server(group)?.is_some();
        let version = self.next_version()?;
        self.servers.insert(group, pack(version, None))?;
        let scopes = self.keys_where(Table::Sessions, |scope, rec: &SessionRecord| {
            is_server_scope(scope) && rec.group.as_deref() == Some(group)
        })?;
        let ids = self.keys_where(Table::Jobs, |_, rec: &JobRecord| {
            rec.group.as_deref() == Some(group)
        })?;
        let (leases, jobs) = self.forget_held(&scopes, &ids)?;
        self.flush().await?;
        Ok(Forgotten {
            server,
            sessions: scopes.len(),
            leases,
            jobs,
        })
    }
}
