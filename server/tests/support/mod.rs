//! Test support: a receiver started in-process on an ephemeral 127.0.0.1 port, over a fresh
//! database of either backend, and a small HTTP + Server-Sent Events client.
//!
//! PostgreSQL: `UNDERSIGNED_TEST_POSTGRES_URL` points at a server where the tests may create
//! databases (`cargo xtask test native` starts a throwaway one and sets it). Without it, every
//! PostgreSQL test FAILS with a message saying so: a missing database must never look like a pass.

#![allow(dead_code)]

pub mod smtp;

use futures_util::StreamExt;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;
use undersigned_server::app::{self, RunningServer};
use undersigned_server::config::ServerConfig;
use undersigned_server::http::rate_limit::RateLimit;

pub const TOKEN: &str = "test-admin-token-0123456789";
pub const CAMPAIGN: &str = "test-letter";
pub const POSTGRES_ENV: &str = "UNDERSIGNED_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database for one test: a temporary SQLite file, or a new PostgreSQL database.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A database that already exists (a fixture's copy), kept by the caller.
    pub fn existing(url: &str) -> TestDb {
        TestDb { url: url.to_string(), _dir: None }
    }

    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let url = format!("sqlite://{}", dir.path().join("receiver.db").display());
                TestDb { url, _dir: Some(dir) }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
                    panic!("{POSTGRES_ENV} is not set: run `cargo xtask test native` (it starts a throwaway PostgreSQL) or point it at a server where tests may create databases")
                });
                let name = format!("undersigned_test_{}_{}", std::process::id(), rand_suffix());
                use sqlx::Connection;
                let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create a test database");
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_string();
                TestDb { url: format!("{base}/{name}"), _dir: None }
            }
        }
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos() as u64);
    nanos * 1000 + NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The campaign every test signs: two demand groups so that status changes can be tested.
pub fn campaign_source() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-letter.md"))
        .expect("the test campaign fixture")
}

/// The test campaign with its one paragraph replaced (a new revision of its letter when imported).
pub fn reworded_campaign(paragraph: &str) -> String {
    let source = campaign_source();
    assert!(source.contains("We ask for the records."), "the fixture holds the paragraph this test rewords");
    source.replace("We ask for the records.", paragraph)
}

/// A receiver for one test, with its client.
pub struct TestServer {
    pub server: Option<RunningServer>,
    pub base: String,
    pub http: reqwest::Client,
}

/// The configuration tests start from: no rate limit unless a test sets one, no fill-time rule
/// unless set, and a fast poll.
pub fn test_config(db: &TestDb) -> ServerConfig {
    let mut config = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), &db.url);
    config.admin_token = Some(TOKEN.into());
    config.rate_limit = RateLimit { per_minute: 0, burst: 0 };
    config.event_poll = Duration::from_millis(200);
    // Mail without an SMTP server goes to a folder: never into the source tree.
    config.mail.folder = std::env::temp_dir().join(format!("undersigned-test-mail-{}", std::process::id()));
    config
}

impl TestServer {
    pub async fn start(config: ServerConfig) -> TestServer {
        let server = app::start(config).await.expect("the receiver starts");
        let base = format!("http://{}", server.address);
        TestServer { server: Some(server), base, http: reqwest::Client::new() }
    }

    /// Starts a receiver on `db` with `tweak` applied to the test configuration, and imports the
    /// test campaign through the admin API (min fill time 0 so tests need not wait; confirmation
    /// by mail off, so that tests about something else need no mail: the tests of confirmation
    /// turn it on, in confirmation.rs).
    pub async fn with(db: &TestDb, tweak: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let mut config = test_config(db);
        tweak(&mut config);
        let server = TestServer::start(config).await;
        let res = server.admin(reqwest::Method::POST, "/campaigns").body(campaign_source()).send().await.unwrap();
        assert_eq!(res.status(), 200, "import: {}", res.text().await.unwrap());
        server.set_settings(serde_json::json!({"min_fill_ms": 0, "confirmation": "off"})).await;
        server
    }

    pub async fn new(db: &TestDb) -> TestServer {
        TestServer::with(db, |_| {}).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(&format!("/api/admin{path}"))).bearer_auth(TOKEN)
    }

    /// Merges `changes` into the test campaign's settings.
    pub async fn set_settings(&self, changes: serde_json::Value) {
        let path = format!("/campaigns/{CAMPAIGN}/settings");
        let mut settings: serde_json::Value =
            self.admin(reqwest::Method::GET, &path).send().await.unwrap().json().await.unwrap();
        for (k, v) in changes.as_object().unwrap() {
            settings[k] = v.clone();
        }
        let res = self.admin(reqwest::Method::PUT, &path).json(&settings).send().await.unwrap();
        assert_eq!(res.status(), 200, "settings: {}", res.text().await.unwrap());
    }

    pub fn sign_url(&self) -> String {
        self.url(&format!("/api/campaigns/{CAMPAIGN}/signatures"))
    }

    /// Posts a JSON signature; returns (status, body).
    pub async fn sign(&self, body: serde_json::Value) -> (u16, serde_json::Value) {
        let res = self.http.post(self.sign_url()).json(&body).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// The signers of the test campaign as organizers see them.
    /// Imports a campaign file through the admin API (`POST /api/admin/campaigns`).
    pub async fn import_campaign(&self, source: &str) {
        let res = self.admin(reqwest::Method::POST, "/campaigns").body(source.to_string()).send().await.unwrap();
        assert_eq!(res.status(), 200, "import: {}", res.text().await.unwrap());
    }

    /// GETs a link from a mail: (status, page).
    pub async fn open_link(&self, link: &str) -> (u16, String) {
        let res = self.http.get(link).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Presses the button of a mailed link's page: POSTs its token to its path, as the page's form
    /// does: (status, page).
    pub async fn press_link(&self, link: &str) -> (u16, String) {
        let (path, query) = link.split_once('?').expect("a link has a query");
        let token = query.strip_prefix("t=").expect("the token parameter");
        let res = self
            .http
            .post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("t={token}"))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    pub async fn admin_signers(&self) -> Vec<serde_json::Value> {
        let res = self.admin(reqwest::Method::GET, &format!("/campaigns/{CAMPAIGN}/signers")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        body["signers"].as_array().unwrap().clone()
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("graceful stop");
        }
    }
}

/// A valid individual signature.
pub fn individual(email: &str, key: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": "individual", "name": "Ana Example", "title": "Researcher", "affiliation": "Example University",
        "email": email, "list_publicly": true, "idempotency_key": key, "fill_ms": 12000,
    })
}

