//! The campaign model: what a letter campaign is, as the widget loads it.
//!
//! Campaigns are data that organizers write (see `authoring`, a native-only feature), never code.
//! The serde JSON form of [`Campaign`] is the wire format between the authoring compiler, the
//! receiver and the widget; every optional part has a serde default, so a hand-written JSON only
//! needs `id`, `title` and `date`.
//!
//! The letter is kept in the order it is read: recipient block, subject line, salutation, body
//! (paragraphs, the demand list, block quotations), closing, signatories, cc list, contact line,
//! and the numbered footnotes the body refers to.
//!
//! - [`inline`]: running text (emphasis, links, footnote references).
//! - [`demand`]: the tree of demands whose status organizers track.

pub mod demand;
pub mod inline;

pub use demand::{Demand, Demands};
pub use inline::{plain_text, Inline};

use crate::json::{self, FromJson, Reader};
use serde::{Deserialize, Serialize};

/// The language a campaign is written in when its file does not say.
pub const DEFAULT_LANGUAGE: &str = "en";

fn default_language() -> String {
    DEFAULT_LANGUAGE.to_string()
}

/// A letter campaign: the letter itself and the metadata the widget needs to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Stable identifier, used in URLs and storage keys (`[a-z0-9-]`).
    pub id: String,
    /// The letter's title.
    pub title: String,
    /// The date the letter carries, as written by the organizers (e.g. "October 31, 2024").
    pub date: String,
    /// BCP 47 tag of the letter's language (`en`, `es-MX`); the widget sets it as `lang`.
    #[serde(default = "default_language")]
    pub language: String,
    /// The addressee block, one line per entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipient: Vec<String>,
    /// The subject line as the letter writes it ("Re: …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// "Dear Secretary Mayorkas,".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    /// The letter's body, in reading order.
    #[serde(default)]
    pub body: Vec<Block>,
    /// The line before the signatories ("Signed,"); the widget supplies a translated one if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<String>,
    /// Who signed the letter as written (not the live sign-ons, which the receiver keeps).
    #[serde(default)]
    pub signatories: Signatories,
    /// Copy recipients, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// The contact line ("If you have any questions regarding this letter, please contact …").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact: Vec<Inline>,
    /// The notes the body refers to, numbered from 1 in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footnotes: Vec<Footnote>,
    /// The number of signatures the campaign aims for, when its organizers set one: the receiver
    /// serves it from the campaign's settings, and the widget draws its goal bar from it when the
    /// page gives no `goal` attribute. Not part of the letter (nor of what signers endorse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<u64>,
}

/// One block of the letter's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// A paragraph of running text.
    Paragraph(Vec<Inline>),
    /// An ordinary bulleted list (one entry per item).
    List(Vec<Vec<Inline>>),
    /// The letter's demands: a tree whose nodes carry a stable id and a status.
    Demands(Vec<Demand>),
    /// A quotation from another text: paragraphs and lists, never demands.
    Quote(Vec<Block>),
}

/// The people and organizations who signed the letter, grouped as the letter lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatories {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<Organization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub individuals: Vec<Individual>,
}

/// An organization that signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
}

/// A person who signed in their own name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Individual {
    pub name: String,
    /// Their title as the letter writes it ("Founder and CEO", "Researcher at Deakin University").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The organization the title belongs to ("Cave Sun Productions").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
}

