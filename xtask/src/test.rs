//! `cargo xtask test`: every test in every layer, and a non-zero exit when any of them fails.
//!
//! 0. lint: `cargo fmt --all --check`, then clippy with `-D warnings` over the workspace (native,
//!    every target) and over the widget crate for wasm32 (its browser-only code); each of the three
//!    checks counts as one test;
//! 1. native: `cargo test --workspace` (core, receiver, widget logic, xtask), with a throwaway
//!    PostgreSQL for the receiver's tests unless `UNDERSIGNED_TEST_POSTGRES_URL` names one;
//! 2. browser: the widget's wasm-bindgen tests in headless Chromium through ChromeDriver;
//! 3. end-to-end: Node's test runner driving Debian's Chromium with playwright-core against the
//!    real receiver serving the demo pages and the built package (and behind Debian's nginx, with
//!    two receivers on a throwaway PostgreSQL);
//! 4. weight: the brotli total of the built package against the budget in `budgets.toml`.
//!
//! Every layer runs even when an earlier one failed, so one run shows every failure. Passing layer
//! names (`cargo xtask test native e2e`) runs only those.

use crate::counts::{count_line, Counts};
use crate::exec::{cargo, describe};
use crate::paths::repo_root;
use crate::tools;
use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const LAYERS: [&str; 5] = ["lint", "native", "browser", "e2e", "weight"];

/// Runs `cmd`, echoing its standard output while counting tests into `counts`; Ok only when it
/// exits 0 having run at least one test.
fn run_counting(cmd: &mut Command, counts: &mut Counts) -> anyhow::Result<()> {
    eprintln!("$ {}", describe(cmd));
    let mut child = cmd.stdout(Stdio::piped()).spawn().with_context(|| format!("cannot start `{}`", describe(cmd)))?;
    let stdout = child.stdout.take().expect("stdout was piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap_or_default();
        println!("{line}");
        count_line(&line, counts);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{}` failed ({status}); {} passed, {} failed", describe(cmd), counts.passed, counts.failed);
    }
    if counts.passed == 0 {
        bail!("`{}` ran no test", describe(cmd));
    }
    Ok(())
}

/// Formatting and lints: every check runs even when an earlier one failed, and each one counts as
/// one test (passed or failed), so the summary shows how many of the three failed.
fn lint(counts: &mut Counts) -> anyhow::Result<()> {
    tools::ensure_wasm_target()?;
    let root = repo_root();
    let checks: [(&str, Vec<&str>); 3] = [
        ("formatting (rustfmt.toml)", vec!["fmt", "--all", "--check"]),
        ("clippy, native", vec!["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        (
            "clippy, wasm32 widget",
            vec![
                "clippy",
                "-p",
                "undersigned",
                "--all-targets",
                "--target",
                tools::WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ],
        ),
    ];
    let mut failed = Vec::new();
    for (name, args) in checks {
        match crate::exec::run(cargo().current_dir(&root).args(args)) {
            Ok(()) => counts.passed += 1,
            Err(e) => {
                eprintln!("lint: {name} failed: {e:#}");
                counts.failed += 1;
                failed.push(name);
            }
        }
    }
    if !failed.is_empty() {
        bail!("{} (run `cargo fmt --all`, and fix what clippy names)", failed.join("; "));
    }
    Ok(())
}

/// The receiver's tests run every case against SQLite and PostgreSQL: a server given in
/// `UNDERSIGNED_TEST_POSTGRES_URL`, else a throwaway one started here (and stopped after).
fn native(counts: &mut Counts) -> anyhow::Result<()> {
    tools::ensure_systemd_analyze()?;
    // The receiver's mail tests send to a real SMTP server: tests/e2e/smtp-sink.mjs (npm packages).
    tools::ensure_e2e_packages()?;
    let mut cmd = cargo();
    cmd.current_dir(repo_root()).args(["test", "--workspace"]);
    let _postgres = match std::env::var(crate::postgres::TEST_URL_ENV) {
        Ok(url) if !url.is_empty() => None,
        _ => {
            let server = crate::postgres::ThrowawayPostgres::start()?;
            cmd.env(crate::postgres::TEST_URL_ENV, &server.url);
            Some(server)
        }
    };
    run_counting(&mut cmd, counts)
}

fn browser(counts: &mut Counts) -> anyhow::Result<()> {
    tools::ensure_chromium()?;
    run_counting(
        cargo()
            .current_dir(repo_root())
            .args(["test", "-p", "undersigned", "--target", tools::WASM_TARGET])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            .env_remove("GECKODRIVER")
            .env_remove("SAFARIDRIVER"),
        counts,
    )
}

fn end_to_end(counts: &mut Counts) -> anyhow::Result<()> {
    tools::ensure_chromium()?;
    tools::ensure_e2e_packages()?;
    tools::ensure_nginx()?;
    let root = repo_root();
    // Two receivers on one PostgreSQL behind nginx (tests/e2e/proxy.test.mjs).
    let postgres = match std::env::var(crate::postgres::TEST_URL_ENV) {
        Ok(url) if !url.is_empty() => None,
        _ => Some(crate::postgres::ThrowawayPostgres::start()?),
    };
    crate::exec::run(cargo().current_dir(&root).args(["build", "-p", "undersigned-server"]))?;
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/e2e"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    run_counting(
        Command::new("node")
            .current_dir(&root)
            .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
            .args(&files)
            .env("UNDERSIGNED_SERVER", root.join("target/debug/undersigned-server"))
            .env("CHROMIUM", tools::CHROMIUM)
            .env("NGINX", tools::NGINX)
            .envs(postgres.as_ref().map(|pg| (crate::postgres::TEST_URL_ENV, &pg.url))),
        counts,
    )
}

fn weight(counts: &mut Counts) -> anyhow::Result<()> {
    crate::bench::budget::check_weight(&repo_root().join("pkg"), counts)
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    for a in args {
        if !LAYERS.contains(&a.as_str()) {
            bail!("unknown layer `{a}`: choose from {}", LAYERS.join(", "));
        }
    }
    let wanted = |layer: &str| args.is_empty() || args.iter().any(|a| a == layer);
    if wanted("browser") || wanted("e2e") || wanted("weight") {
        // The end-to-end tests load the built package; building first also installs the wasm tools
        // that the browser layer needs.
        crate::build::run()?;
    }
    let mut total = Counts::default();
    let mut failures = Vec::new();
    type Layer = fn(&mut Counts) -> anyhow::Result<()>;
    for (name, layer) in
        [("lint", lint as Layer), ("native", native), ("browser", browser), ("e2e", end_to_end), ("weight", weight)]
    {
        if !wanted(name) {
            continue;
        }
        eprintln!("\n== xtask test: {name} ==");
        let mut counts = Counts::default();
        match layer(&mut counts) {
            Ok(()) => eprintln!("== {name}: {} passed, {} failed ==", counts.passed, counts.failed),
            Err(e) => {
                eprintln!("== {name}: FAILED: {e:#} ==");
                failures.push(name);
            }
        }
        total.passed += counts.passed;
        // A layer that failed without a count (a build error, a crash) still counts as a failure.
        total.failed += counts.failed.max(u64::from(failures.last() == Some(&name)));
    }
    println!("\nall layers: {} passed, {} failed", total.passed, total.failed);
    if !failures.is_empty() {
        bail!("test layer(s) failed: {}", failures.join(", "));
    }
    Ok(())
}
