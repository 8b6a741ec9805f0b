//! Asking the signers of an earlier revision to endorse the letter's current text: the organizer
//! queues one mail per such signer ([`crate::mail::MailKind::Endorse`]); its link, once pressed,
//! moves the signature to the current revision. Until then the signature stays with the text it
//! endorsed (and is marked so in the list).

use super::confirmation::take_link;
use super::{LinkTarget, SignerLinkPurpose, SignerState, Store};
use crate::clock;
use crate::mail::MailKind;
use sqlx::Row;
use undersigned_core::signature::ValidSignature;

/// The signers a request goes to (`$1` the campaign, `$2` and `$3` the moderation states kept,
/// `$4` the mail kind): confirmed signatures, approved or waiting for review (a rejected or spam
/// signature is not the coalition's; an unconfirmed one has not endorsed anything yet), attached
/// to a revision whose text differs from the current one (going back to an earlier text unmarks
/// its signers), with no such request already waiting to be sent. Erased and withdrawn signers
/// have no row.
const CANDIDATES: &str =
    "FROM signers s JOIN letter_revisions r ON r.campaign_id = s.campaign_id AND r.number = s.revision \
     WHERE s.campaign_id = $1 AND s.awaiting_confirmation = 0 AND s.state IN ($2, $3) \
     AND r.hash <> (SELECT c.hash FROM letter_revisions c WHERE c.campaign_id = $1 ORDER BY c.number DESC LIMIT 1) \
     AND NOT EXISTS (SELECT 1 FROM mail_queue q WHERE q.signer_id = s.id AND q.kind = $4 AND q.failed_at IS NULL)";

impl Store {
    /// How many signers a request to endorse the current text would mail now (the back office
    /// shows it beside the button).
    pub async fn endorse_request_candidates(&self, campaign: &str) -> anyhow::Result<u64> {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {CANDIDATES}"))
            .bind(campaign)
            .bind(SignerState::Approved.as_str())
            .bind(SignerState::Pending.as_str())
            .bind(MailKind::Endorse.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n)?)
    }

    /// Queues a request to endorse the current text to every signer of `campaign` who endorsed
    /// a revision with another text (see [`CANDIDATES`]). Each mail is in the language the
    /// signer signed in (English when unknown). Returns how many were queued.
    ///
    /// The candidates are read first, then each is queued by one `INSERT … SELECT` that checks
    /// again that it still is one (a second press, or another receiver, queues nothing twice):
    /// a SQLite transaction that read before writing could not take the write lock once another
    /// connection (the mail sender) wrote meanwhile, whereas one that starts by writing waits.
    pub async fn queue_endorse_requests(&self, campaign: &str) -> anyhow::Result<u64> {
        let rows = sqlx::query(&format!("SELECT s.id, s.data {CANDIDATES} ORDER BY s.id"))
            .bind(campaign)
            .bind(SignerState::Approved.as_str())
            .bind(SignerState::Pending.as_str())
            .bind(MailKind::Endorse.as_str())
            .fetch_all(&self.pool)
            .await?;
        let now = clock::now();
        let mut tx = self.pool.begin().await?;
        let mut queued = 0;
        for row in rows {
            let signature: ValidSignature = serde_json::from_str(&row.try_get::<String, _>("data")?)?;
            queued += sqlx::query(&format!(
                "INSERT INTO mail_queue (signer_id, kind, lang, next_attempt_at, created_at) \
                 SELECT s.id, $4, $6, $7, $7 {CANDIDATES} AND s.id = $5"
            ))
            .bind(campaign)
            .bind(SignerState::Approved.as_str())
            .bind(SignerState::Pending.as_str())
            .bind(MailKind::Endorse.as_str())
            .bind(row.try_get::<i64, _>("id")?)
            .bind(signature.lang.as_deref().unwrap_or("en"))
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Uses an endorse link: its signature moves to the campaign's current revision, and every
    /// endorse link of that signer stops working. None when the link does not work (used,
    /// expired, never made, or its signer erased).
    pub async fn endorse_by_link(&self, token_hash: &str) -> anyhow::Result<Option<LinkTarget>> {
        let mut tx = self.pool.begin().await?;
        let Some(target) = take_link(&mut tx, SignerLinkPurpose::Endorse, token_hash).await? else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE signers SET revision = (SELECT MAX(r.number) FROM letter_revisions r WHERE r.campaign_id = $1) WHERE id = $2",
        )
        .bind(&target.campaign_id)
        .bind(target.signer_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM signer_links WHERE signer_id = $1 AND purpose = $2")
            .bind(target.signer_id)
            .bind(SignerLinkPurpose::Endorse.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(target))
    }
}
