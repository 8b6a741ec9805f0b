//! Headless-browser tests (wasm-bindgen-test in Chromium) of the letter view inside the widget's
//! shadow root: the built-in seed letter, collapsing, footnote markers and back links moving
//! focus, and another campaign loaded through the `campaign` attribute.
//!
//! Real key presses (Enter on a marker) are driven end to end in `tests/e2e/letter.test.mjs`;
//! here markers are activated with `click()`, the event that Enter on a link also fires.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{new_host, shadow_text, wait_until};

/// The compiled test campaign (see `core/tests/fixture_campaigns.rs`).
const OTHER_CAMPAIGN: &str = include_str!("fixtures/other-campaign.json");

fn root(host: &HtmlElement) -> ShadowRoot {
    host.shadow_root().expect("the widget has a shadow root")
}

fn find(host: &HtmlElement, selector: &str) -> Option<Element> {
    root(host).query_selector(selector).ok().flatten()
}

fn element(host: &HtmlElement, selector: &str) -> HtmlElement {
    find(host, selector).unwrap_or_else(|| panic!("`{selector}` is in the shadow root")).unchecked_into()
}

fn active_id(host: &HtmlElement) -> String {
    root(host).active_element().map(|e| e.id()).unwrap_or_default()
}

fn mount_with(config: &[(&str, &str)]) -> HtmlElement {
    let host = new_host();
    let object = js_sys::Object::new();
    for (key, value) in config {
        js_sys::Reflect::set(&object, &(*key).into(), &(*value).into()).expect("sets a config key");
    }
    let handle = undersigned::mount(host.clone(), if config.is_empty() { JsValue::UNDEFINED } else { object.into() })
        .expect("mounts");
    std::mem::forget(handle);
    host
}

fn data_url(json: &str) -> String {
    format!("data:application/json,{}", String::from(js_sys::encode_uri_component(json)))
}

#[wasm_bindgen_test]
async fn the_seed_letter_starts_collapsed_and_expands_to_the_whole_letter() {
    let host = mount_with(&[]);
    wait_until("the title renders", || {
        shadow_text(&host).contains("Coalition Letter to DHS re: Paragon Solutions, Inc. Contract")
    })
    .await;
    let article = element(&host, "article.letter");
    assert_eq!(article.get_attribute("lang").as_deref(), Some("en"));

    let toggle = element(&host, "button.letter-toggle");
    assert_eq!(toggle.text_content().as_deref(), Some("Read the full letter"));
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(toggle.get_attribute("aria-controls").as_deref(), Some("letter-rest"));
    let rest = element(&host, "#letter-rest");
    assert!(rest.hidden(), "the rest of a long letter starts hidden");
    assert!(rest.offset_parent().is_none(), "and is not displayed");

    toggle.click();
    wait_until("the letter expands", || toggle.get_attribute("aria-expanded").as_deref() == Some("true")).await;
    assert!(!rest.hidden());
    assert_eq!(toggle.text_content().as_deref(), Some("Show less"));
    let text = shadow_text(&host);
    assert!(text.contains("U.S. Department of State, Export Controls and Human Rights Initiative Code of Conduct Released at the Summit for Democracy (March 2023)"), "note 27");
    assert!(text.contains("Tsuru for Solidarity"));
    assert!(
        text.contains("Dear Secretary Mayorkas,")
            && text.contains("Re: DHS/ICE contract with Paragon Solutions (US) Inc.")
    );

    let notes = root(&host).query_selector_all(".notes-list > li").expect("queries");
    assert_eq!(notes.length(), 27);
    assert_eq!(root(&host).query_selector_all(".organizations > li").expect("queries").length(), 41);
    assert_eq!(root(&host).query_selector_all(".individuals .signatory-title").expect("queries").length(), 5);
    assert_eq!(root(&host).query_selector_all(".cc-list > li").expect("queries").length(), 4);
    let leaves = root(&host).query_selector_all(".letter-demands li:not(:has(ul))").expect("queries");
    assert_eq!(leaves.length(), 10, "ten leaf demands");
    assert_eq!(
        root(&host).query_selector_all("blockquote.quote li").expect("queries").length(),
        3,
        "the three commitments"
    );
    assert_eq!(element(&host, "#letter-notes-heading").text_content().as_deref(), Some("Notes"));
}

