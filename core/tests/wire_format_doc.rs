//! The examples in docs/wire-format.md are real: each parses, validates as the text says, and the
//! three encodings of one signature agree byte for byte with what the code produces.

use std::collections::BTreeMap;
use undersigned_core::api_error::{ApiError, ErrorCode};
use undersigned_core::signature::answer::{AnswerStatus, SignatureAnswer};
use undersigned_core::signature::{field, unicode_nfc, validate, SignatureSubmission, SignerKind};

const DOC: &str = include_str!("../../docs/wire-format.md");

/// The fenced blocks tagged `<language> example:<name>`, by (language, name).
fn examples() -> BTreeMap<(String, String), String> {
    let mut found = BTreeMap::new();
    let mut lines = DOC.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        if let Some((language, name)) = info.split_once(" example:") {
            let previous = found.insert((language.to_string(), name.to_string()), body.join("\n"));
            assert!(previous.is_none(), "two examples are called {language} {name}");
        }
    }
    found
}

fn example(language: &str, name: &str) -> String {
    examples()
        .remove(&(language.to_string(), name.to_string()))
        .unwrap_or_else(|| panic!("docs/wire-format.md has no `{language} example:{name}`"))
}

fn json_submission(name: &str) -> (SignatureSubmission, serde_json::Value) {
    let text = example("json", name);
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("example {name} is not JSON: {e}"));
    let submission =
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("example {name} is not a submission: {e}"));
    (submission, value)
}

#[test]
fn the_document_has_the_examples_it_promises() {
    let names: Vec<_> = examples().into_keys().collect();
    assert_eq!(names.len(), 5, "{names:?}");
}

#[test]
fn json_examples_validate_and_are_exactly_what_the_widget_serializes() {
    for (name, kind) in [("individual", SignerKind::Individual), ("organization", SignerKind::Organization)] {
        let (submission, value) = json_submission(name);
        let valid = validate(&submission, unicode_nfc).unwrap_or_else(|e| panic!("example {name} is invalid: {e:?}"));
        assert_eq!(valid.kind, kind);
        assert_eq!(
            serde_json::to_value(&submission).unwrap(),
            value,
            "example {name} has fields the widget would not send as written"
        );
    }
}

#[test]
fn the_form_example_is_the_json_example_form_encoded() {
    let (submission, _) = json_submission("individual");
    let body = example("urlencoded", "individual");
    assert_eq!(submission.to_form_body(), body);
    assert_eq!(SignatureSubmission::from_form_body(&body), submission);
}

#[test]
fn the_field_error_example_is_what_validation_answers() {
    let answer: ApiError = serde_json::from_str(&example("json", "validation-failed")).expect("an ApiError");
    assert_eq!(answer.code, ErrorCode::ValidationFailed);
    let submission: SignatureSubmission =
        serde_json::from_str(r#"{"kind":"organization","name":"Sam","email":"sam at drw"}"#).expect("a submission");
    assert_eq!(validate(&submission, unicode_nfc).unwrap_err(), answer.fields);
}

#[test]
fn the_field_table_lists_every_wire_name() {
    for name in field::ALL {
        assert!(DOC.contains(&format!("`{name}`")), "docs/wire-format.md does not mention `{name}`");
    }
}

#[test]
fn the_answer_table_names_every_status_and_its_example_is_an_answer() {
    for status in AnswerStatus::ALL {
        assert!(DOC.contains(&format!("| `{}` |", status.as_str())), "the answer table lacks `{}`", status.as_str());
    }
    let answer: SignatureAnswer = serde_json::from_str(&example("json", "check-inbox")).expect("a SignatureAnswer");
    assert_eq!(answer.status, AnswerStatus::CheckInbox);
}
