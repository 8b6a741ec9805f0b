//! The signature outbox: every signature is written here before it is sent and removed only when
//! the endpoint confirms it, so a closed tab, a crash or an offline endpoint never loses one. Any
//! later page with the same campaign sends what is waiting.
//!
//! Each signature is one storage entry, keyed `undersigned.outbox.v1.<campaign>.<idempotency key>`,
//! so two tabs never overwrite each other's list. An entry carries its own endpoint and encoding:
//! it goes where it was meant to go even if a later page is configured differently. Before sending,
//! a page takes a short lease on the entry, so two open tabs do not send the same signature at the
//! same moment (the idempotency key makes a double send harmless at the reference receiver; the
//! lease spares form services that have no such key).
//!
//! A signature is personal data on a device the signer may share: an entry lives only while the
//! signature is undelivered (removed as soon as the endpoint answers, whatever it answers) and for
//! at most [`MAX_AGE_MS`] (30 days): an older one, of any campaign, is dropped unsent the next time
//! any page of any campaign looks at the outbox, since a letter has usually been delivered by then.
//!
//! The entry is stored in the URL Standard's form encoding (from `core`), so this module needs no
//! JSON and is tested natively against an in-memory [`Store`].

use undersigned_core::signature::encoding::Encoding;
use undersigned_core::signature::{wire, SignatureSubmission};

/// Key-value storage (`localStorage` in the browser).
pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
    /// Fails when storage is full or forbidden (private browsing, sandboxed frames).
    fn set(&self, key: &str, value: &str) -> Result<(), String>;
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
}

/// How long a page may hold an entry before another page may send it.
pub const LEASE_MS: u64 = 30_000;

/// How long an undelivered signature is kept: 30 days.
pub const MAX_AGE_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// The storage keys of every outbox entry, of every campaign, start with this.
const KEY_PREFIX: &str = "undersigned.outbox.v1.";

/// One signature waiting for its endpoint's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub submission: SignatureSubmission,
    pub endpoint: String,
    pub encoding: Encoding,
    /// The `field-map` attribute as written (for `form`).
    pub field_map: String,
    /// Whether the request may be sent without CORS (`cors="off"`), accepting an opaque answer.
    pub no_cors: bool,
    pub created_ms: u64,
    /// Attempts made so far, across pages.
    pub attempts: u32,
    /// The page holding the lease, and until when.
    pub lease_owner: String,
    pub lease_until_ms: u64,
}

// Names of the entry's own fields in the stored text; `~` keeps them apart from the wire names.
const ENDPOINT: &str = "~endpoint";
const ENCODING: &str = "~encoding";
const FIELD_MAP: &str = "~field_map";
const NO_CORS: &str = "~no_cors";
const CREATED: &str = "~created_ms";
const ATTEMPTS: &str = "~attempts";
const LEASE_OWNER: &str = "~lease_owner";
const LEASE_UNTIL: &str = "~lease_until_ms";

impl OutboxEntry {
    /// The idempotency key, which names the entry.
    pub fn key(&self) -> &str {
        &self.submission.idempotency_key
    }

    fn to_text(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![
            (ENDPOINT, self.endpoint.clone()),
            (ENCODING, self.encoding.as_str().to_string()),
            (FIELD_MAP, self.field_map.clone()),
            (NO_CORS, self.no_cors.to_string()),
            (CREATED, self.created_ms.to_string()),
            (ATTEMPTS, self.attempts.to_string()),
            (LEASE_OWNER, self.lease_owner.clone()),
            (LEASE_UNTIL, self.lease_until_ms.to_string()),
        ];
        pairs.extend(self.submission.to_form_pairs());
        wire::encode_form(pairs)
    }

