//! Receiver configuration: command-line flags, then environment variables, then a TOML file
//! (`--config FILE` or `UNDERSIGNED_CONFIG`), then defaults; the first that sets a value wins.
//! docs/receiver.md lists every key.

use crate::http::rate_limit::RateLimit;
use anyhow::Context;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A folder served as static files under a URL prefix (the demo pages, the widget package), or one
/// file served at exactly that path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticMount {
    /// URL prefix, `/` or `/pkg` (no trailing slash except for the root).
    pub prefix: String,
    pub dir: PathBuf,
}

impl std::str::FromStr for StaticMount {
    type Err = String;

    /// Parses `PREFIX=DIR`, e.g. `/pkg=pkg`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (prefix, dir) = s.split_once('=').ok_or_else(|| format!("expected PREFIX=DIR, found `{s}`"))?;
        if !prefix.starts_with('/') {
            return Err(format!("the prefix `{prefix}` must start with `/`"));
        }
        let prefix = if prefix.len() > 1 { prefix.trim_end_matches('/') } else { prefix };
        Ok(StaticMount { prefix: prefix.to_string(), dir: PathBuf::from(dir) })
    }
}

/// Everything `serve` needs, resolved.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` or `postgres://…`.
    pub database_url: String,
    pub static_mounts: Vec<StaticMount>,
    /// Campaign source files imported (created or updated) at start.
    pub campaign_files: Vec<PathBuf>,
    /// Where the generated admin token is kept.
    pub data_dir: PathBuf,
    /// The admin token; None: read from (or generate into) `data_dir/admin-token`.
    pub admin_token: Option<String>,
    /// Origins allowed to post to every campaign, besides each campaign's own list.
    pub allowed_origins: Vec<String>,
    pub rate_limit: RateLimit,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Period of the safety-net poll for status changes made elsewhere (CLI, other instances).
    pub event_poll: Duration,
    /// Take the client address for rate limiting from the last `X-Forwarded-For` entry (set this
    /// only behind a reverse proxy that appends it).
    pub trust_forwarded_for: bool,
    /// The origin visitors reach the receiver at (`https://sign.example.org`), from the
    /// configuration only; None: the request's `Host` (local use). https turns on HSTS and `Secure`.
    pub public_origin: Option<String>,
    /// Connect to PostgreSQL on another machine without TLS (the operator trusts that network).
    pub allow_plaintext_database: bool,
    /// Reverse proxies (CIDRs) whose `X-Forwarded-For` is believed: the rate limit counts the
    /// first address from the right that is not one of them.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Open event streams this instance takes (0: no limit); above, `503 busy` with `Retry-After`.
    pub max_streams: usize,
    pub limits: ConnectionLimits,
    /// Outgoing mail: SMTP server or mail folder, sender address, the links' base.
    pub mail: crate::mail::MailConfig,
}

/// What one client may hold, and for how long (slow clients must not exhaust the receiver).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Open connections at once; None: the file-descriptor limit less 256.
    pub max_connections: Option<usize>,
    /// To send a request's headers, from connecting or since the previous answer.
    pub header_timeout: Duration,
    /// To send a request's body.
    pub body_timeout: Duration,
    /// A kept-alive connection with no request in flight is closed after this.
    pub idle_timeout: Duration,
    /// A graceful shutdown waits this long for in-flight requests, then closes what is left.
    pub shutdown_grace: Duration,
}

pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(15);
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/undersigned.db";
pub const DEFAULT_RATE_LIMIT: RateLimit = RateLimit { per_minute: 30, burst: 10 };
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024;
pub const DEFAULT_EVENT_POLL_MS: u64 = 2000;
/// Each open stream costs a file descriptor and a few kilobytes; common `ulimit -n` hard limits
/// are 20,000 or more.
pub const DEFAULT_MAX_STREAMS: usize = 10_000;

/// The TOML file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    #[serde(rename = "static", default)]
    pub static_mounts: Vec<String>,
    #[serde(default)]
    pub campaigns: Vec<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub admin_token: Option<String>,
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub rate_limit_per_minute: Option<u32>,
    pub rate_limit_burst: Option<u32>,
    pub max_body_bytes: Option<usize>,
    pub event_poll_ms: Option<u64>,
    pub trust_forwarded_for: Option<bool>,
    pub public_origin: Option<String>,
    pub allow_plaintext_database: Option<bool>,
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    pub max_streams: Option<usize>,
    pub max_connections: Option<usize>,
    pub header_timeout_secs: Option<u64>,
    pub body_timeout_secs: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub shutdown_grace_secs: Option<u64>,
    pub smtp_url: Option<String>,
    pub smtp_password: Option<String>,
    pub mail_from: Option<String>,
    pub mail_folder: Option<PathBuf>,
    pub show_mail_folder: Option<bool>,
}

impl FileConfig {
    pub fn read(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("the configuration file {} is not valid", path.display()))
    }
}

/// Parses trusted proxies: CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single addresses.
pub fn parse_trusted_proxies(entries: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    entries
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .map(|e| {
            e.parse::<ipnet::IpNet>()
                .or_else(|_| e.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| anyhow::anyhow!("trusted_proxies: `{e}` is neither a CIDR like 10.0.0.0/8 nor an address"))
        })
        .collect()
}

/// The data folder when none is configured: the SQLite file's folder, or `data` for PostgreSQL.
pub fn default_data_dir(database_url: &str) -> PathBuf {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|path| path.split('?').next().unwrap_or(path))
        .and_then(|path| Path::new(path).parent().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("data"))
}

impl ServerConfig {
    /// A configuration with every default, for a database URL and listen address (tests, bench).
    pub fn new(listen: SocketAddr, database_url: &str) -> ServerConfig {
        let data_dir = default_data_dir(database_url);
        ServerConfig {
            mail: crate::mail::MailConfig::folder_in(&data_dir),
            listen,
            database_url: database_url.to_string(),
            static_mounts: Vec::new(),
            campaign_files: Vec::new(),
            data_dir,
            admin_token: None,
            allowed_origins: Vec::new(),
            rate_limit: DEFAULT_RATE_LIMIT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            event_poll: Duration::from_millis(DEFAULT_EVENT_POLL_MS),
            trust_forwarded_for: false,
            public_origin: None,
            allow_plaintext_database: false,
            trusted_proxies: Vec::new(),
            max_streams: DEFAULT_MAX_STREAMS,
            limits: ConnectionLimits::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_follows_the_sqlite_file() {
        assert_eq!(default_data_dir("sqlite://var/lib/u/undersigned.db"), PathBuf::from("var/lib/u"));
        assert_eq!(default_data_dir("sqlite://x.db"), PathBuf::from("data"));
        assert_eq!(default_data_dir("postgres://u@h/db"), PathBuf::from("data"));
    }

    #[test]
    fn file_keys_parse_and_unknown_keys_are_refused() {
        let file: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:80\"\nallowed_origins = [\"https://p.example\"]\nrate_limit_per_minute = 0\n",
        )
        .unwrap();
        assert_eq!(file.rate_limit_per_minute, Some(0));
        assert!(toml::from_str::<FileConfig>("lissten = 1").is_err());
    }
}
