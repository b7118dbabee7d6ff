//! Acceptances: a record that a party accepted a version of an agreement by e-mail, an online
//! form, a letter or in a meeting's minutes, as several government agreements are accepted
//! instead of signed. `datapact accept` writes one per party and version, as
//! `signatures/<id>/v<N>/acceptances/<party>.toml` (`datapact-acceptance/1`).
//!
//! An acceptance is **not a signature**: nothing is signed, it records evidence held elsewhere,
//! and anyone who can write to the repository can record one. It binds the SHA-256 of the
//! version's exact bytes; one for other bytes never counts (DP224). Whether a valid acceptance
//! counts as the party having agreed, for the version in force, is the workspace's policy
//! (`[signing] acceptances_count`, off by default).

use super::AgreementFacts;
use super::statement::{field_line, version_dir};
use crate::diagnostics::{Finding, Position};
use crate::error::{Error, Result};
use crate::gate::{self, FileKind, Kind, Overwrite};
use crate::rules;
use crate::workspace::{Workspace, check_id};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `type` of an acceptance file.
pub const ACCEPTANCE_TYPE: &str = "datapact-acceptance/1";
/// The folder of a version's acceptances, beside its statements.
pub const ACCEPTANCES_DIR: &str = "acceptances";
/// The longest `accepted_by`, `evidence` or `recorded_by`, in bytes.
pub const MAX_TEXT_BYTES: usize = 2000;

/// How a party accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    Email,
    OnlineForm,
    Letter,
    MeetingMinute,
}

impl Method {
    pub const ALL: &[Method] = &[
        Method::Email,
        Method::OnlineForm,
        Method::Letter,
        Method::MeetingMinute,
    ];

    /// As written in the file and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Email => "email",
            Method::OnlineForm => "online-form",
            Method::Letter => "letter",
            Method::MeetingMinute => "meeting-minute",
        }
    }

    /// "by e-mail", "through an online form", ...
    pub fn words(self) -> &'static str {
        match self {
            Method::Email => "by e-mail",
            Method::OnlineForm => "through an online form",
            Method::Letter => "by letter",
            Method::MeetingMinute => "as minuted at a meeting",
        }
    }

    pub fn parse(s: &str) -> Result<Method, String> {
        Method::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown method {s:?}; a method is one of: {}",
                    Method::ALL
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

/// One acceptance file, parsed strictly.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    #[serde(rename = "type")]
    pub kind: String,
    pub agreement: String,
    pub version: u32,
    pub agreement_sha256: String,
    pub party: String,
    pub method: Method,
    pub accepted_on: toml::value::Datetime,
    /// Who accepted for the party (name and title).
    pub accepted_by: String,
    /// Where the evidence is (an e-mail's reference, a form submission id, minutes).
    pub evidence: String,
    /// Who recorded the acceptance.
    pub recorded_by: String,
}

impl Acceptance {
    pub fn to_text(&self) -> String {
        // Serialising these plain fields cannot fail; an empty text would be refused on reading.
        toml::to_string(self).unwrap_or_default()
    }

    /// `accepted_on` as a date, when it is a plain date of a year from 1900 to 9999.
    pub fn accepted_date(&self) -> Result<NaiveDate, String> {
        match (
            self.accepted_on.date,
            self.accepted_on.time,
            self.accepted_on.offset,
        ) {
            (Some(d), None, None) => {
                crate::dates::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map_err(|why| format!("{}: {why}", self.accepted_on))
            }
            _ => Err(format!(
                "{} is not a plain date (YYYY-MM-DD)",
                self.accepted_on
            )),
        }
    }
}

/// Checks a free text of an acceptance: not empty, one line, no control or formatting
/// character, at most [`MAX_TEXT_BYTES`].
pub fn check_text(name: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{name} is empty"));
    }
    if let Some(c) = value.chars().find(|&c| super::forbidden_char(c)) {
        return Err(format!(
            "{name} holds the control or formatting character {}",
            c.escape_unicode()
        ));
    }
    if value.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "{name} is {} bytes long, more than {MAX_TEXT_BYTES}",
            value.len()
        ));
    }
    Ok(())
}

