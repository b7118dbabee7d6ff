//! Signature statements: the small TOML file a party signs for one agreement version, and
//! where statements and their signatures live (`signatures/<id>/v<version>/<party>.toml` and
//! `.toml.sig`). The statement is written by the tool in one fixed form and parsed strictly.

use crate::workspace::{SIGNATURES_DIR, Workspace};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
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
        fixed_text(
            "# datapact signature statement. Do not edit: the .sig file beside it signs these exact bytes.\n",
            self,
        )
    }

    /// The claimed signing time.
    pub fn signed_at(&self) -> Result<DateTime<Utc>, String> {
        self.fields().signed_at()
    }
}

/// A statement's text in its one fixed form: `header` (a comment line), then one key per line in
/// the order of the type's fields.
pub(crate) fn fixed_text(header: &str, statement: &impl Serialize) -> String {
    let mut out = String::from(header);
    out.push_str(&toml::to_string(statement).unwrap_or_default());
    out
}

/// The fields every signed statement has, whatever else it states: what verification checks in
/// the same way for an agreement statement ([`Statement`]) and a review statement
/// (`review::ReviewStatement`).
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub statement_type: &'a str,
    pub agreement: &'a str,
    pub version: u32,
    /// SHA-256 (hex) of the agreement version's exact bytes the statement is about.
    pub agreement_sha256: &'a str,
    pub party: &'a str,
    pub key_id: &'a str,
    pub role: &'a str,
    /// Claimed signing time, RFC 3339 in UTC.
    pub signed_at: &'a str,
}

impl Fields<'_> {
    /// The claimed signing time.
    pub fn signed_at(&self) -> Result<DateTime<Utc>, String> {
        DateTime::parse_from_rfc3339(self.signed_at)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                format!(
                    "signed_at {:?} is not an RFC 3339 time ({e})",
                    self.signed_at
                )
            })
    }
}

/// A kind of signed statement: parsed strictly from its file, of one `type`, with the
/// [`Fields`] verification judges (`verify::authenticate` and `verify::authorise_fields`).
pub trait Signed: serde::de::DeserializeOwned {
    /// The `type` this kind of statement has; any other is refused, so one kind of statement
    /// never passes for another.
    const TYPE: &'static str;
    /// What the statement is called in messages ("statement", "review statement").
    const WHAT: &'static str;
    fn fields(&self) -> Fields<'_>;
}

/// The [`Fields`] of a statement whose struct has them under their own names.
macro_rules! fields_of {
    ($statement:expr) => {
        $crate::signing::statement::Fields {
            statement_type: &$statement.statement_type,
            agreement: &$statement.agreement,
            version: $statement.version,
            agreement_sha256: &$statement.agreement_sha256,
            party: &$statement.party,
            key_id: &$statement.key_id,
            role: &$statement.role,
            signed_at: &$statement.signed_at,
        }
    };
}
pub(crate) use fields_of;

impl Signed for Statement {
    const TYPE: &'static str = STATEMENT_TYPE;
    const WHAT: &'static str = "statement";
    fn fields(&self) -> Fields<'_> {
        fields_of!(self)
    }
}

/// How far a statement's `signed_at` may lie beyond the end of today: the clock skew allowed
/// between the signer's machine and the verifier's (Kerberos allows the same).
pub const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// The latest signing time a statement may claim when `today` is the day in time zone `tz`:
/// the end of that day there, plus [`CLOCK_SKEW`]. A later `signed_at` is from the future
/// (DP219): `sign` refuses to write one and verification rejects it, judged against the same
/// injected "today" as every other date decision.
pub fn latest_signing_time(today: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let tomorrow = today.succ_opt().unwrap_or(NaiveDate::MAX);
    let midnight = tomorrow.and_time(chrono::NaiveTime::MIN);
    // The first instant of tomorrow there; where a time change skips midnight, the day begins
    // at the first local time that exists, at most a few hours later.
    let start = (0..=4)
        .find_map(|hours| {
            tz.from_local_datetime(&(midnight + chrono::TimeDelta::hours(hours)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc));
    start + CLOCK_SKEW
}

/// The 1-based line on which `key = ...` appears in a statement's text, or 1 (for findings that
/// point at a field).
pub fn field_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

/// The version of a signature directory name: `v<N>` in canonical form (no sign, no leading
/// zeros, fits in 32 bits), so one version has exactly one directory name.
pub fn version_of_dir_name(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('v')?;
    let version: u32 = digits.parse().ok()?;
    (version.to_string() == digits).then_some(version)
}

/// The folder of a version's review statements, inside the version's signature directory
/// (`signatures/<id>/v<N>/reviews/<date>/<party>.toml`, see the `review` module); verification
/// of the version's own signatures does not read it.
pub const REVIEWS_DIR: &str = "reviews";

/// The folder of the memberships of an agreement's class parties, inside its signature
/// directory (`signatures/<id>/members/<class>/<member>/`, see the `membership` module);
/// verification of the version directories does not read it.
pub const MEMBERS_DIR: &str = "members";

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

    #[test]
    fn fields_are_found_by_key_and_version_directories_are_canonical() {
        let text = "# c\ntype = \"x\"\nprevious_sha256 = \"y\"\n";
        assert_eq!(field_line(text, "previous_sha256"), 3);
        assert_eq!(field_line(text, "key_id"), 1);
        assert_eq!(version_of_dir_name("v12"), Some(12));
        for not in ["v012", "V1", "v", "v+1", "v-1", "v99999999999", "1"] {
            assert_eq!(version_of_dir_name(not), None, "{not}");
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_latest_signing_time_is_the_end_of_today_there_plus_the_skew() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        // London is UTC+1 in summer: its day ends at 23:00 UTC.
        let london: chrono_tz::Tz = "Europe/London".parse().unwrap();
        assert_eq!(
            latest_signing_time(day, london),
            utc("2026-07-01T23:05:00Z")
        );
        assert_eq!(
            latest_signing_time(day, chrono_tz::UTC),
            utc("2026-07-02T00:05:00Z")
        );
        // New York (UTC-4 in summer): 20:30 there on 1 July is already 2 July in UTC, and
        // still today.
        let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
        assert!(utc("2026-07-02T00:30:00Z") < latest_signing_time(day, ny));
        assert_eq!(latest_signing_time(day, ny), utc("2026-07-02T04:05:00Z"));
        // A zone whose clocks skipped midnight (Santiago, 2022-09-11 00:00 became 01:00): the
        // day began at 01:00 local, 04:00 UTC.
        let santiago: chrono_tz::Tz = "America/Santiago".parse().unwrap();
        let before = NaiveDate::from_ymd_opt(2022, 9, 10).unwrap();
        assert_eq!(
            latest_signing_time(before, santiago),
            utc("2022-09-11T04:05:00Z")
        );
        // The last day there is has no end to pass.
        assert!(latest_signing_time(NaiveDate::MAX, chrono_tz::UTC) > utc("9999-12-31T00:00:00Z"));
    }
}
