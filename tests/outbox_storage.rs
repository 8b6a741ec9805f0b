//! Headless-browser tests of the signature outbox over the browser's real `localStorage`: an
//! undelivered signature is kept no longer than 30 days, and a widget that finds an older one drops
//! it unsent. (Removal on delivery is tested end to end in tests/e2e/signon*.test.mjs, against a
//! real receiver.)
#![cfg(target_arch = "wasm32")]

use undersigned::net::browser::{now_ms, BrowserStore};
use undersigned::net::outbox::{Outbox, OutboxEntry, MAX_AGE_MS};
use undersigned_core::signature::encoding::Encoding;
use undersigned_core::signature::SignatureSubmission;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{new_host, shadow_text, wait_until};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn entry(key: &str, created_ms: u64) -> OutboxEntry {
    OutboxEntry {
        submission: SignatureSubmission {
            kind: "individual".into(),
            name: "Ana Example".into(),
            email: "ana@example.org".into(),
            idempotency_key: key.into(),
            ..Default::default()
        },
        // Port 9 (discard) is never reached: an expired entry is dropped before any request.
        endpoint: "http://127.0.0.1:9/signatures".into(),
        encoding: Encoding::Json,
        field_map: String::new(),
        no_cors: false,
        created_ms,
        attempts: 0,
        lease_owner: String::new(),
        lease_until_ms: 0,
    }
}

fn local_item(key: &str) -> Option<String> {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten()).expect("localStorage");
    storage.get_item(key).ok().flatten()
}

#[wasm_bindgen_test]
fn local_storage_loses_entries_older_than_30_days() {
    let now = now_ms();
    let outbox = Outbox::new(BrowserStore::new(), "outbox-test");
    outbox.save(&entry("expired-1", now - MAX_AGE_MS - DAY_MS)).expect("localStorage takes the entry");
    outbox.save(&entry("recent-1", now - 29 * DAY_MS)).expect("localStorage takes the entry");
    assert!(local_item("undersigned.outbox.v1.outbox-test.expired-1").is_some(), "saved in localStorage");

    let pending: Vec<String> = outbox.pending(now).iter().map(|e| e.key().to_string()).collect();
    assert_eq!(pending, ["recent-1"]);
    assert_eq!(local_item("undersigned.outbox.v1.outbox-test.expired-1"), None, "removed from localStorage");
    outbox.remove("recent-1");
    assert_eq!(local_item("undersigned.outbox.v1.outbox-test.recent-1"), None, "removed once delivered");
}

#[wasm_bindgen_test]
async fn a_widget_drops_an_expired_signature_unsent() {
    // The widget's own campaign is the embedded seed letter.
    let key = "undersigned.outbox.v1.dhs-paragon.expired-2";
    let outbox = Outbox::new(BrowserStore::new(), "dhs-paragon");
    outbox.save(&entry("expired-2", now_ms() - MAX_AGE_MS - DAY_MS)).expect("localStorage takes the entry");
    assert!(local_item(key).is_some());

    let host = new_host();
    let config = js_sys::Object::new();
    js_sys::Reflect::set(&config, &"endpoint".into(), &"http://127.0.0.1:9/signatures".into()).expect("sets");
    let _widget = undersigned::mount(host.clone(), config.into()).expect("mounts");
    wait_until("the form renders", || shadow_text(&host).contains("Sign")).await;
    wait_until("the expired entry leaves localStorage", || local_item(key).is_none()).await;
    assert!(!shadow_text(&host).contains("saved on this device earlier"), "nothing is sent or announced");
}
