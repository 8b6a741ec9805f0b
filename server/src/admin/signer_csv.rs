//! Signers as CSV (RFC 4180) for spreadsheets, and back ([`super::import`] reads these columns).
//! A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so
//! that a spreadsheet shows it as text instead of running it as a formula (CSV injection; OWASP's
//! recommendation); [`unneutralise`] takes that prefix off again on import.

use crate::domain::SignerRow;

/// The columns, in the order `export` writes them.
pub const COLUMNS: [&str; 23] = [
    "id",
    "state",
    "kind",
    "organization",
    "organization_website",
    "may_sign_for_organization",
    // Derived (core's `website::domain_verified`): written for reading, ignored on import.
    "domain_verified",
    "name",
    "title",
    "affiliation",
    "email",
    "country",
    "list_publicly",
    "updates_opt_in",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "spam_reason",
    "created_at",
    "decided_at",
];

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV document of signers being written: the header first, then one record per signer. The
/// `csv` crate does the RFC 4180 quoting; this module only decides the columns and neutralises cells.
pub struct Export {
    writer: csv::Writer<Vec<u8>>,
}

impl Export {
    pub fn new() -> anyhow::Result<Export> {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        writer.write_record(COLUMNS)?;
        Ok(Export { writer })
    }

    pub fn push(&mut self, r: &SignerRow) -> anyhow::Result<()> {
        let s = &r.data;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let cells = [
            r.id.to_string(),
            r.state.as_str().to_string(),
            s.kind.as_str().to_string(),
            opt(&s.organization),
            opt(&s.organization_website),
            s.may_sign_for_organization.to_string(),
            r.domain_verified.to_string(),
            s.name.clone(),
            opt(&s.title),
            opt(&s.affiliation),
            s.email.clone(),
            opt(&s.country),
            s.list_publicly.to_string(),
            s.updates_opt_in.to_string(),
            opt(&s.source),
            opt(&s.utm_source),
            opt(&s.utm_medium),
            opt(&s.utm_campaign),
            opt(&s.utm_term),
            opt(&s.utm_content),
            opt(&r.spam_reason),
            r.created_at.clone(),
            opt(&r.decided_at),
        ];
        self.writer.write_record(cells.iter().map(|c| neutralise(c)))?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<String> {
        let bytes = self.writer.into_inner().map_err(|e| anyhow::anyhow!("finishing the CSV: {}", e.error()))?;
        Ok(String::from_utf8(bytes)?)
    }
}

/// One cell's text, with a `'` before a formula character so that a spreadsheet shows it as text.
pub fn neutralise(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// A cell as it was before [`neutralise`] changed it: `'=…` is `=…` again. (A value that itself
/// began with `'` and a formula character cannot be told apart from a neutralised one, and loses
/// its `'`: text the receiver accepted never starts with a tab or a carriage return, and names that
/// start with `'=` are not known to exist.)
pub fn unneutralise(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::{neutralise, unneutralise, Export, COLUMNS};

    /// One record as the `csv` crate writes it, each cell neutralised first.
    fn record(cells: &[&str]) -> String {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        writer.write_record(cells.iter().map(|c| neutralise(c))).unwrap();
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn formulas_are_neutralised_and_quoting_is_rfc4180() {
        assert_eq!(record(&["=HYPERLINK(\"http://x\",\"y\")"]), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
        assert_eq!(record(&["+1", "-2", "@SUM(A1)"]), "'+1,'-2,'@SUM(A1)\r\n");
        assert_eq!(record(&["\tx"]), "'\tx\r\n");
        assert_eq!(record(&["\rx"]), "\"'\rx\"\r\n");
        assert_eq!(record(&["Ana, PhD", "plain"]), "\"Ana, PhD\",plain\r\n");
    }

    #[test]
    fn an_export_without_signers_is_the_header_line() {
        let text = Export::new().unwrap().finish().unwrap();
        assert_eq!(text, format!("{}\r\n", COLUMNS.join(",")));
    }

    #[test]
    fn unneutralise_undoes_the_prefix_and_nothing_else() {
        for value in ["=SUM(A1)", "+1", "-2", "@x", "plain", "'quoted", "O'Brien", ""] {
            assert_eq!(unneutralise(&neutralise(value)), value);
        }
    }
}
