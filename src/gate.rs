//! The gate: the one module that touches the file system. Every read, listing, query and write
//! of a file goes through here, and clippy enforces it (`clippy.toml` disallows the `std::fs`
//! and `Path` file-system methods everywhere else; only this module allows them).
//!
//! The invariant, for a workspace file (an agreement, statement, signature, trust store file
//! `keys/*.toml`, `datapact.toml`, a template override in `templates/`, what `new` and `keys`
//! write, and a site or document rendered into the workspace):
//!
//! - its path is judged first: a path that resolves outside the workspace, through a symbolic
//!   link anywhere on it, is refused, naming the link ([`check_inside`]); a path not yet written
//!   is judged by its nearest existing folder, so nothing is written through a linked folder;
//! - only a regular file is read: a directory, FIFO, device or socket is refused by its type
//!   before it is opened (opening a FIFO would wait for a writer forever), and checked again on
//!   the opened file;
//! - reading stops at the cap of its [`FileKind`], so a huge file is never read into memory;
//! - a write goes to a temporary file in the same folder, renamed into place: a reader never
//!   sees half a file, and a link at the destination is replaced, never written through.
//!
//! Files that are legitimately elsewhere have their own, named entrances, so every exception
//! is visible where it is used:
//!
//! - [`output`]: a file or folder the user named for output (`--out FILE`, `render --all --out
//!   DIR`, `templates export DIR`). Inside the workspace it is judged as a workspace file; outside,
//!   where it goes is the user's explicit choice, and only the atomic write applies.
//! - [`outside`]: the workspace's own location (`-C DIR`, the upward search, `init` creating
//!   one), the user's key files (`--key`, `--passphrase-file`, the public key `keys add`
//!   enrols, where `keys generate` writes a private key), and git's question whether a folder
//!   is in a work tree.

#![allow(clippy::disallowed_methods)]

use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Whether an existing file at the destination may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Allow,
    Refuse,
}

/// Largest template override, `.gitattributes` or site manifest read; real ones are a few KiB.
pub const MAX_TEXT_FILE_BYTES: u64 = 1024 * 1024;
/// Files larger than this are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Largest statement or signature file accepted; real ones are well under 1 KiB.
pub const MAX_SIGNATURE_FILE_BYTES: u64 = 16 * 1024;
/// Largest private or public key file accepted; an Ed25519 key file is under 1 KiB.
pub const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;
/// Largest trust store file accepted.
pub const MAX_TRUST_FILE_BYTES: u64 = 256 * 1024;

/// `path` relative to `root`, with `/` separators, for messages and reports.
pub fn display_in(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Written into one string: a whole-workspace run names every statement it reads.
    let mut out = String::with_capacity(rel.as_os_str().len());
    for c in rel.components() {
        if let Component::Normal(s) = c {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&s.to_string_lossy());
        }
    }
    out
}

/// What a file is for: decides the cap on its size and how messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `agreements/<id>.toml` (an oversized one becomes a finding: see [`read_bounded`]).
    Agreement,
    /// `datapact.toml`.
    Config,
    /// A template override in `templates/`.
    Template,
    /// `signatures/<id>/v<N>/<party>.toml`.
    Statement,
    /// `signatures/<id>/v<N>/<party>.toml.sig`.
    Signature,
    /// `keys/<party>.toml`.
    TrustStore,
    /// The workspace's `.gitattributes`.
    GitAttributes,
    /// The manifest of a rendered site (`.datapact-site`).
    SiteManifest,
    /// A page of the repository's docs/ that `datapact docs` regenerates.
    Documentation,
    /// A JSON Schema datapact wrote into the workspace (`.datapact/*.schema.json`).
    Schema,
    /// A file datapact wrote and now commits (a statement, signature or trust store file).
    Committed,
    /// An OpenSSH private key file (outside the workspace).
    PrivateKey,
    /// A passphrase file (outside the workspace).
    Passphrase,
    /// A public key file to enrol.
    PublicKey,
    /// Any workspace file git would commit, searched for private key material (DP220); only
    /// its first MiB is searched.
    Scanned,
}

impl FileKind {
    /// The largest file of this kind that is read.
    pub fn cap(self) -> u64 {
        match self {
            FileKind::Agreement | FileKind::Config | FileKind::Scanned => MAX_FILE_BYTES,
            FileKind::Template
            | FileKind::GitAttributes
            | FileKind::SiteManifest
            | FileKind::Documentation
            | FileKind::Schema => MAX_TEXT_FILE_BYTES,
            FileKind::Statement | FileKind::Signature => MAX_SIGNATURE_FILE_BYTES,
            FileKind::TrustStore | FileKind::Committed => MAX_TRUST_FILE_BYTES,
            FileKind::PrivateKey | FileKind::Passphrase | FileKind::PublicKey => MAX_KEY_FILE_BYTES,
        }
    }

    /// The kind in words, with its article ("an agreement file").
    pub fn what(self) -> &'static str {
        match self {
            FileKind::Agreement => "an agreement file",
            FileKind::Config => "a workspace settings file",
            FileKind::Documentation => "a documentation page",
            FileKind::Schema => "a JSON Schema",
            FileKind::Template => "a template",
            FileKind::Statement => "a statement",
            FileKind::Signature => "a signature",
            FileKind::TrustStore => "a trust store file",
            FileKind::GitAttributes => "a .gitattributes file",
            FileKind::SiteManifest => "a site manifest",
            FileKind::Committed => "a file to commit",
            FileKind::PrivateKey => "a private key",
            FileKind::Passphrase => "a passphrase file",
            FileKind::PublicKey => "a public key",
            FileKind::Scanned => "a workspace file",
        }
    }

    /// What to do about a directory or special file where a file of this kind was expected.
    fn not_regular_hint(self, dir: bool) -> String {
        match (self, dir) {
            (FileKind::Agreement, true) => "name a .toml file, or an agreement id".into(),
            (FileKind::Agreement, false) => "replace it with the agreement file itself".into(),
            (kind, _) => format!("replace it with {} (a regular file)", kind.what()),
        }
    }
}

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nothing (or a link to nothing, when links are followed).
    Missing,
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (only from the queries that do not follow links).
    Link,
    /// A FIFO, device or socket.
    Other,
}

impl Kind {
    fn of(meta: &std::fs::Metadata) -> Kind {
        let t = meta.file_type();
        if t.is_file() {
            Kind::File
        } else if t.is_dir() {
            Kind::Dir
        } else if t.is_symlink() {
            Kind::Link
        } else {
            Kind::Other
        }
    }
}

/// Why a read through the gate failed, for callers that report each reason in their own words
/// (as a finding, say); [`ReadError::into_error`] gives the usual error.
#[derive(Debug)]
pub enum ReadError {
    /// The path leads outside the workspace: the gate's refusal, naming the link.
    Refused(Error),
    /// Not a regular file: a directory (`dir`), or a FIFO, device or socket. Never opened.
    NotRegular { dir: bool },
    /// Larger than the cap of its kind.
    TooLarge { max: u64 },
    /// The file system's own error (not found, permission denied, a link loop...).
    Io(std::io::Error),
}

