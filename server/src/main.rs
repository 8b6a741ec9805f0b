//! `undersigned-server`: the reference receiver. See the crate docs in `lib.rs`.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    undersigned_server::telemetry::init();
    let cli = undersigned_server::cli::Cli::parse();
    undersigned_server::cli::run(cli).await
}
