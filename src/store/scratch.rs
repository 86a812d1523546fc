//! Scratch schemas of a shared test database, so that tests (and CI) running side by side
//! over one PostgreSQL never see each other's rows.

use super::postgres::admin_statement;
use super::StoreError;
use crate::secret::Secret;

/// The variable naming the test database (CI's `.ci/postgres` starts one and sets it).
pub const TEST_DATABASE_URL: &str = "MVB_TEST_DATABASE_URL";

/// A fresh, empty schema of the test database; [`ScratchSchema::finish`] drops it.
pub struct ScratchSchema {
    /// A URL whose connections work in the scratch schema.
    pub url: Secret,
    base: Secret,
    name: String,
}

impl ScratchSchema {
    /// A scratch schema of the database at `MVB_TEST_DATABASE_URL`; without that variable,
    /// `None` after one line saying `test` is skipped.
    pub async fn from_env(test: &str) -> Result<Option<ScratchSchema>, StoreError> {
        let Some(base) = std::env::var(TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            // Straight to standard error: the test harness captures `eprintln!`, and the skip
            // should show in an ordinary `cargo test`.
            let line = format!("{test}: PostgreSQL skipped, {TEST_DATABASE_URL} is not set\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            return Ok(None);
        };
        ScratchSchema::new(Secret::new(base)).await.map(Some)
    }

    /// A new, empty schema in the database at `base`.
    pub async fn new(base: Secret) -> Result<ScratchSchema, StoreError> {
        let name = format!("mvb_test_{}", uuid::Uuid::new_v4().simple());
        admin_statement(&base, &format!("CREATE SCHEMA {name}")).await?;
        let sep = if base.expose().contains('?') {
            '&'
        } else {
            '?'
        };
        // libpq's `options` parameter: every connection starts with this search path.
        let scoped = format!("{}{sep}options=-c%20search_path%3D{name}", base.expose());
        Ok(ScratchSchema {
            url: Secret::new(scoped),
            base,
            name,
        })
    }

    /// Drops the schema with everything in it.
    pub async fn finish(self) -> Result<(), StoreError> {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        admin_statement(&self.base, &sql).await
    }
}
