//! The one module that talks to git (through git2). Everything else asks it questions in the
//! tool's own terms: is this path inside a work tree, make a repository, commit these files.
//! The files it commits are read through `crate::gate`, like every other workspace file.

use crate::error::{Error, ErrorKind, Result};
use crate::gate::{self, FileKind};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Sets libgit2 up for this process; called once, first, before any thread uses git. Its
/// object cache (256 MiB by default) is turned off: datapact reads each commit's trees once as
/// it walks history and keeps what it needs itself, so the cache only added to the peak
/// memory of `--history` (about 20 MB at 10,000 agreements) and saved no measurable time.
pub fn configure() {
    // SAFETY: a process-wide libgit2 setting, changed before any other libgit2 call of the
    // process (commands::run calls this first), so no thread reads it while it changes.
    let _ = unsafe { git2::opts::set_cache_max_size(0) };
}

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

/// The folder `dir` relative to the root of the git work tree it is in, `/`-separated and ending
/// in `/` (`sub/ws/` for a workspace in `repo/sub/ws`): what report paths need before them for
/// GitHub, which resolves them against the repository root. Empty at the root of the work tree,
/// outside one (a bare repository has none), or when either folder cannot be resolved.
pub fn folder_in_work_tree(dir: &Path) -> String {
    let Some(root) = work_tree_root(dir) else {
        return String::new();
    };
    let (Ok(root), Ok(dir)) = (
        gate::outside::canonicalize(&root),
        gate::outside::canonicalize(dir),
    ) else {
        return String::new();
    };
    let Ok(relative) = dir.strip_prefix(&root) else {
        return String::new();
    };
    let mut prefix = String::new();
    for part in relative.components() {
        prefix.push_str(&part.as_os_str().to_string_lossy());
        prefix.push('/');
    }
    prefix
}

