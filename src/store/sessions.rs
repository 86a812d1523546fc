//! Session writes fenced by the scope's lease. A turn's lease carries an epoch, raised each
//! time another turn takes it; a write made during a turn names the turn and that epoch, and
//! is refused ([`StoreError::ScopeFenced`]) once the lease is another turn's: a process that
//! was paused past its lease and resumes cannot overwrite the session the new holder wrote.
//! A write outside any turn (a read-only command replacing a session NemoVideo lost) goes
//! ahead only while no turn holds the scope.
//!
//! The check and the write are one step: one transaction holding the lease's row on
//! PostgreSQL, under the leases' lock on sled.

use super::{Backend, SessionRecord, Store, StoreError};

/// A turn's hold on a scope's lease, as the store granted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeClaim {
    /// The turn (unique to it).
    pub turn: String,
    /// Raised each time another turn takes the lease; a write at an older one is refused.
    pub epoch: i64,
}

/// Who writes a session: a turn's lease owner at an epoch, or no turn.
pub(super) type Writer<'a> = Option<(&'a str, i64)>;

/// A scope's lease as the store has it when a session write arrives.
#[derive(Debug, Clone, Copy)]
pub(super) struct LeaseNow<'a> {
    /// Its owner (a turn), none once released.
    pub owner: Option<&'a str>,
    /// Its epoch.
    pub epoch: i64,
    /// Whether it has not run out.
    pub live: bool,
}

/// Whether `writer` may write the scope's session while its lease is `lease` (none: never
/// taken). A turn writes only while the lease is still its own, at the epoch it was granted
/// (run out but not taken by anyone is still its own, as with jobs: the engine's tenure
/// fences time); no turn writes only while no turn holds the scope.
pub(super) fn may_write(writer: Writer<'_>, lease: Option<LeaseNow<'_>>) -> bool {
    match (writer, lease) {
        (Some((owner, epoch)), Some(lease)) => lease.owner == Some(owner) && lease.epoch == epoch,
        (Some(_), None) => false,
        (None, Some(lease)) => lease.owner.is_none() || !lease.live,
        (None, None) => true,
    }
}

impl Store {
    /// Saves the session of a scope, under `claim` (a turn's, see [`Store::lease_scope`]) or
    /// outside any turn; [`StoreError::ScopeFenced`] when the scope is another turn's.
    pub async fn put_session(
        &self,
        scope: &str,
        rec: &SessionRecord,
        claim: Option<&ScopeClaim>,
    ) -> Result<(), StoreError> {
        let bytes = super::encode(scope, rec)?;
        self.write_session(scope, Some(bytes), claim).await
    }

    /// Forgets the session of a scope, under the same rule as [`Store::put_session`].
    pub async fn remove_session(
        &self,
        scope: &str,
        claim: Option<&ScopeClaim>,
    ) -> Result<(), StoreError> {
        self.write_session(scope, None, claim).await
    }

    async fn write_session(
        &self,
        scope: &str,
        bytes: Option<Vec<u8>>,
        claim: Option<&ScopeClaim>,
    ) -> Result<(), StoreError> {
        let owner = claim.map(|c| self.holder.turn(&c.turn));
        let writer = owner.as_deref().zip(claim.map(|c| c.epoch));
        let written = match &self.db {
            Backend::Sled(db) => db.write_session(scope, bytes, writer).await?,
            Backend::Postgres(db) => db.write_session(scope, bytes, writer).await?,
        };
        written
            .then_some(())
            .ok_or_else(|| StoreError::ScopeFenced {
                scope: scope.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_written_only_by_the_lease_it_names() {
        let lease = |owner, epoch, live| Some(LeaseNow { owner, epoch, live });
        let table: &[(Writer<'_>, Option<LeaseNow<'_>>, bool, &str)] = &[
            (
                Some(("a/1", 3)),
                lease(Some("a/1"), 3, true),
                true,
                "its own",
            ),
            (
                Some(("a/1", 3)),
                lease(Some("a/1"), 3, false),
                true,
                "run out, taken by no one",
            ),
            (
                Some(("a/1", 3)),
                lease(Some("b/2"), 4, true),
                false,
                "taken over",
            ),
            (
                Some(("a/1", 3)),
                lease(Some("a/1"), 4, true),
                false,
                "an older epoch",
            ),
            (Some(("a/1", 3)), lease(None, 3, false), false, "released"),
            (Some(("a/1", 1)), None, false, "never granted"),
            (None, None, true, "no turn, never leased"),
            (None, lease(None, 3, false), true, "no turn, released"),
            (None, lease(Some("b/2"), 3, false), true, "no turn, run out"),
            (None, lease(Some("b/2"), 3, true), false, "a turn holds it"),
        ];
        for (writer, now, allowed, why) in table {
            assert_eq!(may_write(*writer, *now), *allowed, "{why}");
        }
    }
}
