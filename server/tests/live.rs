//! Demand status over real HTTP, against SQLite and PostgreSQL: the status feed with ETag, the
//! history, Server-Sent Events with resume, and two receivers on one PostgreSQL.

mod support;

use std::time::Duration;
use support::*;
use undersigned_core::api_error::ErrorCode;

const WAIT: Duration = Duration::from_secs(10);

async fn set_status(s: &TestServer, demand: &str, body: serde_json::Value) -> reqwest::Response {
    s.admin(reqwest::Method::PUT, &format!("/campaigns/{CAMPAIGN}/demands/{demand}/status"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

both_backends!(status_feed_has_campaign_defaults_changes_and_an_etag, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let url = s.url(&format!("/api/campaigns/{CAMPAIGN}/status"));
    let res = s.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let feed: undersigned_core::feed::StatusFeed = res.json().await.unwrap();
    assert_eq!(feed.validate(), Ok(()));
    let ids: Vec<&str> = feed.demands.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["contract", "spyware", "eo-review", "risk-assessment"]);
    assert_eq!(feed.demands[2].status.as_str(), "partially_disclosed", "the campaign file's status");
    assert_eq!(feed.demands[2].note, "Released in part.");
    assert_eq!(feed.updated_at, None);

    let unchanged = s.http.get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(unchanged.status(), 304);

    let res = set_status(
        &s,
        "contract",
        serde_json::json!({
            "status": "disclosed", "note": "Published in full.",
            "evidence": [{"url": "https://example.org/foia/1", "title": "FOIA response", "date": "2026-11-20"}],
        }),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = s.http.get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(res.status(), 200, "a change gives a new ETag");
    let feed: undersigned_core::feed::StatusFeed = res.json().await.unwrap();
    assert_eq!(feed.demands[0].status.as_str(), "disclosed");
    assert_eq!(feed.demands[0].evidence[0].date, "2026-11-20");
    assert!(feed.updated_at.is_some() && feed.updated_at == feed.demands[0].updated_at);

    // Mistakes: unknown demand, bad evidence date, bad JSON.
    let res = set_status(&s, "no-such-demand", serde_json::json!({"status": "refused"})).await;
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], ErrorCode::UnknownDemand.as_str());
    let res = set_status(
        &s,
        "contract",
        serde_json::json!({"status": "refused", "evidence": [{"url": "https://e.org", "date": "20 Nov"}]}),
    )
    .await;
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (body["code"].as_str(), body["fields"][0]["field"].as_str()),
        (Some(ErrorCode::ValidationFailed.as_str()), Some("evidence[0].date"))
    );
    let res = set_status(&s, "contract", serde_json::json!({"status": "done"})).await;
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], ErrorCode::MalformedBody.as_str());

    set_status(&s, "contract", serde_json::json!({"status": "refused", "note": "Withdrawn."})).await;
    let res =
        s.admin(reqwest::Method::GET, &format!("/campaigns/{CAMPAIGN}/demands/contract/history")).send().await.unwrap();
    let history: serde_json::Value = res.json().await.unwrap();
    let statuses: Vec<&str> =
        history["history"].as_array().unwrap().iter().map(|h| h["demand"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["disclosed", "refused"], "history keeps every change");
    s.stop().await;
});

