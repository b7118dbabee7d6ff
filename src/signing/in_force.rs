//! The version in force: an agreement's latest fully signed version. While a later version
//! collects signatures, the earlier one stays in force; its exact bytes are no longer in the
//! working tree, so they are found in the history of the current branch by the digest its
//! statements name ([`crate::history::Archive`]), validated, and its signatures verified
//! against them ([`super::verify::verify_version`]).
//!
//! Whether every party agreed to a version ([`agreed_by_all`]: each signed it or, where the
//! workspace counts acceptances, accepted its exact bytes) is decided here, for the current
//! version (`register::Session::assess_text`) and an earlier one alike.

use super::acceptance::{self, Acceptances};
use super::facts::AgreementFacts;
use super::trust::TrustStore;
use super::verify::{
    AgreementSignatures, PartySignature, PartyStatus, SignatureState, named_digests,
    signed_versions, verify_version,
};
use crate::agreement::{self, Checked};
use crate::diagnostics::Severity;
use crate::git::CommitInfo;
use crate::history::LazyArchive;
use crate::source::SourceFile;
use crate::workspace::Workspace;
use chrono::NaiveDate;

/// An earlier version that is in force while the current one is not fully signed.
#[derive(Debug, Clone)]
pub struct InForce {
    pub version: u32,
    /// That version's text, validated without errors (`sign` never signs a text with errors, so
    /// one that has them is never in force).
    pub checked: Checked,
    /// Its signatures: every party's valid, or (where acceptances count) its acceptance.
    pub signatures: AgreementSignatures,
    /// Its valid acceptances, read when the workspace counts them (empty otherwise).
    pub acceptances: Acceptances,
    /// The first commit of the current branch that had this text.
    pub commit: CommitInfo,
}

/// What the history says about earlier versions, when the current one is not fully signed.
#[derive(Debug, Clone)]
pub enum Earlier {
    /// An earlier version is fully signed and in force.
    InForce(Box<InForce>),
    /// No earlier version is fully signed (or none was ever signed).
    None,
    /// Earlier versions have signatures, but their texts could not be looked up: the reasons
    /// (not a git repository, a shallow clone, a text never committed).
    Unknown(Vec<String>),
}

/// Whether `party` agreed to the version `party` was verified against: it holds a valid
/// signature or, when `count` (`[signing] acceptances_count`), a valid acceptance of the
/// version's exact bytes ([`acceptance::acceptances`]).
pub fn agreed(party: &PartySignature, acceptances: Option<&Acceptances>, count: bool) -> bool {
    matches!(party.status, PartyStatus::Signed { .. })
        || (count && acceptances.is_some_and(|a| a.of(&party.party).is_some()))
}

/// Whether every party agreed to a version: fully signed, or (when `count`) each party signed
/// or accepted its exact bytes. The one place acceptances count, for the current version and
/// for an earlier one in force alike. Error findings (a broken chain, say) are the caller's.
pub fn agreed_by_all(
    signatures: &AgreementSignatures,
    acceptances: Option<&Acceptances>,
    count: bool,
) -> bool {
    signatures.state == SignatureState::Full
        || (count
            && signatures
                .parties
                .iter()
                .all(|p| agreed(p, acceptances, count)))
}