/// The id of the first commit of the current branch (the root of its first-parent chain), as
/// hexadecimal: the same in every clone of the repository, so it identifies the register;
/// `None` outside a work tree or before the first commit.
pub fn first_commit(dir: &Path) -> Option<String> {
    let repo = git2::Repository::discover(dir).ok()?;
    let mut commit = repo.head().ok()?.peel_to_commit().ok()?;
    while let Ok(parent) = commit.parent(0) {
        commit = parent;
    }
    Some(commit.id().to_string())
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
/// the index (links and submodules left out) and the untracked ones no ignore rule ignores, as
/// absolute paths, sorted. None when `root` is not in a git work tree (or the repository cannot
/// be read). Files in the index but deleted from the work tree are listed too; reading them
/// fails, and the caller skips them. In two halves, [`tracked_files`] and [`untracked_files`],
/// for a caller that runs the first beside other work.
#[cfg(test)]
pub fn workspace_files(root: &Path) -> Vec<(PathBuf, Tracking)> {
    let Some(tracked) = tracked_files(root) else {
        return Vec::new();
    };
    let untracked = untracked_files(root, &tracked);
    let mut files: Vec<(PathBuf, Tracking)> = (tracked.files())
        .map(|path| (path, Tracking::Tracked))
        .chain(
            untracked
                .into_iter()
                .map(|path| (path, Tracking::Untracked)),
        )
        .collect();
    files.sort_by(|a, b| {
        (a.0.as_os_str().as_encoded_bytes()).cmp(b.0.as_os_str().as_encoded_bytes())
    });
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// What the index of the work tree holding a workspace says: the first half of
/// [`workspace_files`]. Its paths are kept one after another in one buffer (an index holds tens
/// of thousands), not one allocation each.
pub struct Tracked {
    workdir: PathBuf,
    /// Every path the index holds (of any mode), `/`-separated from the work tree's root.
    names: Vec<u8>,
    /// Where each path is in `names`, sorted by path, each path once; and whether it is a
    /// regular file under the workspace (not a link or a submodule).
    spans: Vec<(std::ops::Range<usize>, bool)>,
}

impl Tracked {
    fn name(&self, i: usize) -> &[u8] {
        &self.names[self.spans[i].0.clone()]
    }

    /// Where the paths starting with `prefix` are among the sorted paths (together, as they
    /// sort): a folder's, searched once for all of its entries.
    fn under(&self, prefix: &[u8]) -> std::ops::Range<usize> {
        let name = |span: &(std::ops::Range<usize>, bool)| &self.names[span.0.clone()];
        let start = self.spans.partition_point(|s| name(s) < prefix);
        let len = self.spans[start..].partition_point(|s| name(s).starts_with(prefix));
        start..start + len
    }

    /// The first path of `within` (a range of [`Tracked::under`]) that sorts at or after `key`.
    fn first_from(&self, within: &std::ops::Range<usize>, key: &[u8]) -> Option<&[u8]> {
        let at = within.start
            + self.spans[within.clone()]
                .partition_point(|(span, _)| &self.names[span.clone()] < key);
        (at < within.end).then(|| self.name(at))
    }

    /// Whether the index holds the path `rel`, which starts with the prefix of `within`.
    fn holds(&self, within: &std::ops::Range<usize>, rel: &[u8]) -> bool {
        self.first_from(within, rel) == Some(rel)
    }

    /// Whether the index holds a path starting with `prefix` (a folder, ending in `/`), which
    /// starts with the prefix of `within`.
    fn holds_under(&self, within: &std::ops::Range<usize>, prefix: &[u8]) -> bool {
        self.first_from(within, prefix)
            .is_some_and(|p| p.starts_with(prefix))
    }

    /// The regular files the index holds under the workspace, as absolute paths, sorted, each
    /// once.
    pub fn files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        (0..self.spans.len())
            .filter(|&i| self.spans[i].1)
            .map(|i| self.workdir.join(std::ffi::OsStr::from_bytes(self.name(i))))
    }
}

/// The files the index holds under the workspace folder `root` ([`Tracked`]); `None` when
/// `root` is not in a git work tree (or the repository cannot be read).
pub fn tracked_files(root: &Path) -> Option<Tracked> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?;
    let workdir = gate::outside::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
    let under = root.strip_prefix(&workdir).ok()?;
    let mut names = Vec::new();
    let mut spans = Vec::new();
    if let Ok(index) = repo.index() {
        for entry in index.iter() {
            // Regular files only: 0o100644 and 0o100755, not links (0o120000) or submodules.
            let regular = entry.mode & 0o170000 == 0o100000
                && Path::new(std::ffi::OsStr::from_bytes(&entry.path)).starts_with(under);
            let start = names.len();
            names.extend_from_slice(&entry.path);
            spans.push((start..names.len(), regular));
        }
    }
    // The index keeps its paths sorted already, and a path in conflict once per stage.
    spans.sort_by(|a, b| names[a.0.clone()].cmp(&names[b.0.clone()]));
    spans.dedup_by(|a, b| names[a.0.clone()] == names[b.0.clone()]);
    Some(Tracked {
        workdir,
        names,
        spans,
    })
}

/// The untracked files under the workspace folder `root` that git would commit: the second half
/// of [`workspace_files`], after [`tracked_files`]. The walk ([`Untracked`]) asks git's ignore
/// rules only about entries the index does not hold: git's own status would also compare every
/// tracked file with the index (a metadata query each), which is not needed here. Folders are
/// listed through the gate, which answers from the listings this run made already when it
/// notes them (`gate::note_private_keys`).
pub fn untracked_files(root: &Path, tracked: &Tracked) -> Vec<PathBuf> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return Vec::new();
    };
    let walk = Untracked {
        repo: &repo,
        workdir: &tracked.workdir,
        tracked,
        ignored_dirs: Default::default(),
    };
    walk.files(root)
}

/// The walk behind [`workspace_files`]'s untracked files, as `git status` finds them: entries
/// named `.git` are skipped, and so are folders holding one (other repositories) and ignored
/// folders that hold nothing tracked; a file or link is untracked when the index does not hold
/// it and neither it nor a folder above it is ignored. Folders are listed through the gate.
struct Untracked<'r> {
    repo: &'r git2::Repository,
    workdir: &'r Path,
    /// What the index holds.
    tracked: &'r Tracked,
    /// Whether each folder asked about (relative to the work tree, ending in `/`) is ignored,
    /// itself or through a folder above it.
    ignored_dirs: std::cell::RefCell<std::collections::HashMap<Vec<u8>, bool>>,
}

