//! From a request body to a stored signature: decoding the widget's three encodings, validating
//! with the rules in `core` (the same code the widget runs), judging spam, and choosing the
//! moderation state. Also the answers the client gets, computed here before the signature is
//! stored; the store keeps the one that applies for idempotent retries without reading it.

use crate::domain::{CampaignSettings, Confirmation, KeptAnswer, Moderation, NewSigner, SignatureWrite, SignerState};
use crate::http::error::{HttpError, HttpResult};
use crate::http::pages::text::Lang;
use sha2::{Digest, Sha256};
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::answer::{AnswerStatus, SignatureAnswer};
use undersigned_core::signature::encoding::Encoding;
use undersigned_core::signature::{self, SignatureSubmission, SignerKind, ValidSignature};
use undersigned_core::signers::PublicSigner;

/// The encoding of a request's `Content-Type`, or `unsupported_media_type`.
pub fn encoding_of(content_type: Option<&str>) -> HttpResult<Encoding> {
    content_type.and_then(Encoding::from_content_type).ok_or_else(|| {
        HttpError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "Send the signature as application/json, application/x-www-form-urlencoded or text/plain (holding JSON), not `{}`.",
                content_type.unwrap_or("no Content-Type")
            ),
        )
    })
}

/// Decodes a body into the wire shape.
pub fn decode(encoding: Encoding, body: &[u8]) -> HttpResult<SignatureSubmission> {
    match encoding {
        Encoding::Form => Ok(SignatureSubmission::from_form_pairs(form_urlencoded::parse(body))),
        Encoding::Json | Encoding::Text => serde_json::from_slice(body).map_err(|e| {
            HttpError::new(
                ErrorCode::MalformedBody,
                format!("The body is not a JSON object of signature fields ({e}); send it as the widget does."),
            )
        }),
    }
}

/// Validates with core's rules; a header idempotency key fills in for a missing body field.
pub fn validate(mut submission: SignatureSubmission, header_key: Option<&str>) -> HttpResult<ValidSignature> {
    if let Some(key) = header_key.map(str::trim).filter(|k| !k.is_empty()) {
        if submission.idempotency_key.trim().is_empty() {
            submission.idempotency_key = key.to_string();
        } else if !submission.idempotency_key.trim().eq_ignore_ascii_case(key) {
            return Err(HttpError::new(
                ErrorCode::InvalidRequest,
                "The Idempotency-Key header and the body's idempotency_key differ; send one key.",
            ));
        }
    }
    signature::validate(&submission, signature::unicode_nfc).map_err(|errors| {
        HttpError::fields(ErrorCode::ValidationFailed, "Some fields need attention; see `fields`.", errors)
    })
}

/// Spam judgment and moderation: a filled honeypot or a form sent faster than the campaign's
/// minimum fill time is kept apart as `spam` for review; otherwise the campaign's moderation
/// decides between `approved` and `pending`. An unknown fill time (a form service, a plain HTML
/// form) is not held against the signer.
pub fn judge(signature: &ValidSignature, settings: &CampaignSettings) -> (SignerState, Option<String>) {
    if signature.honeypot_filled {
        return (SignerState::Spam, Some("the honeypot field was filled in".into()));
    }
    if let Some(ms) = signature.fill_ms {
        if (ms as i64) < settings.min_fill_ms {
            return (
                SignerState::Spam,
                Some(format!("sent {ms} ms after the form was shown (minimum {} ms)", settings.min_fill_ms)),
            );
        }
    }
    let organization = signature.kind == SignerKind::Organization;
    if settings.moderation == Moderation::Review || (organization && settings.organizations_need_review) {
        (SignerState::Pending, None)
    } else {
        (SignerState::Approved, None)
    }
}

