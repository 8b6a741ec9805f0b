//! Upgrades: a database is migrated forward at start, but one that a NEWER release already
//! migrated is refused before anything touches it. sqlx's migrator would refuse it too, with
//! "migration N was previously applied but is missing"; this check says what happened and what to
//! do, and runs before the migrator creates or changes anything.

use super::Store;
use sqlx::{AnyPool, Row};

/// Fails when `pool` holds migrations that `known` (this binary's embedded migrations) lacks.
pub(super) async fn refuse_newer(pool: &AnyPool, known: &[(i64, &str, &str)]) -> anyhow::Result<()> {
    // A new database has no migrations table yet: nothing to compare.
    let Ok(rows) =
        sqlx::query("SELECT version, description FROM _sqlx_migrations ORDER BY version").fetch_all(pool).await
    else {
        return Ok(());
    };
    let applied = rows
        .iter()
        .map(|r| Ok((r.try_get::<i64, _>("version")?, r.try_get::<String, _>("description")?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let newest_known = known.iter().map(|m| m.0).max().unwrap_or(0);
    let unknown: Vec<String> = applied
        .iter()
        .filter(|(version, _)| !known.iter().any(|m| m.0 == *version))
        .map(|(version, description)| format!("{version:04} ({description})"))
        .collect();
    if !unknown.is_empty() {
        anyhow::bail!(
            "this database was upgraded by a newer release of undersigned-server: it has migration(s) {} that this \
             release ({}) does not know (it knows up to {newest_known:04}). Nothing was changed. Run the newer \
             release again, or restore the backup taken before the upgrade (docs/operations.md, \"Upgrades\").",
            unknown.join(", "),
            env!("CARGO_PKG_VERSION"),
        );
    }
    Ok(())
}

impl Store {
    /// The versions of the migrations applied to this database, oldest first.
    pub async fn applied_migrations(&self) -> anyhow::Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(&self.pool).await?)
    }
}
