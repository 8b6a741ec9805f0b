//! # yew-counter — the weight baseline of `cargo xtask bench`
//!
//! The smallest useful Yew application mounted the way the widget is mounted: a counter with one
//! button, rendered into the open shadow root of a custom element (`<yew-counter>`, defined by
//! `js/yew-counter.js`). The bench builds it with exactly the widget's pipeline (cargo release for
//! wasm32 → wasm-bindgen `--target web` → wasm-opt -Oz) and reports widget weight / counter weight.

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};
use yew::prelude::*;

#[function_component(Counter)]
fn counter() -> Html {
    let count = use_state(|| 0_u32);
    let increment = {
        let count = count.clone();
        Callback::from(move |_| count.set(*count + 1))
    };
    html! {
        <div>
            <button type="button" onclick={increment}>{ "+1" }</button>
            <p aria-live="polite">{ *count }</p>
        </div>
    }
}

/// Renders a counter into `host`'s open shadow root.
#[wasm_bindgen]
pub fn mount(host: HtmlElement) -> Result<(), JsValue> {
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let document =
        host.owner_document().ok_or_else(|| JsValue::from_str("yew-counter: the element has no document"))?;
    let container = document.create_element("div")?;
    root.append_child(&container)?;
    // The counter lives as long as the page: its handle is never needed to tear it down.
    let _ = yew::Renderer::<Counter>::with_root(container).render();
    Ok(())
}
