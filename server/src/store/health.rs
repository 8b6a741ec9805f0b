//! The readiness probe's query.

use super::Store;

impl Store {
    /// Succeeds when the database answers a trivial query.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
