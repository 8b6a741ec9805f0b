//! The live list's state as plain Rust, apart from the components that draw it and the connections
//! that feed it (the `function_todomvc` pattern): a reducer over [`LiveAction`]s that
//!
//! - applies full snapshots (a polled status feed, the receiver's status endpoint) and single
//!   events (the receiver's event stream) idempotently: an event whose id is not newer than the
//!   newest one applied is a replay and changes nothing, so reconnecting never duplicates or
//!   reverts anything;
//! - keeps what is on screen (`shown`) apart from the newest known state (`latest`), so that the
//!   pause control (WCAG 2.2.2) freezes the screen while updates keep arriving, and resuming shows
//!   them all at once;
//! - records which items changed in the last update, for the live region and the brief highlight;
//! - keeps the last good state when a feed fails, with a quiet notice instead of a broken list.

use std::rc::Rc;
use undersigned_core::status::DemandStatus;

use undersigned_core::feed::StatusFeed;
pub use undersigned_core::feed::{DemandState, Evidence};

/// A full picture of the campaign's statuses at one moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatusSnapshot {
    pub demands: Vec<DemandState>,
    /// The id of the newest event this snapshot includes (receiver only; a static file has none).
    pub event_id: Option<u64>,
}

/// How many have signed (approved signers); the receiver pushes it as it changes.
pub use undersigned_core::signers::SignerCounts;

/// One change pushed by the receiver's event stream.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    Demand { event_id: Option<u64>, state: DemandState },
    Signers(SignerCounts),
}

impl LiveEvent {
    fn event_id(&self) -> Option<u64> {
        match self {
            LiveEvent::Demand { event_id, .. } => *event_id,
            LiveEvent::Signers(_) => None,
        }
    }
}

/// Why live updates are not arriving; shown as a quiet notice above the last good state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedProblem {
    /// The feed could not be fetched (network, HTTP error, stream dropped).
    Unreachable,
    /// The feed answered with something that is not a valid status feed; the detail goes to the
    /// console for the organizer, not to the visitor.
    Malformed(String),
}

/// Everything that can happen to the live list.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveAction {
    Snapshot(StatusSnapshot),
    Event(LiveEvent),
    Problem(FeedProblem),
    Pause,
    Resume,
    /// The highlight of the update numbered `serial` has run its course.
    HighlightDone(u32),
}

/// Each item's state, in the order first seen (the letter's order for the campaign's own items).
/// A `Vec` rather than a map: a campaign has tens of items, and a map type would bring its own code
/// into the wasm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Demands(Vec<DemandState>);

impl Demands {
    pub fn get(&self, id: &str) -> Option<&DemandState> {
        self.0.iter().find(|d| d.id == id)
    }

    /// Replaces the state of `state.id`, or adds it after the others.
    pub fn upsert(&mut self, state: DemandState) {
        match self.0.iter_mut().find(|d| d.id == state.id) {
            Some(slot) => *slot = state,
            None => self.0.push(state),
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, DemandState> {
        self.0.iter()
    }
}

impl FromIterator<DemandState> for Demands {
    fn from_iter<I: IntoIterator<Item = DemandState>>(states: I) -> Self {
        let mut demands = Demands::default();
        states.into_iter().for_each(|state| demands.upsert(state));
        demands
    }
}

/// The statuses and signer counts at one moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Board {
    pub demands: Demands,
    pub signers: Option<SignerCounts>,
}

/// One item whose status changed in the last published update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub demand_id: String,
    pub status: DemandStatus,
}

/// The live list's state. Build it with [`LiveState::new`], change it with [`LiveState::apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct LiveState {
    /// The ids of the items the summary counts (the leaf demands), in letter order.
    leaf_ids: Rc<[String]>,
    shown: Board,
    latest: Board,
    last_event_id: Option<u64>,
    /// Whether a full snapshot has arrived: until then, updates replace the campaign file's
    /// statuses silently rather than announcing every difference as a change.
    synced: bool,
    paused: bool,
    notice: Option<FeedProblem>,
    changes: Vec<Change>,
    /// Numbers each published update with changes, so a highlight timer ends only its own update.
    serial: u32,
    highlight: bool,
}

impl LiveState {
    /// The state before any feed answered: the statuses written in the campaign file.
    pub fn new(leaf_ids: Vec<String>, initial: Demands) -> Self {
        let board = Board { demands: initial, signers: None };
        LiveState {
            leaf_ids: leaf_ids.into(),
            shown: board.clone(),
            latest: board,
            last_event_id: None,
            synced: false,
            paused: false,
            notice: None,
            changes: Vec::new(),
            serial: 0,
            highlight: false,
        }
    }

