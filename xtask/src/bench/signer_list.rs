//! Signer list (issue 6, "The live list"): the demo page's widget following a receiver that holds
//! 100,000 approved, listed signers (sent through its public endpoint), loaded in headless Chromium
//! by `tests/bench/signers.mjs`: time from navigation start to the first paint of the list, the JS
//! heap once it is painted, how much DOM the list costs (it is paginated: one page per group, never
//! 100,000 nodes), and the time to page on. Figures, not assertions.

use super::report::{bytes, Section};
use super::tti::Spread;
use super::weight::Built;
use crate::{exec, tools};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;

/// Signers the receiver holds for the benchmark.
pub const SIGNERS: u64 = 100_000;
/// Fresh page loads measured.
pub const LOADS: usize = 5;

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
    seed_seconds: Option<f64>,
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
    /// Seconds the receiver took to accept every signature in this run (setup, not a figure of the
    /// list); None when the database of an earlier run was reused.
    pub seed_seconds: Option<f64>,
}

impl SignerListReport {
    pub fn markdown(&self) -> String {
        format!(
            "The demo page's widget following a receiver that lists {} signers (1 % organizations, sent through its public \
             endpoint{}), headless Chromium {}, {} loads in fresh browser contexts. First paint: from navigation \
             start to the animation frame that paints the first entry of the list. The list is paginated by the receiver, \
             so the widget holds one page per group whatever the number of signers.\n\n\
             | signers | first paint of the list (median) | min | max | JS heap | entries in the DOM | elements in the shadow root | next page |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|\n\
             | {} | {:.0} ms | {:.0} ms | {:.0} ms | {} bytes | {} | {} | {:.0} ms |\n",
            bytes(self.signers),
            match self.seed_seconds {
                Some(s) => format!(" in {s:.0} s"),
                None => " by an earlier run; its database is kept in target/bench/signers-db".into(),
            },
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
        format!("| signer list of {}: first paint / JS heap | {:.0} ms / {} bytes |\n", bytes(self.signers), self.first_paint_ms, bytes(self.js_heap_bytes))
    }
}

pub fn run(root: &Path, built: &Built, out_dir: &Path) -> Section<SignerListReport> {
    Section::from_result(measure(root, built, out_dir))
}

fn measure(root: &Path, built: &Built, out_dir: &Path) -> anyhow::Result<SignerListReport> {
    tools::ensure_chromium()?;
    tools::ensure_e2e_packages()?;
    let server = built.server.as_ref().context("the receiver was not built")?;
    let out = out_dir.join("signers-samples.json");
    let _ = std::fs::remove_file(&out);
    exec::run(
        Command::new("node")
            .current_dir(root)
            .arg("tests/bench/signers.mjs")
            .args(["--signers", &SIGNERS.to_string(), "--loads", &LOADS.to_string(), "--out"])
            .arg(&out)
            .arg("--data-dir")
            .arg(out_dir.join("signers-db"))
            .env("UNDERSIGNED_SERVER", server)
            .env("CHROMIUM", tools::CHROMIUM),
    )?;
    let text = std::fs::read_to_string(&out).with_context(|| format!("tests/bench/signers.mjs wrote no {}", out.display()))?;
    let output: ScriptOutput = serde_json::from_str(&text).with_context(|| format!("{} is not what signers.mjs writes", out.display()))?;
    let report = figures(output)?;
    print!("{}", report.markdown());
    Ok(report)
}

fn figures(output: ScriptOutput) -> anyhow::Result<SignerListReport> {
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
        seed_seconds: output.seed_seconds,
        first_paint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_medians_of_the_samples() {
        let sample = |ms: f64, heap: u64| Sample { first_paint_ms: ms, js_heap_bytes: heap, list_entries: 100, shadow_elements: 900, next_page_ms: ms / 10.0 };
        let output = ScriptOutput {
            chromium: "test".into(),
            signers: 100_000,
            seed_seconds: Some(42.0),
            samples: vec![sample(300.0, 3_000_000), sample(100.0, 1_000_000), sample(200.0, 2_000_000)],
        };
        let report = figures(output).expect("three samples");
        assert_eq!((report.first_paint_ms, report.first_paint.min, report.first_paint.max), (200.0, 100.0, 300.0));
        assert_eq!(report.js_heap_bytes, 2_000_000);
        assert_eq!(report.next_page_ms, 20.0);
        assert!(report.markdown().contains("| 100,000 | 200 ms |"));
    }
}
