//! History verification (`verify --history`, `check --history`): one walk over the current
//! branch's history (first parent, oldest commit first) through `agreements/`, `signatures/`
//! and `keys/`, then a replay of each agreement's timeline. Reported, each finding naming the
//! commit (short id, date, author, summary) and the file it concerns:
//!
//! - DP401 a version number that went down, or a file given again the bytes of a superseded
//!   version (rollback);
//! - DP402 content changed under a version number after a statement for that version named
//!   the bytes before the change;
//! - DP403 a version number raised by more than one;
//! - DP404 statements, signatures or whole version directories that a commit held and HEAD
//!   does not (removed or renamed);
//! - DP405 a statement whose `previous_sha256` is not what the latest earlier signed version's
//!   statements covered in history;
//! - DP406 a statement that does not verify (signature, key never enrolled for its party,
//!   fields not those of its path) or names agreement bytes its version never had;
//! - DP407 every change to a trust store file, with the key ids enrolled, revoked, changed or
//!   removed.
//!
//! Cost: the walk opens only the subtrees a commit changed, each blob is read, hashed, parsed
//! or verified once (caches by blob id), and each agreement keeps its own small state, so the
//! work grows with commits and changes, not with agreements times commits. Keys are looked up
//! in the current trust store and in every version of every trust store file the branch held
//! (a public key never changes), which is why statements are judged after the walk: a key may
//! be committed after the statement it signed (`sign --commit` commits the statement alone).
//!
//! Problems the branch still carries at HEAD keep their rule's severity; those repaired since
//! (reverted, bumped and signed again, the statement replaced) become warnings that say so.

use super::agreement_id_of;
use crate::diagnostics::{Finding, Position, Severity};
use crate::error::{Error, Result};
use crate::gate::FileKind;
use crate::git::{BlobId, CommitInfo, History};
use crate::report::FileReport;
use crate::rules::history::{
    HISTORY_CHAIN_BROKEN, HISTORY_CHANGED_AFTER_SIGNING, HISTORY_ROLLBACK,
    HISTORY_SIGNATURE_INVALID, HISTORY_SIGNATURES_REMOVED, HISTORY_SKIPPED_VERSION,
    HISTORY_TRUST_CHANGE,
};
use crate::rules::{Family, Rule};
use crate::signing::statement::{STATEMENT_TYPE, Statement, field_line, version_of_dir_name};
use crate::signing::trust::TrustStore;
use crate::signing::{forbidden_char, sha256_hex, sshsig};
use crate::workspace::{AGREEMENTS_DIR, KEYS_DIR, SIGNATURES_DIR, Workspace, check_id};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// What history verification found.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// How many commits of the current branch were read.
    pub commits: usize,
    /// The commit HEAD points at; `None` on a branch without commits.
    pub head: Option<CommitInfo>,
    /// The findings, grouped per file (sorted by path), each file's in commit order.
    pub files: Vec<HistoryFile>,
    /// Every change to a trust store file, oldest first (each is also a DP407 finding unless
    /// `[rules]` turned DP407 off).
    pub trust_changes: Vec<TrustChange>,
    /// What could not be judged and was skipped (a historic agreement text that is not
    /// readable TOML, say), one sentence each.
    pub notes: Vec<String>,
}

/// The history findings about one file.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryFile {
    /// Workspace-relative path (the file, or version directory, may no longer exist).
    pub file: String,
    /// The agreement the file belongs to (`id` in JSON); `None` for trust store files.
    #[serde(rename = "id")]
    pub agreement: Option<String>,
    pub findings: Vec<Finding>,
}

/// One commit's change to one trust store file.
#[derive(Debug, Clone, Serialize)]
pub struct TrustChange {
    pub commit: CommitInfo,
    /// `keys/<party>.toml`.
    pub file: String,
    pub party: String,
    /// `added`, `changed` or `removed` (the file).
    pub change: &'static str,
    pub enrolled: Vec<KeyRef>,
    pub revoked: Vec<KeyRef>,
    /// Keys whose entry changed otherwise (principal, roles, validity, a revocation withdrawn).
    pub changed: Vec<KeyRef>,
    pub removed: Vec<KeyRef>,
    /// Why the file's new content is not a readable trust store file, when it is not.
    pub unreadable: Option<String>,
}

/// A key named in a trust store change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRef {
    pub key_id: String,
    pub principal: String,
}

impl Audit {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings().any(|f| f.severity == Severity::Error)
    }

    /// Every finding, file by file.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| &f.findings)
    }

    /// Keeps only the findings about the agreements `ids` (`check ID...`, `verify ID...`), and
    /// those about no agreement (trust store changes).
    pub fn keep_only(&mut self, ids: &BTreeSet<String>) {
        self.files
            .retain(|f| f.agreement.as_ref().is_none_or(|id| ids.contains(id)));
    }

    /// Adds the history findings to `reports` (the reports of `check`): to the report of the
    /// same file when there is one, otherwise as a report of its own; every agreement's report
    /// lists the history family as run.
    pub fn add_to_reports(&self, reports: &mut Vec<FileReport>) {
        for report in reports.iter_mut() {
            if report.agreement.is_some() && !report.families.contains(&Family::History) {
                report.families.push(Family::History);
            }
        }
        for file in &self.files {
            if file.findings.is_empty() {
                continue;
            }
            match reports.iter_mut().find(|r| r.file == file.file) {
                Some(report) => report.findings.extend(file.findings.iter().cloned()),
                None => reports.push(FileReport {
                    file: file.file.clone(),
                    agreement: file.agreement.clone(),
                    findings: file.findings.clone(),
                    families: vec![Family::History],
                    skipped: Vec::new(),
                }),
            }
        }
    }
}

