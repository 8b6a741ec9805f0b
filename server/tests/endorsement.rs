//! The request to endorse the letter's new text, over real HTTP against SQLite and PostgreSQL,
//! with mail delivered over a real SMTP conversation (support/smtp.rs): an organizer's request
//! mails each confirmed signer of an earlier revision (and nobody else), the link's page changes
//! nothing on a GET, its button moves the signature to the current revision, once, for 7 days;
//! its pages name nobody.

mod support;

use std::time::Duration;
use support::smtp::*;
use support::*;

fn person(name: &str, email: &str, key: &str) -> serde_json::Value {
    let mut body = individual(email, key);
    body["name"] = name.into();
    body
}

/// Signs as `name` and confirms through the mailed link.
async fn sign_and_confirm(s: &TestServer, sink: &mut SmtpSink, name: &str, email: &str, key: u32) {
    assert_eq!(s.sign(person(name, email, &uuid(key))).await.0, 202);
    let mail = sink.mail_to(email).await;
    assert_eq!(s.press_link(&mail.confirm_link()).await.0, 200);
}

/// `POST /api/admin/campaigns/{id}/endorsement-requests`: how many mails were queued.
async fn request_endorsement(s: &TestServer) -> u64 {
    let res =
        s.admin(reqwest::Method::POST, &format!("/campaigns/{CAMPAIGN}/endorsement-requests")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json::<serde_json::Value>().await.unwrap()["queued"].as_u64().expect("a count")
}

/// The revision each stored signer endorsed, by address.
async fn revisions_by_email(s: &TestServer) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = s
        .admin_signers()
        .await
        .iter()
        .map(|r| (r["email"].as_str().unwrap().to_string(), r["revision"].as_u64().unwrap()))
        .collect();
    rows.sort();
    rows
}

/// The public list of individuals: (name, earlier_revision).
async fn listed(s: &TestServer) -> Vec<(String, Option<u64>)> {
    let res = s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}/signers?kind=individual"))).send().await.unwrap();
    let page: serde_json::Value = res.json().await.unwrap();
    page["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_string(), e["earlier_revision"].as_u64()))
        .collect()
}

/// The endorse link of a mail.
fn endorse_link(mail: &ReceivedMail) -> String {
    mail.link("/signatures/endorse").unwrap_or_else(|| panic!("no endorse link in: {}", mail.text))
}

