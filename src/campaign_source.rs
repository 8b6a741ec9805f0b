//! Where the widget's campaign comes from: the built-in seed campaign, compiled into the wasm at
//! build time (see `build.rs`).

use undersigned_core::Campaign;

/// The compiled built-in campaign, as JSON.
pub const DEFAULT_CAMPAIGN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default-campaign.json"));

/// Parses campaign JSON. In the browser this goes through `JSON.parse` and serde-wasm-bindgen, which
/// keeps serde_json (tens of KB) out of the wasm that partner pages download.
pub fn parse_campaign(json: &str) -> Result<Campaign, String> {
    let value = js_sys::JSON::parse(json).map_err(|_| "the campaign is not valid JSON".to_string())?;
    serde_wasm_bindgen::from_value(value).map_err(|e| format!("the campaign JSON does not match the campaign format: {e}"))
}

/// The built-in campaign.
pub fn default_campaign() -> Result<Campaign, String> {
    parse_campaign(DEFAULT_CAMPAIGN_JSON)
}
