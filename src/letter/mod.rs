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
use crate::state_cell::{use_state_cell, StateCell};
use layout::{marker_id, note_id, opening_blocks, REST_ID};
use std::cell::RefCell;
use std::rc::Rc;
use text::{MarkerActivation, TextContext};
use undersigned_core::Campaign;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the letter keeps between renders: whether it is expanded, and where focus goes; both start
/// again with another campaign. Kept by the root component ([`use_letter`]) rather than by a
/// letter component: every component type costs the wasm its own copy of Yew's component machinery.
pub struct Letter {
    /// Expanded or not, for the campaign it was set for.
    expanded: StateCell<Option<(Rc<Campaign>, bool)>>,
    focus: Rc<RefCell<Focus>>,
}

/// The letter's state (see [`Letter`]); the pending focus moves once the letter is drawn.
#[hook]
pub fn use_letter() -> Letter {
    let expanded = use_state_cell(|| None);
    let focus = use_mut_ref(Focus::default);
    {
        let focus = focus.clone();
        use_effect(move || focus_pending(&focus));
    }
    Letter { expanded, focus }
}

/// The letter of `campaign`; `lang` is the language of the widget's own controls (the letter keeps
/// the campaign's language).
pub fn letter_view(campaign: &SameCampaign, lang: Lang, letter: &Letter) -> Html {
    let Letter { expanded, focus } = letter;
    let opening = opening_blocks(campaign);
    let is_expanded = match &*expanded.get() {
        Some((shown, expanded)) if Rc::ptr_eq(shown, &campaign.0) => *expanded,
        _ => opening.is_none(),
    };
    {
        let mut focus = focus.borrow_mut();
        if !focus.campaign.as_ref().is_some_and(|shown| Rc::ptr_eq(shown, &campaign.0)) {
            *focus = Focus { campaign: Some(campaign.0.clone()), ..Focus::default() };
        }
    }
    let expand = {
        let (expanded, campaign) = (expanded.clone(), campaign.0.clone());
        move |value: bool| expanded.set(Some((campaign.clone(), value)))
    };

    let on_marker = {
        let (focus, expand) = (focus.clone(), expand.clone());
        Callback::from(move |activation: MarkerActivation| {
            {
                let mut focus = focus.borrow_mut();
                focus.came_from.retain(|(note, _)| *note != activation.note);
                focus.came_from.push((activation.note, activation.marker_id));
                focus.pending = Some(note_id(activation.note));
            }
            if is_expanded {
                focus_pending(&focus);
            } else {
                // The note appears with the next render; the effect of `use_letter` focuses it then.
                expand(true);
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
    let toggle = Callback::from(move |_: MouseEvent| expand(!is_expanded));

    // The letter's own words (footnote labels, "Signed,", "CC:", the notes' heading and back
    // links) are part of the letter: in its language when the widget has it, not the visitor's.
    let letter_lang = Lang::from_tag(&campaign.language).unwrap_or(lang);
    let mut cx = TextContext::new(letter_lang, campaign.footnotes.len(), on_marker);
    let (opening_part, rest_part) =
        campaign.body.split_at(opening.unwrap_or(campaign.body.len()).min(campaign.body.len()));
    let expanded = is_expanded;
    html! {
        <article key={format!("letter:{}", campaign.id)} class="letter" lang={campaign.language.clone()} dir={crate::i18n::direction_of(&campaign.language)} ref={focus.borrow().article.clone()}>
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
    /// The campaign this is about.
    campaign: Option<Rc<Campaign>>,
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
