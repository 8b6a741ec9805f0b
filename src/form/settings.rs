//! The sign-on settings of one widget, read once from its configuration: where signatures go, how
//! they are encoded, and what the form says about privacy. A mistake in the configuration is
//! reported to the page's developer console and, in plain words, to the visitor — the form is
//! never shown when its signatures could not be delivered.

use crate::config::WidgetConfig;
use crate::net::encoding::FieldMap;
use undersigned_core::signature::encoding::Encoding;
use undersigned_core::signature::receiver_signatures_url;

/// How one widget's form delivers signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOnSettings {
    pub campaign_id: String,
    pub endpoint: String,
    pub encoding: Encoding,
    /// The `field-map` attribute as written (validated).
    pub field_map: String,
    /// `cors="off"`: send without CORS and accept the opaque answer as delivered.
    pub no_cors: bool,
    pub source: String,
    /// Where to send the visitor after signing (http or https only).
    pub redirect: Option<String>,
    /// The privacy line, when the partner wrote one.
    pub privacy: Option<String>,
    pub privacy_url: Option<String>,
}

/// Why the form cannot be offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsProblem {
    /// Neither `endpoint` nor `receiver` is set.
    NoEndpoint,
    /// An attribute has a value the widget cannot use; the text says which and what to write.
    Invalid(String),
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Whether `url` is absolute http(s) or relative (no `javascript:` or `data:` redirect).
fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') => {
            scheme == "http" || scheme == "https"
        }
        _ => true,
    }
}

impl SignOnSettings {
    /// The settings for `config` on campaign `campaign_id`.
    pub fn from_config(config: &WidgetConfig, campaign_id: &str) -> Result<SignOnSettings, SettingsProblem> {
        let endpoint = match (present(&config.endpoint), present(&config.receiver)) {
            (Some(endpoint), _) => endpoint.to_string(),
            (None, Some(receiver)) => receiver_signatures_url(receiver, campaign_id),
            (None, None) => return Err(SettingsProblem::NoEndpoint),
        };
        if !is_web_url(&endpoint) {
            return Err(SettingsProblem::Invalid(format!("endpoint `{endpoint}` must be an http or https URL")));
        }
        let encoding: Encoding =
            config.encoding.as_deref().unwrap_or_default().parse().map_err(SettingsProblem::Invalid)?;
        let field_map = present(&config.field_map).unwrap_or_default().to_string();
        field_map.parse::<FieldMap>().map_err(SettingsProblem::Invalid)?;
        let no_cors = match present(&config.cors).map(str::to_ascii_lowercase).as_deref() {
            None | Some("on") => false,
            Some("off") if encoding != Encoding::Json => true,
            Some("off") => {
                return Err(SettingsProblem::Invalid(
                    "cors=\"off\" needs encoding=\"form\" or \"text\": a JSON request cannot be sent without CORS"
                        .into(),
                ))
            }
            Some(other) => {
                return Err(SettingsProblem::Invalid(format!("cors `{other}` is not supported; use on or off")))
            }
        };
        let redirect = match present(&config.redirect) {
            Some(url) if is_web_url(url) => Some(url.to_string()),
            Some(url) => {
                return Err(SettingsProblem::Invalid(format!("redirect `{url}` must be an http or https URL")))
            }
            None => None,
        };
        let privacy_url = match present(&config.privacy_url) {
            Some(url) if is_web_url(url) => Some(url.to_string()),
            Some(url) => {
                return Err(SettingsProblem::Invalid(format!("privacy-url `{url}` must be an http or https URL")))
            }
            None => None,
        };
        Ok(SignOnSettings {
            campaign_id: campaign_id.to_string(),
            endpoint,
            encoding,
            field_map,
            no_cors,
            source: present(&config.source).unwrap_or_default().to_string(),
            redirect,
            privacy: present(&config.privacy).map(str::to_string),
            privacy_url,
        })
    }

    /// The host that receives the signatures, for the default privacy line (`receiver.example`).
    pub fn endpoint_host(&self) -> Option<&str> {
        let rest = undersigned_core::signature::website::after_scheme(&self.endpoint)?;
        let host = rest.split(['/', '?', '#']).next()?;
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        (!host.is_empty()).then_some(host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(f: impl FnOnce(&mut WidgetConfig)) -> WidgetConfig {
        let mut c = WidgetConfig::default();
        f(&mut c);
        c
    }

    #[test]
    fn endpoint_comes_from_the_attribute_or_the_receiver_convention() {
        let explicit =
            SignOnSettings::from_config(&config(|c| c.endpoint = Some("https://f.example/x".into())), "camp").unwrap();
        assert_eq!(explicit.endpoint, "https://f.example/x");
        assert_eq!(explicit.endpoint_host(), Some("f.example"));
        let receiver =
            SignOnSettings::from_config(&config(|c| c.receiver = Some("https://r.example/".into())), "camp").unwrap();
        assert_eq!(receiver.endpoint, "https://r.example/api/campaigns/camp/signatures");
        assert_eq!(SignOnSettings::from_config(&WidgetConfig::default(), "camp"), Err(SettingsProblem::NoEndpoint));
    }

    #[test]
    fn unusable_values_are_named() {
        let bad = |f: fn(&mut WidgetConfig)| match SignOnSettings::from_config(
            &config(|c| {
                c.endpoint = Some("/api/x".into());
                f(c)
            }),
            "c",
        ) {
            Err(SettingsProblem::Invalid(message)) => message,
            other => panic!("expected a problem, got {other:?}"),
        };
        assert!(bad(|c| c.encoding = Some("xml".into())).contains("xml"));
        assert!(bad(|c| c.field_map = Some("mail:EMAIL".into())).contains("mail"));
        assert!(bad(|c| c.redirect = Some("javascript:alert(1)".into())).contains("redirect"));
        assert!(bad(|c| c.cors = Some("off".into())).contains("encoding"));
        assert!(bad(|c| c.endpoint = Some("data:text/plain,x".into())).contains("endpoint"));
        let relative = SignOnSettings::from_config(
            &config(|c| {
                c.endpoint = Some("/api/x".into());
                c.encoding = Some("form".into());
                c.cors = Some("off".into());
                c.redirect = Some("/thanks?from=letter".into());
            }),
            "c",
        )
        .unwrap();
        assert!(relative.no_cors && relative.redirect.as_deref() == Some("/thanks?from=letter"));
    }
}
