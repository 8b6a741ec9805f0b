//! Backups of a SQLite database while the receiver runs, restoring one, and the lock file that
//! tells the two apart.
//!
//! - `admin backup FILE` runs `VACUUM INTO` on its own connection: SQLite writes a consistent
//!   snapshot of the database as of the start of that read transaction (WAL readers never block
//!   the writer, so signatures keep arriving meanwhile). The copy is written under a temporary
//!   name, synced, checked (`integrity_check`), then renamed, so FILE is either a whole backup or
//!   absent.
//! - `admin restore FILE` puts a backup in place of the database. A running receiver holds a
//!   shared lock on `<database>.lock` (several receivers may share one file); restore takes it
//!   exclusively and refuses when it cannot. The database it replaces is kept beside it as
//!   `<database>.before-restore-<time>`, never deleted.
//!
//! PostgreSQL is backed up with its own tools (`pg_dump`/`pg_restore`, docs/operations.md).

use anyhow::{bail, Context};
use sqlx::{ConnectOptions, Connection};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The SQLite file of a `sqlite://` URL; None for PostgreSQL.
pub fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// An advisory lock (`flock`) on `<database>.lock`, released when dropped (or when the process
/// ends, however it ends: the kernel drops it with the file descriptor).
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

impl DatabaseLock {
    /// The receiver's lock: shared, so that several receivers (and backups) may use one file, while
    /// a restore cannot. None for PostgreSQL.
    pub fn for_receiver(database_url: &str) -> anyhow::Result<Option<DatabaseLock>> {
        // An in-memory database has no file to restore over.
        let Some(database) = sqlite_path(database_url).filter(|p| p.as_os_str() != ":memory:") else {
            return Ok(None);
        };
        match DatabaseLock::take(&database, false)? {
            Some(lock) => Ok(Some(lock)),
            None => bail!(
                "{} is being restored (another process holds {} exclusively): start the receiver when the restore is done",
                database.display(),
                lock_path(&database).display()
            ),
        }
    }

    /// Takes the lock without waiting; None when another process holds it in a conflicting way.
    fn take(database: &Path, exclusive: bool) -> anyhow::Result<Option<DatabaseLock>> {
        let path = lock_path(database);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        // Read-only is enough for flock, and works whoever created the file (a restore run as root,
        // the service's own user).
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .with_context(|| format!("cannot create the lock file {}", path.display()))?,
            Err(e) => return Err(e).with_context(|| format!("cannot open the lock file {}", path.display())),
        };
        if flock(&file, exclusive)? {
            Ok(Some(DatabaseLock { _file: file }))
        } else {
            Ok(None)
        }
    }
}

/// `flock(LOCK_SH or LOCK_EX | LOCK_NB)`: true when taken, false when another holder conflicts.
#[cfg(unix)]
fn flock(file: &File, exclusive: bool) -> anyhow::Result<bool> {
    use std::os::fd::AsRawFd;
    let operation = if exclusive { libc::LOCK_EX } else { libc::LOCK_SH } | libc::LOCK_NB;
    // SAFETY: flock only reads the descriptor, which `file` keeps open for the whole call.
    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
        return Ok(true);
    }
    let error = std::io::Error::last_os_error();
    if error.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(error).context("cannot lock the database's lock file")
    }
}

#[cfg(not(unix))]
fn flock(_file: &File, _exclusive: bool) -> anyhow::Result<bool> {
    Ok(true)
}

/// One connection to a SQLite file, without the receiver's migrations.
async fn open(path: &Path, create: bool) -> anyhow::Result<sqlx::SqliteConnection> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(create)
        .busy_timeout(std::time::Duration::from_secs(30));
    options.connect().await.with_context(|| format!("cannot open the SQLite database {}", path.display()))
}

/// What a backup or restore checked in the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    pub signers: i64,
    pub campaigns: i64,
    pub bytes: u64,
}

/// Checks that `path` is a whole receiver database and counts what it holds.
async fn check_copy(path: &Path) -> anyhow::Result<CopySummary> {
    let mut conn = open(path, false).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    if integrity != "ok" {
        bail!("{} is damaged: integrity_check says {integrity}", path.display());
    }
    let signers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signers")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not an undersigned-server database (no signers table)", path.display()))?;
    let campaigns: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns").fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(CopySummary { signers, campaigns, bytes: std::fs::metadata(path)?.len() })
}

fn sync_file_and_folder(path: &Path) -> anyhow::Result<()> {
    File::open(path)?.sync_all()?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        File::open(parent)?.sync_all()?;
    }
    Ok(())
}

