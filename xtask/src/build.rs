//! Building the widget package `pkg/`: cargo (release, size-tuned) → wasm-bindgen → wasm-opt -Oz,
//! plus the loader, its type declarations and an npm package.json.

use crate::exec::{self, cargo};
use crate::{repo_root, tools};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files a partner page downloads, in load order.
pub const PARTNER_FILES: [&str; 3] = ["undersigned.js", "undersigned_wasm.js", "undersigned_wasm_bg.wasm"];

/// Builds `pkg/` and returns its path.
pub fn run() -> anyhow::Result<PathBuf> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    let wasm_opt = tools::ensure_wasm_opt()?;
    let root = repo_root();
    let pkg = root.join("pkg");
    build_widget_package(&root, &pkg, &wasm_opt)?;
    Ok(pkg)
}

fn build_widget_package(root: &Path, pkg: &Path, wasm_opt: &Path) -> anyhow::Result<()> {
    exec::run(cargo().current_dir(root).args(["build", "--release", "--lib", "-p", "undersigned", "--target", tools::WASM_TARGET]))?;
    let wasm = root.join("target").join(tools::WASM_TARGET).join("release/undersigned.wasm");
    if pkg.exists() {
        std::fs::remove_dir_all(pkg).with_context(|| format!("cannot clear {}", pkg.display()))?;
    }
    exec::run(Command::new("wasm-bindgen").arg("--target").arg("web").arg("--out-name").arg("undersigned_wasm").arg("--out-dir").arg(pkg).arg(&wasm))?;
    let bg = pkg.join("undersigned_wasm_bg.wasm");
    // The features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
    exec::run(Command::new(wasm_opt).args(["-Oz", "--strip-debug", "--strip-producers",
        "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
        "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
    ]).arg(&bg).arg("-o").arg(&bg))?;
    for file in ["undersigned.js", "undersigned.d.ts"] {
        std::fs::copy(root.join("src/js").join(file), pkg.join(file)).with_context(|| format!("cannot copy {file}"))?;
    }
    std::fs::write(pkg.join("package.json"), package_json(root)?)?;
    std::fs::write(pkg.join("README.md"), "# undersigned\n\nThe Undersigned letter-campaign widget. See the project README for the embed snippet and attributes.\n")?;
    Ok(())
}

fn package_json(root: &Path) -> anyhow::Result<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let version = manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .map(|v| v.trim_end_matches('"').to_string())
        .context("the widget crate has no version")?;
    let json = serde_json::json!({
        "name": "undersigned",
        "version": version,
        "description": "Embeddable letter-campaign widget: <undersigned-letter>, a Yew custom element compiled to WebAssembly.",
        "license": "AGPL-3.0-or-later",
        "type": "module",
        "module": "undersigned.js",
        "main": "undersigned.js",
        "types": "undersigned.d.ts",
        "exports": { ".": { "types": "./undersigned.d.ts", "default": "./undersigned.js" } },
        "files": ["undersigned.js", "undersigned.d.ts", "undersigned_wasm.js", "undersigned_wasm.d.ts", "undersigned_wasm_bg.wasm", "undersigned_wasm_bg.wasm.d.ts"],
        "sideEffects": ["./undersigned.js"],
    });
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}
