//! Headless-browser tests of the sign-on form (wasm-bindgen-test in Chromium): what the visitor
//! sees when input is invalid, and when the page has not said where signatures go. Delivery to a
//! real endpoint is tested end to end in tests/e2e/signon*.test.mjs.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{new_host, shadow_text, wait_until};

fn config(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&object, &(*k).into(), &(*v).into()).expect("sets a config key");
    }
    object.into()
}

fn find(host: &HtmlElement, selector: &str) -> Option<Element> {
    host.shadow_root().and_then(|root| root.query_selector(selector).ok().flatten())
}

fn input(host: &HtmlElement, selector: &str) -> HtmlInputElement {
    find(host, selector).unwrap_or_else(|| panic!("{selector} is in the form")).unchecked_into()
}

/// Types `value` as a visitor would: sets it and fires the `input` event the form listens to.
fn type_into(host: &HtmlElement, selector: &str, value: &str) {
    let field = input(host, selector);
    field.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).expect("an input event");
    field.dispatch_event(&event).expect("dispatches");
}

fn click(host: &HtmlElement, selector: &str) {
    find(host, selector).unwrap_or_else(|| panic!("{selector} is in the form")).unchecked_into::<HtmlElement>().click();
}

#[wasm_bindgen_test]
async fn invalid_input_shows_every_field_error_keeps_the_text_and_focuses_the_first_error() {
    let host = new_host();
    // Port 9 (discard) is never reached: invalid input is stopped before any request.
    let _widget =
        undersigned::mount(host.clone(), config(&[("endpoint", "http://127.0.0.1:9/signatures")])).expect("mounts");
    wait_until("the form renders", || find(&host, "#us-email").is_some()).await;

    type_into(&host, "#us-name", "   ");
    type_into(&host, "#us-title", "Professor");
    type_into(&host, "#us-email", "ana at example");
    click(&host, "button.sign");
    wait_until("the errors are shown", || find(&host, "#us-email-error").is_some()).await;

    let text = shadow_text(&host);
    assert!(text.contains("Enter a name."), "the name error is in text: {text}");
    assert!(text.contains("Enter an email address like name@example.org"), "the email error is in text");
    assert!(text.contains("2 fields need your attention."), "the summary counts both: {text}");
    for (selector, error_id) in [("#us-name", "us-name-error"), ("#us-email", "us-email-error")] {
        let field = input(&host, selector);
        assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"), "{selector} is marked invalid");
        let described = field.get_attribute("aria-describedby").unwrap_or_default();
        assert!(described.split(' ').any(|id| id == error_id), "{selector} is described by its error: {described}");
    }
    assert_eq!(input(&host, "#us-title").get_attribute("aria-invalid"), None, "a valid field is not marked");
    assert_eq!(input(&host, "#us-email").value(), "ana at example", "what was typed stays");
    assert_eq!(input(&host, "#us-title").value(), "Professor", "what was typed stays");
    // Focus moves in an effect after the errors render; on a loaded machine that can be a tick later.
    let focused = || host.shadow_root().and_then(|r| r.active_element()).map(|e| e.id());
    wait_until("focus moves to the first error (#us-name)", || focused().as_deref() == Some("us-name")).await;
    assert!(
        !input(&host, "button.sign").unchecked_ref::<HtmlElement>().has_attribute("disabled"),
        "the form can be sent again"
    );

    // Correcting one field clears its error and keeps the other.
    type_into(&host, "#us-name", "Ana López");
    wait_until("the name error goes", || find(&host, "#us-name-error").is_none()).await;
    assert!(find(&host, "#us-email-error").is_some());
}

#[wasm_bindgen_test]
async fn organizations_are_asked_for_their_name_website_statement_and_a_contact_person() {
    let host = new_host();
    let _widget =
        undersigned::mount(host.clone(), config(&[("endpoint", "http://127.0.0.1:9/signatures")])).expect("mounts");
    wait_until("the form renders", || find(&host, "#us-kind-organization").is_some()).await;
    assert!(find(&host, "#us-organization").is_none(), "individuals are not asked for an organization");
    assert!(find(&host, "fieldset.kind legend").is_some(), "the choice is a fieldset with a legend");
    click(&host, "#us-kind-organization");
    wait_until("the organization field appears", || find(&host, "#us-organization").is_some()).await;
    assert!(shadow_text(&host).contains("Contact person"));
    assert!(find(&host, "#us-affiliation").is_none());
    click(&host, "button.sign");
    wait_until("the errors are shown", || find(&host, "#us-organization-error").is_some()).await;
    assert!(shadow_text(&host).contains("Enter the organization's name."));
    assert!(find(&host, "#us-organization_website-error").is_some(), "the website is required");
    let statement = input(&host, "#us-may_sign_for_organization");
    assert_eq!(statement.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(statement.get_attribute("aria-describedby").as_deref(), Some("us-may_sign_for_organization-error"));
    assert!(shadow_text(&host).contains("Tick the box to confirm that you may sign for this organization."));
    type_into(&host, "#us-organization_website", "ftp://eff.org");
    click(&host, "button.sign");
    wait_until("the website's rule is named", || shadow_text(&host).contains("such as eff.org or https://www.eff.org"))
        .await;
    for unticked in ["#us-list_publicly", "#us-updates_opt_in"] {
        assert!(!input(&host, unticked).checked(), "{unticked} starts unticked");
    }
    let honeypot = input(&host, "#us-website");
    assert_eq!(honeypot.get_attribute("tabindex").as_deref(), Some("-1"));
    assert_eq!(honeypot.get_attribute("autocomplete").as_deref(), Some("off"));
}

/// The widget draws its text fields from core's presentation table, as the receiver's page form
/// does (tested there): for each kind, each field shown carries the table's type and autocomplete.
#[wasm_bindgen_test]
async fn every_text_input_carries_the_shared_tables_type_and_autocomplete() {
    use undersigned_core::signature::{presentation, SignerKind};
    let host = new_host();
    let _widget =
        undersigned::mount(host.clone(), config(&[("endpoint", "http://127.0.0.1:9/signatures")])).expect("mounts");
    wait_until("the form renders", || find(&host, "#us-email").is_some()).await;
    for kind in [SignerKind::Individual, SignerKind::Organization] {
        click(&host, &format!("#us-kind-{}", kind.as_str()));
        let first = kind.text_fields()[0];
        wait_until("the kind's fields are shown", || find(&host, &format!("#us-{first}")).is_some()).await;
        for f in presentation::TEXT_FIELDS.iter().filter(|f| kind.text_fields().contains(&f.name)) {
            let field = input(&host, &format!("#us-{}", f.name));
            assert_eq!(field.get_attribute("type").as_deref(), Some(f.input_type), "{} ({kind:?})", f.name);
            assert_eq!(field.get_attribute("autocomplete").as_deref(), Some(f.autocomplete), "{} ({kind:?})", f.name);
        }
    }
}

#[wasm_bindgen_test]
async fn without_an_endpoint_the_form_explains_instead_of_collecting_signatures() {
    let host = new_host();
    let _widget = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    wait_until("the notice renders", || shadow_text(&host).contains("Signing is not available on this page yet")).await;
    assert!(find(&host, "form").is_none(), "no form collects data that could not be delivered");
}
