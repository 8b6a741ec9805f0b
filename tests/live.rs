//! Headless-browser tests (wasm-bindgen-test in Chromium) of the live list, mounted on its own with
//! a small test campaign: structure, status by text and icon, summary, notices and dates. The
//! connections to a changing feed and to the receiver are covered end to end in
//! `tests/e2e/live.test.mjs`.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use undersigned::campaign_source::parse_campaign;
use undersigned::i18n::Lang;
use undersigned::live::source::LiveSource;
use undersigned::live::LiveList;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::wait_until;

/// Two top-level items, then a group of two: four leaves, one already disclosed in the file.
const CAMPAIGN: &str = r#"{
  "id": "live-test", "title": "Live test letter", "date": "November 1, 2026",
  "body": [ { "demands": [
    { "id": "contract", "text": [ { "text": "the contract" } ] },
    { "id": "modifications", "text": [ { "text": "the modifications" } ], "status": "disclosed", "note": "Released in full." },
    { "id": "spyware", "text": [ { "text": "if it is spyware:" } ], "children": [
      { "id": "purpose", "text": [ { "text": "its purpose" } ] },
      { "id": "oversight", "text": [ { "text": "its oversight" } ] }
    ] }
  ] } ]
}"#;

fn mount(source: LiveSource, lang: Lang) -> HtmlElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root: HtmlElement = document.create_element("div").expect("a div").unchecked_into();
    document.body().expect("a body").append_child(&root).expect("appends");
    let campaign = Rc::new(parse_campaign(CAMPAIGN).expect("the test campaign parses"));
    let props = undersigned::live::live_list::LiveListProps {
        lang,
        campaign: undersigned::campaign_source::SameCampaign(campaign),
        source,
        goal: None,
        sign_on: None,
    };
    yew::Renderer::<LiveList>::with_root_and_props(root.clone().into(), props).render();
    root
}

fn text(root: &HtmlElement) -> String {
    root.text_content().unwrap_or_default()
}

fn query(root: &HtmlElement, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

fn data_url(json: &str) -> String {
    format!("data:application/json,{}", String::from(js_sys::encode_uri_component(json)))
}

fn english() -> Lang {
    Lang::from_tag("en").expect("English exists")
}

#[wasm_bindgen_test]
async fn without_a_feed_the_campaign_file_statuses_show_in_the_letters_structure() {
    let root = mount(LiveSource::CampaignFile, english());
    wait_until("the list renders", || query(&root, ".live-summary").is_some()).await;
    let t = text(&root);
    assert!(t.contains("3 of 4 items still outstanding"), "{t}");
    assert!(t.contains("2 of 2 still outstanding"), "the group counts its own items: {t}");
    assert!(t.contains("Released in full."), "the note from the campaign file shows");
    let nested = query(&root, ".demand-group ol .demand-leaf .demand-text").expect("sub-items sit inside their group");
    assert_eq!(nested.text_content().as_deref(), Some("its purpose"));
    let badges = root.query_selector_all(".demand-leaf .status-badge").expect("valid selector");
    assert_eq!(badges.length(), 4, "every leaf has a status badge");
    for i in 0..badges.length() {
        let badge: Element = badges.item(i).expect("in range").unchecked_into();
        let label = badge.text_content().unwrap_or_default();
        assert!(!label.trim().is_empty(), "status is given in words, not by colour alone");
        let icon = badge.query_selector("svg.status-icon[aria-hidden=\"true\"]").ok().flatten();
        assert!(icon.is_some(), "and by an icon hidden from screen readers");
    }
    assert!(query(&root, ".demand-leaf.status-disclosed .status-badge")
        .is_some_and(|b| b.text_content().unwrap_or_default() == "Disclosed"));
    assert!(query(&root, ".live-pause").is_none(), "nothing to pause without a feed");
    let region = query(&root, "[role=status][aria-live=polite]").expect("the live region is in the DOM from the start");
    assert_eq!(region.text_content().as_deref(), Some(""), "and says nothing until something changes");
    assert!(root.query_selector("[style]").ok().flatten().is_none(), "no inline style attribute anywhere (strict CSP)");
}

#[wasm_bindgen_test]
async fn a_static_feed_replaces_the_statuses_with_its_note_evidence_and_dates() {
    let feed = r#"{ "format": "undersigned-status/1", "campaign": "live-test", "updated_at": "2026-11-20T10:00:00Z",
      "demands": [ { "id": "contract", "status": "partially_disclosed", "note": "Redacted copy released.",
                     "updated_at": "2026-11-20T10:00:00Z",
                     "evidence": [ { "url": "https://example.org/foia/1", "title": "FOIA response", "date": "2026-11-19" } ] },
                   { "id": "purpose", "status": "refused", "note": "", "updated_at": "2026-11-02T09:00:00Z", "evidence": [] } ] }"#;
    let root = mount(LiveSource::StaticFeed { url: data_url(feed), interval_seconds: 3600 }, english());
    wait_until("the feed is applied", || text(&root).contains("Redacted copy released.")).await;
    let t = text(&root);
    assert!(t.contains("3 of 4 items still outstanding"), "partially disclosed and refused still count: {t}");
    assert!(t.contains("Latest change: November 20, 2026"), "the latest change, formatted for the language: {t}");
    let link = query(&root, ".evidence a").expect("an evidence link");
    assert_eq!(link.get_attribute("href").as_deref(), Some("https://example.org/foia/1"));
    assert_eq!(link.text_content().as_deref(), Some("FOIA response"));
    let date = query(&root, ".evidence time").expect("the evidence date");
    assert_eq!(date.get_attribute("datetime").as_deref(), Some("2026-11-19"));
    assert_eq!(
        date.text_content().as_deref(),
        Some("November 19, 2026"),
        "a calendar date does not shift a day in any time zone"
    );
    assert!(query(&root, ".live-pause").is_some(), "a live list can be paused");
    let region = query(&root, "[role=status]").expect("the live region");
    assert_eq!(region.text_content().as_deref(), Some(""), "the first answer of a feed is not announced as a change");
}

