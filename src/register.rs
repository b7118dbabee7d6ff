//! The register: every agreement assessed in one parallel pass (validation, signatures on the
//! current version, its signed reviews, and the derived state from its dates), as `status`,
//! `check` and the published register need it. Each file is read and parsed once.

use crate::agreement::{self, Checked};
use crate::diagnostics::Severity;
use crate::error::Result;
use crate::lifecycle::{self, Signed, Standing, State};
use crate::signing::facts;
use crate::signing::review::{self, Review, Reviews, Subject};
use crate::signing::trust::TrustStore;
use crate::signing::verify::{AgreementSignatures, PartyStatus, SignatureState, verify_agreement};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use serde::Serialize;

/// One agreement, assessed.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub checked: Checked,
    /// Signature verification, when the agreement's id, version and parties could be read.
    pub signatures: Option<AgreementSignatures>,
    /// The signed reviews of the current version, read when it validates and every party has
    /// signed it (`None` otherwise); their findings (DP221, DP222, DP214) are the agreement's.
    pub reviews: Option<Reviews>,
    /// The derived state, judged against [`Assessment::review_date`]; `None` when the agreement
    /// does not validate.
    pub standing: Option<Standing>,
}

impl Assessment {
    pub fn state(&self) -> State {
        self.standing.map_or(State::Invalid, |s| s.state)
    }

    /// The latest complete review of the current version, if any.
    pub fn last_review(&self) -> Option<&Review> {
        self.reviews.as_ref()?.latest.as_ref()
    }

    /// The review date that applies: the next review named by the latest complete review, or
    /// else the agreement's own `dates.review`; `None` when the agreement does not validate.
    pub fn review_date(&self) -> Option<NaiveDate> {
        self.last_review()
            .map(|r| r.next_review)
            .or_else(|| self.checked.agreement.as_ref().map(|a| a.dates.review))
    }

    /// Findings about the current version's review statements (empty when none were read).
    pub fn review_findings(&self) -> &[crate::diagnostics::Finding] {
        self.reviews.as_ref().map_or(&[], |r| &r.findings)
    }

    /// Whether every party holds a valid signature on the current version and no signature
    /// finding is an error (a rolled-back version, say, makes the set untrustworthy).
    pub fn fully_signed(&self) -> bool {
        matches!(
            self.signatures.as_ref().map(|s| &s.state),
            Some(SignatureState::Full)
        ) && self.state() != State::SignaturesInvalid
    }

    /// Parties without a valid signature on the current version.
    pub fn missing_parties(&self) -> Vec<String> {
        self.signatures
            .iter()
            .flat_map(|s| s.parties.iter())
            .filter(|p| !matches!(p.status, PartyStatus::Signed { .. }))
            .map(|p| p.party.clone())
            .collect()
    }

    /// Sort key: most urgent first, then the nearest date, then the id.
    pub fn urgency(&self) -> Urgency {
        (
            self.state().urgency(),
            self.standing.map_or(i64::MIN, |s| s.days),
            self.checked.id().unwrap_or_default(),
        )
    }
}

/// Orders agreements most urgent first: by state, then days to the next date, then id.
pub type Urgency = (u8, i64, String);

/// What whole-register commands share: the workspace, the day they judge dates against, and
/// the trust store signatures are verified with.
pub struct Session {
    pub ws: Workspace,
    pub today: NaiveDate,
    pub trust: TrustStore,
}

impl Session {
    /// A session on an opened workspace for a given day (loads the trust store).
    pub fn new(ws: Workspace, today: NaiveDate) -> Result<Session> {
        let trust = TrustStore::load(&ws)?;
        Ok(Session { ws, today, trust })
    }

    /// Assesses the agreements named by `targets` (every agreement when empty), most urgent first.
    pub fn assess_targets(&self, targets: &[String]) -> Result<Vec<Assessment>> {
        let mut all = self.map_assessed(targets, |a| a)?;
        all.sort_by_cached_key(Assessment::urgency);
        Ok(all)
    }

    /// Assesses the agreements named by `targets` in parallel and keeps only what `keep` makes
    /// of each (a report, a row), in file order; each file's source and model are dropped as
    /// soon as it is mapped.
    pub fn map_assessed<T: Send>(
        &self,
        targets: &[String],
        keep: impl Fn(Assessment) -> T + Sync + Send,
    ) -> Result<Vec<T>> {
        let files = self.ws.target_files(targets)?;
        agreement::check_each(&self.ws, &files, |c| {
            keep(assess(&self.ws, &self.trust, c, self.today))
        })
    }

    /// Reads, validates and assesses one file.
    pub fn assess_file(&self, path: &std::path::Path) -> Result<Assessment> {
        let checked = agreement::check_file(&self.ws, path)?;
        Ok(assess(&self.ws, &self.trust, checked, self.today))
    }
}

