//! Memberships of class parties: a standard-terms agreement names a party that is a class of
//! organisations (`[[parties]] class = true`, with its `eligibility`). The class does not sign;
//! each eligible organisation (a member) joins by signing an accession, and leaves by signing a
//! withdrawal. Neither changes the agreement's bytes, so the named parties' signatures stay
//! valid however many members join.
//!
//! Layout, beside the agreement's version directories (members join the version they sign, and
//! the statement names it):
//! - `signatures/<id>/members/<class-party>/<member>/accession.toml` (type
//!   `datapact-accession/1`) and `.toml.sig`;
//! - `signatures/<id>/members/<class-party>/<member>/withdrawal.toml` (type
//!   `datapact-withdrawal/1`) and `.toml.sig`.
//!
//! The member's key is enrolled in the trust store under the member's id (`keys add --party
//! MEMBER`). Verification ([`members`]) shares reading, authentication and the key decisions
//! with every other kind of statement (`verify::authenticate`, `verify::authorise_key`); the
//! content a statement names must be the version's: the current bytes for the current version,
//! the content the named parties' authentic signatures cover for an earlier one
//! (`verify::signed_digests`). One that does not count is DP226 (DP227 for other bytes).

use super::AgreementFacts;
use super::statement::{self, Fields, Signed, agreement_dir, field_line, latest_signing_time};
use super::trust::TrustStore;
use super::verify::{self, Rejection};
use crate::diagnostics::{Finding, Position};
use crate::gate::{self, FileKind, Kind};
use crate::rules::signatures::{MEMBERSHIP_INVALID, MEMBERSHIP_STALE, SIGNATURE_UNEXPECTED_FILE};
use crate::workspace::{Workspace, check_id};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const ACCESSION_TYPE: &str = "datapact-accession/1";
pub const WITHDRAWAL_TYPE: &str = "datapact-withdrawal/1";
pub use super::statement::MEMBERS_DIR;
pub const ACCESSION_FILE: &str = "accession.toml";
pub const WITHDRAWAL_FILE: &str = "withdrawal.toml";

/// What a member's accession binds: that it joins the class `party` of one agreement version,
/// its exact bytes, on `joined_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accession {
    #[serde(rename = "type")]
    pub statement_type: String,
    pub agreement: String,
    pub version: u32,
    /// SHA-256 (hex) of the exact bytes of the version the member agreed to.
    pub agreement_sha256: String,
    /// The member's id (its trust store party id).
    pub member: String,
    /// The member's name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ico_registration: Option<String>,
    /// The class party joined.
    pub party: String,
    pub key_id: String,
    pub role: String,
    /// Claimed signing time, RFC 3339 in UTC.
    pub signed_at: String,
    /// The day the member joins, `YYYY-MM-DD`.
    pub joined_on: String,
}

/// What a member's withdrawal binds: that it leaves the class `party` on `left_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    #[serde(rename = "type")]
    pub statement_type: String,
    pub agreement: String,
    pub version: u32,
    pub agreement_sha256: String,
    pub member: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ico_registration: Option<String>,
    pub party: String,
    pub key_id: String,
    pub role: String,
    pub signed_at: String,
    /// The day the member leaves, `YYYY-MM-DD`.
    pub left_on: String,
}

/// The [`Fields`] of a membership statement: the signer is the member (its key is enrolled
/// under the member's id), so `party` there is the member; the class is checked separately.
macro_rules! member_fields {
    ($s:expr) => {
        Fields {
            statement_type: &$s.statement_type,
            agreement: &$s.agreement,
            version: $s.version,
            agreement_sha256: &$s.agreement_sha256,
            party: &$s.member,
            key_id: &$s.key_id,
            role: &$s.role,
            signed_at: &$s.signed_at,
        }
    };
}

impl Signed for Accession {
    const TYPE: &'static str = ACCESSION_TYPE;
    const WHAT: &'static str = "accession";
    fn fields(&self) -> Fields<'_> {
        member_fields!(self)
    }
}

impl Signed for Withdrawal {
    const TYPE: &'static str = WITHDRAWAL_TYPE;
    const WHAT: &'static str = "withdrawal";
    fn fields(&self) -> Fields<'_> {
        member_fields!(self)
    }
}

