//! A signature: what the sign-on form sends ([`SignatureSubmission`], the wire shape), the rules it
//! must meet ([`validate`]), and the normalized result both the widget and the receiver work with
//! ([`ValidSignature`]), or the list of problems to show next to the fields ([`FieldError`]).
//!
//! The widget runs [`validate`] before sending and the receiver runs it again on arrival: one set
//! of rules, so a signature the form accepts is never refused for a rule the visitor could not see.
//!
//! - [`field`]: the wire names, the one place they are spelled.
//! - [`limits`]: the maximum length of each field.
//! - [`email`]: the HTML email rule and the normalized address used to find duplicates.
//! - [`text`]: how typed text is cleaned (controls and bidi overrides removed, spaces collapsed, NFC).
//! - [`country`]: the ISO 3166-1 country codes.
//! - [`website`]: an organization's website, and whether the contact's address is on its domain.
//! - [`presentation`]: how a form presents each field (label, hint, autocomplete, input type).
//! - [`wire`]: lenient decoding and the form-encoded pairs; `docs/wire-format.md` shows all three
//!   encodings with tested examples.
//! - [`encoding`]: the three request encodings (`json`, `form`, `text`) and their content types.
//! - [`answer`]: the receiver's answer to a signature it took (`signed`, `pending`, …).

pub mod answer;
pub mod country;
pub mod email;
pub mod encoding;
pub mod presentation;
pub mod text;
mod validation;
pub mod website;
pub mod wire;

use crate::json::{self, FromJson, Reader};
use serde::{Deserialize, Serialize};
pub use validation::{validate, validate_as, Provenance};

/// Unicode normalization to NFC, supplied by the caller.
///
/// The receiver (and native tests) pass [`unicode_nfc`] (the `unicode-normalization` crate, default
/// feature `unicode-nfc`). The widget passes the browser's `String.prototype.normalize("NFC")`
/// instead: measured with `cargo xtask size` (2026-11), the crate's tables add 123 KB to the raw
/// wasm and 54 KB brotli to what every partner page downloads (546 KB → 669 KB raw, 176 KB → 230 KB
/// brotli), while every browser that runs WebAssembly already carries them. Keeping it a
/// parameter keeps this crate free of web dependencies.
pub type Nfc = fn(&str) -> String;

/// NFC by the `unicode-normalization` crate.
#[cfg(feature = "unicode-nfc")]
pub fn unicode_nfc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().collect()
}

/// The wire names of a submission's fields: the JSON keys, the form field names, and the `field`
/// of a [`FieldError`]. The serde names of [`SignatureSubmission`] are these (a test holds them to it).
pub mod field {
    pub const KIND: &str = "kind";
    /// The organization's name (organizations only).
    pub const ORGANIZATION: &str = "organization";
    /// The organization's website (organizations only; not `website`, the honeypot's name).
    pub const ORGANIZATION_WEBSITE: &str = "organization_website";
    /// The contact's statement that they may sign for the organization (organizations only).
    pub const MAY_SIGN_FOR_ORGANIZATION: &str = "may_sign_for_organization";
    /// The signer's name; for an organization, its contact person.
    pub const NAME: &str = "name";
    /// The signer's title or occupation; for an organization, the contact person's title.
    pub const TITLE: &str = "title";
    /// The individual's affiliation (individuals only).
    pub const AFFILIATION: &str = "affiliation";
    pub const EMAIL: &str = "email";
    /// ISO 3166-1 alpha-2 code, optional.
    pub const COUNTRY: &str = "country";
    /// Consent to be listed publicly as a signer.
    pub const LIST_PUBLICLY: &str = "list_publicly";
    /// Consent to receive updates about the campaign.
    pub const UPDATES_OPT_IN: &str = "updates_opt_in";
    /// A UUID that the widget generates once per signature and resends unchanged on every retry.
    pub const IDEMPOTENCY_KEY: &str = "idempotency_key";
    /// The honeypot: a field people never see and bots fill in.
    pub const HONEYPOT: &str = "website";
    /// Milliseconds between the form being shown and sent.
    pub const FILL_MS: &str = "fill_ms";
    /// The language the form was shown in (a BCP 47 tag): the receiver mails the signer in it.
    pub const LANG: &str = "lang";
    /// The campaign's id.
    pub const CAMPAIGN: &str = "campaign";
    /// Where the signature came from, as set by the partner (`source` attribute).
    pub const SOURCE: &str = "source";
    pub const UTM_SOURCE: &str = "utm_source";
    pub const UTM_MEDIUM: &str = "utm_medium";
    pub const UTM_CAMPAIGN: &str = "utm_campaign";
    pub const UTM_TERM: &str = "utm_term";
    pub const UTM_CONTENT: &str = "utm_content";

