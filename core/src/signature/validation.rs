//! The rules a signature must meet ([`validate`]): one small function per field, each giving the
//! cleaned value or what is wrong with it; [`validate_as`] runs them in form order and keeps every
//! problem, so the form can show them all together.

use super::{
    country, email, field, is_campaign_id, is_uuid, limits, text, website, FieldError, FieldErrorCode, Nfc,
    SignatureSubmission, SignerKind, ValidSignature,
};

/// Checks `submission` against every rule and returns the cleaned signature, or every problem at
/// once (so the form can show them all together), in form order.
pub fn validate(submission: &SignatureSubmission, nfc: Nfc) -> Result<ValidSignature, Vec<FieldError>> {
    validate_as(submission, nfc, Provenance::Form)
}

/// Where a submission comes from, for the one rule that differs between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Typed into a sign-on form now: every rule applies.
    Form,
    /// A record of an earlier signature (an import of signers collected elsewhere or exported
    /// before the form asked organizations for their website and the "may sign" statement): those
    /// two may be missing, every other rule applies (a website given must still be one).
    EarlierRecord,
}

/// [`validate`], for a submission of the given [`Provenance`].
pub fn validate_as(
    submission: &SignatureSubmission,
    nfc: Nfc,
    provenance: Provenance,
) -> Result<ValidSignature, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = keep(signer_kind(&submission.kind, nfc), &mut errors);
    let rules = TextRules { kind, provenance, nfc };
    let mut text_field = |name: &'static str, raw: &str| keep(rules.check(name, raw), &mut errors).flatten();
    let organization = text_field(field::ORGANIZATION, &submission.organization);
    let website_text = text_field(field::ORGANIZATION_WEBSITE, &submission.organization_website);
    let name = text_field(field::NAME, &submission.name);
    let title = text_field(field::TITLE, &submission.title);
    let affiliation = text_field(field::AFFILIATION, &submission.affiliation);
    let email = keep(email_address(&submission.email, nfc), &mut errors);
    let organization_website = keep(organization_website(website_text), &mut errors).flatten();
    let may_sign = may_sign_for_organization(kind, submission.may_sign_for_organization, provenance);
    let may_sign_for_organization = keep(may_sign, &mut errors).unwrap_or(false);
    let country = keep(country_code(&submission.country, nfc), &mut errors).flatten();
    let idempotency_key = keep(idempotency_key(&submission.idempotency_key), &mut errors).flatten();
    let campaign = keep(campaign_id(&submission.campaign), &mut errors).flatten();

    let tracking = |raw: &str| Some(text::clean_to_limit(raw, limits::TRACKING, nfc)).filter(|v| !v.is_empty());
    match (kind, name, email) {
        (Some(kind), Some(name), Some(email)) if errors.is_empty() => Ok(ValidSignature {
            kind,
            organization,
            organization_website,
            may_sign_for_organization,
            name,
            title,
            affiliation,
            email_normalized: email::normalize_email(&email),
            email,
            country,
            list_publicly: submission.list_publicly,
            updates_opt_in: submission.updates_opt_in,
            idempotency_key,
            honeypot_filled: !text::clean(&submission.website, nfc).is_empty(),
            fill_ms: submission.fill_ms,
            lang: language_tag(&submission.lang),
            campaign,
            source: tracking(&submission.source),
            utm_source: tracking(&submission.utm_source),
            utm_medium: tracking(&submission.utm_medium),
            utm_campaign: tracking(&submission.utm_campaign),
            utm_term: tracking(&submission.utm_term),
            utm_content: tracking(&submission.utm_content),
        }),
        _ => Err(errors),
    }
}

/// The value of a field that met its rule, or None after noting its problem in `errors`.
fn keep<T>(checked: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    checked.map_err(|e| errors.push(e)).ok()
}

fn field_error(field: &'static str, code: FieldErrorCode, message: String) -> FieldError {
    FieldError { field: field.to_string(), code, message }
}

/// `kind`: `organization` or `individual`.
fn signer_kind(raw: &str, nfc: Nfc) -> Result<SignerKind, FieldError> {
    let kind_text = text::clean(raw, nfc);
    match SignerKind::parse(&kind_text) {
        Some(kind) => Ok(kind),
        None if kind_text.is_empty() => Err(field_error(
            field::KIND,
            FieldErrorCode::Required,
            "Choose whether you sign as an organization or as an individual.".to_string(),
        )),
        None => Err(field_error(
            field::KIND,
            FieldErrorCode::InvalidKind,
            format!("Sign as `organization` or `individual`, not `{kind_text}`."),
        )),
    }
}

/// Which text fields apply and which are required, by the signer's kind and the provenance.
struct TextRules {
    kind: Option<SignerKind>,
    provenance: Provenance,
    nfc: Nfc,
}

impl TextRules {
    /// Without a kind, the fields both kinds share are checked, so the visitor still sees every
    /// problem.
    fn applies(&self, name: &str) -> bool {
        self.kind.map_or(name == field::NAME || name == field::TITLE, |k| k.text_fields().contains(&name))
    }

    fn required(&self, name: &str) -> bool {
        let earlier = self.provenance == Provenance::EarlierRecord && name == field::ORGANIZATION_WEBSITE;
        !earlier && self.kind.map_or(name == field::NAME, |k| k.required_fields().contains(&name))
    }

