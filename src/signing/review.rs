//! Review statements: a party's signed record that it reviewed one agreement version, on a
//! day, with what the review found and when the next review is due. A review that changes
//! nothing does not make the parties sign the agreement again: the review statements sit beside
//! the signatures of the version they review, bind its exact bytes (SHA-256), and the latest
//! complete review moves the agreement's review date to the `next_review` it names.
//!
//! Layout, beside the version's own signatures:
//! - `signatures/<id>/v<N>/reviews/<reviewed_on>/<party>.toml`: the review statement
//!   ([`ReviewStatement`], type `datapact-review/1`, one fixed form, parsed strictly);
//! - `.../<party>.toml.sig`: its SSHSIG signature, in the namespace and with the trust store of
//!   agreement signatures.
//!
//! Verification ([`reviews`]) shares its reading, authentication and key decisions with
//! agreement statements (`verify::authenticate`, `verify::authorise_fields`); which parties
//! must sign a review is the workspace's `[reviews] signers` ([`ReviewSigners`]).

use super::AgreementFacts;
pub use super::statement::REVIEWS_DIR;
use super::statement::field_line;
use super::statement::{self, Fields, Signed, latest_signing_time, signature_path, version_dir};
use super::trust::TrustStore;
use super::verify::{self, Rejection};
use crate::agreement::model::Dates;
use crate::config::ReviewSigners;
use crate::diagnostics::{Finding, Position};
use crate::gate::{self, Kind};
use crate::rules::signatures::{
    REVIEW_INCOMPLETE, REVIEW_INVALID, SIGNATURE_LINE_ENDINGS, SIGNATURE_UNEXPECTED_FILE,
    SIGNATURE_UNKNOWN_KEY,
};
use crate::workspace::{Workspace, check_id};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The type string naming the review statement format and its version.
pub const REVIEW_TYPE: &str = "datapact-review/1";

/// The longest outcome, in bytes, so that a review statement stays well below the size cap of
/// statement files (16 KiB).
pub const MAX_OUTCOME_BYTES: usize = 4000;

/// What a party's review signature binds: that it reviewed the exact bytes of one agreement
/// version on `reviewed_on`, what the review found, and when the next review is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewStatement {
    #[serde(rename = "type")]
    pub statement_type: String,
    pub agreement: String,
    pub version: u32,
    /// SHA-256 (hex) of the exact bytes of the version reviewed.
    pub agreement_sha256: String,
    pub party: String,
    pub key_id: String,
    pub role: String,
    /// Claimed signing time, RFC 3339 in UTC.
    pub signed_at: String,
    /// The day of the review, `YYYY-MM-DD`; the name of the folder the statement is filed in.
    pub reviewed_on: String,
    /// What the review found, one line of plain text.
    pub outcome: String,
    /// The day the next review is due, `YYYY-MM-DD`.
    pub next_review: String,
}

impl ReviewStatement {
    /// The review statement file's text: a fixed header comment and one key per line.
    pub fn to_text(&self) -> String {
        statement::fixed_text(
            "# datapact review statement. Do not edit: the .sig file beside it signs these exact bytes.\n",
            self,
        )
    }
}

impl Signed for ReviewStatement {
    const TYPE: &'static str = REVIEW_TYPE;
    const WHAT: &'static str = "review statement";
    fn fields(&self) -> Fields<'_> {
        statement::fields_of!(self)
    }
}

/// The folder of one agreement version's review statements.
pub fn reviews_dir(ws: &Workspace, agreement: &str, version: u32) -> PathBuf {
    version_dir(ws, agreement, version).join(REVIEWS_DIR)
}

/// The review statement of `party` for the review of one version on `reviewed_on` (ids must
/// already be valid); its signature is [`statement::signature_path`] of it.
pub fn review_path(
    ws: &Workspace,
    agreement: &str,
    version: u32,
    reviewed_on: NaiveDate,
    party: &str,
) -> PathBuf {
    reviews_dir(ws, agreement, version)
        .join(reviewed_on.to_string())
        .join(format!("{party}.toml"))
}