    /// The `utm_*` parameters taken from the page URL.
    pub const UTM: [&str; 5] = [UTM_SOURCE, UTM_MEDIUM, UTM_CAMPAIGN, UTM_TERM, UTM_CONTENT];

    /// Every field, in the documented order.
    pub const ALL: [&str; 22] = [
        KIND,
        ORGANIZATION,
        ORGANIZATION_WEBSITE,
        MAY_SIGN_FOR_ORGANIZATION,
        NAME,
        TITLE,
        AFFILIATION,
        EMAIL,
        COUNTRY,
        LIST_PUBLICLY,
        UPDATES_OPT_IN,
        IDEMPOTENCY_KEY,
        HONEYPOT,
        FILL_MS,
        LANG,
        CAMPAIGN,
        SOURCE,
        UTM_SOURCE,
        UTM_MEDIUM,
        UTM_CAMPAIGN,
        UTM_TERM,
        UTM_CONTENT,
    ];
}

/// Maximum lengths, in characters (Unicode scalar values) after cleaning.
pub mod limits {
    pub const ORGANIZATION: usize = 200;
    pub const NAME: usize = 120;
    pub const TITLE: usize = 120;
    pub const AFFILIATION: usize = 200;
    pub const EMAIL: usize = super::email::MAX_EMAIL_CHARS;
    pub const ORGANIZATION_WEBSITE: usize = super::website::MAX_WEBSITE_CHARS;
    /// Longest language tag kept (BCP 47 advises supporting 35); a longer one is ignored.
    pub const LANG: usize = 35;
    /// Longest campaign id (`[a-z0-9-]`).
    pub const CAMPAIGN: usize = 64;
    /// Tracking fields (`source`, `utm_*`) are cut to this length, never refused.
    pub const TRACKING: usize = 200;

    /// The limit of a field the visitor types, by wire name (None for other fields).
    pub fn max_chars(field: &str) -> Option<usize> {
        use super::field as f;
        match field {
            f::ORGANIZATION => Some(ORGANIZATION),
            f::NAME => Some(NAME),
            f::TITLE => Some(TITLE),
            f::AFFILIATION => Some(AFFILIATION),
            f::EMAIL => Some(EMAIL),
            f::ORGANIZATION_WEBSITE => Some(ORGANIZATION_WEBSITE),
            _ => None,
        }
    }
}

/// Who signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerKind {
    Organization,
    Individual,
}

impl SignerKind {
    pub const ALL: [SignerKind; 2] = [SignerKind::Organization, SignerKind::Individual];

    /// The wire name (`organization`, `individual`).
    pub fn as_str(self) -> &'static str {
        match self {
            SignerKind::Organization => "organization",
            SignerKind::Individual => "individual",
        }
    }

    /// The kind for a wire name (exact, lower case).
    pub fn parse(name: &str) -> Option<SignerKind> {
        SignerKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The fields a signer of this kind must fill in.
    pub fn required_fields(self) -> &'static [&'static str] {
        match self {
            SignerKind::Organization => &[field::ORGANIZATION, field::ORGANIZATION_WEBSITE, field::NAME, field::EMAIL],
            SignerKind::Individual => &[field::NAME, field::EMAIL],
        }
    }

    /// The text fields the form shows for this kind, in order (optional ones included).
    pub fn text_fields(self) -> &'static [&'static str] {
        match self {
            SignerKind::Organization => {
                &[field::ORGANIZATION, field::ORGANIZATION_WEBSITE, field::NAME, field::TITLE, field::EMAIL]
            }
            SignerKind::Individual => &[field::NAME, field::TITLE, field::AFFILIATION, field::EMAIL],
        }
    }
}

