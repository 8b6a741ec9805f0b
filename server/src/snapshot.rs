//! In-memory snapshots of what the public reads serve: the campaign and its settings, the status
//! feed (with its ETag), the signer counts, signer-list pages and the letter page. A read flood
//! (tens of thousands of widgets polling `/status`, a restart making them all reconnect) is then
//! answered from memory and never waits for, or holds, a database connection; signatures have
//! their own connections anyway (the writer's pool, see `app.rs`).
//!
//! Each campaign has two version counters. `feed_version` moves when a status changes (the live
//! pump saw a new history row) or an organizer changed anything; `signers_version` moves when a
//! signature was stored here, when the pump's count check found other counts (signatures through
//! another instance), or an organizer changed anything. A cached value remembers the version it
//! was built at; a read that finds an older one rebuilds it, one reader at a time (the others wait
//! for that rebuild instead of each querying). Changes made where this instance cannot see them
//! (the CLI on SQLite, settings through another instance) are picked up by the pump's slow poll,
//! which moves every counter.

use crate::live::sse;
use crate::signing;
use crate::status_feed;
use crate::store::{CampaignRecord, SignerCounts, Store};
use axum::body::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use undersigned_core::feed::StatusFeed;
use undersigned_core::signature::SignerKind;
use undersigned_core::signers::{PublicSigner, SignerPage};

/// A value built at some version, rebuilt by one caller at a time when the version moved.
struct Cached<T, V = u64> {
    value: Mutex<Option<(V, Arc<T>)>>,
    building: tokio::sync::Mutex<()>,
}

impl<T, V: PartialEq + Copy> Cached<T, V> {
    fn new() -> Self {
        Cached { value: Mutex::new(None), building: tokio::sync::Mutex::new(()) }
    }

    fn current(&self, version: V) -> Option<Arc<T>> {
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        value.as_ref().filter(|(v, _)| *v == version).map(|(_, t)| t.clone())
    }

    async fn get<F, Fut>(&self, version: V, build: F) -> anyhow::Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = anyhow::Result<T>>,
    {
        if let Some(value) = self.current(version) {
            return Ok(value);
        }
        let _building = self.building.lock().await;
        if let Some(value) = self.current(version) {
            return Ok(value);
        }
        // Tagged with the version read before building: a change during the build makes the next
        // read build again.
        let value = Arc::new(build().await?);
        *self.value.lock().unwrap_or_else(|p| p.into_inner()) = Some((version, value.clone()));
        Ok(value)
    }
}

/// A body with its strong ETag (the first 128 bits of its SHA-256, the same on every instance).
pub struct Tagged {
    pub body: Bytes,
    pub etag: String,
}

impl Tagged {
    fn of(body: Vec<u8>) -> Tagged {
        let etag = format!("\"{}\"", &signing::hex(&Sha256::digest(&body))[..32]);
        Tagged { body: body.into(), etag }
    }

    /// Whether `If-None-Match` names this body.
    pub fn matches(&self, if_none_match: Option<&str>) -> bool {
        if_none_match
            .is_some_and(|v| v.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == self.etag))
    }
}

/// The campaign as stored, and its compiled JSON (`GET /api/campaigns/{id}`).
pub struct CampaignSnapshot {
    pub record: CampaignRecord,
    pub json: Tagged,
}

/// The status feed as of one change id.
pub struct FeedSnapshot {
    /// The latest change of this campaign included (the `feed` event's id).
    pub change_id: i64,
    pub feed: StatusFeed,
    pub json: Tagged,
    /// The `feed` event a stream starts with (the same JSON, framed once for every stream).
    pub frame: Bytes,
}

/// What the letter page lists: the counts and the first signers of each kind.
pub struct LetterSigners {
    pub counts: SignerCounts,
    pub organizations: Vec<PublicSigner>,
    pub individuals: Vec<PublicSigner>,
}

