//! The receiver under storms (issue 16): the same loads against the receiver of the commit before
//! that work ("before", built in this run from a `git worktree` of that commit) and against this
//! one ("after"), one after the other on the same machine, so that their ratio means something
//! even when other work loads the CPUs (the 1-minute load average is recorded with every figure).
//!
//! For each binary, on a fresh SQLite file:
//! 1. signatures alone ([`CONNECTIONS`] connections, [`SECONDS`] s);
//! 2. signatures while as many connections read `/status` (the read flood), and those reads;
//!    then signatures alone again; [`FLOOD_ROUNDS`] times. The figures are the medians: this
//!    machine's speed drifts by a quarter from one run to the next, and a single 5-second run
//!    said more about that than about the receiver. The flood's median is compared with the
//!    median of the alone runs, and both show their range;
//! 3. `/status` reads alone; 4. letter pages (`/campaigns/{id}`) alone;
//! 5. a reconnect storm against a fresh receiver process on the same file, as after a restart:
//!    [`STREAMS`] event streams opened at once, the time
//!    until every one has its first `feed`, the receiver's memory per stream (resident set before
//!    and after), then a status change through the admin API: how long the change took to be
//!    accepted, and when each stream got it (p99, max). Over HTTP/1.1 each stream is a connection,
//!    so the open-files limit bounds the storm; for this commit the storm runs again over HTTP/2,
//!    [`STREAMS`] streams on [`HTTP2_CONNECTIONS`] connections, against a fresh receiver process.
//!
//! Then, for this commit only, signatures per second of two instances on one throwaway PostgreSQL
//! against one instance (same connections in total).
//!
//! The load generator holds one descriptor per stream as the receiver does; this machine's hard
//! limit on open files is 20,000 per process, so the bench raises it (it runs as root here; a
//! receiver inherits the limits of the process that starts it).

