//! The pages for visitors without JavaScript, over real HTTP against SQLite and PostgreSQL: a
//! browser's plain form post gets a thank-you or error page (same statuses as the JSON answers,
//! same storage rules), the widget's requests keep getting JSON, and each campaign's letter page
//! renders the letter with current statuses and escapes what organizers wrote.

mod support;

use support::*;
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::answer::AnswerStatus;

/// What Chromium sends with a form navigation.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const FORM: &str = "application/x-www-form-urlencoded";

/// Posts `body` as a browser's plain form would; returns (status, content type, body).
async fn post_form(s: &TestServer, body: &str, extra: &[(&str, &str)]) -> (u16, String, String) {
    let mut request =
        s.http.post(s.sign_url()).header("content-type", FORM).header("accept", BROWSER_ACCEPT).body(body.to_string());
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let res = request.send().await.unwrap();
    let status = res.status().as_u16();
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    if content_type.starts_with("text/html") {
        assert_eq!(
            res.headers()["content-security-policy"],
            "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            "every page carries the strict policy"
        );
    }
    (status, content_type, res.text().await.unwrap())
}

fn assert_one_h1(html: &str) {
    assert_eq!(html.matches("<h1").count(), 1, "one <h1>: {html}");
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"), "{html}");
    assert!(!html.contains("<script") && !html.contains("style="), "no script, no inline style: {html}");
}

both_backends!(a_plain_form_post_gets_a_thank_you_page_and_is_stored_once, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let body = "campaign=test-letter&kind=individual&name=Nora+No-Script&email=nora%40example.org&list_publicly=yes";
    let (status, content_type, html) = post_form(&s, body, &[]).await;
    assert_eq!((status, content_type.as_str()), (201, "text/html; charset=utf-8"), "{html}");
    assert_one_h1(&html);
    assert!(html.contains("<h1>Thank you for signing</h1>"), "{html}");
    assert!(html.contains("You signed “A Test Letter”."), "{html}");
    assert!(html.contains("href=\"/campaigns/test-letter\""), "links to the letter: {html}");
    // Sending the same form again (Back, then Sign): the duplicate-email rule, nothing doubled, and
    // the same page as the first time (a page never tells whether an address had signed).
    let (status, _, again) = post_form(&s, body, &[]).await;
    assert_eq!((status, &again), (201, &html));
    let signers = s.admin_signers().await;
    assert_eq!(signers.len(), 1, "{signers:?}");
    assert_eq!(
        (signers[0]["email"].as_str(), signers[0]["state"].as_str(), &signers[0]["listed"]),
        (Some("nora@example.org"), Some("approved"), &serde_json::json!(true))
    );
    s.stop().await;
});

both_backends!(the_letter_page_form_key_makes_a_resend_a_retry, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    // Organizations wait for review: the page says so.
    let key = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let body = format!("campaign=test-letter&idempotency_key={key}&kind=organization&organization=Digital+Rights+Watch&organization_website=drw.example&may_sign_for_organization=yes&name=Sam+Okafor&email=sam%40drw.example");
    let (status, _, first) = post_form(&s, &body, &[]).await;
    assert_eq!(status, 201, "{first}");
    assert!(first.contains("is pending review"), "{first}");
    let (status, _, again) = post_form(&s, &body, &[]).await;
    assert_eq!((status, again), (201, first), "the same form sent twice gets the first answer");
    // The same key with another signature is refused, with the reason, as a page.
    let other = body.replace("sam%40drw.example", "other%40drw.example");
    let (status, content_type, html) = post_form(&s, &other, &[]).await;
    assert_eq!((status, content_type.as_str()), (409, "text/html; charset=utf-8"));
    assert!(html.contains("already used for a different signature"), "{html}");
    assert_eq!(s.admin_signers().await.len(), 1);
    s.stop().await;
});

