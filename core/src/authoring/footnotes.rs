//! Numbering the notes: a note's number is the order in which the letter first refers to it,
//! reading the letter as the widget shows it (body, then the contact line). Every reference must
//! have a definition and every definition a reference.

use super::blocks::FootnoteDefinition;
use super::inline::FootnoteUse;
use super::Diagnostics;
use crate::campaign::{Block, Campaign, Demand, Footnote, Inline};
use std::collections::HashMap;

/// Replaces the provisional references in `campaign` by note numbers and returns the notes in
/// number order.
pub(super) fn resolve(
    campaign: &mut Campaign,
    uses: &[FootnoteUse],
    definitions: &mut Vec<FootnoteDefinition>,
    diagnostics: &mut Diagnostics<'_>,
) -> Vec<Footnote> {
    let by_label: HashMap<&str, usize> = definitions.iter().enumerate().map(|(i, d)| (d.label.as_str(), i)).collect();
    let mut number_of: HashMap<usize, u32> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    for_each_reference(campaign, &mut |reference| {
        let Some(used) = usize::try_from(*reference).ok().and_then(|i| uses.get(i)) else { return };
        match by_label.get(used.label.as_str()) {
            Some(&definition) => {
                *reference = *number_of.entry(definition).or_insert_with(|| {
                    order.push(definition);
                    u32::try_from(order.len()).unwrap_or(u32::MAX)
                });
            }
            None => diagnostics.error(
                used.line,
                format!(
                    "note `[^{0}]` is used here but never defined: add a line `[^{0}]: …` with its text",
                    used.label
                ),
            ),
        }
    });
    for (index, definition) in definitions.iter().enumerate() {
        match number_of.get(&index) {
            None => diagnostics.error(
                definition.line,
                format!(
                    "note `[^{}]` is defined but never used: refer to it in the text with `[^{0}]`, or delete it",
                    definition.label
                ),
            ),
            Some(&number) => {
                if definition.label.parse::<u32>().is_ok_and(|written| written != number) {
                    diagnostics.error(
                        definition.line,
                        format!(
                            "note `[^{}]` is shown as note {number}, because it is note {number} in reading order: \
                             renumber the notes in the order the text refers to them, or give them names instead of numbers",
                            definition.label
                        ),
                    );
                }
            }
        }
    }
    let mut taken: Vec<Option<FootnoteDefinition>> = definitions.drain(..).map(Some).collect();
    order
        .into_iter()
        .filter_map(|index| taken[index].take())
        .map(|definition| Footnote { text: definition.text, link: definition.link })
        .collect()
}

/// Visits every footnote reference in reading order.
fn for_each_reference(campaign: &mut Campaign, visit: &mut impl FnMut(&mut u32)) {
    for block in &mut campaign.body {
        in_block(block, visit);
    }
    in_inlines(&mut campaign.contact, visit);
}

fn in_block(block: &mut Block, visit: &mut impl FnMut(&mut u32)) {
    match block {
        Block::Paragraph(inlines) => in_inlines(inlines, visit),
        Block::List(items) => items.iter_mut().for_each(|item| in_inlines(item, visit)),
        Block::Demands(demands) => demands.iter_mut().for_each(|demand| in_demand(demand, visit)),
        Block::Quote(blocks) => blocks.iter_mut().for_each(|block| in_block(block, visit)),
    }
}

fn in_demand(demand: &mut Demand, visit: &mut impl FnMut(&mut u32)) {
    in_inlines(&mut demand.text, visit);
    demand.children.iter_mut().for_each(|child| in_demand(child, visit));
}

fn in_inlines(inlines: &mut [Inline], visit: &mut impl FnMut(&mut u32)) {
    for inline in inlines {
        match inline {
            Inline::FootnoteRef(reference) => visit(reference),
            Inline::Emphasis(children) | Inline::Strong(children) | Inline::Link { children, .. } => {
                in_inlines(children, visit)
            }
            Inline::Text(_) => {}
        }
    }
}