use super::load::{self, Load};
use super::section::bytes;
use super::tti::Spread;
use crate::exec::{self, cargo};
use anyhow::{bail, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CAMPAIGN: &str = super::receiver::CAMPAIGN;
const CAMPAIGN_FILE: &str = super::receiver::CAMPAIGN_FILE;
const CONNECTIONS: u64 = 64;
const SECONDS: u64 = 5;
/// The issue's goal for signatures alone, per second. Its goal during a read flood is "at least
/// 80 % of that": the bench gives the flood's rate as a share of this goal and of the run's own
/// rate alone, the two ways the sentence can be read.
const SIGNATURES_GOAL: f64 = 10_000.0;
/// Read floods per binary, each followed by a run of signatures alone (one more comes first).
const FLOOD_ROUNDS: usize = 5;
pub const STREAMS: usize = 20_000;
const STREAMS_OPEN_WITHIN: Duration = Duration::from_secs(60);
/// Connections of the storm over HTTP/2, [`STREAMS`] streams among them (as a proxy speaking
/// HTTP/2 to the receiver would carry them; 200 each, the receiver's most per connection).
const HTTP2_CONNECTIONS: usize = 100;
const DELIVERED_WITHIN: Duration = Duration::from_secs(30);
const TOKEN: &str = "bench-admin-token-0123456789";
/// The first line of the commit that began issue 16's work: "before" is its parent.
const WORK_BEGAN: &str = "receiver under storms (issue 16), first slice";

/// The figures, measured when it was filed (64 connections, `--profile server`, SQLite).
pub const RECORDED: &[(&str, &str)] = &[
    ("signatures alone, 64 connections", "about 6,100/s durable, p99 20 ms"),
    ("signatures while 64 connections read /status", "about 975/s (−84 %); the reads about 6,400/s"),
    ("the no-JavaScript letter page", "about 480 pages/s"),
    ("2,000 streams open, then a status change", "accepted at once, delivered p99 90 ms"),
    ("9,000 streams opening at once, then a status change", "accepted after 13 s; delivered after 13.7 s"),
    ("memory per open stream", "about 68 KB"),
];

/// The receiver of the commit before issue 16, built into `target/bench/before/`: (commit, binary).
pub fn build_before(root: &Path, current: &Path) -> anyhow::Result<(String, PathBuf)> {
    let began = exec::output(Command::new("git").current_dir(root).args([
        "log",
        "--format=%H",
        "-1",
        "--fixed-strings",
        &format!("--grep={WORK_BEGAN}"),
    ]))
    .context("git log")?;
    let began = began.trim();
    if began.is_empty() {
        bail!("no commit starting with `{WORK_BEGAN}` in this history: nothing to compare with");
    }
    let commit = exec::output(Command::new("git").current_dir(root).args(["rev-parse", &format!("{began}^")]))
        .context("git rev-parse")?
        .trim()
        .to_string();
    let out = root.join("target/bench/before");
    let source = out.join("source");
    if source.exists() {
        let _ = Command::new("git").current_dir(root).args(["worktree", "remove", "--force"]).arg(&source).status();
        let _ = std::fs::remove_dir_all(&source);
    }
    std::fs::create_dir_all(&out)?;
    exec::run(Command::new("git").current_dir(root).args(["worktree", "add", "--detach"]).arg(&source).arg(&commit))?;
    // The same target folder: the dependencies are already built; only the two crates of the
    // workspace that changed are compiled. The binary lands where this commit's does, so this
    // commit's is kept aside and put back.
    let kept = out.join("current-undersigned-server");
    std::fs::copy(current, &kept)?;
    let built = exec::run(
        cargo()
            .current_dir(&source)
            .args(["build", "--profile", super::receiver::PROFILE, "-p", "undersigned-server", "--target-dir"])
            .arg(root.join("target")),
    );
    let binary = out.join("undersigned-server");
    let copied = built.and_then(|()| Ok(std::fs::copy(current, &binary)?));
    std::fs::copy(&kept, current)?;
    let _ = Command::new("git").current_dir(root).args(["worktree", "remove", "--force"]).arg(&source).status();
    copied?;
    Ok((commit, binary))
}

/// A rate under load, with the machine's load when it was taken.
#[derive(Debug, Serialize, Clone)]
pub struct Rate {
    pub per_second: f64,
    pub p99_ms: f64,
    /// Answers that were not 2xx (or 304), and broken connections.
    pub errors: u64,
    pub load_average: f64,
}

#[derive(Debug, Serialize)]
pub struct StreamStorm {
    pub streams: usize,
    /// Streams that had their first event within [`STREAMS_OPEN_WITHIN`].
    pub opened: usize,
    /// From the first connection to the last first event.
    pub open_seconds: f64,
    /// The admin request that changed a status: from sending it to its answer.
    pub accepted_ms: f64,
    /// Streams that got the change within [`DELIVERED_WITHIN`].
    pub delivered: usize,
    pub delivery_p99_ms: f64,
    pub delivery_max_ms: f64,
    /// The receiver's resident memory with the streams open, less before, per stream.
    pub bytes_per_stream: f64,
    pub load_average: f64,
}

/// One read flood: signatures and `/status` reads at once.
#[derive(Debug, Serialize)]
pub struct Flood {
    pub signatures: Rate,
    pub reads: Rate,
}

/// Every figure of one receiver binary.
#[derive(Debug, Serialize)]
pub struct StormFigures {
    pub label: String,
    /// Signatures alone: before the first flood, then after each (the file grows meanwhile).
    pub signatures_alone: Vec<Rate>,
    pub floods: Vec<Flood>,
    pub status_reads: Rate,
    pub letter_pages: Rate,
    pub streams: Result<StreamStorm, String>,
    /// The storm over HTTP/2 (this commit only: the receiver before spoke HTTP/1.1 alone).
    pub streams_http2: Option<Result<StreamStorm, String>>,
}

#[derive(Debug, Serialize)]
pub struct TwoInstances {
    pub one: Rate,
    pub two: Rate,
}

#[derive(Debug, Serialize)]
pub struct StormsReport {
    pub before: Result<StormFigures, String>,
    pub after: StormFigures,
    pub two_instances: Result<TwoInstances, String>,
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Open files wanted by the load generator and by each receiver (they inherit this process's
/// limits): one descriptor per stream, plus the rest.
const OPEN_FILES: u64 = STREAMS as u64 + 8_192;
/// Descriptors kept for everything but the storm's streams (runtime, pipes, logs, the database).
const SPARE_FILES: u64 = 1_000;

/// The streams the storm opens: [`STREAMS`], or fewer when the open-files limit could not be
/// raised far enough (set once by [`run`]).
static STORM_STREAMS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

fn storm_streams() -> usize {
    *STORM_STREAMS.get().unwrap_or(&STREAMS)
}

/// Raises this process's limit on open files to [`OPEN_FILES`]: the hard limit too when allowed
/// (root, as here, where the hard limit is 20,000), else the soft one up to the hard one.
/// Returns the soft limit now in force.
fn raise_open_files_limit() -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        let wanted = OPEN_FILES.max(limit.rlim_cur);
        let both = libc::rlimit { rlim_cur: wanted, rlim_max: wanted.max(limit.rlim_max) };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &both) == 0 {
            return wanted;
        }
        let soft = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &soft) == 0 {
            limit.rlim_cur = limit.rlim_max;
        }
    }
    limit.rlim_cur
}

/// A receiver process for the storms.
struct Receiver {
    child: Child,
    address: SocketAddr,
}

