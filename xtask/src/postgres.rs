//! A throwaway PostgreSQL for the receiver's tests: Debian's server binaries (installed with apt
//! when missing), a cluster in a temporary folder, listening on 127.0.0.1 on a free port with
//! `trust` authentication, stopped and deleted when the guard is dropped.
//!
//! `initdb` refuses to run as root, so as root the cluster belongs to an unprivileged user
//! (`postgres` when Debian's package created it, else `nobody`) and every server command runs
//! through `runuser`.

use crate::exec::{self, output};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable through which the receiver's tests get a server URL.
pub const TEST_URL_ENV: &str = "UNDERSIGNED_TEST_POSTGRES_URL";

/// Cluster folders are `<temp>/undersigned-pg-<pid of the xtask>-<n>`.
const DIR_PREFIX: &str = "undersigned-pg-";

/// Stops and deletes the clusters of earlier runs whose xtask no longer exists (killed before it
/// could stop its server), so that an interrupted run does not leave a PostgreSQL behind for good.
fn stop_orphans(bin: &Path, user: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for dir in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let Some(owner) = dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if owner.parse::<u32>().is_err() || Path::new("/proc").join(owner).exists() {
            continue;
        }
        let orphan = ThrowawayPostgres {
            bin: bin.to_path_buf(),
            dir: dir.clone(),
            user: user.map(str::to_string),
            url: String::new(),
        };
        eprintln!("xtask: stopping the throwaway PostgreSQL of an interrupted run in {}", dir.display());
        drop(orphan);
    }
}

/// A running throwaway server; stops it and deletes its folder on drop.
pub struct ThrowawayPostgres {
    bin: PathBuf,
    dir: PathBuf,
    user: Option<String>,
    pub url: String,
}

/// The folder with `initdb`, `pg_ctl` and `postgres`: Debian's newest versioned one, or PATH.
fn find_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    versions.pop().or_else(|| {
        let initdb = output(Command::new("which").arg("initdb"))?;
        Path::new(initdb.trim()).parent().map(Path::to_path_buf)
    })
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl ThrowawayPostgres {
    /// Installs Debian's `postgresql` when no server binaries are found, then starts a cluster.
    pub fn start() -> anyhow::Result<ThrowawayPostgres> {
        let bin = match find_bin_dir() {
            Some(bin) => bin,
            None => {
                eprintln!("xtask: no PostgreSQL server binaries found; installing Debian's `postgresql`");
                crate::tools::apt_install(&["postgresql"])?;
                find_bin_dir().context("installed `postgresql` but found no initdb under /usr/lib/postgresql/*/bin")?
            }
        };
        let root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
        let user = if !root {
            None
        } else if output(Command::new("id").arg("postgres")).is_some() {
            Some("postgres".to_string())
        } else {
            Some("nobody".to_string())
        };
        let server_bin = bin.clone();
        stop_orphans(&server_bin, user.as_deref());
        let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}-{}", std::process::id(), free_port()?));
        std::fs::create_dir_all(&dir)?;
        if let Some(user) = &user {
            exec::run(Command::new("chown").arg(user).arg(&dir))?;
        }
        let port = free_port()?;
        let server =
            ThrowawayPostgres { bin, dir, user, url: format!("postgres://postgres@127.0.0.1:{port}/postgres") };
        let data = server.dir.join("data");
        let mut initdb = server.command("initdb");
        initdb.args(["--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync", "-D"]).arg(&data);
        exec::run(initdb.stdout(std::process::Stdio::null())).context("initdb failed")?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=300",
            server.dir.display()
        );
        let mut pg_ctl = server.command("pg_ctl");
        pg_ctl
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&data)
            .args(["-l"])
            .arg(server.dir.join("server.log"))
            .args(["-o", &options]);
        if let Err(e) = exec::run(pg_ctl.stdout(std::process::Stdio::null())) {
            let log = std::fs::read_to_string(server.dir.join("server.log")).unwrap_or_default();
            bail!("{e:#}\n{log}");
        }
        eprintln!("xtask: throwaway PostgreSQL at {}", server.url);
        Ok(server)
    }

    /// `program` from the server binaries, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.user {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(path);
                cmd
            }
            None => Command::new(path),
        }
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        let mut stop = self.command("pg_ctl");
        stop.args(["stop", "-m", "fast", "-w", "-D"]).arg(self.dir.join("data")).stdout(std::process::Stdio::null());
        if let Err(e) = exec::run(&mut stop) {
            eprintln!("xtask: stopping the throwaway PostgreSQL failed: {e:#}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
