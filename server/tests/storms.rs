//! The receiver under storms (issue 16), over real HTTP: the cap on open event streams, the
//! `retry:` spread, reads served from snapshots staying fresh, the timeouts for headers, bodies
//! and idle connections, the connection limit, event streams multiplexed over cleartext HTTP/2, the shutdown deadline, IPv6 clients counted by
//! their /64 behind a trusted proxy, and the rate limit shared by two instances on PostgreSQL.

mod support;

use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use undersigned_core::api_error::ErrorCode;
use undersigned_core::signature::answer::AnswerStatus;
use undersigned_server::http::rate_limit::RateLimit;

const WAIT: Duration = Duration::from_secs(10);

fn events_url(s: &TestServer) -> String {
    s.url(&format!("/api/campaigns/{CAMPAIGN}/events"))
}

fn address(s: &TestServer) -> std::net::SocketAddr {
    s.server.as_ref().expect("running").address
}

/// Reads until the server closes the connection; what it sent.
async fn read_to_close(socket: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let _ = socket.read_to_end(&mut received).await;
    String::from_utf8_lossy(&received).into_owned()
}

both_backends!(streams_above_the_cap_get_busy_with_a_spread_retry_after, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::with(&db, |c| c.max_streams = 2).await;
    let mut first = SseClient::connect(&events_url(&s), None).await;
    let mut second = SseClient::connect(&events_url(&s), None).await;
    first.next_named("feed", WAIT).await;
    second.next_named("feed", WAIT).await;
    let refused = reqwest::get(events_url(&s)).await.unwrap();
    assert_eq!(refused.status(), 503);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((5..=30).contains(&wait), "Retry-After {wait}");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::Busy.as_str());
    // The feed still answers: the widget reads it while its stream waits.
    assert_eq!(reqwest::get(s.url(&format!("/api/campaigns/{CAMPAIGN}/status"))).await.unwrap().status(), 200);
    // A closed stream frees its place.
    drop(first);
    let reopened = tokio::time::timeout(WAIT, async {
        loop {
            let res = reqwest::get(events_url(&s)).await.unwrap();
            if res.status() == 200 {
                return res;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("a place frees up when a stream closes");
    drop(reopened);
    s.stop().await;
});

both_backends!(a_stream_tells_its_client_a_spread_out_retry, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    let request =
        format!("GET /api/campaigns/{CAMPAIGN}/events HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(WAIT, async {
        while !seen.contains("event: feed") {
            let n = socket.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the stream closed early: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    })
    .await
    .expect("the feed event arrives");
    let retry: u64 =
        seen.lines().find_map(|l| l.strip_prefix("retry:")).expect("a retry: field").trim().parse().unwrap();
    let (min, spread) =
        (undersigned_server::http::public::RETRY_MIN_MS, undersigned_server::http::public::RETRY_SPREAD_MS);
    assert!((min..min + spread).contains(&retry), "retry {retry}");
    drop(socket);
    s.stop().await;
});

both_backends!(reads_from_snapshots_follow_every_change_at_once, |backend| async move {
    let db = TestDb::new(backend).await;
    // An hour's poll: only the changes' own signals may refresh the snapshots.
    let s = TestServer::with(&db, |c| c.event_poll = Duration::from_secs(3600)).await;
    let status_url = s.url(&format!("/api/campaigns/{CAMPAIGN}/status"));
    let first = reqwest::get(&status_url).await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let unchanged = s.http.get(&status_url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(unchanged.status(), 304);
    let demand = first.json::<serde_json::Value>().await.unwrap()["demands"][0]["id"].as_str().unwrap().to_string();
    let res = s
        .admin(reqwest::Method::PUT, &format!("/campaigns/{CAMPAIGN}/demands/{demand}/status"))
        .json(&serde_json::json!({"status": "disclosed", "note": "Released."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The admin answer came after the snapshots were marked stale: the next read has the change.
    let changed = s.http.get(&status_url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    let feed: serde_json::Value = changed.json().await.unwrap();
    assert_eq!(feed["demands"][0]["status"], "disclosed");
    // A signature is in the list and the letter page as soon as it is acknowledged.
    let signers_url = s.url(&format!("/api/campaigns/{CAMPAIGN}/signers?kind=individual"));
    let before: serde_json::Value = reqwest::get(&signers_url).await.unwrap().json().await.unwrap();
    assert_eq!(before["counts"]["total"], 0);
    let page_before = reqwest::get(s.url(&format!("/campaigns/{CAMPAIGN}"))).await.unwrap().text().await.unwrap();
    assert_eq!(s.sign(individual("snap@example.org", &uuid(1))).await.0, 201);
    let after: serde_json::Value = reqwest::get(&signers_url).await.unwrap().json().await.unwrap();
    assert_eq!(after["counts"]["total"], 1);
    assert_eq!(after["signers"][0]["name"], "Ana Example");
    let page_after = reqwest::get(s.url(&format!("/campaigns/{CAMPAIGN}"))).await.unwrap().text().await.unwrap();
    assert!(!page_before.contains("Ana Example") && page_after.contains("Ana Example"));
    // Each letter page carries its own idempotency key although the rendering is kept.
    let again = reqwest::get(s.url(&format!("/campaigns/{CAMPAIGN}"))).await.unwrap().text().await.unwrap();
    let key = |page: &str| undersigned_server::http::pages::form::key_in(page).expect("a key in the form");
    assert_ne!(key(&page_after), key(&again));
    // Settings apply to the next signature (the signing path reads them from the snapshot).
    s.set_settings(serde_json::json!({"moderation": "review"})).await;
    let (status, body) = s.sign(individual("held@example.org", &uuid(2))).await;
    assert_eq!((status, body["status"].as_str()), (201, Some(AnswerStatus::Pending.as_str())));
    s.stop().await;
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_must_arrive_in_time() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::with(&db, |c| c.limits.header_timeout = Duration::from_secs(1)).await;
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n").await.unwrap();
    // The rest of the headers never comes: the receiver closes the connection.
    tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("the receiver closes a slow client");
    // A kept-alive connection with nothing more to ask is closed too.
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let answer = tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("closed after the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::with(&db, |c| {
        c.limits.header_timeout = Duration::from_secs(1);
        c.limits.idle_timeout = Duration::from_secs(300);
    })
    .await;
    // Not a byte, so not even the protocol (HTTP/1.1 or HTTP/2) is known: closed after 1 s, not
    // after the idle timeout's five minutes.
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    let received = tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("a silent client is closed");
    assert_eq!(received, "");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_first_byte_comes_alone_is_still_http1() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::new(&db).await;
    // "P" could begin HTTP/2's preface ("PRI …") as well as "PUT": the receiver waits for more.
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    socket.write_all(b"P").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    socket.write_all(b"UT /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.unwrap();
    let answer = tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_carries_event_streams_reads_and_changes_on_one_connection() {
    let db = TestDb::new(Backend::Sqlite).await;
    // One connection allowed: everything below shares it, or waits forever.
    let mut s = TestServer::with(&db, |c| {
        c.limits.max_connections = Some(1);
        c.limits.header_timeout = Duration::from_secs(300);
    })
    .await;
    // Cleartext HTTP/2 with prior knowledge, as a proxy speaks it to its upstream. The setup's
    // HTTP/1.1 client leaves, and with it the connection it kept.
    s.http = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut stream = SseClient::connect_with(&s.http, &events_url(&s), None).await;
        stream.next_named("feed", WAIT).await;
        streams.push(stream);
    }
    let feed = s.http.get(s.url(&format!("/api/campaigns/{CAMPAIGN}/status"))).send().await.unwrap();
    assert_eq!((feed.status(), feed.version()), (reqwest::StatusCode::OK, reqwest::Version::HTTP_2));
    let changed = s
        .admin(reqwest::Method::PUT, &format!("/campaigns/{CAMPAIGN}/demands/contract/status"))
        .json(&serde_json::json!({"status": "disclosed", "note": "over HTTP/2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    for stream in &mut streams {
        let event = stream.next_named("demand", WAIT).await;
        assert!(event.data.contains("over HTTP/2"), "{}", event.data);
    }
    drop(streams);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_must_arrive_in_time() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::with(&db, |c| c.limits.body_timeout = Duration::from_secs(1)).await;
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    let head = format!(
        "POST /api/campaigns/{CAMPAIGN}/signatures HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{{\"kind\":"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let answer = tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("an answer, then the close");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    assert!(s.admin_signers().await.is_empty());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::with(&db, |c| {
        c.limits.idle_timeout = Duration::from_secs(1);
        c.limits.header_timeout = Duration::from_secs(300);
    })
    .await;
    // Connected, silent: neither the header timeout (five minutes) nor a request closes it; the
    // idle timeout does.
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    let received = tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("an idle connection is closed");
    assert_eq!(received, "");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_above_the_limit_wait_for_a_free_place() {
    let db = TestDb::new(Backend::Sqlite).await;
    let mut s = TestServer::with(&db, |c| {
        c.limits.max_connections = Some(2);
        c.limits.header_timeout = Duration::from_secs(300);
    })
    .await;
    // The setup's kept-alive connection goes: the two places are the test's.
    s.http = reqwest::Client::new();
    let health = format!("{}/healthz", s.base);
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut socket = TcpStream::connect(address(&s)).await.unwrap();
        socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
        let mut buffer = [0u8; 512];
        let n = tokio::time::timeout(WAIT, socket.read(&mut buffer)).await.expect("answered").unwrap();
        assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
        held.push(socket);
    }
    // Both places are taken by kept-alive connections: a third client is not served…
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let waiting = client.get(&health).timeout(Duration::from_millis(700)).send().await;
    assert!(waiting.is_err(), "a third connection was served: {waiting:?}");
    // …until one of them leaves.
    held.pop();
    let served = tokio::time::timeout(WAIT, client.get(&health).send()).await.expect("served in time").unwrap();
    assert_eq!(served.status(), 200);
    drop(held);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_what_is_still_open_after_its_deadline() {
    let db = TestDb::new(Backend::Sqlite).await;
    let s = TestServer::with(&db, |c| {
        c.limits.shutdown_grace = Duration::from_secs(1);
        c.limits.body_timeout = Duration::from_secs(600);
        c.limits.idle_timeout = Duration::from_secs(600);
    })
    .await;
    // A request in flight that will never finish: its body never comes.
    let mut socket = TcpStream::connect(address(&s)).await.unwrap();
    let head = format!(
        "POST /api/campaigns/{CAMPAIGN}/signatures HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // The request reaches the handler before the stop (it waits for the body).
    tokio::time::sleep(Duration::from_millis(200)).await;
    tokio::time::timeout(WAIT, s.stop()).await.expect("the shutdown deadline closes the stalled request");
    let received = tokio::time::timeout(WAIT, read_to_close(&mut socket)).await.expect("the connection is closed");
    assert!(!received.contains("201"), "{received}");
}

both_backends!(ipv6_clients_behind_a_trusted_proxy_are_counted_by_their_64, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::with(&db, |c| {
        c.rate_limit = RateLimit { per_minute: 1, burst: 1 };
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let sign_from = |from: &'static str, n: u32| {
        let request = s
            .http
            .post(s.sign_url())
            .header("x-forwarded-for", format!("198.51.100.77, {from}"))
            .json(&individual(&format!("v6-{n}@example.org"), &uuid(n)));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(sign_from("2001:db8:aa:1::1", 1).await, 201);
    // Another address of the same /64: the same client.
    assert_eq!(sign_from("2001:db8:aa:1:ffff::9", 2).await, 429);
    // The neighbouring /64: another client.
    assert_eq!(sign_from("2001:db8:aa:2::1", 3).await, 201);
    // An untrusted peer's X-Forwarded-For is not believed: the loopback peer is the client.
    s.stop().await;
    let s = TestServer::with(&db, |c| c.rate_limit = RateLimit { per_minute: 1, burst: 1 }).await;
    let send = |from: &str, n: u32| {
        s.http
            .post(s.sign_url())
            .header("x-forwarded-for", from.to_string())
            .json(&individual(&format!("peer-{n}@example.org"), &uuid(100 + n)))
            .send()
    };
    assert_eq!(send("2001:db8:bb:1::1", 1).await.unwrap().status(), 201);
    assert_eq!(send("2001:db8:cc:1::1", 2).await.unwrap().status(), 429);
    s.stop().await;
});

/// Two receivers on one PostgreSQL share each client's budget: a client cannot double its rate by
/// alternating between the instances behind a load balancer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_across_instances_on_postgres() {
    let db = TestDb::new(Backend::Postgres).await;
    let limit = |c: &mut undersigned_server::config::ServerConfig| c.rate_limit = RateLimit { per_minute: 1, burst: 2 };
    let a = TestServer::with(&db, limit).await;
    let b = TestServer::with(&db, limit).await;
    assert_eq!(a.sign(individual("pg-1@example.org", &uuid(1))).await.0, 201);
    assert_eq!(b.sign(individual("pg-2@example.org", &uuid(2))).await.0, 201);
    let (status, body) = a.sign(individual("pg-3@example.org", &uuid(3))).await;
    assert_eq!((status, body["code"].as_str()), (429, Some(ErrorCode::RateLimited.as_str())));
    assert_eq!(b.sign(individual("pg-4@example.org", &uuid(4))).await.0, 429);
    a.stop().await;
    b.stop().await;
}
