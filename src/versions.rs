//! The versions of one agreement: the working tree's file and every text the file has had on
//! the current branch (`crate::history`), each validated, and the signatures on each version
//! judged against that version's exact bytes. This is where a version number becomes bytes:
//!
//! - the working tree's file, when its `version` is the one asked for;
//! - otherwise the text in the history with that version that the version's statements
//!   (`signatures/<id>/v<N>/*.toml`) name by digest, those whose signatures verify first;
//! - otherwise the latest text with that version on the branch.
//!
//! A text that does not validate is never chosen (it is reported instead), and a signature
//! counts for a version only when it verifies against the bytes its statement names. `diff`
//! and `log` are built on it.

use crate::agreement::{self, Agreement, Checked};
use crate::diagnostics::Severity;
use crate::error::{Error, Result};
use crate::gate::{self, FileKind, Kind};
use crate::git::CommitInfo;
use crate::history::Archive;
use crate::signing::facts;
use crate::signing::statement::{Statement, statement_path, version_dir};
use crate::signing::trust::TrustStore;
use crate::signing::verify::{
    AgreementSignatures, PartySignature, PartyStatus, signed_versions, verify_agreement,
    verify_version,
};
use crate::source::SourceFile;
use crate::workspace::{AgreementId, Workspace};
use chrono::NaiveDate;
use std::cell::RefCell;
use std::collections::HashMap;

/// Where a text of the agreement file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The file in the working tree, as it is now.
    WorkingTree,
    /// A text in the history of the current branch, with the first commit that had it.
    Commit(CommitInfo),
}

/// One text of the agreement file, validated.
#[derive(Debug, Clone)]
pub struct Text {
    pub origin: Origin,
    /// How many commits made the file this text (0 for the working tree).
    pub commits: usize,
    /// SHA-256 (hex) of its bytes.
    pub digest: String,
    /// Its `version`: from the validated agreement, or read leniently from a text that does not
    /// validate; `None` when not even that can be read.
    pub version: Option<u32>,
    pub checked: Checked,
}

impl Text {
    /// The validated agreement; `None` when the text does not validate.
    pub fn agreement(&self) -> Option<&Agreement> {
        self.checked.agreement.as_ref()
    }

    /// The first commit that had this text; `None` for the working tree.
    pub fn commit(&self) -> Option<&CommitInfo> {
        match &self.origin {
            Origin::Commit(c) => Some(c),
            Origin::WorkingTree => None,
        }
    }

    /// "the working tree" or "commit 0123456789ab (2026-04-01)".
    pub fn describe(&self) -> String {
        match &self.origin {
            Origin::WorkingTree => "the working tree".to_string(),
            Origin::Commit(c) => format!("commit {} ({})", c.short(), c.time.date_naive()),
        }
    }

    /// Why the text does not validate: its first error (every finding is listed by `datapact
    /// validate`).
    pub fn problem(&self) -> String {
        let errors: Vec<_> = self
            .checked
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        match errors.first() {
            Some(f) if errors.len() > 1 => format!(
                "{}:{}: {} (and {} more errors)",
                f.line,
                f.column,
                f.message,
                errors.len() - 1
            ),
            Some(f) => format!("{}:{}: {}", f.line, f.column, f.message),
            None => "its structure is incomplete".to_string(),
        }
    }

    fn of(
        ws: &Workspace,
        id: &AgreementId,
        origin: Origin,
        commits: usize,
        bytes: Vec<u8>,
    ) -> Text {
        let path = ws.agreement_path(id);
        let source = SourceFile::from_bytes(path.clone(), ws.display(&path), bytes);
        let checked = agreement::check_source(ws, source, agreement::Scope::All);
        Text::of_checked(origin, commits, checked)
    }

    fn of_checked(origin: Origin, commits: usize, checked: Checked) -> Text {
        let version = match &checked.agreement {
            Some(a) => Some(a.version),
            None => facts::of_checked(&checked).ok().map(|f| f.version),
        };
        Text {
            origin,
            commits,
            digest: crate::signing::sha256_hex(&checked.source.bytes),
            version,
            checked,
        }
    }
}

/// Judges signatures: the workspace, its trust store and the day, with each text verified once.
pub struct Judge<'a> {
    pub ws: &'a Workspace,
    pub trust: &'a TrustStore,
    pub today: NaiveDate,
    verified: RefCell<HashMap<String, Option<AgreementSignatures>>>,
}

