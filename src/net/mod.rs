//! Getting a signature to its endpoint exactly once: the request encodings ([`encoding`]), the
//! reading of answers and the retry schedule ([`retry`]), the persistent outbox ([`outbox`]), and,
//! in the browser, the request itself ([`fetch`]), the delivery loop ([`delivery`]) and the
//! browser facilities they use ([`browser`]).

pub mod encoding;
pub mod outbox;
pub mod retry;

// These three call browser APIs: they compile everywhere but only run in a browser.
pub mod browser;
pub mod delivery;
pub mod fetch;
