//! The live list's root component: connects the chosen feed to the reducer and lays out the
//! summary, the pause control, the quiet notice, the demand list, the live region and the signers.

use super::dates::long_date;
use super::demands::{demand_list, DemandListProps};
use super::poll::StatusPoller;
use super::signers::{signer_count, signer_list, use_signer_group};
use super::source::LiveSource;
use super::state::{Demands, FeedProblem, LiveAction, LiveState};
use super::status_badge::status_key;
use super::stream::ReceiverStream;
use crate::campaign_source::SameCampaign;
use crate::form::{sign_on, SignOn};
use crate::i18n::{format_number, Lang};
use crate::state_cell::{use_state_cell, Reduce};
use gloo::timers::callback::Timeout;
use undersigned_core::campaign::{plain_text, Block, Demand};
use undersigned_core::signature::SignerKind;
use undersigned_core::Campaign;
use yew::prelude::*;

/// How long a changed item stays highlighted.
pub const HIGHLIGHT_MS: u32 = 4_000;
/// Demand text in an announcement is cut at about this many characters: enough to recognise the
/// item, short enough not to drown the news that it changed.
const ANNOUNCED_TEXT_CHARS: usize = 90;

#[derive(Properties, PartialEq)]
pub struct LiveListProps {
    pub lang: Lang,
    pub campaign: SameCampaign,
    pub source: LiveSource,
    /// The signature goal, for the goal bar.
    pub goal: Option<u64>,
    /// Drawn between the demands and the signers: the sign-on form, so that a visitor reads what
    /// is still outstanding, signs, then sees who else has.
    #[prop_or_default]
    pub sign_on: Option<SignOn>,
}

impl Reduce for LiveState {
    type Action = LiveAction;

    /// A state equal to the one before is not drawn again.
    fn reduce(&self, action: LiveAction) -> Option<Self> {
        let mut next = self.clone();
        next.apply(action);
        (next != *self).then_some(next)
    }
}

/// The state before any feed answered: the statuses written in the campaign file.
pub fn initial_state(campaign: &Campaign) -> LiveState {
    let leaf_ids = campaign.leaf_demands().map(|d| d.id.clone()).collect();
    LiveState::new(leaf_ids, undersigned_core::feed::initial_states(campaign).into_iter().collect::<Demands>())
}

/// The running connection, held only to be dropped (which stops it) when the source changes or
/// the widget unmounts.
struct Connection {
    _poller: Option<StatusPoller>,
    _stream: Option<ReceiverStream>,
}

