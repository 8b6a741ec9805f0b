//! Email confirmation, withdrawal and the absence of a membership oracle, over real HTTP against
//! SQLite and PostgreSQL, with mail delivered over a real SMTP conversation to a real SMTP server
//! (support/smtp.rs).

mod support;

use std::collections::HashMap;
use std::time::Duration;
use support::smtp::*;
use support::*;
use undersigned_core::signature::answer::AnswerStatus;

/// The public counts of the test campaign.
async fn counts(s: &TestServer) -> serde_json::Value {
    let res = s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}/signers"))).send().await.unwrap();
    res.json::<serde_json::Value>().await.unwrap()["counts"].clone()
}

/// The admin row of an address.
async fn admin_row(s: &TestServer, email: &str) -> Option<serde_json::Value> {
    s.admin_signers().await.into_iter().find(|r| r["email"] == email)
}

/// The `check_inbox` answer as docs/wire-format.md shows it (its `json example:check-inbox`).
fn documented_check_inbox() -> serde_json::Value {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/wire-format.md")).unwrap();
    let (_, rest) = doc.split_once("```json example:check-inbox\n").expect("the example is in the document");
    let (block, _) = rest.split_once("```").expect("the example's block ends");
    serde_json::from_str(block).expect("the example is JSON")
}