/// Finds the latest version below the current one (`facts`) whose statements name a text in
/// the history of the current branch that every party of that text has agreed to
/// ([`agreed_by_all`]: validly signed, or accepted where the workspace counts acceptances).
pub fn earlier(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    today: NaiveDate,
    archive: &LazyArchive,
) -> Earlier {
    let id = facts.id.as_str();
    let count = ws.config.signing.acceptances_count;
    let mut unknown = Vec::new();
    for version in signed_versions(ws, id)
        .into_iter()
        .rev()
        .filter(|&v| v < facts.version)
    {
        let mut digests = named_digests(ws, id, version);
        // A version every party accepted (none signed) is found by what its acceptances name.
        if count {
            digests.extend(acceptance::named_digests(ws, id, version));
        }
        if digests.is_empty() {
            continue;
        }
        let archive = match archive.get(ws) {
            Ok(archive) if archive.has_history() => archive,
            Ok(_) => {
                unknown.push(format!(
                    "v{version} has signatures, but the workspace is not in a git repository, so its text cannot be found"
                ));
                return Earlier::Unknown(unknown);
            }
            Err(why) => {
                unknown.push(format!(
                    "v{version} has signatures, but the git history cannot be read: {why}"
                ));
                return Earlier::Unknown(unknown);
            }
        };
        for digest in &digests {
            let Some((text, bytes)) = archive.find(id, digest) else {
                let shallow = if archive.is_shallow() {
                    " (this is a shallow clone: fetch the whole history)"
                } else {
                    ""
                };
                unknown.push(format!(
                    "the signatures on v{version} name a text (sha256 {digest}) that the history of this branch does not have{shallow}"
                ));
                continue;
            };
            let path = ws.agreement_path(&facts.id);
            let display = format!(
                "{} (v{version}, commit {})",
                facts.display_path,
                text.commit.short()
            );
            // Only whether it has errors is asked.
            let checked = agreement::check_source(
                ws,
                SourceFile::from_bytes(path, display, bytes),
                agreement::Scope::Errors,
            );
            // `sign` never signs a text with errors: one that has them was not signed through
            // datapact (a party planting a text of its own, with fewer parties, say), so it is
            // never in force.
            if checked.has_errors() {
                unknown.push(format!(
                    "the text the signatures on v{version} name (commit {}) does not validate, so it cannot be in force (`datapact render {id} --version {version}` or `git show` shows it)",
                    text.commit.short()
                ));
                continue;
            }
            let Some(old) = AgreementFacts::from_checked(&checked) else {
                continue;
            };
            if old.id != facts.id || old.version != version {
                continue;
            }
            let signatures = verify_version(ws, &old, trust, today);
            let clean = !signatures
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error);
            let acceptances = if count {
                acceptance::acceptances(ws, &old, today)
            } else {
                Acceptances::default()
            };
            if clean && agreed_by_all(&signatures, Some(&acceptances), count) {
                return Earlier::InForce(Box::new(InForce {
                    version,
                    checked,
                    signatures,
                    acceptances,
                    commit: text.commit,
                }));
            }
        }
    }
    if unknown.is_empty() {
        Earlier::None
    } else {
        Earlier::Unknown(unknown)
    }
}

/// Gives the DP203 finding "the version number went backwards" the likely cause, from git:
/// the agreement file has uncommitted changes; or the text the later version's signatures
/// name was never committed to this branch (it was signed, and its statements committed,
/// without the agreement: what `sign --commit` once did); or that text is in the history, so
/// the agreement was rolled back, and the commit that has it is named.
pub fn explain_backwards(
    ws: &Workspace,
    facts: &AgreementFacts,
    signatures: &mut AgreementSignatures,
    archive: &LazyArchive,
) {
    let rule = &crate::rules::signatures::SIGNATURE_WRONG_VERSION;
    let Some(finding) = signatures
        .findings
        .iter_mut()
        .find(|f| std::ptr::eq(f.rule, rule) && f.file == facts.display_path)
    else {
        return;
    };
    let id = facts.id.as_str();
    let Some(later) = signed_versions(ws, id)
        .into_iter()
        .rev()
        .find(|&v| v > facts.version && !named_digests(ws, id, v).is_empty())
    else {
        return;
    };
    let file = &facts.display_path;
    let uncommitted = crate::git::History::open(&ws.root)
        .ok()
        .flatten()
        .and_then(|h| h.uncommitted(&facts.path));
    let hint = if uncommitted.is_some() {
        format!(
            "{file} has uncommitted changes: the likely cause is an edit on disk that lowered `version`; restore the committed text (`git diff {file}`) or set `version` above v{later}"
        )
    } else {
        let Ok(archive) = archive.get(ws) else {
            return;
        };
        let found = named_digests(ws, id, later)
            .iter()
            .find_map(|d| archive.find(id, d).map(|(text, _)| text.commit));
        match found {
            Some(commit) => format!(
                "the text signed as v{later} is in the history (commit {}, \"{}\"): the agreement was rolled back to an earlier text; restore the signed one (`git checkout {} -- {file}`), or bump `version` above v{later} and have every party sign",
                commit.short(),
                commit.summary,
                commit.short()
            ),
            None => format!(
                "the text the v{later} signatures name was never committed to this branch: the likely cause is that it was signed but only the signatures were committed; commit the signed text of {file} from the signer's copy (`datapact sign --commit` commits the agreement with the signature), or bump `version` above v{later} and have every party sign"
            ),
        }
    };
    finding.hint = hint;
}