impl Receiver {
    async fn start(root: &Path, server: &Path, dir: &Path, database_url: &str) -> anyhow::Result<Receiver> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let address: SocketAddr = ([127, 0, 0, 1], port).into();
        std::fs::create_dir_all(dir)?;
        let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("receiver.log"))?;
        let child = Command::new(server)
            .current_dir(root)
            .args(["serve", "--listen", &address.to_string(), "--database-url", database_url])
            .args(["--campaign", CAMPAIGN_FILE, "--rate-limit-per-minute", "0", "--admin-token", TOKEN, "--data-dir"])
            .arg(dir)
            // Ignored by a receiver that has no cap.
            .env("UNDERSIGNED_MAX_STREAMS", (STREAMS + 1000).to_string())
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", server.display()))?;
        let mut receiver = Receiver { child, address };
        let deadline = Instant::now() + Duration::from_secs(30);
        while load::get_status(address, "/healthz").await != Some(200) {
            if let Some(status) = receiver.child.try_wait()? {
                bail!("the receiver exited ({status}); see {}", dir.join("receiver.log").display());
            }
            if Instant::now() > deadline {
                bail!("the receiver did not answer /healthz within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(receiver)
    }

    fn resident_bytes(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines().find_map(|l| l.strip_prefix("VmRSS:")?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
            })
            .map_or(0, |kb| kb * 1024)
    }

    fn stop(mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn run_id() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
}

fn p99(micros: &mut [u64]) -> f64 {
    if micros.is_empty() {
        return f64::NAN;
    }
    micros.sort_unstable();
    micros[((0.99 * micros.len() as f64).ceil() as usize).clamp(1, micros.len()) - 1] as f64 / 1000.0
}

/// The 99th percentile (ms) of `population` streams of which only those in `sorted_micros` got the
/// change: infinite when more than 1 % never did.
fn p99_of(sorted_micros: &[u64], population: usize) -> f64 {
    let rank = ((0.99 * population as f64).ceil() as usize).max(1);
    sorted_micros.get(rank - 1).map_or(f64::INFINITY, |m| *m as f64 / 1000.0)
}

/// Signatures from `connections` connections for `seconds`.
async fn signatures(address: SocketAddr, connections: u64, seconds: u64) -> Rate {
    let load = Load { address, campaign: CAMPAIGN, connections, duration: Duration::from_secs(seconds), run: run_id() };
    let started = Instant::now();
    let logs = load::run(&load).await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut micros: Vec<u64> = logs.iter().flat_map(|l| l.acknowledged_micros.iter().copied()).collect();
    let errors = logs.iter().map(|l| l.rejected.len() as u64 + u64::from(l.transport_error.is_some())).sum();
    Rate { per_second: micros.len() as f64 / elapsed, p99_ms: p99(&mut micros), errors, load_average: load_average() }
}

/// GETs of `path` from `connections` keep-alive connections for `seconds`, closed loop.
async fn reads(address: SocketAddr, path: &str, connections: u64, seconds: u64) -> Rate {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let path = path.to_string();
            tokio::spawn(async move {
                let (mut micros, mut errors) = (Vec::new(), 0u64);
                let Ok(stream) = TcpStream::connect(address).await else { return (micros, 1) };
                let _ = stream.set_nodelay(true);
                let Ok((mut sender, connection)) = http1::handshake(TokioIo::new(stream)).await else {
                    return (micros, 1);
                };
                tokio::spawn(connection);
                while Instant::now() < deadline {
                    let request = Request::get(path.as_str())
                        .header(hyper::header::HOST, address.to_string())
                        .body(Full::new(Bytes::new()))
                        .expect("a request from valid parts");
                    if sender.ready().await.is_err() {
                        errors += 1;
                        break;
                    }
                    let at = Instant::now();
                    match sender.send_request(request).await {
                        Ok(response) => {
                            let ok = response.status().is_success();
                            if response.into_body().collect().await.is_err() || !ok {
                                errors += 1;
                            } else {
                                micros.push(at.elapsed().as_micros() as u64);
                            }
                        }
                        Err(_) => {
                            errors += 1;
                            break;
                        }
                    }
                }
                (micros, errors)
            })
        })
        .collect();
    let (mut micros, mut errors) = (Vec::new(), 0);
    for task in tasks {
        if let Ok((m, e)) = task.await {
            micros.extend(m);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Rate { per_second: micros.len() as f64 / elapsed, p99_ms: p99(&mut micros), errors, load_average: load_average() }
}

/// A request with a body to the admin API on a fresh connection: (status, body, milliseconds).
async fn admin(address: SocketAddr, method: &str, path: &str, body: &str) -> anyhow::Result<(u16, String, f64)> {
    let stream = TcpStream::connect(address).await?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, address.to_string())
        .header(hyper::header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))?;
    let at = Instant::now();
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned(), at.elapsed().as_secs_f64() * 1000.0))
}

