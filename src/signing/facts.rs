//! The facts signing needs about one agreement file: id, title, version, the parties' ids and
//! the exact bytes. Signing and verification take these, never the full agreement model.

use crate::agreement::{self, Checked};
use crate::error::{Error, Result};
use crate::workspace::{AgreementId, Workspace};
use std::path::{Path, PathBuf};

/// What signing and verification know about one agreement file.
#[derive(Debug, Clone)]
pub struct AgreementFacts {
    pub id: AgreementId,
    pub title: String,
    pub version: u32,
    /// Ids of the parties that sign, in the order the agreement lists them: every party but
    /// a class of organisations (`class = true`), whose members join instead.
    pub party_ids: Vec<String>,
    /// Ids of the class parties, whose members join with signed accessions
    /// ([`super::membership`]).
    pub class_ids: Vec<String>,
    /// The file's exact bytes, which the content digest covers.
    bytes: Vec<u8>,
    /// SHA-256 (hex) of `bytes`, computed once when the facts are made (private, so the two
    /// never disagree).
    sha256: String,
    /// The file's path relative to the workspace root, for messages.
    pub display_path: String,
    /// The file on disk.
    pub path: PathBuf,
    /// Whether validation found error-severity findings (signing refuses then).
    pub has_errors: bool,
}

impl AgreementFacts {
    /// SHA-256 (hex) of the agreement file's bytes.
    pub fn digest(&self) -> &str {
        &self.sha256
    }

    /// The agreement file's exact bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Refuses `party` when it is not one of the parties that sign (`sign`, `review`), naming
    /// them and, for a near miss, the id meant.
    pub fn require_signing_party(&self, party: &str) -> Result<()> {
        if self.party_ids.iter().any(|p| p == party) {
            return Ok(());
        }
        Err(Error::refused(format!(
            "{party} is not a party to {} (its parties are: {})",
            self.id,
            self.party_ids.join(", ")
        ))
        .with_hint(crate::ids::near_miss_hint(
            party,
            self.party_ids.iter().map(String::as_str),
            "pass --party with one of the party ids listed in the agreement",
        )))
    }

    /// The same facts for other bytes (and their digest): what a tampered copy would claim.
    pub fn with_bytes(&self, bytes: Vec<u8>) -> AgreementFacts {
        AgreementFacts {
            sha256: super::sha256_hex(&bytes),
            bytes,
            ..self.clone()
        }
    }

    /// The facts of an agreement that validation could read (content findings may remain).
    pub fn from_checked(checked: &Checked) -> Option<AgreementFacts> {
        let a = checked.agreement.as_ref()?;
        Some(AgreementFacts {
            id: a.id.clone(),
            title: a.title.clone(),
            version: a.version,
            party_ids: a.signing_party_ids().map(str::to_string).collect(),
            class_ids: a.class_party_ids().map(str::to_string).collect(),
            bytes: checked.source.bytes.clone(),
            sha256: super::sha256_hex(&checked.source.bytes),
            display_path: checked.source.display.clone(),
            path: checked.source.path.clone(),
            has_errors: checked.has_errors(),
        })
    }
}

/// Reads and validates an agreement file and returns its facts. When validation cannot build
/// the agreement (a changed file may well not validate), the facts are read from the TOML
/// directly, so verification can still say which signatures no longer cover the content; a file
/// whose line endings were converted to CRLF is read in its LF form for the same reason. Such
/// facts keep the bytes on disk and count as having errors.
pub fn load(ws: &Workspace, path: &Path) -> Result<AgreementFacts> {
    let checked = agreement::check_file(ws, path, agreement::Scope::All)?;
    of_checked(&checked)
}

/// The facts of an already validated file: from the agreement when it validates, otherwise read
/// leniently as [`load`] describes.
pub fn of_checked(checked: &Checked) -> Result<AgreementFacts> {
    if let Some(facts) = AgreementFacts::from_checked(checked) {
        return Ok(facts);
    }
    let source = &checked.source;
    let unreadable = |why: String| {
        Error::input(format!(
            "{}: cannot read the agreement's id, version and parties: {why}",
            source.display
        ))
        .with_hint(format!(
            "run `datapact validate {}` and fix the errors it reports",
            source.display
        ))
    };
    let text = source
        .text
        .as_deref()
        .ok_or_else(|| unreadable("it is not a UTF-8 text file".into()))?;
    let lf = text.replace("\r\n", "\n");
    let raw: RawFacts = toml::from_str(&lf).map_err(|e| {
        let pos = source.position(e.span().map_or(0, |s| s.start));
        unreadable(format!(
            "{}:{}: {}",
            pos.line,
            pos.column,
            e.message().trim()
        ))
    })?;
    let id = AgreementId::parse(&raw.agreement.id).map_err(|e| unreadable(e.message))?;
    Ok(AgreementFacts {
        id,
        title: raw.agreement.title,
        version: raw.agreement.version,
        // Party ids become path segments: ones that break the id rule (which validation has
        // already reported) are left out, so no path built from them can leave the workspace.
        party_ids: raw
            .parties
            .iter()
            .filter(|p| !p.is_class())
            .map(|p| p.id.clone())
            .filter(|id| crate::workspace::check_id(id).is_ok())
            .collect(),
        class_ids: raw
            .parties
            .iter()
            .filter(|p| p.is_class())
            .map(|p| p.id.clone())
            .filter(|id| crate::workspace::check_id(id).is_ok())
            .collect(),
        bytes: source.bytes.clone(),
        sha256: super::sha256_hex(&source.bytes),
        display_path: source.display.clone(),
        path: source.path.clone(),
        has_errors: true,
    })
}

/// Just the facts, read leniently from an agreement that does not validate.
#[derive(serde::Deserialize)]
struct RawFacts {
    agreement: RawAgreement,
    #[serde(default)]
    parties: Vec<RawParty>,
}

#[derive(serde::Deserialize)]
struct RawAgreement {
    id: String,
    #[serde(default)]
    title: String,
    version: u32,
}

#[derive(serde::Deserialize)]
struct RawParty {
    id: String,
    /// Any value (a wrong type is validation's finding); only `true` makes a class.
    #[serde(default)]
    class: Option<toml::Value>,
}

impl RawParty {
    fn is_class(&self) -> bool {
        self.class == Some(toml::Value::Boolean(true))
    }
}
