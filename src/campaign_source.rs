//! Where the widget's campaign comes from: the built-in seed campaign, compiled into the wasm at
//! build time (see `build.rs`), or a campaign JSON that the `campaign` attribute points to.

use crate::i18n::Lang;
use crate::live::fetch::fetch_text;
use crate::state_cell::use_state_cell;
use std::cell::Cell;
use std::rc::Rc;
use undersigned_core::Campaign;
use yew::prelude::*;

/// The compiled built-in campaign, as JSON.
pub const DEFAULT_CAMPAIGN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default-campaign.json"));

/// Parses campaign JSON, with core's small reader (`undersigned_core::json`), which keeps serde out
/// of the wasm that partner pages download.
pub fn parse_campaign(json: &str) -> Result<Campaign, String> {
    undersigned_core::json::from_str(json)
        .map_err(|e| format!("the campaign JSON does not match the campaign format: {e}"))
}

thread_local! {
    /// Parsed once per page, shared by every widget that shows it.
    static DEFAULT_CAMPAIGN: Result<Rc<Campaign>, String> = parse_campaign(DEFAULT_CAMPAIGN_JSON).map(Rc::new);
}

/// The built-in campaign.
pub fn default_campaign() -> Result<Rc<Campaign>, String> {
    DEFAULT_CAMPAIGN.with(Clone::clone)
}

/// A campaign compared by identity, for props and hook dependencies: the widget parses a campaign
/// once into one `Rc` and never changes it, so the same `Rc` is the same campaign, and comparing
/// every block, note and demand would be code in the wasm for nothing.
#[derive(Clone)]
pub struct SameCampaign(pub Rc<Campaign>);

impl PartialEq for SameCampaign {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SameCampaign {
    type Target = Campaign;

    fn deref(&self) -> &Campaign {
        &self.0
    }
}

/// Why there is no campaign to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignError {
    /// The built-in campaign does not parse (a build problem, never the visitor's).
    BuiltIn(String),
    /// The campaign URL gave no response or an error status.
    Unreachable { url: String, detail: String },
    /// The campaign URL answered with something that is not a campaign.
    Invalid { url: String, detail: String },
}

impl CampaignError {
    /// The message for the visitor: what happened and what to do. The technical detail goes to
    /// the console for the site's owner.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CampaignError::BuiltIn(reason) => lang.format("error.campaign_unavailable", &[("reason", reason)]),
            CampaignError::Unreachable { url, .. } => lang.format("error.campaign_unreachable", &[("url", url)]),
            CampaignError::Invalid { url, .. } => lang.format("error.campaign_invalid", &[("url", url)]),
        }
    }
}

/// The campaign, once known.
#[derive(Debug, Clone)]
pub enum CampaignState {
    Loading,
    Ready(Rc<Campaign>),
    Failed(CampaignError),
}

impl PartialEq for CampaignState {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (CampaignState::Loading, CampaignState::Loading) => true,
            (CampaignState::Ready(a), CampaignState::Ready(b)) => Rc::ptr_eq(a, b),
            (CampaignState::Failed(a), CampaignState::Failed(b)) => a == b,
            _ => false,
        }
    }
}

fn built_in() -> CampaignState {
    match default_campaign() {
        Ok(campaign) => CampaignState::Ready(campaign),
        Err(reason) => CampaignState::Failed(CampaignError::BuiltIn(reason)),
    }
}

/// Fetches and parses the campaign JSON at `url`.
pub async fn load_campaign(url: &str) -> Result<Campaign, CampaignError> {
    let text = fetch_text(url)
        .await
        .map_err(|e| CampaignError::Unreachable { url: url.to_string(), detail: e.to_string() })?;
    parse_campaign(&text).map_err(|detail| CampaignError::Invalid { url: url.to_string(), detail })
}

/// The campaign at `url`, or the built-in one when there is no URL. A response that arrives after
/// the URL changed is dropped.
#[hook]
pub fn use_campaign(url: Option<String>) -> CampaignState {
    let state = use_state_cell(|| if url.is_some() { CampaignState::Loading } else { built_in() });
    {
        let state = state.clone();
        use_effect_with(url, move |url| {
            let current = Rc::new(Cell::new(true));
            match url.clone() {
                None => state.set_if_changed(built_in()),
                Some(url) => {
                    state.set_if_changed(CampaignState::Loading);
                    let current = current.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let result = load_campaign(&url).await;
                        if !current.get() {
                            return;
                        }
                        state.set_if_changed(match result {
                            Ok(campaign) => CampaignState::Ready(Rc::new(campaign)),
                            Err(error) => {
                                let (CampaignError::Unreachable { detail, .. }
                                | CampaignError::Invalid { detail, .. }
                                | CampaignError::BuiltIn(detail)) = &error;
                                web_sys::console::error_1(
                                    &format!("undersigned: the campaign at {url} cannot be shown: {detail}").into(),
                                );
                                CampaignState::Failed(error)
                            }
                        });
                    });
                }
            }
            move || current.set(false)
        });
    }
    let now = state.get().clone();
    now
}
