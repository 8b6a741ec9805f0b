//! The format of the translation files (`locales/<code>.txt`, and the receiver's own
//! `server/locales/<code>.txt`): one `key = value` per line, `#` starts a comment line, blank lines
//! are ignored, a key defined twice is an error. `{name}` in a value is a placeholder the caller
//! fills in. The widget compiles the files at build time (`build.rs`); the receiver's pages read
//! the same files, so both show the same words.

use std::collections::BTreeMap;

/// The table of one file, or the first problem as `line N: …`.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut table = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(" = ").ok_or_else(|| format!("line {}: expected `key = value`", i + 1))?;
        if table.insert(key.trim().to_string(), value.trim().to_string()).is_some() {
            return Err(format!("line {}: the key `{}` is defined twice", i + 1, key.trim()));
        }
    }
    Ok(table)
}

/// `template` with every `{name}` of `args` replaced by its value, in one pass (a value is never
/// searched for placeholders), and other braces kept as written. For the widget and the receiver.
/// Written with character searches only: a substring search brings its own code into the wasm.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let placeholder = after.find('}').and_then(|close| {
            let (name, tail) = after.split_at(close);
            args.iter().find(|(n, _)| *n == name).map(|(_, value)| (*value, &tail[1..]))
        });
        match placeholder {
            Some((value, tail)) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `"rtl"` for the primary subtag of a right-to-left script language, else `"ltr"`: the value of a
/// `dir` attribute, for the widget's container and the receiver's pages alike.
pub fn direction_of(tag: &str) -> &'static str {
    const RIGHT_TO_LEFT: &[&str] = &["ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"];
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    if RIGHT_TO_LEFT.contains(&primary.as_str()) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The CLDR plural category (`zero`, `one`, `two`, `few`, `many`, `other`) of a whole number in
/// the language of `tag`, for the languages Undersigned is translated into (others: English's
/// rule). The widget asks the browser's `Intl.PluralRules`; the receiver's pages use this.
pub fn plural_category(tag: &str, n: u64) -> &'static str {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    match primary.as_str() {
        // French and Portuguese: 0 and 1 are singular.
        "fr" | "pt" if n <= 1 => "one",
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "fr" | "pt" => "other",
        _ if n == 1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_refuses_mistakes() {
        let table = parse("# comment\n\na.b = One {n}\n  c = Two = three  \n").unwrap();
        assert_eq!(table.get("a.b").map(String::as_str), Some("One {n}"));
        assert_eq!(table.get("c").map(String::as_str), Some("Two = three"));
        assert_eq!(parse("a = 1\nno equals sign\n"), Err("line 2: expected `key = value`".to_string()));
        assert_eq!(parse("a = 1\na = 2\n"), Err("line 2: the key `a` is defined twice".to_string()));
        assert_eq!(fill("{count} of {total}", &[("count", "2"), ("total", "5")]), "2 of 5");
        assert_eq!(fill("{a}{a} {b} {c} {", &[("a", "{b}"), ("b", "x")]), "{b}{b} x {c} {");
    }

    #[test]
    fn plural_categories_follow_cldr_for_whole_numbers() {
        let of = |tag: &str, ns: &[u64]| ns.iter().map(|n| plural_category(tag, *n)).collect::<Vec<_>>();
        assert_eq!(of("en", &[0, 1, 2]), ["other", "one", "other"]);
        assert_eq!(of("fr-CA", &[0, 1, 2]), ["one", "one", "other"]);
        assert_eq!(of("pt", &[0, 1, 2]), ["one", "one", "other"]);
        assert_eq!(of("de", &[0, 1, 2]), ["other", "one", "other"]);
        assert_eq!(
            of("ar", &[0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111]),
            ["zero", "one", "two", "few", "few", "many", "many", "other", "other", "few", "many"]
        );
    }
}
