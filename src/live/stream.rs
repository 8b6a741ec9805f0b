//! Following the reference receiver's Server-Sent Events stream
//! (`GET /api/campaigns/{id}/events`, see docs/receiver.md).
//!
//! The stream opens with a `feed` event (the whole status feed, its id the newest change), then
//! pushes a `demand` event per status change (its id the change id) and a `signers` event when the
//! counts move. When the connection drops, the stream is closed and reopened after a capped,
//! jittered backoff with `?last_event_id=` — the receiver then replays only the changes missed (or
//! sends the whole feed again when too far behind), and the reducer ignores any id it has already
//! applied, so a reconnect never duplicates or reverts anything. The browser's own EventSource
//! retry is not used: it retries at a fixed pace and gives up for good on an HTTP error.
//!
//! Streams dropped together (a receiver restarting) must not come back together: the first
//! reconnect also waits a random part of [`FIRST_RECONNECT_SPREAD_MS`]. While the stream cannot be
//! opened (the receiver is down, or at its cap of open streams and answering `503 busy`, which an
//! EventSource cannot tell apart), every failed attempt reads the status feed once instead, so the
//! list keeps following the changes at the pace of the backoff; the notice shows only when that
//! read fails too.
//!
//! Dropping the [`ReceiverStream`] closes the connection and cancels a pending reconnect.

use super::browser::{js_reason, unit_random, warn};
use super::fetch::fetch_text;
use super::source::ReceiverUrls;
use super::state::{FeedProblem, LiveAction, LiveEvent};
use super::wire::{parse_demand_event, parse_signer_counts, parse_status_feed};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use undersigned_core::backoff::Backoff;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};
use yew::Callback;

/// Reconnect delays after 1, 2, 3 … failed connections: up to 1 s, 2 s, 4 s … up to a minute (each
/// in the upper half of its step, so the pages a receiver restart cut off do not all return at once).
pub const RECONNECT: Backoff = Backoff { base: 500, max: 60_000 };
/// The first reconnect after a drop waits up to this much more, at random: the receiver's own
/// `retry:` hint spreads its streams over 1–15 s, but the browser's retry is not used here.
pub const FIRST_RECONNECT_SPREAD_MS: f64 = 10_000.0;

/// A followed event stream; drop it to close.
pub struct ReceiverStream {
    stream: Rc<RefCell<Stream>>,
}

struct Stream {
    urls: ReceiverUrls,
    campaign_id: String,
    /// Consecutive failed connections (reset when a connection opens).
    failures: u32,
    /// A connection is open: a status-feed read answered after that is older than the stream.
    open: bool,
    last_event_id: Option<u64>,
    source: Option<EventSource>,
    listeners: Vec<EventListener>,
    reconnect: Option<Timeout>,
    emit: Callback<LiveAction>,
}

impl ReceiverStream {
    /// Opens the stream of campaign `campaign_id` on the receiver at `urls`.
    pub fn start(urls: ReceiverUrls, campaign_id: String, emit: Callback<LiveAction>) -> Self {
        let stream = Rc::new(RefCell::new(Stream {
            urls,
            campaign_id,
            failures: 0,
            open: false,
            last_event_id: None,
            source: None,
            listeners: Vec::new(),
            reconnect: None,
            emit,
        }));
        connect(&stream);
        ReceiverStream { stream }
    }
}

impl Drop for ReceiverStream {
    fn drop(&mut self) {
        if let Some(source) = self.stream.borrow_mut().source.take() {
            source.close();
        }
    }
}