/// Checks a review's outcome: one line of plain text, not empty, at most
/// [`MAX_OUTCOME_BYTES`]. The error is a sentence.
pub fn check_outcome(outcome: &str) -> Result<(), String> {
    if outcome.trim().is_empty() {
        return Err(
            "the outcome is empty: say what the review found (such as \"no changes needed\")"
                .into(),
        );
    }
    if let Some(c) = outcome.chars().find(|&c| super::forbidden_char(c)) {
        return Err(format!(
            "the outcome holds the control or formatting character {:?}: write it as one line of plain text",
            c
        ));
    }
    if outcome.len() > MAX_OUTCOME_BYTES {
        return Err(format!(
            "the outcome is {} bytes long, more than {MAX_OUTCOME_BYTES}: summarise it, and keep the minutes elsewhere",
            outcome.len()
        ));
    }
    Ok(())
}

/// Why a review's dates do not hold, and the statement field concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateProblem {
    pub field: &'static str,
    pub why: String,
    /// The dates break the agreement's own rule (its review interval), not only each other or
    /// today: the agreement refuses them rather than the command line being wrong.
    pub by_agreement: bool,
}

/// The date rules of a review, one decision for `datapact review` before it signs and for
/// verification: the review took place no later than today and no later than the day it was
/// signed (`signed_on`, in the workspace time zone), and the next review is after it and at
/// most `interval_months` (the agreement's `review_interval_months`) after it: the review
/// interval is measured from the last review.
pub fn check_dates(
    reviewed_on: NaiveDate,
    next_review: NaiveDate,
    interval_months: u32,
    today: NaiveDate,
    signed_on: NaiveDate,
) -> Result<(), DateProblem> {
    let problem = |field, why| {
        Err(DateProblem {
            field,
            why,
            by_agreement: false,
        })
    };
    if reviewed_on > today {
        return problem(
            "reviewed_on",
            format!(
                "the review is dated {reviewed_on}, after today ({today}): a review is recorded on or after the day it took place"
            ),
        );
    }
    if reviewed_on > signed_on {
        return problem(
            "reviewed_on",
            format!(
                "the review is dated {reviewed_on}, after the day it was signed ({signed_on}): a review is signed on or after the day it took place"
            ),
        );
    }
    if next_review <= reviewed_on {
        return problem(
            "next_review",
            format!("the next review ({next_review}) is not after the review ({reviewed_on})"),
        );
    }
    let limit = reviewed_on
        .checked_add_months(Months::new(interval_months))
        .unwrap_or(NaiveDate::MAX);
    if next_review > limit {
        return Err(DateProblem {
            field: "next_review",
            why: format!(
                "the next review ({next_review}) is more than {interval_months} months after the review ({reviewed_on}); \
                 the agreement's review_interval_months allows {limit} at the latest"
            ),
            by_agreement: true,
        });
    }
    Ok(())
}

/// One agreement version whose reviews are judged: its facts (id, version, exact bytes and
/// digest, parties), its lead organisation, and its dates (`review_interval_months`).
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub facts: &'a AgreementFacts,
    pub lead: &'a str,
    pub dates: &'a Dates,
}

/// A party's valid statement in a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewSigner {
    pub party: String,
    /// Who holds the key (the trust store's principal).
    pub principal: String,
    pub role: String,
    pub key_id: String,
    /// Claimed signing time, RFC 3339 UTC, as in the statement.
    pub signed_at: String,
    /// The review statement file, workspace-relative.
    pub statement: String,
}

/// A complete review: every party the workspace's policy requires signed a valid statement for
/// the same day, and they agree on the next review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub reviewed_on: NaiveDate,
    pub next_review: NaiveDate,
    /// The lead organisation's outcome, or (when it did not sign) the first signer's.
    pub outcome: String,
    /// The parties with a valid statement in this review, in the agreement's order.
    pub signers: Vec<ReviewSigner>,
}

