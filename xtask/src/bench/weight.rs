//! Weight: the bytes a partner page downloads for the widget, next to the baseline — a bare Yew
//! counter in a shadow root (`benches/yew-counter`) built by the same pipeline in the same run.

use super::budget::{Budgets, BUDGETS_FILE};
use super::section::bytes;
use crate::build::{build_wasm, ensure_tools, WasmBuild, PARTNER_FILES};
use crate::exec::{cargo, output};
use crate::size::{measure_files, Sizes};
use crate::tools::WASM_TARGET;
use anyhow::Context;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The files a page downloads for the counter, in load order (as [`PARTNER_FILES`] for the widget).
pub const COUNTER_FILES: [&str; 3] = ["yew-counter.js", "yew_counter_wasm.js", "yew_counter_wasm_bg.wasm"];

/// The goal of issue 8: the complete widget at no more than this many times the counter.
const RATIO_GOAL: f64 = 1.5;

/// What the benchmarks run: the freshly built widget package, baseline counter and receiver.
pub struct Built {
    pub pkg: PathBuf,
    pub counter: PathBuf,
    /// The receiver's binary (its `server` profile), when a section needs it.
    pub server: Option<PathBuf>,
}

/// Builds `pkg/` and the counter (into `out_dir/yew-counter`) with the one wasm pipeline.
pub fn build_all(root: &Path, out_dir: &Path) -> anyhow::Result<Built> {
    let tools = ensure_tools()?;
    let pkg = crate::build::run_with(&tools)?;
    let counter = out_dir.join("yew-counter");
    build_wasm(
        root,
        &WasmBuild { package: "yew-counter", out_name: "yew_counter_wasm", out_dir: &counter, split: false },
        &tools,
    )?;
    let loader = root.join("benches/yew-counter/js").join(COUNTER_FILES[0]);
    std::fs::copy(&loader, counter.join(COUNTER_FILES[0]))
        .with_context(|| format!("cannot copy {}", loader.display()))?;
    Ok(Built { pkg, counter, server: None })
}

/// Raw, gzip (level 9) and brotli (quality 11) bytes of one file or of a total.
#[derive(Debug, Clone, Serialize)]
pub struct FileWeight {
    pub file: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl FileWeight {
    fn new(file: &str, s: Sizes) -> FileWeight {
        FileWeight { file: file.to_string(), raw: s.raw as u64, gzip: s.gzip as u64, brotli: s.brotli as u64 }
    }

    fn row(&self, label: &str) -> String {
        format!("| {label} | {} | {} | {} |\n", bytes(self.raw), bytes(self.gzip), bytes(self.brotli))
    }
}

/// widget / counter, per encoding.
#[derive(Debug, Serialize)]
pub struct Ratios {
    pub raw: f64,
    pub gzip: f64,
    pub brotli: f64,
}

#[derive(Debug, Serialize)]
pub struct WeightReport {
    pub widget_files: Vec<FileWeight>,
    pub widget_total: FileWeight,
    /// The wasm's second part (`build::split`), which a page fetches only when it first needs it:
    /// not in the total.
    pub more: FileWeight,
    pub counter_files: Vec<FileWeight>,
    pub counter_total: FileWeight,
    pub widget_over_counter: Ratios,
    pub ratio_goal: f64,
    pub budget_brotli_bytes: u64,
    pub within_budget: bool,
    /// Crates linked into the widget's wasm in more than one version (`name (v1, v2)`).
    pub widget_duplicate_crates: Vec<String>,
    /// The same for the counter: duplicates that come with Yew itself.
    pub counter_duplicate_crates: Vec<String>,
}

/// Crates in more than one version among what a wasm crate links (build scripts and proc-macros
/// excluded: they run on the build machine and never reach the wasm).
fn duplicate_crates(package: &str) -> anyhow::Result<Vec<String>> {
    let tree = output(cargo().current_dir(crate::paths::repo_root()).args([
        "tree",
        "-p",
        package,
        "--target",
        WASM_TARGET,
        "-e",
        "normal,no-proc-macro",
        "--duplicates",
        "--depth",
        "0",
        "--prefix",
        "none",
    ]))
    .with_context(|| format!("`cargo tree --duplicates -p {package}` failed"))?;
    let mut versions: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for line in tree.lines() {
        let mut words = line.split_whitespace();
        if let (Some(name), Some(version)) = (words.next(), words.next()) {
            versions.entry(name).or_default().push(version);
        }
    }
    Ok(versions
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(name, v)| format!("{name} ({})", v.join(", ")))
        .collect())
}

fn weigh(dir: &Path, files: &[&str]) -> anyhow::Result<(Vec<FileWeight>, FileWeight)> {
    let (rows, total) = measure_files(dir, files)?;
    Ok((rows.iter().map(|(name, s)| FileWeight::new(name, *s)).collect(), FileWeight::new("total", total)))
}

