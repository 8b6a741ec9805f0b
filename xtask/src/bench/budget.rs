//! The budgets of `budgets.toml`, and the weight check that `cargo xtask test` runs.
//!
//! `budgets.toml` is read with the `toml` crate into structs that deny unknown fields: a misspelt
//! section or key is an error naming it, so a typo can never switch a budget off, and a missing
//! budget is an error, never "unlimited".

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
        let file: BudgetsFile = toml::from_str(text)?;
        Ok(Budgets { weight_brotli_total: file.weight.brotli_total_bytes })
    }
}

/// The file's shape: every section and key known, nothing else allowed.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetsFile {
    weight: WeightBudget,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightBudget {
    /// Brotli bytes of everything a partner page downloads for the widget.
    brotli_total_bytes: u64,
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
        assert!(Budgets::parse("[wieght]\nbrotli_total_bytes = 1\n").is_err(), "a misspelt section is an error");
        let typo = Budgets::parse("[weight]\nbrotli_total_bytes = 1\nbrotli_totl_bytes = 2\n").unwrap_err();
        assert!(format!("{typo:#}").contains("brotli_totl_bytes"), "the error names the unknown key: {typo:#}");
    }

    #[test]
    fn the_repository_budget_file_parses() {
        Budgets::load().unwrap();
    }
}
