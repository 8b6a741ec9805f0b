//! `undersigned-server`: the reference receiver. See the crate docs in `lib.rs`.

use clap::Parser;
use undersigned_server::{cli, priority};

fn main() -> anyhow::Result<()> {
    undersigned_server::telemetry::init();
    let cli = cli::Cli::parse();
    // Before any other thread exists: the signature writer, started from this thread, inherits
    // the raised priority; the runtime's threads go back to the process's (see `priority`).
    priority::raise_main_thread();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_start(priority::request_thread)
        .build()?
        .block_on(cli::run(cli))
}
