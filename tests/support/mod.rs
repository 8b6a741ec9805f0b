//! Helpers shared by the headless-browser tests.

// Every test file compiles its own copy of this module and uses only some of the helpers.
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// A fresh host element attached to the test page's body.
pub fn new_host() -> HtmlElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let host: HtmlElement = document.create_element("div").expect("creates a div").unchecked_into();
    document.body().expect("a body").append_child(&host).expect("appends");
    host
}

/// The text inside `host`'s shadow root ("" when it has none yet).
pub fn shadow_text(host: &HtmlElement) -> String {
    host.shadow_root().and_then(|r| r.text_content()).unwrap_or_default()
}

/// Yields to the browser until `condition` holds; panics with `what` after about five seconds.
/// Yew renders on its own scheduler, so a test waits for the DOM rather than assuming a tick count.
pub async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting until {what}");
}

/// Hands the widget a language's strings as the loader does in a page (the wasm carries English
/// only; `src/i18n.rs`), read from `locales/<code>.txt` as the build reads them.
pub fn add_locale(code: &str, text: &str) {
    let table = undersigned_core::locale::parse(text).expect("a valid locale file");
    assert!(undersigned::i18n::add_locale(code, table.into_iter().collect()), "{code} is a language of the widget");
}
