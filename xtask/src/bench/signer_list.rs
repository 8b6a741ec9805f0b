//! Signer list (issue 6, "The live list"): the demo page's widget following a receiver that holds
//! 100,000 approved, listed signers, loaded in headless Chromium by `tests/bench/signers.mjs`: time
//! from navigation start to the first paint of the list, the JS heap once it is painted, how much
//! DOM the list costs (it is paginated: one page per group, never 100,000 nodes), and the time to
//! page on. Figures, not assertions.
//!
//! The signers are imported into a fresh database the way an organizer brings in a list collected
//! elsewhere: a CSV file through `undersigned-server admin import-signers`, which checks every row
//! with the signing endpoint's rules (how they arrive does not change what the list shows).

use super::receiver::{CAMPAIGN, CAMPAIGN_FILE};
use super::section::{bytes, Section};
use super::tti::Spread;
use super::weight::Built;
use crate::{exec, tools};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Signers the receiver holds for the benchmark.
pub const SIGNERS: u64 = 100_000;
/// Fresh page loads measured.
pub const LOADS: usize = 5;
/// One signer in this many is an organization.
const ORGANIZATION_EVERY: u64 = 100;
/// The database file in the data folder, where `tests/e2e/harness.mjs` starts the receiver.
const DATABASE_FILE: &str = "undersigned.db";

/// One page load as `signers.mjs` records it.
#[derive(Debug, Deserialize)]
struct Sample {
    first_paint_ms: f64,
    js_heap_bytes: u64,
    list_entries: u64,
    shadow_elements: u64,
    next_page_ms: f64,
}

#[derive(Debug, Deserialize)]
struct ScriptOutput {
    chromium: String,
    signers: u64,
    samples: Vec<Sample>,
}

/// The figures issue 6 asks for, and what shows the list stays light.
#[derive(Debug, Serialize)]
pub struct SignerListReport {
    pub chromium: String,
    /// How many signers the receiver listed.
    pub signers: u64,
    pub loads: usize,
    /// From navigation start to the first paint of the list, median over the loads.
    pub first_paint_ms: f64,
    pub first_paint: Spread,
    /// JS heap in use once the list is painted (after a garbage collection), median.
    pub js_heap_bytes: u64,
    /// Signer entries in the widget's DOM (both groups' first pages).
    pub list_entries: u64,
    /// Elements in the widget's whole shadow root (letter, live list, form, signers).
    pub shadow_elements: u64,
    /// From a click on "Next" to the next page of individuals painted, median.
    pub next_page_ms: f64,
    /// Seconds `admin import-signers` took to check and store the signers (setup, not a figure
    /// of the list).
    pub seed_seconds: f64,
}

impl SignerListReport {
    pub fn markdown(&self) -> String {
        format!(
            "The demo page's widget following a receiver that lists {} signers (1 % organizations, imported from a CSV file \
             with `undersigned-server admin import-signers` in {:.1} s), headless Chromium {}, {} loads in fresh browser contexts. First paint: from navigation \
             start to the animation frame that paints the first entry of the list. The list is paginated by the receiver, \
             so the widget holds one page per group whatever the number of signers.\n\n\
             | signers | first paint of the list (median) | min | max | JS heap | entries in the DOM | elements in the shadow root | next page |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|\n\
             | {} | {:.0} ms | {:.0} ms | {:.0} ms | {} bytes | {} | {} | {:.0} ms |\n",
            bytes(self.signers),
            self.seed_seconds,
            self.chromium,
            self.loads,
            bytes(self.signers),
            self.first_paint_ms,
            self.first_paint.min,
            self.first_paint.max,
            bytes(self.js_heap_bytes),
            self.list_entries,
            self.shadow_elements,
            self.next_page_ms,
        )
    }

    pub fn summary_rows(&self) -> String {
        format!(
            "| signer list of {}: first paint / JS heap | {:.0} ms / {} bytes |\n",
            bytes(self.signers),
            self.first_paint_ms,
            bytes(self.js_heap_bytes)
        )
    }
}

pub fn run(root: &Path, built: &Built, out_dir: &Path) -> Section<SignerListReport> {
    Section::from_result(measure(root, built, out_dir))
}

/// The signers as CSV, in the columns `admin export` writes (a subset of them): approved, listed,
/// one in [`ORGANIZATION_EVERY`] an organization.
fn signers_csv(count: u64) -> String {
    let mut csv = String::from("kind,organization,name,title,affiliation,email,list_publicly,state\n");
    for i in 0..count {
        let _ = if i % ORGANIZATION_EVERY == 0 {
            writeln!(
                csv,
                "organization,Bench Organization {i},Bench Signer {i},Director,,signer{i}@bench.example,true,approved"
            )
        } else {
            writeln!(
                csv,
                "individual,,Bench Signer {i},Researcher,University {},signer{i}@bench.example,true,approved",
                i % 500
            )
        };
    }
    csv
}

