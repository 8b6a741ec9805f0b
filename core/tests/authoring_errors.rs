//! Every kind of authoring mistake yields an error that names the file and the exact line to fix.

use undersigned_core::authoring::{compile_str, AuthoringError};

const FILE: &str = "campaigns/example.md";

/// A valid campaign; each test breaks one thing in it.
const VALID: &str = "\
---
id: example
title: An example letter
date: May 1, 2025
---
Dear Director,

We ask for the contract.[^a] And the *audit*.[^b]

::: demands
- {#contract} the contract;
- {#audits} the audits:
  - {#audit-2024} of 2024;
  - {#audit-2025} of 2025.
:::

[^a]: The contract register.
[^b]: The audit office.
";

fn errors(source: &str) -> Vec<AuthoringError> {
    match compile_str(FILE, source) {
        Ok(_) => panic!("expected errors, the source compiled:\n{source}"),
        Err(errors) => errors,
    }
}

/// Asserts exactly one error, on `line`, whose message contains `words`.
fn assert_one(source: &str, line: usize, words: &str) {
    let errors = errors(source);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert_eq!((error.file.as_str(), error.line), (FILE, line), "{error}");
    assert!(error.message.contains(words), "`{}` should mention `{words}`", error.message);
    assert!(error.to_string().starts_with(&format!("{FILE}:{line}: ")), "{error}");
}

#[test]
fn the_valid_example_compiles() {
    let campaign = compile_str(FILE, VALID).expect("valid");
    assert_eq!(campaign.footnotes.len(), 2);
    assert_eq!(campaign.leaf_demands().count(), 3);
}

#[test]
fn footnote_used_but_not_defined() {
    assert_one(&VALID.replace("[^b]: The audit office.\n", ""), 8, "`[^b]` is used here but never defined");
}

#[test]
fn footnote_defined_but_never_used() {
    assert_one(&VALID.replace(" And the *audit*.[^b]", ""), 18, "`[^b]` is defined but never used");
}

#[test]
fn footnote_defined_twice() {
    assert_one(&format!("{VALID}[^a]: Again.\n"), 19, "already defined on line 17");
}

#[test]
fn numbered_footnotes_out_of_reading_order() {
    let source = VALID.replace("[^a]", "[^2]").replace("[^b]", "[^1]");
    let errors = errors(&source);
    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [17, 18], "{errors:#?}");
    assert!(errors[0].message.contains("shown as note 1"));
}

#[test]
fn demand_id_used_twice() {
    assert_one(&VALID.replace("{#audit-2025}", "{#audit-2024}"), 14, "`audit-2024` is already used on line 13");
}

#[test]
fn missing_title() {
    assert_one(&VALID.replace("title: An example letter\n", ""), 1, "no `title`");
}

#[test]
fn unknown_front_matter_key() {
    assert_one(
        &VALID.replace("date: May 1, 2025\n", "date: May 1, 2025\nauthor: EPIC\n"),
        5,
        "unknown front-matter key `author`",
    );
}

#[test]
fn duplicate_front_matter_key() {
    assert_one(&VALID.replace("date: May 1, 2025\n", "date: May 1, 2025\ntitle: Again\n"), 5, "already set on line 3");
}

#[test]
fn invalid_language_and_campaign_id() {
    assert_one(
        &VALID.replace("date: May 1, 2025\n", "date: May 1, 2025\nlanguage: English!\n"),
        5,
        "not a language tag",
    );
    assert_one(&VALID.replace("id: example", "id: Example Letter"), 2, "is not valid");
}

#[test]
fn no_front_matter() {
    assert_one("Dear Director,\n", 1, "must start with a front matter block");
    assert_one("---\nid: x\n", 1, "never closed");
}

#[test]
fn demand_without_id() {
    assert_one(&VALID.replace("- {#contract} the contract;", "- the contract;"), 11, "has no id");
}

#[test]
fn malformed_demand_attributes() {
    assert_one(&VALID.replace("{#contract}", "{#contract"), 11, "never closed");
    assert_one(&VALID.replace("{#contract}", "{#contract status=done}"), 11, "unknown status `done`");
    assert_one(&VALID.replace("{#contract}", "{#contract owner=me}"), 11, "unknown demand attribute `owner`");
    assert_one(&VALID.replace("{#contract}", "{#Contract_1}"), 11, "is not valid");
    assert_one(&VALID.replace("{#contract} the contract;", "{#contract}"), 11, "has no text");
}

#[test]
fn demand_bad_indentation() {
    assert_one(&VALID.replace("  - {#audit-2024}", "   - {#audit-2024}"), 13, "indented by 3 spaces");
    assert_one(
        &VALID.replace("  - {#audit-2024}", "    - {#audit-2024}"),
        13,
        "nested 2 levels under the demand on line 12",
    );
    assert_one(&VALID.replace("- {#contract}", "  - {#contract}"), 11, "first demand of a list is not indented");
    assert_one(&VALID.replace("  - {#audit-2024}", "\t- {#audit-2024}"), 13, "not tabs");
}

#[test]
fn stray_line_in_demands() {
    assert_one(
        &VALID.replace("- {#audits} the audits:\n", "- {#audits} the audits:\nand more\n"),
        13,
        "expected a demand here",
    );
}

#[test]
fn sections_unknown_unclosed_and_repeated() {
    assert_one(&VALID.replace("::: demands", "::: asks"), 10, "unknown section `::: asks`");
    assert_one(
        &VALID.replace("  - {#audit-2025} of 2025.\n:::\n", "  - {#audit-2025} of 2025.\n"),
        10,
        "is not closed",
    );
    let twice = VALID.replace("Dear Director,\n", "::: cc\n- A\n:::\n::: cc\n- B\n:::\n");
    assert_one(&twice, 9, "opens on line 6");
    assert_one(&VALID.replace("Dear Director,\n", ":::\n"), 6, "no section is open");
}

#[test]
fn signatory_lines() {
    let source = VALID.replace("Dear Director,\n", "::: individuals\n- A | B | C | D\n:::\n");
    assert_one(&source, 7, "at most three fields");
    let source = VALID.replace("Dear Director,\n", "::: organizations\nAccess Now\n:::\n");
    assert_one(&source, 7, "starts with `- `");
}

#[test]
fn inline_mistakes() {
    assert_one(&VALID.replace("*audit*", "*audit"), 8, "never closed");
    assert_one(&VALID.replace("the contract.", "the [contract](javascript:alert(1))."), 8, "not allowed");
    assert_one(
        &VALID.replace("[^b]: The audit office.", "[^b]: The audit office.[^a]"),
        18,
        "cannot refer to another note",
    );
}

#[test]
fn unclosed_comment() {
    assert_one(&VALID.replace("Dear Director,\n", "<!-- a note to self\n"), 6, "comment is never closed");
}

#[test]
fn every_mistake_is_reported_in_one_run_in_line_order() {
    let source = VALID
        .replace("title: An example letter\n", "title: An example letter\ncolor: red\n")
        .replace("{#audit-2025}", "{#audit-2024}");
    let lines: Vec<usize> = errors(&source).iter().map(|e| e.line).collect();
    assert_eq!(lines, [4, 15]);
}

#[test]
fn unreadable_file() {
    let errors = undersigned_core::authoring::compile_file(std::path::Path::new("no/such/campaign.md")).unwrap_err();
    assert_eq!(errors[0].file, "no/such/campaign.md");
    assert!(errors[0].message.starts_with("cannot read the file"));
}
