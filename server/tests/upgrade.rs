//! Upgrades. A database written by the previous release (tests/fixtures/upgrade/, made by
//! `make.sh` there from that release's binary) migrates forward on start with every signer, every
//! status change and every stored idempotency answer intact; a database that a newer release
//! migrated is refused, untouched, with a message that says so.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::*;
use undersigned_core::signature::answer::AnswerStatus;
use undersigned_server::store::Store;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upgrade");

fn json_lines(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("a fixture file");
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

/// The migration versions this build embeds, from the migration file names.
fn known_versions(backend: &str) -> Vec<i64> {
    let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
    let mut versions: Vec<i64> = std::fs::read_dir(dir)
        .expect("the migrations folder")
        .filter_map(|e| e.ok()?.file_name().to_str()?.split('_').next()?.parse().ok())
        .collect();
    versions.sort();
    versions
}

/// A fresh copy of the SQLite fixture in a temporary folder, and its URL.
fn sqlite_copy() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("undersigned.db");
    std::fs::copy(format!("{FIXTURES}/sqlite.db"), &path).expect("copy the fixture");
    let url = format!("sqlite://{}", path.display());
    (dir, url)
}

/// A new PostgreSQL database holding the PostgreSQL fixture (a plain `pg_dump --inserts`).
async fn postgres_copy() -> TestDb {
    use sqlx::Connection;
    let db = TestDb::new(Backend::Postgres).await;
    let dump = std::fs::read_to_string(format!("{FIXTURES}/postgres.sql")).expect("the PostgreSQL fixture");
    // psql's own commands (`\restrict`, which pg_dump writes since 15.14) are for psql, not SQL.
    let dump: String = dump.lines().filter(|l| !l.starts_with('\\')).map(|l| format!("{l}\n")).collect();
    // One connection of its own: the dump empties `search_path` for the session that runs it.
    let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::raw_sql(&dump).execute(&mut conn).await.expect("the dump loads");
    conn.close().await.expect("close");
    db
}

