//! Catalogue entries for review and expiry dates against today (DP3xx), reported by
//! `lifecycle.rs`, and for the dates of signatures against the dates they sign (DP308-DP310).

use crate::diagnostics::{Family, Rule, Severity};

pub static REVIEW_DUE: Rule = Rule {
    code: "DP301",
    name: "review-due",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    unreadable: false,
    acknowledgeable: false,
    standing: "The notice before a review is WEISF practice, not the law: a workspace may change its severity or switch it off, and sets the notice in `[windows] review_notice_days`.",
    configurable: true,
    applies: "to signed agreements",
    summary: "The review date is within `review_notice_days` (default 90) of today.",
    hint: "review the agreement with the parties and record the review with `datapact review ID --party ORG --key KEYFILE --outcome TEXT --next-review DATE` (nothing is signed again when nothing changes); if the review finds changes, edit the agreement, `datapact bump` its version and have every party sign it",
    source: "WEISF: the lead organisation is told 3 months before the review date; Policy, \"Policy review\": \"due for review in ...\".",
};

pub static REVIEW_OVERDUE: Rule = Rule {
    code: "DP302",
    name: "review-overdue",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    unreadable: false,
    acknowledgeable: false,
    standing: "How an overdue review is reported is local practice (WEISF); a workspace may change its severity or switch it off.",
    configurable: true,
    applies: "to signed agreements",
    summary: "The review date has passed, within `review_grace_days` (default 90).",
    hint: "review the agreement now and record the review with `datapact review ID --party ORG --key KEYFILE --outcome TEXT --next-review DATE`; if the review finds changes, edit the agreement, `datapact bump` its version and have every party sign it",
    source: "Policy review dates; WEISF register practice.",
};

pub static REVIEW_OVERDUE_PAST_GRACE: Rule = Rule {
    code: "DP303",
    name: "review-overdue-past-grace",
    family: Family::Expiry,
    default_severity: Severity::Error,
    unreadable: false,
    acknowledgeable: false,
    standing: "Treating a long-overdue review as an error is WEISF practice (it removes such agreements from its register); the law sets no such date, so a workspace may relax it, or set `[windows] review_grace_days`.",
    configurable: true,
    applies: "to signed agreements",
    summary: "The review date passed more than `review_grace_days` ago.",
    hint: "review the agreement now and record the review with `datapact review ID --party ORG --key KEYFILE --outcome TEXT --next-review DATE`, or stop the sharing; it no longer belongs on the register",
    source: "WEISF: an agreement more than 3 months past its review date is removed from the register.",
};

pub static EXPIRING: Rule = Rule {
    code: "DP304",
    name: "expiring",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    unreadable: false,
    acknowledgeable: false,
    standing: "Reminders before expiry are NHS England DARS practice, not the law: a workspace may change its severity or switch it off, and sets the window in `[windows] expiry_notice_days`.",
    configurable: true,
    applies: "to signed agreements",
    summary: "The expiry date is within `expiry_notice_days` (default 90) of today (reported even while a review is overdue).",
    hint: "renew the agreement (new version with new dates, signed by every party) or plan for the sharing to stop",
    source: "NHS England DARS: expiry reminders before the end of the term.",
};

pub static EXPIRED: Rule = Rule {
    code: "DP305",
    name: "expired",
    family: Family::Expiry,
    default_severity: Severity::Error,
    unreadable: false,
    acknowledgeable: false,
    standing: "That sharing ends with the term is NHS England DARS practice; UK law sets no term and allows open-ended ones, so a workspace may make it a warning or switch it off.",
    configurable: true,
    applies: "to every agreement, signed or not",
    summary: "Today is after the expiry date (the expiry date is the last day in force).",
    hint: "renew it as a new version signed by every party, or move it out of agreements/ to an archive",
    source: "NHS England DARS; Ireland DSGA 2019 s.19: sharing under an agreement ends with its term.",
};

pub static NOT_FULLY_SIGNED: Rule = Rule {
    code: "DP306",
    name: "not-fully-signed",
    family: Family::Expiry,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It is asked for on the command line (`check --require-signed`), and a setting must not silently undo the flag; every party's sign-off is what puts an agreement in force (ICO code, DARS).",
    applies: "with `check --require-signed`, to agreements with no version in force",
    summary: "With `check --require-signed`: no version is fully signed, neither the current one nor an earlier one in the history of the current branch (a later version awaiting signatures while an earlier one is in force is not this finding: `status` shows it).",
    hint: "each missing party signs with `datapact sign ID --party ORG --key KEYFILE`",
    source: "ICO Data Sharing Code (senior sign-off by each organisation); DARS: \"all named parties must sign before it takes effect\".",
};

