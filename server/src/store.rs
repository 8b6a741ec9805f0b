//! The database: SQLite by default (one file, WAL, `synchronous=FULL`), PostgreSQL when the URL is
//! `postgres://…`. Both run the same SQL through sqlx's `Any` driver (`$1` placeholders work in
//! both), so there is one query per operation, not one per backend; only the migrations (types)
//! and the cross-instance notification differ.
//!
//! Timestamps are RFC 3339 text made by [`crate::clock`], never database functions, so both
//! backends store the same thing.

mod confirmation;
mod endorsement;
mod mail;
mod runs;
mod signature_batch;

pub use confirmation::{LinkTarget, SignerLinkPurpose};
pub use mail::{MailSigner, QueuedMail};

use crate::clock;
/// The domain types moved to [`crate::domain`]; re-exported so callers written against the store's
/// paths keep compiling (new code imports them from `crate::domain`).
pub use crate::domain::{
    CampaignRecord, CampaignSettings, Confirmation, ImportedSigner, KeptAnswer, Moderation, NewSigner, SignatureWrite,
    SignerCounts, SignerRow, SignerState, StatusChange, WriteOutcome,
};
use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyPool, Row};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::str::FromStr;
use undersigned_core::feed::{DemandState, Evidence};
use undersigned_core::signature::{SignerKind, ValidSignature};
use undersigned_core::status::DemandStatus;
use undersigned_core::Campaign;

mod audit;
pub mod checkpoint;
mod dashboard;
mod health;
mod like;
mod organizer_mail;
mod organizers;
mod pool_health;
mod privacy;
mod rate_limit;
mod revisions;
mod signatories;
mod upgrade;

pub use audit::{AuditEntry, AuditFilter};
pub use dashboard::{CampaignFigures, Delivery, SignerQuery};
pub use organizer_mail::FailedMail;
pub use organizers::{ApiTokenRecord, LinkPurpose, SessionRecord};
pub use signatories::{LetterSignatory, StoredSignatory};

/// The migrations of `migrations/{sqlite,postgres}/`, embedded by build.rs.
pub(crate) mod migrations {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// Embedded migrations as a source sqlx's migrator reads: the same versions, descriptions, SQL and
/// checksums as sqlx's `migrate!` macro gives, so databases migrated by either agree.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> futures_util::future::BoxFuture<'static, Result<Vec<Migration>, Box<dyn std::error::Error + Send + Sync>>>
    {
        let migrations = self
            .0
            .iter()
            .map(|&(version, description, sql)| {
                let no_tx = sql.starts_with("-- no-transaction");
                Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, Cow::Borrowed(sql), no_tx)
            })
            .collect();
        Box::pin(std::future::ready(Ok(migrations)))
    }
}

/// Applies the pending migrations of `source` to `pool`, after refusing a database of a newer release.
async fn migrate(pool: &AnyPool, source: Embedded) -> anyhow::Result<()> {
    upgrade::refuse_newer(pool, source.0).await?;
    Migrator::new(source).await?.run(pool).await?;
    Ok(())
}

/// The PostgreSQL channel on which a committed status change announces its history id.
pub const NOTIFY_CHANNEL: &str = "undersigned_events";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connected, migrated store.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// The signature writer's connections ([`crate::writer`]). On SQLite a pool of its own with one
    /// connection that reads never take: signatures never wait for a pooled connection behind a
    /// read storm, and the writer's page cache stays warm (a connection's cache is dropped when
    /// another connection wrote since its last transaction). On PostgreSQL the same pool.
    writes: AnyPool,
    backend: Backend,
    url: String,
}

