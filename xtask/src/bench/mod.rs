//! `cargo xtask bench`: every benchmark in one run, one report.
//!
//! - [`weight`]: the bytes a partner page downloads for the widget, next to a bare Yew counter
//!   built with the same pipeline (`benches/yew-counter`), and the brotli budget of `budgets.toml`;
//! - [`tti`]: time to an interactive form in headless Chromium, next to a plain HTML form page,
//!   plus the JS heap and the wasm memory after load (`tests/bench/tti.mjs`);
//! - [`long_page`]: a long partner page's own load with no widget, the widget and the lazy widget
//!   (`tests/bench/long-page.mjs`);
//! - [`receiver`]: durable signatures per second, latency under load, and a SIGKILL crash test;
//! - [`signer_list`]: the live list's figures (issue 6);
//! - [`storms`]: the receiver under read floods and reconnect storms, before and after issue 16.
//!
//! The report goes to `target/bench/report.json` and, as Markdown, to `docs/bench.md`; the summary
//! block of the README is rewritten with the headline figures. A section that cannot be measured
//! yet says why instead of showing a number; a section that fails makes the command exit non-zero
//! after the report is written, so a broken benchmark never looks like a result.

pub mod budget;
mod load;
mod long_page;
mod receiver;
mod report;
mod section;
mod signer_list;
mod storms;
mod tti;
mod twiggy;
mod weight;

use crate::exec;
use crate::paths::repo_root;
use anyhow::bail;
use report::Report;
use section::Section;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask bench [--loads N] [--twiggy] [--only weight,tti,longpage,receiver,signers,storms]
  --loads N   fresh page loads per page for time to interactive and the long page (default 15, at least 15 for the report)
  --twiggy    also list the heaviest items of the widget's wasm (installs twiggy from crates.io)
  --only …    run only these sections (the report then covers only them)";

/// What one run measures.
pub struct Options {
    pub loads: usize,
    pub twiggy: bool,
    sections: Vec<String>,
}

const SECTIONS: [&str; 6] = ["weight", "tti", "longpage", "receiver", "signers", "storms"];

impl Options {
    fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut options =
            Options { loads: 15, twiggy: false, sections: SECTIONS.iter().map(|s| s.to_string()).collect() };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--twiggy" => options.twiggy = true,
                "--loads" => {
                    let value = args.next().map(String::as_str).unwrap_or_default();
                    options.loads = match value.parse() {
                        Ok(n) if n > 0 => n,
                        _ => bail!("--loads needs a positive number of page loads, found `{value}`\n{USAGE}"),
                    };
                }
                "--only" => {
                    let value = args.next().map(String::as_str).unwrap_or_default();
                    options.sections =
                        value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
                    if let Some(unknown) = options.sections.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                        bail!("unknown bench section `{unknown}`: choose from {}", SECTIONS.join(", "));
                    }
                    if options.sections.is_empty() {
                        bail!("--only needs a comma-separated list of sections: {}", SECTIONS.join(", "));
                    }
                }
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => bail!("unknown bench option `{other}`\n{USAGE}"),
            }
        }
        Ok(options)
    }

    fn wants(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s == section)
    }
}

