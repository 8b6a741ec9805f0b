//! The letter's own signatories in the database: the organizations and people the campaign file
//! lists under the letter. They are signers of the revision that was current when they were first
//! imported (the first one, for a letter as published), counted and listed with everyone who signs
//! through the receiver, but they have no address and are never asked to confirm: the file is
//! their only source, and importing it again brings the table in line with it.

use super::Store;
use sqlx::Row;
use undersigned_core::signature::SignerKind;
use undersigned_core::signers::PublicSigner;
use undersigned_core::Campaign;

/// A signatory as the campaign file lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterSignatory {
    pub kind: SignerKind,
    pub name: String,
    pub title: Option<String>,
    pub affiliation: Option<String>,
}

impl LetterSignatory {
    /// The campaign's signatories in the letter's order, organizations first.
    pub fn of(campaign: &Campaign) -> Vec<LetterSignatory> {
        let organizations = campaign.signatories.organizations.iter().map(|o| LetterSignatory {
            kind: SignerKind::Organization,
            name: o.name.clone(),
            title: None,
            affiliation: None,
        });
        let individuals = campaign.signatories.individuals.iter().map(|p| LetterSignatory {
            kind: SignerKind::Individual,
            name: p.name.clone(),
            title: p.title.clone(),
            affiliation: p.affiliation.clone(),
        });
        organizations.chain(individuals).collect()
    }
}

/// A stored signatory with its row id and the revision they signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSignatory {
    pub id: i64,
    pub signatory: LetterSignatory,
    pub revision: u32,
}

impl Store {
    /// Brings the stored signatories of `campaign` in line with `list` (the campaign file's), in one
    /// transaction: a name already stored keeps its row and its revision (so importing the same
    /// file again, or at every start, changes nothing), a new name is stored as a signer of
    /// `revision`, and a name no longer in the file is removed.
    pub async fn sync_letter_signatories(
        &self,
        campaign: &str,
        list: &[LetterSignatory],
        revision: u32,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query("SELECT id, kind, name FROM letter_signatories WHERE campaign_id = $1 ORDER BY id")
            .bind(campaign)
            .fetch_all(&mut *tx)
            .await?;
        let mut stored: Vec<(i64, String, String)> = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("kind")?, r.try_get("name")?)))
            .collect::<anyhow::Result<_>>()?;
        for (position, s) in list.iter().enumerate() {
            let position = i64::try_from(position)?;
            let found = stored.iter().position(|(_, kind, name)| kind == s.kind.as_str() && *name == s.name);
            match found {
                Some(index) => {
                    let (id, _, _) = stored.swap_remove(index);
                    sqlx::query(
                        "UPDATE letter_signatories SET position = $1, title = $2, affiliation = $3 WHERE id = $4",
                    )
                    .bind(position)
                    .bind(&s.title)
                    .bind(&s.affiliation)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("INSERT INTO letter_signatories (campaign_id, kind, position, name, title, affiliation, revision) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(campaign)
                        .bind(s.kind.as_str())
                        .bind(position)
                        .bind(&s.name)
                        .bind(&s.title)
                        .bind(&s.affiliation)
                        .bind(i64::from(revision))
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        for (id, _, _) in stored {
            sqlx::query("DELETE FROM letter_signatories WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// How many organizations and individuals the letter itself lists.
    pub async fn letter_signatory_counts(&self, campaign: &str) -> anyhow::Result<(u64, u64)> {
        let rows =
            sqlx::query("SELECT kind, COUNT(*) AS n FROM letter_signatories WHERE campaign_id = $1 GROUP BY kind")
                .bind(campaign)
                .fetch_all(&self.pool)
                .await?;
        let (mut organizations, mut individuals) = (0, 0);
        for row in rows {
            let n = u64::try_from(row.try_get::<i64, _>("n")?)?;
            match SignerKind::parse(&row.try_get::<String, _>("kind")?) {
                Some(SignerKind::Organization) => organizations += n,
                Some(SignerKind::Individual) => individuals += n,
                None => {}
            }
        }
        Ok((organizations, individuals))
    }

    /// A page of the letter's signatories of one kind, in the letter's order.
    pub async fn letter_signatories(
        &self,
        campaign: &str,
        kind: SignerKind,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<StoredSignatory>> {
        let rows = sqlx::query("SELECT id, name, title, affiliation, revision FROM letter_signatories WHERE campaign_id = $1 AND kind = $2 ORDER BY position, id LIMIT $3 OFFSET $4")
            .bind(campaign)
            .bind(kind.as_str())
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredSignatory {
                    id: r.try_get("id")?,
                    signatory: LetterSignatory {
                        kind,
                        name: r.try_get("name")?,
                        title: r.try_get("title")?,
                        affiliation: r.try_get("affiliation")?,
                    },
                    revision: u32::try_from(r.try_get::<i64, _>("revision")?)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// One page of the public list of one kind: the letter's own signatories first (in the
    /// letter's order), then the approved, listed signers, oldest first; each marked with the
    /// revision they endorsed when its text is not the current one.
    pub async fn public_list(
        &self,
        campaign: &str,
        kind: SignerKind,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<PublicSigner>> {
        let earlier = self.earlier_texts(campaign).await?;
        let mark = |revision: Option<u32>| revision.filter(|n| earlier.contains(n));
        let (organizations, individuals) = self.letter_signatory_counts(campaign).await?;
        let own = i64::try_from(match kind {
            SignerKind::Organization => organizations,
            SignerKind::Individual => individuals,
        })?;
        let mut page = Vec::new();
        if offset < own {
            for s in self.letter_signatories(campaign, kind, limit, offset).await? {
                page.push(PublicSigner {
                    id: -s.id,
                    name: s.signatory.name,
                    title: s.signatory.title,
                    affiliation: s.signatory.affiliation,
                    country: None,
                    earlier_revision: mark(Some(s.revision)),
                });
            }
        }
        let rest = limit - i64::try_from(page.len())?;
        if rest > 0 {
            let from = (offset - own).max(0);
            for (id, signature, revision) in self.public_signers(campaign, kind, rest, from).await? {
                let mut entry = crate::signing::public_entry(id, &signature);
                entry.earlier_revision = mark(revision);
                page.push(entry);
            }
        }
        Ok(page)
    }
}
