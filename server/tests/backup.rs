//! Backups that restore. SQLite: `admin backup` taken while signatures arrive holds every
//! signature acknowledged before it started (by count and by address), `admin restore` refuses a
//! database a receiver runs on, and the restored database serves. PostgreSQL: the guide's
//! `pg_dump`/`pg_restore` commands, run as written there.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use support::*;

/// Addresses acknowledged (in the order the answers arrived), addresses sent, and the clients.
type Load = (Arc<Mutex<Vec<String>>>, Arc<Mutex<BTreeSet<String>>>, Vec<tokio::task::JoinHandle<()>>);

/// Signs with `writers` concurrent clients until `stop`; every acknowledged address goes into
/// `acked`, every address into `sent` before it is sent.
fn start_load(server: &TestServer, writers: u32, stop: Arc<AtomicBool>) -> Load {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let sent = Arc::new(Mutex::new(BTreeSet::new()));
    let tasks = (0..writers)
        .map(|w| {
            let (http, url, stop, acked, sent) =
                (server.http.clone(), server.sign_url(), stop.clone(), acked.clone(), sent.clone());
            tokio::spawn(async move {
                let mut n = 0u32;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let email = format!("w{w}-n{n}@load.example");
                    sent.lock().unwrap().insert(email.clone());
                    let res = http.post(&url).json(&individual(&email, &uuid(w * 1_000_000 + n))).send().await;
                    if res.is_ok_and(|r| r.status() == 201) {
                        acked.lock().unwrap().push(email);
                    }
                }
            })
        })
        .collect();
    (acked, sent, tasks)
}

/// Waits (without a timer assertion) until at least `n` signatures were acknowledged.
async fn until_acked(acked: &Mutex<Vec<String>>, n: usize) {
    while acked.lock().unwrap().len() < n {
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_signature_acknowledged_before_it() {
    let db = TestDb::new(Backend::Sqlite).await;
    let server = TestServer::new(&db).await;
    let stop = Arc::new(AtomicBool::new(false));
    let (acked, sent, tasks) = start_load(&server, 4, stop.clone());
    until_acked(&acked, 150).await;

    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    let before: Vec<String> = acked.lock().unwrap().clone();
    let backup_arg = backup.display().to_string();
    let url = db.url.clone();
    // The real command, in its own process, while the four clients keep signing.
    let cli = tokio::task::spawn_blocking(move || admin_cli_result(&TestDb::existing(&url), &["backup", &backup_arg]));
    let (ok, stdout, stderr) = cli.await.unwrap();
    assert!(ok, "backup failed: {stderr}");
    let during = acked.lock().unwrap().len();
    until_acked(&acked, during + 50).await;
    assert!(stdout.contains("backed up"), "{stdout}");

    // A receiver runs on the database: restore refuses and changes nothing.
    let (ok, _, stderr) = admin_cli_result(&db, &["restore", &backup.display().to_string()]);
    assert!(!ok && stderr.contains("a receiver is running"), "restore over a running receiver: {stderr}");
    // The backup file is refused as a destination too: backups never overwrite.
    let (ok, _, stderr) = admin_cli_result(&db, &["backup", &backup.display().to_string()]);
    assert!(!ok && stderr.contains("already exists"), "{stderr}");

    stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
    let all_acked = acked.lock().unwrap().len();
    server.stop().await;

    let stdout = admin_cli(&db, &["restore", &backup.display().to_string()]);
    assert!(stdout.contains("the replaced database is kept as"), "{stdout}");
    let emails: BTreeSet<String> = admin_cli(&db, &["signers", CAMPAIGN])
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["email"].as_str().unwrap().to_string())
        .collect();
    let missing: Vec<&String> = before.iter().filter(|e| !emails.contains(*e)).collect();
    assert!(missing.is_empty(), "acknowledged before the backup began but not restored: {missing:?}");
    assert!(emails.len() >= before.len(), "count: {} restored, {} acknowledged before", emails.len(), before.len());
    assert!(emails.len() <= all_acked, "count: the backup ({}) is a snapshot, not the end ({all_acked})", emails.len());
    let sent = sent.lock().unwrap().clone();
    assert!(emails.iter().all(|e| sent.contains(e)), "nothing in the backup that was never sent");
    eprintln!(
        "backup under load: {} acknowledged before, {} in the backup, {all_acked} in all",
        before.len(),
        emails.len()
    );

    // The restored receiver takes new signatures.
    let restored = TestServer::start(test_config(&db)).await;
    let (status, body) = restored.sign(individual("after-restore@example.org", &uuid(999_999_999))).await;
    assert_eq!(status, 201, "{body}");
    restored.stop().await;
}

/// The guide's PostgreSQL commands: `pg_dump -Fc` of the live database, `pg_restore` into a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backups_restore_with_pg_dump_and_pg_restore() {
    let db = TestDb::new(Backend::Postgres).await;
    let server = TestServer::new(&db).await;
    for n in 0..20 {
        let (status, _) = server.sign(individual(&format!("pg{n}@example.org"), &uuid(n))).await;
        assert_eq!(status, 201);
    }
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("undersigned.dump");
    let run = |cmd: &mut std::process::Command| {
        let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .args(["--dbname", &db.url]));
    server.stop().await;
    let target = TestDb::new(Backend::Postgres).await;
    run(std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname", &target.url])
        .arg(&dump));
    let restored = TestServer::start(test_config(&target)).await;
    let signers = restored.admin_signers().await;
    let emails: BTreeSet<&str> = signers.iter().filter_map(|s| s["email"].as_str()).collect();
    assert_eq!(emails.len(), 20);
    assert!((0..20).all(|n| emails.contains(format!("pg{n}@example.org").as_str())));
    let (status, _) = restored.sign(individual("after@example.org", &uuid(99))).await;
    assert_eq!(status, 201, "ids continue after the restored ones");
    restored.stop().await;
}

/// A restore run as root (the operator's shell) leaves a file the service's own user still owns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_keeps_the_owner_and_mode_of_the_database_it_replaces() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let db = TestDb::new(Backend::Sqlite).await;
    let server = TestServer::new(&db).await;
    assert_eq!(server.sign(individual("owner@example.org", &uuid(1))).await.0, 201);
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("b.db").display().to_string();
    admin_cli(&db, &["backup", &backup]);
    server.stop().await;

    let path = undersigned_server::backup::sqlite_path(&db.url).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let me = std::fs::metadata(&path).unwrap().uid();
    // As root, the database belongs to another user (nobody), as it does under systemd.
    let owner = if me == 0 { 65534 } else { me };
    std::os::unix::fs::chown(&path, Some(owner), Some(owner)).unwrap();
    admin_cli(&db, &["restore", &backup]);
    let restored = std::fs::metadata(&path).unwrap();
    assert_eq!(restored.mode() & 0o777, 0o640);
    assert_eq!((restored.uid(), restored.gid()), (owner, owner));
}
