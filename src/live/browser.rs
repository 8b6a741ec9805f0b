//! Small browser facts the live connections need, in one place.

/// Whether the page is hidden (a background tab, a minimised window).
pub fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// A number in `0.0..1.0` for backoff jitter.
pub fn unit_random() -> f64 {
    js_sys::Math::random()
}

/// Tells the organizer, in the console, why live updates are not arriving; the visitor sees a
/// quiet notice instead.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&format!("undersigned: {message}").into());
}

/// What a JavaScript exception says (`String(e)`, such as "TypeError: Failed to fetch"), for the
/// console. Not `{e:?}`: the shipped wasm has no `Debug` output (`-Zfmt-debug=none`, README
/// "History of the widget's weight").
pub fn js_reason(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast as _;
    if e.is_null() || e.is_undefined() {
        return "no reason given".to_string();
    }
    e.unchecked_ref::<js_sys::Object>().to_string().into()
}
