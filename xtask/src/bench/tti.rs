//! Time to interactive: headless Chromium loads a partner page with the widget, a plain HTML page
//! with the same four-field form, and the baseline counter, each in a fresh browser context (empty
//! cache) and interleaved so that a busy machine slows all three alike. The page loads are driven
//! by `tests/bench/tti.mjs`; the statistics are computed here.

use super::section::bytes;
use super::weight::Built;
use crate::{exec, tools};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// One page load as `tti.mjs` records it.
#[derive(Debug, Deserialize)]
struct Sample {
    tti_ms: f64,
    js_heap_bytes: u64,
    wasm_memory_bytes: Option<u64>,
}

/// One page as `tti.mjs` records it.
#[derive(Debug, Deserialize)]
struct PageSamples {
    name: String,
    url: String,
    measured_until: String,
    samples: Vec<Sample>,
}

#[derive(Debug, Deserialize)]
struct ScriptOutput {
    chromium: String,
    pages: Vec<PageSamples>,
}

/// Median and spread of a series of milliseconds.
#[derive(Debug, Serialize, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub p25: f64,
    pub p75: f64,
    pub max: f64,
}

impl Spread {
    /// Quartiles by linear interpolation between closest ranks.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| {
            let pos = q * (v.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
        };
        Some(Spread { median: at(0.5), min: v[0], p25: at(0.25), p75: at(0.75), max: v[v.len() - 1] })
    }
}

#[derive(Debug, Serialize)]
pub struct PageFigures {
    pub name: String,
    pub url: String,
    /// What "interactive" meant on this page (which element was waited for).
    pub measured_until: String,
    pub loads: usize,
    pub tti_ms: Spread,
    /// JS heap in use after load and a garbage collection (CDP `Runtime.getHeapUsage`), median.
    pub js_heap_bytes: u64,
    /// Size of the page's `WebAssembly.Memory` after load, median; None for a page without wasm.
    pub wasm_memory_bytes: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct TtiReport {
    pub chromium: String,
    pub pages: Vec<PageFigures>,
    /// Median time to interactive of the widget's partner page over the plain form page's.
    pub widget_over_plain: f64,
}

fn median_u64(values: impl Iterator<Item = u64>) -> Option<u64> {
    let mut v: Vec<u64> = values.collect();
    v.sort_unstable();
    (!v.is_empty()).then(|| v[v.len() / 2])
}

pub fn run(root: &Path, built: &Built, out_dir: &Path, loads: usize) -> anyhow::Result<TtiReport> {
    tools::ensure_chromium()?;
    tools::ensure_e2e_packages()?;
    let server = built.server.as_ref().context("the receiver was not built")?;
    let out = out_dir.join("tti-samples.json");
    let _ = std::fs::remove_file(&out);
    exec::run(
        Command::new("node")
            .current_dir(root)
            .arg("tests/bench/tti.mjs")
            .args(["--loads", &loads.to_string(), "--out"])
            .arg(&out)
            .arg("--counter-dir")
            .arg(&built.counter)
            .env("UNDERSIGNED_SERVER", server)
            .env("CHROMIUM", tools::CHROMIUM),
    )?;
    let text =
        std::fs::read_to_string(&out).with_context(|| format!("tests/bench/tti.mjs wrote no {}", out.display()))?;
    let output: ScriptOutput =
        serde_json::from_str(&text).with_context(|| format!("{} is not what tti.mjs writes", out.display()))?;
    let report = figures(output)?;
    print!("{}", report.markdown());
    Ok(report)
}

fn figures(output: ScriptOutput) -> anyhow::Result<TtiReport> {
    let mut pages = Vec::new();
    for page in output.pages {
        let tti: Vec<f64> = page.samples.iter().map(|s| s.tti_ms).collect();
        let spread = Spread::of(&tti).with_context(|| format!("no page load of {} was measured", page.url))?;
        pages.push(PageFigures {
            loads: page.samples.len(),
            tti_ms: spread,
            js_heap_bytes: median_u64(page.samples.iter().map(|s| s.js_heap_bytes)).unwrap_or(0),
            wasm_memory_bytes: median_u64(page.samples.iter().filter_map(|s| s.wasm_memory_bytes)),
            name: page.name,
            url: page.url,
            measured_until: page.measured_until,
        });
    }
    let median_of = |name: &str| pages.iter().find(|p| p.name == name).map(|p| p.tti_ms.median);
    let (Some(widget), Some(plain)) = (median_of("widget"), median_of("plain")) else {
        bail!("tti.mjs did not measure both the widget page and the plain form page");
    };
    Ok(TtiReport { chromium: output.chromium, widget_over_plain: widget / plain, pages })
}

/// "what: <element …>" with the element as code, so that Markdown shows it instead of drawing it.
fn element_as_code(measured_until: &str) -> String {
    match measured_until.split_once(": <") {
        Some((what, element)) => format!("{what}: `<{element}`"),
        None => measured_until.to_string(),
    }
}

impl TtiReport {
    fn page(&self, name: &str) -> Option<&PageFigures> {
        self.pages.iter().find(|p| p.name == name)
    }

