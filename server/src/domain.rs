//! The receiver's domain: campaigns with their settings, signers and their moderation state, the
//! signatures to store and what storing them came to, status changes. Plain data that the store
//! reads and writes and that signing, the admin operations and the HTTP surface work with; it
//! depends on none of them (so none of them has to depend on another for its types).

use std::fmt;
use std::str::FromStr;
use undersigned_core::feed::DemandState;
use undersigned_core::signature::{SignerKind, ValidSignature};
use undersigned_core::Campaign;

/// Public signer counts of a campaign (the shape lives in core, where the widget reads it too).
pub use undersigned_core::signers::SignerCounts;

/// How new signatures of a campaign are moderated, and who may post them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CampaignSettings {
    /// `auto`: individuals are approved at once; `review`: everyone waits for an organizer.
    pub moderation: Moderation,
    /// Organizations wait for approval even under `auto` moderation (the default).
    pub organizations_need_review: bool,
    /// Partner origins (`https://partner.example`) allowed to post signatures from a browser.
    pub allowed_origins: Vec<String>,
    /// Submissions sent sooner than this after the form was shown are kept apart as suspected spam.
    pub min_fill_ms: i64,
    /// Whether a signature counts only once its address's owner confirms it by mail.
    #[serde(default)]
    pub confirmation: Confirmation,
    /// The number of signatures the campaign aims for (served in the campaign's data as
    /// `Campaign::goal`); None: no goal.
    #[serde(default)]
    pub goal: Option<u64>,
}

/// Email confirmation (double opt-in) of signatures: the names are spelled by
/// [`Confirmation::as_str`] (serde's names, held to them by a test) and read back by [`FromStr`],
/// which refuses any other value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// A mail with a confirm link; the signature counts once confirmed (new campaigns).
    #[default]
    Email,
    /// The signature counts at once and no mail is sent (campaigns of an earlier release).
    Off,
}

impl Confirmation {
    pub const ALL: [Confirmation; 2] = [Confirmation::Email, Confirmation::Off];

    /// The name in the database, the admin API, the back office and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::Email => "email",
            Confirmation::Off => "off",
        }
    }

    pub fn parse(name: &str) -> Option<Confirmation> {
        Confirmation::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// `--confirmation` on the command line: the same names, listed in `--help`.
impl clap::ValueEnum for Confirmation {
    fn value_variants<'a>() -> &'a [Self] {
        &Confirmation::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl FromStr for Confirmation {
    type Err = String;

    fn from_str(name: &str) -> Result<Confirmation, String> {
        Confirmation::parse(name).ok_or_else(|| {
            format!("`{name}` is not a confirmation; use {}", Confirmation::ALL.map(Confirmation::as_str).join(" or "))
        })
    }
}

/// A campaign's moderation: the names are spelled by [`Moderation::as_str`] (serde's names, held
/// to them by a test) and read back by [`FromStr`], which refuses any other value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Auto,
    Review,
}

impl Moderation {
    pub const ALL: [Moderation; 2] = [Moderation::Auto, Moderation::Review];

    /// The name in the database, the admin API and the command line (`auto`, `review`).
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Auto => "auto",
            Moderation::Review => "review",
        }
    }
}

impl FromStr for Moderation {
    type Err = String;

    fn from_str(name: &str) -> Result<Moderation, String> {
        Moderation::ALL.into_iter().find(|m| m.as_str() == name).ok_or_else(|| {
            format!("`{name}` is not a moderation; use {}", Moderation::ALL.map(Moderation::as_str).join(" or "))
        })
    }
}

/// `--moderation` on the command line: the same names, listed in `--help`.
impl clap::ValueEnum for Moderation {
    fn value_variants<'a>() -> &'a [Self] {
        &Moderation::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl fmt::Display for Moderation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A campaign with the receiver's settings for it.
#[derive(Debug, Clone)]
pub struct CampaignRecord {
    pub campaign: Campaign,
    pub settings: CampaignSettings,
}

/// Where a signer stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerState {
    Pending,
    Approved,
    Rejected,
    /// Honeypot filled or sent too fast: kept apart for an organizer to review, never dropped.
    Spam,
}

impl SignerState {
    pub const ALL: [SignerState; 4] =
        [SignerState::Pending, SignerState::Approved, SignerState::Rejected, SignerState::Spam];

    pub fn as_str(self) -> &'static str {
        match self {
            SignerState::Pending => "pending",
            SignerState::Approved => "approved",
            SignerState::Rejected => "rejected",
            SignerState::Spam => "spam",
        }
    }

    pub fn parse(s: &str) -> Option<SignerState> {
        SignerState::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What a line of the audit log records: one name per kind of action, written alike by the back
/// office, the admin API and the CLI, and offered by the back office's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignInLinkAsked,
    SignOut,
    SignOutEverywhere,
    OrganizerAdd,
    OrganizerRole,
    OrganizerRemove,
    OrganizerAccept,
    TokenCreate,
    TokenRevoke,
    DemandStatus,
    SignerApproved,
    SignerRejected,
    SignerSpam,
    SignerErase,
    SignersExport,
    SignersImport,
    EndorsementRequested,
    Settings,
    LetterPublish,
    DeliveryRecord,
}

impl AuditAction {
    pub const ALL: [AuditAction; 22] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignInLinkAsked,
        AuditAction::SignOut,
        AuditAction::SignOutEverywhere,
        AuditAction::OrganizerAdd,
        AuditAction::OrganizerRole,
        AuditAction::OrganizerRemove,
        AuditAction::OrganizerAccept,
        AuditAction::TokenCreate,
        AuditAction::TokenRevoke,
        AuditAction::DemandStatus,
        AuditAction::SignerApproved,
        AuditAction::SignerRejected,
        AuditAction::SignerSpam,
        AuditAction::SignerErase,
        AuditAction::SignersExport,
        AuditAction::SignersImport,
        AuditAction::EndorsementRequested,
        AuditAction::Settings,
        AuditAction::LetterPublish,
        AuditAction::DeliveryRecord,
    ];

