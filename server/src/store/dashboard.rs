//! Queries of the back office's pages: a campaign's figures (by state, by day, by partner source),
//! the signer search with its filters, and the record of the letter's deliveries.

use super::like::like_escape;
use super::{Backend, SignerRow, SignerState, Store};
use crate::clock;
use anyhow::Context;
use sqlx::Row;
use undersigned_core::signature::{SignerKind, ValidSignature};

/// A campaign's figures for its overview page.
#[derive(Debug, Clone, Default)]
pub struct CampaignFigures {
    /// Signers in each state ([`SignerState::ALL`] order).
    pub by_state: [i64; 4],
    /// Signers received today (UTC).
    pub today: i64,
    /// (day `YYYY-MM-DD`, signers received that day), oldest first, days without any left out.
    pub per_day: Vec<(String, i64)>,
    /// (partner source, or "" for none, signers), most first.
    pub by_source: Vec<(String, i64)>,
    /// Signatures waiting for their signer to confirm by mail: in none of the figures above (they
    /// are not signers yet, and are deleted when left unconfirmed).
    pub awaiting_confirmation: i64,
}

/// The signer search of the signers page (every field optional).
#[derive(Debug, Clone, Default)]
pub struct SignerQuery {
    /// Part of the email (when `in_emails`), name or organization (case-insensitive).
    pub text: String,
    /// Whether `text` is looked for in email addresses too (not for roles that may not see them:
    /// a search would tell them anyway).
    pub in_emails: bool,
    pub state: Option<SignerState>,
    pub kind: Option<SignerKind>,
    /// The partner source exactly; `Some("")` for signers without one.
    pub source: Option<String>,
    /// Only signatures awaiting email confirmation (true), or only confirmed ones (false).
    pub awaiting_confirmation: Option<bool>,
}

/// A delivery of the letter.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivery {
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub delivered_on: String,
    pub recipient: String,
    /// How: by hand, by mail, by email, at a hearing…
    pub method: String,
    pub note: String,
    /// Shown on the public letter page.
    pub public: bool,
    pub created_by: String,
}

