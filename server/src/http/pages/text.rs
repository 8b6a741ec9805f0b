//! The words of the pages, in the visitor's language: English, Spanish, French, Portuguese,
//! German or Arabic, chosen from `Accept-Language` ([`Lang::from_headers`]). Each language is the widget's table
//! (`locales/<code>.txt`, the same form labels, statuses and headings the widget shows) plus the
//! pages' own (`server/locales/<code>.txt`), read with core's [`locale::parse`]. A key missing in a
//! language falls back to English. Values are plain text: callers escape what they put in a page.
//!
//! Field errors keep one source per rule: in English the page shows core's message (the one the
//! JSON `fields` carry); in another language the widget's translation of the same code, looked up
//! as `form.error.{code}.{field}`, then `form.error.{code}`, else core's English message.

use axum::http::{header, HeaderMap};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use undersigned_core::api_error::FieldError;
use undersigned_core::locale;
use undersigned_core::signature::limits;

/// (code, widget strings, page strings), English first.
const SOURCES: [(&str, &str, &str); 6] = [
    ("en", include_str!("../../../../locales/en.txt"), include_str!("../../../locales/en.txt")),
    ("es", include_str!("../../../../locales/es.txt"), include_str!("../../../locales/es.txt")),
    ("fr", include_str!("../../../../locales/fr.txt"), include_str!("../../../locales/fr.txt")),
    ("pt", include_str!("../../../../locales/pt.txt"), include_str!("../../../locales/pt.txt")),
    ("de", include_str!("../../../../locales/de.txt"), include_str!("../../../locales/de.txt")),
    ("ar", include_str!("../../../../locales/ar.txt"), include_str!("../../../locales/ar.txt")),
];

static TABLES: LazyLock<Vec<BTreeMap<String, String>>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(code, widget, pages)| {
            // Both files are compiled in and checked by this module's tests (and the widget's by
            // its build script): a failure here is a bug in a committed file, not visitor input.
            let mut table = locale::parse(widget).unwrap_or_else(|e| panic!("locales/{code}.txt: {e}"));
            table.extend(locale::parse(pages).unwrap_or_else(|e| panic!("server/locales/{code}.txt: {e}")));
            table
        })
        .collect()
});

/// A language the pages have words for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lang {
    index: usize,
}

impl Lang {
    pub const ENGLISH: Lang = Lang { index: 0 };

