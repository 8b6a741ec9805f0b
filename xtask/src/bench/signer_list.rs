//! Signer list (issue 6, "The live list"): the hook its engineer fills in.
//!
//! What belongs here: render a signer list of 100,000 entries in the widget (headless Chromium,
//! served like the partner page of [`super::tti`]) and report the time to first paint of the list
//! and the JS heap used — as figures, not asserted. Until the list exists in the widget, this
//! section reports that it is not measured; it never shows a made-up number.

use super::report::{bytes, Section};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The figures issue 6 asks for.
#[derive(Debug, Serialize, Deserialize)]
pub struct SignerListReport {
    /// How many signers the rendered list held.
    pub signers: u64,
    /// From navigation start to the first paint of the list, median over the loads.
    pub first_paint_ms: f64,
    /// JS heap in use once the list is painted (after a garbage collection).
    pub js_heap_bytes: u64,
}

impl SignerListReport {
    pub fn markdown(&self) -> String {
        format!(
            "| signers | time to first paint of the list | JS heap |\n|---:|---:|---:|\n| {} | {:.0} ms | {} bytes |\n",
            bytes(self.signers),
            self.first_paint_ms,
            bytes(self.js_heap_bytes)
        )
    }

    pub fn summary_rows(&self) -> String {
        format!("| signer list of {}: first paint / JS heap | {:.0} ms / {} bytes |\n", bytes(self.signers), self.first_paint_ms, bytes(self.js_heap_bytes))
    }
}

pub fn run(_root: &Path, _out_dir: &Path) -> Section<SignerListReport> {
    Section::NotMeasured {
        reason: "the widget has no signer list yet (issue 6, \"The live list\"); its benchmark goes in \
                 `xtask/src/bench/signer_list.rs` (100,000 signers: time to first paint of the list, JS heap)."
            .into(),
    }
}
