//! Text inside a paragraph, list item, demand or note: `*emphasis*`, `**strong**`,
//! `[text](https://…)`, `<https://…>`, footnote references `[^label]`, and `\` escapes.
//!
//! Anything else is text as written: `[w]e`, `[…]` and `[]` in quotations stay literal, because a
//! bracket only starts a link when `](` follows it.

use super::{Diagnostics, Line};
use crate::campaign::{is_safe_href, Inline};

/// A footnote reference as written, before notes are numbered. The compiled text holds
/// `Inline::FootnoteRef(i)` with `i` the index of its use in the list of uses until
/// `footnotes::resolve` replaces it with the note's number.
pub(super) struct FootnoteUse {
    pub label: String,
    pub line: usize,
}

/// Where the text sits, which decides whether it may refer to notes.
pub(super) enum Notes<'u> {
    /// Text of the letter: references are recorded here.
    Allowed(&'u mut Vec<FootnoteUse>),
    /// The text of a note itself: a note cannot have notes.
    Forbidden,
}

/// Parses the text of `lines`, joined by single spaces, into inlines.
pub(super) fn parse(lines: &[Line<'_>], notes: Notes<'_>, diagnostics: &mut Diagnostics<'_>) -> Vec<Inline> {
    let mut text = String::new();
    let mut starts = Vec::new();
    for line in lines {
        if !text.is_empty() {
            text.push(' ');
        }
        starts.push((text.len(), line.number));
        text.push_str(line.text.trim());
    }
    let mut parser = Parser { text: &text, starts, notes, diagnostics };
    parser.parse(0, text.len(), None).inlines
}

struct Parser<'t, 'u, 'd, 'f> {
    text: &'t str,
    /// (byte offset in `text`, source line number) of each joined line.
    starts: Vec<(usize, usize)>,
    notes: Notes<'u>,
    diagnostics: &'d mut Diagnostics<'f>,
}

struct Parsed {
    inlines: Vec<Inline>,
    /// The offset just after what was consumed (after the closing delimiter when there was one).
    end: usize,
    closed: bool,
}

/// Builds a list of inlines, merging adjacent text.
#[derive(Default)]
struct Builder {
    inlines: Vec<Inline>,
    text: String,
}

impl Builder {
    fn text(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn inline(&mut self, inline: Inline) {
        self.flush();
        self.inlines.push(inline);
    }

    fn extend(&mut self, inlines: Vec<Inline>) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => self.text(&t),
                other => self.inline(other),
            }
        }
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.inlines.push(Inline::Text(std::mem::take(&mut self.text)));
        }
    }

    fn finish(mut self) -> Vec<Inline> {
        self.flush();
        self.inlines
    }
}

impl Parser<'_, '_, '_, '_> {
    fn line_at(&self, offset: usize) -> usize {
        self.starts.iter().rev().find(|(start, _)| *start <= offset).map_or(0, |(_, line)| *line)
    }

    /// Parses `text[pos..end]` up to the `closing` delimiter, if one is given.
    fn parse(&mut self, mut pos: usize, end: usize, closing: Option<&'static str>) -> Parsed {
        let mut out = Builder::default();
        while pos < end {
            let rest = &self.text[pos..end];
            if let Some(delimiter) = closing {
                let doubled = delimiter == "*" && rest.starts_with("**");
                if rest.starts_with(delimiter) && !doubled {
                    return Parsed { inlines: out.finish(), end: pos + delimiter.len(), closed: true };
                }
            }
            let Some(ch) = rest.chars().next() else { break };
            match ch {
                '\\' => {
                    let next = rest[1..].chars().next().filter(|c| c.is_ascii_punctuation());
                    match next {
                        Some(escaped) => {
                            out.text(&rest[1..1 + escaped.len_utf8()]);
                            pos += 1 + escaped.len_utf8();
                        }
                        None => {
                            out.text("\\");
                            pos += 1;
                        }
                    }
                }
                '*' => pos = self.emphasis(pos, end, &mut out),
                '[' => pos = self.bracket(pos, end, &mut out),
                '<' => pos = self.autolink(pos, end, &mut out),
                _ => {
                    out.text(&rest[..ch.len_utf8()]);
                    pos += ch.len_utf8();
                }
            }
        }
        Parsed { inlines: out.finish(), end: pos, closed: false }
    }

    fn emphasis(&mut self, pos: usize, end: usize, out: &mut Builder) -> usize {
        let delimiter = if self.text[pos..end].starts_with("**") { "**" } else { "*" };
        let inner = self.parse(pos + delimiter.len(), end, Some(delimiter));
        if inner.closed {
            out.inline(if delimiter == "**" { Inline::Strong(inner.inlines) } else { Inline::Emphasis(inner.inlines) });
        } else {
            let what = if delimiter == "**" { "strong emphasis" } else { "emphasis" };
            self.diagnostics.error(
                self.line_at(pos),
                format!("`{delimiter}` opens {what} that is never closed: close it with `{delimiter}`, or write `\\*` for an asterisk"),
            );
            out.text(delimiter);
            out.extend(inner.inlines);
        }
        inner.end
    }