/// Walks the current branch's history of the workspace once and judges it; `trust` is the
/// current trust store (its keys count, with every version of `keys/` the branch held, to
/// attribute a historic statement). Errors (exit 2): the workspace is not in a git
/// repository, the repository is a shallow clone, or git cannot read it. A branch without
/// commits has nothing to report.
pub fn audit(ws: &Workspace, trust: &TrustStore) -> Result<Audit> {
    let history = History::open(&ws.root)?.ok_or_else(|| {
        Error::usage(format!(
            "--history: the workspace {} is not in a git repository, so it has no history to check",
            ws.root.display()
        ))
        .with_hint(
            "run it in a clone of the repository that holds the workspace, or leave out --history",
        )
    })?;
    if history.is_shallow() {
        return Err(Error::usage(format!(
            "--history: the repository of {} is a shallow clone: its history stops before the first commit, \
             so rollbacks, removed signatures and trust store changes before that point cannot be checked",
            ws.root.display()
        ))
        .with_hint(concat!(
            "fetch the full history with `git fetch --unshallow`; in GitHub Actions, check out with \
             `actions/checkout` and `fetch-depth: 0` (see ",
            docs_url!("ci.md#history-verification"),
            ")",
        )));
    }
    release_freed_memory();
    let mut walker = Walker::new(&history, &ws.config, trust);
    let commits = history.walk(
        &[KEYS_DIR, AGREEMENTS_DIR, SIGNATURES_DIR],
        |commit, changes| {
            walker.commit(commit, changes);
            Ok(())
        },
    )?;
    let mut audit = walker.finish(ws);
    audit.commits = commits;
    audit.head = history.head();
    Ok(audit)
}

/// Gives back to the system the memory the run has freed so far. `check --history` and `verify
/// --history` check the workspace first, on every core, then walk the history on one thread;
/// glibc keeps what each core's thread freed in that thread's own pool, where the walk (on
/// another thread) cannot reuse it, so without this the two passes' peaks add up (at 10,000
/// agreements 195 MB instead of about 140). Elsewhere the allocator returns memory itself.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own pools; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

// ---------------------------------------------------------------------------------------------
// What the walk records
// ---------------------------------------------------------------------------------------------

/// One text an agreement file had: its digest and what could be read of it.
#[derive(Debug)]
struct Text {
    digest: String,
    version: Option<u32>,
    /// Party ids, when they could be read.
    parties: Option<Vec<String>>,
}

/// A statement and its signature, read, parsed and verified cryptographically (the signature
/// verifies over the statement's bytes with the key it carries, which the statement names).
/// Whether the key was enrolled for the party is decided after the walk.
#[derive(Debug)]
struct Sealed {
    statement: Statement,
    /// Lines of the fields findings point at.
    line_previous: usize,
    line_sha: usize,
    line_key: usize,
    line_head: usize,
}

type Verdict = std::result::Result<Sealed, (String, usize)>;

/// One event in an agreement's timeline, in commit order.
enum Step {
    /// The agreement file got this text (`None`: removed).
    Text {
        commit: Rc<CommitInfo>,
        text: Option<Rc<Text>>,
    },
    /// A statement and its signature, both present, at a canonical path.
    Statement {
        commit: Rc<CommitInfo>,
        path: String,
        version: u32,
        party: String,
        pair: (BlobId, BlobId),
        verdict: Rc<Verdict>,
    },
}

/// What happened to one path under `signatures/`.
struct PathRecord {
    /// The content it had when last present.
    last: BlobId,
    /// The commit that last removed it.
    removed_by: Option<Rc<CommitInfo>>,
    /// For a canonical statement path: the last pair judged there.
    last_pair: Option<(BlobId, BlobId)>,
}

/// A canonical statement or signature path, `signatures/<id>/v<N>/<party>.toml[.sig]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct StatementPath {
    id: String,
    version: u32,
    party: String,
}

impl StatementPath {
    /// The parts of a canonical path, and whether it is the signature.
    fn parse(path: &str) -> Option<(StatementPath, bool)> {
        let rest = path.strip_prefix(SIGNATURES_DIR)?.strip_prefix('/')?;
        let mut parts = rest.split('/');
        let (id, dir, name) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || check_id(id).is_err() {
            return None;
        }
        let version = version_of_dir_name(dir)?;
        let (party, sig) = match name.strip_suffix(".toml.sig") {
            Some(party) => (party, true),
            None => (name.strip_suffix(".toml")?, false),
        };
        check_id(party).ok()?;
        Some((
            StatementPath {
                id: id.to_string(),
                version,
                party: party.to_string(),
            },
            sig,
        ))
    }

    fn statement(&self) -> String {
        format!("{}/{}.toml", self.dir(), self.party)
    }

    fn signature(&self) -> String {
        format!("{}/{}.toml.sig", self.dir(), self.party)
    }

    fn dir(&self) -> String {
        format!("{SIGNATURES_DIR}/{}/v{}", self.id, self.version)
    }
}

/// A key as one version of a trust store file enrolled it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyEntry {
    principal: String,
    revoked: Option<chrono::NaiveDate>,
    /// Everything else that describes the entry, compared to tell a changed entry.
    rest: String,
}

type KeysOfFile = std::result::Result<BTreeMap<String, KeyEntry>, String>;

/// A problem found in the timeline, judged against HEAD when the walk is over.
struct Event {
    rule: &'static crate::diagnostics::Rule,
    file: String,
    agreement: Option<String>,
    line: usize,
    message: String,
    hint: String,
    /// How it stands at HEAD: `None` when it still holds, else how it was repaired.
    repaired: Option<String>,
}

struct Walker<'h> {
    history: &'h History,
    /// The workspace settings (the roles a trust store entry may name).
    config: &'h crate::config::Config,
    /// Key id -> the parties it was enrolled for, in the trust store now or any version of
    /// `keys/` the branch held.
    enrolled: HashMap<String, BTreeSet<String>>,
    texts: HashMap<BlobId, Option<Rc<Text>>>,
    pairs: HashMap<(BlobId, BlobId), Rc<Verdict>>,
    keys_of: HashMap<BlobId, Rc<KeysOfFile>>,
    /// Trust store files as the walk stands: path -> blob.
    keys_files: HashMap<String, BlobId>,
    timelines: BTreeMap<String, Vec<Step>>,
    /// Every path under `signatures/` that a commit held, and what became of it.
    paths: BTreeMap<String, PathRecord>,
    /// The paths under `signatures/` as the walk stands (at the end: HEAD).
    present: HashMap<String, BlobId>,
    trust_changes: Vec<TrustChange>,
    notes: Vec<String>,
}

/// The character budget of a commit summary in a message.
const SUMMARY_CHARS: usize = 72;

