//! Decisions about the letter's layout that need no browser: where a long letter is cut for its
//! collapsed opening, and the element ids that footnote markers and notes link by.
//!
//! Ids only need to be unique inside one widget's shadow root, so they are fixed strings.

use undersigned_core::campaign::{plain_text, Block, Campaign, Demand};

/// A letter whose body is shorter than this (in characters) is shown whole, without a control.
const LONG_LETTER_CHARS: usize = 1_500;
/// The collapsed opening shows body blocks until it has at least this many characters.
const OPENING_CHARS: usize = 400;

/// The id of the part of the letter that a long letter hides until the reader expands it.
pub const REST_ID: &str = "letter-rest";
/// The id of the visually hidden heading of the notes.
pub const NOTES_HEADING_ID: &str = "letter-notes-heading";

/// How many body blocks the collapsed opening shows, or None when the letter is short enough to
/// show whole.
pub fn opening_blocks(campaign: &Campaign) -> Option<usize> {
    let lengths: Vec<usize> = campaign.body.iter().map(block_chars).collect();
    if lengths.iter().sum::<usize>() < LONG_LETTER_CHARS {
        return None;
    }
    let mut shown = 0;
    for (index, length) in lengths.iter().enumerate() {
        shown += length;
        if shown >= OPENING_CHARS {
            return Some(index + 1);
        }
    }
    Some(lengths.len())
}

fn block_chars(block: &Block) -> usize {
    match block {
        Block::Paragraph(inlines) => plain_text(inlines).chars().count(),
        Block::List(items) => items.iter().map(|item| plain_text(item).chars().count()).sum(),
        Block::Demands(demands) => demands_chars(demands),
        Block::Quote(blocks) => blocks.iter().map(block_chars).sum(),
    }
}

fn demands_chars(demands: &[Demand]) -> usize {
    demands.iter().map(|d| plain_text(&d.text).chars().count() + demands_chars(&d.children)).sum()
}

/// The id of note `number`'s list item.
pub fn note_id(number: u32) -> String {
    format!("fn-{number}")
}

/// The id of the `occurrence`-th (0-based) marker that refers to note `number`.
pub fn marker_id(number: u32, occurrence: u32) -> String {
    match occurrence {
        0 => format!("fnref-{number}"),
        n => format!("fnref-{number}-{}", n + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use undersigned_core::campaign::Inline;

    fn campaign(paragraphs: &[usize]) -> Campaign {
        let body = paragraphs.iter().map(|n| Block::Paragraph(vec![Inline::Text("x".repeat(*n))])).collect();
        Campaign { body, ..Campaign::new("t", "T", "D") }
    }

    #[test]
    fn short_letters_show_whole_and_long_ones_open_with_enough_text() {
        assert_eq!(opening_blocks(&campaign(&[300, 300])), None);
        assert_eq!(opening_blocks(&campaign(&[300, 300, 600, 600])), Some(2));
        assert_eq!(opening_blocks(&campaign(&[900, 300, 600])), Some(1));
    }

    #[test]
    fn ids() {
        assert_eq!(note_id(27), "fn-27");
        assert_eq!(marker_id(3, 0), "fnref-3");
        assert_eq!(marker_id(3, 1), "fnref-3-2");
    }
}