fn connect(stream: &Rc<RefCell<Stream>>) {
    let mut s = stream.borrow_mut();
    s.reconnect = None;
    let url = s.urls.events(s.last_event_id);
    let source = match EventSource::new(&url) {
        Ok(source) => source,
        Err(e) => {
            // Only a malformed URL gets here: retrying will not help, say so once.
            warn(&format!("the receiver's event stream {url} cannot be opened: {}", js_reason(&e)));
            let emit = s.emit.clone();
            drop(s);
            emit.emit(LiveAction::Problem(FeedProblem::Unreachable));
            return;
        }
    };
    let weak = Rc::downgrade(stream);
    let on = |name: &'static str, handler: fn(&Rc<RefCell<Stream>>, &MessageEvent)| {
        let weak = weak.clone();
        EventListener::new(&source, name, move |event| {
            if let (Some(stream), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
                handler(&stream, event);
            }
        })
    };
    let listeners = vec![
        on("feed", on_feed),
        on("demand", on_demand),
        on("signers", on_signers),
        {
            let weak = weak.clone();
            EventListener::new(&source, "open", move |_| {
                if let Some(stream) = weak.upgrade() {
                    let mut s = stream.borrow_mut();
                    s.failures = 0;
                    s.open = true;
                }
            })
        },
        EventListener::new(&source, "error", move |_| on_error(&weak)),
    ];
    // Listeners of a previous connection are dropped here, outside their own callbacks.
    s.listeners = listeners;
    s.source = Some(source);
}

fn event_id(event: &MessageEvent) -> Option<u64> {
    event.last_event_id().trim().parse().ok()
}

fn data(event: &MessageEvent) -> String {
    event.data().as_string().unwrap_or_default()
}

/// Hands `result` to the reducer, or reports why the event was not understood.
fn deliver(stream: &Rc<RefCell<Stream>>, what: &str, result: Result<LiveAction, String>, id: Option<u64>) {
    let emit = {
        let mut s = stream.borrow_mut();
        if result.is_ok() && id.is_some() {
            s.last_event_id = s.last_event_id.max(id);
        }
        s.emit.clone()
    };
    match result {
        Ok(action) => emit.emit(action),
        Err(reason) => {
            warn(&format!("a `{what}` event from the receiver was not understood: {reason}"));
            emit.emit(LiveAction::Problem(FeedProblem::Malformed(reason)));
        }
    }
}

fn on_feed(stream: &Rc<RefCell<Stream>>, event: &MessageEvent) {
    let id = event_id(event);
    let campaign_id = stream.borrow().campaign_id.clone();
    let result = parse_status_feed(&data(event), &campaign_id).map(|mut snapshot| {
        snapshot.event_id = id;
        LiveAction::Snapshot(snapshot)
    });
    deliver(stream, "feed", result, id);
}

fn on_demand(stream: &Rc<RefCell<Stream>>, event: &MessageEvent) {
    let id = event_id(event);
    let result =
        parse_demand_event(&data(event)).map(|state| LiveAction::Event(LiveEvent::Demand { event_id: id, state }));
    deliver(stream, "demand", result, id);
}

fn on_signers(stream: &Rc<RefCell<Stream>>, event: &MessageEvent) {
    let result = parse_signer_counts(&data(event)).map(|counts| LiveAction::Event(LiveEvent::Signers(counts)));
    deliver(stream, "signers", result, None);
}

fn on_error(weak: &Weak<RefCell<Stream>>) {
    let Some(stream) = weak.upgrade() else { return };
    let url = {
        let mut s = stream.borrow_mut();
        if let Some(source) = s.source.take() {
            source.close();
        }
        s.open = false;
        s.failures = s.failures.saturating_add(1);
        let mut delay = RECONNECT.jittered(s.failures, unit_random());
        if s.failures == 1 {
            delay += (unit_random() * FIRST_RECONNECT_SPREAD_MS) as u64;
        }
        let weak = weak.clone();
        s.reconnect = Some(Timeout::new(u32::try_from(delay).unwrap_or(u32::MAX), move || {
            if let Some(stream) = weak.upgrade() {
                connect(&stream);
            }
        }));
        s.urls.status()
    };
    let weak = weak.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let response = fetch_text(&url).await;
        let Some(stream) = weak.upgrade() else { return };
        let (emit, campaign_id) = {
            let s = stream.borrow();
            if s.open {
                return;
            }
            (s.emit.clone(), s.campaign_id.clone())
        };
        emit.emit(match response.map(|text| parse_status_feed(&text, &campaign_id)) {
            Ok(Ok(snapshot)) => LiveAction::Snapshot(snapshot),
            Ok(Err(reason)) => LiveAction::Problem(FeedProblem::Malformed(reason)),
            Err(_) => LiveAction::Problem(FeedProblem::Unreachable),
        });
    });
}