pub fn acceptances_dir(ws: &Workspace, agreement: &str, version: u32) -> PathBuf {
    version_dir(ws, agreement, version).join(ACCEPTANCES_DIR)
}

pub fn acceptance_path(ws: &Workspace, agreement: &str, version: u32, party: &str) -> PathBuf {
    acceptances_dir(ws, agreement, version).join(format!("{party}.toml"))
}

/// A valid acceptance of the version: it names it and its exact bytes.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub party: String,
    pub method: Method,
    pub accepted_on: NaiveDate,
    pub accepted_by: String,
    pub evidence: String,
    pub recorded_by: String,
    pub file: String,
}

impl Accepted {
    /// "accepted by e-mail on 2026-05-01 by Ann Lee, Director (evidence: ref 123); recorded,
    /// not signed". Plain text: escape it before a terminal shows it.
    pub fn sentence(&self) -> String {
        format!(
            "accepted {} on {} by {} (evidence: {}); recorded, not signed",
            self.method.words(),
            self.accepted_on,
            self.accepted_by,
            self.evidence
        )
    }
}

/// The acceptances of one version: the valid ones and findings about the others.
#[derive(Debug, Clone, Default)]
pub struct Acceptances {
    pub valid: Vec<Accepted>,
    pub findings: Vec<Finding>,
}

impl Acceptances {
    pub fn of(&self, party: &str) -> Option<&Accepted> {
        self.valid.iter().find(|a| a.party == party)
    }
}

/// The content digests the acceptance files of `version` of agreement `id` name
/// (`agreement_sha256`), whatever their validity: where to look for that version's text in
/// history when its parties accepted it rather than signed. A file that cannot be read names
/// none.
pub fn named_digests(ws: &Workspace, id: &str, version: u32) -> std::collections::BTreeSet<String> {
    let dir = acceptances_dir(ws, id, version);
    if gate::check_inside(&ws.root, &dir).is_err() {
        return Default::default();
    }
    gate::list_dir(&ws.root, &dir)
        .unwrap_or_default()
        .iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".toml"))
                .is_some_and(|s| check_id(s).is_ok())
        })
        .filter_map(|p| gate::try_read(&ws.root, p, FileKind::Statement).ok())
        .filter_map(|b| toml::from_str::<Acceptance>(std::str::from_utf8(&b).ok()?).ok())
        .filter(|a| a.agreement == id && a.version == version)
        .map(|a| a.agreement_sha256)
        .collect()
}