/// `text` with control, line-separator and bidirectional formatting characters written
/// visibly (`\u{1b}`), and cut at `max` characters: commit summaries and author names are
/// anyone's text, quoted in every output format.
fn visible(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if forbidden_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `commit 3f2a1b9c4d5e (2026-05-02, Ann Lee: "Restore old text")`.
fn describe(commit: &CommitInfo) -> String {
    format!(
        "commit {} ({}, {}: \"{}\")",
        commit.short(),
        commit.time.format("%Y-%m-%d"),
        visible(commit.author_name(), SUMMARY_CHARS),
        visible(&commit.summary, SUMMARY_CHARS)
    )
}

/// Just what history verification reads of an agreement text.
#[derive(serde::Deserialize)]
struct RawHead {
    agreement: RawVersion,
    #[serde(default)]
    parties: Vec<RawParty>,
}

#[derive(serde::Deserialize)]
struct RawHeadVersionOnly {
    agreement: RawVersion,
}

#[derive(serde::Deserialize)]
struct RawVersion {
    version: u32,
}

#[derive(serde::Deserialize)]
struct RawParty {
    id: Option<String>,
}

impl<'h> Walker<'h> {
    fn new(
        history: &'h History,
        config: &'h crate::config::Config,
        trust: &TrustStore,
    ) -> Walker<'h> {
        let mut enrolled: HashMap<String, BTreeSet<String>> = HashMap::new();
        for key in &trust.keys {
            if let Some(id) = &key.identity {
                enrolled
                    .entry(id.clone())
                    .or_default()
                    .insert(key.party.clone());
            }
        }
        Walker {
            history,
            config,
            enrolled,
            texts: HashMap::new(),
            pairs: HashMap::new(),
            keys_of: HashMap::new(),
            keys_files: HashMap::new(),
            timelines: BTreeMap::new(),
            paths: BTreeMap::new(),
            present: HashMap::new(),
            trust_changes: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Records one commit's changes: trust store files first (so the keys are known), then
    /// agreement texts, then statements (by agreement, version and party).
    fn commit(&mut self, info: &CommitInfo, changes: Vec<crate::git::FileChange>) {
        if changes.is_empty() {
            return;
        }
        let commit = Rc::new(info.clone());
        let mut statements = BTreeSet::new();
        let (mut keys, mut agreements, mut signatures) = (Vec::new(), Vec::new(), Vec::new());
        for change in changes {
            let top = change.path.split('/').next().unwrap_or("");
            match top {
                KEYS_DIR => keys.push(change),
                AGREEMENTS_DIR => agreements.push(change),
                SIGNATURES_DIR => signatures.push(change),
                _ => {}
            }
        }
        for change in keys {
            self.trust_file(&commit, &change.path, change.blob);
        }
        for change in agreements {
            let Some(id) = agreement_id_of(&change.path).filter(|id| check_id(id).is_ok()) else {
                continue;
            };
            let text = change
                .blob
                .and_then(|b| self.text(&commit, &change.path, b));
            if change.blob.is_some() && text.is_none() {
                continue;
            }
            self.timelines
                .entry(id.to_string())
                .or_default()
                .push(Step::Text {
                    commit: commit.clone(),
                    text,
                });
        }
        for change in signatures {
            match change.blob {
                Some(blob) => {
                    self.present.insert(change.path.clone(), blob);
                    let record = self.paths.entry(change.path.clone()).or_insert(PathRecord {
                        last: blob,
                        removed_by: None,
                        last_pair: None,
                    });
                    record.last = blob;
                }
                None => {
                    self.present.remove(&change.path);
                    if let Some(record) = self.paths.get_mut(&change.path) {
                        record.removed_by = Some(commit.clone());
                    }
                }
            }
            if let Some((at, _)) = StatementPath::parse(&change.path) {
                statements.insert(at);
            }
        }
        for at in statements {
            let (stmt, sig) = (at.statement(), at.signature());
            let (Some(&s), Some(&g)) = (self.present.get(&stmt), self.present.get(&sig)) else {
                continue;
            };
            let pair = (s, g);
            let record = self.paths.get_mut(&stmt);
            match record {
                Some(record) if record.last_pair != Some(pair) => record.last_pair = Some(pair),
                _ => continue,
            }
            let verdict = self.seal(pair);
            self.timelines
                .entry(at.id.clone())
                .or_default()
                .push(Step::Statement {
                    commit: commit.clone(),
                    path: stmt,
                    version: at.version,
                    party: at.party,
                    pair,
                    verdict,
                });
        }
    }

    /// An agreement text, read and hashed once per blob; `None` (with a note) when it cannot
    /// be read at all.
    fn text(&mut self, commit: &CommitInfo, path: &str, blob: BlobId) -> Option<Rc<Text>> {
        if let Some(text) = self.texts.get(&blob) {
            return text.clone();
        }
        let text = match self.history.read(blob, FileKind::Agreement.cap()) {
            Ok(bytes) => {
                let digest = sha256_hex(&bytes);
                let parsed = std::str::from_utf8(&bytes)
                    .map_err(|_| "it is not UTF-8 text".to_string())
                    .and_then(|t| {
                        toml::from_str::<RawHead>(t)
                            .map(|h| {
                                let parties = h.parties.into_iter().filter_map(|p| p.id).collect();
                                (h.agreement.version, Some(parties))
                            })
                            .or_else(|_| {
                                toml::from_str::<RawHeadVersionOnly>(t)
                                    .map(|h| (h.agreement.version, None))
                            })
                            .map_err(|e| e.message().trim().to_string())
                    });
                let (version, parties) = match parsed {
                    Ok((v, p)) => (Some(v), p),
                    Err(why) => {
                        self.notes.push(format!(
                            "{path} as of {}: its version cannot be read ({why}); the version checks skip this text",
                            describe(commit)
                        ));
                        (None, None)
                    }
                };
                Some(Rc::new(Text {
                    digest,
                    version,
                    parties,
                }))
            }
            Err(e) => {
                self.notes.push(format!(
                    "{path} as of {}: not read ({}); the version checks skip this text",
                    describe(commit),
                    e.message
                ));
                None
            }
        };
        self.texts.insert(blob, text.clone());
        text
    }

    /// A statement and signature pair, read, parsed and verified once per pair of blobs.
    fn seal(&mut self, pair: (BlobId, BlobId)) -> Rc<Verdict> {
        if let Some(v) = self.pairs.get(&pair) {
            return v.clone();
        }
        let verdict = Rc::new(self.judge(pair));
        self.pairs.insert(pair, verdict.clone());
        verdict
    }

    fn judge(&self, (stmt, sig): (BlobId, BlobId)) -> Verdict {
        let read = |blob, kind: FileKind| {
            self.history
                .read(blob, kind.cap())
                .map_err(|e| (e.message, 1))
        };
        let stmt_bytes = read(stmt, FileKind::Statement)?;
        let sig_bytes = read(sig, FileKind::Signature)?;
        let signature =
            sshsig::parse(&sig_bytes).map_err(|p| (format!("its signature: {p}"), 1))?;
        let signer = sshsig::verify(&signature, &stmt_bytes)
            .map_err(|p| (format!("its signature: {p}"), 1))?;
        let text = String::from_utf8(stmt_bytes)
            .map_err(|_| ("the statement is not UTF-8 text".to_string(), 1))?;
        let statement: Statement = toml::from_str(&text).map_err(|e| {
            let line = crate::diagnostics::LineIndex::new(&text)
                .position(&text, e.span().map_or(0, |s| s.start))
                .line;
            (
                format!("the statement cannot be read: {}", e.message().trim()),
                line,
            )
        })?;
        let line = |key| field_line(&text, key);
        if statement.statement_type != STATEMENT_TYPE {
            return Err((
                format!(
                    "the statement's type {:?} is not {STATEMENT_TYPE:?}",
                    statement.statement_type
                ),
                line("type"),
            ));
        }
        let signer_id = sshsig::key_id(&signer);
        if signer_id != statement.key_id {
            return Err((
                format!(
                    "the statement names key {} but its signature was made with key {signer_id}",
                    statement.key_id
                ),
                line("key_id"),
            ));
        }
        Ok(Sealed {
            line_previous: line("previous_sha256"),
            line_sha: line("agreement_sha256"),
            line_key: line("key_id"),
            line_head: line("agreement"),
            statement,
        })
    }

    /// One commit's change to a path under `keys/`: trust store files `keys/<party>.toml` are
    /// read (once per blob), their keys added to what may attribute a statement, and the change
    /// recorded.
    fn trust_file(&mut self, commit: &Rc<CommitInfo>, path: &str, blob: Option<BlobId>) {
        let Some(party) = path
            .strip_prefix(KEYS_DIR)
            .and_then(|p| p.strip_prefix('/'))
            .and_then(|p| p.strip_suffix(".toml"))
            .filter(|p| !p.contains('/'))
        else {
            return;
        };
        let before = match blob {
            Some(b) => self.keys_files.insert(path.to_string(), b),
            None => self.keys_files.remove(path),
        };
        let old = before.map(|b| self.keys(path, party, b));
        let new = blob.map(|b| self.keys(path, party, b));
        if let Some(Ok(keys)) = new.as_deref() {
            for key_id in keys.keys() {
                self.enrolled
                    .entry(key_id.clone())
                    .or_default()
                    .insert(party.to_string());
            }
        }
        let empty = BTreeMap::new();
        let keys_in = |k: &Option<Rc<KeysOfFile>>| match k.as_deref() {
            Some(Ok(keys)) => keys.clone(),
            _ => empty.clone(),
        };
        let (old_keys, new_keys) = (keys_in(&old), keys_in(&new));
        let key_ref = |id: &String, e: &KeyEntry| KeyRef {
            key_id: id.clone(),
            principal: e.principal.clone(),
        };
        let mut change = TrustChange {
            commit: (**commit).clone(),
            file: path.to_string(),
            party: party.to_string(),
            change: match (&old, &new) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            },
            enrolled: Vec::new(),
            revoked: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            unreadable: match new.as_deref() {
                Some(Err(why)) => Some(why.clone()),
                _ => None,
            },
        };
        for (id, entry) in &new_keys {
            match old_keys.get(id) {
                None => change.enrolled.push(key_ref(id, entry)),
                Some(was) if was.revoked.is_none() && entry.revoked.is_some() => {
                    change.revoked.push(key_ref(id, entry))
                }
                Some(was) if was != entry => change.changed.push(key_ref(id, entry)),
                Some(_) => {}
            }
        }
        for (id, entry) in &old_keys {
            if !new_keys.contains_key(id) {
                change.removed.push(key_ref(id, entry));
            }
        }
        self.trust_changes.push(change);
    }

    /// The keys of one version of a trust store file, read once per blob.
    fn keys(&mut self, path: &str, party: &str, blob: BlobId) -> Rc<KeysOfFile> {
        if let Some(k) = self.keys_of.get(&blob) {
            return k.clone();
        }
        let keys = self
            .history
            .read(blob, FileKind::TrustStore.cap())
            .and_then(|bytes| {
                if bytes.windows(16).any(|w| w == b"PRIVATE KEY-----") {
                    return Err(Error::input(
                        "it holds a private key block, which is now in git history for good: revoke that key and enrol a new one",
                    ));
                }
                TrustStore::from_file_bytes(self.config, path, party, bytes)
            })
            .map(|store| {
                store
                    .keys
                    .into_iter()
                    .filter_map(|k| {
                        let id = k.identity.clone()?;
                        let rest = format!(
                            "{:?} {:?} {:?} {:?} {:?} {:?}",
                            k.roles,
                            k.valid_from,
                            k.valid_until,
                            k.revocation_reason,
                            k.problem,
                            k.public_key
                        );
                        Some((
                            id,
                            KeyEntry {
                                principal: k.principal,
                                revoked: k.revoked,
                                rest,
                            },
                        ))
                    })
                    .collect()
            })
            .map_err(|e| e.message);
        let keys = Rc::new(keys);
        self.keys_of.insert(blob, keys.clone());
        keys
    }

    /// Replays every agreement's timeline, judges what remains at HEAD, and groups the
    /// findings per file.
    fn finish(mut self, ws: &Workspace) -> Audit {
        let mut events = Vec::new();
        let timelines = std::mem::take(&mut self.timelines);
        let mut heads: HashMap<String, Option<Rc<Text>>> = HashMap::new();
        let mut finals: HashMap<String, HashMap<u32, String>> = HashMap::new();
        for (id, steps) in &timelines {
            let replay = Replay::run(&self, id, steps, &mut events);
            heads.insert(id.clone(), replay.head);
            finals.insert(id.clone(), replay.finals);
        }
        self.removals(&heads, &finals, &mut events);
        let trust_events: Vec<Event> = self.trust_changes.iter().map(trust_event).collect();

        let mut findings: Vec<(Finding, Option<String>)> = Vec::new();
        for e in events {
            let mut f = Finding::new(
                e.rule,
                &e.file,
                Position {
                    line: e.line.max(1),
                    column: 1,
                },
                e.message,
                e.hint,
            );
            if let Some(how) = e.repaired {
                f.severity = Severity::Warning;
                f.message = format!("{}; since repaired: {how}", f.message);
                f.hint = "nothing to undo at HEAD; check whether anything signed, published or shared while the branch held it relied on it".into();
            }
            findings.push((f, e.agreement));
        }
        // DP403 and DP407 follow `[rules]`; the others are fixed.
        let (configurable, fixed): (Vec<_>, Vec<_>) = findings
            .into_iter()
            .chain(trust_events.into_iter().map(|e| {
                (
                    Finding::new(e.rule, &e.file, Position::START, e.message, e.hint),
                    None,
                )
            }))
            .partition(|(f, _)| f.rule.configurable);
        let mut kept = fixed;
        for (f, agreement) in configurable {
            if let Some(f) = ws.config.apply(vec![f]).pop() {
                kept.push((f, agreement));
            }
        }
        let mut files: BTreeMap<String, HistoryFile> = BTreeMap::new();
        for (f, agreement) in kept {
            files
                .entry(f.file.clone())
                .or_insert_with(|| HistoryFile {
                    file: f.file.clone(),
                    agreement,
                    findings: Vec::new(),
                })
                .findings
                .push(f);
        }
        self.notes.sort();
        self.notes.dedup();
        Audit {
            commits: 0,
            head: None,
            files: files.into_values().collect(),
            trust_changes: self.trust_changes,
            notes: self.notes,
        }
    }

    /// DP404: statements, signatures and version directories a commit held that HEAD does not.
    fn removals(
        &self,
        heads: &HashMap<String, Option<Rc<Text>>>,
        finals: &HashMap<String, HashMap<u32, String>>,
        events: &mut Vec<Event>,
    ) {
        // Folders that hold something at HEAD, and where each content is at HEAD.
        let mut occupied: HashSet<&str> = HashSet::new();
        let mut at_head: HashMap<BlobId, Vec<&str>> = HashMap::new();
        for (path, blob) in &self.present {
            at_head.entry(*blob).or_default().push(path);
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                occupied.insert(parent);
                p = parent;
            }
        }
        // Removed statements that counted, by version directory.
        // (statement, the commit that removed it, where the same content is at HEAD).
        type Gone = (StatementPath, Rc<CommitInfo>, Option<String>);
        let mut gone: BTreeMap<String, Vec<Gone>> = BTreeMap::new();
        for (path, record) in &self.paths {
            if self.present.contains_key(path) {
                continue;
            }
            let Some((at, is_sig)) = StatementPath::parse(path) else {
                continue;
            };
            // A withdrawn agreement takes its signatures with it.
            if !heads.get(&at.id).is_some_and(Option::is_some) {
                continue;
            }
            let Some(removed_by) = record.removed_by.clone() else {
                continue;
            };
            let stmt_record = self.paths.get(&at.statement());
            let pair = stmt_record.and_then(|r| r.last_pair);
            // Only what counted is reported: a signed statement covering the last text its
            // version had. Removing stale or broken statements is what docs/signing.md asks.
            let counted = pair
                .and_then(|p| self.pairs.get(&p))
                .and_then(|v| v.as_ref().as_ref().ok())
                .is_some_and(|sealed| {
                    let s = &sealed.statement;
                    s.agreement == at.id
                        && s.version == at.version
                        && s.party == at.party
                        && self
                            .enrolled
                            .get(&s.key_id)
                            .is_some_and(|p| p.contains(&at.party))
                        && finals
                            .get(&at.id)
                            .and_then(|f| f.get(&at.version))
                            .is_some_and(|d| *d == s.agreement_sha256)
                });
            if !counted {
                continue;
            }
            if is_sig {
                if self.present.contains_key(&at.statement()) {
                    events.push(Event {
                        rule: &HISTORY_SIGNATURES_REMOVED,
                        file: path.clone(),
                        agreement: Some(at.id.clone()),
                        line: 1,
                        message: format!(
                            "{} removed {path}, the signature of {}'s statement for v{} of {}: the statement is still there, without its signature",
                            describe(&removed_by),
                            at.party,
                            at.version,
                            at.id
                        ),
                        hint: restore_hint(&removed_by, path),
                        repaired: None,
                    });
                }
                continue;
            }
            let moved = at_head
                .get(&record.last)
                .and_then(|paths| paths.iter().min().map(|p| p.to_string()));
            gone.entry(at.dir())
                .or_default()
                .push((at, removed_by, moved));
        }
        for (dir, removed) in gone {
            let whole = !occupied.contains(dir.as_str());
            let last = removed
                .iter()
                .map(|r| r.1.clone())
                .max_by_key(|c| c.time)
                .unwrap_or_else(|| removed[0].1.clone());
            if whole {
                let parties: Vec<&str> = removed.iter().map(|r| r.0.party.as_str()).collect();
                let moved: BTreeSet<&str> = removed
                    .iter()
                    .filter_map(|r| r.2.as_deref())
                    .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
                    .collect();
                let (renamed, hint) = match moved.iter().next() {
                    Some(to) => (
                        format!(
                            " (renamed: the same files are now in {to}/, which is not read; a version directory is named v<N> exactly)"
                        ),
                        format!(
                            "rename it back (`git mv {to} {dir}`) and commit; signatures are history and are never removed"
                        ),
                    ),
                    None => (String::new(), restore_hint(&last, &dir)),
                };
                let at = &removed[0].0;
                events.push(Event {
                    rule: &HISTORY_SIGNATURES_REMOVED,
                    file: dir.clone(),
                    agreement: Some(at.id.clone()),
                    line: 1,
                    message: format!(
                        "{} removed {dir}/, the signatures of v{} of {} ({}){renamed}: signed history is gone at HEAD",
                        describe(&last),
                        at.version,
                        at.id,
                        parties.join(", ")
                    ),
                    hint,
                    repaired: None,
                });
                continue;
            }
            for (at, removed_by, moved) in removed {
                let renamed = moved
                    .map(|to| {
                        format!(" (renamed: the same statement is now {to}, which is not read)")
                    })
                    .unwrap_or_default();
                events.push(Event {
                    rule: &HISTORY_SIGNATURES_REMOVED,
                    file: at.statement(),
                    agreement: Some(at.id.clone()),
                    line: 1,
                    message: format!(
                        "{} removed {}, {}'s signed statement for v{} of {}{renamed}: a signature is gone at HEAD",
                        describe(&removed_by),
                        at.statement(),
                        at.party,
                        at.version,
                        at.id
                    ),
                    hint: restore_hint(
                        &removed_by,
                        &format!("{} {}", at.statement(), at.signature()),
                    ),
                    repaired: None,
                });
            }
        }
    }
}

