//! Faults (issue 16), against the receiver's own binary in a process of its own, as deployed:
//! 10,000 slow clients (connected, headers never finished) do not stop a signature; PostgreSQL
//! restarted under load (signatures answered `503 storage_unavailable` meanwhile, none
//! acknowledged and lost, the service resumes by itself); the disk under SQLite full (a real full
//! filesystem: a small tmpfs mounted by the test, which needs root as `cargo xtask test` has here;
//! a clear log line, `503`, nothing acknowledged lost). SIGKILL under load is `cargo xtask bench`'s
//! crash test.

mod support;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use undersigned_core::api_error::ErrorCode;

const SLOW_CLIENTS: usize = 10_000;

/// The receiver binary serving `db` on a free loopback port.
struct Process {
    child: Child,
    address: SocketAddr,
}

impl Process {
    async fn start(db: &TestDb, extra: &[&str]) -> Process {
        Process::start_url(&db.url, extra, Stdio::null()).await
    }

    async fn start_url(url: &str, extra: &[&str], log: Stdio) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let address: SocketAddr = ([127, 0, 0, 1], port).into();
        let data = tempfile::tempdir().unwrap().keep();
        let child = Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
            .args(["serve", "--listen", &address.to_string(), "--database-url", url])
            .args(["--campaign", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-letter.md")])
            .args(["--admin-token", TOKEN, "--rate-limit-per-minute", "0", "--data-dir"])
            .arg(&data)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(log)
            .spawn()
            .expect("the receiver starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(res) = reqwest::get(format!("http://{address}/healthz")).await {
                if res.status() == 200 {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the receiver did not answer /healthz within 60 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Process { child, address }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_slow_clients_do_not_stop_a_signature() {
    // This process holds the slow clients' ends; the receiver raises its own limit.
    let limit = undersigned_server::http::connections::raise_open_files_limit();
    assert!(limit >= SLOW_CLIENTS as u64 + 500, "the open-files limit here is {limit}, too low for this test");
    let db = TestDb::new(Backend::Sqlite).await;
    // A header timeout longer than the test: the slow clients stay connected throughout.
    let receiver = Process::start(&db, &["--header-timeout-secs", "300", "--idle-timeout-secs", "300"]).await;
    let address = receiver.address;
    let mut slow = Vec::with_capacity(SLOW_CLIENTS);
    for batch in 0..SLOW_CLIENTS / 500 {
        let connecting: Vec<_> = (0..500)
            .map(|_| async move {
                let mut socket = TcpStream::connect(address).await?;
                // A request that is never finished (slowloris).
                socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: slow\r\n").await?;
                std::io::Result::Ok(socket)
            })
            .collect();
        for socket in futures_util::future::join_all(connecting).await {
            slow.push(socket.unwrap_or_else(|e| panic!("slow client of batch {batch}: {e}")));
        }
    }
    assert_eq!(slow.len(), SLOW_CLIENTS);
    let client = reqwest::Client::new();
    let res = tokio::time::timeout(
        Duration::from_secs(30),
        client
            .post(format!("http://{address}/api/campaigns/{CAMPAIGN}/signatures"))
            .json(&individual("through-the-storm@example.org", &uuid(1)))
            .send(),
    )
    .await
    .expect("the signature is answered while 10,000 slow clients hold connections")
    .unwrap();
    assert!(acknowledged(res.status()), "{}", res.text().await.unwrap());
    drop(slow);
    let signers = admin_cli(&db, &["signers", CAMPAIGN]);
    assert!(signers.contains("through-the-storm@example.org"), "{signers}");
}

/// A signature the receiver has stored: `201` (confirmation off) or `202 check_inbox` (stored,
/// awaiting its owner's confirmation by mail; the campaigns these tests import default to email).
fn acknowledged(status: reqwest::StatusCode) -> bool {
    status == reqwest::StatusCode::CREATED || status == reqwest::StatusCode::ACCEPTED
}

/// What a load of signers saw.
#[derive(Default)]
struct Outcome {
    acknowledged: Vec<String>,
    /// Answers `503 storage_unavailable` with a Retry-After (the signer retried with the same key).
    retryable: u64,
    /// Anything else that was not an acknowledgement.
    unexpected: Vec<String>,
}

/// `signers` clients signing unique signatures one after the other until `stop`, each retrying a
/// refused signature with the same key (as the widget's outbox does).
async fn sign_until(address: SocketAddr, signers: u32, stop: tokio::sync::watch::Receiver<bool>) -> Outcome {
    let tasks: Vec<_> = (0..signers)
        .map(|client| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
                let mut outcome = Outcome::default();
                let mut n = 0u32;
                while !*stop.borrow() {
                    let email = format!("fault-{client}-{n}@example.org");
                    let body = individual(&email, &uuid(client * 1_000_000 + n));
                    let answer = http
                        .post(format!("http://{address}/api/campaigns/{CAMPAIGN}/signatures"))
                        .json(&body)
                        .send()
                        .await;
                    match answer {
                        Ok(res) if acknowledged(res.status()) => {
                            outcome.acknowledged.push(email);
                            n += 1;
                        }
                        Ok(res) if res.status() == 503 && res.headers().contains_key("retry-after") => {
                            let code = res.json::<serde_json::Value>().await.map(|b| b["code"].clone());
                            match code {
                                Ok(c) if c == ErrorCode::StorageUnavailable.as_str() => outcome.retryable += 1,
                                other => outcome.unexpected.push(format!("503 {other:?}")),
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        Ok(res) => {
                            let status = res.status();
                            outcome.unexpected.push(format!("{status} {}", res.text().await.unwrap_or_default()));
                            n += 1;
                        }
                        // The connection broke with no answer: nothing was acknowledged; resend.
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
                outcome
            })
        })
        .collect();
    let mut all = Outcome::default();
    for task in tasks {
        let o = task.await.expect("a signer task");
        all.acknowledged.extend(o.acknowledged);
        all.retryable += o.retryable;
        all.unexpected.extend(o.unexpected);
    }
    all
}

/// The emails the store holds, through the admin CLI.
fn stored(url: &str) -> std::collections::HashSet<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["admin", "--database-url", url, "signers", CAMPAIGN])
        .output()
        .expect("the CLI runs");
    assert!(output.status.success(), "admin signers: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["email"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_loses_nothing_and_service_resumes() {
    let cluster = Cluster::start();
    let receiver = Process::start_url(&cluster.url(), &[], Stdio::null()).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let load = tokio::spawn(sign_until(receiver.address, 8, stopped));
    // Under load: wait for signatures to be acknowledged, then restart the database.
    let probe = |n: &str| format!("probe-{n}@example.org");
    let http = reqwest::Client::new();
    let sign = |email: String, key: String| {
        http.post(format!("http://{}/api/campaigns/{CAMPAIGN}/signatures", receiver.address))
            .json(&individual(&email, &key))
            .send()
    };
    assert!(acknowledged(sign(probe("before"), uuid(900_000_001)).await.unwrap().status()));
    cluster.pg_ctl("restart");
    // The service resumes by itself: a signature is acknowledged again (retrying with its key).
    let resumed = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Ok(res) = sign(probe("after"), uuid(900_000_002)).await {
                if acknowledged(res.status()) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
    assert!(resumed.is_ok(), "no signature was acknowledged within 60 s of the restart");
    stop.send(true).unwrap();
    let outcome = load.await.unwrap();
    assert!(
        outcome.unexpected.is_empty(),
        "answers other than an acknowledgement and 503 storage_unavailable: {:?}",
        outcome.unexpected
    );
    drop(receiver);
    let found = stored(&cluster.url());
    let lost: Vec<_> = outcome.acknowledged.iter().filter(|e| !found.contains(*e)).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    assert!(found.contains(&probe("before")) && found.contains(&probe("after")));
    eprintln!(
        "postgres restart: {} acknowledged, {} answered 503 storage_unavailable and resent, none lost",
        outcome.acknowledged.len(),
        outcome.retryable
    );
}

/// A tmpfs of `bytes` mounted on a new folder; unmounted on drop.
struct SmallDisk {
    dir: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(bytes: u64) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap().keep();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        assert!(mounted, "cannot mount a small tmpfs for the full-disk test (needs root, as `cargo xtask test` has)");
        SmallDisk { dir }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_sqlite_is_a_clear_error_and_loses_nothing() {
    let disk = SmallDisk::mount(1024 * 1024);
    let url = format!("sqlite://{}", disk.dir.join("receiver.db").display());
    let log_path = tempfile::NamedTempFile::new().unwrap().into_temp_path().keep().unwrap();
    let log = std::fs::File::create(&log_path).unwrap();
    let receiver = Process::start_url(&url, &[], Stdio::from(log)).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let load = tokio::spawn(sign_until(receiver.address, 4, stopped));
    // Sign until the disk is full: the log says so.
    let full = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            if std::fs::read_to_string(&log_path).unwrap_or_default().contains("the disk holding the database is full")
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    stop.send(true).unwrap();
    let outcome = load.await.unwrap();
    assert!(
        full.is_ok(),
        "the disk never filled, or the log did not say so: {}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );
    assert!(outcome.retryable > 0, "no 503 while the disk was full");
    assert!(
        outcome.unexpected.is_empty(),
        "answers other than an acknowledgement and 503 storage_unavailable: {:?}",
        outcome.unexpected
    );
    // Still serving the reads.
    let health = reqwest::get(format!("http://{}/healthz", receiver.address)).await.unwrap();
    assert_eq!(health.status(), 200);
    drop(receiver);
    // Read a copy on a disk with room (opening the database may need to write).
    let copy = tempfile::tempdir().unwrap();
    for file in ["receiver.db", "receiver.db-wal"] {
        if disk.dir.join(file).exists() {
            std::fs::copy(disk.dir.join(file), copy.path().join(file)).unwrap();
        }
    }
    let found = stored(&format!("sqlite://{}", copy.path().join("receiver.db").display()));
    let lost: Vec<_> = outcome.acknowledged.iter().filter(|e| !found.contains(*e)).collect();
    assert!(!outcome.acknowledged.is_empty(), "nothing was acknowledged before the disk filled");
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    let _ = std::fs::remove_file(&log_path);
    drop(disk);
}
