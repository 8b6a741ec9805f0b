//! Writing HTML safely: every piece of text the pages show goes through [`escape`] (text and
//! attribute values alike), and running text of a campaign through [`inlines`], which renders
//! only links whose target passes core's [`is_safe_href`].

use super::text::Lang;
use std::fmt::Write as _;
use undersigned_core::campaign::{is_safe_href, Inline};

/// `text` with the five characters that are markup in HTML text or in a quoted attribute value
/// (`&`, `<`, `>`, `"`, `'`) written as character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Running text as HTML: emphasis, links (unsafe targets become plain text) and footnote
/// references that link to the note (`#note-N`) and back (`#ref-N`; the first reference only,
/// so ids stay unique).
pub fn inlines(items: &[Inline], lang: Lang, seen_refs: &mut Vec<u32>, out: &mut String) {
    for item in items {
        match item {
            Inline::Text(text) => out.push_str(&escape(text)),
            Inline::Emphasis(children) => wrap("em", children, lang, seen_refs, out),
            Inline::Strong(children) => wrap("strong", children, lang, seen_refs, out),
            Inline::Link { href, children } if is_safe_href(href) => {
                let _ = write!(out, "<a href=\"{}\">", escape(href));
                inlines(children, lang, seen_refs, out);
                out.push_str("</a>");
            }
            Inline::Link { children, .. } => inlines(children, lang, seen_refs, out),
            Inline::FootnoteRef(n) => {
                let id = if seen_refs.contains(n) {
                    String::new()
                } else {
                    seen_refs.push(*n);
                    format!(" id=\"ref-{n}\"")
                };
                let label = escape(&lang.format("letter.footnote_ref", &[("number", &n.to_string())]));
                let _ = write!(out, "<sup><a href=\"#note-{n}\"{id} aria-label=\"{label}\">{n}</a></sup>");
            }
        }
    }
}

fn wrap(tag: &str, children: &[Inline], lang: Lang, seen_refs: &mut Vec<u32>, out: &mut String) {
    let _ = write!(out, "<{tag}>");
    inlines(children, lang, seen_refs, out);
    let _ = write!(out, "</{tag}>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text_and_attributes() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("Ana López"), "Ana López");
    }

    #[test]
    fn unsafe_links_are_text_and_repeated_notes_get_one_id() {
        let items = vec![
            Inline::Link { href: "javascript:alert(1)".into(), children: vec![Inline::Text("bad".into())] },
            Inline::Link { href: "https://example.org/?a=1&b=2".into(), children: vec![Inline::Text("good".into())] },
            Inline::FootnoteRef(2),
            Inline::FootnoteRef(2),
        ];
        let mut out = String::new();
        inlines(&items, Lang::ENGLISH, &mut Vec::new(), &mut out);
        assert_eq!(
            out,
            "bad<a href=\"https://example.org/?a=1&amp;b=2\">good</a><sup><a href=\"#note-2\" id=\"ref-2\" aria-label=\"Footnote 2\">2</a></sup><sup><a href=\"#note-2\" aria-label=\"Footnote 2\">2</a></sup>"
        );
    }
}
