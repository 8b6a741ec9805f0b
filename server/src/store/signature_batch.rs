//! Storing a group-commit batch of signatures ([`crate::writer`]) in one transaction with a few
//! multi-row statements ([`super::runs`]) instead of several statements per signature.
//!
//! The outcome is the one the signatures would have had stored one after the other in the order
//! (campaign, address) — the order the batch's rows are locked in, so that two writers on
//! PostgreSQL wait for each other instead of deadlocking:
//! 1. Idempotency keys. The first signature of each (campaign, key) claims it with one multi-row
//!    `INSERT … ON CONFLICT DO NOTHING RETURNING`, already carrying its final answer (an answer
//!    never depends on whether the address had signed, so it is known before the insert). A key
//!    that was not claimed (it was kept before) is read in one `SELECT`: the same payload gets the
//!    kept answer, another payload [`WriteOutcome::KeyReused`]. A later signature of the batch
//!    with a key claimed in the batch is answered the same way from the claimer's payload and
//!    answer, without the database. Keys are claimed in (campaign, key) order.
//! 2. Signers. The signatures without a key or whose key they claimed are inserted with one
//!    multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING` (in (campaign, address) order), each
//!    endorsing the letter's latest revision. Of several signatures of one address in the batch
//!    only the first can insert; the others find the address signed, as they would have.
//! 3. Mail: each signature asking for one queues it ([`super::mail::queue_signing_mails`]).

use super::mail::{self, SigningMail};
use super::runs::{self, params, tuples, Statement};
use super::{bind_signer, Store};
use crate::clock;
use crate::domain::{SignatureWrite, WriteOutcome};
use anyhow::Context;
use sqlx::Row;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Claims idempotency keys with their answers: `$1` the time, then per row
/// `campaign_id, key, payload_hash, http_status, body`.
static CLAIM_KEYS: Statement = Statement::new(|rows| {
    format!(
        "INSERT INTO idempotency_keys (campaign_id, key, payload_hash, http_status, body, created_at) VALUES {} \
         ON CONFLICT (campaign_id, key) DO NOTHING RETURNING campaign_id, key",
        tuples(rows, 5, 2, |sql, first| {
            params(sql, first, 5);
            sql.push_str(", $1");
        })
    )
});

/// Reads kept keys: per row `campaign_id, key`.
static KEPT_KEYS: Statement = Statement::new(|rows| {
    format!(
        "SELECT campaign_id, key, payload_hash, http_status, body FROM idempotency_keys WHERE (campaign_id, key) IN (VALUES {})",
        tuples(rows, 2, 1, |sql, first| params(sql, first, 2))
    )
});

/// Inserts signers: `$1` the time, then per row the columns of [`bind_signer`] and
/// `awaiting_confirmation`. A signature endorses its letter's latest revision.
static INSERT_SIGNERS: Statement = Statement::new(|rows| {
    format!(
        "INSERT INTO signers (campaign_id, kind, email_normalized, state, listed, data, spam_reason, payload_hash, awaiting_confirmation, created_at, revision) VALUES {} \
         ON CONFLICT (campaign_id, email_normalized) DO NOTHING RETURNING id, campaign_id, email_normalized",
        tuples(rows, 9, 2, |sql, first| {
            params(sql, first, 9);
            let _ = write!(sql, ", $1, (SELECT MAX(number) FROM letter_revisions WHERE campaign_id = ${first})");
        })
    )
});

/// A key's identity: (campaign, key).
type KeyId<'a> = (&'a str, &'a str);

