//! Verifying the signatures on an agreement: for every party the agreement names, whether it
//! holds a valid signature on the current version, is missing, or has an invalid one (with the
//! reason), the derived signature state, and findings (DP2xx) that point at the files.
//!
//! Used by `verify`, and by `status`, `check` and `render`. Only the current version's
//! directory counts; older versions are history, read only for the hash chain ([`chain`]): each
//! current statement's `previous_sha256` must name the content the latest earlier signed
//! version covers. Each party and each key counts once.

use super::statement::{
    Fields, REVIEWS_DIR, Signed, Statement, agreement_dir, field_line, signature_path, version_dir,
    version_of_dir_name,
};
use super::trust::{Refusal, TrustStore, TrustedKey};
use super::{AgreementFacts, sha256_hex, sshsig};
use crate::diagnostics::{Finding, LineIndex, Position};
use crate::gate::{self, FileKind, Kind, ReadError};
use crate::rules::{self, Rule};
use crate::workspace::{Workspace, check_id};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One party's signature on the current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum PartyStatus {
    /// A valid signature on the current content.
    Signed {
        key_id: String,
        principal: String,
        role: String,
        /// Claimed signing time, RFC 3339 UTC, as in the statement.
        signed_at: String,
        /// The statement file, workspace-relative.
        statement: String,
    },
    /// No statement for this party in the current version's directory.
    Missing {
        /// The latest earlier version this party signed, if any.
        last_signed_version: Option<u32>,
    },
    /// A statement is there but does not count.
    Invalid {
        /// The rule of the reason (DP2xx; DP008 for a file that is not `agreements/<id>.toml`),
        /// serialised as its code.
        #[serde(rename = "code", serialize_with = "crate::diagnostics::serialize_code")]
        rule: &'static Rule,
        reason: String,
        /// The file the problem is in, workspace-relative.
        file: String,
    },
}

/// A party and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartySignature {
    pub party: String,
    #[serde(flatten)]
    pub status: PartyStatus,
}

/// Derived signature state of an agreement; never stored by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "signature_state", rename_all = "lowercase")]
pub enum SignatureState {
    /// No party holds a valid signature on the current version, and none has tried: no
    /// statement at all.
    Unsigned,
    /// No party holds a valid signature on the current version, but at least one statement
    /// exists and does not count (made on other content, a revoked key, a damaged file): not
    /// "unsigned", which would hide that the text changed after signing. `status` calls the
    /// same agreement `signatures-invalid`.
    Invalid,
    /// Some parties do; `missing` lists those that do not (missing or invalid).
    Partial { missing: Vec<String> },
    /// Every party named in the agreement holds a valid signature on the current version.
    Full,
}

impl SignatureState {
    pub fn label(&self) -> &'static str {
        match self {
            SignatureState::Unsigned => "unsigned",
            SignatureState::Invalid => "signatures not valid",
            SignatureState::Partial { .. } => "partially signed",
            SignatureState::Full => "fully signed",
        }
    }
}

/// The signatures on one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementSignatures {
    /// The agreement's id (`id` in JSON, as in every output).
    #[serde(rename = "id")]
    pub agreement: String,
    pub file: String,
    pub version: u32,
    /// SHA-256 (hex) of the agreement file's current bytes.
    pub sha256: String,
    pub parties: Vec<PartySignature>,
    #[serde(flatten)]
    pub state: SignatureState,
    /// Findings about signature files (and missing signatures), pointing at the files.
    pub findings: Vec<Finding>,
}

/// A statement that verified completely.
struct Valid {
    statement: Statement,
    principal: String,
    display: String,
    /// The line of `previous_sha256` (or 1), for chain findings.
    previous_line: usize,
}

/// Why a statement does not count, with where.
pub(crate) struct Rejection {
    pub(crate) rule: &'static Rule,
    pub(crate) reason: String,
    pub(crate) file: String,
    pub(crate) line: usize,
}

pub(crate) fn reject(
    rule: &'static Rule,
    file: &str,
    line: usize,
    reason: impl Into<String>,
) -> Rejection {
    Rejection {
        rule,
        reason: reason.into(),
        file: file.to_string(),
        line,
    }
}

/// Reads the statement or signature file `path`, listed in its folder's `listing` (see
/// [`authenticate`]).
fn read_signature_file(
    ws: &Workspace,
    path: &Path,
    listing: &[(PathBuf, Kind)],
    kind: FileKind,
) -> Result<Vec<u8>, Rejection> {
    let what = match kind {
        FileKind::Statement => "statement",
        _ => "signature",
    };
    let listed = gate::listed(listing, path).unwrap_or(Kind::Missing);
    // The gate never opens what is not a regular file: opening a FIFO waits for a writer forever.
    gate::try_read_entry(&ws.root, path, listed, kind).map_err(|e| {
        let display = ws.display(path);
        let reason = match e {
            ReadError::Refused(e) => e.message,
            ReadError::NotRegular { .. } => format!(
                "{what} {display} is not a regular file (a directory, FIFO, device or socket); it cannot be a datapact {what}"
            ),
            e if e.is_missing() => format!("{what} {display} is missing"),
            ReadError::Io(e) => format!("cannot read {what} {display}: {e}"),
            ReadError::TooLarge { max } => format!(
                "{what} {display} is larger than {max} bytes; it cannot be a datapact {what}"
            ),
        };
        reject(&rules::signatures::SIGNATURE_MALFORMED, &display, 1, reason)
    })
}

/// The line-endings rejection, with the advice that fixes it.
fn crlf(file: &str, what: &str) -> Rejection {
    reject(
        &rules::signatures::SIGNATURE_LINE_ENDINGS,
        file,
        1,
        format!(
            "{what} {file} has CRLF line endings: its line endings were converted (usually by git's core.autocrlf), \
             so the signed bytes changed although the text did not"
        ),
    )
}

