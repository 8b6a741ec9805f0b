//! The seed campaign (`campaigns/dhs-paragon.md`) checked against the seed letter it was written
//! from: every note, signatory, cc recipient and paragraph as the seed has it, and the demand tree
//! the flattened seed lost.
//!
//! The seed text is kept as `tests/fixtures/coalition-letter-dhs-paragon.txt`; when the shared
//! original sits beside the repository (`../shared/seed/`), the copy must equal it.

use std::path::{Path, PathBuf};
use undersigned_core::authoring::compile_file;
use undersigned_core::campaign::{Block, Demand, Inline};
use undersigned_core::Campaign;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed() -> Vec<String> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coalition-letter-dhs-paragon.txt");
    let text = std::fs::read_to_string(&fixture).expect("the seed fixture is readable");
    let shared = repo_root().join("../shared/seed/coalition-letter-dhs-paragon.txt");
    if let Ok(original) = std::fs::read_to_string(&shared) {
        assert_eq!(text, original, "{} differs from {}: copy the seed again", fixture.display(), shared.display());
    }
    text.lines().map(str::to_string).collect()
}

fn campaign() -> Campaign {
    compile_file(&repo_root().join("campaigns/dhs-paragon.md")).unwrap_or_else(|errors| {
        panic!(
            "the seed campaign does not compile:\n{}",
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
        )
    })
}

/// Inlines as the seed writes them: note references as `[n]`.
fn seed_text(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(t) => t.clone(),
            Inline::FootnoteRef(n) => format!("[{n}]"),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { children: c, .. } => seed_text(c),
        })
        .collect()
}

/// The seed lines from the one equal to `first` up to (not including) the one equal to `end`.
fn between<'a>(lines: &'a [String], first: &str, end: &str) -> &'a [String] {
    let start = lines.iter().position(|l| l == first).unwrap_or_else(|| panic!("the seed has a line `{first}`"));
    let stop =
        start + lines[start..].iter().position(|l| l == end).unwrap_or_else(|| panic!("the seed has a line `{end}`"));
    &lines[start..stop]
}

#[test]
fn all_27_footnotes_match_the_seed() {
    let lines = seed();
    let expected: Vec<(u32, &str)> = lines
        .iter()
        .filter_map(|l| {
            let (number, text) = l.strip_prefix('[')?.split_once("] ")?;
            Some((number.parse().ok()?, text))
        })
        .collect();
    assert_eq!(expected.len(), 27, "the seed has 27 notes");
    let c = campaign();
    assert_eq!(c.footnotes.len(), 27);
    for (number, text) in expected {
        let note = c.footnote(number).unwrap_or_else(|| panic!("note {number} exists"));
        assert_eq!(seed_text(&note.text), text, "note {number}");
    }
    assert!(seed_text(&c.footnotes[26].text)
        .starts_with("U.S. Department of State, Export Controls and Human Rights Initiative"));
}

#[test]
fn signatories_cc_and_contact_match_the_seed() {
    let lines = seed();
    let c = campaign();
    let organizations = &between(&lines, "Access Now", "Dr. Maria Ian");
    assert_eq!(organizations.len(), 41);
    let names: Vec<&str> = c.signatories.organizations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, organizations.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(names.last(), Some(&"Tsuru for Solidarity"));

    let people = between(&lines, "Dr. Maria Ian", "CC:");
    assert_eq!(c.signatories.individuals.len(), 5);
    for (person, seed_pair) in c.signatories.individuals.iter().zip(people.chunks(2)) {
        assert_eq!(person.name, seed_pair[0]);
        assert!(person.title.is_some(), "{} has a title", person.name);
        assert_eq!(person.title_line().as_deref(), Some(seed_pair[1].as_str()), "{}", person.name);
    }
    assert_eq!(c.signatories.individuals[2].title.as_deref(), Some("Director"));
    assert_eq!(
        c.signatories.individuals[2].affiliation.as_deref(),
        Some("The Citizen Lab, Munk School of Global Affairs & Public Policy, University of Toronto")
    );

    let cc = &between(
        &lines,
        "CC:",
        &lines[lines.iter().position(|l| l.starts_with("If you have any questions")).unwrap_or(0)],
    )[1..];
    assert_eq!(cc.len(), 4);
    assert_eq!(c.cc, cc);

    let contact = seed_text(&c.contact);
    assert!(contact.starts_with("If you have any questions regarding this letter, please contact Hinako Sugiyama at the International Justice Clinic"));
    assert!(
        !contact.contains('@') && !contact.contains("protected"),
        "the redacted address is not invented: {contact}"
    );
}

