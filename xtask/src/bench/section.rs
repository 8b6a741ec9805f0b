//! What every bench section hands the report: its outcome ([`Section`]) and the way figures are
//! written ([`bytes`]). A module of its own so that the sections and the report, which reads every
//! section's figures, do not import each other.

use serde::Serialize;

/// The outcome of one benchmark section.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Section<T> {
    /// The section was not asked for in this run (`--only`).
    Skipped,
    /// Measured: the figures.
    Measured { figures: T },
    /// Not measurable yet (the feature it measures is not built): why, in words.
    NotMeasured { reason: String },
    /// The benchmark itself failed: the error. Makes `cargo xtask bench` exit non-zero.
    Failed { error: String },
}

impl<T> Section<T> {
    pub fn from_result(result: anyhow::Result<T>) -> Section<T> {
        match result {
            Ok(figures) => Section::Measured { figures },
            Err(e) => Section::Failed { error: format!("{e:#}") },
        }
    }

    pub fn figures(&self) -> Option<&T> {
        match self {
            Section::Measured { figures } => Some(figures),
            _ => None,
        }
    }

    pub fn print_status(&self, name: &str) {
        match self {
            Section::Skipped => {}
            Section::Measured { .. } => eprintln!("xtask bench: {name}: measured"),
            Section::NotMeasured { reason } => eprintln!("xtask bench: {name}: not measured: {reason}"),
            Section::Failed { error } => eprintln!("xtask bench: {name}: FAILED: {error}"),
        }
    }

    /// The README row of a section without figures (none when it was not asked for).
    pub fn summary_gap(&self, figure: &str) -> String {
        match self {
            Section::Skipped | Section::Measured { .. } => String::new(),
            Section::NotMeasured { .. } => format!("| {figure} | not measured yet ([why](docs/bench.md)) |\n"),
            Section::Failed { .. } => format!("| {figure} | the benchmark failed ([error](docs/bench.md)) |\n"),
        }
    }

    /// The Markdown paragraph for a section without figures.
    pub fn missing_note(&self) -> String {
        match self {
            Section::Skipped => "Not run (`--only`).\n".into(),
            Section::Measured { .. } => String::new(),
            Section::NotMeasured { reason } => format!("Not measured yet: {reason}\n"),
            Section::Failed { error } => format!("**The benchmark failed:** `{}`\n", error.replace('`', "'")),
        }
    }
}

/// A byte count with thousands separators, as the README's tables show them.
pub fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
