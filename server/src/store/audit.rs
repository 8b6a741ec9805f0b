//! Queries of the audit log: who did what, when, on which campaign. Written by every change,
//! sign-in and export of the back office, the admin API and the CLI; never updated or deleted.

use super::like::like_escape;
use super::Store;
use crate::clock;
use crate::domain::AuditAction;
use sqlx::Row;

/// One line of the audit log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub campaign: String,
    pub action: String,
    pub detail: String,
}

/// Which lines to read (every field optional: empty means any).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub campaign: String,
    /// Part of the actor's name (case-insensitive).
    pub actor: String,
    /// An action, exactly (`signers.export`, `demand.status`, …).
    pub action: String,
    /// Only lines with a smaller id (the next page).
    pub before: Option<i64>,
    /// With `campaign`: include the lines of no campaign (sign-ins, accounts), which name
    /// organizers and the addresses tried at the sign-in form.
    pub with_sign_ins: bool,
}

impl Store {
    /// Appends a line to the audit log.
    pub async fn audit(&self, actor: &str, campaign: &str, action: AuditAction, detail: &str) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor, campaign_id, action, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(clock::now())
            .bind(actor)
            .bind(campaign)
            .bind(action.as_str())
            .bind(detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Lines of the log matching `filter`, newest first, at most `limit`.
    pub async fn audit_entries(&self, filter: &AuditFilter, limit: i64) -> anyhow::Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT id, at, actor, campaign_id, action, detail FROM audit_log WHERE ($1 = '' OR campaign_id = $1 OR ($6 = 1 AND campaign_id = '')) AND ($2 = '' OR LOWER(actor) LIKE $2) AND ($3 = '' OR action = $3) AND id < $4 ORDER BY id DESC LIMIT $5")
            .bind(&filter.campaign)
            .bind(if filter.actor.is_empty() { String::new() } else { format!("%{}%", like_escape(&filter.actor.to_lowercase())) })
            .bind(&filter.action)
            .bind(filter.before.unwrap_or(i64::MAX))
            .bind(limit)
            .bind(i64::from(filter.with_sign_ins))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    campaign: r.try_get("campaign_id")?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }
}
