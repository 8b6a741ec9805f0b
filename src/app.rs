//! The root component: resolves the campaign and lays out the widget's sections.

use crate::campaign_source::{use_campaign, CampaignState, SameCampaign};
use crate::config::WidgetConfig;
use crate::form::{use_sign_on_setup, SignOn};
use crate::i18n::Lang;
use crate::letter::{letter_view, use_letter};
use crate::live::source::LiveSource;
use crate::live::LiveList;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub config: WidgetConfig,
    /// The negotiated language (see `Lang::for_host`), handed to every component as a prop.
    pub lang: Lang,
    /// When the visitor first saw a sign-on form: the pre-rendered one the loader showed before the
    /// wasm took over (`mountPrerendered`), or None when the form appears with the wasm.
    pub shown_at: Option<u64>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let lang = props.lang;
    let campaign = use_campaign(props.config.campaign.clone());
    let ready_id = match &campaign {
        CampaignState::Ready(campaign) => Some(campaign.id.as_str()),
        _ => None,
    };
    let setup = use_sign_on_setup(&props.config, ready_id);
    let letter = use_letter();
    match campaign {
        CampaignState::Ready(campaign) => html! {
            <>
                { letter_view(&SameCampaign(campaign.clone()), lang, &letter) }
                <LiveList key={campaign.id.clone()} {lang} campaign={SameCampaign(campaign.clone())} source={LiveSource::from_config(&props.config, &campaign.id)} goal={props.config.goal.or(campaign.goal)}
                    sign_on={SignOn { setup, title: campaign.title.clone().into(), shown_at: props.shown_at }} />
            </>
        },
        CampaignState::Loading => html! { <p class="loading" role="status">{ lang.text("letter.loading") }</p> },
        CampaignState::Failed(error) => html! { <p class="error" role="alert">{ error.message(lang) }</p> },
    }
}
