//! Mounting one widget into its host element's open shadow root.
//!
//! The styles are a constructable stylesheet adopted by the shadow root: no `<style>` element and
//! no inline style attribute, so the widget works under `style-src 'self'` and the host page's CSS
//! cannot reach inside. The stylesheet is created once per page and shared by every widget.

use crate::app::{App, AppProps};
use crate::config::WidgetConfig;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};
use yew::AppHandle;

/// The widget's stylesheet: one file per concern under `src/styles/`, concatenated in this order.
const STYLESHEETS: &[&str] = &[include_str!("styles/base.css")];

thread_local! {
    static SHARED_SHEET: CssStyleSheet = {
        let sheet = CssStyleSheet::new().expect("every browser with WebAssembly and shadow DOM has constructable stylesheets");
        sheet.replace_sync(&STYLESHEETS.concat()).expect("the bundled stylesheet parses");
        sheet
    };
}

/// A mounted widget; dropping it does nothing, [`WidgetHandle::unmount`] tears it down.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<App>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Applies a new configuration (an object with the same keys as the element's attributes).
    pub fn update(&mut self, config: JsValue) -> Result<(), JsValue> {
        let config = parse_config(config)?;
        if let Some(app) = self.app.as_mut() {
            app.update(AppProps { config });
        }
        Ok(())
    }

    /// Removes the widget's DOM and stops its timers and connections.
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

fn parse_config(config: JsValue) -> Result<WidgetConfig, JsValue> {
    if config.is_undefined() || config.is_null() {
        return Ok(WidgetConfig::default());
    }
    serde_wasm_bindgen::from_value(config).map_err(|e| JsValue::from_str(&format!("undersigned: invalid config: {e}")))
}

fn shadow_root_of(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    if let Some(root) = host.shadow_root() {
        return Ok(root);
    }
    host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
}

/// Mounts a widget into `host`'s open shadow root (created when missing) with `config`.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, config: JsValue) -> Result<WidgetHandle, JsValue> {
    let config = parse_config(config)?;
    let root = shadow_root_of(&host)?;
    SHARED_SHEET.with(|sheet| root.set_adopted_style_sheets(&js_sys::Array::of1(sheet)));
    let document = host.owner_document().ok_or_else(|| JsValue::from_str("undersigned: the element has no document"))?;
    let container = document.create_element("div")?;
    container.set_class_name("undersigned");
    root.append_child(&container)?;
    let app = yew::Renderer::<App>::with_root_and_props(container, AppProps { config }).render();
    Ok(WidgetHandle { app: Some(app) })
}
