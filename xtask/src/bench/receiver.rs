//! Receiver (issue 4): `undersigned-server` built with its deployment profile ([`PROFILE`]) on
//! SQLite over loopback.
//!
//! 1. Throughput: `CONNECTIONS` keep-alive connections send unique signatures for
//!    `THROUGHPUT_SECONDS` ([`super::load`]); every 2xx was committed first (WAL, `synchronous=FULL`),
//!    so acknowledged signatures per second are durable signatures per second. Latency percentiles
//!    are over the acknowledged requests. The store is then counted: it must hold every one.
//! 2. Crash test: the same load, the server killed with SIGKILL after `CRASH_AFTER`, restarted on the
//!    same file, and every signature that got a 2xx looked up in the store.
//!
//! The store is read with the receiver's own CLI (`undersigned-server admin signers`), so the check
//! goes through the code an organizer uses, not through a second reading of the schema.

use super::load::{self, ConnectionLog, Load};
use super::section::{bytes, Section};
use super::weight::Built;
use crate::exec::{self, cargo};
use anyhow::{bail, Context};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(super) const CAMPAIGN: &str = "dhs-paragon";
pub(super) const CAMPAIGN_FILE: &str = "campaigns/dhs-paragon.md";
const CONNECTIONS: u64 = 64;
const THROUGHPUT_SECONDS: u64 = 10;
const CRASH_AFTER: Duration = Duration::from_secs(3);

/// The cargo profile the receiver is deployed with (`[profile.server]` in Cargo.toml: fast code,
/// built in minutes; the release profile is tuned for the wasm's size).
pub const PROFILE: &str = "server";

/// The receiver's binary as [`build_server`] leaves it.
pub fn server_binary(root: &Path) -> PathBuf {
    root.join("target").join(PROFILE).join("undersigned-server")
}

/// Builds the receiver as it is deployed (the binary that is benchmarked) and returns its path.
pub fn build_server(root: &Path) -> anyhow::Result<PathBuf> {
    exec::run(cargo().current_dir(root).args(["build", "--profile", PROFILE, "-p", "undersigned-server"]))?;
    Ok(server_binary(root))
}

/// Milliseconds, from the load generator's microseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    fn of(micros: &mut [u64]) -> Option<Latency> {
        if micros.is_empty() {
            return None;
        }
        micros.sort_unstable();
        // Nearest rank: the smallest value with at least q of the samples at or below it.
        let at =
            |q: f64| micros[((q * micros.len() as f64).ceil() as usize).clamp(1, micros.len()) - 1] as f64 / 1000.0;
        Some(Latency {
            p50_ms: at(0.50),
            p90_ms: at(0.90),
            p99_ms: at(0.99),
            max_ms: micros[micros.len() - 1] as f64 / 1000.0,
        })
    }
}

