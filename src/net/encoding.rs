//! The request body of a signature in each of the three encodings (the encodings themselves are
//! core's [`Encoding`]), and the `field-map` renaming for `form`. The format is documented, with
//! tested examples, in docs/wire-format.md.

use std::str::FromStr;
use undersigned_core::signature::encoding::Encoding;
use undersigned_core::signature::{field, wire, SignatureSubmission};

/// Field names an organizer's form backend expects instead of the wire names, from the
/// `field-map` attribute: `email:EMAIL,name:FNAME` (wire name, colon, their name; comma-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    renames: Vec<(&'static str, String)>,
}

impl FromStr for FieldMap {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut renames: Vec<(&'static str, String)> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (ours, theirs) = entry
                .split_once(':')
                .ok_or_else(|| format!("field-map entry `{entry}` needs the form `wire-name:their-name`"))?;
            let (ours, theirs) = (ours.trim(), theirs.trim());
            let wire_name = field::ALL.into_iter().find(|name| *name == ours).ok_or_else(|| {
                format!("field-map names `{ours}`, which is not a field; fields are {}", field::ALL.join(", "))
            })?;
            if theirs.is_empty() {
                return Err(format!("field-map entry `{entry}` gives no name for `{ours}`"));
            }
            if renames.iter().any(|(o, _)| *o == wire_name) {
                return Err(format!("field-map renames `{ours}` twice"));
            }
            renames.push((wire_name, theirs.to_string()));
        }
        Ok(FieldMap { renames })
    }
}

impl FieldMap {
    /// The name `wire_name` is sent under.
    pub fn name_for<'a>(&'a self, wire_name: &'a str) -> &'a str {
        self.renames.iter().find(|(ours, _)| *ours == wire_name).map_or(wire_name, |(_, theirs)| theirs.as_str())
    }
}

/// The `application/x-www-form-urlencoded` body of `submission`, fields renamed by `map`.
pub fn form_body(submission: &SignatureSubmission, map: &FieldMap) -> String {
    wire::encode_form(
        submission.to_form_pairs().into_iter().map(|(name, value)| (map.name_for(name).to_string(), value)),
    )
}

/// The request body of `submission` in `encoding`.
pub fn body(encoding: Encoding, submission: &SignatureSubmission, map: &FieldMap) -> String {
    match encoding {
        Encoding::Json | Encoding::Text => submission.to_json(),
        Encoding::Form => form_body(submission, map),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_map_renames_only_what_it_names_and_explains_mistakes() {
        let map: FieldMap = "email:EMAIL, name:FNAME".parse().expect("valid");
        let submission = SignatureSubmission {
            kind: "individual".into(),
            name: "Ana López".into(),
            email: "a@b.org".into(),
            ..Default::default()
        };
        assert_eq!(
            form_body(&submission, &map),
            "kind=individual&FNAME=Ana+L%C3%B3pez&EMAIL=a%40b.org&list_publicly=false&updates_opt_in=false"
        );
        assert!("mail:EMAIL".parse::<FieldMap>().unwrap_err().contains("not a field"));
        assert!("email".parse::<FieldMap>().unwrap_err().contains("wire-name:their-name"));
        assert!("email:".parse::<FieldMap>().unwrap_err().contains("gives no name"));
        assert_eq!("".parse::<FieldMap>(), Ok(FieldMap::default()));
    }
}
