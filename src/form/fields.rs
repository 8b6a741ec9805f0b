//! The form's controls, small and dumb: each draws what it is given and reports input upward.
//! They are plain functions rather than components: they hold no state, and every component type
//! costs the wasm its own copy of Yew's component machinery. A class that changes is written as
//! `~className` (see the crate's docs on classes).
//! Every control has a visible label, its hint and error in text linked by `aria-describedby`,
//! and `aria-invalid` while it has an error. Ids only need to be unique in the shadow root.

use undersigned_core::signature::SignerKind;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn describedby(id: &str, hint: bool, error: bool) -> Option<AttrValue> {
    let mut ids = String::new();
    for (shown, suffix) in [(hint, "-hint"), (error, "-error")] {
        if shown {
            if !ids.is_empty() {
                ids.push(' ');
            }
            ids.push_str(id);
            ids.push_str(suffix);
        }
    }
    (!ids.is_empty()).then(|| ids.into())
}

fn error_text(id: &str, error: &Option<AttrValue>) -> Html {
    match error {
        Some(message) => html! { <p class="field-error" id={format!("{id}-error")}>{ message.clone() }</p> },
        None => html! {},
    }
}

pub struct TextFieldProps {
    /// The wire name, also the control's `name`.
    pub name: &'static str,
    pub label: AttrValue,
    /// "required" or "optional", shown after the label.
    pub marker: AttrValue,
    pub required: bool,
    pub hint: Option<AttrValue>,
    pub value: AttrValue,
    pub error: Option<AttrValue>,
    pub input_type: AttrValue,
    pub autocomplete: &'static str,
    pub readonly: bool,
    pub node_ref: NodeRef,
    pub on_input: Callback<String>,
}

pub fn text_field(props: TextFieldProps) -> Html {
    let id = format!("us-{}", props.name);
    let on_input = props.on_input.clone();
    let oninput =
        Callback::from(move |e: InputEvent| on_input.emit(e.target_unchecked_into::<HtmlInputElement>().value()));
    html! {
        <div key={props.name} ~className={if props.error.is_some() { "field has-error" } else { "field" }}>
            <label for={id.clone()}>{ props.label.clone() }<span class="marker">{ " " }{ props.marker.clone() }</span></label>
            if let Some(hint) = &props.hint {
                <p class="hint" id={format!("{id}-hint")}>{ hint.clone() }</p>
            }
            <input
                id={id.clone()}
                ref={props.node_ref.clone()}
                name={props.name}
                type={props.input_type.clone()}
                autocomplete={props.autocomplete}
                value={props.value.clone()}
                readonly={props.readonly}
                aria-required={props.required.then_some("true")}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={describedby(&id, props.hint.is_some(), props.error.is_some())}
                {oninput}
            />
            { error_text(&id, &props.error) }
        </div>
    }
}

pub struct CheckboxProps {
    pub name: &'static str,
    pub label: AttrValue,
    pub checked: bool,
    pub readonly: bool,
    pub on_change: Callback<bool>,
    /// For a box that must be ticked (an organization's statement): the "required" marker, the
    /// error shown, and the reference that takes the focus when it is the first error.
    pub required: Option<(AttrValue, Option<AttrValue>, NodeRef)>,
}

pub fn checkbox(props: CheckboxProps) -> Html {
    let id = format!("us-{}", props.name);
    let on_change = props.on_change.clone();
    let onchange =
        Callback::from(move |e: Event| on_change.emit(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let (marker, error, node_ref) =
        props.required.clone().map_or((None, None, NodeRef::default()), |(m, e, r)| (Some(m), e, r));
    html! {
        <div ~className={if error.is_some() { "field checkbox has-error" } else { "field checkbox" }}>
            <input id={id.clone()} ref={node_ref} type="checkbox" name={props.name} checked={props.checked} disabled={props.readonly}
                aria-required={marker.is_some().then_some("true")}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={describedby(&id, false, error.is_some())}
                {onchange} />
            <label for={id.clone()}>{ props.label.clone() }if let Some(marker) = marker { <span class="marker">{ " " }{ marker }</span> }</label>
            { error_text(&id, &error) }
        </div>
    }
}

pub struct KindChoiceProps {
    pub legend: AttrValue,
    /// Labels for organization and individual.
    pub labels: (AttrValue, AttrValue),
    pub kind: SignerKind,
    pub readonly: bool,
    pub on_change: Callback<SignerKind>,
}

/// Organization or individual: a radio group in a fieldset whose legend is the question.
pub fn kind_choice(props: KindChoiceProps) -> Html {
    let radio = |kind: SignerKind, label: &AttrValue| {
        let on_change = props.on_change.clone();
        let id = format!("us-kind-{}", kind.as_str());
        html! {
            <div class="choice">
                <input id={id.clone()} type="radio" name="kind" value={kind.as_str()} checked={props.kind == kind}
                    disabled={props.readonly} onchange={Callback::from(move |_| on_change.emit(kind))} />
                <label for={id}>{ label.clone() }</label>
            </div>
        }
    };
    html! {
        <fieldset class="kind">
            <legend>{ props.legend.clone() }</legend>
            { radio(SignerKind::Individual, &props.labels.1) }
            { radio(SignerKind::Organization, &props.labels.0) }
        </fieldset>
    }
}

pub struct CountrySelectProps {
    pub label: AttrValue,
    pub marker: AttrValue,
    /// The "no country" option's text.
    pub none: AttrValue,
    /// (code, name in the visitor's language), sorted by name.
    pub countries: std::rc::Rc<Vec<(&'static str, String)>>,
    pub value: AttrValue,
    pub error: Option<AttrValue>,
    pub readonly: bool,
    pub node_ref: NodeRef,
    pub on_change: Callback<String>,
}

pub fn country_select(props: CountrySelectProps) -> Html {
    let id = "us-country";
    let on_change = props.on_change.clone();
    let onchange =
        Callback::from(move |e: Event| on_change.emit(e.target_unchecked_into::<HtmlSelectElement>().value()));
    html! {
        <div ~className={if props.error.is_some() { "field has-error" } else { "field" }}>
            <label for={id}>{ props.label.clone() }<span class="marker">{ " " }{ props.marker.clone() }</span></label>
            <select id={id} name="country" autocomplete="country" ref={props.node_ref.clone()} disabled={props.readonly}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={describedby(id, false, props.error.is_some())} {onchange}>
                <option value="" selected={props.value.is_empty()}>{ props.none.clone() }</option>
                { for props.countries.iter().map(|(code, name)| html! {
                    <option value={*code} selected={props.value == *code}>{ name.clone() }</option>
                }) }
            </select>
            { error_text(id, &props.error) }
        </div>
    }
}

pub struct HoneypotProps {
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_input: Callback<String>,
}

/// The field people never see and bots fill in: hidden from view and from assistive technology,
/// out of the tab order, never autofilled.
pub fn honeypot(props: HoneypotProps) -> Html {
    let on_input = props.on_input.clone();
    let oninput =
        Callback::from(move |e: InputEvent| on_input.emit(e.target_unchecked_into::<HtmlInputElement>().value()));
    html! {
        <div class="hp" aria-hidden="true">
            <label for="us-website">{ props.label.clone() }</label>
            <input id="us-website" name="website" type="text" tabindex="-1" autocomplete="off" value={props.value.clone()} {oninput} />
        </div>
    }
}
