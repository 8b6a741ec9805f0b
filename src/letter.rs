//! The letter view: title, date, addressee block and body.

use undersigned_core::campaign::{plain_text, Block};
use undersigned_core::Campaign;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LetterViewProps {
    pub campaign: Campaign,
}

#[function_component(LetterView)]
pub fn letter_view(props: &LetterViewProps) -> Html {
    let c = &props.campaign;
    html! {
        <article class="letter" lang="en">
            <h2 class="title">{ &c.title }</h2>
            <p class="date">{ &c.date }</p>
            <address class="recipient">
                { for c.recipient.iter().map(|line| html! { <span class="line">{ line }</span> }) }
            </address>
            { for c.body.iter().filter_map(|block| match block {
                Block::Paragraph(inlines) => Some(html! { <p>{ plain_text(inlines) }</p> }),
                _ => None,
            }) }
        </article>
    }
}
