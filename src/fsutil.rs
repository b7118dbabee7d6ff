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
}