pub fn measure(built: &Built) -> anyhow::Result<WeightReport> {
    let (widget_files, widget_total) = weigh(&built.pkg, &PARTNER_FILES)?;
    let (mut more, _) = weigh(&built.pkg, &[crate::build::MORE])?;
    let (counter_files, counter_total) = weigh(&built.counter, &COUNTER_FILES)?;
    let ratio = |w: u64, c: u64| w as f64 / c as f64;
    let budget = Budgets::load()?.weight_brotli_total;
    let report = WeightReport {
        widget_duplicate_crates: duplicate_crates("undersigned")?,
        counter_duplicate_crates: duplicate_crates("yew-counter")?,
        widget_over_counter: Ratios {
            raw: ratio(widget_total.raw, counter_total.raw),
            gzip: ratio(widget_total.gzip, counter_total.gzip),
            brotli: ratio(widget_total.brotli, counter_total.brotli),
        },
        within_budget: widget_total.brotli <= budget,
        budget_brotli_bytes: budget,
        ratio_goal: RATIO_GOAL,
        widget_files,
        widget_total,
        more: more.remove(0),
        counter_files,
        counter_total,
    };
    print!("{}", report.markdown());
    Ok(report)
}

impl WeightReport {
    pub fn markdown(&self) -> String {
        let mut md = String::from(
            "Bytes of every file a partner page downloads for the widget with the default campaign (the loader with the \
             stylesheet and the English pre-rendered widget inside it, the glue, the first part of the wasm with the campaign \
             inside it; the second part, fetched when the page first needs it, is shown below the total and not in it), as served with gzip (level 9) and brotli (quality 11). The baseline is a bare \
             Yew counter mounted in a shadow root (`benches/yew-counter`), built in the same run by the same pipeline: \
             cargo release on the pinned nightly (size profile, the standard library compiled with it for size, panics that trap at \
             once, no `Debug` output; Yew's `tracing` calls compiled out in both, as no subscriber is ever installed) → \
             wasm-bindgen `--target web` → `wasm-opt -Oz --converge` → short import and export names on the \
             glue/wasm boundary (`--minify-imports-and-exports-and-modules`) → the glue minified by esbuild.\n\n\
             | file | raw | gzip | brotli |\n|---|---:|---:|---:|\n",
        );
        for f in &self.widget_files {
            md.push_str(&f.row(&format!("`{}`", f.file)));
        }
        md.push_str(&self.widget_total.row("**widget total**"));
        md.push_str(&self.more.row(&format!(
            "`{}`: the wasm's second part, fetched on the visitor's first interaction (or first need)",
            self.more.file
        )));
        let counter_files = self.counter_files.iter().map(|f| format!("`{}`", f.file)).collect::<Vec<_>>().join(" + ");
        md.push_str(&self.counter_total.row(&format!("bare Yew counter total ({counter_files})")));
        let r = &self.widget_over_counter;
        let _ = writeln!(md, "| **widget / counter** | {:.2} | {:.2} | {:.2} |", r.raw, r.gzip, r.brotli);
        let _ = writeln!(
            md,
            "\nGoal: widget / counter ≤ {:.1} (brotli: {:.2}, {}). Budget (`{BUDGETS_FILE}`, enforced by `cargo xtask test`): \
             {} bytes brotli; the widget uses {} ({}).",
            self.ratio_goal,
            r.brotli,
            if r.brotli <= self.ratio_goal { "met" } else { "not met" },
            bytes(self.budget_brotli_bytes),
            bytes(self.widget_total.brotli),
            if self.within_budget { format!("{} to spare", bytes(self.budget_brotli_bytes - self.widget_total.brotli)) } else { "OVER BUDGET".into() },
        );
        let own: Vec<&String> =
            self.widget_duplicate_crates.iter().filter(|d| !self.counter_duplicate_crates.contains(d)).collect();
        let _ = writeln!(
            md,
            "
One version of each crate (`cargo tree --duplicates`, build-time crates excluded): {}.",
            match (self.widget_duplicate_crates.is_empty(), own.is_empty()) {
                (true, _) => "no crate is linked twice".to_string(),
                (false, true) => format!(
                    "only {}, which the bare counter has too (Yew 0.23 brings them)",
                    self.widget_duplicate_crates.join(", ")
                ),
                (false, false) => format!(
                    "**{}** beyond what Yew itself brings ({})",
                    own.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                    self.counter_duplicate_crates.join(", ")
                ),
            }
        );
        md
    }

    pub fn summary_rows(&self) -> String {
        format!(
            "| widget download (every partner file), brotli / gzip | {} / {} bytes |\n\
             | the wasm's second part, fetched on the visitor's first interaction (not in the download above), brotli / gzip | {} / {} bytes |\n\
             | bare Yew counter, same pipeline, brotli / gzip | {} / {} bytes |\n\
             | widget / counter, brotli (goal ≤ {:.1}) | {:.2} |\n\
             | weight budget, brotli (`{BUDGETS_FILE}`) | {} bytes |\n",
            bytes(self.widget_total.brotli),
            bytes(self.widget_total.gzip),
            bytes(self.more.brotli),
            bytes(self.more.gzip),
            bytes(self.counter_total.brotli),
            bytes(self.counter_total.gzip),
            self.ratio_goal,
            self.widget_over_counter.brotli,
            bytes(self.budget_brotli_bytes),
        )
    }
}
