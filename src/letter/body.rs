//! The blocks of the letter's body: paragraphs, lists, the nested demands, quotations.

use super::text::{inlines, TextContext};
use undersigned_core::campaign::{Block, Demand};
use yew::prelude::*;

/// Renders body blocks in order.
pub fn blocks(blocks: &[Block], cx: &mut TextContext) -> Html {
    blocks.iter().map(|block| one(block, cx)).collect()
}

fn one(block: &Block, cx: &mut TextContext) -> Html {
    match block {
        Block::Paragraph(text) => html! { <p>{ inlines(text, cx) }</p> },
        Block::List(items) => html! {
            <ul class="letter-list">{ for items.iter().map(|item| html! { <li>{ inlines(item, cx) }</li> }) }</ul>
        },
        Block::Demands(list) => demands(list, cx),
        Block::Quote(inner) => html! { <blockquote class="quote">{ blocks(inner, cx) }</blockquote> },
    }
}

/// The demands as the letter writes them: a nested list (their live status is the live list's).
fn demands(list: &[Demand], cx: &mut TextContext) -> Html {
    html! {
        <ul class="letter-demands">
            { for list.iter().map(|demand| html! {
                <li>
                    { inlines(&demand.text, cx) }
                    if !demand.children.is_empty() { { demands(&demand.children, cx) } }
                </li>
            }) }
        </ul>
    }
}
