//! The bench report: one JSON document (`target/bench/report.json`), the Markdown of
//! `docs/bench.md`, and the summary block the README shows between two markers.

use super::long_page::LongPageReport;
use super::receiver::ReceiverReport;
use super::section::Section;
use super::signer_list::SignerListReport;
use super::storms::StormsReport;
use super::tti::TtiReport;
use super::weight::WeightReport;
use anyhow::Context;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// Where and how the figures were taken.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: Option<String>,
    pub os: String,
    /// `/proc/loadavg`'s 1-minute figure when the run started: timings on a busy machine are slower
    /// and noisier, and the reader should know.
    pub load_average: Option<f64>,
}

impl Machine {
    fn current() -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_string())
            })
        });
        Machine {
            cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            cpu_model,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            load_average: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next()?.parse().ok()),
        }
    }

    fn describe(&self) -> String {
        let load = self.load_average.map_or(String::new(), |l| format!(", load average {l:.1} at the start"));
        format!(
            "{} CPU{} ({}), {}{load}",
            self.cpus,
            if self.cpus == 1 { "" } else { "s" },
            self.cpu_model.as_deref().unwrap_or("unknown model"),
            self.os
        )
    }
}

/// Everything one `cargo xtask bench` run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    /// UTC date of the run, `YYYY-MM-DD`.
    pub date: String,
    pub machine: Machine,
    pub elapsed_seconds: f64,
    /// The part of `elapsed_seconds` spent building what is measured.
    pub build_seconds: f64,
    pub page_loads: usize,
    pub weight: Section<WeightReport>,
    pub tti: Section<TtiReport>,
    pub long_page: Section<LongPageReport>,
    pub receiver: Section<ReceiverReport>,
    pub signer_list: Section<SignerListReport>,
    pub storms: Section<StormsReport>,
}

impl Report {
    pub fn new(page_loads: usize) -> Report {
        Report {
            date: utc_date(std::time::SystemTime::now()),
            machine: Machine::current(),
            elapsed_seconds: 0.0,
            build_seconds: 0.0,
            page_loads,
            weight: Section::Skipped,
            tti: Section::Skipped,
            long_page: Section::Skipped,
            receiver: Section::Skipped,
            signer_list: Section::Skipped,
            storms: Section::Skipped,
        }
    }