    /// The name stored in the log and typed in the filter.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in.failed",
            AuditAction::SignInLinkAsked => "sign_in.link_asked",
            AuditAction::SignOut => "sign_out",
            AuditAction::SignOutEverywhere => "sign_out.everywhere",
            AuditAction::OrganizerAdd => "organizer.add",
            AuditAction::OrganizerRole => "organizer.role",
            AuditAction::OrganizerRemove => "organizer.remove",
            AuditAction::OrganizerAccept => "organizer.accept",
            AuditAction::TokenCreate => "token.create",
            AuditAction::TokenRevoke => "token.revoke",
            AuditAction::DemandStatus => "demand.status",
            AuditAction::SignerApproved => "signer.approved",
            AuditAction::SignerRejected => "signer.rejected",
            AuditAction::SignerSpam => "signer.spam",
            AuditAction::SignerErase => "signer.erase",
            AuditAction::SignersExport => "signers.export",
            AuditAction::SignersImport => "signers.import",
            AuditAction::EndorsementRequested => "signers.endorsement_requested",
            AuditAction::Settings => "settings",
            AuditAction::LetterPublish => "letter.publish",
            AuditAction::DeliveryRecord => "delivery.record",
        }
    }
}

/// `--state` on the command line: the same names, listed in `--help`.
impl clap::ValueEnum for SignerState {
    fn value_variants<'a>() -> &'a [Self] {
        &SignerState::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// A validated signature ready to store (the submission already judged for spam).
#[derive(Debug, Clone)]
pub struct NewSigner {
    pub campaign_id: String,
    pub idempotency_key: Option<String>,
    /// Hash of the validated submission: the same key with another payload is refused.
    pub payload_hash: String,
    pub kind: SignerKind,
    pub email_normalized: String,
    pub state: SignerState,
    pub listed: bool,
    /// The validated submission as JSON.
    pub data: String,
    pub spam_reason: Option<String>,
    /// Not counted, listed or exported until the address's owner confirms (`confirmation = email`).
    pub awaiting_confirmation: bool,
    /// Queue a mail to the address in this language (`confirmation = email`): a confirmation for
    /// a new signature, "you had already signed" for a known address.
    pub mail_lang: Option<String>,
}

/// An answer as kept for an idempotency key: the store replays it byte for byte to a retry and
/// never reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub status: u16,
    pub body: String,
}

/// A signature to store with the answer its client gets, computed before the store is reached
/// (signing decides what it says; it never depends on what the store finds, so that the answer
/// reveals nothing about who signed before).
#[derive(Debug, Clone)]
pub struct SignatureWrite {
    pub signer: NewSigner,
    pub answer: KeptAnswer,
}

/// A signer read from an import file: stored with its own moderation state and timestamps.
#[derive(Debug, Clone)]
pub struct ImportedSigner {
    pub signer: NewSigner,
    pub created_at: String,
    pub decided_at: Option<String>,
}

/// What storing a signature came to; `status`/`body` are its [`SignatureWrite`]'s answer, or the one kept for an earlier request with the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    Answer {
        status: u16,
        body: String,
    },
    /// The key was used before with a different payload.
    KeyReused,
}

/// A stored signer, as organizers see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignerRow {
    pub id: i64,
    pub kind: SignerKind,
    pub state: SignerState,
    pub listed: bool,
    pub email: String,
    pub data: ValidSignature,
    pub spam_reason: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
    /// The letter revision this signer endorsed (None only before revisions were recorded).
    pub revision: Option<u32>,
    /// The address's owner has not confirmed yet: not counted, listed or exported.
    pub awaiting_confirmation: bool,
    /// An organization whose contact address is on its website's domain (core's
    /// `website::domain_verified`), shown to moderators; always false for individuals.
    pub domain_verified: bool,
}

/// A status change, as kept in the history (its id is the SSE event id).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatusChange {
    pub id: i64,
    pub campaign: String,
    pub demand: DemandState,
    pub changed_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_audit_action_has_its_own_name() {
        let names: std::collections::HashSet<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
    }

    #[test]
    fn moderation_names_are_serde_names_and_nothing_else_parses() {
        for moderation in Moderation::ALL {
            assert_eq!(serde_json::to_string(&moderation).unwrap(), format!("\"{moderation}\""));
            assert_eq!(moderation.as_str().parse(), Ok(moderation));
        }
        let refused = "Review".parse::<Moderation>().unwrap_err();
        assert!(refused.contains("`Review` is not a moderation; use auto or review"), "{refused}");
    }

    #[test]
    fn confirmation_names_are_serde_names_and_nothing_else_parses() {
        for confirmation in Confirmation::ALL {
            assert_eq!(serde_json::to_string(&confirmation).unwrap(), format!("\"{}\"", confirmation.as_str()));
            assert_eq!(confirmation.as_str().parse(), Ok(confirmation));
        }
        assert!("Email".parse::<Confirmation>().is_err());
    }

    #[test]
    fn signer_state_names_are_serde_names() {
        for state in SignerState::ALL {
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state.as_str()));
            assert_eq!(SignerState::parse(state.as_str()), Some(state));
        }
    }
}

/// A failure of the signature writer or of its batch's transaction, carried as text (one batch's failure is
/// answered to each of its writers). It is a storage failure: the client may retry shortly.
#[derive(Debug)]
pub struct StorageFailure(pub String);

impl std::fmt::Display for StorageFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StorageFailure {}