    /// A text field about the signer (organization, website, name, title, affiliation): cleaned,
    /// within its length; None when it does not apply or is empty and optional.
    fn check(&self, name: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
        if !self.applies(name) {
            return Ok(None);
        }
        let value = text::clean(raw, self.nfc);
        if value.is_empty() {
            if self.required(name) {
                return Err(field_error(name, FieldErrorCode::Required, required_message(name).to_string()));
            }
            return Ok(None);
        }
        let max = limits::max_chars(name).unwrap_or(limits::TRACKING);
        let count = text::char_count(&value);
        if count > max {
            let message = format!("Shorten this to at most {max} characters (it has {count}).");
            return Err(field_error(name, FieldErrorCode::TooLong, message));
        }
        Ok(Some(value))
    }
}

/// `email`, checked whatever the kind: every signer gives one.
fn email_address(raw: &str, nfc: Nfc) -> Result<String, FieldError> {
    let email = text::clean(raw, nfc);
    let count = text::char_count(&email);
    if email.is_empty() {
        Err(field_error(field::EMAIL, FieldErrorCode::Required, required_message(field::EMAIL).to_string()))
    } else if count > limits::EMAIL {
        let message = format!("An email address has at most {} characters (this one has {count}).", limits::EMAIL);
        Err(field_error(field::EMAIL, FieldErrorCode::TooLong, message))
    } else if !email::is_valid_email(&email) {
        let message = "Enter an email address like name@example.org, without spaces.".to_string();
        Err(field_error(field::EMAIL, FieldErrorCode::InvalidEmail, message))
    } else {
        Ok(email)
    }
}

/// `organization_website` as typed (already cleaned and within its length), normalized.
fn organization_website(typed: Option<String>) -> Result<Option<String>, FieldError> {
    let Some(typed) = typed else { return Ok(None) };
    match website::normalize_website(&typed) {
        Some(normalized) => Ok(Some(normalized)),
        None => Err(field_error(
            field::ORGANIZATION_WEBSITE,
            FieldErrorCode::InvalidWebsite,
            "Enter the organization's website as a web address such as eff.org or https://www.eff.org.".to_string(),
        )),
    }
}

/// `may_sign_for_organization`: an organization's contact must tick it on the form (an earlier
/// record may lack it); it means nothing for an individual.
fn may_sign_for_organization(
    kind: Option<SignerKind>,
    ticked: bool,
    provenance: Provenance,
) -> Result<bool, FieldError> {
    let is_organization = kind == Some(SignerKind::Organization);
    if is_organization && !ticked && provenance == Provenance::Form {
        let name = field::MAY_SIGN_FOR_ORGANIZATION;
        return Err(field_error(name, FieldErrorCode::Required, required_message(name).to_string()));
    }
    Ok(is_organization && ticked)
}

/// `country`: empty, or an ISO 3166-1 alpha-2 code.
fn country_code(raw: &str, nfc: Nfc) -> Result<Option<String>, FieldError> {
    let country_text = text::clean(raw, nfc);
    if country_text.is_empty() {
        return Ok(None);
    }
    match country::country_code(&country_text) {
        Some(code) => Ok(Some(code.to_string())),
        None => Err(field_error(
            field::COUNTRY,
            FieldErrorCode::InvalidCountry,
            "Choose a country from the list (an ISO 3166-1 two-letter code), or leave it empty.".to_string(),
        )),
    }
}

/// `idempotency_key`: empty, or a UUID (kept in lower case).
fn idempotency_key(raw: &str) -> Result<Option<String>, FieldError> {
    let key_text = raw.trim();
    if key_text.is_empty() {
        Ok(None)
    } else if is_uuid(key_text) {
        Ok(Some(key_text.to_ascii_lowercase()))
    } else {
        Err(field_error(
            field::IDEMPOTENCY_KEY,
            FieldErrorCode::InvalidIdempotencyKey,
            "The idempotency key must be a UUID (8-4-4-4-12 hexadecimal digits).".to_string(),
        ))
    }
}

/// `campaign`: empty, or a campaign id.
fn campaign_id(raw: &str) -> Result<Option<String>, FieldError> {
    let campaign_text = raw.trim();
    if campaign_text.is_empty() {
        Ok(None)
    } else if is_campaign_id(campaign_text) {
        Ok(Some(campaign_text.to_string()))
    } else {
        Err(field_error(
            field::CAMPAIGN,
            FieldErrorCode::InvalidCampaign,
            "The campaign id is 1 to 64 of a-z, 0-9 and -.".to_string(),
        ))
    }
}

/// A well-formed BCP 47 tag (`es`, `pt-BR`, `zh-Hant-TW`) as sent, else None: the language only
/// chooses the words of a mail, so a bad one is ignored rather than refused.
fn language_tag(raw: &str) -> Option<String> {
    let tag = raw.trim();
    let mut subtags = tag.split('-');
    let primary_ok =
        subtags.next().is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok = subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    (primary_ok && rest_ok && tag.len() <= limits::LANG).then(|| tag.to_string())
}

fn required_message(name: &str) -> &'static str {
    match name {
        field::ORGANIZATION => "Enter the organization's name.",
        field::ORGANIZATION_WEBSITE => "Enter the organization's website, such as eff.org.",
        field::MAY_SIGN_FOR_ORGANIZATION => "Tick the box to confirm that you may sign for this organization.",
        field::NAME => "Enter your name.",
        field::EMAIL => "Enter your email address, so the organizers can confirm your signature.",
        _ => "Fill in this field.",
    }
}
