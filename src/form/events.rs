//! The DOM events partners count in their own analytics: `undersigned:signed` and
//! `undersigned:error`, bubbling and composed (they leave the shadow root), with non-personal
//! details only — never a name or an email.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element};

pub const SIGNED: &str = "undersigned:signed";
pub const ERROR: &str = "undersigned:error";

/// What an event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDetail {
    pub campaign: String,
    /// `organization` or `individual`.
    pub kind: &'static str,
    /// `json`, `form` or `text`.
    pub encoding: &'static str,
    /// The HTTP status, when there was one (none for an opaque answer or a network failure).
    pub status: Option<u16>,
    /// `signed`, `already_signed`, `check_inbox`, or the error code (`validation_failed`, `origin_not_allowed`, …).
    pub code: String,
}

/// Dispatches `name` from `target` (inside the shadow root; `composed` carries it out to the page).
pub fn dispatch(target: &Element, name: &str, detail: &EventDetail) {
    let object = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&object, &key.into(), &value);
    };
    set("campaign", detail.campaign.as_str().into());
    set("kind", detail.kind.into());
    set("encoding", detail.encoding.into());
    set("status", detail.status.map_or(JsValue::NULL, JsValue::from));
    set("code", detail.code.as_str().into());
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&object);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}