#[wasm_bindgen_test]
async fn a_malformed_feed_keeps_the_campaign_statuses_and_shows_a_quiet_notice() {
    let feed = r#"{ "format": "undersigned-status/1", "campaign": "live-test", "demands": [ { "id": "contract", "status": "lost" } ] }"#;
    let root = mount(LiveSource::StaticFeed { url: data_url(feed), interval_seconds: 3600 }, english());
    wait_until("the notice shows", || query(&root, ".live-notice").is_some()).await;
    let notice = query(&root, ".live-notice").expect("notice");
    assert!(notice.text_content().unwrap_or_default().contains("could not be read"));
    assert_eq!(notice.get_attribute("role"), None, "quiet: not an alert");
    assert!(text(&root).contains("3 of 4 items still outstanding"), "the list stays as it was");
}

#[wasm_bindgen_test]
async fn a_feed_for_another_campaign_is_refused() {
    let feed = r#"{ "format": "undersigned-status/1", "campaign": "another", "demands": [ { "id": "contract", "status": "disclosed" } ] }"#;
    let root = mount(LiveSource::StaticFeed { url: data_url(feed), interval_seconds: 3600 }, english());
    wait_until("the notice shows", || query(&root, ".live-notice").is_some()).await;
    assert!(text(&root).contains("3 of 4 items still outstanding"));
}

#[wasm_bindgen_test]
async fn an_unreachable_feed_shows_the_notice() {
    let root = mount(
        LiveSource::StaticFeed {
            url: "http://127.0.0.1:9/undersigned-no-such-feed.json".into(),
            interval_seconds: 3600,
        },
        english(),
    );
    wait_until("the notice shows", || {
        query(&root, ".live-notice").is_some_and(|n| n.text_content().unwrap_or_default().contains("not arriving"))
    })
    .await;
    assert!(text(&root).contains("3 of 4 items still outstanding"));
}

#[wasm_bindgen_test]
async fn spanish_plurals_and_dates() {
    let feed = r#"{ "format": "undersigned-status/1", "campaign": "live-test",
      "demands": [ { "id": "contract", "status": "disclosed", "updated_at": "2026-11-20T10:00:00Z" },
                   { "id": "purpose", "status": "disclosed" } ] }"#;
    support::add_locale("es", include_str!("../locales/es.txt"));
    let root = mount(
        LiveSource::StaticFeed { url: data_url(feed), interval_seconds: 3600 },
        Lang::from_tag("es").expect("Spanish"),
    );
    wait_until("the feed is applied", || text(&root).contains("1 de 4 puntos sigue pendiente")).await;
    assert!(text(&root).contains("20 de noviembre de 2026"), "{}", text(&root));
    assert!(text(&root).contains("Divulgado"));
}
