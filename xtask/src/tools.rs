//! Installing what the build and the tests need, only when it is missing or of the wrong version.
//!
//! Everything comes from the package registries this project may use: rustup for the wasm32
//! target, crates.io for the wasm-bindgen CLI, npm for `binaryen` (wasm-opt) and the end-to-end
//! test packages, Debian for Chromium, ChromeDriver, nginx and openssl. Nothing downloads a prebuilt browser.

use crate::exec::{self, cargo, output};
use crate::paths::repo_root;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// binaryen 117 is the oldest wasm-opt that reads today's rustc output; the npm package pins one.
const BINARYEN_NPM: &str = "binaryen@132.0.0";
const MIN_BINARYEN: u32 = 117;
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Where npm-installed build tools live (ignored by git).
pub fn tools_dir() -> PathBuf {
    repo_root().join(".tools")
}

pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    exec::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The nightly toolchain the shipped wasm is built with ([`crate::build::WASM_NIGHTLY_FLAGS`]):
/// the one these machines come with as `nightly` (rustc 1.97.0-nightly e50aa6fba, 2026-05-19),
/// pinned so that the widget's weight does not move with whatever nightly is newest.
const WASM_NIGHTLY: &str = "nightly-2026-05-20";
const WASM_NIGHTLY_COMMIT: &str = "e50aa6fba";

/// Returns the rustup toolchain that builds the shipped wasm: the machine's `nightly` when it is the
/// pinned one, else the pinned one, installed (minimal profile) when missing; with `rust-src`, which
/// `-Zbuild-std` compiles.
pub fn ensure_wasm_nightly() -> anyhow::Result<&'static str> {
    let is_pinned = |toolchain: &str| {
        output(Command::new("rustup").args(["run", toolchain, "rustc", "--version"]))
            .is_some_and(|v| v.contains(WASM_NIGHTLY_COMMIT))
    };
    let toolchain = if is_pinned("nightly") {
        "nightly"
    } else {
        if !is_pinned(WASM_NIGHTLY) {
            eprintln!("xtask: installing the {WASM_NIGHTLY} toolchain that builds the widget's wasm (once)");
            exec::run(Command::new("rustup").args(["toolchain", "install", WASM_NIGHTLY, "--profile", "minimal"]))?;
        }
        WASM_NIGHTLY
    };
    let components =
        output(Command::new("rustup").args(["component", "list", "--installed", "--toolchain", toolchain]))
            .unwrap_or_default();
    if !components.lines().any(|l| l.trim() == "rust-src") {
        exec::run(Command::new("rustup").args(["component", "add", "rust-src", "--toolchain", toolchain]))?;
    }
    Ok(toolchain)
}

/// The `wasm-bindgen` crate version that Cargo.lock resolved: the CLI must equal it exactly.
pub fn locked_wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock"))
        .context("Cargo.lock is missing: run `cargo generate-lockfile`")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

/// Ensures `wasm-bindgen` and `wasm-bindgen-test-runner` of the locked version are on PATH.
pub fn ensure_wasm_bindgen() -> anyhow::Result<()> {
    let want = locked_wasm_bindgen_version()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) && runner.contains(&want) {
        return Ok(());
    }
    eprintln!("xtask: installing wasm-bindgen-cli {want} from crates.io (takes a few minutes, once)");
    // Not `--locked`: one of the CLI's locked dependency versions is not in the registry.
    exec::run(cargo().args(["install", "wasm-bindgen-cli", "--version", &want]))
}

/// Returns a `wasm-opt` of binaryen 117 or newer: the one on PATH if recent enough, else the npm
/// package `binaryen` installed into `.tools/`.
pub fn ensure_wasm_opt() -> anyhow::Result<PathBuf> {
    let local = tools_dir().join("node_modules/.bin/wasm-opt");
    for candidate in [PathBuf::from("wasm-opt"), local.clone()] {
        if binaryen_version(&candidate).is_some_and(|v| v >= MIN_BINARYEN) {
            return Ok(candidate);
        }
    }
    std::fs::create_dir_all(tools_dir())?;
    exec::run(
        Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(tools_dir()).arg(BINARYEN_NPM),
    )?;
    match binaryen_version(&local) {
        Some(v) if v >= MIN_BINARYEN => Ok(local),
        _ => bail!("installed {BINARYEN_NPM} but {} does not run", local.display()),
    }
}

