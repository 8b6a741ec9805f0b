//! Builds the public status feed of a campaign (format: [`undersigned_core::feed`]): the status
//! written in the campaign file for every demand, overridden by the latest change an organizer
//! made, as of one change id so that the feed and the event stream agree exactly.

use crate::domain::CampaignRecord;
use crate::store::Store;
use undersigned_core::feed::{initial_states, StatusFeed, FEED_FORMAT};

/// The feed as of change `upto` (inclusive).
pub async fn build(store: &Store, record: &CampaignRecord, upto: i64) -> anyhow::Result<StatusFeed> {
    let changed = store.demand_states(&record.campaign.id, upto).await?;
    let mut demands = initial_states(&record.campaign);
    for demand in &mut demands {
        if let Some(latest) = changed.iter().find(|c| c.id == demand.id) {
            *demand = latest.clone();
        }
    }
    Ok(StatusFeed {
        format: FEED_FORMAT.to_string(),
        campaign: record.campaign.id.clone(),
        updated_at: StatusFeed::latest_change(&demands),
        demands,
    })
}