/// What accessions and withdrawals share beyond [`Fields`].
pub trait MemberStatement: Signed {
    /// The statement's day field (`joined_on`, `left_on`).
    const DAY: &'static str;
    fn class(&self) -> &str;
    fn name(&self) -> &str;
    fn ico(&self) -> Option<&str>;
    fn day(&self) -> &str;
    /// The statement's text in its one fixed form.
    fn to_text(&self) -> String;
}

impl MemberStatement for Accession {
    const DAY: &'static str = "joined_on";
    fn class(&self) -> &str {
        &self.party
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn ico(&self) -> Option<&str> {
        self.ico_registration.as_deref()
    }
    fn day(&self) -> &str {
        &self.joined_on
    }
    fn to_text(&self) -> String {
        statement::fixed_text(
            "# datapact accession. Do not edit: the .sig file beside it signs these exact bytes.\n",
            self,
        )
    }
}

impl MemberStatement for Withdrawal {
    const DAY: &'static str = "left_on";
    fn class(&self) -> &str {
        &self.party
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn ico(&self) -> Option<&str> {
        self.ico_registration.as_deref()
    }
    fn day(&self) -> &str {
        &self.left_on
    }
    fn to_text(&self) -> String {
        statement::fixed_text(
            "# datapact withdrawal. Do not edit: the .sig file beside it signs these exact bytes.\n",
            self,
        )
    }
}

/// The folder of one class party's members.
pub fn class_dir(ws: &Workspace, agreement: &str, class: &str) -> PathBuf {
    agreement_dir(ws, agreement).join(MEMBERS_DIR).join(class)
}

/// The accession of `member` of `class` (ids must already be valid).
pub fn accession_path(ws: &Workspace, agreement: &str, class: &str, member: &str) -> PathBuf {
    class_dir(ws, agreement, class)
        .join(member)
        .join(ACCESSION_FILE)
}

/// The withdrawal of `member` of `class` (ids must already be valid).
pub fn withdrawal_path(ws: &Workspace, agreement: &str, class: &str, member: &str) -> PathBuf {
    class_dir(ws, agreement, class)
        .join(member)
        .join(WITHDRAWAL_FILE)
}

/// A member of a class party, from its valid accession (and withdrawal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The class party.
    pub class: String,
    pub member: String,
    pub name: String,
    pub ico_registration: Option<String>,
    /// The version the member joined (signed).
    pub version: u32,
    pub joined_on: NaiveDate,
    /// The day it left, when it signed a valid withdrawal.
    pub left_on: Option<NaiveDate>,
    /// Whether it joined the agreement's current version (else an earlier one, whose terms
    /// bind it until it joins again: see [`Member::describe`]).
    pub joined_current: bool,
    /// The member's standing in words ([`Member::describe`]): "joined v2 on 2026-05-01",
    /// "joined v1 on 2026-05-01; bound by v1 until it accepts v2, now in force", "left on ...".
    pub status: String,
    /// The accession file, workspace-relative.
    pub accession: String,
}

/// The members of an agreement's class parties, and findings about statements that do not
/// count (DP226, DP227) and stray entries (DP214).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Members {
    pub members: Vec<Member>,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl Member {
    /// Whether the member has not left.
    pub fn current(&self) -> bool {
        self.left_on.is_none()
    }

    /// Sets `status` from the version the member joined, the agreement's `current` version and
    /// the version `in_force` (`None` when none is). An accession binds the member to the
    /// version it names: a later version does not end the membership, nor bind the member to
    /// terms it has not accepted; it joins again to accept them (docs/signing.md,
    /// "Memberships").
    pub fn describe(&mut self, current: u32, in_force: Option<u32>) {
        let (v, joined) = (self.version, self.joined_on);
        let mut status = format!("joined v{v} on {joined}");
        if v == current && in_force != Some(v) {
            status.push_str(&format!("; v{v} not yet in force"));
        } else if v < current && in_force == Some(current) {
            status.push_str(&format!(
                "; bound by v{v} until it accepts v{current}, now in force"
            ));
        } else if v < current {
            status.push_str(&format!("; has not yet accepted v{current}"));
        }
        self.joined_current = v == current;
        self.status = match self.left_on {
            Some(left) => format!("left on {left} ({status})"),
            None => status,
        };
    }
}

impl Members {
    /// Describes every member ([`Member::describe`]) once the version in force is known.
    pub fn describe(&mut self, current: u32, in_force: Option<u32>) {
        for m in &mut self.members {
            m.describe(current, in_force);
        }
    }

