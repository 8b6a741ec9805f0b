//! The delivery loop: lease the outbox entry, send it, read the answer, and either finish or wait
//! (backoff with jitter, or `Retry-After`) and go again — for as long as the page is open. When
//! the page closes first, the entry stays in the outbox for the next page of the campaign.

use super::browser::{now_ms, BrowserStore};
use super::fetch;
use super::outbox::{Lease, Outbox};
use super::retry::{judge, Acknowledged, Verdict, RETRY};
use gloo::timers::future::TimeoutFuture;
use undersigned_core::api_error::FieldError;

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Confirmed by the endpoint (or, when the entry vanished, by another page of this campaign).
    Delivered {
        ack: Acknowledged,
        status: Option<u16>,
    },
    FieldErrors {
        status: Option<u16>,
        errors: Vec<FieldError>,
    },
    Refused {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
}

/// Delivers the outbox entry `key` of `outbox`, as page `owner`; `on_wait(saved)` is called each
/// time the signature has to wait for another attempt (`saved`: it is in persistent storage). A
/// `&dyn` rather than a generic, so that the wasm has one copy of this loop for its two callers.
pub async fn deliver(
    outbox: &Outbox<BrowserStore>,
    key: &str,
    owner: &str,
    saved: bool,
    on_wait: &dyn Fn(bool),
) -> Outcome {
    loop {
        let entry = match outbox.lease(key, owner, now_ms()) {
            Lease::Gone => return Outcome::Delivered { ack: Acknowledged::Signed, status: None },
            Lease::HeldUntil(until) => {
                on_wait(saved);
                sleep(until.saturating_sub(now_ms()).saturating_add(250)).await;
                continue;
            }
            Lease::Acquired(entry) => *entry,
        };
        let answer = match fetch::send(&entry).await {
            Ok(answer) => answer,
            Err(message) => {
                outbox.remove(key);
                return Outcome::Refused { status: 0, code: Some("request_failed".into()), message: Some(message) };
            }
        };
        let status = match &answer {
            super::retry::Answer::Http { status, .. } => Some(*status),
            _ => None,
        };
        match judge(answer) {
            Verdict::Delivered(ack) => {
                outbox.remove(key);
                return Outcome::Delivered { ack, status };
            }
            Verdict::FieldErrors(errors) => {
                outbox.remove(key);
                return Outcome::FieldErrors { status, errors };
            }
            Verdict::Refused { status, code, message } => {
                outbox.remove(key);
                return Outcome::Refused { status, code, message };
            }
            Verdict::Retry { retry_after_ms } => {
                let wait =
                    retry_after_ms.unwrap_or_else(|| RETRY.jittered(entry.attempts.max(1), js_sys::Math::random()));
                // Let another page take over after the wait if this one closes meanwhile.
                let mut held = entry;
                held.lease_until_ms = now_ms() + wait;
                if outbox.get(key).is_some() {
                    let _ = outbox.save(&held);
                }
                on_wait(saved);
                sleep(wait).await;
            }
        }
    }
}

async fn sleep(ms: u64) {
    TimeoutFuture::new(u32::try_from(ms).unwrap_or(u32::MAX)).await;
}
