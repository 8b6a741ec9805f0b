//! Dates in the visitor's language through the browser's `Intl.DateTimeFormat`: no date data or
//! date crate ships in the wasm.

/// `iso` (a `YYYY-MM-DD` date or an RFC 3339 timestamp) as a long date in `lang`
/// ("November 26, 2026", "26 de noviembre de 2026"); the input itself when the browser cannot read it.
pub fn long_date(lang: &str, iso: &str) -> String {
    crate::i18n::format_date(lang, iso).unwrap_or_else(|| iso.to_string())
}
