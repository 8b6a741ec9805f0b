//! The no-JavaScript fallback forms (in `www/partner.html` and the README) post the wire names of
//! `undersigned_core::signature::field`, so a receiver reads them like the widget's own requests.
#![cfg(not(target_arch = "wasm32"))]

use undersigned_core::signature::field;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The `name="…"` values of the form inside the first `<undersigned-letter>` of `html`.
fn fallback_field_names(html: &str, origin: &str) -> Vec<String> {
    let start = html.find("<undersigned-letter").unwrap_or_else(|| panic!("{origin} has no <undersigned-letter>"));
    let end = html[start..]
        .find("</undersigned-letter>")
        .map(|e| start + e)
        .unwrap_or_else(|| panic!("{origin}: <undersigned-letter> is not closed"));
    let inner = &html[start..end];
    assert!(inner.contains("<form method=\"post\""), "{origin}: the fallback is a form that posts");
    inner.split("name=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
}

fn assert_wire_names(names: &[String], origin: &str) {
    assert!(!names.is_empty(), "{origin}: the fallback form has fields");
    for name in names {
        assert!(
            field::ALL.contains(&name.as_str()),
            "{origin}: the fallback field `{name}` is not a wire name (core/src/signature: {:?})",
            field::ALL
        );
    }
    for required in [field::KIND, field::NAME, field::EMAIL, field::CAMPAIGN] {
        assert!(names.iter().any(|n| n == required), "{origin}: the fallback form lacks `{required}`");
    }
}

#[test]
fn the_partner_demo_fallback_uses_wire_names() {
    assert_wire_names(&fallback_field_names(&read("www/partner.html"), "www/partner.html"), "www/partner.html");
}

#[test]
fn the_readme_fallback_uses_wire_names() {
    let readme = read("README.md");
    let section =
        &readme[readme.find("### No-JavaScript fallback").expect("README has `### No-JavaScript fallback`")..];
    assert_wire_names(&fallback_field_names(section, "README.md"), "README.md");
}
