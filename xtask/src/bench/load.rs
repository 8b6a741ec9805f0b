//! A small HTTP/1.1 load generator (hyper's client on tokio, from crates.io): `connections`
//! keep-alive connections, each sending unique signatures one after the other (a closed loop) and
//! recording every answer's latency, until a deadline or until the server goes away.

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use undersigned_core::signature::{uuid_v7, SignatureSubmission};

/// One signature as the load generator sends it.
#[derive(Debug, Clone)]
pub struct Signer {
    pub email: String,
    body: Bytes,
}

impl Signer {
    /// A unique, valid individual signature: `run` separates runs, `connection` and `seq` requests.
    pub fn new(campaign: &str, run: u64, connection: u64, seq: u64) -> Signer {
        let email = format!("bench-{run:x}-{connection}-{seq}@load.example");
        // A key as the widget makes it (core's version 7 UUID: the time, then random bytes). Its
        // last six bytes, the connection and the sequence number, make it unique within a run;
        // the run fills the bytes before them, less the version and variant bits set over it.
        let mut unique = [0u8; 16];
        unique[6..10].copy_from_slice(&(run as u32).to_be_bytes());
        unique[10..12].copy_from_slice(&(connection as u16).to_be_bytes());
        unique[12..16].copy_from_slice(&(seq as u32).to_be_bytes());
        let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis();
        let key = uuid_v7(now_ms as u64, unique);
        let submission = SignatureSubmission {
            kind: "individual".into(),
            name: format!("Load Test {connection}-{seq}"),
            title: "Benchmark signer".into(),
            email: email.clone(),
            idempotency_key: key,
            // Well above any minimum fill time: these are not judged as spam.
            fill_ms: Some(60_000),
            campaign: campaign.into(),
            ..SignatureSubmission::default()
        };
        let body = serde_json::to_vec(&submission).expect("a submission serializes");
        Signer { email, body: Bytes::from(body) }
    }
}

/// What one connection saw.
#[derive(Debug, Default)]
pub struct ConnectionLog {
    /// Latencies of the 2xx answers, in microseconds.
    pub acknowledged_micros: Vec<u64>,
    /// Emails of the signatures answered with a 2xx.
    pub acknowledged_emails: Vec<String>,
    /// Answers that were not 2xx, by status code.
    pub rejected: Vec<u16>,
    /// The connection failed (refused, reset, closed): the server is gone, or overwhelmed.
    pub transport_error: Option<String>,
    /// Requests sent whose answer never came (at most one per connection: the loop is closed).
    pub unanswered: u64,
}

/// A load run's parameters.
pub struct Load<'a> {
    pub address: SocketAddr,
    pub campaign: &'a str,
    pub connections: u64,
    pub duration: Duration,
    pub run: u64,
}

/// Runs the load; returns one log per connection.
pub async fn run(load: &Load<'_>) -> Vec<ConnectionLog> {
    let deadline = Instant::now() + load.duration;
    let path = format!("/api/campaigns/{}/signatures", load.campaign);
    let tasks: Vec<_> = (0..load.connections)
        .map(|connection| {
            let path = path.clone();
            let (address, campaign, run) = (load.address, load.campaign.to_string(), load.run);
            tokio::spawn(async move { connection_loop(address, &path, &campaign, run, connection, deadline).await })
        })
        .collect();
    let mut logs = Vec::new();
    for task in tasks {
        logs.push(task.await.unwrap_or_else(|e| ConnectionLog {
            transport_error: Some(format!("the load task failed: {e}")),
            ..ConnectionLog::default()
        }));
    }
    logs
}

async fn connection_loop(
    address: SocketAddr,
    path: &str,
    campaign: &str,
    run: u64,
    connection: u64,
    deadline: Instant,
) -> ConnectionLog {
    let mut log = ConnectionLog::default();
    let mut sender = match connect(address).await {
        Ok(s) => s,
        Err(e) => {
            log.transport_error = Some(format!("{e:#}"));
            return log;
        }
    };
    let mut seq = 0;
    while Instant::now() < deadline {
        let signer = Signer::new(campaign, run, connection, seq);
        seq += 1;
        let request = Request::post(path)
            .header(hyper::header::HOST, address.to_string())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(signer.body.clone()))
            .expect("a request from valid parts");
        if let Err(e) = sender.ready().await {
            // Closed between two requests: nothing was sent on it.
            log.transport_error = Some(e.to_string());
            break;
        }
        let started = Instant::now();
        let answer = async {
            let response = sender.send_request(request).await?;
            let status = response.status();
            response.into_body().collect().await?;
            Ok::<_, hyper::Error>(status)
        }
        .await;
        match answer {
            Ok(status) if status.is_success() => {
                log.acknowledged_micros.push(started.elapsed().as_micros() as u64);
                log.acknowledged_emails.push(signer.email);
            }
            Ok(status) => log.rejected.push(status.as_u16()),
            Err(e) => {
                log.unanswered += 1;
                log.transport_error = Some(e.to_string());
                break;
            }
        }
    }
    log
}

async fn connect(address: SocketAddr) -> anyhow::Result<http1::SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(address).await.with_context(|| format!("cannot connect to {address}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // The connection ends when the server goes away; the request loop reports that.
        let _ = connection.await;
    });
    Ok(sender)
}

/// `GET path` on a fresh connection: the status, or None when nothing answers.
pub async fn get_status(address: SocketAddr, path: &str) -> Option<u16> {
    let mut sender = connect(address).await.ok()?;
    let request =
        Request::get(path).header(hyper::header::HOST, address.to_string()).body(Full::new(Bytes::new())).ok()?;
    let response = sender.send_request(request).await.ok()?;
    Some(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;
    use undersigned_core::signature::{is_uuid, validate};

    #[test]
    fn load_signatures_are_valid_and_unique() {
        let a = Signer::new("dhs-paragon", 0x1234_5678_9abc, 3, 4097);
        let b = Signer::new("dhs-paragon", 0x1234_5678_9abc, 3, 4098);
        assert_ne!(a.email, b.email);
        for signer in [&a, &b] {
            let submission: SignatureSubmission = serde_json::from_slice(&signer.body).unwrap();
            assert!(is_uuid(&submission.idempotency_key), "{}", submission.idempotency_key);
            assert!(validate(&submission, |text| text.to_string()).is_ok(), "{submission:?}");
        }
    }
}