    /// An entry from stored text; None when it is not one (damaged, or written by a future version
    /// with another encoding), in which case it is left alone.
    fn from_text(text: &str) -> Option<OutboxEntry> {
        let pairs = wire::decode_form(text);
        let meta = |name: &str| pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let number = |name: &str| meta(name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let submission = SignatureSubmission::from_form_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let endpoint = meta(ENDPOINT)?.to_string();
        if endpoint.is_empty() || submission.idempotency_key.is_empty() {
            return None;
        }
        Some(OutboxEntry {
            endpoint,
            encoding: meta(ENCODING)?.parse().ok()?,
            field_map: meta(FIELD_MAP).unwrap_or_default().to_string(),
            no_cors: meta(NO_CORS) == Some("true"),
            created_ms: number(CREATED),
            attempts: u32::try_from(number(ATTEMPTS)).unwrap_or(u32::MAX),
            lease_owner: meta(LEASE_OWNER).unwrap_or_default().to_string(),
            lease_until_ms: number(LEASE_UNTIL),
            submission,
        })
    }
}

/// What [`Outbox::lease`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lease {
    /// This page may send the entry now (its lease is stored).
    Acquired(Box<OutboxEntry>),
    /// Another page is sending it; look again after this time.
    HeldUntil(u64),
    /// The entry is gone: another page delivered it.
    Gone,
}

/// The outbox of one campaign.
pub struct Outbox<S: Store> {
    store: S,
    prefix: String,
}

impl<S: Store> Outbox<S> {
    pub fn new(store: S, campaign_id: &str) -> Self {
        Outbox { store, prefix: format!("{KEY_PREFIX}{campaign_id}.") }
    }

    fn storage_key(&self, idempotency_key: &str) -> String {
        format!("{}{idempotency_key}", self.prefix)
    }

    /// Stores (or updates) `entry`; an error means the device cannot keep it.
    pub fn save(&self, entry: &OutboxEntry) -> Result<(), String> {
        self.store.set(&self.storage_key(entry.key()), &entry.to_text())
    }

    /// The entry for `idempotency_key`, if it is waiting.
    pub fn get(&self, idempotency_key: &str) -> Option<OutboxEntry> {
        self.store.get(&self.storage_key(idempotency_key)).and_then(|text| OutboxEntry::from_text(&text))
    }

    /// Forgets a delivered (or refused) signature.
    pub fn remove(&self, idempotency_key: &str) {
        self.store.remove(&self.storage_key(idempotency_key));
    }

    /// Every signature of this campaign waiting to be sent at `now_ms`, oldest first. Entries older
    /// than [`MAX_AGE_MS`], of any campaign, are removed first.
    pub fn pending(&self, now_ms: u64) -> Vec<OutboxEntry> {
        let mut entries = Vec::new();
        for key in self.store.keys().into_iter().filter(|key| key.starts_with(KEY_PREFIX)) {
            let Some(entry) = self.store.get(&key).and_then(|text| OutboxEntry::from_text(&text)) else { continue };
            if now_ms.saturating_sub(entry.created_ms) > MAX_AGE_MS {
                self.store.remove(&key);
            } else if key.starts_with(&self.prefix) {
                entries.push(entry);
            }
        }
        // Oldest first; the idempotency key breaks ties so that every tab sees one order.
        crate::sort::sort_by(&mut entries, |a, b| {
            (a.created_ms, &a.submission.idempotency_key).cmp(&(b.created_ms, &b.submission.idempotency_key))
        });
        entries
    }

    /// Takes the lease on an entry for `owner` at `now_ms`, counting the attempt about to be made.
    pub fn lease(&self, idempotency_key: &str, owner: &str, now_ms: u64) -> Lease {
        let Some(mut entry) = self.get(idempotency_key) else { return Lease::Gone };
        if entry.lease_owner != owner && entry.lease_until_ms > now_ms {
            return Lease::HeldUntil(entry.lease_until_ms);
        }
        entry.lease_owner = owner.to_string();
        entry.lease_until_ms = now_ms + LEASE_MS;
        entry.attempts = entry.attempts.saturating_add(1);
        // If the lease cannot be written, sending anyway is still right: the entry exists and the
        // idempotency key protects against a double send.
        let _ = self.save(&entry);
        Lease::Acquired(Box::new(entry))
    }
}

