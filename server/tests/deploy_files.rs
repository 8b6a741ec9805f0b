//! The deployment files under deploy/ are checked by the tools that will read them: the systemd
//! units (the receiver, the daily backup and its timer) by `systemd-analyze verify` (no warning allowed) and `systemd-analyze security` (exposure
//! at most 2.0 of 10), with its `ExecStart` pointed at the receiver built for this test.
//! (`cargo xtask test native` installs Debian's systemd when systemd-analyze is missing; the nginx
//! configuration runs for real in tests/e2e/proxy.test.mjs.)

use std::process::Command;

const SYSTEMD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/systemd");

fn analyze(args: &[&str]) -> std::process::Output {
    Command::new("systemd-analyze").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run systemd-analyze ({e}): install Debian's `systemd` (cargo xtask test native does)")
    })
}

/// The deploy/systemd files in a temporary folder, with `ExecStart` pointing at this build.
fn local_units() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let units = ["undersigned.service", "undersigned-backup.service", "undersigned-backup.timer"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(format!("{SYSTEMD}/{name}")).expect("a unit file");
            assert!(!text.contains("ExecStart=") || text.contains("/usr/local/bin/undersigned-server "), "{name}");
            let local = text.replace("/usr/local/bin/undersigned-server", env!("CARGO_BIN_EXE_undersigned-server"));
            let path = dir.path().join(name);
            std::fs::write(&path, local).unwrap();
            path.display().to_string()
        })
        .collect();
    (dir, units)
}

#[test]
fn the_systemd_units_verify_cleanly_and_are_sandboxed() {
    let text = std::fs::read_to_string(format!("{SYSTEMD}/undersigned.service")).expect("the unit file");
    for option in [
        "ProtectSystem=strict",
        "StateDirectory=undersigned",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "SystemCallFilter=@system-service",
        "User=undersigned",
    ] {
        assert!(text.contains(option), "the unit sets {option:?}");
    }
    let (_dir, units) = local_units();
    let verify = analyze(&[&["verify"], units.iter().map(String::as_str).collect::<Vec<_>>().as_slice()].concat());
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success() && stderr.trim().is_empty(), "systemd-analyze verify: {stderr}");

    for service in units.iter().filter(|u| u.ends_with(".service")) {
        let security = analyze(&["security", "--offline=true", "--threshold=20", service]);
        let report = String::from_utf8_lossy(&security.stdout);
        assert!(
            security.status.success(),
            "{service}: exposure above 2.0:\n{report}{}",
            String::from_utf8_lossy(&security.stderr)
        );
        let level = report.lines().find(|l| l.contains("Overall exposure level")).unwrap_or_default();
        eprintln!("{}", level.trim());
    }
}
