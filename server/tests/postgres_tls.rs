//! PostgreSQL over TLS (issue 16): `sslmode=verify-full` is honoured (a server certificate from a
//! private CA is accepted only with that CA as `sslrootcert`, and only for the name it was issued
//! to), and plaintext to a host other than this machine is refused unless the operator allows it.
//! The cluster is this test's own, with a CA and a certificate for `localhost` made by `openssl`.

mod support;

use std::path::Path;
use std::process::Command;
use support::*;
use undersigned_server::store::Store;

fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl runs").status.success();
    assert!(ok, "openssl {args:?} failed");
}

/// A cluster with TLS on, its certificate for `localhost` signed by a CA in `dir/ca.pem`.
fn tls_cluster() -> Cluster {
    Cluster::start_with_dir(|dir| {
        openssl(
            dir,
            &["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem"]
                .into_iter()
                .chain(["-subj", "/CN=Undersigned test CA", "-days", "2"])
                .collect::<Vec<_>>(),
        );
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
        openssl(
            dir,
            &["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out"]
                .into_iter()
                .chain(["server.pem", "-days", "2", "-extfile", "san.ext"])
                .collect::<Vec<_>>(),
        );
        if is_root() {
            for file in ["server.key", "server.pem"] {
                assert!(Command::new("chown").arg("postgres").arg(dir.join(file)).status().unwrap().success());
            }
        }
        assert!(Command::new("chmod").arg("600").arg(dir.join("server.key")).status().unwrap().success());
        format!("-c ssl=on -c ssl_cert_file={0}/server.pem -c ssl_key_file={0}/server.key", dir.display())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_is_honoured() {
    let cluster = tls_cluster();
    let ca = cluster.dir.join("ca.pem");
    let url = |host: &str, root: Option<&Path>| {
        let root = root.map_or(String::new(), |r| format!("&sslrootcert={}", r.display()));
        format!("postgres://postgres@{host}:{}/postgres?sslmode=verify-full{root}", cluster.port)
    };
    // The right name and the CA: connected, over TLS.
    let good = url("localhost", Some(&ca));
    let store = Store::connect(&good).await.expect("verify-full with the CA connects");
    store.close().await;
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&good).await.unwrap();
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(ssl, "the session is encrypted");
    // A CA the receiver was not told about: refused.
    let unknown = match Store::connect(&url("localhost", None)).await {
        Ok(_) => panic!("a certificate from an unknown CA was accepted"),
        Err(e) => format!("{e:#}"),
    };
    assert!(unknown.contains("UnknownIssuer"), "refused for another reason: {unknown}");
    // The right CA, another name than the certificate's: refused.
    let wrong_name = match Store::connect(&url("127.0.0.1", Some(&ca))).await {
        Ok(_) => panic!("a certificate for another name was accepted"),
        Err(e) => format!("{e:#}"),
    };
    assert!(wrong_name.contains("not valid for name"), "refused for another reason: {wrong_name}");
}

#[tokio::test]
async fn plaintext_to_another_host_is_refused_at_start() {
    let config = undersigned_server::config::ServerConfig::new(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        "postgres://undersigned@db.example/undersigned",
    );
    let error = match undersigned_server::app::start(config).await {
        Ok(_) => panic!("a plaintext URL to db.example was accepted"),
        Err(e) => format!("{e:#}"),
    };
    assert!(error.contains("sslmode=verify-full") && error.contains("allow_plaintext_database"), "{error}");
}

#[test]
fn admin_commands_refuse_plaintext_to_another_host_too() {
    let output = Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["admin", "--database-url", "postgres://undersigned@db.example/undersigned", "campaigns"])
        .env_remove("UNDERSIGNED_ALLOW_PLAINTEXT_DATABASE")
        .output()
        .expect("the receiver's binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the admin command ran: {stderr}");
    assert!(stderr.contains("db.example") && stderr.contains("allow_plaintext_database"), "{stderr}");
}