impl<'a> Judge<'a> {
    pub fn new(ws: &'a Workspace, trust: &'a TrustStore, today: NaiveDate) -> Judge<'a> {
        Judge {
            ws,
            trust,
            today,
            verified: RefCell::new(HashMap::new()),
        }
    }

    /// The signatures of `text`'s version verified against `text`'s bytes (the statements in
    /// `signatures/<id>/v<version>/`): as the current version for the working tree's file, as
    /// an earlier version (without the findings only the current version has) for a text of
    /// the history. `None` when its id, version and parties cannot be read.
    fn verify(&self, text: &Text) -> Option<AgreementSignatures> {
        if let Some(done) = self.verified.borrow().get(&text.digest) {
            return done.clone();
        }
        let result = facts::of_checked(&text.checked)
            .ok()
            .map(|facts| match text.origin {
                Origin::WorkingTree => verify_agreement(self.ws, &facts, self.trust, self.today),
                Origin::Commit(_) => verify_version(self.ws, &facts, self.trust, self.today),
            });
        self.verified
            .borrow_mut()
            .insert(text.digest.clone(), result.clone());
        result
    }

    /// `party`'s status on `text`'s version, judged against `text`'s bytes.
    fn status(&self, text: &Text, party: &str) -> Option<PartyStatus> {
        self.verify(text)?
            .parties
            .into_iter()
            .find(|p| p.party == party)
            .map(|p| p.status)
    }
}

/// How the text of a version was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The working tree's file has the version.
    WorkingTree,
    /// The text the version's statements name: `named` statements name it, `verified` of them
    /// verify against it.
    Signed { named: usize, verified: usize },
    /// No statement names a text of the version: the latest text with it on the branch.
    Latest,
}

/// A version resolved to its text.
#[derive(Debug)]
pub struct Resolved<'v> {
    pub version: u32,
    pub text: &'v Text,
    pub choice: Choice,
    /// What the reader should know: texts skipped because they do not validate.
    pub notes: Vec<String>,
}

/// A party's signature on one version that verifies.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Signature {
    pub party: String,
    pub version: u32,
    pub key_id: String,
    pub principal: String,
    pub role: String,
    /// The signing time the statement claims (RFC 3339).
    pub signed_at: String,
}

/// The latest signature of a party that verifies, found by [`Versions::last_signed_by`], and
/// the text its statement names.
#[derive(Debug)]
pub struct SignedBy<'v> {
    pub signature: Signature,
    pub text: &'v Text,
}

/// One version in the history of an agreement, as `log` shows it.
#[derive(Debug)]
pub struct Entry<'v> {
    /// `None` for a text whose version cannot be read.
    pub version: Option<u32>,
    /// The texts the file had with this version, oldest first (the working tree's alone for
    /// an uncommitted entry).
    pub texts: Vec<&'v Text>,
    /// The version's text: the one signatures name, else the latest.
    pub text: &'v Text,
    pub choice: Choice,
    /// The working tree's text, which HEAD does not have.
    pub uncommitted: bool,
    /// Each party of the version's text, judged against the bytes its statement names.
    pub signatures: Vec<PartySignature>,
}

impl Entry<'_> {
    /// The first commit that had this version; `None` when uncommitted.
    pub fn first_commit(&self) -> Option<&CommitInfo> {
        self.texts.first().and_then(|t| t.commit())
    }
    /// How many commits made the file one of this version's texts.
    pub fn commits(&self) -> usize {
        self.texts.iter().map(|t| t.commits).sum()
    }
}

/// The texts of one agreement.
pub struct Versions {
    pub id: AgreementId,
    /// `agreements/<id>.toml`.
    pub display: String,
    /// The working tree's file; `None` when there is none.
    pub working: Option<Text>,
    /// Each distinct text on the current branch, in the order they first appeared.
    pub history: Vec<Text>,
    /// The index in `history` of HEAD's text.
    head: Option<usize>,
    /// Whether the workspace is in a git repository.
    pub in_git: bool,
    /// Whether its history is a shallow clone's.
    pub shallow: bool,
    /// Texts of the history that could not be read at all.
    pub unreadable: Vec<String>,
}