/// A review later than the latest complete one that still awaits parties the policy requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub reviewed_on: NaiveDate,
    pub next_review: NaiveDate,
    /// Parties with a valid statement in it, in the agreement's order.
    pub signed: Vec<String>,
    /// Parties the policy requires that have none (or an invalid one).
    pub missing: Vec<String>,
}

/// The reviews of one agreement version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reviews {
    /// The latest complete review, whose `next_review` is the agreement's review date.
    pub latest: Option<Review>,
    /// Reviews after the latest complete one still awaiting required parties (DP222).
    pub pending: Vec<Pending>,
    /// DP221 for statements that do not count, DP222 for incomplete reviews, DP214 for stray
    /// entries of `reviews/`.
    pub findings: Vec<Finding>,
}

/// A statement that passed every check, before the statements of one review are compared.
struct Judged {
    signer: ReviewSigner,
    outcome: String,
    next_review: NaiveDate,
    text: String,
}

/// What judging a statement needs besides the statement.
struct Judge<'a> {
    ws: &'a Workspace,
    subject: &'a Subject<'a>,
    trust: &'a TrustStore,
    today: NaiveDate,
    /// The latest signing time accepted (end of today plus the clock skew).
    latest: DateTime<Utc>,
}

impl Judge<'_> {
    /// Judges the review statement of `stem` filed under the review folder of `date`: authentic
    /// (the checks agreement statements have: signature, type, agreement, version, party, key
    /// attributed to the party), its key permitted for its role on its signing day, not signed
    /// after today, covering this version's exact bytes, then the review's own rules: filed
    /// under its date, outcome, and dates ([`check_dates`]).
    fn statement(&self, date: NaiveDate, stem: &str, path: &Path) -> Result<Judged, Rejection> {
        let facts = self.subject.facts;
        let a = verify::authenticate::<ReviewStatement>(
            self.ws,
            facts.id.as_str(),
            facts.version,
            self.trust,
            stem,
            path,
            &[],
        )?;
        let signed_at = verify::authorise_fields(facts, &a, self.latest)?;
        let s = &a.statement;
        let at = |field: &str, why: String| {
            verify::reject(&REVIEW_INVALID, &a.display, field_line(&a.text, field), why)
        };
        let day = |field: &'static str, value: &str| {
            crate::dates::parse(value).map_err(|why| at(field, format!("{field}: {why}")))
        };
        let reviewed_on = day("reviewed_on", &s.reviewed_on)?;
        if reviewed_on != date {
            return Err(at(
                "reviewed_on",
                format!(
                    "the statement records the review of {reviewed_on}, but it is filed under reviews/{date}/: it was moved or copied there"
                ),
            ));
        }
        let next_review = day("next_review", &s.next_review)?;
        check_outcome(&s.outcome).map_err(|why| at("outcome", why))?;
        let signed_on = signed_at
            .with_timezone(&self.ws.config.timezone())
            .date_naive();
        check_dates(
            reviewed_on,
            next_review,
            self.subject.dates.review_interval_months,
            self.today,
            signed_on,
        )
        .map_err(|p| at(p.field, p.why))?;
        Ok(Judged {
            signer: ReviewSigner {
                party: s.party.clone(),
                principal: a.entry.principal.clone(),
                role: s.role.clone(),
                key_id: s.key_id.clone(),
                signed_at: s.signed_at.clone(),
                statement: a.display.clone(),
            },
            outcome: s.outcome.clone(),
            next_review,
            text: a.text,
        })
    }
}

