//! The facts signing needs about one agreement file: id, title, version, the parties' ids and
//! the exact bytes. Signing and verification take these, never the full agreement model.

use crate::error::{Error, Result};
use crate::workspace::{AgreementId, Workspace};
use std::path::{Path, PathBuf};

/// What signing and verification know about one agreement file.
#[derive(Debug, Clone)]
pub struct AgreementFacts {
    pub id: AgreementId,
    pub title: String,
    pub version: u32,
    /// Party ids in the order the agreement lists them.
    pub party_ids: Vec<String>,
    /// The file's exact bytes, which the content digest covers.
    pub bytes: Vec<u8>,
    /// The file's path relative to the workspace root, for messages.
    pub display_path: String,
    /// The file on disk.
    pub path: PathBuf,
    /// Whether validation found error-severity findings (signing refuses then).
    pub has_errors: bool,
}

impl AgreementFacts {
    /// SHA-256 (hex) of the agreement file's bytes.
    pub fn digest(&self) -> String {
        super::sha256_hex(&self.bytes)
    }
}

/// TEMPORARY adapter until `crate::agreement::check_file` lands on main: reads the facts with
/// plain `toml`. It does not validate the agreement; it only refuses a file it cannot read the
/// facts from, and marks CRLF / BOM / non-UTF-8 files as having errors (as validation would).
pub fn load(ws: &Workspace, path: &Path) -> Result<AgreementFacts> {
    #[derive(serde::Deserialize)]
    struct Raw {
        agreement: RawAgreement,
        #[serde(default)]
        parties: Vec<RawParty>,
    }
    #[derive(serde::Deserialize)]
    struct RawAgreement {
        id: String,
        title: String,
        version: u32,
    }
    #[derive(serde::Deserialize)]
    struct RawParty {
        id: String,
    }
    let source = ws.read_source(path)?;
    let display = source.display.clone();
    let text = source.text.as_deref().ok_or_else(|| {
        Error::input(format!("{display} is not a readable UTF-8 agreement file"))
            .with_hint("run `datapact validate` to see what is wrong with it")
    })?;
    // A CRLF-converted file still has its facts; keep going so verification can say so plainly.
    let normalised = text.replace("\r\n", "\n");
    let raw: Raw = toml::from_str(&normalised).map_err(|e| {
        let pos = source.position(e.span().map_or(0, |s| s.start));
        Error::input(format!("{display}:{}:{}: cannot read the agreement: {}", pos.line, pos.column, e.message()))
            .with_hint("run `datapact validate` and fix the errors it reports")
    })?;
    let id = AgreementId::parse(&raw.agreement.id)
        .map_err(|e| Error::input(format!("{display}: {}", e.message)).with_hint("fix [agreement] id"))?;
    Ok(AgreementFacts {
        id,
        title: raw.agreement.title,
        version: raw.agreement.version,
        party_ids: raw.parties.into_iter().map(|p| p.id).collect(),
        bytes: source.bytes.clone(),
        display_path: display,
        path: path.to_path_buf(),
        has_errors: !source.findings.is_empty(),
    })
}
