//! The public demand-status feed: where each demand of a campaign stands, with notes and dated
//! evidence. The receiver serves it at `GET /api/campaigns/{id}/status`; an organizer without a
//! receiver can host the same JSON as a static file anywhere (the widget's `status-feed`).
//!
//! ```json
//! {
//!   "format": "undersigned-status/1",
//!   "campaign": "dhs-paragon",
//!   "updated_at": "2026-11-26T16:00:00.000Z",
//!   "demands": [
//!     { "id": "contract", "status": "partially_disclosed",
//!       "note": "The contract was released with redactions.",
//!       "updated_at": "2026-11-26T16:00:00.000Z",
//!       "evidence": [ { "url": "https://example.org/foia/123", "title": "FOIA response", "date": "2026-11-20" } ] },
//!     { "id": "impact-assessment", "status": "outstanding", "note": "", "updated_at": null, "evidence": [] }
//!   ]
//! }
//! ```
//!
//! - `format` is exactly [`FEED_FORMAT`]; a later incompatible format gets a new name.
//! - `updated_at` (feed and demand) is an RFC 3339 UTC timestamp or `null` (never changed since the
//!   campaign file); the feed's is the latest of its demands'.
//! - `demands` is flat, keyed by the demand ids of the campaign file; the campaign gives the
//!   structure (groups, sub-items). A demand the campaign has but the feed lacks keeps the status
//!   written in the campaign file; an id the campaign does not know is ignored by the widget.
//! - Evidence `date` is a calendar date `YYYY-MM-DD`; `url` is `http(s)://`.
//!
//! [`StatusFeed::validate`] checks all of this; both the receiver (before serving) and the widget
//! (after parsing) call it, so a malformed feed is caught with a message that says what is wrong.

use crate::json::{self, FromJson, Reader};
use crate::status::DemandStatus;
use serde::{Deserialize, Serialize};

/// The `format` value of this version of the feed.
pub const FEED_FORMAT: &str = "undersigned-status/1";
/// Longest note on a demand, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Most evidence links on one demand.
pub const MAX_EVIDENCE: usize = 50;
/// Longest evidence URL, in characters.
pub const MAX_URL_CHARS: usize = 2000;
/// Longest evidence title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Most demands in one feed.
pub const MAX_DEMANDS: usize = 500;

/// The whole feed of one campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusFeed {
    pub format: String,
    pub campaign: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    pub demands: Vec<DemandState>,
}

/// Where one demand stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Every demand as the campaign file states it (no change recorded yet), depth first: where the
/// receiver's feed starts and what the widget shows before its first feed arrives.
pub fn initial_states(campaign: &crate::Campaign) -> Vec<DemandState> {
    campaign
        .demands()
        .map(|d| DemandState {
            id: d.id.clone(),
            status: d.status,
            note: d.note.clone().unwrap_or_default(),
            updated_at: None,
            evidence: Vec::new(),
        })
        .collect()
}

/// A dated link that backs a status: a FOIA response, a news article, a court filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub url: String,
    #[serde(default)]
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

// The widget reads the feed with `json` rather than serde (see its module documentation): the
// same names and defaults as the serde attributes above, held to them by core/tests/json_formats.rs.

impl FromJson for StatusFeed {
    fn read(r: &mut Reader<'_>) -> json::Result<StatusFeed> {
        // The first three are required.
        const FIELDS: [&str; 4] = ["format", "campaign", "demands", "updated_at"];
        let mut feed =
            StatusFeed { format: String::new(), campaign: String::new(), updated_at: None, demands: Vec::new() };
        r.object(&FIELDS, 3, &mut |r, field| {
            match field {
                0 => feed.format = r.string()?,
                1 => feed.campaign = r.string()?,
                2 => feed.demands = r.read()?,
                _ => feed.updated_at = r.read()?,
            }
            Ok(())
        })?;
        Ok(feed)
    }
}

