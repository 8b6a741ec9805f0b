//! The sign-on form: the moment a visitor acts. It validates with `core` before sending, keeps
//! everything typed through any error, hands the signature to the outbox before the network, and
//! tells the visitor honestly where the signature is ("signed", or "saved on this device").
//!
//! - [`state`]: the form as a reducer (plain Rust, tested natively).
//! - [`settings`]: endpoint, encoding and the other attributes, checked once.
//! - [`fields`], [`thanks`]: small components that draw.
//! - [`events`]: the DOM events for partners' analytics.
//! - [`hooks`]: the form's effects as custom hooks: focus, delivery, the earlier outbox.
//!
//! This module wires them: the settings the root component reads ([`use_sign_on_setup`]), the
//! sign-on section ([`sign_on`]), and the form drawn from its state.

pub mod events;
pub mod fields;
pub mod hooks;
pub mod settings;
pub mod state;
pub mod thanks;

use crate::config::WidgetConfig;
use crate::i18n::Lang;
use crate::net::browser::{browser_nfc, new_uuid, now_ms, page_utm};
use crate::state_cell::{use_state_cell, StateCell};
use fields::{
    checkbox, country_select, honeypot, kind_choice, text_field, CheckboxProps, CountrySelectProps, HoneypotProps,
    KindChoiceProps, TextFieldProps,
};
use hooks::{use_delivery, use_earlier_outbox, use_focus, use_form_refs, Earlier, FormRefs};
use settings::{SettingsProblem, SignOnSettings};
use state::{Action, FormState, Phase, SubmissionContext};
use std::rc::Rc;
use thanks::{thank_you, ThankYouProps};
use undersigned_core::api_error::{FieldError, FieldErrorCode};
use undersigned_core::signature::{country::country_codes, field, limits, presentation, SignerKind};
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// What the sign-on section is drawn from: the settings read from the configuration, or why the
/// form cannot be offered.
pub type SignOnSetup = Result<Rc<SignOnSettings>, SettingsProblem>;

/// The form's settings for the campaign `campaign_id` (None until a campaign is shown), read once
/// per configuration and campaign. A problem is told to the page's developer in the console; the
/// visitor gets a plain notice ([`sign_on`]). A hook of the root component rather than a component
/// of its own: every component type costs the wasm its own copy of Yew's component machinery.
#[hook]
pub fn use_sign_on_setup(config: &WidgetConfig, campaign_id: Option<&str>) -> Rc<Option<SignOnSetup>> {
    let setup = use_memo((config.clone(), campaign_id.map(str::to_string)), |(config, id)| {
        id.as_ref().map(|id| SignOnSettings::from_config(config, id).map(Rc::new))
    });
    // The visitor gets a plain notice; the page's developer gets the precise reason.
    let problem = setup.as_ref().as_ref().and_then(|setup| setup.as_ref().err().cloned());
    use_effect_with(problem, |problem| {
        let reason = match problem {
            Some(SettingsProblem::NoEndpoint) => {
                Some("set the `endpoint` attribute (or `receiver`) to say where signatures go".to_string())
            }
            Some(SettingsProblem::Invalid(message)) => Some(message.clone()),
            None => None,
        };
        if let Some(reason) = reason {
            web_sys::console::warn_1(&JsValue::from_str(&format!("undersigned: the sign-on form is off: {reason}")));
        }
    });
    setup
}

/// What the sign-on section is drawn from, handed to the live list, which lays it out between the
/// demands and the signers. A prop compared by the identity of its setup (one `Rc` per
/// configuration and campaign, from [`use_sign_on_setup`]) rather than an `Html` child: comparing
/// `Html` brings Yew's whole virtual-DOM equality into the wasm.
#[derive(Clone)]
pub struct SignOn {
    /// None until a campaign is shown.
    pub setup: Rc<Option<SignOnSetup>>,
    pub title: AttrValue,
    /// When a pre-rendered form was shown (see `AppProps::shown_at`).
    pub shown_at: Option<u64>,
}

impl PartialEq for SignOn {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.setup, &other.setup) && self.title == other.title && self.shown_at == other.shown_at
    }
}

