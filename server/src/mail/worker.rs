//! The sender task: takes due mail from the queue, writes its links (new tokens, stored hashed),
//! builds it in the signer's language and sends it; on failure tries again later, each time
//! waiting longer (30 s doubling, at most 6 hours). It looks for due mail when nudged (a signing
//! just committed some) and every second (mail queued by another instance, retries).
//!
//! Several instances may share a PostgreSQL database: a mail is claimed with a lease before it is
//! sent, so only one of them sends it.

use super::message::{self, EndorseLinks, MailFacts};
use super::sender::MailSender;
use super::{token, MailKind, LINK_LIFETIME_DAYS};
use crate::clock;
use crate::http::pages::text::Lang;
use crate::store::{QueuedMail, SignerLinkPurpose, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use undersigned_core::backoff::Backoff;

/// How long a claimed mail is left to its sender before another may take it.
const LEASE_MINUTES: i64 = 5;
/// After this many failed attempts a mail is given up on (logged, and kept marked failed for
/// owners to see in the back office): about a week of retries.
const MAX_ATTEMPTS: i64 = 35;
/// The wait after the `n`th failed attempt: 30 s after the first, doubling to at most 6 h. One
/// worker sends, so there is no crowd to spread apart and no jitter.
const RETRY: Backoff = Backoff { base: 15, max: 6 * 3600 };

/// What the sender needs.
#[derive(Clone)]
pub struct MailWorker {
    pub store: Store,
    pub sender: MailSender,
    /// `https://sign.example.org`, without a trailing slash: the links' base.
    pub public_url: String,
    pub nudge: Arc<Notify>,
}

/// The wait in seconds after `failures` failed attempts (at least one).
pub fn backoff_secs(failures: i64) -> i64 {
    let failures = u32::try_from(failures.max(1)).unwrap_or(u32::MAX);
    i64::try_from(RETRY.delay(failures)).unwrap_or(i64::MAX)
}

impl MailWorker {
    /// Runs until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        // A restart is often the fix (a corrected SMTP setting): waiting mail is tried at once,
        // including mail a killed instance had claimed and never sent.
        if let Err(e) = self.store.retry_waiting_mail_now().await {
            tracing::warn!(error = format!("{e:#}"), "cannot reschedule the waiting mail");
        }
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tick.tick() => {}
                _ = self.nudge.notified() => {}
            }
            if let Err(e) = self.send_due().await {
                tracing::warn!(error = format!("{e:#}"), "reading the mail queue failed; trying again");
            }
        }
    }

    /// Sends every mail due now; returns how many were sent.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let mut sent = 0;
        loop {
            let due = self.store.due_mail(&clock::now(), 50).await?;
            if due.is_empty() {
                return Ok(sent);
            }
            for mail in due {
                if !self.store.claim_mail(&mail, &clock::minutes_from_now(LEASE_MINUTES)).await? {
                    continue;
                }
                match self.send_one(&mail).await {
                    Ok(()) => {
                        self.store.mail_sent(mail.id).await?;
                        sent += 1;
                    }
                    Err(e) => {
                        let attempts = mail.attempts + 1;
                        let error = format!("{e:#}");
                        if attempts >= MAX_ATTEMPTS {
                            tracing::error!(mail = mail.id, attempts, error, "giving up on a mail");
                            self.store.mail_gave_up(mail.id, attempts, &error).await?;
                        } else {
                            let wait = backoff_secs(attempts);
                            tracing::warn!(
                                mail = mail.id,
                                attempts,
                                retry_in_secs = wait,
                                error,
                                "a mail was not sent"
                            );
                            self.store.mail_failed(mail.id, attempts, &clock::seconds_from_now(wait), &error).await?;
                        }
                    }
                }
            }
        }
    }

    async fn send_one(&self, mail: &QueuedMail) -> anyhow::Result<()> {
        let signer_id = match (mail.signer_id, mail.organizer_id) {
            (Some(signer), _) => signer,
            (None, Some(organizer)) => return self.send_to_organizer(mail, organizer).await,
            (None, None) => return Ok(()),
        };
        // The signer may have been erased or purged since: then there is nothing to send (the
        // queue row went with it, unless this read raced the erasure).
        let Some(signer) = self.store.mail_signer(signer_id).await? else { return Ok(()) };
        let record = self
            .store
            .campaign(&signer.campaign_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("campaign {} is gone", signer.campaign_id))?;
        let expires_at = clock::days_from_now(LINK_LIFETIME_DAYS);
        let link = |purpose: SignerLinkPurpose| {
            let (token, hash) = token::new_token();
            let url = format!("{}{}?t={token}", self.public_url, crate::http::pages::links::path(purpose));
            (url, hash, purpose)
        };
        let withdraw = link(SignerLinkPurpose::Withdraw);
        let confirm = (signer.awaiting_confirmation && matches!(mail.kind, MailKind::Signed | MailKind::Repeat))
            .then(|| link(SignerLinkPurpose::Confirm));
        let endorse = (mail.kind == MailKind::Endorse).then(|| link(SignerLinkPurpose::Endorse));
        for (_, hash, purpose) in confirm.iter().chain(endorse.iter()).chain([&withdraw]) {
            self.store.add_link(signer_id, *purpose, hash, &expires_at).await?;
        }
        let endorse = match endorse {
            Some((endorse_url, ..)) => {
                let current = self.store.current_revision(&record.campaign.id).await?;
                let changes = current.map_or_else(
                    || crate::http::pages::layout::letter_path(&record.campaign.id),
                    |r| crate::http::pages::layout::revision_path(&record.campaign.id, r.number),
                );
                Some(EndorseLinks { endorse_url, changes_url: format!("{}{changes}", self.public_url) })
            }
            None => None,
        };
        let entry = crate::signing::public_entry(signer_id, &signer.signature);
        let listed_as = signer.signature.list_publicly.then(|| {
            [Some(entry.name), entry.title, entry.affiliation].into_iter().flatten().collect::<Vec<_>>().join(", ")
        });
        let facts = MailFacts {
            kind: mail.kind,
            lang: Lang::from_tag(&mail.lang).unwrap_or_default(),
            name: signer.signature.name.clone(),
            letter_title: record.campaign.title.clone(),
            letter_url: format!("{}{}", self.public_url, crate::http::pages::layout::letter_path(&record.campaign.id)),
            listed_as,
            signed_on: day(&signer.created_at),
            today: day(&clock::now()),
            awaiting_confirmation: signer.awaiting_confirmation,
            confirm_url: confirm.map(|(url, ..)| url),
            withdraw_url: withdraw.0,
            endorse,
            links_expire_on: day(&expires_at),
        };
        self.sender.send(mail.id, &signer.email, &message::build(&facts)).await
    }

    /// An invitation or a sign-in link ([`super::organizer`]); the link is made now, so the queue
    /// never holds a secret. Nothing is sent when it no longer applies: the account is gone, the
    /// invitation was accepted meanwhile, or the role was taken back.
    async fn send_to_organizer(&self, mail: &QueuedMail, organizer_id: i64) -> anyhow::Result<()> {
        use crate::organizers::{secret, INVITATION_DAYS, SIGN_IN_LINK_MINUTES};
        use crate::store::LinkPurpose;
        let Some(organizer) = self.store.organizer(organizer_id).await? else { return Ok(()) };
        let lang = Lang::from_tag(&mail.lang).unwrap_or_default();
        let (token, hash) = {
            let token = secret::new_token();
            let hash = secret::digest(&token);
            (token, hash)
        };
        let (purpose, minutes, path, campaign_title, role) = match mail.kind {
            MailKind::Invitation => {
                let campaign = mail.campaign_id.clone().unwrap_or_default();
                let role = self.store.organizer_roles(organizer_id).await?.on(&campaign);
                let (Some(role), false) = (role, organizer.has_password) else { return Ok(()) };
                // A campaign deleted meanwhile: nothing to invite to.
                let Some(record) = self.store.campaign(&campaign).await? else { return Ok(()) };
                let title = record.campaign.title.clone();
                let role = lang.text(&format!("admin.role.{}", role.as_str()));
                (LinkPurpose::Invitation, INVITATION_DAYS * 24 * 60, "/admin/welcome/", title, role)
            }
            MailKind::SignInLink => {
                if !organizer.has_password {
                    return Ok(());
                }
                (LinkPurpose::SignIn, SIGN_IN_LINK_MINUTES, "/admin/sign-in/link/", String::new(), String::new())
            }
            other => anyhow::bail!("a {} mail names an organizer instead of a signer", other.as_str()),
        };
        self.store.create_link(&hash, organizer_id, purpose, minutes).await?;
        let expires = clock::minutes_from_now(minutes);
        let facts = super::organizer::OrganizerMailFacts {
            kind: mail.kind,
            lang,
            name: organizer.name.clone(),
            campaign_title,
            role,
            url: format!("{}{path}{token}", self.public_url),
            expires: format!("{} UTC", expires.get(..16).unwrap_or(&expires).replace('T', " ")),
        };
        self.sender.send(mail.id, &organizer.email, &super::organizer::build(&facts)).await
    }
}

/// `YYYY-MM-DD` of a stored timestamp.
fn day(timestamp: &str) -> String {
    timestamp.get(..10).unwrap_or(timestamp).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_six_hours() {
        assert_eq!(backoff_secs(1), 30, "after the first failure");
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(6), 960);
        assert_eq!(backoff_secs(31), 6 * 3600);
        assert_eq!(backoff_secs(i64::MAX), 6 * 3600);
        assert_eq!(backoff_secs(0), 30, "never shorter than the first wait");
    }
}
