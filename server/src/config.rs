//! Receiver configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

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

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` or `postgres://…`.
    pub database_url: String,
    pub static_mounts: Vec<StaticMount>,
    /// Campaign source files imported (created or updated) at start.
    pub campaign_files: Vec<PathBuf>,
}
