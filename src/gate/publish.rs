//! Publishing a folder whole (`render --all --out DIR`): the new site is built in a staging
//! folder beside `DIR` and then swapped in with one rename, so a reader (a web server, a person
//! with a browser) sees the old site or the new one, never a mix, and a killed run changes
//! nothing it was not done with.
//!
//! - The staging folder is `.<name>.datapact-stage-<random>` in `DIR`'s parent, next to a lock
//!   file `.<name>.datapact-stage-<random>.lock` that its run holds (`flock`) until it is done.
//!   A run that is killed leaves both; the next run into `DIR` finds lock files nobody holds
//!   and removes them with their folders (a run still at work holds its lock, so it is never
//!   disturbed), and says so.
//! - Publishing a new `DIR` is `rename(stage, DIR)`. Replacing one is an atomic exchange of the
//!   two folders (Linux `renameat2(RENAME_EXCHANGE)`); the old site then sits at the staging
//!   path and is removed. Where the exchange is not available, `DIR` is renamed aside first, so
//!   for a moment there is no site; a run killed in that moment leaves the old site aside,
//!   which the next run removes, and `DIR` is then simply rendered anew.
//! - Files are written into the staging folder without flushing each to disk; the folder is
//!   flushed once before it is published (Linux `syncfs`, else each file in turn), then its
//!   entries, so what is swapped in is on disk. On Linux a thread of the folder's own has the
//!   file system write out what was staged so far each time another [`FLUSH_EVERY`] bytes are
//!   staged, so the disk works while pages are still being rendered and the flush before
//!   publishing waits only for the last of them (`syncfs`, which writes whole runs of files
//!   at a time, not one `fsync` a file).
//! - Files in `DIR` that the tool did not write (the caller names them) are carried into the
//!   staging folder as hard links before the swap, so they stay in place; a folder among them
//!   is recreated with its files linked, and a symbolic link is recreated as a link.

use super::Kind;
use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const STAGE: &str = ".datapact-stage-";
const LOCK: &str = ".lock";

/// A folder being built beside its destination, published whole by [`Staged::publish`].
/// Dropped without publishing, it removes itself.
#[derive(Debug)]
pub struct Staged {
    /// Where the folder will be published (its real path: a link to a folder is resolved).
    dest: PathBuf,
    /// The staging folder.
    path: PathBuf,
    /// The lock file beside it, held open and locked while the run lasts.
    lock_path: PathBuf,
    _lock: File,
    published: bool,
    /// The thread that flushes what was staged so far, where there is one.
    flusher: Option<Flusher>,
}

/// How many bytes are staged between two flushes in the background: a few megabytes, so the
/// disk is kept busy while a large site is rendered, yet a small one is flushed once.
pub const FLUSH_EVERY: u64 = 8 << 20;

/// A thread that flushes the staging folder's file system whenever it is asked to, so that
/// what is written reaches the disk while the rest is rendered. It only starts writes that
/// the flush before publishing would make (and waits on them itself): dropped, or stopped, it
/// ends after the flush it is making.
#[derive(Debug)]
struct Flusher {
    /// Bytes staged since the last request.
    unflushed: AtomicU64,
    /// Asks the thread for a flush; full when one is already asked for (the flush it asks for
    /// covers the bytes staged since). Closing it stops the thread.
    ask: Option<std::sync::mpsc::SyncSender<()>>,
    /// Flushes made so far (read by the tests, which check a large site is flushed early).
    #[cfg_attr(not(test), allow(dead_code))]
    made: std::sync::Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Flusher {
    /// A flusher for the file system holding `dir` (none where it cannot be opened, or off
    /// Linux, where the flush before publishing is each file in turn).
    fn start(dir: &Path) -> Option<Flusher> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let folder = File::open(dir).ok()?;
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        let made = std::sync::Arc::new(AtomicU64::new(0));
        let counted = made.clone();
        let thread = std::thread::Builder::new()
            .name("datapact-flush".into())
            .spawn(move || {
                for () in asked {
                    // Best effort: the flush before publishing reports any failure.
                    let _ = flush_file_system(&folder);
                    counted.fetch_add(1, Ordering::Relaxed);
                }
            })
            .ok()?;
        Some(Flusher {
            unflushed: AtomicU64::new(0),
            ask: Some(ask),
            made,
            thread: Some(thread),
        })
    }

