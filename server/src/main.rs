//! `undersigned-server`: the reference receiver. See the crate docs in `lib.rs`.

use clap::Parser;
use undersigned_server::{cli, priority};

fn main() -> anyhow::Result<()> {
    undersigned_server::telemetry::init();
    let cli = cli::Cli::parse();
    // Before any other thread exists: the signature writer, started from this thread, inherits
    // the raised priority; the runtime's threads go back to the process's (see `priority`).
    let raised = priority::raise_main_thread();
    if !raised && matches!(cli.command, cli::Command::Serve(_)) {
        tracing::info!(
            "the signature writer runs at the receiver's own priority, so a flood of reads can slow signatures: \
             allow it a higher one with CAP_SYS_NICE or a nice limit (systemd: LimitNICE=-{})",
            priority::WRITER_BOOST
        );
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_start(priority::request_thread)
        .build()?
        .block_on(cli::run(cli))
}