both_backends!(an_invalid_form_post_gets_an_error_page_naming_each_field, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let body = "campaign=test-letter&kind=organization&name=%3Cb%3ESam%3C%2Fb%3E&email=sam+at+drw&list_publicly=yes";
    let (status, content_type, html) = post_form(&s, body, &[]).await;
    assert_eq!((status, content_type.as_str()), (422, "text/html; charset=utf-8"), "{html}");
    assert_one_h1(&html);
    assert!(html.contains("<h1>Your signature was not recorded</h1>"), "{html}");
    assert!(html.contains("4 fields need your attention"), "{html}");
    // Each problem in core's words, named by the field's label and linked to it.
    assert!(
        html.contains("<a href=\"#f-organization\">Organization name</a>: Enter the organization&#39;s name."),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#f-email\">Email</a>: Enter an email address like name@example.org, without spaces."),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#f-organization_website\">Organization&#39;s website</a>: Enter the organization&#39;s website, such as eff.org."),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#f-may_sign_for_organization\">I may sign this letter on behalf of this organization</a>: Tick the box to confirm that you may sign for this organization."),
        "{html}"
    );
    assert!(html.contains("id=\"f-may_sign_for_organization-error\">Error: Tick the box"), "{html}");
    // The form comes back filled in as sent (escaped), with the error next to the field.
    assert!(html.contains("value=\"&lt;b&gt;Sam&lt;/b&gt;\""), "{html}");
    assert!(html.contains("id=\"f-email-error\">Error: Enter an email address like name@example.org"), "{html}");
    assert!(html.contains("aria-invalid=\"true\" value=\"sam at drw\""), "{html}");
    assert!(html.contains("id=\"f-kind-organization\" value=\"organization\" checked"), "{html}");
    assert!(s.admin_signers().await.is_empty(), "nothing stored");
    s.stop().await;
});

both_backends!(error_pages_keep_the_json_status_and_link_back_only_to_partners, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    s.set_settings(serde_json::json!({"allowed_origins": ["https://partner.example"]})).await;
    let valid = "kind=individual&name=Ana&email=ana%40example.org";
    // A stranger's page: 403 as in JSON, the reason, and no link back to the stranger.
    let (status, content_type, html) =
        post_form(&s, valid, &[("origin", "https://stranger.example"), ("referer", "https://stranger.example/page")])
            .await;
    assert_eq!((status, content_type.as_str()), (403, "text/html; charset=utf-8"));
    assert!(html.contains("Signatures from https://stranger.example are not accepted"), "{html}");
    assert!(!html.contains("stranger.example/page"), "{html}");
    // The partner's page: signed, with a link back to it.
    let (status, _, html) = post_form(
        &s,
        valid,
        &[("origin", "https://partner.example"), ("referer", "https://partner.example/letter?from=news")],
    )
    .await;
    assert_eq!(status, 201, "{html}");
    assert!(
        html.contains("<a href=\"https://partner.example/letter?from=news\">Back to the page you came from</a>"),
        "{html}"
    );
    // An unknown campaign: 404 as a page.
    let res = s
        .http
        .post(s.url("/api/campaigns/no-such-letter/signatures"))
        .header("content-type", FORM)
        .header("accept", BROWSER_ACCEPT)
        .body(valid)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("There is no campaign `no-such-letter`"));
    assert_eq!(s.admin_signers().await.len(), 1);
    s.stop().await;
});

both_backends!(the_widget_and_scripts_keep_getting_json, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    // The widget's fetch in the form encoding: no Accept of its own, the browser sends */*.
    let body =
        format!("kind=individual&name=Wid+Get&email=widget%40example.org&idempotency_key={}&fill_ms=9000", uuid(1));
    for accept in ["*/*", "application/json", "application/json, text/html"] {
        let res = s
            .http
            .post(s.sign_url())
            .header("content-type", FORM)
            .header("accept", accept)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-type"], "application/json", "Accept: {accept}");
        let json: serde_json::Value = res.json().await.unwrap();
        assert_eq!(json["status"], AnswerStatus::Signed.as_str(), "Accept: {accept}: {json}");
    }
    // JSON and text/plain bodies are never answered with a page, whatever Accept says.
    let res = s
        .http
        .post(s.sign_url())
        .header("accept", BROWSER_ACCEPT)
        .json(&individual("json@example.org", &uuid(2)))
        .send()
        .await
        .unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()), (201, "application/json"));
    let res = s
        .http
        .post(s.sign_url())
        .header("content-type", FORM)
        .header("accept", "*/*")
        .body("kind=individual&email=bad")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let json: serde_json::Value = res.json().await.expect("a JSON error");
    assert_eq!(json["code"], ErrorCode::ValidationFailed.as_str());
    assert_eq!(s.admin_signers().await.len(), 2);
    s.stop().await;
});

/// A campaign whose title and texts try to inject markup, with a footnote and a signatory.
const HOSTILE: &str = r#"---
id: hostile-letter
title: <script>alert("owned")</script> & Friends
date: November 26, 2026
---
We ask for the records.[^source]

