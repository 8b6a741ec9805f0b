//! Receiver (issue 4): durable signatures per second and latency under concurrent load on SQLite
//! over loopback, and a crash test (SIGKILL under load, restart, every acknowledged signature found).

use super::report::Section;
use crate::exec::{self, cargo};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Builds the receiver's release binary (the one that is benchmarked) and returns its path.
pub fn release_server(root: &Path) -> anyhow::Result<PathBuf> {
    exec::run(cargo().current_dir(root).args(["build", "--release", "-p", "undersigned-server"]))?;
    Ok(root.join("target/release/undersigned-server"))
}

#[derive(Debug, Serialize)]
pub struct ReceiverReport {}

impl ReceiverReport {
    pub fn markdown(&self) -> String {
        String::new()
    }

    pub fn summary_rows(&self) -> String {
        String::new()
    }
}

pub fn run(_root: &Path, _out_dir: &Path) -> Section<ReceiverReport> {
    Section::NotMeasured { reason: "the receiver has no signature endpoint on main yet (issue 4)".into() }
}