/// The reviews of one agreement version (the current one, fully signed): reads
/// `signatures/<id>/v<N>/reviews/<date>/`, judges every statement (see [`Judge::statement`];
/// one that does not count is DP221, with the reason), and returns the latest complete review:
/// every party `policy` requires has a valid statement for that day, and the statements agree
/// on `next_review` (one that disagrees with the lead's, or the first party's, is DP221). A
/// later review still awaiting required parties is DP222, naming them; entries of `reviews/`
/// that are not review statements are DP214 and never read. `today` decides what is in the
/// future, as for agreement signatures.
pub fn reviews(
    ws: &Workspace,
    subject: &Subject<'_>,
    trust: &TrustStore,
    today: NaiveDate,
    policy: ReviewSigners,
) -> Reviews {
    let facts = subject.facts;
    let mut out = Reviews::default();
    let dir = reviews_dir(ws, facts.id.as_str(), facts.version);
    match gate::kind_inside(&ws.root, &dir) {
        Err(refusal) => {
            out.findings.push(outside(ws, &dir, refusal));
            return out;
        }
        Ok(Some(Kind::Dir)) => {}
        // Nothing, or something that is not a folder, which verification reports (DP214).
        Ok(_) => return out,
    }
    let judge = Judge {
        ws,
        subject,
        trust,
        today,
        latest: latest_signing_time(today, ws.config.timezone()),
    };
    let mut by_date: BTreeMap<NaiveDate, BTreeMap<String, Judged>> = BTreeMap::new();
    for day_dir in list_dir(ws, &dir) {
        if let Err(refusal) = gate::check_inside(&ws.root, &day_dir) {
            out.findings.push(outside(ws, &day_dir, refusal));
            continue;
        }
        let display = ws.display(&day_dir);
        let name = file_name(&day_dir);
        let date = crate::dates::parse(&name)
            .ok()
            .filter(|_| kind(ws, &day_dir) == Some(Kind::Dir));
        let Some(date) = date else {
            out.findings.push(stray(
                &display,
                format!("{display} is not a review folder: reviews/ holds one folder per review, named for its date (YYYY-MM-DD)"),
                "remove it, or move it into the folder of the review it belongs to",
            ));
            continue;
        };
        let entries = list_dir(ws, &day_dir);
        if entries.is_empty() {
            out.findings.push(stray(
                &display,
                format!("{display} is an empty review folder"),
                "remove it; a review folder holds the review statements of that day and their signatures",
            ));
        }
        for path in entries {
            let Some(stem) = statement_to_judge(ws, subject, date, &path, &mut out.findings) else {
                continue;
            };
            match judge.statement(date, stem, &path) {
                Ok(judged) => {
                    by_date
                        .entry(date)
                        .or_default()
                        .insert(stem.to_string(), judged);
                }
                Err(r) => {
                    let statement = ws.display(&path);
                    out.findings
                        .push(invalid(subject, r, &statement, stem, date));
                }
            }
        }
    }
    let required = policy.required(subject.lead, &facts.party_ids);
    let mut pending = Vec::new();
    for (date, mut judged) in by_date {
        // The statement the others are compared with: the lead's, else the first party's.
        let Some(reference) = std::iter::once(subject.lead)
            .chain(facts.party_ids.iter().map(String::as_str))
            .find(|p| judged.contains_key(*p))
            .map(str::to_string)
        else {
            continue;
        };
        let Some(next_review) = judged.get(&reference).map(|j| j.next_review) else {
            continue;
        };
        let disagreeing: Vec<String> = judged
            .iter()
            .filter(|(_, j)| j.next_review != next_review)
            .map(|(party, _)| party.clone())
            .collect();
        for party in disagreeing {
            if let Some(j) = judged.remove(&party) {
                out.findings
                    .push(disagrees(subject, &j, &reference, next_review, date));
            }
        }
        let signed: Vec<String> = facts
            .party_ids
            .iter()
            .filter(|p| judged.contains_key(*p))
            .cloned()
            .collect();
        let missing: Vec<String> = required
            .iter()
            .filter(|p| !judged.contains_key(**p))
            .map(|p| p.to_string())
            .collect();
        if missing.is_empty() {
            let outcome = judged
                .get(&reference)
                .map(|j| j.outcome.clone())
                .unwrap_or_default();
            out.latest = Some(Review {
                reviewed_on: date,
                next_review,
                outcome,
                signers: signed
                    .iter()
                    .filter_map(|p| judged.remove(p))
                    .map(|j| j.signer)
                    .collect(),
            });
        } else {
            let line = judged
                .get(&reference)
                .map_or(1, |j| field_line(&j.text, "reviewed_on"));
            let file = judged
                .get(&reference)
                .map(|j| j.signer.statement.clone())
                .unwrap_or_default();
            pending.push((
                Pending {
                    reviewed_on: date,
                    next_review,
                    signed,
                    missing,
                },
                file,
                line,
            ));
        }
    }
    // A review older than the latest complete one is history: only later ones are awaited.
    let after = out.latest.as_ref().map(|r| r.reviewed_on);
    for (p, file, line) in pending {
        if after.is_some_and(|d| p.reviewed_on <= d) {
            continue;
        }
        out.findings
            .push(incomplete(subject, &p, policy, &file, line));
        out.pending.push(p);
    }
    out
}