/// Reads `signatures/<id>/v<N>/acceptances/` for the version of `facts`: each `<party>.toml`
/// judged (DP223 for one that does not hold, DP224 for one about other bytes); anything else
/// there is DP214 and never read. `today` decides what is in the future.
pub fn acceptances(ws: &Workspace, facts: &AgreementFacts, today: NaiveDate) -> Acceptances {
    let mut out = Acceptances::default();
    let dir = acceptances_dir(ws, facts.id.as_str(), facts.version);
    // A link out of the workspace (the folder, or a file in it) is never read: an error, so
    // nobody takes the acceptances it would hold for granted.
    let outside = |path: &Path, refusal: Error| {
        Finding::new(
            &rules::signatures::ACCEPTANCE_INVALID,
            &ws.display(path),
            Position::START,
            format!("{}; no acceptance there is read", refusal.message),
            refusal.hint.unwrap_or_default(),
        )
    };
    match gate::kind_inside(&ws.root, &dir) {
        Err(refusal) => {
            out.findings.push(outside(&dir, refusal));
            return out;
        }
        Ok(Some(Kind::Dir)) => {}
        // Nothing there; a file in its place is reported by verification.
        Ok(_) => return out,
    }
    for path in gate::list_dir(&ws.root, &dir).unwrap_or_default() {
        let display = ws.display(&path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = name.strip_suffix(".toml").filter(|s| check_id(s).is_ok());
        if let Err(refusal) = gate::check_inside(&ws.root, &path) {
            out.findings.push(outside(&path, refusal));
            continue;
        }
        let regular = gate::kind_of(&ws.root, &path).ok() == Some(Kind::File);
        let Some(stem) = stem.filter(|_| regular) else {
            out.findings.push(Finding::new(
                &rules::signatures::SIGNATURE_UNEXPECTED_FILE,
                &display,
                Position::START,
                format!("{display} is not an acceptance file (acceptances/<party-id>.toml); it is not read"),
                "acceptances/ holds only the files `datapact accept` writes; move anything else out",
            ));
            continue;
        };
        match judge(ws, facts, today, &path, stem) {
            Ok(a) => out.valid.push(a),
            Err(f) => out.findings.push(*f),
        }
    }
    out.valid.sort_by(|a, b| a.party.cmp(&b.party));
    out
}

/// One acceptance file, judged against the version of `facts`.
fn judge(
    ws: &Workspace,
    facts: &AgreementFacts,
    today: NaiveDate,
    path: &Path,
    stem: &str,
) -> Result<Accepted, Box<Finding>> {
    let display = ws.display(path);
    let invalid = |line: usize, why: String| {
        Box::new(Finding::new(
            &rules::signatures::ACCEPTANCE_INVALID,
            &display,
            Position { line, column: 1 },
            format!("acceptance {display} does not count: {why}"),
            rules::signatures::ACCEPTANCE_INVALID.hint,
        ))
    };
    let bytes =
        gate::read(&ws.root, path, FileKind::Statement).map_err(|e| invalid(1, e.message))?;
    let text = String::from_utf8(bytes).map_err(|_| invalid(1, "it is not UTF-8".into()))?;
    let line = |key: &str| field_line(&text, key);
    let a: Acceptance = toml::from_str(&text).map_err(|e| {
        invalid(
            1,
            format!("it is not an acceptance file: {}", e.message().trim()),
        )
    })?;
    if a.kind != ACCEPTANCE_TYPE {
        return Err(invalid(
            line("type"),
            format!("its type is {:?}, not {ACCEPTANCE_TYPE:?}", a.kind),
        ));
    }
    if a.agreement != facts.id.as_str() {
        return Err(invalid(
            line("agreement"),
            format!(
                "it names agreement {:?}, not {}",
                a.agreement,
                facts.id.as_str()
            ),
        ));
    }
    if a.version != facts.version {
        return Err(invalid(
            line("version"),
            format!("it names version {}, not {}", a.version, facts.version),
        ));
    }
    if a.party != stem {
        return Err(invalid(
            line("party"),
            format!("it names party {:?} but is filed as {stem}.toml", a.party),
        ));
    }
    if facts.class_ids.contains(&a.party) {
        return Err(invalid(
            line("party"),
            format!(
                "{} is a class of organisations: its members join with signed accessions, it does not accept",
                a.party
            ),
        ));
    }
    if !facts.party_ids.contains(&a.party) {
        return Err(invalid(
            line("party"),
            format!("{} is not a party to the agreement", a.party),
        ));
    }
    for (name, value) in [
        ("accepted_by", &a.accepted_by),
        ("evidence", &a.evidence),
        ("recorded_by", &a.recorded_by),
    ] {
        check_text(name, value).map_err(|why| invalid(line(name), why))?;
    }
    let accepted_on = a
        .accepted_date()
        .map_err(|why| invalid(line("accepted_on"), format!("accepted_on {why}")))?;
    if accepted_on > today {
        return Err(invalid(
            line("accepted_on"),
            format!("it was accepted on {accepted_on}, after today ({today})"),
        ));
    }
    let current = facts.digest();
    if a.agreement_sha256 != current {
        return Err(Box::new(Finding::new(
            &rules::signatures::ACCEPTANCE_STALE,
            &display,
            Position {
                line: line("agreement_sha256"),
                column: 1,
            },
            format!(
                "acceptance {display} is for other bytes (SHA-256 {}) than version {} as it is now ({current}); it does not count",
                a.agreement_sha256, facts.version
            ),
            rules::signatures::ACCEPTANCE_STALE.hint,
        )));
    }
    Ok(Accepted {
        party: a.party,
        method: a.method,
        accepted_on,
        accepted_by: a.accepted_by,
        evidence: a.evidence,
        recorded_by: a.recorded_by,
        file: display,
    })
}

/// What `datapact accept` records.
pub struct NewAcceptance<'a> {
    pub party: &'a str,
    pub method: Method,
    pub accepted_on: NaiveDate,
    pub accepted_by: &'a str,
    pub evidence: &'a str,
    pub recorded_by: &'a str,
}