/// What a stream of the storm reports: its first `feed` (on `opened`), then how long after the
/// change its `demand` event came (on `delivered`).
#[derive(Clone)]
struct Reports {
    opened: tokio::sync::mpsc::UnboundedSender<()>,
    delivered: tokio::sync::mpsc::UnboundedSender<Duration>,
    changed_at: Arc<tokio::sync::OnceCell<Instant>>,
}

/// Watches a stream's bytes for the `feed` and `demand` events, whatever the reads' boundaries.
struct Watch {
    seen: Vec<u8>,
    open: bool,
}

impl Watch {
    fn new() -> Watch {
        Watch { seen: Vec::with_capacity(512), open: false }
    }

    /// Takes a read; true once the stream got the change (and reported it).
    fn read(&mut self, bytes: &[u8], reports: &Reports) -> bool {
        self.seen.extend_from_slice(bytes);
        let text = String::from_utf8_lossy(&self.seen);
        if !self.open && text.contains("event: feed") {
            self.open = true;
            let _ = reports.opened.send(());
        }
        if self.open && text.contains("event: demand") {
            if let Some(at) = reports.changed_at.get() {
                let _ = reports.delivered.send(at.elapsed());
            }
            return true;
        }
        // Keep only the tail: the feed event is large and a marker may straddle two reads.
        if self.seen.len() > 64 {
            self.seen.drain(..self.seen.len() - 64);
        }
        false
    }
}

/// One stream of the storm over HTTP/1.1: a connection of its own.
async fn follow(address: SocketAddr, reports: Reports) -> Option<()> {
    let mut stream = TcpStream::connect(address).await.ok()?;
    let request = format!(
        "GET /api/campaigns/{CAMPAIGN}/events HTTP/1.1\r\nhost: {address}\r\naccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut watch = Watch::new();
    let mut buffer = [0u8; 2048];
    loop {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 || watch.read(&buffer[..n], &reports) {
            return Some(());
        }
    }
}

/// One stream of the storm over HTTP/2: a request on a shared connection.
async fn follow_h2(address: SocketAddr, mut sender: http2::SendRequest<Full<Bytes>>, reports: Reports) -> Option<()> {
    let request = Request::get(format!("http://{address}/api/campaigns/{CAMPAIGN}/events"))
        .header(hyper::header::ACCEPT, "text/event-stream")
        .body(Full::new(Bytes::new()))
        .ok()?;
    let mut body = sender.send_request(request).await.ok()?.into_body();
    let mut watch = Watch::new();
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame.ok()?.data_ref() {
            if watch.read(data, &reports) {
                return Some(());
            }
        }
    }
    None
}

/// How the storm's streams reach the receiver.
#[derive(Clone, Copy)]
enum Transport {
    /// A connection per stream.
    Http1,
    /// [`HTTP2_CONNECTIONS`] connections carrying every stream.
    Http2,
}

async fn stream_storm(receiver: &Receiver, transport: Transport) -> anyhow::Result<StreamStorm> {
    let address = receiver.address;
    let (_, feed, _) = admin(address, "GET", &format!("/api/campaigns/{CAMPAIGN}/status"), "").await?;
    let feed: serde_json::Value = serde_json::from_str(&feed).context("the status feed")?;
    let demand = feed["demands"][0]["id"].as_str().context("a demand in the feed")?.to_string();
    let before = receiver.resident_bytes();
    let (opened_tx, mut opened_rx) = tokio::sync::mpsc::unbounded_channel();
    let (delivered_tx, mut delivered_rx) = tokio::sync::mpsc::unbounded_channel();
    let changed_at = Arc::new(tokio::sync::OnceCell::new());
    let reports = Reports { opened: opened_tx, delivered: delivered_tx, changed_at: changed_at.clone() };
    let started = Instant::now();
    let (streams, tasks): (usize, Vec<_>) = match transport {
        Transport::Http1 => {
            let streams = storm_streams();
            (streams, (0..streams).map(|_| tokio::spawn(follow(address, reports.clone()))).collect())
        }
        Transport::Http2 => {
            let mut senders = Vec::with_capacity(HTTP2_CONNECTIONS);
            for _ in 0..HTTP2_CONNECTIONS {
                let stream = TcpStream::connect(address).await.context("an HTTP/2 connection")?;
                let (sender, connection) =
                    http2::handshake(hyper_util::rt::TokioExecutor::new(), TokioIo::new(stream)).await?;
                tokio::spawn(connection);
                senders.push(sender);
            }
            let tasks = (0..STREAMS)
                .map(|i| tokio::spawn(follow_h2(address, senders[i % HTTP2_CONNECTIONS].clone(), reports.clone())))
                .collect();
            (STREAMS, tasks)
        }
    };
    drop(reports);
    let mut opened = 0;
    let deadline = tokio::time::Instant::now() + STREAMS_OPEN_WITHIN;
    while opened < streams {
        match tokio::time::timeout_at(deadline, opened_rx.recv()).await {
            Ok(Some(())) => opened += 1,
            _ => break,
        }
    }
    let open_seconds = started.elapsed().as_secs_f64();
    // Let the allocations of the first events settle before reading the memory.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during = receiver.resident_bytes();
    let load_average = load_average();
    let _ = changed_at.set(Instant::now());
    let body = format!("{{\"status\": \"disclosed\", \"note\": \"bench {}\"}}", run_id());
    let (status, answer, accepted_ms) =
        admin(address, "PUT", &format!("/api/admin/campaigns/{CAMPAIGN}/demands/{demand}/status"), &body).await?;
    if status != 200 {
        bail!("the status change was refused ({status}): {answer}");
    }
    // Counted as they arrive, in whatever order: a stream still connecting must not hold up the
    // count of those after it. A stream that opens after the change gets it in its first `feed`
    // and sends nothing here, so the wait ends when every stream open at the change has it.
    let mut micros = Vec::new();
    let delivery_deadline = tokio::time::Instant::now() + DELIVERED_WITHIN;
    while micros.len() < opened {
        match tokio::time::timeout_at(delivery_deadline, delivered_rx.recv()).await {
            Ok(Some(took)) => micros.push(took.as_micros() as u64),
            _ => break,
        }
    }
    for task in tasks {
        task.abort();
    }
    let delivered = micros.len();
    micros.sort_unstable();
    Ok(StreamStorm {
        streams,
        opened,
        open_seconds,
        accepted_ms,
        delivered,
        delivery_p99_ms: p99_of(&micros, opened),
        delivery_max_ms: micros.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
        bytes_per_stream: during.saturating_sub(before) as f64 / opened.max(1) as f64,
        load_average,
    })
}

