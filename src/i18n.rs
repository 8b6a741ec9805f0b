//! Translations: every visible string of the widget comes from `locales/<lang>.txt`.
//!
//! English is compiled into the wasm by `build.rs` (a sorted table); every other language ships as
//! its own small file (`undersigned_locale.<lang>.json`, written by `cargo xtask build`), which the
//! loader fetches only for a widget that shows that language and hands over through [`add_locale`]
//! before mounting or updating it, so an English page downloads no other language. Adding a
//! language is adding one file. English is the reference: a key missing from another language (or a
//! language whose table is not there) falls back to English, and `build.rs` fails the build when a
//! language has a key English lacks. Native builds (the unit tests) compile every table in.
//! Plural forms, numbers and dates use the browser's `Intl`, so no locale data ships in the wasm.
//!
//! ## Using it in a component
//! The root component chooses the widget's [`Lang`] once and hands it down as a `lang` prop (and
//! as a parameter to the functions that draw); no component picks a language itself:
//! ```text
//! html! { <button>{ props.lang.text("form.submit") }</button> }
//! ```
//! A prop rather than a Yew context: a component mounted without its language does not compile
//! (a context would silently fall back to English), tests mount any part in any language, and the
//! drawing functions, which cannot call hooks, take it the same way. `Lang` is a `Copy` index.
//! Which language: the widget's `lang` attribute (config key), else the closest `lang` attribute
//! around the element (up to `<html lang>`), else the visitor's `navigator.languages`, else English
//! ([`Lang::for_host`]). The widget's container carries the chosen `lang` and its `dir`, so a
//! right-to-left language lays out right to left (the stylesheets use logical properties only).

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A language the widget has strings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    index: usize,
}

impl Default for Lang {
    fn default() -> Self {
        Lang::ENGLISH
    }
}

impl Lang {
    pub const ENGLISH: Lang = Lang { index: 0 };

    /// The best language for a BCP 47 tag (`es-MX` → Spanish), or None when there is none.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        CODES.iter().position(|code| *code == primary).map(|index| Lang { index })
    }

    /// The first language of `tags` the widget has, else English.
    pub fn negotiate<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter().find_map(Lang::from_tag).unwrap_or_default()
    }

    /// The primary language subtag (`en`, `es`).
    pub fn code(self) -> &'static str {
        CODES[self.index]
    }

    /// Every language the widget has strings for, English first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..CODES.len()).map(|index| Lang { index })
    }

    /// The writing direction of this language: `"rtl"` or `"ltr"` (the value of a `dir` attribute).
    pub fn dir(self) -> &'static str {
        direction_of(self.code())
    }

    /// The language for a widget mounted on `host`: the `lang` attribute or config key
    /// (`configured`), else the closest `lang` attribute on or around `host`, else the visitor's
    /// browser languages, else English. Tags the widget has no strings for are skipped.
    pub fn for_host(host: &web_sys::Element, configured: Option<&str>) -> Lang {
        let mut tags: Vec<String> = configured.map(str::to_string).into_iter().collect();
        if let Some(tag) = host.closest("[lang]").ok().flatten().and_then(|el| el.get_attribute("lang")) {
            tags.push(tag);
        }
        if let Some(languages) = web_sys::window().map(|w| w.navigator().languages()) {
            tags.extend(languages.iter().filter_map(|tag| tag.as_string()));
        }
        // `lang=""` means "unknown language": skip it rather than stop at it.
        Lang::negotiate(tags.iter().map(String::as_str).filter(|t| !t.trim().is_empty()))
    }

    /// The string for `key`, falling back to English, then to the key itself (never panics, so a
    /// missing translation shows up as a visible key in review rather than a dead widget).
    pub fn text(self, key: &str) -> &'static str {
        lookup(self.index, key).or_else(|| lookup(0, key)).unwrap_or_else(|| leak_key(key))
    }

    /// The string for `key` with `{name}` placeholders replaced by `args`.
    pub fn format(self, key: &str, args: &[(&str, &str)]) -> String {
        undersigned_core::locale::fill(self.text(key), args)
    }

    /// The plural form of `key` for `count` (`key.one`, `key.other`, …), with `{count}` and `args`
    /// filled in.
    pub fn plural(self, key: &str, count: f64, args: &[(&str, &str)]) -> String {
        let category = plural_category(self.code(), count);
        let specific = format!("{key}.{category}");
        let chosen = if lookup(self.index, &specific).or_else(|| lookup(0, &specific)).is_some() {
            specific
        } else {
            format!("{key}.other")
        };
        let count_text = crate::i18n::format_number(self.code(), count);
        let mut all = vec![("count", count_text.as_str())];
        all.extend_from_slice(args);
        self.format(&chosen, &all)
    }
}

/// `"rtl"` or `"ltr"` for a language tag (one rule for widget and receiver: core's).
pub use undersigned_core::locale::direction_of;

type Table = &'static [(&'static str, &'static str)];

thread_local! {
    /// Tables handed over at run time ([`add_locale`]), by language code.
    static ADDED: std::cell::RefCell<Vec<(&'static str, Table)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn table(index: usize) -> Option<Table> {
    let code = CODES[index];
    BUILT_IN
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, table)| *table)
        .or_else(|| ADDED.with(|added| added.borrow().iter().find(|(c, _)| *c == code).map(|(_, table)| *table)))
}

fn lookup(index: usize, key: &str) -> Option<&'static str> {
    let table = table(index)?;
    table.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| table[i].1)
}