/// Read by the widget without serde (see `json`).
impl FromJson for SignerKind {
    fn read(r: &mut Reader<'_>) -> json::Result<SignerKind> {
        r.word(&SignerKind::ALL, SignerKind::as_str, None)
    }
}

/// A signature as sent over the wire: untrusted, every text as typed. Field names are the wire
/// names ([`field`]); absent and `null` values read as empty. Run [`validate`] before using it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignatureSubmission {
    #[serde(deserialize_with = "wire::text")]
    pub kind: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub organization: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub organization_website: String,
    /// Organizations only: the contact may sign for the organization (a required checkbox).
    #[serde(deserialize_with = "wire::flag", skip_serializing_if = "is_false")]
    pub may_sign_for_organization: bool,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub affiliation: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub country: String,
    #[serde(deserialize_with = "wire::flag")]
    pub list_publicly: bool,
    #[serde(deserialize_with = "wire::flag")]
    pub updates_opt_in: bool,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub idempotency_key: String,
    /// The honeypot ([`field::HONEYPOT`]); people leave it empty.
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub website: String,
    #[serde(deserialize_with = "wire::millis", skip_serializing_if = "Option::is_none")]
    pub fill_ms: Option<u64>,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub lang: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub campaign: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub utm_source: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub utm_medium: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub utm_campaign: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub utm_term: String,
    #[serde(deserialize_with = "wire::text", skip_serializing_if = "String::is_empty")]
    pub utm_content: String,
}

impl SignatureSubmission {
    /// The text fields with their wire names, in the documented order.
    pub fn text_fields(&self) -> [(&'static str, &str); 18] {
        [
            (field::KIND, &self.kind),
            (field::ORGANIZATION, &self.organization),
            (field::ORGANIZATION_WEBSITE, &self.organization_website),
            (field::NAME, &self.name),
            (field::TITLE, &self.title),
            (field::AFFILIATION, &self.affiliation),
            (field::EMAIL, &self.email),
            (field::COUNTRY, &self.country),
            (field::IDEMPOTENCY_KEY, &self.idempotency_key),
            (field::HONEYPOT, &self.website),
            (field::LANG, &self.lang),
            (field::CAMPAIGN, &self.campaign),
            (field::SOURCE, &self.source),
            (field::UTM_SOURCE, &self.utm_source),
            (field::UTM_MEDIUM, &self.utm_medium),
            (field::UTM_CAMPAIGN, &self.utm_campaign),
            (field::UTM_TERM, &self.utm_term),
            (field::UTM_CONTENT, &self.utm_content),
        ]
    }

    /// The text field with wire name `name`, for filling a submission field by field.
    pub fn text_field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            field::KIND => &mut self.kind,
            field::ORGANIZATION => &mut self.organization,
            field::ORGANIZATION_WEBSITE => &mut self.organization_website,
            field::NAME => &mut self.name,
            field::TITLE => &mut self.title,
            field::AFFILIATION => &mut self.affiliation,
            field::EMAIL => &mut self.email,
            field::COUNTRY => &mut self.country,
            field::IDEMPOTENCY_KEY => &mut self.idempotency_key,
            field::HONEYPOT => &mut self.website,
            field::LANG => &mut self.lang,
            field::CAMPAIGN => &mut self.campaign,
            field::SOURCE => &mut self.source,
            field::UTM_SOURCE => &mut self.utm_source,
            field::UTM_MEDIUM => &mut self.utm_medium,
            field::UTM_CAMPAIGN => &mut self.utm_campaign,
            field::UTM_TERM => &mut self.utm_term,
            field::UTM_CONTENT => &mut self.utm_content,
            _ => return None,
        })
    }
}

/// One problem with one field: the same type the receiver puts in its 422 answer
/// ([`crate::api_error`]), so the widget shows the receiver's field errors exactly like its own.
pub use crate::api_error::{FieldError, FieldErrorCode};

