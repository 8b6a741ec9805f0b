//! Where things are: the repository root, from which every command finds the workspace's files.
//! A module of its own (not `main.rs`) so that the commands that need it do not import the file
//! that dispatches to them.

use std::path::PathBuf;

/// The repository root (the parent of this crate's folder).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}
