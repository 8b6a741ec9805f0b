//! The HTTP surface: the public API (signatures, signers, status feed, events), the pages for
//! visitors without JavaScript (letter, thank-you and error pages), the organizers' back office
//! under `/admin`, the admin API, `/healthz` and `/readyz` with the public-origin rules of a
//! proxied deployment ([`deploy`]), and optional static folders (the demo pages and the widget
//! package, so that `cargo xtask demo` needs one process only).

pub mod admin_api;
pub mod backoffice;
pub mod connections;
pub mod deploy;
pub mod embed;
pub mod error;
pub mod give_way;
pub mod origin;
pub mod pages;
pub mod public;
pub mod rate_limit;
pub mod revisions;
pub mod state;
pub mod static_files;

use axum::routing::get;
use axum::Router;
use state::AppState;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// The whole router.
pub fn router(state: Arc<AppState>) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(deploy::healthz))
        .route("/readyz", get(deploy::readyz))
        .merge(public::routes())
        .merge(revisions::routes())
        .merge(pages::routes())
        .merge(embed::routes())
        .merge(backoffice::routes(state.clone()))
        .nest("/api/admin", admin_api::routes(state.clone()))
        .route("/api/{*rest}", axum::routing::any(error::api_not_found))
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state.clone());
    // Static files are readable from any origin, compressed when a `.br`/`.gz` copy exists, and
    // cached by their names' content hash (static_files.rs).
    let any_origin = || axum::middleware::from_fn(static_files::for_any_origin);
    let folder = |dir: &std::path::Path| {
        ServeDir::new(dir).append_index_html_on_directories(true).precompressed_br().precompressed_gzip()
    };
    for mount in &state.config.static_mounts {
        app = if mount.dir.is_file() {
            let file = ServeFile::new(&mount.dir).precompressed_br().precompressed_gzip();
            app.merge(Router::new().route_service(&mount.prefix, file).layer(any_origin()))
        } else if mount.prefix == "/" {
            app.fallback_service(Router::new().fallback_service(folder(&mount.dir)).layer(any_origin()))
        } else {
            app.nest_service(&mount.prefix, Router::new().fallback_service(folder(&mount.dir)).layer(any_origin()))
        };
    }
    let in_flight = state.writer.in_flight().clone();
    app.layer(axum::middleware::from_fn_with_state(state.clone(), refresh_after_changes))
        .layer(axum::middleware::from_fn_with_state(state, deploy::public_origin))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn_with_state(in_flight, give_way::give_way))
}

/// After any request that may have changed something public (an organizer's action: settings,
/// statuses, moderation, imports; whatever route it comes through), every snapshot is rebuilt on
/// its next read. Signatures are the exception: they move only their campaign's signer snapshots
/// (in the signing handler), or a signature flood would rebuild the status feed all the time.
async fn refresh_after_changes(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !request.uri().path().ends_with("/signatures");
    let response = next.run(request).await;
    if changes {
        state.live.snapshots.invalidate_all();
    }
    response
}
