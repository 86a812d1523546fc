//! sled's part of forgetting a member.

use super::SledStore;
use crate::store::members::{Member, MemberForgotten};
use crate::store::{JobRecord, SessionRecord, StoreError, Table};

impl SledStore {
    /// See [`crate::store::Store::forget_member`].
    pub(in crate::store) async fn forget_member(
        &self,
        member: Member<'_>,
    ) -> Result<MemberForgotten, StoreError> {
        let scopes = self.keys_where(Table::Sessions, |scope, rec: &SessionRecord| {
            scope == member.scope || Some(rec.account.as_str()) == member.account
        })?;
        let ids = self.keys_where(Table::Jobs, |_, rec: &JobRecord| {
            rec.requested_by == member.user
        })?;
        let (_, jobs) = self.forget_held(&scopes, &ids)?;
        let account = match member.account {
            Some(key) => self.accounts.remove(key)?.is_some(),
            None => false,
        };
        let turns = self.turns().forget(member.user);
        let videos = self.forget_videos_of(member.user)?;
        self.flush().await?;
        Ok(MemberForgotten {
            account,
            sessions: scopes.len(),
            jobs,
            turns,
            videos,
        })
    }

    #[cfg(any(test, feature = "testing"))]
    /// See [`crate::store::Store::everything`]: every tree's keys and values, and the turns.
    pub(in crate::store) fn everything(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for name in self.db.tree_names() {
            for item in self.db.open_tree(&name)?.iter() {
                let (key, value) = item?;
                let (key, value) = (
                    String::from_utf8_lossy(&key),
                    String::from_utf8_lossy(&value),
                );
                out.push(format!(
                    "{}: {key} = {value}",
                    String::from_utf8_lossy(&name)
                ));
            }
        }
        out.extend(
            self.turns()
                .users()
                .into_iter()
                .map(|u| format!("turns: {u}")),
        );
        Ok(out)
    }
}