/// A statement whose signature verifies with a usable trust store key of the statement's party,
/// for the agreement and version whose directory it is filed in: authentic, but not yet judged
/// on revocation, validity window, role or content.
pub(crate) struct Authentic<'t, S = Statement> {
    pub(crate) statement: S,
    /// The statement file's text, for the lines of its fields.
    pub(crate) text: String,
    pub(crate) entry: &'t TrustedKey,
    pub(crate) display: String,
}

/// Checks one statement file and its signature against the agreement and the trust store.
fn evaluate(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    latest: DateTime<Utc>,
    stem: &str,
    path: &Path,
    listing: &[(PathBuf, Kind)],
) -> Result<Valid, Rejection> {
    let authentic = authenticate(
        ws,
        facts.id.as_str(),
        facts.version,
        trust,
        stem,
        path,
        listing,
    )?;
    authorise(facts, authentic, latest)
}

/// The first half of [`evaluate`]: the statement of `stem` in the directory of `version` of
/// agreement `agreement`, read and parsed as a statement of kind `S` (of its type, strictly),
/// its signature verified, its agreement, version and party matching where it is filed, and its
/// key enrolled (usable) for that party. Shared by agreement and review statements.
/// `listing`: the folder's entries as the caller listed them ([`gate::list_dir_kinds`]), so the
/// two files are read without judging their paths again; empty when the caller has none.
pub(crate) fn authenticate<'t, S: Signed>(
    ws: &Workspace,
    agreement: &str,
    version: u32,
    trust: &'t TrustStore,
    stem: &str,
    path: &Path,
    listing: &[(PathBuf, Kind)],
) -> Result<Authentic<'t, S>, Rejection> {
    let display = ws.display(path);
    let sig_path = signature_path(path);
    let sig_display = ws.display(&sig_path);
    let stmt_bytes = read_signature_file(ws, path, listing, FileKind::Statement)?;
    let sig_bytes = read_signature_file(ws, &sig_path, listing, FileKind::Signature)?;
    if converted_line_endings(&stmt_bytes) {
        return Err(crlf(&display, "statement"));
    }
    if converted_line_endings(&sig_bytes) && sshsig::parse(&strip_cr_before_lf(&sig_bytes)).is_ok()
    {
        return Err(crlf(&sig_display, "signature"));
    }
    let sig = sshsig::parse(&sig_bytes).map_err(|p| {
        reject(
            &rules::signatures::SIGNATURE_MALFORMED,
            &sig_display,
            1,
            format!("{sig_display}: {p}"),
        )
    })?;
    let signer = sshsig::verify(&sig, &stmt_bytes).map_err(|p| {
        let rule = match p {
            sshsig::SigProblem::Malformed(_) => &rules::signatures::SIGNATURE_MALFORMED,
            sshsig::SigProblem::WrongNamespace(_) => &rules::signatures::SIGNATURE_NAMESPACE,
            sshsig::SigProblem::BadKey(_) | sshsig::SigProblem::BadSignature => {
                &rules::signatures::SIGNATURE_BAD
            }
        };
        reject(rule, &sig_display, 1, format!("{sig_display}: {p}"))
    })?;
    let text = String::from_utf8(stmt_bytes).map_err(|_| {
        reject(
            &rules::signatures::SIGNATURE_MALFORMED,
            &display,
            1,
            format!("statement {display} is not UTF-8 text"),
        )
    })?;
    let statement: S = toml::from_str(&text).map_err(|e| {
        let pos = LineIndex::new(&text).position(&text, e.span().map_or(0, |s| s.start));
        reject(
            &rules::signatures::SIGNATURE_MALFORMED,
            &display,
            pos.line,
            format!(
                "{} {display}:{}:{} cannot be read: {}",
                S::WHAT,
                pos.line,
                pos.column,
                e.message().trim()
            ),
        )
    })?;
    let line = |key: &str| field_line(&text, key);
    let fields = statement.fields();
    if fields.statement_type != S::TYPE {
        return Err(reject(
            &rules::signatures::SIGNATURE_MALFORMED,
            &display,
            line("type"),
            format!(
                "{} type {:?} is not {:?}",
                S::WHAT,
                fields.statement_type,
                S::TYPE
            ),
        ));
    }
    let signer_id = sshsig::key_id(&signer);
    if signer_id != fields.key_id {
        return Err(reject(
            &rules::signatures::SIGNATURE_BAD,
            &display,
            line("key_id"),
            format!(
                "the statement names key {} but the signature was made with key {signer_id}",
                fields.key_id
            ),
        ));
    }
    if fields.agreement != agreement {
        return Err(reject(
            &rules::signatures::SIGNATURE_WRONG_AGREEMENT,
            &display,
            line("agreement"),
            format!(
                "this is a signature for another agreement ({:?}), not {agreement}; it was copied here",
                fields.agreement
            ),
        ));
    }
    let relation = match fields.version.cmp(&version) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Less => Some("an earlier"),
        std::cmp::Ordering::Greater => Some("another"),
    };
    if let Some(relation) = relation {
        return Err(reject(
            &rules::signatures::SIGNATURE_WRONG_VERSION,
            &display,
            line("version"),
            format!(
                "{} signed {relation} version (v{}), not the current version v{version}",
                fields.party, fields.version
            ),
        ));
    }
    if fields.party != stem {
        return Err(reject(
            &rules::signatures::SIGNATURE_WRONG_PARTY,
            &display,
            line("party"),
            format!(
                "the statement is {}'s, but it is filed as {stem}'s signature",
                fields.party
            ),
        ));
    }
    let entry = trust.find(&signer_id).ok_or_else(|| {
        reject(
            &rules::signatures::SIGNATURE_UNKNOWN_KEY,
            &display,
            line("key_id"),
            format!("key {signer_id} is not in the trust store (keys/); the signature cannot be attributed to anyone"),
        )
    })?;
    if let Err(refusal) = entry.attributes_to(fields.party) {
        return Err(refused(&refusal, entry, &fields, &text, &display));
    }
    Ok(Authentic {
        statement,
        text,
        entry,
        display,
    })
}

