//! The letter after the front matter: paragraphs and lists in Markdown style, footnote
//! definitions (`[^label]: text`), and fenced sections (`::: name` … `:::`) for the recipient
//! block, the demands, quotations, signatories, the cc list and the contact line.

use super::demands;
use super::inline::{self, is_label, FootnoteUse, Notes};
use super::{Diagnostics, Line};
use crate::campaign::{Block, Individual, Inline, Organization, Signatories};
use std::collections::HashMap;

/// The section names, as listed in error messages.
const SECTIONS: &str = "recipient, demands, quote, organizations, individuals, cc, contact";

/// The parts of the letter read from the source, before notes are numbered.
#[derive(Default)]
pub(super) struct Parts {
    pub recipient: Vec<String>,
    pub body: Vec<Block>,
    pub signatories: Signatories,
    pub cc: Vec<String>,
    pub contact: Vec<Inline>,
    pub footnote_uses: Vec<FootnoteUse>,
    pub footnote_definitions: Vec<FootnoteDefinition>,
    /// Demand id → the line that defines it, across every demand list of the file.
    pub demand_ids: HashMap<String, usize>,
    /// Section name → the line that opens it, for the sections a letter has only once.
    single_sections: HashMap<String, usize>,
}

/// `[^label]: text`, possibly ending with the source's address as `<https://…>`.
pub(super) struct FootnoteDefinition {
    pub label: String,
    pub line: usize,
    pub text: Vec<Inline>,
    pub link: Option<String>,
}