/// One signature in one of the three encodings (or as a browser's plain form, which gets a page);
/// the answer as (status, headers but `date`, body).
async fn sign_as(s: &TestServer, encoding: &str, email: &str, key: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let json = individual(email, key);
    let request = s.http.post(s.sign_url());
    let request = match encoding {
        "json" => request.json(&json),
        "text" => request.header("content-type", "text/plain;charset=UTF-8").body(json.to_string()),
        // "form", and "page": the same form as a browser's plain form navigation, answered with a page.
        _ => request.header("content-type", "application/x-www-form-urlencoded").body(format!(
            "kind=individual&name=Ana+Example&title=Researcher&affiliation=Example+University&email={}&list_publicly=on&fill_ms=12000&idempotency_key={key}",
            email.replace('@', "%40")
        )),
    };
    let request = if encoding == "page" { request.header("accept", "text/html,*/*;q=0.8") } else { request };
    let res = request.send().await.unwrap();
    let status = res.status().as_u16();
    let mut headers: Vec<(String, String)> = res
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    headers.sort();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

both_backends!(
    an_answer_is_the_same_bytes_for_new_confirmed_pending_rejected_and_erased_addresses,
    |backend| async move {
        let db = TestDb::new(backend).await;
        let mut sink = SmtpSink::start();
        let s = TestServer::confirming_through(&db, &sink).await;
        let combos: Vec<(&str, &str)> =
            ["email", "off"].into_iter().flat_map(|m| ["json", "form", "text", "page"].map(move |e| (m, e))).collect();
        let address = |who: &str, mode: &str, encoding: &str| format!("{who}-{mode}-{encoding}@example.org");
        // Every address but the new ones signs first (confirmation on), then gets to its state.
        let mut key = 0;
        let mut next_key = || {
            key += 1;
            uuid(key)
        };
        let mut setup = Vec::new();
        for (mode, encoding) in &combos {
            for who in ["confirmed", "unconfirmed", "rejected", "erased"] {
                let email = address(who, mode, encoding);
                assert_eq!(s.sign(individual(&email, &next_key())).await.0, 202);
                setup.push(email);
            }
        }
        let mut mails = HashMap::new();
        while mails.len() < setup.len() {
            let mail = sink.next_mail(Duration::from_secs(20)).await;
            mails.insert(mail.to.clone(), mail);
        }
        for email in setup.iter().filter(|e| !e.starts_with("unconfirmed")) {
            assert_eq!(s.press_link(&mails[email].confirm_link()).await.0, 200);
            let id = admin_row(&s, email).await.expect("a stored signer")["id"].as_i64().unwrap();
            let path = format!("/campaigns/{CAMPAIGN}/signers/{id}");
            if email.starts_with("rejected") {
                let res = s.admin(reqwest::Method::POST, &format!("{path}/reject")).send().await.unwrap();
                assert_eq!(res.status(), 200);
            } else if email.starts_with("erased") {
                assert!(s.admin(reqwest::Method::DELETE, &path).send().await.unwrap().status().is_success());
            }
        }
        for (mode, encoding) in &combos {
            s.set_settings(serde_json::json!({ "confirmation": mode })).await;
            let mut answers = Vec::new();
            for who in ["new", "confirmed", "unconfirmed", "rejected", "erased"] {
                answers.push((who, sign_as(&s, encoding, &address(who, mode, encoding), &next_key()).await));
            }
            let (_, first) = &answers[0];
            let expected = if *mode == "email" { 202 } else { 201 };
            assert_eq!(first.0, expected, "{mode}/{encoding}: {}", String::from_utf8_lossy(&first.2));
            for (who, answer) in &answers[1..] {
                assert_eq!(answer, first, "{mode}/{encoding}: the answer for a {who} address differs from a new one's");
            }
            if *encoding == "page" {
                let page = String::from_utf8_lossy(&first.2);
                let heading = if *mode == "email" { "Check your inbox to confirm" } else { "Thank you for signing" };
                assert!(page.contains(&format!("<h1>{heading}</h1>")), "{mode}: {page}");
                continue;
            }
            let body: serde_json::Value = serde_json::from_slice(&first.2).unwrap();
            let expected = if *mode == "email" { AnswerStatus::CheckInbox } else { AnswerStatus::Signed };
            assert_eq!(body["status"], expected.as_str());
            if *mode == "email" {
                assert_eq!(body, documented_check_inbox(), "docs/wire-format.md shows this answer");
            }
        }
        // Under `off` a repeat changed nothing: the confirmed address is still the first signature.
        let row = admin_row(&s, &address("confirmed", "off", "json")).await.unwrap();
        assert_eq!((row["awaiting_confirmation"].as_bool(), row["state"].as_str()), (Some(false), Some("approved")));
        s.stop().await;
    }
);

both_backends!(a_signature_counts_once_confirmed_and_its_links_act_only_on_post_and_once, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = SmtpSink::start();
    let s = TestServer::confirming_through(&db, &sink).await;
    let (status, body) = s.sign(individual("ana@example.org", &uuid(1))).await;
    assert_eq!((status, body["status"].as_str()), (202, Some(AnswerStatus::CheckInbox.as_str())), "{body}");
    assert_eq!(counts(&s).await["total"], 0, "not counted before confirmation");
    let row = admin_row(&s, "ana@example.org").await.expect("organizers see it");
    assert_eq!(row["awaiting_confirmation"], true);

    let mail = sink.mail_to("ana@example.org").await;
    assert_eq!(mail.subject, "Confirm your signature on “A Test Letter”", "{mail:?}");
    for part in ["“A Test Letter”", "Ana Example, Researcher, Example University", "/signatures/withdraw?t="] {
        assert!(mail.text.contains(part), "the text names {part}: {}", mail.text);
        assert!(mail.html.contains(part), "the HTML too: {}", mail.html);
    }
    assert!(mail.from.contains("undersigned@localhost"), "{}", mail.from);
    let confirm = mail.confirm_link();
    // A GET (a mail scanner, a preview) shows a button and changes nothing.
    for _ in 0..2 {
        let (status, page) = s.open_link(&confirm).await;
        assert_eq!(status, 200);
        assert!(page.contains("<form method=\"post\" action=\"/signatures/confirm\">"), "{page}");
    }
    assert_eq!(counts(&s).await["total"], 0, "a GET confirms nothing");
    let (status, page) = s.press_link(&confirm).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Your signature is confirmed"), "{page}");
    assert_eq!(counts(&s).await["individuals"], 1, "counted and listed once confirmed");
    assert_eq!(admin_row(&s, "ana@example.org").await.unwrap()["awaiting_confirmation"], false);
    // Single use.
    assert_eq!(s.press_link(&confirm).await.0, 410);
    assert_eq!(s.open_link(&confirm).await.0, 404);
    // A token that was never made, or a mangled one, does nothing either.
    assert_eq!(s.press_link(&format!("{}/signatures/confirm?t=00", s.base)).await.0, 410);

    // Signing again with the address: the same answer, and the owner is told by mail.
    let (status, again) = s.sign(individual("ana@example.org", &uuid(2))).await;
    assert_eq!((status, &again), (202, &body));
    let repeat = sink.mail_to("ana@example.org").await;
    assert_eq!(repeat.subject, "You had already signed “A Test Letter”");
    assert!(repeat.text.contains("You had already signed on "), "{}", repeat.text);
    assert!(repeat.link("/signatures/confirm").is_none(), "nothing left to confirm");
    // A retry with the same key gets its original answer and sends no second mail.
    assert_eq!(s.sign(individual("ana@example.org", &uuid(2))).await, (202, again));
    // Mail goes out in queue order: had the retry queued a mail, it would come before this one.
    assert_eq!(s.sign(individual("other@example.org", &uuid(3))).await.0, 202);
    assert_eq!(sink.next_mail(Duration::from_secs(20)).await.to, "other@example.org");
    s.stop().await;
});

