//! Reading signers from CSV for an import: the columns `export` writes ([`super::signer_csv::COLUMNS`]),
//! so that an export imports back as it was, moderation state and timestamps included; a file may
//! also hold only some of them (at least `kind`, `name` and `email`), e.g. signatures collected on
//! paper.
//!
//! Every row goes through core's signature rules, the ones the widget and the signing endpoint
//! apply. The whole file is read and checked before anything is stored: one bad row refuses the
//! file, with the line and the problem of each bad row (the first [`MAX_PROBLEMS`]).
//!
//! - `id` is ignored: the receiver numbers imported signers in the order of the file.
//! - `state` empty or absent: decided by the campaign's moderation settings, as for a signature
//!   that arrives through the endpoint.
//! - `created_at` empty or absent: the time of the import.
//! - A row whose address appears on an earlier row is left out and counted.

use super::signer_csv::{unneutralise, COLUMNS};
use super::{AdminError, AdminResult};
use crate::domain::{CampaignSettings, ImportedSigner, SignerState};
use crate::signing;
use std::collections::{HashMap, HashSet};
use undersigned_core::api_error::{ApiError, ErrorCode, FieldError, FieldErrorCode};
use undersigned_core::feed::is_timestamp;
use undersigned_core::signature::{self, field, wire, Provenance, SignatureSubmission};

/// Problems listed in one refusal: a file with thousands of bad rows names the first ones.
pub const MAX_PROBLEMS: usize = 20;
/// The columns a file must have.
const REQUIRED: [&str; 3] = [field::KIND, field::NAME, field::EMAIL];
/// Checkbox values read as "no" (besides an empty cell); [`wire::YES_VALUES`] are "yes".
const NO_VALUES: [&str; 4] = ["false", "off", "0", "no"];

/// A file's signers, checked and ready to store.
#[derive(Debug)]
pub struct Parsed {
    pub signers: Vec<ImportedSigner>,
    /// Rows left out because their address is on an earlier row of the file.
    pub repeated_in_file: u64,
}

/// Reads and checks a whole CSV file (`name` labels it in messages); `now` stamps rows without a
/// `created_at`.
pub fn parse(campaign: &str, settings: &CampaignSettings, name: &str, bytes: &[u8], now: &str) -> AdminResult<Parsed> {
    // Spreadsheets often start a UTF-8 file with a byte order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return malformed(format!(
                "{name} is empty: the first line must name the columns, as `export` writes them."
            ))
        }
        Some(Err(e)) => return malformed(format!("{name}: {}", syntax_error(&e))),
        Some(Ok(header)) => header,
    };
    let columns = read_header(name, &header)?;

    let mut problems = Problems::default();
    let mut signers = Vec::new();
    let mut seen = HashSet::new();
    let mut repeated_in_file = 0;
    for record in records {
        let record = match record {
            Ok(record) => record,
            // After a quoting error the rest of the file cannot be read reliably: stop here.
            Err(e) => return malformed(format!("{name}: {}; nothing was imported.", syntax_error(&e))),
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            problems.add(
                line,
                None,
                FieldErrorCode::InvalidRow,
                format!("has {} cells where the header names {} columns", record.len(), header.len()),
            );
            continue;
        }
        let row = Row { line, record: &record, columns: &columns };
        let Some(signer) = read_row(campaign, settings, &row, now, &mut problems) else { continue };
        if seen.insert(signer.signer.email_normalized.clone()) {
            signers.push(signer);
        } else {
            repeated_in_file += 1;
        }
    }
    if problems.lines > 0 {
        let listed = problems.found.len();
        let message = format!(
            "{name}: {} line(s) break the signature rules, so nothing was imported; fix them and import the file again. {}",
            problems.lines,
            if listed < problems.total { format!("The first {listed} problems are listed.") } else { "Every problem is listed.".into() }
        );
        return Err(AdminError::Refused(
            ApiError::new(ErrorCode::ValidationFailed, message).with_fields(problems.found),
        ));
    }
    Ok(Parsed { signers, repeated_in_file })
}

