//! The campaign model: what a letter campaign is, as the widget loads it (JSON).
//!
//! Campaigns are data that organizers write (see [`crate::authoring`]), never code. The JSON form
//! of [`Campaign`] is the wire format between the authoring compiler, the receiver and the widget.

use serde::{Deserialize, Serialize};

/// A letter campaign: the letter itself and the metadata the widget needs to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// Stable identifier, used in URLs and storage keys (`[a-z0-9-]`).
    pub id: String,
    /// The letter's title.
    pub title: String,
    /// The date the letter carries, as written by the organizers (e.g. "October 31, 2024").
    pub date: String,
    /// The addressee block, one line per entry.
    #[serde(default)]
    pub recipient: Vec<String>,
    /// The letter's body paragraphs, in order.
    #[serde(default)]
    pub body: Vec<String>,
}
