//! Signing over real HTTP, against SQLite and PostgreSQL: the three encodings, idempotent retries,
//! duplicates, every error code a client can meet, rate limiting, origins, moderation, spam.

mod support;

use support::*;
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::answer::AnswerStatus;
use undersigned_server::domain::SignerState;

both_backends!(each_encoding_is_accepted, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    // JSON
    let (status, body) = s.sign(individual("json@example.org", &uuid(1))).await;
    assert_eq!((status, body["status"].as_str()), (201, Some(AnswerStatus::Signed.as_str())), "{body}");
    // application/x-www-form-urlencoded (checkbox as "on")
    let form = format!(
        "kind=individual&name=Bo+Form&email=form%40example.org&list_publicly=on&fill_ms=9000&idempotency_key={}",
        uuid(2)
    );
    let res = s
        .http
        .post(s.sign_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // text/plain holding JSON (a CORS-simple request)
    let text = individual("text@example.org", &uuid(3)).to_string();
    let res =
        s.http.post(s.sign_url()).header("content-type", "text/plain;charset=UTF-8").body(text).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let signers = s.admin_signers().await;
    let emails: Vec<&str> = signers.iter().map(|r| r["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["json@example.org", "form@example.org", "text@example.org"]);
    assert_eq!(signers[1]["data"]["name"], "Bo Form");
    assert_eq!(signers[1]["listed"], true);
    s.stop().await;
});

both_backends!(a_retry_gets_the_original_answer_and_a_reused_key_is_refused, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let first = s.sign(individual("ana@example.org", &uuid(7))).await;
    let retry = s.sign(individual("ana@example.org", &uuid(7))).await;
    assert_eq!(first.0, 201);
    assert_eq!(first, retry, "a retry with the same key gets the same answer");
    // The key in a header instead of the body, for the same payload, is the same retry.
    let mut no_key = individual("ana@example.org", "");
    no_key.as_object_mut().unwrap().remove("idempotency_key");
    let res = s.http.post(s.sign_url()).header("idempotency-key", uuid(7)).json(&no_key).send().await.unwrap();
    assert_eq!(res.status(), 201);
    // Same key, another payload.
    let (status, body) = s.sign(individual("someone-else@example.org", &uuid(7))).await;
    assert_eq!((status, body["code"].as_str()), (409, Some(ErrorCode::IdempotencyKeyReused.as_str())), "{body}");
    assert_eq!(s.admin_signers().await.len(), 1);
    s.stop().await;
});

both_backends!(signing_twice_with_one_address_changes_nothing, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let first = s.sign(individual("Ana@Example.org", &uuid(1))).await;
    assert_eq!(first.0, 201);
    let mut again = individual("ana@example.org", &uuid(2));
    again["name"] = "Another Name".into();
    // The same answer as a new signature: an answer never tells whether an address had signed.
    let (status, body) = s.sign(again).await;
    assert_eq!((status, &body), (201, &first.1), "{body}");
    assert_eq!(body["status"], AnswerStatus::Signed.as_str());
    let signers = s.admin_signers().await;
    assert_eq!(signers.len(), 1);
    assert_eq!(signers[0]["data"]["name"], "Ana Example");
    s.stop().await;
});

