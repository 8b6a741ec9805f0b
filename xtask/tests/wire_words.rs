//! The wire words (the signature answer's statuses, the error codes, the field error codes) are
//! spelled in one place: `core` (`AnswerStatus`, `ErrorCode`, `FieldErrorCode`). Everything else
//! names them through core's enums (`ErrorCode::RateLimited.as_str()`), or, in the end-to-end
//! tests, through `tests/e2e/wire-words.json`, which this test writes from core (`wire.mjs`
//! reads it).
//!
//! The words are read from core itself, so a new code is covered without touching this file. A
//! word counts as spelled when it stands in quotes (`"busy"`, `'signed'`, `` `pending` ``, JSON
//! inside a string: `{\"status\":\"signed\"}`) on a line of code that is not a comment, in the
//! receiver, the widget, xtask, the tests and the demo pages. Outside the search: `core/` (the one
//! place), `docs/` (prose; docs/wire-format.md spells the words for people), and the files that
//! are not code (locales, CSS, JSON data).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use undersigned_core::api_error::{ErrorCode, FieldErrorCode};
use undersigned_core::signature::answer::AnswerStatus;

/// Where the end-to-end tests read the words from.
const E2E_WORDS: &str = "tests/e2e/wire-words.json";

/// The files searched, by extension: code, where a word in quotes is a literal.
const CODE: &[&str] = &["rs", "mjs", "js", "ts", "html", "sql", "sh"];

/// Folders never searched: build output, installed packages, and the two places that may spell
/// the words (core, the one place; docs, prose for people).
const SKIPPED_DIRS: &[&str] = &["target", "pkg", "node_modules", ".git", "data", ".tools", "core", "docs"];

/// Other rules that happen to share a word with the wire: (path, or folder ending in `/`; word;
/// why it is not the wire word). Every entry must still match something, so this list only
/// shrinks.
const OTHER_RULES: &[(&str, &str, &str)] = &[
    (
        "server/src/domain.rs",
        "pending",
        "SignerState::Pending, a moderation state stored in `signers.state` (the database's CHECK \
         spells it too), not the answer status",
    ),
    (
        "server/src/mail/mod.rs",
        "signed",
        "MailKind::Signed, a kind of queued mail stored in `mail_queue.kind`, not the answer status",
    ),
    (
        "server/migrations/",
        "pending",
        "the CHECK of `signers.state` (moderation states); released migrations never change",
    ),
    ("server/migrations/", "signed", "the CHECK of `mail_queue.kind` (mail kinds); released migrations never change"),
    (
        "server/tests/fixtures/",
        "pending",
        "a database written by an earlier release, kept as it was on purpose (moderation states)",
    ),
    (
        "server/tests/fixtures/",
        "signed",
        "a database written by an earlier release, kept as it was on purpose (its stored answers)",
    ),
    ("xtask/tests/wire_words.rs", "", "this test: its list of other rules and its self-test spell words on purpose"),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

/// Core's words: kind (`answer`, `error`, `field`) → Rust variant name → wire word.
fn words() -> BTreeMap<&'static str, BTreeMap<String, &'static str>> {
    let mut all = BTreeMap::new();
    all.insert("answer", AnswerStatus::ALL.iter().map(|s| (format!("{s:?}"), s.as_str())).collect());
    all.insert("error", ErrorCode::ALL.iter().map(|c| (format!("{c:?}"), c.as_str())).collect());
    all.insert("field", FieldErrorCode::ALL.iter().map(|c| (format!("{c:?}"), c.as_str())).collect());
    all
}

/// Every word, once.
fn word_list() -> Vec<&'static str> {
    let mut list: Vec<&'static str> = words().values().flat_map(|m| m.values().copied()).collect();
    list.sort_unstable();
    list.dedup();
    list
}

/// The words `line` spells in quotes.
fn spelled<'a>(line: &str, words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .copied()
        .filter(|word| {
            // The cheap test first: most lines hold no word at all.
            line.contains(word)
                && ['"', '\'', '`']
                    .iter()
                    .any(|q| line.contains(&format!("{q}{word}{q}")) || line.contains(&format!("\\{q}{word}\\{q}")))
        })
        .collect()
}