impl Versions {
    /// Reads the working tree's file and walks the history of the current branch once,
    /// validating each text of `agreements/<id>.toml`. `Err` when there is neither.
    pub fn load(ws: &Workspace, id: &AgreementId) -> Result<Versions> {
        let path = ws.agreement_path(id);
        let display = ws.display(&path);
        let working = match gate::kind_of(&ws.root, &path)? {
            Kind::Missing => None,
            _ => Some(Text::of_checked(
                Origin::WorkingTree,
                0,
                agreement::check_file(ws, &path, agreement::Scope::All)?,
            )),
        };
        let archive = Archive::load(ws)?;
        let mut history = Vec::new();
        let mut unreadable = Vec::new();
        let mut head = None;
        let at_head = archive.at_head(id.as_str());
        for text in archive.texts(id.as_str()) {
            if at_head.is_some_and(|h| std::ptr::eq(h, text)) {
                head = Some(history.len());
            }
            match archive.bytes(text) {
                Ok(bytes) => history.push(Text::of(
                    ws,
                    id,
                    Origin::Commit(text.commit.clone()),
                    text.commits,
                    bytes,
                )),
                Err(e) => {
                    if at_head.is_some_and(|h| std::ptr::eq(h, text)) {
                        head = None;
                    }
                    unreadable.push(format!(
                        "the text of {display} first in commit {} cannot be read: {}",
                        text.commit.short(),
                        e.message
                    ))
                }
            }
        }
        if working.is_none() && history.is_empty() {
            let hint = if archive.has_history() {
                format!(
                    "run `datapact status` to list the agreements; {display} is neither in the working tree nor in the history of the current branch"
                )
            } else {
                "run `datapact status` to list the agreements, or `datapact new ID` to create one"
                    .to_string()
            };
            return Err(Error::usage(format!(
                "no agreement {:?} in this workspace (looked for {display})",
                id.as_str()
            ))
            .with_hint(hint));
        }
        Ok(Versions {
            id: id.clone(),
            display,
            working,
            history,
            head,
            in_git: archive.has_history(),
            shallow: archive.is_shallow(),
            unreadable,
        })
    }

    /// HEAD's text, when HEAD has the file.
    pub fn head(&self) -> Option<&Text> {
        self.head.and_then(|i| self.history.get(i))
    }