impl Untracked<'_> {
    /// The untracked files under `root`, a folder of the work tree.
    fn files(&self, root: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut folders = vec![root.to_path_buf()];
        while let Some(dir) = folders.pop() {
            let Ok(entries) = gate::list_dir_kinds_noted(root, &dir) else {
                continue;
            };
            let is_root = dir.as_path() == self.workdir;
            // `dir` relative to the work tree, with a `/` after it (nothing at the work tree's
            // root); each entry's path is that and its name, in one buffer reused.
            let Some(mut base) = self.relative(&dir) else {
                continue;
            };
            if !base.is_empty() {
                base.push(b'/');
            }
            // The index's paths in this folder, searched for each entry.
            let within = self.tracked.under(&base);
            let mut rel = base.clone();
            let mut found = Vec::new();
            let mut nested = false;
            for (path, kind) in entries {
                let Some(name) = path.file_name() else {
                    continue;
                };
                if name == ".git" {
                    nested = !is_root;
                    continue;
                }
                rel.truncate(base.len());
                rel.extend_from_slice(name.as_encoded_bytes());
                // A folder holding tracked files is walked without asking git about it: an
                // untracked file in it is asked about with the folders above it.
                let walked = match kind {
                    gate::Kind::Dir => {
                        rel.push(b'/');
                        (self.tracked.holds_under(&within, &rel) || !self.ignored_dir(&rel))
                            .then_some(true)
                    }
                    gate::Kind::File | gate::Kind::Link => {
                        (!self.tracked.holds(&within, &rel) && !self.ignored(&rel)).then_some(false)
                    }
                    _ => None,
                };
                if let Some(is_dir) = walked {
                    found.push((path, is_dir));
                }
            }
            // Another repository (a folder holding `.git`) is not this one's to list, unless
            // this one tracks files in it.
            if nested && within.is_empty() {
                continue;
            }
            for (path, is_dir) in found {
                if is_dir {
                    folders.push(path);
                } else {
                    out.push(path);
                }
            }
        }
        out
    }

    /// `path` relative to the work tree, `/`-separated, as the index writes paths.
    fn relative(&self, path: &Path) -> Option<Vec<u8>> {
        let rel = path.strip_prefix(self.workdir).ok()?;
        Some(rel.as_os_str().as_encoded_bytes().to_vec())
    }

    /// Whether git ignores the path `rel` (of a file, or of a folder ending in `/`): a rule
    /// ignores it, or a folder above it.
    fn ignored(&self, rel: &[u8]) -> bool {
        let parent = rel
            .strip_suffix(b"/")
            .unwrap_or(rel)
            .iter()
            .rposition(|&b| b == b'/');
        if let Some(end) = parent
            && self.ignored_dir(&rel[..=end])
        {
            return true;
        }
        let Ok(text) = std::str::from_utf8(rel) else {
            // A name git cannot be asked about is listed: the search errs towards reading.
            return false;
        };
        self.repo.is_path_ignored(text).unwrap_or(false)
    }

    /// [`Untracked::ignored`] for the folder `prefix` (ending in `/`), remembered.
    fn ignored_dir(&self, prefix: &[u8]) -> bool {
        if let Some(&known) = self.ignored_dirs.borrow().get(prefix) {
            return known;
        }
        let answer = self.ignored(prefix);
        self.ignored_dirs
            .borrow_mut()
            .insert(prefix.to_vec(), answer);
        answer
    }
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

/// The user's git identity (`user.name` and `user.email`) that commits are made with.
fn identity(repo: &git2::Repository) -> Result<git2::Signature<'static>> {
    repo.signature().map_err(|e| {
        git_error("find your git identity", e).with_hint(
            "set it with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.org` (or without --global, for this repository only)",
        )
    })
}

/// Checks, before a command writes anything, that [`commit_paths`] could commit in the workspace
/// at `workspace_root`: it is in a git work tree, and git has the user's identity to commit
/// with. What `--commit` checks first, so that a command never writes its files and then fails
/// to commit them.
pub fn check_can_commit(workspace_root: &Path) -> Result<()> {
    let nothing_written = |e: Error| {
        let hint = e.hint.clone().unwrap_or_default();
        e.with_hint(format!(
            "{hint}; then run the command again (nothing was written)"
        ))
    };
    let not_a_repository = || {
        Error::usage(format!(
            "--commit needs the workspace {} to be in a git repository",
            workspace_root.display()
        ))
        .with_hint("run `git init` there, or leave out --commit; nothing was written")
    };
    let repo = git2::Repository::discover(workspace_root).map_err(|_| not_a_repository())?;
    if repo.workdir().is_none() {
        return Err(not_a_repository());
    }
    identity(&repo).map(drop).map_err(nothing_written)
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
    let sig = identity(&repo)?;
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

/// A commit of the current branch, in the terms history commands report it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    /// The full commit id (40 hex digits).
    pub id: String,
    /// The committer's time, with the committer's UTC offset.
    pub time: chrono::DateTime<chrono::FixedOffset>,
    /// The author, `Name <email>`.
    pub author: String,
    /// The first line of the message.
    pub summary: String,
}

