//! Graceful stop under a request in flight, against SQLite and PostgreSQL: a visitor whose
//! signature is on its way when the receiver is told to stop (a deploy, a SIGTERM) still gets it
//! stored and answered; only new connections are turned away.

mod support;

use std::time::{Duration, Instant};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(10);

/// Reads from `stream` until `done` holds for what has arrived (or the stream ends).
async fn read_until(stream: &mut TcpStream, received: &mut Vec<u8>, done: impl Fn(&[u8]) -> bool) {
    let mut buf = [0u8; 4096];
    while !done(received) {
        let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
            .await
            .expect("the receiver answers in time")
            .expect("readable");
        if n == 0 {
            return;
        }
        received.extend_from_slice(&buf[..n]);
    }
}

both_backends!(a_signature_in_flight_when_stop_begins_is_stored_and_answered, |backend| async move {
    let db = TestDb::new(backend).await;
    let s = TestServer::new(&db).await;
    let address = s.url("").trim_start_matches("http://").to_string();
    let body = serde_json::to_vec(&individual("in-flight@example.org", &uuid(42))).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);

    // Headers and half the body. `Expect: 100-continue` makes the receiver say when its handler
    // starts reading the body: from then on the request is in flight.
    let mut visitor = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/campaigns/{CAMPAIGN}/signatures HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    );
    visitor.write_all(head.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    read_until(&mut visitor, &mut received, |r| r.windows(4).any(|w| w == b"\r\n\r\n")).await;
    assert!(received.starts_with(b"HTTP/1.1 100 Continue"), "{}", String::from_utf8_lossy(&received));
    visitor.write_all(first).await.unwrap();

    // Stop, and wait until the receiver turns new connections away: the stop has begun.
    let stopping = tokio::spawn(s.stop());
    let deadline = Instant::now() + WAIT;
    while TcpStream::connect(&address).await.is_ok() {
        assert!(Instant::now() < deadline, "the receiver still accepts connections after being told to stop");
        tokio::task::yield_now().await;
    }

    // The stop waits for the request (a process that exits when `stop` returns must not cut it).
    tokio::task::yield_now().await;
    assert!(!stopping.is_finished(), "the stop returned while a signature was still in flight");

    // The rest of the body: the signature is stored and answered, then the stop completes.
    visitor.write_all(rest).await.unwrap();
    received.clear();
    read_until(&mut visitor, &mut received, |_| false).await;
    let answer = String::from_utf8_lossy(&received);
    assert!(answer.starts_with("HTTP/1.1 201"), "the in-flight signature is answered 201: {answer}");
    tokio::time::timeout(WAIT, stopping).await.expect("the stop completes once the request is answered").unwrap();

    let again = TestServer::start(test_config(&db)).await;
    let signers = again.admin_signers().await;
    let stored: Vec<_> = signers.iter().filter(|s| s["email"] == "in-flight@example.org").collect();
    assert_eq!(stored.len(), 1, "stored exactly once: {signers:?}");
    again.stop().await;
});