impl Store {
    /// Stores a batch of signatures in ONE transaction (group commit: one fsync for many
    /// signatures) and returns each one's outcome, in order, only after the commit. Each outcome
    /// is the answer the write carries (or the one kept for its idempotency key).
    pub async fn write_signers(&self, batch: &[SignatureWrite]) -> anyhow::Result<Vec<WriteOutcome>> {
        // The order the signatures are taken in, as if stored one after the other; sort_by is
        // stable, so that of two signatures of one address the earlier request comes first.
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&batch[a].signer, &batch[b].signer);
            (&a.campaign_id, &a.email_normalized).cmp(&(&b.campaign_id, &b.email_normalized))
        });
        let now = clock::now();
        let mut tx = self.writes.begin().await?;
        let mut outcomes = vec![WriteOutcome::KeyReused; batch.len()];

        // 1. Idempotency keys: the first signature of each key claims it; the others follow it.
        let key_of = |i: usize| {
            let s = &batch[i].signer;
            s.idempotency_key.as_deref().map(|key| (s.campaign_id.as_str(), key))
        };
        let mut claimer: HashMap<KeyId, usize> = HashMap::new();
        let mut followers = Vec::new();
        for &i in &order {
            if let Some(key) = key_of(i) {
                match claimer.entry(key) {
                    Entry::Occupied(_) => followers.push(i),
                    Entry::Vacant(first) => {
                        first.insert(i);
                    }
                }
            }
        }
        let mut claims: Vec<usize> = claimer.values().copied().collect();
        claims.sort_by_key(|&i| key_of(i));
        let mut claimed: HashSet<KeyId> = HashSet::new();
        for run in runs::runs(&claims) {
            let mut query = sqlx::query(CLAIM_KEYS.text(run.len())).bind(&now);
            for &i in run {
                let SignatureWrite { signer: s, answer } = &batch[i];
                query = query
                    .bind(&s.campaign_id)
                    .bind(&s.idempotency_key)
                    .bind(&s.payload_hash)
                    .bind(i64::from(answer.status))
                    .bind(&answer.body);
            }
            for row in query.fetch_all(&mut *tx).await? {
                let (campaign, key): (String, String) = (row.try_get("campaign_id")?, row.try_get("key")?);
                // The batch's own strings, so that the set borrows nothing from the row.
                let key = key_of(claimer[&(campaign.as_str(), key.as_str())]).context("a claimed key")?;
                claimed.insert(key);
            }
        }
        // Keys kept before the batch: (payload hash, answer).
        let kept_before: Vec<usize> =
            claims.iter().copied().filter(|&i| key_of(i).is_some_and(|key| !claimed.contains(&key))).collect();
        let mut kept: HashMap<(String, String), (String, WriteOutcome)> = HashMap::new();
        for run in runs::runs(&kept_before) {
            let mut query = sqlx::query(KEPT_KEYS.text(run.len()));
            for &i in run {
                query = query.bind(&batch[i].signer.campaign_id).bind(&batch[i].signer.idempotency_key);
            }
            for row in query.fetch_all(&mut *tx).await? {
                let answer = WriteOutcome::Answer {
                    status: u16::try_from(row.try_get::<i64, _>("http_status")?)
                        .context("a kept answer has an impossible HTTP status")?,
                    body: row.try_get("body")?,
                };
                kept.insert((row.try_get("campaign_id")?, row.try_get("key")?), (row.try_get("payload_hash")?, answer));
            }
        }
        for i in kept_before.iter().copied().chain(followers.iter().copied()) {
            let (campaign, key) = key_of(i).context("a signature with a key")?;
            let first = claimer[&(campaign, key)];
            let (hash, answer) = if claimed.contains(&(campaign, key)) {
                let first = &batch[first];
                let answer = WriteOutcome::Answer { status: first.answer.status, body: first.answer.body.clone() };
                (first.signer.payload_hash.as_str(), answer)
            } else {
                let (hash, answer) = kept
                    .get(&(campaign.to_owned(), key.to_owned()))
                    .context("an idempotency key that could not be claimed is not kept either")?;
                (hash.as_str(), answer.clone())
            };
            if hash == batch[i].signer.payload_hash {
                outcomes[i] = answer;
            }
        }

        // 2. Signers: every signature without a key or with the key it claimed; the first of each
        // address inserts it (if it was not signed before).
        let writes: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| key_of(i).is_none_or(|key| claimer[&key] == i && claimed.contains(&key)))
            .collect();
        let mut inserters: Vec<usize> = Vec::new();
        let mut addresses: HashSet<(&str, &str)> = HashSet::new();
        for &i in &writes {
            let s = &batch[i].signer;
            if addresses.insert((&s.campaign_id, &s.email_normalized)) {
                inserters.push(i);
            }
        }
        // The id of each inserted signer, by the index of the signature that inserted it.
        let mut signer_id: Vec<Option<i64>> = vec![None; batch.len()];
        for run in runs::runs(&inserters) {
            let mut query = sqlx::query(INSERT_SIGNERS.text(run.len())).bind(&now);
            let mut by_address = HashMap::with_capacity(run.len());
            for &i in run {
                let s = &batch[i].signer;
                query = bind_signer(query, s).bind(i64::from(s.awaiting_confirmation));
                by_address.insert((s.campaign_id.as_str(), s.email_normalized.as_str()), i);
            }
            for row in query.fetch_all(&mut *tx).await? {
                let (campaign, email): (String, String) =
                    (row.try_get("campaign_id")?, row.try_get("email_normalized")?);
                let i =
                    by_address.get(&(campaign.as_str(), email.as_str())).context("an inserted signer of the run")?;
                signer_id[*i] = Some(row.try_get("id")?);
            }
        }

        // 3. Mail, and the answers. The answer never depends on whether the address had signed
        // (no membership oracle): the mail tells the address's owner what happened.
        let mut mails = Vec::new();
        for &i in &writes {
            let SignatureWrite { signer: s, answer } = &batch[i];
            if let Some(lang) = &s.mail_lang {
                mails.push(SigningMail {
                    campaign_id: &s.campaign_id,
                    email_normalized: &s.email_normalized,
                    inserted: signer_id[i],
                    lang,
                });
            }
            outcomes[i] = WriteOutcome::Answer { status: answer.status, body: answer.body.clone() };
        }
        mail::queue_signing_mails(&mut tx, &mails, &now).await?;
        tx.commit().await?;
        Ok(outcomes)
    }
}
