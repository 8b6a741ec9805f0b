//! The command line: `undersigned-server serve` runs the receiver.

use crate::config::{ServerConfig, StaticMount};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "undersigned-server", version, about = "The Undersigned reference receiver")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the receiver.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "UNDERSIGNED_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// `sqlite://data/undersigned.db` (created when missing) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/undersigned.db")]
    pub database_url: String,
    /// Serve a folder of static files: `PREFIX=DIR`, e.g. `--static /pkg=pkg`. Repeatable.
    #[arg(long = "static", value_name = "PREFIX=DIR")]
    pub static_mounts: Vec<StaticMount>,
    /// Campaign source files to import at start. Repeatable.
    #[arg(long = "campaign", value_name = "FILE")]
    pub campaign_files: Vec<PathBuf>,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let config = ServerConfig {
                listen: args.listen,
                database_url: args.database_url,
                static_mounts: args.static_mounts,
                campaign_files: args.campaign_files,
            };
            crate::routes::serve(config).await
        }
    }
}
