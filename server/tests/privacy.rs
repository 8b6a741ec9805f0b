//! Less personal data left lying around, on the receiver: the data folder is its owner's alone
//! (0700) and so are the database files (0600); an erased signer is gone from the SQLite files, not
//! only from query results; the generated admin token is never printed, only where it is kept.

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// Every byte of the database and its write-ahead log.
fn database_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).expect("the database file");
    let wal = db.with_extension("db-wal");
    if let Ok(log) = std::fs::read(&wal) {
        bytes.extend(log);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_folder_is_0700_and_the_database_files_0600() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let mut db = TestDb::new(Backend::Sqlite).await;
    db.url = format!("sqlite://{}", data.join("undersigned.db").display());
    let s = TestServer::new(&db).await;
    assert_eq!(s.sign(individual("ana@example.org", &uuid(1))).await.0, 201);
    assert_eq!(mode(&data), 0o700, "the data folder");
    for file in ["undersigned.db", "undersigned.db-wal", "undersigned.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    s.stop().await;

    // A database left readable by an earlier release is tightened at the next start.
    std::fs::set_permissions(data.join("undersigned.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = TestServer::start(test_config(&db)).await;
    assert_eq!((mode(&data), mode(&data.join("undersigned.db"))), (0o700, 0o600));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_signer_is_gone_from_the_database_files() {
    let db = TestDb::new(Backend::Sqlite).await;
    let path = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    let s = TestServer::new(&db).await;
    let mut erased = individual("erase-me-4711@example.org", &uuid(1));
    erased["name"] = "Zelda Erasable".into();
    assert_eq!(s.sign(erased).await.0, 201);
    assert_eq!(s.sign(individual("stays@example.org", &uuid(2))).await.0, 201);
    assert!(contains(&database_bytes(&path), "erase-me-4711@example.org"), "the signature is in the files first");

    let id = s.admin_signers().await[0]["id"].as_i64().unwrap();
    let res = s.admin(reqwest::Method::DELETE, &format!("/campaigns/{CAMPAIGN}/signers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let bytes = database_bytes(&path);
    for trace in ["erase-me-4711", "Zelda Erasable"] {
        assert!(!contains(&bytes, trace), "`{trace}` is still in the database files after erasure");
    }
    assert!(contains(&bytes, "stays@example.org"), "the other signer is untouched");
    s.stop().await;
}

#[test]
fn the_generated_admin_token_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("u.db").display()))
        .env_remove("UNDERSIGNED_ADMIN_TOKEN")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the receiver starts");
    let mut printed = String::new();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout"));
    while !printed.contains("listening") {
        let mut line = String::new();
        if lines.read_line(&mut line).expect("stdout reads") == 0 {
            break;
        }
        printed.push_str(&line);
    }
    child.kill().expect("stops");
    let mut rest = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        std::io::Read::read_to_string(&mut stderr, &mut rest).expect("stderr reads");
    }
    child.wait().expect("exits");
    printed.push_str(&rest);
    let token_file = data.join("admin-token");
    let token = std::fs::read_to_string(&token_file).expect("the token was generated");
    assert!(token.trim().len() >= 32, "a real token was made");
    assert!(printed.contains("listening"), "the receiver started: {printed}");
    assert!(printed.contains(&token_file.display().to_string()), "the file's path is printed: {printed}");
    assert!(!printed.contains(token.trim()), "the token itself is printed: {printed}");
    assert_eq!(mode(&token_file), 0o600);
    assert_eq!(mode(&data), 0o700);
}
