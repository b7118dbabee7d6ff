//! Content rules (DP1xx): consistency between clauses and the requirements of the policy and the
//! law that span more than one field. Each rule is one function beside its catalogue entry, in
//! the file of the clause it guards; [`CONTENT`] lists them and validation runs them in order on
//! a structurally complete agreement.
//!
//! Adding a rule: write its entry and its function in the file of its clause, add one line to
//! [`CONTENT`], and regenerate docs/rules.md (`datapact rules --markdown > docs/rules.md`).

mod changes;
mod consent;
mod data;
mod dates;
mod lawful_basis;
mod parties;
mod research;
mod safeguards;
mod substance;

pub use changes::*;
pub use consent::*;
pub use data::*;
pub use dates::*;
pub use lawful_basis::*;
pub use parties::*;
pub use research::*;
pub use safeguards::*;
pub use substance::*;

use crate::agreement::locate::{Locator, Path, Undecided};
use crate::agreement::model::{Acknowledgement, Agreement, Facts};
use crate::config::{Config, Limits};
use crate::diagnostics::{Finding, Position, Rule, Scope, Severity};
use crate::policy::Policy;

/// A content rule: its catalogue entry and the function that checks it.
#[derive(Debug)]
pub struct ContentRule {
    pub rule: Rule,
    pub check: fn(&mut Cx<'_>),
}

impl std::ops::Deref for ContentRule {
    type Target = Rule;
    fn deref(&self) -> &Rule {
        &self.rule
    }
}

/// Every content rule, in the order they run (findings are sorted by position afterwards).
pub static CONTENT: &[&ContentRule] = &[
    &TOO_FEW_PARTIES,
    &DUPLICATE_PARTY,
    &UNKNOWN_PARTY,
    &PROCESSOR_ACTING_FOR,
    &ICO_REGISTRATION_TWO_WAYS,
    &CALDICOTT_GUARDIAN,
    &RETENTION_PARTY,
    &SPECIAL_CATEGORY_NEEDS_ART9,
    &ART9_NEEDS_SCHEDULE1,
    &UNUSED_ART9,
    &CRIMINAL_OFFENCE_DATA,
    &POLICY_DOCUMENT,
    &CRIMINAL_OFFENCE_CONDITIONS,
    &PUBLIC_AUTHORITY_LEGITIMATE_INTERESTS,
    &RECOGNISED_INTEREST_CONDITION,
    &S251_REFERENCE,
    &CONSENT_EXCEPTION,
    &CONSENT_CONSISTENCY,
    &IMPLIED_CONSENT_DIRECT_CARE,
    &IMPLIED_CONSENT_NOT_SOUGHT,
    &CONFIDENTIALITY_NOT_APPLICABLE,
    &CONFIDENTIALITY_BASIS,
    &CALDICOTT_DUTY_TO_SHARE,
    &NATIONAL_DATA_OPT_OUT,
    &WHY_NOT_ANONYMISED,
    &LIKELY_SPECIAL_CATEGORY,
    &LIKELY_CRIMINAL_OFFENCE_DATA,
    &IDENTIFIERS_IN_DEIDENTIFIED_DATA,
    &RESEARCH_LEGAL_BASIS,
    &RESEARCH_SECTION,
    &RESEARCH_NEEDS_ART9J,
    &DPIA_DETAILS,
    &DPIA_STATED,
    &DPIA_LIKELY_REQUIRED,
    &INCIDENT_TIMESCALE,
    &ONWARD_SHARING_CONDITIONS,
    &INTERNATIONAL_TRANSFER,
    &PROCESSOR_OUTSIDE_UK,
    &RETENTION_WITHOUT_PERIOD,
    &DATE_ORDER,
    &TERM_TOO_LONG,
    &TERM_TWO_WAYS,
    &REVIEW_INTERVAL_TOO_LONG,
    &CHANGES_SEQUENCE,
    &EMPTY_JUSTIFICATION,
    &UNRESTRICTED_ACCESS,
    &UNSAFE_PRACTICE,
    &NOT_ANONYMISED_REASON,
    // Last: it reports acknowledgements that no rule above used.
    &ACKNOWLEDGEMENT_UNUSED,
];

/// The conditional requirements: content rules that ask for a key only under a condition
/// (`consent.sought = false` needs the exception, `health_or_care = true` a Caldicott
/// Guardian...). They also run when the structure has errors, on what could be read, so a new
/// agreement's missing keys are all reported in its first run; each reports only when every
/// value it reads was decided ([`Cx::decided`]).
pub static CONDITIONAL: &[&ContentRule] = &[
    &CALDICOTT_GUARDIAN,
    &SPECIAL_CATEGORY_NEEDS_ART9,
    &RECOGNISED_INTEREST_CONDITION,
    &S251_REFERENCE,
    &CONSENT_EXCEPTION,
    &WHY_NOT_ANONYMISED,
    &DPIA_DETAILS,
    &ONWARD_SHARING_CONDITIONS,
    &INTERNATIONAL_TRANSFER,
    &NOT_ANONYMISED_REASON,
];

/// What a content rule sees: the agreement, its derived facts, the workspace limits and policy, and where
/// each value is in the file. It collects the findings.
pub struct Cx<'a> {
    pub a: &'a Agreement,
    pub facts: &'a Facts,
    pub limits: &'a Limits,
    /// The workspace's information sharing policy (`[policy]`).
    pub policy: &'a Policy,
    at: Locator<'a>,
    file: &'a str,
    findings: Vec<Finding>,
    /// Which of the agreement's `[[acknowledgements]]` answered a finding.
    used: Vec<bool>,
    /// The first entry with each key ([`Acknowledgement::key`]), so each finding is matched in
    /// constant time however many entries there are.
    answers: std::collections::HashMap<(&'static str, Option<String>), usize>,
    /// The values the structural stage could not read (`None` for a complete agreement).
    undecided: Option<&'a Undecided>,
    /// The rule whose function runs: a function reports only its own rule's findings.
    running: Option<&'static ContentRule>,
}

impl Cx<'_> {
    /// Whether every value at `paths` was read as written: none of them (nor a part of one, nor
    /// the table holding one) had a blocking structural finding. Always true for a structurally
    /// complete agreement; the rules of [`CONDITIONAL`] ask it before reporting on a partial one.
    pub fn decided(&self, paths: &[Path]) -> bool {
        !paths
            .iter()
            .any(|p| self.undecided.is_some_and(|u| u.concerns(p)))
    }

