//! Who has signed: the live count with an optional goal bar, and the public list of approved
//! signers — organizations first, then individuals with their title and affiliation, as the letter
//! lists them.
//!
//! The list is paginated by the receiver: the widget holds one page per group (at most
//! [`PER_PAGE`] entries in the DOM), so a campaign with 100,000 signers costs the page the same as
//! one with 100. Page numbers come from the live counts, so "Next" appears as signers arrive.

use super::fetch::fetch_text;
use super::source::ReceiverUrls;
use super::wire::parse_signer_page;
use crate::i18n::{format_number, Lang};
use crate::state_cell::{use_state_cell, StateCell};
use std::rc::Rc;
use undersigned_core::signature::SignerKind;
use undersigned_core::signers::SignerCounts;
use undersigned_core::signers::{PublicSigner, SignerPage};
use yew::prelude::*;

/// Entries per page of each group.
pub const PER_PAGE: u32 = 50;

/// "1,234 signatures", and with a goal (`goal` attribute) "1,234 of 5,000 signatures" over a
/// `<progress>` bar. Plain functions here and below, rather than components (the groups keep their
/// state in the live list through [`use_signer_group`]): every component type costs the wasm its
/// own copy of Yew's component machinery.
pub fn signer_count(lang: Lang, counts: Option<SignerCounts>, goal: Option<u64>) -> Html {
    let Some(counts) = counts else { return Html::default() };
    let total = counts.total as f64;
    match goal.filter(|g| *g > 0) {
        None => html! { <p class="signer-count">{ lang.plural("live.signers.count", total, &[]) }</p> },
        Some(goal) => {
            let goal_text = format_number(lang.code(), goal as f64);
            html! {
                <div class="signer-count">
                    <p id="signer-goal-label">{ lang.plural("live.signers.toward_goal", total, &[("goal", &goal_text)]) }</p>
                    <progress class="goal-bar" aria-labelledby="signer-goal-label" max={goal.to_string()} value={counts.total.min(goal).to_string()}>
                        { lang.plural("live.signers.toward_goal", total, &[("goal", &goal_text)]) }
                    </progress>
                </div>
            }
        }
    }
}

/// The heading of a group of the public list.
fn heading_key(kind: SignerKind) -> &'static str {
    match kind {
        SignerKind::Organization => "live.signers.organizations",
        SignerKind::Individual => "live.signers.individuals",
    }
}

/// What is known of the page on screen.
#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    Page(Rc<SignerPage>),
    Failed,
}

/// One group of the public list: the page on screen and what is known of it.
pub struct SignerGroup {
    group: SignerKind,
    page: StateCell<u32>,
    loaded: StateCell<Loaded>,
    listed: Option<u64>,
    pages: u32,
}

/// The state of one group of the public list, loading the page on screen from the receiver at
/// `urls` (nothing is loaded without one). A hook the live list calls once per group rather than
/// a component: every component type costs the wasm its own copy of Yew's component machinery.
#[hook]
pub fn use_signer_group(urls: Option<ReceiverUrls>, counts: Option<SignerCounts>, group: SignerKind) -> SignerGroup {
    let page = use_state_cell(|| 1u32);
    let loaded = use_state_cell(|| Loaded::Loading);
    // Answers to superseded requests (the visitor paged on) are dropped.
    let latest_request = use_mut_ref(|| 0u32);

    let listed = counts.map(|c| c.listed(group));
    let page_now = *page.get();
    let pages = match (listed, &*loaded.get()) {
        (Some(n), _) => pages_for(n),
        (None, Loaded::Page(p)) => p.pages.max(1),
        (None, _) => 1,
    };
    // A new signer shows up only on the last page: refetch it when the count moves while it is on
    // screen, and leave every other page alone.
    let refresh = if page_now >= pages { listed } else { None };

    {
        let loaded = loaded.clone();
        use_effect_with((urls, page_now, refresh), move |(urls, page, _)| {
            let Some(urls) = urls else { return };
            let request = {
                let mut latest = latest_request.borrow_mut();
                *latest = latest.wrapping_add(1);
                *latest
            };
            let url = urls.signers(group.as_str(), *page, PER_PAGE);
            wasm_bindgen_futures::spawn_local(async move {
                let result =
                    fetch_text(&url).await.map_err(|e| e.to_string()).and_then(|text| parse_signer_page(&text));
                if *latest_request.borrow() != request {
                    return;
                }
                match result {
                    Ok(p) => loaded.set(Loaded::Page(Rc::new(p))),
                    Err(reason) => {
                        super::browser::warn(&format!("the signer list {url} could not be loaded: {reason}"));
                        loaded.set(Loaded::Failed);
                    }
                }
            });
        });
    }
    SignerGroup { group, page, loaded, listed, pages }
}