pub static NOT_IN_FORCE: Rule = Rule {
    code: "DP307",
    name: "not-in-force",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "It reports a calendar fact (the effective date has passed with nothing signed), which it is for local practice to weigh; a workspace may change its severity or switch it off.",
    applies: "to agreements past their effective date with no version fully signed",
    summary: "Today is on or after the `effective` date, but no version of the agreement is fully signed (neither the current one nor, in the history of the current branch, an earlier one): nothing is in force, so nothing may be shared under it.",
    hint: "each missing party signs with `datapact sign ID --party ORG --key KEYFILE`; until then, no data may be shared under this agreement",
    source: "DARS: \"all named parties must sign before it takes effect\"; ICO Data Sharing Code (senior sign-off by each organisation).",
};

pub static RETROSPECTIVE_APPROVAL: Rule = Rule {
    code: "DP308",
    name: "retrospective-approval",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "When approval after the effective date matters is local practice (DARS expects every party to sign before sharing starts); a workspace may change its severity, switch it off, or set `[windows] retrospective_approval_days`.",
    applies: "to the version in force, while it is in force and has no complete signed review made after its last signature",
    summary: "The version in force was fully signed (the day of its last signature, or of a counted acceptance, in the workspace time zone) more than `[windows] retrospective_approval_days` (default 0) after its `effective` date: it was approved retrospectively, and any sharing between the effective date and that day had no agreement behind it. The warning is about the past, so it is not answered by `[[acknowledgements]]` (which answer content rules only): it is a configurable warning. It ends when a later version, signed in time, comes into force, or when the parties record a review of this version after its last signature (`datapact review`, whose outcome can say what was found: that nothing was shared before the signatures, say). A workspace whose effective dates are nominal can raise the threshold or set `DP308 = \"off\"` in `[rules]`.",
    hint: "find out whether data was shared before every party had signed, and record the answer: `datapact review ID --party ORG --key KEYFILE --outcome TEXT --next-review DATE` (a review made after the last signature answers this warning); next time, sign before the effective date or set the effective date to the day the last party signs",
    source: "DARS: \"all named parties must sign before it takes effect\"; ICO Data Sharing Code (agree the arrangement before sharing starts).",
};

pub static DRAFT_PAST_REVIEW: Rule = Rule {
    code: "DP309",
    name: "draft-past-review-date",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "A draft past its review date is a reminder of local practice, not a legal breach; a workspace may change its severity or switch it off.",
    applies: "to a version not fully signed: a draft with nothing in force, or the version pending while an earlier one is in force (not once it has expired)",
    summary: "Today is after the review date (`dates.review`, or the one derived from `review_interval_months`) of a version that is still awaiting signatures: its terms were due for review before anyone finished signing them.",
    hint: "review the draft with the parties before it is signed: update its terms and dates (a new `review` date), then have every party sign it with `datapact sign ID --party ORG --key KEYFILE`",
    source: "Policy review dates; WEISF register practice (an agreement is reviewed by its review date).",
};

pub static PENDING_PAST_EFFECTIVE: Rule = Rule {
    code: "DP310",
    name: "pending-version-past-effective-date",
    family: Family::Expiry,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "Nothing may be shared under terms not yet agreed, but which version governs meanwhile is already derived; the warning is a reminder, and a workspace may change its severity or switch it off.",
    applies: "to the current version while it awaits signatures and an earlier version is in force",
    summary: "Today is on or after the current version's own `effective` date, but it is not fully signed while an earlier version is in force: the earlier version's terms still govern, and nothing may be shared under the current version's new terms until every party has signed it (DP307 is the same situation with nothing in force).",
    hint: "each missing party signs with `datapact sign ID --party ORG --key KEYFILE`; until then, share only under the terms of the version in force",
    source: "DARS: \"all named parties must sign before it takes effect\"; ICO Data Sharing Code (senior sign-off by each organisation).",
};

/// The expiry rules, in code order.
pub static RULES: &[&Rule] = &[
    &REVIEW_DUE,
    &REVIEW_OVERDUE,
    &REVIEW_OVERDUE_PAST_GRACE,
    &EXPIRING,
    &EXPIRED,
    &NOT_FULLY_SIGNED,
    &NOT_IN_FORCE,
    &RETROSPECTIVE_APPROVAL,
    &DRAFT_PAST_REVIEW,
    &PENDING_PAST_EFFECTIVE,
];