impl CommitInfo {
    /// The first 12 digits of the id, as messages show it.
    pub fn short(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// The author's name, without the e-mail address.
    pub fn author_name(&self) -> &str {
        self.author
            .rsplit_once(" <")
            .map_or(self.author.as_str(), |(name, _)| name)
    }

    fn of(commit: &git2::Commit<'_>) -> CommitInfo {
        let when = commit.committer().when();
        let offset = chrono::FixedOffset::east_opt(when.offset_minutes() * 60)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero is a valid offset"));
        let time = chrono::DateTime::from_timestamp(when.seconds(), 0)
            .unwrap_or_default()
            .with_timezone(&offset);
        let author = commit.author();
        CommitInfo {
            id: commit.id().to_string(),
            time,
            author: format!(
                "{} <{}>",
                String::from_utf8_lossy(author.name_bytes()),
                String::from_utf8_lossy(author.email_bytes())
            ),
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
        }
    }
}

/// A file's content as git stores it: an opaque handle, read with [`History::read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(git2::Oid);

impl std::fmt::Display for BlobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One file a commit changed, added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The content after the commit; `None` when the commit removed it (or it is no longer a
    /// regular file: a link or a submodule is never read as a workspace file).
    pub blob: Option<BlobId>,
}

/// The history of the current branch, as seen from a workspace: the first-parent chain from
/// HEAD (what the branch was at each step; a merge counts as one step, its changes those it
/// brought in), files named relative to the workspace root.
pub struct History {
    repo: git2::Repository,
    /// The workspace root relative to the work tree root (empty when they are the same).
    under: PathBuf,
}

impl History {
    /// The history of the repository containing the workspace at `ws_root`; `None` when the
    /// workspace is not in a git work tree.
    pub fn open(ws_root: &Path) -> Result<Option<History>> {
        let repo = match git2::Repository::discover(ws_root) {
            Ok(repo) => repo,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(git_error("open the repository", e)),
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let workdir =
            gate::outside::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
        let root = gate::outside::canonicalize(ws_root).unwrap_or_else(|_| ws_root.to_path_buf());
        let under = root
            .strip_prefix(&workdir)
            .unwrap_or(Path::new(""))
            .to_path_buf();
        Ok(Some(History { repo, under }))
    }

    /// Whether this is a shallow clone: its history stops before the first commit, so what
    /// happened earlier cannot be checked.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The commit HEAD points at; `None` on a branch without commits.
    pub fn head(&self) -> Option<CommitInfo> {
        let commit = self.repo.head().ok()?.peel_to_commit().ok()?;
        Some(CommitInfo::of(&commit))
    }

    /// The first-parent chain from HEAD, oldest first (empty on a branch without commits).
    fn chain(&self) -> Result<Vec<git2::Oid>> {
        let Some(head) = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok()) else {
            return Ok(Vec::new());
        };
        let mut walk = self
            .repo
            .revwalk()
            .map_err(|e| git_error("walk the history", e))?;
        walk.push(head.id())
            .map_err(|e| git_error("walk the history", e))?;
        walk.simplify_first_parent()
            .map_err(|e| git_error("walk the history", e))?;
        let mut ids = Vec::new();
        for id in walk {
            ids.push(id.map_err(|e| git_error("walk the history", e))?);
        }
        ids.reverse();
        Ok(ids)
    }