    pub fn markdown(&self) -> String {
        let loads = self.pages.first().map_or(0, |p| p.loads);
        let mut md = format!(
            "From navigation start to the moment the element below is visible and enabled, in headless Chromium {} on pages \
             served by the receiver from 127.0.0.1; {loads} loads per page, each in a fresh browser context (empty cache), \
             the pages interleaved. Milliseconds. JS heap: in use after load and a garbage collection (median); wasm memory: \
             the `WebAssembly.Memory` of the page's module after load.\n\n\
             | page | interactive when | median | min | p25 | p75 | max | JS heap | wasm memory |\n\
             |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
            self.chromium
        );
        for p in &self.pages {
            let s = &p.tti_ms;
            let _ = writeln!(
                md,
                "| {} (`{}`) | {} | **{:.0}** | {:.0} | {:.0} | {:.0} | {:.0} | {} | {} |",
                p.name,
                p.url,
                element_as_code(&p.measured_until),
                s.median,
                s.min,
                s.p25,
                s.p75,
                s.max,
                bytes(p.js_heap_bytes),
                p.wasm_memory_bytes.map_or("—".into(), bytes)
            );
        }
        let _ =
            writeln!(md, "\nRatio of the medians, widget page / plain form page: **{:.2}**.", self.widget_over_plain);
        md
    }

    pub fn summary_rows(&self) -> String {
        let mut rows = String::new();
        if let (Some(w), Some(p)) = (self.page("widget"), self.page("plain")) {
            let _ = writeln!(
                rows,
                "| time to interactive, widget page / plain form page (median of {}) | {:.0} ms / {:.0} ms = {:.2} ({}) |",
                w.loads,
                w.tti_ms.median,
                p.tti_ms.median,
                self.widget_over_plain,
                element_as_code(&w.measured_until)
            );
            let _ = writeln!(
                rows,
                "| widget page after load: JS heap / wasm memory | {} / {} bytes |",
                bytes(w.js_heap_bytes),
                w.wasm_memory_bytes.map_or("—".into(), bytes)
            );
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_interpolates_quartiles_and_ignores_order() {
        let s = Spread::of(&[40.0, 10.0, 30.0, 20.0, 50.0]).unwrap();
        assert_eq!(s, Spread { median: 30.0, min: 10.0, p25: 20.0, p75: 40.0, max: 50.0 });
        let even = Spread::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((even.median, even.p25, even.p75), (2.5, 1.75, 3.25));
        assert_eq!(Spread::of(&[]), None);
    }

    #[test]
    fn the_awaited_element_is_shown_as_code() {
        assert_eq!(
            element_as_code("the form's first input: <input name=\"kind\">"),
            "the form's first input: `<input name=\"kind\">`"
        );
        assert_eq!(element_as_code("no element"), "no element");
    }
}