impl Individual {
    /// The line under the name: "title, affiliation", or whichever of the two exists.
    pub fn title_line(&self) -> Option<String> {
        match (&self.title, &self.affiliation) {
            (Some(t), Some(a)) => Some(format!("{t}, {a}")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        }
    }
}

/// A numbered note. Its number is its position in [`Campaign::footnotes`] plus one, which is what
/// [`Inline::FootnoteRef`] refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footnote {
    pub text: Vec<Inline>,
    /// Where the cited source can be read, when the organizers give one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

// The widget reads these with `json` rather than serde (see its module documentation): the same
// names and defaults as the serde attributes above, held to them by core/tests/json_formats.rs.

impl FromJson for Campaign {
    fn read(r: &mut Reader<'_>) -> json::Result<Campaign> {
        // The first three are required.
        const FIELDS: [&str; 14] = [
            "id",
            "title",
            "date",
            "language",
            "recipient",
            "subject",
            "salutation",
            "body",
            "closing",
            "signatories",
            "cc",
            "contact",
            "footnotes",
            "goal",
        ];
        let mut c = Campaign::new("", "", "");
        r.object(&FIELDS, 3, &mut |r, field| {
            match field {
                0 => c.id = r.string()?,
                1 => c.title = r.string()?,
                2 => c.date = r.string()?,
                3 => c.language = r.string()?,
                4 => c.recipient = r.read()?,
                5 => c.subject = r.read()?,
                6 => c.salutation = r.read()?,
                7 => c.body = r.read()?,
                8 => c.closing = r.read()?,
                9 => c.signatories = r.read()?,
                10 => c.cc = r.read()?,
                11 => c.contact = r.read()?,
                12 => c.footnotes = r.read()?,
                _ => c.goal = r.read()?,
            }
            Ok(())
        })?;
        Ok(c)
    }
}

impl FromJson for Block {
    fn read(r: &mut Reader<'_>) -> json::Result<Block> {
        let block = match r.variant(&["paragraph", "list", "demands", "quote"])? {
            0 => Block::Paragraph(r.read()?),
            1 => Block::List(r.read()?),
            2 => Block::Demands(r.read()?),
            _ => Block::Quote(r.read()?),
        };
        r.end_variant()?;
        Ok(block)
    }
}

impl FromJson for Signatories {
    fn read(r: &mut Reader<'_>) -> json::Result<Signatories> {
        let mut signatories = Signatories::default();
        r.object(&["organizations", "individuals"], 0, &mut |r, field| {
            match field {
                0 => signatories.organizations = r.read()?,
                _ => signatories.individuals = r.read()?,
            }
            Ok(())
        })?;
        Ok(signatories)
    }
}

impl FromJson for Organization {
    fn read(r: &mut Reader<'_>) -> json::Result<Organization> {
        const FIELDS: [&str; 1] = ["name"];
        let mut organization = Organization { name: String::new() };
        r.object(&FIELDS, 1, &mut |r, _| {
            organization.name = r.string()?;
            Ok(())
        })?;
        Ok(organization)
    }
}

impl FromJson for Individual {
    fn read(r: &mut Reader<'_>) -> json::Result<Individual> {
        const FIELDS: [&str; 3] = ["name", "title", "affiliation"];
        let mut person = Individual { name: String::new(), title: None, affiliation: None };
        r.object(&FIELDS, 1, &mut |r, field| {
            match field {
                0 => person.name = r.string()?,
                1 => person.title = r.read()?,
                _ => person.affiliation = r.read()?,
            }
            Ok(())
        })?;
        Ok(person)
    }
}

impl FromJson for Footnote {
    fn read(r: &mut Reader<'_>) -> json::Result<Footnote> {
        const FIELDS: [&str; 2] = ["text", "link"];
        let mut note = Footnote { text: Vec::new(), link: None };
        r.object(&FIELDS, 1, &mut |r, field| {
            match field {
                0 => note.text = r.read()?,
                _ => note.link = r.read()?,
            }
            Ok(())
        })?;
        Ok(note)
    }
}

/// Whether `id` is a valid campaign or demand id: lowercase ASCII letters and digits in words
/// joined by single hyphens (`dhs-paragon`, `eo14093-sec3-dni-request`). Ids appear in URLs,
/// storage keys and status feeds, so they are kept to characters that need no escaping anywhere.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Whether a link target may be rendered: `https:`, `http:` and `mailto:` URLs only. A campaign
/// may come from any URL a partner configures, so `javascript:` and friends never reach an `href`.
pub fn is_safe_href(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    ["https://", "http://", "mailto:"].iter().any(|scheme| lower.starts_with(scheme))
        && !href.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Campaign {
    /// A campaign with only what every campaign needs; every other part is empty and the language
    /// is [`DEFAULT_LANGUAGE`].
    pub fn new(id: impl Into<String>, title: impl Into<String>, date: impl Into<String>) -> Campaign {
        Campaign {
            id: id.into(),
            title: title.into(),
            date: date.into(),
            language: default_language(),
            recipient: Vec::new(),
            subject: None,
            salutation: None,
            body: Vec::new(),
            closing: None,
            signatories: Signatories::default(),
            cc: Vec::new(),
            contact: Vec::new(),
            footnotes: Vec::new(),
            goal: None,
        }
    }

    /// Every demand, depth first in reading order (a parent before its children).
    pub fn demands(&self) -> Demands<'_> {
        Demands::new(self.body.iter().filter_map(|block| match block {
            Block::Demands(list) => Some(list.as_slice()),
            _ => None,
        }))
    }

    /// The demands without children: the concrete items an agency can disclose.
    pub fn leaf_demands(&self) -> impl Iterator<Item = &Demand> + '_ {
        self.demands().filter(|d| d.children.is_empty())
    }