    /// Walks the current branch once, oldest commit first, calling `visit` with each commit
    /// and the regular files under the workspace folders `dirs` (such as `agreements`) that it
    /// added, changed or removed, compared with its first parent (the first commit: every file
    /// there). Commits that change nothing there are visited with no changes. Subtrees that
    /// did not change are never opened, so the cost grows with commits and changes, not with
    /// the size of the tree. Returns how many commits were visited.
    pub fn walk(
        &self,
        dirs: &[&str],
        mut visit: impl FnMut(&CommitInfo, Vec<FileChange>) -> Result<()>,
    ) -> Result<usize> {
        let ids = self.chain()?;
        let paths: Vec<PathBuf> = dirs.iter().map(|d| self.under.join(d)).collect();
        // Each folder's tree as of the previous commit, kept so it is read once, not twice.
        let mut previous: Vec<Option<git2::Tree<'_>>> = (0..dirs.len()).map(|_| None).collect();
        for id in &ids {
            let commit = self
                .repo
                .find_commit(*id)
                .map_err(|e| git_error("read a commit", e))?;
            let tree = commit.tree().map_err(|e| git_error("read a commit", e))?;
            let mut changes = Vec::new();
            for (i, dir) in dirs.iter().enumerate() {
                let now = tree
                    .get_path(&paths[i])
                    .ok()
                    .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                    .map(|e| e.id());
                if now != previous[i].as_ref().map(git2::Tree::id) {
                    let new = now.and_then(|t| self.repo.find_tree(t).ok());
                    self.diff(previous[i].as_ref(), new.as_ref(), dir, &mut changes)?;
                    previous[i] = new;
                }
            }
            visit(&CommitInfo::of(&commit), changes)?;
        }
        Ok(ids.len())
    }

    /// The regular files that differ between two versions of the folder `prefix`: the two
    /// entry lists are walked side by side in git's tree order (a folder sorts as if its name
    /// ended in `/`), so only the entries themselves are compared, nothing is copied, and only
    /// subtrees that differ are opened. (A tree out of git's order, which git never writes,
    /// gives spurious changes, never a failure.)
    fn diff(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: Option<&git2::Tree<'_>>,
        prefix: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        let is_tree = |mode: i32| mode == 0o040000;
        let is_file = |mode: i32| mode & 0o170000 == 0o100000;
        let mut a = old.into_iter().flat_map(|t| t.iter()).peekable();
        let mut b = new.into_iter().flat_map(|t| t.iter()).peekable();
        loop {
            let order = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => git_order(x, y),
            };
            let (o, n) = match order {
                std::cmp::Ordering::Less => (a.next(), None),
                std::cmp::Ordering::Greater => (None, b.next()),
                std::cmp::Ordering::Equal => (a.next(), b.next()),
            };
            let Some(entry) = o.as_ref().or(n.as_ref()) else {
                break;
            };
            let (o, n) = (
                o.as_ref().map(|e| (e.id(), e.filemode())),
                n.as_ref().map(|e| (e.id(), e.filemode())),
            );
            if o == n {
                continue;
            }
            let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
                continue;
            };
            let path = format!("{prefix}/{name}");
            let tree_of = |entry: Option<(git2::Oid, i32)>| {
                entry
                    .filter(|(_, mode)| is_tree(*mode))
                    .and_then(|(id, _)| self.repo.find_tree(id).ok())
            };
            let (old_tree, new_tree) = (tree_of(o), tree_of(n));
            if old_tree.is_some() || new_tree.is_some() {
                self.diff(old_tree.as_ref(), new_tree.as_ref(), &path, out)?;
            }
            let file = |entry: Option<(git2::Oid, i32)>| {
                entry.filter(|(_, mode)| is_file(*mode)).map(|(id, _)| id)
            };
            let (old_file, new_file) = (file(o), file(n));
            if old_file != new_file {
                out.push(FileChange {
                    path,
                    blob: new_file.map(BlobId),
                });
            }
        }
        Ok(())
    }

    /// A file's content, refused when larger than `max` bytes.
    pub fn read(&self, blob: BlobId, max: u64) -> Result<Vec<u8>> {
        let blob = self
            .repo
            .find_blob(blob.0)
            .map_err(|e| git_error("read a file from the history", e))?;
        if blob.size() as u64 > max {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "a file in the history ({}) is larger than {max} bytes",
                    blob.id()
                ),
            )
            .with_hint("such a file cannot be a datapact file; look at it with `git show`"));
        }
        Ok(blob.content().to_vec())
    }

    /// How the workspace file `path` (absolute) stands against HEAD: `None` when it is
    /// committed as it is (or not in this repository).
    ///
    /// The file's bytes are hashed as a blob and compared with HEAD's entry at its path, so the
    /// answer costs one file and one tree lookup, not a read of git's index (which, in a
    /// register of thousands of agreements, holds tens of thousands of entries).
    pub fn uncommitted(&self, path: &Path) -> Option<Uncommitted> {
        let workdir = self.repo.workdir()?;
        let workdir =
            gate::outside::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
        let rel = path.strip_prefix(&workdir).ok()?;
        let committed = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_tree().ok())
            .and_then(|tree| tree.get_path(rel).ok())
            .filter(|entry| entry.kind() == Some(git2::ObjectType::Blob))
            .map(|entry| entry.id());
        let Some(committed) = committed else {
            return Some(Uncommitted::New);
        };
        let bytes = gate::read(&workdir, path, FileKind::Agreement).ok()?;
        let on_disk = git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).ok()?;
        (on_disk != committed).then_some(Uncommitted::Changed)
    }
}

