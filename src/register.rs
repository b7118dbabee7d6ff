//! The register: every agreement assessed in one parallel pass (validation, signatures on the
//! current version, the version in force, its signed reviews, and the derived state from its
//! dates), as `status`, `check` and the published register need it. Each file is read and
//! parsed once; git history is walked once, and only when some agreement's current version is
//! not fully signed while an earlier version has signatures (see [`crate::signing::in_force`]).

use crate::agreement::Agreement;
use crate::agreement::{self, Checked, Scope};
use crate::diagnostics::{Finding, Severity};
use crate::error::Result;
use crate::history::LazyArchive;
use crate::lifecycle::{self, Approval, Signed, Standing, State, Unsigned};
use crate::signing::acceptance::{self, Acceptances, Accepted};
use crate::signing::in_force::{self, Earlier, InForce};
use crate::signing::membership::{self, Member, Members};
use crate::signing::review::{self, Review, Reviews, Subject};
use crate::signing::trust::TrustStore;
use crate::signing::verify::{
    AgreementSignatures, PartyStatus, SignatureState, verify_agreement, verify_version,
};
use crate::signing::{AgreementFacts, facts};
use crate::workspace::Workspace;
use chrono::{DateTime, NaiveDate};
use serde::Serialize;

/// One agreement, assessed.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub checked: Checked,
    /// Signature verification, when the agreement's id, version and parties could be read.
    pub signatures: Option<AgreementSignatures>,
    /// What the history says of earlier versions, looked up when the current version validates
    /// but is not fully signed (`None` otherwise).
    pub earlier: Option<Earlier>,
    /// The signed reviews of the version in force (the current one, or an earlier one), read
    /// when there is one (`None` otherwise); their findings (DP221, DP222, DP214) are the
    /// agreement's.
    pub reviews: Option<Reviews>,
    /// The derived state, from the dates of the version in force and its latest review; `None`
    /// when the agreement does not validate.
    pub standing: Option<Standing>,
    /// The recorded acceptances of the current version (`datapact accept`; not signatures),
    /// read when its id, version and parties could be read.
    pub acceptances: Option<Acceptances>,
    /// Whether a valid acceptance counts as the party having agreed (`[signing]
    /// acceptances_count`).
    pub acceptances_count: bool,
    /// The members of the agreement's class parties (`datapact join`), read when its id,
    /// version and parties could be read. Listed, never required: a class party counts as
    /// agreed for the version in force (it does not sign; see docs/signing.md).
    pub members: Option<Members>,
    /// The dates of signatures against the dates they sign (DP308-DP310,
    /// [`lifecycle::signing_findings`]), the workspace's severities applied.
    pub date_findings: Vec<Finding>,
}

impl Assessment {
    /// The name of the agreement's party `id`, or `id` itself when it names no party.
    pub fn party_name(&self, id: &str) -> String {
        self.checked
            .agreement
            .as_ref()
            .and_then(|ag| ag.party(id))
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }

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
            .or_else(|| self.governing().map(|a| a.dates.review))
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

    /// Whether every party agreed to the current version: signed it, or (when the workspace
    /// counts acceptances) accepted its exact bytes; and no signature finding is an error.
    pub fn agreed_by_all(&self) -> bool {
        if self.fully_signed() {
            return true;
        }
        self.acceptances_count
            && self.signatures.is_some()
            && self.missing_parties().is_empty()
            && self.state() != State::SignaturesInvalid
            && self.standing.is_some()
    }

    /// The earlier version in force while the current one collects signatures, if any.
    pub fn earlier_in_force(&self) -> Option<&InForce> {
        match &self.earlier {
            Some(Earlier::InForce(e)) => Some(e),
            _ => None,
        }
    }

    /// The version in force: the current one when it is fully signed, else an earlier one.
    pub fn in_force(&self) -> Option<u32> {
        if self.agreed_by_all() {
            return self.signatures.as_ref().map(|s| s.version);
        }
        self.earlier_in_force().map(|e| e.version)
    }

    /// The agreement whose terms govern: the version in force when an earlier one is, else
    /// the current one (when it validates).
    pub fn governing(&self) -> Option<&Agreement> {
        self.earlier_in_force()
            .and_then(|e| e.checked.agreement.as_ref())
            .or(self.checked.agreement.as_ref())
    }

