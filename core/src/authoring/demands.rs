//! The demand list inside `::: demands`: one `- {#id} text` line per demand, nested by two
//! spaces per level, with optional attributes `status=…` and `note="…"`:
//!
//! ```text
//! - {#contract-details} all details of the contract;
//! - {#spyware} in case the technology is spyware:
//!   - {#eo14093-dni-request status=partially_disclosed note="Released in part."} whether …
//! ```

use super::inline::{self, FootnoteUse, Notes};
use super::{Diagnostics, Line};
use crate::campaign::{is_valid_id, Demand};
use crate::status::DemandStatus;
use std::collections::HashMap;

/// A demand read from its line, with the lines of its text, before nesting.
struct FlatDemand<'a> {
    level: usize,
    line: usize,
    id: String,
    status: DemandStatus,
    note: Option<String>,
    text: Vec<Line<'a>>,
}

/// Reads one `::: demands` section. `ids` holds every demand id of the file with its line, so
/// that an id is unique across all the demand lists of a campaign.
pub(super) fn parse(
    lines: &[Line<'_>],
    uses: &mut Vec<FootnoteUse>,
    ids: &mut HashMap<String, usize>,
    diagnostics: &mut Diagnostics<'_>,
) -> Vec<Demand> {
    let mut flat: Vec<FlatDemand<'_>> = Vec::new();
    // After a line that could not be read, its continuation lines are skipped, not misattributed.
    let mut skipping = false;
    for &line in lines {
        if line.is_blank() {
            continue;
        }
        if line.text.trim_start_matches(' ').starts_with('\t') {
            diagnostics.error(line.number, "indent demands with spaces, not tabs: two spaces per level");
            skipping = true;
            continue;
        }
        let indent = line.indent();
        let content = &line.text[indent..];
        let Some(item) = content.strip_prefix("- ").or_else(|| (content == "-").then_some("")) else {
            match flat.last_mut() {
                Some(last) if !skipping && indent > last.level * 2 => last.text.push(line),
                _ if skipping => {}
                _ => diagnostics.error(
                    line.number,
                    format!("expected a demand here, a line `- {{#an-id}} text`, found `{}`; continue a demand's text on lines indented under it", content.trim()),
                ),
            }
            continue;
        };
        skipping = true;
        if indent % 2 != 0 {
            diagnostics.error(
                line.number,
                format!(
                    "this demand is indented by {indent} spaces: nest demands by two spaces per level (0, 2, 4, …)"
                ),
            );
            continue;
        }
        let level = indent / 2;
        match flat.last() {
            None if level > 0 => {
                diagnostics
                    .error(line.number, "the first demand of a list is not indented: remove the spaces before `-`");
                continue;
            }
            Some(previous) if level > previous.level + 1 => {
                diagnostics.error(
                    line.number,
                    format!("this demand is nested {} levels under the demand on line {}: nest one level (two spaces) at a time", level - previous.level, previous.line),
                );
                continue;
            }
            _ => {}
        }
        let Some(parsed) = demand_line(item, line.number, ids, diagnostics) else { continue };
        skipping = false;
        let (id, status, note, text) = parsed;
        flat.push(FlatDemand {
            level,
            line: line.number,
            id,
            status,
            note,
            text: vec![Line { number: line.number, text }],
        });
    }
    nest(flat, uses, diagnostics)
}

/// Reads `{#id status=… note="…"} text`; reports what is wrong and returns None when it cannot.
fn demand_line<'a>(
    item: &'a str,
    number: usize,
    ids: &mut HashMap<String, usize>,
    diagnostics: &mut Diagnostics<'_>,
) -> Option<(String, DemandStatus, Option<String>, &'a str)> {
    let missing_id = "this demand has no id: start it with one in braces, such as `- {#contract-details} …`; \
                      status updates refer to the id, so it stays the same when the wording changes";
    let Some(after_brace) = item.trim_start().strip_prefix('{') else {
        diagnostics.error(number, missing_id);
        return None;
    };
    let Some((attributes, text)) = after_brace.split_once('}') else {
        diagnostics.error(number, "the `{` that starts this demand's attributes is never closed: add `}` after the id");
        return None;
    };
    let attributes = match parse_attributes(attributes) {
        Ok(attributes) => attributes,
        Err(message) => {
            diagnostics.error(number, message);
            return None;
        }
    };
    let Some(id) = attributes.id else {
        diagnostics.error(number, missing_id);
        return None;
    };
    if !is_valid_id(&id) {
        diagnostics.error(number, format!("the demand id `{id}` is not valid: use lowercase letters, digits and single hyphens, such as `eo14093-dni-request`"));
        return None;
    }
    if let Some(first) = ids.get(&id) {
        diagnostics.error(
            number,
            format!("the demand id `{id}` is already used on line {first}: give each demand its own id"),
        );
        return None;
    }
    ids.insert(id.clone(), number);
    if text.trim().is_empty() {
        diagnostics
            .error(number, format!("the demand `{id}` has no text: write what the letter asks for after the `}}`"));
        return None;
    }
    Some((id, attributes.status.unwrap_or_default(), attributes.note, text))
}

