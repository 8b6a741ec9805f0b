//! TEMPORARY: the shapes of `undersigned_core::feed` (being written on the `receiver` branch), so
//! the live list can be built before it lands. Replaced by `undersigned_core::feed` on landing.

use serde::Deserialize;
use undersigned_core::status::DemandStatus;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusFeed {
    pub format: String,
    pub campaign: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    pub demands: Vec<DemandState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DemandState {
    pub id: String,
    pub status: DemandStatus,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Evidence {
    pub url: String,
    #[serde(default)]
    pub title: String,
    pub date: String,
}

impl StatusFeed {
    pub fn validate(&self) -> Result<(), Vec<String>> {
        if self.format != "undersigned-status/1" {
            return Err(vec![format!("format: expected \"undersigned-status/1\", found \"{}\"", self.format)]);
        }
        Ok(())
    }
}

impl DemandState {
    pub fn problems(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}
