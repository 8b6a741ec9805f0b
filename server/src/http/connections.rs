//! Accepting and serving connections, with the limits that keep slow or idle clients from
//! exhausting the receiver.
//!
//! A connection speaks HTTP/1.1, or cleartext HTTP/2 when it opens with HTTP/2's preface (prior
//! knowledge, as proxies such as Caddy, Envoy or HAProxy can speak to their upstreams; browsers
//! reach the receiver through such a proxy or over HTTP/1.1). Over HTTP/2 one connection carries up
//! to [`MAX_STREAMS_PER_CONNECTION`] requests at once: a proxy can then carry tens of thousands of
//! widgets' event streams on a few hundred descriptors, where HTTP/1.1 needs one per stream.
//!
//! - **Headers** must arrive within `header_timeout`, counted from the connection or from the
//!   previous answer on a kept-alive connection (hyper's header read timeout); a connection that
//!   sends no byte at all within it, before its protocol is known, is closed too.
//! - **Bodies** must arrive within `body_timeout` (a tower-http layer on the router, see
//!   [`super::router`]).
//! - **Idle** connections (no byte read or written for `idle_timeout`: a client that stopped reading
//!   its stream, a stalled upload) are closed. Event streams send a comment every 15 s, so a live
//!   stream is never idle.
//! - **At most `max_connections`** at once: above, the receiver stops accepting and new
//!   connections wait in the kernel's listen queue instead of costing memory.
//! - **A deep listen queue** ([`LISTEN_BACKLOG`]): after a restart, tens of thousands of widgets
//!   reconnect within a second or two. A connection that finds the queue full has its SYN dropped
//!   and is retried by the client's kernel only after 1, 3, 7, 15 … s, which is what spread a
//!   storm of 18,000 streams over more than a minute with tokio's default queue of 1,024.
//! - **Graceful shutdown with a deadline**: connections finish their request in flight, then close;
//!   what is still open after `shutdown_grace` is closed.

use crate::config::ConnectionLimits;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulConnection;
use hyper_util::service::TowerToHyperService;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

/// File descriptors kept for the database, logs and files beyond client connections.
const RESERVED_DESCRIPTORS: u64 = 256;

/// Requests one HTTP/2 connection may carry at once (hyper's default, written here because the
/// stream cap and the docs count on it); more are refused with `REFUSED_STREAM`, which clients
/// retry.
pub const MAX_STREAMS_PER_CONNECTION: u32 = 200;

/// The listen queue asked for; the kernel caps it at `net.core.somaxconn` (4,096 by default on
/// Linux since 5.4; raise that sysctl for larger storms).
pub const LISTEN_BACKLOG: u32 = 65_535;

/// A listening socket on `address` with a [`LISTEN_BACKLOG`]-deep queue (`SO_REUSEADDR`, as
/// tokio's own `bind` sets, so a restart does not wait for old connections in `TIME_WAIT`).
pub fn listen(address: std::net::SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Raises this process's soft limit on open files to its hard limit (a receiver holding tens of
/// thousands of event streams needs one descriptor each) and returns the soft limit now in force.
pub fn raise_open_files_limit() -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    limit.rlim_cur
}

/// The connection limit in force: the configured one, else what the descriptors allow.
pub fn max_connections(limits: &ConnectionLimits) -> usize {
    let descriptors = raise_open_files_limit();
    limits.max_connections.unwrap_or_else(|| descriptors.saturating_sub(RESERVED_DESCRIPTORS).max(64) as usize)
}

/// Serves `app` on `listener` until `stop` turns true, then shuts down gracefully within
/// `limits.shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let max = max_connections(&limits);
    let permits = Arc::new(Semaphore::new(max));
    let (force, forced) = watch::channel(false);
    let mut h1 = http1::Builder::new();
    h1.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let mut h2 = http2::Builder::new(TokioExecutor::new());
    h2.timer(TokioTimer::new()).max_concurrent_streams(MAX_STREAMS_PER_CONNECTION);
    let http = Arc::new((h1, h2));
    tracing::debug!(max_connections = max, "accepting connections");
    loop {
        let permit = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            permit = permits.clone().acquire_owned() => permit?,
        };
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            accepted = listener.accept() => accepted,
        };
        let (socket, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors or a connection reset before it was accepted: wait a little
                // instead of spinning, keep serving the others.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let service = app.clone().map_request(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let (http, stop, forced) = (http.clone(), stop.clone(), forced.clone());
        let (first_byte, idle) = (limits.header_timeout.min(limits.idle_timeout), limits.idle_timeout);
        tokio::spawn(async move {
            let _permit = permit;
            // Silent for `first_byte` (no protocol's own timer runs before its first bytes), or gone.
            let Ok(Ok(h2)) = tokio::time::timeout(first_byte, speaks_http2(&socket)).await else { return };
            let service = TowerToHyperService::new(service);
            let activity = Activity { started: Instant::now(), last: Arc::default() };
            let io = TokioIo::new(Watched { inner: socket, activity: activity.clone() });
            if h2 {
                // Boxed: an HTTP/2 connection's state is several kilobytes, which every HTTP/1.1
                // connection's task would otherwise reserve too.
                Box::pin(drive(http.1.serve_connection(io, service), activity, idle, stop, forced)).await;
            } else {
                drive(http.0.serve_connection(io, service), activity, idle, stop, forced).await;
            }
        });
    }
    drop(listener);
    // Wait for the connections to finish (each holds a permit), then close what is left.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, permits.acquire_many(all)).await.is_err() {
        tracing::warn!(
            open = max - permits.available_permits(),
            "shutdown: connections still open after {:?}; closing them",
            limits.shutdown_grace
        );
        let _ = force.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(1), permits.acquire_many(all)).await;
    }
    Ok(())
}

/// HTTP/2's connection preface; its first three bytes are no HTTP/1.1 method.
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Whether the client opens with HTTP/2's preface: peeks at its first bytes without taking them.
/// Waits for its first byte (the caller bounds that), false when it closes before.
async fn speaks_http2(socket: &TcpStream) -> io::Result<bool> {
    let mut start = [0u8; 3];
    loop {
        let n = socket.peek(&mut start).await?;
        if n == 0 || start[..n] != HTTP2_PREFACE[..n] {
            return Ok(false);
        }
        if n == start.len() {
            return Ok(true);
        }
        // "P" or "PR" so far: "POST", "PUT" or "PATCH" is as likely; wait for the next bytes.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Drives one connection until it ends, is idle for `idle`, or the shutdown closes it.
async fn drive<C: GracefulConnection>(
    connection: C,
    activity: Activity,
    idle: Duration,
    mut stop: watch::Receiver<bool>,
    mut forced: watch::Receiver<bool>,
) {
    let Activity { started, last: activity } = activity;
    tokio::pin!(connection);
    let mut stopping = false;
    loop {
        let last = Duration::from_millis(activity.load(Ordering::Relaxed));
        let idle_deadline = tokio::time::Instant::from_std(started + last + idle);
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = stop.wait_for(|s| *s), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            _ = forced.wait_for(|f| *f) => return,
            _ = tokio::time::sleep_until(idle_deadline) => {
                let now = Duration::from_millis(activity.load(Ordering::Relaxed));
                if now == last {
                    tracing::debug!("closing a connection idle for {idle:?}");
                    return;
                }
            }
        }
    }
}

/// When a byte last moved either way on a connection: milliseconds since `started`.
#[derive(Clone)]
struct Activity {
    started: Instant,
    last: Arc<AtomicU64>,
}

/// A socket that records its [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Activity,
}

impl Watched {
    fn touch(&self) {
        self.activity.last.store(self.activity.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
