//! The email address rule of the HTML Living Standard, and the normalized form used to find
//! duplicate signatures.
//!
//! The rule is the one browsers apply to `<input type=email>` ("valid email address",
//! <https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address>), written out by hand so
//! that the widget's wasm carries no regex engine:
//!
//! ```text
//! local  = 1*( ALPHA / DIGIT / "." / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "/" / "=" /
//!              "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~" / "-" )
//! label  = ALPHA / DIGIT [ *61( ALPHA / DIGIT / "-" ) ALPHA / DIGIT ]
//! email  = local "@" label *( "." label )
//! ```
//!
//! It is deliberately the browser's rule and not RFC 5322: no quoted local parts, no IP literals,
//! ASCII only (internationalized domains must be typed in their `xn--` form, as browsers require).

/// The longest address accepted: the limit of a forward path in SMTP (RFC 5321 §4.5.3.1.3).
pub const MAX_EMAIL_CHARS: usize = 254;

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c)
}

fn is_label(label: &[u8]) -> bool {
    let (Some(first), Some(last)) = (label.first(), label.last()) else { return false };
    label.len() <= 63
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && label.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
}

/// Whether `address` is a valid email address by the HTML Living Standard (length is checked
/// separately, against [`MAX_EMAIL_CHARS`]).
pub fn is_valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    !local.is_empty() && local.bytes().all(is_local_char) && domain.split('.').all(|label| is_label(label.as_bytes()))
}

/// The form of a valid address used to recognise the same signer twice: the whole address in
/// lower case.
///
/// Domains are case-insensitive by definition. Local parts are case-sensitive in theory (RFC 5321),
/// but no mainstream provider treats `Ana@` and `ana@` as two mailboxes, and two signatures from
/// them are one person far more often than two. Nothing else is folded: dots and `+tags` mean
/// different mailboxes at many providers, so removing them would merge different people. The
/// address as typed is kept for contacting the signer; this form is only for comparison.
pub fn normalize_email(address: &str) -> String {
    address.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_browsers_accept() {
        for ok in [
            "a@b",
            "ana.lopez+letters@example.org",
            "x@sub-domain.example.co",
            "o'brien@example.ie",
            "!#$%&'*+/=?^_`{|}~-@example.com",
            "a@xn--bcher-kva.example",
            "a@0",
            "a@a1",
        ] {
            assert!(is_valid_email(ok), "{ok} should be valid");
        }
    }

    #[test]
    fn refuses_what_browsers_refuse() {
        let long_label = format!("a@{}.org", "a".repeat(64));
        for bad in [
            "",
            "@example.org",
            "ana@",
            "ana",
            "ana@@example.org",
            "ana@exa mple.org",
            "ana@-example.org",
            "ana@example-.org",
            "ana@example..org",
            "ana@.example.org",
            "ana@example.org.",
            "\"ana\"@example.org",
            "ana@[127.0.0.1]",
            "añа@example.org",
            "ana@bücher.example",
            "ana lopez@example.org",
            long_label.as_str(),
        ] {
            assert!(!is_valid_email(bad), "{bad:?} should be invalid");
        }
        assert!(is_valid_email(&format!("a@{}.org", "a".repeat(63))));
    }

    #[test]
    fn normalization_folds_case_only() {
        assert_eq!(normalize_email("Ana.Lopez+X@Example.ORG"), "ana.lopez+x@example.org");
    }
}
