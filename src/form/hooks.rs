//! The sign-on form's effects as custom hooks (Yew's `#[hook]`), one job each, so that the form
//! component only chooses what to draw:
//!
//! - [`use_form_refs`]: the elements the effects reach (each field, the error summary, the status
//!   line, the section that dispatches the page's events).
//! - [`use_focus`]: focus follows the outcome: the first error, or the confirmation.
//! - [`use_delivery`]: a new signature goes into the outbox first, then to the endpoint until it
//!   answers.
//! - [`use_earlier_outbox`]: what an earlier page of this campaign could not deliver is sent now.

use super::events::{self, EventDetail, ERROR, SIGNED};
use super::settings::SignOnSettings;
use super::state::{Action, FocusTarget, FormState};
use crate::net::browser::{now_ms, BrowserStore};
use crate::net::delivery::{deliver, Outcome};
use crate::net::outbox::{Outbox, OutboxEntry};
use crate::state_cell::{use_state_cell, StateCell};
use std::rc::Rc;
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::{SignatureSubmission, SignerKind};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// The form's elements that its effects reach.
pub struct FormRefs {
    /// Each field that can show an error, under its wire name.
    pub fields: Vec<(&'static str, NodeRef)>,
    pub summary: NodeRef,
    pub status: NodeRef,
    pub section: NodeRef,
}

impl FormRefs {
    /// The reference of the field `name` (a detached one for a field the form does not show).
    pub fn field(&self, name: &str) -> NodeRef {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, r)| r.clone()).unwrap_or_default()
    }
}

/// The form's element references, made once per form for the fields `shown`.
#[hook]
pub fn use_form_refs(shown: &'static [&'static str]) -> Rc<FormRefs> {
    use_memo((), move |_| FormRefs {
        fields: shown.iter().map(|name| (*name, NodeRef::default())).collect(),
        summary: NodeRef::default(),
        status: NodeRef::default(),
        section: NodeRef::default(),
    })
}

/// Moves focus each time the reducer asks for it (its counter makes a repeated request new).
#[hook]
pub fn use_focus(focus: Option<(FocusTarget, u32)>, refs: Rc<FormRefs>) {
    use_effect_with(focus, move |focus| {
        let node = match focus {
            Some((FocusTarget::Field(name), _)) => Some(refs.field(name)),
            Some((FocusTarget::ErrorSummary, _)) => Some(refs.summary.clone()),
            Some((FocusTarget::Status, _)) => Some(refs.status.clone()),
            None => None,
        };
        if let Some(element) = node.and_then(|r| r.cast::<HtmlElement>()) {
            let _ = element.focus();
        }
    });
}

/// Delivers each new signature the reducer hands out (once per idempotency key): saved to the
/// outbox before the network, sent until the endpoint answers, the answer dispatched back to the
/// reducer and announced to the page.
#[hook]
pub fn use_delivery(state: &StateCell<FormState>, settings: Rc<SignOnSettings>, page_id: Rc<String>, section: NodeRef) {
    let (key, outgoing) = {
        let state = state.get();
        (state.sending_key().map(str::to_string), state.outgoing.clone())
    };
    let dispatcher = state.clone();
    use_effect_with(key, move |key| {
        let (Some(key), Some(submission)) = (key.clone(), outgoing) else { return };
        let entry = OutboxEntry {
            submission,
            endpoint: settings.endpoint.clone(),
            encoding: settings.encoding,
            field_map: settings.field_map.clone(),
            no_cors: settings.no_cors,
            created_ms: now_ms(),
            attempts: 0,
            lease_owner: String::new(),
            lease_until_ms: 0,
        };
        let kind = kind_name(&entry.submission);
        let outbox = Outbox::new(BrowserStore::new(), &settings.campaign_id);
        let saved = outbox.save(&entry).is_ok();
        spawn_local(async move {
            let on_wait = {
                let (dispatcher, key) = (dispatcher.clone(), key.clone());
                move |saved| dispatcher.dispatch(Action::WillRetry { key: key.clone(), saved })
            };
            let outcome = deliver(&outbox, &key, &page_id, saved, &on_wait).await;
            announce(section.cast::<Element>().as_ref(), &settings, kind, &outcome);
            match outcome {
                Outcome::Delivered { ack, .. } => {
                    dispatcher.dispatch(Action::Delivered { key, ack });
                    if let Some(url) = &settings.redirect {
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().assign(url);
                        }
                    }
                }
                Outcome::FieldErrors { errors, .. } => dispatcher.dispatch(Action::FieldErrors { key, errors }),
                Outcome::Refused { status, message, .. } => {
                    dispatcher.dispatch(Action::Refused { key, status, message })
                }
            }
        });
    });
}

/// Where the signatures an earlier page left in the outbox are.
#[derive(Debug, Clone, PartialEq)]
pub enum Earlier {
    None,
    Sending,
    Delivered,
    Failed(String),
}

/// Sends, once when the form appears, what earlier pages of this campaign left in the outbox
/// (closed before the endpoint answered), and tells where those signatures are.
#[hook]
pub fn use_earlier_outbox(settings: Rc<SignOnSettings>, page_id: Rc<String>, section: NodeRef) -> Earlier {
    let earlier = use_state_cell(|| Earlier::None);
    {
        let earlier = earlier.clone();
        use_effect_with((), move |_| {
            let outbox = Outbox::new(BrowserStore::new(), &settings.campaign_id);
            let pending = outbox.pending(now_ms());
            if pending.is_empty() {
                return;
            }
            earlier.set(Earlier::Sending);
            spawn_local(async move {
                let mut result = Earlier::Delivered;
                for entry in pending {
                    let outcome = deliver(&outbox, entry.key(), &page_id, true, &|_| {}).await;
                    announce(section.cast::<Element>().as_ref(), &settings, kind_name(&entry.submission), &outcome);
                    match outcome {
                        Outcome::Delivered { .. } => {}
                        Outcome::FieldErrors { errors, .. } => {
                            result =
                                Earlier::Failed(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "))
                        }
                        Outcome::Refused { message, status, .. } => {
                            result = Earlier::Failed(message.unwrap_or_else(|| status.to_string()))
                        }
                    }
                }
                earlier.set(result);
            });
        });
    }
    let now = earlier.get().clone();
    now
}

fn kind_name(submission: &SignatureSubmission) -> &'static str {
    SignerKind::parse(&submission.kind).map_or("unknown", SignerKind::as_str)
}

/// Tells the page what happened (no personal data).
fn announce(target: Option<&Element>, settings: &SignOnSettings, kind: &'static str, outcome: &Outcome) {
    let Some(target) = target else { return };
    let (name, status, code) = match outcome {
        Outcome::Delivered { ack, status } => (SIGNED, *status, ack.as_str().to_string()),
        Outcome::FieldErrors { status, .. } => (ERROR, *status, ErrorCode::ValidationFailed.as_str().to_string()),
        Outcome::Refused { status, code, .. } => {
            (ERROR, Some(*status).filter(|s| *s != 0), code.clone().unwrap_or_else(|| "refused".into()))
        }
    };
    let detail = EventDetail {
        campaign: settings.campaign_id.clone(),
        kind,
        encoding: settings.encoding.as_str(),
        status,
        code,
    };
    events::dispatch(target, name, &detail);
}
