//! The widget's public configuration: what a partner sets through attributes of
//! `<undersigned-letter>` or through the object passed to `mount(element, config)`.
//!
//! The `widget_config!` list below is the ONE place where configuration keys are declared.
//! Everything else follows from it:
//! - the loader observes exactly the attributes named by [`config_keys`], so adding a line to the
//!   list is all it takes to add an attribute;
//! - the README table "Attributes and config" and `src/js/undersigned.d.ts` must list every key:
//!   `tests/embed_config.rs` fails, naming the missing key, when one of them lags behind.
//!
//! Adding a key: add a line `"attribute-name" => field_name: Type,` with a doc comment. The type
//! implements `FromStr` (whose error message says what values are allowed): attribute values
//! always arrive as text, and numbers or booleans given to `mount` are read as their text.

use std::str::FromStr;

/// Declares [`WidgetConfig`], [`CONFIG_KEYS`] and [`WidgetConfig::read`] from one list, so that a
/// key, its field and its parsing cannot drift apart. Each value is parsed with its type's
/// `FromStr`, whose error says which values are allowed.
///
/// The reader is written by hand rather than derived with serde: serde's deserializer for this one
/// struct, and the float formatting its error messages pull in, cost about 5 KB brotli in the wasm.
macro_rules! widget_config {
    ($( $(#[doc = $doc:literal])* $key:literal => $field:ident: $ty:ty, )*) => {
        /// Everything a partner page may configure. Unknown keys are ignored, so that an older widget
        /// keeps working with a newer snippet (and so that `id`, `class` and other HTML attributes are
        /// harmless).
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct WidgetConfig {
            $( $(#[doc = $doc])* pub $field: Option<$ty>, )*
        }

        /// The configuration keys (= attribute names) in declaration order.
        pub const CONFIG_KEYS: &[&str] = &[$($key),*];

        impl WidgetConfig {
            /// Reads every key through `value_of` (`None` when the key is absent). The error names
            /// the first key whose value is invalid and says what it should be.
            pub fn read(mut value_of: impl FnMut(&str) -> Option<String>) -> Result<WidgetConfig, String> {
                Ok(WidgetConfig { $( $field: parse($key, value_of($key))?, )* })
            }
        }
    };
}

fn parse<T: FromStr>(key: &str, value: Option<String>) -> Result<Option<T>, String>
where
    T::Err: std::fmt::Display,
{
    value.map(|v| v.parse().map_err(|e| format!("invalid `{key}`: {e}"))).transpose()
}

widget_config! {
    /// URL of a campaign JSON to show instead of the built-in campaign.
    "campaign" => campaign: String,
    /// URL the sign-on form posts to.
    "endpoint" => endpoint: String,
    /// Language tag (BCP 47) for the widget's own strings; when absent the widget follows the
    /// closest `lang` attribute around it, then the visitor's browser languages.
    "lang" => lang: String,
    /// Colour theme: `light` (default), `dark`, or `auto` (follows the visitor's system setting).
    "theme" => theme: Theme,
    /// Base URL of a reference receiver (`https://receiver.example`, or `/` for the page's own
    /// origin). The form posts to `{receiver}/api/campaigns/{id}/signatures` when `endpoint` is not
    /// set; the live list follows `{receiver}/api/campaigns/{id}/events` (statuses, signer count)
    /// and shows the receiver's public signer list.
    "receiver" => receiver: String,
    /// How the form encodes signatures: `json` (default), `form` or `text` (docs/wire-format.md).
    "encoding" => encoding: String,
    /// For `encoding="form"`: field names the endpoint expects, `email:EMAIL,name:FNAME`.
    "field-map" => field_map: String,
    /// `off` sends `form`/`text` signatures without CORS, counting the opaque answer as delivered
    /// (for endpoints that send no CORS headers); default `on`.
    "cors" => cors: String,
    /// Where signatures from this page come from (sent as `source`).
    "source" => source: String,
    /// URL the visitor is taken to after signing.
    "redirect" => redirect: String,
    /// The privacy line under the form (who receives the data); by default it names the
    /// endpoint's host.
    "privacy" => privacy: String,
    /// Link to the organizers' privacy notice.
    "privacy-url" => privacy_url: String,
    /// URL of a static status feed (JSON in the format of `core/src/feed.rs`) that the live list
    /// polls instead of following a receiver: for organizers who host a file, not a receiver.
    /// Takes precedence over `receiver` for the statuses.
    "status-feed" => status_feed: String,
    /// Seconds between two polls of `status-feed` (default 60, at least 1).
    "status-poll-interval" => status_poll_interval: u32,
    /// The number of signatures the campaign aims for: a goal bar under the live signer count.
    "goal" => goal: u64,
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

/// The configuration keys, which are also the attribute names the loader observes.
pub fn config_keys() -> &'static [&'static str] {
    CONFIG_KEYS
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
    fn read_parses_each_key_and_names_the_invalid_one() {
        let values = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string())
        };
        let config = WidgetConfig::read(values(&[
            ("theme", "auto"),
            ("goal", "500"),
            ("field-map", "email:EMAIL"),
            ("id", "ignored"),
        ]))
        .expect("valid");
        assert_eq!(
            (config.theme, config.goal, config.field_map.as_deref(), config.endpoint),
            (Some(Theme::Auto), Some(500), Some("email:EMAIL"), None)
        );
        let err = WidgetConfig::read(values(&[("goal", "many")])).expect_err("not a number");
        assert!(err.starts_with("invalid `goal`:"), "{err}");
        let err = WidgetConfig::read(values(&[("status-poll-interval", "-1")])).expect_err("negative");
        assert!(err.starts_with("invalid `status-poll-interval`:"), "{err}");
    }

    #[test]
    fn theme_names_its_allowed_values() {
        assert_eq!("Dark".parse::<Theme>(), Ok(Theme::Dark));
        assert_eq!("".parse::<Theme>(), Ok(Theme::Light));
        let err = "blue".parse::<Theme>().expect_err("blue is no theme");
        assert!(err.contains("light, dark or auto"), "{err}");
    }
}