/// The rendered `<main>` of a letter page, cut around its form's idempotency key so that each
/// answer carries a fresh one.
pub struct LetterMain {
    pub before_key: String,
    pub after_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PageKey {
    kind: SignerKind,
    page: u32,
    per_page: u32,
}

/// Signer-list pages kept per campaign; more distinct pages than this and the oldest are forgotten
/// (a crawler walking every page must not grow memory without bound).
const MAX_PAGES: usize = 256;

/// A language's letter page, at the (feed, signers) versions it shows.
type LetterCache = Cached<LetterMain, (u64, u64)>;

struct CampaignEntry {
    feed_version: AtomicU64,
    signers_version: AtomicU64,
    campaign: Cached<CampaignSnapshot>,
    feed: Cached<FeedSnapshot>,
    counts: Cached<SignerCounts>,
    letter_signers: Cached<LetterSigners>,
    pages: Mutex<HashMap<PageKey, Arc<Cached<Tagged>>>>,
    letters: Mutex<HashMap<String, Arc<LetterCache>>>,
}

impl CampaignEntry {
    fn new() -> CampaignEntry {
        CampaignEntry {
            feed_version: AtomicU64::new(1),
            signers_version: AtomicU64::new(1),
            campaign: Cached::new(),
            feed: Cached::new(),
            counts: Cached::new(),
            letter_signers: Cached::new(),
            pages: Mutex::new(HashMap::new()),
            letters: Mutex::new(HashMap::new()),
        }
    }

    fn versions(&self) -> (u64, u64) {
        (self.feed_version.load(Ordering::Acquire), self.signers_version.load(Ordering::Acquire))
    }
}

/// Every campaign's snapshots on this instance.
pub struct Snapshots {
    store: Store,
    campaigns: RwLock<HashMap<String, Arc<CampaignEntry>>>,
}

impl Snapshots {
    pub fn new(store: Store) -> Arc<Snapshots> {
        Arc::new(Snapshots { store, campaigns: RwLock::new(HashMap::new()) })
    }

    /// The entry of campaign `id`, looked up in the store the first time (None: no such campaign).
    async fn entry(&self, id: &str) -> anyhow::Result<Option<Arc<CampaignEntry>>> {
        if let Some(entry) = self.campaigns.read().unwrap_or_else(|p| p.into_inner()).get(id) {
            return Ok(Some(entry.clone()));
        }
        let Some(record) = self.store.campaign(id).await? else { return Ok(None) };
        let snapshot = campaign_snapshot(record)?;
        let mut campaigns = self.campaigns.write().unwrap_or_else(|p| p.into_inner());
        let entry = campaigns.entry(id.to_string()).or_insert_with(|| {
            let entry = CampaignEntry::new();
            *entry.campaign.value.lock().unwrap_or_else(|p| p.into_inner()) = Some((1, Arc::new(snapshot)));
            Arc::new(entry)
        });
        Ok(Some(entry.clone()))
    }

    /// The campaign and its settings; None when the receiver has no such campaign.
    pub async fn campaign(&self, id: &str) -> anyhow::Result<Option<Arc<CampaignSnapshot>>> {
        let Some(entry) = self.entry(id).await? else { return Ok(None) };
        let version = entry.feed_version.load(Ordering::Acquire);
        let store = &self.store;
        let snapshot = entry
            .campaign
            .get(version, || async move {
                let record = store.campaign(id).await?.ok_or_else(|| anyhow::anyhow!("campaign {id} disappeared"))?;
                campaign_snapshot(record)
            })
            .await?;
        Ok(Some(snapshot))
    }

    /// The status feed; None when the receiver has no such campaign.
    pub async fn feed(&self, id: &str) -> anyhow::Result<Option<Arc<FeedSnapshot>>> {
        let Some(campaign) = self.campaign(id).await? else { return Ok(None) };
        let Some(entry) = self.entry(id).await? else { return Ok(None) };
        let version = entry.feed_version.load(Ordering::Acquire);
        let store = &self.store;
        let feed = entry
            .feed
            .get(version, || async move {
                let change_id = store.latest_change_id(Some(id)).await?;
                let feed = status_feed::build(store, &campaign.record, change_id).await?;
                if let Err(problems) = feed.validate() {
                    tracing::error!(campaign = %id, ?problems, "the status feed does not meet its own format");
                }
                let json = Tagged::of(serde_json::to_vec(&feed)?);
                let frame = sse::frame("feed", Some(change_id), &json.body);
                Ok(FeedSnapshot { change_id, feed, json, frame })
            })
            .await?;
        Ok(Some(feed))
    }

    /// Approved signer counts of a campaign known to exist.
    pub async fn counts(&self, id: &str) -> anyhow::Result<SignerCounts> {
        let Some(entry) = self.entry(id).await? else { return Ok(SignerCounts::default()) };
        let version = entry.signers_version.load(Ordering::Acquire);
        let store = &self.store;
        Ok(*entry.counts.get(version, || async move { store.signer_counts(id).await }).await?)
    }

