//! The receiver's public signer data, as it sends it and as the widget reads it: the live counts
//! (the `signers` event, and inside every page of the list) and one page of the public list.
//! Never an email, never an organization's contact person.

use crate::json::{self, FromJson, Reader};
use crate::signature::SignerKind;
use serde::{Deserialize, Serialize};

/// Approved signers of a campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerCounts {
    /// Every approved signer, listed publicly or not.
    pub total: u64,
    /// Approved organizations that agreed to be listed (what their pages hold).
    pub organizations: u64,
    /// Approved individuals that agreed to be listed.
    pub individuals: u64,
}

impl SignerCounts {
    /// How many signers of `kind` the public list holds.
    pub fn listed(&self, kind: SignerKind) -> u64 {
        match kind {
            SignerKind::Organization => self.organizations,
            SignerKind::Individual => self.individuals,
        }
    }
}

/// A signer as the public list shows them: an organization has no title or affiliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSigner {
    /// Unique within a list; negative for the letter's own signatories (the campaign file's list),
    /// which are not rows of the receiver's signers.
    pub id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The revision of the letter this signer endorsed, given only when its text differs from the
    /// letter's current text: the list marks them as signers of an earlier version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier_revision: Option<u32>,
}

/// One page of the public list of one kind (`GET /api/campaigns/{id}/signers?kind=…&page=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerPage {
    pub campaign: String,
    pub kind: SignerKind,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
    /// Pages of this kind at `per_page` (0 when nobody of this kind is listed).
    pub pages: u32,
    pub counts: SignerCounts,
    pub signers: Vec<PublicSigner>,
}

impl SignerPage {
    /// The number of pages that `listed` signers fill at `per_page` (a `per_page` of 0 counts as 1).
    pub fn page_count(listed: u64, per_page: u32) -> u32 {
        let per_page = u64::from(per_page.max(1));
        u32::try_from(listed.div_ceil(per_page)).unwrap_or(u32::MAX)
    }
}

// The widget reads these with `json` rather than serde (see its module documentation): the same
// names and defaults as the serde attributes above, held to them by core/tests/json_formats.rs.

impl FromJson for SignerCounts {
    fn read(r: &mut Reader<'_>) -> json::Result<SignerCounts> {
        const FIELDS: [&str; 3] = ["total", "organizations", "individuals"];
        let mut counts = SignerCounts::default();
        r.object(&FIELDS, 3, &mut |r, field| {
            let count = r.u64()?;
            match field {
                0 => counts.total = count,
                1 => counts.organizations = count,
                _ => counts.individuals = count,
            }
            Ok(())
        })?;
        Ok(counts)
    }
}

impl FromJson for PublicSigner {
    fn read(r: &mut Reader<'_>) -> json::Result<PublicSigner> {
        // The first two are required.
        const FIELDS: [&str; 6] = ["id", "name", "title", "affiliation", "country", "earlier_revision"];
        let mut signer = PublicSigner {
            id: 0,
            name: String::new(),
            title: None,
            affiliation: None,
            country: None,
            earlier_revision: None,
        };
        r.object(&FIELDS, 2, &mut |r, field| {
            match field {
                0 => signer.id = r.i64()?,
                1 => signer.name = r.string()?,
                2 => signer.title = r.read()?,
                3 => signer.affiliation = r.read()?,
                4 => signer.country = r.read()?,
                _ => signer.earlier_revision = r.read()?,
            }
            Ok(())
        })?;
        Ok(signer)
    }
}

impl FromJson for SignerPage {
    fn read(r: &mut Reader<'_>) -> json::Result<SignerPage> {
        const FIELDS: [&str; 7] = ["campaign", "kind", "page", "per_page", "pages", "counts", "signers"];
        let mut page = SignerPage {
            campaign: String::new(),
            kind: SignerKind::Individual,
            page: 0,
            per_page: 0,
            pages: 0,
            counts: SignerCounts::default(),
            signers: Vec::new(),
        };
        r.object(&FIELDS, 7, &mut |r, field| {
            match field {
                0 => page.campaign = r.string()?,
                1 => page.kind = r.read()?,
                2 => page.page = r.u32()?,
                3 => page.per_page = r.u32()?,
                4 => page.pages = r.u32()?,
                5 => page.counts = r.read()?,
                _ => page.signers = r.read()?,
            }
            Ok(())
        })?;
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organization_has_no_title_or_affiliation_on_the_wire() {
        let org = PublicSigner {
            id: 1,
            name: "Example Org".into(),
            title: None,
            affiliation: None,
            country: Some("US".into()),
            earlier_revision: None,
        };
        assert_eq!(
            serde_json::to_value(&org).unwrap(),
            serde_json::json!({ "id": 1, "name": "Example Org", "country": "US" })
        );
    }

    #[test]
    fn a_page_round_trips_in_the_documented_shape() {
        let json = serde_json::json!({ "campaign": "dhs-paragon", "kind": "individual", "page": 1, "per_page": 50, "pages": 3,
            "counts": { "total": 412, "organizations": 37, "individuals": 120 },
            "signers": [ { "id": 12, "name": "Ana Example", "title": "Researcher", "affiliation": "Example University", "country": "US" },
                         { "id": -3, "name": "Example Coalition", "earlier_revision": 1 } ] });
        let page: SignerPage = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(page.counts.listed(SignerKind::Individual), 120);
        assert_eq!(serde_json::to_value(&page).unwrap(), json);
    }

    #[test]
    fn page_count_rounds_up() {
        assert_eq!(
            (SignerPage::page_count(0, 50), SignerPage::page_count(50, 50), SignerPage::page_count(51, 50)),
            (0, 1, 2)
        );
        assert_eq!(SignerPage::page_count(3, 0), 3, "a zero page size counts as one per page");
    }
}
