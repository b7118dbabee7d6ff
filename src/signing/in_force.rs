//! The version in force: an agreement's latest fully signed version. While a later version
//! collects signatures, the earlier one stays in force; its exact bytes are no longer in the
//! working tree, so they are found in the history of the current branch by the digest its
//! statements name ([`crate::history::Archive`]), validated, and its signatures verified
//! against them ([`super::verify::verify_version`]).

use super::facts::AgreementFacts;
use super::trust::TrustStore;
use super::verify::{
    AgreementSignatures, SignatureState, named_digests, signed_versions, verify_version,
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
    /// That version's text, validated (content findings of today's rules are kept but do not
    /// stop a version its parties signed from being in force).
    pub checked: Checked,
    /// Its signatures, every one valid.
    pub signatures: AgreementSignatures,
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

/// Finds the latest version below the current one (`facts`) whose statements name a text in
/// the history of the current branch that every party of that text has validly signed.
pub fn earlier(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    today: NaiveDate,
    archive: &LazyArchive,
) -> Earlier {
    let id = facts.id.as_str();
    let mut unknown = Vec::new();
    for version in signed_versions(ws, id)
        .into_iter()
        .rev()
        .filter(|&v| v < facts.version)
    {
        let digests = named_digests(ws, id, version);
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
            let checked = agreement::check_source(ws, SourceFile::from_bytes(path, display, bytes));
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
            if signatures.state == SignatureState::Full && clean {
                return Earlier::InForce(Box::new(InForce {
                    version,
                    checked,
                    signatures,
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
