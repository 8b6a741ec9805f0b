//! A long partner page's own load (issue 15): the same article of about twenty screens with no
//! widget, with the widget at its end, and with the lazy widget (`loading="lazy"`) at its end,
//! loaded in headless Chromium without scrolling. What a partner pays for pasting the snippet far
//! below the fold: the page's load event, its largest contentful paint, when its network goes
//! quiet, and the bytes fetched, each next to the no-widget page measured in the same run. The
//! page loads are driven by `tests/bench/long-page.mjs`; the statistics are computed here.

use super::section::bytes;
use super::tti::Spread;
use super::weight::Built;
use crate::{exec, tools};
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// One load as `long-page.mjs` records it (milliseconds since navigation start).
#[derive(Debug, Deserialize)]
struct Sample {
    load_ms: f64,
    lcp_ms: f64,
    dcl_ms: f64,
    quiet_ms: f64,
    bytes: u64,
}

#[derive(Debug, Deserialize)]
struct PageSamples {
    name: String,
    url: String,
    samples: Vec<Sample>,
}

#[derive(Debug, Deserialize)]
struct ScriptOutput {
    chromium: String,
    pages: Vec<PageSamples>,
}

/// One variant of the long page.
#[derive(Debug, Serialize)]
pub struct LongPageFigures {
    pub name: String,
    pub url: String,
    pub loads: usize,
    /// Navigation start → the end of the load event.
    pub load_ms: Spread,
    /// Navigation start → the largest contentful paint (the article's own text).
    pub lcp_ms: Spread,
    /// Navigation start → the end of DOMContentLoaded, median.
    pub dcl_ms: f64,
    /// Navigation start → the end of the last response before the network went quiet, median.
    pub quiet_ms: f64,
    /// Bytes fetched (transfer sizes) without scrolling, median.
    pub bytes: u64,
    /// Median load event over the no-widget page's.
    pub load_ratio: f64,
    /// Median largest contentful paint over the no-widget page's.
    pub lcp_ratio: f64,
}

#[derive(Debug, Serialize)]
pub struct LongPageReport {
    pub chromium: String,
    /// No widget, widget, lazy widget, in that order.
    pub pages: Vec<LongPageFigures>,
}

pub fn run(root: &Path, built: &Built, out_dir: &Path, loads: usize) -> anyhow::Result<LongPageReport> {
    tools::ensure_chromium()?;
    tools::ensure_e2e_packages()?;
    let server = built.server.as_ref().context("the receiver was not built")?;
    let out = out_dir.join("long-page-samples.json");
    let _ = std::fs::remove_file(&out);
    exec::run(
        Command::new("node")
            .current_dir(root)
            .arg("tests/bench/long-page.mjs")
            .args(["--loads", &loads.to_string(), "--out"])
            .arg(&out)
            .env("UNDERSIGNED_SERVER", server)
            .env("CHROMIUM", tools::CHROMIUM),
    )?;
    let text = std::fs::read_to_string(&out)
        .with_context(|| format!("tests/bench/long-page.mjs wrote no {}", out.display()))?;
    let output: ScriptOutput =
        serde_json::from_str(&text).with_context(|| format!("{} is not what long-page.mjs writes", out.display()))?;
    let report = figures(output)?;
    print!("{}", report.markdown());
    Ok(report)
}

fn median(values: &[f64]) -> f64 {
    Spread::of(values).map_or(f64::NAN, |s| s.median)
}

fn figures(output: ScriptOutput) -> anyhow::Result<LongPageReport> {
    let Some(baseline) = output.pages.iter().find(|p| p.name == "no widget") else {
        bail!("long-page.mjs did not measure the page without the widget, the baseline of the ratios");
    };
    let spread = |page: &PageSamples, of: fn(&Sample) -> f64| {
        Spread::of(&page.samples.iter().map(of).collect::<Vec<_>>())
            .with_context(|| format!("no load of {} was measured", page.url))
    };
    let (base_load, base_lcp) = (spread(baseline, |s| s.load_ms)?.median, spread(baseline, |s| s.lcp_ms)?.median);
    let mut pages = Vec::new();
    for page in &output.pages {
        let (load_ms, lcp_ms) = (spread(page, |s| s.load_ms)?, spread(page, |s| s.lcp_ms)?);
        let mut sizes: Vec<u64> = page.samples.iter().map(|s| s.bytes).collect();
        sizes.sort_unstable();
        pages.push(LongPageFigures {
            name: page.name.clone(),
            url: page.url.clone(),
            loads: page.samples.len(),
            load_ratio: load_ms.median / base_load,
            lcp_ratio: lcp_ms.median / base_lcp,
            load_ms,
            lcp_ms,
            dcl_ms: median(&page.samples.iter().map(|s| s.dcl_ms).collect::<Vec<_>>()),
            quiet_ms: median(&page.samples.iter().map(|s| s.quiet_ms).collect::<Vec<_>>()),
            bytes: sizes[sizes.len() / 2],
        });
    }
    Ok(LongPageReport { chromium: output.chromium, pages })
}

