//! Running text: what a paragraph, a demand, a list item or a footnote is made of.

use crate::json::{self, FromJson, Reader};
use serde::{Deserialize, Serialize};

/// A piece of running text. Serialized externally tagged and in `snake_case`:
/// `{"text": "…"}`, `{"emphasis": [...]}`, `{"link": {"href": "…", "children": [...]}}`,
/// `{"footnote_ref": 3}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inline {
    /// Plain text, shown as is (never interpreted as markup).
    Text(String),
    /// Emphasized text (`<em>`).
    Emphasis(Vec<Inline>),
    /// Strongly emphasized text (`<strong>`).
    Strong(Vec<Inline>),
    /// A link to another page.
    Link { href: String, children: Vec<Inline> },
    /// A reference to footnote `n` (1-based) of the campaign.
    FootnoteRef(u32),
}

/// Read by the widget without serde (see `json`), as serde reads it.
impl FromJson for Inline {
    fn read(r: &mut Reader<'_>) -> json::Result<Inline> {
        let inline = match r.variant(&["text", "emphasis", "strong", "link", "footnote_ref"])? {
            0 => Inline::Text(r.string()?),
            1 => Inline::Emphasis(r.read()?),
            2 => Inline::Strong(r.read()?),
            3 => {
                const FIELDS: [&str; 2] = ["href", "children"];
                let (mut href, mut children) = (String::new(), Vec::new());
                r.object(&FIELDS, 2, &mut |r, field| {
                    match field {
                        0 => href = r.string()?,
                        _ => children = r.read()?,
                    }
                    Ok(())
                })?;
                Inline::Link { href, children }
            }
            _ => Inline::FootnoteRef(r.u32()?),
        };
        r.end_variant()?;
        Ok(inline)
    }
}

/// The text a reader sees, without markup and without footnote markers.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => out.push_str(text),
            Inline::Emphasis(children) | Inline::Strong(children) | Inline::Link { children, .. } => {
                push_plain_text(children, out)
            }
            Inline::FootnoteRef(_) => {}
        }
    }
}

/// Calls `visit` with the number of every footnote reference in `inlines`, in reading order.
pub fn for_each_footnote_ref(inlines: &[Inline], visit: &mut impl FnMut(u32)) {
    for inline in inlines {
        match inline {
            Inline::FootnoteRef(n) => visit(*n),
            Inline::Emphasis(children) | Inline::Strong(children) | Inline::Link { children, .. } => {
                for_each_footnote_ref(children, visit)
            }
            Inline::Text(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup_and_markers() {
        let inlines = vec![
            Inline::Text("See ".into()),
            Inline::Emphasis(vec![Inline::Text("this".into())]),
            Inline::FootnoteRef(2),
            Inline::Link {
                href: "https://example.org".into(),
                children: vec![Inline::Strong(vec![Inline::Text(" page".into())])],
            },
        ];
        assert_eq!(plain_text(&inlines), "See this page");
        let mut refs = vec![];
        for_each_footnote_ref(&inlines, &mut |n| refs.push(n));
        assert_eq!(refs, [2]);
    }
}
