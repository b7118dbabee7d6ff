//! The facts signing needs about one agreement file: id, title, version, the parties' ids and
//! the exact bytes. Signing and verification take these, never the full agreement model.

use crate::agreement::{self, Checked};
use crate::error::{Error, Result};
use crate::source::SourceFile;
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

    /// The facts of an agreement that validation could read (content findings may remain).
    pub fn from_checked(checked: &Checked) -> Option<AgreementFacts> {
        let a = checked.agreement.as_ref()?;
        Some(AgreementFacts {
            id: a.id.clone(),
            title: a.title.clone(),
            version: a.version,
            party_ids: a.party_ids().map(str::to_string).collect(),
            bytes: checked.source.bytes.clone(),
            display_path: checked.source.display.clone(),
            path: checked.source.path.clone(),
            has_errors: checked.has_errors(),
        })
    }
}

/// Reads and validates an agreement file and returns its facts. A file whose line endings were
/// converted to CRLF is read in its LF form, so that verification can name the real cause;
/// its facts keep the bytes on disk and count as having errors.
pub fn load(ws: &Workspace, path: &Path) -> Result<AgreementFacts> {
    let checked = agreement::check_file(ws, path)?;
    if let Some(facts) = AgreementFacts::from_checked(&checked) {
        return Ok(facts);
    }
    if checked.source.bytes.contains(&b'\r') {
        let lf = super::verify::strip_cr_before_lf(&checked.source.bytes);
        let source = SourceFile::from_bytes(checked.source.path.clone(), checked.source.display.clone(), lf);
        if let Some(mut facts) = AgreementFacts::from_checked(&agreement::check_source(ws, source)) {
            facts.bytes = checked.source.bytes.clone();
            facts.has_errors = true;
            return Ok(facts);
        }
    }
    let first = checked.findings.iter().find(|f| f.severity == crate::diagnostics::Severity::Error);
    let detail = first.map(|f| format!(" (first: {}:{}:{}: {})", f.file, f.line, f.column, f.message)).unwrap_or_default();
    Err(Error::input(format!(
        "{}: cannot read the agreement's id, version and parties{detail}",
        checked.source.display
    ))
    .with_hint(format!("run `datapact validate {}` and fix the errors it reports", checked.source.display)))
}
