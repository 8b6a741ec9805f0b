//! The live list: what the letter demands and where each item stands, and who has signed —
//! updated as it changes.
//!
//! - [`live_list`]: the root component ([`LiveList`]), wiring a feed to the reducer.
//! - [`state`]: the reducer (plain Rust, unit-tested natively): snapshots, events, pause, notices.
//! - [`source`]: which feed a widget follows, from its attributes.
//! - [`poll`]: polling a static status feed; [`stream`]: the receiver's event stream.
//! - [`demands`], [`status_badge`], [`signers`]: the components that draw it.
//! - [`fetch`], [`wire`]: what the connections share (their backoff is `undersigned_core::backoff`).

mod browser;
mod dates;
pub mod demands;
pub mod fetch;
pub mod live_list;
pub mod poll;
pub mod signers;
pub mod source;
pub mod state;
pub mod status_badge;
pub mod stream;
pub mod wire;

pub use live_list::LiveList;