    /// `[^label]`, `[text](url)`, or a literal bracket.
    fn bracket(&mut self, pos: usize, end: usize, out: &mut Builder) -> usize {
        let rest = &self.text[pos..end];
        if let Some(after_caret) = rest.strip_prefix("[^") {
            if let Some(close) = after_caret.find(']') {
                let label = &after_caret[..close];
                if is_label(label) {
                    self.footnote_ref(label, pos, out);
                    return pos + 2 + close + 1;
                }
            }
        }
        if let Some(close) = matching_bracket(rest) {
            if let Some(after) = rest[close + 1..].strip_prefix('(') {
                if let Some(paren) = after.find(')') {
                    let href = after[..paren].trim();
                    let children = self.parse(pos + 1, pos + close, None).inlines;
                    if is_safe_href(href) {
                        out.inline(Inline::Link { href: href.to_string(), children });
                    } else {
                        self.diagnostics.error(
                            self.line_at(pos),
                            format!("the link target `{href}` is not allowed: links must start with https://, http:// or mailto:"),
                        );
                        out.extend(children);
                    }
                    return pos + close + 2 + paren + 1;
                }
            }
        }
        out.text("[");
        pos + 1
    }

    fn footnote_ref(&mut self, label: &str, pos: usize, out: &mut Builder) {
        let line = self.line_at(pos);
        match &mut self.notes {
            Notes::Allowed(uses) => {
                let index = u32::try_from(uses.len()).unwrap_or(u32::MAX);
                uses.push(FootnoteUse { label: label.to_string(), line });
                out.inline(Inline::FootnoteRef(index));
            }
            Notes::Forbidden => {
                self.diagnostics.error(
                    line,
                    format!(
                        "a note cannot refer to another note (`[^{label}]`): write \"see note …\" in words instead"
                    ),
                );
            }
        }
    }

    /// `<https://…>` or `<mailto:…>`; any other `<` is text.
    fn autolink(&mut self, pos: usize, end: usize, out: &mut Builder) -> usize {
        let rest = &self.text[pos..end];
        if let Some(close) = rest.find('>') {
            let target = &rest[1..close];
            if is_safe_href(target) {
                let shown = target.strip_prefix("mailto:").unwrap_or(target);
                out.inline(Inline::Link { href: target.to_string(), children: vec![Inline::Text(shown.to_string())] });
                return pos + close + 1;
            }
        }
        out.text("<");
        pos + 1
    }
}

/// A footnote label: letters, digits, `-` and `_`.
pub(super) fn is_label(label: &str) -> bool {
    !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The offset of the `]` that closes the `[` at the start of `s`, skipping escaped and nested
/// brackets.
fn matching_bracket(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authoring::Diagnostics;

    fn parse_one(text: &str) -> (Vec<Inline>, Vec<String>, Vec<FootnoteUse>) {
        let mut diagnostics = Diagnostics { file: "t.md", errors: Vec::new() };
        let mut uses = Vec::new();
        let inlines = parse(&[Line { number: 7, text }], Notes::Allowed(&mut uses), &mut diagnostics);
        (inlines, diagnostics.errors.into_iter().map(|e| e.to_string()).collect(), uses)
    }

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn emphasis_links_notes_and_escapes() {
        let (inlines, errors, uses) = parse_one(r"A *b **c*** [d](https://e.org) <mailto:f@g.org>[^n1] \*x\* \q");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            inlines,
            vec![
                t("A "),
                Inline::Emphasis(vec![t("b "), Inline::Strong(vec![t("c")])]),
                t(" "),
                Inline::Link { href: "https://e.org".into(), children: vec![t("d")] },
                t(" "),
                Inline::Link { href: "mailto:f@g.org".into(), children: vec![t("f@g.org")] },
                Inline::FootnoteRef(0),
                t(r" *x* \q"),
            ]
        );
        assert_eq!(uses[0].label, "n1");
        assert_eq!(uses[0].line, 7);
    }

    #[test]
    fn brackets_without_a_link_stay_text() {
        let (inlines, errors, _) = parse_one("“[w]e must” [] civil liberties; […] a < b");
        assert!(errors.is_empty());
        assert_eq!(inlines, vec![t("“[w]e must” [] civil liberties; […] a < b")]);
    }

    #[test]
    fn unclosed_emphasis_and_unsafe_links_are_errors() {
        let (inlines, errors, _) = parse_one("a *b [x](javascript:alert(1))");
        assert_eq!(inlines, vec![t("a *b x)")]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.starts_with("t.md:7: ")));
    }
}
