//! Compiles the built-in campaign (`campaigns/dhs-paragon.md`) to JSON at build time, so that
//! `<undersigned-letter>` with no attributes shows the seed letter without a network request, and
//! an authoring mistake fails the build with the file and line.

use std::path::Path;

fn main() {
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
