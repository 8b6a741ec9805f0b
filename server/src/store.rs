//! The database: SQLite by default, PostgreSQL for campaigns that outgrow one machine.

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use undersigned_core::Campaign;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A connected, migrated store.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    /// Connects to `database_url` and applies pending migrations. A SQLite file (and its folder) is
    /// created when missing; it runs in WAL mode with `synchronous=FULL` so that an acknowledged
    /// write survives a crash.
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            let pool = PgPool::connect(database_url).await.context("cannot connect to PostgreSQL")?;
            POSTGRES_MIGRATIONS.run(&pool).await.context("PostgreSQL migrations failed")?;
            return Ok(Store::Postgres(pool));
        }
        let options = SqliteConnectOptions::from_str(database_url)
            .with_context(|| format!("`{database_url}` is neither a sqlite:// nor a postgres:// URL"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
        }
        let pool = SqlitePoolOptions::new().connect_with(options).await.context("cannot open the SQLite database")?;
        SQLITE_MIGRATIONS.run(&pool).await.context("SQLite migrations failed")?;
        Ok(Store::Sqlite(pool))
    }

    /// Creates or replaces a campaign.
    pub async fn upsert_campaign(&self, campaign: &Campaign) -> anyhow::Result<()> {
        let json = serde_json::to_string(campaign)?;
        match self {
            Store::Sqlite(pool) => {
                sqlx::query("INSERT INTO campaigns (id, json) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
                    .bind(&campaign.id).bind(&json).execute(pool).await?;
            }
            Store::Postgres(pool) => {
                sqlx::query("INSERT INTO campaigns (id, json) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = now()")
                    .bind(&campaign.id).bind(&json).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// The campaign with this id, if the receiver knows it.
    pub async fn campaign(&self, id: &str) -> anyhow::Result<Option<Campaign>> {
        let json: Option<String> = match self {
            Store::Sqlite(pool) => sqlx::query_scalar("SELECT json FROM campaigns WHERE id = ?1").bind(id).fetch_optional(pool).await?,
            Store::Postgres(pool) => sqlx::query_scalar("SELECT json FROM campaigns WHERE id = $1").bind(id).fetch_optional(pool).await?,
        };
        Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
    }
}
