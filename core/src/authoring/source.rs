//! The source as numbered lines: comments removed, the front matter read.

use super::{Diagnostics, Line};
use crate::campaign::{is_valid_id, DEFAULT_LANGUAGE};

/// The keys the front matter accepts, as listed in error messages.
const KEYS: &str = "id, title, date, language, subject, salutation, closing";

/// The source's lines, numbered from 1. Comment lines (`<!-- … -->`, whole lines only) become
/// blank lines so that they separate paragraphs the way they look like they do.
pub(super) fn lines_without_comments<'a>(source: &'a str, diagnostics: &mut Diagnostics<'_>) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut open_comment: Option<usize> = None;
    for (index, text) in source.lines().enumerate() {
        let number = index + 1;
        let trimmed = text.trim();
        if open_comment.is_none() && trimmed.starts_with("<!--") {
            open_comment = Some(number);
        }
        if open_comment.is_some() {
            if trimmed.ends_with("-->") {
                open_comment = None;
            }
            lines.push(Line { number, text: "" });
        } else {
            lines.push(Line { number, text });
        }
    }
    if let Some(start) = open_comment {
        diagnostics.error(start, "this comment is never closed: end it with `-->` at the end of a line");
    }
    lines
}

/// What the front matter says.
pub(super) struct FrontMatter {
    pub id: String,
    pub title: String,
    pub date: String,
    pub language: String,
    pub subject: Option<String>,
    pub salutation: Option<String>,
    pub closing: Option<String>,
}

/// Reads the front matter (`---`, `key: value` lines, `---`) at the top of the file. Returns it
/// with the lines after it, or None when there is no front matter to read at all.
pub(super) fn front_matter<'s, 'a>(
    lines: &'s [Line<'a>],
    diagnostics: &mut Diagnostics<'_>,
) -> Option<(FrontMatter, &'s [Line<'a>])> {
    let Some(first) = lines.iter().position(|l| !l.is_blank()) else {
        diagnostics.error(
            1,
            "the file is empty: start it with a front matter block (`---`, `id: …`, `title: …`, `date: …`, `---`)",
        );
        return None;
    };
    if lines[first].text.trim() != "---" {
        diagnostics.error(
            lines[first].number,
            "the file must start with a front matter block: a line `---`, then `id: …`, `title: …` and `date: …`, then `---`",
        );
        return None;
    }
    let opening = lines[first].number;
    let Some(close) = lines[first + 1..].iter().position(|l| l.text.trim() == "---").map(|i| first + 1 + i) else {
        diagnostics
            .error(opening, "the front matter that opens here is never closed: add a line `---` after its last key");
        return None;
    };

    let mut values: [Option<(usize, String)>; 7] = Default::default();
    let names = ["id", "title", "date", "language", "subject", "salutation", "closing"];
    for line in &lines[first + 1..close] {
        if line.is_blank() {
            continue;
        }
        let Some((key, value)) = line.text.split_once(':') else {
            diagnostics
                .error(line.number, format!("expected `key: value` in the front matter, found `{}`", line.text.trim()));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let Some(slot) = names.iter().position(|name| *name == key) else {
            diagnostics.error(line.number, format!("unknown front-matter key `{key}`: the keys are {KEYS}"));
            continue;
        };
        if let Some((earlier, _)) = &values[slot] {
            diagnostics.error(line.number, format!("`{key}` is already set on line {earlier}: keep one of the two"));
            continue;
        }
        if value.is_empty() {
            diagnostics
                .error(line.number, format!("`{key}` has no value: write it after the colon, or delete the line"));
            continue;
        }
        values[slot] = Some((line.number, value.to_string()));
    }
    let [id, title, date, language, subject, salutation, closing] = values;
    if let Some((number, value)) = &id {
        if !is_valid_id(value) {
            diagnostics.error(*number, format!("the id `{value}` is not valid: use lowercase letters, digits and single hyphens, such as `dhs-paragon`"));
        }
    }
    let mut required = |value: Option<(usize, String)>, key: &str, example: &str| match value {
        Some((_, value)) => value,
        None => {
            diagnostics.error(
                opening,
                format!(
                    "the front matter has no `{key}`: add a line such as `{key}: {example}` before its closing `---`"
                ),
            );
            String::new()
        }
    };
    let id = required(id, "id", "dhs-paragon");
    let title = required(title, "title", "Coalition letter to …");
    let date = required(date, "date", "October 31, 2024");
    let language = match language {
        Some((number, tag)) => {
            if !is_language_tag(&tag) {
                diagnostics
                    .error(number, format!("`{tag}` is not a language tag: use one such as `en`, `es` or `es-MX`"));
            }
            tag
        }
        None => DEFAULT_LANGUAGE.to_string(),
    };
    let front = FrontMatter {
        id,
        title,
        date,
        language,
        subject: subject.map(|(_, v)| v),
        salutation: salutation.map(|(_, v)| v),
        closing: closing.map(|(_, v)| v),
    };
    Some((front, &lines[close + 1..]))
}

/// A BCP 47 tag in the simple form the widget needs: a 2–8 letter language, then subtags.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok =
        parts.next().is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
