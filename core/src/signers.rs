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
        let (mut total, mut organizations, mut individuals) = (None, None, None);
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            match &*key {
                "total" => total = Some(r.u64()?),
                "organizations" => organizations = Some(r.u64()?),
                "individuals" => individuals = Some(r.u64()?),
                _ => r.skip()?,
            }
        }
        Ok(SignerCounts {
            total: r.required(total, "total")?,
            organizations: r.required(organizations, "organizations")?,
            individuals: r.required(individuals, "individuals")?,
        })
    }
}

impl FromJson for PublicSigner {
    fn read(r: &mut Reader<'_>) -> json::Result<PublicSigner> {
        let (mut id, mut name) = (None, None);
        let (mut title, mut affiliation, mut country, mut earlier_revision) = (None, None, None, None);
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            match &*key {
                "id" => id = Some(r.i64()?),
                "name" => name = Some(r.string()?),
                "title" => title = r.read()?,
                "affiliation" => affiliation = r.read()?,
                "country" => country = r.read()?,
                "earlier_revision" => earlier_revision = r.read()?,
                _ => r.skip()?,
            }
        }
        Ok(PublicSigner {
            id: r.required(id, "id")?,
            name: r.required(name, "name")?,
            title,
            affiliation,
            country,
            earlier_revision,
        })
    }
}

impl FromJson for SignerPage {
    fn read(r: &mut Reader<'_>) -> json::Result<SignerPage> {
        let (mut campaign, mut kind, mut page, mut per_page) = (None, None, None, None);
        let (mut pages, mut counts, mut signers) = (None, None, None);
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            match &*key {
                "campaign" => campaign = Some(r.string()?),
                "kind" => kind = Some(r.read()?),
                "page" => page = Some(r.u32()?),
                "per_page" => per_page = Some(r.u32()?),
                "pages" => pages = Some(r.u32()?),
                "counts" => counts = Some(r.read()?),
                "signers" => signers = Some(r.read()?),
                _ => r.skip()?,
            }
        }
        Ok(SignerPage {
            campaign: r.required(campaign, "campaign")?,
            kind: r.required(kind, "kind")?,
            page: r.required(page, "page")?,
            per_page: r.required(per_page, "per_page")?,
            pages: r.required(pages, "pages")?,
            counts: r.required(counts, "counts")?,
            signers: r.required(signers, "signers")?,
        })
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