/// What the store needs, with the hash that tells a retry from another payload under one key.
/// `lang` is the language of the mail that follows under `confirmation = email`.
pub fn new_signer(
    campaign_id: &str,
    signature: &ValidSignature,
    settings: &CampaignSettings,
    lang: &str,
) -> anyhow::Result<NewSigner> {
    let (state, spam_reason) = judge(signature, settings);
    let data = serde_json::to_string(signature)?;
    // The fill time, the honeypot and the form's language are not part of what was signed: a
    // retry may differ.
    let mut signed = signature.clone();
    signed.fill_ms = None;
    signed.honeypot_filled = false;
    signed.lang = None;
    let payload_hash = hex(&Sha256::digest(serde_json::to_vec(&signed)?));
    Ok(NewSigner {
        campaign_id: campaign_id.to_string(),
        idempotency_key: signature.idempotency_key.clone(),
        payload_hash,
        kind: signature.kind,
        email_normalized: signature.email_normalized.clone(),
        state,
        listed: signature.list_publicly,
        data,
        spam_reason,
        awaiting_confirmation: settings.confirmation == Confirmation::Email,
        mail_lang: (settings.confirmation == Confirmation::Email).then(|| lang.to_string()),
    })
}

/// The language of the mails to a signer: the one their form was shown in (the widget's `lang`,
/// the letter page's language), else the browser's `Accept-Language`, else English.
pub fn mail_language(signature: &ValidSignature, headers: &axum::http::HeaderMap) -> Lang {
    signature.lang.as_deref().and_then(Lang::from_tag).unwrap_or_else(|| Lang::from_headers(headers))
}

/// Lowercase hexadecimal: payload hashes, tokens, ETags. (A `format!` per byte cost 32
/// allocations per payload hash, on every signature.)
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// The answer to a signing: (HTTP status, JSON body). It depends only on what was sent and the
/// campaign's settings, never on whether the address had signed before (new, confirmed, awaiting
/// confirmation, rejected or erased: the same bytes), so that nobody can learn who signed by
/// signing with their address; the mail tells the address's owner what happened.
///
/// - `confirmation = email`: `202 check_inbox` for every signature.
/// - `confirmation = off`: `201 signed` when the campaign's moderation approves such a signature at
///   once, else `201 pending`. Spam is answered like `pending`: a person typing fast learns that
///   the signature waits for review, a bot learns nothing.
pub fn answer(signer: &NewSigner) -> anyhow::Result<KeptAnswer> {
    let (status, word, message) = match (signer.awaiting_confirmation, signer.state) {
        (true, _) => (
            202,
            AnswerStatus::CheckInbox,
            "Check your inbox: we sent a mail to this address with a link to confirm the signature. It counts once confirmed.",
        ),
        (false, SignerState::Approved) => (201, AnswerStatus::Signed, "Thank you: your signature is on the letter."),
        (false, SignerState::Pending | SignerState::Spam | SignerState::Rejected) => (
            201,
            AnswerStatus::Pending,
            "Thank you: your signature was received and will appear once the organizers have reviewed it.",
        ),
    };
    let body = serde_json::to_string(&SignatureAnswer { status: word, message: message.to_string() })?;
    Ok(KeptAnswer { status, body })
}

/// A signer with the answer its client gets, computed before the store sees it (the store keeps
/// it for idempotent retries without reading it).
pub fn write(signer: NewSigner) -> anyhow::Result<SignatureWrite> {
    Ok(SignatureWrite { answer: answer(&signer)?, signer })
}

/// A signer as the public list shows it: never an email, never an organization's contact person.
pub fn public_entry(id: i64, signature: &ValidSignature) -> PublicSigner {
    let country = signature.country.clone();
    match signature.kind {
        // Never the organization's contact person.
        SignerKind::Organization => PublicSigner {
            id,
            name: signature.organization.clone().unwrap_or_default(),
            title: None,
            affiliation: None,
            country,
            earlier_revision: None,
        },
        SignerKind::Individual => PublicSigner {
            id,
            name: signature.name.clone(),
            title: signature.title.clone(),
            affiliation: signature.affiliation.clone(),
            country,
            earlier_revision: None,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(super::hex(&[]), "");
    }
}
