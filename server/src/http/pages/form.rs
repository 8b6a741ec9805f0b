//! The plain sign-on form of the receiver's pages: the same wire names (core's `field`), limits
//! (`limits::max_chars`) and checkbox values the widget sends, posted with the form encoding, so
//! it works with JavaScript off. After a refused post it comes back filled in as sent, with each
//! field's problem next to it.
//!
//! Every rendering carries an idempotency key: a fresh UUID on the letter page, the one that was
//! sent when the form comes back after an error (nothing was stored under it). Sending the same
//! page twice (a double click, Back and send again) therefore gets the first answer again instead
//! of a second signature, exactly like the widget's retries.

use super::html::escape;
use super::text::Lang;
use std::fmt::Write as _;
use undersigned_core::api_error::FieldError;
use undersigned_core::signature::presentation::{self, FieldPresentation};
use undersigned_core::signature::{field, is_uuid, limits, uuid_v7, SignatureSubmission, SignerKind};

/// What to put in the form.
pub struct FormState<'a> {
    pub campaign_id: &'a str,
    /// The values sent, when the form comes back after a refusal.
    pub values: Option<&'a SignatureSubmission>,
    /// The problems with them (empty on the letter page).
    pub errors: &'a [FieldError],
    pub lang: Lang,
}

/// What follows a field's label on this form, which shows both kinds of signer at once (there is
/// no script to switch): whom the field is for, or whether it is required.
fn marker(name: &str) -> &'static str {
    let shown_for = |kind: SignerKind| kind.text_fields().contains(&name);
    match (shown_for(SignerKind::Organization), shown_for(SignerKind::Individual)) {
        (true, false) => "page.only_organizations",
        (false, true) => "page.only_individuals",
        _ if presentation::required_for_every_kind(name) => "form.required",
        _ => "form.optional",
    }
}

/// A field's hint on this form: the table's, except for the name, which on this form is also an
/// organization's contact person (the widget relabels it instead).
fn hint(f: &FieldPresentation) -> Option<&'static str> {
    if f.name == field::NAME {
        Some("page.name.hint")
    } else {
        f.hint
    }
}

/// The label a field has on this form, for naming it in an error summary; the wire name for the
/// fields the form does not show (`country`, `campaign`, `idempotency_key` sent by another form).
pub fn label_of(name: &str, lang: Lang) -> String {
    match name {
        field::KIND => lang.text("form.kind.legend"),
        field::LIST_PUBLICLY => lang.text("form.list_publicly"),
        field::MAY_SIGN_FOR_ORGANIZATION => lang.text("form.may_sign_for_organization"),
        field::UPDATES_OPT_IN => lang.text("form.updates_opt_in"),
        _ => presentation::text_field(name).map_or_else(|| name.to_string(), |f| lang.text(f.label)),
    }
}

/// Whether the form has an element with the id [`input_id`] for this field (so a summary can link to it).
pub fn has_input(name: &str) -> bool {
    name == field::KIND || name == field::MAY_SIGN_FOR_ORGANIZATION || presentation::text_field(name).is_some()
}

/// The `id` of a field's input (for the kind, of its first radio button).
pub fn input_id(name: &str) -> String {
    if name == field::KIND {
        "f-kind-individual".to_string()
    } else {
        format!("f-{name}")
    }
}

/// A new time-ordered (version 7) UUID for the idempotency key.
pub fn new_idempotency_key() -> String {
    uuid_v7(crate::clock::now_millis().max(0) as u64, rand::random())
}

/// The idempotency key in a rendered form (the letter page keeps its rendering and puts a fresh
/// key in each answer).
pub fn key_in(html: &str) -> Option<String> {
    let marker = format!("name=\"{}\" value=\"", field::IDEMPOTENCY_KEY);
    let start = html.find(&marker)? + marker.len();
    let key = html.get(start..start + 36)?;
    is_uuid(key).then(|| key.to_string())
}

