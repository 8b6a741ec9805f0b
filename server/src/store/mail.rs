//! The outgoing mail queue ([`crate::mail`]): rows written with the change they report, taken by
//! the sender when due, deleted once sent, retried later when sending failed. A row names its
//! signer (or an organizer, [`super::organizer_mail`]), not an address: erasing the signer deletes
//! the mail with it. A mail given up on after its retries stays, marked failed, for owners to see.

use super::runs::{params, runs, tuples, Statement};
use super::Store;
use crate::mail::MailKind;
use anyhow::Context;
use sqlx::Row;
use std::collections::HashMap;
use undersigned_core::signature::ValidSignature;

/// A mail waiting in the queue.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    /// The signer it goes to; None for mail to an organizer.
    pub signer_id: Option<i64>,
    /// The organizer it goes to; None for mail to a signer.
    pub organizer_id: Option<i64>,
    /// For mail to an organizer: the campaign it is about.
    pub campaign_id: Option<String>,
    pub kind: MailKind,
    pub lang: String,
    pub attempts: i64,
    pub next_attempt_at: String,
}

/// What a mail needs to know about its signer.
#[derive(Debug, Clone)]
pub struct MailSigner {
    pub campaign_id: String,
    pub email: String,
    pub signature: ValidSignature,
    pub created_at: String,
    pub awaiting_confirmation: bool,
}

/// A signing that asks for mail ([`queue_signing_mails`]).
pub(super) struct SigningMail<'a> {
    pub campaign_id: &'a str,
    pub email_normalized: &'a str,
    /// The signer this signing inserted; None when the address had signed before.
    pub inserted: Option<i64>,
    pub lang: &'a str,
}

/// Signers holding addresses with no "you had already signed" mail waiting: `$1` the kind, then
/// per row `campaign_id, email_normalized`.
static WITHOUT_REPEAT_WAITING: Statement = Statement::new(|rows| {
    format!(
        "SELECT s.id AS id, s.campaign_id AS campaign_id, s.email_normalized AS email_normalized FROM signers s \
         WHERE (s.campaign_id, s.email_normalized) IN (VALUES {}) \
         AND NOT EXISTS (SELECT 1 FROM mail_queue q WHERE q.signer_id = s.id AND q.kind = $1 AND q.failed_at IS NULL)",
        tuples(rows, 2, 2, |sql, first| params(sql, first, 2))
    )
});

/// Queues mail to signers: `$1` the time, then per row `signer_id, kind, lang`.
static QUEUE: Statement = Statement::new(|rows| {
    format!(
        "INSERT INTO mail_queue (signer_id, kind, lang, next_attempt_at, created_at) VALUES {}",
        tuples(rows, 3, 2, |sql, first| {
            params(sql, first, 3);
            sql.push_str(", $1, $1");
        })
    )
});

