//! Searching text with LIKE the same way on both backends. A module of its own because the audit
//! log's and the signers' searches both need it (so neither topic file imports the other).

/// `text` for a LIKE pattern with its wildcards taken literally... as far as both backends agree:
/// without an ESCAPE clause, `%` and `_` are simply dropped from the search.
pub(crate) fn like_escape(text: &str) -> String {
    text.chars().filter(|c| *c != '%' && *c != '_').collect()
}