/// The sign-on section: the form when its settings are usable, otherwise a plain notice.
pub fn sign_on(input: &SignOn, lang: Lang) -> Html {
    let SignOn { setup, title, shown_at } = input;
    match setup.as_ref() {
        None => Html::default(),
        Some(Ok(settings)) => html! {
            <SignOnForm settings={settings.clone()} {lang} title={title.clone()} shown_at={*shown_at} />
        },
        Some(Err(_)) => html! {
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
    shown_at: Option<u64>,
}

const SHOWN_FIELDS: [&str; 8] = [
    field::ORGANIZATION,
    field::ORGANIZATION_WEBSITE,
    field::NAME,
    field::TITLE,
    field::AFFILIATION,
    field::EMAIL,
    field::MAY_SIGN_FOR_ORGANIZATION,
    field::COUNTRY,
];

#[function_component(SignOnForm)]
fn sign_on_form(props: &SignOnFormProps) -> Html {
    let lang = props.lang;
    let settings = props.settings.clone();
    let cell = use_state_cell({
        let settings = settings.clone();
        move || {
            let context = SubmissionContext {
                campaign: settings.campaign_id.clone(),
                source: settings.source.clone(),
                utm: page_utm(),
                lang: lang.code().to_string(),
            };
            FormState::new(context, browser_nfc)
        }
    });
    let shown_at = *use_memo((), |_| props.shown_at.unwrap_or_else(now_ms));
    let page_id = use_memo((), |_| new_uuid());
    let refs = use_form_refs(&SHOWN_FIELDS);
    let countries = use_memo(lang, |lang| Rc::new(country_names(*lang)));
    let state = cell.get();
    use_focus(state.focus, refs.clone());
    use_delivery(&cell, settings.clone(), page_id.clone(), refs.section.clone());
    let earlier = use_earlier_outbox(settings.clone(), page_id, refs.section.clone());

    let editable = state.is_editable();
    let onsubmit = {
        let dispatcher = cell.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if editable {
                let fill_ms = now_ms().saturating_sub(shown_at);
                dispatcher.dispatch(Action::Submit { idempotency_key: new_uuid(), fill_ms });
            }
        })
    };

    let earlier_notice = match &earlier {
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
            status_ref: refs.status.clone(),
        })
    } else {
        draw_form(FormView {
            state: &state,
            cell: &cell,
            lang,
            settings: &settings,
            refs: &refs,
            countries: &countries,
            onsubmit,
        })
    };

    html! {
        <section class="sign-on" aria-labelledby="us-sign-heading" ref={refs.section.clone()}>
            <h2 id="us-sign-heading" part="heading">{ lang.text("form.heading") }</h2>
            { earlier_notice }
            { body }
        </section>
    }
}

/// What the form (everything but the thank-you) is drawn from.
struct FormView<'a> {
    state: &'a FormState,
    /// The form's state cell, which the controls' callbacks dispatch to.
    cell: &'a StateCell<FormState>,
    lang: Lang,
    settings: &'a SignOnSettings,
    refs: &'a FormRefs,
    /// Every country with its name in the form's language, sorted.
    countries: &'a Rc<Vec<(&'static str, String)>>,
    onsubmit: Callback<SubmitEvent>,
}