impl ReadError {
    /// Whether the file is not there at all.
    pub fn is_missing(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// The error for a failed read of `path`, a file of `kind`: what went wrong, where, and
    /// what to do. Exit code 2 in every case.
    pub fn into_error(self, path: &Path, kind: FileKind) -> Error {
        match self {
            ReadError::Refused(e) => e,
            ReadError::NotRegular { dir: true } => Error::input(format!(
                "cannot read {}: it is a directory, not {}",
                path.display(),
                kind.what()
            ))
            .with_hint(kind.not_regular_hint(true)),
            ReadError::NotRegular { dir: false } => Error::input(format!(
                "cannot read {}: it is not a regular file (a FIFO, device or socket), so it is not opened",
                path.display()
            ))
            .with_hint(kind.not_regular_hint(false)),
            ReadError::TooLarge { max } => Error::input(format!(
                "{} is larger than {max} bytes, too large to be {}",
                path.display(),
                kind.what()
            ))
            .with_hint(format!(
                "check that you named the right file ({})",
                kind.what()
            )),
            ReadError::Io(e) => Error::io("read", path, e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Judging a path

/// Refuses a path inside the workspace rooted at `root` (canonical) that resolves, through
/// symbolic links, to somewhere outside it, so a link committed to the repository cannot make
/// the tool read, echo parts of, or write a file elsewhere on the machine. A path that does not
/// exist yet (a file about to be written) is judged by its nearest existing ancestor: a linked
/// directory on the way out of the workspace is refused too. The message names the link: the
/// first folder (from the root down) that leads out, or the file itself.
pub fn check_inside(root: &Path, path: &Path) -> Result<()> {
    judge(root, path, false).map(|_| ())
}

/// [`check_inside`] for a folder about to be listed: when the folder itself is the link, the
/// message says its entries lead through it ("keys/ leads through keys, a link to ...").
fn check_listing(root: &Path, dir: &Path) -> Result<()> {
    judge(root, dir, true).map(|_| ())
}

/// [`check_inside`], saying what the judgement found at `path` itself ([`Seen`]), so a reader
/// or a query need not ask again.
fn judge(root: &Path, path: &Path, listing: bool) -> Result<Seen> {
    let absolute;
    let path = if path.is_relative() {
        absolute = std::env::current_dir()
            .map_err(|e| Error::io("read", Path::new("."), e))?
            .join(path);
        absolute.as_path()
    } else {
        path
    };
    // Named only for a refusal: a whole-workspace run judges tens of thousands of paths.
    let shown = || display_in(root, path);
    let refuse = |what: String| {
        Err(Error::input(format!("{what}, outside the workspace")).with_hint(
            "replace the link with the file or directory itself; datapact reads and writes only files inside the workspace",
        ))
    };
    match walk(root, path) {
        Walk::Inside(seen) => Ok(seen),
        Walk::Out { link, target } if link == path && listing => {
            let shown = shown();
            refuse(format!(
                "{shown}/ leads through {shown}, a link to {}",
                target.display()
            ))
        }
        Walk::Out { link, target } if link == path => {
            refuse(format!("{} is a link to {}", shown(), target.display()))
        }
        Walk::Out { link, target } => refuse(format!(
            "{} leads through {}, a link to {}",
            shown(),
            display_in(root, &link),
            target.display()
        )),
        Walk::Above => refuse(format!("{} climbs above the workspace root", path.display())),
        Walk::Climbs => Err(Error::input(format!(
            "{} climbs with `..` out of a folder that does not exist yet, so where it leads cannot be judged",
            path.display()
        ))
        .with_hint("name the path without `..`")),
    }
}

/// What the judgement of a path found at the path itself, when that is what following links
/// would find too: a file, folder or other thing that is not a link (its `lstat`, or a folder
/// already judged), or nothing there ([`Kind::Missing`]). `None` for a link, or when the
/// judgement did not look (a path below a missing folder, `..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen(Option<Kind>);

/// Where a path leads, judged from the workspace root.
enum Walk {
    /// Inside the workspace (or not there yet, below a folder that is).
    Inside(Seen),
    /// `link` (the path as named up to the first link that leads out) resolves to `target`,
    /// outside the workspace.
    Out { link: PathBuf, target: PathBuf },
    /// A `..` climbs above the workspace root.
    Above,
    /// A `..` follows a folder that does not exist yet: where it leads is decided only once
    /// that folder is created, somewhere this judgement cannot see.
    Climbs,
}

/// Walks `path` from `root` one component at a time, following only the symbolic links met on
/// the way (each resolved, and judged, where it is met), so the judgement costs one `lstat` per
/// component below the root. A path not named under the root is judged by its nearest
/// existing ancestor's canonical form.
fn walk(root: &Path, path: &Path) -> Walk {
    let Ok(rel) = path.strip_prefix(root) else {
        return match path
            .ancestors()
            .find_map(|a| std::fs::canonicalize(a).ok().map(|real| (a, real)))
        {
            Some((_, real)) if real.starts_with(root) => Walk::Inside(Seen(None)),
            Some((existing, real)) => Walk::Out {
                link: existing.to_path_buf(),
                target: real,
            },
            None => Walk::Out {
                link: path.to_path_buf(),
                target: path.to_path_buf(),
            },
        };
    };
    // Where the components so far lead (canonical), grown in place: one allocation a walk.
    let mut real = PathBuf::with_capacity(path.as_os_str().len() + 16);
    real.push(root);
    // The path as named up to the component at `upto`: only a refusal names it.
    let named = |upto: usize| -> PathBuf {
        let mut named = root.to_path_buf();
        named.extend(rel.components().take(upto + 1));
        named
    };
    let mut missing = false;
    // What the last component was found to be ([`Seen`]).
    let mut seen = None;
    for (at, part) in rel.components().enumerate() {
        seen = None;
        match part {
            Component::Normal(name) => {
                if missing {
                    continue;
                }
                real.push(name);
                // A folder this run has already found to be a folder, not a link: judged once
                // (every agreement's files sit under the same few folders).
                if plain_folders::seen(&real) {
                    seen = Some(Kind::Dir);
                    continue;
                }
                // What a listing of its folder this run noted says is there, when it says it is
                // no link: what an `lstat` would say, without one (see [`noted_entry`]).
                match noted_entry(&real) {
                    Some(Kind::Link) | None => {}
                    Some(Kind::Missing) => {
                        missing = true;
                        seen = Some(Kind::Missing);
                        continue;
                    }
                    Some(kind) => {
                        if kind == Kind::Dir {
                            plain_folders::remember(&real);
                        }
                        seen = Some(kind);
                        continue;
                    }
                }
                match std::fs::symlink_metadata(&real) {
                    Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(&real) {
                        Ok(target) if target.starts_with(root) => real = target,
                        Ok(target) => {
                            return Walk::Out {
                                link: named(at),
                                target,
                            };
                        }
                        // A link to nothing (or a loop): nothing there to follow; a write
                        // replaces the link itself, and a folder is never made through it.
                        Err(_) => missing = true,
                    },
                    Ok(m) => {
                        if m.is_dir() {
                            plain_folders::remember(&real);
                        }
                        seen = Some(Kind::of(&m));
                    }
                    // Not there (yet), or not reachable: judged by what exists above it (what
                    // `real` holds from now on is not read again).
                    Err(e) => {
                        missing = true;
                        seen = is_absent(&e).then_some(Kind::Missing);
                    }
                }
            }
            Component::ParentDir if missing => return Walk::Climbs,
            Component::ParentDir => {
                real.pop();
                if !real.starts_with(root) {
                    return Walk::Above;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return Walk::Above,
        }
    }
    Walk::Inside(Seen(seen))
}

/// The folders [`walk`] has found to be folders and not symbolic links, by canonical path, for
/// the rest of the process: a whole-workspace command reads tens of thousands of files under
/// the same folders, and judging each folder once instead of once per file saves most of its
/// system calls. A folder swapped for a link while the command runs is not seen; nor is it when
/// the swap falls between a judgement and the open that follows, which no path walk can close.
mod plain_folders {
    use std::ffi::OsString;
    use std::path::Path;
    use std::sync::{OnceLock, RwLock};

    /// Kept, and looked up, by the bytes of the path: `Path`'s own hash takes it apart into
    /// components, and the walk asks once per component of every path it judges. The walk
    /// builds each path the same way from the same root, so the same folder has the same
    /// bytes (a path written another way is only judged again). Hashed with the standard
    /// keyed hash: folder names come from the repository, and must not be able to collide.
    type Set = std::collections::HashSet<OsString>;

    fn set() -> &'static RwLock<Set> {
        static SET: OnceLock<RwLock<Set>> = OnceLock::new();
        SET.get_or_init(Default::default)
    }

    pub(super) fn seen(path: &Path) -> bool {
        set().read().is_ok_and(|s| s.contains(path.as_os_str()))
    }

    pub(super) fn remember(path: &Path) {
        if let Ok(mut s) = set().write() {
            s.insert(path.as_os_str().to_os_string());
        }
    }
}

/// The canonical path of an existing workspace path (judged first).
pub fn canonical(root: &Path, path: &Path) -> Result<PathBuf> {
    check_inside(root, path)?;
    std::fs::canonicalize(path).map_err(|e| Error::io("read", path, e))
}

// ---------------------------------------------------------------------------------------------
// Private keys in what is read

/// The first line of each kind of private key file: PEM (`-----BEGIN OPENSSH PRIVATE KEY-----`,
/// and the RSA, EC, DSA, encrypted and PKCS#8 kinds), the SSH.COM form and PuTTY's `.ppk`.
/// A key is found only where such a line starts at the beginning of a line, as key parsers
/// require, so text that merely mentions one (documentation, source code) is not reported.
fn opens_a_private_key(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    (line.starts_with(b"-----BEGIN ") && line.ends_with(b"PRIVATE KEY-----"))
        || line.starts_with(b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----")
        || line.starts_with(b"PuTTY-User-Key-File-")
}

/// The 1-based line of the first private key block in `bytes`, if any. A text holding none of
/// the words every such first line holds (almost every file) is not split into lines.
pub fn private_key_line(bytes: &[u8]) -> Option<usize> {
    // Made once: a search made per call costs more than searching most files.
    static WORDS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        std::sync::LazyLock::new(|| {
            [b"BEGIN ".as_slice(), b"PuTTY-User-Key-File-"].map(memchr::memmem::Finder::new)
        });
    if WORDS.iter().all(|word| word.find(bytes).is_none()) {
        return None;
    }
    bytes
        .split(|&b| b == b'\n')
        .position(opens_a_private_key)
        .map(|i| i + 1)
}

/// Whether workspace reads note what [`private_key_line`] finds in each file (see
/// [`note_private_keys`]), and what they noted, by path.
static KEYS_NOTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What was noted, by [`path_key`].
type Noted =
    std::collections::HashMap<[u8; 16], Option<usize>, std::hash::BuildHasherDefault<KeyHasher>>;

/// Hashes a [`path_key`] by folding its bytes: they are a cryptographic digest's already, and
/// nobody can choose paths whose keys collide, so nothing is gained by hashing them again.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(word);
        }
    }
}

fn noted() -> &'static std::sync::Mutex<Noted> {
    static NOTED: std::sync::OnceLock<std::sync::Mutex<Noted>> = std::sync::OnceLock::new();
    NOTED.get_or_init(Default::default)
}

/// A path as the first 128 bits of its SHA-256: tens of thousands of paths noted in a few
/// megabytes, where two different paths sharing a key is out of reach.
fn path_key(path: &Path) -> [u8; 16] {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(path.as_os_str().as_encoded_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// From now on, every workspace file read whole through the gate is searched for a private key
/// block as it is read, and the answer kept, and every folder listed is kept with its entries:
/// `check` turns this on before its pass over the agreements and their signatures, so its
/// search of the whole workspace for private keys (DP220) does not list those tens of thousands
/// of folders, nor read their files, a second time.
pub fn note_private_keys() {
    KEYS_NOTED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Ends what [`note_private_keys`] began and forgets what was noted: `check` calls it once its
/// search for private keys is done, before the rest of its work (a walk of history) needs the
/// memory.
pub fn stop_noting() {
    KEYS_NOTED.store(false, std::sync::atomic::Ordering::Relaxed);
    if let Ok(mut noted) = noted().lock() {
        *noted = Default::default();
    }
    if let Ok(mut listings) = noted_listings().lock() {
        *listings = Default::default();
    }
}

/// What the reads since noting began found ([`note_private_keys`]), taken out at once by the
/// search that uses it, which then asks about tens of thousands of files without a lock.
pub struct NotedKeys(Noted);

impl NotedKeys {
    /// What a read noted about `path`: `Some(line)` of a private key block, `Some(None)` for
    /// none, `None` when it was not read whole since noting began.
    pub fn get(&self, path: &Path) -> Option<Option<usize>> {
        self.0.get(&path_key(path)).copied()
    }
}

/// Takes what the reads have noted so far ([`NotedKeys`]); a read after it is noted afresh.
pub fn take_noted_keys() -> NotedKeys {
    NotedKeys(
        noted()
            .lock()
            .map(|mut noted| std::mem::take(&mut *noted))
            .unwrap_or_default(),
    )
}

/// The folders listed through the gate since noting began, with their entries, by the bytes
/// of their paths (as [`plain_folders`] keeps them: `Path`'s hash takes a path apart into
/// components; a folder named with other bytes is only listed again).
type Listings = std::collections::HashMap<std::ffi::OsString, Vec<(PathBuf, Kind)>>;

fn noted_listings() -> &'static std::sync::Mutex<Listings> {
    static LISTINGS: std::sync::OnceLock<std::sync::Mutex<Listings>> = std::sync::OnceLock::new();
    LISTINGS.get_or_init(Default::default)
}

/// What the kept listing of the folder holding `path` (while listings are kept, see
/// [`keeping_listings`]) says is at `path`: its [`Kind`] as listed, or [`Kind::Missing`] when
/// the listing has no such entry; `None` when no listing of that folder is kept. A pass over
/// the agreements judges each agreement's files, and asks whether its `members/`,
/// `acceptances/` and `reviews/` exist, in folders it has just listed: the listing answers what
/// an `lstat` of each would, as the folders judged once answer for the rest of the run
/// ([`plain_folders`]).
fn noted_entry(path: &Path) -> Option<Kind> {
    if !keeping_listings() {
        return None;
    }
    let dir = path.parent()?;
    let listings = noted_listings().lock().ok()?;
    let entries = listings.get(dir.as_os_str())?;
    Some(listed(entries, path).unwrap_or(Kind::Missing))
}

/// Whether folders listed are kept with their entries: while `check` notes
/// ([`note_private_keys`]), or while a pass over the agreements holds a [`KeptListings`].
fn keeping_listings() -> bool {
    KEYS_NOTED.load(std::sync::atomic::Ordering::Relaxed)
        || LISTINGS_KEPT.load(std::sync::atomic::Ordering::Relaxed) > 0
}

/// How many [`KeptListings`] are held (passes may overlap: the listings are kept until the
/// last one ends).
static LISTINGS_KEPT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// While held, every folder listed through the gate is kept with its entries, and a kept
/// listing answers the judgement of a path in its folder ([`noted_entry`]): a pass over the
/// agreements (`register::Session::map_assessed`) lists each agreement's folders and then asks
/// about paths in them. Only for work that creates and removes nothing in the folders it lists
/// while it is held (`render --all` writes its pages into a staging folder it does not list): a
/// listing kept is not told of a file created or removed since. Dropped, it forgets the
/// listings (unless `check` is noting, whose search for private keys uses them after).
#[must_use = "listings are kept only while this is held"]
pub struct KeptListings(());

/// Keeps listings until the [`KeptListings`] returned is dropped.
pub fn keep_listings() -> KeptListings {
    LISTINGS_KEPT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    KeptListings(())
}

impl Drop for KeptListings {
    fn drop(&mut self) {
        let others = LISTINGS_KEPT.fetch_sub(1, std::sync::atomic::Ordering::Relaxed) - 1;
        if others == 0
            && !KEYS_NOTED.load(std::sync::atomic::Ordering::Relaxed)
            && let Ok(mut listings) = noted_listings().lock()
        {
            *listings = Default::default();
        }
    }
}

/// Keeps the listing of `dir` (judged, then listed) while listings are kept.
fn note_listing(dir: &Path, entries: &[(PathBuf, Kind)]) {
    if keeping_listings()
        && let Ok(mut listings) = noted_listings().lock()
    {
        listings.insert(dir.as_os_str().to_os_string(), entries.to_vec());
    }
}

/// Notes what `bytes`, the whole of the file `path`, hold, when noting is on.
fn note(path: &Path, bytes: &[u8]) {
    if KEYS_NOTED.load(std::sync::atomic::Ordering::Relaxed) {
        let (key, line) = (path_key(path), private_key_line(bytes));
        if let Ok(mut noted) = noted().lock() {
            noted.insert(key, line);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Workspace files: reading and querying

/// Reads the workspace file `path`, a file of `kind`: judged, a regular file, at most the
/// kind's cap. Failures come back as a [`ReadError`], for callers that word each reason.
pub fn try_read(root: &Path, path: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    let seen = judge(root, path, false).map_err(ReadError::Refused)?;
    let bytes = read_regular(path, kind.cap(), seen)?;
    whole(path, bytes, kind)
}

/// [`try_read`] of `path`, an entry of a folder listed by [`list_dir_kinds`] as `listed`: the
/// folder was judged before it was listed, so an entry listed as a regular file is opened
/// without judging its path again (an `lstat` saved a file), as [`try_read`] opens a file
/// its judgement found regular: without following a link or waiting, its handle checked. Any
/// other entry, or one that cannot be read so (swapped since for a link or a FIFO, or gone), is
/// read as [`try_read`] reads it, which judges it and says what is wrong.
pub fn try_read_entry(
    root: &Path,
    path: &Path,
    listed: Kind,
    kind: FileKind,
) -> Result<Vec<u8>, ReadError> {
    if listed == Kind::File
        && let Ok(bytes) = read_regular(path, kind.cap(), Seen(Some(Kind::File)))
    {
        return whole(path, bytes, kind);
    }
    try_read(root, path, kind)
}

/// `bytes`, read from `path` (at most the cap of `kind` plus one byte), if they are the whole
/// file: noted ([`note`]) and given back; more than the cap is [`ReadError::TooLarge`].
fn whole(path: &Path, bytes: Vec<u8>, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    if bytes.len() as u64 > kind.cap() {
        return Err(ReadError::TooLarge { max: kind.cap() });
    }
    note(path, &bytes);
    Ok(bytes)
}

/// Reads the workspace file `path`, a file of `kind` (see [`try_read`]); a failure is an
/// error naming the file.
pub fn read(root: &Path, path: &Path, kind: FileKind) -> Result<Vec<u8>> {
    try_read(root, path, kind).map_err(|e| e.into_error(path, kind))
}

/// Like [`read`], but a file over the cap is not an error: at most the cap plus one byte is
/// read, so the caller sees that the file is too large and reports it as a finding (an
/// agreement larger than 1 MiB is finding DP001-style `FILE_TOO_LARGE`, not an error).
pub fn read_bounded(root: &Path, path: &Path, kind: FileKind) -> Result<Vec<u8>> {
    let seen = judge(root, path, false)?;
    let bytes = read_regular(path, kind.cap(), seen).map_err(|e| e.into_error(path, kind))?;
    // Only a file read whole is noted: a key past the cap must still be found.
    if bytes.len() as u64 <= kind.cap() {
        note(path, &bytes);
    }
    Ok(bytes)
}

/// What is at the workspace path `path`, following links that stay inside; a path that leads
/// outside the workspace is refused.
pub fn kind_of(root: &Path, path: &Path) -> Result<Kind> {
    match judge(root, path, false)? {
        Seen(Some(kind)) => Ok(kind),
        Seen(None) => kind_following(path),
    }
}

/// [`check_inside`] and [`kind_of`] with one judgement, for a caller that words a refusal its
/// own way and takes what cannot be examined for nothing there: `Err` is the refusal of a path
/// that leads outside the workspace, `Ok(None)` a path whose kind cannot be examined.
pub fn kind_inside(root: &Path, path: &Path) -> Result<Option<Kind>> {
    Ok(match judge(root, path, false)? {
        Seen(Some(kind)) => Some(kind),
        Seen(None) => kind_following(path).ok(),
    })
}

/// The entries of the workspace folder `dir`, sorted; none when it does not exist. A folder
/// that leads outside the workspace is refused before it is listed.
pub fn list_dir(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(list_dir_kinds(root, dir)?
        .into_iter()
        .map(|(path, _)| path)
        .collect())
}

/// The entries of the workspace folder `dir`, sorted, each with what it is as the listing says
/// (a link is [`Kind::Link`], not followed: judge it with [`kind_of`]); none when the folder does
/// not exist. The folder is judged first, as for [`list_dir`]. It spares a query per entry.
pub fn list_dir_kinds(root: &Path, dir: &Path) -> Result<Vec<(PathBuf, Kind)>> {
    check_listing(root, dir)?;
    let entries = listing(dir)?;
    note_listing(dir, &entries);
    Ok(entries)
}

/// [`list_dir_kinds`], answered from the listing of `dir` this run made already, when it was
/// noting ([`note_private_keys`]): `check`'s walk of the whole workspace for files git would
/// commit (DP220), after its pass, lists again only the folders the pass did not list. A noted
/// listing is given once, then forgotten.
pub fn list_dir_kinds_noted(root: &Path, dir: &Path) -> Result<Vec<(PathBuf, Kind)>> {
    let noted = noted_listings()
        .lock()
        .ok()
        .and_then(|mut listings| listings.remove(dir.as_os_str()));
    match noted {
        Some(entries) => Ok(entries),
        None => list_dir_kinds(root, dir),
    }
}

/// What `listing` (of [`list_dir_kinds`], sorted by the bytes of its paths) lists at `path`;
/// `None` when it lists nothing there.
pub fn listed(listing: &[(PathBuf, Kind)], path: &Path) -> Option<Kind> {
    listing
        .binary_search_by(|(q, _)| q.as_os_str().cmp(path.as_os_str()))
        .ok()
        .map(|i| listing[i].1)
}

/// [`check_inside`] for `path`, an entry of a folder listed by [`list_dir_kinds`] as `listed`:
/// the folder was judged before it was listed, so only a link can lead outside.
pub fn check_entry(root: &Path, path: &Path, listed: Kind) -> Result<()> {
    match listed {
        Kind::Link => check_inside(root, path),
        _ => Ok(()),
    }
}

/// What is at `path`, an entry of a folder listed by [`list_dir_kinds`] as `listed`: as listed,
/// or for a link, judged and followed ([`kind_of`]). It spares a query per entry.
pub fn kind_of_entry(root: &Path, path: &Path, listed: Kind) -> Result<Kind> {
    match listed {
        Kind::Link => kind_of(root, path),
        listed => Ok(listed),
    }
}

/// The regular files under the workspace folder `dir`, at most `max_depth` folders deep and
/// `max_entries` in all, sorted. Links are never followed (neither to files nor to folders),
/// and special files are left out, so nothing is opened outside or blocks. Unreadable folders
/// are skipped; a `dir` that leads outside the workspace has none.
pub fn files_under(root: &Path, dir: &Path, max_depth: usize, max_entries: usize) -> Vec<PathBuf> {
    if check_inside(root, dir).is_err() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            if out.len() >= max_entries {
                return out;
            }
            let path = entry.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() && depth + 1 < max_depth => stack.push((path, depth + 1)),
                Ok(m) if m.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Workspace files: writing

/// Creates the workspace folder `dir` and its parents (judged first).
pub fn create_dir_all(root: &Path, dir: &Path) -> Result<()> {
    check_inside(root, dir)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))
}

/// Writes the workspace file `path` atomically (judged first; parent folders are created).
/// With `Overwrite::Refuse` an existing file is left untouched and an error is returned.
pub fn write_atomic(root: &Path, path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<()> {
    check_inside(root, path)?;
    write_file(Some(root), path, bytes, overwrite, None)
}

/// Removes the workspace file `path` (judged first); one already gone is not an error. Used
/// by `sign` to take away what an interrupted or failed signing left.
pub fn remove_file(root: &Path, path: &Path) -> Result<()> {
    check_inside(root, path)?;
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if is_absent(&e) => Ok(()),
        Err(e) => Err(Error::io("remove", path, e)),
    }
}

/// Removes the workspace folder `dir` if it is empty (judged first); a folder that is not
/// there or not empty is left as it is.
pub fn remove_empty_dir(root: &Path, dir: &Path) -> Result<()> {
    check_inside(root, dir)?;
    let _ = std::fs::remove_dir(dir);
    Ok(())
}

/// Makes the renames already done in the workspace folder `dir` durable, so a write made
/// after this returns can never be on disk without them (after a crash or power loss): `sign`
/// orders its two files this way.
pub fn sync_dir(root: &Path, dir: &Path) -> Result<()> {
    check_inside(root, dir)?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("write", dir, e))?;
    Ok(())
}

/// An exclusive lock on a workspace, held until it is dropped (and released by the operating
/// system when the process dies, so a killed run never leaves it held).
#[derive(Debug)]
pub struct WorkspaceLock {
    #[cfg(unix)]
    _folder: std::fs::File,
}

/// Takes an exclusive lock on the workspace rooted at `root`, waiting for another datapact
/// run that holds it: `sign` holds it while it checks for and writes a statement and its
/// signature, so two runs never interleave their files. (On systems without folder locks it
/// is a no-op.)
pub fn lock_workspace(root: &Path) -> Result<WorkspaceLock> {
    #[cfg(unix)]
    {
        let folder = std::fs::File::open(root).map_err(|e| Error::io("lock", root, e))?;
        lock(&folder).map_err(|e| Error::io("lock", root, e))?;
        Ok(WorkspaceLock { _folder: folder })
    }
    #[cfg(not(unix))]
    Ok(WorkspaceLock {})
}

// ---------------------------------------------------------------------------------------------
// The named exceptions

pub mod publish;

/// Files and folders the user named on the command line for output: `render ID --out FILE`,
/// `render --all --out DIR`, `calendar --out FILE`, `keys export-allowed-signers --out FILE`,
/// `templates export DIR`. A path named inside the workspace is a workspace file: judged, so
/// nothing is written through a link that leads out. A path named elsewhere is the user's
/// explicit choice and is not judged (a folder there may well be reached through links); the
/// atomic write still replaces a link at the destination rather than write through it.
pub mod output {
    use super::{FileKind, Kind, Overwrite};
    use crate::error::{Error, Result};
    use std::path::{Component, Path, PathBuf};

    /// Whether `path`, as named (made absolute against the current folder, `.` and `..`
    /// resolved by name, not through links), lies under the workspace root `root`.
    pub fn named_inside(root: &Path, path: &Path) -> Result<bool> {
        Ok(as_named(path)?.starts_with(root))
    }

    /// Whether `path`, as named (compared as [`named_inside`] does: no link followed), is the
    /// folder `folder` of the workspace root `root` (`templates` for `templates/`).
    pub fn names_folder(root: &Path, path: &Path, folder: &str) -> Result<bool> {
        Ok(as_named(path)? == root.join(folder))
    }

    /// `path` made absolute against the current folder, `.` and `..` resolved by name.
    fn as_named(path: &Path) -> Result<PathBuf> {
        let abs = super::absolute(path)?;
        let mut normal = PathBuf::new();
        for part in abs.components() {
            match part {
                Component::CurDir => {}
                Component::ParentDir => {
                    normal.pop();
                }
                other => normal.push(other),
            }
        }
        Ok(normal)
    }

    /// Judges `path` as a workspace file when it is named inside the workspace `root`; any
    /// other path (or no workspace) passes.
    pub fn check(root: Option<&Path>, path: &Path) -> Result<()> {
        match root {
            Some(root) if named_inside(root, path)? => super::check_inside(root, path),
            _ => Ok(()),
        }
    }

    /// What is at `path`, following links.
    pub fn kind_of(root: Option<&Path>, path: &Path) -> Result<Kind> {
        check(root, path)?;
        super::kind_following(path)
    }

    /// What is at `path` itself: a link is [`Kind::Link`], even one that points nowhere.
    pub fn kind_no_follow(root: Option<&Path>, path: &Path) -> Result<Kind> {
        check(root, path)?;
        match std::fs::symlink_metadata(path) {
            Ok(m) => Ok(Kind::of(&m)),
            Err(e) if super::is_absent(&e) => Ok(Kind::Missing),
            Err(e) => Err(Error::io("check", path, e)),
        }
    }

    /// The entries of folder `dir`, sorted; none when it does not exist.
    pub fn list_dir(root: Option<&Path>, dir: &Path) -> Result<Vec<PathBuf>> {
        match root {
            Some(root) if named_inside(root, dir)? => super::check_listing(root, dir)?,
            _ => {}
        }
        super::list(dir)
    }

    /// Reads `path`, a file of `kind` (a regular file, at most the kind's cap).
    pub fn read(root: Option<&Path>, path: &Path, kind: FileKind) -> Result<Vec<u8>> {
        check(root, path)?;
        super::read_capped(path, kind).map_err(|e| e.into_error(path, kind))
    }

    /// Writes `path` atomically, creating parent folders.
    pub fn write_atomic(
        root: Option<&Path>,
        path: &Path,
        bytes: &[u8],
        overwrite: Overwrite,
    ) -> Result<()> {
        check(root, path)?;
        super::write_file(root, path, bytes, overwrite, None)
    }

    /// Removes the file (or link) `path`; one already gone is not an error.
    pub fn remove_file(root: Option<&Path>, path: &Path) -> Result<()> {
        check(root, path)?;
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("remove", path, e)),
        }
    }
}

/// Paths that are legitimately outside any workspace, each entrance named for its purpose:
/// finding and creating the workspace itself, the user's key files, and git's question where a
/// work tree is. None of them is judged against a workspace; the reads are still capped and
/// refuse special files, and the writes are still atomic.
pub mod outside {
    use super::{FileKind, Overwrite};
    use crate::error::{Error, Result};
    use std::path::{Path, PathBuf};

    /// The canonical form of a path the user named (`-C DIR`, a target file, `init DIR`) or of
    /// the workspace root, before it is judged or opened.
    pub fn canonicalize(path: &Path) -> std::io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    /// Whether `path` is a regular file (following links): the private key beside a `.pub`
    /// the user named by mistake.
    pub fn is_file(path: &Path) -> bool {
        path.is_file()
    }

    /// Whether `path` is a folder (following links): where git looks for a work tree, and the
    /// folders on the way to a private key's destination.
    pub fn is_dir(path: &Path) -> bool {
        path.is_dir()
    }

    /// Whether anything is at `path` itself, a link pointing nowhere included: the upward
    /// search for `datapact.toml`, and an existing key file, which is never overwritten.
    pub fn exists_no_follow(path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }

    /// The Unix permission bits of `path` (following links): a private key or passphrase file
    /// others can read is refused.
    #[cfg(unix)]
    pub fn mode(path: &Path) -> Result<u32> {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
        Ok(meta.permissions().mode() & 0o777)
    }

    /// Reads a file the user named: a private key (`--key`), a passphrase file, a public key
    /// to enrol. A regular file only, at most the kind's cap.
    pub fn read(path: &Path, kind: FileKind) -> Result<Vec<u8>> {
        super::read_capped(path, kind).map_err(|e| e.into_error(path, kind))
    }

    /// Reads an agreement file the user named outside any workspace (`validate FILE` where no
    /// workspace is found): the name must be the file itself, never a symbolic link (there is
    /// no workspace to judge where a link leads, so none is followed), a regular file, read up
    /// to one byte over the kind's cap (a file over it becomes a finding, as in a workspace).
    pub fn read_file_no_follow(path: &Path, kind: FileKind) -> Result<Vec<u8>> {
        let refuse = || {
            Error::input(format!(
                "{} is a symbolic link; outside a workspace datapact reads a file only by its own name, never through a link",
                path.display()
            ))
            .with_hint("name the file the link points to, or copy the file here")
        };
        let named = std::fs::symlink_metadata(path).map_err(|e| Error::io("read", path, e))?;
        if named.file_type().is_symlink() {
            return Err(refuse());
        }
        let (file, len) = super::open_regular(path, super::Seen(Some(super::Kind::of(&named))))
            .map_err(|e| e.into_error(path, kind))?;
        // Swapped for a link (or another file) between the look and the opening.
        if !super::still_at(path, &file) {
            return Err(refuse());
        }
        super::read_open(file, len, kind.cap()).map_err(|e| e.into_error(path, kind))
    }

    /// Creates a folder and its parents where `init` makes a workspace.
    pub fn create_dir_all(dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))
    }

    /// Creates the folder for private keys (and its parents), readable only by its owner.
    pub fn create_private_dir(dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io("set permissions on", dir, e))?;
        }
        Ok(())
    }

