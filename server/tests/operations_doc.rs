//! docs/operations.md is run, not just read: every block marked `sh run` or `sh stand-in` runs in
//! order in one bash (`set -euo pipefail`) from the repository's root, with the guide's system
//! paths mapped into a temporary folder, the receiver built for this test in place of
//! `/usr/local/bin/undersigned-server`, a free port in place of 8080, and the commands the guide
//! runs as the service's user (`runuser -u undersigned --`) run as the test's. Blocks marked
//! `sh system` (packages, systemd, nginx's folders, a public CA) are not run; the guide says so
//! and names the tests that cover their parts.

use std::process::Command;
use undersigned_core::signature::answer::AnswerStatus;

const DOC: &str = include_str!("../../docs/operations.md");

/// The bodies of the fenced blocks whose info string is one of `kinds`, in order.
fn blocks(kinds: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in DOC.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if kinds.contains(&info.trim()) => current = Some(String::new()),
            (Some(body), Some("")) => {
                out.push(std::mem::take(body));
                current = None;
            }
            (Some(body), _) => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_operations_guide_runs_as_written() {
    let runnable = blocks(&["sh run", "sh stand-in"]);
    assert!(runnable.len() >= 8, "the guide has its runnable blocks ({} found)", runnable.len());
    assert!(!blocks(&["sh system"]).is_empty());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().display().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut script = String::from("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
    for block in &runnable {
        script.push_str(block);
    }
    let script = script
        .replace("/usr/local/bin/undersigned-server", env!("CARGO_BIN_EXE_undersigned-server"))
        .replace("/etc/undersigned", &format!("{root}/etc/undersigned"))
        .replace("/var/lib/undersigned", &format!("{root}/var/lib/undersigned"))
        .replace("/var/backups/undersigned", &format!("{root}/var/backups/undersigned"))
        .replace("/usr/local/share/undersigned/pkg", concat!(env!("CARGO_MANIFEST_DIR"), "/../pkg"))
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
        .replace("runuser -u undersigned -- ", "");
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env_remove("DATABASE_URL")
        .env_remove("UNDERSIGNED_CONFIG")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let log = std::fs::read_to_string(format!("{root}/var/lib/undersigned/log.jsonl")).unwrap_or_default();
    assert!(
        output.status.success(),
        "the guide's commands failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- receiver log\n{log}"
    );
    // What the guide promises along the way.
    assert!(stdout.contains("dhs-paragon"), "admin campaigns lists the campaign:\n{stdout}");
    assert!(
        stdout.contains(&format!("\"status\":\"{}\"", AnswerStatus::CheckInbox.as_str())),
        "the signature was taken:\n{stdout}"
    );
    assert!(stderr.contains("a receiver is running"), "the restore under a running receiver was refused:\n{stderr}");
    assert!(stdout.contains("restored 1 signer(s)"), "the backup restored the one signature:\n{stdout}");
    assert!(stdout.contains("undersigned.db.before-restore-"), "the replaced database was kept:\n{stdout}");
    // The logs are JSON lines (the receiver's own first-start notices to the operator are not logs).
    let logs: Vec<&str> = log.lines().filter(|l| l.starts_with('{')).collect();
    assert!(logs.len() >= 2, "JSON log lines:\n{log}");
    for line in logs {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
    }
}