/// The second half of [`evaluate`]: an authentic statement counts for the current version when
/// [`authorise_fields`] accepts it.
fn authorise(
    facts: &AgreementFacts,
    authentic: Authentic<'_>,
    latest: DateTime<Utc>,
) -> Result<Valid, Rejection> {
    authorise_fields(facts, &authentic, latest)?;
    let Authentic {
        statement,
        text,
        entry,
        display,
    } = authentic;
    Ok(Valid {
        principal: entry.principal.clone(),
        previous_line: field_line(&text, "previous_sha256"),
        statement,
        display,
    })
}

/// The key decisions of [`authorise_fields`], without the content: the statement's signing
/// time is an RFC 3339 time not after `latest`, and its key is not revoked, was valid then and
/// is enrolled for the role. Returns the claimed signing time. Shared by every kind of statement
/// (membership statements judge their content against the version they name).
pub(crate) fn authorise_key<S: Signed>(
    authentic: &Authentic<'_, S>,
    latest: DateTime<Utc>,
) -> Result<DateTime<Utc>, Rejection> {
    let Authentic {
        statement,
        text,
        entry,
        display,
    } = authentic;
    let statement = statement.fields();
    let line = |key: &str| field_line(text, key);
    let signed_at = statement.signed_at().map_err(|why| {
        reject(
            &rules::signatures::SIGNATURE_MALFORMED,
            display,
            line("signed_at"),
            format!("statement {display}: {why}"),
        )
    })?;
    if let Err(refusal) = entry.permits(statement.role, signed_at.date_naive()) {
        return Err(refused(&refusal, entry, &statement, text, display));
    }
    if signed_at > latest {
        return Err(reject(
            &rules::signatures::SIGNATURE_FROM_THE_FUTURE,
            display,
            line("signed_at"),
            from_the_future(statement.party, statement.signed_at, latest),
        ));
    }
    Ok(signed_at)
}

/// Whether an authentic statement of any kind counts for the agreement version of `facts`: its
/// key is not revoked, was valid at the claimed signing time and is enrolled for the role, that
/// time is not after `latest` (the end of today, see
/// [`super::statement::latest_signing_time`]), and the statement covers the agreement's
/// current bytes. Returns the claimed signing time. Shared by agreement and review statements.
pub(crate) fn authorise_fields<S: Signed>(
    facts: &AgreementFacts,
    authentic: &Authentic<'_, S>,
    latest: DateTime<Utc>,
) -> Result<DateTime<Utc>, Rejection> {
    let signed_at = authorise_key(authentic, latest)?;
    let Authentic {
        statement,
        text,
        display,
        ..
    } = authentic;
    let statement = statement.fields();
    let line = |key: &str| field_line(text, key);
    let current = facts.digest();
    if statement.agreement_sha256 != current {
        if facts.bytes().contains(&b'\r')
            && sha256_hex(&strip_cr_before_lf(facts.bytes())) == statement.agreement_sha256
        {
            return Err(crlf(&facts.display_path, "agreement"));
        }
        return Err(reject(
            &rules::signatures::SIGNATURE_STALE,
            display,
            line("agreement_sha256"),
            format!(
                "{} signed version v{} with different content: the agreement was changed after signing (signed sha256 {}, now {current})",
                statement.party, statement.version, statement.agreement_sha256
            ),
        ));
    }
    Ok(signed_at)
}

/// Why a statement claiming to be signed at `signed_at` (after `latest`) does not count; `sign`
/// refuses in the same words.
pub fn from_the_future(party: &str, signed_at: &str, latest: DateTime<Utc>) -> String {
    format!(
        "{party}'s statement claims to be signed at {signed_at}, after today (the latest signing time accepted is {}, \
         the end of today in the workspace time zone plus {} minutes of clock skew): a signature cannot be made in the future",
        latest.format("%Y-%m-%dT%H:%M:%SZ"),
        super::statement::CLOCK_SKEW.num_minutes()
    )
}

/// The rejection of a statement whose key the trust store does not let sign it (the decision
/// is [`TrustedKey::attributes_to`] and [`TrustedKey::permits`], shared with `datapact sign`),
/// pointing at the statement field concerned.
fn refused(
    refusal: &Refusal,
    entry: &TrustedKey,
    statement: &Fields<'_>,
    text: &str,
    display: &str,
) -> Rejection {
    let key = &entry.key_id;
    let (field, reason) = match refusal {
        Refusal::OtherParty => (
            "key_id",
            format!(
                "key {key} belongs to party {}, not to {} ({}:{})",
                entry.party, statement.party, entry.file, entry.line
            ),
        ),
        Refusal::Unusable(problem) => (
            "key_id",
            format!(
                "the trust store entry for key {key} is unusable ({}:{}): {problem}",
                entry.file, entry.line
            ),
        ),
        Refusal::Revoked(date) => {
            let why = entry
                .revocation_reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            (
                "key_id",
                format!(
                    "key {key} of {} was revoked on {date}{why}; signatures with a revoked key never count, whatever their date",
                    entry.principal
                ),
            )
        }
        Refusal::OutsideWindow(day) => (
            "signed_at",
            format!(
                "key {key} was used on {day} outside its validity window ({})",
                entry.window()
            ),
        ),
        Refusal::Role if entry.roles.is_empty() => (
            "role",
            format!(
                "key {key} may sign in any role of this workspace, but signed as {:?}, which is none of them ({})",
                statement.role,
                entry.any_role.join(", ")
            ),
        ),
        Refusal::Role => (
            "role",
            format!(
                "key {key} is enrolled for role(s) {} but signed as {:?}",
                entry.roles.join(", "),
                statement.role
            ),
        ),
    };
    reject(refusal.rule(), display, field_line(text, field), reason)
}

