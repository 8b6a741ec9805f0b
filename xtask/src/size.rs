//! `cargo xtask size`: raw, gzip and brotli bytes of each file a partner page downloads.

use crate::build::PARTNER_FILES;
use crate::compress::compress;
use crate::paths::repo_root;
use anyhow::Context;
use std::path::Path;

/// Sizes of one file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, o: Sizes) -> Sizes {
        Sizes { raw: self.raw + o.raw, gzip: self.gzip + o.gzip, brotli: self.brotli + o.brotli }
    }
}

/// Measures `bytes` as served with the best standard compression.
pub fn measure(bytes: &[u8]) -> Sizes {
    let (gzip, brotli) = compress(bytes);
    Sizes { raw: bytes.len(), gzip: gzip.len(), brotli: brotli.len() }
}

/// Per-file sizes of the partner files in `pkg`, and their total.
pub fn measure_package(pkg: &Path) -> anyhow::Result<(Vec<(String, Sizes)>, Sizes)> {
    measure_files(pkg, &PARTNER_FILES)
}

/// Per-file sizes of `files` in `dir`, and their total.
pub fn measure_files(dir: &Path, files: &[&str]) -> anyhow::Result<(Vec<(String, Sizes)>, Sizes)> {
    let mut rows = Vec::new();
    let mut total = Sizes::default();
    for file in files {
        let bytes = std::fs::read(dir.join(file))
            .with_context(|| format!("{} is missing: run `cargo xtask build`", dir.join(file).display()))?;
        let sizes = measure(&bytes);
        total = total + sizes;
        rows.push((file.to_string(), sizes));
    }
    Ok((rows, total))
}

pub fn run() -> anyhow::Result<()> {
    let pkg = repo_root().join("pkg");
    if !pkg.join(PARTNER_FILES[2]).exists() {
        crate::build::run()?;
    }
    let (rows, total) = measure_package(&pkg)?;
    println!("{:<28} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    for (name, s) in &rows {
        println!("{:<28} {:>10} {:>10} {:>10}", name, s.raw, s.gzip, s.brotli);
    }
    println!("{:<28} {:>10} {:>10} {:>10}", "total", total.raw, total.gzip, total.brotli);
    Ok(())
}