both_backends!(an_sse_client_receives_status_changes_and_counts_and_resumes_without_duplicates, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let events = s.url(&format!("/api/campaigns/{CAMPAIGN}/events"));
    let mut client = SseClient::connect(&events, None).await;
    let feed = client.next(WAIT).await;
    assert_eq!(feed.event, "feed");
    assert_eq!(feed.json()["demands"].as_array().unwrap().len(), 4);
    let counts = client.next_named("signers", WAIT).await;
    assert_eq!(counts.json()["total"], 0);

    assert_eq!(
        set_status(&s, "risk-assessment", serde_json::json!({"status": "refused", "note": "Denied."})).await.status(),
        200
    );
    let change = client.next_named("demand", WAIT).await;
    assert_eq!(change.json()["id"], "risk-assessment");
    assert_eq!(change.json()["status"], "refused");
    let first_id: i64 = change.id.clone().expect("status events carry an id").parse().unwrap();

    assert_eq!(s.sign(individual("live@example.org", &uuid(1))).await.0, 201);
    let counts = client.next_named("signers", WAIT).await;
    assert_eq!(counts.json()["total"], 1);

    set_status(&s, "contract", serde_json::json!({"status": "disclosed"})).await;
    let second = client.next_named("demand", WAIT).await;
    let second_id: i64 = second.id.clone().unwrap().parse().unwrap();
    assert!(second_id > first_id, "ids increase");

    // A client that saw only the first change resumes: it gets the second, and not the first again.
    let mut resumed = SseClient::connect(&events, Some(&first_id.to_string())).await;
    let replay = resumed.next(WAIT).await;
    assert_eq!((replay.event.as_str(), replay.id.clone()), ("demand", Some(second_id.to_string())));
    assert_eq!(replay.json()["id"], "contract");
    let next = resumed.next(WAIT).await;
    assert_eq!(next.event, "signers", "after the replay, the counts; no duplicate change");
    s.stop().await;
});

both_backends!(graceful_stop_ends_open_streams, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let _client = SseClient::connect(&s.url(&format!("/api/campaigns/{CAMPAIGN}/events")), None).await;
    tokio::time::timeout(WAIT, s.stop()).await.expect("stop finishes although a stream is open");
});

/// Two receivers on one PostgreSQL: a change made through one reaches the streams of both. The
/// safety-net poll is an hour, so only LISTEN/NOTIFY can deliver it in time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_both_push_a_change() {
    let db = TestDb::new(Backend::Postgres).await;
    let one = TestServer::with(&db, |c| c.event_poll = Duration::from_secs(3600)).await;
    let mut config = test_config(&db);
    config.event_poll = Duration::from_secs(3600);
    let two = TestServer::start(config).await;
    let path = format!("/api/campaigns/{CAMPAIGN}/events");
    let mut on_one = SseClient::connect(&one.url(&path), None).await;
    let mut on_two = SseClient::connect(&two.url(&path), None).await;
    assert_eq!(on_one.next(WAIT).await.event, "feed");
    assert_eq!(on_two.next(WAIT).await.event, "feed");
    let res = set_status(&one, "eo-review", serde_json::json!({"status": "disclosed", "note": "All released."})).await;
    assert_eq!(res.status(), 200);
    for client in [&mut on_one, &mut on_two] {
        let change = client.next_named("demand", WAIT).await;
        assert_eq!(
            (change.json()["id"].as_str(), change.json()["status"].as_str()),
            (Some("eo-review"), Some("disclosed"))
        );
    }
    one.stop().await;
    two.stop().await;
}

both_backends!(the_admin_cli_works_on_the_database_and_running_receivers_follow, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let mut evil = individual("cli@example.org", &uuid(1));
    evil["name"] = "+SUM(1)".into();
    assert_eq!(s.sign(evil).await.0, 201);
    let mut client = SseClient::connect(&s.url(&format!("/api/campaigns/{CAMPAIGN}/events")), None).await;
    assert_eq!(client.next(WAIT).await.event, "feed");

    let listed = admin_cli(&db, &["signers", CAMPAIGN]);
    let signer: serde_json::Value = serde_json::from_str(listed.lines().next().expect("one signer")).unwrap();
    assert_eq!(signer["email"], "cli@example.org");
    let csv = admin_cli(&db, &["export", CAMPAIGN]);
    assert!(csv.contains(",'+SUM(1),"), "{csv}");

    admin_cli(
        &db,
        &[
            "set-status",
            CAMPAIGN,
            "contract",
            "refused",
            "--note",
            "Denied.",
            "--evidence",
            "https://example.org/letter 2026-11-25 Denial letter",
        ],
    );
    let change = client.next_named("demand", WAIT).await;
    assert_eq!(change.json()["status"], "refused");
    assert_eq!(change.json()["evidence"][0]["title"], "Denial letter");

    let id = signer["id"].to_string();
    admin_cli(&db, &["erase", CAMPAIGN, &id]);
    assert_eq!(admin_cli(&db, &["signers", CAMPAIGN]), "");
    s.stop().await;
});