impl LongPageReport {
    pub fn markdown(&self) -> String {
        let loads = self.pages.first().map_or(0, |p| p.loads);
        let mut md = format!(
            "A partner's long page (`tests/bench/long-page.mjs`: 200 paragraphs, about twenty screens at 1280×800, \
             the snippet's element at its end) with no widget, the widget, and the lazy widget (`loading=\"lazy\"`), \
             served by the receiver from 127.0.0.1 and loaded in headless Chromium {} without scrolling; {loads} loads \
             per page, each in a fresh browser context (empty cache), the pages interleaved. Milliseconds from \
             navigation start. Load event: the end of the page's load event; LCP: its largest contentful paint (the \
             article's own text); quiet: the end of the last response before the network went quiet; bytes: \
             transferred, median. Ratios: median over the no-widget page's median of the same run.\n\n\
             | page | load event, median | p25 | p75 | ratio | LCP, median | p25 | p75 | ratio | DOMContentLoaded | quiet | bytes fetched |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            self.chromium
        );
        for p in &self.pages {
            let _ = writeln!(
                md,
                "| {} (`{}`) | **{:.0}** | {:.0} | {:.0} | {:.2} | **{:.0}** | {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {} |",
                p.name,
                p.url,
                p.load_ms.median,
                p.load_ms.p25,
                p.load_ms.p75,
                p.load_ratio,
                p.lcp_ms.median,
                p.lcp_ms.p25,
                p.lcp_ms.p75,
                p.lcp_ratio,
                p.dcl_ms,
                p.quiet_ms,
                bytes(p.bytes)
            );
        }
        md
    }

    pub fn summary_rows(&self) -> String {
        let mut rows = String::new();
        if let [none, widget, lazy] = &self.pages[..] {
            let _ = writeln!(
                rows,
                "| long partner page's load event: no widget / widget / lazy widget (median of {}) | {:.0} / {:.0} / {:.0} ms = 1 / {:.2} / {:.2} |",
                none.loads, none.load_ms.median, widget.load_ms.median, lazy.load_ms.median, widget.load_ratio, lazy.load_ratio
            );
            let _ = writeln!(
                rows,
                "| long partner page's largest contentful paint: no widget / widget / lazy widget | {:.0} / {:.0} / {:.0} ms = 1 / {:.2} / {:.2} |",
                none.lcp_ms.median, widget.lcp_ms.median, lazy.lcp_ms.median, widget.lcp_ratio, lazy.lcp_ratio
            );
            let _ = writeln!(
                rows,
                "| long partner page, bytes fetched without scrolling: no widget / widget / lazy widget | {} / {} / {} bytes |",
                bytes(none.bytes),
                bytes(widget.bytes),
                bytes(lazy.bytes)
            );
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (load event, LCP, bytes) of each load.
    type Loads<'a> = &'a [(f64, f64, u64)];

    fn output(pages: &[(&str, Loads)]) -> ScriptOutput {
        let pages = pages
            .iter()
            .map(|(name, loads)| {
                let samples: Vec<String> = loads
                    .iter()
                    .map(|(load, lcp, bytes)| {
                        format!("{{\"load_ms\": {load}, \"lcp_ms\": {lcp}, \"lcp_element\": \"p\", \"dcl_ms\": 1, \"quiet_ms\": 2, \"bytes\": {bytes}}}")
                    })
                    .collect();
                format!("{{\"name\": \"{name}\", \"url\": \"/long/{name}\", \"samples\": [{}]}}", samples.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        serde_json::from_str(&format!("{{\"chromium\": \"1\", \"pages\": [{pages}]}}")).expect("the script's shape")
    }

    #[test]
    fn ratios_are_medians_over_the_no_widget_page_of_the_same_run() {
        let report = figures(output(&[
            ("no widget", &[(100.0, 50.0, 30_000), (120.0, 60.0, 30_000), (900.0, 70.0, 30_000)]),
            ("widget", &[(300.0, 55.0, 220_000), (150.0, 65.0, 220_000), (180.0, 75.0, 220_000)]),
            ("lazy widget", &[(126.0, 60.0, 42_000)]),
        ]))
        .expect("figures");
        let [none, widget, lazy] = &report.pages[..] else { panic!("three pages") };
        assert_eq!((none.load_ms.median, none.load_ratio, none.lcp_ratio), (120.0, 1.0, 1.0));
        assert_eq!((widget.load_ms.median, widget.load_ratio), (180.0, 1.5));
        assert!((widget.lcp_ratio - 65.0 / 60.0).abs() < 1e-9);
        assert_eq!((lazy.load_ratio, lazy.bytes), (1.05, 42_000));
        let rows = report.summary_rows();
        assert!(rows.contains("120 / 180 / 126 ms = 1 / 1.50 / 1.05"), "{rows}");
        assert!(report.markdown().contains("| lazy widget (`/long/lazy widget`) | **126** |"), "{}", report.markdown());
    }

    #[test]
    fn without_the_baseline_there_is_no_figure() {
        let error = figures(output(&[("widget", &[(1.0, 1.0, 1)])])).expect_err("no baseline");
        assert!(error.to_string().contains("without the widget"), "{error}");
    }
}