impl FromJson for DemandState {
    fn read(r: &mut Reader<'_>) -> json::Result<DemandState> {
        // The first two are required.
        const FIELDS: [&str; 5] = ["id", "status", "note", "updated_at", "evidence"];
        let mut state = DemandState {
            id: String::new(),
            status: DemandStatus::default(),
            note: String::new(),
            updated_at: None,
            evidence: Vec::new(),
        };
        r.object(&FIELDS, 2, &mut |r, field| {
            match field {
                0 => state.id = r.string()?,
                1 => state.status = r.read()?,
                2 => state.note = r.string()?,
                3 => state.updated_at = r.read()?,
                _ => state.evidence = r.read()?,
            }
            Ok(())
        })?;
        Ok(state)
    }
}

impl FromJson for Evidence {
    fn read(r: &mut Reader<'_>) -> json::Result<Evidence> {
        // The first two are required.
        const FIELDS: [&str; 3] = ["url", "date", "title"];
        let mut evidence = Evidence { url: String::new(), title: String::new(), date: String::new() };
        r.object(&FIELDS, 2, &mut |r, field| {
            match field {
                0 => evidence.url = r.string()?,
                1 => evidence.date = r.string()?,
                _ => evidence.title = r.string()?,
            }
            Ok(())
        })?;
        Ok(evidence)
    }
}

/// A problem in a feed, located by a JSON-pointer-like path (`demands[2].evidence[0].date`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&problems_text(std::iter::once((self.path.as_str(), self.message.as_str()))))
    }
}

/// Problems as one text: `path: message` for each, separated by `; ` (the widget's message for a
/// feed or event it refuses). Written out rather than joined: the wasm then carries one `join`,
/// for `&str`.
pub fn problems_text<'a>(problems: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (path, message) in problems {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(path);
        out.push_str(": ");
        out.push_str(message);
    }
    out
}

impl std::error::Error for FeedError {}

