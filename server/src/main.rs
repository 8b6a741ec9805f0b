//! `undersigned-server`: the reference receiver. See the crate docs in `lib.rs`.

use clap::Parser;
use undersigned_server::{cli, priority};

/// jemalloc instead of glibc's malloc. Its size classes keep a connection's long-lived buffers
/// (hyper's two 8 KB buffers per HTTP/1.1 connection) apart from the short-lived allocations of
/// the requests around them, and leave the untouched pages of those buffers unbacked. Measured in
/// the storms bench, 19,000 event streams opening at once on a fresh receiver: 10.9-11.5 KB of
/// resident memory per stream against 15.7-16.9 KB with glibc (the goal is 16 KB); 10.5 against
/// 14.2 KB when they open 500 at a time. (mimalloc, tried in session 8, took 21.8 KB.)
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    undersigned_server::telemetry::init();
    let cli = cli::Cli::parse();
    // Before any other thread exists: the signature writer, started from this thread, inherits
    // the raised priority; the runtime's threads go back to the process's (see `priority`).
    priority::raise_main_thread();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The signature writer answers from a thread of its own, so each answer wakes its request
        // from outside the runtime: into the global queue, which a busy thread otherwise checks
        // about every 61 tasks (self-tuned). Every other task, the signatures waiting there are
        // not held up by a flood of reads. Measured with the storms bench, three runs each way:
        // signatures alone 12,700–13,800/s against 11,300–12,200/s, during a read flood
        // 9,200–9,400/s against 7,500–8,800/s.
        .global_queue_interval(2)
        .on_thread_start(priority::request_thread)
        .build()?
        .block_on(cli::run(cli))
}
