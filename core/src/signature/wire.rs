//! How a [`SignatureSubmission`] travels: lenient decoding of JSON values and the
//! `application/x-www-form-urlencoded` pairs. The three encodings are documented, with tested
//! examples, in `docs/wire-format.md`.
//!
//! Decoding is lenient on purpose: a form service or a script may send `"on"` for a checkbox or a
//! number as a string, and the visitor must get a field error (or a signature), never a refusal of
//! the whole request for a type detail. Consent is never assumed: only an explicit yes is `true`.

use super::{field, SignatureSubmission};
use crate::json;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// The values accepted as "yes" for a checkbox (compared case-insensitively); anything else is no.
pub const YES_VALUES: [&str; 4] = ["true", "on", "1", "yes"];

/// Whether a checkbox value means yes.
pub fn parse_flag(value: &str) -> bool {
    YES_VALUES.iter().any(|yes| value.trim().eq_ignore_ascii_case(yes))
}

/// A fill time from text: whole milliseconds (a fraction is dropped), or None when it is not a
/// non-negative decimal number (the receiver then treats the fill time as unknown rather than
/// refusing the signature). Parsed by hand: float parsing would add kilobytes to the widget.
pub fn parse_millis(value: &str) -> Option<u64> {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    whole.parse().ok()
}

fn millis_from_f64(value: f64) -> Option<u64> {
    // JavaScript numbers arrive as floats; a negative or absurd value is "unknown", not an error.
    (0.0..1e15).contains(&value).then_some(value as u64)
}

/// A text field: a string, or null/absent (empty), or a number or boolean written as text.
pub(super) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Text;
    impl<'de> Visitor<'de> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_any(Text)
        }
    }
    deserializer.deserialize_any(Text)
}

/// A checkbox: a boolean, a yes/no string (see [`YES_VALUES`]), 0/1, or null/absent (no).
pub(super) fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct Flag;
    impl<'de> Visitor<'de> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a boolean")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            Ok(parse_flag(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v == 1)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v == 1)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
            Ok(v == 1.0)
        }
        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(Flag)
        }
    }
    deserializer.deserialize_any(Flag)
}

/// A fill time: a number or numeric string of milliseconds; anything else is unknown (None).
pub(super) fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    struct Millis;
    impl<'de> Visitor<'de> for Millis {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number of milliseconds")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<u64>, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<u64>, E> {
            Ok(u64::try_from(v).ok())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<u64>, E> {
            Ok(millis_from_f64(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<u64>, E> {
            Ok(parse_millis(v))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<u64>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
            d.deserialize_any(Millis)
        }
    }
    deserializer.deserialize_any(Millis)
}

impl SignatureSubmission {
    /// The submission as `application/x-www-form-urlencoded` pairs, under the wire names and in
    /// the order of [`field::ALL`]. Empty text fields are left out; checkboxes are `true` or `false`
    /// (`may_sign_for_organization` only when ticked).
    pub fn to_form_pairs(&self) -> Vec<(&'static str, String)> {
        let texts = self.text_fields();
        field::ALL
            .iter()
            .filter_map(|&name| match name {
                field::LIST_PUBLICLY => Some((name, self.list_publicly.to_string())),
                // Only organizations send the statement: an individual's body stays as it was.
                field::MAY_SIGN_FOR_ORGANIZATION => self.may_sign_for_organization.then(|| (name, true.to_string())),
                field::UPDATES_OPT_IN => Some((name, self.updates_opt_in.to_string())),
                field::FILL_MS => self.fill_ms.map(|ms| (name, ms.to_string())),
                _ => texts.iter().find(|(n, v)| *n == name && !v.is_empty()).map(|(_, v)| (name, v.to_string())),
            })
            .collect()
    }

    /// A submission from decoded form pairs (for example `form_urlencoded::parse(body)`).
    /// Unknown names are ignored; when a name repeats, the last value wins.
    pub fn from_form_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut submission = SignatureSubmission::default();
        for (name, value) in pairs {
            let value = value.as_ref();
            match name.as_ref() {
                field::LIST_PUBLICLY => submission.list_publicly = parse_flag(value),
                field::MAY_SIGN_FOR_ORGANIZATION => submission.may_sign_for_organization = parse_flag(value),
                field::UPDATES_OPT_IN => submission.updates_opt_in = parse_flag(value),
                field::FILL_MS => submission.fill_ms = parse_millis(value),
                other => {
                    if let Some(slot) = submission.text_field_mut(other) {
                        *slot = value.to_string();
                    }
                }
            }
        }
        submission
    }
}

impl SignatureSubmission {
    /// The submission as the body of the `json` and `text` encodings: the fields of
    /// [`to_form_pairs`](Self::to_form_pairs) in the same order, and `kind` even when empty;
    /// checkboxes as booleans and `fill_ms` as a number. Byte for byte what serde_json writes for
    /// it (core/tests/json_formats.rs), without serde in the widget's wasm (see `crate::json`).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        json::write_string(&mut out, field::KIND);
        out.push(':');
        json::write_string(&mut out, &self.kind);
        for (name, value) in self.to_form_pairs() {
            if name == field::KIND {
                continue;
            }
            out.push(',');
            json::write_string(&mut out, name);
            out.push(':');
            match name {
                field::LIST_PUBLICLY | field::MAY_SIGN_FOR_ORGANIZATION | field::UPDATES_OPT_IN | field::FILL_MS => {
                    out.push_str(&value)
                }
                _ => json::write_string(&mut out, &value),
            }
        }
        out.push('}');
        out
    }
}

/// `pairs` as an `application/x-www-form-urlencoded` body, by the URL Standard's serializer
/// (space as `+`; letters, digits and `*-._` as they are; every other UTF-8 byte as `%XX`).
pub fn encode_form<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> String {
    let mut body = String::new();
    for (name, value) in pairs {
        if !body.is_empty() {
            body.push('&');
        }
        encode_form_component(name.as_ref(), &mut body);
        body.push('=');
        encode_form_component(value.as_ref(), &mut body);
    }
    body
}

fn encode_form_component(text: &str, out: &mut String) {
    for &byte in text.as_bytes() {
        match byte {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(byte as char),
            _ if byte.is_ascii_alphanumeric() => out.push(byte as char),
            _ => push_percent_encoded(byte, out),
        }
    }
}

/// Appends `byte` as `%XX` with upper-case hex digits, as the URL Standard writes it: the one
/// percent-encoder of the form body, the widget's share links and its URL path segments.
pub fn push_percent_encoded(byte: u8, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(byte >> 4)] as char);
    out.push(HEX[usize::from(byte & 0xF)] as char);
}

/// The name/value pairs of an `application/x-www-form-urlencoded` body, by the URL Standard's
/// parser (`+` is a space, a malformed `%` sequence is kept as written, invalid UTF-8 becomes U+FFFD).
pub fn decode_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|sequence| !sequence.is_empty())
        .map(|sequence| {
            let (name, value) = sequence.split_once('=').unwrap_or((sequence, ""));
            (decode_form_component(name), decode_form_component(value))
        })
        .collect()
}

fn decode_form_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl SignatureSubmission {
    /// The submission as an `application/x-www-form-urlencoded` body under the wire names.
    pub fn to_form_body(&self) -> String {
        encode_form(self.to_form_pairs())
    }

    /// A submission from an `application/x-www-form-urlencoded` body (see [`Self::from_form_pairs`]).
    pub fn from_form_body(body: &str) -> Self {
        SignatureSubmission::from_form_pairs(decode_form(body))
    }
}