#[derive(Debug, Serialize)]
pub struct Throughput {
    pub connections: u64,
    pub seconds: f64,
    pub acknowledged: u64,
    /// Non-2xx answers (should be none).
    pub rejected: u64,
    pub signatures_per_second: f64,
    pub latency: Latency,
    /// Signatures in the store after the run (the receiver stopped gracefully).
    pub stored: u64,
    /// The receiver's CPU time (user and system, all its threads) per acknowledged signature, in
    /// microseconds: what a signature costs, less disturbed than the rate by other work on the
    /// machine (the load generator included).
    pub cpu_micros_per_signature: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct CrashTest {
    pub connections: u64,
    pub killed_after_seconds: f64,
    /// Signatures answered with a 2xx before the kill.
    pub acknowledged: u64,
    /// Signatures in the store after the restart (can exceed `acknowledged`: committed, answer lost).
    pub found: u64,
    /// Acknowledged signatures found in the store.
    pub acknowledged_found: u64,
    /// Acknowledged signatures missing from the store: must be empty.
    pub missing: Vec<String>,
    /// Requests whose answer was cut off by the kill.
    pub unanswered: u64,
}

#[derive(Debug, Serialize)]
pub struct ReceiverReport {
    pub database: String,
    /// With the campaign's `confirmation = off`: a signature is stored and counted, no mail.
    pub throughput: Throughput,
    /// With `confirmation = email` (a new campaign's default): each signature also queues a mail,
    /// which the receiver's sender writes to its mail folder (no SMTP server) while the load runs.
    pub throughput_confirmation: Throughput,
    pub crash: CrashTest,
}

pub fn run(root: &Path, built: &Built, out_dir: &Path) -> Section<ReceiverReport> {
    let Some(server) = built.server.as_deref() else {
        return Section::Failed { error: "the receiver was not built".into() };
    };
    if !supports_signatures(server) {
        return Section::NotMeasured {
            reason: "the receiver on this branch has no signature endpoint yet (issue 4)".into(),
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return Section::Failed { error: format!("cannot start the load generator's runtime: {e}") },
    };
    let result = runtime.block_on(async {
        let throughput_confirmation =
            throughput(root, server, out_dir, "email").await.context("throughput run with email confirmation")?;
        let throughput = throughput(root, server, out_dir, "off").await.context("throughput run")?;
        let crash = crash_test(root, server, out_dir).await.context("crash test")?;
        Ok(ReceiverReport {
            database: "SQLite (WAL, synchronous=FULL), one file on local disk".into(),
            throughput,
            throughput_confirmation,
            crash,
        })
    });
    let section = Section::from_result(result);
    if let Some(report) = section.figures() {
        print!("{}", report.markdown());
        if !report.crash.missing.is_empty() {
            return Section::Failed {
                error: format!(
                    "{} acknowledged signature(s) were lost in the crash test: {}",
                    report.crash.missing.len(),
                    report.crash.missing.join(", ")
                ),
            };
        }
    }
    section
}

/// Whether the binary has the admin CLI that lists signers (which comes with the signature endpoint).
fn supports_signatures(server: &Path) -> bool {
    Command::new(server)
        .args(["admin", "signers", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A receiver process on a throwaway SQLite file.
struct Receiver {
    child: Child,
    address: SocketAddr,
    database_url: String,
}

impl Receiver {
    async fn start(root: &Path, server: &Path, dir: &Path, log_name: &str) -> anyhow::Result<Receiver> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let address: SocketAddr = ([127, 0, 0, 1], port).into();
        let database_url = format!("sqlite://{}", dir.join("bench.db").display());
        let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join(log_name))?;
        let child = Command::new(server)
            .current_dir(root)
            .args([
                "serve",
                "--listen",
                &address.to_string(),
                "--database-url",
                &database_url,
                "--campaign",
                CAMPAIGN_FILE,
            ])
            .args(["--rate-limit-per-minute", "0", "--data-dir"])
            .arg(dir)
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", server.display()))?;
        let mut receiver = Receiver { child, address, database_url };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if load::get_status(address, "/healthz").await == Some(200) {
                return Ok(receiver);
            }
            if let Some(status) = receiver.child.try_wait()? {
                bail!("the receiver exited ({status}) before answering /healthz; see {}", dir.join(log_name).display());
            }
            if Instant::now() > deadline {
                receiver.kill();
                bail!("the receiver did not answer /healthz within 30 s; see {}", dir.join(log_name).display());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then wait: the receiver finishes in-flight requests and closes the database.
    fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.child.id().to_string();
        exec::run(Command::new("kill").args(["-TERM", &pid]))?;
        self.child.wait()?;
        Ok(())
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The emails of every signer of the campaign, through the receiver's admin CLI.
    fn stored_emails(server: &Path, root: &Path, database_url: &str) -> anyhow::Result<HashSet<String>> {
        let output = Command::new(server)
            .current_dir(root)
            .args(["admin", "--database-url", database_url, "signers", CAMPAIGN])
            .output()?;
        if !output.status.success() {
            bail!("`undersigned-server admin signers` failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let mut emails = HashSet::new();
        for line in String::from_utf8_lossy(&output.stdout).lines().filter(|l| !l.trim().is_empty()) {
            let signer: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("`admin signers` printed a line that is not JSON: {line}"))?;
            let email = signer
                .get("email")
                .and_then(|e| e.as_str())
                .with_context(|| format!("`admin signers` printed a signer without an email: {line}"))?;
            emails.insert(email.to_string());
        }
        Ok(emails)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.kill();
        }
    }
}

fn fresh_dir(out_dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let dir = out_dir.join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn run_id() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
}

/// The throughput run, with the campaign's `confirmation` set to `email` or `off` first.
async fn throughput(root: &Path, server: &Path, out_dir: &Path, confirmation: &str) -> anyhow::Result<Throughput> {
    let dir = fresh_dir(out_dir, &format!("receiver-throughput-confirmation-{confirmation}"))?;
    let receiver = Receiver::start(root, server, &dir, "receiver.log").await?;
    let set = Command::new(server)
        .current_dir(root)
        .args(["admin", "--database-url", &receiver.database_url, "settings", CAMPAIGN, "--confirmation", confirmation])
        .output()?;
    if !set.status.success() {
        bail!("`admin settings --confirmation {confirmation}` failed: {}", String::from_utf8_lossy(&set.stderr));
    }
    let load = Load {
        address: receiver.address,
        campaign: CAMPAIGN,
        connections: CONNECTIONS,
        duration: Duration::from_secs(THROUGHPUT_SECONDS),
        run: run_id(),
    };
    eprintln!(
        "xtask bench: receiver (confirmation {confirmation}): {CONNECTIONS} connections for {THROUGHPUT_SECONDS} s …"
    );
    let started = Instant::now();
    let cpu_before = cpu_seconds(receiver.child.id());
    let logs = load::run(&load).await;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(cpu_seconds(receiver.child.id())).map(|(before, after)| after - before);
    let database_url = receiver.database_url.clone();
    receiver.stop()?;
    if let Some(error) = logs.iter().find_map(|l| l.transport_error.as_ref()) {
        bail!("a connection failed during the throughput run: {error}");
    }
    let mut micros: Vec<u64> = logs.iter().flat_map(|l| l.acknowledged_micros.iter().copied()).collect();
    let acknowledged = micros.len() as u64;
    let latency = Latency::of(&mut micros).context("no signature was acknowledged")?;
    let stored = Receiver::stored_emails(server, root, &database_url)?.len() as u64;
    if stored < acknowledged {
        bail!("the store holds {stored} signatures but {acknowledged} were acknowledged");
    }
    Ok(Throughput {
        connections: CONNECTIONS,
        seconds,
        acknowledged,
        rejected: logs.iter().map(|l| l.rejected.len() as u64).sum(),
        signatures_per_second: acknowledged as f64 / seconds,
        latency,
        stored,
        cpu_micros_per_signature: cpu.filter(|_| acknowledged > 0).map(|cpu| cpu * 1e6 / acknowledged as f64),
    })
}

/// The CPU time a process has used so far (user and system, every thread), from
/// `/proc/<pid>/stat`; None where that cannot be read (not Linux).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces), closed by the last ')'; utime
    // and stime are the 14th and 15th fields of the whole line.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace().skip(11);
    let (user, system): (f64, f64) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
    // SAFETY: sysconf reads a constant of the system.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (ticks > 0).then(|| (user + system) / ticks as f64)
}

async fn crash_test(root: &Path, server: &Path, out_dir: &Path) -> anyhow::Result<CrashTest> {
    let dir = fresh_dir(out_dir, "receiver-crash")?;
    let mut receiver = Receiver::start(root, server, &dir, "receiver.log").await?;
    // The load would run far past the kill; it ends when every connection has lost the server.
    let load = Load {
        address: receiver.address,
        campaign: CAMPAIGN,
        connections: CONNECTIONS,
        duration: Duration::from_secs(120),
        run: run_id(),
    };
    eprintln!(
        "xtask bench: receiver crash test: {CONNECTIONS} connections, SIGKILL after {} s …",
        CRASH_AFTER.as_secs()
    );
    let running = tokio::spawn(async move { load::run(&load).await });
    tokio::time::sleep(CRASH_AFTER).await;
    receiver.kill();
    let logs: Vec<ConnectionLog> = running.await.context("the load generator failed")?;
    let acknowledged: Vec<&String> = logs.iter().flat_map(|l| l.acknowledged_emails.iter()).collect();
    if acknowledged.is_empty() {
        bail!("no signature was acknowledged before the kill: the crash test proves nothing");
    }
    // Restart on the same file: recovery must not lose what was committed.
    let restarted = Receiver::start(root, server, &dir, "receiver.log")
        .await
        .context("the receiver did not restart after SIGKILL")?;
    let found = Receiver::stored_emails(server, root, &restarted.database_url)?;
    restarted.stop()?;
    let missing: Vec<String> =
        acknowledged.iter().filter(|e| !found.contains(e.as_str())).map(|e| e.to_string()).collect();
    Ok(CrashTest {
        connections: CONNECTIONS,
        killed_after_seconds: CRASH_AFTER.as_secs_f64(),
        acknowledged: acknowledged.len() as u64,
        found: found.len() as u64,
        acknowledged_found: (acknowledged.len() - missing.len()) as u64,
        missing,
        unanswered: logs.iter().map(|l| l.unanswered).sum(),
    })
}

fn cpu_per_signature(t: &Throughput) -> String {
    t.cpu_micros_per_signature.map_or_else(|| "not measured".to_string(), |micros| format!("{micros:.0} µs"))
}

impl ReceiverReport {
    pub fn markdown(&self) -> String {
        let t = &self.throughput;
        let c = &self.crash;
        let mut md = format!(
            "`undersigned-server` as deployed (`cargo build --profile server`) on {}, on this machine's loopback, with the load generator \
             (`xtask/src/bench/load.rs`: hyper's HTTP/1.1 client on tokio) sharing the same CPUs. Each connection sends \
             unique signatures one after the other; a 2xx is only sent after the commit, so acknowledged signatures are \
             durable ones.\n\n\
             | connections | seconds | acknowledged (2xx) | other answers | durable signatures/s | p50 | p90 | p99 | max | in the store after | receiver CPU per signature |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
             | {} | {:.1} | {} | {} | **{:.0}** | {:.1} ms | {:.1} ms | **{:.1} ms** | {:.1} ms | {} | {} |\n\n\
             With `confirmation = email` (each signature also queues a confirmation mail in its transaction; the \
             sender writes it to the mail folder meanwhile): **{:.0}** durable signatures/s, p50 {:.1} ms, p99 {:.1} ms \
             ({} acknowledged in {:.1} s; receiver CPU per signature {}).\n\n",
            self.database,
            t.connections,
            t.seconds,
            bytes(t.acknowledged),
            t.rejected,
            t.signatures_per_second,
            t.latency.p50_ms,
            t.latency.p90_ms,
            t.latency.p99_ms,
            t.latency.max_ms,
            bytes(t.stored),
            cpu_per_signature(t),
            self.throughput_confirmation.signatures_per_second,
            self.throughput_confirmation.latency.p50_ms,
            self.throughput_confirmation.latency.p99_ms,
            bytes(self.throughput_confirmation.acknowledged),
            self.throughput_confirmation.seconds,
            cpu_per_signature(&self.throughput_confirmation),
        );
        let _ = writeln!(
            md,
            "Crash test: the same load, the receiver killed with SIGKILL after {:.0} s, restarted on the same file, the store \
             read with `undersigned-server admin signers`.\n\n\
             | acknowledged before the kill | found after restart | acknowledged and found | missing | answers cut off by the kill |\n\
             |---:|---:|---:|---:|---:|\n\
             | {} | {} | {} | **{}** | {} |",
            c.killed_after_seconds,
            bytes(c.acknowledged),
            bytes(c.found),
            bytes(c.acknowledged_found),
            c.missing.len(),
            c.unanswered,
        );
        if !c.missing.is_empty() {
            let _ = writeln!(md, "\n**Lost after acknowledgement:** {}", c.missing.join(", "));
        }
        md
    }

    pub fn summary_rows(&self) -> String {
        let t = &self.throughput;
        let c = &self.crash;
        format!(
            "| receiver on SQLite: durable signatures/s ({} connections) / p50 / p99 / receiver CPU per signature | {:.0} / {:.1} ms / {:.1} ms / {} |\n\
             | the same with email confirmation (a mail queued per signature): durable signatures/s / p99 / receiver CPU per signature | {:.0} / {:.1} ms / {} |\n\
             | receiver crash test (SIGKILL under load): acknowledged / acknowledged and found after restart / missing | {} / {} / {} |\n",
            t.connections,
            t.signatures_per_second,
            t.latency.p50_ms,
            t.latency.p99_ms,
            cpu_per_signature(t),
            self.throughput_confirmation.signatures_per_second,
            self.throughput_confirmation.latency.p99_ms,
            cpu_per_signature(&self.throughput_confirmation),
            bytes(c.acknowledged),
            bytes(c.acknowledged_found),
            c.missing.len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_percentiles_use_the_nearest_rank() {
        let mut micros: Vec<u64> = (1..=100).rev().map(|ms| ms * 1000).collect();
        let l = Latency::of(&mut micros).unwrap();
        assert_eq!((l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms), (50.0, 90.0, 99.0, 100.0));
        assert!(Latency::of(&mut []).is_none());
    }
}