    /// The demand with this id, wherever it sits in the tree.
    pub fn demand(&self, id: &str) -> Option<&Demand> {
        self.demands().find(|d| d.id == id)
    }

    /// Footnote `number` (1-based, as the letter prints it).
    pub fn footnote(&self, number: u32) -> Option<&Footnote> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        self.footnotes.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::DemandStatus;

    fn demand(id: &str, children: Vec<Demand>) -> Demand {
        Demand {
            id: id.into(),
            text: vec![Inline::Text(id.into())],
            status: DemandStatus::Outstanding,
            note: None,
            children,
        }
    }

    fn sample() -> Campaign {
        Campaign {
            body: vec![
                Block::Paragraph(vec![Inline::Text("Intro".into()), Inline::FootnoteRef(1)]),
                Block::Demands(vec![
                    demand("a", vec![demand("a-1", vec![]), demand("a-2", vec![])]),
                    demand("b", vec![]),
                ]),
                Block::Quote(vec![Block::List(vec![vec![Inline::Text("q".into())]])]),
                Block::Demands(vec![demand("c", vec![])]),
            ],
            footnotes: vec![Footnote { text: vec![Inline::Text("Note".into())], link: None }],
            ..Campaign::new("t", "T", "D")
        }
    }

    #[test]
    fn demands_are_visited_depth_first_across_lists() {
        let c = sample();
        let ids: Vec<_> = c.demands().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-2", "b", "c"]);
        let leaves: Vec<_> = c.leaf_demands().map(|d| d.id.as_str()).collect();
        assert_eq!(leaves, ["a-1", "a-2", "b", "c"]);
        assert_eq!(c.demand("a-2").map(|d| d.children.len()), Some(0));
        assert!(c.demand("zzz").is_none());
    }

    #[test]
    fn json_round_trips_and_minimal_json_gets_defaults() {
        let c = sample();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Campaign>(&json).unwrap(), c);
        assert!(json.contains(r#"{"footnote_ref":1}"#), "{json}");
        let minimal: Campaign = serde_json::from_str(r#"{"id":"x","title":"X","date":"today"}"#).unwrap();
        assert_eq!(minimal.language, "en");
        assert!(minimal.body.is_empty() && minimal.footnotes.is_empty());
    }

    #[test]
    fn footnotes_are_numbered_from_one() {
        let c = sample();
        assert!(c.footnote(0).is_none());
        assert_eq!(c.footnote(1).map(|f| plain_text(&f.text)), Some("Note".to_string()));
        assert!(c.footnote(2).is_none());
    }

    #[test]
    fn ids_and_hrefs() {
        assert!(is_valid_id("eo14093-sec3-dni-request"));
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b", "é"] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
        assert!(is_safe_href("https://example.org/a?b") && is_safe_href("mailto:x@example.org"));
        for bad in ["javascript:alert(1)", "JavaScript:x", "data:text/html,x", "/relative", "https://a b"] {
            assert!(!is_safe_href(bad), "{bad:?}");
        }
    }

    #[test]
    fn title_line_joins_title_and_affiliation() {
        let person = Individual { name: "N".into(), title: Some("Director".into()), affiliation: Some("Lab".into()) };
        assert_eq!(person.title_line().as_deref(), Some("Director, Lab"));
        let alone = Individual { name: "N".into(), title: Some("Researcher at X".into()), affiliation: None };
        assert_eq!(alone.title_line().as_deref(), Some("Researcher at X"));
    }
}
