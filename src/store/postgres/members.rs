//! PostgreSQL's part of forgetting a member: one transaction.

use super::{pg, PgStore};
use crate::store::members::{Member, MemberForgotten};
use crate::store::StoreError;

impl PgStore {
    /// See [`crate::store::Store::forget_member`].
    pub(in crate::store) async fn forget_member(
        &self,
        member: Member<'_>,
    ) -> Result<MemberForgotten, StoreError> {
        let failed = pg("forgetting a member");
        let mut tx = self.pool.begin().await.map_err(&failed)?;
        let scopes: Vec<String> = sqlx::query_scalar(
            "DELETE FROM sessions WHERE scope = $1 OR record->>'account' = $2 RETURNING scope",
        )
        .bind(member.scope)
        .bind(member.account)
        .fetch_all(&mut *tx)
        .await
        .map_err(&failed)?;
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let mut delete = async |sql: &str, key: Option<&str>| {
            let done = sqlx::query(sql).bind(key).execute(&mut *tx).await;
            done.map(|r| count(r.rows_affected())).map_err(&failed)
        };
        let jobs = delete(
            "DELETE FROM jobs WHERE record->>'requested_by' = $1",
            Some(member.user),
        )
        .await?;
        let account = delete("DELETE FROM accounts WHERE key = $1", member.account).await?;
        let turns = delete("DELETE FROM turns WHERE user_key = $1", Some(member.user)).await?;
        let videos = delete("DELETE FROM videos WHERE user_key = $1", Some(member.user)).await?;
        sqlx::query("DELETE FROM scope_leases WHERE scope = ANY($1)")
            .bind(&scopes)
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
        tx.commit().await.map_err(&failed)?;
        Ok(MemberForgotten {
            account: account > 0,
            sessions: scopes.len(),
            jobs,
            turns,
            videos,
        })
    }

    #[cfg(any(test, feature = "testing"))]
    /// See [`crate::store::Store::everything`]: every row of every table of this schema.
    pub(in crate::store) async fn everything(&self) -> Result<Vec<String>, StoreError> {
        let failed = pg("reading every table");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(&failed)?;
        let mut out = Vec::new();
        for table in tables {
            let sql = format!("SELECT row_to_json(t)::text FROM \"{table}\" t");
            let rows: Vec<String> = sqlx::query_scalar(&sql)
                .fetch_all(&self.pool)
                .await
                .map_err(&failed)?;
            out.extend(rows.into_iter().map(|row| format!("{table}: {row}")));
        }
        Ok(out)
    }
}
