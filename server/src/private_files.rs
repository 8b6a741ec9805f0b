//! Files that hold personal data or secrets are the receiver owner's alone: the data folder (admin
//! token, mail folder, the SQLite database by default) is created with mode 0700 and tightened to
//! it at start, and the SQLite database with its `-wal` and `-shm` files is kept at 0600 (SQLite
//! gives the files it creates the database file's mode, so creating that one right is enough for
//! new files; existing ones are tightened). Other systems than Unix keep their own permissions.

use anyhow::Context;
use std::path::Path;

/// Creates `dir` (and its parents) if missing; `dir` itself gets mode 0700. An existing `dir` is
/// tightened to 0700 when others could read it.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    restrict(dir, 0o700)
}

/// Tightens an existing data folder to 0700, unless it is the working directory, `/` or a shared
/// sticky folder such as `/tmp` (a database file given as `sqlite://x.db` or `sqlite:///tmp/x.db`
/// puts the data folder there, and those are not the receiver's to close: closing /tmp breaks
/// every other program of the machine). A missing folder is left to be created, 0700, when
/// something is first written there.
pub fn tighten_data_dir(dir: &Path) -> anyhow::Result<()> {
    let Ok(resolved) = dir.canonicalize() else { return Ok(()) };
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    if resolved.parent().is_none() || cwd.as_deref() == Some(resolved.as_path()) || is_shared_sticky(&resolved) {
        return Ok(());
    }
    restrict(&resolved, 0o700)
}

/// A folder with the sticky bit (`/tmp`, `/var/tmp`): shared by every user of the machine.
#[cfg(unix)]
fn is_shared_sticky(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o1000 != 0)
}

#[cfg(not(unix))]
fn is_shared_sticky(_dir: &Path) -> bool {
    false
}

/// Makes sure the SQLite database at `path` and its companion files exist with mode 0600 (the
/// database file is created empty when missing, which SQLite accepts as a new database).
pub fn private_database_file(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(_) => {}
            // Another process created it meanwhile: tightened below.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("cannot create the database file {}", path.display())),
        }
    }
    restrict(path, 0o600)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        let companion = Path::new(&companion);
        if companion.exists() {
            restrict(companion, 0o600)?;
        }
    }
    Ok(())
}

/// Removes the group and other permission bits beyond `mode` (never adds any).
#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let current = metadata.permissions().mode() & 0o7777;
    if current & !mode != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode)).with_context(|| {
            format!("cannot restrict {} to mode {mode:o}; make it the receiver user's own", path.display())
        })?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_folder_is_0700_and_an_open_one_is_tightened() {
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("a/b/data");
        private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        let open = root.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o775)).unwrap();
        tighten_data_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        tighten_data_dir(&root.path().join("missing")).unwrap();
        assert!(!root.path().join("missing").exists(), "a missing folder is not created");
    }

    #[test]
    fn a_shared_sticky_folder_such_as_tmp_is_left_open() {
        let root = tempfile::tempdir().unwrap();
        let shared = root.path().join("shared-tmp");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        tighten_data_dir(&shared).unwrap();
        assert_eq!(std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777, 0o1777);
    }

    #[test]
    fn the_database_and_its_companions_are_0600() {
        let root = tempfile::tempdir().unwrap();
        let db = root.path().join("u.db");
        private_database_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let wal = root.path().join("u.db-wal");
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o664)).unwrap();
        private_database_file(&db).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
    }
}