/// Whether `bytes` look like a text file whose LF line endings were converted to CRLF: UTF-8
/// text with at least one CR, every CR followed by LF. Random or binary bytes that merely
/// contain a CR are not (they are reported as malformed instead).
fn converted_line_endings(bytes: &[u8]) -> bool {
    bytes.contains(&b'\r')
        && std::str::from_utf8(bytes).is_ok()
        && bytes
            .iter()
            .enumerate()
            .all(|(i, &b)| b != b'\r' || bytes.get(i + 1) == Some(&b'\n'))
}

pub(crate) fn strip_cr_before_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

/// Lists the statement files (`*.toml`) and other entries of a signature directory (none when
/// it cannot be listed: a directory that leads outside the workspace is reported by
/// [`stray_version_entries`] and [`orphan_signature_entries`]).
fn list_dir(ws: &Workspace, dir: &Path) -> Vec<PathBuf> {
    gate::list_dir(&ws.root, dir).unwrap_or_default()
}

/// What is at `path`, through the gate; `None` when it leads outside the workspace or cannot
/// be examined.
fn kind(ws: &Workspace, path: &Path) -> Option<Kind> {
    gate::kind_of(&ws.root, path).ok()
}

/// What is at `path`, an entry listed as `listed` ([`gate::kind_of_entry`]); `None` when it
/// leads outside the workspace or cannot be examined.
fn followed(ws: &Workspace, path: &Path, listed: Kind) -> Option<Kind> {
    gate::kind_of_entry(&ws.root, path, listed).ok()
}

/// The DP210 error for a signature directory (or a file in `signatures/`) that leads outside
/// the workspace: nothing there is read, so nothing there counts.
fn refused_entry(ws: &Workspace, path: &Path, refusal: crate::error::Error) -> Finding {
    Finding::new(
        &rules::signatures::SIGNATURE_MALFORMED,
        &ws.display(path),
        Position::START,
        refusal.message,
        refusal.hint.unwrap_or_default(),
    )
}

/// Version numbers that have a signature directory (`v<N>`, canonical), sorted.
pub fn signed_versions(ws: &Workspace, agreement: &str) -> Vec<u32> {
    versions_in(ws, &agreement_entries(ws, agreement))
}

/// The entries of `signatures/<agreement>/`, each with what it is as listed (a link not
/// followed), listed once for all of [`verify_dir`]'s questions; none when the folder is absent
/// or leads outside the workspace ([`stray_version_entries`] reports that).
fn agreement_entries(ws: &Workspace, agreement: &str) -> Vec<(PathBuf, Kind)> {
    gate::list_dir_kinds(&ws.root, &agreement_dir(ws, agreement)).unwrap_or_default()
}

/// The version numbers of the version directories among `entries` ([`agreement_entries`]),
/// sorted.
fn versions_in(ws: &Workspace, entries: &[(PathBuf, Kind)]) -> Vec<u32> {
    let mut versions: Vec<u32> = entries
        .iter()
        .filter(|(p, listed)| followed(ws, p, *listed) == Some(Kind::Dir))
        .filter_map(|(p, _)| version_of_dir_name(p.file_name()?.to_str()?))
        .collect();
    versions.sort_unstable();
    versions
}

