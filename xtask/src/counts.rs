//! Test counts read from the runners' summary lines: what `cargo xtask test` adds up per layer and
//! what the weight check (`bench::budget`) reports into. A module of its own so that the test
//! command and the bench sections do not import each other.

/// Passed and failed test counts read from a runner's summary lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

/// Reads one output line of cargo's test harness (`test result: ok. 3 passed; 0 failed; …`, also
/// printed by wasm-bindgen-test-runner) or of Node's spec reporter (`ℹ pass 3`, `ℹ fail 0`).
pub fn count_line(line: &str, counts: &mut Counts) {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        let number_before = |word: &str| {
            rest.split(';').find_map(|part| {
                part.trim()
                    .trim_start_matches("ok. ")
                    .trim_start_matches("FAILED. ")
                    .strip_suffix(word)
                    .and_then(|n| n.trim().parse::<u64>().ok())
            })
        };
        counts.passed += number_before("passed").unwrap_or(0);
        counts.failed += number_before("failed").unwrap_or(0);
    } else if let Some(n) = line.strip_prefix("ℹ pass ").and_then(|n| n.parse::<u64>().ok()) {
        counts.passed += n;
    } else if let Some(n) = line.strip_prefix("ℹ fail ").and_then(|n| n.parse::<u64>().ok()) {
        counts.failed += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let mut c = Counts::default();
        for line in [
            "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "test result: FAILED. 1 passed; 2 failed; 0 ignored",
            "ℹ pass 4",
            "ℹ fail 1",
            "unrelated 9 passed",
        ] {
            count_line(line, &mut c);
        }
        assert_eq!(c, Counts { passed: 8, failed: 3 });
    }
}