    pub fn of_class<'a>(&'a self, class: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.members.iter().filter(move |m| m.class == class)
    }
    pub fn find(&self, class: &str, member: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.class == class && m.member == member)
    }
}

/// A membership statement that passed every check.
struct Judged<S> {
    statement: S,
    day: NaiveDate,
    display: String,
}

/// What judging needs besides the statement.
struct Judge<'a> {
    ws: &'a Workspace,
    facts: &'a AgreementFacts,
    trust: &'a TrustStore,
    latest: DateTime<Utc>,
}

impl Judge<'_> {
    /// Judges the statement of kind `S` at `path`, filed for `member` of `class`.
    fn statement<S: MemberStatement>(
        &self,
        class: &str,
        member: &str,
        path: &Path,
    ) -> Result<Judged<S>, Rejection> {
        let facts = self.facts;
        let id = facts.id.as_str();
        // Members join the version they sign: the statement names it, and it is judged as a
        // statement of that version.
        let version = claimed_version(self.ws, path).unwrap_or(facts.version);
        let a = verify::authenticate::<S>(self.ws, id, version, self.trust, member, path, &[])?;
        let s = &a.statement;
        let at = |field: &str, why: String| {
            verify::reject(
                &MEMBERSHIP_INVALID,
                &a.display,
                field_line(&a.text, field),
                why,
            )
        };
        if s.class() != class {
            return Err(at(
                "party",
                format!(
                    "it names class party {:?}, but it is filed under members/{class}/",
                    s.class()
                ),
            ));
        }
        if !facts.class_ids.iter().any(|c| c == class) {
            return Err(at("party", format!("{class} is not a class party of {id}")));
        }
        if version > facts.version {
            return Err(at(
                "version",
                format!(
                    "it names v{version}, later than the agreement's version v{}",
                    facts.version
                ),
            ));
        }
        let signed_at = verify::authorise_key(&a, self.latest)?;
        let digest = &s.fields().agreement_sha256.to_string();
        let agreed = if version == facts.version {
            facts.digest() == digest
        } else {
            verify::signed_digests(self.ws, facts, self.trust, version).contains(digest)
        };
        if !agreed {
            return Err(verify::reject(
                &MEMBERSHIP_STALE,
                &a.display,
                field_line(&a.text, "agreement_sha256"),
                format!(
                    "it names content (sha256 {digest}) that v{version} of {id} does not have{}",
                    if version == facts.version {
                        format!(" (now {})", facts.digest())
                    } else {
                        " (its parties' signatures cover other bytes)".to_string()
                    }
                ),
            ));
        }
        super::acceptance::check_text("name", s.name()).map_err(|why| at("name", why))?;
        if let Some(ico) = s.ico() {
            super::acceptance::check_text("ico_registration", ico)
                .map_err(|why| at("ico_registration", why))?;
        }
        let day =
            crate::dates::parse(s.day()).map_err(|why| at(S::DAY, format!("{}: {why}", S::DAY)))?;
        let signed_on = signed_at
            .with_timezone(&self.ws.config.timezone())
            .date_naive();
        if day > signed_on {
            return Err(at(
                S::DAY,
                format!(
                    "{} {day} is after the day it was signed ({signed_on}): a member signs on or after the day it joins or leaves",
                    S::DAY
                ),
            ));
        }
        Ok(Judged {
            display: a.display.clone(),
            day,
            statement: a.statement,
        })
    }
}

/// The version a statement file names, read leniently (`None` when it cannot be read): which
/// version's statement it is judged as.
fn claimed_version(ws: &Workspace, path: &Path) -> Option<u32> {
    let bytes = gate::try_read(&ws.root, path, FileKind::Statement).ok()?;
    let value: toml::Table = toml::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    u32::try_from(value.get("version")?.as_integer()?).ok()
}

