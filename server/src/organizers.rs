//! Organizers of the back office (`/admin`) and of scripts: accounts, their roles per campaign,
//! what each role may do, passwords (argon2id), the random secrets behind sessions, links and
//! bearer tokens, and the audit log's vocabulary.
//!
//! The rules live here once; the pages ([`crate::http::backoffice`]), the admin API
//! ([`crate::http::admin_api`]) and the CLI ask [`Role::may`] before every operation.

pub mod accounts;
pub mod cli;
pub mod password;
pub mod secret;

/// An organizer's role on one campaign (or on every campaign).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read only; never sees an email address.
    Viewer,
    /// Approves, rejects and marks spam; sees and exports emails.
    Moderator,
    /// Changes the letter (revisions) and the demands' statuses; records deliveries.
    Editor,
    /// Everything: settings, organizers, tokens, erasure, imports, besides what the others do.
    Owner,
}

/// One thing an organizer may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Totals, demands, letter, public lists, audit log without emails.
    Read,
    /// Signers' email addresses, on screen or in an export.
    SeeEmails,
    /// Approve, reject, mark as spam.
    Moderate,
    /// Demand statuses, notes and evidence.
    EditDemands,
    /// Publish a new revision of the letter.
    EditLetter,
    /// Record a delivery of the letter.
    RecordDeliveries,
    /// Moderation, confirmation, partner origins, goal, minimum fill time.
    ChangeSettings,
    /// Invite organizers, change roles, manage bearer tokens.
    ManageOrganizers,
    /// Erase signers, import signers.
    EraseAndImport,
    /// Mail that could not be delivered after its retries (with its recipient's address).
    SeeFailedMail,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Editor, Role::Moderator, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Moderator => "moderator",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Whether this role allows `permission` (the one table of who may do what).
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Editor => matches!(permission, Read | EditDemands | EditLetter | RecordDeliveries),
            Role::Moderator => matches!(permission, Read | SeeEmails | Moderate),
            Role::Viewer => matches!(permission, Read),
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::parse(s).ok_or_else(|| format!("`{s}` is not a role: choose owner, editor, moderator or viewer"))
    }
}

/// The campaign id that gives a role on every campaign.
pub const EVERY_CAMPAIGN: &str = "*";

/// An organizer's account as the back office shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Organizer {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// False until an invited organizer has chosen a password.
    pub has_password: bool,
    pub created_at: String,
}

/// An organizer's roles: (campaign id or [`EVERY_CAMPAIGN`], role).
#[derive(Debug, Clone, Default)]
pub struct Roles(pub Vec<(String, Role)>);

impl Roles {
    /// The role on `campaign`: the one for that campaign, else the one for every campaign.
    pub fn on(&self, campaign: &str) -> Option<Role> {
        let own = self.0.iter().find(|(c, _)| c == campaign).map(|(_, r)| *r);
        own.or_else(|| self.0.iter().find(|(c, _)| c == EVERY_CAMPAIGN).map(|(_, r)| *r))
    }

    /// Whether the organizer has any role anywhere.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the organizer may do `permission` on `campaign`.
    pub fn may(&self, campaign: &str, permission: Permission) -> bool {
        self.on(campaign).is_some_and(|r| r.may(permission))
    }
}

/// An email address as accounts are keyed: trimmed and lower-cased; None when it is no address.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(char::is_whitespace))
        .then_some(email)
}

/// How long a session lasts without a request.
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// How long a session lasts at most, active or not.
pub const SESSION_MAX_HOURS: i64 = 12;
/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;
/// How long a sign-in link stays valid.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;
/// The throttling window for failed sign-ins.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failed sign-ins of one account within the window before further attempts are refused.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins from one client address within the window before further attempts are refused.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// The shortest password accepted (NIST SP 800-63B: at least 8; we ask for more, no other rule).
pub const MIN_PASSWORD_CHARS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_never_see_emails_and_only_owners_and_moderators_export_them() {
        let can_see: Vec<Role> = Role::ALL.into_iter().filter(|r| r.may(Permission::SeeEmails)).collect();
        assert_eq!(can_see, [Role::Owner, Role::Moderator]);
        assert!(!Role::Viewer.may(Permission::Moderate) && Role::Viewer.may(Permission::Read));
        assert!(Role::Editor.may(Permission::EditDemands) && !Role::Editor.may(Permission::Moderate));
        assert!(!Role::Moderator.may(Permission::EditDemands) && !Role::Editor.may(Permission::ChangeSettings));
    }

    #[test]
    fn a_campaign_role_wins_over_the_every_campaign_role() {
        let roles = Roles(vec![("*".into(), Role::Viewer), ("a".into(), Role::Editor)]);
        assert_eq!(roles.on("a"), Some(Role::Editor));
        assert_eq!(roles.on("b"), Some(Role::Viewer));
        assert_eq!(Roles::default().on("a"), None);
        assert_eq!(normalize_email(" Ana@Example.ORG "), Some("ana@example.org".into()));
        assert_eq!(normalize_email("ana@example"), None);
    }
}

/// Who is asking, and what they may do: an organizer signed in to the back office, a bearer token
/// of an organizer, the receiver's own admin token (scripts from before organizer accounts), or
/// the CLI (whoever can run it can read the database anyway).
#[derive(Debug, Clone)]
pub struct Principal {
    /// How the audit log names them.
    pub actor: String,
    pub access: Access,
}

#[derive(Debug, Clone)]
pub enum Access {
    /// The receiver's admin token and the CLI: every permission on every campaign.
    Everything,
    /// A signed-in organizer's roles.
    Roles(Roles),
    /// A bearer token: one role on one campaign (or `*`).
    Token { campaign: String, role: Role },
}

impl Principal {
    /// The role that applies on `campaign` (owner for [`Access::Everything`]).
    pub fn role_on(&self, campaign: &str) -> Option<Role> {
        match &self.access {
            Access::Everything => Some(Role::Owner),
            Access::Roles(roles) => roles.on(campaign),
            Access::Token { campaign: c, role } => (c == campaign || c == EVERY_CAMPAIGN).then_some(*role),
        }
    }

    pub fn may(&self, campaign: &str, permission: Permission) -> bool {
        self.role_on(campaign).is_some_and(|r| r.may(permission))
    }
}
