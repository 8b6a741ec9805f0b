//! Signatures first, when the CPUs are short.
//!
//! Under a flood of reads (tens of thousands of widgets polling the status feed, a reconnect
//! storm) every thread wants the CPUs, and the kernel shares them by priority. SQLite's signature
//! writer ([`crate::writer`]) is one thread and one database connection: every signature passes
//! through them, one batch after another, so a flood that takes their CPU time slows every
//! signature. They therefore run [`WRITER_BOOST`] nice steps above the process's priority; the
//! runtime's threads, which serve requests (reads and signatures alike), stay at the process's
//! priority. A flood of reads then slows the reads, and the signatures keep their pace. (On
//! PostgreSQL the writers are tasks on the runtime and the database does the work: nothing is
//! raised there.)
//!
//! How: `main` raises its own thread before anything else ([`raise_main_thread`]); threads
//! inherit their creator's priority, so the writer's thread and the database connections opened
//! at start (the writer's among them) run raised too, and each runtime thread lowers itself back
//! as it starts ([`request_thread`]). The signature writer must therefore be started from the main
//! thread (it is, in [`crate::app::start`]), never from a task.
//!
//! Raising a priority needs permission: `CAP_SYS_NICE`, or a nice limit (`RLIMIT_NICE`) such as
//! the shipped systemd unit's `LimitNICE=-10`. Without it a SQLite receiver says so once at start and
//! runs every thread at the process's priority, as before. Linux only (there `setpriority` with a
//! thread id changes that thread alone; elsewhere it would change the whole process).

/// How many nice steps the signature writer's threads run above the process's priority.
pub const WRITER_BOOST: i32 = 10;

/// The process's priority, as the main thread found it, for [`request_thread`].
static BASE: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
/// Whether [`raise_main_thread`] was called, and whether it could raise.
static RAISED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Raises the calling thread (main, before the runtime exists) by [`WRITER_BOOST`] when allowed.
pub fn raise_main_thread() {
    let raised = thread_priority().is_some_and(|base| {
        let _ = BASE.set(base);
        set_thread_priority((base - WRITER_BOOST).max(-20))
    });
    let _ = RAISED.set(raised);
}

/// Says once, for a SQLite receiver whose `main` could not raise the writer, what to allow.
pub fn advise_if_not_raised() {
    if RAISED.get() == Some(&false) {
        tracing::info!(
            "the signature writer runs at the receiver's own priority, so a flood of reads can slow signatures: \
             allow it a higher one with CAP_SYS_NICE or a nice limit (systemd: LimitNICE=-{WRITER_BOOST})"
        );
    }
}

/// Puts the calling thread (a runtime thread as it starts) back at the process's priority.
pub fn request_thread() {
    if let Some(&base) = BASE.get() {
        set_thread_priority(base);
    }
}

/// The calling thread's nice value.
#[cfg(target_os = "linux")]
pub fn thread_priority() -> Option<i32> {
    // SAFETY: gettid has no preconditions; getpriority only reads the priority of the thread
    // named by its id, and errno is this thread's own.
    unsafe {
        // getpriority may return -1 as a valid value: errno tells an error apart.
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t);
        (nice != -1 || *libc::__errno_location() == 0).then_some(nice)
    }
}

/// Sets the calling thread's nice value; whether it could (a raise needs permission).
#[cfg(target_os = "linux")]
pub fn set_thread_priority(nice: i32) -> bool {
    // SAFETY: setpriority only changes the priority of the thread named by its id (this one).
    unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nice) == 0 }
}

#[cfg(not(target_os = "linux"))]
pub fn thread_priority() -> Option<i32> {
    None
}

#[cfg(not(target_os = "linux"))]
pub fn set_thread_priority(_nice: i32) -> bool {
    false
}