/// Runs the bench as an optimized build of this xtask. The load generators (hyper clients on
/// tokio) share the two cores with the receiver they measure; unoptimized, as `cargo xtask` builds
/// them, they spent about 150 µs of CPU per request, so the receiver's figures measured the
/// generator as much as the receiver. Built with the receiver's profile, in its output folder.
fn run_optimized(args: &[String]) -> anyhow::Result<()> {
    let root = repo_root();
    exec::run(exec::cargo().current_dir(&root).args(["build", "--profile", receiver::PROFILE, "-p", "xtask"]))?;
    let optimized = root.join("target").join(receiver::PROFILE).join("xtask");
    exec::run(std::process::Command::new(optimized).arg("bench").args(args))
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let options = Options::parse(args)?;
    if cfg!(debug_assertions) {
        return run_optimized(args);
    }
    let started = Instant::now();
    let root = repo_root();
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;

    // Everything measured is built first, so that the figures never include compile time: the
    // widget package and the counter (weight, page loads), and the receiver (page loads are served
    // by it; its throughput is measured). The receiver builds at the same time as the wasm: its
    // cargo profile has its own output folder (no lock shared with the wasm builds), and it keeps
    // the second core busy while the wasm's single-threaded LTO, wasm-bindgen and wasm-opt run.
    let storms = options.wants("storms");
    let server = (options.wants("tti")
        || options.wants("longpage")
        || options.wants("receiver")
        || options.wants("signers")
        || storms)
        .then(|| {
            let root = root.clone();
            std::thread::spawn(move || {
                let server = receiver::build_server(&root)?;
                // The receiver before issue 16, for the storms' "before" column.
                let before = storms.then(|| storms::build_before(&root, &server).map_err(|e| format!("{e:#}")));
                anyhow::Ok((server, before))
            })
        });
    // The wasm (the widget package and the counter) only for the sections that load or weigh it:
    // `--only receiver` or `--only storms` measures the receiver alone and builds no wasm.
    let needs_wasm = ["weight", "tti", "longpage", "signers"].iter().any(|s| options.wants(s)) || options.twiggy;
    let wasm = if needs_wasm {
        weight::build_all(&root, &out_dir)
    } else {
        Ok(weight::Built { pkg: root.join("pkg"), counter: out_dir.join("yew-counter"), server: None })
    };
    let server = server
        .map(|build| build.join().map_err(|_| anyhow::anyhow!("the receiver's build thread panicked"))?)
        .transpose();
    let mut built = wasm?;
    let (server, before) = match server? {
        Some((server, before)) => (Some(server), before),
        None => (None, None),
    };
    built.server = server;
    let mut report = Report::new(options.loads);
    report.build_seconds = started.elapsed().as_secs_f64();
    eprintln!("xtask bench: built in {:.0} s; measuring", report.build_seconds);
    if options.wants("weight") {
        report.weight = Section::from_result(weight::measure(&built));
        report.weight.print_status("weight");
    }
    if options.twiggy {
        twiggy::run(&root, &out_dir, 20)?;
    }
    if options.wants("tti") {
        report.tti = Section::from_result(tti::run(&root, &built, &out_dir, options.loads));
        report.tti.print_status("time to interactive");
    }
    if options.wants("longpage") {
        report.long_page = Section::from_result(long_page::run(&root, &built, &out_dir, options.loads));
        report.long_page.print_status("long partner page");
    }
    if options.wants("receiver") {
        report.receiver = receiver::run(&root, &built, &out_dir);
        report.receiver.print_status("receiver");
    }
    if options.wants("signers") {
        report.signer_list = signer_list::run(&root, &built, &out_dir);
        report.signer_list.print_status("signer list");
    }
    if storms {
        report.storms = storms::run(&root, built.server.as_deref(), before, &out_dir);
        report.storms.print_status("storms");
    }
    report.elapsed_seconds = started.elapsed().as_secs_f64();

    let json_path = out_dir.join("report.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&report)? + "\n")?;
    let markdown = report.markdown();
    println!("\n{markdown}");
    if options.sections.len() == SECTIONS.len() {
        std::fs::write(root.join("docs/bench.md"), &markdown)?;
        report::update_readme(&root.join("README.md"), &report.readme_summary())?;
        eprintln!("xtask bench: wrote {}, docs/bench.md and the README's figures", json_path.display());
    } else {
        eprintln!(
            "xtask bench: wrote {} (docs/bench.md and the README are only rewritten by a full run)",
            json_path.display()
        );
    }
    eprintln!(
        "xtask bench: finished in {:.0} s ({:.0} s of it building)",
        report.elapsed_seconds, report.build_seconds
    );
    let failed = report.failed_sections();
    if !failed.is_empty() {
        bail!("benchmark section(s) failed: {}", failed.join(", "));
    }
    Ok(())
}
