//! The live list: what the letter demands and where each item stands, and who has signed —
//! updated as it changes.
//!
//! - [`state`]: the reducer (plain Rust, unit-tested natively): snapshots, events, pause, notices.
//! - [`source`]: which feed a widget follows, from its attributes.
//! - [`poll`]: polling a static status feed; [`stream`]: the receiver's event stream.
//! - [`fetch`], [`wire`], [`backoff`], [`browser`]: what those two share.

pub mod backoff;
mod dates;
mod browser;
pub mod fetch;
pub mod poll;
pub mod signers;
pub mod source;
pub mod state;
pub mod stream;
pub mod wire;
