//! `tests/fixtures/other-campaign.json` is the compiled form of `tests/fixtures/other-campaign.md`.
//!
//! The widget's browser tests load that JSON through the `campaign` attribute (the authoring
//! compiler does not exist in the wasm), so it is checked in; this test fails when it is stale and
//! rewrites it when run with `UPDATE_FIXTURES=1`.

use std::path::Path;
use undersigned_core::authoring::compile_file;

#[test]
fn other_campaign_json_is_up_to_date() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let campaign = compile_file(&fixtures.join("other-campaign.md"))
        .unwrap_or_else(|errors| panic!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")));
    assert_eq!(campaign.title, "Open Letter on Library Patron Records");
    assert!(campaign.footnotes.is_empty(), "the test campaign has no notes");
    assert!(campaign.demands().all(|d| d.children.is_empty()), "its demand list is flat");
    assert_eq!(campaign.leaf_demands().count(), 3);

    let json = serde_json::to_string_pretty(&campaign).expect("serializes") + "\n";
    let path = fixtures.join("other-campaign.json");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &json).expect("the fixtures folder is writable");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == json,
        "{} is not the compiled form of other-campaign.md: run `UPDATE_FIXTURES=1 cargo test -p undersigned-core --test fixture_campaigns`",
        path.display()
    );
}
