//! The letter's demands as a list of disclosure items, keeping the letter's structure: a group
//! shows how many of its items are still outstanding, a leaf shows its status, its note and its
//! dated evidence links.

use super::dates::long_date;
use super::state::{DemandState, LiveState};
use super::status_badge::{status_badge, status_class};
use crate::i18n::Lang;
use std::rc::Rc;
use undersigned_core::campaign::{plain_text, Demand, Demands};
use yew::prelude::*;

pub struct DemandListProps<'a> {
    pub lang: Lang,
    /// The campaign's demand trees (one per demand list of the letter).
    pub roots: Rc<Vec<Demand>>,
    /// The letter's language, for the demands' own text.
    pub letter_lang: AttrValue,
    pub state: &'a LiveState,
}

/// A plain function rather than a component: it holds no state, and every component type costs
/// the wasm its own copy of Yew's component machinery.
pub fn demand_list(props: &DemandListProps<'_>) -> Html {
    html! {
        <ol class="demand-list">
            { for props.roots.iter().map(|d| demand_item(props, d)) }
        </ol>
    }
}

fn demand_item(props: &DemandListProps<'_>, demand: &Demand) -> Html {
    let lang = props.lang;
    let text = html! { <p class="demand-text" lang={props.letter_lang.clone()}>{ plain_text(&demand.text) }</p> };
    if !demand.children.is_empty() {
        let (outstanding, total) = outstanding_under(demand, props.state);
        let summary = lang.plural(
            "live.group_summary",
            outstanding as f64,
            &[("total", &crate::i18n::format_number(lang.code(), total as f64))],
        );
        return html! {
            <li class="demand demand-group" key={demand.id.clone()}>
                { text }
                <p class="group-summary">{ summary }</p>
                <ol>{ for demand.children.iter().map(|d| demand_item(props, d)) }</ol>
            </li>
        };
    }
    let Some(state) = props.state.demand(&demand.id) else {
        return html! { <li key={demand.id.clone()}>{ text }</li> };
    };
    let highlighted = props.state.is_highlighted(&demand.id);
    html! {
        <li ~className={format!("demand demand-leaf {}{}", status_class(state.status), if highlighted { " changed" } else { "" })} key={demand.id.clone()}>
            { text }
            { status_badge(lang, state.status) }
            { details(lang, state) }
        </li>
    }
}

/// Note, evidence links and the date of the last change of one item.
fn details(lang: Lang, state: &DemandState) -> Html {
    let note = (!state.note.trim().is_empty()).then(|| html! { <p class="demand-note">{ &state.note }</p> });
    let evidence = (!state.evidence.is_empty()).then(|| {
        html! {
            <ul class="evidence" aria-label={lang.text("live.evidence")}>
                { for state.evidence.iter().map(|e| {
                    let title = if e.title.trim().is_empty() { e.url.clone() } else { e.title.clone() };
                    html! {
                        <li>
                            <a href={e.url.clone()} rel="noopener noreferrer">{ title }</a>
                            { " " }
                            <time datetime={e.date.clone()}>{ long_date(lang.code(), &e.date) }</time>
                        </li>
                    }
                }) }
            </ul>
        }
    });
    let updated = state.updated_at.as_ref().map(|at| {
        html! {
            <p class="demand-updated">
                { lang.text("live.item_updated") }{ " " }<time datetime={at.clone()}>{ long_date(lang.code(), at) }</time>
            </p>
        }
    });
    html! { <>{ for note }{ for evidence }{ for updated }</> }
}

/// `(still outstanding, total)` over the leaves under `group`.
fn outstanding_under(group: &Demand, state: &LiveState) -> (usize, usize) {
    let leaves = Demands::new(std::iter::once(group.children.as_slice())).filter(|d| d.children.is_empty());
    state.outstanding_among(leaves.map(|d| d.id.as_str()))
}