/// Reads everything after the front matter.
pub(super) fn parse(lines: &[Line<'_>], diagnostics: &mut Diagnostics<'_>) -> Parts {
    let mut parts = Parts::default();
    let mut segment_start = 0;
    let mut i = 0;
    while i < lines.len() {
        let text = lines[i].text;
        let opens_section = text.trim_start().starts_with(":::");
        if !opens_section && definition_label(text).is_none() {
            i += 1;
            continue;
        }
        // The paragraphs before a section come before it in the letter.
        let blocks = flow(&lines[segment_start..i], &mut parts.footnote_uses, diagnostics);
        parts.body.extend(blocks);
        i = if opens_section {
            section(lines, i, &mut parts, diagnostics)
        } else {
            footnote_definition(lines, i, &mut parts, diagnostics)
        };
        segment_start = i;
    }
    let blocks = flow(&lines[segment_start..], &mut parts.footnote_uses, diagnostics);
    parts.body.extend(blocks);
    parts
}

/// The label of a footnote definition line (`[^12]: …` at the start of the line).
fn definition_label(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("[^")?;
    let (label, after) = rest.split_once("]:")?;
    is_label(label).then_some(label).filter(|_| after.is_empty() || after.starts_with(' '))
}

/// Reads the definition at `lines[start]` and its indented continuation lines; returns the index
/// of the first line after it.
fn footnote_definition(
    lines: &[Line<'_>],
    start: usize,
    parts: &mut Parts,
    diagnostics: &mut Diagnostics<'_>,
) -> usize {
    let first = lines[start];
    let label = definition_label(first.text).unwrap_or_default().to_string();
    let body_start = "[^".len() + label.len() + "]:".len();
    let mut text_lines = vec![Line { number: first.number, text: &first.text[body_start..] }];
    let mut end = start + 1;
    while end < lines.len() && !lines[end].is_blank() && lines[end].indent() > 0 {
        text_lines.push(lines[end]);
        end += 1;
    }
    if let Some(earlier) = parts.footnote_definitions.iter().find(|d| d.label == label) {
        diagnostics.error(
            first.number,
            format!("note `[^{label}]` is already defined on line {}: keep one definition", earlier.line),
        );
        return end;
    }
    let mut text = inline::parse(&text_lines, Notes::Forbidden, diagnostics);
    if text.is_empty() {
        diagnostics.error(first.number, format!("note `[^{label}]` has no text: write it after the colon"));
    }
    let link = trailing_autolink(&mut text);
    parts.footnote_definitions.push(FootnoteDefinition { label, line: first.number, text, link });
    end
}

/// Takes a note's final `<https://…>` off its text: it is the address of the cited source.
fn trailing_autolink(text: &mut Vec<Inline>) -> Option<String> {
    let is_autolink = matches!(text.last(), Some(Inline::Link { href, children })
        if children.len() == 1 && matches!(&children[0], Inline::Text(shown) if href.ends_with(shown.as_str())));
    if !is_autolink || text.len() < 2 {
        return None;
    }
    let Some(Inline::Link { href, .. }) = text.pop() else { return None };
    if let Some(Inline::Text(before)) = text.last_mut() {
        let kept = before.trim_end().len();
        before.truncate(kept);
    }
    Some(href)
}

/// Reads the section opened at `lines[start]`; returns the index of the first line after it.
fn section(lines: &[Line<'_>], start: usize, parts: &mut Parts, diagnostics: &mut Diagnostics<'_>) -> usize {
    let opening = lines[start];
    let name = opening.text.trim().trim_start_matches(':').trim();
    if name.is_empty() {
        diagnostics.error(
            opening.number,
            "this `:::` closes a section, but no section is open here: delete it, or open one such as `::: demands`",
        );
        return start + 1;
    }
    let mut end = start + 1;
    let mut closed = false;
    while end < lines.len() {
        let trimmed = lines[end].text.trim();
        if trimmed == ":::" {
            closed = true;
            break;
        }
        // Sections do not nest and notes are defined outside them: either ends an unclosed one.
        if trimmed.starts_with(":::") || definition_label(lines[end].text).is_some() {
            break;
        }
        end += 1;
    }
    if !closed {
        let place =
            lines.get(end).map_or("at the end of the file".to_string(), |l| format!("before line {}", l.number));
        diagnostics.error(
            opening.number,
            format!("the `::: {name}` section that opens here is not closed: add a line `:::` {place}"),
        );
    }
    let inner = &lines[start + 1..end];
    let after = if closed { end + 1 } else { end };

    if matches!(name, "recipient" | "organizations" | "individuals" | "cc" | "contact") {
        if let Some(earlier) = parts.single_sections.get(name) {
            diagnostics.error(
                opening.number,
                format!("a letter has one `::: {name}` section and it opens on line {earlier}: merge the two"),
            );
            return after;
        }
        parts.single_sections.insert(name.to_string(), opening.number);
    }
    match name {
        "recipient" => {
            parts.recipient = inner.iter().filter(|l| !l.is_blank()).map(|l| l.text.trim().to_string()).collect()
        }
        "demands" => {
            let list = demands::parse(inner, &mut parts.footnote_uses, &mut parts.demand_ids, diagnostics);
            if list.is_empty() {
                diagnostics.error(
                    opening.number,
                    "this `::: demands` section has no demands: add lines `- {#an-id} what the letter asks for`",
                );
            }
            parts.body.push(Block::Demands(list));
        }
        "quote" => {
            let blocks = flow(inner, &mut parts.footnote_uses, diagnostics);
            if blocks.is_empty() {
                diagnostics
                    .error(opening.number, "this `::: quote` section is empty: put the quoted text between its lines");
            }
            parts.body.push(Block::Quote(blocks));
        }
        "organizations" => {
            parts.signatories.organizations = list_items(inner, "organization", diagnostics)
                .into_iter()
                .map(|(_, name)| Organization { name: name.to_string() })
                .collect();
        }
        "individuals" => parts.signatories.individuals = individuals(inner, diagnostics),
        "cc" => {
            parts.cc = list_items(inner, "cc recipient", diagnostics).into_iter().map(|(_, s)| s.to_string()).collect()
        }
        "contact" => {
            let text: Vec<Line<'_>> = inner.iter().copied().filter(|l| !l.is_blank()).collect();
            parts.contact = inline::parse(&text, Notes::Allowed(&mut parts.footnote_uses), diagnostics);
        }
        other => {
            diagnostics.error(opening.number, format!("unknown section `::: {other}`: the sections are {SECTIONS}"))
        }
    }
    after
}

/// The `- item` lines of a signatory or cc section, with their line numbers.
fn list_items<'a>(lines: &[Line<'a>], what: &str, diagnostics: &mut Diagnostics<'_>) -> Vec<(usize, &'a str)> {
    let mut items = Vec::new();
    for line in lines.iter().filter(|l| !l.is_blank()) {
        match line.text.trim().strip_prefix("- ").map(str::trim).filter(|s| !s.is_empty()) {
            Some(item) => items.push((line.number, item)),
            None => diagnostics.error(
                line.number,
                format!("each {what} is one line that starts with `- `, found `{}`", line.text.trim()),
            ),
        }
    }
    items
}

/// `- Name | Title | Affiliation`, the last two optional.
fn individuals(lines: &[Line<'_>], diagnostics: &mut Diagnostics<'_>) -> Vec<Individual> {
    let mut people = Vec::new();
    for (number, item) in list_items(lines, "individual", diagnostics) {
        let fields: Vec<&str> = item.split('|').map(str::trim).collect();
        let optional = |i: usize| fields.get(i).filter(|s| !s.is_empty()).map(|s| s.to_string());
        if fields.len() > 3 {
            diagnostics.error(number, "an individual has at most three fields: `- Name | Title | Affiliation`");
        } else if fields[0].is_empty() {
            diagnostics.error(number, "this individual has no name: write `- Name | Title | Affiliation`");
        } else {
            people.push(Individual { name: fields[0].to_string(), title: optional(1), affiliation: optional(2) });
        }
    }
    people
}

/// Paragraphs (lines separated by blank lines) and `- ` lists, as in Markdown.
fn flow(lines: &[Line<'_>], uses: &mut Vec<FootnoteUse>, diagnostics: &mut Diagnostics<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<Line<'_>> = Vec::new();
    let mut items: Vec<Vec<Line<'_>>> = Vec::new();
    let mut flush = |paragraph: &mut Vec<Line<'_>>,
                     items: &mut Vec<Vec<Line<'_>>>,
                     blocks: &mut Vec<Block>,
                     diagnostics: &mut Diagnostics<'_>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inline::parse(paragraph, Notes::Allowed(uses), diagnostics)));
            paragraph.clear();
        }
        if !items.is_empty() {
            let list = items.iter().map(|item| inline::parse(item, Notes::Allowed(uses), diagnostics)).collect();
            blocks.push(Block::List(list));
            items.clear();
        }
    };
    for &line in lines {
        let trimmed = line.text.trim_start();
        if line.is_blank() {
            flush(&mut paragraph, &mut items, &mut blocks, diagnostics);
        } else if definition_label(trimmed).is_some() {
            diagnostics.error(
                line.number,
                "define notes outside sections, at the start of a line: move this `[^…]:` line below the closing `:::`",
            );
        } else if let Some(item) = line.text.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut paragraph, &mut items, &mut blocks, diagnostics);
            }
            items.push(vec![Line { number: line.number, text: item }]);
        } else if let Some(item) = items.last_mut() {
            if line.indent() > 0 && trimmed.starts_with("- ") {
                diagnostics.error(
                    line.number,
                    "lists nest only inside `::: demands`: make this a separate item without indentation",
                );
            } else {
                item.push(line);
            }
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut items, &mut blocks, diagnostics);
    blocks
}
