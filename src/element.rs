//! Mounting one widget into its host element's open shadow root, and the JS API around it.
//!
//! The styles are a constructable stylesheet adopted by the shadow root: no `<style>` element and
//! no inline style attribute, so the widget works under `style-src 'self'` and the host page's CSS
//! cannot reach inside. The stylesheet (the files of `src/styles/`, joined and minified by
//! `build.rs`) is not inside the wasm: `cargo xtask build` writes it into the loader
//! `src/js/undersigned.js`, which makes it a sheet once per page, shows the pre-rendered widget
//! with it, and hands it to [`mount_styled`]; every widget shares it, as it shares the wasm
//! instance. Sizes inside the widget are in `px` or `em`, never `rem` (which follows
//! the partner page's `html { font-size }`); `tests/embed_static_rules.rs` enforces that.
//!
//! The widget's container (`<div class="undersigned" part="widget">`) carries what follows from the
//! configuration but is not drawn by a component: the theme class, the chosen `lang` and its `dir`.

use crate::app::{App, AppProps};
use crate::config::{config_keys, WidgetConfig};
use crate::i18n::Lang;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};
use yew::AppHandle;

/// A mounted widget; dropping it does nothing, [`WidgetHandle::unmount`] tears it down.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<App>>,
    host: HtmlElement,
    container: Element,
    shown_at: Option<u64>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Applies a new configuration (an object with the same keys as the element's attributes).
    /// On invalid input the widget keeps its current configuration and the error names the key.
    pub fn update(&mut self, config: JsValue) -> Result<(), JsValue> {
        let config = parse_config(config)?;
        let lang = Lang::for_host(&self.host, config.lang.as_deref());
        decorate_container(&self.container, &config, lang);
        if let Some(app) = self.app.as_mut() {
            app.update(AppProps { config, lang, shown_at: self.shown_at });
        }
        Ok(())
    }

    /// Removes the widget's DOM and stops its timers, connections and listeners (every component
    /// is destroyed, which drops what it holds).
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
            self.container.remove();
        }
    }
}

/// Reads a config object (or `undefined`): each key of [`WidgetConfig`], as text. Numbers and
/// booleans are taken as their text (`goal: 500` is `goal="500"`); any other value is refused, and
/// every error names the key to fix.
fn parse_config(config: JsValue) -> Result<WidgetConfig, JsValue> {
    if config.is_undefined() || config.is_null() {
        return Ok(WidgetConfig::default());
    }
    if !config.is_object() {
        return Err(JsValue::from_str("undersigned: the config must be an object whose keys are attribute names"));
    }
    let mut wrong_type = None;
    let read = WidgetConfig::read(|key| {
        let value = js_sys::Reflect::get(&config, &JsValue::from_str(key)).ok()?;
        if value.is_undefined() || value.is_null() {
            None
        } else if let Some(text) = value.as_string() {
            Some(text)
        } else if value.as_f64().is_some() || value.as_bool().is_some() {
            js_sys::JSON::stringify(&value).ok().map(String::from)
        } else {
            wrong_type.get_or_insert(key.to_string());
            None
        }
    });
    if let Some(key) = wrong_type {
        return Err(JsValue::from_str(&format!("undersigned: invalid `{key}`: use a string, a number or a boolean")));
    }
    read.map_err(|message| JsValue::from_str(&format!("undersigned: {message}")))
}

fn decorate_container(container: &Element, config: &WidgetConfig, lang: Lang) {
    container.set_class_name(&format!("undersigned {}", config.theme.unwrap_or_default().class()));
    // Setting attributes on an element we created cannot fail.
    let _ = container.set_attribute("lang", lang.code());
    let _ = container.set_attribute("dir", lang.dir());
}

fn shadow_root_of(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    if let Some(root) = host.shadow_root() {
        return Ok(root);
    }
    host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
}

/// Mounts a widget into `host`'s open shadow root (created when missing) with `config`, an object
/// whose keys are the attribute names (see `WidgetConfig`), without styles (the Rust tests' entry;
/// pages go through the loader and [`mount_styled`]). Fails, naming the key, on an invalid value,
/// before touching the element (so a no-JavaScript fallback inside it stays visible).
pub fn mount(host: HtmlElement, config: JsValue) -> Result<WidgetHandle, JsValue> {
    mount_widget(host, config, None, None)
}

/// [`mount`] with the widget's stylesheet, for the loader. `shown_at` (milliseconds since the
/// epoch) is when the visitor first saw the pre-rendered form the loader showed before the wasm
/// took over: the form's fill time counts from then, so a signature sent right after the takeover
/// is not judged too fast.
#[wasm_bindgen(js_name = mountStyled)]
pub fn mount_styled(
    host: HtmlElement,
    config: JsValue,
    sheet: CssStyleSheet,
    shown_at: Option<f64>,
) -> Result<WidgetHandle, JsValue> {
    mount_widget(host, config, Some(sheet), shown_at.map(|ms| ms as u64))
}

fn mount_widget(
    host: HtmlElement,
    config: JsValue,
    sheet: Option<CssStyleSheet>,
    shown_at: Option<u64>,
) -> Result<WidgetHandle, JsValue> {
    let config = parse_config(config)?;
    let document =
        host.owner_document().ok_or_else(|| JsValue::from_str("undersigned: the element has no document"))?;
    let root = shadow_root_of(&host)?;
    // The shadow root holds nothing but the widget's container (unmount removes it).
    if root.child_element_count() > 0 {
        return Err(JsValue::from_str(
            "undersigned: this element already has a widget: call update() on its handle, or unmount() it first",
        ));
    }
    if let Some(sheet) = sheet {
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    }
    let container = document.create_element("div")?;
    container.set_attribute("part", "widget")?;
    let lang = Lang::for_host(&host, config.lang.as_deref());
    decorate_container(&container, &config, lang);
    root.append_child(&container)?;
    let app =
        yew::Renderer::<App>::with_root_and_props(container.clone(), AppProps { config, lang, shown_at }).render();
    Ok(WidgetHandle { app: Some(app), host, container, shown_at })
}

/// The configuration keys, which are also the attribute names the loader observes.
#[wasm_bindgen(js_name = configKeys)]
pub fn config_keys_js() -> js_sys::Array {
    config_keys().iter().map(|key| JsValue::from_str(key)).collect()
}
