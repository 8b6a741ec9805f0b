//! Account operations shared by the CLI and the back office: adding an organizer (the first owner
//! from the CLI, the others by invitation), signing in with throttling, one-time links.

use super::{normalize_email, password, secret, Role};
use crate::domain::AuditAction;
use crate::mail::MailKind;
use crate::store::{LinkPurpose, Store};

/// How an organizer without a password gets the link to choose one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invitation {
    /// A link made now and handed to whoever invites (the CLI prints it; the back office shows it
    /// when no SMTP server is configured).
    Link,
    /// A mail through the queue, in this language (the link is made when the mail is sent).
    Mail { lang: &'static str },
}

/// What adding an organizer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub organizer: i64,
    /// True when the address had no account before.
    pub created: bool,
    /// A link to choose a password (for an account without one), to send to the organizer
    /// ([`Invitation::Link`]).
    pub invitation_token: Option<String>,
    /// An invitation mail was queued ([`Invitation::Mail`]; false when one was already waiting).
    pub invitation_mailed: bool,
}

/// Creates the account for `email` (or finds it), gives it `role` on `campaign` (`*`: every
/// campaign), sets `new_password` when given, and makes an invitation link when the account still
/// has no password (`invitation` says how it reaches them). Audited as `actor`.
#[allow(clippy::too_many_arguments)]
pub async fn add_organizer(
    store: &Store,
    actor: &str,
    email: &str,
    name: &str,
    campaign: &str,
    role: Role,
    new_password: Option<&str>,
    invitation: Invitation,
) -> anyhow::Result<Added> {
    let email = normalize_email(email)
        .ok_or_else(|| anyhow::anyhow!("`{email}` is not an email address: write it as name@example.org"))?;
    if let Some(problem) = new_password.and_then(password::problem) {
        anyhow::bail!("password: {problem}");
    }
    let hash = new_password.map(password::hash).transpose()?;
    let name = if name.trim().is_empty() { email.split('@').next().unwrap_or_default() } else { name.trim() };
    let (organizer, created, has_password) = match store.create_organizer(&email, name, hash.as_deref()).await? {
        Some(id) => (id, true, hash.is_some()),
        None => {
            let (existing, _) =
                store.organizer_by_email(&email).await?.ok_or_else(|| anyhow::anyhow!("the account vanished"))?;
            if let Some(hash) = &hash {
                store.set_organizer_password(existing.id, hash).await?;
            }
            (existing.id, false, existing.has_password || hash.is_some())
        }
    };
    store.set_organizer_role(organizer, campaign, role).await?;
    let (mut invitation_token, mut invitation_mailed) = (None, false);
    match invitation {
        _ if has_password => {}
        Invitation::Link => {
            let token = secret::new_token();
            let minutes = super::INVITATION_DAYS * 24 * 60;
            store.create_link(&secret::digest(&token), organizer, LinkPurpose::Invitation, minutes).await?;
            invitation_token = Some(token);
        }
        Invitation::Mail { lang } => {
            let about = (campaign != super::EVERY_CAMPAIGN).then_some(campaign);
            invitation_mailed = store.queue_organizer_mail(organizer, about, MailKind::Invitation, lang).await?;
        }
    }
    let what = if created { AuditAction::OrganizerAdd } else { AuditAction::OrganizerRole };
    let mailed = if invitation_mailed { "; invitation mailed" } else { "" };
    store
        .audit(
            actor,
            campaign_for_audit(campaign),
            what,
            &format!("{email} is {} of {campaign}{mailed}", role.as_str()),
        )
        .await?;
    Ok(Added { organizer, created, invitation_token, invitation_mailed })
}

/// The audit log's campaign column for a role on `campaign` (`*` is logged as no campaign).
pub fn campaign_for_audit(campaign: &str) -> &str {
    if campaign == super::EVERY_CAMPAIGN {
        ""
    } else {
        campaign
    }
}

/// The answer to a sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Signed in: the organizer's id.
    Organizer(i64),
    /// Wrong address or password (the same answer for both).
    Refused,
    /// Too many failures for this account or from this address: wait this many seconds.
    Throttled(u64),
}

/// Checks a password sign-in, throttled per account and per client address: after
/// [`super::MAX_FAILURES_PER_ACCOUNT`] failures of an account (or
/// [`super::MAX_FAILURES_PER_ADDRESS`] from an address) within the window, attempts are refused
/// unchecked, even with the right password, until the window has passed. Accounts that do not
/// exist are throttled the same way, so the answer reveals nothing.
pub async fn sign_in(store: &Store, email: &str, given_password: &str, address: &str) -> anyhow::Result<SignIn> {
    let email = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    let account = format!("account:{email}");
    let client = format!("address:{address}");
    for (subject, max) in [(&account, super::MAX_FAILURES_PER_ACCOUNT), (&client, super::MAX_FAILURES_PER_ADDRESS)] {
        let (failures, oldest) = store.sign_in_failures(subject).await?;
        if failures >= max {
            return Ok(SignIn::Throttled(seconds_until_window_ends(oldest.as_deref())));
        }
    }
    let found = store.organizer_by_email(&email).await?;
    let hash = found.as_ref().and_then(|(_, hash)| hash.as_deref());
    // Blocking work (tens of milliseconds of memory-hard hashing) off the async threads.
    let (given, stored) = (given_password.to_string(), hash.map(str::to_string));
    let ok = tokio::task::spawn_blocking(move || password::verify_or_waste(&given, stored.as_deref())).await?;
    match found {
        Some((organizer, _)) if ok => {
            store.clear_sign_in_failures(&account).await?;
            store.audit(&organizer.email, "", AuditAction::SignIn, "password").await?;
            Ok(SignIn::Organizer(organizer.id))
        }
        _ => {
            store.record_sign_in_failure(&[account, client]).await?;
            store.audit(&email, "", AuditAction::SignInFailed, &format!("from {address}")).await?;
            Ok(SignIn::Refused)
        }
    }
}

/// Seconds from now until `oldest` (a failure's timestamp) leaves the throttling window.
fn seconds_until_window_ends(oldest: Option<&str>) -> u64 {
    let window = super::THROTTLE_WINDOW_MINUTES * 60_000;
    let left =
        oldest.and_then(crate::clock::parse_millis).map_or(window, |then| then + window - crate::clock::now_millis());
    (left.clamp(1000, window) / 1000) as u64
}