    /// Counts `n` bytes staged, asking for a flush when another [`FLUSH_EVERY`] have been.
    fn staged(&self, n: u64) {
        let before = self.unflushed.fetch_add(n, Ordering::Relaxed);
        if before + n >= FLUSH_EVERY {
            self.unflushed.store(0, Ordering::Relaxed);
            if let Some(ask) = &self.ask {
                let _ = ask.try_send(());
            }
        }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        drop(self.ask.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `dest` made absolute, with a link to a folder resolved to that folder, so the staging
/// folder is created on the same file system as the folder it replaces.
fn real_destination(dest: &Path) -> Result<PathBuf> {
    let abs = super::absolute(dest)?;
    match std::fs::canonicalize(&abs) {
        Ok(real) => Ok(real),
        // Not there yet: its parent must be (or be creatable); the name is kept.
        Err(_) => {
            let name = abs.file_name().ok_or_else(|| {
                Error::usage(format!("{} does not name a folder", dest.display()))
                    .with_hint("name the folder to render the site into, such as `site`")
            })?;
            let parent = abs.parent().unwrap_or(Path::new("/"));
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("create directory", parent, e))?;
            let parent = std::fs::canonicalize(parent).map_err(|e| Error::io("open", parent, e))?;
            Ok(parent.join(name))
        }
    }
}

/// The staging names of `dest`: `.<name>.datapact-stage-`.
fn stage_prefix(dest: &Path) -> String {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}{STAGE}")
}

/// Removes what killed runs into `dest` left beside it: staging folders whose lock nobody
/// holds, and their lock files. Returns the folders removed.
pub fn remove_leftovers(root: Option<&Path>, dest: &Path) -> Result<Vec<PathBuf>> {
    super::output::check(root, dest)?;
    let dest = real_destination(dest)?;
    let Some(parent) = dest.parent() else {
        return Ok(Vec::new());
    };
    let prefix = stage_prefix(&dest);
    let mut removed = Vec::new();
    for entry in super::list(parent)? {
        let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(id) = name
            .strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_suffix(LOCK))
        else {
            continue;
        };
        let Ok(lock) = File::open(&entry) else {
            continue;
        };
        // Held: a run is at work there. Free: its run is over (killed, or about to remove it).
        if !try_lock(&lock) {
            continue;
        }
        let folder = parent.join(format!("{prefix}{id}"));
        match std::fs::symlink_metadata(&folder) {
            Ok(m) if m.is_dir() => {
                std::fs::remove_dir_all(&folder)
                    .map_err(|e| Error::io("remove the leftover folder", &folder, e))?;
                removed.push(folder);
            }
            _ => {}
        }
        std::fs::remove_file(&entry).map_err(|e| Error::io("remove", &entry, e))?;
    }
    Ok(removed)
}