#[derive(Default)]
struct Attributes {
    id: Option<String>,
    status: Option<DemandStatus>,
    note: Option<String>,
}

/// `#id status=name note="text"`, in any order.
fn parse_attributes(mut rest: &str) -> Result<Attributes, String> {
    let mut attributes = Attributes::default();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(attributes);
        }
        if let Some(after) = rest.strip_prefix('#') {
            let end = after.find(' ').unwrap_or(after.len());
            if attributes.id.replace(after[..end].to_string()).is_some() {
                return Err("this demand has two ids: keep one `#id` in its braces".into());
            }
            rest = &after[end..];
            continue;
        }
        let Some((key, after_equals)) = rest.split_once('=') else {
            return Err(format!("cannot read `{rest}` in this demand's braces: write `{{#an-id}}`, optionally with `status=…` and `note=\"…\"`"));
        };
        let (value, after_value) = if let Some(quoted) = after_equals.strip_prefix('"') {
            let close = quoted
                .find('"')
                .ok_or_else(|| format!("the quoted value of `{key}` is never closed: end it with `\"`"))?;
            (&quoted[..close], &quoted[close + 1..])
        } else {
            let end = after_equals.find(' ').unwrap_or(after_equals.len());
            (&after_equals[..end], &after_equals[end..])
        };
        match key.trim() {
            "status" => attributes.status = Some(DemandStatus::parse(value)?),
            "note" => attributes.note = Some(value.to_string()).filter(|n| !n.trim().is_empty()),
            other => {
                return Err(format!(
                    "unknown demand attribute `{other}`: a demand has `#id`, `status=…` and `note=\"…\"`"
                ))
            }
        }
        rest = after_value;
    }
}

/// Builds the tree from demands in reading order with their nesting levels (each at most one
/// level deeper than the one before, which `parse` checked).
fn nest(flat: Vec<FlatDemand<'_>>, uses: &mut Vec<FootnoteUse>, diagnostics: &mut Diagnostics<'_>) -> Vec<Demand> {
    let mut roots = Vec::new();
    let mut open: Vec<Demand> = Vec::new();
    let close_to = |level: usize, open: &mut Vec<Demand>, roots: &mut Vec<Demand>| {
        while open.len() > level {
            let Some(done) = open.pop() else { break };
            match open.last_mut() {
                Some(parent) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    };
    for demand in flat {
        close_to(demand.level, &mut open, &mut roots);
        let text = inline::parse(&demand.text, Notes::Allowed(uses), diagnostics);
        open.push(Demand { id: demand.id, text, status: demand.status, note: demand.note, children: Vec::new() });
    }
    close_to(0, &mut open, &mut roots);
    roots
}