/// Every signer and status change of the fixture, as the old release listed them, is still there.
async fn assert_intact(url: &str, backend: &str) {
    let store = Store::connect(url).await.expect("the previous release's database opens and migrates");
    assert_eq!(store.applied_migrations().await.unwrap(), known_versions(backend), "every migration applied");

    let expected = json_lines(&format!("{backend}-signers.jsonl"));
    assert!(expected.len() >= 12, "the fixture has signers of every kind and state");
    let signers: Vec<Value> = store
        .signers(CAMPAIGN, None, 1000, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|s| serde_json::to_value(s).unwrap())
        .collect();
    assert_eq!(signers.len(), expected.len(), "as many signers as before");
    for (old, new) in expected.iter().zip(&signers) {
        for key in ["id", "kind", "state", "listed", "email", "spam_reason", "created_at", "decided_at"] {
            assert_eq!(old[key], new[key], "signer {}: `{key}` kept", old["id"]);
        }
        for (field, value) in old["data"].as_object().unwrap() {
            assert_eq!(&new["data"][field], value, "signer {}: `data.{field}` kept", old["id"]);
        }
    }
    let states: std::collections::BTreeSet<&str> = signers.iter().filter_map(|s| s["state"].as_str()).collect();
    assert_eq!(states.len(), 4, "pending, approved, rejected and spam are all represented: {states:?}");

    let mut history: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for change in json_lines(&format!("{backend}-history.jsonl")) {
        history.entry(change["demand"]["id"].as_str().unwrap().to_string()).or_default().push(change);
    }
    assert!(history.values().map(Vec::len).sum::<usize>() >= 3, "the fixture has status changes");
    for (demand, old) in &history {
        let new: Vec<Value> = store
            .demand_history(CAMPAIGN, demand)
            .await
            .unwrap()
            .into_iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .collect();
        assert_eq!(new.len(), old.len(), "{demand}: every change kept");
        for (o, n) in old.iter().zip(&new) {
            assert_eq!(o["id"], n["id"]);
            assert_eq!(o["demand"], n["demand"], "{demand}: status, note, evidence and time kept");
        }
    }
    store.close().await;

    // The upgraded database serves: the stored answer of a key is replayed, new signatures land.
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = test_config(&TestDb::existing(url));
    // A folder of its own: the receiver may tighten its data folder's permissions.
    config.data_dir = data_dir.path().to_path_buf();
    let server = TestServer::start(config).await;
    let retry = serde_json::json!({"kind":"individual","name":"Zoë Ñandú","title":"Researcher","affiliation":"Universidad de Ejemplo","email":"Zoe.Nandu@Example.org","country":"mx","list_publicly":true,"updates_opt_in":true,"idempotency_key":"00000000-0000-4000-8000-000000000001","fill_ms":9000,"source":"partner-site","utm_source":"newsletter"});
    let (status, body) = server.sign(retry).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (201, Some(AnswerStatus::Signed.as_str())),
        "the original answer is replayed: {body}"
    );
    server.set_settings(serde_json::json!({"moderation": "auto"})).await;
    let (status, body) = server.sign(individual("after-upgrade@example.org", &uuid(777))).await;
    assert_eq!(status, 201, "a new signature after the upgrade: {body}");
    let counts: Value = server
        .http
        .get(server.url(&format!("/api/campaigns/{CAMPAIGN}/signers")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let approved_before = expected.iter().filter(|s| s["state"] == "approved").count() as u64;
    assert_eq!(counts["counts"]["total"].as_u64(), Some(approved_before + 1));
    let feed: Value = server
        .http
        .get(server.url(&format!("/api/campaigns/{CAMPAIGN}/status")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let contract = feed["demands"].as_array().unwrap().iter().find(|d| d["id"] == "contract").unwrap().clone();
    assert_eq!(contract["status"], "disclosed", "the latest change is the current status: {contract}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_sqlite_database_migrates_forward_intact() {
    let (_dir, url) = sqlite_copy();
    assert_intact(&url, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_postgres_database_migrates_forward_intact() {
    let db = postgres_copy().await;
    assert_intact(&db.url, "postgres").await;
}

/// Marks the database as migrated by a release that knows migration 9999.
async fn from_the_future(url: &str) {
    use sqlx::any::AnyPoolOptions;
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new().max_connections(1).connect(url).await.expect("connect");
    sqlx::query("CREATE TABLE future_things (id INTEGER PRIMARY KEY)").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future things', TRUE, $1, 0)")
        .bind(vec![0u8; 48])
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

async fn assert_refused(url: &str, backend: &str) {
    Store::connect(url).await.expect("migrates to today's version first").close().await;
    from_the_future(url).await;
    let Err(error) = Store::connect(url).await else { panic!("a database of a newer release must be refused") };
    let message = format!("{error:#}");
    assert!(message.contains("newer release") && message.contains("9999 (future things)"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    // Nothing was applied or removed: the future's migration and table are still there.
    use sqlx::any::AnyPoolOptions;
    let pool = AnyPoolOptions::new().max_connections(1).connect(url).await.unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(&pool).await.unwrap();
    let mut expected = known_versions(backend);
    expected.push(9999);
    assert_eq!(versions, expected);
    let signers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signers").fetch_one(&pool).await.unwrap();
    assert_eq!(signers as usize, json_lines(&format!("{backend}-signers.jsonl")).len());
    pool.close().await;
    // The command line says the same, and exits non-zero.
    let (ok, _, stderr) = admin_cli_result(&TestDb::existing(url), &["campaigns"]);
    assert!(!ok && stderr.contains("newer release"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_of_a_newer_release_is_refused_untouched() {
    let (_dir, url) = sqlite_copy();
    assert_refused(&url, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_of_a_newer_release_is_refused_untouched() {
    let db = postgres_copy().await;
    assert_refused(&db.url, "postgres").await;
}
