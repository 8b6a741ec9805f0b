//! The HTTP surface: the API, `/healthz`, and optional static folders (the demo pages and the
//! widget package, so that `cargo xtask demo` needs one process only).

use crate::config::ServerConfig;
use crate::store::Store;
use anyhow::Context;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Shared state of every handler.
pub struct AppState {
    pub store: Store,
}

/// Builds the router for a connected store and the configured static folders.
pub fn router(state: Arc<AppState>, config: &ServerConfig) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/api/campaigns/{id}", get(campaign))
        .with_state(state);
    for mount in &config.static_mounts {
        app = if mount.dir.is_file() {
            app.route_service(&mount.prefix, ServeFile::new(&mount.dir))
        } else if mount.prefix == "/" {
            app.fallback_service(ServeDir::new(&mount.dir).append_index_html_on_directories(true))
        } else {
            app.nest_service(&mount.prefix, ServeDir::new(&mount.dir).append_index_html_on_directories(true))
        };
    }
    app.layer(tower_http::trace::TraceLayer::new_for_http())
}

async fn healthz() -> &'static str {
    "ok"
}

async fn campaign(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match state.store.campaign(&id).await {
        Ok(Some(c)) => Json(c).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, Json(serde_json::json!({"code": "unknown_campaign", "message": format!("There is no campaign `{id}` on this receiver.")}))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading a campaign failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({"code": "internal", "message": "The receiver could not read its database; try again in a minute."}))).into_response()
        }
    }
}

/// Connects the store, imports the configured campaigns, and serves until Ctrl-C or SIGTERM,
/// letting in-flight requests finish.
pub async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url).await?;
    for file in &config.campaign_files {
        let campaign = undersigned_core::authoring::compile_file(file).map_err(|errors| {
            anyhow::anyhow!(errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
        })?;
        store.upsert_campaign(&campaign).await?;
        tracing::info!(campaign = %campaign.id, "campaign imported");
    }
    let app = router(Arc::new(AppState { store }), &config);
    let listener = tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "undersigned-server listening");
    println!("undersigned-server listening on http://{address}/");
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
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
    tracing::info!("shutting down: finishing in-flight requests");
}
