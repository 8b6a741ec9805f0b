//! Reading what the feeds send into the reducer's actions. JSON goes through core's small reader
//! (`undersigned_core::json`: no serde in the wasm), then through the feed's validation in `core`,
//! the same code the receiver runs before serving.

use super::state::StatusSnapshot;
use undersigned_core::feed::{problems_text, DemandState, StatusFeed};
use undersigned_core::json;
use undersigned_core::signers::{SignerCounts, SignerPage};

/// Parses and validates a status feed (a static file or the receiver's status endpoint) for the
/// campaign `campaign_id`. The error says what is wrong, for the console.
pub fn parse_status_feed(text: &str, campaign_id: &str) -> Result<StatusSnapshot, String> {
    let feed: StatusFeed =
        json::from_str(text).map_err(|e| format!("the status feed does not match the status feed format: {e}"))?;
    feed.validate().map_err(|errors| problems_text(errors.iter().map(|e| (e.path.as_str(), e.message.as_str()))))?;
    if feed.campaign != campaign_id {
        return Err(format!(
            "the status feed is for the campaign `{}`, but this widget shows `{campaign_id}`",
            feed.campaign
        ));
    }
    Ok(StatusSnapshot { demands: feed.demands, event_id: None })
}

/// Parses the receiver's `demand` event: one demand's new state, validated like a feed entry.
pub fn parse_demand_event(text: &str) -> Result<DemandState, String> {
    let state: DemandState =
        json::from_str(text).map_err(|e| format!("the demand event does not match the status feed format: {e}"))?;
    let problems = state.problems();
    if !problems.is_empty() {
        return Err(problems_text(problems.iter().map(|(path, message)| (path.as_str(), message.as_str()))));
    }
    Ok(state)
}

/// Parses the receiver's `signers` event.
pub fn parse_signer_counts(text: &str) -> Result<SignerCounts, String> {
    json::from_str(text).map_err(|e| format!("the signers event does not match the expected counts: {e}"))
}

/// Parses a page of the signer list.
pub fn parse_signer_page(text: &str) -> Result<SignerPage, String> {
    json::from_str(text).map_err(|e| format!("the signer list does not match the expected page: {e}"))
}