/// DP214 warnings for the entries of `signatures/<id>/` (`entries`, [`agreement_entries`]) that
/// are not version directories `v<N>` (loose files, `vx`, `V9`, `v03`, a number too large), and
/// for empty version directories; none of them is read. `current` is the directory of the
/// version verified, with whether it was found empty (it was listed already).
fn stray_version_entries(
    ws: &Workspace,
    agreement: &str,
    entries: &[(PathBuf, Kind)],
    current: (&Path, bool),
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let dir = agreement_dir(ws, agreement);
    if let Err(refusal) = gate::check_inside(&ws.root, &dir) {
        findings.push(refused_entry(ws, &dir, refusal));
        return findings;
    }
    for (path, listed) in entries {
        let display = ws.display(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let inside = gate::check_entry(&ws.root, path, *listed);
        let is_dir = inside.is_ok() && followed(ws, path, *listed) == Some(Kind::Dir);
        let empty = || match current {
            (dir, empty) if dir == path => empty,
            _ => list_dir(ws, path).is_empty(),
        };
        // Memberships of class parties have a folder of their own, judged (a link out of the
        // workspace included) by `membership::members`: reported there, once.
        if name == super::statement::MEMBERS_DIR && (is_dir || inside.is_err()) {
            continue;
        }
        if let Err(refusal) = inside {
            findings.push(refused_entry(ws, path, refusal));
            continue;
        }
        let (message, hint) = match version_of_dir_name(&name) {
            Some(_) if is_dir && empty() => (
                format!("{display} is an empty version directory"),
                "remove it; a version directory holds the statements and signatures of that version".to_string(),
            ),
            Some(_) if is_dir => continue,
            _ if !is_dir => (
                format!("{display} is not a version directory; signatures/{agreement}/ holds only directories v<N>"),
                "remove it, or move it into the version directory it belongs to".to_string(),
            ),
            _ => {
                let digits = name
                    .strip_prefix(['v', 'V'])
                    .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
                let why = match digits.map(|d| d.trim_start_matches('0').parse::<u32>()) {
                    Some(Ok(n)) => format!("it is not read; the directory of version {n} is v{n}"),
                    Some(Err(_)) if digits.is_some_and(|d| d.trim_start_matches('0').is_empty()) => {
                        "it is not read; the directory of version 0 is v0".to_string()
                    }
                    Some(Err(_)) => format!("the version number is larger than {}", u32::MAX),
                    None => "a version directory is named v<N>, such as v1".to_string(),
                };
                (
                    format!("{display} is not a version directory: {why}"),
                    "remove it, or rename it to v<N> with the version number written without leading zeros".to_string(),
                )
            }
        };
        findings.push(Finding::new(
            &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
            &display,
            Position::START,
            message,
            hint,
        ));
    }
    findings
}

/// DP214 warnings for entries of `signatures/` that belong to no agreement: a directory whose
/// name is not the id of an agreement file `agreements/<id>.toml`, or a loose file. Reported once
/// for the workspace (by `verify` and `check` on the whole workspace), not per agreement.
pub fn orphan_signature_entries(ws: &Workspace) -> Vec<Finding> {
    let mut findings = Vec::new();
    let signatures = ws.root.join(crate::workspace::SIGNATURES_DIR);
    if let Err(refusal) = gate::check_inside(&ws.root, &signatures) {
        findings.push(refused_entry(ws, &signatures, refusal));
        return findings;
    }
    // One listing of each folder, rather than two queries per agreement.
    let agreements_dir = ws.agreements_dir();
    let agreements = gate::list_dir_kinds(&ws.root, &agreements_dir).unwrap_or_default();
    for (path, listed) in gate::list_dir_kinds(&ws.root, &signatures).unwrap_or_default() {
        // Named only in a finding: almost every entry is an agreement's folder.
        let display = || ws.display(&path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let has_agreement = check_id(&name).is_ok() && {
            let file = agreements_dir.join(format!("{name}.toml"));
            gate::listed(&agreements, &file)
                .is_some_and(|listed| followed(ws, &file, listed) == Some(Kind::File))
        };
        if let Err(refusal) = gate::check_entry(&ws.root, &path, listed) {
            // An agreement's own verification reports its linked directory.
            if !has_agreement {
                findings.push(refused_entry(ws, &path, refusal));
            }
            continue;
        }
        let is_dir = followed(ws, &path, listed) == Some(Kind::Dir);
        if is_dir && has_agreement {
            continue;
        }
        let display = display();
        let message = if !is_dir {
            format!(
                "{display} is not a directory; signatures/ holds only one directory per agreement, signatures/<agreement-id>/"
            )
        } else {
            format!(
                "{display} holds signatures for no agreement: there is no agreements/{name}.toml"
            )
        };
        findings.push(Finding::new(
            &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
            &display,
            Position::START,
            message,
            "remove it if the agreement was withdrawn (git history keeps it), or restore or rename the agreement file it belongs to",
        ));
    }
    findings
}

/// Verifies every signature on the current version of an agreement, on the day `today` (a
/// statement signed after it, in the workspace time zone, does not count: DP219), with what
/// only the current version is judged on: the entries of `signatures/<id>/` that are not
/// version directories, and signatures of a later version (the version number went back).
pub fn verify_agreement(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    today: NaiveDate,
) -> AgreementSignatures {
    if facts.path != ws.agreement_path(&facts.id) {
        return misfiled(facts);
    }
    verify_dir(ws, facts, trust, today, true)
}

/// Verifies the signatures of one version of an agreement against that version's exact bytes
/// (`facts`, usually made from the text git history has for the digest its statements name):
/// what [`verify_agreement`] does for the version's own directory, without the findings about
/// the current version.
pub fn verify_version(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    today: NaiveDate,
) -> AgreementSignatures {
    verify_dir(ws, facts, trust, today, false)
}

/// The content digests the statements in the directory of `version` of agreement `id` name
/// (`agreement_sha256`), whatever their validity: where to look for that version's text. A
/// statement that cannot be read or parsed names none.
pub fn named_digests(ws: &Workspace, id: &str, version: u32) -> std::collections::BTreeSet<String> {
    list_dir(ws, &version_dir(ws, id, version))
        .iter()
        .filter(|p| statement_stem(p).is_some_and(|s| check_id(s).is_ok()))
        .filter_map(|p| gate::try_read(&ws.root, p, FileKind::Statement).ok())
        .filter_map(|bytes| toml::from_str::<Statement>(std::str::from_utf8(&bytes).ok()?).ok())
        .filter(|s| s.agreement == id && s.version == version)
        .map(|s| s.agreement_sha256)
        .collect()
}

/// [`verify_agreement`] (`current`) or [`verify_version`].
fn verify_dir(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    today: NaiveDate,
    current: bool,
) -> AgreementSignatures {
    let latest = super::statement::latest_signing_time(today, ws.config.timezone());
    let mut findings = Vec::new();
    let mut by_stem: BTreeMap<String, Result<Valid, Rejection>> = BTreeMap::new();
    // `signatures/<id>/`, listed once for the chain, later versions and stray entries; listed
    // first, so a run that keeps its listings judges the version's folder by it.
    let entries = agreement_entries(ws, facts.id.as_str());
    let dir = version_dir(ws, facts.id.as_str(), facts.version);
    let listed = gate::list_dir_kinds(&ws.root, &dir).unwrap_or_default();
    // What is at a path of this folder: as listed, a link judged and followed, and a name the
    // listing lacks missing (one query per link rather than one per file).
    let here = |p: &Path| -> Option<Kind> {
        match gate::listed(&listed, p) {
            Some(kind) => followed(ws, p, kind),
            None if p.parent() == Some(dir.as_path()) => Some(Kind::Missing),
            None => kind(ws, p),
        }
    };
    for (path, _) in &listed {
        let path = path.clone();
        // Made only for a finding.
        let display = || ws.display(&path);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if let Some(stem) = name.strip_suffix(".toml.sig") {
            let statement = path.with_file_name(format!("{stem}.toml"));
            if here(&statement) != Some(Kind::Missing) {
                continue;
            }
            if here(&path) == Some(Kind::File) {
                findings.push(interrupted(
                    facts,
                    &display(),
                    stem,
                    "signature",
                    "statement",
                ));
            } else {
                findings.push(Finding::new(
                    &rules::signatures::SIGNATURE_MALFORMED,
                    &display(),
                    Position::START,
                    format!("signature {} has no statement file beside it, and it is not a regular file", display()),
                    "remove it",
                ));
            }
            continue;
        }
        // Review statements have a folder of their own, judged by `review::reviews`.
        if name == REVIEWS_DIR && here(&path) == Some(Kind::Dir) {
            continue;
        }
        // So have acceptances, judged (a link out of the workspace included) by
        // `acceptance::acceptances`: reported there, once.
        if name == super::acceptance::ACCEPTANCES_DIR
            && (here(&path) == Some(Kind::Dir) || gate::check_inside(&ws.root, &path).is_err())
        {
            continue;
        }
        if gate::is_temporary_name(&name) {
            findings.push(Finding::new(
                &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
                &display(),
                Position::START,
                format!("{} is a temporary file left by an interrupted datapact run; it is not read", display()),
                "the next datapact command that writes in this folder (such as `datapact sign`) removes it; or remove it yourself",
            ));
            continue;
        }
        if let Some(stem) = name.strip_suffix(".toml").filter(|s| check_id(s).is_ok()) {
            // A statement whose signature is not there at all (not a damaged or unreadable
            // signature: those are DP210) is the first half of a signing that never finished.
            if here(&signature_path(&path)) == Some(Kind::Missing)
                && here(&path) == Some(Kind::File)
            {
                findings.push(interrupted(
                    facts,
                    &display(),
                    stem,
                    "statement",
                    "signature",
                ));
                continue;
            }
        }
        // Not only regular files: a FIFO or directory named like a statement is reported as a
        // malformed statement of that party (read_signature_file never opens it).
        let stem = name.strip_suffix(".toml").filter(|s| check_id(s).is_ok());
        let Some(stem) = stem else {
            findings.push(Finding::new(
                &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
                &display(),
                Position::START,
                format!("{} is not a statement (<party-id>.toml) or signature (<party-id>.toml.sig) file", display()),
                "remove it; this directory holds only statements and their signatures",
            ));
            continue;
        };
        by_stem.insert(
            stem.to_string(),
            evaluate(ws, facts, trust, latest, stem, &path, &listed),
        );
    }
    let versions = versions_in(ws, &entries);
    // The hash chain, worked out only when some statement is otherwise valid.
    if by_stem.values().any(Result::is_ok) {
        let chain = chain(ws, facts, trust, &versions);
        by_stem = by_stem
            .into_iter()
            .map(|(stem, r)| (stem, r.and_then(|v| check_chain(facts, &chain, v))))
            .collect();
    }

    let later = if current {
        findings.extend(stray_version_entries(
            ws,
            facts.id.as_str(),
            &entries,
            (&dir, listed.is_empty()),
        ));
        versions.iter().find(|&&v| {
            v > facts.version && !list_dir(ws, &version_dir(ws, facts.id.as_str(), v)).is_empty()
        })
    } else {
        None
    };
    if let Some(later) = later {
        findings.push(Finding::new(
            &rules::signatures::SIGNATURE_WRONG_VERSION,
            &facts.display_path,
            Position::START,
            format!(
                "signatures exist for v{later} but the agreement says version {}; the version number went backwards",
                facts.version
            ),
            "set `version` above every version already signed; never reuse or lower a version number",
        ));
    }

    let mut parties = Vec::new();
    let mut key_owner: HashMap<String, String> = HashMap::new();
    for party in &facts.party_ids {
        let status =
            match by_stem.remove(party) {
                None => {
                    let last = versions.iter().rev().copied().find(|&v| {
                        v < facts.version
                            && kind(
                                ws,
                                &super::statement::statement_path(ws, facts.id.as_str(), v, party),
                            ) == Some(Kind::File)
                    });
                    let msg = match last {
                        Some(v) => format!(
                            "{party} has not signed version v{} (it signed v{v})",
                            facts.version
                        ),
                        None => format!("{party} has not signed version v{}", facts.version),
                    };
                    findings.push(Finding::new(
                    &rules::signatures::SIGNATURE_MISSING,
                    &facts.display_path,
                    Position::START,
                    msg,
                    format!(
                        "{party} signs with `datapact sign {} --party {party} --key KEYFILE`",
                        facts.id
                    ),
                )
                .about_party(party));
                    PartyStatus::Missing {
                        last_signed_version: last,
                    }
                }
                Some(Ok(valid)) => match key_owner.get(&valid.statement.key_id) {
                    Some(other) => {
                        let r = reject(
                            &rules::signatures::SIGNATURE_DUPLICATE,
                            &valid.display,
                            1,
                            format!(
                                "key {} already counted for {other}; each key counts once",
                                valid.statement.key_id
                            ),
                        );
                        invalid(&mut findings, facts, party, r)
                    }
                    None => {
                        key_owner.insert(valid.statement.key_id.clone(), party.clone());
                        PartyStatus::Signed {
                            key_id: valid.statement.key_id,
                            principal: valid.principal,
                            role: valid.statement.role,
                            signed_at: valid.statement.signed_at,
                            statement: valid.display,
                        }
                    }
                },
                Some(Err(r)) => invalid(&mut findings, facts, party, r),
            };
        parties.push(PartySignature {
            party: party.clone(),
            status,
        });
    }
    for (stem, result) in by_stem {
        let file = ws.display(&dir.join(format!("{stem}.toml")));
        let what = match result {
            Ok(v) => format!(
                "a valid copy of {}'s signature, which counts once",
                v.statement.party
            ),
            Err(r) => format!("and it is invalid: {}", r.reason),
        };
        findings.push(Finding::new(
            &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
            &file,
            Position::START,
            format!(
                "{file} is a statement for {stem}, which is not a party to {}; {what}",
                facts.id
            ),
            rules::signatures::SIGNATURE_UNEXPECTED_FILE.hint,
        ));
    }

    let signed = parties
        .iter()
        .filter(|p| matches!(p.status, PartyStatus::Signed { .. }))
        .count();
    let state = if signed == 0 {
        if parties
            .iter()
            .any(|p| matches!(p.status, PartyStatus::Invalid { .. }))
        {
            SignatureState::Invalid
        } else {
            SignatureState::Unsigned
        }
    } else if signed == parties.len() {
        SignatureState::Full
    } else {
        SignatureState::Partial {
            missing: parties
                .iter()
                .filter(|p| !matches!(p.status, PartyStatus::Signed { .. }))
                .map(|p| p.party.clone())
                .collect(),
        }
    };
    AgreementSignatures {
        agreement: facts.id.to_string(),
        file: facts.display_path.clone(),
        version: facts.version,
        sha256: facts.digest().to_string(),
        parties,
        state,
        findings,
    }
}

/// The DP214 warning for a statement or signature (`what`, at `display`) without its pair
/// (`pair`): what an interrupted signing leaves. It is not read, the party has not signed, and
/// signing again completes it (`sign` replaces the leftover).
fn interrupted(
    facts: &AgreementFacts,
    display: &str,
    stem: &str,
    what: &str,
    pair: &str,
) -> Finding {
    let party = if facts.party_ids.iter().any(|p| p == stem) {
        stem
    } else {
        "PARTY"
    };
    Finding::new(
        &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
        display,
        Position::START,
        format!(
            "{display} is a {what} without its {pair}: a signing was interrupted (or the {pair} removed), so it does not count and {stem} has not signed v{}",
            facts.version
        ),
        format!(
            "complete the signing: `datapact sign {} --party {party} --key KEYFILE` replaces the leftover; or remove it",
            facts.id
        ),
    )
}

/// The signatures of an agreement file that is not `agreements/<id>.toml` of the id it claims
/// (a copy, or a file named for another id): `signatures/<id>/` belongs to that other file, so
/// nothing is counted and every party is reported invalid (DP008).
fn misfiled(facts: &AgreementFacts) -> AgreementSignatures {
    let (file, id) = (&facts.display_path, &facts.id);
    let reason = format!(
        "{file} says it is agreement {id}, but that agreement's file is agreements/{id}.toml; \
         the signatures in signatures/{id}/ are not counted for any other file"
    );
    let finding = Finding::new(
        &rules::structure::ID_MISMATCH,
        file,
        Position::START,
        reason.clone(),
        format!(
            "if this file is agreement {id}, rename it to agreements/{id}.toml; if it is a copy, \
             give it its own id and have every party sign it"
        ),
    );
    let parties = facts
        .party_ids
        .iter()
        .map(|party| PartySignature {
            party: party.clone(),
            status: PartyStatus::Invalid {
                rule: &rules::structure::ID_MISMATCH,
                reason: reason.clone(),
                file: file.clone(),
            },
        })
        .collect();
    AgreementSignatures {
        agreement: id.to_string(),
        file: file.clone(),
        version: facts.version,
        sha256: facts.digest().to_string(),
        parties,
        // Every party's statement is there but counts for nothing here: as for changed text.
        state: SignatureState::Invalid,
        findings: vec![finding],
    }
}

fn invalid(
    findings: &mut Vec<Finding>,
    facts: &AgreementFacts,
    party: &str,
    r: Rejection,
) -> PartyStatus {
    // What signing again mends (a key revoked, expired, unknown or not enrolled for the role),
    // the hint says with the exact command.
    let mended_by_replace = [
        &rules::signatures::SIGNATURE_REVOKED_KEY,
        &rules::signatures::SIGNATURE_KEY_VALIDITY,
        &rules::signatures::SIGNATURE_UNKNOWN_KEY,
        &rules::signatures::SIGNATURE_ROLE,
    ]
    .iter()
    .any(|rule| std::ptr::eq(*rule, r.rule));
    let hint = if mended_by_replace {
        format!(
            "{party} signs v{} again with a valid key, replacing this statement: `datapact sign {} --party {party} --key KEYFILE --replace`",
            facts.version, facts.id
        )
    } else {
        r.rule.hint.to_string()
    };
    findings.push(
        Finding::new(
            r.rule,
            &r.file,
            Position {
                line: r.line,
                column: 1,
            },
            r.reason.clone(),
            hint,
        )
        .about_party(party),
    );
    PartyStatus::Invalid {
        rule: r.rule,
        reason: r.reason,
        file: r.file,
    }
}

/// What the statements on the current version must name as `previous_sha256`: the hash chain
/// across versions. The earlier version that counts is the latest one below the current version
/// with at least one authentic statement (see [`authenticate`]): its signature verifies with a
/// usable trust store key of its party. Revocation, validity windows and roles are not applied
/// here: they decide whether a signature still counts, not which content it covered, so revoking
/// a key never breaks the chain of later versions. Statements that are not authentic are
/// ignored, so a version directory with only damaged or unknown-key files is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
    /// No earlier version has an authentic statement: a statement names no previous digest.
    Start,
    /// The authentic statements on `version` agree on `digest`.
    Link { version: u32, digest: String },
    /// The authentic statements on `version` cover `contents` different digests (one party
    /// signed, the file changed without a version bump, another signed): no chain can be checked.
    Conflict { version: u32, contents: usize },
}

/// The chain link the current version of an agreement must name; see [`Chain`]. `versions`:
/// the agreement's signed versions ([`signed_versions`]).
pub fn chain(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    versions: &[u32],
) -> Chain {
    for &version in versions.iter().rev().filter(|&&v| v < facts.version) {
        let mut digests = signed_digests(ws, facts, trust, version).into_iter();
        match (digests.next(), digests.len()) {
            (None, _) => continue,
            (Some(digest), 0) => return Chain::Link { version, digest },
            (Some(_), more) => {
                return Chain::Conflict {
                    version,
                    contents: more + 1,
                };
            }
        }
    }
    Chain::Start
}

/// The contents (SHA-256) the authentic statements of the agreement's parties on `version`
/// cover (see [`chain`]: authentic, whatever their keys' revocation or validity since).
pub fn signed_digests(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    version: u32,
) -> std::collections::BTreeSet<String> {
    let id = facts.id.as_str();
    let mut digests = std::collections::BTreeSet::new();
    let listing = gate::list_dir_kinds(&ws.root, &version_dir(ws, id, version)).unwrap_or_default();
    for (path, _) in &listing {
        // Only the agreement's own parties make its history: a key enrolled for some other
        // organisation must not be able to plant a statement that breaks the chain.
        let Some(stem) = statement_stem(path).filter(|s| facts.party_ids.iter().any(|p| p == s))
        else {
            continue;
        };
        if let Ok(a) = authenticate::<Statement>(ws, id, version, trust, stem, path, &listing) {
            digests.insert(a.statement.agreement_sha256);
        }
    }
    digests
}

/// The stem of a statement file name `<stem>.toml`, or `None`. Callers match it against the
/// agreement's party ids (so it is a valid id), and reading refuses anything but a regular file.
fn statement_stem(path: &Path) -> Option<&str> {
    path.file_name()?.to_str()?.strip_suffix(".toml")
}

/// The content digest of the latest earlier signed version, which `sign` writes as the
/// statement's `previous_sha256` ([`chain`]). `Err` when that version's authentic signatures
/// cover different contents (someone must look at the history).
pub fn previous_signed_digest(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
) -> Result<Option<(u32, String)>, String> {
    let versions = signed_versions(ws, facts.id.as_str());
    match chain(ws, facts, trust, &versions) {
        Chain::Start => Ok(None),
        Chain::Link { version, digest } => Ok(Some((version, digest))),
        Chain::Conflict { version, contents } => Err(format!(
            "the signatures on v{version} cover {contents} different contents; the history must be checked before signing"
        )),
    }
}

/// Checks a statement that is otherwise valid against the chain: its `previous_sha256` must
/// name the digest that the latest earlier signed version covers, and be absent when no earlier
/// version was signed.
fn check_chain(facts: &AgreementFacts, chain: &Chain, valid: Valid) -> Result<Valid, Rejection> {
    let s = &valid.statement;
    let (party, id, v) = (&s.party, &facts.id, facts.version);
    let why = match (chain, s.previous_sha256.as_deref()) {
        (Chain::Start, None) => return Ok(valid),
        (Chain::Link { digest, .. }, Some(named)) if named == digest => return Ok(valid),
        (Chain::Start, Some(named)) => format!(
            "{party}'s statement for v{v} names previous_sha256 {named}, but no earlier version of {id} \
             has a signature that verifies with a key in the trust store: the earlier signatures were \
             removed from signatures/{id}/ (or their keys from keys/)"
        ),
        (Chain::Link { version, digest }, None) => format!(
            "{party}'s statement for v{v} names no previous version, but v{version} of {id} was signed \
             (sha256 {digest}); a statement must chain to the latest earlier signed version"
        ),
        (Chain::Link { version, digest }, Some(named)) => format!(
            "{party}'s statement for v{v} names previous_sha256 {named}, but the signatures on v{version} \
             of {id} cover sha256 {digest}: the signed history is not the one the signer saw"
        ),
        (Chain::Conflict { version, contents }, _) => format!(
            "the signatures on v{version} of {id} cover {contents} different contents, so the chain \
             from {party}'s statement for v{v} to v{version} cannot be checked"
        ),
    };
    Err(reject(
        &rules::signatures::SIGNATURE_CHAIN,
        &valid.display,
        valid.previous_line,
        why,
    ))
}

#[cfg(test)]
mod tests {
    use super::converted_line_endings as c;

    #[test]
    fn only_text_with_crlf_pairs_counts_as_converted() {
        assert!(c(b"a = 1\r\nb = 2\r\n"));
        assert!(!c(b"a = 1\nb = 2\n"));
        assert!(!c(b"a\rb\r\n"), "a lone CR is not a conversion");
        assert!(!c(&[0xff, b'\r', b'\n']), "binary is not text");
    }

    #[test]
    fn each_rejection_hint_names_its_fix() {
        use crate::rules;
        let remove =
            "remove the file; the party signs this agreement version itself with `datapact sign`";
        for rule in [
            &rules::signatures::SIGNATURE_WRONG_AGREEMENT,
            &rules::signatures::SIGNATURE_WRONG_VERSION,
            &rules::signatures::SIGNATURE_WRONG_PARTY,
            &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
        ] {
            assert_eq!(rule.hint, remove, "{}", rule.code);
        }
        let again = "the party signs the same version again with a valid key, replacing the statement that no longer counts: `datapact sign ID --party PARTY --key KEYFILE --replace`";
        assert_eq!(rules::signatures::SIGNATURE_REVOKED_KEY.hint, again);
        assert_eq!(rules::signatures::SIGNATURE_KEY_VALIDITY.hint, again);
        // Every other rejection has a hint of its own or the default one.
        assert_ne!(rules::signatures::SIGNATURE_STALE.hint, remove);
        assert_ne!(rules::signatures::SIGNATURE_MALFORMED.hint, remove);
    }
}
