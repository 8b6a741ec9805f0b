//! The authoring format: a plain-text file an organizer writes by hand, compiled to [`Campaign`].
//!
//! Markdown with a small front matter and a few fenced sections (`::: name` … `:::`) for the parts
//! of a letter that Markdown has no words for. The full description, with a complete example, is
//! `docs/authoring.md`; its example is compiled by this crate's tests.
//!
//! ```text
//! ---
//! id: example
//! title: A letter
//! date: May 1, 2025
//! ---
//! Dear Director,
//!
//! We ask that you publish the contract.[^1]
//!
//! ::: demands
//! - {#contract} the contract;
//! :::
//!
//! [^1]: The contract register.
//! ```
//!
//! Every mistake is reported with the file and the line to fix, and the compiler goes on after a
//! mistake so that one run lists them all.
//!
//! - `source`: lines, comments and the front matter.
//! - `blocks`: paragraphs, lists and the fenced sections.
//! - `demands`: the nested demand list.
//! - `inline`: emphasis, links and footnote references inside text.
//! - `footnotes`: numbering notes in reading order and checking every use and definition.

mod blocks;
mod demands;
mod footnotes;
mod inline;
mod source;

use crate::campaign::Campaign;
use std::fmt;
use std::path::Path;

/// A mistake in a campaign source, located by file and line so the organizer can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthoringError {
    pub file: String,
    /// 1-based line number; 0 only when the file could not be read at all.
    pub line: usize,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl fmt::Display for AuthoringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for AuthoringError {}

/// Reads and compiles one campaign source file.
pub fn compile_file(path: &Path) -> Result<Campaign, Vec<AuthoringError>> {
    let file = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| {
        vec![AuthoringError { file: file.clone(), line: 0, message: format!("cannot read the file: {e}") }]
    })?;
    compile_str(&file, &source)
}

/// Compiles campaign source text; `file` names it in error messages. All mistakes are returned,
/// in line order.
pub fn compile_str(file: &str, source: &str) -> Result<Campaign, Vec<AuthoringError>> {
    let mut diagnostics = Diagnostics { file, errors: Vec::new() };
    let campaign = compile(source, &mut diagnostics);
    let mut errors = diagnostics.errors;
    match campaign {
        Some(campaign) if errors.is_empty() => Ok(campaign),
        _ => {
            errors.sort_by_key(|e| e.line);
            Err(errors)
        }
    }
}

fn compile(source: &str, diagnostics: &mut Diagnostics<'_>) -> Option<Campaign> {
    let lines = source::lines_without_comments(source, diagnostics);
    let (front_matter, body_lines) = source::front_matter(&lines, diagnostics)?;
    let mut parts = blocks::parse(body_lines, diagnostics);
    let mut campaign = Campaign {
        language: front_matter.language,
        recipient: parts.recipient,
        subject: front_matter.subject,
        salutation: front_matter.salutation,
        body: parts.body,
        closing: front_matter.closing,
        signatories: parts.signatories,
        cc: parts.cc,
        contact: parts.contact,
        ..Campaign::new(front_matter.id, front_matter.title, front_matter.date)
    };
    campaign.footnotes =
        footnotes::resolve(&mut campaign, &parts.footnote_uses, &mut parts.footnote_definitions, diagnostics);
    Some(campaign)
}

/// Collects the mistakes of one compilation.
pub(crate) struct Diagnostics<'f> {
    file: &'f str,
    errors: Vec<AuthoringError>,
}

impl Diagnostics<'_> {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(AuthoringError { file: self.file.to_string(), line, message: message.into() });
    }
}

/// One line of the source with its 1-based number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    number: usize,
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The number of leading spaces.
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }
}