    /// The state after `action`.
    pub fn apply(&mut self, action: LiveAction) {
        match action {
            LiveAction::Snapshot(snapshot) => {
                if let (Some(theirs), Some(ours)) = (snapshot.event_id, self.last_event_id) {
                    if theirs < ours {
                        // Older than events already applied (a slow response overtaken by the stream).
                        self.notice = None;
                        return;
                    }
                }
                self.last_event_id = self.last_event_id.max(snapshot.event_id);
                for state in snapshot.demands {
                    self.latest.demands.upsert(state);
                }
                self.received();
                self.synced = true;
            }
            LiveAction::Event(event) => {
                if let (Some(id), Some(newest)) = (event.event_id(), self.last_event_id) {
                    if id <= newest {
                        return;
                    }
                }
                self.last_event_id = self.last_event_id.max(event.event_id());
                match event {
                    LiveEvent::Demand { state, .. } => {
                        self.latest.demands.upsert(state);
                    }
                    LiveEvent::Signers(counts) => self.latest.signers = Some(counts),
                }
                self.received();
            }
            LiveAction::Problem(problem) => self.notice = Some(problem),
            LiveAction::Pause => self.paused = true,
            LiveAction::Resume => {
                self.paused = false;
                self.publish();
            }
            LiveAction::HighlightDone(serial) => {
                if serial == self.serial {
                    self.highlight = false;
                }
            }
        }
    }

    fn received(&mut self) {
        self.notice = None;
        if !self.synced {
            self.shown = self.latest.clone();
            return;
        }
        if !self.paused {
            self.publish();
        }
    }

    /// Puts the newest known state on screen and records what changed.
    fn publish(&mut self) {
        let changes = changed_statuses(&self.shown, &self.latest);
        self.shown = self.latest.clone();
        if !changes.is_empty() {
            self.changes = changes;
            self.serial = self.serial.wrapping_add(1);
            self.highlight = true;
        }
    }

    /// What is on screen.
    pub fn shown(&self) -> &Board {
        &self.shown
    }

    /// The state of one item as shown.
    pub fn demand(&self, id: &str) -> Option<&DemandState> {
        self.shown.demands.get(id)
    }

    /// `(still outstanding, total)` over the leaf items, as shown.
    pub fn outstanding(&self) -> (usize, usize) {
        self.outstanding_among(self.leaf_ids.iter().map(String::as_str))
    }

    /// `(still outstanding, total)` over the items `ids`, as shown (an item no feed or campaign
    /// file mentions counts as outstanding).
    pub fn outstanding_among<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
        ids.into_iter().fold((0, 0), |(outstanding, total), id| {
            let still = self.shown.demands.get(id).is_none_or(|d| d.status.is_outstanding());
            (outstanding + usize::from(still), total + 1)
        })
    }

    /// The time of the latest status change shown (RFC 3339).
    pub fn latest_change(&self) -> Option<String> {
        StatusFeed::latest_change(self.shown.demands.iter())
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    /// How many items differ between the screen and the newest known state (while paused).
    pub fn waiting(&self) -> usize {
        changed_statuses(&self.shown, &self.latest).len()
    }

    pub fn notice(&self) -> Option<&FeedProblem> {
        self.notice.as_ref()
    }

    /// The items whose status changed in the last published update (for the live region).
    pub fn last_changes(&self) -> &[Change] {
        &self.changes
    }

    /// The number of the last published update with changes.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// Whether `id` changed in the last update and its highlight is still on.
    pub fn is_highlighted(&self, id: &str) -> bool {
        self.highlight && self.changes.iter().any(|c| c.demand_id == id)
    }
}