/// Adds the strings of language `code` (`(key, text)` pairs, as in `locales/<code>.txt`), which
/// widgets mounted or updated afterwards show. False when the widget has no such language. Adding
/// a language again replaces its table (the loader adds each once per page; the strings live as
/// long as the page).
pub fn add_locale(code: &str, entries: Vec<(String, String)>) -> bool {
    let Some(lang) = Lang::from_tag(code) else { return false };
    let code = lang.code();
    let mut table: Vec<(&'static str, &'static str)> =
        entries.into_iter().map(|(k, v)| (&*Box::leak(k.into_boxed_str()), &*Box::leak(v.into_boxed_str()))).collect();
    crate::sort::sort_by(&mut table, |a, b| a.0.cmp(b.0));
    let table: Table = Box::leak(table.into_boxed_slice());
    ADDED.with(|added| {
        let mut added = added.borrow_mut();
        added.retain(|(c, _)| *c != code);
        added.push((code, table));
    });
    true
}

/// [`add_locale`] for the loader: `entries` is the array of `[key, text]` pairs of
/// `undersigned_locale.<code>.json`. Fails, naming the language, on anything else.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = addLocale)]
pub fn add_locale_js(code: &str, entries: js_sys::Array) -> Result<(), wasm_bindgen::JsValue> {
    let mut pairs = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let pair = js_sys::Array::from(&entry);
        match (pair.get(0).as_string(), pair.get(1).as_string()) {
            (Some(key), Some(text)) => pairs.push((key, text)),
            _ => return Err(format!("undersigned: the `{code}` translations are not [key, text] pairs").into()),
        }
    }
    if add_locale(code, pairs) {
        Ok(())
    } else {
        Err(format!("undersigned: `{code}` is not a language of this widget").into())
    }
}

fn leak_key(key: &str) -> &'static str {
    // Only reached for a key that exists in no locale file: a programming error shown as-is.
    Box::leak(key.to_string().into_boxed_str())
}

/// The CLDR plural category of `count` in `lang` (`one`, `other`, …).
#[cfg(target_arch = "wasm32")]
fn plural_category(lang: &str, count: f64) -> String {
    let locales = js_sys::Array::of1(&lang.into());
    let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
    rules.select(count).as_string().unwrap_or_else(|| "other".into())
}

#[cfg(not(target_arch = "wasm32"))]
fn plural_category(_lang: &str, count: f64) -> String {
    // Native builds (unit tests) only: English and Spanish rules.
    if count == 1.0 {
        "one".into()
    } else {
        "other".into()
    }
}

/// `count` formatted for `lang` (`10,000` in English, `10.000` in Spanish).
#[cfg(target_arch = "wasm32")]
pub fn format_number(lang: &str, count: f64) -> String {
    let locales = js_sys::Array::of1(&lang.into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new());
    // The fallback is JavaScript's own number to text: Rust's float formatting weighs 14 KB raw.
    format
        .format()
        .call1(&format, &count.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| js_sys::Number::from(count).to_string_with_radix(10).map(String::from).unwrap_or_default())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn format_number(_lang: &str, count: f64) -> String {
    count.to_string()
}

/// A calendar date (`2024-10-31`, or a full ISO 8601 timestamp) written out for `lang`
/// ("October 31, 2024", "31 de octubre de 2024"); None when `iso` is not a date.
#[cfg(target_arch = "wasm32")]
pub fn format_date(lang: &str, iso: &str) -> Option<String> {
    let date = js_sys::Date::new(&iso.into());
    if date.get_time().is_nan() {
        return None;
    }
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| js_sys::Reflect::set(&options, &key.into(), &value.into());
    set("dateStyle", "long").ok()?;
    // A calendar date parses as midnight UTC: formatted in the visitor's zone it could become the
    // day before, so it is formatted in UTC.
    if undersigned_core::feed::is_date(iso) {
        set("timeZone", "UTC").ok()?;
    }
    Some(date.to_locale_date_string(lang, &options).into())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn format_date(_lang: &str, iso: &str) -> Option<String> {
    Some(iso.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_primary_subtag_and_falls_back_to_english() {
        assert_eq!(Lang::negotiate(["it-IT", "es-MX"]).code(), "es");
        assert_eq!(Lang::negotiate(["ja"]).code(), "en");
        assert_eq!(Lang::negotiate(["pt-BR"]).code(), "pt");
        assert_eq!(Lang::from_tag("ar-EG").map(Lang::dir), Some("rtl"));
    }

    #[test]
    fn every_language_names_itself_and_formats_placeholders() {
        let es = Lang::from_tag("es").expect("Spanish exists");
        assert_eq!(es.text("language.name"), "Español");
        assert!(es.format("error.campaign_unavailable", &[("reason", "X")]).contains("carta: X."));
    }

    #[test]
    fn right_to_left_languages_are_detected_by_primary_subtag() {
        assert_eq!(direction_of("ar-EG"), "rtl");
        assert_eq!(direction_of("he"), "rtl");
        assert_eq!(direction_of("es-419"), "ltr");
        assert!(Lang::all().all(|lang| lang.dir() == direction_of(lang.code())));
    }

    #[test]
    fn every_language_has_every_english_key() {
        // build.rs rejects keys English lacks; this catches the opposite, a key a language forgot,
        // which would otherwise show up as English text inside a translated widget.
        let english: Vec<&str> = BUILT_IN[0].1.iter().map(|(k, _)| *k).collect();
        for (code, table) in &BUILT_IN[1..] {
            let missing: Vec<&&str> =
                english.iter().filter(|k| table.binary_search_by(|(t, _)| t.cmp(k)).is_err()).collect();
            assert!(missing.is_empty(), "locales/{code}.txt lacks {missing:?}: add them (every language is complete)");
        }
    }
}
