//! Every translation file is complete. For each folder of translations — `locales/` (the widget)
//! and `server/locales/` (the receiver's pages and mails) — every `<code>.txt` has every key of
//! that folder's `en.txt`, uses no placeholder English does not have (and, outside plural forms,
//! every placeholder English has), and adds only the plural categories a language needs
//! (`.zero`, `.two`, `.few`, `.many`) to keys English has plural forms of. The files are found by
//! listing the folders, so a language or a key added later is checked without touching this test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use undersigned_core::locale;

const FOLDERS: [&str; 2] = ["locales", "server/locales"];
/// Keys English has no line for because its text is core's own message (the receiver's error
/// pages show `ErrorCode`'s English message, other languages `page.error.{code}`): every other
/// language must have each one that any of them has.
const ENGLISH_FROM_CORE: &str = "page.error.";
const EXTRA_PLURALS: [&str; 4] = ["zero", "two", "few", "many"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn table(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    locale::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
}

/// The problems of one language file against English, one line each.
fn problems(english: &BTreeMap<String, String>, other: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (key, english_text) in english {
        match other.get(key) {
            None => found.push(format!("missing `{key}` (English: {english_text})")),
            Some(text) => {
                let (theirs, ours) = (placeholders(text), placeholders(english_text));
                let plural = key.ends_with(".one") || key.ends_with(".other");
                if !theirs.is_subset(&ours) || (!plural && theirs != ours) {
                    found.push(format!("`{key}` has the placeholders {theirs:?}, English {ours:?}"));
                }
            }
        }
    }
    for key in other.keys().filter(|k| !english.contains_key(*k)) {
        let plural_of_english = key.rsplit_once('.').is_some_and(|(stem, form)| {
            EXTRA_PLURALS.contains(&form) && english.contains_key(&format!("{stem}.other"))
        });
        if !plural_of_english {
            found.push(format!("`{key}` is not a key of en.txt"));
        }
    }
    found
}

#[test]
fn every_language_file_has_every_english_key() {
    let mut report = Vec::new();
    let mut checked = 0;
    for folder in FOLDERS {
        let dir = repo().join(folder);
        let english = table(&dir.join("en.txt"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a readable folder").path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt") && !p.ends_with("en.txt"))
            .collect();
        files.sort();
        let tables: Vec<(PathBuf, BTreeMap<String, String>)> =
            files.into_iter().map(|p| (p.clone(), table(&p))).collect();
        // English, plus the keys whose English text is core's (see ENGLISH_FROM_CORE).
        let mut reference = english.clone();
        for (_, t) in &tables {
            for (key, text) in t.iter().filter(|(k, _)| k.starts_with(ENGLISH_FROM_CORE) && !english.contains_key(*k)) {
                reference.entry(key.clone()).or_insert_with(|| text.clone());
            }
        }
        for (path, translation) in tables {
            checked += 1;
            for problem in problems(&reference, &translation) {
                report
                    .push(format!("{folder}/{}: {problem}", path.file_name().and_then(|n| n.to_str()).unwrap_or("?")));
            }
        }
    }
    assert!(checked >= 2, "no translation files found besides English");
    assert!(report.is_empty(), "incomplete translations (every language file has every key):\n{}", report.join("\n"));
}

#[test]
fn the_check_notices_a_missing_key_a_stray_key_and_a_wrong_placeholder() {
    let english = locale::parse("a = One {n}\nb.one = {count} thing\nb.other = {count} things\n").unwrap();
    let good = locale::parse("a = Un {n}\nb.one = une chose\nb.other = {count} choses\nb.few = {count} x\n").unwrap();
    assert_eq!(problems(&english, &good), Vec::<String>::new());
    let bad = locale::parse("a = Un {m}\nb.other = {count} choses\nc = ?\na.few = x\n").unwrap();
    let found = problems(&english, &bad);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found[0].contains("`a` has the placeholders"));
    assert!(found[1].starts_with("missing `b.one`"));
}