/// esbuild, which minifies the wasm-bindgen glue (`undersigned_wasm.js`): the glue is generated,
/// never read by partners, and minified it costs about 2 KB brotli less on every partner page.
const ESBUILD_NPM: &str = "esbuild@0.28.2";

/// Returns the `esbuild` of `.tools/`, installing the npm package `esbuild` there when missing
/// (the package ships its binary as an npm dependency; nothing else is downloaded).
pub fn ensure_esbuild() -> anyhow::Result<PathBuf> {
    let local = tools_dir().join("node_modules/.bin/esbuild");
    let wanted = ESBUILD_NPM.trim_start_matches("esbuild@");
    if output(Command::new(&local).arg("--version")).is_some_and(|v| v.trim() == wanted) {
        return Ok(local);
    }
    std::fs::create_dir_all(tools_dir())?;
    exec::run(
        Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(tools_dir()).arg(ESBUILD_NPM),
    )?;
    match output(Command::new(&local).arg("--version")) {
        Some(v) if v.trim() == wanted => Ok(local),
        _ => bail!("installed {ESBUILD_NPM} but {} does not run", local.display()),
    }
}

fn binaryen_version(wasm_opt: &Path) -> Option<u32> {
    // "wasm-opt version 132 (version_132)"
    let text = output(Command::new(wasm_opt).arg("--version"))?;
    text.split_whitespace().skip_while(|w| *w != "version").nth(1)?.parse().ok()
}

/// Ensures Debian's Chromium and its matching ChromeDriver.
/// Binaryen's `wasm-split` (`build::split`), from Debian's `binaryen` package: the npm package that
/// gives `wasm-opt` ([`ensure_wasm_opt`]) does not carry it.
pub fn ensure_wasm_split() -> anyhow::Result<PathBuf> {
    const WASM_SPLIT: &str = "/usr/bin/wasm-split";
    if !Path::new(WASM_SPLIT).exists() {
        apt_install(&["binaryen"])?;
    }
    Ok(PathBuf::from(WASM_SPLIT))
}

pub fn ensure_chromium() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's nginx and openssl, for the end-to-end test behind a TLS reverse proxy
/// (tests/e2e/proxy.test.mjs): the packages an operator installs (docs/operations.md).
pub const NGINX: &str = "/usr/sbin/nginx";

pub fn ensure_nginx() -> anyhow::Result<()> {
    if Path::new(NGINX).exists() && Path::new("/usr/bin/openssl").exists() {
        return Ok(());
    }
    apt_install(&["nginx", "openssl"])
}

/// `systemd-analyze`, with which the receiver's tests check deploy/systemd/undersigned.service.
pub fn ensure_systemd_analyze() -> anyhow::Result<()> {
    if output(Command::new("systemd-analyze").arg("--version")).is_some() {
        return Ok(());
    }
    apt_install(&["systemd"])
}

/// Installs Debian packages without a terminal (as root, or through sudo when available).
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    exec::run(&mut apt(&["update", "-q"])).context("apt-get update failed (this needs root or sudo)")?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(packages);
    exec::run(&mut install)
}

/// Installs the end-to-end test packages (playwright-core, axe-core) from tests/e2e/package-lock.json
/// when they are missing or older than the lock file.
pub fn ensure_e2e_packages() -> anyhow::Result<()> {
    let dir = repo_root().join("tests/e2e");
    let marker = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&marker), std::fs::metadata(dir.join("package-lock.json"))) {
        (Ok(installed), Ok(lock)) => installed.modified()? >= lock.modified()?,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    exec::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))
}
