//! Erasure that really erases. On SQLite, `secure_delete` (set on every connection) zeroes a
//! deleted row in the database file, but the write-ahead log still holds the pages as they were
//! before: a checkpoint that truncates the log removes those copies too. PostgreSQL keeps dead rows
//! until VACUUM reuses their space; docs/receiver.md tells operators to run it.

use super::{Backend, Store};

impl Store {
    /// After an erasure on SQLite: copies the log into the database and truncates it, so no earlier
    /// version of an erased row stays in either file. A reader still using the log makes the
    /// truncation wait for the next erasure or checkpoint (logged, not an error: the row is deleted
    /// either way).
    pub async fn scrub_erased(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&self.pool).await {
            Ok((0, _, _)) => {}
            Ok(_) => tracing::warn!("the write-ahead log could not be truncated after an erasure: a reader held it"),
            Err(e) => tracing::warn!(error = format!("{e:#}"), "checkpoint after an erasure failed"),
        }
    }
}