fn draw_form(view: FormView<'_>) -> Html {
    let FormView { state, cell, lang, settings, refs, countries, onsubmit } = view;
    let editable = state.is_editable();
    let kind = state.draft.kind;
    let dispatcher = cell.clone();
    let node_ref = |name: &str| refs.field(name);
    let error_of = |name: &str| state.error_for(name).map(|e| AttrValue::from(error_message(lang, e)));
    let marker = |required: bool| AttrValue::from(lang.text(if required { "form.required" } else { "form.optional" }));

    let shown = presentation::TEXT_FIELDS.iter().filter(|f| kind.text_fields().contains(&f.name));
    let text_fields = shown.map(|f| {
        let name = f.name;
        let required = kind.required_fields().contains(&name);
        let on_input = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |value: String| dispatcher.dispatch(Action::SetText { field: name, value }))
        };
        text_field(TextFieldProps {
            name,
            label: lang.text(f.label_for(kind)).into(),
            marker: marker(required),
            required,
            hint: f.hint.map(|key| AttrValue::from(lang.text(key))),
            value: AttrValue::from(state.draft.text(name).to_string()),
            error: error_of(name),
            input_type: AttrValue::Static(f.input_type),
            autocomplete: f.autocomplete,
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
            <div class="error-summary" tabindex="-1" ref={refs.summary.clone()}>
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
            if kind == SignerKind::Organization {
                { checkbox(CheckboxProps { name: field::MAY_SIGN_FOR_ORGANIZATION, label: lang.text("form.may_sign_for_organization").into(),
                    checked: state.draft.typed.may_sign_for_organization, readonly: !editable, on_change: set_flag(field::MAY_SIGN_FOR_ORGANIZATION),
                    required: Some((marker(true), error_of(field::MAY_SIGN_FOR_ORGANIZATION), node_ref(field::MAY_SIGN_FOR_ORGANIZATION))) }) }
            }
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
                readonly: !editable, on_change: set_flag(field::LIST_PUBLICLY), required: None }) }
            { checkbox(CheckboxProps { name: field::UPDATES_OPT_IN, label: lang.text("form.updates_opt_in").into(), checked: state.draft.typed.updates_opt_in,
                readonly: !editable, on_change: set_flag(field::UPDATES_OPT_IN), required: None }) }
            { honeypot(HoneypotProps { label: lang.text("form.honeypot").into(), value: AttrValue::from(state.draft.text(field::HONEYPOT).to_string()),
                on_input: { let d = dispatcher.clone(); Callback::from(move |value| d.dispatch(Action::SetText { field: field::HONEYPOT, value })) } }) }
            <p class="privacy">
                { privacy }
                if let Some(url) = &settings.privacy_url {
                    { " " }<a href={url.clone()} target="_blank" rel="noopener noreferrer">{ lang.text("form.privacy.link") }</a>
                }
            </p>
            <button type="submit" class="sign" part="button" disabled={!editable}>{ lang.text("form.submit") }</button>
            <p id="us-status" class="status" role="status" tabindex="-1" ref={refs.status.clone()}>{ status }</p>
        </form>
    }
}

fn is_shown(kind: SignerKind, name: &str) -> bool {
    name == field::COUNTRY
        || (name == field::MAY_SIGN_FOR_ORGANIZATION && kind == SignerKind::Organization)
        || kind.text_fields().contains(&name)
}

/// The visitor's message for a field error: translated for the codes this widget knows, the
/// endpoint's own message otherwise.
fn error_message(lang: Lang, error: &FieldError) -> String {
    match (error.code, error.field.as_str()) {
        (FieldErrorCode::Required, field::ORGANIZATION) => lang.text("form.error.required.organization").to_string(),
        (FieldErrorCode::Required, field::NAME) => lang.text("form.error.required.name").to_string(),
        (FieldErrorCode::Required, field::EMAIL) => lang.text("form.error.required.email").to_string(),
        (FieldErrorCode::Required, field::ORGANIZATION_WEBSITE) => {
            lang.text("form.error.required.organization_website").to_string()
        }
        (FieldErrorCode::Required, field::MAY_SIGN_FOR_ORGANIZATION) => {
            lang.text("form.error.required.may_sign_for_organization").to_string()
        }
        (FieldErrorCode::Required, _) => lang.text("form.error.required").to_string(),
        (FieldErrorCode::TooLong, name) => match limits::max_chars(name) {
            Some(max) => lang.format("form.error.too_long", &[("max", &max.to_string())]),
            None => error.message.clone(),
        },
        (FieldErrorCode::InvalidEmail, _) => lang.text("form.error.invalid_email").to_string(),
        (FieldErrorCode::InvalidCountry, _) => lang.text("form.error.invalid_country").to_string(),
        (FieldErrorCode::InvalidWebsite, _) => lang.text("form.error.invalid_website").to_string(),
        _ => error.message.clone(),
    }
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
    let mut countries: Vec<(&'static str, String)> = country_codes()
        .map(|code| (code, names.of(code).map(String::from).unwrap_or_else(|| code.to_string())))
        .collect();
    let collator = js_sys::Intl::Collator::new(&locales, &js_sys::Object::new());
    let compare = collator.compare();
    crate::sort::sort_by(&mut countries, |a, b| {
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