    /// One page of the public signer list (the JSON of `GET …/signers`), of a campaign known to
    /// exist.
    pub async fn signer_page(
        &self,
        id: &str,
        kind: SignerKind,
        page: u32,
        per_page: u32,
    ) -> anyhow::Result<Arc<Tagged>> {
        let Some(entry) = self.entry(id).await? else { anyhow::bail!("campaign {id} disappeared") };
        let version = entry.signers_version.load(Ordering::Acquire);
        let key = PageKey { kind, page, per_page };
        let cached = {
            let mut pages = entry.pages.lock().unwrap_or_else(|p| p.into_inner());
            if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
                pages.clear();
            }
            pages.entry(key).or_insert_with(|| Arc::new(Cached::new())).clone()
        };
        let counts = self.counts(id).await?;
        let store = &self.store;
        cached
            .get(version, || async move {
                let offset = i64::from(page - 1) * i64::from(per_page);
                let signers = store.public_list(id, kind, i64::from(per_page), offset).await?;
                let page = SignerPage {
                    pages: SignerPage::page_count(counts.listed(kind), per_page),
                    campaign: id.to_string(),
                    kind,
                    page,
                    per_page,
                    counts,
                    signers,
                };
                Ok(Tagged::of(serde_json::to_vec(&page)?))
            })
            .await
    }

    /// The counts and first `shown` signers of each kind, for the letter page.
    pub async fn letter_signers(&self, id: &str, shown: i64) -> anyhow::Result<Arc<LetterSigners>> {
        let Some(entry) = self.entry(id).await? else { anyhow::bail!("campaign {id} disappeared") };
        let version = entry.signers_version.load(Ordering::Acquire);
        let counts = self.counts(id).await?;
        let store = &self.store;
        entry
            .letter_signers
            .get(version, || async move {
                Ok(LetterSigners {
                    counts,
                    organizations: store.public_list(id, SignerKind::Organization, shown, 0).await?,
                    individuals: store.public_list(id, SignerKind::Individual, shown, 0).await?,
                })
            })
            .await
    }

    /// The letter page's `<main>` in language `lang`, rendered by `render` when anything it shows
    /// changed. `render` gets the versions' inputs and returns the HTML with `key` as the form's
    /// idempotency key.
    pub async fn letter_main<F, Fut>(&self, id: &str, lang: &str, render: F) -> anyhow::Result<Arc<LetterMain>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = anyhow::Result<(String, String)>>,
    {
        let Some(entry) = self.entry(id).await? else { anyhow::bail!("campaign {id} disappeared") };
        let versions = entry.versions();
        let cached = {
            let mut letters = entry.letters.lock().unwrap_or_else(|p| p.into_inner());
            letters.entry(lang.to_string()).or_insert_with(|| Arc::new(LetterCache::new())).clone()
        };
        cached
            .get(versions, || async move {
                let (html, key) = render().await?;
                let (before, after) = html
                    .split_once(&key)
                    .ok_or_else(|| anyhow::anyhow!("the letter page's form has no idempotency key"))?;
                Ok(LetterMain { before_key: before.to_string(), after_key: after.to_string() })
            })
            .await
    }

    /// A status of `campaign` changed (the pump read a new history row).
    pub fn status_changed(&self, campaign: &str) {
        if let Some(entry) = self.campaigns.read().unwrap_or_else(|p| p.into_inner()).get(campaign) {
            entry.feed_version.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Signers of `campaign` changed (a signature stored here; other counts seen by the pump).
    pub fn signers_changed(&self, campaign: &str) {
        if let Some(entry) = self.campaigns.read().unwrap_or_else(|p| p.into_inner()).get(campaign) {
            entry.signers_version.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Anything may have changed (an organizer's action, or the slow poll for changes made where
    /// this instance cannot see them): every snapshot is rebuilt on its next read.
    pub fn invalidate_all(&self) {
        for entry in self.campaigns.read().unwrap_or_else(|p| p.into_inner()).values() {
            entry.feed_version.fetch_add(1, Ordering::AcqRel);
            entry.signers_version.fetch_add(1, Ordering::AcqRel);
        }
    }
}

fn campaign_snapshot(record: CampaignRecord) -> anyhow::Result<CampaignSnapshot> {
    // The goal is a setting (organizers change it without a new letter), served with the letter.
    let mut served = record.campaign.clone();
    served.goal = record.settings.goal.or(served.goal);
    let json = Tagged::of(serde_json::to_vec(&served)?);
    Ok(CampaignSnapshot { record, json })
}
