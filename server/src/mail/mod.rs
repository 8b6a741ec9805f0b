//! Outgoing mail: the messages the receiver sends to signers (confirm a signature, "you had already
//! signed", a link to withdraw, a request to endorse the letter's new text), the durable queue they
//! wait in, and the sender that delivers them.
//!
//! Mail is never sent while a visitor waits: whatever asks for a mail writes a row to the
//! `mail_queue` table in the same transaction as the change it reports ([`crate::store`]), and the
//! [`worker`] sends it afterwards, retrying with backoff. A signature acknowledged just before a
//! crash therefore still gets its mail after the restart, and an answer takes the same time
//! whether or not a mail follows it.
//!
//! - [`message`]: builds a mail (text and HTML, in the signer's language) from its facts.
//! - [`token`]: the unguessable, single-use links in mails (only their hash is stored).
//! - [`sender`]: SMTP through `lettre` (TLS or STARTTLS, authentication), or, when no SMTP server
//!   is configured (the demo), files in a mail folder.
//! - [`organizer`]: the mails to organizers of the back office (an invitation, a sign-in link).
//! - [`worker`]: takes due mail from the queue and sends it; keeps the mail it gave up on (after
//!   its retries) for owners to see in the back office.
//!
//! Other parts of the receiver ask for mail with [`MailKind`] and a signer or an organizer; see
//! [`crate::store::Store::queue_withdraw_link`] and [`crate::store::Store::queue_organizer_mail`].

pub mod message;
pub mod organizer;
pub mod sender;
pub mod token;
pub mod worker;

use std::path::PathBuf;

/// How long a link in a mail works, and how long an unconfirmed signature is kept.
pub const LINK_LIFETIME_DAYS: i64 = 7;

/// How long mail the sender gave up on stays visible to owners in the back office.
pub const FAILED_MAIL_DAYS: i64 = 30;

/// What a queued mail says; the queue stores its name ([`MailKind::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A new signature: confirm it (and how to withdraw it).
    Signed,
    /// The address had signed before; the mail says when and what was (not) changed.
    Repeat,
    /// The owner asked on the letter page for a link to withdraw.
    WithdrawLink,
    /// The letter's text changed since the signer endorsed it: endorse the new text (an
    /// organizer's request; the signature moves only when its owner presses the link's button).
    Endorse,
    /// To an organizer: an owner invited them to the back office (a link to choose a password).
    Invitation,
    /// To an organizer: the one-time sign-in link they asked for on the sign-in page.
    SignInLink,
}

impl MailKind {
    pub const ALL: [MailKind; 6] = [
        MailKind::Signed,
        MailKind::Repeat,
        MailKind::WithdrawLink,
        MailKind::Endorse,
        MailKind::Invitation,
        MailKind::SignInLink,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Signed => "signed",
            MailKind::Repeat => "repeat",
            MailKind::WithdrawLink => "withdraw_link",
            MailKind::Endorse => "endorse",
            MailKind::Invitation => "invitation",
            MailKind::SignInLink => "sign_in_link",
        }
    }

    pub fn parse(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Mail to an organizer of the back office rather than to a signer ([`organizer`]).
    pub fn is_for_organizer(self) -> bool {
        matches!(self, MailKind::Invitation | MailKind::SignInLink)
    }
}

/// Where and how mail goes (docs/receiver.md, "Mail").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// `smtps://user@host:465` (TLS), `smtp://user@host:587?tls=required` (STARTTLS) or
    /// `smtp://host:25` (plain, for a local relay); None writes mail to [`MailConfig::folder`].
    pub smtp_url: Option<String>,
    /// The SMTP password, kept out of the URL (and so out of process listings) when given here.
    pub smtp_password: Option<String>,
    /// The `From` of every mail.
    pub from: String,
    /// Where mail is written when no SMTP server is configured.
    pub folder: PathBuf,
    /// Serve the mail folder at `/mail/` (the demo shows its mail there; never in production:
    /// the messages hold working links).
    pub show_folder: bool,
}

pub const DEFAULT_FROM: &str = "Undersigned <undersigned@localhost>";

impl MailConfig {
    /// Mail written to `data_dir/mail`, not shown.
    pub fn folder_in(data_dir: &std::path::Path) -> MailConfig {
        MailConfig {
            smtp_url: None,
            smtp_password: None,
            from: DEFAULT_FROM.to_string(),
            folder: data_dir.join("mail"),
            show_folder: false,
        }
    }
}