/// Sorts one entry of a review folder: the stem of a review statement of a party, to be
/// judged, or `None` after reporting what else it is (DP214): a signature without its
/// statement or a statement without its signature (an interrupted review), a temporary file,
/// a statement of someone who is not a party, or anything else. A signature with its statement
/// is judged with the statement.
fn statement_to_judge<'p>(
    ws: &Workspace,
    subject: &Subject<'_>,
    date: NaiveDate,
    path: &'p Path,
    findings: &mut Vec<Finding>,
) -> Option<&'p str> {
    let facts = subject.facts;
    let display = ws.display(path);
    let name = path.file_name()?.to_str();
    let interrupted = |stem: &str, what: &str, pair: &str| {
        let party = if facts.party_ids.iter().any(|p| p == stem) {
            stem
        } else {
            "PARTY"
        };
        stray(
            &display,
            format!(
                "{display} is a review {what} without its {pair}: recording a review was interrupted (or the {pair} removed), so it does not count"
            ),
            format!(
                "complete it: `datapact review {} --party {party} --key KEYFILE --reviewed-on {date} --outcome TEXT --next-review DATE` replaces the leftover; or remove it",
                facts.id
            ),
        )
    };
    if let Some(stem) = name.and_then(|n| n.strip_suffix(".toml.sig")) {
        if kind(ws, &path.with_file_name(format!("{stem}.toml"))) == Some(Kind::Missing) {
            findings.push(interrupted(stem, "signature", "statement"));
        }
        return None;
    }
    if name.is_some_and(gate::is_temporary_name) {
        findings.push(stray(
            &display,
            format!("{display} is a temporary file left by an interrupted datapact run; it is not read"),
            "the next datapact command that writes in this folder (such as `datapact review`) removes it; or remove it yourself",
        ));
        return None;
    }
    let Some(stem) = name
        .and_then(|n| n.strip_suffix(".toml"))
        .filter(|s| check_id(s).is_ok())
    else {
        findings.push(stray(
            &display,
            format!("{display} is not a review statement (<party-id>.toml) or its signature (<party-id>.toml.sig)"),
            "remove it; a review folder holds only review statements and their signatures",
        ));
        return None;
    };
    if !facts.party_ids.iter().any(|p| p == stem) {
        findings.push(stray(
            &display,
            format!(
                "{display} is a review statement for {stem}, which is not a party to {}; it is not read",
                facts.id
            ),
            "remove it; only the agreement's parties review it",
        ));
        return None;
    }
    if kind(ws, &signature_path(path)) == Some(Kind::Missing) && kind(ws, path) == Some(Kind::File)
    {
        findings.push(interrupted(stem, "statement", "signature"));
        return None;
    }
    Some(stem)
}

/// The command that records `party`'s review of the subject on `date`.
fn review_command(subject: &Subject<'_>, party: &str, date: NaiveDate, next: &str) -> String {
    format!(
        "`datapact review {} --party {party} --key KEYFILE --reviewed-on {date} --outcome TEXT --next-review {next}`",
        subject.facts.id
    )
}

