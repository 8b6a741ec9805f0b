//! The sign-on form: the moment a visitor acts. It validates with `core` before sending, keeps
//! everything typed through any error, hands the signature to the outbox before the network, and
//! tells the visitor honestly where the signature is ("signed", or "saved on this device").
//!
//! - [`state`]: the form as a reducer (plain Rust, tested natively).
//! - [`settings`]: endpoint, encoding and the other attributes, checked once.
//! - [`fields`], [`thanks`]: small components that draw.
//! - [`events`]: the DOM events for partners' analytics.
//!
//! This module wires them: effects that move focus, deliver the signature, and send what an
//! earlier page left in the outbox.

pub mod events;
pub mod fields;
pub mod settings;
pub mod state;
pub mod thanks;

use crate::config::WidgetConfig;
use crate::i18n::Lang;
use crate::net::browser::{browser_nfc, now_ms, page_utm, random_uuid, BrowserStore};
use crate::net::delivery::{deliver, Outcome};
use crate::net::outbox::{Outbox, OutboxEntry};
use events::{EventDetail, ERROR, SIGNED};
use fields::{
    checkbox, country_select, honeypot, kind_choice, text_field, CheckboxProps, CountrySelectProps, HoneypotProps,
    KindChoiceProps, TextFieldProps,
};
use settings::{SettingsProblem, SignOnSettings};
use state::{Action, FocusTarget, FormState, Phase, SubmissionContext};
use std::rc::Rc;
use thanks::{thank_you, ThankYouProps};
use undersigned_core::api_error::{ErrorCode, FieldError, FieldErrorCode};
use undersigned_core::signature::{country::COUNTRY_CODES, field, limits, SignatureSubmission, SignerKind};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SignOnProps {
    pub config: WidgetConfig,
    pub campaign_id: AttrValue,
    pub campaign_title: AttrValue,
    pub lang: Lang,
}

/// The sign-on section: the form when its settings are usable, otherwise a plain notice.
#[function_component(SignOn)]
pub fn sign_on(props: &SignOnProps) -> Html {
    let settings = use_memo((props.config.clone(), props.campaign_id.clone()), |(config, id)| {
        SignOnSettings::from_config(config, id).map(Rc::new)
    });
    let lang = props.lang;
    {
        // The visitor gets a plain notice; the page's developer gets the precise reason.
        let problem = (*settings).as_ref().err().cloned();
        use_effect_with(problem, |problem| {
            let reason = match problem {
                Some(SettingsProblem::NoEndpoint) => {
                    Some("set the `endpoint` attribute (or `receiver`) to say where signatures go".to_string())
                }
                Some(SettingsProblem::Invalid(message)) => Some(message.clone()),
                None => None,
            };
            if let Some(reason) = reason {
                web_sys::console::warn_1(&JsValue::from_str(&format!(
                    "undersigned: the sign-on form is off: {reason}"
                )));
            }
        });
    }
    match &*settings {
        Ok(settings) => html! {
            <SignOnForm settings={settings.clone()} {lang} title={props.campaign_title.clone()} />
        },
        Err(_) => html! {
            <section class="sign-on" aria-labelledby="us-sign-heading">
                <h2 id="us-sign-heading" part="heading">{ lang.text("form.heading") }</h2>
                <p class="notice">{ lang.text("form.unavailable") }</p>
            </section>
        },
    }
}

#[derive(Properties, PartialEq)]
struct SignOnFormProps {
    settings: Rc<SignOnSettings>,
    lang: Lang,
    title: AttrValue,
}

/// Where the signatures an earlier page left in the outbox are.
#[derive(Debug, Clone, PartialEq)]
enum Earlier {
    None,
    Sending,
    Delivered,
    Failed(String),
}

const SHOWN_FIELDS: [&str; 6] =
    [field::ORGANIZATION, field::NAME, field::TITLE, field::AFFILIATION, field::EMAIL, field::COUNTRY];

