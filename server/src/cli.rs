//! The command line: `undersigned-server serve` runs the receiver; `undersigned-server admin …`
//! runs the organizers' operations.
//!
//! `admin` talks to the database directly rather than to a running receiver's HTTP API: it works
//! when no receiver runs (before the first start, during an outage), needs no token (access to
//! the database already is full access), and runs exactly the operations the admin API runs
//! ([`crate::admin`]). Running receivers see its status changes through the event pump
//! (PostgreSQL NOTIFY at once; on SQLite within the poll period).

use crate::admin::{self, StatusUpdate};
use crate::config::{self, FileConfig, ServerConfig, StaticMount};
use crate::domain::AuditAction;
use crate::domain::{Confirmation, Moderation, SignerState};
use crate::http::rate_limit::RateLimit;
use crate::mail::MailConfig;
use crate::store::Store;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use undersigned_core::feed::Evidence;
use undersigned_core::status::DemandStatus;

#[derive(Debug, Parser)]
#[command(name = "undersigned-server", version, about = "The Undersigned reference receiver")]
pub struct Cli {
    /// A TOML configuration file (keys in docs/receiver.md); flags and environment variables win.
    #[arg(long, env = "UNDERSIGNED_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the receiver.
    Serve(Box<ServeArgs>),
    /// Organizers' operations on the database (no running receiver needed).
    Admin(AdminArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "UNDERSIGNED_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// `sqlite://data/undersigned.db` (created when missing) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Serve a folder of static files: `PREFIX=DIR`, e.g. `--static /pkg=pkg`. Repeatable.
    #[arg(long = "static", value_name = "PREFIX=DIR")]
    pub static_mounts: Vec<StaticMount>,
    /// Campaign source files to import at start. Repeatable.
    #[arg(long = "campaign", value_name = "FILE")]
    pub campaign_files: Vec<PathBuf>,
    /// Folder for the generated admin token [default: the SQLite file's folder, or `data`].
    #[arg(long, env = "UNDERSIGNED_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The admin bearer token (at least 16 characters); generated on first start when unset.
    #[arg(long, env = "UNDERSIGNED_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// A partner origin allowed to post to every campaign (`https://partner.example`, or `*`).
    /// Repeatable; the environment variable takes a comma-separated list.
    #[arg(long = "allow-origin", env = "UNDERSIGNED_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// Signatures per minute per client address; 0 turns the limit off (load tests) [default: 30].
    #[arg(long, env = "UNDERSIGNED_RATE_LIMIT_PER_MINUTE")]
    pub rate_limit_per_minute: Option<u32>,
    /// Signatures a client may send at once before the per-minute rate applies [default: 10].
    #[arg(long, env = "UNDERSIGNED_RATE_LIMIT_BURST")]
    pub rate_limit_burst: Option<u32>,
    /// Largest request body, in bytes [default: 16384].
    #[arg(long, env = "UNDERSIGNED_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Milliseconds between checks for status changes made elsewhere [default: 2000].
    #[arg(long, env = "UNDERSIGNED_EVENT_POLL_MS")]
    pub event_poll_ms: Option<u64>,
    /// Count clients by the last `X-Forwarded-For` address (only behind a proxy that sets it).
    #[arg(long, env = "UNDERSIGNED_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// The origin visitors use, e.g. `https://sign.example.org` (behind a proxy: never guessed
    /// from `Host`); https adds HSTS and `Secure` cookies.
    #[arg(long, env = "UNDERSIGNED_PUBLIC_ORIGIN")]
    pub public_origin: Option<String>,
    /// Allow PostgreSQL on another machine without TLS (only on a trusted network).
    #[arg(long, env = "UNDERSIGNED_ALLOW_PLAINTEXT_DATABASE")]
    pub allow_plaintext_database: bool,
    /// A reverse proxy (CIDR or address) whose `X-Forwarded-For` the rate limit believes.
    /// Repeatable; the environment variable takes a comma-separated list.
    #[arg(long = "trusted-proxy", env = "UNDERSIGNED_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Open event streams this instance takes; above, `503 busy` with `Retry-After` (0: no
    /// limit) [default: 10000].
    #[arg(long, env = "UNDERSIGNED_MAX_STREAMS")]
    pub max_streams: Option<usize>,
    /// Open connections this instance takes; above, new ones wait in the listen queue
    /// [default: the file-descriptor limit less 256].
    #[arg(long, env = "UNDERSIGNED_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client has to send a request's headers (from connecting, or since its previous
    /// answer on a kept-alive connection) [default: 10].
    #[arg(long, env = "UNDERSIGNED_HEADER_TIMEOUT_SECS")]
    pub header_timeout_secs: Option<u64>,
    /// Seconds a client has to send a request's body [default: 15].
    #[arg(long, env = "UNDERSIGNED_BODY_TIMEOUT_SECS")]
    pub body_timeout_secs: Option<u64>,
    /// Seconds an idle kept-alive connection stays open [default: 60].
    #[arg(long, env = "UNDERSIGNED_IDLE_TIMEOUT_SECS")]
    pub idle_timeout_secs: Option<u64>,
    /// Seconds a graceful shutdown waits for in-flight requests before closing them [default: 10].
    #[arg(long, env = "UNDERSIGNED_SHUTDOWN_GRACE_SECS")]
    pub shutdown_grace_secs: Option<u64>,
    /// The SMTP server for mail to signers: `smtps://user@host:465` (TLS),
    /// `smtp://user@host:587?tls=required` (STARTTLS) or `smtp://host:25` (a local relay).
    /// Unset: mail is written to the mail folder instead.
    #[arg(long, env = "UNDERSIGNED_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The SMTP password (for the user in --smtp-url), kept out of the URL.
    #[arg(long, env = "UNDERSIGNED_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The From of mail to signers [default: Undersigned <undersigned@localhost>].
    #[arg(long, env = "UNDERSIGNED_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Where mail is written when no SMTP server is set [default: DATA_DIR/mail].
    #[arg(long, env = "UNDERSIGNED_MAIL_FOLDER")]
    pub mail_folder: Option<PathBuf>,
    /// Show the mail folder at /mail/ (the demo; never on a real receiver: mails hold working links).
    #[arg(long, env = "UNDERSIGNED_SHOW_MAIL_FOLDER")]
    pub show_mail_folder: bool,
}

impl ServeArgs {
    /// Flags and environment first, then the file, then defaults.
    pub fn resolve(self, file: FileConfig) -> anyhow::Result<ServerConfig> {
        let database_url =
            self.database_url.or(file.database_url).unwrap_or_else(|| config::DEFAULT_DATABASE_URL.into());
        let mut static_mounts = self.static_mounts;
        for mount in &file.static_mounts {
            static_mounts
                .push(mount.parse().map_err(anyhow::Error::msg).context("in the configuration file's `static`")?);
        }
        let mut allowed_origins = self.allowed_origins;
        allowed_origins.extend(file.allowed_origins);
        let data_dir = self.data_dir.or(file.data_dir).unwrap_or_else(|| config::default_data_dir(&database_url));
        let mail = MailConfig {
            smtp_url: self.smtp_url.or(file.smtp_url).filter(|u| !u.trim().is_empty()),
            smtp_password: self.smtp_password.or(file.smtp_password),
            from: self.mail_from.or(file.mail_from).unwrap_or_else(|| crate::mail::DEFAULT_FROM.to_string()),
            folder: self.mail_folder.or(file.mail_folder).unwrap_or_else(|| data_dir.join("mail")),
            show_folder: self.show_mail_folder || file.show_mail_folder.unwrap_or(false),
        };
        Ok(ServerConfig {
            mail,
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| config::DEFAULT_LISTEN.parse().expect("the default address parses")),
            data_dir,
            database_url,
            static_mounts,
            campaign_files: if self.campaign_files.is_empty() { file.campaigns } else { self.campaign_files },
            admin_token: self.admin_token.or(file.admin_token),
            allowed_origins: allowed_origins.into_iter().filter(|o| !o.trim().is_empty()).collect(),
            rate_limit: RateLimit {
                per_minute: self
                    .rate_limit_per_minute
                    .or(file.rate_limit_per_minute)
                    .unwrap_or(config::DEFAULT_RATE_LIMIT.per_minute),
                burst: self.rate_limit_burst.or(file.rate_limit_burst).unwrap_or(config::DEFAULT_RATE_LIMIT.burst),
            },
            max_body_bytes: self.max_body_bytes.or(file.max_body_bytes).unwrap_or(config::DEFAULT_MAX_BODY_BYTES),
            event_poll: Duration::from_millis(
                self.event_poll_ms.or(file.event_poll_ms).unwrap_or(config::DEFAULT_EVENT_POLL_MS),
            ),
            trust_forwarded_for: self.trust_forwarded_for || file.trust_forwarded_for.unwrap_or(false),
            public_origin: self
                .public_origin
                .or(file.public_origin)
                .map(|o| crate::http::deploy::parse_public_origin(&o))
                .transpose()?,
            allow_plaintext_database: self.allow_plaintext_database || file.allow_plaintext_database.unwrap_or(false),
            trusted_proxies: config::parse_trusted_proxies(if self.trusted_proxies.is_empty() {
                &file.trusted_proxies
            } else {
                &self.trusted_proxies
            })?,
            max_streams: self.max_streams.or(file.max_streams).unwrap_or(config::DEFAULT_MAX_STREAMS),
            limits: config::ConnectionLimits {
                max_connections: self.max_connections.or(file.max_connections),
                header_timeout: secs(
                    self.header_timeout_secs.or(file.header_timeout_secs),
                    config::DEFAULT_HEADER_TIMEOUT,
                ),
                body_timeout: secs(self.body_timeout_secs.or(file.body_timeout_secs), config::DEFAULT_BODY_TIMEOUT),
                idle_timeout: secs(self.idle_timeout_secs.or(file.idle_timeout_secs), config::DEFAULT_IDLE_TIMEOUT),
                shutdown_grace: secs(
                    self.shutdown_grace_secs.or(file.shutdown_grace_secs),
                    config::DEFAULT_SHUTDOWN_GRACE,
                ),
            },
        })
    }
}