/// A signature that met every rule, with its text cleaned. Fields that do not apply to the kind
/// (an individual's organization, an organization's affiliation) are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidSignature {
    pub kind: SignerKind,
    /// The organization's name (Some exactly for organizations).
    pub organization: Option<String>,
    /// The organization's website, normalized ([`website::normalize_website`]); organizations
    /// only (None for signatures stored before the form asked for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_website: Option<String>,
    /// Organizations only: the contact stated that they may sign for the organization.
    #[serde(default, skip_serializing_if = "is_false")]
    pub may_sign_for_organization: bool,
    /// The signer's name, or the organization's contact person.
    pub name: String,
    pub title: Option<String>,
    /// Individuals only.
    pub affiliation: Option<String>,
    /// The address as typed (trimmed).
    pub email: String,
    /// The address for duplicate detection ([`email::normalize_email`]).
    pub email_normalized: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    pub list_publicly: bool,
    pub updates_opt_in: bool,
    /// Lower-case UUID, when the body carried one.
    pub idempotency_key: Option<String>,
    /// Whether the honeypot was filled in (the receiver decides what that means; its text is not kept).
    pub honeypot_filled: bool,
    pub fill_ms: Option<u64>,
    /// The language the form was shown in, when it sent a well-formed tag (the mail's language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub campaign: Option<String>,
    pub source: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
}

impl ValidSignature {
    /// Whether this is an organization whose contact address is on its website's domain
    /// ([`website::domain_verified`]): what moderators see as "domain verified".
    pub fn domain_verified(&self) -> bool {
        self.kind == SignerKind::Organization
            && self.organization_website.as_deref().is_some_and(|site| website::domain_verified(&self.email, site))
    }

    /// The submission that validates to this signature again (validation is idempotent). The
    /// honeypot's text is not kept, so a filled honeypot comes back as `"filled"`.
    pub fn to_submission(&self) -> SignatureSubmission {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        SignatureSubmission {
            kind: self.kind.as_str().to_string(),
            organization: text(&self.organization),
            organization_website: text(&self.organization_website),
            may_sign_for_organization: self.may_sign_for_organization,
            name: self.name.clone(),
            title: text(&self.title),
            affiliation: text(&self.affiliation),
            email: self.email.clone(),
            country: text(&self.country),
            list_publicly: self.list_publicly,
            updates_opt_in: self.updates_opt_in,
            idempotency_key: text(&self.idempotency_key),
            website: if self.honeypot_filled { "filled".into() } else { String::new() },
            fill_ms: self.fill_ms,
            lang: text(&self.lang),
            campaign: text(&self.campaign),
            source: text(&self.source),
            utm_source: text(&self.utm_source),
            utm_medium: text(&self.utm_medium),
            utm_campaign: text(&self.utm_campaign),
            utm_term: text(&self.utm_term),
            utm_content: text(&self.utm_content),
        }
    }
}

/// The reference receiver's signature endpoint for a campaign:
/// `{receiver}/api/campaigns/{campaign_id}/signatures` (`receiver` is its base URL).
pub fn receiver_signatures_url(receiver: &str, campaign_id: &str) -> String {
    format!("{}/api/campaigns/{}/signatures", receiver.trim().trim_end_matches('/'), campaign_id)
}

/// A version 7 UUID (RFC 9562): the Unix time in milliseconds in its first 48 bits, then the
/// version and variant bits, then `random`'s bytes. These are the idempotency keys the widget and
/// the receiver's pages make: keys made one after the other sort one after the other, so the
/// receiver's key index takes a batch of signatures on one page at its end instead of on a page
/// per signature scattered through it (the commit writes each page it changed).
pub fn uuid_v7(unix_ms: u64, random: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = random;
    bytes[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut uuid = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        uuid.push(char::from(HEX[usize::from(byte >> 4)]));
        uuid.push(char::from(HEX[usize::from(byte & 0xF)]));
    }
    uuid
}

/// Whether `key` is a UUID in its 8-4-4-4-12 hexadecimal form (any version, any case).
pub fn is_uuid(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether `id` is a campaign id: 1 to 64 of `a-z`, `0-9`, `-`.
pub fn is_campaign_id(id: &str) -> bool {
    (1..=limits::CAMPAIGN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// For serde's `skip_serializing_if`: a checkbox left unticked is not written.
fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests;
