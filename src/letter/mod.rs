//! The letter view: the campaign's letter as its organizers wrote it, in the campaign's language.
//!
//! A long letter starts collapsed to its opening with a "Read the full letter" control. Footnote
//! markers and the notes' back links move focus themselves (fragment links do not reach into a
//! shadow root); a marker in the opening expands the letter first.
//!
//! - `layout`: where the opening ends, element ids.
//! - `text`: emphasis, links, footnote markers.
//! - `body`: paragraphs, lists, the demands, quotations.
//! - `signatories`: closing, signatories, cc, contact.
//! - `notes`: the numbered notes with their back links.

mod body;
pub mod layout;
mod notes;
mod signatories;
mod text;

use crate::campaign_source::SameCampaign;
use crate::i18n::Lang;
use crate::state_cell::use_state_cell;
use layout::{marker_id, note_id, opening_blocks, REST_ID};
use std::cell::RefCell;
use text::{MarkerActivation, TextContext};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LetterViewProps {
    pub campaign: SameCampaign,
    /// The language of the widget's own controls (the letter keeps the campaign's language).
    pub lang: Lang,
}

#[function_component(LetterView)]
pub fn letter_view(props: &LetterViewProps) -> Html {
    let campaign = &props.campaign;
    let lang = props.lang;
    let opening = opening_blocks(campaign);
    let expanded = use_state_cell(|| opening.is_none());
    let focus = use_mut_ref(Focus::default);

    {
        let focus = focus.clone();
        use_effect(move || focus_pending(&focus));
    }

    let on_marker = {
        let (focus, expanded) = (focus.clone(), expanded.clone());
        Callback::from(move |activation: MarkerActivation| {
            {
                let mut focus = focus.borrow_mut();
                focus.came_from.retain(|(note, _)| *note != activation.note);
                focus.came_from.push((activation.note, activation.marker_id));
                focus.pending = Some(note_id(activation.note));
            }
            if *expanded.get() {
                focus_pending(&focus);
            } else {
                // The note appears with the next render; the effect above focuses it then.
                expanded.set_if_changed(true);
            }
        })
    };
    let on_back = {
        let focus = focus.clone();
        Callback::from(move |note: u32| {
            {
                let mut focus = focus.borrow_mut();
                let marker = focus
                    .came_from
                    .iter()
                    .find(|(n, _)| *n == note)
                    .map(|(_, id)| id.clone())
                    .unwrap_or_else(|| marker_id(note, 0));
                focus.pending = Some(marker);
            }
            focus_pending(&focus);
        })
    };
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| {
            let now = *expanded.get();
            expanded.set(!now)
        })
    };

    // The letter's own words (footnote labels, "Signed,", "CC:", the notes' heading and back
    // links) are part of the letter: in its language when the widget has it, not the visitor's.
    let letter_lang = Lang::from_tag(&campaign.language).unwrap_or(lang);
    let mut cx = TextContext::new(letter_lang, campaign.footnotes.len(), on_marker);
    let (opening_part, rest_part) =
        campaign.body.split_at(opening.unwrap_or(campaign.body.len()).min(campaign.body.len()));
    let expanded = *expanded.get();
    html! {
        <article class="letter" lang={campaign.language.clone()} dir={crate::i18n::direction_of(&campaign.language)} ref={focus.borrow().article.clone()}>
            <header class="letter-head">
                <h2 class="title">{ campaign.title.clone() }</h2>
                <p class="date">{ campaign.date.clone() }</p>
                if !campaign.recipient.is_empty() {
                    <p class="recipient">
                        { for campaign.recipient.iter().map(|line| html! { <span class="line">{ line.clone() }</span> }) }
                    </p>
                }
                if let Some(subject) = &campaign.subject {
                    <p class="subject">{ subject.clone() }</p>
                }
            </header>
            if let Some(salutation) = &campaign.salutation {
                <p class="salutation">{ salutation.clone() }</p>
            }
            { body::blocks(opening_part, &mut cx) }
            if opening.is_some() {
                <button type="button" class="button secondary letter-toggle" lang={lang.code()} aria-controls={REST_ID}
                    aria-expanded={expanded.to_string()} onclick={toggle}>
                    { lang.text(if expanded { "letter.show_less" } else { "letter.read_full" }) }
                </button>
            }
            <div id={REST_ID} class="letter-rest" hidden={!expanded}>
                { body::blocks(rest_part, &mut cx) }
                { signatories::end_matter(campaign, &mut cx) }
                { notes::notes(&campaign.footnotes, &mut cx, &on_back) }
            </div>
        </article>
    }
}

/// Where focus goes in the letter, kept between renders (one hook for the three).
#[derive(Default)]
struct Focus {
    article: NodeRef,
    /// The element to focus once it is rendered and visible.
    pending: Option<String>,
    /// For each note, the marker the reader came from, so that "back" returns there (`(note,
    /// marker id)`, one per note: a `Vec`, as a map type would bring its own code into the wasm).
    came_from: Vec<(u32, String)>,
}

/// Focuses the pending element once it is displayed; keeps it pending while it is still hidden,
/// and drops it when the letter has no such element (a note no marker refers to).
fn focus_pending(focus: &RefCell<Focus>) {
    let target = {
        let focus = focus.borrow();
        let Some(letter) = focus.article.cast::<web_sys::Element>() else { return };
        let Some(id) = &focus.pending else { return };
        letter.query_selector(&format!("#{id}")).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    };
    match target {
        None => focus.borrow_mut().pending = None,
        Some(target) if target.offset_parent().is_some() => {
            focus.borrow_mut().pending = None;
            // Focus fails only on a detached element, and then there is nothing to focus.
            let _ = target.focus();
        }
        Some(_) => {}
    }
}