    /// Writes a key file atomically, with Unix permission bits `mode` set on the temporary file
    /// before it is renamed into place (so a private key is never readable by others, even for
    /// a moment).
    pub fn write_atomic(
        path: &Path,
        bytes: &[u8],
        overwrite: Overwrite,
        mode: Option<u32>,
    ) -> Result<()> {
        super::write_file(None, path, bytes, overwrite, mode)
    }

    /// Removes a key file written by a command that then failed.
    pub fn remove_file(path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }

    /// Appends `bytes` with one write to the file the CI runner named for the job summary
    /// (`$GITHUB_STEP_SUMMARY`), creating it if missing, as GitHub expects steps to do (it
    /// concatenates what each step appended); the one write that is not atomic, since the file
    /// is shared by every step. Only a regular file (or none yet) is written: a folder, FIFO or
    /// device is refused by its type before it is opened.
    pub fn append(path: &Path, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            return Err(Error::new(
                crate::error::ErrorKind::Io,
                format!(
                    "cannot append to {}: it is not a regular file",
                    path.display()
                ),
            )
            .with_hint("point GITHUB_STEP_SUMMARY at a regular file, or unset it"));
        }
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes))
            .map_err(|e| Error::io("append to", path, e))
    }
}

// ---------------------------------------------------------------------------------------------
// The mechanics, shared by every entrance (none of them judges)