    /// The language for a BCP 47 tag's primary subtag (`es-MX` → Spanish).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        SOURCES.iter().position(|(code, ..)| *code == primary).map(|index| Lang { index })
    }

    /// The visitor's most preferred language we have (`Accept-Language`, by `q`, ties in the order
    /// given), else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let mut ranked: Vec<(f32, usize, Lang)> = headers
            .get_all(header::ACCEPT_LANGUAGE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let lang = Lang::from_tag(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q=").map(|q| q.trim().parse::<f32>().unwrap_or(0.0)))
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, position, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map_or(Lang::ENGLISH, |(_, _, lang)| *lang)
    }

    /// The language code (`en`, `es`), for `lang` attributes.
    pub fn code(self) -> &'static str {
        SOURCES[self.index].0
    }

    /// The writing direction (`ltr`, `rtl`), for `dir` attributes.
    pub fn dir(self) -> &'static str {
        locale::direction_of(self.code())
    }

    /// The text of `key` in this language only.
    fn own(self, key: &str) -> Option<&'static str> {
        TABLES.get(self.index)?.get(key).map(String::as_str)
    }

    /// The text of `key`, falling back to English, then to the key itself (visible in review).
    pub fn text(self, key: &str) -> String {
        self.own(key).or_else(|| Lang::ENGLISH.own(key)).unwrap_or(key).to_string()
    }

    /// [`Self::text`] with its `{name}` placeholders filled in.
    pub fn format(self, key: &str, args: &[(&str, &str)]) -> String {
        locale::fill(&self.text(key), args)
    }

    /// The plural form of `key` for `count` (core's [`locale::plural_category`] of this language,
    /// `key.other` when the language has no line for that category), with `{count}` and `args`
    /// filled in.
    pub fn plural(self, key: &str, count: u64, args: &[(&str, &str)]) -> String {
        let category = locale::plural_category(self.code(), count);
        let specific = format!("{key}.{category}");
        let form =
            if self.own(&specific).is_some() || Lang::ENGLISH.own(&specific).is_some() { category } else { "other" };
        let count = count.to_string();
        let mut all = vec![("count", count.as_str())];
        all.extend_from_slice(args);
        self.format(&format!("{key}.{form}"), &all)
    }

    /// What to tell the visitor about a field (see the module documentation).
    pub fn field_message(self, error: &FieldError) -> String {
        if self == Lang::ENGLISH {
            return error.message.clone();
        }
        let max = limits::max_chars(&error.field).map(|m| m.to_string()).unwrap_or_default();
        [format!("form.error.{}.{}", error.code, error.field), format!("form.error.{}", error.code)]
            .iter()
            .find_map(|key| self.own(key))
            .map_or_else(|| error.message.clone(), |text| locale::fill(text, &[("max", &max)]))
    }

    /// What to tell the visitor about an error without fields: the receiver's (English) message,
    /// or this language's `page.error.{code}`.
    pub fn error_message(self, code: &str, message: &str) -> String {
        match self {
            Lang::ENGLISH => message.to_string(),
            _ => self.own(&format!("page.error.{code}")).map_or_else(|| message.to_string(), str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use undersigned_core::api_error::FieldErrorCode;

    #[test]
    fn every_file_parses_and_every_page_word_exists_in_english() {
        let english = &TABLES[0];
        for (index, (code, ..)) in SOURCES.iter().enumerate() {
            for key in TABLES[index].keys().filter(|k| k.starts_with("page.") && !k.starts_with("page.error.")) {
                // A language may need plural categories English has no use for (core/tests/locale_files.rs).
                let extra_plural = key.rsplit_once('.').is_some_and(|(stem, form)| {
                    ["zero", "two", "few", "many"].contains(&form) && english.contains_key(&format!("{stem}.other"))
                });
                assert!(
                    english.contains_key(key) || extra_plural,
                    "server/locales/{code}.txt has `{key}`, which server/locales/en.txt lacks"
                );
            }
        }
        let spanish = Lang::from_tag("es").expect("Spanish");
        for key in english.keys().filter(|k| k.starts_with("page.")) {
            assert!(spanish.own(key).is_some(), "server/locales/es.txt lacks `{key}`");
        }
    }

    #[test]
    fn accept_language_picks_the_most_preferred_language_we_have() {
        let pick = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(value));
            Lang::from_headers(&headers).code()
        };
        assert_eq!(pick("es-MX,es;q=0.9,en;q=0.8"), "es");
        assert_eq!(pick("it-IT,it;q=0.9,es;q=0.5,en;q=0.4"), "es");
        assert_eq!(pick("en-GB,es"), "en");
        assert_eq!(pick("es;q=0.2, en;q=0.9"), "en");
        assert_eq!(pick("es;q=0, ja"), "en");
        assert_eq!(pick("ja"), "en");
        assert_eq!(pick("fr-FR,fr;q=0.9,es;q=0.5"), "fr");
        assert_eq!(pick("pt-BR"), "pt");
        assert_eq!(pick("de-CH,en;q=0.5"), "de");
        assert_eq!(pick("ar-EG"), "ar");
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::ENGLISH);
    }

    #[test]
    fn field_errors_are_core_messages_in_english_and_translations_otherwise() {
        let error = |field: &str, code: FieldErrorCode| FieldError {
            field: field.into(),
            code,
            message: "core's message".into(),
        };
        let es = Lang::from_tag("es").expect("Spanish");
        assert_eq!(Lang::ENGLISH.field_message(&error("email", FieldErrorCode::InvalidEmail)), "core's message");
        assert_eq!(
            es.field_message(&error("organization", FieldErrorCode::Required)),
            "Escriba el nombre de la organización."
        );
        assert_eq!(es.field_message(&error("title", FieldErrorCode::Required)), "Complete este campo.");
        assert_eq!(es.field_message(&error("name", FieldErrorCode::TooLong)), "Acórtelo a 120 caracteres como máximo.");
        assert_eq!(
            es.field_message(&error("idempotency_key", FieldErrorCode::InvalidIdempotencyKey)),
            "core's message",
            "no translation: core's words"
        );
        assert_eq!(es.plural("form.errors.summary", 2, &[]), "2 campos necesitan su atención.");
        assert_eq!(Lang::ENGLISH.plural("page.count", 1, &[]), "1 signature so far.");
    }
}
