//! PostgreSQL's session writes, fenced by the scope's lease (see `store/sessions.rs`): the
//! lease's row is read and held (`FOR SHARE`) in the transaction that writes, so no turn takes
//! the lease between the check and the write.

use super::{pg, PgStore};
use crate::store::sessions::{may_write, LeaseNow, Writer};
use crate::store::StoreError;

impl PgStore {
    /// Saves `bytes` as `scope`'s session (forgets it when `None`) if `writer` may; whether
    /// it was written. Committed when this returns.
    pub(in crate::store) async fn write_session(
        &self,
        scope: &str,
        bytes: Option<Vec<u8>>,
        writer: Writer<'_>,
    ) -> Result<bool, StoreError> {
        let failed = pg("saving a session");
        let mut tx = self.pool.begin().await.map_err(&failed)?;
        let lease: Option<(Option<String>, i64, bool)> = sqlx::query_as(
            "SELECT owner, epoch, lease_until >= now() FROM scope_leases \
             WHERE scope = $1 FOR SHARE",
        )
        .bind(scope)
        .fetch_optional(&mut *tx)
        .await
        .map_err(&failed)?;
        let now = lease.as_ref().map(|(owner, epoch, live)| LeaseNow {
            owner: owner.as_deref(),
            epoch: *epoch,
            live: *live,
        });
        if !may_write(writer, now) {
            return Ok(false);
        }
        let query = match &bytes {
            Some(bytes) => sqlx::query(
                "INSERT INTO sessions (scope, record) VALUES ($1, $2::jsonb) \
                 ON CONFLICT (scope) DO UPDATE SET record = EXCLUDED.record, updated = now()",
            )
            .bind(scope)
            .bind(String::from_utf8_lossy(bytes).into_owned()),
            None => sqlx::query("DELETE FROM sessions WHERE scope = $1").bind(scope),
        };
        query.execute(&mut *tx).await.map_err(&failed)?;
        tx.commit().await.map_err(&failed)?;
        Ok(true)
    }
}
