//! A demand's status shown by text and by icon, never by colour alone (WCAG 1.4.1): each status
//! has its own shape — an empty circle, a half-filled one, a check, a cross — drawn as inline SVG
//! styled by classes (no external request, no inline style).

use crate::i18n::Lang;
use undersigned_core::status::DemandStatus;
use yew::prelude::*;

/// The translation key of a status's name.
pub fn status_key(status: DemandStatus) -> &'static str {
    match status {
        DemandStatus::Outstanding => "live.status.outstanding",
        DemandStatus::PartiallyDisclosed => "live.status.partially_disclosed",
        DemandStatus::Disclosed => "live.status.disclosed",
        DemandStatus::Refused => "live.status.refused",
    }
}

/// The class that styles a status (`status-partially-disclosed`).
pub fn status_class(status: DemandStatus) -> String {
    format!("status-{}", status.as_str().replace('_', "-"))
}

/// A plain function rather than a component: it holds no state, and every component type costs
/// the wasm its own copy of Yew's component machinery.
pub fn status_badge(lang: Lang, status: DemandStatus) -> Html {
    html! {
        <span ~className={format!("status-badge {}", status_class(status))}>
            { status_icon(status) }
            <span class="status-text">{ lang.text(status_key(status)) }</span>
        </span>
    }
}

fn status_icon(status: DemandStatus) -> Html {
    let shape = match status {
        DemandStatus::Outstanding => html! { <circle class="icon-ring" cx="8" cy="8" r="6" /> },
        DemandStatus::PartiallyDisclosed => html! {
            <>
                <circle class="icon-ring" cx="8" cy="8" r="6" />
                <path class="icon-fill" d="M8 2a6 6 0 0 1 0 12z" />
            </>
        },
        DemandStatus::Disclosed => html! {
            <>
                <circle class="icon-disc" cx="8" cy="8" r="7" />
                <path class="icon-mark" d="M4.5 8.2l2.3 2.3 4.7-4.9" />
            </>
        },
        DemandStatus::Refused => html! {
            <>
                <circle class="icon-disc" cx="8" cy="8" r="7" />
                <path class="icon-mark" d="M5.5 5.5l5 5M10.5 5.5l-5 5" />
            </>
        },
    };
    html! { <svg class="status-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">{ shape }</svg> }
}