/// The items whose status, note or evidence differ between `before` and `after`, in letter order.
fn changed_statuses(before: &Board, after: &Board) -> Vec<Change> {
    after
        .demands
        .iter()
        .filter(|state| before.demands.get(&state.id) != Some(*state))
        .map(|state| Change { demand_id: state.id.clone(), status: state.status })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use DemandStatus::*;

    fn state(id: &str, status: DemandStatus, updated_at: &str) -> DemandState {
        DemandState {
            id: id.into(),
            status,
            note: String::new(),
            updated_at: Some(updated_at.into()),
            evidence: Vec::new(),
        }
    }

    fn unchanged(id: &str) -> DemandState {
        DemandState { id: id.into(), status: Outstanding, note: String::new(), updated_at: None, evidence: Vec::new() }
    }

    fn fresh() -> LiveState {
        let leaves: Vec<String> = ["a", "b", "c"].map(String::from).into();
        let initial = leaves.iter().map(|id| unchanged(id)).collect();
        LiveState::new(leaves, initial)
    }

    fn event(id: u64, demand: &str, status: DemandStatus, at: &str) -> LiveAction {
        LiveAction::Event(LiveEvent::Demand { event_id: Some(id), state: state(demand, status, at) })
    }

    fn snapshot(event_id: Option<u64>, demands: &[(&str, DemandStatus, &str)]) -> LiveAction {
        LiveAction::Snapshot(StatusSnapshot {
            demands: demands.iter().map(|(id, s, at)| state(id, *s, at)).collect(),
            event_id,
        })
    }

    #[test]
    fn campaign_statuses_are_shown_before_any_feed() {
        let s = fresh();
        assert_eq!(s.outstanding(), (3, 3));
        assert_eq!(s.latest_change(), None);
        assert_eq!(s.shown().signers, None);
    }

    #[test]
    fn the_first_snapshot_is_applied_silently_and_later_ones_announce_changes() {
        let mut s = fresh();
        s.apply(snapshot(Some(4), &[("a", Disclosed, "2026-11-01")]));
        assert_eq!(s.outstanding(), (2, 3));
        assert!(s.last_changes().is_empty(), "the initial sync is not a change");
        assert!(!s.is_highlighted("a"));

        s.apply(snapshot(Some(5), &[("a", Disclosed, "2026-11-01"), ("b", Refused, "2026-11-20")]));
        assert_eq!(s.last_changes(), [Change { demand_id: "b".into(), status: Refused }]);
        assert!(s.is_highlighted("b") && !s.is_highlighted("a"));
        assert_eq!(s.latest_change().as_deref(), Some("2026-11-20"));
        assert_eq!(s.outstanding(), (2, 3), "refused still counts as outstanding");
    }

    #[test]
    fn replayed_and_older_events_change_nothing() {
        let mut s = fresh();
        s.apply(snapshot(Some(10), &[]));
        s.apply(event(11, "a", PartiallyDisclosed, "2026-11-02"));
        let after_first = s.clone();
        s.apply(event(11, "a", PartiallyDisclosed, "2026-11-02"));
        s.apply(event(9, "a", Outstanding, "2026-10-01"));
        assert_eq!(s, after_first, "a replay after reconnecting is ignored");
        s.apply(snapshot(Some(8), &[("a", Outstanding, "2026-10-01")]));
        assert_eq!(s.demand("a").map(|d| d.status), Some(PartiallyDisclosed), "a stale snapshot does not revert");
        s.apply(event(12, "c", Disclosed, "2026-11-03"));
        assert_eq!(s.outstanding(), (2, 3));
    }

    #[test]
    fn events_without_ids_apply_and_identical_ones_announce_nothing() {
        let mut s = fresh();
        s.apply(snapshot(None, &[]));
        let change =
            LiveAction::Event(LiveEvent::Demand { event_id: None, state: state("a", Disclosed, "2026-11-05") });
        s.apply(change.clone());
        assert_eq!(s.serial(), 1);
        s.apply(change);
        assert_eq!(s.serial(), 1, "the same state again is no change");
    }

    #[test]
    fn pausing_freezes_the_screen_and_resuming_shows_everything_that_arrived() {
        let mut s = fresh();
        s.apply(snapshot(Some(1), &[]));
        s.apply(LiveAction::Pause);
        s.apply(event(2, "a", Disclosed, "2026-11-02"));
        s.apply(LiveAction::Event(LiveEvent::Signers(SignerCounts { total: 9, organizations: 2, individuals: 5 })));
        s.apply(event(4, "b", Disclosed, "2026-11-03"));
        assert_eq!(s.outstanding(), (3, 3), "nothing moves while paused");
        assert_eq!(s.shown().signers, None);
        assert_eq!(s.waiting(), 2);
        s.apply(LiveAction::Resume);
        assert_eq!(s.outstanding(), (1, 3));
        assert_eq!(s.shown().signers.map(|c| c.total), Some(9));
        assert_eq!(s.last_changes().len(), 2);
        assert_eq!(s.waiting(), 0);
    }

    #[test]
    fn a_problem_keeps_the_last_good_state_until_the_feed_answers_again() {
        let mut s = fresh();
        s.apply(snapshot(None, &[("a", Disclosed, "2026-11-01")]));
        s.apply(LiveAction::Problem(FeedProblem::Malformed("not JSON".into())));
        assert_eq!(s.notice(), Some(&FeedProblem::Malformed("not JSON".into())));
        assert_eq!(s.outstanding(), (2, 3), "the last good state stays");
        s.apply(snapshot(None, &[("a", Disclosed, "2026-11-01")]));
        assert_eq!(s.notice(), None);
    }

    #[test]
    fn a_highlight_ends_only_for_its_own_update() {
        let mut s = fresh();
        s.apply(snapshot(Some(1), &[]));
        s.apply(event(2, "a", Disclosed, "2026-11-02"));
        let first = s.serial();
        s.apply(event(3, "b", Disclosed, "2026-11-03"));
        s.apply(LiveAction::HighlightDone(first));
        assert!(s.is_highlighted("b"), "an older timer does not end a newer highlight");
        s.apply(LiveAction::HighlightDone(s.serial()));
        assert!(!s.is_highlighted("b"));
    }
}