both_backends!(each_client_mistake_has_its_own_code, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::with(&db, |c| c.max_body_bytes = 2048).await;
    let code = |res: reqwest::Response| async move {
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.expect("errors are JSON");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        (status, body["code"].as_str().unwrap().to_string(), body)
    };
    let malformed =
        s.http.post(s.sign_url()).header("content-type", "application/json").body("{\"kind\": ").send().await.unwrap();
    let (status, name, _) = code(malformed).await;
    assert_eq!((status, name.as_str()), (400, ErrorCode::MalformedBody.as_str()));
    let malformed =
        s.http.post(s.sign_url()).header("content-type", "text/plain").body("not json").send().await.unwrap();
    assert_eq!(code(malformed).await.1, ErrorCode::MalformedBody.as_str());
    let big = s
        .http
        .post(s.sign_url())
        .header("content-type", "application/json")
        .body(format!("{{\"name\":\"{}\"}}", "x".repeat(4096)))
        .send()
        .await
        .unwrap();
    assert_eq!(code(big).await.1, ErrorCode::PayloadTooLarge.as_str());
    let unknown = s
        .http
        .post(s.url("/api/campaigns/no-such-letter/signatures"))
        .json(&individual("a@example.org", &uuid(1)))
        .send()
        .await
        .unwrap();
    let (status, name, _) = code(unknown).await;
    assert_eq!((status, name.as_str()), (404, ErrorCode::UnknownCampaign.as_str()));
    let xml = s.http.post(s.sign_url()).header("content-type", "application/xml").body("<a/>").send().await.unwrap();
    assert_eq!(code(xml).await.1, ErrorCode::UnsupportedMediaType.as_str());
    let invalid = s
        .http
        .post(s.sign_url())
        .json(&serde_json::json!({"kind": "individual", "email": "not-an-address"}))
        .send()
        .await
        .unwrap();
    let (status, name, body) = code(invalid).await;
    assert_eq!((status, name.as_str()), (422, ErrorCode::ValidationFailed.as_str()));
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"name") && fields.contains(&"email"), "{fields:?}");
    let no_token = s.http.get(s.url("/api/admin/campaigns")).send().await.unwrap();
    assert_eq!(no_token.headers()["www-authenticate"], "Bearer");
    let (status, name, _) = code(no_token).await;
    assert_eq!((status, name.as_str()), (401, ErrorCode::MissingToken.as_str()));
    let wrong = s.http.get(s.url("/api/admin/campaigns")).bearer_auth("not-the-token-at-all").send().await.unwrap();
    assert_eq!(code(wrong).await.1, ErrorCode::InvalidToken.as_str());
    let nowhere = s.http.get(s.url("/api/nowhere")).send().await.unwrap();
    assert_eq!(code(nowhere).await.1, ErrorCode::NotFound.as_str());
    let (status, name, _) = code(s.http.get(s.sign_url()).send().await.unwrap()).await;
    assert_eq!((status, name.as_str()), (405, ErrorCode::MethodNotAllowed.as_str()));
    let res =
        s.admin(reqwest::Method::POST, &format!("/campaigns/{CAMPAIGN}/signers/abc/approve")).send().await.unwrap();
    assert_eq!(code(res).await.1, ErrorCode::InvalidRequest.as_str());
    assert!(s.admin_signers().await.is_empty(), "no mistake stored anything");
    s.stop().await;
});