    /// Where the value at `path` is (or the nearest enclosing part, when it is absent).
    pub fn pos(&self, path: &Path) -> Position {
        self.at.pos(path)
    }

    /// Reports a finding of `rule` at `path`, with the rule's own hint.
    pub fn report(&mut self, rule: &'static ContentRule, path: &Path, message: impl Into<String>) {
        self.report_with_hint(rule, path, message, rule.rule.hint);
    }

    /// Reports a finding of an acknowledgeable (judgement) rule about `item` (what the finding
    /// names, such as a data item; `None` for the agreement as a whole), unless an
    /// `[[acknowledgements]]` entry answers it. The rule's hint says how to acknowledge it; the
    /// finding's adds the entry's `rule` and `item` for this finding.
    pub fn judge(
        &mut self,
        rule: &'static ContentRule,
        path: &Path,
        item: Option<&str>,
        message: impl Into<String>,
    ) {
        debug_assert!(rule.acknowledgeable, "{} is not acknowledgeable", rule.code);
        let answered = self
            .answers
            .get(&Acknowledgement::key_of(rule.code, item))
            .copied();
        match answered {
            Some(i) => self.used[i] = true,
            None => {
                let item = item.map_or(String::new(), |i| format!(", item = {i:?}"));
                let hint = format!("{} (here: rule = \"{}\"{item})", rule.hint, rule.code);
                self.report_with_hint(rule, path, message, hint);
            }
        }
    }

    /// Reports a finding of `rule` at `path`, with advice particular to this finding.
    pub fn report_with_hint(
        &mut self,
        rule: &'static ContentRule,
        path: &Path,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        debug_assert!(
            self.running.is_none_or(|r| std::ptr::eq(r, rule)),
            "{} reported a finding of {}",
            self.running.map_or("", |r| r.code),
            rule.code
        );
        let pos = self.pos(path);
        self.findings
            .push(Finding::new(&rule.rule, self.file, pos, message, hint));
    }
}

