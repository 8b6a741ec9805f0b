//! Cleaning free text a visitor typed: the one definition of "normalized" for every text field.
//!
//! The steps, in this order (the order makes the result a fixed point, see the property tests):
//! 1. remove control characters and the invisible characters that reorder or hide text
//!    (bidi overrides, embeddings, isolates and marks, zero-width space, byte-order mark);
//! 2. collapse every run of whitespace (tabs and line breaks included) to one space and trim;
//! 3. Unicode NFC, so that "é" typed as one code point or as "e" + combining accent is one name.
//!
//! Removing before normalizing matters: a removed character between a letter and its combining
//! mark would otherwise leave a non-NFC pair behind. NFC is supplied by the caller (see
//! [`super::Nfc`]) because the widget borrows the browser's normalizer instead of shipping tables.

use super::Nfc;

/// Whether `c` is dropped from visitor text: controls and the characters used to disguise text.
///
/// Zero-width joiner and non-joiner (U+200C, U+200D) stay: Persian, Indic scripts and emoji need them.
pub fn is_removed(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c,
            '\u{061C}'                 // Arabic letter mark
            | '\u{200B}'               // zero-width space
            | '\u{200E}' | '\u{200F}'  // left-to-right / right-to-left marks
            | '\u{202A}'..='\u{202E}'  // embeddings and overrides
            | '\u{2060}'               // word joiner
            | '\u{2066}'..='\u{2069}'  // isolates
            | '\u{FEFF}'               // byte-order mark / zero-width no-break space
        )
}

/// `raw` cleaned as described in the module documentation.
pub fn clean(raw: &str, nfc: Nfc) -> String {
    let mut collapsed = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars().filter(|&c| !is_removed(c)) {
        if c.is_whitespace() {
            pending_space = !collapsed.is_empty();
        } else {
            if pending_space {
                collapsed.push(' ');
                pending_space = false;
            }
            collapsed.push(c);
        }
    }
    let normalized = nfc(&collapsed);
    // NFC maps no non-space character to a space, and spaces to nothing else, so this is only a
    // guard: it keeps `clean` a fixed point even if a normalizer were to disagree.
    if normalized.starts_with(char::is_whitespace) || normalized.ends_with(char::is_whitespace) {
        normalized.trim().to_string()
    } else {
        normalized
    }
}

/// `raw` cleaned and cut to at most `max` characters, for fields that must never block a signature
/// (tracking data from the page URL): too long is shortened, not refused.
pub fn clean_to_limit(raw: &str, max: usize, nfc: Nfc) -> String {
    let mut text = clean(raw, nfc);
    // Cutting can leave a trailing space, so clean the prefix again; a prefix of clean text never
    // grows when cleaned, so this loop runs at most a couple of times.
    while text.chars().count() > max {
        let prefix: String = text.chars().take(max).collect();
        text = clean(&prefix, nfc);
    }
    text
}

/// The number of characters (Unicode scalar values) limits are counted in.
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}
