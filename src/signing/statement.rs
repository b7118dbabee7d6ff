//! Signature statements: the small TOML file a party signs for one agreement version, and
//! where statements and their signatures live (`signatures/<id>/v<version>/<party>.toml` and
//! `.toml.sig`). The statement is written by the tool in one fixed form and parsed strictly.

use crate::workspace::{SIGNATURES_DIR, Workspace};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The type string naming this statement format and its version.
pub const STATEMENT_TYPE: &str = "datapact-statement/1";

/// What a party's signature binds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "type")]
    pub statement_type: String,
    pub agreement: String,
    pub version: u32,
    /// SHA-256 (hex) of the agreement file's exact bytes.
    pub agreement_sha256: String,
    /// SHA-256 of the previous signed version, when there is one (a hash chain across versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_sha256: Option<String>,
    pub party: String,
    pub key_id: String,
    pub role: String,
    /// Claimed signing time, RFC 3339 in UTC.
    pub signed_at: String,
}

impl Statement {
    /// The statement file's text: a fixed header comment and one key per line.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# datapact signature statement. Do not edit: the .sig file beside it signs these exact bytes.\n",
        );
        let body = toml::to_string(self).unwrap_or_default();
        out.push_str(&body);
        out
    }

    /// The claimed signing time.
    pub fn signed_at(&self) -> Result<chrono::DateTime<chrono::Utc>, String> {
        chrono::DateTime::parse_from_rfc3339(&self.signed_at)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|e| {
                format!(
                    "signed_at {:?} is not an RFC 3339 time ({e})",
                    self.signed_at
                )
            })
    }
}

/// The directory of one agreement's signatures, all versions.
pub fn agreement_dir(ws: &Workspace, agreement: &str) -> PathBuf {
    ws.root.join(SIGNATURES_DIR).join(agreement)
}

/// The directory of one agreement version's signatures.
pub fn version_dir(ws: &Workspace, agreement: &str, version: u32) -> PathBuf {
    agreement_dir(ws, agreement).join(format!("v{version}"))
}

/// The statement file of `party` for one version (ids must already be valid).
pub fn statement_path(ws: &Workspace, agreement: &str, version: u32, party: &str) -> PathBuf {
    version_dir(ws, agreement, version).join(format!("{party}.toml"))
}

/// The signature file beside a statement file.
pub fn signature_path(statement: &std::path::Path) -> PathBuf {
    super::with_suffix(statement, ".sig")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_text_round_trips() {
        let s = Statement {
            statement_type: STATEMENT_TYPE.into(),
            agreement: "a-b-c".into(),
            version: 2,
            agreement_sha256: "00".repeat(32),
            previous_sha256: None,
            party: "org-a".into(),
            key_id: "SHA256:x".into(),
            role: "dpo".into(),
            signed_at: "2026-04-01T10:00:00Z".into(),
        };
        let text = s.to_text();
        assert!(text.contains("type = \"datapact-statement/1\"\n"));
        let back: Statement = toml::from_str(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            signature_path(std::path::Path::new("v1/org-a.toml")),
            PathBuf::from("v1/org-a.toml.sig")
        );
    }
}
