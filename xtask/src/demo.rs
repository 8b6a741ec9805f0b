//! `cargo xtask demo`: builds the widget and runs the receiver on an embedded SQLite file in
//! `data/`, serving the demo page at `/`, the pages in `www/` and the widget package at `/pkg/`.

use crate::exec::{self, cargo};
use crate::paths::repo_root;
use std::process::Command;

/// The command line that runs the receiver for the demo and the end-to-end tests.
pub fn server_args(port: u16, database_url: &str) -> Vec<String> {
    let mut args: Vec<String> = ["serve", "--listen"].iter().map(|s| s.to_string()).collect();
    args.push(format!("127.0.0.1:{port}"));
    args.extend(["--database-url".into(), database_url.into()]);
    for mount in ["/=index.html", "/www=www", "/pkg=pkg"] {
        args.extend(["--static".into(), mount.into()]);
    }
    args.extend(["--campaign".into(), "campaigns/dhs-paragon.md".into()]);
    args
}

/// The demo has no mail server: the receiver writes its mail to `data/mail/` and shows it at
/// `/mail/`, so that confirming and withdrawing a signature work on a fresh machine.
pub const DEMO_MAIL_ARGS: [&str; 1] = ["--show-mail-folder"];

pub fn run() -> anyhow::Result<()> {
    let root = repo_root();
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p.parse().map_err(|_| anyhow::anyhow!("PORT must be a port number, found `{p}`"))?,
        Err(_) => 8080,
    };
    crate::build::run()?;
    exec::run(cargo().current_dir(&root).args(["build", "-p", "undersigned-server"]))?;
    let server = root.join("target/debug/undersigned-server");
    println!("\nUndersigned demo: http://127.0.0.1:{port}/  (Ctrl-C stops it)\n");
    println!("Mail to signers (no SMTP server in the demo): http://127.0.0.1:{port}/mail/\n");
    exec::run(
        Command::new(server)
            .current_dir(&root)
            .args(server_args(port, "sqlite://data/undersigned.db"))
            .args(DEMO_MAIL_ARGS),
    )
}
