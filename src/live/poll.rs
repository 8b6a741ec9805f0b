//! Polling a static status feed: a JSON file an organizer hosts anywhere (`status-feed`).
//!
//! Every `interval` the file is fetched, revalidated with `If-None-Match` (see [`super::fetch`]);
//! an unchanged body is not parsed again. After a failure — unreachable or malformed — the wait
//! doubles up to [`MAX_BACKOFF_MS`], and the list keeps its last good state with a quiet notice.
//! While the page is hidden nothing is fetched; the poll that fell due meanwhile runs as soon as
//! the page is visible again.
//!
//! Dropping the [`StatusPoller`] stops it: the timer is cancelled, the visibility listener removed,
//! and a response still in flight is discarded.

use super::browser::{page_hidden, unit_random, warn};
use super::fetch::fetch_text;
use super::state::{FeedProblem, LiveAction, StatusSnapshot};
use super::wire::parse_status_feed;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use undersigned_core::backoff::Backoff;
use yew::Callback;

/// The longest wait between two polls after repeated failures.
pub const MAX_BACKOFF_MS: u64 = 10 * 60 * 1000;

/// A running poller; drop it to stop.
pub struct StatusPoller {
    _poller: Rc<RefCell<Poller>>,
}

struct Poller {
    url: String,
    campaign_id: String,
    backoff: Backoff,
    failures: u32,
    /// The last body that parsed, and what it parsed to.
    last_good: Option<(String, StatusSnapshot)>,
    timer: Option<Timeout>,
    /// A poll fell due while the page was hidden.
    due_while_hidden: bool,
    visibility: Option<EventListener>,
    emit: Callback<LiveAction>,
}

impl StatusPoller {
    /// Starts polling `url` (for the campaign `campaign_id`) now and every `interval_seconds`.
    pub fn start(url: String, interval_seconds: u32, campaign_id: String, emit: Callback<LiveAction>) -> Self {
        let base_ms = interval_seconds.saturating_mul(1000);
        let poller = Rc::new(RefCell::new(Poller {
            url,
            campaign_id,
            backoff: Backoff { base: u64::from(base_ms), max: MAX_BACKOFF_MS },
            failures: 0,
            last_good: None,
            timer: None,
            due_while_hidden: false,
            visibility: None,
            emit,
        }));
        let weak = Rc::downgrade(&poller);
        poller.borrow_mut().visibility = web_sys::window()
            .and_then(|w| w.document())
            .map(|document| EventListener::new(&document, "visibilitychange", move |_| on_visibility_change(&weak)));
        poll(Rc::downgrade(&poller));
        StatusPoller { _poller: poller }
    }
}

fn on_visibility_change(weak: &Weak<RefCell<Poller>>) {
    let Some(poller) = weak.upgrade() else { return };
    let due = !page_hidden() && std::mem::take(&mut poller.borrow_mut().due_while_hidden);
    if due {
        poll(weak.clone());
    }
}

fn poll(weak: Weak<RefCell<Poller>>) {
    let Some(poller) = weak.upgrade() else { return };
    let url = {
        let mut p = poller.borrow_mut();
        p.timer = None;
        if page_hidden() {
            p.due_while_hidden = true;
            return;
        }
        p.url.clone()
    };
    drop(poller);
    wasm_bindgen_futures::spawn_local(async move {
        let response = fetch_text(&url).await;
        // Stopped while the request was in flight: nothing to do.
        let Some(poller) = weak.upgrade() else { return };
        let (action, emit) = {
            let mut p = poller.borrow_mut();
            let action = p.absorb(response);
            // Timeout takes u32 milliseconds; the ceiling (ten minutes) or a base interval from a u32 fits.
            let delay = u32::try_from(p.backoff.jittered(p.failures, unit_random())).unwrap_or(u32::MAX);
            let next = weak.clone();
            p.timer = Some(Timeout::new(delay, move || poll(next)));
            (action, p.emit.clone())
        };
        // Emitted outside the borrow: the reducer may render synchronously.
        emit.emit(action);
    });
}

impl Poller {
    /// What one response means for the list.
    fn absorb(&mut self, response: Result<String, super::fetch::FetchError>) -> LiveAction {
        let body = match response {
            Ok(body) => body,
            Err(e) => {
                self.failures += 1;
                warn(&format!(
                    "the status feed {} could not be fetched ({e}); showing the last statuses received",
                    self.url
                ));
                return LiveAction::Problem(FeedProblem::Unreachable);
            }
        };
        if let Some((text, snapshot)) = &self.last_good {
            if *text == body {
                self.failures = 0;
                return LiveAction::Snapshot(snapshot.clone());
            }
        }
        match parse_status_feed(&body, &self.campaign_id) {
            Ok(snapshot) => {
                self.failures = 0;
                self.last_good = Some((body, snapshot.clone()));
                LiveAction::Snapshot(snapshot)
            }
            Err(reason) => {
                self.failures += 1;
                warn(&format!("the status feed {} is not valid: {reason}; showing the last good statuses", self.url));
                LiveAction::Problem(FeedProblem::Malformed(reason))
            }
        }
    }
}