/// Whether a line of a file with this extension is a comment (only whole-line comments, which is
/// where words are explained).
fn is_comment(line: &str, extension: &str) -> bool {
    let line = line.trim_start();
    let marks: &[&str] = match extension {
        "sql" => &["--"],
        "sh" => &["#"],
        "html" => &["<!--"],
        _ => &["//", "/*", "* "],
    };
    marks.iter().any(|m| line.starts_with(m)) || line == "*"
}

fn code_files(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if path.is_dir() {
            let top = path.parent() == Some(root);
            let skipped = SKIPPED_DIRS.contains(&name.as_str())
                && (top || ["target", "node_modules", ".git"].contains(&name.as_str()));
            if !skipped {
                code_files(&path, root, out);
            }
        } else if path.extension().is_some_and(|e| CODE.contains(&e.to_string_lossy().as_ref())) {
            out.push(path);
        }
    }
}

#[test]
fn the_e2e_tests_words_are_cores() {
    let path = repo().join(E2E_WORDS);
    let fresh = serde_json::to_string_pretty(&words()).expect("words serialize") + "\n";
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != fresh {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        panic!("{E2E_WORDS} did not hold core's wire words; it is rewritten now: review it and commit it");
    }
}

#[test]
fn no_wire_word_is_spelled_outside_core() {
    let root = repo();
    let words = word_list();
    let mut files = Vec::new();
    code_files(&root, &root, &mut files);
    files.sort();
    let mut spelled_here = Vec::new();
    let mut used = vec![false; OTHER_RULES.len()];
    for file in &files {
        let relative = file.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
        for (number, line) in text.lines().enumerate() {
            if is_comment(line, file.extension().map(|e| e.to_string_lossy()).as_deref().unwrap_or("")) {
                continue;
            }
            for word in spelled(line, &words) {
                let allowed = OTHER_RULES.iter().position(|(place, allowed, _)| {
                    let here = if place.ends_with('/') { relative.starts_with(place) } else { relative == *place };
                    here && (allowed.is_empty() || *allowed == word)
                });
                match allowed {
                    Some(i) => used[i] = true,
                    None => spelled_here.push(format!("{relative}:{}: \"{word}\": {}", number + 1, line.trim())),
                }
            }
        }
    }
    assert!(
        spelled_here.is_empty(),
        "wire words spelled outside core (use core's enums: AnswerStatus / ErrorCode / FieldErrorCode \
         `.as_str()`, or in the e2e tests `wire.mjs`; a different rule that shares the word goes in \
         OTHER_RULES with the reason):\n  {}",
        spelled_here.join("\n  ")
    );
    let stale: Vec<_> = OTHER_RULES.iter().zip(&used).filter(|(_, used)| !**used).map(|(rule, _)| rule).collect();
    assert!(stale.is_empty(), "these OTHER_RULES entries match nothing any more: remove them\n  {stale:?}");
}

/// The search itself: it sees a word in every kind of quote and inside JSON in a string, and
/// neither in a comment nor as part of a longer word.
#[test]
fn the_search_sees_quoted_words_only() {
    let words = ["signed", "busy"];
    assert_eq!(spelled("assert_eq!(body[\"code\"], \"busy\");", &words), ["busy"]);
    assert_eq!(spelled("{ status: 'signed' }", &words), ["signed"]);
    assert_eq!(spelled("let a = `signed`;", &words), ["signed"]);
    assert_eq!(spelled(r#"let b = "{\"status\":\"signed\"}";"#, &words), ["signed"]);
    assert_eq!(spelled(r##"let c = r#"{"status":"signed"}"#;"##, &words), ["signed"]);
    assert!(spelled("\"already_signed\" \"undersigned:signed\" \"form.signed.heading\"", &words).is_empty());
    assert!(is_comment("    /// The answer is `signed`.", "rs"));
    assert!(is_comment(" * 201 {\"status\":\"signed\"}", "mjs"));
    assert!(!is_comment("let x = \"signed\"; // trailing", "rs"));
    assert!(!is_comment("#[serde(rename = \"signed\")]", "rs"));
}
