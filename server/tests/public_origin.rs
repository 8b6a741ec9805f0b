//! Behind a proxy: the receiver's own origin comes from `public_origin`, never from the `Host` a
//! client sends; an https origin adds HSTS; `/readyz` follows the database, `/healthz` the process.

mod support;

use support::*;

const PUBLIC: &str = "https://sign.example.org";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_origin_is_the_own_origin_and_https_adds_hsts() {
    let db = TestDb::new(Backend::Sqlite).await;
    let server = TestServer::with(&db, |c| c.public_origin = Some(PUBLIC.into())).await;
    let health = server.http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.headers()["strict-transport-security"], "max-age=31536000");
    let ready = server.http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    let post = |origin: &str| {
        server
            .http
            .post(server.sign_url())
            .header("origin", origin)
            .json(&individual(&format!("{}@x.example", origin.len()), &uuid(origin.len() as u32)))
    };
    // The address the client actually used (its Host) is not the receiver's origin any more...
    let by_host = post(&server.base).send().await.unwrap();
    assert_eq!(by_host.status(), 403, "an origin matching only the request's Host is refused");
    // ...the configured one is.
    let by_config = post(PUBLIC).send().await.unwrap();
    assert_eq!(by_config.status(), 201, "{}", by_config.text().await.unwrap());
    server.stop().await;

    // A plain-http origin sends no HSTS.
    let server = TestServer::with(&db, |c| c.public_origin = Some("http://127.0.0.1:8080".into())).await;
    let health = server.http.get(server.url("/healthz")).send().await.unwrap();
    assert!(health.headers().get("strict-transport-security").is_none());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_database_and_liveness_does_not() {
    let db = TestDb::new(Backend::Postgres).await;
    let server = TestServer::new(&db).await;
    assert_eq!(server.http.get(server.url("/readyz")).send().await.unwrap().status(), 200);
    // The database goes away under the running receiver.
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let admin_url = std::env::var(POSTGRES_ENV).unwrap();
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::Executor::execute(&mut conn, format!("DROP DATABASE {name} WITH (FORCE)").as_str()).await.unwrap();
    let ready = server.http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "{}", ready.text().await.unwrap());
    assert_eq!(server.http.get(server.url("/healthz")).send().await.unwrap().status(), 200);
    server.stop().await;
}

#[test]
fn a_public_origin_with_a_path_is_refused_at_start() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["serve", "--public-origin", "https://sign.example.org/letters", "--database-url", "sqlite::memory:"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("public_origin"), "{stderr}");
}