/// `path` made absolute against the current folder (`.` and `..` kept as written).
fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir()
        .map_err(|e| Error::io("read", Path::new("."), e))?
        .join(path))
}

/// Whether an error means nothing is there: not found, or a path component is not a folder.
fn is_absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

fn kind_following(path: &Path) -> Result<Kind> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(Kind::of(&m)),
        Err(e) if is_absent(&e) => Ok(Kind::Missing),
        Err(e) => Err(Error::io("check", path, e)),
    }
}

fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(listing(dir)?.into_iter().map(|(path, _)| path).collect())
}

/// The entries of `dir`, sorted, each with its kind as the listing gives it (no link followed);
/// none when `dir` does not exist.
fn listing(dir: &Path) -> Result<Vec<(PathBuf, Kind)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("read directory", dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read directory", dir, e))?;
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => Kind::Link,
            Ok(t) if t.is_file() => Kind::File,
            Ok(t) if t.is_dir() => Kind::Dir,
            Ok(_) => Kind::Other,
            Err(e) => return Err(Error::io("read directory", dir, e)),
        };
        out.push((entry.path(), kind));
    }
    // Entries of one folder differ only in their names, so their bytes sort them as their
    // components do (`Path`'s order), without taking each apart into components.
    out.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    Ok(out)
}

