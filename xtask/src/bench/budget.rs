//! The budgets of `budgets.toml`, and the weight check that `cargo xtask test` runs.
//!
//! `budgets.toml` is a small TOML subset read here without a TOML library: `[section]` headers,
//! `key = integer` lines (underscores allowed) and `#` comments. Anything else is an error that
//! names the line, so a typo can never switch a budget off.

use crate::counts::Counts;
use crate::paths::repo_root;
use crate::size::measure_package;
use anyhow::{bail, Context};
use std::path::Path;

/// The file, relative to the repository root.
pub const BUDGETS_FILE: &str = "budgets.toml";

/// The budgets the project holds itself to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// Brotli bytes of everything a partner page downloads for the widget.
    pub weight_brotli_total: u64,
}

impl Budgets {
    pub fn load() -> anyhow::Result<Budgets> {
        let path = repo_root().join(BUDGETS_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Budgets::parse(&text).with_context(|| format!("{} is invalid", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Budgets> {
        let mut section = String::new();
        let mut weight_brotli_total = None;
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or_default().trim();
            let number = index + 1;
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_string();
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                bail!("line {number}: expected `[section]` or `key = number`, found `{raw}`");
            };
            let value: u64 = value
                .trim()
                .replace('_', "")
                .parse()
                .with_context(|| format!("line {number}: `{}` is not a whole number of bytes", value.trim()))?;
            match (section.as_str(), key.trim()) {
                ("weight", "brotli_total_bytes") => weight_brotli_total = Some(value),
                (section, key) => bail!("line {number}: unknown budget `{key}` in section [{section}]"),
            }
        }
        Ok(Budgets { weight_brotli_total: weight_brotli_total.context("[weight] brotli_total_bytes is missing")? })
    }
}

/// The weight check of the test command: the brotli total of the partner files in `pkg` against
/// the budget. Prints one pass or fail line and counts it as a test.
pub fn check_weight(pkg: &Path, counts: &mut Counts) -> anyhow::Result<()> {
    let budget = Budgets::load()?.weight_brotli_total;
    let (_, total) = measure_package(pkg)?;
    let brotli = total.brotli as u64;
    if brotli <= budget {
        println!(
            "ok: weight budget: brotli total {brotli} bytes <= {budget} bytes ({BUDGETS_FILE}), {} bytes to spare",
            budget - brotli
        );
        counts.passed += 1;
        Ok(())
    } else {
        println!(
            "FAILED: weight budget: brotli total {brotli} bytes > {budget} bytes ({BUDGETS_FILE}), {} bytes over",
            brotli - budget
        );
        counts.failed += 1;
        bail!(
            "the widget's brotli total ({brotli} bytes) exceeds the budget in {BUDGETS_FILE} ({budget} bytes) by {} bytes: \
             make it smaller (`cargo xtask bench --twiggy` lists what is heavy) or raise the budget deliberately",
            brotli - budget
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_budget_and_rejects_what_it_does_not_understand() {
        let ok = "# c\n[weight]\nbrotli_total_bytes = 100_000 # headroom\n";
        assert_eq!(Budgets::parse(ok).unwrap(), Budgets { weight_brotli_total: 100_000 });
        assert!(Budgets::parse("[weight]\n").is_err(), "a missing budget is an error, not unlimited");
        assert!(Budgets::parse("[weight]\nbrotli_total_bytes = 100 KB\n").is_err());
        assert!(Budgets::parse("[weight]\nbrotli_totl_bytes = 1\n").is_err(), "a misspelt key is an error");
        assert!(Budgets::parse("[weight]\nbrotli_total_bytes 1\n").is_err());
    }

    #[test]
    fn the_repository_budget_file_parses() {
        Budgets::load().unwrap();
    }
}