::: demands
- {#contract} the contract <img src=x onerror=alert(1)>;
- {#review} the review.
:::

::: individuals
- Dana <b>Bold</b> | Researcher
:::

[^source]: Procurement register, entry 42. <https://example.org/register?a=1&b=2>
"#;

both_backends!(the_letter_page_shows_the_letter_with_current_statuses_and_escapes_everything, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let res = s.admin(reqwest::Method::POST, "/campaigns").body(HOSTILE).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let change = serde_json::json!({"status": "partially_disclosed", "note": "Released <in part>.", "evidence": [{"url": "https://example.org/foia/1", "title": "FOIA answer", "date": "2026-11-20"}]});
    let res = s
        .admin(reqwest::Method::PUT, "/campaigns/hostile-letter/demands/contract/status")
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let res = s.http.get(s.url("/campaigns/hostile-letter")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    assert!(res.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    let html = res.text().await.unwrap();
    assert_one_h1(&html);
    assert!(html.contains("<h1>&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; Friends</h1>"), "{html}");
    assert!(!html.contains("<img") && !html.contains("<b>"), "organizers' text is never markup: {html}");
    assert!(html.contains("the contract &lt;img src=x onerror=alert(1)&gt;;"), "{html}");
    // The demand's current status (a change made by an organizer), its note and evidence; the
    // other demand keeps the campaign file's status.
    assert!(html.contains("<span aria-hidden=\"true\">◐</span> Status: Partially disclosed</span> <span class=\"note\">Released &lt;in part&gt;.</span>"), "{html}");
    assert!(html.contains("<a href=\"https://example.org/foia/1\">FOIA answer</a> (2026-11-20)"), "{html}");
    assert!(html.contains("id=\"demand-review\">the review.<br><span class=\"status status-outstanding\"><span aria-hidden=\"true\">○</span> Status: Outstanding</span>"), "{html}");
    // The footnote, linked both ways.
    assert!(html.contains("<sup><a href=\"#note-1\" id=\"ref-1\" aria-label=\"Footnote 1\">1</a></sup>"), "{html}");
    assert!(html.contains("<li id=\"note-1\">Procurement register, entry 42."), "{html}");
    assert!(html.contains("href=\"https://example.org/register?a=1&amp;b=2\""), "{html}");
    assert!(html.contains("Dana &lt;b&gt;Bold&lt;/b&gt;"), "{html}");
    // The plain form, posting to this campaign with the wire names and a fresh idempotency key.
    assert!(
        html.contains("<form class=\"sign\" method=\"post\" action=\"/api/campaigns/hostile-letter/signatures\">"),
        "{html}"
    );
    assert!(html.contains("name=\"idempotency_key\" value=\""), "{html}");
    // The letter's own signatory (Dana) counts; nobody has signed through the receiver yet.
    assert!(html.contains("1 signature so far."), "{html}");
    let stylesheet = s.http.get(s.url("/pages.css")).send().await.unwrap();
    assert_eq!(
        (stylesheet.status().as_u16(), stylesheet.headers()["content-type"].to_str().unwrap()),
        (200, "text/css; charset=utf-8")
    );

    // A group of demands says how many of its items are still outstanding (as the widget counts:
    // partially disclosed is still outstanding), each item its own status from the file or a change.
    let disclosed = serde_json::json!({"status": "disclosed", "note": "", "evidence": []});
    let res = s
        .admin(reqwest::Method::PUT, &format!("/campaigns/{CAMPAIGN}/demands/risk-assessment/status"))
        .json(&disclosed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = s.http.get(s.url(&format!("/campaigns/{CAMPAIGN}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("in case the technology is spyware:<br><span class=\"status\">1 of 2 still outstanding</span>"),
        "{html}"
    );
    assert!(
        html.contains("Status: Partially disclosed</span> <span class=\"note\">Released in part.</span>"),
        "{html}"
    );
    assert!(
        html.contains("id=\"demand-risk-assessment\">the risk assessment.<br><span class=\"status status-disclosed\">"),
        "{html}"
    );

    // The public signer list: listed, approved signers only, escaped, never an email or an
    // organization's contact person.
    let listed = "kind=individual&name=%3Ci%3ELee%3C%2Fi%3E&title=Researcher&affiliation=Lab&email=lee%40example.org&list_publicly=yes";
    assert_eq!(post_form(&s, listed, &[]).await.0, 201);
    assert_eq!(post_form(&s, "kind=individual&name=Quiet+Person&email=quiet%40example.org", &[]).await.0, 201);
    s.set_settings(serde_json::json!({"organizations_need_review": false})).await;
    let org =
        "kind=organization&organization=Open+Org&organization_website=open.example&may_sign_for_organization=on&name=Contact+Person&email=contact%40open.example&list_publicly=yes";
    assert_eq!(post_form(&s, org, &[]).await.0, 201);
    let html = s.http.get(s.url(&format!("/campaigns/{CAMPAIGN}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("3 signatures so far."), "{html}");
    assert!(html.contains("<h3>Organizations (1)</h3><ul class=\"signatories\"><li>Open Org</li></ul>"), "{html}");
    assert!(html.contains("<h3>Individuals (1)</h3><ul class=\"signatories\"><li>&lt;i&gt;Lee&lt;/i&gt;<br><span class=\"muted\">Researcher, Lab</span></li></ul>"), "{html}");
    for private in ["Quiet Person", "Contact Person", "@example.org", "@open.example"] {
        assert!(!html.contains(private), "{private} is not public: {html}");
    }

    let missing = s.http.get(s.url("/campaigns/no-such-letter")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("There is no campaign `no-such-letter`"));
    s.stop().await;
});

both_backends!(pages_speak_spanish_when_the_browser_asks_for_it, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let spanish = [("accept-language", "es-MX,es;q=0.9,en;q=0.8")];
    let (status, _, html) = post_form(&s, "kind=individual&name=Ana&email=ana%40example.org", &spanish).await;
    assert_eq!(status, 201, "{html}");
    assert!(html.starts_with("<!doctype html>\n<html lang=\"es\">"), "{html}");
    assert!(html.contains("<h1>Gracias por firmar</h1>"), "the widget's own words (locales/es.txt): {html}");
    assert!(html.contains("Usted firmó “A Test Letter”."), "{html}");
    // Field errors: the widget's Spanish for core's codes, next to the Spanish labels.
    let (status, _, html) = post_form(&s, "kind=organization&name=Sam&email=sam+at+drw", &spanish).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("4 campos necesitan su atención."), "{html}");
    assert!(
        html.contains(
            "<a href=\"#f-organization\">Nombre de la organización</a>: Escriba el nombre de la organización."
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"#f-email\">Correo electrónico</a>: Escriba un correo como nombre@ejemplo.org, sin espacios."
        ),
        "{html}"
    );
    // The letter page: Spanish words around an English letter, each marked with its language.
    let res =
        s.http.get(s.url(&format!("/campaigns/{CAMPAIGN}"))).header("accept-language", "es").send().await.unwrap();
    assert_eq!(res.headers()["vary"], "Accept-Language");
    let html = res.text().await.unwrap();
    assert!(
        html.starts_with("<!doctype html>\n<html lang=\"es\">")
            && html.contains("<article class=\"letter\" lang=\"en\">"),
        "{html}"
    );
    assert!(html.contains("<span class=\"status status-outstanding\" lang=\"es\"><span aria-hidden=\"true\">○</span> Estado: Pendiente</span>"), "{html}");
    assert!(html.contains("<h2 id=\"sign-heading\">Firme la carta</h2><p>1 firma hasta ahora.</p>"), "{html}");
    // Anything else is English.
    let html = s
        .http
        .get(s.url(&format!("/campaigns/{CAMPAIGN}")))
        .header("accept-language", "ja-JP,ja;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">") && html.contains("Status: Outstanding"), "{html}");
    s.stop().await;
});

both_backends!(with_confirmation_by_mail_the_page_says_to_check_the_inbox, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    s.set_settings(serde_json::json!({"confirmation": "email"})).await;
    let body = "campaign=test-letter&kind=individual&name=Nora+No-Script&email=nora%40example.org&list_publicly=yes";
    let (status, _, html) = post_form(&s, body, &[]).await;
    assert_eq!(status, 202, "{html}");
    assert_one_h1(&html);
    assert!(html.contains("<h1>Check your inbox to confirm</h1>"), "{html}");
    assert!(html.contains("confirm your signature on “A Test Letter”"), "{html}");
    let (status, _, again) = post_form(&s, body, &[]).await;
    assert_eq!((status, again), (202, html), "the same page for an address that had signed");
    s.stop().await;
});
