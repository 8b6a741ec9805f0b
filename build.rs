//! Compiles the built-in campaign (`campaigns/dhs-paragon.md`) to JSON at build time, so that
//! `<undersigned-letter>` with no attributes shows the seed letter without a network request, and
//! an authoring mistake fails the build with the file and line; compiles `locales/*.txt` into
//! the translation tables of `src/i18n.rs` (English only for the wasm); and joins `src/styles/*.css` into the one minified
//! stylesheet that `src/element.rs` adopts (comments and layout whitespace never reach the wasm).

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    compile_default_campaign();
    compile_locales();
    compile_stylesheet();
}

/// The widget's stylesheet: one file per concern under `src/styles/`, joined in this order (later
/// files build on the custom properties and building blocks of `base.css`).
const STYLESHEETS: [&str; 4] =
    ["src/styles/base.css", "src/styles/letter.css", "src/styles/form.css", "src/styles/live.css"];

fn compile_stylesheet() {
    let mut css = String::new();
    for path in STYLESHEETS {
        println!("cargo:rerun-if-changed={path}");
        css.push_str(&minify_css(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))));
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("widget.css"), css).expect("OUT_DIR is writable");
}

/// Drops comments and layout whitespace, and nothing that can change a rule's meaning: string
/// contents are kept as written, and a run of whitespace becomes one space except next to `{`, `}`,
/// `;` and `,` (never next to `:` or `>`, where a space can be a descendant combinator).
fn minify_css(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = '\0';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if s == c && !escaped {
                        break;
                    }
                    escaped = s == '\\' && !escaped;
                }
            }
            c => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out
}

fn flush_space(out: &mut String, pending: &mut bool, next: char) {
    const TIGHT: &[char] = &['{', '}', ';', ','];
    if std::mem::take(pending) && !out.is_empty() && !TIGHT.contains(&next) && !out.ends_with(TIGHT) {
        out.push(' ');
    }
}

fn compile_default_campaign() {
    let source = Path::new("campaigns/dhs-paragon.md");
    println!("cargo:rerun-if-changed={}", source.display());
    let campaign = match undersigned_core::authoring::compile_file(source) {
        Ok(campaign) => campaign,
        Err(errors) => {
            for error in &errors {
                println!("cargo:warning={error}");
            }
            panic!("the built-in campaign has {} authoring error(s); see the warnings above", errors.len());
        }
    };
    let json = serde_json::to_string(&campaign).expect("a compiled campaign always serializes");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("default-campaign.json"), json).expect("OUT_DIR is writable");
}

/// Reads `locales/<code>.txt` (`key = value` lines, `#` comments) into sorted tables, English first.
fn compile_locales() {
    println!("cargo:rerun-if-changed=locales");
    let mut locales: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for entry in std::fs::read_dir("locales").expect("the locales folder exists") {
        let path = entry.expect("readable locales folder").path();
        let Some(code) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".txt")) else {
            continue;
        };
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("readable locale file");
        let table = undersigned_core::locale::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        locales.insert(code.to_string(), table);
    }
    let english = locales.remove("en").expect("locales/en.txt is the reference language");
    for (code, table) in &locales {
        for key in table.keys() {
            // A language may need plural categories English has no use for (Arabic: zero, two,
            // few, many) for a key English has plural forms of.
            let extra_plural = key.rsplit_once('.').is_some_and(|(stem, form)| {
                ["zero", "two", "few", "many"].contains(&form) && english.contains_key(&format!("{stem}.other"))
            });
            assert!(
                english.contains_key(key) || extra_plural,
                "locales/{code}.txt has `{key}`, which locales/en.txt lacks"
            );
        }
    }
    let all: Vec<(String, BTreeMap<String, String>)> =
        std::iter::once(("en".to_string(), english)).chain(locales).collect();
    let codes: Vec<&str> = all.iter().map(|(code, _)| code.as_str()).collect();
    let mut out = format!("/// Every language the widget has strings for, English first.\npub(crate) static CODES: &[&str] = &{codes:?};\n");
    // The wasm carries English only: the loader fetches another language's table when a widget
    // needs it (`undersigned_locale.<lang>.json`, written by `cargo xtask build`) and hands it to
    // `i18n::add_locale`. Native builds (the unit tests) carry every table.
    for (cfg, tables) in [("target_arch = \"wasm32\"", &all[..1]), ("not(target_arch = \"wasm32\")", &all[..])] {
        out.push_str(&format!(
            "/// (language code, sorted (key, text) table) compiled in.\n#[cfg({cfg})]\npub(crate) static BUILT_IN: &[(&str, &[(&str, &str)])] = &[\n"
        ));
        for (code, table) in tables {
            out.push_str(&format!("    ({code:?}, &[\n"));
            for (key, value) in table {
                out.push_str(&format!("        ({key:?}, {value:?}),\n"));
            }
            out.push_str("    ]),\n");
        }
        out.push_str("];\n");
    }
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&dir).join("locales.rs"), out).expect("OUT_DIR is writable");
}