/// A reconnect storm as after a restart: against a fresh receiver process on the same file, every
/// widget reconnecting at once. Its memory per stream is then the streams' own, not what a minute
/// of floods left in the heap (on the process that served them, with glibc's malloc: 15.1-16.6 KB
/// per stream over five full benches; on a fresh one, 14.0-14.2 KB in `/proc/<pid>` readings of
/// 8,000-15,000 streams). The storm's own failure is a figure; the receiver's not starting is not.
async fn storm_after_restart(
    root: &Path,
    server: &Path,
    dir: &Path,
    database_url: &str,
    transport: Transport,
) -> anyhow::Result<Result<StreamStorm, String>> {
    let receiver = Receiver::start(root, server, dir, database_url).await?;
    let storm = stream_storm(&receiver, transport).await.map_err(|e| format!("{e:#}"));
    receiver.stop();
    Ok(storm)
}

/// Every load against one binary, on a fresh SQLite file.
async fn figures(root: &Path, server: &Path, label: &str, dir: &Path, http2: bool) -> anyhow::Result<StormFigures> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let database_url = format!("sqlite://{}", dir.join("bench.db").display());
    let receiver = Receiver::start(root, server, dir, &database_url).await?;
    let address = receiver.address;
    let status_path = format!("/api/campaigns/{CAMPAIGN}/status");
    eprintln!("xtask bench: storms ({label}): signatures alone …");
    let mut signatures_alone = vec![signatures(address, CONNECTIONS, SECONDS).await];
    let mut floods = Vec::new();
    for round in 1..=FLOOD_ROUNDS {
        eprintln!("xtask bench: storms ({label}): signatures during a /status read flood ({round}/{FLOOD_ROUNDS}), then alone …");
        // Two load generators, each on threads of its own (as two `wrk` processes would be): on
        // one runtime, a signature's answer waited in the generator behind the ready reads too.
        let flood_path = status_path.clone();
        let (signatures_during, reads_during) = tokio::task::spawn_blocking(move || {
            let signing = on_own_runtime(move || signatures(address, CONNECTIONS, SECONDS));
            let reading =
                on_own_runtime(move || async move { reads(address, &flood_path, CONNECTIONS, SECONDS).await });
            (signing.join().expect("the signature load"), reading.join().expect("the read load"))
        })
        .await?;
        floods.push(Flood { signatures: signatures_during, reads: reads_during });
        signatures_alone.push(signatures(address, CONNECTIONS, SECONDS).await);
    }
    eprintln!("xtask bench: storms ({label}): /status and letter page reads …");
    let status_reads = reads(address, &status_path, CONNECTIONS, SECONDS).await;
    let letter_pages = reads(address, &format!("/campaigns/{CAMPAIGN}"), CONNECTIONS, SECONDS).await;
    receiver.stop();
    eprintln!("xtask bench: storms ({label}): {} streams opening at once …", storm_streams());
    let streams = storm_after_restart(root, server, dir, &database_url, Transport::Http1).await?;
    let streams_http2 = if http2 {
        eprintln!("xtask bench: storms ({label}): {STREAMS} streams over {HTTP2_CONNECTIONS} HTTP/2 connections …");
        Some(storm_after_restart(root, server, dir, &database_url, Transport::Http2).await?)
    } else {
        None
    };
    Ok(StormFigures {
        label: label.to_string(),
        signatures_alone,
        floods,
        status_reads,
        letter_pages,
        streams,
        streams_http2,
    })
}