/// The form's HTML.
pub fn render(state: &FormState) -> String {
    let lang = state.lang;
    let value = |name: &str| {
        state
            .values
            .and_then(|v| v.text_fields().into_iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()))
            .unwrap_or_default()
    };
    let error = |name: &str| state.errors.iter().find(|e| e.field == name);
    let sent_key = value(field::IDEMPOTENCY_KEY);
    let key = if is_uuid(sent_key.trim()) { sent_key.trim().to_string() } else { new_idempotency_key() };
    let id = escape(state.campaign_id);
    let mut out = String::new();
    let _ = write!(
        out,
        "<form class=\"sign\" method=\"post\" action=\"/api/campaigns/{id}/signatures\">\
         <input type=\"hidden\" name=\"{}\" value=\"{id}\">\
         <input type=\"hidden\" name=\"{}\" value=\"{}\">\
         <input type=\"hidden\" name=\"{}\" value=\"{}\">",
        field::CAMPAIGN,
        field::IDEMPOTENCY_KEY,
        escape(&key),
        field::LANG,
        lang.code(),
    );
    // The kind: individual unless the visitor chose organization.
    let chosen = SignerKind::parse(value(field::KIND).trim()).unwrap_or(SignerKind::Individual);
    let kind_error = error(field::KIND);
    let _ = write!(
        out,
        "<fieldset{}><legend>{}</legend>",
        if kind_error.is_some() { " aria-describedby=\"f-kind-error\"" } else { "" },
        escape(&lang.text("form.kind.legend"))
    );
    for kind in [SignerKind::Individual, SignerKind::Organization] {
        let label = escape(&lang.text(&format!("form.kind.{}", kind.as_str())));
        let _ = write!(
            out,
            "<p class=\"choice\"><input type=\"radio\" name=\"{}\" id=\"f-kind-{k}\" value=\"{k}\"{}> <label for=\"f-kind-{k}\">{label}</label></p>",
            field::KIND,
            if kind == chosen { " checked" } else { "" },
            k = kind.as_str(),
        );
    }
    if let Some(e) = kind_error {
        let _ = write!(
            out,
            "<p class=\"field-error\" id=\"f-kind-error\">{}</p>",
            escape(&lang.format("page.error.field", &[("message", &lang.field_message(e))]))
        );
    }
    out.push_str("</fieldset>");
    for f in &presentation::TEXT_FIELDS {
        let input = input_id(f.name);
        let problem = error(f.name);
        let hint = hint(f);
        let mut described = Vec::new();
        if hint.is_some() {
            described.push(format!("{input}-hint"));
        }
        if problem.is_some() {
            described.push(format!("{input}-error"));
        }
        let _ = write!(
            out,
            "<p class=\"field\"><label for=\"{input}\">{} {}</label>",
            escape(&lang.text(f.label)),
            escape(&lang.text(marker(f.name)))
        );
        if let Some(hint) = hint {
            let _ = write!(out, "<span class=\"hint\" id=\"{input}-hint\">{}</span>", escape(&lang.text(hint)));
        }
        if let Some(e) = problem {
            let message = lang.format("page.error.field", &[("message", &lang.field_message(e))]);
            let _ = write!(out, "<span class=\"field-error\" id=\"{input}-error\">{}</span>", escape(&message));
        }
        let _ = write!(out, "<input id=\"{input}\" name=\"{}\" type=\"{}\"", f.name, f.input_type);
        if let Some(max) = limits::max_chars(f.name) {
            let _ = write!(out, " maxlength=\"{max}\"");
        }
        let _ = write!(out, " autocomplete=\"{}\"", f.autocomplete);
        if presentation::required_for_every_kind(f.name) {
            out.push_str(" required");
        }
        if !described.is_empty() {
            let _ = write!(out, " aria-describedby=\"{}\"", described.join(" "));
        }
        if problem.is_some() {
            out.push_str(" aria-invalid=\"true\"");
        }
        let _ = write!(out, " value=\"{}\"></p>", escape(&value(f.name)));
    }
    // The organization's statement, with its error beside it like a text field's.
    let may_sign = field::MAY_SIGN_FOR_ORGANIZATION;
    let problem = error(may_sign);
    let _ = write!(
        out,
        "<p class=\"choice\"><input type=\"checkbox\" id=\"f-{may_sign}\" name=\"{may_sign}\" value=\"yes\"{}{}> <label for=\"f-{may_sign}\">{} {}</label>",
        if state.values.is_some_and(|v| v.may_sign_for_organization) { " checked" } else { "" },
        if problem.is_some() {
            format!(" aria-describedby=\"f-{may_sign}-error\" aria-invalid=\"true\"")
        } else {
            String::new()
        },
        escape(&label_of(may_sign, lang)),
        escape(&lang.text("page.only_organizations")),
    );
    if let Some(e) = problem {
        let message = lang.format("page.error.field", &[("message", &lang.field_message(e))]);
        let _ = write!(out, " <span class=\"field-error\" id=\"f-{may_sign}-error\">{}</span>", escape(&message));
    }
    out.push_str("</p>");
    for (name, checked) in [
        (field::LIST_PUBLICLY, state.values.is_some_and(|v| v.list_publicly)),
        (field::UPDATES_OPT_IN, state.values.is_some_and(|v| v.updates_opt_in)),
    ] {
        let _ = write!(
            out,
            "<p class=\"choice\"><input type=\"checkbox\" id=\"f-{name}\" name=\"{name}\" value=\"yes\"{}> <label for=\"f-{name}\">{}</label></p>",
            if checked { " checked" } else { "" },
            escape(&label_of(name, lang)),
        );
    }
    // The honeypot: moved out of sight by the stylesheet and skipped by assistive technology and
    // the keyboard; people leave it empty, bots fill it in (the receiver keeps those apart as spam).
    let _ = write!(
        out,
        "<p class=\"trap\" aria-hidden=\"true\"><label for=\"f-website\">{}</label> \
         <input id=\"f-website\" name=\"{}\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></p>\
         <p class=\"privacy\">{}</p><p><button type=\"submit\">{}</button></p></form>",
        escape(&lang.text("form.honeypot")),
        field::HONEYPOT,
        escape(&lang.text("page.privacy")),
        escape(&lang.text("form.submit")),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use undersigned_core::signature::FieldErrorCode;

    #[test]
    fn new_keys_are_version_7_uuids_the_receiver_accepts() {
        let key = new_idempotency_key();
        assert!(is_uuid(&key), "{key}");
        assert_eq!(key.as_bytes()[14], b'7', "{key}");
        assert!(matches!(key.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{key}");
        assert_ne!(key, new_idempotency_key());
        // Time-ordered: a key made two milliseconds later sorts after it.
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(new_idempotency_key() > key, "{key}");
    }

    #[test]
    fn a_refused_form_comes_back_filled_in_with_its_errors_and_its_key() {
        let values = SignatureSubmission {
            kind: "organization".into(),
            name: "<b>Sam</b>".into(),
            email: "sam at drw".into(),
            list_publicly: true,
            idempotency_key: "7C9E6679-7425-40DE-944B-E07FC1F90AE7".into(),
            ..Default::default()
        };
        let errors = vec![FieldError {
            field: field::EMAIL.into(),
            code: FieldErrorCode::InvalidEmail,
            message: "Enter an email address.".into(),
        }];
        let html = render(&FormState {
            campaign_id: "test-letter",
            values: Some(&values),
            errors: &errors,
            lang: Lang::ENGLISH,
        });
        assert!(html.contains("value=\"&lt;b&gt;Sam&lt;/b&gt;\""), "{html}");
        assert!(html.contains("id=\"f-kind-organization\" value=\"organization\" checked"), "{html}");
        assert!(html.contains("id=\"f-list_publicly\" name=\"list_publicly\" value=\"yes\" checked"), "{html}");
        assert!(
            html.contains("aria-describedby=\"f-email-hint f-email-error\" aria-invalid=\"true\" value=\"sam at drw\""),
            "{html}"
        );
        assert!(
            html.contains("value=\"7C9E6679-7425-40DE-944B-E07FC1F90AE7\""),
            "the key that was sent, so a resend is a retry"
        );
        assert!(html.contains("<label for=\"f-name\">Full name (required)</label>"), "{html}");
        assert_eq!(label_of(field::EMAIL, Lang::ENGLISH), "Email");
        assert!(has_input(field::EMAIL) && !has_input(field::COUNTRY));
    }

    #[test]
    fn an_organization_gives_its_website_and_ticks_its_statement_with_errors_beside_them() {
        let values = SignatureSubmission {
            kind: "organization".into(),
            organization_website: "ftp://drw".into(),
            ..Default::default()
        };
        let errors = vec![
            FieldError {
                field: field::ORGANIZATION_WEBSITE.into(),
                code: FieldErrorCode::InvalidWebsite,
                message: "Enter the organization's website.".into(),
            },
            FieldError {
                field: field::MAY_SIGN_FOR_ORGANIZATION.into(),
                code: FieldErrorCode::Required,
                message: "Tick the box.".into(),
            },
        ];
        let html = render(&FormState { campaign_id: "l", values: Some(&values), errors: &errors, lang: Lang::ENGLISH });
        assert!(
            html.contains("name=\"organization_website\" type=\"text\" maxlength=\"200\" autocomplete=\"url\""),
            "{html}"
        );
        assert!(html.contains("aria-invalid=\"true\" value=\"ftp://drw\""), "{html}");
        assert!(
            html.contains("name=\"may_sign_for_organization\" value=\"yes\" aria-describedby=\"f-may_sign_for_organization-error\" aria-invalid=\"true\">"),
            "{html}"
        );
        assert!(html.contains("id=\"f-may_sign_for_organization-error\""), "{html}");
        assert!(html.contains("name=\"lang\" value=\"en\""), "the mail follows the page's language");
        assert!(has_input(field::MAY_SIGN_FOR_ORGANIZATION) && has_input(field::ORGANIZATION_WEBSITE));
    }

    #[test]
    fn every_text_input_carries_the_shared_tables_type_and_autocomplete() {
        let html = render(&FormState { campaign_id: "test-letter", values: None, errors: &[], lang: Lang::ENGLISH });
        for f in &presentation::TEXT_FIELDS {
            let input = format!("<input id=\"f-{0}\" name=\"{0}\" type=\"{1}\"", f.name, f.input_type);
            let start = html.find(&input).unwrap_or_else(|| panic!("{input} in {html}"));
            let tag = &html[start..start + html[start..].find('>').unwrap_or(0)];
            assert!(tag.contains(&format!(" autocomplete=\"{}\"", f.autocomplete)), "{tag}");
        }
        // The difference the table settled: the page form offered no autofill for the affiliation.
        assert!(
            html.contains("name=\"affiliation\" type=\"text\" maxlength=\"200\" autocomplete=\"organization\""),
            "{html}"
        );
    }
}
