//! Headless-browser tests of the embedding glue: configuration, language negotiation, theme,
//! direction and clean unmounting.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{new_host, shadow_text, wait_until};

fn config(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        js_sys::Reflect::set(&object, &(*key).into(), &(*value).into()).expect("sets a property");
    }
    object.into()
}

fn container(host: &HtmlElement) -> Element {
    host.shadow_root()
        .and_then(|root| root.query_selector(".undersigned").ok().flatten())
        .expect("the widget's container")
}

fn has_class(host: &HtmlElement, class: &str) -> bool {
    container(host).class_name().split_whitespace().any(|c| c == class)
}

/// A host inside a wrapper element carrying `lang`, as on a partner page section in another language.
fn host_inside(lang: &str) -> HtmlElement {
    let wrapper = new_host();
    wrapper.set_attribute("lang", lang).expect("sets lang");
    let host: HtmlElement = web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
        .create_element("div")
        .expect("div")
        .unchecked_into();
    wrapper.append_child(&host).expect("appends");
    host
}

#[wasm_bindgen_test]
fn the_lang_config_wins_over_the_surrounding_page() {
    let host = host_inside("en");
    let _widget = undersigned::mount(host.clone(), config(&[("lang", "es-MX")])).expect("mounts");
    assert_eq!(container(&host).get_attribute("lang").as_deref(), Some("es"));
}

#[wasm_bindgen_test]
fn without_lang_the_widget_follows_the_closest_lang_around_it() {
    let host = host_inside("es");
    let _widget = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    assert_eq!(container(&host).get_attribute("lang").as_deref(), Some("es"));
    assert_eq!(container(&host).get_attribute("dir").as_deref(), Some("ltr"));
}

#[wasm_bindgen_test]
fn a_language_without_strings_is_skipped_for_the_next_candidate() {
    let host = host_inside("es");
    let _widget = undersigned::mount(host.clone(), config(&[("lang", "tlh")])).expect("mounts");
    assert_eq!(container(&host).get_attribute("lang").as_deref(), Some("es"));
}

#[wasm_bindgen_test]
fn update_changes_theme_and_language_and_rejects_bad_values_by_name() {
    let host = new_host();
    let mut widget = undersigned::mount(host.clone(), config(&[("theme", "dark"), ("lang", "en")])).expect("mounts");
    assert!(has_class(&host, "theme-dark"));
    widget.update(config(&[("theme", "auto"), ("lang", "es")])).expect("valid update");
    assert!(has_class(&host, "theme-auto"));
    assert_eq!(container(&host).get_attribute("lang").as_deref(), Some("es"));
    let error = widget.update(config(&[("lang", "es"), ("theme", "purple")])).expect_err("purple is no theme");
    let message = error.as_string().unwrap_or_default();
    assert!(message.contains("`theme`") && message.contains("light, dark or auto"), "{message}");
    assert!(has_class(&host, "theme-auto"), "an invalid update keeps the previous configuration");
}

#[wasm_bindgen_test]
fn an_invalid_config_fails_before_touching_the_element() {
    let host = new_host();
    let error = undersigned::mount(host.clone(), config(&[("theme", "neon")])).err().expect("neon is no theme");
    assert!(error.as_string().unwrap_or_default().contains("`theme`"));
    assert!(host.shadow_root().is_none(), "no shadow root, so a fallback inside the element stays visible");
}

#[wasm_bindgen_test]
async fn unmount_then_mount_again_leaves_exactly_one_widget() {
    let host = new_host();
    let mut first = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    wait_until("the letter renders", || shadow_text(&host).contains("Coalition Letter")).await;
    first.unmount();
    let root = host.shadow_root().expect("the shadow root stays");
    assert_eq!(root.child_element_count(), 0, "unmount removes the widget's container");
    let _second = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts again");
    wait_until("the letter renders again", || shadow_text(&host).contains("Coalition Letter")).await;
    assert_eq!(root.query_selector_all(".undersigned").expect("valid selector").length(), 1);
}

#[wasm_bindgen_test]
fn a_second_mount_on_the_same_element_is_refused() {
    let host = new_host();
    let _widget = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    let error = undersigned::mount(host.clone(), JsValue::UNDEFINED).err().expect("a second mount is refused");
    assert!(error.as_string().unwrap_or_default().contains("already has a widget"));
    assert_eq!(host.shadow_root().expect("root").child_element_count(), 1);
}

#[wasm_bindgen_test]
fn config_keys_are_the_attribute_names() {
    let keys: Vec<String> = undersigned::element::config_keys_js().iter().filter_map(|k| k.as_string()).collect();
    for key in ["campaign", "endpoint", "lang", "theme"] {
        assert!(keys.iter().any(|k| k == key), "{key} in {keys:?}");
    }
}

#[wasm_bindgen_test]
fn dates_and_numbers_are_formatted_for_the_language() {
    assert_eq!(undersigned::i18n::format_date("es", "2024-10-31").as_deref(), Some("31 de octubre de 2024"));
    assert_eq!(undersigned::i18n::format_date("en", "2024-10-31").as_deref(), Some("October 31, 2024"));
    assert_eq!(undersigned::i18n::format_date("en", "not a date"), None);
    assert_eq!(undersigned::i18n::format_number("es", 12345.0), "12.345");
    assert_eq!(undersigned::i18n::format_number("en", 12345.0), "12,345");
}
