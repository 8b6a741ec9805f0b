//! Headless-browser tests (wasm-bindgen-test in Chromium): mounting the widget into a shadow root.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{new_host, shadow_text, wait_until};

#[wasm_bindgen_test]
async fn seed_letter_title_date_and_recipient_render_inside_the_shadow_root() {
    let host = new_host();
    let _widget = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    wait_until("the title renders", || {
        shadow_text(&host).contains("Coalition Letter to DHS re: Paragon Solutions, Inc. Contract")
    })
    .await;
    let text = shadow_text(&host);
    assert!(text.contains("October 31, 2024"), "the date is shown: {text}");
    assert!(text.contains("The Honorable Alejandro Mayorkas"), "the addressee block is shown");
    assert!(text.contains("We, the undersigned organizations and individuals"), "the first paragraph is shown");
    assert_eq!(host.text_content().unwrap_or_default(), "", "nothing renders into the light DOM of the host page");
}

#[wasm_bindgen_test]
async fn unmount_removes_the_widget() {
    let host = new_host();
    let mut widget = undersigned::mount(host.clone(), JsValue::UNDEFINED).expect("mounts");
    wait_until("the title renders", || shadow_text(&host).contains("Coalition Letter")).await;
    widget.unmount();
    wait_until("the widget is gone", || !shadow_text(&host).contains("Coalition Letter")).await;
    let root = host.shadow_root().expect("shadow root stays");
    assert!(root.dyn_ref::<web_sys::ShadowRoot>().is_some());
    let _ = HtmlElement::from(JsValue::from(host));
}