#[function_component(LiveList)]
pub fn live_list(props: &LiveListProps) -> Html {
    let lang = props.lang;
    let campaign = props.campaign.clone();
    let cell = use_state_cell(|| initial_state(&campaign));
    let roots = use_memo(props.campaign.clone(), |c| {
        c.body
            .iter()
            .filter_map(|b| if let Block::Demands(list) = b { Some(list.clone()) } else { None })
            .flatten()
            .collect::<Vec<Demand>>()
    });

    {
        let dispatcher = cell.clone();
        let campaign_id = props.campaign.id.clone();
        use_effect_with(props.source.clone(), move |source| {
            let emit = Callback::from(move |action| dispatcher.dispatch(action));
            let connection = match source.clone() {
                LiveSource::CampaignFile => Connection { _poller: None, _stream: None },
                LiveSource::StaticFeed { url, interval_seconds } => Connection {
                    _poller: Some(StatusPoller::start(url, interval_seconds, campaign_id, emit)),
                    _stream: None,
                },
                LiveSource::Receiver(urls) => {
                    Connection { _poller: None, _stream: Some(ReceiverStream::start(urls, campaign_id, emit)) }
                }
            };
            move || drop(connection)
        });
    }
    {
        // Ends the highlight of the latest update; a newer update restarts it.
        let dispatcher = cell.clone();
        let serial = cell.get().serial();
        use_effect_with(serial, move |serial| {
            let serial = *serial;
            let timer = (serial > 0)
                .then(|| Timeout::new(HIGHLIGHT_MS, move || dispatcher.dispatch(LiveAction::HighlightDone(serial))));
            move || drop(timer)
        });
    }

    let state = cell.get();
    let live = props.source != LiveSource::CampaignFile;
    let (outstanding, total) = state.outstanding();
    let summary = (total > 0).then(|| {
        let total_text = format_number(lang.code(), total as f64);
        html! { <p class="live-summary">{ lang.plural("live.summary", outstanding as f64, &[("total", &total_text)]) }</p> }
    });
    let latest = state.latest_change().map(|at| {
        html! { <p class="live-updated">{ lang.text("live.latest_change") }{ " " }<time datetime={at.clone()}>{ long_date(lang.code(), &at) }</time></p> }
    });
    let pause = live.then(|| {
        let dispatcher = cell.clone();
        let paused = state.paused();
        let onclick = Callback::from(move |_: MouseEvent| dispatcher.dispatch(if paused { LiveAction::Resume } else { LiveAction::Pause }));
        let waiting = state.waiting();
        html! {
            <div class="live-control">
                <button type="button" class="live-pause" {onclick}>
                    { lang.text(if paused { "live.resume" } else { "live.pause" }) }
                </button>
                if paused {
                    <span class="live-paused">
                        { if waiting > 0 { lang.plural("live.paused_waiting", waiting as f64, &[]) } else { lang.text("live.paused").to_string() } }
                    </span>
                }
            </div>
        }
    });
    let notice = state.notice().map(|problem| {
        let key = match problem {
            FeedProblem::Unreachable => "live.notice.unreachable",
            FeedProblem::Malformed(_) => "live.notice.malformed",
        };
        html! { <p class="live-notice">{ lang.text(key) }</p> }
    });
    let receiver = props.source.receiver().cloned();
    let counts = state.shown().signers;
    let organizations = use_signer_group(receiver.clone(), counts, SignerKind::Organization);
    let individuals = use_signer_group(receiver.clone(), counts, SignerKind::Individual);
    let has_signers = receiver.is_some() || counts.is_some();
    let form = props.sign_on.as_ref().map(|input| sign_on(input, lang)).unwrap_or_default();
    if total == 0 && !has_signers {
        return form;
    }
    html! {
        <div class="live">
            if total > 0 {
                <section class="live-demands" aria-labelledby="live-heading">
                    <h2 id="live-heading" class="live-heading">{ lang.text("live.heading") }</h2>
                    <div class="live-bar">
                        { for summary }
                        { for latest }
                        { for pause }
                    </div>
                    { for notice }
                    { demand_list(&DemandListProps { lang, roots, letter_lang: AttrValue::from(props.campaign.language.clone()), state: &state }) }
                </section>
            }
            <div class="visually-hidden live-announcer" role="status" aria-live="polite" aria-atomic="true">{ announcement(lang, &props.campaign, &state) }</div>
            { form }
            if has_signers {
                <section class="live-signers" aria-labelledby="signers-heading">
                    <h2 id="signers-heading" class="live-heading">{ lang.text("live.signers.heading") }</h2>
                    { signer_count(lang, counts, props.goal) }
                    if receiver.is_some() {
                        { signer_list(lang, [&organizations, &individuals]) }
                    }
                </section>
            }
        </div>
    }
}

/// What the live region says about the last update: the item and its new status, or how many
/// items changed.
fn announcement(lang: Lang, campaign: &Campaign, state: &LiveState) -> String {
    match state.last_changes() {
        [] => String::new(),
        [change] => {
            let item = campaign
                .demand(&change.demand_id)
                .map(|d| shorten(&plain_text(&d.text)))
                .unwrap_or_else(|| change.demand_id.clone());
            lang.format("live.announce.one", &[("item", &item), ("status", lang.text(status_key(change.status)))])
        }
        many => lang.plural("live.announce.many", many.len() as f64, &[]),
    }
}

/// `text` cut at a word boundary near [`ANNOUNCED_TEXT_CHARS`], with an ellipsis when cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= ANNOUNCED_TEXT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(ANNOUNCED_TEXT_CHARS).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_items_are_shortened_at_a_word() {
        assert_eq!(shorten("short item"), "short item");
        let long = "all details of technology or service(s) procured through the contract between DHS and Paragon Solutions (US) Inc.";
        let short = shorten(long);
        assert!(short.ends_with('…') && short.chars().count() <= ANNOUNCED_TEXT_CHARS + 1, "{short}");
        assert!(long.starts_with(short.trim_end_matches('…')));
    }
}
