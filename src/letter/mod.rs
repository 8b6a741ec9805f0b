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
use layout::{marker_id, note_id, opening_blocks, REST_ID};
use std::cell::RefCell;
use std::rc::Rc;
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
    let expanded = use_state_eq(|| opening.is_none());
    let article = use_node_ref();
    // The element to focus once it is rendered and visible.
    let pending_focus = use_mut_ref(|| None::<String>);
    // For each note, the marker the reader came from, so that "back" returns there (`(note,
    // marker id)`, one per note: a `Vec`, as a map type would bring its own code into the wasm).
    let came_from = use_mut_ref(Vec::<(u32, String)>::new);

    {
        let (article, pending_focus) = (article.clone(), pending_focus.clone());
        use_effect(move || focus_pending(&article, &pending_focus));
    }

    let on_marker = {
        let (article, pending_focus, came_from, expanded) =
            (article.clone(), pending_focus.clone(), came_from.clone(), expanded.clone());
        Callback::from(move |activation: MarkerActivation| {
            {
                let mut came_from = came_from.borrow_mut();
                came_from.retain(|(note, _)| *note != activation.note);
                came_from.push((activation.note, activation.marker_id));
            }
            *pending_focus.borrow_mut() = Some(note_id(activation.note));
            if *expanded {
                focus_pending(&article, &pending_focus);
            } else {
                // The note appears with the next render; the effect above focuses it then.
                expanded.set(true);
            }
        })
    };
    let on_back = {
        let (article, pending_focus) = (article.clone(), pending_focus.clone());
        Callback::from(move |note: u32| {
            let marker = came_from
                .borrow()
                .iter()
                .find(|(n, _)| *n == note)
                .map(|(_, id)| id.clone())
                .unwrap_or_else(|| marker_id(note, 0));
            *pending_focus.borrow_mut() = Some(marker);
            focus_pending(&article, &pending_focus);
        })
    };
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };

    // The letter's own words (footnote labels, "Signed,", "CC:", the notes' heading and back
    // links) are part of the letter: in its language when the widget has it, not the visitor's.
    let letter_lang = Lang::from_tag(&campaign.language).unwrap_or(lang);
    let mut cx = TextContext::new(letter_lang, campaign.footnotes.len(), on_marker);
    let (opening_part, rest_part) =
        campaign.body.split_at(opening.unwrap_or(campaign.body.len()).min(campaign.body.len()));
    html! {
        <article class="letter" lang={campaign.language.clone()} dir={crate::i18n::direction_of(&campaign.language)} ref={article}>
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
                    { lang.text(if *expanded { "letter.show_less" } else { "letter.read_full" }) }
                </button>
            }
            <div id={REST_ID} class="letter-rest" hidden={!*expanded}>
                { body::blocks(rest_part, &mut cx) }
                { signatories::end_matter(campaign, &mut cx) }
                { notes::notes(&campaign.footnotes, &mut cx, &on_back) }
            </div>
        </article>
    }
}

/// Focuses the pending element once it is displayed; keeps it pending while it is still hidden,
/// and drops it when the letter has no such element (a note no marker refers to).
fn focus_pending(article: &NodeRef, pending: &Rc<RefCell<Option<String>>>) {
    let Some(letter) = article.cast::<web_sys::Element>() else { return };
    let Some(id) = pending.borrow().clone() else { return };
    let target =
        letter.query_selector(&format!("#{id}")).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match target {
        None => {
            pending.borrow_mut().take();
        }
        Some(target) if target.offset_parent().is_some() => {
            pending.borrow_mut().take();
            // Focus fails only on a detached element, and then there is nothing to focus.
            let _ = target.focus();
        }
        Some(_) => {}
    }
}
