//! The receiver's pages in the languages added by issue 15 (French, Portuguese, German, Arabic):
//! chosen by `Accept-Language`, Arabic marked right to left, plural forms by each language's rule,
//! and the letter's own words (footnote labels, notes, signatory headings) in the LETTER's
//! language, not the visitor's. The pages do not depend on the backend here, so SQLite alone.

mod support;

use support::*;

const SEED: &str = "dhs-paragon";

async fn page(s: &TestServer, path: &str, accept_language: &str) -> String {
    let res = s.http.get(s.url(path)).header("accept-language", accept_language).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn with_seed() -> (TestServer, TestDb) {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::new(&db).await;
    let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../campaigns/dhs-paragon.md")).unwrap();
    let res = s.admin(reqwest::Method::POST, "/campaigns").body(seed).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    (s, db)
}

#[tokio::test]
async fn each_new_language_is_chosen_and_arabic_pages_are_right_to_left() {
    let (s, _db) = with_seed().await;
    let path = format!("/campaigns/{CAMPAIGN}");
    for (accept, lang, status) in [
        ("fr-CA,fr;q=0.9", "fr", "Statut : En attente"),
        ("pt-BR", "pt", "Status: Pendente"),
        ("de-AT", "de", "Status: Offen"),
        ("ar-EG,ar;q=0.9", "ar", "الحالة: معلّق"),
    ] {
        let html = page(&s, &path, accept).await;
        let dir = if lang == "ar" { " dir=\"rtl\"" } else { "" };
        assert!(html.starts_with(&format!("<!doctype html>\n<html lang=\"{lang}\"{dir}>")), "{accept}: {html}");
        assert!(html.contains(status), "{accept}: {status} in {html}");
    }
    // Plural forms: French says "0 signature" (0 is singular), Arabic has a form for none.
    assert!(page(&s, &path, "fr").await.contains("0 signature pour l’instant."));
    assert!(page(&s, &path, "ar").await.contains("لا توقيعات حتى الآن."));
    s.stop().await;
}

#[tokio::test]
async fn the_letter_s_own_words_follow_the_letter_s_language() {
    let (s, _db) = with_seed().await;
    let html = page(&s, &format!("/campaigns/{SEED}"), "fr").await;
    assert!(html.contains("<article class=\"letter\" lang=\"en\">"), "{html}");
    let arabic = page(&s, &format!("/campaigns/{SEED}"), "ar").await;
    assert!(
        arabic.contains("<article class=\"letter\" lang=\"en\" dir=\"ltr\">"),
        "an English letter stays left to right: {arabic}"
    );
    // Footnote labels, the notes' heading and back links: English, like the letter.
    assert!(html.contains("aria-label=\"Footnote 1\""), "{html}");
    assert!(!html.contains("aria-label=\"Note 1\""), "{html}");
    assert!(html.contains("<h2>Notes</h2><ol class=\"notes\">"), "{html}");
    assert!(html.contains(">Back to text</a>"), "{html}");
    // The page's own words around and inside it: French, marked as such inside the letter.
    assert!(html.contains("lang=\"fr\"><span aria-hidden=\"true\">○</span> Statut : En attente</span>"), "{html}");
    assert!(html.contains("<h2 id=\"sign-heading\">Signer la lettre</h2>"), "{html}");
    s.stop().await;
}
