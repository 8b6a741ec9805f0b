//! How a sign-on form presents each field the visitor types: its label and hint (locale keys),
//! its HTML `autocomplete` token and its input type. The widget's form and the receiver's
//! no-JavaScript page form both draw from [`TEXT_FIELDS`], so the two cannot drift apart (they
//! did: the page form offered no autofill for the affiliation). Which fields a kind of signer
//! fills in, and which of them are required, stay [`SignerKind`]'s rules.
//!
//! Autocomplete tokens are the HTML standard's autofill field names: `organization` is the
//! company or organization name (the organization signing, or an individual's affiliation),
//! `organization-title` a job title, `name` a full name, `email` an address, `url` a website.

use super::{field, SignerKind};

/// The presentation of one text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldPresentation {
    /// The wire name ([`field`]), also the input's `name`.
    pub name: &'static str,
    /// The label's locale key.
    pub label: &'static str,
    /// The label's key when an organization signs (its contact person's name and title).
    pub organization_label: &'static str,
    /// The hint's locale key, shown under the label.
    pub hint: Option<&'static str>,
    /// The HTML `autocomplete` token.
    pub autocomplete: &'static str,
    /// The HTML input `type`.
    pub input_type: &'static str,
}

impl FieldPresentation {
    /// The label's key for a signer of `kind`.
    pub fn label_for(&self, kind: SignerKind) -> &'static str {
        match kind {
            SignerKind::Organization => self.organization_label,
            SignerKind::Individual => self.label,
        }
    }
}

const fn text(name: &'static str, label: &'static str, autocomplete: &'static str) -> FieldPresentation {
    FieldPresentation { name, label, organization_label: label, hint: None, autocomplete, input_type: "text" }
}

/// Every text field a sign-on form shows, in form order (each kind shows the ones
/// [`SignerKind::text_fields`] names, in this order).
pub const TEXT_FIELDS: [FieldPresentation; 6] = [
    text(field::ORGANIZATION, "form.field.organization", "organization"),
    // Text, not `url`: a browser's URL check would refuse the bare domain (`eff.org`) core accepts.
    FieldPresentation {
        hint: Some("form.field.organization_website.hint"),
        ..text(field::ORGANIZATION_WEBSITE, "form.field.organization_website", "url")
    },
    FieldPresentation { organization_label: "form.field.contact", ..text(field::NAME, "form.field.name", "name") },
    FieldPresentation {
        organization_label: "form.field.contact_title",
        ..text(field::TITLE, "form.field.title", "organization-title")
    },
    FieldPresentation {
        hint: Some("form.field.affiliation.hint"),
        ..text(field::AFFILIATION, "form.field.affiliation", "organization")
    },
    FieldPresentation {
        hint: Some("form.field.email.hint"),
        input_type: "email",
        ..text(field::EMAIL, "form.field.email", "email")
    },
];

/// The presentation of the text field `name` (None for a field no form shows as text).
pub fn text_field(name: &str) -> Option<&'static FieldPresentation> {
    TEXT_FIELDS.iter().find(|f| f.name == name)
}

/// Whether every kind of signer must fill in `name`: the page form, which shows both kinds at once,
/// marks only those `required`.
pub fn required_for_every_kind(name: &str) -> bool {
    SignerKind::ALL.iter().all(|kind| kind.required_fields().contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shown_field_of_every_kind_is_presented_in_form_order() {
        for kind in SignerKind::ALL {
            let in_table: Vec<&str> =
                TEXT_FIELDS.iter().map(|f| f.name).filter(|name| kind.text_fields().contains(name)).collect();
            assert_eq!(in_table, kind.text_fields(), "{kind:?}");
        }
    }

    #[test]
    fn autocomplete_tokens_are_the_standard_autofill_names() {
        let token = |name| text_field(name).map(|f| f.autocomplete);
        assert_eq!(token(field::AFFILIATION), Some("organization"));
        assert_eq!(token(field::ORGANIZATION), Some("organization"));
        assert_eq!(token(field::TITLE), Some("organization-title"));
        assert_eq!(token(field::NAME), Some("name"));
        assert_eq!(token(field::EMAIL), Some("email"));
        assert_eq!(token(field::ORGANIZATION_WEBSITE), Some("url"));
        assert_eq!(text_field(field::EMAIL).map(|f| f.input_type), Some("email"));
        assert_eq!(text_field(field::COUNTRY), None);
    }

    #[test]
    fn an_organization_names_its_contact_person() {
        let name = text_field(field::NAME).expect("name is shown");
        assert_eq!(name.label_for(SignerKind::Organization), "form.field.contact");
        assert_eq!(name.label_for(SignerKind::Individual), "form.field.name");
        assert!(required_for_every_kind(field::EMAIL) && !required_for_every_kind(field::ORGANIZATION));
    }
}