/// Assesses one validated file.
fn assess(ws: &Workspace, trust: &TrustStore, checked: Checked, today: NaiveDate) -> Assessment {
    // Lenient facts, so a changed file that no longer validates still shows stale signatures.
    let facts = facts::of_checked(&checked).ok();
    let signatures = facts
        .as_ref()
        .map(|facts| verify_agreement(ws, facts, trust, today));
    // Reviews count for a version every party signed; their next review replaces the review
    // date the agreement names.
    let reviews = match (&checked.agreement, &facts, &signatures) {
        (Some(a), Some(facts), Some(s))
            if !checked.has_errors() && s.state == SignatureState::Full =>
        {
            let subject = Subject {
                facts,
                lead: &a.lead,
                dates: &a.dates,
            };
            Some(review::reviews(
                ws,
                &subject,
                trust,
                today,
                ws.config.reviews.signers,
            ))
        }
        _ => None,
    };
    let latest = reviews.as_ref().and_then(|r| r.latest.as_ref());
    let standing = match (&checked.agreement, checked.has_errors()) {
        (Some(a), false) => {
            let signed = match &signatures {
                Some(s) if s.findings.iter().any(|f| f.severity == Severity::Error) => {
                    Signed::Invalid
                }
                Some(s) if s.state == SignatureState::Full => Signed::Fully,
                _ => Signed::NotFully,
            };
            Some(lifecycle::standing(
                &a.dates,
                latest.map_or(lifecycle::ReviewDate::of_agreement(&a.dates), |r| {
                    lifecycle::ReviewDate {
                        date: r.next_review,
                        reviewed_on: Some(r.reviewed_on),
                    }
                }),
                signed,
                &ws.config.windows,
                today,
            ))
        }
        _ => None,
    };
    Assessment {
        checked,
        signatures,
        reviews,
        standing,
    }
}

/// One row of the register, as `status` prints it and the published register shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub file: String,
    pub title: String,
    pub reference: Option<String>,
    pub version: Option<u32>,
    /// `agreement.summary`: two or three sentences for the public; `None` when the agreement
    /// has none (or does not validate). The register shows it, else `purpose`.
    pub summary: Option<String>,
    /// `purpose.description`; empty when the agreement does not validate.
    pub purpose: String,
    pub lead: String,
    pub other_parties: Vec<String>,
    /// Parties with a valid signature on the current version, and how many there are in all.
    pub signed: usize,
    pub parties: usize,
    /// Ids of the parties still to sign (missing or invalid).
    pub missing: Vec<String>,
    pub effective: Option<NaiveDate>,
    /// The review date that applies: the next review named by the latest complete review of
    /// the current version (`last_review`), else the agreement's `dates.review`.
    pub review: Option<NaiveDate>,
    /// The latest complete review of the current version.
    pub last_review: Option<LastReview>,
    pub expires: Option<NaiveDate>,
    pub state: State,
    pub state_label: &'static str,
    /// Days from today to the date that matters next; negative once passed.
    pub days: Option<i64>,
    pub next_date: Option<NaiveDate>,
    pub next: Option<&'static str>,
}

impl Row {
    pub fn of(a: &Assessment) -> Row {
        let agreement = a.checked.agreement.as_ref();
        let missing = a.missing_parties();
        let parties = agreement.map_or(0, |ag| ag.parties.len());
        Row {
            id: a
                .checked
                .id()
                .unwrap_or_else(|| a.checked.source.display.clone()),
            file: a.checked.source.display.clone(),
            title: agreement.map_or_else(String::new, |ag| ag.title.clone()),
            reference: agreement.and_then(|ag| ag.reference.clone()),
            version: agreement.map(|ag| ag.version),
            summary: agreement.and_then(|ag| ag.summary.clone()),
            purpose: agreement.map_or_else(String::new, |ag| ag.purpose.description.clone()),
            lead: agreement.map_or_else(String::new, |ag| ag.lead_name().to_string()),
            other_parties: agreement
                .map(|ag| {
                    ag.parties
                        .iter()
                        .filter(|p| p.id != ag.lead)
                        .map(|p| p.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
            signed: parties.saturating_sub(missing.len()),
            parties,
            missing,
            effective: agreement.map(|ag| ag.dates.effective),
            review: a.review_date(),
            last_review: LastReview::of(a),
            expires: agreement.map(|ag| ag.dates.expires),
            state: a.state(),
            state_label: a.state().label(),
            days: a.standing.map(|s| s.days),
            next_date: a.standing.map(|s| s.next_date),
            next: a.standing.map(|s| s.next.field()),
        }
    }
}

/// The latest complete review of an agreement's current version, as the register shows it:
/// "last reviewed REVIEWED_ON by SIGNERS: OUTCOME; next review NEXT_REVIEW".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastReview {
    pub reviewed_on: NaiveDate,
    /// What the review found (the lead organisation's statement, else the first signer's).
    pub outcome: String,
    pub next_review: NaiveDate,
    /// Ids of the parties that signed the review, in the agreement's order.
    pub signers: Vec<String>,
    /// Their names.
    pub signer_names: Vec<String>,
}

impl LastReview {
    /// The latest complete review of an assessed agreement, with its signers' names.
    pub fn of(a: &Assessment) -> Option<LastReview> {
        let r = a.last_review()?;
        let name = |party: &str| {
            a.checked
                .agreement
                .as_ref()
                .and_then(|ag| ag.party(party))
                .map_or_else(|| party.to_string(), |p| p.name.clone())
        };
        Some(LastReview {
            reviewed_on: r.reviewed_on,
            outcome: r.outcome.clone(),
            next_review: r.next_review,
            signers: r.signers.iter().map(|s| s.party.clone()).collect(),
            signer_names: r.signers.iter().map(|s| name(&s.party)).collect(),
        })
    }

    /// "last reviewed 2028-04-01 by NHS Essex ICB: no changes; next review 2030-04-01", for
    /// plain text (escape it before a terminal shows it).
    pub fn sentence(&self) -> String {
        format!(
            "last reviewed {} by {}: {}; next review {}",
            self.reviewed_on,
            self.signer_names.join(", "),
            self.outcome,
            self.next_review
        )
    }
}