/// Runs the load `make` returns on a runtime of its own, on threads of their own.
fn on_own_runtime<F, Fut>(make: F) -> std::thread::JoinHandle<Fut::Output>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future,
    Fut::Output: Send + 'static,
{
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a load runtime");
        runtime.block_on(make())
    })
}

async fn two_instances(root: &Path, server: &Path, out_dir: &Path) -> anyhow::Result<TwoInstances> {
    let postgres = crate::postgres::ThrowawayPostgres::start()?;
    let dir = out_dir.join("storms-postgres");
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("xtask bench: storms: one, then two instances on one PostgreSQL …");
    let a = Receiver::start(root, server, &dir.join("a"), &postgres.url).await?;
    let one = signatures(a.address, CONNECTIONS, SECONDS).await;
    let b = Receiver::start(root, server, &dir.join("b"), &postgres.url).await?;
    let (from_a, from_b) =
        tokio::join!(signatures(a.address, CONNECTIONS / 2, SECONDS), signatures(b.address, CONNECTIONS / 2, SECONDS));
    a.stop();
    b.stop();
    let two = Rate {
        per_second: from_a.per_second + from_b.per_second,
        p99_ms: from_a.p99_ms.max(from_b.p99_ms),
        errors: from_a.errors + from_b.errors,
        load_average: from_b.load_average,
    };
    Ok(TwoInstances { one, two })
}

pub fn run(
    root: &Path,
    current: Option<&Path>,
    before: Option<Result<(String, PathBuf), String>>,
    out_dir: &Path,
) -> super::section::Section<StormsReport> {
    let result = (|| {
        let current = current.context("the receiver was not built")?;
        let limit = raise_open_files_limit();
        let _ = STORM_STREAMS.set(STREAMS.min(limit.saturating_sub(SPARE_FILES) as usize));
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(async {
            let before = match before {
                Some(Ok((commit, binary))) => {
                    let label = format!("before ({})", &commit[..commit.len().min(10)]);
                    figures(root, &binary, &label, &out_dir.join("storms-before"), false)
                        .await
                        .map_err(|e| format!("{e:#}"))
                }
                Some(Err(e)) => Err(e),
                None => Err("not built".to_string()),
            };
            let after = figures(root, current, "after (this commit)", &out_dir.join("storms-after"), true).await?;
            let two_instances = two_instances(root, current, out_dir).await.map_err(|e| format!("{e:#}"));
            anyhow::Ok(StormsReport { before, after, two_instances })
        })
    })();
    let section = super::section::Section::from_result(result);
    if let Some(report) = section.figures() {
        print!("{}", report.markdown());
    }
    section
}

/// Milliseconds, or "never" for a percentile that was not reached.
fn millis(ms: f64) -> String {
    if ms.is_finite() {
        format!("{ms:.0} ms")
    } else {
        "never".into()
    }
}

fn rate(r: &Rate) -> String {
    format!("{:.0}/s (p99 {:.1} ms, load {:.1}{})", r.per_second, r.p99_ms, r.load_average, errors(r.errors))
}

fn errors(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {n} errors")
    }
}

/// The spread of one figure of several runs (the time-to-interactive section's quartiles).
fn spread(rates: &[&Rate], figure: fn(&Rate) -> f64) -> Option<Spread> {
    Spread::of(&rates.iter().map(|r| figure(r)).collect::<Vec<_>>())
}

/// The median of `rates` per second (of the middle two when they are even in number).
fn median(rates: &[&Rate]) -> f64 {
    spread(rates, |r| r.per_second).map_or(f64::NAN, |s| s.median)
}

/// The median of several runs, with their range, worst p99, load averages and errors.
fn runs(rates: &[&Rate]) -> String {
    let (Some(rate), Some(load)) = (spread(rates, |r| r.per_second), spread(rates, |r| r.load_average)) else {
        return "no run".to_string();
    };
    let p99 = rates.iter().map(|r| r.p99_ms).fold(0.0f64, f64::max);
    format!(
        "{:.0}/s, the median of {} runs ({:.0}–{:.0}/s; p99 at most {p99:.1} ms; load {:.1}–{:.1}{})",
        rate.median,
        rates.len(),
        rate.min,
        rate.max,
        load.min,
        load.max,
        errors(rates.iter().map(|r| r.errors).sum())
    )
}