#[wasm_bindgen_test]
async fn a_marker_in_the_collapsed_letter_expands_it_and_focuses_its_note_and_back_returns() {
    let host = mount_with(&[]);
    wait_until("the first marker renders", || find(&host, "#fnref-2").is_some()).await;
    let marker = element(&host, "#fnref-2");
    assert_eq!(marker.get_attribute("aria-label").as_deref(), Some("Footnote 2"));
    assert_eq!(marker.get_attribute("href").as_deref(), Some("#fn-2"));
    assert!(element(&host, "#letter-rest").hidden(), "the notes start hidden");

    marker.click();
    wait_until("focus moves to note 2", || active_id(&host) == "fn-2").await;
    let note = element(&host, "#fn-2");
    assert_eq!(note.get_attribute("tabindex").as_deref(), Some("-1"));
    assert!(note
        .text_content()
        .unwrap_or_default()
        .starts_with("WIRED, ICE Signs $2 Million Contract With Spyware Maker Paragon Solutions"));
    assert_eq!(element(&host, "button.letter-toggle").get_attribute("aria-expanded").as_deref(), Some("true"));

    element(&host, "#fn-2 .fn-back").click();
    wait_until("focus returns to the marker", || active_id(&host) == "fnref-2").await;

    // Once expanded, a marker deep in the letter (in the quotation) goes straight to its note.
    element(&host, "#fnref-27").click();
    wait_until("focus moves to note 27", || active_id(&host) == "fn-27").await;
    element(&host, "#fn-27 .fn-back").click();
    wait_until("focus returns to marker 27", || active_id(&host) == "fnref-27").await;
}

#[wasm_bindgen_test]
async fn the_widget_strings_follow_the_lang_attribute_and_the_letter_keeps_its_own() {
    support::add_locale("es", include_str!("../locales/es.txt"));
    let host = mount_with(&[("lang", "es")]);
    wait_until("the toggle renders", || find(&host, "button.letter-toggle").is_some()).await;
    let toggle = element(&host, "button.letter-toggle");
    assert_eq!(toggle.text_content().as_deref(), Some("Leer la carta completa"));
    assert_eq!(toggle.get_attribute("lang").as_deref(), Some("es"));
    // The letter's own words, footnote labels included, follow the letter's language (English).
    assert_eq!(element(&host, "#fnref-1").get_attribute("aria-label").as_deref(), Some("Footnote 1"));
    assert_eq!(element(&host, "article.letter").get_attribute("lang").as_deref(), Some("en"));
}

#[wasm_bindgen_test]
async fn another_campaign_renders_through_the_campaign_attribute() {
    let host = mount_with(&[("campaign", &data_url(OTHER_CAMPAIGN))]);
    wait_until("the other title renders", || shadow_text(&host).contains("Open Letter on Library Patron Records"))
        .await;
    let text = shadow_text(&host);
    assert!(!text.contains("Paragon"), "the built-in letter is not shown");
    assert!(text.contains("the contracts with the vendors that host the catalogue."));
    assert!(text.contains("Friends of the Reading Room") && text.contains("Librarian, Eastside Branch"));
    assert!(find(&host, "button.letter-toggle").is_none(), "a short letter is shown whole");
    assert!(find(&host, ".notes").is_none() && find(&host, "sup.fn-ref").is_none(), "it has no notes");
    let demands = root(&host).query_selector_all(".letter-demands > li").expect("queries");
    assert_eq!(demands.length(), 3);
    assert!(find(&host, ".letter-demands ul").is_none(), "its demand list is flat");
    assert_eq!(element(&host, ".closing").text_content().as_deref(), Some("Signed,"), "the translated default closing");
}

#[wasm_bindgen_test]
async fn a_campaign_that_is_not_a_campaign_shows_a_translated_alert() {
    let url = data_url(r#"{"title": 3}"#);
    let host = mount_with(&[("campaign", &url), ("lang", "es")]);
    wait_until("an alert renders", || find(&host, "[role=alert]").is_some()).await;
    let alert = element(&host, "[role=alert]").text_content().unwrap_or_default();
    assert!(alert.contains("no es una campaña que este widget pueda mostrar"), "{alert}");
    assert!(alert.contains("Avise a quien administra el sitio"), "says what to do: {alert}");
}

#[wasm_bindgen_test]
async fn an_unreachable_campaign_shows_an_alert_that_says_what_to_do() {
    let host = mount_with(&[("campaign", "http://127.0.0.1:9/no-campaign.json")]);
    wait_until("an alert renders", || find(&host, "[role=alert]").is_some()).await;
    let alert = element(&host, "[role=alert]").text_content().unwrap_or_default();
    assert!(alert.contains("could not be loaded from http://127.0.0.1:9/no-campaign.json"), "{alert}");
    assert!(alert.contains("reload the page"), "{alert}");
}
