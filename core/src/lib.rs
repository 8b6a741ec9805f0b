//! # undersigned-core
//!
//! Pure Rust shared by the Undersigned widget (compiled to WebAssembly) and the reference receiver.
//! Every rule lives here once — a field name, a length limit, a status name — so the widget and the
//! receiver can never disagree about what a valid campaign or signature is.
//!
//! - [`campaign`]: the campaign model that the widget renders (the compiled JSON form).
//! - [`status`]: the status names of a demand.
//! - [`feed`]: the public demand-status feed (JSON), validated here for receiver and widget.
//! - [`api_error`]: the receiver's JSON error body and its stable machine codes.
//! - [`backoff`]: the one capped exponential backoff rule (widget retries and reconnects, mail queue).
//! - [`calendar`]: UTC calendar arithmetic shared by the receiver and the tools.
//! - [`json`]: the small JSON reader and writer the widget uses for these wire formats (no serde in
//!   the wasm).
//! - [`locale`]: the format of the translation files (`locales/*.txt`) that widget and receiver read.
//! - [`signature`]: the sign-on submission, its wire names, limits and validation.
//! - [`signers`]: the receiver's public signer counts and list pages.
//! - [`authoring`] (feature `authoring`, native only): the plain-text format organizers write, and
//!   its compiler to the campaign model.

pub mod api_error;
pub mod backoff;
pub mod calendar;
pub mod campaign;
pub mod feed;
pub mod json;
pub mod locale;
pub mod signature;
pub mod signers;
pub mod status;

#[cfg(feature = "authoring")]
pub mod authoring;

pub use campaign::Campaign;
