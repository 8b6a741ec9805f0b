//! Confirm and withdraw links, and what they do: a confirm link makes its signature count, a
//! withdraw link erases its signer. A link is stored as the hash of its token, works once (it is
//! deleted when used) and until it expires. Unconfirmed signatures are purged after a week.

use super::Store;
use crate::clock;
use crate::domain::SignerState;
use sqlx::Row;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerLinkPurpose {
    Confirm,
    Withdraw,
    /// Move the signature to the letter's current revision ([`super::endorsement`]).
    Endorse,
}

impl SignerLinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            SignerLinkPurpose::Confirm => "confirm",
            SignerLinkPurpose::Withdraw => "withdraw",
            SignerLinkPurpose::Endorse => "endorse",
        }
    }
}

/// The signature a working link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    pub signer_id: i64,
    pub campaign_id: String,
    pub awaiting_confirmation: bool,
    /// Moderation: `approved` signatures are listed once confirmed, others after review.
    pub approved: bool,
}

impl Store {
    /// Stores a link (the hash of its token) to `signer_id`, working until `expires_at`.
    pub async fn add_link(
        &self,
        signer_id: i64,
        purpose: SignerLinkPurpose,
        token_hash: &str,
        expires_at: &str,
    ) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO signer_links (token_hash, signer_id, purpose, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(signer_id)
            .bind(purpose.as_str())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Where a link leads, without using it (the page a GET shows); None when it does not exist,
    /// was used or expired.
    pub async fn link_target(
        &self,
        purpose: SignerLinkPurpose,
        token_hash: &str,
    ) -> anyhow::Result<Option<LinkTarget>> {
        let row = sqlx::query(
            "SELECT s.id AS id, s.campaign_id AS campaign_id, s.awaiting_confirmation AS awaiting_confirmation, s.state AS state FROM signer_links l JOIN signers s ON s.id = l.signer_id \
             WHERE l.token_hash = $1 AND l.purpose = $2 AND l.expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(clock::now())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(LinkTarget {
                signer_id: r.try_get("id")?,
                campaign_id: r.try_get("campaign_id")?,
                awaiting_confirmation: r.try_get::<i64, _>("awaiting_confirmation")? != 0,
                approved: SignerState::parse(&r.try_get::<String, _>("state")?) == Some(SignerState::Approved),
            })
        })
        .transpose()
    }

    /// Uses a confirm link: its signature counts from now on, and every confirm link of that
    /// signer stops working. None when the link does not work (used, expired, never made).
    pub async fn confirm_by_link(&self, token_hash: &str) -> anyhow::Result<Option<LinkTarget>> {
        let mut tx = self.pool.begin().await?;
        let Some(target) = take_link(&mut tx, SignerLinkPurpose::Confirm, token_hash).await? else {
            return Ok(None);
        };
        sqlx::query("UPDATE signers SET awaiting_confirmation = 0 WHERE id = $1")
            .bind(target.signer_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM signer_links WHERE signer_id = $1 AND purpose = 'confirm'")
            .bind(target.signer_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(target))
    }

    /// Uses a withdraw link: the signer is erased (row, links, queued mail, stored answers).
    /// None when the link does not work.
    pub async fn withdraw_by_link(&self, token_hash: &str) -> anyhow::Result<Option<LinkTarget>> {
        let mut tx = self.pool.begin().await?;
        let Some(target) = take_link(&mut tx, SignerLinkPurpose::Withdraw, token_hash).await? else {
            return Ok(None);
        };
        // As `erase_signer`: the stored answers could confirm a guessed submission.
        sqlx::query("DELETE FROM idempotency_keys WHERE campaign_id = $1 AND payload_hash IN (SELECT payload_hash FROM signers WHERE id = $2)")
            .bind(&target.campaign_id)
            .bind(target.signer_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM signers WHERE id = $1").bind(target.signer_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(target))
    }

    /// Deletes signatures still unconfirmed that were made before `before` (with their stored
    /// answers, links and mail), and links that expired; returns how many signatures went.
    pub async fn purge_unconfirmed(&self, before: &str) -> anyhow::Result<u64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE EXISTS (SELECT 1 FROM signers s WHERE s.awaiting_confirmation = 1 \
             AND s.created_at < $1 AND s.campaign_id = idempotency_keys.campaign_id AND s.payload_hash = idempotency_keys.payload_hash)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        let purged = sqlx::query("DELETE FROM signers WHERE awaiting_confirmation = 1 AND created_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM signer_links WHERE expires_at <= $1").bind(clock::now()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(purged)
    }
}

/// Deletes a working link and returns its signer (in the caller's transaction).
pub(super) async fn take_link(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    purpose: SignerLinkPurpose,
    token_hash: &str,
) -> anyhow::Result<Option<LinkTarget>> {
    let taken: Option<i64> = sqlx::query_scalar(
        "DELETE FROM signer_links WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3 RETURNING signer_id",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(clock::now())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(signer_id) = taken else { return Ok(None) };
    let row = sqlx::query("SELECT campaign_id, awaiting_confirmation, state FROM signers WHERE id = $1")
        .bind(signer_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        Ok(LinkTarget {
            signer_id,
            campaign_id: r.try_get("campaign_id")?,
            awaiting_confirmation: r.try_get::<i64, _>("awaiting_confirmation")? != 0,
            approved: SignerState::parse(&r.try_get::<String, _>("state")?) == Some(SignerState::Approved),
        })
    })
    .transpose()
}