impl Staged {
    /// Starts a staging folder beside `dest`, a folder the user named for output (judged like
    /// any workspace file when it is inside the workspace `root`): first its lock file,
    /// locked, then the folder.
    pub fn beside(root: Option<&Path>, dest: &Path) -> Result<Staged> {
        super::output::check(root, dest)?;
        let dest = real_destination(dest)?;
        let parent = dest.parent().unwrap_or(Path::new("/")).to_path_buf();
        let prefix = stage_prefix(&dest);
        let lock = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(LOCK)
            .tempfile_in(&parent)
            .map_err(|e| Error::io("create a staging lock in", &parent, e))?;
        if !try_lock(lock.as_file()) {
            return Err(Error::io(
                "lock",
                lock.path(),
                std::io::Error::from(std::io::ErrorKind::WouldBlock),
            ));
        }
        let (file, lock_path) = lock
            .keep()
            .map_err(|e| Error::io("create a staging lock in", &parent, e.error))?;
        let stem = lock_path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(LOCK))
            .unwrap_or_default()
            .to_string();
        let path = parent.join(stem);
        std::fs::create_dir(&path).map_err(|e| Error::io("create the staging folder", &path, e))?;
        let flusher = Flusher::start(&path);
        Ok(Staged {
            dest,
            path,
            lock_path,
            _lock: file,
            published: false,
            flusher,
        })
    }

    /// The folder that will be published (a link named on the command line resolved).
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// Writes file `name` (a plain file name) into the staging folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        if name.contains('/') || name.contains('\\') || name == "." || name == ".." {
            return Err(Error::usage(format!("{name:?} is not a file name")));
        }
        let path = self.path.join(name);
        let mut file = File::create(&path).map_err(|e| Error::io("write", &path, e))?;
        std::io::Write::write_all(&mut file, bytes).map_err(|e| Error::io("write", &path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(|e| Error::io("set permissions on", &path, e))?;
        }
        // Not flushed to disk one by one: the flusher starts the disk on runs of files, and
        // [`Staged::publish`] flushes the folder once.
        if let Some(flusher) = &self.flusher {
            flusher.staged(bytes.len() as u64);
        }
        Ok(())
    }

    /// Carries the entries `names` of the current destination into the staging folder, as
    /// hard links (files), recreated folders and recreated symbolic links, so they survive
    /// the swap unchanged.
    pub fn carry_over(&self, names: &[String]) -> Result<()> {
        for name in names {
            carry(&self.dest.join(name), &self.path.join(name))?;
        }
        Ok(())
    }

    /// Makes the staging folder the destination, whole: a rename, or an exchange with the
    /// folder there, whose old contents are then removed.
    pub fn publish(mut self) -> Result<()> {
        // The site is readable by the people and servers meant to read it, like a new folder.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&self.dest)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o755);
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io("set permissions on", &self.path, e))?;
        }
        // The background flushes end first: the one below covers all that was staged.
        drop(self.flusher.take());
        sync_files(&self.path)?;
        sync_dir(&self.path);
        match super::kind_following(&self.dest)? {
            Kind::Missing => {
                std::fs::rename(&self.path, &self.dest)
                    .map_err(|e| Error::io("publish the site at", &self.dest, e))?;
            }
            Kind::Dir => {
                if exchange(&self.path, &self.dest).is_err() {
                    // No atomic exchange here: move the old site aside, then the new one in.
                    let aside = self.path.with_extension("old");
                    std::fs::rename(&self.dest, &aside)
                        .map_err(|e| Error::io("move the old site aside from", &self.dest, e))?;
                    std::fs::rename(&self.path, &self.dest)
                        .map_err(|e| Error::io("publish the site at", &self.dest, e))?;
                    std::fs::rename(&aside, &self.path)
                        .map_err(|e| Error::io("clean up", &aside, e))?;
                }
                // The old site now sits at the staging path.
                std::fs::remove_dir_all(&self.path)
                    .map_err(|e| Error::io("remove the old site at", &self.path, e))?;
            }
            _ => {
                return Err(
                    Error::usage(format!("{} is not a folder", self.dest.display())).with_hint(
                        "choose a new or empty folder for the site; nothing was written",
                    ),
                );
            }
        }
        if let Some(parent) = self.dest.parent() {
            sync_dir(parent);
        }
        self.published = true;
        let _ = std::fs::remove_file(&self.lock_path);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.path);
            let _ = std::fs::remove_file(&self.lock_path);
        }
    }
}

/// Takes the exclusive lock on `file` if nobody holds it (`flock`, released when the holder
/// exits, however it exits).
#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> bool {
    true
}

/// Swaps two folders in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Recreates `from` at `to`: a file as a hard link, a link as a link, a folder with its
/// entries carried in turn.
fn carry(from: &Path, to: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(from).map_err(|e| Error::io("read", from, e))?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from).map_err(|e| Error::io("read the link", from, e))?;
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, to).map_err(|e| Error::io("keep the link", to, e))?;
        #[cfg(not(unix))]
        let _ = target;
    } else if meta.is_dir() {
        std::fs::create_dir(to).map_err(|e| Error::io("keep the folder", to, e))?;
        for entry in super::list(from)? {
            if let Some(name) = entry.file_name() {
                carry(&entry, &to.join(name))?;
            }
        }
    } else {
        std::fs::hard_link(from, to).map_err(|e| Error::io("keep the file", from, e))?;
    }
    Ok(())
}

/// Flushes the files written into the staging folder `dir` to disk before it is published,
/// once for the whole folder rather than file by file as each is written: on Linux one
/// `syncfs` of the file system that holds it.
#[cfg(target_os = "linux")]
fn sync_files(dir: &Path) -> Result<()> {
    let d = File::open(dir).map_err(|e| Error::io("open", dir, e))?;
    flush_file_system(&d).map_err(|e| Error::io("flush to disk", dir, e))
}

/// Writes out everything written to the file system that holds `folder` (`syncfs`).
#[cfg(target_os = "linux")]
fn flush_file_system(folder: &File) -> std::io::Result<()> {
    rustix::fs::syncfs(folder).map_err(std::io::Error::from)
}

/// Elsewhere there is no flush of a whole file system: each file is flushed before publishing.
#[cfg(not(target_os = "linux"))]
fn flush_file_system(_folder: &File) -> std::io::Result<()> {
    Ok(())
}