/// Runs the content rules; `at` locates values in the file `file` the agreement was read from.
/// `undecided` is `None` for a structurally complete agreement (every rule runs), else the
/// values structure could not read, and only the [`CONDITIONAL`] rules run, on the agreement
/// built from what could be. With [`Scope::Errors`] only the rules that can give an error in
/// this workspace ([`can_give_error`]) run.
pub fn run(
    a: &Agreement,
    config: &Config,
    policy: &Policy,
    scope: Scope,
    at: Locator<'_>,
    file: &str,
    undecided: Option<&Undecided>,
) -> Vec<Finding> {
    let rules = match undecided {
        None => CONTENT,
        Some(_) => CONDITIONAL,
    };
    let facts = a.facts();
    let mut cx = Cx {
        a,
        facts: &facts,
        limits: &config.limits,
        policy,
        at,
        file,
        findings: Vec::new(),
        used: vec![false; a.acknowledgements.len()],
        answers: std::collections::HashMap::new(),
        undecided,
        running: None,
    };
    for (i, ack) in a.acknowledgements.iter().enumerate() {
        cx.answers.entry(ack.key()).or_insert(i);
    }
    for rule in rules {
        if scope == Scope::Errors && !can_give_error(rule, config) {
            continue;
        }
        cx.running = Some(rule);
        (rule.check)(&mut cx);
    }
    cx.findings
}

/// Whether running `rule` can give an error in a workspace of `config`: its own findings are
/// errors there, or it is a judgement whose use of an acknowledgement decides an error of
/// [`ACKNOWLEDGEMENT_UNUSED`] (an entry answering nothing). A rule's function reports only its
/// own findings (asserted in [`Cx::report_with_hint`]), so a rule not run hides no error.
pub fn can_give_error(rule: &ContentRule, config: &Config) -> bool {
    let error = |r: &Rule| config.severity(r) == Some(Severity::Error);
    error(&rule.rule) || (rule.acknowledgeable && error(&ACKNOWLEDGEMENT_UNUSED.rule))
}

pub static ACKNOWLEDGEMENT_UNUSED: ContentRule = ContentRule {
    rule: Rule {
        code: "DP151",
        name: "acknowledgement-unused",
        family: crate::diagnostics::Family::Content,
        default_severity: crate::diagnostics::Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "A stale acknowledgement misleads a reader but sets nothing aside, and removing it means a new version every party signs again; a workspace may make it an error or switch it off.",
        applies: "to every `[[acknowledgements]]` entry",
        summary: "An acknowledgement answers no finding: the rule it names found nothing about that item (the item was renamed, the text changed, or the entry names the wrong item). A stale acknowledgement would still be shown in the document as if it answered something.",
        hint: "remove the entry, or make its `item` the exact name the finding gives (run `datapact validate` without it to see the finding)",
        source: "Design: acknowledgements are part of the signed text and shown in the document, so each must answer a finding that exists.",
    },
    check: acknowledgement_unused,
};

fn acknowledgement_unused(cx: &mut Cx<'_>) {
    let unused: Vec<usize> = (0..cx.used.len()).filter(|&i| !cx.used[i]).collect();
    for i in unused {
        let ack = &cx.a.acknowledgements[i];
        let message = match &ack.item {
            Some(item) => format!(
                "this acknowledgement of {} ({}) answers no finding: the rule finds nothing about `{}`",
                ack.rule,
                ack.rule_name,
                item.trim()
            ),
            None => format!(
                "this acknowledgement of {} ({}) answers no finding: the rule finds nothing to acknowledge in this agreement",
                ack.rule, ack.rule_name
            ),
        };
        cx.report(
            &ACKNOWLEDGEMENT_UNUSED,
            &Path::keys(&["acknowledgements"]).i(i).k("rule"),
            message,
        );
    }
}

/// A path of table keys, for the rules' positions.
fn at(keys: &[&'static str]) -> Path {
    Path::keys(keys)
}
