//! The three request encodings of a signature: the widget's `encoding` attribute chooses one, the
//! receiver recognises it by the request's `Content-Type`. docs/wire-format.md shows each with
//! tested examples.

use std::str::FromStr;

/// How a signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// `application/json`: the reference receiver's format (needs a CORS preflight cross-origin).
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: for form services; a CORS-simple request.
    Form,
    /// `text/plain` holding JSON: a CORS-simple request with a structured body.
    Text,
}

impl Encoding {
    pub const ALL: [Encoding; 3] = [Encoding::Json, Encoding::Form, Encoding::Text];

    /// The attribute value (`json`, `form`, `text`), also sent in DOM event details.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Json => "json",
            Encoding::Form => "form",
            Encoding::Text => "text",
        }
    }

    /// The `Content-Type` a request in this encoding carries.
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Json => "application/json",
            Encoding::Form => "application/x-www-form-urlencoded;charset=UTF-8",
            Encoding::Text => "text/plain;charset=UTF-8",
        }
    }

    /// The encoding of a request's `Content-Type` (its parameters, such as `charset`, ignored);
    /// None for any other media type.
    pub fn from_content_type(content_type: &str) -> Option<Encoding> {
        let essence = |value: &str| value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let wanted = essence(content_type);
        Encoding::ALL.into_iter().find(|e| essence(e.content_type()) == wanted)
    }
}

impl FromStr for Encoding {
    type Err = String;

    /// The `encoding` attribute: any case, surrounding spaces ignored, empty for the default.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        if name.is_empty() {
            return Ok(Encoding::default());
        }
        Encoding::ALL
            .into_iter()
            .find(|e| e.as_str() == name)
            .ok_or_else(|| format!("encoding `{name}` is not supported; use json, form or text"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_parse_with_json_as_default() {
        assert_eq!("".parse(), Ok(Encoding::Json));
        assert_eq!(" FORM ".parse(), Ok(Encoding::Form));
        assert!("xml".parse::<Encoding>().unwrap_err().contains("json, form or text"));
    }

    #[test]
    fn what_the_widget_sends_the_receiver_recognises() {
        for encoding in Encoding::ALL {
            assert_eq!(Encoding::from_content_type(encoding.content_type()), Some(encoding));
        }
        assert_eq!(Encoding::from_content_type("Application/JSON; charset=utf-8"), Some(Encoding::Json));
        assert_eq!(Encoding::from_content_type("text/plain"), Some(Encoding::Text));
        assert_eq!(Encoding::from_content_type("application/xml"), None);
        assert_eq!(Encoding::from_content_type(""), None);
    }
}
