//! How the receiver reaches PostgreSQL: over TLS (rustls, through sqlx's `tls-rustls`) whenever
//! the database is on another machine. sqlx honours the URL's `sslmode` (`verify-full` checks the
//! certificate chain, against the web's roots or the URL's `sslrootcert`, and the host name);
//! this module refuses, before connecting, a URL that could send signers' data in plaintext to a
//! host other than this machine (`sslmode` absent, `disable`, `allow` or `prefer`, which falls back
//! to plaintext), unless the operator says the network path is trusted
//! (`allow_plaintext_database`).

use anyhow::{bail, Context};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use std::net::IpAddr;
use std::str::FromStr;

/// Ok when `database_url` is SQLite, reaches PostgreSQL on this machine (loopback or a Unix
/// socket), asks for TLS, or `allow_plaintext` is set. The URL is read by sqlx's own parser, so
/// the host and `sslmode` judged here are the ones sqlx connects with (including `PGHOST`,
/// `PGSSLMODE` … from the environment).
pub fn check(database_url: &str, allow_plaintext: bool) -> anyhow::Result<()> {
    if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) || allow_plaintext {
        return Ok(());
    }
    let options = PgConnectOptions::from_str(database_url)
        .context("database_url: not a valid PostgreSQL URL (postgres://user@host:port/database?sslmode=verify-full)")?;
    let mode = options.get_ssl_mode();
    if matches!(mode, PgSslMode::Require | PgSslMode::VerifyCa | PgSslMode::VerifyFull) {
        return Ok(());
    }
    // A Unix socket (`host=/run/postgresql`, or sqlx's default when one exists) is this machine.
    let host = options.get_host();
    let local = options.get_socket().is_some()
        || host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if local {
        return Ok(());
    }
    let mode = match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        _ => "prefer, which falls back to plaintext",
    };
    bail!(
        "database_url: PostgreSQL at `{host}` would be reached without TLS (sslmode {mode}): add \
         `sslmode=verify-full` to the URL (with `sslrootcert=/path/ca.pem` for a private CA), or set \
         `allow_plaintext_database = true` (`--allow-plaintext-database`) if the network to it is trusted"
    )
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn plaintext_to_another_host_is_refused_unless_allowed() {
        let remote = "postgres://u@db.example/undersigned";
        let error = check(remote, false).unwrap_err().to_string();
        assert!(error.contains("db.example") && error.contains("sslmode=verify-full"), "{error}");
        assert!(check("postgres://u@db.example/x?sslmode=prefer", false).is_err());
        assert!(check("postgres://u@db.example/x?sslmode=disable", false).is_err());
        assert!(check("postgres://u@10.0.0.5:5432/x", false).is_err());
        assert!(check(remote, true).is_ok(), "the operator's explicit choice");
        for tls in ["require", "verify-ca", "verify-full"] {
            assert!(check(&format!("{remote}?sslmode={tls}"), false).is_ok(), "{tls}");
        }
    }

    #[test]
    fn this_machine_and_sqlite_need_no_tls() {
        for url in [
            "postgres://u@localhost/x",
            "postgres://u@127.0.0.1:5433/x",
            "postgresql://u@[::1]/x",
            "postgres:///x?host=/var/run/postgresql&user=u",
            "sqlite://data/undersigned.db",
        ] {
            assert!(check(url, false).is_ok(), "{url}");
        }
    }
}
