//! `cargo xtask bench --twiggy`: the heaviest items of the widget's wasm, to know what to cut.
//!
//! The shipped wasm has its names stripped, so the analysis runs on a twin: the same cargo output
//! through wasm-bindgen and `wasm-opt -Oz` with the names kept (`-g`). Sizes match the shipped file
//! to within the names section.

use crate::exec::{self, cargo, output};
use crate::tools;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Ensures `twiggy` (crates.io) is on PATH and returns it.
fn ensure_twiggy() -> anyhow::Result<PathBuf> {
    if output(Command::new("twiggy").arg("--version")).is_some() {
        return Ok(PathBuf::from("twiggy"));
    }
    eprintln!("xtask: installing twiggy from crates.io (once; it takes a few minutes)");
    exec::run(cargo().args(["install", "twiggy"]))?;
    Ok(PathBuf::from("twiggy"))
}

/// Prints and writes (to `out_dir/twiggy.txt`) the `top` items of the widget's wasm.
pub fn run(root: &Path, out_dir: &Path, top: usize) -> anyhow::Result<()> {
    let twiggy = ensure_twiggy()?;
    let wasm_opt = tools::ensure_wasm_opt()?;
    let dir = out_dir.join("twiggy");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let wasm = root.join("target").join(tools::WASM_TARGET).join("release/undersigned.wasm");
    exec::run(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--out-name", "undersigned_wasm", "--out-dir"])
            .arg(&dir)
            .arg(&wasm),
    )?;
    let bg = dir.join("undersigned_wasm_bg.wasm");
    // The widget's own optimization, keeping the names (`-g`) that twiggy shows.
    exec::run(
        Command::new(&wasm_opt)
            .args(crate::build::WASM_OPT)
            .args(crate::build::WASM_FEATURES)
            .arg("-g")
            .arg(&bg)
            .arg("-o")
            .arg(&bg),
    )?;
    let top_items =
        output(Command::new(&twiggy).args(["top", "-n", &top.to_string()]).arg(&bg)).context("twiggy top failed")?;
    let monos =
        output(Command::new(&twiggy).args(["monos", "-m", "10", "-n", "0"]).arg(&bg)).context("twiggy monos failed")?;
    let text = format!(
        "Heaviest items of the widget's wasm ({}; names kept: its \"function names\" subsection is not in the shipped file):\n\n$ twiggy top -n {top}\n{top_items}\n$ twiggy monos -m 10 -n 0 (generic functions instantiated many times)\n{monos}",
        bg.display()
    );
    println!("\n{text}");
    std::fs::write(out_dir.join("twiggy.txt"), &text)?;
    Ok(())
}