#[test]
fn front_matter_recipient_and_body_match_the_seed() {
    let lines = seed();
    let c = campaign();
    assert_eq!(c.id, "dhs-paragon");
    assert_eq!(c.title, lines[0]);
    assert_eq!(c.date, lines[1]);
    assert_eq!(c.language, "en");
    assert_eq!(c.recipient, lines[2..7]);
    assert_eq!(c.subject.as_deref(), Some(lines[7].as_str()));
    assert_eq!(c.salutation.as_deref(), Some(lines[8].as_str()));
    assert_eq!(c.closing.as_deref(), Some("Signed,"));

    // Every paragraph of the body, quotation included, is a line of the seed, in order.
    let mut paragraphs = Vec::new();
    let mut quote_items = Vec::new();
    for block in &c.body {
        match block {
            Block::Paragraph(p) => paragraphs.push(seed_text(p)),
            Block::Quote(inner) => {
                for block in inner {
                    match block {
                        Block::Paragraph(p) => paragraphs.push(seed_text(p)),
                        Block::List(items) => quote_items.extend(items.iter().map(|i| format!("- {}", seed_text(i)))),
                        other => panic!("unexpected block in the quotation: {other:?}"),
                    }
                }
            }
            Block::Demands(_) => {}
            Block::List(_) => panic!("the letter has no plain list outside the quotation"),
        }
    }
    let expected: Vec<&str> =
        [9..18, 34..39, 42..44].into_iter().flat_map(|r| lines[r].iter().map(String::as_str)).collect();
    assert_eq!(paragraphs, expected);
    assert_eq!(quote_items, lines[39..42]);
    assert!(matches!(c.body.iter().filter(|b| matches!(b, Block::Quote(_))).count(), 1));
}

#[test]
fn ten_leaf_demands_in_the_structure_the_letter_means() {
    let lines = seed();
    let c = campaign();
    fn shape(d: &Demand) -> String {
        if d.children.is_empty() {
            d.id.clone()
        } else {
            format!("{}({})", d.id, d.children.iter().map(shape).collect::<Vec<_>>().join(" "))
        }
    }
    let Some(Block::Demands(top)) = c.body.iter().find(|b| matches!(b, Block::Demands(_))) else {
        panic!("the letter has demands")
    };
    assert_eq!(
        top.iter().map(shape).collect::<Vec<_>>(),
        [
            "contract-details",
            "contract-modifications",
            "spyware(eo14093(eo14093-sec3(eo14093-sec3-dni-request eo14093-sec3-dni-risk-review eo14093-sec3-vendor-due-diligence) \
             eo14093-sec2-4(eo14093-sec2-4-purpose-and-uses eo14093-sec2-4-internal-controls)) \
             oversight-mechanisms data-handling remedies-for-victims)",
        ]
    );
    assert_eq!(c.leaf_demands().count(), 10);
    assert_eq!(c.demands().count(), 14);
    assert!(c.demands().all(|d| d.status == undersigned_core::status::DemandStatus::Outstanding));

    // Each demand's wording is the seed's, and the two flattening artifacts are gone.
    let text_of = |id: &str| seed_text(&c.demand(id).unwrap_or_else(|| panic!("demand {id}")).text);
    let seed_item =
        |n: usize| lines[n - 1].strip_prefix("- ").unwrap_or_else(|| panic!("seed line {n} is an item")).to_string();
    let ids_by_seed_line = [
        (19, "contract-details"),
        (20, "contract-modifications"),
        (21, "spyware"),
        (22, "eo14093"),
        (23, "eo14093-sec3"),
        (24, "eo14093-sec3-dni-request"),
        (25, "eo14093-sec3-dni-risk-review"),
        (26, "eo14093-sec3-vendor-due-diligence"),
        (27, "eo14093-sec2-4"),
        (28, "eo14093-sec2-4-purpose-and-uses"),
        (29, "eo14093-sec2-4-internal-controls"),
        (31, "oversight-mechanisms"),
        (32, "data-handling"),
        (33, "remedies-for-victims"),
    ];
    for (line, id) in ids_by_seed_line {
        assert_eq!(text_of(id), seed_item(line), "demand {id} (seed line {line})");
    }
    assert_eq!(
        c.demands().filter(|d| seed_text(&d.text) == seed_item(22)).count(),
        1,
        "one `regarding Executive Order 14093:`"
    );
    assert_eq!(c.demands().filter(|d| seed_text(&d.text) == seed_item(23)).count(), 1, "one Section 3 header");
}

#[test]
fn web_page_residue_is_not_part_of_the_letter() {
    let json = serde_json::to_string(&campaign()).expect("serializes");
    for residue in ["See All News", "Support Our Work", "Donate", "EPIC's work is funded"] {
        assert!(!json.contains(residue), "{residue}");
    }
}