/// Reads `signatures/<id>/members/` for the agreement of `facts`: each member's accession and
/// withdrawal judged ([`Judge::statement`]; one that does not count is DP226, or DP227 when it
/// names other bytes than its version's); anything else there is DP214 and never read.
pub fn members(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    today: NaiveDate,
) -> Members {
    let mut out = Members::default();
    let dir = agreement_dir(ws, facts.id.as_str()).join(MEMBERS_DIR);
    match gate::kind_inside(&ws.root, &dir) {
        Err(refusal) => {
            out.findings.push(outside(ws, &dir, refusal));
            return out;
        }
        Ok(Some(Kind::Dir)) => {}
        Ok(_) => return out,
    }
    let judge = Judge {
        ws,
        facts,
        trust,
        latest: latest_signing_time(today, ws.config.timezone()),
    };
    for class_path in list_dir(ws, &dir) {
        let class = file_name(&class_path);
        if let Err(refusal) = gate::check_inside(&ws.root, &class_path) {
            out.findings.push(outside(ws, &class_path, refusal));
            continue;
        }
        let display = ws.display(&class_path);
        if kind(ws, &class_path) != Some(Kind::Dir) || !facts.class_ids.contains(&class) {
            out.findings.push(stray(
                &display,
                format!(
                    "{display} is not the folder of a class party of {} (its class parties: {}); it is not read",
                    facts.id,
                    if facts.class_ids.is_empty() {
                        "none".to_string()
                    } else {
                        facts.class_ids.join(", ")
                    }
                ),
            ));
            continue;
        }
        for member_path in list_dir(ws, &class_path) {
            let member = file_name(&member_path);
            if let Err(refusal) = gate::check_inside(&ws.root, &member_path) {
                out.findings.push(outside(ws, &member_path, refusal));
                continue;
            }
            let display = ws.display(&member_path);
            if kind(ws, &member_path) != Some(Kind::Dir) || check_id(&member).is_err() {
                out.findings.push(stray(
                    &display,
                    format!("{display} is not a member's folder (members/<class>/<member-id>/); it is not read"),
                ));
                continue;
            }
            judge_member(&judge, &class, &member, &member_path, &mut out);
        }
    }
    out.members
        .sort_by(|a, b| (&a.class, &a.member).cmp(&(&b.class, &b.member)));
    out
}