/// Checks and writes an acceptance of the version of `facts` (which must validate: the caller
/// refuses an agreement with errors), atomically, refusing a second one for the party; returns
/// the file written.
pub fn record(
    ws: &Workspace,
    facts: &AgreementFacts,
    new: &NewAcceptance<'_>,
    today: NaiveDate,
) -> Result<PathBuf> {
    if facts.class_ids.iter().any(|c| c == new.party) {
        return Err(Error::refused(format!(
            "{} is a class of organisations in {}: it does not accept, each member joins with a signed accession",
            new.party,
            facts.id.as_str()
        ))
        .with_hint(format!(
            "a member joins with `datapact join {} --class {} --member MEMBER_ID --name TEXT --key KEYFILE`",
            facts.id.as_str(),
            new.party
        )));
    }
    if !facts.party_ids.iter().any(|p| p == new.party) {
        return Err(Error::refused(format!(
            "{} is not a party to {}",
            new.party,
            facts.id.as_str()
        ))
        .with_hint(crate::ids::near_miss_hint(
            new.party,
            facts.party_ids.iter().map(String::as_str),
            &format!("the parties are: {}", facts.party_ids.join(", ")),
        )));
    }
    for (name, value) in [
        ("--by", new.accepted_by),
        ("--evidence", new.evidence),
        ("--recorded-by", new.recorded_by),
    ] {
        check_text("it", value).map_err(|why| {
            Error::usage(format!("invalid {name}: {why}")).with_hint("give one line of plain text")
        })?;
    }
    if new.accepted_on > today {
        return Err(Error::usage(format!(
            "--on {} is after today ({today}): an acceptance is recorded once it has happened",
            new.accepted_on
        ))
        .with_hint("give the date the party accepted"));
    }
    let path = acceptance_path(ws, facts.id.as_str(), facts.version, new.party);
    // Never written through a linked signatures/ directory to a place outside the workspace.
    gate::check_inside(&ws.root, &path)?;
    if gate::kind_of(&ws.root, &path)? != Kind::Missing {
        return Err(Error::refused(format!(
            "{} already records an acceptance by {} of version {}",
            ws.display(&path),
            new.party,
            facts.version
        ))
        .with_hint("remove that file first to record the acceptance again"));
    }
    let acceptance = Acceptance {
        kind: ACCEPTANCE_TYPE.into(),
        agreement: facts.id.as_str().into(),
        version: facts.version,
        agreement_sha256: facts.digest().to_string(),
        party: new.party.into(),
        method: new.method,
        accepted_on: new
            .accepted_on
            .to_string()
            .parse()
            .map_err(|_| Error::usage("--on is not a date"))?,
        accepted_by: new.accepted_by.into(),
        evidence: new.evidence.into(),
        recorded_by: new.recorded_by.into(),
    };
    let dir = acceptances_dir(ws, facts.id.as_str(), facts.version);
    gate::create_dir_all(&ws.root, &dir)?;
    gate::write_atomic(
        &ws.root,
        &path,
        acceptance.to_text().as_bytes(),
        Overwrite::Refuse,
    )?;
    Ok(path)
}
