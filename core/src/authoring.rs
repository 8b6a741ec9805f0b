//! The authoring format: a plain-text file an organizer writes by hand, compiled to [`Campaign`].
//!
//! ```text
//! ---
//! id: dhs-paragon
//! title: Coalition Letter to DHS re: Paragon Solutions, Inc. Contract
//! date: October 31, 2024
//! ---
//! ::: recipient
//! The Honorable Alejandro Mayorkas
//! Secretary of Homeland Security
//! :::
//!
//! First paragraph of the body.
//!
//! Second paragraph.
//! ```

use crate::campaign::{Block, Campaign, Inline};
use std::fmt;
use std::path::Path;

/// A mistake in a campaign source, located by file and line so the organizer can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthoringError {
    pub file: String,
    pub line: usize,
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

/// Compiles campaign source text; `file` names it in error messages.
pub fn compile_str(file: &str, source: &str) -> Result<Campaign, Vec<AuthoringError>> {
    let err = |line: usize, message: String| AuthoringError { file: file.to_string(), line, message };
    let mut errors = Vec::new();
    let lines: Vec<&str> = source.lines().collect();
    if lines.first().map(|l| l.trim()) != Some("---") {
        return Err(vec![err(1, "the file must start with a front matter block opened by `---`".into())]);
    }
    let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---").map(|i| i + 1) else {
        return Err(vec![err(1, "the front matter opened on line 1 is never closed by `---`".into())]);
    };
    let (mut id, mut title, mut date) = (None, None, None);
    for (i, line) in lines[1..end].iter().enumerate() {
        let number = i + 2;
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            errors.push(err(number, format!("expected `key: value`, found `{line}`")));
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "id" => id = Some(value),
            "title" => title = Some(value),
            "date" => date = Some(value),
            other => errors.push(err(number, format!("unknown front-matter key `{other}`: use id, title or date"))),
        }
    }
    let mut recipient = Vec::new();
    let mut body = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut in_recipient = false;
    for line in &lines[end + 1..] {
        let trimmed = line.trim();
        if in_recipient {
            if trimmed == ":::" {
                in_recipient = false;
            } else if !trimmed.is_empty() {
                recipient.push(trimmed.to_string());
            }
        } else if trimmed == "::: recipient" {
            in_recipient = true;
        } else if trimmed.is_empty() {
            if !paragraph.is_empty() {
                body.push(Block::Paragraph(vec![Inline::Text(paragraph.join(" "))]));
                paragraph.clear();
            }
        } else {
            paragraph.push(trimmed);
        }
    }
    if !paragraph.is_empty() {
        body.push(Block::Paragraph(vec![Inline::Text(paragraph.join(" "))]));
    }
    let title = title.unwrap_or_else(|| {
        errors.push(err(1, "the front matter has no `title:`; add the letter's title".into()));
        String::new()
    });
    let id = id.unwrap_or_else(|| {
        errors.push(err(1, "the front matter has no `id:`; add a short stable id such as `dhs-paragon`".into()));
        String::new()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Campaign {
        id,
        title,
        date: date.unwrap_or_default(),
        language: crate::campaign::DEFAULT_LANGUAGE.to_string(),
        recipient,
        subject: None,
        salutation: None,
        body,
        closing: None,
        signatories: Default::default(),
        cc: vec![],
        contact: vec![],
        footnotes: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_front_matter_recipient_and_paragraphs() {
        let src = "---\nid: t\ntitle: T\ndate: D\n---\n::: recipient\nA\nB\n:::\n\nOne\nline.\n\nTwo.\n";
        let c = compile_str("t.md", src).expect("valid source");
        assert_eq!(c.title, "T");
        assert_eq!(c.recipient, vec!["A", "B"]);
        assert_eq!(c.body.len(), 2);
    }

    #[test]
    fn missing_title_names_file_and_line() {
        let errors = compile_str("x.md", "---\nid: t\n---\nBody\n").unwrap_err();
        assert_eq!(errors[0].to_string(), "x.md:1: the front matter has no `title:`; add the letter's title");
    }
}
