//! SQLite's WAL checkpoints, off the signature writer's path.
//!
//! In WAL mode a commit appends pages to the `-wal` file; a checkpoint copies them back into the
//! database file (and syncs it). By default SQLite runs one inside the commit that takes the WAL
//! past 1,000 pages, on the committing connection: for the signature writer, a pause of a thousand
//! page writes and an fsync every fraction of a second under a signing storm, while every signer of
//! the next batch waits. Here the writer's own checkpoints start only past [`WRITER_BACKSTOP_PAGES`]
//! (should this task stall), and a task copies the WAL back every [`INTERVAL`] from a connection
//! of the readers' pool, in `PASSIVE` mode: it never waits for the writer, nor the writer for it,
//! and each page rewritten many times between two checkpoints is copied once. Once everything is
//! copied, the writer's next transaction starts the WAL from its beginning again.

use super::{Backend, Store};
use std::time::Duration;

/// How often the WAL is copied back into the database file.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// The WAL size (pages) past which the writer's own commit checkpoints, as a backstop.
pub(super) const WRITER_BACKSTOP_PAGES: u32 = 10_000;

impl Store {
    /// Copies what the WAL holds back into the database file every [`INTERVAL`], without waiting
    /// for any writer or reader (SQLite's `PASSIVE` checkpoint), until `shutdown` resolves. Nothing
    /// to do on PostgreSQL.
    pub async fn checkpoint_until(self, shutdown: impl std::future::Future<Output = ()>) {
        if self.backend != Backend::Sqlite {
            return;
        }
        tokio::pin!(shutdown);
        let mut ticks = tokio::time::interval(INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = ticks.tick() => {}
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&self.pool).await {
                tracing::warn!(error = format!("{e:#}"), "a WAL checkpoint failed; the next one retries");
            }
        }
    }
}
