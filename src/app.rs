//! The root component: resolves the campaign and lays out the widget's sections.

use crate::campaign_source::default_campaign;
use crate::config::WidgetConfig;
use crate::letter::LetterView;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub config: WidgetConfig,
}

#[function_component(App)]
pub fn app(_props: &AppProps) -> Html {
    let campaign = use_memo((), |_| default_campaign());
    match &*campaign {
        Ok(campaign) => html! { <LetterView campaign={campaign.clone()} /> },
        Err(message) => html! {
            <p class="error" role="alert">{ format!("This letter could not be shown: {message}.") }</p>
        },
    }
}