fn secs(value: Option<u64>, default: Duration) -> Duration {
    value.map_or(default, Duration::from_secs)
}

#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    /// The receiver's database [default: the configuration file's, else sqlite://data/undersigned.db].
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Allow PostgreSQL on another machine without TLS (only on a trusted network).
    #[arg(long, env = "UNDERSIGNED_ALLOW_PLAINTEXT_DATABASE")]
    pub allow_plaintext_database: bool,
    #[command(subcommand)]
    pub action: AdminAction,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Lists the campaigns.
    Campaigns,
    /// Imports or updates a campaign from its authoring file.
    Import { file: PathBuf },
    /// Shows a campaign's settings, or changes the ones given.
    Settings {
        campaign: String,
        /// `auto` (individuals approved at once) or `review` (everyone waits for approval).
        #[arg(long, value_enum)]
        moderation: Option<Moderation>,
        /// Whether organizations wait for approval under `auto` moderation.
        #[arg(long)]
        organizations_need_review: Option<bool>,
        /// Replaces the partner origins (repeatable; `--allow-origin ''` clears the list).
        #[arg(long = "allow-origin")]
        allowed_origins: Option<Vec<String>>,
        /// Minimum milliseconds between showing the form and sending it.
        #[arg(long)]
        min_fill_ms: Option<i64>,
        /// `email` (a signature counts once confirmed through a mailed link) or `off`.
        #[arg(long, value_enum)]
        confirmation: Option<Confirmation>,
        /// The number of signatures the campaign aims for (the widget's goal bar); 0 removes it.
        #[arg(long)]
        goal: Option<u64>,
    },
    /// Sets a demand's status, note and evidence (history is kept).
    SetStatus {
        campaign: String,
        demand: String,
        /// outstanding, partially_disclosed, disclosed or refused.
        status: String,
        #[arg(long, default_value = "")]
        note: String,
        /// `URL DATE [TITLE]` as one argument separated by spaces, e.g.
        /// `--evidence "https://example.org/foia 2026-11-20 FOIA response"`. Repeatable.
        #[arg(long)]
        evidence: Vec<String>,
    },
    /// Prints a demand's history of changes.
    History { campaign: String, demand: String },
    /// Lists signers (with emails), optionally of one state.
    Signers {
        campaign: String,
        #[arg(long, value_enum)]
        state: Option<SignerState>,
    },
    /// Approves a signer.
    Approve { campaign: String, signer: i64 },
    /// Rejects a signer.
    Reject { campaign: String, signer: i64 },
    /// Erases a signer completely (right to erasure).
    Erase { campaign: String, signer: i64 },
    /// Mails every signer of an earlier text of the letter a request to endorse the current text
    /// (their signature moves only when they press the button of the link). A running receiver
    /// sends the mail.
    RequestEndorsement { campaign: String },
    /// Imports signers from a CSV file with the columns `export` writes (`-` reads standard input).
    /// Every row is checked first: one bad row and nothing is imported. Addresses that already
    /// signed are skipped and counted.
    ImportSigners { campaign: String, file: PathBuf },
    /// Copies the live SQLite database to FILE (a consistent snapshot; signatures keep arriving).
    Backup { file: PathBuf },
    /// Replaces the SQLite database with the backup FILE (refused while a receiver runs on it; the
    /// replaced database is kept beside it).
    Restore { file: PathBuf },
    /// Creates an organizer account for the back office (`/admin`), or gives an existing one a
    /// role. Without `--password-stdin`, prints a link on which they choose their password.
    AddOrganizer(crate::organizers::cli::AddOrganizerArgs),
    /// Writes the signers as CSV (formula cells neutralised) to a file or standard output.
    Export {
        campaign: String,
        #[arg(long, value_enum)]
        state: Option<SignerState>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = match &cli.config {
        Some(path) => FileConfig::read(path)?,
        None => FileConfig::default(),
    };
    match cli.command {
        Command::Serve(args) => crate::app::serve(args.resolve(file)?).await,
        Command::Admin(args) => {
            let url = args.database_url.or(file.database_url).unwrap_or_else(|| config::DEFAULT_DATABASE_URL.into());
            // Backup and restore work on the file itself: no migration, no pool.
            match &args.action {
                AdminAction::Backup { file } => {
                    let copy = crate::backup::backup(&url, file).await?;
                    println!(
                        "backed up {} signer(s) of {} campaign(s) into {} ({} bytes)",
                        copy.signers,
                        copy.campaigns,
                        file.display(),
                        copy.bytes
                    );
                    return Ok(());
                }
                AdminAction::Restore { file } => {
                    let (copy, kept) = crate::backup::restore(&url, file).await?;
                    println!(
                        "restored {} signer(s) of {} campaign(s) from {}",
                        copy.signers,
                        copy.campaigns,
                        file.display()
                    );
                    if let Some(kept) = kept {
                        println!("the replaced database is kept as {}", kept.display());
                    }
                    return Ok(());
                }
                _ => {}
            }
            // The admin commands read and write signers too: the same rule as the receiver's.
            crate::database_tls::check(
                &url,
                args.allow_plaintext_database || file.allow_plaintext_database.unwrap_or(false),
            )?;
            let store = Store::connect(&url).await?;
            let result = run_admin(&store, args.action).await;
            store.close().await;
            result
        }
    }
}