#[function_component(SignOnForm)]
fn sign_on_form(props: &SignOnFormProps) -> Html {
    let lang = props.lang;
    let settings = props.settings.clone();
    let state = use_reducer({
        let settings = settings.clone();
        move || {
            let context = SubmissionContext {
                campaign: settings.campaign_id.clone(),
                source: settings.source.clone(),
                utm: page_utm(),
            };
            FormState::new(context, browser_nfc)
        }
    });
    let shown_at = *use_memo((), |_| now_ms());
    let page_id = use_memo((), |_| random_uuid());
    let status_ref = use_node_ref();
    let summary_ref = use_node_ref();
    let section_ref = use_node_ref();
    let field_refs = use_memo((), |_| SHOWN_FIELDS.map(|name| (name, NodeRef::default())));
    let countries = use_memo(lang, |lang| Rc::new(country_names(*lang)));
    let earlier = use_state(|| Earlier::None);

    // Focus follows the outcome: the first error, or the confirmation.
    {
        let (field_refs, status_ref, summary_ref) = (field_refs.clone(), status_ref.clone(), summary_ref.clone());
        use_effect_with(state.focus, move |focus| {
            let node = match focus {
                Some((FocusTarget::Field(name), _)) => {
                    field_refs.iter().find(|(n, _)| n == name).map(|(_, r)| r.clone())
                }
                Some((FocusTarget::ErrorSummary, _)) => Some(summary_ref),
                Some((FocusTarget::Status, _)) => Some(status_ref),
                None => None,
            };
            if let Some(element) = node.and_then(|r| r.cast::<HtmlElement>()) {
                let _ = element.focus();
            }
        });
    }

    // A new signature: into the outbox first, then to the endpoint until it answers.
    {
        let key = state.sending_key().map(str::to_string);
        let outgoing = state.outgoing.clone();
        let dispatcher = state.dispatcher();
        let (settings, page_id, section_ref) = (settings.clone(), page_id.clone(), section_ref.clone());
        use_effect_with(key, move |key| {
            if let (Some(key), Some(submission)) = (key.clone(), outgoing) {
                let entry = OutboxEntry {
                    submission,
                    endpoint: settings.endpoint.clone(),
                    encoding: settings.encoding,
                    field_map: settings.field_map.clone(),
                    no_cors: settings.no_cors,
                    created_ms: now_ms(),
                    attempts: 0,
                    lease_owner: String::new(),
                    lease_until_ms: 0,
                };
                let kind = kind_name(&entry.submission);
                let outbox = Outbox::new(BrowserStore::new(), &settings.campaign_id);
                let saved = outbox.save(&entry).is_ok();
                spawn_local(async move {
                    let on_wait = {
                        let (dispatcher, key) = (dispatcher.clone(), key.clone());
                        move |saved| dispatcher.dispatch(Action::WillRetry { key: key.clone(), saved })
                    };
                    let outcome = deliver(&outbox, &key, &page_id, saved, on_wait).await;
                    announce(section_ref.cast::<Element>().as_ref(), &settings, kind, &outcome);
                    match outcome {
                        Outcome::Delivered { ack, .. } => {
                            dispatcher.dispatch(Action::Delivered { key, ack });
                            if let Some(url) = &settings.redirect {
                                if let Some(window) = web_sys::window() {
                                    let _ = window.location().assign(url);
                                }
                            }
                        }
                        Outcome::FieldErrors { errors, .. } => dispatcher.dispatch(Action::FieldErrors { key, errors }),
                        Outcome::Refused { status, message, .. } => {
                            dispatcher.dispatch(Action::Refused { key, status, message })
                        }
                    }
                });
            }
        });
    }

    // Signatures an earlier page of this campaign could not deliver: send them now.
    {
        let (settings, page_id, earlier, section_ref) =
            (settings.clone(), page_id.clone(), earlier.clone(), section_ref.clone());
        use_effect_with((), move |_| {
            let outbox = Outbox::new(BrowserStore::new(), &settings.campaign_id);
            let pending = outbox.pending(now_ms());
            if !pending.is_empty() {
                earlier.set(Earlier::Sending);
                spawn_local(async move {
                    let mut result = Earlier::Delivered;
                    for entry in pending {
                        let outcome = deliver(&outbox, entry.key(), &page_id, true, |_| {}).await;
                        announce(
                            section_ref.cast::<Element>().as_ref(),
                            &settings,
                            kind_name(&entry.submission),
                            &outcome,
                        );
                        match outcome {
                            Outcome::Delivered { .. } => {}
                            Outcome::FieldErrors { errors, .. } => {
                                result = Earlier::Failed(
                                    errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
                                )
                            }
                            Outcome::Refused { message, status, .. } => {
                                result = Earlier::Failed(message.unwrap_or_else(|| status.to_string()))
                            }
                        }
                    }
                    earlier.set(result);
                });
            }
        });
    }

    let editable = state.is_editable();
    let onsubmit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if editable {
                let fill_ms = now_ms().saturating_sub(shown_at);
                dispatcher.dispatch(Action::Submit { idempotency_key: random_uuid(), fill_ms });
            }
        })
    };

    let earlier_notice = match &*earlier {
        Earlier::None => html! {},
        Earlier::Sending => html! { <p class="notice" role="status">{ lang.text("form.earlier.sending") }</p> },
        Earlier::Delivered => html! { <p class="notice" role="status">{ lang.text("form.earlier.delivered") }</p> },
        Earlier::Failed(reason) => {
            html! { <p class="notice" role="status">{ lang.format("form.earlier.failed", &[("reason", reason)]) }</p> }
        }
    };

    let body = if let Phase::Signed { ack } = state.phase {
        thank_you(ThankYouProps {
            lang,
            ack,
            url: share_url(),
            title: props.title.clone(),
            status_ref: status_ref.clone(),
        })
    } else {
        draw_form(&state, lang, &settings, &field_refs, &countries, &status_ref, &summary_ref, onsubmit)
    };

    html! {
        <section class="sign-on" aria-labelledby="us-sign-heading" ref={section_ref}>
            <h2 id="us-sign-heading" part="heading">{ lang.text("form.heading") }</h2>
            { earlier_notice }
            { body }
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_form(
    state: &UseReducerHandle<FormState>,
    lang: Lang,
    settings: &SignOnSettings,
    field_refs: &[(&'static str, NodeRef); 6],
    countries: &Rc<Vec<(&'static str, String)>>,
    status_ref: &NodeRef,
    summary_ref: &NodeRef,
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let editable = state.is_editable();
    let kind = state.draft.kind;
    let dispatcher = state.dispatcher();
    let node_ref = |name: &str| field_refs.iter().find(|(n, _)| *n == name).map(|(_, r)| r.clone()).unwrap_or_default();
    let error_of = |name: &str| state.error_for(name).map(|e| AttrValue::from(error_message(lang, e)));
    let marker = |required: bool| AttrValue::from(lang.text(if required { "form.required" } else { "form.optional" }));

    let text_fields = kind.text_fields().iter().map(|&name| {
        let required = kind.required_fields().contains(&name);
        let on_input = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |value: String| dispatcher.dispatch(Action::SetText { field: name, value }))
        };
        let (label, hint) = field_texts(lang, kind, name);
        text_field(TextFieldProps {
            name,
            label: label.into(),
            marker: marker(required),
            required,
            hint: hint.map(AttrValue::from),
            value: AttrValue::from(state.draft.text(name).to_string()),
            error: error_of(name),
            input_type: AttrValue::Static(if name == field::EMAIL { "email" } else { "text" }),
            autocomplete: autocomplete(name),
            readonly: !editable,
            node_ref: node_ref(name),
            on_input,
        })
    });

    // Errors the fields cannot show (from an endpoint: the key, the campaign, …) are listed here.
    let unplaced: Vec<&FieldError> = state
        .errors
        .iter()
        .filter(|e| !SHOWN_FIELDS.contains(&e.field.as_str()) || !is_shown(kind, &e.field))
        .collect();
    let summary = if state.errors.is_empty() {
        html! {}
    } else {
        html! {
            <div class="error-summary" tabindex="-1" ref={summary_ref.clone()}>
                <p>{ lang.plural("form.errors.summary", state.errors.len() as f64, &[]) }</p>
                if !unplaced.is_empty() {
                    <ul>{ for unplaced.iter().map(|e| html! { <li>{ error_message(lang, e) }</li> }) }</ul>
                }
            </div>
        }
    };

    let status = match &state.phase {
        Phase::Sending { .. } => lang.text("form.sending").to_string(),
        Phase::Waiting { saved: true, .. } => lang.text("form.waiting.saved").to_string(),
        Phase::Waiting { saved: false, .. } => lang.text("form.waiting.unsaved").to_string(),
        Phase::Refused { message, status } => lang.format(
            "form.refused",
            &[(
                "reason",
                &message
                    .clone()
                    .unwrap_or_else(|| lang.format("form.refused.status", &[("status", &status.to_string())])),
            )],
        ),
        _ => String::new(),
    };

    let privacy = match (&settings.privacy, settings.endpoint_host()) {
        (Some(text), _) => text.clone(),
        (None, Some(host)) => lang.format("form.privacy.default", &[("host", host)]),
        (None, None) => lang.text("form.privacy.same_site").to_string(),
    };

    let set_flag = |name: &'static str| {
        let dispatcher = dispatcher.clone();
        Callback::from(move |value: bool| dispatcher.dispatch(Action::SetFlag { field: name, value }))
    };

    html! {
        <form class="sign-on-form" novalidate=true {onsubmit}>
            <p class="intro">{ lang.text("form.intro") }</p>
            { summary }
            { kind_choice(KindChoiceProps {
                legend: lang.text("form.kind.legend").into(),
                labels: (AttrValue::from(lang.text("form.kind.organization")), AttrValue::from(lang.text("form.kind.individual"))),
                kind,
                readonly: !editable,
                on_change: { let d = dispatcher.clone(); Callback::from(move |k| d.dispatch(Action::SetKind(k))) },
            }) }
            { for text_fields }
            { country_select(CountrySelectProps {
                label: lang.text("form.field.country").into(),
                marker: marker(false),
                none: lang.text("form.field.country.none").into(),
                countries: countries.clone(),
                value: AttrValue::from(state.draft.text(field::COUNTRY).to_string()),
                error: error_of(field::COUNTRY),
                readonly: !editable,
                node_ref: node_ref(field::COUNTRY),
                on_change: { let d = dispatcher.clone(); Callback::from(move |value| d.dispatch(Action::SetText { field: field::COUNTRY, value })) },
            }) }
            { checkbox(CheckboxProps { name: field::LIST_PUBLICLY, label: lang.text("form.list_publicly").into(), checked: state.draft.typed.list_publicly,
                readonly: !editable, on_change: set_flag(field::LIST_PUBLICLY) }) }
            { checkbox(CheckboxProps { name: field::UPDATES_OPT_IN, label: lang.text("form.updates_opt_in").into(), checked: state.draft.typed.updates_opt_in,
                readonly: !editable, on_change: set_flag(field::UPDATES_OPT_IN) }) }
            { honeypot(HoneypotProps { label: lang.text("form.honeypot").into(), value: AttrValue::from(state.draft.text(field::HONEYPOT).to_string()),
                on_input: { let d = dispatcher.clone(); Callback::from(move |value| d.dispatch(Action::SetText { field: field::HONEYPOT, value })) } }) }
            <p class="privacy">
                { privacy }
                if let Some(url) = &settings.privacy_url {
                    { " " }<a href={url.clone()} target="_blank" rel="noopener noreferrer">{ lang.text("form.privacy.link") }</a>
                }
            </p>
            <button type="submit" class="sign" part="button" disabled={!editable}>{ lang.text("form.submit") }</button>
            <p id="us-status" class="status" role="status" tabindex="-1" ref={status_ref.clone()}>{ status }</p>
        </form>
    }
}

fn is_shown(kind: SignerKind, name: &str) -> bool {
    name == field::COUNTRY || kind.text_fields().contains(&name)
}

/// The label and hint of a text field for a kind of signer.
fn field_texts(lang: Lang, kind: SignerKind, name: &str) -> (&'static str, Option<&'static str>) {
    let org = kind == SignerKind::Organization;
    match name {
        field::ORGANIZATION => (lang.text("form.field.organization"), None),
        field::NAME if org => (lang.text("form.field.contact"), None),
        field::NAME => (lang.text("form.field.name"), None),
        field::TITLE if org => (lang.text("form.field.contact_title"), None),
        field::TITLE => (lang.text("form.field.title"), None),
        field::AFFILIATION => (lang.text("form.field.affiliation"), Some(lang.text("form.field.affiliation.hint"))),
        field::EMAIL => (lang.text("form.field.email"), Some(lang.text("form.field.email.hint"))),
        _ => (lang.text("form.field.other"), None),
    }
}

fn autocomplete(name: &str) -> &'static str {
    match name {
        field::ORGANIZATION | field::AFFILIATION => "organization",
        field::NAME => "name",
        field::TITLE => "organization-title",
        field::EMAIL => "email",
        _ => "on",
    }
}

