//! Mail to organizers in the queue ([`crate::mail::organizer`]: invitations, sign-in links), and
//! the mail the sender gave up on, which owners see in the back office. A row names the
//! organizer, never an address: removing the account deletes its mail.

use super::Store;
use crate::mail::MailKind;
use anyhow::Context;
use sqlx::Row;

/// A mail the sender gave up on after its retries (shown to owners, with the recipient's address).
#[derive(Debug, Clone)]
pub struct FailedMail {
    pub id: i64,
    pub kind: MailKind,
    pub to: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: String,
    pub failed_at: String,
}

impl Store {
    /// Queues `kind` for `organizer` about `campaign`, unless one of that kind is already waiting
    /// for them (repeated invitations or requests for a link cannot flood an inbox). True when
    /// queued.
    pub async fn queue_organizer_mail(
        &self,
        organizer: i64,
        campaign: Option<&str>,
        kind: MailKind,
        lang: &str,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO mail_queue (organizer_id, campaign_id, kind, lang, next_attempt_at, created_at) \
             SELECT $1, $2, $3, $4, $5, $5 WHERE NOT EXISTS \
             (SELECT 1 FROM mail_queue q WHERE q.organizer_id = $1 AND q.kind = $3 AND q.failed_at IS NULL)",
        )
        .bind(organizer)
        .bind(campaign)
        .bind(kind.as_str())
        .bind(lang)
        .bind(crate::clock::now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Mail to signers of `campaign`, and to organizers about it, that the sender gave up on;
    /// newest first.
    pub async fn failed_mail(&self, campaign: &str) -> anyhow::Result<Vec<FailedMail>> {
        let rows = sqlx::query(
            "SELECT q.id AS id, q.kind AS kind, COALESCE(s.email_normalized, o.email, '') AS recipient, q.attempts AS attempts, \
             COALESCE(q.last_error, '') AS last_error, q.created_at AS created_at, q.failed_at AS failed_at FROM mail_queue q \
             LEFT JOIN signers s ON s.id = q.signer_id LEFT JOIN organizers o ON o.id = q.organizer_id \
             WHERE q.failed_at IS NOT NULL AND (s.campaign_id = $1 OR q.campaign_id = $1) \
             ORDER BY q.failed_at DESC, q.id DESC LIMIT 200",
        )
        .bind(campaign)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FailedMail {
                    id: r.try_get("id")?,
                    kind: MailKind::parse(&r.try_get::<String, _>("kind")?)
                        .context("a failed mail has an unknown kind")?,
                    to: r.try_get("recipient")?,
                    attempts: r.try_get("attempts")?,
                    last_error: r.try_get("last_error")?,
                    created_at: r.try_get("created_at")?,
                    failed_at: r.try_get("failed_at")?,
                })
            })
            .collect()
    }

    /// Forgets failed mail older than `before` (hourly); returns how many rows went.
    pub async fn forget_failed_mail(&self, before: &str) -> anyhow::Result<u64> {
        Ok(sqlx::query("DELETE FROM mail_queue WHERE failed_at IS NOT NULL AND failed_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// How many of `organizer`'s links of `purpose` are unexpired, used or not (sign-in links live
    /// minutes: this counts the ones asked for lately, to refuse a flood of them).
    pub async fn unexpired_links(&self, organizer: i64, purpose: super::LinkPurpose) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM organizer_links WHERE organizer_id = $1 AND purpose = $2 AND expires_at > $3",
        )
        .bind(organizer)
        .bind(purpose.as_str())
        .bind(crate::clock::now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Uses up every unused link of `organizer` for `purpose` (an accepted invitation leaves no
    /// other invitation link working).
    pub async fn use_up_links(&self, organizer: i64, purpose: super::LinkPurpose) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE organizer_links SET used_at = $3 WHERE organizer_id = $1 AND purpose = $2 AND used_at IS NULL",
        )
        .bind(organizer)
        .bind(purpose.as_str())
        .bind(crate::clock::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
