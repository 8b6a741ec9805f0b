//! # undersigned — the embeddable letter-campaign widget
//!
//! A Yew application compiled to WebAssembly and mounted by the `<undersigned-letter>` custom
//! element into an open shadow root. The element itself is defined by the small JS loader
//! (`src/js/undersigned.js`, shipped as `pkg/undersigned.js`), which loads this module once per
//! page and calls [`mount`] for every element.
//!
//! - [`element`]: the shadow-root glue: styles, mounting and unmounting one widget.
//! - [`app`]: the root component.
//! - [`letter`]: the letter view.
//! - [`form`]: the sign-on form; [`net`]: delivering its signatures exactly once (outbox, retries).
//! - [`http`]: every request the widget makes, through one JavaScript function.
//! - [`campaign_source`]: where the campaign comes from (built in, or loaded from a URL).
//! - [`sort`]: the one sort every list of the widget goes through (wasm weight).
//! - [`state_cell`]: the one kind of component state, in place of Yew's `use_state` (wasm weight).
//! - [`i18n`]: translations (`locales/*.txt`), plural rules and number formats.
//!
//! Classes: a fixed `class` is a string literal; a class computed at render time is set as the
//! `className` property (`~className={…}`), never as `class={expression}` or `classes!`, which Yew turns
//! into its `Classes` set: an index map and its hashing in the wasm (2 KB brotli, README
//! "History of the widget's weight"). The element gets the same `class` attribute either way.

pub mod app;
pub mod campaign_source;
pub mod config;
pub mod element;
pub mod form;
pub mod http;
pub mod i18n;
pub mod letter;
pub mod live;
pub mod net;
pub mod sort;
pub mod state_cell;

pub use element::{mount, WidgetHandle};

/// The wasm's allocator: talc instead of the standard library's dlmalloc (wasm weight, README
/// "History of the widget's weight"). The widget runs on one thread.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
