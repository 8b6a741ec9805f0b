//! The status of one demand of a letter (a disclosure item): the one list of status names that the
//! campaign files, the receiver, the status feed and the widget share.

use crate::json::{self, FromJson, Reader};
use serde::{Deserialize, Serialize};

/// Where a demand stands. Serialized in `snake_case` (`partially_disclosed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandStatus {
    /// Nothing has been disclosed yet.
    #[default]
    Outstanding,
    /// Some, but not all, of what was asked has been disclosed.
    PartiallyDisclosed,
    /// Fully disclosed.
    Disclosed,
    /// The agency refused to disclose.
    Refused,
}

impl DemandStatus {
    /// Every status, in the order organizers usually move through them.
    pub const ALL: [DemandStatus; 4] =
        [DemandStatus::Outstanding, DemandStatus::PartiallyDisclosed, DemandStatus::Disclosed, DemandStatus::Refused];

    /// The wire name (`outstanding`, `partially_disclosed`, `disclosed`, `refused`).
    pub fn as_str(self) -> &'static str {
        match self {
            DemandStatus::Outstanding => "outstanding",
            DemandStatus::PartiallyDisclosed => "partially_disclosed",
            DemandStatus::Disclosed => "disclosed",
            DemandStatus::Refused => "refused",
        }
    }

    /// Parses a wire name; the error says which names exist.
    pub fn parse(name: &str) -> Result<DemandStatus, String> {
        DemandStatus::ALL.into_iter().find(|s| s.as_str() == name).ok_or_else(|| {
            format!("unknown status `{name}`: use one of outstanding, partially_disclosed, disclosed, refused")
        })
    }

    /// Whether the demand still counts as outstanding (nothing or only part disclosed, or refused).
    pub fn is_outstanding(self) -> bool {
        self != DemandStatus::Disclosed
    }
}

/// Read by the widget without serde (see `json`).
impl FromJson for DemandStatus {
    fn read(r: &mut Reader<'_>) -> json::Result<DemandStatus> {
        r.word(&DemandStatus::ALL, DemandStatus::as_str, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for status in DemandStatus::ALL {
            assert_eq!(DemandStatus::parse(status.as_str()), Ok(status));
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        assert!(DemandStatus::parse("done").unwrap_err().contains("partially_disclosed"));
    }
}