impl Store {
    /// A JSON text field of a signer's `data`, as SQL for this backend.
    fn data_field(&self, field: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("COALESCE(json_extract(data, '$.{field}'), '')"),
            Backend::Postgres => format!("COALESCE(data::json ->> '{field}', '')"),
        }
    }

    /// The overview's figures; `since_day` (`YYYY-MM-DD`) bounds the per-day series. Signatures
    /// awaiting email confirmation are counted apart, in no other figure.
    pub async fn campaign_figures(&self, campaign: &str, since_day: &str) -> anyhow::Result<CampaignFigures> {
        let mut figures = CampaignFigures::default();
        let rows = sqlx::query(
            "SELECT state, COUNT(*) AS n FROM signers WHERE campaign_id = $1 AND awaiting_confirmation = 0 GROUP BY state",
        )
        .bind(campaign)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let state: String = r.try_get("state")?;
            if let Some(i) = SignerState::ALL.iter().position(|s| s.as_str() == state) {
                figures.by_state[i] = r.try_get("n")?;
            }
        }
        let today = clock::now()[..10].to_string();
        figures.today = sqlx::query_scalar(
            "SELECT COUNT(*) FROM signers WHERE campaign_id = $1 AND awaiting_confirmation = 0 AND created_at >= $2",
        )
        .bind(campaign)
        .bind(&today)
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query("SELECT SUBSTR(created_at, 1, 10) AS day, COUNT(*) AS n FROM signers WHERE campaign_id = $1 AND awaiting_confirmation = 0 AND created_at >= $2 GROUP BY SUBSTR(created_at, 1, 10) ORDER BY 1")
            .bind(campaign)
            .bind(since_day)
            .fetch_all(&self.pool)
            .await?;
        figures.per_day =
            rows.iter().map(|r| Ok((r.try_get("day")?, r.try_get("n")?))).collect::<anyhow::Result<_>>()?;
        let source = self.data_field("source");
        let rows = sqlx::query(&format!("SELECT {source} AS source, COUNT(*) AS n FROM signers WHERE campaign_id = $1 AND awaiting_confirmation = 0 GROUP BY {source} ORDER BY 2 DESC, 1 LIMIT 50"))
            .bind(campaign)
            .fetch_all(&self.pool)
            .await?;
        figures.by_source =
            rows.iter().map(|r| Ok((r.try_get("source")?, r.try_get("n")?))).collect::<anyhow::Result<_>>()?;
        figures.awaiting_confirmation =
            sqlx::query_scalar("SELECT COUNT(*) FROM signers WHERE campaign_id = $1 AND awaiting_confirmation <> 0")
                .bind(campaign)
                .fetch_one(&self.pool)
                .await?;
        Ok(figures)
    }

    /// Signers matching `query`, oldest first.
    pub async fn search_signers(
        &self,
        campaign: &str,
        query: &SignerQuery,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<SignerRow>> {
        let (name, organization, source) =
            (self.data_field("name"), self.data_field("organization"), self.data_field("source"));
        let sql = format!(
            "SELECT id, kind, state, listed, email_normalized, data, spam_reason, created_at, decided_at, awaiting_confirmation, revision FROM signers \
             WHERE campaign_id = $1 AND ($2 = '' OR state = $2) AND ($3 = '' OR kind = $3) AND ($4 = 0 OR {source} = $5) \
             AND ($6 = '' OR ($9 = 1 AND email_normalized LIKE $6) OR LOWER({name}) LIKE $6 OR LOWER({organization}) LIKE $6) \
             AND ($10 = -1 OR ($10 = 1) = (awaiting_confirmation <> 0)) \
             ORDER BY id LIMIT $7 OFFSET $8"
        );
        let text = query.text.trim().to_lowercase();
        let rows = sqlx::query(&sql)
            .bind(campaign)
            .bind(query.state.map_or("", SignerState::as_str))
            .bind(query.kind.map_or("", SignerKind::as_str))
            .bind(i64::from(query.source.is_some()))
            .bind(query.source.clone().unwrap_or_default())
            .bind(if text.is_empty() { String::new() } else { format!("%{}%", like_escape(&text)) })
            .bind(limit)
            .bind(offset)
            .bind(i64::from(query.in_emails))
            .bind(query.awaiting_confirmation.map_or(-1, i64::from))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(signer_from_row).collect()
    }

    /// Records a delivery; returns its id.
    pub async fn add_delivery(&self, campaign: &str, d: &Delivery) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("INSERT INTO deliveries (campaign_id, delivered_on, recipient, method, note, public, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(campaign)
            .bind(&d.delivered_on)
            .bind(&d.recipient)
            .bind(&d.method)
            .bind(&d.note)
            .bind(i64::from(d.public))
            .bind(clock::now())
            .bind(&d.created_by)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The deliveries of a campaign (only the public ones when `public_only`), latest first.
    pub async fn deliveries(&self, campaign: &str, public_only: bool) -> anyhow::Result<Vec<Delivery>> {
        let rows = sqlx::query("SELECT id, delivered_on, recipient, method, note, public, created_by FROM deliveries WHERE campaign_id = $1 AND ($2 = 0 OR public = 1) ORDER BY delivered_on DESC, id DESC")
            .bind(campaign)
            .bind(i64::from(public_only))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    id: r.try_get("id")?,
                    delivered_on: r.try_get("delivered_on")?,
                    recipient: r.try_get("recipient")?,
                    method: r.try_get("method")?,
                    note: r.try_get("note")?,
                    public: r.try_get::<i64, _>("public")? != 0,
                    created_by: r.try_get("created_by")?,
                })
            })
            .collect()
    }

    /// Every approved, confirmed signer of a campaign, organizations first, each in the order they signed
    /// (the delivery page lists them all, listed publicly or not: the letter goes to its recipient
    /// with every name).
    pub async fn approved_signers(&self, campaign: &str) -> anyhow::Result<Vec<SignerRow>> {
        let rows = sqlx::query("SELECT id, kind, state, listed, email_normalized, data, spam_reason, created_at, decided_at, awaiting_confirmation, revision FROM signers WHERE campaign_id = $1 AND state = 'approved' AND awaiting_confirmation = 0 ORDER BY CASE kind WHEN 'organization' THEN 0 ELSE 1 END, id")
            .bind(campaign)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(signer_from_row).collect()
    }
}

/// Reads a signer selected with the columns id, kind, state, listed, email_normalized, data,
/// spam_reason, created_at, decided_at, awaiting_confirmation and revision.
pub(super) fn signer_from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<SignerRow> {
    let data: ValidSignature = serde_json::from_str(&r.try_get::<String, _>("data")?)?;
    Ok(SignerRow {
        domain_verified: data.domain_verified(),
        id: r.try_get("id")?,
        kind: SignerKind::parse(&r.try_get::<String, _>("kind")?).context("a stored signer has an unknown kind")?,
        state: SignerState::parse(&r.try_get::<String, _>("state")?).context("a stored signer has an unknown state")?,
        listed: r.try_get::<i64, _>("listed")? != 0,
        email: r.try_get("email_normalized")?,
        data,
        spam_reason: r.try_get("spam_reason")?,
        created_at: r.try_get("created_at")?,
        decided_at: r.try_get("decided_at")?,
        awaiting_confirmation: r.try_get::<i64, _>("awaiting_confirmation")? != 0,
        revision: r.try_get::<Option<i64>, _>("revision")?.and_then(|n| u32::try_from(n).ok()),
    })
}

impl Store {
    /// One signer of a campaign.
    pub async fn signer(&self, campaign: &str, id: i64) -> anyhow::Result<Option<SignerRow>> {
        let row = sqlx::query("SELECT id, kind, state, listed, email_normalized, data, spam_reason, created_at, decided_at, awaiting_confirmation, revision FROM signers WHERE campaign_id = $1 AND id = $2")
            .bind(campaign)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(signer_from_row).transpose()
    }
}

impl Store {
    /// The authoring source a campaign was last imported from, if it was kept.
    pub async fn campaign_source(&self, campaign: &str) -> anyhow::Result<Option<String>> {
        let source: Option<Option<String>> = sqlx::query_scalar("SELECT source FROM campaigns WHERE id = $1")
            .bind(campaign)
            .fetch_optional(&self.pool)
            .await?;
        Ok(source.flatten())
    }
}