/// Reads the regular file `path`, at most `cap` bytes; longer is [`ReadError::TooLarge`].
fn read_capped(path: &Path, kind: FileKind) -> Result<Vec<u8>, ReadError> {
    let bytes = read_regular(path, kind.cap(), Seen(None))?;
    if bytes.len() as u64 > kind.cap() {
        return Err(ReadError::TooLarge { max: kind.cap() });
    }
    Ok(bytes)
}

/// Reads at most `cap` + 1 bytes of `path` (so a caller can tell a file over the cap), after
/// checking that it is a regular file: a FIFO found as one is never opened (nor waited on when
/// swapped in after the check), and a file swapped for something else between the check and the
/// opening is refused on the opened handle. `seen`: what the gate's judgement has just found
/// there, not asked again ([`open_regular`]).
fn read_regular(path: &Path, cap: u64, seen: Seen) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path, seen)?;
    read_open(file, len, cap)
}

/// Opens `path` after checking that it is a regular file (following links; unless `seen` says
/// it was just found one), and checks the opened handle again: the file and its length.
/// A file just found regular is opened without following a link and without waiting: swapped
/// since for a link, it is not opened (ELOOP); for a FIFO, the open does not block and the
/// handle's check refuses it.
fn open_regular(path: &Path, seen: Seen) -> Result<(std::fs::File, u64), ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if seen != Seen(Some(Kind::File)) {
        let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular { dir: meta.is_dir() });
        }
    } else {
        #[cfg(unix)]
        {
            use rustix::fs::OFlags;
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
        }
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let opened = file.metadata().map_err(ReadError::Io)?;
    if !opened.is_file() {
        return Err(ReadError::NotRegular {
            dir: opened.is_dir(),
        });
    }
    Ok((file, opened.len()))
}

/// Reads at most `cap` + 1 bytes of an opened file of length `len`.
fn read_open(file: std::fs::File, len: u64, cap: u64) -> Result<Vec<u8>, ReadError> {
    // Sized from the file's length, so a file is read in one call (and one more that finds its
    // end), not in a dozen growing ones.
    let mut bytes = Vec::with_capacity(len.min(cap) as usize + 1);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    Ok(bytes)
}

/// The names of datapact's temporary files: `.datapact-XXXXXX.tmp`, in the folder of the file
/// being written.
const TEMP_PREFIX: &str = ".datapact-";
const TEMP_SUFFIX: &str = ".tmp";

