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

pub fn header() -> String {
    line(COLUMNS.iter().map(|c| c.to_string()))
}

pub fn row(r: &SignerRow) -> String {
    let s = &r.data;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    line([
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
    ])
}

fn line(cells: impl IntoIterator<Item = String>) -> String {
    let mut out = cells.into_iter().map(|c| cell(&c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// One cell: neutralised, then quoted when it holds a comma, a quote or a line break.
pub fn cell(value: &str) -> String {
    let value = if value.starts_with(FORMULA_STARTS) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A cell as it was before [`cell`] neutralised it: `'=…` is `=…` again. (A value that itself
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
    use super::{cell, unneutralise};

    #[test]
    fn formulas_are_neutralised_and_quoting_is_rfc4180() {
        assert_eq!(cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("Ana, PhD"), "\"Ana, PhD\"");
        assert_eq!(cell("plain"), "plain");
    }

    #[test]
    fn unneutralise_undoes_the_prefix_and_nothing_else() {
        for value in ["=SUM(A1)", "+1", "-2", "@x", "plain", "'quoted", "O'Brien", ""] {
            let written =
                if value.starts_with(super::FORMULA_STARTS) { format!("'{value}") } else { value.to_string() };
            assert_eq!(unneutralise(&written), value);
        }
    }
}
