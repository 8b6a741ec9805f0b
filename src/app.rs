//! The root component: resolves the campaign and lays out the widget's sections.

use crate::campaign_source::default_campaign;
use crate::config::WidgetConfig;
use crate::form::SignOn;
use crate::i18n::Lang;
use crate::letter::LetterView;
use crate::live::source::LiveSource;
use crate::live::LiveList;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub config: WidgetConfig,
    /// The negotiated language (see `Lang::for_host`), provided to every component as a context.
    pub lang: Lang,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let lang = props.lang;
    let campaign = use_memo((), |_| default_campaign());
    let content = match &*campaign {
        Ok(campaign) => html! {
            <>
                <LetterView campaign={campaign.clone()} />
                <LiveList key={campaign.id.clone()} {lang} campaign={Rc::new(campaign.clone())} source={LiveSource::from_config(&props.config, &campaign.id)} goal={props.config.goal}>
                    <SignOn config={props.config.clone()} campaign_id={campaign.id.clone()} campaign_title={campaign.title.clone()} {lang} />
                </LiveList>
            </>
        },
        Err(reason) => html! {
            <p class="error" role="alert">{ lang.format("error.campaign_unavailable", &[("reason", reason)]) }</p>
        },
    };
    html! { <ContextProvider<Lang> context={lang}>{ content }</ContextProvider<Lang>> }
}
