//! Starting and stopping a receiver: connect the store, import the configured campaigns, start
//! the signature writer and the live-event pump, serve HTTP until asked to stop, then finish
//! in-flight requests, end the event streams and let the writer commit what it holds.

use crate::admin::token::AdminToken;
use crate::config::ServerConfig;
use crate::http::rate_limit::RateLimiter;
use crate::http::{self, state::AppState};
use crate::live::LiveHub;
use crate::snapshot::Snapshots;
use crate::store::Store;
use crate::writer::SignatureWriter;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A receiver serving in the background (tests, `serve`).
pub struct RunningServer {
    pub address: SocketAddr,
    pub store: Store,
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Stops accepting, finishes in-flight requests, ends event streams; returns once done.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("the server task panicked")?
    }
}

/// Connects, imports the configured campaigns, binds `config.listen`, and serves in the background.
pub async fn start(config: ServerConfig) -> anyhow::Result<RunningServer> {
    // Held while the receiver runs: `admin restore` refuses to replace a file in use.
    let lock = crate::backup::DatabaseLock::for_receiver(&config.database_url)?;
    crate::database_tls::check(&config.database_url, config.allow_plaintext_database)?;
    let store = Store::connect(&config.database_url).await?;
    if matches!(store.backend(), crate::store::Backend::Sqlite) {
        crate::priority::advise_if_not_raised();
    }
    crate::admin::backfill_revisions(&store).await?;
    for file in &config.campaign_files {
        let source = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the campaign file {}", file.display()))?;
        crate::admin::import_campaign(&store, &file.display().to_string(), &source)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    // The data folder holds the admin token, the demo's mail and, by default, the database: an
    // existing one is tightened to 0700 (it is created so where the receiver makes it).
    crate::private_files::tighten_data_dir(&config.data_dir)?;
    let admin_token = AdminToken::resolve(config.admin_token.as_deref(), &config.data_dir)?;
    let (stop, stopped) = watch::channel(false);
    let snapshots = Snapshots::new(store.clone());
    let live = LiveHub::new(stopped.clone(), snapshots, config.max_streams);
    tokio::spawn(live.clone().start_pump(store.clone(), config.event_poll).await);
    tokio::spawn(prune_idempotency_keys(store.clone(), live.shutdown_signal()));
    tokio::spawn(store.clone().checkpoint_until(live.shutdown_signal()));
    let sender = crate::mail::sender::MailSender::from_config(&config.mail)?;
    let mail = Arc::new(tokio::sync::Notify::new());
    let listener = crate::http::connections::listen(config.listen)
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    let worker = crate::mail::worker::MailWorker {
        store: store.clone(),
        sender,
        // The links in mails: the configured public origin, else this address (a demo, a test).
        public_url: config.public_origin.clone().unwrap_or_else(|| format!("http://{address}")),
        nudge: mail.clone(),
    };
    tokio::spawn(worker.run(live.shutdown_signal()));
    let state = Arc::new(AppState {
        mail,
        store: store.clone(),
        writer: SignatureWriter::start(store.clone())?,
        live,
        limiter: RateLimiter::for_store(config.rate_limit, &store),
        admin_token,
        config: config.clone(),
    });
    let app = http::router(state);
    let limits = config.limits;
    let task = tokio::spawn(async move {
        let _lock = lock;
        http::connections::serve(listener, app, limits, stopped).await.context("the HTTP server failed")
    });
    tracing::info!(%address, backend = ?store.backend(), "undersigned-server listening");
    Ok(RunningServer { address, store, stop, task })
}

/// How long a retry can still get its original answer: the widget's outbox resends within days.
pub const IDEMPOTENCY_RETENTION_DAYS: i64 = 30;

/// Once an hour: forgets old idempotency answers and unused rate-limit buckets, and deletes
/// signatures left unconfirmed for [`crate::mail::LINK_LIFETIME_DAYS`] days (with expired links).
async fn prune_idempotency_keys(store: Store, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = hourly.tick() => {}
        }
        match store.prune_idempotency_keys(&crate::clock::days_ago(IDEMPOTENCY_RETENTION_DAYS)).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(keys = n, "forgot idempotency answers older than {IDEMPOTENCY_RETENTION_DAYS} days")
            }
            Err(e) => tracing::warn!(error = format!("{e:#}"), "pruning idempotency answers failed"),
        }
        if let Err(e) = store.prune_rate_limit_buckets().await {
            tracing::warn!(error = format!("{e:#}"), "pruning rate-limit buckets failed");
        }
        let days = crate::mail::LINK_LIFETIME_DAYS;
        match store.purge_unconfirmed(&crate::clock::days_ago(days)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(signatures = n, "deleted signatures left unconfirmed for {days} days"),
            Err(e) => tracing::warn!(error = format!("{e:#}"), "purging unconfirmed signatures failed"),
        }
        if let Err(e) = store.forget_failed_mail(&crate::clock::days_ago(crate::mail::FAILED_MAIL_DAYS)).await {
            tracing::warn!(error = format!("{e:#}"), "forgetting old failed mail failed");
        }
    }
}

/// `serve`: runs until Ctrl-C or SIGTERM, then shuts down gracefully.
pub async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    let server = start(config).await?;
    println!("undersigned-server listening on http://{}/", server.address);
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    let store = server.store.clone();
    server.stop().await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