pub fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Runs `undersigned-server admin --database-url URL …`: (success, standard output, standard error).
pub fn admin_cli_result(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["admin", "--database-url", &db.url])
        .args(args)
        .output()
        .expect("the CLI runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8 output");
    (output.status.success(), text(output.stdout), text(output.stderr))
}

/// Runs `undersigned-server admin --database-url URL …` and returns its standard output.
pub fn admin_cli(db: &TestDb, args: &[&str]) -> String {
    let (ok, stdout, stderr) = admin_cli_result(db, args);
    assert!(ok, "admin {args:?} failed: {stderr}");
    stdout
}

/// One Server-Sent Event.
#[derive(Debug, Clone, Default)]
pub struct SseEvent {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).expect("event data is JSON")
    }
}

/// A minimal SSE client over a streaming response.
pub struct SseClient {
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl SseClient {
    pub async fn connect(url: &str, last_event_id: Option<&str>) -> SseClient {
        SseClient::connect_with(&reqwest::Client::new(), url, last_event_id).await
    }

    /// Opens the stream through `client` (an HTTP/2 client, say).
    pub async fn connect_with(client: &reqwest::Client, url: &str, last_event_id: Option<&str>) -> SseClient {
        let mut request = client.get(url).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let res = request.send().await.expect("the events endpoint answers");
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        SseClient { stream: Box::pin(res.bytes_stream()), buffer: String::new() }
    }

    /// The next event (comments skipped); panics when none comes within `within`.
    pub async fn next(&mut self, within: Duration) -> SseEvent {
        tokio::time::timeout(within, self.next_event()).await.expect("an event arrives in time")
    }

    /// The next event named `name`, skipping others.
    pub async fn next_named(&mut self, name: &str, within: Duration) -> SseEvent {
        tokio::time::timeout(within, async {
            loop {
                let e = self.next_event().await;
                if e.event == name {
                    return e;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("a `{name}` event arrives in time"))
    }

    async fn next_event(&mut self) -> SseEvent {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = SseEvent { event: "message".into(), ..Default::default() };
                let mut has_data = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event.event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        event.id = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        if has_data {
                            event.data.push('\n');
                        }
                        event.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                        has_data = true;
                    }
                }
                if has_data {
                    return event;
                }
                continue;
            }
            let chunk = self.stream.next().await.expect("the stream stays open").expect("the stream reads");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// Runs a test body against both backends: `both_backends!(name, |backend| async move { … })`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(Backend::Postgres).await
            }
        }
    };
}

/// A PostgreSQL cluster of one test only (restarted, or configured for TLS, which the shared test
/// server must not be), from Debian's server binaries, run as `postgres` when the test runs as root.
pub struct Cluster {
    pub dir: std::path::PathBuf,
    bin: std::path::PathBuf,
    pub port: u16,
    as_postgres: bool,
    options: String,
}

impl Cluster {
    pub fn start() -> Cluster {
        Cluster::start_with("")
    }

    /// A cluster started with these extra `postgres` options (`-c ssl=on …`), given the folder.
    pub fn start_with_dir(options: impl FnOnce(&std::path::Path) -> String) -> Cluster {
        let mut cluster = Cluster::init();
        cluster.options = options(&cluster.dir);
        cluster.pg_ctl("start");
        cluster
    }

    fn start_with(options: &str) -> Cluster {
        let options = options.to_string();
        Cluster::start_with_dir(move |_| options)
    }

    fn init() -> Cluster {
        let mut bins: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's server binaries under /usr/lib/postgresql (cargo xtask test installs them)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("pg_ctl").exists())
            .collect();
        bins.sort();
        let bin = bins.pop().expect("a PostgreSQL version with pg_ctl");
        let as_postgres = is_root();
        let dir = tempfile::tempdir().unwrap().keep();
        if as_postgres {
            assert!(Command::new("chown").arg("postgres").arg(&dir).status().unwrap().success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster = Cluster { bin, dir, port, as_postgres, options: String::new() };
        let data = cluster.dir.join("data");
        let ok = cluster
            .command("initdb")
            .args(["--auth=trust", "--username=postgres", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "initdb failed");
        cluster
    }

    pub fn command(&self, program: &str) -> Command {
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(program));
            c
        } else {
            Command::new(self.bin.join(program))
        }
    }

    pub fn pg_ctl(&self, action: &str) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off {}",
            self.port,
            self.dir.display(),
            self.options
        );
        let ok = self
            .command("pg_ctl")
            .args([action, "-w", "-t", "60", "-m", "fast", "-D"])
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-o", &options])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "pg_ctl {action} failed; see {}", self.dir.join("server.log").display());
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-m", "immediate", "-D"])
            .arg(self.dir.join("data"))
            .stdout(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