impl TrustChange {
    /// The change in words, naming the commit: what the DP407 finding says and what
    /// `verify --history` lists.
    pub fn describe(&self) -> String {
        trust_event(self).message
    }
}

/// What to do about signatures `paths` that `commit` removed: restore them from its parent.
fn restore_hint(commit: &CommitInfo, paths: &str) -> String {
    format!(
        "restore them with `git checkout {}~1 -- {paths}` and commit; signatures are history and are never removed",
        commit.short()
    )
}

/// The DP407 finding of one trust store change.
fn trust_event(c: &TrustChange) -> Event {
    let list = |what: &str, keys: &[KeyRef]| {
        (!keys.is_empty()).then(|| {
            let keys: Vec<String> = keys
                .iter()
                .map(|k| format!("{} ({})", k.key_id, visible(&k.principal, SUMMARY_CHARS)))
                .collect();
            format!("{what} {}", keys.join(", "))
        })
    };
    let mut parts: Vec<String> = [
        list("enrolled", &c.enrolled),
        list("revoked", &c.revoked),
        list("changed the entry of", &c.changed),
        list("removed", &c.removed),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(why) = &c.unreadable {
        parts.push(format!(
            "the new content is not a readable trust store file ({})",
            visible(why, 200)
        ));
    }
    if parts.is_empty() {
        parts.push("no key enrolled, revoked, changed or removed (comments or layout)".into());
    }
    Event {
        rule: &HISTORY_TRUST_CHANGE,
        file: c.file.clone(),
        agreement: None,
        line: 1,
        message: format!(
            "{} {} {} (party {}): {}",
            describe(&c.commit),
            c.change,
            c.file,
            c.party,
            parts.join("; ")
        ),
        hint: HISTORY_TRUST_CHANGE.hint.into(),
        repaired: None,
    }
}

/// One agreement's timeline replayed in commit order: the state it keeps, and the problems
/// found, judged against HEAD at the end.
struct Replay<'w, 's> {
    walker: &'w Walker<'w>,
    id: &'s str,
    /// `agreements/<id>.toml`.
    file: String,
    /// Every text the file had, by digest: its version (the same bytes always read the same)
    /// and the commit that first had it.
    texts: HashMap<&'s str, (Option<u32>, Rc<CommitInfo>)>,
    /// The last digest each version had.
    finals: HashMap<u32, String>,
    /// The text as the replay stands (at the end: HEAD's; `None`: no file).
    current: Option<Rc<Text>>,
    last_version: Option<u32>,
    max_version: Option<u32>,
    /// (version, digest) -> who signed it, in which commit (authentic statements only).
    signed: HashMap<(u32, String), Vec<Signer>>,
    /// Version -> the digests its authentic statements cover, for the chain.
    covers: BTreeMap<u32, BTreeSet<String>>,
    /// Problems found, to judge against HEAD once the replay is over.
    pending: Vec<(Event, Pending)>,
}

/// A party that signed, and the commit that brought its statement.
type Signer = (String, Rc<CommitInfo>);

/// What a replay leaves for the removal check: the text at HEAD and the last text of each
/// version.
struct Replayed {
    head: Option<Rc<Text>>,
    finals: HashMap<u32, String>,
}

impl<'w, 's> Replay<'w, 's> {
    /// Replays agreement `id`'s `steps`, adding what it finds to `events`.
    fn run(
        walker: &'w Walker<'w>,
        id: &'s str,
        steps: &'s [Step],
        events: &mut Vec<Event>,
    ) -> Replayed {
        let mut replay = Replay {
            walker,
            id,
            file: format!("{AGREEMENTS_DIR}/{id}.toml"),
            texts: HashMap::new(),
            finals: HashMap::new(),
            current: None,
            last_version: None,
            max_version: None,
            signed: HashMap::new(),
            covers: BTreeMap::new(),
            pending: Vec::new(),
        };
        for step in steps {
            if let Step::Text {
                commit,
                text: Some(t),
            } = step
            {
                replay
                    .texts
                    .entry(t.digest.as_str())
                    .or_insert_with(|| (t.version, commit.clone()));
                if let Some(v) = t.version {
                    replay.finals.insert(v, t.digest.clone());
                }
            }
        }
        for step in steps {
            match step {
                Step::Text { commit, text } => replay.text(commit, text.as_ref()),
                Step::Statement {
                    commit,
                    path,
                    version,
                    party,
                    pair,
                    verdict,
                } => {
                    let at = StatementAt {
                        commit,
                        path,
                        version: *version,
                        party,
                        pair: *pair,
                    };
                    replay.statement(&at, verdict)
                }
            }
        }
        replay.judge(events)
    }

    fn event(
        &self,
        rule: &'static Rule,
        file: &str,
        line: usize,
        message: String,
        hint: String,
    ) -> Event {
        Event {
            rule,
            file: file.to_string(),
            agreement: Some(self.id.to_string()),
            line,
            message,
            hint,
            repaired: None,
        }
    }

    /// The file got text `t` (`None`: removed) in `commit`: a rollback (DP401), a skipped
    /// version (DP403), signed content changed under its version number (DP402).
    fn text(&mut self, commit: &Rc<CommitInfo>, t: Option<&Rc<Text>>) {
        let Some(t) = t else {
            self.current = None;
            return;
        };
        if let Some(v) = t.version {
            let before = self.max_version;
            self.rollback(commit, t, v, before);
            // Skipped: above every version so far by more than one.
            if let Some(m) = before.filter(|&m| v > m.saturating_add(1)) {
                let skipped = if v == m + 2 {
                    format!("version {} was", m + 1)
                } else {
                    format!("versions {} to {} were", m + 1, v - 1)
                };
                let message = format!(
                    "{} set version {v} after version {m}: {skipped} skipped",
                    describe(commit)
                );
                let e = self.event(
                    &HISTORY_SKIPPED_VERSION,
                    &self.file,
                    1,
                    message,
                    HISTORY_SKIPPED_VERSION.hint.into(),
                );
                self.pending.push((e, Pending::Never));
            }
            self.changed_after_signing(commit, t, v);
            self.last_version = Some(v);
            self.max_version = Some(before.map_or(v, |m| m.max(v)));
        }
        self.current = Some(t.clone());
    }

    /// DP401: version `v` lower than the last, or the text of a superseded version again
    /// (`before`: the highest version before this commit).
    fn rollback(&mut self, commit: &Rc<CommitInfo>, t: &Text, v: u32, before: Option<u32>) {
        let restored = self
            .texts
            .get(t.digest.as_str())
            .filter(|(_, first)| first.id != commit.id)
            .and_then(|(u, first)| {
                u.filter(|&u| before.is_some_and(|m| u < m))
                    .map(|u| (u, first.clone()))
            });
        let lowered = self.last_version.filter(|&l| v < l);
        if lowered.is_none() && restored.is_none() {
            return;
        }
        let reached = before.unwrap_or(v);
        let what = match (&restored, lowered) {
            (Some((u, first)), Some(l)) => format!(
                "restored the text of v{u} (first committed in {}) after version {l}: the version number went backwards",
                describe(first)
            ),
            (Some((u, first)), None) => format!(
                "gave the file again the text of v{u} (first committed in {}) when the agreement had reached version {reached}: it went back to a superseded version",
                describe(first)
            ),
            (None, l) => format!(
                "set version {v} after version {}: the version number went backwards",
                l.unwrap_or(reached)
            ),
        };
        let hint = format!(
            "restore the later version with `git revert {}`, or bump `version` above {reached} and have every party sign it",
            commit.short()
        );
        let e = self.event(
            &HISTORY_ROLLBACK,
            &self.file,
            1,
            format!("{} {what}", describe(commit)),
            hint,
        );
        self.pending.push((e, Pending::Rollback { reached }));
    }

    /// DP402: the same version `v` with other bytes than before, the old ones signed.
    fn changed_after_signing(&mut self, commit: &Rc<CommitInfo>, t: &Text, v: u32) {
        let Some(old) = self
            .current
            .as_ref()
            .filter(|o| o.version == Some(v) && o.digest != t.digest)
        else {
            return;
        };
        let Some(signers) = self.signed.get(&(v, old.digest.clone())) else {
            return;
        };
        let who: BTreeSet<String> = signers
            .iter()
            .map(|(p, c)| format!("{p} (statement committed in {})", describe(c)))
            .collect();
        let message = format!(
            "{} changed the text of version {v} after {} signed it (sha256 {} became {}): signed content changed under the same version number",
            describe(commit),
            who.into_iter().collect::<Vec<_>>().join(" and "),
            old.digest,
            t.digest
        );
        let hint = format!(
            "bump `version` and have every party sign the new version, or undo the change with `git revert {}`",
            commit.short()
        );
        let how = Pending::Changed {
            version: v,
            old: old.digest.clone(),
        };
        let e = self.event(&HISTORY_CHANGED_AFTER_SIGNING, &self.file, 1, message, hint);
        self.pending.push((e, how));
    }

    /// A statement and its signature at `at`: one that does not verify (DP406) or whose chain
    /// does not link (DP405); an authentic one is recorded for the chain and DP402.
    fn statement(&mut self, at: &StatementAt<'_>, verdict: &Verdict) {
        let sealed = match verdict {
            Ok(sealed) => sealed,
            Err((why, line)) => return self.invalid(at, visible(why, 500), *line),
        };
        let s = &sealed.statement;
        let (id, version, party) = (self.id, at.version, at.party);
        if s.agreement != id || s.version != version || s.party != party {
            let why = format!(
                "it names agreement {:?}, version {} and party {:?}, not those of its path (it was copied here)",
                visible(&s.agreement, 100),
                s.version,
                visible(&s.party, 100)
            );
            return self.invalid(at, why, sealed.line_head);
        }
        match self.walker.enrolled.get(&s.key_id) {
            Some(parties) if parties.contains(party) => {}
            Some(parties) => {
                let why = format!(
                    "key {} is enrolled for {}, never for {party}, in every version of keys/ on this branch",
                    s.key_id,
                    parties.iter().cloned().collect::<Vec<_>>().join(", ")
                );
                return self.invalid(at, why, sealed.line_key);
            }
            None => {
                let why = format!(
                    "it was signed with key {}, which neither the trust store now nor any version of keys/ on this branch enrolled",
                    s.key_id
                );
                return self.invalid(at, why, sealed.line_key);
            }
        }
        let file = &self.file;
        let had = self.texts.get(s.agreement_sha256.as_str());
        if had.is_none_or(|(v, _)| *v != Some(version)) {
            let why = match had {
                Some((Some(u), _)) => format!(
                    "it names agreement bytes (sha256 {}) that {file} had as version {u}, never as version {version}",
                    s.agreement_sha256
                ),
                Some((None, c)) => format!(
                    "it names agreement bytes (sha256 {}) that {file} had in {}, where its version could not be read, never as a readable version {version}",
                    s.agreement_sha256,
                    describe(c)
                ),
                None => format!(
                    "it names agreement bytes (sha256 {}) that {file} never had on this branch",
                    s.agreement_sha256
                ),
            };
            return self.invalid(at, why, sealed.line_sha);
        }
        // The chain, among the agreement's own parties (a key of some other organisation
        // cannot plant or break its history).
        let of_the_parties = self
            .current
            .as_ref()
            .and_then(|t| t.parties.as_ref())
            .is_none_or(|ps| ps.iter().any(|p| p == party));
        if !of_the_parties {
            return;
        }
        let joined =
            |digests: &BTreeSet<String>| digests.iter().cloned().collect::<Vec<_>>().join(" or ");
        let broken = match (
            self.covers.range(..version).next_back(),
            s.previous_sha256.as_deref(),
        ) {
            (None, None) => None,
            (Some((_, digests)), Some(named)) if digests.contains(named) => None,
            (None, Some(named)) => Some(format!(
                "it names previous_sha256 {named}, but no earlier version of {id} was signed on this branch"
            )),
            (Some((m, digests)), None) => Some(format!(
                "it names no previous version, but v{m} of {id} was signed (sha256 {}) before it",
                joined(digests)
            )),
            (Some((m, digests)), Some(named)) => Some(format!(
                "it names previous_sha256 {named}, but the statements of v{m} of {id} covered sha256 {} in history",
                joined(digests)
            )),
        };
        if let Some(why) = broken {
            let message = format!(
                "{} committed {}, {party}'s statement for v{version} of {id}, whose chain does not link: {why}",
                describe(at.commit),
                at.path
            );
            let e = self.event(
                &HISTORY_CHAIN_BROKEN,
                at.path,
                sealed.line_previous,
                message,
                HISTORY_CHAIN_BROKEN.hint.into(),
            );
            self.pending.push((e, at.pending()));
            return;
        }
        self.covers
            .entry(version)
            .or_default()
            .insert(s.agreement_sha256.clone());
        self.signed
            .entry((version, s.agreement_sha256.clone()))
            .or_default()
            .push((party.to_string(), at.commit.clone()));
    }

    /// DP406 for the statement at `at`, saying why, at `line`.
    fn invalid(&mut self, at: &StatementAt<'_>, why: String, line: usize) {
        let message = format!(
            "{} committed {}, {}'s statement for v{} of {}, which does not verify: {why}",
            describe(at.commit),
            at.path,
            at.party,
            at.version,
            self.id
        );
        let e = self.event(
            &HISTORY_SIGNATURE_INVALID,
            at.path,
            line,
            message,
            HISTORY_SIGNATURE_INVALID.hint.into(),
        );
        self.pending.push((e, at.pending()));
    }

    /// Judges each problem against HEAD (repaired ones say how) and hands them to `events`.
    fn judge(self, events: &mut Vec<Event>) -> Replayed {
        let (walker, id, file) = (self.walker, self.id, &self.file);
        for (mut event, how) in self.pending {
            event.repaired = match how {
                Pending::Never => None,
                Pending::Rollback { reached } => match self.current.as_ref() {
                    None => Some(format!("{file} has since been removed")),
                    Some(t) => match t.version {
                        Some(v) if v >= reached => {
                            Some(format!("at HEAD the agreement has version {v}"))
                        }
                        _ => None,
                    },
                },
                Pending::Changed { version, old } => {
                    let still = self.current.as_ref().is_some_and(|t| {
                        t.version == Some(version)
                            && t.digest != old
                            && walker.signs_at_head(id, version, &old)
                    });
                    (!still).then(|| {
                        format!(
                            "at HEAD no statement covers the old text of version {version} while the agreement has that version"
                        )
                    })
                }
                Pending::Pair { path, pair } => {
                    let sig = format!("{path}.sig");
                    let (stmt_now, sig_now) = (walker.present.get(&path), walker.present.get(&sig));
                    if stmt_now == Some(&pair.0) && sig_now == Some(&pair.1) {
                        None
                    } else if stmt_now.is_some() {
                        Some(format!("{path} has been replaced since"))
                    } else {
                        Some(format!("{path} has been removed since"))
                    }
                }
            };
            events.push(event);
        }
        Replayed {
            head: self.current,
            finals: self.finals,
        }
    }
}

/// Where and when a statement step happened.
struct StatementAt<'a> {
    commit: &'a Rc<CommitInfo>,
    path: &'a str,
    version: u32,
    party: &'a str,
    pair: (BlobId, BlobId),
}