/// In-memory storage, for tests and for browsers that forbid `localStorage`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    /// `(key, value)` pairs: an outbox holds a few entries, and a map type would bring its own
    /// code into the wasm.
    entries: std::cell::RefCell<Vec<(String, String)>>,
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.entries.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        self.remove(key);
        self.entries.borrow_mut().push((key.to_string(), value.to_string()));
        Ok(())
    }
    fn remove(&self, key: &str) {
        self.entries.borrow_mut().retain(|(k, _)| k != key);
    }
    fn keys(&self) -> Vec<String> {
        self.entries.borrow().iter().map(|(k, _)| k.clone()).collect()
    }
}

impl<T: Store> Store for &T {
    fn get(&self, key: &str) -> Option<String> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), String> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) {
        (**self).remove(key)
    }
    fn keys(&self) -> Vec<String> {
        (**self).keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, created_ms: u64) -> OutboxEntry {
        OutboxEntry {
            submission: SignatureSubmission {
                kind: "individual".into(),
                name: "Ana & Bo = 100% ✓".into(),
                email: "a@b.org".into(),
                idempotency_key: key.into(),
                list_publicly: true,
                fill_ms: Some(5_000),
                ..Default::default()
            },
            endpoint: "https://r.example/api/campaigns/c/signatures?x=1&y=2".into(),
            encoding: Encoding::Form,
            field_map: "email:EMAIL,name:FNAME".into(),
            no_cors: true,
            created_ms,
            attempts: 0,
            lease_owner: String::new(),
            lease_until_ms: 0,
        }
    }

    #[test]
    fn entries_survive_storage_exactly_and_stay_within_their_campaign() {
        let store = MemoryStore::default();
        let outbox = Outbox::new(&store, "c");
        let other = Outbox::new(&store, "other");
        outbox.save(&entry("k2", 20)).unwrap();
        outbox.save(&entry("k1", 10)).unwrap();
        other.save(&entry("k3", 5)).unwrap();
        store.set("undersigned.outbox.v1.c.damaged", "garbage").unwrap();
        let pending = outbox.pending(100);
        assert_eq!(pending, vec![entry("k1", 10), entry("k2", 20)]);
        outbox.remove("k1");
        assert_eq!(outbox.pending(100), vec![entry("k2", 20)]);
        assert_eq!(other.pending(100).len(), 1);
    }

    #[test]
    fn entries_older_than_30_days_are_dropped_from_every_campaign() {
        let store = MemoryStore::default();
        let outbox = Outbox::new(&store, "c");
        let other = Outbox::new(&store, "other");
        let day = 24 * 60 * 60 * 1000;
        outbox.save(&entry("old", 0)).unwrap();
        outbox.save(&entry("young", day)).unwrap();
        other.save(&entry("old-elsewhere", 0)).unwrap();
        assert_eq!(outbox.pending(MAX_AGE_MS).len(), 2, "30 days old is still kept");
        let keys = outbox.pending(MAX_AGE_MS + 1).into_iter().map(|e| e.key().to_string()).collect::<Vec<_>>();
        assert_eq!(keys, ["young"]);
        assert!(outbox.get("old").is_none(), "the old entry is gone from storage, not only hidden");
        assert!(other.pending(MAX_AGE_MS + 1).is_empty(), "another campaign's old entry went too");
        assert_eq!(store.keys(), ["undersigned.outbox.v1.c.young"]);
    }

    #[test]
    fn a_lease_keeps_other_pages_away_until_it_expires() {
        let store = MemoryStore::default();
        let outbox = Outbox::new(&store, "c");
        outbox.save(&entry("k", 0)).unwrap();
        let Lease::Acquired(first) = outbox.lease("k", "page-a", 1_000) else {
            panic!("the first page gets the lease")
        };
        assert_eq!(first.attempts, 1);
        assert_eq!(outbox.lease("k", "page-b", 2_000), Lease::HeldUntil(1_000 + LEASE_MS));
        let Lease::Acquired(again) = outbox.lease("k", "page-a", 2_000) else { panic!("the holder renews") };
        assert_eq!(again.attempts, 2);
        assert!(matches!(outbox.lease("k", "page-b", 2_000 + LEASE_MS + 1), Lease::Acquired(_)));
        outbox.remove("k");
        assert_eq!(outbox.lease("k", "page-a", 0), Lease::Gone);
    }
}