impl StormFigures {
    /// Signatures per second alone: the median of the runs before and between the floods.
    pub fn alone(&self) -> f64 {
        median(&self.signatures_alone.iter().collect::<Vec<_>>())
    }

    /// Signatures per second during a read flood: the median of the floods.
    pub fn during(&self) -> f64 {
        median(&self.during_floods(|f| &f.signatures))
    }

    /// One of the loads of every flood.
    fn during_floods(&self, load: fn(&Flood) -> &Rate) -> Vec<&Rate> {
        self.floods.iter().map(load).collect()
    }

    fn cells(&self) -> Vec<String> {
        let (signatures, reads) = (self.during_floods(|f| &f.signatures), self.during_floods(|f| &f.reads));
        let during = format!(
            "{} = **{:.0} %** of alone, {:.0} % of the {SIGNATURES_GOAL:.0}/s goal; the reads {}",
            runs(&signatures),
            100.0 * self.during() / self.alone(),
            100.0 * self.during() / SIGNATURES_GOAL,
            runs(&reads)
        );
        let (storm, memory) = storm_cells(&self.streams);
        let (storm_http2, memory_http2) = match &self.streams_http2 {
            Some(storm) => storm_cells(storm),
            None => ("not measured: this receiver speaks HTTP/1.1 only".into(), "—".into()),
        };
        vec![
            runs(&self.signatures_alone.iter().collect::<Vec<_>>()),
            during,
            rate(&self.status_reads),
            rate(&self.letter_pages),
            storm,
            memory,
            storm_http2,
            memory_http2,
        ]
    }
}

/// A stream storm's two cells: what happened, and the memory per stream.
fn storm_cells(storm: &Result<StreamStorm, String>) -> (String, String) {
    match storm {
        Ok(s) => (
            format!(
                "{} of {} open after {:.1} s; change accepted in {:.0} ms; delivered to {} (p99 {}, max {:.0} ms) (load {:.1})",
                bytes(s.opened as u64),
                bytes(s.streams as u64),
                s.open_seconds,
                s.accepted_ms,
                bytes(s.delivered as u64),
                millis(s.delivery_p99_ms),
                s.delivery_max_ms,
                s.load_average
            ),
            format!("{} bytes", bytes(s.bytes_per_stream as u64)),
        ),
        Err(e) => (format!("failed: {e}"), "—".into()),
    }
}

const ROWS: [&str; 8] = [
    "durable signatures, 64 connections, SQLite (alone: a run before the first flood and one after each)",
    "signatures while 64 connections read `/status` (the read flood: two load generators, each on threads of its own), against the median alone",
    "`/status` reads, 64 connections",
    "letter pages (`/campaigns/{id}`), 64 connections",
    "event streams opening at once (as after a restart: a fresh receiver on the same file), then a status change: HTTP/1.1, a connection each",
    "memory per open stream (resident set with the streams open, less before), HTTP/1.1",
    "the same storm over HTTP/2, every stream on a few connections (as a proxy speaking HTTP/2 upstream carries them), a fresh receiver on the same file",
    "memory per open stream, HTTP/2",
];

const GOALS: [&str; 8] = [
    "10,000/s",
    "≥ 80 % of that (of alone, or of the 10,000/s goal)",
    "20,000/s",
    "5,000/s",
    "20,000 streams; accepted < 100 ms; delivered p99 < 1 s",
    "≤ 16 KB",
    "20,000 streams; accepted < 100 ms; delivered p99 < 1 s",
    "≤ 16 KB",
];

