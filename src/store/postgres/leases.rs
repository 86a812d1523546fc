//! PostgreSQL's leases and turn log: rows every process sees, timed by the database's clock
//! (so the processes' clocks need not agree). Claims skip rows another process is claiming
//! at the same moment (`FOR UPDATE SKIP LOCKED`); every write of a job names its holder and
//! epoch, so a process whose claim was taken over changes nothing.

use super::exports::LOCK;
use super::{pg, PgStore};
use crate::store::leases::NewJob;
use crate::store::quotas::HOUR;
use crate::store::{Claim, Holder, StoreError, TurnQuota, VideoRecord};

// In every statement below, a lease runs out `$2` milliseconds from the database's now
// (`now() + $2 * interval '1 millisecond'`); a lease let go has no owner and has run out
// (`lease_until = 'epoch'`), its epoch kept; the turn quota's window is the last hour.

/// Renews a job's lease if the claim (`$3`, `$4`) still holds it; the database's now, in ms
/// since the Unix epoch, if it did.
const RENEW_JOB: &str = "UPDATE jobs SET lease_until = now() + $2 * interval '1 millisecond' \
     WHERE id = $1 AND owner = $3 AND epoch = $4 \
     RETURNING (extract(epoch FROM now()) * 1000)::bigint";

/// [`RENEW_JOB`], also replacing the job's record with `$5`.
const UPDATE_JOB: &str = "UPDATE jobs SET record = $5::jsonb, updated = now(), \
         lease_until = now() + $2 * interval '1 millisecond' \
     WHERE id = $1 AND owner = $3 AND epoch = $4 \
     RETURNING (extract(epoch FROM now()) * 1000)::bigint";