/// A fresh database in `dir` with the campaign and [`SIGNERS`] signers; returns the seconds the
/// signers' import took.
fn seed(root: &Path, server: &Path, dir: &Path) -> anyhow::Result<f64> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    let csv = dir.join("signers.csv");
    std::fs::write(&csv, signers_csv(SIGNERS)).with_context(|| format!("cannot write {}", csv.display()))?;
    let database_url = format!("sqlite://{}", dir.join(DATABASE_FILE).display());
    let admin = |args: &[&str]| {
        let mut command = Command::new(server);
        command.current_dir(root).args(["admin", "--database-url", &database_url]).args(args).env("RUST_LOG", "warn");
        exec::run(&mut command)
    };
    admin(&["import", CAMPAIGN_FILE])?;
    let started = Instant::now();
    admin(&["import-signers", CAMPAIGN, &csv.display().to_string()])?;
    Ok(started.elapsed().as_secs_f64())
}

fn measure(root: &Path, built: &Built, out_dir: &Path) -> anyhow::Result<SignerListReport> {
    tools::ensure_chromium()?;
    tools::ensure_e2e_packages()?;
    let server = built.server.as_ref().context("the receiver was not built")?;
    let data_dir = out_dir.join("signers-db");
    let seed_seconds = seed(root, server, &data_dir).context("seeding the receiver with signers")?;
    let out = out_dir.join("signers-samples.json");
    let _ = std::fs::remove_file(&out);
    exec::run(
        Command::new("node")
            .current_dir(root)
            .arg("tests/bench/signers.mjs")
            .args(["--signers", &SIGNERS.to_string(), "--loads", &LOADS.to_string(), "--out"])
            .arg(&out)
            .arg("--data-dir")
            .arg(&data_dir)
            .env("UNDERSIGNED_SERVER", server)
            .env("CHROMIUM", tools::CHROMIUM),
    )?;
    let text =
        std::fs::read_to_string(&out).with_context(|| format!("tests/bench/signers.mjs wrote no {}", out.display()))?;
    let output: ScriptOutput =
        serde_json::from_str(&text).with_context(|| format!("{} is not what signers.mjs writes", out.display()))?;
    let report = figures(output, seed_seconds)?;
    print!("{}", report.markdown());
    Ok(report)
}

fn figures(output: ScriptOutput, seed_seconds: f64) -> anyhow::Result<SignerListReport> {
    let median = |values: Vec<f64>| Spread::of(&values).map(|s| s.median);
    let first_paint = Spread::of(&output.samples.iter().map(|s| s.first_paint_ms).collect::<Vec<_>>());
    let Some(first_paint) = first_paint else { bail!("signers.mjs measured no page load") };
    let whole = |values: Vec<u64>| median(values.into_iter().map(|v| v as f64).collect()).map_or(0, |m| m as u64);
    Ok(SignerListReport {
        chromium: output.chromium,
        signers: output.signers,
        loads: output.samples.len(),
        first_paint_ms: first_paint.median,
        js_heap_bytes: whole(output.samples.iter().map(|s| s.js_heap_bytes).collect()),
        list_entries: whole(output.samples.iter().map(|s| s.list_entries).collect()),
        shadow_elements: whole(output.samples.iter().map(|s| s.shadow_elements).collect()),
        next_page_ms: median(output.samples.iter().map(|s| s.next_page_ms).collect()).unwrap_or(f64::NAN),
        seed_seconds,
        first_paint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_medians_of_the_samples() {
        let sample = |ms: f64, heap: u64| Sample {
            first_paint_ms: ms,
            js_heap_bytes: heap,
            list_entries: 100,
            shadow_elements: 900,
            next_page_ms: ms / 10.0,
        };
        let output = ScriptOutput {
            chromium: "test".into(),
            signers: 100_000,
            samples: vec![sample(300.0, 3_000_000), sample(100.0, 1_000_000), sample(200.0, 2_000_000)],
        };
        let report = figures(output, 4.2).expect("three samples");
        assert_eq!((report.first_paint_ms, report.first_paint.min, report.first_paint.max), (200.0, 100.0, 300.0));
        assert_eq!(report.js_heap_bytes, 2_000_000);
        assert_eq!(report.next_page_ms, 20.0);
        assert!(report.markdown().contains("| 100,000 | 200 ms |"));
        assert!(report.markdown().contains("import-signers` in 4.2 s"));
    }

    #[test]
    fn the_seed_file_has_a_header_and_one_row_per_signer() {
        let csv = signers_csv(201);
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(rows.len(), 202);
        assert!(rows[0].starts_with("kind,organization,name,"));
        assert_eq!(rows.iter().filter(|r| r.starts_with("organization,")).count(), 3);
        assert!(rows.iter().all(|r| r.split(',').count() == 8), "every row has the header's cells");
    }
}
