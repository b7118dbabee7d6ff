//! Ids of agreements and parties: the one rule they follow (they become file names, URLs and
//! references) and [`AgreementId`], an id known to follow it.

use crate::error::{Error, Result};

/// An agreement or party id: 3 to 64 lowercase ASCII letters, digits and single hyphens, not
/// starting or ending with a hyphen. Such an id is always safe as a file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct AgreementId(String);

/// The rule for ids, worded for error messages.
pub const ID_RULE: &str = "3 to 64 characters: lowercase letters a-z, digits 0-9 and single hyphens, starting and ending with a letter or digit; not \"index\"";

/// `hint` prefixed with "did you mean NEAR?" when one of `ids` (agreement or party ids) is close
/// enough to `wanted` to be a likely typo of it ([`crate::vocab::suggest`]); `hint` alone when
/// none is.
pub fn near_miss_hint<'a>(
    wanted: &str,
    ids: impl IntoIterator<Item = &'a str>,
    hint: &str,
) -> String {
    match crate::vocab::suggest(wanted, ids) {
        Some(near) if hint.is_empty() => format!("did you mean {near}?"),
        Some(near) => format!("did you mean {near}? {hint}"),
        None => hint.to_string(),
    }
}

/// Checks `s` against the id rule; returns the reason it fails.
pub fn check_id(s: &str) -> Result<(), String> {
    if s.len() < 3 || s.len() > 64 {
        return Err(format!("is {} characters long", s.chars().count()));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!("contains {c:?}"));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("starts or ends with a hyphen".into());
    }
    if s.contains("--") {
        return Err("contains two hyphens in a row".into());
    }
    if RESERVED_IDS.contains(&s) {
        return Err(format!(
            "is reserved: {s}.html is the published register's own page"
        ));
    }
    Ok(())
}

/// Ids no agreement or party may take, because the tool's own files use the name.
pub const RESERVED_IDS: &[&str] = &["index"];

impl AgreementId {
    pub fn parse(s: &str) -> Result<AgreementId> {
        check_id(s).map_err(|why| {
            Error::usage(format!("invalid agreement id {s:?}: it {why}"))
                .with_hint(format!("an id must be {ID_RULE}"))
        })?;
        Ok(AgreementId(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AgreementId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