/// The DP221 finding for `party`'s review `statement` that does not count, with the reason and
/// what fixes it.
fn invalid(
    subject: &Subject<'_>,
    r: Rejection,
    statement: &str,
    party: &str,
    date: NaiveDate,
) -> Finding {
    let hint = if r.rule.code == SIGNATURE_LINE_ENDINGS.code
        || r.rule.code == SIGNATURE_UNKNOWN_KEY.code
    {
        r.rule.hint.to_string()
    } else {
        format!(
            "remove {statement} and its .sig; {party} records the review again with {}",
            review_command(subject, party, date, "DATE")
        )
    };
    Finding::new(
        &REVIEW_INVALID,
        &r.file,
        Position {
            line: r.line,
            column: 1,
        },
        format!(
            "{party}'s review of {} v{} on {date} does not count: {}",
            subject.facts.id, subject.facts.version, r.reason
        ),
        hint,
    )
    .about_party(party)
}

/// The DP221 finding for a statement whose `next_review` is not the one the reference
/// statement of the same review (`reference`'s) names.
fn disagrees(
    subject: &Subject<'_>,
    j: &Judged,
    reference: &str,
    next_review: NaiveDate,
    date: NaiveDate,
) -> Finding {
    let party = &j.signer.party;
    Finding::new(
        &REVIEW_INVALID,
        &j.signer.statement,
        Position {
            line: field_line(&j.text, "next_review"),
            column: 1,
        },
        format!(
            "{party}'s review of {} v{} on {date} names the next review {}, but {reference}'s names {next_review}: the statements of one review agree on the next review",
            subject.facts.id, subject.facts.version, j.next_review
        ),
        format!(
            "remove {} and its .sig; {party} records the review again with {}",
            j.signer.statement,
            review_command(subject, party, date, &next_review.to_string())
        ),
    )
    .about_party(party)
}

/// The DP222 warning for a review that awaits required parties.
fn incomplete(
    subject: &Subject<'_>,
    p: &Pending,
    policy: ReviewSigners,
    file: &str,
    line: usize,
) -> Finding {
    let who = match policy {
        ReviewSigners::Lead => "the lead organisation signs every review",
        ReviewSigners::All => "every party signs a review",
    };
    let party = match p.missing.as_slice() {
        [one] => one.as_str(),
        _ => "PARTY",
    };
    Finding::new(
        &REVIEW_INCOMPLETE,
        file,
        Position { line, column: 1 },
        format!(
            "the review of {} v{} on {} is signed by {} but awaits {} ([reviews] signers = \"{}\" in datapact.toml: {who}); it does not count until then",
            subject.facts.id,
            subject.facts.version,
            p.reviewed_on,
            p.signed.join(", "),
            p.missing.join(", "),
            policy.as_str()
        ),
        format!(
            "{} signs it with {}",
            p.missing.join(" and "),
            review_command(subject, party, p.reviewed_on, &p.next_review.to_string())
        ),
    )
}

/// A DP214 warning for an entry of `reviews/` that is not read.
fn stray(display: &str, message: String, hint: impl Into<String>) -> Finding {
    Finding::new(
        &SIGNATURE_UNEXPECTED_FILE,
        display,
        Position::START,
        message,
        hint,
    )
}