/// Flushes the files written into the staging folder `dir` to disk before it is published:
/// elsewhere each of its files in turn (folders and links carried over are not written).
#[cfg(not(target_os = "linux"))]
fn sync_files(dir: &Path) -> Result<()> {
    for path in super::list(dir)? {
        let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        if is_file {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io("flush to disk", &path, e))?;
        }
    }
    Ok(())
}

/// Flushes a folder's entries to disk (best effort: not every file system supports it).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_folder_appears_whole_and_nothing_is_left_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        let stage = Staged::beside(None, &dest).unwrap();
        stage.write("index.html", b"new").unwrap();
        assert!(!dest.exists(), "nothing is visible before publishing");
        stage.publish().unwrap();
        assert_eq!(names(&dest), ["index.html"]);
        assert_eq!(names(tmp.path()), ["site"]);
    }

    #[test]
    fn a_replaced_folder_keeps_the_files_carried_over_and_loses_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        std::fs::create_dir_all(dest.join("assets")).unwrap();
        std::fs::write(dest.join("old.html"), "old").unwrap();
        std::fs::write(dest.join("README.md"), "mine").unwrap();
        std::fs::write(dest.join("assets/logo.svg"), "svg").unwrap();
        let stage = Staged::beside(None, &dest).unwrap();
        stage.write("index.html", b"new").unwrap();
        stage
            .carry_over(&["README.md".to_string(), "assets".to_string()])
            .unwrap();
        stage.publish().unwrap();
        assert_eq!(names(&dest), ["README.md", "assets", "index.html"]);
        assert_eq!(
            std::fs::read_to_string(dest.join("README.md")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("assets/logo.svg")).unwrap(),
            "svg"
        );
        assert_eq!(names(tmp.path()), ["site"]);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_large_site_is_flushed_while_it_is_written_and_published_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        let stage = Staged::beside(None, &dest).unwrap();
        let page = vec![b'x'; 1 << 20];
        let pages = 2 * FLUSH_EVERY / (1 << 20) + 1;
        for i in 0..pages {
            stage.write(&format!("{i}.html"), &page).unwrap();
        }
        let flusher = stage.flusher.as_ref().unwrap();
        // Two flushes were asked for; the first may still be running (the channel holds one).
        let made = flusher.made.clone();
        stage.publish().unwrap();
        assert!(
            made.load(Ordering::Relaxed) >= 1,
            "the file system was flushed before the end"
        );
        assert_eq!(names(&dest).len(), pages as usize);
        assert_eq!(std::fs::read(dest.join("0.html")).unwrap(), page);
    }

    #[test]
    fn a_small_site_is_flushed_once_before_it_is_published() {
        let tmp = tempfile::tempdir().unwrap();
        let stage = Staged::beside(None, &tmp.path().join("site")).unwrap();
        stage.write("index.html", b"small").unwrap();
        if let Some(flusher) = &stage.flusher {
            assert_eq!(flusher.made.load(Ordering::Relaxed), 0);
        }
        stage.publish().unwrap();
    }

    #[test]
    fn a_staging_folder_dropped_unpublished_removes_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        let stage = Staged::beside(None, &dest).unwrap();
        stage.write("index.html", b"half").unwrap();
        drop(stage);
        assert_eq!(names(tmp.path()), Vec::<String>::new());
    }

    #[test]
    fn leftovers_are_removed_only_when_their_run_is_over() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("site");
        let live = Staged::beside(None, &dest).unwrap();
        live.write("index.html", b"in progress").unwrap();
        // A killed run: its folder and a lock file nobody holds.
        let dead = tmp.path().join(".site.datapact-stage-dead");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("a.html"), "full rendition").unwrap();
        std::fs::write(tmp.path().join(".site.datapact-stage-dead.lock"), "").unwrap();
        let removed = remove_leftovers(None, &dest).unwrap();
        assert_eq!(
            removed,
            [std::fs::canonicalize(tmp.path())
                .unwrap()
                .join(".site.datapact-stage-dead")]
        );
        assert!(live.path.is_dir(), "a run at work keeps its staging folder");
        live.publish().unwrap();
        assert_eq!(names(tmp.path()), ["site"]);
    }

    #[test]
    fn a_link_to_a_folder_is_published_into_its_target() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("old.html"), "old").unwrap();
        let link = tmp.path().join("site");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let stage = Staged::beside(None, &link).unwrap();
        stage.write("index.html", b"new").unwrap();
        stage.publish().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(names(&real), ["index.html"]);
    }
}
