//! # undersigned-server — the reference receiver
//!
//! The endpoint a campaign's widget posts signatures to, out of the box, and the organizers' back
//! office. axum over SQLite by default (one file, WAL, `synchronous=FULL`), PostgreSQL when the
//! database URL is `postgres://…`.
//!
//! - [`cli`]: the command line (`serve`, `admin …`).
//! - [`config`]: configuration from flags, environment and file.
//! - [`store`]: the database: connection, migrations.
//! - [`routes`]: the HTTP surface.
//! - [`telemetry`]: structured logs.

pub mod cli;
pub mod config;
pub mod routes;
pub mod store;
pub mod telemetry;
