//! Translations: every visible string of the widget comes from `locales/<lang>.txt`.
//!
//! The files are compiled into the wasm by `build.rs` (a sorted table per language), so adding a
//! language is adding one file. English is the reference: a key missing from another language falls
//! back to English, and `build.rs` fails the build when a language has a key English lacks.
//! Plural forms use the browser's `Intl.PluralRules`, so no plural data ships in the wasm.

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
        LOCALES.iter().position(|(code, _)| *code == primary).map(|index| Lang { index })
    }

    /// The first language of `tags` the widget has, else English.
    pub fn negotiate<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter().find_map(Lang::from_tag).unwrap_or_default()
    }

    /// The primary language subtag (`en`, `es`).
    pub fn code(self) -> &'static str {
        LOCALES[self.index].0
    }

    /// The string for `key`, falling back to English, then to the key itself (never panics, so a
    /// missing translation shows up as a visible key in review rather than a dead widget).
    pub fn text(self, key: &str) -> &'static str {
        lookup(self.index, key).or_else(|| lookup(0, key)).unwrap_or_else(|| leak_key(key))
    }

    /// The string for `key` with `{name}` placeholders replaced by `args`.
    pub fn format(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.text(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// The plural form of `key` for `count` (`key.one`, `key.other`, …), with `{count}` and `args`
    /// filled in.
    pub fn plural(self, key: &str, count: f64, args: &[(&str, &str)]) -> String {
        let category = plural_category(self.code(), count);
        let specific = format!("{key}.{category}");
        let chosen = if lookup(self.index, &specific).or_else(|| lookup(0, &specific)).is_some() { specific } else { format!("{key}.other") };
        let count_text = crate::i18n::format_number(self.code(), count);
        let mut all = vec![("count", count_text.as_str())];
        all.extend_from_slice(args);
        self.format(&chosen, &all)
    }
}

fn lookup(index: usize, key: &str) -> Option<&'static str> {
    let table = LOCALES[index].1;
    table.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| table[i].1)
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
    if count == 1.0 { "one".into() } else { "other".into() }
}

/// `count` formatted for `lang` (`10,000` in English, `10.000` in Spanish).
#[cfg(target_arch = "wasm32")]
pub fn format_number(lang: &str, count: f64) -> String {
    let locales = js_sys::Array::of1(&lang.into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new());
    format.format().call1(&format, &count.into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| count.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn format_number(_lang: &str, count: f64) -> String {
    count.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_primary_subtag_and_falls_back_to_english() {
        assert_eq!(Lang::negotiate(["fr-FR", "es-MX"]).code(), "es");
        assert_eq!(Lang::negotiate(["de"]).code(), "en");
    }

    #[test]
    fn every_language_names_itself_and_formats_placeholders() {
        let es = Lang::from_tag("es").expect("Spanish exists");
        assert_eq!(es.text("language.name"), "Español");
        assert!(es.format("error.campaign_unavailable", &[("reason", "X")]).contains("carta: X."));
    }
}
