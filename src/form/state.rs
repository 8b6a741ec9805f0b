//! The sign-on form as plain Rust: what the visitor typed, the errors shown, and where the
//! signature is in its life (a reducer, like Yew's `function_todomvc`). Components draw it and
//! send it actions; the network drives it with progress actions. Tested natively.
//!
//! The phases form a state machine, which is what makes a double click harmless: `Submit` is
//! only accepted while editing, and moves to `Sending` at once, so a second `Submit` — however
//! fast — finds the form already sending and changes nothing.

use crate::net::retry::Acknowledged;
use undersigned_core::api_error::FieldError;
use undersigned_core::signature::{field, validate, Nfc, SignatureSubmission, SignerKind};

/// What the visitor typed. Never cleared by an error; cleared only by a successful signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub kind: SignerKind,
    /// The fields as typed, under their wire names (its `kind` and the fields the page supplies
    /// are filled in only when a submission is made).
    pub typed: SignatureSubmission,
}

impl Default for Draft {
    fn default() -> Self {
        Draft { kind: SignerKind::Individual, typed: SignatureSubmission::default() }
    }
}

/// The text fields the visitor (or a bot, for the honeypot) types into.
const TYPED_FIELDS: [&str; 8] = [
    field::ORGANIZATION,
    field::ORGANIZATION_WEBSITE,
    field::NAME,
    field::TITLE,
    field::AFFILIATION,
    field::EMAIL,
    field::COUNTRY,
    field::HONEYPOT,
];

impl Draft {
    /// The value of a text field by wire name.
    pub fn text(&self, name: &str) -> &str {
        self.typed.text_fields().into_iter().find(|(n, _)| *n == name).map_or("", |(_, value)| value)
    }

    /// The submission for this draft: only the fields of the chosen kind are sent.
    pub fn to_submission(
        &self,
        context: &SubmissionContext,
        idempotency_key: &str,
        fill_ms: u64,
    ) -> SignatureSubmission {
        let mut submission = self.typed.clone();
        submission.kind = self.kind.as_str().to_string();
        for name in [field::ORGANIZATION, field::ORGANIZATION_WEBSITE, field::TITLE, field::AFFILIATION] {
            if !self.kind.text_fields().contains(&name) {
                if let Some(slot) = submission.text_field_mut(name) {
                    slot.clear();
                }
            }
        }
        submission.may_sign_for_organization &= self.kind == SignerKind::Organization;
        submission.lang = context.lang.clone();
        submission.idempotency_key = idempotency_key.to_string();
        submission.fill_ms = Some(fill_ms);
        submission.campaign = context.campaign.clone();
        submission.source = context.source.clone();
        for (name, value) in &context.utm {
            if let Some(slot) = submission.text_field_mut(name) {
                *slot = value.clone();
            }
        }
        submission
    }
}

/// What travels with every signature from this form, decided by the page and its configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmissionContext {
    pub campaign: String,
    pub source: String,
    /// `utm_*` parameters of the page URL (wire name, value).
    pub utm: Vec<(&'static str, String)>,
    /// The language the form is shown in: the receiver writes its mails to the signer in it.
    pub lang: String,
}

/// Where the signature is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The visitor is filling in the form (also after field errors).
    Editing,
    /// Sent, waiting for the first answer.
    Sending { key: String },
    /// The endpoint has not confirmed yet; the signature is kept and will be sent again.
    /// `saved` says whether it is in this device's outbox (it is not when storage is forbidden).
    Waiting { key: String, saved: bool },
    /// The endpoint took it (and said how: signed, already signed, check the inbox).
    Signed { ack: Acknowledged },
    /// The endpoint refused it for a reason other than fields; what was typed is still in the form.
    Refused { status: u16, message: Option<String> },
}