/// The position of each known column; an unknown, repeated or missing column refuses the file.
fn read_header<'h>(name: &str, header: &'h csv::StringRecord) -> AdminResult<HashMap<&'h str, usize>> {
    let mut columns = HashMap::new();
    for (index, column) in header.iter().enumerate() {
        let column = column.trim();
        if !COLUMNS.contains(&column) {
            return malformed(format!(
                "{name}, line 1: unknown column `{column}`; the columns are the ones `export` writes: {}.",
                COLUMNS.join(", ")
            ));
        }
        if columns.insert(column, index).is_some() {
            return malformed(format!("{name}, line 1: the column `{column}` appears twice."));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !columns.contains_key(*c)) {
        return malformed(format!(
            "{name}, line 1: the column `{missing}` is missing; a file needs at least {}.",
            REQUIRED.join(", ")
        ));
    }
    Ok(columns)
}

/// One record of the file, read by column name.
struct Row<'r> {
    line: u64,
    record: &'r csv::StringRecord,
    columns: &'r HashMap<&'r str, usize>,
}

impl<'r> Row<'r> {
    /// The cell of `column` as it was before export neutralised it, trimmed; empty when the file
    /// has no such column.
    fn cell(&self, column: &str) -> &'r str {
        self.columns.get(column).and_then(|&i| self.record.get(i)).map_or("", |value| unneutralise(value).trim())
    }
}

/// One row as a signer, or None after recording its problems.
fn read_row(
    campaign: &str,
    settings: &CampaignSettings,
    row: &Row,
    now: &str,
    problems: &mut Problems,
) -> Option<ImportedSigner> {
    let (line, cell) = (row.line, |column: &str| row.cell(column));
    let before = problems.total;
    let mut flag = |column: &str| {
        let value = cell(column);
        if wire::parse_flag(value) {
            true
        } else {
            if !(value.is_empty() || NO_VALUES.iter().any(|no| value.eq_ignore_ascii_case(no))) {
                problems.add(
                    line,
                    Some(column),
                    FieldErrorCode::InvalidFlag,
                    format!("`{value}` is neither true nor false"),
                );
            }
            false
        }
    };
    let mut submission = SignatureSubmission {
        list_publicly: flag(field::LIST_PUBLICLY),
        updates_opt_in: flag(field::UPDATES_OPT_IN),
        may_sign_for_organization: flag(field::MAY_SIGN_FOR_ORGANIZATION),
        ..Default::default()
    };
    for column in COLUMNS {
        if let Some(slot) = submission.text_field_mut(column) {
            *slot = cell(column).to_string();
        }
    }
    let state = match cell("state") {
        "" => None,
        text => {
            let state = SignerState::parse(text);
            if state.is_none() {
                problems.add(
                    line,
                    Some("state"),
                    FieldErrorCode::InvalidState,
                    format!("`{text}` is not a state: use pending, approved, rejected or spam, or leave it empty"),
                );
            }
            state
        }
    };
    let mut timestamp = |column: &str| match cell(column) {
        "" => None,
        text if is_timestamp(text) => Some(text.to_string()),
        text => {
            problems.add(
                line,
                Some(column),
                FieldErrorCode::InvalidTimestamp,
                format!("`{text}` is not an RFC 3339 UTC timestamp such as 2026-11-26T16:00:00.000Z"),
            );
            None
        }
    };
    let (created_at, decided_at) = (timestamp("created_at"), timestamp("decided_at"));
    // A file holds signatures made elsewhere or before the form asked organizations for their
    // website and statement: those two may be missing (every other rule holds).
    let valid = match signature::validate_as(&submission, signature::unicode_nfc, Provenance::EarlierRecord) {
        Ok(valid) => valid,
        Err(errors) => {
            for e in errors {
                problems.add(line, Some(&e.field), e.code, e.message);
            }
            return None;
        }
    };
    if problems.total > before {
        return None;
    }
    // Imported signers were confirmed where they come from: they count at once, and get no mail.
    let mut signer = match signing::new_signer(campaign, &valid, settings, "en") {
        Ok(signer) => signer,
        Err(e) => {
            problems.add(line, None, FieldErrorCode::InvalidRow, format!("cannot be stored: {e:#}"));
            return None;
        }
    };
    signer.awaiting_confirmation = false;
    signer.mail_lang = None;
    if let Some(state) = state {
        signer.state = state;
    }
    if let reason @ Some(_) = Some(cell("spam_reason")).filter(|r| !r.is_empty()) {
        signer.spam_reason = reason.map(str::to_string);
    }
    Some(ImportedSigner { signer, created_at: created_at.unwrap_or_else(|| now.to_string()), decided_at })
}