    /// Whether the working tree's file differs from HEAD's (or HEAD has none).
    pub fn uncommitted(&self) -> bool {
        match (&self.working, self.head()) {
            (Some(w), Some(h)) => w.digest != h.digest,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The version numbers known, working tree and history, sorted.
    pub fn known_versions(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .working
            .iter()
            .chain(&self.history)
            .filter_map(|t| t.version)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The working tree's text, for comparing; refused when there is none or it does not
    /// validate.
    pub fn working_text(&self) -> Result<&Text> {
        let Some(w) = &self.working else {
            return Err(Error::usage(format!(
                "{} is not in the working tree (it was removed)",
                self.display
            ))
            .with_hint(format!(
                "name the versions to compare with --from and --to (`datapact log {}` lists them)",
                self.id
            )));
        };
        if w.agreement().is_none() {
            return Err(self.does_not_validate(w));
        }
        Ok(w)
    }

    fn does_not_validate(&self, text: &Text) -> Error {
        let version = text.version.map(|v| format!(" v{v}")).unwrap_or_default();
        Error::input(format!(
            "{}{version} in {} does not validate, so its clauses cannot be compared: {}",
            self.display,
            text.describe(),
            text.problem()
        ))
        .with_hint(match text.origin {
            Origin::WorkingTree => format!(
                "run `datapact validate {}` and fix what it reports",
                self.id
            ),
            Origin::Commit(_) => "compare other versions (`datapact log ID` shows which validate)"
                .replace("ID", self.id.as_str()),
        })
    }

    /// The error for a version that history would have to supply but cannot.
    fn not_found(&self, what: &str) -> Error {
        if !self.in_git {
            return Error::usage(format!(
                "{what}: the workspace is not in a git repository, so the earlier versions of {} cannot be found",
                self.id
            ))
            .with_hint(
                "datapact finds earlier versions in the git history of the current branch: commit the workspace (`git init`, `git add`, `git commit`) as each version is agreed",
            );
        }
        let known = self
            .known_versions()
            .iter()
            .map(|v| format!("v{v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let known = if known.is_empty() {
            "none".to_string()
        } else {
            known
        };
        if self.shallow {
            return Error::usage(format!(
                "{what}: the repository is a shallow clone, whose history stops before its first commit (versions found: {known})"
            ))
            .with_hint("fetch the whole history with `git fetch --unshallow`, then run the command again");
        }
        Error::usage(format!(
            "{what}: it is neither the working tree's version nor in the history of the current branch (versions found: {known})"
        ))
        .with_hint(format!(
            "`datapact log {}` lists the versions and their commits",
            self.id
        ))
    }

    /// The text of `version`: see the module comment.
    pub fn resolve<'v>(&'v self, judge: &Judge<'_>, version: u32) -> Result<Resolved<'v>> {
        if let Some(w) = self.working.as_ref().filter(|w| w.version == Some(version)) {
            if w.agreement().is_none() {
                return Err(self.does_not_validate(w));
            }
            return Ok(Resolved {
                version,
                text: w,
                choice: Choice::WorkingTree,
                notes: Vec::new(),
            });
        }
        let what = format!("version {version} of {} was not found", self.id);
        if !self.in_git {
            return Err(self.not_found(&what));
        }
        let of_version: Vec<&Text> = self
            .history
            .iter()
            .filter(|t| t.version == Some(version))
            .collect();
        let mut notes: Vec<String> = of_version
            .iter()
            .filter(|t| t.agreement().is_none())
            .map(|t| {
                format!(
                    "skipped the text of v{version} in {}: it does not validate ({})",
                    t.describe(),
                    t.problem()
                )
            })
            .collect();
        let valid: Vec<&Text> = of_version
            .into_iter()
            .filter(|t| t.agreement().is_some())
            .collect();
        let Some(latest) = valid.last().copied() else {
            if notes.is_empty() {
                return Err(self.not_found(&what));
            }
            return Err(Error::input(format!(
                "version {version} of {} is in the history only in texts that do not validate: {}",
                self.id,
                notes.join("; ")
            ))
            .with_hint(format!(
                "compare other versions (`datapact log {}` shows which validate)",
                self.id
            )));
        };
        if self.shallow {
            notes.push(format!(
                "the repository is a shallow clone: the text of v{version} was chosen from the part of the history fetched"
            ));
        }
        let (text, choice) = self
            .signed_choice(judge, version, &valid)
            .unwrap_or((latest, Choice::Latest));
        Ok(Resolved {
            version,
            text,
            choice,
            notes,
        })
    }

    /// The version before `version`: the highest lower version of a text that validates.
    pub fn previous(&self, version: u32) -> Result<u32> {
        let previous = self
            .working
            .iter()
            .chain(&self.history)
            .filter(|t| t.agreement().is_some())
            .filter_map(|t| t.version)
            .filter(|&v| v < version)
            .max();
        match previous {
            Some(v) => Ok(v),
            None if !self.in_git || self.shallow => Err(self.not_found(&format!(
                "no version of {} before v{version} was found",
                self.id
            ))),
            None => Err(Error::usage(format!(
                "v{version} is the first version of {} in the history of the current branch: there is nothing earlier to compare it with",
                self.id
            ))
            .with_hint(format!(
                "name both versions with --from and --to (`datapact log {}` lists them)",
                self.id
            ))),
        }
    }

    /// The parties named by any text of the agreement, working tree first.
    pub fn parties(&self) -> Vec<String> {
        let mut parties: Vec<String> = Vec::new();
        for text in self.working.iter().chain(self.history.iter().rev()) {
            if let Ok(f) = facts::of_checked(&text.checked) {
                for p in f.party_ids {
                    if !parties.contains(&p) {
                        parties.push(p);
                    }
                }
            }
        }
        parties
    }

    /// The latest version `party` signed with a signature that verifies against the bytes its
    /// statement names (found in the working tree or the history). Refused when `party` is not
    /// a party, has never signed, or no signature of its verifies, each saying why.
    pub fn last_signed_by<'v>(&'v self, judge: &Judge<'_>, party: &str) -> Result<SignedBy<'v>> {
        let parties = self.parties();
        if !parties.iter().any(|p| p == party) {
            return Err(Error::refused(format!(
                "{party} is not a party to {} (its parties: {})",
                self.id,
                parties.join(", ")
            ))
            .with_hint(crate::ids::near_miss_hint(
                party,
                parties.iter().map(String::as_str),
                "name a party by its id, as in the agreement's [[parties]]",
            )));
        }
        let mut why: Vec<String> = Vec::new();
        for version in signed_versions(judge.ws, self.id.as_str())
            .into_iter()
            .rev()
        {
            let path = statement_path(judge.ws, self.id.as_str(), version, party);
            if gate::kind_of(&judge.ws.root, &path).ok() == Some(Kind::Missing) {
                continue;
            }
            let Some(statement) = read_statement(judge.ws, &path) else {
                why.push(format!(
                    "v{version}: its statement {} cannot be read",
                    judge.ws.display(&path)
                ));
                continue;
            };
            if statement.agreement != self.id.as_str() || statement.version != version {
                why.push(format!(
                    "v{version}: its statement {} is for {:?} v{}",
                    judge.ws.display(&path),
                    statement.agreement,
                    statement.version
                ));
                continue;
            }
            let digest = statement.agreement_sha256;
            let text = self
                .working
                .iter()
                .chain(&self.history)
                .find(|t| t.digest == digest && t.version == Some(version));
            let Some(text) = text else {
                why.push(format!(
                    "v{version}: its statement names a text (sha256 {digest}) that is neither in the working tree nor in the history of the current branch as v{version}{}",
                    if self.shallow { " (a shallow clone)" } else { "" }
                ));
                continue;
            };
            match judge.status(text, party) {
                Some(PartyStatus::Signed {
                    key_id,
                    principal,
                    role,
                    signed_at,
                    ..
                }) => {
                    let signature = Signature {
                        party: party.to_string(),
                        version,
                        key_id,
                        principal,
                        role,
                        signed_at,
                    };
                    return Ok(SignedBy { signature, text });
                }
                Some(PartyStatus::Invalid { rule, reason, .. }) => {
                    why.push(format!("v{version}: [{}] {reason}", rule.code))
                }
                _ => why.push(format!(
                    "v{version}: the text its statement names does not list {party} as a party, or cannot be read"
                )),
            }
        }
        if why.is_empty() {
            let where_ = if self.in_git {
                String::new()
            } else {
                " (and the workspace is not in a git repository, so earlier versions cannot be found)"
                    .to_string()
            };
            return Err(Error::refused(format!(
                "{party} has never signed {}: there is no statement signatures/{}/v*/{party}.toml{where_}",
                self.id, self.id
            ))
            .with_hint(format!(
                "compare versions with --from and --to instead; {party} signs with `datapact sign {} --party {party} --key KEYFILE`",
                self.id
            )));
        }
        Err(Error::refused(format!(
            "{party} has no signature on {} that verifies: {}",
            self.id,
            why.join("; ")
        ))
        .with_hint(format!(
            "`datapact log {}` shows who signed which version and why a signature does not count",
            self.id
        )))
    }

    /// Every version in the history of the current branch, in the order they first appeared,
    /// then the working tree's text when HEAD does not have it. Texts whose version cannot be
    /// read are entries of their own.
    pub fn log<'v>(&'v self, judge: &Judge<'_>) -> Vec<Entry<'v>> {
        let mut groups: Vec<(Option<u32>, Vec<&Text>)> = Vec::new();
        for text in &self.history {
            match groups
                .iter_mut()
                .find(|(v, _)| v.is_some() && *v == text.version)
            {
                Some((_, texts)) => texts.push(text),
                None => groups.push((text.version, vec![text])),
            }
        }
        let mut entries = Vec::new();
        for (version, texts) in groups {
            // The text the signatures name, else the latest that validates, else the latest.
            let Some(last) = texts.last().copied() else {
                continue;
            };
            let latest = texts
                .iter()
                .rev()
                .find(|t| t.agreement().is_some())
                .copied()
                .unwrap_or(last);
            let (text, choice) = version
                .and_then(|v| self.signed_choice(judge, v, &texts))
                .unwrap_or((latest, Choice::Latest));
            let signatures = match version {
                Some(v) => self.signers(judge, v, text, &texts),
                None => Vec::new(),
            };
            entries.push(Entry {
                version,
                texts,
                text,
                choice,
                uncommitted: false,
                signatures,
            });
        }
        if let Some(w) = self.working.as_ref().filter(|_| self.uncommitted()) {
            let signatures = judge.verify(w).map(|s| s.parties).unwrap_or_default();
            entries.push(Entry {
                version: w.version,
                texts: vec![w],
                text: w,
                choice: Choice::WorkingTree,
                uncommitted: true,
                signatures,
            });
        }
        entries
    }

    /// The text of `version` among `texts` (all of that version) that the version's statements
    /// name, those that verify against it counting first, then those naming it, then the later
    /// text; `None` when no statement names any of them.
    fn signed_choice<'v>(
        &self,
        judge: &Judge<'_>,
        version: u32,
        texts: &[&'v Text],
    ) -> Option<(&'v Text, Choice)> {
        let statements = statements(judge.ws, self.id.as_str(), version);
        let mut best: Option<((usize, usize, usize), &'v Text)> = None;
        for (i, text) in texts.iter().enumerate() {
            let naming: Vec<&str> = statements
                .iter()
                .filter(|(_, d)| d.as_deref() == Some(text.digest.as_str()))
                .map(|(p, _)| p.as_str())
                .collect();
            if naming.is_empty() {
                continue;
            }
            let verified = naming
                .iter()
                .filter(|p| matches!(judge.status(text, p), Some(PartyStatus::Signed { .. })))
                .count();
            let rank = (verified, naming.len(), i);
            if best.is_none_or(|(b, _)| rank > b) {
                best = Some((rank, text));
            }
        }
        best.map(|((verified, named, _), text)| (text, Choice::Signed { named, verified }))
    }

    /// Each party of `main` (the version's text) on `version`: judged against the text among
    /// `texts` its statement names, or against `main` when its statement names none of them
    /// (which then says so).
    fn signers(
        &self,
        judge: &Judge<'_>,
        version: u32,
        main: &Text,
        texts: &[&Text],
    ) -> Vec<PartySignature> {
        let Ok(facts) = facts::of_checked(&main.checked) else {
            return Vec::new();
        };
        let statements = statements(judge.ws, self.id.as_str(), version);
        let mut out = Vec::new();
        for party in facts.party_ids {
            let named = statements
                .iter()
                .find(|(p, _)| *p == party)
                .and_then(|(_, d)| d.clone());
            let signed_text = named
                .as_deref()
                .and_then(|d| texts.iter().find(|t| t.digest == d));
            let status = match signed_text.and_then(|t| judge.status(t, &party)) {
                Some(status) => status,
                None => match (judge.status(main, &party), named) {
                    (Some(PartyStatus::Invalid { rule, file, .. }), Some(digest))
                        if rule.code == crate::rules::signatures::SIGNATURE_STALE.code =>
                    {
                        let elsewhere = if self.working.as_ref().is_some_and(|w| w.digest == digest)
                        {
                            ": it is the working tree's text, which is not committed"
                        } else {
                            ""
                        };
                        PartyStatus::Invalid {
                            rule,
                            reason: format!(
                                "{party}'s statement for v{version} names a text (sha256 {digest}) that is not a text of v{version} in the history of the current branch{elsewhere}"
                            ),
                            file,
                        }
                    }
                    (Some(status), _) => status,
                    (None, _) => continue,
                },
            };
            out.push(PartySignature { party, status });
        }
        out
    }
}

/// The statements filed for `version`: each party (file stem) with the digest its statement
/// names, `None` when it cannot be read or is not for this agreement and version. Not
/// verified: only used to find which text to judge a statement against, which verification
/// then does (`verify::named_digests` gives the same digests without the parties).
fn statements(ws: &Workspace, id: &str, version: u32) -> Vec<(String, Option<String>)> {
    let dir = version_dir(ws, id, version);
    let mut out = Vec::new();
    for path in gate::list_dir(&ws.root, &dir).unwrap_or_default() {
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".toml"))
        else {
            continue;
        };
        if crate::workspace::check_id(stem).is_err() {
            continue;
        }
        let digest = read_statement(ws, &path)
            .filter(|s| s.agreement == id && s.version == version)
            .map(|s| s.agreement_sha256);
        out.push((stem.to_string(), digest));
    }
    out
}

fn read_statement(ws: &Workspace, path: &std::path::Path) -> Option<Statement> {
    let bytes = gate::try_read(&ws.root, path, FileKind::Statement).ok()?;
    toml::from_str(std::str::from_utf8(&bytes).ok()?).ok()
}
