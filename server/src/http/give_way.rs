//! Reads give way to signatures.
//!
//! The runtime's threads serve reads and signatures alike, each task in the order it became
//! ready. Under a flood of reads (tens of thousands of widgets polling the status feed), each step
//! of a signature (its request read, its answer from the writer, the answer sent) waited behind
//! every read that was ready before it. So while signatures are being written
//! ([`crate::writer::InFlight`]), a `GET` or `HEAD` first goes once to the back of its thread's
//! queue (`tokio::task::yield_now`): what is ready then, signatures among it, runs before the read
//! is answered. A read then waits a few microseconds more; with no signature in flight nothing
//! changes.
//!
//! Measured with the storms bench's read flood (64 connections reading `/status` while 64 sign),
//! on one binary with a switch: signatures during the flood kept 74–89 % of their rate alone over
//! ten runs (median 82 %), against 64–78 % without this; the reads lost about a tenth.
//!
//! The signature writer's own threads run at a higher priority ([`crate::priority`]); this is the
//! same rule for the request threads, which the kernel cannot tell apart.

use crate::writer::InFlight;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

/// Middleware over every route: a read yields once while signatures are in flight.
pub async fn give_way(State(in_flight): State<InFlight>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) && in_flight.any() {
        tokio::task::yield_now().await;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use tower::ServiceExt;

    /// Whether a task spawned just before the request ran before its handler did.
    async fn other_work_ran_first(method: Method, in_flight: &InFlight) -> bool {
        let ran = Arc::new(AtomicBool::new(false));
        let ran_first = Arc::new(AtomicBool::new(false));
        let (seen, verdict) = (ran.clone(), ran_first.clone());
        let handler = move || async move { verdict.store(seen.load(Ordering::SeqCst), Ordering::SeqCst) };
        let app = Router::new()
            .route("/feed", get(handler.clone()).post(handler))
            .layer(axum::middleware::from_fn_with_state(in_flight.clone(), give_way));
        let other = ran.clone();
        // The test runtime has one thread: the spawned task runs only when the request yields.
        let task = tokio::spawn(async move { other.store(true, Ordering::SeqCst) });
        app.oneshot(Request::builder().method(method).uri("/feed").body(Body::empty()).unwrap()).await.unwrap();
        task.await.unwrap();
        ran_first.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_read_lets_ready_work_run_first_only_while_signatures_are_in_flight() {
        let in_flight = InFlight::default();
        assert!(!other_work_ran_first(Method::GET, &in_flight).await, "no signature in flight: no waiting");
        {
            let _signing = in_flight.enter();
            assert!(in_flight.any());
            assert!(other_work_ran_first(Method::GET, &in_flight).await, "a read gives way to ready work");
            assert!(other_work_ran_first(Method::HEAD, &in_flight).await);
            assert!(!other_work_ran_first(Method::POST, &in_flight).await, "only reads give way");
        }
        assert!(!in_flight.any(), "the guard stops counting when it drops");
        assert!(!other_work_ran_first(Method::GET, &in_flight).await);
    }
}
