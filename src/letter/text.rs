//! Running text: emphasis, links and footnote markers.
//!
//! Rendering walks the letter once, in reading order, with a [`TextContext`] that numbers the
//! markers of each note (a note can be referred to more than once) so that every marker has its
//! own id to return to.

use super::layout::{marker_id, note_id};
use crate::i18n::Lang;
use undersigned_core::campaign::{is_safe_href, Inline};
use yew::prelude::*;

/// A reader activated the marker `marker_id` of note `note`.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerActivation {
    pub note: u32,
    pub marker_id: String,
}

/// What rendering text needs beyond the text itself.
pub struct TextContext {
    pub lang: Lang,
    /// How many notes the campaign has: a reference past the end is shown without a link.
    pub note_count: usize,
    pub on_marker: Callback<MarkerActivation>,
    /// Markers drawn so far, per note number (`(note, count)`; a handful per letter, so a `Vec`:
    /// a map type would bring its own code into the wasm).
    markers_seen: Vec<(u32, u32)>,
}

impl TextContext {
    pub fn new(lang: Lang, note_count: usize, on_marker: Callback<MarkerActivation>) -> Self {
        TextContext { lang, note_count, on_marker, markers_seen: Vec::new() }
    }

    fn next_marker_id(&mut self, note: u32) -> String {
        let index = match self.markers_seen.iter().position(|(n, _)| *n == note) {
            Some(index) => index,
            None => {
                self.markers_seen.push((note, 0));
                self.markers_seen.len() - 1
            }
        };
        let seen = &mut self.markers_seen[index].1;
        let id = marker_id(note, *seen);
        *seen += 1;
        id
    }
}

/// Renders inlines.
pub fn inlines(inlines: &[Inline], cx: &mut TextContext) -> Html {
    inlines.iter().map(|inline| one(inline, cx)).collect()
}

fn one(inline: &Inline, cx: &mut TextContext) -> Html {
    match inline {
        Inline::Text(text) => html! { { text.clone() } },
        Inline::Emphasis(children) => html! { <em>{ inlines(children, cx) }</em> },
        Inline::Strong(children) => html! { <strong>{ inlines(children, cx) }</strong> },
        Inline::Link { href, children } => link(href, inlines(children, cx)),
        Inline::FootnoteRef(note) => marker(*note, cx),
    }
}

/// A link, or just its text when the target is not one a letter may link to (a campaign can come
/// from any URL, so its JSON is not trusted with `javascript:` links).
pub fn link(href: &str, content: Html) -> Html {
    if is_safe_href(href) {
        html! { <a href={href.to_string()} rel="noopener noreferrer">{ content }</a> }
    } else {
        content
    }
}

fn marker(note: u32, cx: &mut TextContext) -> Html {
    let number = note.to_string();
    let exists = usize::try_from(note).is_ok_and(|n| (1..=cx.note_count).contains(&n));
    if !exists {
        return html! { <sup class="fn-ref">{ number }</sup> };
    }
    let id = cx.next_marker_id(note);
    let label = cx.lang.format("letter.footnote_ref", &[("number", &number)]);
    let onclick = {
        let on_marker = cx.on_marker.clone();
        let marker_id = id.clone();
        // Fragment navigation does not reach into a shadow root, and would change the partner
        // page's URL: the letter moves focus itself.
        Callback::from(move |event: MouseEvent| {
            event.prevent_default();
            on_marker.emit(MarkerActivation { note, marker_id: marker_id.clone() });
        })
    };
    html! {
        <sup class="fn-ref">
            <a id={id} href={format!("#{}", note_id(note))} aria-label={label} {onclick}>{ number }</a>
        </sup>
    }
}