/// The visitor's message for a field error: translated for the codes this widget knows, the
/// endpoint's own message otherwise.
fn error_message(lang: Lang, error: &FieldError) -> String {
    match (error.code, error.field.as_str()) {
        (FieldErrorCode::Required, field::ORGANIZATION) => lang.text("form.error.required.organization").to_string(),
        (FieldErrorCode::Required, field::NAME) => lang.text("form.error.required.name").to_string(),
        (FieldErrorCode::Required, field::EMAIL) => lang.text("form.error.required.email").to_string(),
        (FieldErrorCode::Required, _) => lang.text("form.error.required").to_string(),
        (FieldErrorCode::TooLong, name) => match limits::max_chars(name) {
            Some(max) => lang.format("form.error.too_long", &[("max", &max.to_string())]),
            None => error.message.clone(),
        },
        (FieldErrorCode::InvalidEmail, _) => lang.text("form.error.invalid_email").to_string(),
        (FieldErrorCode::InvalidCountry, _) => lang.text("form.error.invalid_country").to_string(),
        _ => error.message.clone(),
    }
}

fn kind_name(submission: &SignatureSubmission) -> &'static str {
    SignerKind::parse(&submission.kind).map_or("unknown", SignerKind::as_str)
}

/// Tells the page what happened (no personal data).
fn announce(target: Option<&Element>, settings: &SignOnSettings, kind: &'static str, outcome: &Outcome) {
    let Some(target) = target else { return };
    let (name, status, code) = match outcome {
        Outcome::Delivered { ack, status } => (SIGNED, *status, ack.as_str().to_string()),
        Outcome::FieldErrors { status, .. } => (ERROR, *status, ErrorCode::ValidationFailed.as_str().to_string()),
        Outcome::Refused { status, code, .. } => {
            (ERROR, Some(*status).filter(|s| *s != 0), code.clone().unwrap_or_else(|| "refused".into()))
        }
    };
    let detail = EventDetail {
        campaign: settings.campaign_id.clone(),
        kind,
        encoding: settings.encoding.as_str(),
        status,
        code,
    };
    events::dispatch(target, name, &detail);
}

