//! The browser facilities the delivery needs: `localStorage` (with an in-memory fallback where a
//! page forbids it), random UUIDs, the clock, and the page URL's `utm_*` parameters.

use super::outbox::{MemoryStore, Store};
use undersigned_core::signature::{field, wire};

thread_local! {
    // Where entries go when localStorage refuses them: they survive until the page closes.
    static FALLBACK: MemoryStore = MemoryStore::default();
}

/// `localStorage`, falling back to memory for this page when it is unavailable or full. A failed
/// [`Store::set`] means "kept in memory only", which the form tells the visitor honestly.
#[derive(Clone)]
pub struct BrowserStore {
    local: Option<web_sys::Storage>,
}

impl BrowserStore {
    pub fn new() -> Self {
        // Reading `localStorage` throws in sandboxed frames and some privacy modes.
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        BrowserStore { local }
    }
}

impl Default for BrowserStore {
    fn default() -> Self {
        BrowserStore::new()
    }
}

impl Store for BrowserStore {
    fn get(&self, key: &str) -> Option<String> {
        self.local.as_ref().and_then(|s| s.get_item(key).ok().flatten()).or_else(|| FALLBACK.with(|m| m.get(key)))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        let stored = self.local.as_ref().map(|s| s.set_item(key, value));
        match stored {
            Some(Ok(())) => {
                FALLBACK.with(|m| m.remove(key));
                Ok(())
            }
            _ => {
                FALLBACK.with(|m| m.set(key, value))?;
                Err("this browser does not let the page keep data".into())
            }
        }
    }

    fn remove(&self, key: &str) {
        if let Some(local) = &self.local {
            let _ = local.remove_item(key);
        }
        FALLBACK.with(|m| m.remove(key));
    }

    fn keys(&self) -> Vec<String> {
        let mut keys = FALLBACK.with(|m| m.keys());
        if let Some(local) = &self.local {
            let count = local.length().unwrap_or(0);
            keys.extend((0..count).filter_map(|i| local.key(i).ok().flatten()));
        }
        crate::sort::sort_by(&mut keys, |a, b| a.cmp(b));
        keys.dedup();
        keys
    }
}

/// A new time-ordered (version 7) UUID, its random part from `crypto.getRandomValues`, which,
/// unlike `crypto.randomUUID`, also exists on plain-http partner pages.
pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Every browser that runs WebAssembly has Web Crypto; this is a last resort, not a path.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    undersigned_core::signature::uuid_v7(now_ms(), bytes)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The page URL's `utm_*` parameters that are present and not empty (wire name, value).
pub fn page_utm() -> Vec<(&'static str, String)> {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let pairs = wire::decode_form(search.trim_start_matches('?'));
    field::UTM
        .into_iter()
        .filter_map(|name| pairs.iter().find(|(n, v)| n == name && !v.is_empty()).map(|(_, v)| (name, v.clone())))
        .collect()
}

/// NFC by the browser (`String.prototype.normalize`), for `core`'s validation: see
/// `undersigned_core::signature::Nfc` for why the widget does not ship its own tables.
pub fn browser_nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}