    /// Parties without a valid signature on the current version (nor, when the workspace
    /// counts acceptances, a valid acceptance of it).
    pub fn missing_parties(&self) -> Vec<String> {
        self.signatures
            .iter()
            .flat_map(|s| s.parties.iter())
            .filter(|p| !in_force::agreed(p, self.acceptances.as_ref(), self.acceptances_count))
            .map(|p| p.party.clone())
            .collect()
    }

    /// The party's valid acceptance of the current version, counted or not.
    pub fn accepted(&self, party: &str) -> Option<&Accepted> {
        self.acceptances.as_ref()?.of(party)
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
    /// The history of the current branch, walked when first needed.
    pub archive: LazyArchive,
    /// The validation findings the command shows: [`Scope::All`] unless it shows only states
    /// ([`Session::states_only`]).
    pub scope: Scope,
}

impl Session {
    /// A session on an opened workspace for a given day (loads the trust store).
    pub fn new(ws: Workspace, today: NaiveDate) -> Result<Session> {
        let trust = TrustStore::load(&ws)?;
        Ok(Session {
            ws,
            today,
            trust,
            archive: LazyArchive::default(),
            scope: Scope::All,
        })
    }

    /// This session for a command that shows states, not validation findings (`status`,
    /// `verify`, `calendar`, `render`): agreements are validated for their errors only
    /// ([`Scope::Errors`]), which decide the state.
    pub fn states_only(self) -> Session {
        Session {
            scope: Scope::Errors,
            ..self
        }
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
        // The pass creates and removes nothing in the folders it lists (a site's pages go to a
        // staging folder it does not list): those folders answer what is in them for the rest
        // of it (an `lstat` saved for each agreement's folders).
        let _kept = crate::gate::keep_listings();
        let files = self.ws.target_files(targets)?;
        agreement::check_each(&self.ws, &files, self.scope, agreement::BATCH, |c| {
            keep(self.assess(c))
        })
    }

    /// Reads, validates and assesses one file.
    pub fn assess_file(&self, path: &std::path::Path) -> Result<Assessment> {
        let checked = agreement::check_file(&self.ws, path, self.scope)?;
        Ok(self.assess(checked))
    }

    /// Assesses one validated file.
    fn assess(&self, checked: Checked) -> Assessment {
        self.assess_text(checked, false)
    }

    /// Assesses an earlier version's text (from history, validated) on its own: its
    /// signatures verified against its bytes, its state from its own dates; no earlier version
    /// is looked for.
    pub fn assess_version(&self, checked: Checked) -> Assessment {
        self.assess_text(checked, true)
    }