/// The page to share: its address without query or fragment (no tracking parameters).
fn share_url() -> AttrValue {
    let location = web_sys::window().map(|w| w.location());
    let url = location.and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))).unwrap_or_default();
    url.into()
}

/// Every country with its name in `lang` (from the browser's `Intl.DisplayNames`), sorted the way
/// the visitor's language sorts.
fn country_names(lang: Lang) -> Vec<(&'static str, String)> {
    let locales = js_sys::Array::of1(&lang.code().into());
    let options = js_sys::Intl::DisplayNamesOptions::new();
    options.set_type(js_sys::Intl::DisplayNamesType::Region);
    let names = js_sys::Intl::DisplayNames::new(&locales, &options);
    let mut countries: Vec<(&'static str, String)> = COUNTRY_CODES
        .iter()
        .map(|code| (*code, names.of(code).map(String::from).unwrap_or_else(|| code.to_string())))
        .collect();
    let collator = js_sys::Intl::Collator::new(&locales, &js_sys::Object::new());
    let compare = collator.compare();
    countries.sort_unstable_by(|a, b| {
        let order = compare
            .call2(&JsValue::NULL, &a.1.as_str().into(), &b.1.as_str().into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        // Codes are unique, so equal names still come out in one order.
        order.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(b.0))
    });
    countries
}