fn parse_evidence(text: &str) -> anyhow::Result<Evidence> {
    let mut parts = text.splitn(3, ' ');
    let (Some(url), Some(date)) = (parts.next(), parts.next()) else {
        anyhow::bail!("--evidence `{text}`: write `URL YYYY-MM-DD [title]`");
    };
    Ok(Evidence { url: url.to_string(), date: date.to_string(), title: parts.next().unwrap_or("").to_string() })
}

async fn run_admin(store: &Store, action: AdminAction) -> anyhow::Result<()> {
    let audit = audit_line(&action);
    run_action(store, action).await?;
    if let Some((campaign, what, detail)) = audit {
        store.audit("cli", &campaign, what, &detail).await?;
    }
    Ok(())
}

async fn run_action(store: &Store, action: AdminAction) -> anyhow::Result<()> {
    let done = |r: admin::AdminResult<()>| r.map_err(|e| anyhow::anyhow!("{e}"));
    let changing = action.changes_settings(); // read before the match moves the options out
    match action {
        AdminAction::Campaigns => {
            for id in store.campaign_ids().await? {
                println!("{id}");
            }
        }
        AdminAction::Import { file } => {
            let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let id = admin::import_campaign(store, &file.display().to_string(), &source)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("imported campaign {id}");
        }
        AdminAction::Settings {
            campaign,
            moderation,
            organizations_need_review,
            allowed_origins,
            min_fill_ms,
            confirmation,
            goal,
        } => {
            let mut settings = admin::campaign_settings(store, &campaign).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(m) = moderation {
                settings.moderation = m;
            }
            if let Some(v) = organizations_need_review {
                settings.organizations_need_review = v;
            }
            if let Some(origins) = allowed_origins {
                settings.allowed_origins = origins.into_iter().filter(|o| !o.is_empty()).collect();
            }
            if let Some(ms) = min_fill_ms {
                settings.min_fill_ms = ms;
            }
            if let Some(c) = confirmation {
                settings.confirmation = c;
            }
            if let Some(g) = goal {
                settings.goal = (g > 0).then_some(g);
            }
            if changing {
                done(admin::set_campaign_settings(store, &campaign, &settings).await)?;
            }
            println!("{}", serde_json::to_string_pretty(&settings)?);
        }
        AdminAction::SetStatus { campaign, demand, status, note, evidence } => {
            let status = DemandStatus::parse(&status).map_err(anyhow::Error::msg)?;
            let evidence = evidence.iter().map(|e| parse_evidence(e)).collect::<anyhow::Result<Vec<_>>>()?;
            let change =
                admin::set_demand_status(store, &campaign, &demand, StatusUpdate { status, note, evidence }, "cli")
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&change)?);
        }
        AdminAction::History { campaign, demand } => {
            for change in store.demand_history(&campaign, &demand).await? {
                println!("{}", serde_json::to_string(&change)?);
            }
        }
        AdminAction::Signers { campaign, state } => {
            let mut offset = 0;
            loop {
                let page = store.signers(&campaign, state, 1000, offset).await?;
                for signer in &page {
                    println!("{}", serde_json::to_string(signer)?);
                }
                if page.len() < 1000 {
                    break;
                }
                offset += 1000;
            }
        }
        AdminAction::Approve { campaign, signer } => {
            done(admin::moderate(store, &campaign, signer, SignerState::Approved).await)?
        }
        AdminAction::Reject { campaign, signer } => {
            done(admin::moderate(store, &campaign, signer, SignerState::Rejected).await)?
        }
        AdminAction::Erase { campaign, signer } => done(admin::erase(store, &campaign, signer).await)?,
        AdminAction::RequestEndorsement { campaign } => {
            let queued = admin::request_endorsement(store, &campaign).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            store.audit("cli", &campaign, AuditAction::EndorsementRequested, &format!("{queued} mail(s)")).await?;
            println!("queued {queued} request(s) to endorse the current text of {campaign}");
        }
        AdminAction::ImportSigners { campaign, file } => {
            let csv = if file.as_os_str() == "-" {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).context("cannot read standard input")?;
                bytes
            } else {
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?
            };
            let summary = admin::import_signers(store, &campaign, &file.display().to_string(), &csv)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "imported {} signer(s) into {campaign}; skipped {} already signed and {} repeated in the file",
                summary.imported, summary.already_signed, summary.repeated_in_file
            );
        }
        AdminAction::Backup { .. } | AdminAction::Restore { .. } => {
            anyhow::bail!("backup and restore run before connecting")
        }
        AdminAction::AddOrganizer(args) => crate::organizers::cli::add_organizer(store, args).await?,
        AdminAction::Export { campaign, state, output } => {
            let csv = admin::export_csv(store, &campaign, state).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            match output {
                Some(path) => std::fs::write(&path, csv).with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{csv}"),
            }
        }
    }
    Ok(())
}

