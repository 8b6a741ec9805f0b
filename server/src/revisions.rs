//! Letter revisions: what a signer endorses is the letter's text, and that text may change when
//! organizers import a new version of the campaign file. Each distinct text is kept as a revision
//! (numbered from 1 per campaign, with a SHA-256 of the text and the date it was imported); every
//! signature records the revision that was current when it was stored, so the text never changes
//! under a signer.
//!
//! The text is a plain, readable rendering of the compiled letter ([`letter_text`]): everything a
//! signer reads and endorses (title, date, addressee, body with the demands, closing, cc, contact,
//! notes, with emphasis and link targets written out), but not the signatories (adding a name to
//! the list does not change what was signed) nor the demands' statuses (they follow the agency's
//! answers, not the letter). The hash is taken of that text, so a new revision always shows a
//! difference in [`diff`].

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use undersigned_core::campaign::{Block, Demand, Inline};
use undersigned_core::Campaign;

/// The endorsed text of a letter and its content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterText {
    pub text: String,
    /// Lowercase hex SHA-256 of `text` (UTF-8).
    pub hash: String,
}

impl LetterText {
    pub fn of(campaign: &Campaign) -> LetterText {
        let text = letter_text(campaign);
        let hash = crate::signing::hex(&Sha256::digest(text.as_bytes()));
        LetterText { text, hash }
    }
}

/// A revision as the public API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// From 1, in the order the texts were imported.
    pub number: u32,
    pub hash: String,
    /// When this text was imported (RFC 3339, UTC).
    pub created_at: String,
}

/// The letter as plain text, one paragraph per line (blank lines between blocks): see the module
/// documentation for what it holds and why.
pub fn letter_text(campaign: &Campaign) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n{}\n", campaign.title, campaign.date);
    if !campaign.recipient.is_empty() {
        let _ = writeln!(out, "{}\n", campaign.recipient.join("\n"));
    }
    for line in [&campaign.subject, &campaign.salutation].into_iter().flatten() {
        let _ = writeln!(out, "{line}\n");
    }
    for block in &campaign.body {
        push_block(block, "", &mut out);
    }
    if let Some(closing) = &campaign.closing {
        let _ = writeln!(out, "{closing}\n");
    }
    for line in &campaign.cc {
        let _ = writeln!(out, "CC: {line}");
    }
    if !campaign.cc.is_empty() {
        out.push('\n');
    }
    if !campaign.contact.is_empty() {
        let _ = writeln!(out, "{}\n", inline_text(&campaign.contact));
    }
    for (index, note) in campaign.footnotes.iter().enumerate() {
        let _ = write!(out, "[{}] {}", index + 1, inline_text(&note.text));
        if let Some(link) = &note.link {
            let _ = write!(out, " <{link}>");
        }
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn push_block(block: &Block, prefix: &str, out: &mut String) {
    match block {
        Block::Paragraph(inlines) => {
            let _ = writeln!(out, "{prefix}{}\n", inline_text(inlines));
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "{prefix}- {}", inline_text(item));
            }
            out.push('\n');
        }
        Block::Demands(demands) => {
            for demand in demands {
                push_demand(demand, prefix, 0, out);
            }
            out.push('\n');
        }
        Block::Quote(blocks) => {
            for inner in blocks {
                push_block(inner, &format!("{prefix}> "), out);
            }
        }
    }
}

fn push_demand(demand: &Demand, prefix: &str, depth: usize, out: &mut String) {
    let _ = writeln!(out, "{prefix}{}- {}", "  ".repeat(depth), inline_text(&demand.text));
    for child in &demand.children {
        push_demand(child, prefix, depth + 1, out);
    }
}

/// Running text with its markup written out: `*emphasis*`, `**strong**`, `text <href>`, `[n]`.
fn inline_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_inline(inlines, &mut out);
    out
}

fn push_inline(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => out.push_str(text),
            Inline::Emphasis(children) => {
                out.push('*');
                push_inline(children, out);
                out.push('*');
            }
            Inline::Strong(children) => {
                out.push_str("**");
                push_inline(children, out);
                out.push_str("**");
            }
            Inline::Link { href, children } => {
                push_inline(children, out);
                let _ = write!(out, " <{href}>");
            }
            Inline::FootnoteRef(n) => {
                let _ = write!(out, "[{n}]");
            }
        }
    }
}

