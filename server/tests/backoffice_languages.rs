//! The organizers' back office speaks the organizer's language (`Accept-Language`): every section
//! of a campaign, and the sign-in page, in French, Portuguese, German and Arabic show that
//! language's words and none of English's (a missing key falls back to English, so an English
//! text on the page is a translation not used), with `lang` and `dir` (Arabic right to left).
//! Which words a page shows does not depend on the database, so SQLite alone is used.

mod support;

use reqwest::header;
use std::collections::BTreeMap;
use support::*;
use undersigned_core::locale;
use undersigned_server::organizers::{accounts, Role};
use undersigned_server::store::Store;

const PASSWORD: &str = "a long enough password";

fn words(code: &str) -> BTreeMap<String, String> {
    let path = format!("{}/locales/{code}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    locale::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The pages' escaping (`http::pages::html::escape`), to find a text as the page writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_back_office_section_speaks_french_portuguese_german_and_arabic() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::new(&db).await;
    let store = Store::connect(&db.url).await.expect("the test database");
    accounts::add_organizer(
        &store,
        "test",
        "owner@example.org",
        "",
        CAMPAIGN,
        Role::Owner,
        Some(PASSWORD),
        accounts::Invitation::Link,
    )
    .await
    .expect("organizer added");
    assert_eq!(s.sign(individual("ana@example.org", &uuid(1))).await.0, 201);

    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let res = http
        .post(s.url("/admin/sign-in"))
        .header(header::ORIGIN, &s.base)
        .form(&[("email", "owner@example.org"), ("password", PASSWORD), ("next", "/admin")])
        .send()
        .await
        .expect("sign-in answered");
    assert_eq!(res.status(), 303, "signed in");
    let cookie =
        res.headers()[header::SET_COOKIE].to_str().expect("a cookie").split(';').next().unwrap_or("").to_string();

    let english = words("en");
    let campaign = format!("/admin/campaigns/{CAMPAIGN}");
    let mut paths = vec!["/admin".to_string(), campaign.clone()];
    for section in [
        "demands",
        "demands/contract",
        "moderation",
        "signers",
        "letter",
        "delivery",
        "embed",
        "settings",
        "organizers",
        "audit",
    ] {
        paths.push(format!("{campaign}/{section}"));
    }
    for code in ["fr", "pt", "de", "ar"] {
        let own = words(code);
        let dir = if code == "ar" { "rtl" } else { "ltr" };
        // English texts (without placeholders) this language says otherwise.
        let foreign: Vec<&String> = english
            .iter()
            .filter(|(key, text)| key.starts_with("admin.") && !text.contains('{'))
            .filter(|(key, text)| own.get(*key).is_some_and(|theirs| theirs != *text))
            .map(|(_, text)| text)
            .collect();
        assert!(foreign.len() > 100, "{code}: {} back-office texts differ from English", foreign.len());
        let brand = format!(">{}<", escaped(&own["admin.brand"]));
        let mut pages = Vec::new();
        for path in &paths {
            let res = http
                .get(s.url(path))
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT_LANGUAGE, format!("{code},en;q=0.5"))
                .send()
                .await
                .expect("a page");
            assert_eq!(res.status(), 200, "{code} {path}");
            pages.push((path.clone(), res.text().await.expect("a page's text")));
        }
        let res = http
            .get(s.url("/admin/sign-in"))
            .header(header::ACCEPT_LANGUAGE, code)
            .send()
            .await
            .expect("the sign-in page");
        assert_eq!(res.status(), 200, "{code} sign-in");
        pages.push(("/admin/sign-in".into(), res.text().await.expect("a page's text")));
        for (path, html) in pages {
            assert!(html.contains(&format!("<html lang=\"{code}\" dir=\"{dir}\">")), "{code} {path}: lang and dir");
            assert!(html.contains(&brand), "{code} {path}: the brand in {code}");
            for text in &foreign {
                for shown in [format!(">{}<", escaped(text)), format!("\"{}\"", escaped(text))] {
                    assert!(!html.contains(&shown), "{code} {path} shows the English {shown}");
                }
            }
        }
    }
}