/// The DP221 error for a review folder that leads outside the workspace: nothing there is read.
fn outside(ws: &Workspace, path: &Path, refusal: crate::error::Error) -> Finding {
    Finding::new(
        &REVIEW_INVALID,
        &ws.display(path),
        Position::START,
        format!("{}; no review there is read", refusal.message),
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
    use crate::signing::statement::{STATEMENT_TYPE, Statement};

    fn review() -> ReviewStatement {
        ReviewStatement {
            statement_type: REVIEW_TYPE.into(),
            agreement: "a-b-c".into(),
            version: 2,
            agreement_sha256: "00".repeat(32),
            party: "org-a".into(),
            key_id: "SHA256:x".into(),
            role: "dpo".into(),
            signed_at: "2028-04-01T10:00:00Z".into(),
            reviewed_on: "2028-04-01".into(),
            outcome: "No changes needed; \"data minimised\" as before.".into(),
            next_review: "2030-04-01".into(),
        }
    }

    fn statement() -> Statement {
        Statement {
            statement_type: STATEMENT_TYPE.into(),
            agreement: "a-b-c".into(),
            version: 2,
            agreement_sha256: "00".repeat(32),
            previous_sha256: None,
            party: "org-a".into(),
            key_id: "SHA256:x".into(),
            role: "dpo".into(),
            signed_at: "2026-04-01T10:00:00Z".into(),
        }
    }

    #[test]
    fn review_text_round_trips_in_one_fixed_form() {
        let r = review();
        let text = r.to_text();
        assert!(text.starts_with("# datapact review statement."), "{text}");
        assert!(text.contains("type = \"datapact-review/1\"\n"), "{text}");
        let keys: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|l| l.split(" = ").next().unwrap())
            .collect();
        assert_eq!(
            keys,
            [
                "type",
                "agreement",
                "version",
                "agreement_sha256",
                "party",
                "key_id",
                "role",
                "signed_at",
                "reviewed_on",
                "outcome",
                "next_review"
            ]
        );
        let back: ReviewStatement = toml::from_str(&text).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.to_text(), text);
    }

    #[test]
    fn an_agreement_statement_never_parses_as_a_review_and_a_review_never_as_an_agreement_statement()
     {
        // Both ways: the fields differ, and unknown fields are refused.
        let as_review = toml::from_str::<ReviewStatement>(&statement().to_text());
        assert!(as_review.is_err(), "{as_review:?}");
        let mut with_previous = statement();
        with_previous.previous_sha256 = Some("11".repeat(32));
        assert!(toml::from_str::<ReviewStatement>(&with_previous.to_text()).is_err());
        let as_statement = toml::from_str::<Statement>(&review().to_text());
        assert!(as_statement.is_err(), "{as_statement:?}");
        // And a statement of the right shape but the other type is told apart by its type.
        let mut typed = review();
        typed.statement_type = STATEMENT_TYPE.into();
        let parsed: ReviewStatement = toml::from_str(&typed.to_text()).unwrap();
        assert_ne!(parsed.fields().statement_type, ReviewStatement::TYPE);
        assert_ne!(Statement::TYPE, ReviewStatement::TYPE);
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn review_dates_are_checked_against_today_the_signing_day_and_the_interval() {
        let ok = |r, n| check_dates(d(r), d(n), 24, d("2028-05-01"), d("2028-05-01"));
        assert_eq!(ok("2028-04-01", "2030-04-01"), Ok(()));
        assert_eq!(ok("2028-05-01", "2028-05-02"), Ok(()));
        let field = |r, n| ok(r, n).unwrap_err().field;
        assert_eq!(field("2028-05-02", "2029-01-01"), "reviewed_on");
        assert_eq!(field("2028-04-01", "2028-04-01"), "next_review");
        assert_eq!(field("2028-04-01", "2028-03-01"), "next_review");
        assert_eq!(field("2028-04-01", "2030-04-02"), "next_review");
        // Months are calendar months: 31 August plus 6 months is the end of February.
        let six = |n| check_dates(d("2026-08-31"), d(n), 6, d("2026-09-01"), d("2026-09-01"));
        assert_eq!(six("2027-02-28"), Ok(()));
        assert!(six("2027-03-01").is_err());
        // Signed before the day of the review: refused, whatever today is.
        let early = check_dates(
            d("2028-04-02"),
            d("2029-01-01"),
            24,
            d("2028-05-01"),
            d("2028-04-01"),
        );
        assert_eq!(early.unwrap_err().field, "reviewed_on");
    }

    #[test]
    fn outcomes_are_one_line_of_plain_text() {
        assert!(check_outcome("No changes needed.").is_ok());
        for bad in ["", "   ", "a\nb", "a\u{1b}[2Kb", "a\u{202e}b"] {
            assert!(check_outcome(bad).is_err(), "{bad:?}");
        }
        assert!(check_outcome(&"x".repeat(MAX_OUTCOME_BYTES)).is_ok());
        assert!(check_outcome(&"x".repeat(MAX_OUTCOME_BYTES + 1)).is_err());
    }
}