/// The problems found so far: every one counted, the first [`MAX_PROBLEMS`] kept.
#[derive(Default)]
struct Problems {
    found: Vec<FieldError>,
    total: usize,
    lines: usize,
    last_line: Option<u64>,
}

impl Problems {
    fn add(&mut self, line: u64, column: Option<&str>, code: FieldErrorCode, message: String) {
        self.total += 1;
        if self.last_line != Some(line) {
            self.lines += 1;
            self.last_line = Some(line);
        }
        if self.found.len() < MAX_PROBLEMS {
            let field = match column {
                Some(column) => format!("line {line}: {column}"),
                None => format!("line {line}"),
            };
            self.found.push(FieldError { field, code, message });
        }
    }
}

fn syntax_error(e: &csv::Error) -> String {
    let at = e.position().map_or(String::new(), |p| format!("line {}: ", p.line()));
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8 (save the file as CSV UTF-8)".to_string(),
        _ => e.to_string(),
    };
    format!("{at}{what}")
}

fn malformed<T>(message: String) -> AdminResult<T> {
    Err(AdminError::Refused(ApiError::new(ErrorCode::MalformedBody, message)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Moderation;

    const NOW: &str = "2026-11-26T16:00:00.000Z";

    fn settings() -> CampaignSettings {
        CampaignSettings {
            moderation: Moderation::Auto,
            organizations_need_review: true,
            allowed_origins: vec![],
            min_fill_ms: 3000,
            confirmation: crate::store::Confirmation::Email,
            goal: None,
        }
    }

    fn refusal(csv: &str) -> ApiError {
        match parse("test-letter", &settings(), "f.csv", csv.as_bytes(), NOW) {
            Err(AdminError::Refused(e)) => e,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_spreadsheet_file_reads_like_an_export() {
        let csv = "\u{FEFF}name, kind ,email\r\n\"'=Ana, \"\"PhD\"\"\",individual,Ana@Example.org\r\n\r\n";
        let parsed = parse("test-letter", &settings(), "f.csv", csv.as_bytes(), NOW).expect("a valid file");
        assert_eq!(parsed.signers.len(), 1, "a blank line is no row");
        let signer = &parsed.signers[0];
        assert_eq!(signer.signer.email_normalized, "ana@example.org");
        assert_eq!(signer.signer.state, SignerState::Approved, "auto moderation approves individuals");
        assert!(signer.signer.data.contains("\"name\":\"=Ana, \\\"PhD\\\"\""), "{}", signer.signer.data);
        assert!(!signer.signer.listed, "consent is never assumed");
        assert_eq!((signer.created_at.as_str(), signer.decided_at.as_deref()), (NOW, None));
    }

    #[test]
    fn the_header_must_name_known_columns() {
        assert_eq!(refusal("").code, ErrorCode::MalformedBody);
        assert!(refusal("kind,name,e-mail\n").message.contains("unknown column `e-mail`"));
        assert!(refusal("kind,name,email,name\n").message.contains("`name` appears twice"));
        assert!(refusal("kind,email\n").message.contains("the column `name` is missing"));
        let not_utf8 =
            parse("test-letter", &settings(), "f.csv", b"kind,name,email\nindividual,Ana \xff,a@example.org\n", NOW);
        assert!(matches!(not_utf8, Err(AdminError::Refused(e)) if e.message.contains("line 2: the text is not UTF-8")));
    }

    #[test]
    fn problems_name_their_line_and_are_capped() {
        let mut csv = String::from("kind,name,email,created_at\n");
        for i in 0..30 {
            csv.push_str(&format!("individual,Signer {i},signer{i}@,yesterday\n"));
        }
        let e = refusal(&csv);
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert!(
            e.message.contains("30 line(s)") && e.message.contains("The first 20 problems are listed"),
            "{}",
            e.message
        );
        assert_eq!(e.fields.len(), MAX_PROBLEMS);
        assert_eq!(e.fields[0].field, "line 2: created_at");
        assert_eq!(e.fields[1].field, "line 2: email");
        assert_eq!(e.fields[2].field, "line 3: created_at");
    }
}
