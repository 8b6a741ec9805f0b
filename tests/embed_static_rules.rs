//! Rules for a widget that lives on pages it does not control, checked on the source:
//! - no `rem` units in the stylesheets: `rem` follows the partner page's `html { font-size }`
//!   (`10px` is common), so sizes inside the widget use `em` or `px`;
//! - no physical left/right properties: logical ones (`margin-inline-start`, …) lay out right to
//!   left when the widget's language is written that way;
//! - colours, font and radius through base.css's `--_` tokens: the public `--undersigned-*`
//!   properties are only defined when a partner sets them, and read only in base.css;
//! - no inline `style` attributes in components: a strict CSP (`style-src 'self'`) blocks them;
//! - no computed `class={…}` or `classes!` (wasm weight: see the crate's docs on classes);
//! - no `use_state` or `use_reducer`: component state is a `state_cell` (wasm weight: see its docs);
//! - no `Debug` formatting (`{…:?}`) in the code the wasm carries (the widget's and core's, tests
//!   aside): the shipped wasm is built with `-Zfmt-debug=none`, so it would print nothing.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())) {
        let path = entry.expect("readable directory").path();
        if path.is_dir() {
            files_under(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

fn source(extension: &str, under: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join(under), extension, &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable source");
            (p, text)
        })
        .collect()
}

/// CSS text without comments.
fn strip_comments(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..].find("*/").map_or("", |end| &rest[start + end + 2..]);
    }
    out + rest
}

#[test]
fn stylesheets_use_no_rem_units() {
    for (path, css) in source("css", "src/styles") {
        for (i, line) in strip_comments(&css).lines().enumerate() {
            let uses_rem = line.match_indices("rem").any(|(at, _)| {
                at > 0
                    && line.as_bytes()[at - 1].is_ascii_digit()
                    && !line[at + 3..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
            });
            assert!(
                !uses_rem,
                "{}:{}: `{}` uses rem, which follows the partner page's root font size: use em",
                path.display(),
                i + 1,
                line.trim()
            );
        }
    }
}

#[test]
fn stylesheets_use_logical_directions() {
    const PHYSICAL: &[&str] = &[
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "border-left",
        "border-right",
        "text-align: left",
        "text-align: right",
        "float: left",
        "float: right",
    ];
    for (path, css) in source("css", "src/styles") {
        for (i, line) in strip_comments(&css).lines().enumerate() {
            if let Some(p) = PHYSICAL.iter().find(|p| line.contains(*p)) {
                panic!("{}:{}: `{p}` does not follow right-to-left languages: use the logical property (inline-start / inline-end)", path.display(), i + 1);
            }
        }
    }
}

#[test]
fn only_base_css_reads_the_public_custom_properties() {
    for (path, css) in source("css", "src/styles") {
        if path.ends_with("base.css") {
            continue;
        }
        for (i, line) in strip_comments(&css).lines().enumerate() {
            assert!(!line.contains("var(--undersigned-"), "{}:{}: read the theme through base.css's tokens (var(--_accent), var(--_radius), …): --undersigned-* is unset unless a partner sets it", path.display(), i + 1);
        }
    }
}

#[test]
fn components_set_no_inline_style_attributes() {
    for (path, rust) in source("rs", "src") {
        for (i, line) in rust.lines().enumerate() {
            let inline =
                line.contains(" style={") || line.contains(" style=\"") || line.contains("set_attribute(\"style\"");
            assert!(!inline, "{}:{}: an inline style attribute is blocked by a strict CSP (style-src 'self'): use a class, or element.style().set_property for computed geometry", path.display(), i + 1);
        }
    }
}

#[test]
fn computed_classes_are_set_as_class_name() {
    for (path, rust) in source("rs", "src") {
        for (i, line) in rust.lines().enumerate() {
            let computed = line.contains(" class={") || line.contains("classes!(");
            assert!(
                !computed,
                "{}:{}: a computed class brings Yew's `Classes` set into the wasm: use ~className={{…}}",
                path.display(),
                i + 1
            );
        }
    }
}

#[test]
fn component_state_is_a_state_cell() {
    for (path, rust) in source("rs", "src") {
        for (i, line) in rust.lines().enumerate() {
            let yew_state = ["use_state(", "use_state_eq(", "use_reducer(", "use_reducer_eq("]
                .iter()
                .any(|hook| line.contains(hook));
            assert!(!yew_state, "{}:{}: Yew's use_state and use_reducer bring its reducer code into the wasm once per state type: use state_cell::use_state_cell (with state_cell::Reduce for actions)", path.display(), i + 1);
        }
    }
}

#[test]
fn shipped_code_formats_nothing_with_debug() {
    let shipped = source("rs", "src").into_iter().chain(source("rs", "core/src"));
    for (path, rust) in shipped.filter(|(p, _)| !p.ends_with("tests.rs")) {
        let before_tests = rust.split("#[cfg(test)]").next().unwrap_or_default();
        for (i, line) in before_tests.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")) {
            assert!(
                !(line.contains(":?}") || line.contains(":#?}")),
                "{}:{}: the shipped wasm has no Debug output (-Zfmt-debug=none): format with Display, or \
                 live::browser::js_reason for a JavaScript value",
                path.display(),
                i + 1
            );
        }
    }
}
