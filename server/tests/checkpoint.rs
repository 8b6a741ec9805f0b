//! SQLite's WAL is copied back into the database file by the receiver's checkpoint task, while the
//! receiver runs, rather than inside the signature writer's commits (which now checkpoint only
//! past a backstop of thousands of pages): a copy of the database file alone (no `-wal`) taken
//! while the receiver is still running holds signatures committed a moment before.

mod support;

use std::time::{Duration, Instant};
use support::*;
use undersigned_server::store::checkpoint;

/// Signers in a copy of the database file without its WAL.
async fn signers_in_file_alone(database: &std::path::Path) -> i64 {
    let copy = tempfile::tempdir().unwrap();
    let file = copy.path().join("copy.db");
    std::fs::copy(database, &file).unwrap();
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}?mode=ro", file.display())).await.unwrap();
    // No table yet: nothing was copied back at all.
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signers").fetch_one(&pool).await.unwrap_or(0);
    pool.close().await;
    count
}

#[tokio::test]
async fn signatures_reach_the_database_file_while_the_receiver_runs() {
    let db = TestDb::new(Backend::Sqlite).await;
    let database = std::path::PathBuf::from(db.url.strip_prefix("sqlite://").unwrap());
    let server = TestServer::new(&db).await;
    // The campaign's import itself may have been copied back already; count from here.
    tokio::time::sleep(checkpoint::INTERVAL * 3).await;
    let before = signers_in_file_alone(&database).await;
    for n in 0..20 {
        let (status, body) = server.sign(individual(&format!("file-{n}@example.org"), &uuid(n))).await;
        assert!(status == 201 || status == 202, "{status} {body}");
    }
    // A few checkpoint intervals: the task copies the WAL back; the writer would not have (20
    // signatures are far below its backstop).
    let deadline = Instant::now() + checkpoint::INTERVAL * 25;
    let mut found = signers_in_file_alone(&database).await - before;
    while found < 20 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        found = signers_in_file_alone(&database).await - before;
    }
    assert_eq!(found, 20, "the database file alone holds {found} of the 20 signatures committed");
    server.stop().await;
}