impl StatusFeed {
    /// The latest `updated_at` of the demands (timestamps in this format sort as text).
    pub fn latest_change<'a>(demands: impl IntoIterator<Item = &'a DemandState>) -> Option<String> {
        demands.into_iter().filter_map(|d| d.updated_at.clone()).max()
    }

    /// Checks everything the module documentation promises; returns every problem at once.
    pub fn validate(&self) -> Result<(), Vec<FeedError>> {
        let mut errors = Vec::new();
        let mut err = |path: String, message: String| errors.push(FeedError { path, message });
        if self.format != FEED_FORMAT {
            err("format".into(), format!("expected \"{FEED_FORMAT}\", found \"{}\"", self.format));
        }
        if self.campaign.trim().is_empty() {
            err("campaign".into(), "the campaign id is empty".into());
        }
        if let Some(t) = &self.updated_at {
            if !is_timestamp(t) {
                err(
                    "updated_at".into(),
                    format!("\"{t}\" is not an RFC 3339 UTC timestamp such as 2026-11-26T16:00:00Z"),
                );
            }
        }
        if self.demands.len() > MAX_DEMANDS {
            err("demands".into(), format!("{} demands; at most {MAX_DEMANDS}", self.demands.len()));
        }
        for (i, demand) in self.demands.iter().enumerate() {
            let at = format!("demands[{i}]");
            for (path, message) in demand.problems() {
                err(format!("{at}.{path}"), message);
            }
            // A scan of the ones before (at most MAX_DEMANDS) rather than a hash set, whose code
            // the widget's wasm would carry for this alone.
            if self.demands[..i].iter().any(|earlier| earlier.id == demand.id) {
                err(format!("{at}.id"), format!("the id \"{}\" appears more than once", demand.id));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl DemandState {
    /// Problems of this one demand, as (path inside the demand, message). The receiver checks a
    /// status change with this before storing it.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.id.trim().is_empty() {
            out.push(("id".into(), "the demand id is empty".into()));
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            out.push(("note".into(), format!("the note is longer than {MAX_NOTE_CHARS} characters")));
        }
        if let Some(t) = &self.updated_at {
            if !is_timestamp(t) {
                out.push(("updated_at".into(), format!("\"{t}\" is not an RFC 3339 UTC timestamp")));
            }
        }
        if self.evidence.len() > MAX_EVIDENCE {
            out.push(("evidence".into(), format!("{} links; at most {MAX_EVIDENCE}", self.evidence.len())));
        }
        for (i, e) in self.evidence.iter().enumerate() {
            if !(e.url.starts_with("https://") || e.url.starts_with("http://"))
                || e.url.chars().any(char::is_whitespace)
            {
                out.push((format!("evidence[{i}].url"), format!("\"{}\" is not an http(s) URL", e.url)));
            } else if e.url.chars().count() > MAX_URL_CHARS {
                out.push((format!("evidence[{i}].url"), format!("the URL is longer than {MAX_URL_CHARS} characters")));
            }
            if e.title.chars().count() > MAX_TITLE_CHARS {
                out.push((
                    format!("evidence[{i}].title"),
                    format!("the title is longer than {MAX_TITLE_CHARS} characters"),
                ));
            }
            if !is_date(&e.date) {
                out.push((format!("evidence[{i}].date"), format!("\"{}\" is not a date written YYYY-MM-DD", e.date)));
            }
        }
        out
    }
}

/// `YYYY-MM-DD` with a month 01–12 and a day that exists in that month.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit())).and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// An RFC 3339 timestamp in UTC: `YYYY-MM-DDTHH:MM:SS`, optional `.fraction`, then `Z`.
pub fn is_timestamp(s: &str) -> bool {
    let Some(rest) = s.strip_suffix('Z') else { return false };
    let (date, time) = match rest.split_once('T') {
        Some(parts) => parts,
        None => return false,
    };
    let (clock, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let c = clock.as_bytes();
    let two = |i: usize, max: u8| {
        c.get(i..i + 2).is_some_and(|d| d.iter().all(u8::is_ascii_digit) && (d[0] - b'0') * 10 + (d[1] - b'0') <= max)
    };
    is_date(date)
        && c.len() == 8
        && c[2] == b':'
        && c[5] == b':'
        && two(0, 23)
        && two(3, 59)
        && two(6, 60)
        && !fraction.is_empty()
        && fraction.bytes().all(|d| d.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> StatusFeed {
        StatusFeed {
            format: FEED_FORMAT.into(),
            campaign: "dhs-paragon".into(),
            updated_at: Some("2026-11-26T16:00:00.000Z".into()),
            demands: vec![DemandState {
                id: "contract".into(),
                status: DemandStatus::PartiallyDisclosed,
                note: "Released with redactions.".into(),
                updated_at: Some("2026-11-26T16:00:00.000Z".into()),
                evidence: vec![Evidence {
                    url: "https://example.org/foia/1".into(),
                    title: "FOIA".into(),
                    date: "2026-11-20".into(),
                }],
            }],
        }
    }

    #[test]
    fn documented_example_parses_and_validates() {
        let doc = include_str!("feed.rs");
        let start = doc.find("//! {\n").expect("example start");
        let end = doc[start..].find("//! ```").expect("example end") + start;
        let json: String = doc[start..end].lines().map(|l| l.trim_start_matches("//!")).collect::<Vec<_>>().join("\n");
        let parsed: StatusFeed = serde_json::from_str(&json).expect("the documented example parses");
        assert_eq!(parsed.validate(), Ok(()));
        assert_eq!(parsed.demands[1].updated_at, None);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut f = feed();
        f.format = "undersigned-status/0".into();
        f.demands.push(f.demands[0].clone());
        f.demands[0].evidence[0].date = "2026-02-30".into();
        f.demands[0].evidence[0].url = "javascript:alert(1)".into();
        let paths: Vec<String> = f.validate().unwrap_err().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["format", "demands[0].evidence[0].url", "demands[0].evidence[0].date", "demands[1].id"]);
    }

    #[test]
    fn dates_and_timestamps() {
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-13-01") && !is_date("24-01-01"));
        assert!(is_timestamp("2026-11-26T16:00:00Z") && is_timestamp("2026-11-26T16:00:00.123Z"));
        assert!(
            !is_timestamp("2026-11-26T16:00:00+01:00")
                && !is_timestamp("2026-11-26 16:00:00Z")
                && !is_timestamp("2026-11-26T24:00:00Z")
        );
        assert!(!is_timestamp("2026-11-26T16:00:00.Z"));
    }

    #[test]
    fn latest_change_is_the_maximum() {
        let mut f = feed();
        let mut older = f.demands[0].clone();
        older.id = "b".into();
        older.updated_at = Some("2025-01-01T00:00:00.000Z".into());
        f.demands.push(older);
        assert_eq!(StatusFeed::latest_change(&f.demands).as_deref(), Some("2026-11-26T16:00:00.000Z"));
    }
}
