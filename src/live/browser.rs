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