/// Whether `name` is one of datapact's temporary file names (see [`TEMP_PREFIX`]).
pub fn is_temporary_name(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// Takes an exclusive `flock` on `file`, waiting for another holder; released when the file is
/// closed, or when the process dies. (A no-op where there are no such locks.)
fn lock(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive)?;
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Takes an exclusive `flock` on `file` if no one holds one; whether it did. (Never, where
/// there are no such locks, so nothing is ever taken for stale there.)
fn try_lock(file: &std::fs::File) -> bool {
    #[cfg(unix)]
    return rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok();
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

/// Whether the name `path` still leads to the open file `file` (not removed, not replaced).
fn still_at(path: &Path, file: &std::fs::File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::symlink_metadata(path), file.metadata()) {
            (Ok(named), Ok(open)) => named.dev() == open.dev() && named.ino() == open.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// A new temporary file in `dir`, locked (an exclusive `flock`) for as long as it is open, so
/// [`remove_stale_temporaries`] in another run can tell it is in use. A temporary file that such
/// a run removed in the moment between its creation and its locking is given up for a new one.
fn locked_temporary(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut attempts = 0;
    loop {
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(without_path)?;
        lock(tmp.as_file())?;
        attempts += 1;
        if still_at(tmp.path(), tmp.as_file()) || attempts == 3 {
            return Ok(tmp);
        }
    }
}

/// An error of the temporary file's, without the temporary file's name that `tempfile` adds
/// ("... at path .datapact-4wpbhX.tmp"): messages name the file being written, which is what the
/// user asked for and can act on.
fn without_path(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<std::io::Error>())
            .and_then(std::io::Error::raw_os_error)
            .map_or_else(
                || std::io::Error::from(e.kind()),
                std::io::Error::from_raw_os_error,
            ),
    }
}

/// Removes the temporary files that datapact runs killed while writing left in `dir`, and
/// returns them. One is stale when no process holds its lock: every run holds the lock on its
/// temporary file from just after creating it until it is renamed into place, and the operating
/// system releases it when a run dies, so a file in use by a concurrent run is never removed.
/// Only regular files named like ours (`.datapact-*.tmp`) are considered; links and anything
/// else are left alone.
fn remove_stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !entry.file_name().to_str().is_some_and(is_temporary_name) {
            continue;
        }
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        // Held by a live run (or locks unsupported here): not ours to remove.
        if !try_lock(&file) || !still_at(&path, &file) {
            continue;
        }
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder (parent folders
/// created), then renamed into place, so a reader never sees half a file and a link at `path`
/// is replaced rather than written through. With `Overwrite::Refuse` an existing file (or
/// link) is left untouched and an error is returned. Temporary files that runs killed while
/// writing left in that folder are removed first, and a note says so (naming each relative to
/// the workspace `root` when it is inside it).
fn write_file(
    root: Option<&Path>,
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
    for stale in remove_stale_temporaries(dir) {
        let shown = match root {
            Some(root) if stale.starts_with(root) => display_in(root, &stale),
            _ => stale.display().to_string(),
        };
        crate::term::note(&format!(
            "removed {shown}, a temporary file left by an interrupted datapact run"
        ));
    }
    let mut tmp = locked_temporary(dir).map_err(|e| Error::io("write", path, e))?;
    // The temporary file is created readable only by its owner. Give the result the mode
    // asked for; else keep a replaced file's mode (a regular file's, not a link's target's);
    // else the usual 0644 for a new file, so a workspace or a published site stays readable by
    // the people and servers meant to read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = mode.unwrap_or_else(|| match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => m.permissions().mode() & 0o7777,
            _ => 0o644,
        });
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("write", path, e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed write names the file being written, never datapact's temporary file.
    #[test]
    fn a_failed_write_names_the_target_not_the_temporary_file() {
        let (_dir, root) = root();
        let missing = root.join("no-such-folder");
        let e = locked_temporary(&missing).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
        assert!(!e.to_string().contains(TEMP_PREFIX), "{e}");
        let target = root.join("agreements/x.toml");
        let message = Error::io("write", &target, e).to_string();
        assert!(message.contains("agreements/x.toml"), "{message}");
        assert!(!message.contains(TEMP_PREFIX), "{message}");
    }

    /// A path is shown relative to the root, its named components joined by `/`, whatever
    /// else is in it (`.`, `..`, a name that is not UTF-8, a path outside the root).
    #[cfg(unix)]
    #[test]
    fn a_path_is_shown_relative_to_the_root_with_slashes() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/ws");
        let shown = |p: &Path| display_in(root, p);
        assert_eq!(
            shown(Path::new("/ws/signatures/a/v1/p.toml")),
            "signatures/a/v1/p.toml"
        );
        assert_eq!(
            shown(Path::new("/ws/./agreements/../x.toml")),
            "agreements/x.toml"
        );
        assert_eq!(shown(Path::new("/ws")), "");
        assert_eq!(shown(Path::new("/elsewhere/b.toml")), "elsewhere/b.toml");
        assert_eq!(shown(Path::new("relative/c.toml")), "relative/c.toml");
        let odd = Path::new("/ws/keys").join(std::ffi::OsStr::from_bytes(b"k\xffy.toml"));
        assert_eq!(shown(&odd), "keys/k\u{fffd}y.toml");
    }

    /// A canonical temporary folder to be a workspace root.
    fn root() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        (dir, root)
    }

    /// A file of `len` bytes (a TOML comment, then newlines) at `dir/name`.
    fn file_of(dir: &Path, name: &str, len: u64) -> PathBuf {
        let path = dir.join(name);
        let mut bytes = b"# filler\n".to_vec();
        bytes.resize(usize::try_from(len).unwrap(), b'\n');
        std::fs::write(&path, &bytes).unwrap();
        path
    }

    #[test]
    fn a_file_of_exactly_the_cap_is_read_whole_and_one_byte_more_is_too_large() {
        let (_dir, root) = root();
        for kind in [
            FileKind::Statement,
            FileKind::Signature,
            FileKind::TrustStore,
            FileKind::Template,
        ] {
            let max = kind.cap();
            let exact = file_of(&root, "exact", max);
            let read = try_read(&root, &exact, kind).unwrap();
            assert_eq!(read.len() as u64, max, "{kind:?}");
            assert_eq!(read, std::fs::read(&exact).unwrap());
            let over = file_of(&root, "over", max + 1);
            match try_read(&root, &over, kind) {
                Err(ReadError::TooLarge { max: m }) => assert_eq!(m, max),
                other => panic!("{kind:?}: {other:?}"),
            }
            // Bounded, the file over the cap comes back one byte longer than the cap.
            let bounded = read_bounded(&root, &over, kind).unwrap();
            assert_eq!(bounded.len() as u64, max + 1, "{kind:?}");
            let short = file_of(&root, "short", max - 1);
            assert_eq!(try_read(&root, &short, kind).unwrap().len() as u64, max - 1);
        }
        let missing = try_read(&root, &root.join("missing"), FileKind::Statement).unwrap_err();
        assert!(missing.is_missing(), "{missing:?}");
    }

    /// The caps: 16 KiB for statements and signatures (docs/signing.md, threat table: "size
    /// caps (16 KiB)"), 16 KiB for key files, 256 KiB for trust store files, 1 MiB for
    /// agreements. A file of exactly the cap is accepted, one byte more is refused, naming the
    /// file, the cap and what it was meant to be.
    #[test]
    fn each_cap_accepts_a_file_of_its_size_and_refuses_one_byte_more() {
        let (_dir, root) = root();
        for (kind, kib, what) in [
            (FileKind::Signature, 16, "a signature"),
            (FileKind::Statement, 16, "a statement"),
            (FileKind::PublicKey, 16, "a public key"),
            (FileKind::PrivateKey, 16, "a private key"),
            (FileKind::Passphrase, 16, "a passphrase file"),
            (FileKind::TrustStore, 256, "a trust store file"),
            (FileKind::Agreement, 1024, "an agreement file"),
            (FileKind::Config, 1024, "a workspace settings file"),
        ] {
            let max = kind.cap();
            assert_eq!(max, kib * 1024, "{what}: {kib} KiB");
            assert_eq!(kind.what(), what);
            let exact = file_of(&root, "exact", max);
            assert_eq!(read(&root, &exact, kind).unwrap().len() as u64, max);
            assert_eq!(outside::read(&exact, kind).unwrap().len() as u64, max);
            let over = file_of(&root, "over", max + 1);
            for err in [
                read(&root, &over, kind).unwrap_err(),
                outside::read(&over, kind).unwrap_err(),
            ] {
                assert_eq!(
                    err.message,
                    format!(
                        "{} is larger than {max} bytes, too large to be {what}",
                        over.display()
                    )
                );
                assert_eq!(err.exit_code(), 2);
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_workspace_is_refused_for_every_read_query_and_write() {
        use std::os::unix::fs::symlink;
        let (_dir, root) = root();
        let (_away, away) = root_outside();
        std::fs::write(away.join("secret"), "secret\n").unwrap();
        // A file that is a link out, and a folder that is one.
        symlink(away.join("secret"), root.join("datapact.toml")).unwrap();
        symlink(&away, root.join("keys")).unwrap();
        let file = root.join("datapact.toml");
        let err = read(&root, &file, FileKind::Config).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "datapact.toml is a link to {}, outside the workspace",
                away.join("secret").display()
            )
        );
        assert_eq!(err.exit_code(), 2);
        assert!(matches!(
            try_read(&root, &file, FileKind::Config),
            Err(ReadError::Refused(_))
        ));
        assert!(read_bounded(&root, &file, FileKind::Config).is_err());
        assert!(kind_of(&root, &file).is_err());
        assert!(canonical(&root, &file).is_err());
        // Through the linked folder: an existing file and one not yet written.
        let through = format!("leads through keys, a link to {}", away.display());
        let err = read(&root, &root.join("keys/secret"), FileKind::TrustStore).unwrap_err();
        assert_eq!(
            err.message,
            format!("keys/secret {through}, outside the workspace")
        );
        let err = super::write_atomic(&root, &root.join("keys/new.toml"), b"x", Overwrite::Allow)
            .unwrap_err();
        assert_eq!(
            err.message,
            format!("keys/new.toml {through}, outside the workspace")
        );
        assert!(create_dir_all(&root, &root.join("keys/sub")).is_err());
        let err = list_dir(&root, &root.join("keys")).unwrap_err();
        assert_eq!(
            err.message,
            format!("keys/ {through}, outside the workspace")
        );
        assert!(files_under(&root, &root.join("keys"), 8, 100).is_empty());
        // Nothing was written outside.
        let mut names: Vec<_> = std::fs::read_dir(&away)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["secret"]);
        // `..` above the root is out too, and after a folder not there yet it cannot be judged.
        let err = check_inside(&root, &root.join("..")).unwrap_err();
        assert!(
            err.message
                .ends_with("climbs above the workspace root, outside the workspace")
        );
        let err = check_inside(&root, &root.join("new/../x.toml")).unwrap_err();
        assert!(err.message.contains("climbs with `..`"), "{}", err.message);
        std::fs::create_dir(root.join("real")).unwrap();
        assert!(check_inside(&root, &root.join("real/../x.toml")).is_ok());
        // A link that stays inside is followed.
        std::fs::write(root.join("real.toml"), "a = 1\n").unwrap();
        symlink(root.join("real.toml"), root.join("inside.toml")).unwrap();
        assert_eq!(
            read(&root, &root.join("inside.toml"), FileKind::Agreement).unwrap(),
            b"a = 1\n"
        );
    }

    /// A second canonical temporary folder, outside the workspace.
    fn root_outside() -> (tempfile::TempDir, PathBuf) {
        root()
    }

    /// What a query says is at a path, answered from the judgement's own look where it can, is
    /// what following links says: for files, folders, links inside (to a file, to a folder, to
    /// nothing), FIFOs, absent paths and paths below absent folders or below a file; asked twice,
    /// so the second answer comes through the folders already judged.
    #[cfg(unix)]
    #[test]
    fn what_a_query_finds_is_what_following_links_finds() {
        let (_dir, root) = root();
        let at = |p: &str| root.join(p);
        std::fs::create_dir_all(at("d/e")).unwrap();
        std::fs::write(at("d/f.toml"), "x").unwrap();
        std::os::unix::fs::symlink(at("d/f.toml"), at("d/to-file")).unwrap();
        std::os::unix::fs::symlink(at("d/e"), at("d/to-dir")).unwrap();
        std::os::unix::fs::symlink(at("d/none"), at("d/dangling")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(at("d/pipe"))
            .status()
            .unwrap();
        assert!(made.success());
        for _ in 0..2 {
            for p in [
                "d",
                "d/e",
                "d/f.toml",
                "d/to-file",
                "d/to-dir",
                "d/to-dir/x",
                "d/dangling",
                "d/pipe",
                "d/none",
                "d/none/x",
                "d/f.toml/x",
                "d/e/../f.toml",
            ] {
                assert_eq!(
                    kind_of(&root, &at(p)).unwrap(),
                    kind_following(&at(p)).unwrap(),
                    "{p}"
                );
            }
        }
    }

    /// A file the judgement found regular is opened without asking again; swapped since for a
    /// link it is not opened, and for a FIFO the open does not wait and the handle refuses it.
    #[cfg(unix)]
    #[test]
    fn a_file_swapped_after_its_judgement_is_refused_on_opening() {
        let (_dir, root) = root();
        let file = root.join("agreements/a.toml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "id = 1\n").unwrap();
        assert_eq!(judge(&root, &file, false).unwrap(), Seen(Some(Kind::File)));
        let (_, len) = open_regular(&file, Seen(Some(Kind::File))).unwrap();
        assert_eq!(len, 7);
        // Swapped for a link (to a file inside, even): not followed.
        let other = root.join("agreements/b.toml");
        std::fs::write(&other, "id = 2\n").unwrap();
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&other, &file).unwrap();
        assert_eq!(judge(&root, &file, false).unwrap(), Seen(None));
        assert!(matches!(
            open_regular(&file, Seen(Some(Kind::File))),
            Err(ReadError::Io(_))
        ));
        // Judged again, the link inside is followed.
        assert_eq!(
            read(&root, &file, FileKind::Agreement).unwrap(),
            b"id = 2\n"
        );
        // Swapped for a FIFO: refused at once, not waited on.
        std::fs::remove_file(&file).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&file)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            open_regular(&file, Seen(Some(Kind::File))),
            Err(ReadError::NotRegular { dir: false })
        ));
    }

    /// An entry read as its folder's listing found it gives what reading it after judging its
    /// path gives: the file; a link out of the workspace refused, naming it, whether it was
    /// listed as a link or was swapped in after the listing; a FIFO or folder refused without
    /// waiting; a file gone since missing; a file over the cap too large.
    #[cfg(unix)]
    #[test]
    fn an_entry_read_as_listed_is_what_a_judged_read_gives() {
        use std::os::unix::fs::symlink;
        let (_dir, root) = root();
        let (_away, away) = root_outside();
        std::fs::write(away.join("secret"), "secret\n").unwrap();
        let dir = root.join("signatures/a/v1");
        std::fs::create_dir_all(&dir).unwrap();
        let at = |name: &str| dir.join(name);
        std::fs::write(at("p.toml"), "x = 1\n").unwrap();
        std::fs::write(at("swapped.toml"), "x = 2\n").unwrap();
        std::fs::write(at("fifo.toml"), "x = 3\n").unwrap();
        std::fs::write(at("gone.toml"), "x = 4\n").unwrap();
        std::fs::create_dir(at("folder.toml")).unwrap();
        file_of(&dir, "big.toml", MAX_SIGNATURE_FILE_BYTES + 1);
        symlink(away.join("secret"), at("out.toml")).unwrap();
        symlink(at("p.toml"), at("in.toml")).unwrap();
        let listing = list_dir_kinds(&root, &dir).unwrap();
        assert_eq!(listed(&listing, &at("p.toml")), Some(Kind::File));
        assert_eq!(listed(&listing, &at("out.toml")), Some(Kind::Link));
        assert_eq!(listed(&listing, &at("folder.toml")), Some(Kind::Dir));
        assert_eq!(listed(&listing, &at("none.toml")), None);
        assert_eq!(listed(&listing, &root.join("signatures/a")), None);
        // Changed since the listing.
        std::fs::remove_file(at("swapped.toml")).unwrap();
        symlink(away.join("secret"), at("swapped.toml")).unwrap();
        std::fs::remove_file(at("fifo.toml")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(at("fifo.toml"))
            .status()
            .unwrap();
        assert!(made.success());
        std::fs::remove_file(at("gone.toml")).unwrap();
        let read = |name: &str| {
            let path = at(name);
            let kind = listed(&listing, &path).unwrap_or(Kind::Missing);
            try_read_entry(&root, &path, kind, FileKind::Statement)
        };
        assert_eq!(read("p.toml").unwrap(), b"x = 1\n");
        assert_eq!(read("in.toml").unwrap(), b"x = 1\n");
        for name in ["out.toml", "swapped.toml"] {
            match read(name) {
                Err(ReadError::Refused(e)) => assert_eq!(
                    e.message,
                    format!(
                        "signatures/a/v1/{name} is a link to {}, outside the workspace",
                        away.join("secret").display()
                    )
                ),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(matches!(
            read("fifo.toml"),
            Err(ReadError::NotRegular { dir: false })
        ));
        assert!(matches!(
            read("folder.toml"),
            Err(ReadError::NotRegular { dir: true })
        ));
        assert!(read("gone.toml").unwrap_err().is_missing());
        assert!(read("none.toml").unwrap_err().is_missing());
        assert!(matches!(
            read("big.toml"),
            Err(ReadError::TooLarge {
                max: MAX_SIGNATURE_FILE_BYTES
            })
        ));
    }

    /// One judgement answers both questions: a path that leads out is refused as
    /// [`check_inside`] refuses it; any other is what [`kind_of`] finds.
    #[cfg(unix)]
    #[test]
    fn a_kind_inside_is_the_refusal_of_check_inside_or_the_kind_of_kind_of() {
        use std::os::unix::fs::symlink;
        let (_dir, root) = root();
        let (_away, away) = root_outside();
        std::fs::create_dir_all(root.join("d/e")).unwrap();
        std::fs::write(root.join("d/f"), "x").unwrap();
        symlink(&away, root.join("d/out")).unwrap();
        symlink(root.join("d/e"), root.join("d/in")).unwrap();
        for p in [
            "d", "d/e", "d/f", "d/in", "d/none", "d/none/x", "d/out", "d/out/x",
        ] {
            let path = root.join(p);
            match kind_inside(&root, &path) {
                Err(e) => assert_eq!(e.message, check_inside(&root, &path).unwrap_err().message),
                Ok(kind) => {
                    assert!(check_inside(&root, &path).is_ok(), "{p}");
                    assert_eq!(kind, kind_of(&root, &path).ok(), "{p}");
                }
            }
        }
        assert!(kind_inside(&root, &root.join("d/out")).is_err());
        assert_eq!(
            kind_inside(&root, &root.join("d/in")).unwrap(),
            Some(Kind::Dir)
        );
        assert_eq!(
            kind_inside(&root, &root.join("d/none")).unwrap(),
            Some(Kind::Missing)
        );
    }

    #[cfg(unix)]
    #[test]
    fn directories_and_fifos_are_refused_by_type_before_they_are_opened() {
        let (_dir, root) = root();
        let dir = root.join("agreements/x.toml");
        std::fs::create_dir_all(&dir).unwrap();
        let err = read(&root, &dir, FileKind::Agreement).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "cannot read {}: it is a directory, not an agreement file",
                dir.display()
            )
        );
        assert_eq!(err.exit_code(), 2);
        let fifo = root.join("agreements/pipe.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening it would block this test for ever: the type is checked first.
        for kind in [FileKind::Agreement, FileKind::Signature, FileKind::Template] {
            let err = read(&root, &fifo, kind).unwrap_err();
            assert_eq!(
                err.message,
                format!(
                    "cannot read {}: it is not a regular file (a FIFO, device or socket), so it is not opened",
                    fifo.display()
                ),
                "{kind:?}"
            );
            assert!(matches!(
                try_read(&root, &fifo, kind),
                Err(ReadError::NotRegular { dir: false })
            ));
        }
        assert!(outside::read(&fifo, FileKind::PrivateKey).is_err());
        assert_eq!(kind_of(&root, &fifo).unwrap(), Kind::Other);
        assert_eq!(kind_of(&root, &dir).unwrap(), Kind::Dir);
        assert_eq!(kind_of(&root, &root.join("none")).unwrap(), Kind::Missing);
        // Special files are left out of a search, never opened.
        assert!(files_under(&root, &root.join("agreements"), 8, 100).is_empty());
    }

    #[test]
    fn a_folder_listing_is_sorted_and_a_missing_folder_is_empty() {
        let (_dir, root) = root();
        assert!(
            list_dir(&root, &root.join("agreements"))
                .unwrap()
                .is_empty()
        );
        std::fs::create_dir(root.join("agreements")).unwrap();
        for name in [
            "b.toml", "a.toml", "c.md", "a", "a-b", "a.b", "B", "é", "a b",
        ] {
            std::fs::write(root.join("agreements").join(name), "").unwrap();
        }
        let listed = list_dir(&root, &root.join("agreements")).unwrap();
        let names: Vec<_> = listed
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "B", "a", "a b", "a-b", "a.b", "a.toml", "b.toml", "c.md", "é"
            ]
        );
        // In the order of `Path` too, which callers search the listing by.
        let mut by_path = listed.clone();
        by_path.sort();
        assert_eq!(listed, by_path);
        // A file where a folder should be is an error, not an empty folder.
        std::fs::write(root.join("keys"), "not a folder").unwrap();
        let err = list_dir(&root, &root.join("keys")).unwrap_err();
        assert!(
            err.message.starts_with("cannot read directory"),
            "{}",
            err.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn output_is_judged_inside_the_workspace_and_free_outside_but_never_written_through_a_link() {
        use std::os::unix::fs::symlink;
        let (_dir, root) = root();
        let (_away, away) = root_outside();
        symlink(&away, root.join("site")).unwrap();
        // Named inside the workspace, through a link out: refused, by any spelling.
        for named in [
            root.join("site/index.html"),
            root.join("site/../site/index.html"),
        ] {
            let err =
                output::write_atomic(Some(&root), &named, b"x", Overwrite::Allow).unwrap_err();
            assert!(
                err.message.contains("leads through site, a link to"),
                "{}",
                err.message
            );
        }
        assert!(output::list_dir(Some(&root), &root.join("site")).is_err());
        // `..` after a folder still to be created would reach the link only once that folder
        // exists: refused, and nothing is created.
        let err = output::write_atomic(
            Some(&root),
            &root.join("new/../site/index.html"),
            b"x",
            Overwrite::Allow,
        )
        .unwrap_err();
        assert!(err.message.contains("climbs with `..`"), "{}", err.message);
        assert!(!root.join("new").exists());
        assert!(!away.join("index.html").exists());
        // Named outside: the user's choice, even through the same link's target.
        output::write_atomic(
            Some(&root),
            &away.join("index.html"),
            b"ok",
            Overwrite::Allow,
        )
        .unwrap();
        assert_eq!(std::fs::read(away.join("index.html")).unwrap(), b"ok");
        // A link at the destination is replaced by the file, its target left alone.
        let victim = away.join("victim");
        std::fs::write(&victim, "victim\n").unwrap();
        symlink(&victim, away.join("page.html")).unwrap();
        assert_eq!(
            output::kind_no_follow(Some(&root), &away.join("page.html")).unwrap(),
            Kind::Link
        );
        output::write_atomic(None, &away.join("page.html"), b"page", Overwrite::Allow).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"victim\n");
        assert_eq!(
            output::kind_no_follow(None, &away.join("page.html")).unwrap(),
            Kind::File
        );
        // Refusing to overwrite counts a dangling link as taken.
        symlink(away.join("nowhere"), away.join("dangling")).unwrap();
        assert!(
            output::write_atomic(None, &away.join("dangling"), b"x", Overwrite::Refuse).is_err()
        );
        assert!(!away.join("nowhere").exists());
        output::remove_file(None, &away.join("dangling")).unwrap();
        output::remove_file(None, &away.join("dangling")).unwrap();
    }

    // Atomic writes (moved here from fsutil.rs). A plain write (`std::fs::write`, truncate and
    // write in place) fails each of the tests below; only a new file renamed into place passes
    // them.

    fn write_atomic(path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<()> {
        write_file(None, path, bytes, overwrite, None)
    }

    fn write_atomic_with_mode(
        path: &Path,
        bytes: &[u8],
        overwrite: Overwrite,
        mode: Option<u32>,
    ) -> Result<()> {
        outside::write_atomic(path, bytes, overwrite, mode)
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
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

    #[cfg(unix)]
    #[test]
    fn new_files_are_0644_replaced_files_keep_their_mode_and_keys_stay_private() {
        use std::os::unix::fs::PermissionsExt;
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

    #[cfg(unix)]
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

    #[cfg(unix)]
    #[test]
    fn a_reader_of_the_old_file_reads_it_whole_after_the_write() {
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

    #[cfg(unix)]
    #[test]
    fn a_mode_asked_for_applies_to_a_replaced_file_too() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, b"old").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic_with_mode(&key, b"secret", Overwrite::Allow, Some(0o600)).unwrap();
        // Written in place, the file would keep its old, readable mode.
        assert_eq!(mode(&key), 0o600);
        assert_eq!(std::fs::read(&key).unwrap(), b"secret");
    }

    /// A killed run leaves its temporary file; the next write in that folder removes it (and
    /// only it): a temporary file another run holds locked is in use and stays, and so do
    /// links, folders and files that are not named like ours.
    #[cfg(unix)]
    #[test]
    fn the_next_write_removes_stale_temporary_files_and_never_one_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(".datapact-Stale1.tmp"), "half a file").unwrap();
        std::fs::write(d.join(".datapact-Stale2.tmp"), "").unwrap();
        let busy = d.join(".datapact-Busy01.tmp");
        std::fs::write(&busy, "being written").unwrap();
        let held = std::fs::File::open(&busy).unwrap();
        lock(&held).unwrap();
        std::fs::create_dir(d.join(".datapact-Folder.tmp")).unwrap();
        std::fs::write(d.join("target"), "t").unwrap();
        std::os::unix::fs::symlink(d.join("target"), d.join(".datapact-Link01.tmp")).unwrap();
        for other in [
            ".datapact-.tmp",
            "datapact-Other1.tmp",
            ".datapact-Other2.toml",
        ] {
            std::fs::write(d.join(other), "x").unwrap();
        }
        assert!(is_temporary_name(".datapact-a.tmp"));
        assert!(!is_temporary_name(".datapact-.tmp"));
        let removed = remove_stale_temporaries(d);
        assert_eq!(
            removed,
            [
                d.join(".datapact-Stale1.tmp"),
                d.join(".datapact-Stale2.tmp")
            ]
        );
        assert_eq!(
            names(d),
            [
                ".datapact-.tmp",
                ".datapact-Busy01.tmp",
                ".datapact-Folder.tmp",
                ".datapact-Link01.tmp",
                ".datapact-Other2.toml",
                "datapact-Other1.tmp",
                "target"
            ]
        );
        // Once its writer is gone (the lock released, as when a process dies), it is stale.
        drop(held);
        std::fs::write(d.join(".datapact-Stale3.tmp"), "").unwrap();
        write_atomic(&d.join("f.toml"), b"a = 1\n", Overwrite::Refuse).unwrap();
        assert!(!d.join(".datapact-Stale3.tmp").exists());
        assert!(d.join("f.toml").exists() && d.join(".datapact-Link01.tmp").exists());
        // An flock goes with the last descriptor of its open file, and a process that another
        // test thread is starting holds a copy of every descriptor until it runs its program
        // (close-on-exec): for that moment the lock is still held and the file rightly left.
        // So the next clean-ups are given a few chances; a lock never released still fails.
        for _ in 0..200 {
            if !busy.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            remove_stale_temporaries(d);
        }
        assert!(
            !busy.exists(),
            "a temporary file whose writer is gone is removed"
        );
    }

    /// The write's own temporary file is locked while it exists, so a concurrent run's
    /// clean-up leaves it alone; a temporary file removed under its writer is noticed.
    #[cfg(unix)]
    #[test]
    fn a_temporary_file_in_use_is_locked_and_its_removal_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = locked_temporary(dir.path()).unwrap();
        assert!(still_at(tmp.path(), tmp.as_file()));
        let other = std::fs::File::open(tmp.path()).unwrap();
        assert!(!try_lock(&other), "the writer holds the lock");
        assert!(remove_stale_temporaries(dir.path()).is_empty());
        assert!(tmp.path().exists());
        std::fs::remove_file(tmp.path()).unwrap();
        assert!(!still_at(tmp.path(), tmp.as_file()));
    }

    #[cfg(unix)]
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