/// The audit log's line for an `admin` action that changes something or reads emails:
/// (campaign, action, detail); None for the others. Written as `cli` once the action succeeded
/// (add-organizer and request-endorsement write their own).
impl AdminAction {
    /// Whether a `settings` action names anything to change (without options it only shows them).
    fn changes_settings(&self) -> bool {
        matches!(
            self,
            AdminAction::Settings { moderation, organizations_need_review, allowed_origins, min_fill_ms, confirmation, goal, .. }
                if moderation.is_some()
                    || organizations_need_review.is_some()
                    || allowed_origins.is_some()
                    || min_fill_ms.is_some()
                    || confirmation.is_some()
                    || goal.is_some()
        )
    }
}

fn audit_line(action: &AdminAction) -> Option<(String, AuditAction, String)> {
    use AdminAction as A;
    Some(match action {
        A::Import { file } => (String::new(), AuditAction::LetterPublish, format!("from {}", file.display())),
        A::Settings { campaign, .. } => {
            if !action.changes_settings() {
                return None;
            }
            (campaign.clone(), AuditAction::Settings, "changed with the CLI".into())
        }
        A::SetStatus { campaign, demand, status, .. } => {
            (campaign.clone(), AuditAction::DemandStatus, format!("{demand}: {status}"))
        }
        A::Signers { campaign, state } | A::Export { campaign, state, .. } => (
            campaign.clone(),
            AuditAction::SignersExport,
            format!("with emails, state {}", state.map_or("any", SignerState::as_str)),
        ),
        A::Approve { campaign, signer } => (campaign.clone(), AuditAction::SignerApproved, format!("signer {signer}")),
        A::Reject { campaign, signer } => (campaign.clone(), AuditAction::SignerRejected, format!("signer {signer}")),
        A::Erase { campaign, signer } => (campaign.clone(), AuditAction::SignerErase, format!("signer {signer}")),
        A::ImportSigners { campaign, file } => {
            (campaign.clone(), AuditAction::SignersImport, format!("from {}", file.display()))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(args: &[&str]) -> ServeArgs {
        match Cli::try_parse_from(["undersigned-server", "serve"].iter().chain(args)).expect("flags parse").command {
            Command::Serve(args) => *args,
            Command::Admin(_) => unreachable!("parsed `serve`"),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite://var/u.db\"\nrate_limit_per_minute = 5\nallowed_origins = [\"https://file.example\"]\n",
        )
        .unwrap();
        let config = serve_args(&["--rate-limit-per-minute", "0", "--allow-origin", "https://flag.example"])
            .resolve(file)
            .unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(config.rate_limit.per_minute, 0);
        assert_eq!(config.rate_limit.burst, crate::config::DEFAULT_RATE_LIMIT.burst);
        assert_eq!(config.data_dir, PathBuf::from("var"));
        assert_eq!(config.allowed_origins, ["https://flag.example", "https://file.example"]);
    }
}