impl PgStore {
    /// Saves a new job held by `holder` if its caps leave room; committed when this returns.
    /// Counted and inserted in one transaction holding the member's and the community's
    /// locks, so two processes never both take the last place.
    pub(in crate::store) async fn create_job(
        &self,
        holder: &Holder,
        new: &NewJob<'_>,
        bytes: Vec<u8>,
    ) -> Result<Claim, StoreError> {
        let failed = pg("saving a new export job");
        let mut tx = self.pool.begin().await.map_err(&failed)?;
        let keys = [
            Some(format!("exports:{}", new.user)),
            new.group.map(|g| format!("exports-group:{g}")),
        ];
        for key in keys.iter().flatten() {
            sqlx::query(LOCK)
                .bind(key)
                .execute(&mut *tx)
                .await
                .map_err(&failed)?;
        }
        let running = Self::count_running(&mut *tx, new.user, new.group).await?;
        if let Some(full) = new.caps.full(running) {
            return Err(StoreError::ExportsFull(full));
        }
        let epoch: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (id, record, owner, epoch, lease_until) \
             VALUES ($1, $3::jsonb, $4, 1, now() + $2 * interval '1 millisecond') \
             RETURNING epoch",
        )
        .bind(new.id)
        .bind(holder.lease_ms())
        .bind(String::from_utf8_lossy(&bytes).as_ref())
        .bind(&holder.owner)
        .fetch_one(&mut *tx)
        .await
        .map_err(&failed)?;
        tx.commit().await.map_err(&failed)?;
        Ok(Claim {
            id: new.id.to_string(),
            epoch,
        })
    }

    /// Claims up to `limit` free or expired jobs for `holder`, oldest id first.
    pub(in crate::store) async fn claim_jobs(
        &self,
        holder: &Holder,
        limit: usize,
    ) -> Result<Vec<(Claim, Vec<u8>)>, StoreError> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "UPDATE jobs SET owner = $1, epoch = epoch + 1, \
                 lease_until = now() + $2 * interval '1 millisecond' \
             WHERE id IN (SELECT id FROM jobs WHERE owner IS NULL OR lease_until < now() \
                          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id, epoch, record::text",
        )
        .bind(&holder.owner)
        .bind(holder.lease_ms())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(pg("claiming export jobs"))?;
        Ok(rows
            .into_iter()
            .map(|(id, epoch, record)| (Claim { id, epoch }, record.into_bytes()))
            .collect())
    }

    /// The database's clock, in ms since the Unix epoch (at the statement, not its
    /// transaction's start).
    pub(in crate::store) async fn clock_ms(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")
            .fetch_one(&self.pool)
            .await
            .map_err(pg("reading the database's clock"))
    }

    /// Renews `claim`; the database's clock then if it was still `holder`'s.
    pub(in crate::store) async fn renew_job(
        &self,
        holder: &Holder,
        claim: &Claim,
    ) -> Result<Option<i64>, StoreError> {
        let context = "renewing an export job's lease";
        self.fenced_update(holder, claim, None, context).await
    }

    /// Saves the job under `claim`; the database's clock then if it was still `holder`'s.
    pub(in crate::store) async fn update_job(
        &self,
        holder: &Holder,
        claim: &Claim,
        bytes: Vec<u8>,
    ) -> Result<Option<i64>, StoreError> {
        let record = String::from_utf8_lossy(&bytes);
        let context = "saving an export job";
        self.fenced_update(holder, claim, Some(&record), context)
            .await
    }

    /// Extends `claim`'s lease, and replaces the job's record when one is given, if the
    /// claim is still `holder`'s; the database's clock then if it was.
    async fn fenced_update(
        &self,
        holder: &Holder,
        claim: &Claim,
        record: Option<&str>,
        context: &'static str,
    ) -> Result<Option<i64>, StoreError> {
        let sql = match record {
            Some(_) => UPDATE_JOB,
            None => RENEW_JOB,
        };
        let mut query = sqlx::query_scalar(sql)
            .bind(&claim.id)
            .bind(holder.lease_ms())
            .bind(&holder.owner)
            .bind(claim.epoch);
        if let Some(record) = record {
            query = query.bind(record);
        }
        query.fetch_optional(&self.pool).await.map_err(pg(context))
    }

    /// Forgets the job under `claim`, keeping its finished `video` (the record and its
    /// encoding) in the history, in one transaction; whether it was still `holder`'s.
    pub(in crate::store) async fn finish_job(
        &self,
        holder: &Holder,
        claim: &Claim,
        video: Option<(&VideoRecord, Vec<u8>)>,
    ) -> Result<bool, StoreError> {
        let failed = pg("forgetting a finished export job");
        let mut tx = self.pool.begin().await.map_err(&failed)?;
        let done = sqlx::query("DELETE FROM jobs WHERE id = $1 AND owner = $2 AND epoch = $3")
            .bind(&claim.id)
            .bind(&holder.owner)
            .bind(claim.epoch)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        if let Some((rec, bytes)) = video {
            Self::keep_video(&mut *tx, rec, &bytes).await?;
        }
        tx.commit().await.map_err(&failed)?;
        Ok(true)
    }

    /// See [`crate::store::Store::cancel_job`]: every write of a job names its holder and
    /// epoch, so once the row is gone its holder's next write changes nothing.
    pub(in crate::store) async fn cancel_job(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM jobs WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(pg("forgetting a cancelled export job"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes `scope`'s lease for `owner` (a turn of `holder`'s) unless another turn's lease
    /// is still running; its epoch if taken (raised when the owner changes).
    pub(in crate::store) async fn lease_scope(
        &self,
        owner: &str,
        holder: &Holder,
        scope: &str,
    ) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO scope_leases (scope, owner, epoch, lease_until) \
               VALUES ($1, $3, 1, now() + $2 * interval '1 millisecond') \
             ON CONFLICT (scope) DO UPDATE \
               SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until, \
                   epoch = scope_leases.epoch \
                     + (scope_leases.owner IS DISTINCT FROM EXCLUDED.owner)::int \
               WHERE scope_leases.owner IS NOT DISTINCT FROM EXCLUDED.owner \
                  OR scope_leases.owner IS NULL OR scope_leases.lease_until < now() \
             RETURNING epoch",
        )
        .bind(scope)
        .bind(holder.lease_ms())
        .bind(owner)
        .fetch_optional(&self.pool)
        .await
        .map_err(pg("taking a project's lease"))
    }

    /// Renews `scope`'s lease; whether `owner` still had it.
    pub(in crate::store) async fn renew_scope(
        &self,
        owner: &str,
        holder: &Holder,
        scope: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE scope_leases SET lease_until = now() + $2 * interval '1 millisecond' \
             WHERE scope = $1 AND owner = $3",
        )
        .bind(scope)
        .bind(holder.lease_ms())
        .bind(owner)
        .execute(&self.pool)
        .await
        .map_err(pg("renewing a project's lease"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Lets go of `scope`'s lease if `owner` has it.
    pub(in crate::store) async fn release_scope(
        &self,
        owner: &str,
        scope: &str,
    ) -> Result<(), StoreError> {
        // The row stays, so the next turn's epoch follows this one's.
        sqlx::query(
            "UPDATE scope_leases SET owner = NULL, lease_until = 'epoch' \
             WHERE scope = $1 AND owner = $2",
        )
        .bind(scope)
        .bind(owner)
        .execute(&self.pool)
        .await
        .map_err(pg("releasing a project's lease"))?;
        Ok(())
    }

    /// Lets go of every lease and claim `holder` has.
    pub(in crate::store) async fn release_all(&self, holder: &Holder) -> Result<(), StoreError> {
        let statements = [
            // A scope's lease is held by one turn: `<holder>/<turn>`.
            "UPDATE scope_leases SET owner = NULL, lease_until = 'epoch' \
             WHERE starts_with(owner, $1 || '/')",
            "UPDATE jobs SET owner = NULL, lease_until = 'epoch' WHERE owner = $1",
        ];
        for sql in statements {
            sqlx::query(sql)
                .bind(&holder.owner)
                .execute(&self.pool)
                .await
                .map_err(pg("releasing this process's leases"))?;
        }
        Ok(())
    }

    /// `user`'s turns of the last hour against `limit`, one more counted when `take` is set
    /// and allowed. One transaction, serialised per user by an advisory lock, so two
    /// processes cannot both grant the last turn.
    pub(in crate::store) async fn turns(
        &self,
        user: &str,
        limit: u32,
        take: bool,
    ) -> Result<TurnQuota, StoreError> {
        let failed = pg("counting a member's turns");
        let mut tx = self.pool.begin().await.map_err(&failed)?;
        sqlx::query(LOCK)
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
        sqlx::query("DELETE FROM turns WHERE at <= now() - interval '1 hour' AND user_key = $1")
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT count(*), min(extract(epoch FROM at))::bigint FROM turns WHERE user_key = $1",
        )
        .bind(user)
        .fetch_one(&mut *tx)
        .await
        .map_err(&failed)?;
        let quota = if count >= i64::from(limit) {
            let next_at = oldest.unwrap_or(0).max(0) as u64 + HOUR;
            TurnQuota::Full { next_at }
        } else {
            if take {
                sqlx::query("INSERT INTO turns (user_key) VALUES ($1)")
                    .bind(user)
                    .execute(&mut *tx)
                    .await
                    .map_err(&failed)?;
            }
            TurnQuota::Allowed
        };
        tx.commit().await.map_err(&failed)?;
        Ok(quota)
    }

    /// Forgets every turn older than the quota's window.
    pub(in crate::store) async fn forget_old_turns(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM turns WHERE at <= now() - interval '1 hour'")
            .execute(&self.pool)
            .await
            .map_err(pg("forgetting old turns"))?;
        Ok(())
    }
}
