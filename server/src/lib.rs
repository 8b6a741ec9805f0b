//! # undersigned-server — the reference receiver
//!
//! The endpoint a campaign's widget posts signatures to, out of the box, and the organizers' back
//! office. axum over SQLite by default (one file, WAL, `synchronous=FULL`), PostgreSQL when the
//! database URL is `postgres://…`. docs/receiver.md is the reference (API, errors, configuration).
//!
//! - [`app`]: start and stop a receiver (graceful shutdown).
//! - [`backup`]: consistent SQLite backups of a live receiver, restore, the database lock file.
//! - [`cli`]: the command line (`serve`, `admin …`).
//! - [`config`]: configuration from flags, environment and file.
//! - [`http`]: the HTTP surface: public API, admin API, origins, rate limit, errors.
//! - [`domain`]: the receiver's domain types (campaign settings, signers, moderation, what a write
//!   came to), which the modules below share without depending on each other.
//! - [`signing`]: from a request body to a stored signature (encodings, validation, spam, answers).
//! - [`writer`]: group commit of signatures.
//! - [`priority`]: signatures first when the CPUs are short (the writer's threads run raised).
//! - [`mail`]: mail to signers (confirm, withdraw): messages, the durable queue's sender, SMTP.
//! - [`admin`]: the organizers' operations, shared by the admin API and the CLI.
//! - [`organizers`]: organizer accounts, roles per campaign, passwords, sessions and tokens of the back office.
//! - [`status_feed`]: builds the public status feed.
//! - [`snapshot`]: in-memory snapshots that public reads are served from.
//! - [`revisions`]: the letter's endorsed text, its content hash and the diff between revisions.
//! - [`live`]: live events for Server-Sent Events, across instances.
//! - [`store`]: the database (one set of queries for both backends), migrations.
//! - [`database_tls`]: PostgreSQL over TLS; plaintext to another machine refused.
//! - [`private_files`]: modes of the data folder and the database files (0700, 0600).
//! - [`clock`]: timestamps as the feed and the database store them.
//! - [`telemetry`]: structured logs.

pub mod admin;
pub mod app;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod database_tls;
pub mod domain;
pub mod http;
pub mod live;
pub mod mail;
pub mod organizers;
pub mod priority;
pub mod private_files;
pub mod revisions;
pub mod signing;
pub mod snapshot;
pub mod status_feed;
pub mod store;
pub mod telemetry;
pub mod writer;
