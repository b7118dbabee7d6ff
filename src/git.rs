//! The one module that talks to git (through git2). Everything else asks it questions in the
//! tool's own terms: is this path inside a work tree, make a repository, commit these files.
//! The files it commits are read through `crate::gate`, like every other workspace file.

use crate::error::{Error, ErrorKind, Result};
use crate::gate::{self, FileKind};
use std::path::{Path, PathBuf};

fn git_error(action: &str, err: git2::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("git: cannot {action}: {}", err.message()),
    )
    .with_hint("check that the directory is a healthy git repository (`git status`)")
}

/// Whether `dir` already is, or is inside, a git work tree.
pub fn is_in_work_tree(dir: &Path) -> bool {
    work_tree_root(dir).is_some()
}

/// The root of the git work tree containing `path` (searching upward), if any.
pub fn work_tree_root(path: &Path) -> Option<PathBuf> {
    let start = if gate::outside::is_dir(path) {
        path
    } else {
        path.parent()?
    };
    let repo = git2::Repository::discover(start).ok()?;
    repo.workdir().map(Path::to_path_buf)
}

/// How a file git would commit from the workspace stands in git.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tracking {
    /// In the index: committed, or staged to be.
    Tracked,
    /// Not in the index and not ignored: `git add .` would commit it.
    Untracked,
}

/// The regular files under the workspace folder `root` that git has or would commit: those in
/// the index (links and submodules left out) and the untracked ones no `.gitignore` rule
/// ignores, as absolute paths, sorted. None when `root` is not in a git work tree (or the
/// repository cannot be read). Files in the index but deleted from the work tree are listed
/// too; reading them fails, and the caller skips them.
pub fn workspace_files(root: &Path) -> Vec<(PathBuf, Tracking)> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return Vec::new();
    };
    let Some(workdir) = repo.workdir() else {
        return Vec::new();
    };
    let workdir = gate::outside::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
    let Ok(under) = root.strip_prefix(&workdir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    if let Ok(index) = repo.index() {
        for entry in index.iter() {
            // Regular files only: 0o100644 and 0o100755, not links (0o120000) or submodules.
            if entry.mode & 0o170000 != 0o100000 {
                continue;
            }
            let rel = PathBuf::from(String::from_utf8_lossy(&entry.path).into_owned());
            if rel.starts_with(under) {
                files.push((workdir.join(rel), Tracking::Tracked));
            }
        }
    }
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    if let Ok(statuses) = repo.statuses(Some(&mut options)) {
        for status in statuses.iter() {
            if !status.status().contains(git2::Status::WT_NEW) {
                continue;
            }
            if let Ok(rel) = status.path() {
                let rel = Path::new(rel);
                if rel.starts_with(under) {
                    files.push((workdir.join(rel), Tracking::Untracked));
                }
            }
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// Creates a git repository at `dir` unless one already contains it. Returns true if created.
pub fn ensure_repository(dir: &Path) -> Result<bool> {
    if is_in_work_tree(dir) {
        return Ok(false);
    }
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    git2::Repository::init_opts(dir, &opts).map_err(|e| git_error("create a repository", e))?;
    Ok(true)
}

/// Commits exactly `paths` (relative to the work tree root or absolute) with `message`, using
/// the user's configured git identity. Other staged changes are left out of the commit.
pub fn commit_paths(workspace_root: &Path, paths: &[PathBuf], message: &str) -> Result<String> {
    let repo = git2::Repository::discover(workspace_root).map_err(|e| {
        git_error("open the repository", e)
            .with_hint("--commit needs the workspace to be in a git repository")
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| Error::usage("the repository has no work tree"))?
        .to_path_buf();
    let workdir = gate::outside::canonicalize(&workdir).unwrap_or(workdir);
    let sig = repo.signature().map_err(|e| {
        git_error("find your git identity", e)
            .with_hint("set it with `git config user.name` and `git config user.email`")
    })?;
    // Build the tree from HEAD's tree plus exactly the given files, so unrelated staged
    // changes do not sneak into the commit.
    let head_commit = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let mut index = git2::Index::new().map_err(|e| git_error("create an index", e))?;
    if let Some(c) = &head_commit {
        let tree = c.tree().map_err(|e| git_error("read HEAD", e))?;
        index
            .read_tree(&tree)
            .map_err(|e| git_error("read HEAD", e))?;
    }
    for p in paths {
        let abs = if p.is_absolute() {
            p.clone()
        } else {
            workspace_root.join(p)
        };
        let abs = gate::canonical(workspace_root, &abs)?;
        let rel = abs
            .strip_prefix(&workdir)
            .map_err(|_| Error::usage(format!("{} is outside the git work tree", abs.display())))?;
        let bytes = gate::read(workspace_root, &abs, FileKind::Committed)?;
        let blob = repo
            .blob(&bytes)
            .map_err(|e| git_error("store a file", e))?;
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: bytes.len() as u32,
            id: blob,
            flags: 0,
            flags_extended: 0,
            path: rel.to_string_lossy().replace('\\', "/").into_bytes(),
        };
        index
            .add(&entry)
            .map_err(|e| git_error("stage a file", e))?;
    }
    let tree_id = index
        .write_tree_to(&repo)
        .map_err(|e| git_error("write the tree", e))?;
    let tree = repo
        .find_tree(tree_id)
        .map_err(|e| git_error("write the tree", e))?;
    let parents: Vec<&git2::Commit> = head_commit.iter().collect();
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .map_err(|e| git_error("commit", e))?;
    // Keep the on-disk index in step with the new commit for the committed paths.
    if let Ok(mut disk_index) = repo.index() {
        for p in paths {
            let abs = if p.is_absolute() {
                p.clone()
            } else {
                workspace_root.join(p)
            };
            if let Ok(abs) = gate::canonical(workspace_root, &abs) {
                if let Ok(rel) = abs.strip_prefix(&workdir) {
                    let _ = disk_index.add_path(rel);
                }
            }
        }
        let _ = disk_index.write();
    }
    Ok(oid.to_string())
}