    pub fn failed_sections(&self) -> Vec<&'static str> {
        let mut failed = Vec::new();
        let mut check = |name, failed_section: bool| {
            if failed_section {
                failed.push(name);
            }
        };
        check("weight", matches!(self.weight, Section::Failed { .. }));
        check("tti", matches!(self.tti, Section::Failed { .. }));
        check("longpage", matches!(self.long_page, Section::Failed { .. }));
        check("receiver", matches!(self.receiver, Section::Failed { .. }));
        check("signers", matches!(self.signer_list, Section::Failed { .. }));
        check("storms", matches!(self.storms, Section::Failed { .. }));
        failed
    }

    /// The whole report as Markdown (the content of `docs/bench.md`).
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Benchmarks\n");
        let _ = writeln!(
            md,
            "Written by `cargo xtask bench` on {} on {}; the run took {:.0} s, {:.0} s of it building the widget, the counter \
             and the receiver (the widget and the counter with the size-tuned release profile, the receiver with its `server` \
             profile, at the same time). The same run writes every figure to `target/bench/report.json`. Reproduce with \
             `cargo xtask bench` (add `--twiggy` for the heaviest items of the wasm).\n",
            self.date, self.machine.describe(), self.elapsed_seconds, self.build_seconds
        );
        let _ = writeln!(md, "## Weight: what a partner page downloads\n");
        match self.weight.figures() {
            Some(w) => md.push_str(&w.markdown()),
            None => md.push_str(&self.weight.missing_note()),
        }
        let _ = writeln!(md, "\n## Time to interactive, in headless Chromium\n");
        match self.tti.figures() {
            Some(t) => md.push_str(&t.markdown()),
            None => md.push_str(&self.tti.missing_note()),
        }
        let _ = writeln!(md, "\n## A long partner page's own load: no widget, widget, lazy widget\n");
        match self.long_page.figures() {
            Some(l) => md.push_str(&l.markdown()),
            None => md.push_str(&self.long_page.missing_note()),
        }
        let _ = writeln!(md, "\n## Receiver: SQLite on loopback\n");
        match self.receiver.figures() {
            Some(r) => md.push_str(&r.markdown()),
            None => md.push_str(&self.receiver.missing_note()),
        }
        let _ = writeln!(md, "\n## Signer list\n");
        match self.signer_list.figures() {
            Some(s) => md.push_str(&s.markdown()),
            None => md.push_str(&self.signer_list.missing_note()),
        }
        let _ = writeln!(md, "\n## Receiver under storms: before and after issue 16\n");
        match self.storms.figures() {
            Some(s) => md.push_str(&s.markdown()),
            None => md.push_str(&self.storms.missing_note()),
        }
        md
    }

    /// The headline figures for the README.
    pub fn readme_summary(&self) -> String {
        let mut rows = String::from("| figure | value |\n|---|---|\n");
        if let Some(w) = self.weight.figures() {
            rows.push_str(&w.summary_rows());
        }
        if let Some(t) = self.tti.figures() {
            rows.push_str(&t.summary_rows());
        }
        match self.long_page.figures() {
            Some(l) => rows.push_str(&l.summary_rows()),
            None => rows.push_str(
                &self.long_page.summary_gap("long partner page's own load: no widget / widget / lazy widget"),
            ),
        }
        match self.receiver.figures() {
            Some(r) => rows.push_str(&r.summary_rows()),
            None => rows
                .push_str(&self.receiver.summary_gap("receiver: durable signatures per second, latency, crash test")),
        }
        match self.signer_list.figures() {
            Some(s) => rows.push_str(&s.summary_rows()),
            None => rows.push_str(&self.signer_list.summary_gap("signer list of 100,000: first paint, JS heap")),
        }
        match self.storms.figures() {
            Some(s) => rows.push_str(&s.summary_rows()),
            None => rows.push_str(&self.storms.summary_gap("receiver under storms: read floods, reconnect storms")),
        }
        format!("Measured on {} on {} by `cargo xtask bench`; every figure and how it is taken: [docs/bench.md](docs/bench.md).\n\n{rows}", self.date, self.machine.describe())
    }
}

const README_BEGIN: &str = "<!-- bench:begin (written by `cargo xtask bench`) -->";
const README_END: &str = "<!-- bench:end -->";

/// Replaces the README's text between the bench markers with `summary`.
pub fn update_readme(readme: &Path, summary: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(readme).with_context(|| format!("cannot read {}", readme.display()))?;
    let (Some(begin), Some(end)) = (text.find(README_BEGIN), text.find(README_END)) else {
        anyhow::bail!("{} has no `{README_BEGIN}` … `{README_END}` block for the bench figures", readme.display());
    };
    if end < begin {
        anyhow::bail!("{}: the bench markers are in the wrong order", readme.display());
    }
    let updated = format!("{}{README_BEGIN}\n{summary}{}", &text[..begin], &text[end..]);
    if updated != text {
        std::fs::write(readme, updated)?;
    }
    Ok(())
}

/// `YYYY-MM-DD` (UTC) of a time.
pub fn utc_date(time: std::time::SystemTime) -> String {
    let days = time.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0) as i64;
    let (year, month, day) = undersigned_core::calendar::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn dates_and_byte_counts_read_as_people_write_them() {
        use super::super::section::bytes;
        assert_eq!(utc_date(UNIX_EPOCH), "1970-01-01");
        assert_eq!(utc_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29");
        assert_eq!(utc_date(UNIX_EPOCH + Duration::from_secs(1_795_651_200)), "2026-11-26");
        assert_eq!(bytes(0), "0");
        assert_eq!(bytes(999), "999");
        assert_eq!(bytes(83_327), "83,327");
        assert_eq!(bytes(1_258_185), "1,258,185");
    }

    #[test]
    fn the_readme_block_is_replaced_and_the_rest_kept() {
        let dir = std::env::temp_dir().join(format!("xtask-readme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let readme = dir.join("README.md");
        std::fs::write(&readme, format!("# T\n\nbefore\n{README_BEGIN}\nold figures\n{README_END}\nafter\n")).unwrap();
        update_readme(&readme, "new figures\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&readme).unwrap(),
            format!("# T\n\nbefore\n{README_BEGIN}\nnew figures\n{README_END}\nafter\n")
        );
        std::fs::write(&readme, "no markers\n").unwrap();
        assert!(update_readme(&readme, "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
