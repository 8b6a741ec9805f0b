//! The complete example in `docs/authoring.md` compiles, and means what the document says.

use undersigned_core::authoring::compile_str;
use undersigned_core::campaign::{plain_text, Block, Inline};
use undersigned_core::status::DemandStatus;

const DOC: &str = include_str!("../../docs/authoring.md");

/// The first ```markdown block of the document.
fn example() -> &'static str {
    let start = DOC.find("```markdown\n").expect("docs/authoring.md has a ```markdown example") + "```markdown\n".len();
    let end = start + DOC[start..].find("\n```\n").expect("the example block is closed");
    &DOC[start..=end]
}

#[test]
fn the_documented_example_compiles_to_what_the_document_describes() {
    let c = compile_str("docs/authoring.md", example())
        .unwrap_or_else(|errors| panic!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")));
    assert_eq!(c.id, "city-surveillance");
    assert_eq!(c.subject.as_deref(), Some("Re: Contracts for license plate readers and facial recognition"));
    assert_eq!(c.recipient.len(), 3);

    let ids: Vec<&str> = c.demands().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        ["contracts", "plate-readers", "plate-readers-contract", "plate-readers-retention", "impact-assessment"]
    );
    let plate_readers = c.demand("plate-readers").expect("exists");
    assert_eq!(plate_readers.status, DemandStatus::PartiallyDisclosed);
    assert_eq!(plate_readers.note.as_deref(), Some("The contract was published on May 20; the data policy was not."));
    assert_eq!(c.demand("contracts").map(|d| d.status), Some(DemandStatus::Outstanding));

    // Notes are numbered in reading order; the body's first note links to its source.
    assert_eq!(c.footnotes.len(), 3);
    assert_eq!(c.footnotes[0].link.as_deref(), Some("https://example.org/register"));
    assert_eq!(plain_text(&c.footnotes[0].text), "City Procurement Office, Contract Register (March 2025).");
    assert!(plain_text(&c.footnotes[2].text).ends_with("every continuation line is indented."));
    let Some(Block::Paragraph(first)) = c.body.first() else { panic!("the body starts with a paragraph") };
    assert!(first.contains(&Inline::Emphasis(vec![Inline::Text("automated license plate readers".into())])));
    assert!(first.contains(&Inline::FootnoteRef(1)));

    let Some(Block::Quote(quote)) = c.body.iter().find(|b| matches!(b, Block::Quote(_))) else { panic!("a quotation") };
    assert!(matches!(&quote[1], Block::List(items) if plain_text(&items[0]) == "by whom; […]"));

    assert_eq!(c.signatories.organizations.len(), 2);
    let people = &c.signatories.individuals;
    assert_eq!(people[0].title_line().as_deref(), Some("Professor of Law, City University"));
    assert_eq!(
        (people[1].title.as_deref(), people[1].affiliation.as_deref()),
        (Some("Researcher at the Data Lab"), None)
    );
    assert_eq!(people[2].title_line(), None);
    assert_eq!(c.cc, ["City Attorney, Lee Park"]);
    assert!(c.contact.iter().any(|i| matches!(i, Inline::Link { href, .. } if href == "mailto:jane.roe@example.org")));
}

#[test]
fn the_documented_json_is_what_the_compiler_writes_for_its_source() {
    let start = DOC.find("```json\n").expect("docs/authoring.md has a ```json example") + "```json\n".len();
    let json = &DOC[start..start + DOC[start..].find("\n```").expect("the JSON block is closed")];
    let documented: undersigned_core::Campaign = serde_json::from_str(json).expect("the documented JSON is a campaign");
    let source = "---\nid: example\ntitle: A letter\ndate: May 1, 2025\nsalutation: Dear Director,\n---\n\
                  We ask for the contract.[^1]\n\n::: demands\n- {#contract} the contract;\n:::\n\n\
                  ::: organizations\n- Privacy Coalition\n:::\n\n\
                  [^1]: The contract register. <https://example.org/register>\n";
    let compiled = compile_str("example.md", source).expect("the example source compiles");
    assert_eq!(documented, compiled);
    let written: serde_json::Value = serde_json::to_value(&compiled).expect("serializes");
    assert_eq!(
        written,
        serde_json::from_str::<serde_json::Value>(json).expect("parses"),
        "the compiler writes exactly the documented JSON"
    );
}