impl StormsReport {
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "The receiver of the commit before issue 16 (built in this run from a `git worktree` of it, `--profile server`) and \
             this one, the same loads one after the other on a fresh SQLite file each, the load generator on the same CPUs \
             (`xtask/src/bench/storms.rs`; {SECONDS} s per load; signatures alone and during the read flood in turn, \
             {FLOOD_ROUNDS} floods, each figure the median of its runs with their range). The 1-minute load average is given with each figure: the \
             machine is shared, so compare the two columns of one run rather than runs. The bench asks for {OPEN_FILES} open \
             files for itself and the receivers it starts; where the hard limit cannot be raised (20,000 per process here, \
             and no CAP_SYS_RESOURCE even as root), a storm over HTTP/1.1 opens that limit less {SPARE_FILES} streams; \
             over HTTP/2 the {STREAMS} streams need {HTTP2_CONNECTIONS} descriptors. \
             A stream storm's p99 counts every stream open when the change was sent; \"never\" means more than 1 % of them \
             did not get it within {} s.\n\n\
             | load | goal | issue (recorded when filed) | {} | {} |\n|---|---|---|---|---|\n",
            DELIVERED_WITHIN.as_secs(),
            self.before.as_ref().map_or("before", |b| b.label.as_str()),
            self.after.label
        );
        let after = self.after.cells();
        let before = match &self.before {
            Ok(b) => b.cells(),
            Err(e) => vec![format!("not measured: {e}"); ROWS.len()],
        };
        let recorded = [
            RECORDED[0].1.to_string(),
            RECORDED[1].1.to_string(),
            "about 6,400/s (during signatures)".to_string(),
            RECORDED[2].1.to_string(),
            format!("{}; {}", RECORDED[3].1, RECORDED[4].1),
            RECORDED[5].1.to_string(),
            "—".to_string(),
            "—".to_string(),
        ];
        for i in 0..ROWS.len() {
            let _ = writeln!(md, "| {} | {} | {} | {} | {} |", ROWS[i], GOALS[i], recorded[i], before[i], after[i]);
        }
        match &self.two_instances {
            Ok(t) => {
                let _ = writeln!(
                    md,
                    "\nTwo instances of this commit on one throwaway PostgreSQL (64 connections in all, 32 to each): {} \
                     together, against one instance alone {}: **{:.2} ×**.",
                    rate(&t.two),
                    rate(&t.one),
                    t.two.per_second / t.one.per_second.max(1.0)
                );
            }
            Err(e) => {
                let _ = writeln!(md, "\nTwo instances on one PostgreSQL: not measured: {e}");
            }
        }
        md
    }

    pub fn summary_rows(&self) -> String {
        let a = &self.after;
        let before = self.before.as_ref().ok();
        let pair = |after: f64, before: Option<f64>| match before {
            Some(b) => format!("{after:.0}/s (before: {b:.0}/s)"),
            None => format!("{after:.0}/s"),
        };
        let flood = |f: &StormFigures| {
            format!(
                "{:.0}/s / {:.0}/s = {:.0} % of alone, {:.0} % of {SIGNATURES_GOAL:.0}/s",
                f.alone(),
                f.during(),
                100.0 * f.during() / f.alone(),
                100.0 * f.during() / SIGNATURES_GOAL
            )
        };
        let mut rows = format!(
            "| storms: signatures alone / during a `/status` read flood, as shares of alone and of 10,000/s (SQLite, 64 connections; medians of {} and {FLOOD_ROUNDS} runs) | {}{} |\n\
             | storms: `/status` reads / letter pages | {} / {} |\n",
            FLOOD_ROUNDS + 1,
            flood(a),
            before.map(|b| format!(" (before: {})", flood(b))).unwrap_or_default(),
            pair(a.status_reads.per_second, before.map(|b| b.status_reads.per_second)),
            pair(a.letter_pages.per_second, before.map(|b| b.letter_pages.per_second)),
        );
        let storm = |s: &StreamStorm| {
            format!(
                "{} of {} open in {:.1} s / {:.0} ms / {} / {} B",
                bytes(s.opened as u64),
                bytes(s.streams as u64),
                s.open_seconds,
                s.accepted_ms,
                millis(s.delivery_p99_ms),
                bytes(s.bytes_per_stream as u64)
            )
        };
        if let Ok(s) = &a.streams {
            let before = match before.map(|b| &b.streams) {
                Some(Ok(b)) => format!(" (before: {})", storm(b)),
                _ => String::new(),
            };
            let _ = writeln!(
                rows,
                "| storms: streams reconnecting at once: open / change accepted / delivered p99 / memory per stream | {}{before} |",
                storm(s)
            );
        }
        if let Some(Ok(s)) = &a.streams_http2 {
            let _ = writeln!(
                rows,
                "| storms: the same over HTTP/2 ({HTTP2_CONNECTIONS} connections): open / change accepted / delivered p99 / memory per stream | {} |",
                storm(s)
            );
        }
        if let Ok(t) = &self.two_instances {
            let _ = writeln!(
                rows,
                "| storms: two instances on one PostgreSQL / one | {:.0}/s / {:.0}/s |",
                t.two.per_second, t.one.per_second
            );
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(per_second: f64) -> Rate {
        Rate { per_second, p99_ms: 10.0, errors: 0, load_average: 2.0 }
    }

    #[test]
    fn the_median_of_runs_is_the_middle_one_or_the_mean_of_the_middle_two() {
        let (a, b, c, d) = (at(9_000.0), at(12_000.0), at(10_000.0), at(7_000.0));
        assert_eq!(median(&[&a, &b, &c]), 10_000.0);
        assert_eq!(median(&[&a, &b, &c, &d]), 9_500.0);
        assert!(median(&[]).is_nan());
        let text = runs(&[&a, &b, &c]);
        assert!(text.starts_with("10000/s, the median of 3 runs (9000–12000/s;"), "{text}");
    }
}
