//! The numbered notes at the end of the letter, each focusable and with a link back to the text.

use super::layout::{marker_id, note_id, NOTES_HEADING_ID};
use super::text::{inlines, link, TextContext};
use undersigned_core::campaign::Footnote;
use yew::prelude::*;

/// Renders the notes; `on_back` gets the number of the note whose back link was activated.
pub fn notes(footnotes: &[Footnote], cx: &mut TextContext, on_back: &Callback<u32>) -> Html {
    if footnotes.is_empty() {
        return Html::default();
    }
    let lang = cx.lang;
    html! {
        <section class="notes" aria-labelledby={NOTES_HEADING_ID}>
            <h3 id={NOTES_HEADING_ID} class="visually-hidden" lang={lang.code()}>{ lang.text("letter.notes") }</h3>
            <ol class="notes-list">
                { for footnotes.iter().zip(1u32..).map(|(footnote, number)| {
                    let onclick = {
                        let on_back = on_back.clone();
                        Callback::from(move |event: MouseEvent| {
                            event.prevent_default();
                            on_back.emit(number);
                        })
                    };
                    html! {
                        <li id={note_id(number)} tabindex="-1">
                            { inlines(&footnote.text, cx) }
                            if let Some(source) = &footnote.link {
                                { " " }{ link(source, html! { { source.clone() } }) }
                            }
                            { " " }
                            <a class="fn-back" href={format!("#{}", marker_id(number, 0))} title={lang.text("letter.back_to_text")} {onclick}>
                                <span aria-hidden="true">{ "↩" }</span>
                                <span class="visually-hidden" lang={lang.code()}>{ lang.text("letter.back_to_text") }</span>
                            </a>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
