//! The admin bearer token: configured, or generated on first start and kept in the data folder
//! (`admin-token`, readable by its owner only). Compared in constant time.

use anyhow::Context;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

/// The token an admin request must present.
#[derive(Clone)]
pub struct AdminToken(String);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(…)")
    }
}

pub const TOKEN_FILE: &str = "admin-token";

impl AdminToken {
    pub fn new(token: String) -> anyhow::Result<AdminToken> {
        anyhow::ensure!(token.trim().len() >= 16, "the admin token must be at least 16 characters long");
        Ok(AdminToken(token.trim().to_string()))
    }

    /// The configured token, else the one saved in `data_dir`, else a new one saved there. The
    /// token itself is never printed (terminal scrollback, journald and CI logs keep what a
    /// process prints): only the path of the file that holds it, which only its owner can read.
    pub fn resolve(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<AdminToken> {
        if let Some(token) = configured {
            return AdminToken::new(token.to_string());
        }
        let path = data_dir.join(TOKEN_FILE);
        if let Ok(saved) = std::fs::read_to_string(&path) {
            return AdminToken::new(saved)
                .with_context(|| format!("{} holds no valid token; delete it to get a new one", path.display()));
        }
        crate::private_files::private_dir(data_dir)?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = crate::signing::hex(&bytes);
        write_private(&path, &token).with_context(|| format!("cannot save the admin token in {}", path.display()))?;
        println!(
            "undersigned-server: generated an admin token; it is in {} (readable by its owner only)",
            path.display()
        );
        Ok(AdminToken(token))
    }

    /// Whether `presented` is the token, in time independent of where they differ (both sides are
    /// hashed first, so the length does not leak either).
    pub fn matches(&self, presented: &str) -> bool {
        Sha256::digest(presented.as_bytes()).ct_eq(&Sha256::digest(self.0.as_bytes())).into()
    }
}

fn write_private(path: &Path, token: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = AdminToken::resolve(None, dir.path()).unwrap();
        let second = AdminToken::resolve(None, dir.path()).unwrap();
        assert_eq!(first.0, second.0);
        assert!(first.matches(&first.0) && !first.matches("wrong") && !first.matches(""));
        assert!(AdminToken::resolve(Some("short"), dir.path()).is_err());
    }
}