    fn assess_text(&self, checked: Checked, historic: bool) -> Assessment {
        let (ws, trust, today) = (&self.ws, &self.trust, self.today);
        // Lenient facts, so a changed file that no longer validates still shows stale signatures.
        let facts = facts::of_checked(&checked).ok();
        let mut signatures = facts.as_ref().map(|facts| {
            if historic {
                return verify_version(ws, facts, trust, today);
            }
            let mut signatures = verify_agreement(ws, facts, trust, today);
            in_force::explain_backwards(ws, facts, &mut signatures, &self.archive);
            signatures
        });
        let acceptances = facts
            .as_ref()
            .map(|facts| acceptance::acceptances(ws, facts, today));
        let members = facts
            .as_ref()
            .filter(|_| !historic)
            .map(|facts| membership::members(ws, facts, trust, today));
        let mut earlier = None;
        let mut reviews = None;
        let standing = match (&checked.agreement, checked.has_errors(), &facts) {
            (Some(a), false, Some(facts)) => {
                let signed = match &signatures {
                    Some(s) if s.findings.iter().any(|f| f.severity == Severity::Error) => {
                        Signed::Invalid
                    }
                    // Each party signed or, where the workspace counts acceptances,
                    // accepted these bytes (decided in one place, as for earlier versions).
                    Some(s)
                        if in_force::agreed_by_all(
                            s,
                            acceptances.as_ref(),
                            ws.config.signing.acceptances_count,
                        ) =>
                    {
                        Signed::Fully
                    }
                    _ => Signed::NotFully,
                };
                // The version in force: this one when fully signed, else an earlier one.
                earlier = (signed == Signed::NotFully && !historic)
                    .then(|| in_force::earlier(ws, facts, trust, today, &self.archive));
                let earlier_facts = match &earlier {
                    Some(Earlier::InForce(e)) => e
                        .checked
                        .agreement
                        .as_ref()
                        .zip(AgreementFacts::from_checked(&e.checked)),
                    _ => None,
                };
                let (governing, governing_facts, signed) = match &earlier_facts {
                    Some((old, old_facts)) => (*old, old_facts, Signed::Fully),
                    None => (a, facts, signed),
                };
                // Reviews count for a version every party signed; their next review replaces
                // the review date the agreement names.
                if signed == Signed::Fully {
                    reviews = Some(self.reviews_of(governing, governing_facts));
                }
                let latest = reviews.as_ref().and_then(|r: &Reviews| r.latest.as_ref());
                Some(lifecycle::standing(
                    &governing.dates,
                    latest.map_or(lifecycle::ReviewDate::of_agreement(&governing.dates), |r| {
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
        // Acceptances that do not hold (DP223, DP224) are reported with the signatures' findings.
        if let (Some(s), Some(a)) = (signatures.as_mut(), acceptances.as_ref()) {
            s.findings.extend(ws.config.apply(a.findings.clone()));
        }
        // So are accessions and withdrawals that do not count (DP226, DP227, DP214).
        if let (Some(s), Some(m)) = (signatures.as_mut(), members.as_ref()) {
            s.findings.extend(ws.config.apply(m.findings.clone()));
        }
        let mut assessment = Assessment {
            checked,
            signatures,
            earlier,
            reviews,
            standing,
            acceptances,
            acceptances_count: ws.config.signing.acceptances_count,
            members,
            date_findings: Vec::new(),
        };
        // Each member's standing depends on the version in force.
        let in_force = assessment.in_force();
        if let (Some(m), Some(facts)) = (assessment.members.as_mut(), facts.as_ref()) {
            m.describe(facts.version, in_force);
        }
        assessment.date_findings = self.date_findings(&assessment);
        assessment
    }

    /// DP308-DP310 for an assessed agreement that validates: the version in force against the
    /// day its last party agreed, and the current version, when it awaits signatures, against
    /// its own dates.
    fn date_findings(&self, a: &Assessment) -> Vec<Finding> {
        let (Some(standing), Some(current)) = (&a.standing, a.checked.agreement.as_ref()) else {
            return Vec::new();
        };
        let missing = a.missing_parties();
        let unsigned =
            (!a.agreed_by_all() && standing.state != State::SignaturesInvalid).then(|| Unsigned {
                id: current.id.as_str(),
                version: current.version,
                dates: &current.dates,
                missing: &missing,
                in_force: a.earlier_in_force().map(|e| e.version),
            });
        let found = lifecycle::signing_findings(
            &a.checked.source.display,
            &a.checked.places(),
            standing,
            self.approval(a).as_ref(),
            unsigned,
            &self.ws.config.windows,
            self.today,
        );
        self.ws.config.apply(found)
    }

    /// The version in force and the day its last party agreed to it: the latest `signed_at`
    /// (in the workspace time zone) or, where acceptances count, acceptance day. `None` when no
    /// version is in force.
    fn approval(&self, a: &Assessment) -> Option<Approval> {
        let tz = self.ws.config.timezone();
        let (signatures, agreement, earlier) = match a.earlier_in_force() {
            Some(e) => (&e.signatures, e.checked.agreement.as_ref()?, true),
            None if a.agreed_by_all() => {
                (a.signatures.as_ref()?, a.checked.agreement.as_ref()?, false)
            }
            None => return None,
        };
        let mut last: Option<(NaiveDate, &str, bool)> = None;
        for p in &signatures.parties {
            let (day, accepted) = match &p.status {
                PartyStatus::Signed { signed_at, .. } => (
                    DateTime::parse_from_rfc3339(signed_at)
                        .ok()?
                        .with_timezone(&tz)
                        .date_naive(),
                    false,
                ),
                // Agreed by all: a party that has not signed has a counted acceptance, of the
                // current version or of the earlier one in force.
                _ if !earlier => (a.accepted(&p.party)?.accepted_on, true),
                _ => (
                    a.earlier_in_force()?.acceptances.of(&p.party)?.accepted_on,
                    true,
                ),
            };
            if last.is_none_or(|(d, _, _)| day >= d) {
                last = Some((day, &p.party, accepted));
            }
        }
        let (completed, party, accepted) = last?;
        Some(Approval {
            version: agreement.version,
            effective: agreement.dates.effective,
            completed,
            last_party: party.to_string(),
            accepted,
            reviewed_on: a.last_review().map(|r| r.reviewed_on),
            earlier,
        })
    }

    /// The signed reviews of one fully signed version (its model and facts).
    fn reviews_of(&self, agreement: &Agreement, facts: &AgreementFacts) -> Reviews {
        let subject = Subject {
            facts,
            lead: &agreement.lead,
            dates: &agreement.dates,
        };
        review::reviews(
            &self.ws,
            &subject,
            &self.trust,
            self.today,
            self.ws.config.reviews.signers,
        )
    }
}

/// One row of the register, as `status` prints it and the published register shows it. Its
/// terms (title, purpose, parties, dates) are those of the version in force when an earlier
/// version is in force while the current one collects signatures.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub file: String,
    pub title: String,
    pub reference: Option<String>,
    /// The version in the working tree.
    pub version: Option<u32>,
    /// The version in force: the current one when fully signed, else the latest earlier
    /// version fully signed (from git history); `None` when no version is.
    pub in_force: Option<u32>,
    /// The current version, when it validates and is not the version in force: it awaits the
    /// signatures of `missing`.
    pub pending: Option<u32>,
    /// The versions in a few words: "v1 in force; v2 awaiting essex-county-council".
    pub versions: String,
    /// `agreement.version_label` of the current version ("1.6"), shown beside `version`.
    pub version_label: Option<String>,
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
    /// Ids of the parties still to sign the current version (missing or invalid; a party
    /// whose acceptance counts is not missing).
    pub missing: Vec<String>,
    /// Parties without a valid signature whose acceptance of the current version is recorded
    /// (`datapact accept`), each as "party: accepted by e-mail on DATE by ... (evidence: ...);
    /// recorded, not signed", and whether acceptances count here.
    pub accepted: Vec<String>,
    pub acceptances_count: bool,
    pub effective: Option<NaiveDate>,
    /// The review date that applies: the next review named by the latest complete review of
    /// the current version (`last_review`), else the agreement's `dates.review`.
    pub review: Option<NaiveDate>,
    /// The latest complete review of the current version.
    pub last_review: Option<LastReview>,
    /// The last day in force; `None` for an open-ended term (see `end_condition`) or an
    /// agreement that does not validate.
    pub expires: Option<NaiveDate>,
    /// Whether the term is open-ended: no end date, only `end_condition`.
    pub open_ended: bool,
    /// How an open-ended term ends (`dates.end_condition`).
    pub end_condition: Option<String>,
    /// Whether the agreement's own review date is derived from its interval (no `dates.review`).
    pub review_derived: bool,
    pub state: State,
    pub state_label: &'static str,
    /// Days from today to the date that matters next; negative once passed.
    pub days: Option<i64>,
    pub next_date: Option<NaiveDate>,
    pub next: Option<&'static str>,
    /// The agreement's class parties (`class = true`) with their eligibility and members.
    pub classes: Vec<ClassRow>,
    /// What `check` reports of the dates of signatures against the dates they sign
    /// (DP308-DP310): signed late, a pending version past its effective or review date.
    pub date_findings: Vec<Finding>,
}

/// A class party of an agreement, as the register shows it: who may join and who has.
#[derive(Debug, Clone, Serialize)]
pub struct ClassRow {
    pub party: String,
    pub name: String,
    pub eligibility: String,
    /// Members with a valid accession (those that left included, with `left_on`).
    pub members: Vec<Member>,
    /// How many are members now (have not left), and how many of those are bound by an
    /// earlier version than the current one (they have not joined it).
    pub current: usize,
    pub on_earlier_terms: usize,
    /// How many left.
    pub left: usize,
    /// The counts in words: "2 members", "1 member (1 on earlier terms, 1 left)", "no members
    /// yet", "no members (1 left)".
    pub summary: String,
}

/// [`ClassRow::summary`] from its counts.
fn members_summary(current: usize, on_earlier_terms: usize, left: usize) -> String {
    let mut notes = Vec::new();
    if on_earlier_terms > 0 {
        notes.push(format!("{on_earlier_terms} on earlier terms"));
    }
    if left > 0 {
        notes.push(format!("{left} left"));
    }
    let count = match current {
        0 if left == 0 => return "no members yet".into(),
        0 => "no members".to_string(),
        1 => "1 member".to_string(),
        n => format!("{n} members"),
    };
    if notes.is_empty() {
        count
    } else {
        format!("{count} ({})", notes.join(", "))
    }
}

impl ClassRow {
    /// The class parties of the current agreement and their members.
    pub fn of(a: &Assessment) -> Vec<ClassRow> {
        let Some(ag) = a.checked.agreement.as_ref() else {
            return Vec::new();
        };
        ag.parties
            .iter()
            .filter(|p| p.class)
            .map(|p| {
                let members: Vec<Member> = a
                    .members
                    .iter()
                    .flat_map(|m| m.of_class(&p.id))
                    .cloned()
                    .collect();
                let current = members.iter().filter(|m| m.current()).count();
                let on_earlier_terms = members
                    .iter()
                    .filter(|m| m.current() && !m.joined_current)
                    .count();
                let left = members.len() - current;
                ClassRow {
                    party: p.id.clone(),
                    name: p.name.clone(),
                    eligibility: p.eligibility.clone().unwrap_or_default(),
                    members,
                    current,
                    on_earlier_terms,
                    left,
                    summary: members_summary(current, on_earlier_terms, left),
                }
            })
            .collect()
    }
}

impl Row {
    pub fn of(a: &Assessment) -> Row {
        let current = a.checked.agreement.as_ref();
        let agreement = a.governing();
        let missing = a.missing_parties();
        // The parties that sign: a class party's members join instead.
        let parties = current.map_or(0, |ag| ag.signing_party_ids().count());
        let in_force = a.in_force();
        let pending = current
            .filter(|_| !a.checked.has_errors())
            .map(|ag| ag.version)
            .filter(|v| in_force != Some(*v));
        Row {
            id: a
                .checked
                .id()
                .unwrap_or_else(|| a.checked.source.display.clone()),
            file: a.checked.source.display.clone(),
            title: agreement.map_or_else(String::new, |ag| ag.title.clone()),
            reference: agreement.and_then(|ag| ag.reference.clone()),
            version: current.map(|ag| ag.version),
            in_force,
            pending,
            versions: versions_summary(in_force, pending, &missing),
            version_label: current.and_then(|ag| ag.version_label.clone()),
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
            signed: a
                .signatures
                .iter()
                .flat_map(|s| s.parties.iter())
                .filter(|p| matches!(p.status, PartyStatus::Signed { .. }))
                .count(),
            accepted: a
                .signatures
                .iter()
                .flat_map(|s| s.parties.iter())
                .filter(|p| !matches!(p.status, PartyStatus::Signed { .. }))
                .filter_map(|p| {
                    a.accepted(&p.party)
                        .map(|acc| format!("{}: {}", p.party, acc.sentence()))
                })
                .collect(),
            acceptances_count: a.acceptances_count,
            parties,
            missing,
            effective: agreement.map(|ag| ag.dates.effective),
            review: a.review_date(),
            last_review: LastReview::of(a),
            expires: agreement.and_then(|ag| ag.dates.expires),
            open_ended: agreement.is_some_and(|ag| ag.dates.open_ended()),
            end_condition: agreement.and_then(|ag| ag.dates.end_condition.clone()),
            review_derived: last_review_absent(a)
                && agreement.is_some_and(|ag| ag.dates.review_derived),
            state: a.state(),
            state_label: a.state().label(),
            days: a.standing.map(|s| s.days),
            next_date: a.standing.map(|s| s.next_date),
            next: a.standing.map(|s| s.next.field()),
            classes: ClassRow::of(a),
            date_findings: a.date_findings.clone(),
        }
    }
}

/// Whether no signed review sets the review date (so the agreement's own date applies).
fn last_review_absent(a: &Assessment) -> bool {
    a.last_review().is_none()
}

/// "v1 in force; v2 awaiting a, b", "v2 in force", "v1 awaiting a": the versions of an
/// agreement in a few words (empty when it does not validate).
pub fn versions_summary(in_force: Option<u32>, pending: Option<u32>, missing: &[String]) -> String {
    let awaiting = |v: u32| {
        if missing.is_empty() {
            format!("v{v} awaiting signatures")
        } else {
            format!("v{v} awaiting {}", missing.join(", "))
        }
    };
    match (in_force, pending) {
        (Some(f), Some(p)) => format!("v{f} in force; {}", awaiting(p)),
        (Some(f), None) => format!("v{f} in force"),
        (None, Some(p)) => format!("nothing in force; {}", awaiting(p)),
        (None, None) => String::new(),
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
        Some(LastReview {
            reviewed_on: r.reviewed_on,
            outcome: r.outcome.clone(),
            next_review: r.next_review,
            signers: r.signers.iter().map(|s| s.party.clone()).collect(),
            signer_names: r.signers.iter().map(|s| a.party_name(&s.party)).collect(),
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
