//! Live events for the SSE streams of this instance: status changes and signer counts.
//!
//! Every status change is a row of `demand_history`, whose id is the event id. One pump task per
//! instance reads the rows it has not seen yet and broadcasts them to the streams. It runs when
//! this instance made a change (a local nudge), when PostgreSQL announces a commit by any instance
//! (LISTEN/NOTIFY), and on a slow timer that also catches changes made by the CLI on SQLite or
//! a notification lost while reconnecting. Reading from the table rather than trusting the
//! notification payload means every instance sends the same events, in the same order, with
//! the same ids, and a client resuming with `Last-Event-ID` gets exactly what it missed.
//!
//! Signer counts are not events with ids (only the latest count matters): every second the pump
//! counts the campaigns that have listeners and broadcasts the counts that changed.
//!
//! The pump also keeps the latest [`RECENT`] changes in memory and moves the versions of the
//! [`Snapshots`], so that a stream starts (or resumes with `Last-Event-ID`) from memory, without a
//! query: after a restart tens of thousands of streams reconnect at once, and none of them may
//! hold a database connection that an organizer's change or a signature needs. The number of open
//! streams is capped per instance ([`LiveHub::subscribe`] refuses above it).
//!
//! Every event is serialized once, into its [`sse`] frame, by the pump that publishes it; the
//! streams write that shared frame as it is.

pub mod sse;

use crate::domain::{SignerCounts, StatusChange};
use crate::snapshot::Snapshots;
use crate::store::{Backend, Store, NOTIFY_CHANNEL};
use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};

/// What the streams receive.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    Status(Arc<LiveChange>),
    Signers { campaign: Arc<str>, counts: SignerCounts, frame: Bytes },
}

/// A status change with its `demand` event as sent on the wire.
#[derive(Debug)]
pub struct LiveChange {
    pub change: StatusChange,
    pub frame: Bytes,
}

impl LiveChange {
    pub fn new(change: StatusChange) -> LiveChange {
        let frame = sse::json("demand", Some(change.id), &change.demand);
        LiveChange { change, frame }
    }
}

/// How many of the latest changes (of all campaigns) are kept for resuming streams; a client
/// further behind gets the whole feed.
pub const RECENT: usize = 1024;

/// The broadcast point of one instance.
pub struct LiveHub {
    sender: broadcast::Sender<LiveEvent>,
    nudge: Notify,
    /// Streams open per campaign: only those campaigns get counted.
    listeners: Mutex<HashMap<String, usize>>,
    shutdown: watch::Receiver<bool>,
    pub snapshots: Arc<Snapshots>,
    /// The latest changes, in id order, for resuming streams.
    recent: Mutex<Recent>,
    /// Open streams, and the most this instance takes.
    open: AtomicUsize,
    max_streams: usize,
}

/// Every change with an id above `floor` and up to `last` is in `changes`.
struct Recent {
    changes: VecDeque<Arc<LiveChange>>,
    floor: i64,
    last: i64,
}

/// Where a new stream starts.
pub enum Start {
    /// The changes of its campaign after the client's `Last-Event-ID`, in order (maybe none).
    Replay(Vec<Arc<LiveChange>>),
    /// The whole feed (a new client, or one too far behind or ahead of this instance).
    Feed,
}

/// Held by an open stream; unregisters it when dropped.
pub struct Subscription {
    hub: Arc<LiveHub>,
    campaign: String,
    pub events: broadcast::Receiver<LiveEvent>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.open.fetch_sub(1, Ordering::AcqRel);
        let mut listeners = self.hub.listeners.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = listeners.get_mut(&self.campaign) {
            *n -= 1;
            if *n == 0 {
                listeners.remove(&self.campaign);
            }
        }
    }
}

impl LiveHub {
    /// A hub taking at most `max_streams` open streams (0: no limit).
    pub fn new(shutdown: watch::Receiver<bool>, snapshots: Arc<Snapshots>, max_streams: usize) -> Arc<LiveHub> {
        let (sender, _) = broadcast::channel(1024);
        Arc::new(LiveHub {
            sender,
            nudge: Notify::new(),
            listeners: Mutex::new(HashMap::new()),
            shutdown,
            snapshots,
            recent: Mutex::new(Recent { changes: VecDeque::new(), floor: i64::MAX, last: 0 }),
            open: AtomicUsize::new(0),
            max_streams: if max_streams == 0 { usize::MAX } else { max_streams },
        })
    }

