//! The end of the letter: closing, signatories grouped as the letter lists them, cc, contact.

use super::text::{inlines, TextContext};
use undersigned_core::campaign::{Individual, Organization};
use undersigned_core::Campaign;
use yew::prelude::*;

/// Closing line, organizations, individuals, cc list and contact line.
pub fn end_matter(campaign: &Campaign, cx: &mut TextContext) -> Html {
    let lang = cx.lang;
    let closing = campaign.closing.clone().unwrap_or_else(|| lang.text("letter.signed").to_string());
    let signatories = &campaign.signatories;
    let has_signatories = !signatories.organizations.is_empty() || !signatories.individuals.is_empty();
    html! {
        <>
            if has_signatories {
                <p class="closing">{ closing }</p>
                <div class="signatories">
                    { organizations(&signatories.organizations, cx) }
                    { individuals(&signatories.individuals, cx) }
                </div>
            }
            if !campaign.cc.is_empty() {
                <div class="cc">
                    <p class="cc-label" lang={lang.code()}>{ lang.text("letter.cc") }</p>
                    <ul class="cc-list">{ for campaign.cc.iter().map(|line| html! { <li>{ line.clone() }</li> }) }</ul>
                </div>
            }
            if !campaign.contact.is_empty() {
                <p class="contact">{ inlines(&campaign.contact, cx) }</p>
            }
        </>
    }
}

fn organizations(list: &[Organization], cx: &TextContext) -> Html {
    if list.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3 class="visually-hidden" lang={cx.lang.code()}>{ cx.lang.text("letter.organizations") }</h3>
            <ul class="organizations">{ for list.iter().map(|o| html! { <li>{ o.name.clone() }</li> }) }</ul>
        </>
    }
}

fn individuals(list: &[Individual], cx: &TextContext) -> Html {
    if list.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3 class="visually-hidden" lang={cx.lang.code()}>{ cx.lang.text("letter.individuals") }</h3>
            <ul class="individuals">
                { for list.iter().map(|person| html! {
                    <li>
                        <span class="signatory-name">{ person.name.clone() }</span>
                        if let Some(title) = person.title_line() {
                            <span class="signatory-title">{ title }</span>
                        }
                    </li>
                }) }
            </ul>
        </>
    }
}
