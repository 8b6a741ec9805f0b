//! Letter revisions in the database: each distinct text of a campaign's letter, numbered from 1,
//! and the link from signers to the revision they endorsed ([`crate::revisions`] says what the
//! text is and why).

use super::Store;
use crate::clock;
use crate::revisions::{LetterText, Revision};
use sqlx::Row;

fn revision_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<Revision> {
    Ok(Revision {
        number: u32::try_from(row.try_get::<i64, _>("number")?)?,
        hash: row.try_get("hash")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Makes `letter` the campaign's current revision: a new revision when its hash differs from
    /// the current one (or there is none yet), else nothing. Returns the current revision and
    /// whether it is new. Two receivers importing the same file at once agree on one revision.
    pub async fn record_revision(&self, campaign: &str, letter: &LetterText) -> anyhow::Result<(Revision, bool)> {
        loop {
            if let Some(current) = self.current_revision(campaign).await? {
                if current.hash == letter.hash {
                    return Ok((current, false));
                }
            }
            let now = clock::now();
            let inserted = sqlx::query(
                "INSERT INTO letter_revisions (campaign_id, number, hash, text, created_at) \
                 SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4 FROM letter_revisions WHERE campaign_id = $1 \
                 ON CONFLICT (campaign_id, number) DO NOTHING",
            )
            .bind(campaign)
            .bind(&letter.hash)
            .bind(&letter.text)
            .bind(&now)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if inserted > 0 {
                let current = self.current_revision(campaign).await?;
                return current
                    .map(|r| (r, true))
                    .ok_or_else(|| anyhow::anyhow!("a revision was stored but not read back"));
            }
            // Another receiver stored a revision at this number meanwhile: compare with it.
        }
    }

    /// The campaign's newest revision.
    pub async fn current_revision(&self, campaign: &str) -> anyhow::Result<Option<Revision>> {
        let row = sqlx::query(
            "SELECT number, hash, created_at FROM letter_revisions WHERE campaign_id = $1 ORDER BY number DESC LIMIT 1",
        )
        .bind(campaign)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(revision_from_row).transpose()
    }

    /// Every revision of a campaign, oldest first.
    pub async fn revisions(&self, campaign: &str) -> anyhow::Result<Vec<Revision>> {
        let rows =
            sqlx::query("SELECT number, hash, created_at FROM letter_revisions WHERE campaign_id = $1 ORDER BY number")
                .bind(campaign)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(revision_from_row).collect()
    }

    /// One revision and its text.
    pub async fn revision_text(&self, campaign: &str, number: u32) -> anyhow::Result<Option<(Revision, String)>> {
        let row = sqlx::query(
            "SELECT number, hash, created_at, text FROM letter_revisions WHERE campaign_id = $1 AND number = $2",
        )
        .bind(campaign)
        .bind(i64::from(number))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((revision_from_row(&r)?, r.try_get("text")?))).transpose()
    }

    /// The revisions whose text differs from the current one: their signers endorsed another text.
    pub async fn earlier_texts(&self, campaign: &str) -> anyhow::Result<Vec<u32>> {
        let numbers: Vec<i64> = sqlx::query_scalar(
            "SELECT number FROM letter_revisions WHERE campaign_id = $1 AND hash <> \
             (SELECT hash FROM letter_revisions WHERE campaign_id = $1 ORDER BY number DESC LIMIT 1) ORDER BY number",
        )
        .bind(campaign)
        .fetch_all(&self.pool)
        .await?;
        Ok(numbers.into_iter().filter_map(|n| u32::try_from(n).ok()).collect())
    }

    /// Attaches the signers stored before revisions were recorded to revision `number` (the text
    /// that was live then); returns how many.
    pub async fn attach_unrevised_signers(&self, campaign: &str, number: u32) -> anyhow::Result<u64> {
        Ok(sqlx::query("UPDATE signers SET revision = $1 WHERE campaign_id = $2 AND revision IS NULL")
            .bind(i64::from(number))
            .bind(campaign)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