/// What should have the keyboard focus after the last change (a generation counter makes the
/// same target focusable twice in a row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusTarget {
    /// The first field with an error (by wire name), or the error summary when it is not a field.
    Field(&'static str),
    ErrorSummary,
    /// The confirmation or the refusal message.
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SetKind(SignerKind),
    SetText {
        field: &'static str,
        value: String,
    },
    SetFlag {
        field: &'static str,
        value: bool,
    },
    /// The visitor sends the form; `idempotency_key` is fresh, `fill_ms` measured by the page.
    Submit {
        idempotency_key: String,
        fill_ms: u64,
    },
    /// The delivery of `key` will be retried (progress from the network).
    WillRetry {
        key: String,
        saved: bool,
    },
    Delivered {
        key: String,
        ack: Acknowledged,
    },
    FieldErrors {
        key: String,
        errors: Vec<FieldError>,
    },
    Refused {
        key: String,
        status: u16,
        message: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct FormState {
    pub draft: Draft,
    pub errors: Vec<FieldError>,
    pub phase: Phase,
    /// The submission being delivered (set on entering `Sending`).
    pub outgoing: Option<SignatureSubmission>,
    pub focus: Option<(FocusTarget, u32)>,
    context: SubmissionContext,
    nfc: Nfc,
}

// The normalizer is fixed for a form's life and function pointers have no meaningful equality:
// two states are equal when everything else is.
impl PartialEq for FormState {
    fn eq(&self, other: &Self) -> bool {
        self.draft == other.draft
            && self.errors == other.errors
            && self.phase == other.phase
            && self.outgoing == other.outgoing
            && self.focus == other.focus
            && self.context == other.context
    }
}

impl FormState {
    pub fn new(context: SubmissionContext, nfc: Nfc) -> Self {
        FormState {
            draft: Draft::default(),
            errors: Vec::new(),
            phase: Phase::Editing,
            outgoing: None,
            focus: None,
            context,
            nfc,
        }
    }

    /// Whether the form accepts input and a submit (not while a signature is on its way).
    pub fn is_editable(&self) -> bool {
        matches!(self.phase, Phase::Editing | Phase::Refused { .. })
    }

    /// The error shown for field `name`, if any.
    pub fn error_for(&self, name: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == name)
    }

    /// The key of the signature on its way, if any.
    pub fn sending_key(&self) -> Option<&str> {
        match &self.phase {
            Phase::Sending { key } | Phase::Waiting { key, .. } => Some(key),
            _ => None,
        }
    }

    fn request_focus(&mut self, target: FocusTarget) {
        let generation = self.focus.map_or(0, |(_, g)| g.wrapping_add(1));
        self.focus = Some((target, generation));
    }

    fn focus_first_error(&mut self) {
        let statement = (self.draft.kind == SignerKind::Organization).then_some(field::MAY_SIGN_FOR_ORGANIZATION);
        let shown = self.draft.kind.text_fields().iter().chain(statement.iter()).chain([field::COUNTRY].iter());
        let first = shown.copied().find(|name| self.error_for(name).is_some());
        self.request_focus(first.map_or(FocusTarget::ErrorSummary, FocusTarget::Field));
    }

    /// The next state after `action` (the reducer).
    pub fn apply(&self, action: Action) -> FormState {
        self.next(action).unwrap_or_else(|| self.clone())
    }

    /// The next state after `action`, or None when the action means nothing in this state.
    fn next(&self, action: Action) -> Option<FormState> {
        let mut next = self.clone();
        let is_current = |key: &str| self.sending_key() == Some(key);
        match action {
            Action::SetKind(kind) if self.is_editable() => next.draft.kind = kind,
            Action::SetText { field, value } if self.is_editable() || field == field::HONEYPOT => {
                if let Some(slot) =
                    TYPED_FIELDS.contains(&field).then(|| next.draft.typed.text_field_mut(field)).flatten()
                {
                    *slot = value;
                    next.errors.retain(|e| e.field != field);
                }
            }
            Action::SetFlag { field, value } if self.is_editable() => match field {
                field::LIST_PUBLICLY => next.draft.typed.list_publicly = value,
                field::UPDATES_OPT_IN => next.draft.typed.updates_opt_in = value,
                field::MAY_SIGN_FOR_ORGANIZATION => {
                    next.draft.typed.may_sign_for_organization = value;
                    next.errors.retain(|e| e.field != field);
                }
                _ => {}
            },
            Action::Submit { idempotency_key, fill_ms } if self.is_editable() => {
                let submission = self.draft.to_submission(&self.context, &idempotency_key, fill_ms);
                match validate(&submission, self.nfc) {
                    Ok(_) => {
                        next.errors.clear();
                        next.phase = Phase::Sending { key: idempotency_key };
                        next.outgoing = Some(submission);
                    }
                    Err(errors) => {
                        next.errors = errors;
                        next.phase = Phase::Editing;
                        next.focus_first_error();
                    }
                }
            }
            Action::WillRetry { key, saved } if is_current(&key) => next.phase = Phase::Waiting { key, saved },
            Action::Delivered { key, ack } if is_current(&key) => {
                next.phase = Phase::Signed { ack };
                next.draft = Draft::default();
                next.outgoing = None;
                next.request_focus(FocusTarget::Status);
            }
            Action::FieldErrors { key, errors } if is_current(&key) => {
                next.errors = errors;
                next.phase = Phase::Editing;
                next.outgoing = None;
                next.focus_first_error();
            }
            Action::Refused { key, status, message } if is_current(&key) => {
                next.phase = Phase::Refused { status, message };
                next.outgoing = None;
                next.request_focus(FocusTarget::Status);
            }
            // Anything else arrives in a phase where it means nothing (a second click, a late
            // answer about an older attempt): ignored on purpose.
            _ => return None,
        }
        Some(next)
    }
}

impl crate::state_cell::Reduce for FormState {
    type Action = Action;

    /// An ignored action keeps the same state, which is not drawn again.
    fn reduce(&self, action: Action) -> Option<Self> {
        self.next(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use undersigned_core::api_error::FieldErrorCode;

    fn identity(text: &str) -> String {
        text.to_string()
    }

    fn form() -> FormState {
        let context = SubmissionContext {
            campaign: "dhs-paragon".into(),
            source: "newsletter".into(),
            utm: vec![(field::UTM_SOURCE, "mastodon".into())],
            lang: "es".into(),
        };
        FormState::new(context, identity)
    }

    fn typed(state: FormState, entries: &[(&'static str, &str)]) -> FormState {
        entries.iter().fold(state, |s, (field, value)| s.apply(Action::SetText { field, value: value.to_string() }))
    }

    const KEY: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn submit(state: &FormState) -> FormState {
        state.apply(Action::Submit { idempotency_key: KEY.into(), fill_ms: 9_000 })
    }

    #[test]
    fn invalid_input_shows_every_error_keeps_the_text_and_focuses_the_first() {
        let state = typed(form(), &[(field::NAME, "  "), (field::EMAIL, "ana at example")]);
        let after = submit(&state);
        assert_eq!(after.phase, Phase::Editing);
        let fields: Vec<&str> = after.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec![field::NAME, field::EMAIL]);
        assert_eq!(after.draft.text(field::EMAIL), "ana at example", "what was typed stays");
        assert_eq!(after.focus, Some((FocusTarget::Field(field::NAME), 0)));
        let edited = after.apply(Action::SetText { field: field::NAME, value: "Ana".into() });
        assert!(edited.error_for(field::NAME).is_none() && edited.error_for(field::EMAIL).is_some());
    }

    #[test]
    fn only_the_fields_people_type_can_be_set() {
        let state = typed(form(), &[(field::CAMPAIGN, "other"), (field::IDEMPOTENCY_KEY, "k"), (field::NAME, "Ana")]);
        assert_eq!((state.draft.typed.campaign.as_str(), state.draft.typed.idempotency_key.as_str()), ("", ""));
        assert_eq!(state.draft.text(field::NAME), "Ana");
    }

    #[test]
    fn a_valid_form_sends_once_however_often_it_is_submitted() {
        let state = typed(
            form(),
            &[(field::NAME, "Ana"), (field::EMAIL, "ana@example.org"), (field::ORGANIZATION, "not sent")],
        );
        let sending = submit(&state);
        assert_eq!(sending.phase, Phase::Sending { key: KEY.into() });
        let outgoing = sending.outgoing.clone().expect("a submission to deliver");
        assert_eq!(outgoing.organization, "", "an individual's form sends no organization");
        assert_eq!(
            (outgoing.campaign.as_str(), outgoing.source.as_str(), outgoing.utm_source.as_str()),
            ("dhs-paragon", "newsletter", "mastodon")
        );
        assert_eq!(outgoing.fill_ms, Some(9_000));
        assert_eq!(outgoing.lang, "es", "the mail follows the form's language");
        let second = sending.apply(Action::Submit { idempotency_key: "another".into(), fill_ms: 9_100 });
        assert_eq!(second, sending, "a second submit while sending changes nothing");
        let edit = sending.apply(Action::SetText { field: field::NAME, value: "changed".into() });
        assert_eq!(edit.draft.text(field::NAME), "Ana", "the form is read-only while its signature is on the way");
    }

    #[test]
    fn waiting_then_delivered_ends_signed_and_stale_answers_are_ignored() {
        let sending = submit(&typed(form(), &[(field::NAME, "Ana"), (field::EMAIL, "ana@example.org")]));
        let waiting = sending.apply(Action::WillRetry { key: KEY.into(), saved: true });
        assert_eq!(waiting.phase, Phase::Waiting { key: KEY.into(), saved: true });
        assert_eq!(waiting.apply(Action::Delivered { key: "other".into(), ack: Acknowledged::Signed }), waiting);
        let signed = waiting.apply(Action::Delivered { key: KEY.into(), ack: Acknowledged::CheckInbox });
        assert_eq!(signed.phase, Phase::Signed { ack: Acknowledged::CheckInbox });
        assert_eq!(signed.focus.map(|(t, _)| t), Some(FocusTarget::Status));
        assert_eq!(signed.apply(Action::Submit { idempotency_key: "again".into(), fill_ms: 1 }), signed);
    }

    #[test]
    fn an_organization_gives_its_website_and_ticks_its_statement() {
        let state = typed(
            form().apply(Action::SetKind(SignerKind::Organization)),
            &[(field::ORGANIZATION, "EFF"), (field::NAME, "Ana"), (field::EMAIL, "ana@eff.org")],
        );
        let refused = submit(&state);
        let fields: Vec<&str> = refused.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec![field::ORGANIZATION_WEBSITE, field::MAY_SIGN_FOR_ORGANIZATION]);
        assert_eq!(refused.focus, Some((FocusTarget::Field(field::ORGANIZATION_WEBSITE), 0)));
        let ticked = typed(refused, &[(field::ORGANIZATION_WEBSITE, "eff.org")])
            .apply(Action::SetFlag { field: field::MAY_SIGN_FOR_ORGANIZATION, value: true });
        assert!(ticked.errors.is_empty(), "each fix clears its own error");
        let outgoing = submit(&ticked).outgoing.expect("a submission to deliver");
        assert_eq!((outgoing.organization_website.as_str(), outgoing.may_sign_for_organization), ("eff.org", true));
        let individual = submit(&typed(ticked.apply(Action::SetKind(SignerKind::Individual)), &[]));
        let outgoing = individual.outgoing.expect("an individual's submission");
        assert_eq!((outgoing.organization_website.as_str(), outgoing.may_sign_for_organization), ("", false));
    }

    #[test]
    fn endpoint_field_errors_return_to_editing_with_the_text_kept() {
        let sending = submit(&typed(form(), &[(field::NAME, "Ana"), (field::EMAIL, "ana@example.org")]));
        let error = FieldError { field: field::EMAIL.into(), code: FieldErrorCode::InvalidEmail, message: "m".into() };
        let back = sending.apply(Action::FieldErrors { key: KEY.into(), errors: vec![error] });
        assert_eq!(back.phase, Phase::Editing);
        assert_eq!(back.draft.text(field::EMAIL), "ana@example.org");
        assert_eq!(back.focus.map(|(t, _)| t), Some(FocusTarget::Field(field::EMAIL)));
        let refused = sending.apply(Action::Refused { key: KEY.into(), status: 403, message: None });
        assert!(refused.is_editable() && refused.draft.text(field::NAME) == "Ana");
    }
}
