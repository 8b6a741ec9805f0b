//! Group commit for signatures. Handlers hand their validated signature to a writer task and wait;
//! the writer takes everything that is waiting (up to [`MAX_BATCH`]), stores it in one
//! transaction, and answers each handler only after the commit. Under load one fsync then covers
//! many signatures; alone, a signature is committed at once (no waiting for a batch to fill).
//!
//! SQLite has one writer (it allows no more), on a thread of its own; PostgreSQL gets several, each
//! its own transactions.

use crate::domain::{SignatureWrite, StorageFailure, WriteOutcome};
use crate::store::{Backend, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::oneshot;

pub const MAX_BATCH: usize = 256;

struct Job {
    write: SignatureWrite,
    reply: oneshot::Sender<Result<WriteOutcome, String>>,
}

/// The handlers' side of the writer tasks.
#[derive(Clone)]
pub struct SignatureWriter {
    jobs: async_channel::Sender<Job>,
    in_flight: InFlight,
}

/// How many signatures are being written: handed to a writer and not yet answered. While there
/// are any, public reads give way to them ([`crate::http::give_way`]).
#[derive(Clone, Debug, Default)]
pub struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    pub fn any(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 0
    }

    /// Counts one signature until the guard drops: answered, failed, or its request abandoned.
    pub fn enter(&self) -> InFlightGuard<'_> {
        self.0.fetch_add(1, Ordering::Relaxed);
        InFlightGuard(&self.0)
    }
}

/// One signature counted in [`InFlight`].
pub struct InFlightGuard<'a>(&'a AtomicUsize);

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl SignatureWriter {
    /// Starts the writer tasks; they stop when every `SignatureWriter` clone is dropped, after
    /// finishing what was queued.
    ///
    /// SQLite's one writer runs on a thread of its own (with a single-threaded runtime), never
    /// queued behind the request tasks: a batch is several statements, each a round trip to the
    /// connection's thread, and on the shared runtime every return found the writer task behind
    /// dozens of requests (each wake from a thread outside the runtime goes to the back of the
    /// queue). PostgreSQL's writers stay on the shared runtime, where their connections' sockets
    /// are registered. Start it from the main thread: its thread inherits the raised priority of
    /// [`crate::priority`] from there.
    pub fn start(store: Store) -> anyhow::Result<SignatureWriter> {
        let (jobs, queue) = async_channel::bounded::<Job>(MAX_BATCH * 8);
        match store.backend() {
            Backend::Sqlite => {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                std::thread::Builder::new()
                    .name("signature-writer".to_owned())
                    .spawn(move || runtime.block_on(run(store, queue)))?;
            }
            Backend::Postgres => {
                for _ in 0..4 {
                    tokio::spawn(run(store.clone(), queue.clone()));
                }
            }
        }
        Ok(SignatureWriter { jobs, in_flight: InFlight::default() })
    }

    /// The signatures being written now.
    pub fn in_flight(&self) -> &InFlight {
        &self.in_flight
    }

    /// Stores one signature; resolves after its transaction committed (or failed).
    pub async fn write(&self, write: SignatureWrite) -> anyhow::Result<WriteOutcome> {
        let _counted = self.in_flight.enter();
        let (reply, answer) = oneshot::channel();
        let stopped = |_| StorageFailure("the signature writer has stopped".to_owned());
        self.jobs.send(Job { write, reply }).await.map_err(stopped)?;
        let stopped = |_| StorageFailure("the signature writer stopped before answering".to_owned());
        Ok(answer.await.map_err(stopped)?.map_err(StorageFailure)?)
    }
}

async fn run(store: Store, queue: async_channel::Receiver<Job>) {
    while let Ok(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // The writes go to the store by reference, the replies wait here: nothing is cloned.
        let (writes, replies): (Vec<SignatureWrite>, Vec<_>) = batch.into_iter().map(|j| (j.write, j.reply)).unzip();
        match store.write_signers(&writes).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                if message.contains("disk is full") || message.contains("No space left") {
                    // SQLITE_FULL: the operator must act; visitors get a retryable 503 and their
                    // widgets resend (same idempotency key) once there is room again.
                    tracing::error!(error = %message, signatures = writes.len(), "the disk holding the database is full: free space on it; signatures are refused (503, retryable) until then, and none of this batch was acknowledged");
                } else {
                    tracing::error!(error = %message, signatures = writes.len(), "a signature batch failed to commit; nothing was acknowledged");
                }
                for reply in replies {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}