/// Queues the mail that answers each signing, in the signings' transaction and order: a
/// confirmation for a new signer (`inserted`), else "you had already signed" to the signer already
/// holding the address. A known address gets at most one such mail waiting at a time, so repeated
/// posts of someone else's address cannot flood its inbox.
pub(super) async fn queue_signing_mails(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    signings: &[SigningMail<'_>],
    now: &str,
) -> anyhow::Result<()> {
    // The signers of the known addresses that may get "you had already signed" now.
    let known: Vec<(&str, &str)> =
        signings.iter().filter(|m| m.inserted.is_none()).map(|m| (m.campaign_id, m.email_normalized)).collect();
    let mut repeat_to: HashMap<(String, String), i64> = HashMap::new();
    for run in runs(&known) {
        let mut query = sqlx::query(WITHOUT_REPEAT_WAITING.text(run.len())).bind(MailKind::Repeat.as_str());
        for (campaign, email) in run {
            query = query.bind(*campaign).bind(*email);
        }
        for row in query.fetch_all(&mut **tx).await? {
            repeat_to.insert((row.try_get("campaign_id")?, row.try_get("email_normalized")?), row.try_get("id")?);
        }
    }
    let mut mails: Vec<(i64, MailKind, &str)> = Vec::with_capacity(signings.len());
    for m in signings {
        match m.inserted {
            Some(id) => mails.push((id, MailKind::Signed, m.lang)),
            // The first signing of a known address takes its one mail.
            None => {
                if let Some(id) = repeat_to.remove(&(m.campaign_id.to_owned(), m.email_normalized.to_owned())) {
                    mails.push((id, MailKind::Repeat, m.lang));
                }
            }
        }
    }
    for run in runs(&mails) {
        let mut query = sqlx::query(QUEUE.text(run.len())).bind(now);
        for (id, kind, lang) in run {
            query = query.bind(*id).bind(kind.as_str()).bind(*lang);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// Queues a link to withdraw for the signer of `campaign` with this address, if there is one
    /// (and none is waiting already). The caller answers the same either way.
    pub async fn queue_withdraw_link(&self, campaign: &str, email_normalized: &str, lang: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO mail_queue (signer_id, kind, lang, next_attempt_at, created_at) \
             SELECT s.id, $1, $2, $3, $3 FROM signers s WHERE s.campaign_id = $4 AND s.email_normalized = $5 \
             AND NOT EXISTS (SELECT 1 FROM mail_queue q WHERE q.signer_id = s.id AND q.kind = $1 AND q.failed_at IS NULL)",
        )
        .bind(MailKind::WithdrawLink.as_str())
        .bind(lang)
        .bind(crate::clock::now())
        .bind(campaign)
        .bind(email_normalized)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Mail due at `now`, oldest first.
    pub async fn due_mail(&self, now: &str, limit: i64) -> anyhow::Result<Vec<QueuedMail>> {
        let rows = sqlx::query(
            "SELECT id, signer_id, kind, lang, attempts, next_attempt_at, organizer_id, campaign_id FROM mail_queue \
             WHERE next_attempt_at <= $1 AND failed_at IS NULL ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QueuedMail {
                    id: r.try_get("id")?,
                    signer_id: r.try_get("signer_id")?,
                    kind: MailKind::parse(&r.try_get::<String, _>("kind")?)
                        .context("a queued mail has an unknown kind")?,
                    lang: r.try_get("lang")?,
                    attempts: r.try_get("attempts")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                    organizer_id: r.try_get("organizer_id")?,
                    campaign_id: r.try_get("campaign_id")?,
                })
            })
            .collect()
    }

    /// Takes a due mail for sending until `lease_until` (so that another instance leaves it alone);
    /// false when another sender took it first.
    pub async fn claim_mail(&self, mail: &QueuedMail, lease_until: &str) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE mail_queue SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3")
            .bind(lease_until)
            .bind(mail.id)
            .bind(&mail.next_attempt_at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The signer a mail goes to (None once erased).
    pub async fn mail_signer(&self, signer_id: i64) -> anyhow::Result<Option<MailSigner>> {
        let row = sqlx::query("SELECT campaign_id, data, created_at, awaiting_confirmation FROM signers WHERE id = $1")
            .bind(signer_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let signature: ValidSignature = serde_json::from_str(&row.try_get::<String, _>("data")?)?;
        Ok(Some(MailSigner {
            campaign_id: row.try_get("campaign_id")?,
            email: signature.email.clone(),
            signature,
            created_at: row.try_get("created_at")?,
            awaiting_confirmation: row.try_get::<i64, _>("awaiting_confirmation")? != 0,
        }))
    }

    /// Makes every waiting mail due now (at start).
    pub async fn retry_waiting_mail_now(&self) -> anyhow::Result<()> {
        let now = crate::clock::now();
        sqlx::query("UPDATE mail_queue SET next_attempt_at = $1 WHERE next_attempt_at > $1 AND failed_at IS NULL")
            .bind(&now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sent: the row goes.
    pub async fn mail_sent(&self, id: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM mail_queue WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Not sent: try again at `next_attempt_at`.
    pub async fn mail_failed(&self, id: i64, attempts: i64, next_attempt_at: &str, error: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE mail_queue SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4")
            .bind(attempts)
            .bind(next_attempt_at)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Given up after its retries: kept, marked failed, never sent again (owners see it in the
    /// back office; pruned after [`crate::mail::FAILED_MAIL_DAYS`] days).
    pub async fn mail_gave_up(&self, id: i64, attempts: i64, error: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE mail_queue SET attempts = $1, failed_at = $2, last_error = $3 WHERE id = $4")
            .bind(attempts)
            .bind(crate::clock::now())
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Mail waiting in the queue (for the admin API, tests and the bench); not the failed mail.
    pub async fn queued_mail_count(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue WHERE failed_at IS NULL").fetch_one(&self.pool).await?)
    }
}