/// Gives `copy` the owner and permissions of `original`, so that a restore run as root leaves a
/// file the service's own user can still write.
fn same_owner_and_mode(original: &Path, copy: &Path) -> anyhow::Result<()> {
    let metadata = std::fs::metadata(original)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let current = std::fs::metadata(copy)?;
        if (current.uid(), current.gid()) != (metadata.uid(), metadata.gid()) {
            std::os::unix::fs::chown(copy, Some(metadata.uid()), Some(metadata.gid())).with_context(|| {
                format!(
                    "cannot give the restored file the owner of {} (uid {}): run the restore as that user or as root",
                    original.display(),
                    metadata.uid()
                )
            })?;
        }
    }
    std::fs::set_permissions(copy, metadata.permissions())?;
    Ok(())
}

/// `admin backup FILE`: a consistent copy of the live database at `destination` (which must not
/// exist yet).
pub async fn backup(database_url: &str, destination: &Path) -> anyhow::Result<CopySummary> {
    let Some(database) = sqlite_path(database_url) else {
        bail!("`admin backup` copies SQLite databases; for PostgreSQL use pg_dump (docs/operations.md, \"Backups\")");
    };
    if !database.exists() {
        bail!("there is no database at {} (check --database-url)", database.display());
    }
    if destination.exists() {
        bail!("{} already exists: choose a new file name for the backup", destination.display());
    }
    let mut partial = destination.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let mut conn = open(&database, false).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .with_context(|| format!("the backup into {} failed", partial.display()))?;
    conn.close().await?;
    let summary = check_copy(&partial).await?;
    sync_file_and_folder(&partial)?;
    std::fs::rename(&partial, destination)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), destination.display()))?;
    sync_file_and_folder(destination)?;
    Ok(summary)
}

/// `admin restore FILE`: replaces the database with the backup `source`, when no receiver runs on
/// it. Returns what the restored database holds and where the replaced one was kept.
pub async fn restore(database_url: &str, source: &Path) -> anyhow::Result<(CopySummary, Option<PathBuf>)> {
    let Some(database) = sqlite_path(database_url) else {
        bail!("`admin restore` restores SQLite databases; for PostgreSQL use pg_restore (docs/operations.md, \"Backups\")");
    };
    check_copy(source).await.with_context(|| format!("{} cannot be restored", source.display()))?;
    let Some(_lock) = DatabaseLock::take(&database, true)? else {
        bail!(
            "a receiver is running on {} (it holds {}): stop it first (e.g. `systemctl stop undersigned`), then restore",
            database.display(),
            lock_path(&database).display()
        );
    };
    let mut staged = database.as_os_str().to_owned();
    staged.push(".restoring");
    let staged = PathBuf::from(staged);
    std::fs::copy(source, &staged)
        .with_context(|| format!("cannot copy {} to {}", source.display(), staged.display()))?;
    if database.exists() {
        same_owner_and_mode(&database, &staged)?;
    }
    sync_file_and_folder(&staged)?;
    let kept = if database.exists() {
        // Fold the write-ahead log into the file first, so that the kept database is whole on its own.
        let mut conn = open(&database, false).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await?;
        conn.close().await?;
        let mut kept = database.as_os_str().to_owned();
        kept.push(format!(".before-restore-{}", crate::clock::now().replace(':', "-")));
        let kept = PathBuf::from(kept);
        std::fs::rename(&database, &kept)
            .with_context(|| format!("cannot move {} aside to {}", database.display(), kept.display()))?;
        Some(kept)
    } else {
        None
    };
    for suffix in ["-wal", "-shm"] {
        let mut side = database.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&staged, &database)
        .with_context(|| format!("cannot rename {} to {}", staged.display(), database.display()))?;
    sync_file_and_folder(&database)?;
    Ok((check_copy(&database).await?, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/u.db?mode=rwc"), Some(PathBuf::from("data/u.db")));
        assert_eq!(sqlite_path("sqlite:/var/lib/u.db"), Some(PathBuf::from("/var/lib/u.db")));
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn a_shared_lock_keeps_out_an_exclusive_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("u.db");
        let url = format!("sqlite://{}", db.display());
        let first = DatabaseLock::for_receiver(&url).unwrap();
        assert!(DatabaseLock::for_receiver(&url).unwrap().is_some(), "receivers share the file");
        assert!(DatabaseLock::take(&db, true).unwrap().is_none(), "a restore must wait");
        drop(first);
        let restoring = DatabaseLock::take(&db, true).unwrap();
        assert!(restoring.is_some());
        assert!(DatabaseLock::for_receiver(&url).is_err(), "no receiver starts during a restore");
    }
}