both_backends!(withdrawing_through_a_link_erases_the_signer_and_asking_for_one_reveals_nothing, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = SmtpSink::start();
    let s = TestServer::confirming_through(&db, &sink).await;
    assert_eq!(s.sign(individual("bo@example.org", &uuid(1))).await.0, 202);
    let mail = sink.mail_to("bo@example.org").await;
    assert_eq!(s.press_link(&mail.confirm_link()).await.0, 200);
    assert_eq!(counts(&s).await["total"], 1);
    // Ask for a link on the letter page: the same page for a signer's address and a stranger's.
    let ask = |email: &'static str| {
        let s = &s;
        async move {
            let res = s
                .http
                .post(s.url(&format!("/campaigns/{CAMPAIGN}/withdraw")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("email={}", email.replace('@', "%40")))
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let for_signer = ask("bo@example.org").await;
    let for_stranger = ask("nobody@example.org").await;
    assert_eq!(for_signer.0, 200);
    assert_eq!(for_signer, for_stranger, "the page does not tell who signed");
    let letter = s.http.get(s.url(&format!("/campaigns/{CAMPAIGN}"))).send().await.unwrap().text().await.unwrap();
    assert!(letter.contains(&format!("action=\"/campaigns/{CAMPAIGN}/withdraw\"")), "the letter page offers it");

    let asked = sink.mail_to("bo@example.org").await;
    assert_eq!(asked.subject, "Withdraw your signature on “A Test Letter”");
    let link = asked.withdraw_link();
    assert_eq!(s.open_link(&link).await.0, 200);
    assert_eq!(counts(&s).await["total"], 1, "a GET withdraws nothing");
    let (status, page) = s.press_link(&link).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("withdrawn"), "{page}");
    assert_eq!(counts(&s).await["total"], 0, "out of the count at once");
    assert!(s.admin_signers().await.is_empty(), "the signer's data is erased");
    // The link of the first mail went with the signer.
    assert_eq!(s.press_link(&mail.withdraw_link()).await.0, 410);
    assert_eq!(s.server.as_ref().unwrap().store.queued_mail_count().await.unwrap(), 0, "the stranger got no mail");
    s.stop().await;
});

both_backends!(links_expire_and_unconfirmed_signatures_are_purged_after_a_week, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = SmtpSink::start();
    let s = TestServer::confirming_through(&db, &sink).await;
    assert_eq!(s.sign(individual("late@example.org", &uuid(1))).await.0, 202);
    assert_eq!(s.sign(individual("keep@example.org", &uuid(2))).await.0, 202);
    let late = sink.mail_to("late@example.org").await;
    let keep = sink.mail_to("keep@example.org").await;
    assert_eq!(s.press_link(&keep.confirm_link()).await.0, 200);
    // Eight days pass for the late signer and its links.
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let past = "2000-01-01T00:00:00.000Z";
    let late_id = admin_row(&s, "late@example.org").await.unwrap()["id"].as_i64().unwrap();
    sqlx::query("UPDATE signer_links SET expires_at = $1 WHERE signer_id = $2")
        .bind(past)
        .bind(late_id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(s.open_link(&late.confirm_link()).await.0, 404, "an expired link shows that it does not work");
    assert_eq!(s.press_link(&late.confirm_link()).await.0, 410, "and does nothing");
    sqlx::query("UPDATE signers SET created_at = $1 WHERE id = $2")
        .bind(past)
        .bind(late_id)
        .execute(&pool)
        .await
        .unwrap();
    let store = &s.server.as_ref().unwrap().store;
    let purged = store.purge_unconfirmed(&undersigned_server::clock::days_ago(7)).await.unwrap();
    assert_eq!(purged, 1);
    let emails: Vec<String> =
        s.admin_signers().await.iter().map(|r| r["email"].as_str().unwrap().to_string()).collect();
    assert_eq!(emails, ["keep@example.org"], "the unconfirmed signature is gone, the confirmed one stays");
    pool.close().await;
    s.stop().await;
});

/// Runs the receiver binary on `db` (a process that can be killed), mailing to `smtp_url`.
fn spawn_receiver(db: &TestDb, port: u16, smtp_url: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["serve", "--database-url", &db.url, "--listen", &format!("127.0.0.1:{port}")])
        .args(["--rate-limit-per-minute", "0", "--admin-token", TOKEN, "--smtp-url", smtp_url])
        .env("UNDERSIGNED_SMTP_PASSWORD", SMTP_PASSWORD)
        .env("UNDERSIGNED_DATA_DIR", std::env::temp_dir())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the receiver starts")
}

/// Waits until the receiver on `port` answers `/healthz`.
async fn wait_until_up(http: &reqwest::Client, port: u16) {
    for _ in 0..200 {
        if http.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the receiver did not come up on port {port}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

both_backends!(a_signature_acknowledged_before_a_sigkill_gets_its_mail_after_the_restart, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = SmtpSink::start();
    let http = reqwest::Client::new();
    // First life: the SMTP server is unreachable (a closed port), so the mail stays queued.
    let port = free_port();
    let mut first = spawn_receiver(&db, port, &format!("smtp://user@127.0.0.1:{}", free_port()));
    wait_until_up(&http, port).await;
    let base = format!("http://127.0.0.1:{port}");
    let res = http
        .post(format!("{base}/api/admin/campaigns"))
        .bearer_auth(TOKEN)
        .body(campaign_source())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = http
        .post(format!("{base}/api/campaigns/{CAMPAIGN}/signatures"))
        .json(&individual("crash@example.org", &uuid(1)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202, "acknowledged");
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    // Second life, with the SMTP server: the queued mail goes out.
    let port = free_port();
    let mut second = spawn_receiver(&db, port, &sink.url());
    let mail = sink.mail_to("crash@example.org").await;
    assert!(mail.text.contains("/signatures/confirm?t="), "{}", mail.text);
    second.kill().unwrap();
    second.wait().unwrap();
});