/// How a line of the diff changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Removed,
    Added,
}

/// A piece of a changed line; `changed` marks the words that differ from the other text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    pub text: String,
    pub changed: bool,
}

/// One line (a paragraph, a list item, a demand) that was removed or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub parts: Vec<DiffPart>,
}

/// The changes between two texts, grouped where they are close together: each group lists its
/// removed lines and added lines, words that differ marked. Unchanged lines are left out.
pub fn diff(old: &str, new: &str) -> Vec<Vec<DiffLine>> {
    use similar::{ChangeTag, TextDiff};
    let text_diff = TextDiff::from_lines(old, new);
    text_diff
        .grouped_ops(0)
        .iter()
        .map(|group| {
            let mut lines = Vec::new();
            for op in group {
                for change in text_diff.iter_inline_changes(op) {
                    let line_change = match change.tag() {
                        ChangeTag::Delete => LineChange::Removed,
                        ChangeTag::Insert => LineChange::Added,
                        ChangeTag::Equal => continue,
                    };
                    let mut parts: Vec<DiffPart> = Vec::new();
                    for (changed, text) in change.iter_strings_lossy() {
                        let text = text.trim_end_matches('\n');
                        match parts.last_mut() {
                            Some(last) if last.changed == changed => last.text.push_str(text),
                            _ if text.is_empty() => {}
                            _ => parts.push(DiffPart { text: text.to_string(), changed }),
                        }
                    }
                    // A blank line that appeared or went away says nothing to a reader.
                    if parts.iter().any(|p| !p.text.trim().is_empty()) {
                        lines.push(DiffLine { change: line_change, parts });
                    }
                }
            }
            lines
        })
        .filter(|lines| !lines.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(body: &str) -> Campaign {
        let source =
            format!("---\nid: t\ntitle: A Letter\ndate: May 1, 2025\n---\n{body}\n::: organizations\n- Org One\n:::\n");
        undersigned_core::authoring::compile_str("t.md", &source).expect("the test letter compiles")
    }

    #[test]
    fn the_text_holds_what_is_read_but_not_signatories_or_statuses() {
        let letter = compile(
            "We ask *now* for [the file](https://example.org/f).[^a]\n\n::: demands\n- {#x status=disclosed note=\"Out.\"} the contract;\n  - {#y} its annex.\n:::\n\n[^a]: A source. <https://example.org/s>\n",
        );
        let text = letter_text(&letter);
        assert_eq!(
            text,
            "A Letter\nMay 1, 2025\n\nWe ask *now* for the file <https://example.org/f>.[1]\n\n- the contract;\n  - its annex.\n\n[1] A source. <https://example.org/s>\n"
        );
        assert!(!text.contains("Org One"), "signatories are not part of the endorsed text");
        let mut more_signers = letter.clone();
        more_signers.signatories.organizations.push(undersigned_core::campaign::Organization { name: "New".into() });
        assert_eq!(LetterText::of(&more_signers).hash, LetterText::of(&letter).hash);
        let reworded = compile("We ask *today* for [the file](https://example.org/f).[^a]\n\n[^a]: A source.\n");
        assert_ne!(LetterText::of(&reworded).hash, LetterText::of(&letter).hash);
        assert_eq!(LetterText::of(&letter).hash.len(), 64);
    }

    #[test]
    fn the_diff_shows_only_changed_lines_with_the_changed_words_marked() {
        let old = "Title\n\nFirst paragraph stays.\n\nWe ask for the contract.\n\nLast stays.\n";
        let new =
            "Title\n\nFirst paragraph stays.\n\nWe ask for the whole contract.\n\nA new paragraph.\n\nLast stays.\n";
        let groups = diff(old, new);
        assert_eq!(groups.len(), 1, "{groups:#?}");
        let lines = &groups[0];
        assert_eq!(lines[0].change, LineChange::Removed);
        assert_eq!(lines[1].change, LineChange::Added);
        let marked: Vec<&str> = lines[1].parts.iter().filter(|p| p.changed).map(|p| p.text.as_str()).collect();
        assert_eq!(marked.concat().trim(), "whole");
        assert_eq!(lines[2].change, LineChange::Added);
        assert_eq!(lines[2].parts.iter().map(|p| p.text.as_str()).collect::<String>(), "A new paragraph.");
        assert!(diff(old, old).is_empty());
    }
}
