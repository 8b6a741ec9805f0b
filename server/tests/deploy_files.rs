//! The deployment files under deploy/ are checked by the tools that will read them: the systemd
//! unit by `systemd-analyze verify` (no warning allowed) and `systemd-analyze security` (exposure
//! at most 2.0 of 10), with its `ExecStart` pointed at the receiver built for this test.
//! (`cargo xtask test native` installs Debian's systemd when systemd-analyze is missing; the nginx
//! configuration runs for real in tests/e2e/proxy.test.mjs.)

use std::process::Command;

const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/systemd/undersigned.service");

fn analyze(args: &[&str]) -> std::process::Output {
    Command::new("systemd-analyze").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run systemd-analyze ({e}): install Debian's `systemd` (cargo xtask test native does)")
    })
}

#[test]
fn the_systemd_unit_verifies_cleanly_and_is_sandboxed() {
    let text = std::fs::read_to_string(UNIT).expect("the unit file");
    assert!(text.contains("ExecStart=/usr/local/bin/undersigned-server "), "the documented install path");
    for option in [
        "ProtectSystem=strict",
        "StateDirectory=undersigned",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "SystemCallFilter=@system-service",
        "DynamicUser=yes",
    ] {
        assert!(text.contains(option), "the unit sets {option:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("undersigned.service");
    let local = text.replace("/usr/local/bin/undersigned-server", env!("CARGO_BIN_EXE_undersigned-server"));
    std::fs::write(&unit, local).unwrap();
    let unit = unit.display().to_string();

    let verify = analyze(&["verify", &unit]);
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success() && stderr.trim().is_empty(), "systemd-analyze verify: {stderr}");

    let security = analyze(&["security", "--offline=true", "--threshold=20", &unit]);
    let report = String::from_utf8_lossy(&security.stdout);
    assert!(security.status.success(), "exposure above 2.0:\n{report}{}", String::from_utf8_lossy(&security.stderr));
    let level = report.lines().find(|l| l.contains("Overall exposure level")).unwrap_or_default();
    eprintln!("{}", level.trim());
}