both_backends!(origins_are_checked_on_simple_requests_and_preflights, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    s.set_settings(serde_json::json!({"allowed_origins": ["https://partner.example"]})).await;
    let text = |email: &str, n: u32| individual(email, &uuid(n)).to_string();
    // A CORS-simple request from a stranger: refused with a code the page can read.
    let res = s
        .http
        .post(s.sign_url())
        .header("origin", "https://stranger.example")
        .header("content-type", "text/plain")
        .body(text("x@example.org", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://stranger.example");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::OriginNotAllowed.as_str());
    // A preflight from a stranger is refused too; from the partner it is allowed.
    let pre = s
        .http
        .request(reqwest::Method::OPTIONS, s.sign_url())
        .header("origin", "https://stranger.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 403);
    let pre = s
        .http
        .request(reqwest::Method::OPTIONS, s.sign_url())
        .header("origin", "https://partner.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204);
    assert_eq!(pre.headers()["access-control-allow-origin"], "https://partner.example");
    assert!(pre.headers()["access-control-allow-headers"].to_str().unwrap().contains("Idempotency-Key"));
    let res = s
        .http
        .post(s.sign_url())
        .header("origin", "https://partner.example")
        .header("content-type", "text/plain")
        .body(text("p@example.org", 2))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://partner.example");
    // The receiver's own pages (same host) may always post.
    let own = format!("http://{}", s.base.trim_start_matches("http://"));
    let res = s
        .http
        .post(s.sign_url())
        .header("origin", own)
        .header("content-type", "text/plain")
        .body(text("own@example.org", 3))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(s.admin_signers().await.len(), 2);
    s.stop().await;
});

both_backends!(too_many_requests_get_429_with_retry_after, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::with(&db, |c| {
        c.rate_limit = undersigned_server::http::rate_limit::RateLimit { per_minute: 6, burst: 2 }
    })
    .await;
    assert_eq!(s.sign(individual("a@example.org", &uuid(1))).await.0, 201);
    assert_eq!(s.sign(individual("b@example.org", &uuid(2))).await.0, 201);
    let res = s.http.post(s.sign_url()).json(&individual("c@example.org", &uuid(3))).send().await.unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait), "Retry-After {wait}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::RateLimited.as_str());
    assert_eq!(s.admin_signers().await.len(), 2);
    s.stop().await;
});

both_backends!(moderation_spam_and_the_public_list, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    s.set_settings(serde_json::json!({"min_fill_ms": 3000})).await;
    let org = serde_json::json!({"kind": "organization", "organization": "Example Org", "organization_website": "example.org", "may_sign_for_organization": true, "name": "Contact Person", "email": "org@example.org", "list_publicly": true, "idempotency_key": uuid(1), "fill_ms": 20000});
    let (status, body) = s.sign(org).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (201, Some(AnswerStatus::Pending.as_str())),
        "organizations wait for approval by default"
    );
    assert_eq!(s.sign(individual("listed@example.org", &uuid(2))).await.1["status"], AnswerStatus::Signed.as_str());
    let mut unlisted = individual("unlisted@example.org", &uuid(3));
    unlisted["list_publicly"] = false.into();
    assert_eq!(s.sign(unlisted).await.0, 201);
    let mut honeypot = individual("bot@example.org", &uuid(4));
    honeypot["website"] = "http://spam.example".into();
    assert_eq!(s.sign(honeypot).await.1["status"], AnswerStatus::Pending.as_str(), "a bot learns nothing");
    let mut fast = individual("fast@example.org", &uuid(5));
    fast["fill_ms"] = 400.into();
    assert_eq!(s.sign(fast).await.1["status"], AnswerStatus::Pending.as_str());
    let signers = s.admin_signers().await;
    let states: Vec<(&str, &str)> =
        signers.iter().map(|r| (r["email"].as_str().unwrap(), r["state"].as_str().unwrap())).collect();
    assert_eq!(
        states,
        [
            ("org@example.org", SignerState::Pending.as_str()),
            ("listed@example.org", "approved"),
            ("unlisted@example.org", "approved"),
            ("bot@example.org", "spam"),
            ("fast@example.org", "spam")
        ]
    );
    assert!(signers[4]["spam_reason"].as_str().unwrap().contains("400 ms"));

    let public = |kind: &str| s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}/signers?kind={kind}"))).send();
    let res = public("organization").await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["signers"].as_array().unwrap().len(), 0, "pending organizations are not listed");
    let org_id = signers[0]["id"].as_i64().unwrap();
    let res = s
        .admin(reqwest::Method::POST, &format!("/campaigns/{CAMPAIGN}/signers/{org_id}/approve"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = public("organization").await.unwrap().json().await.unwrap();
    assert_eq!(body["signers"][0]["name"], "Example Org");
    assert_eq!(body["counts"], serde_json::json!({"total": 3, "organizations": 1, "individuals": 1}));
    let text = public("individual").await.unwrap().text().await.unwrap();
    assert!(text.contains("Ana Example") && !text.contains("@"), "listed individuals only, never an email: {text}");
    let res = s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}/signers?kind=robots"))).send().await.unwrap();
    assert_eq!(res.status(), 400);
    s.stop().await;
});

both_backends!(csv_export_neutralises_formulas_and_erasure_removes_everything, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let mut evil = individual("evil@example.org", &uuid(1));
    evil["name"] = "=HYPERLINK(\"http://evil.example\",\"click\")".into();
    evil["affiliation"] = "@SUM(A1:A9)".into();
    assert_eq!(s.sign(evil.clone()).await.0, 201);
    assert_eq!(s.sign(individual("plain@example.org", &uuid(2))).await.0, 201);
    let csv = s
        .admin(reqwest::Method::GET, &format!("/campaigns/{CAMPAIGN}/signers.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,state,kind,"));
    assert!(lines[1].contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "{}", lines[1]);
    assert!(lines[1].contains(",'@SUM(A1:A9),"), "{}", lines[1]);
    assert!(!csv.contains(",=") && !csv.contains(",@S"), "no cell starts with a formula character");

    let id = s.admin_signers().await[0]["id"].as_i64().unwrap();
    let res = s.admin(reqwest::Method::DELETE, &format!("/campaigns/{CAMPAIGN}/signers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let res = s.admin(reqwest::Method::DELETE, &format!("/campaigns/{CAMPAIGN}/signers/{id}")).send().await.unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::UnknownSigner.as_str());
    let csv = s
        .admin(reqwest::Method::GET, &format!("/campaigns/{CAMPAIGN}/signers.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("evil@example.org") && csv.contains("plain@example.org"));
    // The erased person's retry is not answered from a stored answer: it signs anew.
    assert_eq!(s.sign(evil).await.0, 201);
    s.stop().await;
});

#[test]
fn the_documentation_table_lists_every_error_code() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/receiver.md")).expect("docs/receiver.md");
    for code in undersigned_core::api_error::ErrorCode::ALL {
        let row = format!("| `{}` | {} |", code.as_str(), code.http_status());
        assert!(doc.contains(&row), "docs/receiver.md lacks the row starting `{row}`");
    }
}
