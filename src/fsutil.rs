//! Crash-safe file writing: every file the tool writes goes to a temporary file in the same
//! directory first and is then renamed into place, so a reader never sees half a file.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Whether an existing file at the destination may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Allow,
    Refuse,
}

/// Writes `bytes` to `path` atomically, creating parent directories. With `Overwrite::Refuse`
/// an existing file is left untouched and an error is returned.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<()> {
    write_atomic_with_mode(path, bytes, overwrite, None)
}

/// Like [`write_atomic`], with Unix permission bits set on the temporary file before it is
/// renamed into place (so a private key is never readable by others, even for a moment).
pub fn write_atomic_with_mode(
    path: &Path,
    bytes: &[u8],
    overwrite: Overwrite,
    mode: Option<u32>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".datapact-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    // The temporary file is created readable only by its owner. Give the result the mode
    // asked for; else keep a replaced file's mode; else the usual 0644 for a new file, so a
    // workspace or a published site stays readable by the people and servers meant to read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = mode.unwrap_or_else(|| {
            std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777)
        });
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("set permissions on", tmp.path(), e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes)
        .map_err(|e| Error::io("write", path, e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io("write", path, e))?;
    match overwrite {
        Overwrite::Allow => tmp
            .persist(path)
            .map(|_| ())
            .map_err(|e| Error::io("write", path, e.error)),
        Overwrite::Refuse => tmp
            .persist_noclobber(path)
            .map(|_| ())
            .map_err(|e| Error::io("create", path, e.error)),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_are_0644_replaced_files_keep_their_mode_and_keys_stay_private() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("a.toml");
        write_atomic(&plain, b"a = 1\n", Overwrite::Refuse).unwrap();
        assert_eq!(mode(&plain), 0o644);
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&plain, b"a = 2\n", Overwrite::Allow).unwrap();
        assert_eq!(mode(&plain), 0o640);
        let key = dir.path().join("key");
        write_atomic_with_mode(&key, b"secret", Overwrite::Refuse, Some(0o600)).unwrap();
        assert_eq!(mode(&key), 0o600);
        assert!(write_atomic(&plain, b"x", Overwrite::Refuse).is_err());
        assert_eq!(std::fs::read(&plain).unwrap(), b"a = 2\n");
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    // A plain write (`std::fs::write`, truncate and write in place) fails each of the tests
    // below; only a new file renamed into place passes them.

    #[test]
    fn a_replaced_file_is_a_new_file_so_a_hard_link_keeps_the_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f.toml");
        let g = dir.path().join("g.toml");
        std::fs::write(&f, b"old = true\n").unwrap();
        std::fs::hard_link(&f, &g).unwrap();
        write_atomic(&f, b"new = true\n", Overwrite::Allow).unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"new = true\n");
        // Written in place, the shared inode would have changed under both names.
        assert_eq!(std::fs::read(&g).unwrap(), b"old = true\n");
    }

    #[test]
    fn a_reader_of_the_old_file_reads_it_whole_after_the_write() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f.toml");
        let old = "old = 1\n".repeat(64);
        std::fs::write(&f, &old).unwrap();
        let mut reader = std::fs::File::open(&f).unwrap();
        let mut head = [0u8; 8];
        reader.read_exact(&mut head).unwrap();
        write_atomic(&f, b"new = 2\n", Overwrite::Allow).unwrap();
        // In place, the reader would see the truncated file: a short tail, or the new bytes.
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        let seen = [&head[..], &rest].concat();
        assert!(
            seen == old.as_bytes(),
            "the reader saw {} bytes, not the old file's {}: {:?}",
            seen.len(),
            old.len(),
            String::from_utf8_lossy(&seen)
        );
        assert_eq!(std::fs::read(&f).unwrap(), b"new = 2\n");
    }

    #[test]
    fn a_mode_asked_for_applies_to_a_replaced_file_too() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, b"old").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic_with_mode(&key, b"secret", Overwrite::Allow, Some(0o600)).unwrap();
        // Written in place, the file would keep its old, readable mode.
        assert_eq!(mode(&key), 0o600);
        assert_eq!(std::fs::read(&key).unwrap(), b"secret");
    }

    #[test]
    fn no_temporary_file_is_left_behind_after_a_write_or_a_failed_one() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f.toml");
        write_atomic(&f, b"a = 1\n", Overwrite::Refuse).unwrap();
        write_atomic(&f, b"a = 2\n", Overwrite::Allow).unwrap();
        assert!(write_atomic(&f, b"a = 3\n", Overwrite::Refuse).is_err());
        // A directory cannot be replaced by a file: the rename fails.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(write_atomic(&sub, b"x", Overwrite::Allow).is_err());
        assert!(write_atomic(&sub, b"x", Overwrite::Refuse).is_err());
        assert_eq!(names(dir.path()), ["f.toml", "sub"]);
        assert!(names(&sub).is_empty());
        assert_eq!(std::fs::read(&f).unwrap(), b"a = 2\n");
        // Parent directories are created.
        let deep = dir.path().join("x/y/z.toml");
        write_atomic(&deep, b"z = 1\n", Overwrite::Refuse).unwrap();
        assert_eq!(names(&dir.path().join("x/y")), ["z.toml"]);
    }
}