both_backends!(
    a_request_mails_only_confirmed_signers_of_an_earlier_text_and_moves_them_on_post,
    |backend| async move {
        let db = TestDb::new(backend).await;
        let mut sink = SmtpSink::start();
        let s = TestServer::confirming_through(&db, &sink).await;
        let id_of = |rows: &[serde_json::Value], email: &str| {
            rows.iter().find(|r| r["email"] == email).expect("a stored signer")["id"].as_i64().unwrap()
        };
        // Revision 1: Ana confirms; Cy never confirms; Dee is rejected; Eve is erased by an
        // organizer; Fay withdraws through her mail's link.
        sign_and_confirm(&s, &mut sink, "Ana Early", "ana@example.org", 1).await;
        assert_eq!(s.sign(person("Cy Unconfirmed", "cy@example.org", &uuid(2))).await.0, 202);
        sink.mail_to("cy@example.org").await;
        sign_and_confirm(&s, &mut sink, "Dee Rejected", "dee@example.org", 3).await;
        sign_and_confirm(&s, &mut sink, "Eve Erased", "eve@example.org", 4).await;
        assert_eq!(s.sign(person("Fay Withdrawn", "fay@example.org", &uuid(5))).await.0, 202);
        let fay_mail = sink.mail_to("fay@example.org").await;
        assert_eq!(s.press_link(&fay_mail.confirm_link()).await.0, 200);
        let rows = s.admin_signers().await;
        let dee = format!("/campaigns/{CAMPAIGN}/signers/{}", id_of(&rows, "dee@example.org"));
        assert_eq!(s.admin(reqwest::Method::POST, &format!("{dee}/reject")).send().await.unwrap().status(), 200);
        let eve = format!("/campaigns/{CAMPAIGN}/signers/{}", id_of(&rows, "eve@example.org"));
        assert!(s.admin(reqwest::Method::DELETE, &eve).send().await.unwrap().status().is_success());
        assert_eq!(s.press_link(&fay_mail.withdraw_link()).await.0, 200);
        // Nothing to ask while the text has not changed.
        assert_eq!(request_endorsement(&s).await, 0);

        // Revision 2; Gus signs it.
        s.import_campaign(&reworded_campaign("We ask for all the records, without delay.")).await;
        sign_and_confirm(&s, &mut sink, "Gus Current", "gus@example.org", 6).await;
        assert_eq!(
            revisions_by_email(&s).await,
            [
                ("ana@example.org".into(), 1),
                ("cy@example.org".into(), 1),
                ("dee@example.org".into(), 1),
                ("gus@example.org".into(), 2)
            ]
        );

        // One mail: to Ana, the one confirmed, kept signer of the earlier text.
        assert_eq!(request_endorsement(&s).await, 1);
        let mail = sink.mail_to("ana@example.org").await;
        assert_eq!(mail.subject, "The text of “A Test Letter” changed: do you endorse the new version?", "{mail:?}");
        assert!(mail.text.contains("Your signature stays with the text you signed unless you do."), "{}", mail.text);
        assert!(mail.text.contains(&format!("/campaigns/{CAMPAIGN}/revisions/2")), "what changed: {}", mail.text);
        assert!(mail.link("/signatures/confirm").is_none(), "nothing to confirm: {}", mail.text);
        let link = endorse_link(&mail);
        // Mail goes out in queue order: had anyone else been mailed, theirs would be next before this.
        assert_eq!(s.sign(person("Hal Marker", "hal@example.org", &uuid(7))).await.0, 202);
        assert_eq!(sink.next_mail(Duration::from_secs(20)).await.to, "hal@example.org", "no other request was sent");
        let before = revisions_by_email(&s).await;

        // A GET (a mail scanner, a preview) shows the button and a way to see the changes, and moves
        // nothing; the page names nobody.
        for _ in 0..2 {
            let (status, page) = s.open_link(&link).await;
            assert_eq!(status, 200, "{page}");
            assert!(page.contains("<form method=\"post\" action=\"/signatures/endorse\">"), "{page}");
            assert!(page.contains(&format!("href=\"/campaigns/{CAMPAIGN}/revisions/2\"")), "{page}");
            assert!(!page.contains("ana@example.org") && !page.contains("Ana Early"), "{page}");
        }
        assert_eq!(revisions_by_email(&s).await, before, "a GET moves nothing");
        assert_eq!(listed(&s).await, [("Ana Early".into(), Some(1)), ("Gus Current".into(), None)]);

        // The button moves Ana's signature to the current text.
        let (status, page) = s.press_link(&link).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("You endorsed the new text"), "{page}");
        assert!(!page.contains("ana@example.org") && !page.contains("Ana Early"), "{page}");
        let after = revisions_by_email(&s).await;
        assert_eq!(after[0], ("ana@example.org".into(), 2));
        assert_eq!(after[1..], before[1..], "nobody else moved");
        assert_eq!(listed(&s).await, [("Ana Early".into(), None), ("Gus Current".into(), None)]);

        // Single use; and a used link answers exactly as one never made (the answer reveals nothing).
        let used = s.press_link(&link).await;
        assert_eq!(used.0, 410);
        assert_eq!(used, s.press_link(&format!("{}/signatures/endorse?t=00", s.base)).await);
        assert_eq!(s.open_link(&link).await, s.open_link(&format!("{}/signatures/endorse?t=00", s.base)).await);
        assert_eq!(s.open_link(&link).await.0, 404);
        // Ana now endorses the current text: a new request mails nobody.
        assert_eq!(request_endorsement(&s).await, 0);
        s.stop().await;
    }
);

both_backends!(an_endorse_link_works_for_seven_days_and_then_moves_nothing, |backend| async move {
    let db = TestDb::new(backend).await;
    let mut sink = SmtpSink::start();
    let s = TestServer::confirming_through(&db, &sink).await;
    sign_and_confirm(&s, &mut sink, "Ana Early", "ana@example.org", 1).await;
    s.import_campaign(&reworded_campaign("We ask for all the records, without delay.")).await;
    // The request through the command line, as an operator without the back office would.
    let printed = admin_cli(&db, &["request-endorsement", CAMPAIGN]);
    assert!(printed.contains("queued 1 request"), "{printed}");
    // The running receiver's sender finds it in the queue (it looks every second).
    let link = endorse_link(&sink.mail_to("ana@example.org").await);
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let expires: String = sqlx::query_scalar("SELECT expires_at FROM signer_links WHERE purpose = 'endorse'")
        .fetch_one(&pool)
        .await
        .unwrap();
    use undersigned_server::clock;
    assert!(expires > clock::days_from_now(6) && expires <= clock::days_from_now(7), "expires at {expires}");
    // Eight days pass.
    sqlx::query("UPDATE signer_links SET expires_at = $1 WHERE purpose = 'endorse'")
        .bind("2000-01-01T00:00:00.000Z")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(s.open_link(&link).await.0, 404, "an expired link shows that it does not work");
    assert_eq!(s.press_link(&link).await.0, 410, "and does nothing");
    assert_eq!(revisions_by_email(&s).await, [("ana@example.org".into(), 1)]);
    let audit = s
        .server
        .as_ref()
        .unwrap()
        .store
        .audit_entries(&undersigned_server::store::AuditFilter { campaign: CAMPAIGN.into(), ..Default::default() }, 10)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.actor == "cli" && e.action == "signers.endorsement_requested" && e.detail == "1 mail(s)"),
        "{audit:?}"
    );
    pool.close().await;
    s.stop().await;
});