/// Both groups of the public list, organizations first.
pub fn signer_list(lang: Lang, groups: [&SignerGroup; 2]) -> Html {
    html! {
        <div class="signer-list">
            { signer_group(lang, groups[0]) }
            { signer_group(lang, groups[1]) }
        </div>
    }
}

fn signer_group(lang: Lang, group: &SignerGroup) -> Html {
    let SignerGroup { group, page, loaded, listed, pages } = group;
    let (pages, page_now) = (*pages, *page.get());
    let count_text = format_number(lang.code(), listed.unwrap_or(0) as f64);
    let heading = lang.format(heading_key(*group), &[("count", &count_text)]);
    let body = match &*loaded.get() {
        Loaded::Loading => html! { <p class="signers-loading">{ lang.text("live.signers.loading") }</p> },
        Loaded::Failed => html! { <p class="signers-notice">{ lang.text("live.signers.unavailable") }</p> },
        Loaded::Page(p) if p.signers.is_empty() => {
            html! { <p class="signers-empty">{ lang.text("live.signers.none") }</p> }
        }
        Loaded::Page(p) => html! {
            <ul class="signers">{ for p.signers.iter().map(|s| html! { <li key={s.id}>{ signer_entry(lang, s) }</li> }) }</ul>
        },
    };
    let go = |to: u32| {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.set(to))
    };
    let pager = (pages > 1).then(|| {
        let numbers = [("page", format_number(lang.code(), f64::from(page_now))), ("pages", format_number(lang.code(), f64::from(pages)))];
        let args: Vec<(&str, &str)> = numbers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        html! {
            <nav class="pager" aria-label={lang.format("live.signers.pages_of", &[("group", &heading)])}>
                <button type="button" disabled={page_now <= 1} onclick={go(page_now.saturating_sub(1).max(1))}>{ lang.text("live.signers.previous") }</button>
                <span class="pager-position">{ lang.format("live.signers.page", &args) }</span>
                <button type="button" disabled={page_now >= pages} onclick={go((page_now + 1).min(pages))}>{ lang.text("live.signers.next") }</button>
            </nav>
        }
    });
    html! {
        <section ~className={format!("signer-group {}", group.as_str())}>
            <h3>{ heading }</h3>
            { body }
            { for pager }
        </section>
    }
}

/// Pages needed for `listed` entries (at least one, which may be empty).
fn pages_for(listed: u64) -> u32 {
    u32::try_from(listed.div_ceil(u64::from(PER_PAGE))).unwrap_or(u32::MAX).max(1)
}

/// "Name", or "Name, Title, Affiliation" as the letter lists individuals; marked when the signer
/// endorsed an earlier text of the letter.
fn signer_entry(lang: Lang, signer: &PublicSigner) -> Html {
    let details: Vec<&str> = [signer.title.as_deref(), signer.affiliation.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    html! {
        <>
            <span class="signer-name">{ &signer.name }</span>
            { for (!details.is_empty()).then(|| html! { <span class="signer-details">{ format!(", {}", details.join(", ")) }</span> }) }
            { for signer.earlier_revision.map(|number| html! {
                <span class="signer-earlier">{ format!(" ({})", lang.format("live.signers.earlier_revision", &[("number", &number.to_string())])) }</span>
            }) }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_entry() {
        assert_eq!(pages_for(0), 1);
        assert_eq!(pages_for(50), 1);
        assert_eq!(pages_for(51), 2);
        assert_eq!(pages_for(100_000), 2_000);
    }
}
