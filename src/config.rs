//! The widget's public configuration: what a partner sets through attributes or `mount(el, config)`.

use serde::Deserialize;

/// Everything a partner page may configure. Unknown keys are ignored so that an older widget keeps
/// working with a newer snippet.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct WidgetConfig {
    /// URL of a campaign JSON to show instead of the built-in campaign.
    pub campaign: Option<String>,
    /// URL the sign-on form posts to.
    pub endpoint: Option<String>,
    /// Language tag for the widget's own strings.
    pub lang: Option<String>,
}
