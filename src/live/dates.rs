//! Dates in the visitor's language through the browser's `Intl.DateTimeFormat`: no date data or
//! date crate ships in the wasm.

/// `iso` (a `YYYY-MM-DD` date or an RFC 3339 timestamp) as a long date in `lang`
/// ("November 26, 2026", "26 de noviembre de 2026"); the input itself when the browser cannot read it.
#[cfg(target_arch = "wasm32")]
pub fn long_date(lang: &str, iso: &str) -> String {
    use wasm_bindgen::JsValue;
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return iso.to_string();
    }
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| js_sys::Reflect::set(&options, &key.into(), &value.into());
    let _ = set("dateStyle", "long");
    if undersigned_core::feed::is_date(iso) {
        // A calendar date is parsed as midnight UTC: formatted in the visitor's zone it could
        // become the day before.
        let _ = set("timeZone", "UTC");
    }
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&lang.into()), &options);
    format.format().call1(&format, &date).ok().and_then(|s| s.as_string()).unwrap_or_else(|| iso.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn long_date(_lang: &str, iso: &str) -> String {
    iso.to_string()
}