    /// Open streams on this instance.
    pub fn open_streams(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    /// Subscribes a stream of `campaign` (events broadcast from now on) and says where it starts:
    /// the changes after `resume` kept in memory, or the whole feed. None when this instance
    /// already has as many streams open as it takes.
    pub fn subscribe(self: &Arc<Self>, campaign: &str, resume: Option<i64>) -> Option<(Subscription, Start)> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.max_streams {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        *self.listeners.lock().unwrap_or_else(|p| p.into_inner()).entry(campaign.to_string()).or_default() += 1;
        // Under the same lock the pump holds while it records and broadcasts a change: a change is
        // either in the replay or comes through the subscription (or both; ids already sent are
        // skipped), never lost in between.
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let subscription =
            Subscription { hub: self.clone(), campaign: campaign.to_string(), events: self.sender.subscribe() };
        let start = match resume {
            Some(last) if last >= recent.floor && last <= recent.last => Start::Replay(
                recent
                    .changes
                    .iter()
                    .filter(|c| c.change.id > last && c.change.campaign == campaign)
                    .cloned()
                    .collect(),
            ),
            _ => Start::Feed,
        };
        Some((subscription, start))
    }

    /// Asks the pump to look for new changes now (after this instance committed one).
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// Resolves when the server is shutting down (streams end so that shutdown can finish).
    pub fn shutdown_signal(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.shutdown.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }

    fn watched_campaigns(&self) -> Vec<String> {
        self.listeners.lock().unwrap_or_else(|p| p.into_inner()).keys().cloned().collect()
    }

    /// Reads where the pump starts: the latest change now. Awaited before the receiver accepts
    /// connections, so a change committed after a stream's first snapshot is always one the pump
    /// delivers (read lazily inside the pump, a change landing before that read was skipped).
    pub async fn start_pump(self: Arc<Self>, store: Store, poll: Duration) -> impl std::future::Future<Output = ()> {
        let last_id = match store.latest_change_id(None).await {
            Ok(id) => id,
            Err(e) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    "live events: cannot read the latest change id; starting from 0"
                );
                0
            }
        };
        {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            recent.floor = last_id;
            recent.last = last_id;
        }
        self.run_pump(store, poll, last_id)
    }

    /// Runs the pump from `last_id` until shutdown. `poll` is the slow timer's period.
    async fn run_pump(self: Arc<Self>, store: Store, poll: Duration, mut last_id: i64) {
        let notified = Arc::new(Notify::new());
        if store.backend() == Backend::Postgres {
            tokio::spawn(listen_postgres(store.url().to_string(), notified.clone(), self.shutdown_signal()));
        }
        let mut poll_timer = tokio::time::interval(poll);
        let mut count_timer = tokio::time::interval(Duration::from_secs(1));
        let mut counts: HashMap<String, SignerCounts> = HashMap::new();
        let shutdown = self.shutdown_signal();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.nudge.notified() => {}
                _ = notified.notified() => {}
                _ = poll_timer.tick() => {
                    // Settings or signers changed where no notification reaches (the CLI on
                    // SQLite, another instance): snapshots are rebuilt on their next read.
                    self.snapshots.invalidate_all();
                }
                _ = count_timer.tick() => {
                    self.broadcast_counts(&store, &mut counts).await;
                    continue;
                }
            }
            loop {
                match store.status_changes_after(None, last_id, 500).await {
                    Ok(changes) => {
                        let done = changes.len() < 500;
                        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
                        for change in changes {
                            last_id = change.id;
                            let change = Arc::new(LiveChange::new(change));
                            self.snapshots.status_changed(&change.change.campaign);
                            recent.last = change.change.id;
                            recent.changes.push_back(change.clone());
                            if recent.changes.len() > RECENT {
                                if let Some(old) = recent.changes.pop_front() {
                                    recent.floor = old.change.id;
                                }
                            }
                            let _ = self.sender.send(LiveEvent::Status(change));
                        }
                        drop(recent);
                        if done {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            "live events: reading new changes failed; retrying on the next tick"
                        );
                        break;
                    }
                }
            }
        }
    }

    async fn broadcast_counts(&self, store: &Store, last: &mut HashMap<String, SignerCounts>) {
        let watched = self.watched_campaigns();
        last.retain(|campaign, _| watched.contains(campaign));
        for campaign in watched {
            match store.signer_counts(&campaign).await {
                Ok(counts) if last.get(&campaign) != Some(&counts) => {
                    self.snapshots.signers_changed(&campaign);
                    last.insert(campaign.clone(), counts);
                    let frame = sse::json("signers", None, &counts);
                    let _ = self.sender.send(LiveEvent::Signers { campaign: campaign.into(), counts, frame });
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "live events: counting signers failed"),
            }
        }
    }
}

/// Wakes the pump for every NOTIFY on [`NOTIFY_CHANNEL`]; reconnects with a pause after errors.
async fn listen_postgres(url: String, notified: Arc<Notify>, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let session = listen_once(&url, &notified);
        tokio::select! {
            _ = &mut shutdown => return,
            result = session => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "live events: PostgreSQL LISTEN failed; reconnecting in 2 s (polling meanwhile)");
                }
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

async fn listen_once(url: &str, notified: &Notify) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(NOTIFY_CHANNEL).await?;
    tracing::info!("live events: listening for PostgreSQL notifications");
    // A (re)connection may have missed notifications: look once.
    notified.notify_one();
    loop {
        listener.recv().await?;
        notified.notify_one();
    }
}