/// Judges one member's folder: its accession, its withdrawal, and nothing else.
fn judge_member(judge: &Judge<'_>, class: &str, member: &str, dir: &Path, out: &mut Members) {
    let ws = judge.ws;
    let facts = judge.facts;
    for path in list_dir(ws, dir) {
        let name = file_name(&path);
        let known = [ACCESSION_FILE, WITHDRAWAL_FILE]
            .iter()
            .any(|f| name == *f || name == format!("{f}.sig"));
        if !known {
            let display = ws.display(&path);
            out.findings.push(stray(
                &display,
                format!(
                    "{display} is not an accession or withdrawal (or its .sig); it is not read"
                ),
            ));
        }
    }
    let present = |file: &str| {
        let stmt = dir.join(file);
        let sig = statement::signature_path(&stmt);
        match (kind(ws, &stmt), kind(ws, &sig)) {
            (Some(Kind::Missing), Some(Kind::Missing)) => None,
            (Some(Kind::Missing), _) | (_, Some(Kind::Missing)) => {
                let display = ws.display(&stmt);
                Some(Err(stray(
                    &display,
                    format!(
                        "{display} or its .sig is missing: joining or leaving was interrupted (or a file removed), so it does not count"
                    ),
                )))
            }
            _ => Some(Ok(stmt)),
        }
    };
    let invalid = |r: Rejection, what: &str| {
        Finding::new(
            r.rule,
            &r.file,
            Position {
                line: r.line,
                column: 1,
            },
            format!(
                "{member}'s {what} of {class} ({}) does not count: {}",
                facts.id, r.reason
            ),
            r.rule.hint,
        )
        .about_party(member)
    };
    let as_membership = |r: Rejection| {
        // Every reason is DP226, but other bytes (DP227); the reason keeps its words.
        if std::ptr::eq(r.rule, &MEMBERSHIP_STALE) {
            r
        } else {
            Rejection {
                rule: &MEMBERSHIP_INVALID,
                ..r
            }
        }
    };
    let accession = match present(ACCESSION_FILE) {
        None => None,
        Some(Err(f)) => {
            out.findings.push(f);
            None
        }
        Some(Ok(path)) => match judge.statement::<Accession>(class, member, &path) {
            Ok(j) => Some(j),
            Err(r) => {
                out.findings.push(invalid(as_membership(r), "accession"));
                None
            }
        },
    };
    let withdrawal = match present(WITHDRAWAL_FILE) {
        None => None,
        Some(Err(f)) => {
            out.findings.push(f);
            None
        }
        Some(Ok(path)) => match judge.statement::<Withdrawal>(class, member, &path) {
            Ok(j) => Some(j),
            Err(r) => {
                out.findings.push(invalid(as_membership(r), "withdrawal"));
                None
            }
        },
    };
    let Some(acc) = accession else {
        if let Some(w) = withdrawal {
            out.findings.push(
                Finding::new(
                    &MEMBERSHIP_INVALID,
                    &w.display,
                    Position::START,
                    format!(
                        "{member}'s withdrawal from {class} ({}) does not count: {member} has no valid accession",
                        facts.id
                    ),
                    MEMBERSHIP_INVALID.hint,
                )
                .about_party(member),
            );
        }
        return;
    };
    let left_on = match withdrawal {
        Some(w) if w.day < acc.day => {
            out.findings.push(
                Finding::new(
                    &MEMBERSHIP_INVALID,
                    &w.display,
                    Position::START,
                    format!(
                        "{member}'s withdrawal from {class} ({}) does not count: it leaves on {}, before it joined ({})",
                        facts.id, w.day, acc.day
                    ),
                    MEMBERSHIP_INVALID.hint,
                )
                .about_party(member),
            );
            None
        }
        Some(w) => Some(w.day),
        None => None,
    };
    let s = acc.statement;
    let mut m = Member {
        class: class.to_string(),
        member: member.to_string(),
        name: s.name,
        ico_registration: s.ico_registration,
        version: s.version,
        joined_on: acc.day,
        left_on,
        joined_current: s.version == facts.version,
        status: String::new(),
        accession: acc.display,
    };
    // Until the version in force is known (the register says it), the current version is
    // taken to be in force.
    m.describe(facts.version, Some(facts.version));
    out.members.push(m);
}

/// A DP214 warning for an entry of `members/` that is not read.
fn stray(display: &str, message: String) -> Finding {
    Finding::new(
        &SIGNATURE_UNEXPECTED_FILE,
        display,
        Position::START,
        message,
        "members/<class-party>/<member-id>/ holds only accession.toml and withdrawal.toml and their .sig files, which `datapact join` and `datapact withdraw` write; move anything else out",
    )
}

/// The DP226 error for a folder of `members/` that leads outside the workspace: nothing there
/// is read.
fn outside(ws: &Workspace, path: &Path, refusal: crate::error::Error) -> Finding {
    Finding::new(
        &MEMBERSHIP_INVALID,
        &ws.display(path),
        Position::START,
        format!("{}; no membership there is read", refusal.message),
        refusal.hint.unwrap_or_default(),
    )
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn list_dir(ws: &Workspace, dir: &Path) -> Vec<PathBuf> {
    gate::list_dir(&ws.root, dir).unwrap_or_default()
}

fn kind(ws: &Workspace, path: &Path) -> Option<Kind> {
    gate::kind_of(&ws.root, path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accession_never_passes_for_a_withdrawal_nor_an_agreement_statement() {
        let a = Accession {
            statement_type: ACCESSION_TYPE.into(),
            agreement: "a-b-c".into(),
            version: 1,
            agreement_sha256: "00".repeat(32),
            member: "member-one".into(),
            name: "Member One".into(),
            ico_registration: None,
            party: "providers".into(),
            key_id: "SHA256:x".into(),
            role: "dpo".into(),
            signed_at: "2026-04-01T10:00:00Z".into(),
            joined_on: "2026-04-01".into(),
        };
        let text = a.to_text();
        assert_eq!(toml::from_str::<Accession>(&text).unwrap(), a);
        assert!(toml::from_str::<Withdrawal>(&text).is_err());
        assert!(toml::from_str::<statement::Statement>(&text).is_err());
        assert_eq!(a.fields().party, "member-one");
    }
}