/// Binds a new signer's columns in the order `campaign_id, kind, email_normalized, state, listed,
/// data, spam_reason, payload_hash` (the one place that order is written; both inserts use it).
fn bind_signer<'q>(query: AnyQuery<'q>, s: &'q NewSigner) -> AnyQuery<'q> {
    query
        .bind(&s.campaign_id)
        .bind(s.kind.as_str())
        .bind(&s.email_normalized)
        .bind(s.state.as_str())
        .bind(i64::from(s.listed))
        .bind(&s.data)
        .bind(&s.spam_reason)
        .bind(&s.payload_hash)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A SQLite pool of at most `connections`, each in WAL mode with `synchronous=FULL`; the `writer`'s
/// leaves the WAL's checkpoints to [`checkpoint`].
fn sqlite_pool(connections: u32, writer: bool) -> AnyPoolOptions {
    AnyPoolOptions::new().max_connections(connections).after_release(pool_health::keep_after_release).after_connect(
        move |conn, _| {
            Box::pin(async move {
                // busy_timeout: readers and the one writer wait for each other instead of failing.
                sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await?;
                sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                // Deleted rows are overwritten with zeros, not left in free space: an erased
                // signer is gone from the file (see `erase_signer`).
                sqlx::query("PRAGMA secure_delete = ON").execute(&mut *conn).await?;
                sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                if writer {
                    // The WAL is copied back by `checkpoint`'s task, not inside the writer's commits.
                    let pages = checkpoint::WRITER_BACKSTOP_PAGES;
                    sqlx::query(&format!("PRAGMA wal_autocheckpoint = {pages}")).execute(&mut *conn).await?;
                    // The statement journal (the pages a multi-row insert changed, kept in case a
                    // constraint aborts it) in memory, not in a temporary file: measured, 8.3
                    // write calls and 15 KB written per signature instead of 13.4 and 27 KB. It
                    // is never needed after a crash (the WAL is), and a statement changes at most
                    // a few hundred pages.
                    sqlx::query("PRAGMA temp_store = MEMORY").execute(&mut *conn).await?;
                }
                Ok(())
            })
        },
    )
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Store {
    /// Connects to `database_url` and applies pending migrations. A SQLite file (and its folder) is
    /// created when missing; every connection runs in WAL mode with `synchronous=FULL`, so that an
    /// acknowledged write survives a crash or power loss.
    pub async fn connect(database_url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        if is_postgres(database_url) {
            let options = AnyConnectOptions::from_str(database_url).context("the PostgreSQL URL is not valid")?;
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .connect_with(options)
                .await
                .context("cannot connect to PostgreSQL")?;
            migrate(&pool, Embedded(migrations::POSTGRES)).await.context("PostgreSQL migrations failed")?;
            let writes = pool.clone();
            return Ok(Store { pool, writes, backend: Backend::Postgres, url: database_url.to_string() });
        }
        let Some(path) = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:")) else {
            anyhow::bail!("`{database_url}` is neither a sqlite:// nor a postgres:// URL");
        };
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                crate::private_files::private_dir(parent)?;
            }
        }
        if path != ":memory:" {
            crate::private_files::private_database_file(std::path::Path::new(path))?;
        }
        let options =
            AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=rwc")).context("the SQLite URL is not valid")?;
        let open = |connections, writer| sqlite_pool(connections, writer).connect_with(options.clone());
        let pool = open(8, false).await.with_context(|| format!("cannot open the SQLite database {path}"))?;
        migrate(&pool, Embedded(migrations::SQLITE)).await.context("SQLite migrations failed")?;
        // An in-memory database is one per connection: there the writer shares the pool.
        let writes = if path == ":memory:" {
            pool.clone()
        } else {
            open(1, true).await.with_context(|| format!("cannot open the SQLite database {path}"))?
        };
        Ok(Store { pool, writes, backend: Backend::Sqlite, url: database_url.to_string() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes every connection (after the last write was committed).
    pub async fn close(&self) {
        self.writes.close().await;
        self.pool.close().await;
    }

    /// Creates or replaces a campaign (its settings are kept on update). `source` is the authoring
    /// text it was compiled from, kept so organizers can fetch what is live.
    pub async fn upsert_campaign(&self, campaign: &Campaign, source: Option<&str>) -> anyhow::Result<()> {
        let json = serde_json::to_string(campaign)?;
        // A new campaign asks signers to confirm by mail; an update keeps the campaign's setting.
        sqlx::query("INSERT INTO campaigns (id, json, source, confirmation) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET json = excluded.json, source = COALESCE(excluded.source, campaigns.source)")
            .bind(&campaign.id)
            .bind(&json)
            .bind(source)
            .bind(Confirmation::default().as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The campaign with this id and its settings, if the receiver knows it.
    pub async fn campaign(&self, id: &str) -> anyhow::Result<Option<CampaignRecord>> {
        let row = sqlx::query("SELECT moderation, organizations_need_review, allowed_origins, min_fill_ms, confirmation, goal, json FROM campaigns WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let campaign: Campaign =
            serde_json::from_str(&row.try_get::<String, _>("json")?).context("a stored campaign does not parse")?;
        Ok(Some(CampaignRecord { campaign, settings: settings_from_row(&row)? }))
    }

    /// Only the settings of a campaign (signing needs no more, and skips parsing the letter).
    pub async fn campaign_settings(&self, id: &str) -> anyhow::Result<Option<CampaignSettings>> {
        let row = sqlx::query(
            "SELECT moderation, organizations_need_review, allowed_origins, min_fill_ms, confirmation, goal FROM campaigns WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(settings_from_row).transpose()
    }

    /// Ids of every campaign, sorted.
    pub async fn campaign_ids(&self) -> anyhow::Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT id FROM campaigns ORDER BY id").fetch_all(&self.pool).await?)
    }

    /// Replaces a campaign's settings; false when the campaign does not exist.
    pub async fn set_campaign_settings(&self, id: &str, s: &CampaignSettings) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE campaigns SET moderation = $1, organizations_need_review = $2, allowed_origins = $3, min_fill_ms = $4, confirmation = $5, goal = $6 WHERE id = $7")
            .bind(s.moderation.as_str())
            .bind(i64::from(s.organizations_need_review))
            .bind(s.allowed_origins.join("\n"))
            .bind(s.min_fill_ms)
            .bind(s.confirmation.as_str())
            .bind(s.goal.and_then(|g| i64::try_from(g).ok()))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores imported signers in ONE transaction, in their order (so their ids follow it), leaving
    /// out every address that already signed its campaign; returns how many were stored. When any
    /// statement fails, nothing is stored.
    pub async fn import_signers(&self, signers: &[ImportedSigner]) -> anyhow::Result<u64> {
        // Many rows per statement: one round trip per run of up to 64 signers instead of one each.
        static INSERT: runs::Statement = runs::Statement::new(|rows| {
            format!(
                "INSERT INTO signers (campaign_id, kind, email_normalized, state, listed, data, spam_reason, payload_hash, created_at, decided_at, revision) VALUES {} \
                 ON CONFLICT (campaign_id, email_normalized) DO NOTHING",
                runs::tuples(rows, 10, 1, |sql, first| {
                    runs::params(sql, first, 10);
                    // Imported signers are attached to the letter's current revision, like new ones.
                    let _ = write!(sql, ", (SELECT MAX(number) FROM letter_revisions WHERE campaign_id = ${first})");
                })
            )
        });
        let mut tx = self.pool.begin().await?;
        let mut stored = 0;
        for run in runs::runs(signers) {
            let mut query = sqlx::query(INSERT.text(run.len()));
            for imported in run {
                query = bind_signer(query, &imported.signer).bind(&imported.created_at).bind(&imported.decided_at);
            }
            stored += query.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// Approved, confirmed signer counts, the letter's own signatories included.
    pub async fn signer_counts(&self, campaign: &str) -> anyhow::Result<SignerCounts> {
        let rows = sqlx::query("SELECT kind, listed, COUNT(*) AS n FROM signers WHERE campaign_id = $1 AND state = 'approved' AND awaiting_confirmation = 0 GROUP BY kind, listed")
            .bind(campaign)
            .fetch_all(&self.pool)
            .await?;
        // The letter's own signatories count like approved, listed signers.
        let (organizations, individuals) = self.letter_signatory_counts(campaign).await?;
        let mut counts = SignerCounts { total: organizations + individuals, organizations, individuals };
        for row in rows {
            let (kind, listed, n): (String, i64, i64) =
                (row.try_get("kind")?, row.try_get("listed")?, row.try_get("n")?);
            // COUNT(*) is never negative.
            let n = u64::try_from(n).unwrap_or(0);
            counts.total += n;
            if listed != 0 {
                match SignerKind::parse(&kind) {
                    Some(SignerKind::Organization) => counts.organizations += n,
                    Some(SignerKind::Individual) => counts.individuals += n,
                    None => {}
                }
            }
        }
        Ok(counts)
    }

    /// One page of approved, confirmed, listed signers of one kind, oldest first: (id, validated
    /// submission, the revision they endorsed). [`Store::public_list`] adds the letter's own signatories.
    pub async fn public_signers(
        &self,
        campaign: &str,
        kind: SignerKind,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<(i64, ValidSignature, Option<u32>)>> {
        let rows = sqlx::query("SELECT id, data, revision FROM signers WHERE campaign_id = $1 AND state = 'approved' AND listed = 1 AND awaiting_confirmation = 0 AND kind = $2 ORDER BY id LIMIT $3 OFFSET $4")
            .bind(campaign)
            .bind(kind.as_str())
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                let revision = r.try_get::<Option<i64>, _>("revision")?.and_then(|n| u32::try_from(n).ok());
                Ok((r.try_get("id")?, serde_json::from_str(&r.try_get::<String, _>("data")?)?, revision))
            })
            .collect()
    }

    /// Signers for organizers, including emails, optionally of one state; oldest first.
    pub async fn signers(
        &self,
        campaign: &str,
        state: Option<SignerState>,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<SignerRow>> {
        let rows = sqlx::query("SELECT id, kind, state, listed, email_normalized, data, spam_reason, created_at, decided_at, awaiting_confirmation, revision FROM signers WHERE campaign_id = $1 AND ($2 = '' OR state = $2) ORDER BY id LIMIT $3 OFFSET $4")
            .bind(campaign)
            .bind(state.map_or("", SignerState::as_str))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(SignerRow {
                    id: r.try_get("id")?,
                    kind: SignerKind::parse(&r.try_get::<String, _>("kind")?)
                        .context("a stored signer has an unknown kind")?,
                    state: SignerState::parse(&r.try_get::<String, _>("state")?)
                        .context("a stored signer has an unknown state")?,
                    listed: r.try_get::<i64, _>("listed")? != 0,
                    email: r.try_get("email_normalized")?,
                    data: serde_json::from_str(&r.try_get::<String, _>("data")?)?,
                    spam_reason: r.try_get("spam_reason")?,
                    created_at: r.try_get("created_at")?,
                    decided_at: r.try_get("decided_at")?,
                    awaiting_confirmation: r.try_get::<i64, _>("awaiting_confirmation")? != 0,
                    revision: r.try_get::<Option<i64>, _>("revision")?.and_then(|n| u32::try_from(n).ok()),
                    domain_verified: false,
                })
                .map(|mut row| {
                    row.domain_verified = row.data.domain_verified();
                    row
                })
            })
            .collect()
    }

    /// Moves a signer to `state` (approve, reject, or back to pending); false when there is no such
    /// signer in this campaign.
    pub async fn set_signer_state(&self, campaign: &str, id: i64, state: SignerState) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE signers SET state = $1, decided_at = $2 WHERE campaign_id = $3 AND id = $4")
            .bind(state.as_str())
            .bind(clock::now())
            .bind(campaign)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Erases a signer completely (right to erasure): the row and the stored answers of the
    /// idempotency keys are deleted; false when there is no such signer.
    pub async fn erase_signer(&self, campaign: &str, id: i64) -> anyhow::Result<bool> {
        let mut tx = self.pool.begin().await?;
        // The stored answers hold no personal data, but their payload hash could confirm a
        // guessed submission: they go with the signer.
        sqlx::query("DELETE FROM idempotency_keys WHERE campaign_id = $1 AND payload_hash IN (SELECT payload_hash FROM signers WHERE campaign_id = $1 AND id = $2)")
            .bind(campaign)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM signers WHERE campaign_id = $1 AND id = $2")
            .bind(campaign)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.scrub_erased().await;
        Ok(done.rows_affected() > 0)
    }

    /// The status of every demand that was changed since import, as of change `upto` (inclusive):
    /// the latest history entry of each demand with an id not above it.
    pub async fn demand_states(&self, campaign: &str, upto: i64) -> anyhow::Result<Vec<DemandState>> {
        let rows = sqlx::query("SELECT h.demand_id AS demand_id, h.status AS status, h.note AS note, h.evidence AS evidence, h.changed_at AS changed_at FROM demand_history h WHERE h.campaign_id = $1 AND h.id = (SELECT MAX(l.id) FROM demand_history l WHERE l.campaign_id = h.campaign_id AND l.demand_id = h.demand_id AND l.id <= $2)")
            .bind(campaign)
            .bind(upto)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(demand_from_row).collect()
    }

    /// Records a demand's new status, note and evidence as a history entry whose id orders the change among all others (the SSE event id). On PostgreSQL the writers
    /// take one advisory lock so that ids commit in order (a reader never skips a late commit) and
    /// the change is announced with NOTIFY, delivered to every instance at commit.
    pub async fn set_demand_status(
        &self,
        campaign: &str,
        state: &DemandState,
        changed_by: &str,
    ) -> anyhow::Result<i64> {
        let evidence = serde_json::to_string(&state.evidence)?;
        let now = clock::now();
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(7275737) :: TEXT").execute(&mut *tx).await?;
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO demand_history (campaign_id, demand_id, status, note, evidence, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(campaign)
            .bind(&state.id)
            .bind(state.status.as_str())
            .bind(&state.note)
            .bind(&evidence)
            .bind(&now)
            .bind(changed_by)
            .fetch_one(&mut *tx)
            .await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2) :: TEXT")
                .bind(NOTIFY_CHANNEL)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Status changes with an id above `after`, oldest first, at most `limit`; of one campaign or all.
    pub async fn status_changes_after(
        &self,
        campaign: Option<&str>,
        after: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<StatusChange>> {
        let rows = sqlx::query("SELECT id, campaign_id, demand_id, status, note, evidence, changed_at, changed_by FROM demand_history WHERE id > $1 AND ($2 = '' OR campaign_id = $2) ORDER BY id LIMIT $3")
            .bind(after)
            .bind(campaign.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(change_from_row).collect()
    }

    /// The history of one demand, oldest first.
    pub async fn demand_history(&self, campaign: &str, demand: &str) -> anyhow::Result<Vec<StatusChange>> {
        let rows = sqlx::query("SELECT id, campaign_id, demand_id, status, note, evidence, changed_at, changed_by FROM demand_history WHERE campaign_id = $1 AND demand_id = $2 ORDER BY id")
            .bind(campaign)
            .bind(demand)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(change_from_row).collect()
    }

    /// The id of the latest status change (0 when there is none).
    pub async fn latest_change_id(&self, campaign: Option<&str>) -> anyhow::Result<i64> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT MAX(id) FROM demand_history WHERE ($1 = '' OR campaign_id = $1)")
                .bind(campaign.unwrap_or(""))
                .fetch_one(&self.pool)
                .await?;
        Ok(id.unwrap_or(0))
    }

    /// Forgets idempotency answers older than `before` (a timestamp): retries come within minutes
    /// or days, and the hashes should not be kept forever.
    pub async fn prune_idempotency_keys(&self, before: &str) -> anyhow::Result<u64> {
        Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

/// Reads a campaign's settings columns. A value that names no moderation or confirmation is an
/// error (a damaged database), never silently read as another setting.
fn settings_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<CampaignSettings> {
    let moderation: String = row.try_get("moderation")?;
    let confirmation: String = row.try_get("confirmation")?;
    let origins: String = row.try_get("allowed_origins")?;
    Ok(CampaignSettings {
        moderation: moderation.parse().map_err(anyhow::Error::msg).context("a stored campaign's settings")?,
        organizations_need_review: row.try_get::<i64, _>("organizations_need_review")? != 0,
        allowed_origins: origins.lines().map(str::to_string).filter(|o| !o.is_empty()).collect(),
        min_fill_ms: row.try_get("min_fill_ms")?,
        confirmation: confirmation.parse().map_err(anyhow::Error::msg).context("a stored campaign's settings")?,
        goal: row.try_get::<Option<i64>, _>("goal")?.and_then(|g| u64::try_from(g).ok()),
    })
}

/// Reads a history row (every column of `demand_history`).
fn change_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<StatusChange> {
    Ok(StatusChange {
        id: r.try_get("id")?,
        campaign: r.try_get("campaign_id")?,
        demand: demand_from_row(r)?,
        changed_by: r.try_get("changed_by")?,
    })
}

/// Reads a demand's state from the history columns `demand_id, status, note, evidence, changed_at`.
fn demand_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<DemandState> {
    let status: String = r.try_get("status")?;
    let evidence: Vec<Evidence> = serde_json::from_str(&r.try_get::<String, _>("evidence")?)?;
    Ok(DemandState {
        id: r.try_get("demand_id")?,
        status: DemandStatus::parse(&status).map_err(anyhow::Error::msg)?,
        note: r.try_get("note")?,
        updated_at: Some(r.try_get("changed_at")?),
        evidence,
    })
}
