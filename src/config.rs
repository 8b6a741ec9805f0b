//! The widget's public configuration: what a partner sets through attributes of
//! `<undersigned-letter>` or through the object passed to `mount(element, config)`.
//!
//! [`WidgetConfig`] is the ONE place where configuration keys are declared. Everything else follows
//! from it:
//! - the loader observes exactly the attributes named by [`config_keys`] (read from this struct's
//!   serde field names at run time), so adding a field here is all it takes to add an attribute;
//! - the README table "Attributes and config" and `src/js/undersigned.d.ts` must list every key:
//!   `tests/embed_config.rs` fails, naming the missing key, when one of them lags behind.
//!
//! Adding a key: add an `Option<…>` field with a doc comment (kebab-case names: the field
//! `field_map` is the attribute `field-map`). Attribute values always arrive as strings, while the
//! `mount` API may pass booleans or numbers, so a field that is not a `String` or a
//! string-named enum uses `#[serde(deserialize_with = "crate::config::from_text")]` with a type
//! that implements `FromStr` (whose error message says what values are allowed).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// Everything a partner page may configure. Unknown keys are ignored, so that an older widget keeps
/// working with a newer snippet (and so that `id`, `class` and other HTML attributes are harmless).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct WidgetConfig {
    /// URL of a campaign JSON to show instead of the built-in campaign.
    pub campaign: Option<String>,
    /// URL the sign-on form posts to.
    pub endpoint: Option<String>,
    /// Language tag (BCP 47) for the widget's own strings; when absent the widget follows the
    /// closest `lang` attribute around it, then the visitor's browser languages.
    pub lang: Option<String>,
    /// Colour theme: `light` (default), `dark`, or `auto` (follows the visitor's system setting).
    #[serde(deserialize_with = "from_text")]
    pub theme: Option<Theme>,
    /// Base URL of a reference receiver (`https://receiver.example`, or `/` for the page's own
    /// origin). The form posts to `{receiver}/api/campaigns/{id}/signatures` when `endpoint` is not
    /// set; the live list follows `{receiver}/api/campaigns/{id}/events` (statuses, signer count)
    /// and shows the receiver's public signer list.
    pub receiver: Option<String>,
    /// How the form encodes signatures: `json` (default), `form` or `text` (docs/wire-format.md).
    pub encoding: Option<String>,
    /// For `encoding="form"`: field names the endpoint expects, `email:EMAIL,name:FNAME`.
    pub field_map: Option<String>,
    /// `off` sends `form`/`text` signatures without CORS, counting the opaque answer as delivered
    /// (for endpoints that send no CORS headers); default `on`.
    pub cors: Option<String>,
    /// Where signatures from this page come from (sent as `source`).
    pub source: Option<String>,
    /// URL the visitor is taken to after signing.
    pub redirect: Option<String>,
    /// The privacy line under the form (who receives the data); by default it names the
    /// endpoint's host.
    pub privacy: Option<String>,
    /// Link to the organizers' privacy notice.
    pub privacy_url: Option<String>,
    /// URL of a static status feed (JSON in the format of `core/src/feed.rs`) that the live list
    /// polls instead of following a receiver: for organizers who host a file, not a receiver.
    /// Takes precedence over `receiver` for the statuses.
    pub status_feed: Option<String>,
    /// Seconds between two polls of `status-feed` (default 60, at least 1).
    #[serde(deserialize_with = "from_text")]
    pub status_poll_interval: Option<u32>,
    /// The number of signatures the campaign aims for: a goal bar under the live signer count.
    #[serde(deserialize_with = "from_text")]
    pub goal: Option<u64>,
}

/// The widget's colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Light,
    Dark,
    /// Follows `prefers-color-scheme`.
    Auto,
}

impl Theme {
    /// The class the widget's container carries (`theme-dark`, …), which `base.css` styles.
    pub fn class(self) -> &'static str {
        match self {
            Theme::Light => "theme-light",
            Theme::Dark => "theme-dark",
            Theme::Auto => "theme-auto",
        }
    }
}

impl FromStr for Theme {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            "auto" => Ok(Theme::Auto),
            other => Err(format!("`{other}` is not a theme; use light, dark or auto")),
        }
    }
}

/// The configuration keys (= attribute names) in declaration order, read from [`WidgetConfig`]'s
/// serde field names so that the list cannot drift from the struct.
pub fn config_keys() -> &'static [&'static str] {
    let mut keys: &'static [&'static str] = &[];
    // The introspecting deserializer always errs after recording the names: nothing to handle.
    let _ = WidgetConfig::deserialize(FieldNames(&mut keys));
    keys
}

/// A deserializer that records the field names serde asks a struct for, then stops.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only struct field names can be introspected"))
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, fields: &'static [&'static str], _visitor: V) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// Deserializes an optional `T: FromStr` from text (an attribute value) or from a boolean or
/// number (the `mount` API), so one field type serves both ways of configuring the widget.
pub fn from_text<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    struct TextVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: FromStr> Visitor<'de> for TextVisitor<T>
    where
        T::Err: fmt::Display,
    {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or a boolean")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.parse().map(Some).map_err(E::custom)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.visit_str(if v { "true" } else { "false" })
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }

    deserializer.deserialize_any(TextVisitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_the_struct_in_kebab_case() {
        let keys = config_keys();
        for key in ["campaign", "endpoint", "lang", "theme"] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert!(keys.iter().all(|k| !k.contains('_')), "attribute names are kebab-case: {keys:?}");
    }

    #[test]
    fn theme_names_its_allowed_values() {
        assert_eq!("Dark".parse::<Theme>(), Ok(Theme::Dark));
        assert_eq!("".parse::<Theme>(), Ok(Theme::Light));
        let err = "blue".parse::<Theme>().expect_err("blue is no theme");
        assert!(err.contains("light, dark or auto"), "{err}");
    }
}
