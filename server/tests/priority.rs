//! Signatures first (src/priority.rs): the receiver as deployed runs its signature writer's thread
//! and the writer's database connection above the threads that serve requests when it may raise a
//! priority, and says what to allow when it may not.
#![cfg(target_os = "linux")]

use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};
use undersigned_server::priority;

/// (thread name, nice value) of every thread of process `pid`.
fn threads(pid: u32) -> Vec<(String, i32)> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).expect("the receiver's threads").flatten() {
        let path = task.path();
        let (Ok(name), Ok(stat)) =
            (std::fs::read_to_string(path.join("comm")), std::fs::read_to_string(path.join("stat")))
        else {
            continue;
        };
        // Fields after the name's closing parenthesis start at field 3 (state); nice is field 19.
        let rest = &stat[stat.rfind(')').expect("a stat line") + 2..];
        let nice: i32 = rest.split(' ').nth(16).and_then(|n| n.parse().ok()).expect("a nice value");
        out.push((name.trim().to_string(), nice));
    }
    out
}

/// Whether this process may raise a thread's priority (CAP_SYS_NICE or RLIMIT_NICE), tried on a
/// thread of its own that ends right after.
fn may_raise(base: i32) -> bool {
    std::thread::spawn(move || priority::set_thread_priority(base - 1)).join().unwrap()
}

#[test]
fn the_signature_writer_runs_above_the_threads_that_serve_requests() {
    let base = priority::thread_priority().expect("this thread's nice value");
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address: SocketAddr = ([127, 0, 0, 1], port).into();
    let log = data.path().join("receiver.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned-server"))
        .args(["serve", "--listen", &address.to_string(), "--data-dir"])
        .arg(data.path())
        .arg("--database-url")
        .arg(format!("sqlite://{}", data.path().join("receiver.db").display()))
        .env("RUST_LOG", "info")
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .expect("the receiver starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "the receiver did not listen within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    let threads = threads(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let nice_of = |prefix: &str| -> Vec<i32> {
        threads.iter().filter(|(name, _)| name.starts_with(prefix)).map(|(_, nice)| *nice).collect()
    };
    let writer = nice_of("signature-write");
    let workers = nice_of("tokio-r");
    let connections = nice_of("sqlx-sqlite");
    assert_eq!(writer.len(), 1, "one signature writer thread: {threads:?}");
    assert!(!workers.is_empty() && !connections.is_empty(), "runtime and connection threads: {threads:?}");
    assert!(workers.iter().all(|&n| n == base), "the request threads run at the process's priority: {threads:?}");
    let log = std::fs::read_to_string(&log).unwrap();
    if may_raise(base) {
        let raised = base - priority::WRITER_BOOST;
        assert_eq!(writer[0], raised, "the signature writer runs raised: {threads:?}");
        assert!(connections.contains(&raised), "the writer's connection runs raised: {threads:?}");
        assert!(!log.contains("LimitNICE"), "no advice when the priority could be raised: {log}");
    } else {
        assert_eq!(writer[0], base, "{threads:?}");
        assert!(log.contains("LimitNICE=-10"), "the receiver says what to allow: {log}");
    }
}