impl StatementAt<'_> {
    /// A problem with this statement holds while HEAD has the same pair at its path.
    fn pending(&self) -> Pending {
        Pending::Pair {
            path: self.path.to_string(),
            pair: self.pair,
        }
    }
}

/// How a problem is judged against HEAD.
enum Pending {
    /// Reported at the rule's severity whatever HEAD holds.
    Never,
    /// Holds while HEAD's version is below the one the agreement had reached.
    Rollback { reached: u32 },
    /// Holds while HEAD has this version, other bytes, and a statement for the old ones.
    Changed { version: u32, old: String },
    /// Holds while HEAD has this statement and signature at this path.
    Pair {
        path: String,
        pair: (BlobId, BlobId),
    },
}

impl Walker<'_> {
    /// Whether a statement at HEAD for `version` of agreement `id` covers `digest`.
    fn signs_at_head(&self, id: &str, version: u32, digest: &str) -> bool {
        let dir = format!("{SIGNATURES_DIR}/{id}/v{version}/");
        self.present.iter().any(|(path, blob)| {
            path.starts_with(&dir)
                && path.ends_with(".toml")
                && self
                    .paths
                    .get(path)
                    .and_then(|r| r.last_pair)
                    .filter(|p| p.0 == *blob)
                    .and_then(|p| self.pairs.get(&p))
                    .and_then(|v| v.as_ref().as_ref().ok())
                    .is_some_and(|s| s.statement.agreement_sha256 == digest)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_statement_paths_are_statements() {
        let (at, sig) = StatementPath::parse("signatures/a-b/v2/org-x.toml.sig").unwrap();
        assert!(sig);
        assert_eq!(
            (at.id.as_str(), at.version, at.party.as_str()),
            ("a-b", 2, "org-x")
        );
        assert_eq!(at.statement(), "signatures/a-b/v2/org-x.toml");
        assert!(
            !StatementPath::parse("signatures/a-b/v2/org-x.toml")
                .unwrap()
                .1
        );
        for not in [
            "signatures/a-b/v02/org-x.toml",
            "signatures/a-b/V2/org-x.toml",
            "signatures/a-b/v2/notes.txt",
            "signatures/a-b/v2/sub/org-x.toml",
            "signatures/a-b/org-x.toml",
            "signatures/A B/v2/org-x.toml",
            "agreements/a-b.toml",
        ] {
            assert!(StatementPath::parse(not).is_none(), "{not}");
        }
    }

    #[test]
    fn commit_texts_are_quoted_visibly_and_cut() {
        assert_eq!(visible("ok\u{1b}[2K\r\nx", 72), "ok\\u{1b}[2K\\r\\nx");
        assert_eq!(visible("abcdef", 3), "abc…");
        assert_eq!(visible("\u{202e}evil", 72), "\\u{202e}evil");
    }
}