/// Git's order of tree entries: by name, a folder's name compared as if it ended in `/`.
fn git_order(x: &git2::TreeEntry<'_>, y: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let tail = |e: &git2::TreeEntry<'_>| -> &'static [u8] {
        if e.filemode() == 0o040000 { b"/" } else { b"" }
    };
    x.name_bytes()
        .iter()
        .chain(tail(x))
        .cmp(y.name_bytes().iter().chain(tail(y)))
}

/// How a workspace file differs from what HEAD has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uncommitted {
    /// Never committed.
    New,
    /// Changed since the last commit (staged or not).
    Changed,
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, clippy::disallowed_types)]
pub(crate) mod tests {
    use super::*;

    /// Commits the whole work tree of `repo` with `message` at `seconds` (UTC+1), for unit
    /// tests of the history (`crate::history` uses it too).
    pub(crate) fn commit(repo: &git2::Repository, root: &Path, message: &str, seconds: i64) {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"].iter(), None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig =
            git2::Signature::new("A", "a@example.org", &git2::Time::new(seconds, 60)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap();
        let _ = root;
    }

    /// What `git status` lists as untracked (libgit2's status, as `workspace_files` asked it
    /// before its own walk), with the tracked files: the oracle of [`workspace_files`].
    fn workspace_files_by_status(root: &Path) -> Vec<(PathBuf, Tracking)> {
        let repo = git2::Repository::discover(root).unwrap();
        let workdir = gate::outside::canonicalize(repo.workdir().unwrap()).unwrap();
        let under = root.strip_prefix(&workdir).unwrap();
        let mut files = Vec::new();
        for entry in repo.index().unwrap().iter() {
            let rel = PathBuf::from(String::from_utf8_lossy(&entry.path).into_owned());
            if entry.mode & 0o170000 == 0o100000 && rel.starts_with(under) {
                files.push((workdir.join(rel), Tracking::Tracked));
            }
        }
        let mut options = git2::StatusOptions::new();
        options
            .show(git2::StatusShow::Workdir)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        for status in repo.statuses(Some(&mut options)).unwrap().iter() {
            let rel = Path::new(status.path().unwrap());
            if status.status().contains(git2::Status::WT_NEW) && rel.starts_with(under) {
                files.push((workdir.join(rel), Tracking::Untracked));
            }
        }
        // A folder git lists whole (another repository) is no file to read.
        files.retain(|(p, _)| !p.is_dir());
        files.sort();
        files.dedup_by(|a, b| a.0 == b.0);
        files
    }

    /// The files git has or would commit, from the walk, are those `git status` gives, in a
    /// work tree with every kind of entry and ignore rule: tracked files in an ignored folder,
    /// a negated rule under an ignored folder, rules in a subfolder's `.gitignore` and in
    /// `info/exclude`, another repository inside, links (tracked, untracked, dangling), a FIFO,
    /// an empty folder, a tracked file deleted, names outside ASCII; for a workspace at the root
    /// of the work tree and in a folder of it.
    #[test]
    fn the_files_git_would_commit_are_those_git_status_gives() {
        let dir = tempfile::tempdir().unwrap();
        let top = gate::outside::canonicalize(dir.path())
            .unwrap()
            .join("repo");
        let repo = git2::Repository::init(&top).unwrap();
        let write = |rel: &str, text: &str| {
            let path = top.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let tracked = [
            "a.txt",
            "ws/dir/b.txt",
            "ws/ign/tracked.txt",
            "ws/gone.txt",
            "ws/sub/tracked.txt",
        ];
        for f in tracked {
            write(f, "tracked");
        }
        std::os::unix::fs::symlink("a.txt", top.join("ws/link_tracked")).unwrap();
        let mut index = repo.index().unwrap();
        for f in tracked.iter().chain(&["ws/link_tracked"]) {
            index.add_path(Path::new(f)).unwrap();
        }
        index.write().unwrap();
        std::fs::remove_file(top.join("ws/gone.txt")).unwrap();
        write(".gitignore", "*.log\n/ws/ign/\nbuild/\n");
        write("ws/ign/.gitignore", "!keep.txt\n");
        write("ws/ign/keep.txt", "x");
        write("ws/ign/untracked.txt", "x");
        write("ws/build/out.txt", "x");
        write("ws/dir/debug.log", "x");
        write("ws/sub/.gitignore", "secret.txt\n");
        write("ws/sub/secret.txt", "x");
        write("ws/sub/other.txt", "x");
        write(".git/info/exclude", "excluded.txt\n");
        write("ws/excluded.txt", "x");
        write("ws/c.txt", "x");
        write("ws/dir/new.txt", "x");
        write("ws/newdir/x/y.txt", "x");
        write("ws/ünï cødé.txt", "x");
        std::os::unix::fs::symlink("c.txt", top.join("ws/link_untracked")).unwrap();
        std::os::unix::fs::symlink("nowhere", top.join("ws/dangling")).unwrap();
        std::fs::create_dir_all(top.join("ws/empty")).unwrap();
        git2::Repository::init(top.join("ws/nested")).unwrap();
        write("ws/nested/file.txt", "x");
        let made = std::process::Command::new("mkfifo")
            .arg(top.join("ws/fifo"))
            .status()
            .unwrap();
        assert!(made.success());
        for root in [top.clone(), top.join("ws")] {
            let mut walked = workspace_files(&root);
            walked.sort();
            let by_status = workspace_files_by_status(&root);
            assert_eq!(walked, by_status, "{}", root.display());
            // The walk's own answer, before it joins the index's files: no file of the index
            // is among the untracked.
            let mut untracked = untracked_files(&root, &tracked_files(&root).unwrap());
            untracked.sort();
            let untracked_by_status: Vec<PathBuf> = (by_status.into_iter())
                .filter(|(_, t)| matches!(t, Tracking::Untracked))
                .map(|(p, _)| p)
                .collect();
            assert_eq!(untracked, untracked_by_status, "{}", root.display());
        }
        let names: Vec<String> = workspace_files(&top.join("ws"))
            .into_iter()
            .map(|(p, t)| format!("{}:{t:?}", p.strip_prefix(&top).unwrap().display()))
            .collect();
        for expected in [
            "ws/c.txt:Untracked",
            "ws/gone.txt:Tracked",
            "ws/ign/tracked.txt:Tracked",
            "ws/sub/other.txt:Untracked",
            "ws/ünï cødé.txt:Untracked",
            "ws/link_untracked:Untracked",
            "ws/newdir/x/y.txt:Untracked",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
        }
        for absent in [
            "keep.txt",
            "ign/untracked",
            "build/",
            "debug.log",
            "secret",
            "excluded",
            "nested/",
            "link_tracked",
            "fifo",
        ] {
            assert!(
                names.iter().all(|n| !n.contains(absent)),
                "{absent}: {names:?}"
            );
        }
    }

    #[test]
    fn the_walk_visits_each_commit_oldest_first_with_the_files_it_changed_under_the_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let ws = root.join("ws");
        std::fs::create_dir_all(ws.join("agreements/sub")).unwrap();
        std::fs::create_dir_all(ws.join("other")).unwrap();
        let repo = git2::Repository::init(&root).unwrap();
        std::fs::write(ws.join("agreements/a.toml"), "a1").unwrap();
        std::fs::write(ws.join("agreements/sub/b.toml"), "b1").unwrap();
        std::fs::write(ws.join("other/x"), "x").unwrap();
        commit(&repo, &root, "first", 1_700_000_000);
        std::fs::write(ws.join("other/x"), "y").unwrap();
        commit(&repo, &root, "outside", 1_700_000_100);
        std::fs::write(ws.join("agreements/a.toml"), "a2").unwrap();
        std::fs::remove_file(ws.join("agreements/sub/b.toml")).unwrap();
        commit(&repo, &root, "third\n\nbody", 1_700_000_200);

        let history = History::open(&ws).unwrap().unwrap();
        assert!(!history.is_shallow());
        let mut seen = Vec::new();
        let n = history
            .walk(&["agreements"], |c, changes| {
                let files: Vec<(String, Option<Vec<u8>>)> = changes
                    .into_iter()
                    .map(|f| (f.path, f.blob.map(|b| history.read(b, 100).unwrap())))
                    .collect();
                seen.push((c.summary.clone(), c.time.offset().local_minus_utc(), files));
                Ok(())
            })
            .unwrap();
        assert_eq!(n, 3);
        let some = |s: &str| Some(s.as_bytes().to_vec());
        assert_eq!(
            seen,
            vec![
                (
                    "first".to_string(),
                    3600,
                    vec![
                        ("agreements/a.toml".to_string(), some("a1")),
                        ("agreements/sub/b.toml".to_string(), some("b1")),
                    ]
                ),
                ("outside".to_string(), 3600, vec![]),
                (
                    "third".to_string(),
                    3600,
                    vec![
                        ("agreements/a.toml".to_string(), some("a2")),
                        ("agreements/sub/b.toml".to_string(), None),
                    ]
                ),
            ]
        );
        // A blob larger than the cap is refused, not read.
        let head = history.head().unwrap();
        assert_eq!(head.summary, "third");
        assert_eq!(head.author, "A <a@example.org>");
        assert_eq!(head.author_name(), "A");
        std::fs::write(ws.join("agreements/a.toml"), "changed").unwrap();
        assert_eq!(
            history.uncommitted(&std::fs::canonicalize(ws.join("agreements/a.toml")).unwrap()),
            Some(Uncommitted::Changed)
        );
        std::fs::write(ws.join("agreements/new.toml"), "n").unwrap();
        assert_eq!(
            history.uncommitted(&std::fs::canonicalize(ws.join("agreements/new.toml")).unwrap()),
            Some(Uncommitted::New)
        );
    }

    #[test]
    fn the_walk_follows_git_order_and_files_that_become_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("agreements/x")).unwrap();
        let repo = git2::Repository::init(root).unwrap();
        // Git orders the folder `x` as `x/`: after `x-y.toml` and `x.toml` ('-' and '.' come
        // before '/'), where a plain name order would put it first.
        for (name, text) in [
            ("x-y.toml", "1"),
            ("x.toml", "1"),
            ("x/a.toml", "1"),
            ("z", "1"),
        ] {
            std::fs::write(root.join("agreements").join(name), text).unwrap();
        }
        commit(&repo, root, "first", 1_700_000_000);
        std::fs::write(root.join("agreements/x-y.toml"), "2").unwrap();
        std::fs::write(root.join("agreements/x/a.toml"), "2").unwrap();
        std::fs::write(root.join("agreements/x.toml"), "2").unwrap();
        // A file becomes a folder.
        std::fs::remove_file(root.join("agreements/z")).unwrap();
        std::fs::create_dir(root.join("agreements/z")).unwrap();
        std::fs::write(root.join("agreements/z/b.toml"), "1").unwrap();
        commit(&repo, root, "second", 1_700_000_100);
        let history = History::open(root).unwrap().unwrap();
        let mut seen = Vec::new();
        history
            .walk(&["agreements"], |_, changes| {
                seen.push(
                    changes
                        .into_iter()
                        .map(|c| (c.path, c.blob.is_some()))
                        .collect::<Vec<_>>(),
                );
                Ok(())
            })
            .unwrap();
        let all = |paths: &[(&str, bool)]| {
            paths
                .iter()
                .map(|(p, b)| (p.to_string(), *b))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            seen,
            vec![
                all(&[
                    ("agreements/x-y.toml", true),
                    ("agreements/x.toml", true),
                    ("agreements/x/a.toml", true),
                    ("agreements/z", true),
                ]),
                all(&[
                    ("agreements/x-y.toml", true),
                    ("agreements/x.toml", true),
                    ("agreements/x/a.toml", true),
                    ("agreements/z", false),
                    ("agreements/z/b.toml", true),
                ]),
            ]
        );
    }

    #[test]
    fn a_folder_without_a_repository_has_no_history() {
        let dir = tempfile::tempdir().unwrap();
        assert!(History::open(dir.path()).unwrap().is_none());
    }
}
