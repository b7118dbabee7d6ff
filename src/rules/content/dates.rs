//! Rules on the agreement's dates: their order, the longest term and the longest review
//! interval (both workspace limits in datapact.toml).

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use chrono::{Datelike, NaiveDate};

pub static DATE_ORDER: ContentRule = ContentRule {
    rule: Rule {
        code: "DP130",
        name: "date-order",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "It guards the tool's integrity: an agreement's state (in force, review due, expired) is derived from these dates, and dates out of order give it no meaning.",
        applies: "always",
        summary: "The dates are out of order: `effective <= review <= expires` must hold, and `approved` (when this version was approved) must not be after `effective` for version 1, nor after `expires` for a later version, which may be approved after the agreement took effect. An open-ended term (`end_condition`, no `expires`) has no end date to order.",
        hint: "dates must run approved <= effective <= review <= expires; from version 2, approved may follow effective but not expires",
        source: "Policy, \"Policy review\": \"approved on ... and is due for review in ...\"; NHS England DARS.",
    },
    check: date_order,
};

fn date_order(cx: &mut Cx<'_>) {
    let a = cx.a;
    let d = &a.dates;
    // Version 1 is approved before sharing starts; a later version (an amendment, a
    // correction, a renewal) may be approved while the agreement is in force, but not after it
    // has ended.
    if a.version <= 1 {
        if d.effective < d.approved {
            cx.report(
                &DATE_ORDER,
                &at(&["dates", "effective"]),
                format!(
                    "dates.effective ({}) is before dates.approved ({}); version 1 must be approved before it takes effect",
                    d.effective, d.approved
                ),
            );
        }
    } else if let Some(expires) = d.expires.filter(|&e| e < d.approved) {
        cx.report_with_hint(
            &DATE_ORDER,
            &at(&["dates", "approved"]),
            format!(
                "dates.approved ({}) is after dates.expires ({}); version {} cannot be approved after the agreement has ended",
                d.approved, expires, a.version
            ),
            "correct the approval date, or renew the agreement with new dates (`datapact bump ID --type renewal`)",
        );
    }
    // An open-ended term has no end date to order; a derived review date follows `effective`.
    for (earlier, later, e_name, l_name) in [
        (Some(d.effective), Some(d.review), "effective", "review"),
        (Some(d.review), d.expires, "review", "expires"),
    ] {
        let (Some(earlier), Some(later)) = (earlier, later) else {
            continue;
        };
        if later < earlier {
            cx.report(
                &DATE_ORDER,
                &at(&["dates", l_name]),
                format!("dates.{l_name} ({later}) is before dates.{e_name} ({earlier})"),
            );
        }
    }
}

pub static TERM_TOO_LONG: ContentRule = ContentRule {
    rule: Rule {
        code: "DP131",
        name: "term-too-long",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        standing: "A maximum term is NHS England DARS practice; the law sets none and allows open-ended terms. A workspace sets its own limit in `[limits] max_term_months` (at most 60), and under a regime with no maximum term a workspace may switch the rule off.",
        configurable: true,
        applies: "to a term with an end date (`expires`); not to an open-ended term (`end_condition`)",
        summary: "The term from `effective` to `expires` is longer than `[limits] max_term_months` (default 36, at most 60; part months count as whole months).",
        hint: "set an earlier expiry date, or raise [limits] max_term_months in datapact.toml (at most 60) if your regime allows it",
        source: "NHS England DARS maximum terms (3 years; 5 for research archiving); Ireland DSGA 2019 s.20.",
    },
    check: term_too_long,
};

fn term_too_long(cx: &mut Cx<'_>) {
    let d = &cx.a.dates;
    // An open-ended term ends on its condition, not on a date: there is no length to limit.
    let Some(expires) = d.expires else {
        return;
    };
    let max_term = i64::from(cx.limits.max_term_months);
    let term = months_between(d.effective, expires);
    if term > max_term {
        cx.report(
            &TERM_TOO_LONG,
            &at(&["dates", "expires"]),
            format!("the term from {} to {} is about {term} months, longer than the workspace maximum of {max_term}", d.effective, expires),
        );
    }
}

pub static TERM_TWO_WAYS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP137",
        name: "term-end-twice",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        standing: "It guards the tool's integrity: whether the term ends on a date or on a condition decides whether the agreement can expire, and two answers leave its state undecided.",
        configurable: false,
        applies: "always",
        summary: "`[dates]` gives both `expires` (the term ends on a date) and `end_condition` (an open-ended term, which ends on a condition): exactly one of the two states how the term ends.",
        hint: "keep `expires` for a term with an end date, or `end_condition` for an open-ended term, and remove the other",
        source: "docs/format.md: the term is either fixed (NHS England DARS) or open-ended until terminated (published agreements: \"until terminated by either party on 3 months' notice\").",
    },
    check: term_two_ways,
};

fn term_two_ways(cx: &mut Cx<'_>) {
    let d = &cx.a.dates;
    if let (Some(expires), Some(_)) = (d.expires, &d.end_condition) {
        cx.report(
            &TERM_TWO_WAYS,
            &at(&["dates", "end_condition"]),
            format!("dates gives both `expires` ({expires}) and `end_condition`; a term ends either on a date or on a condition, not both"),
        );
    }
}

pub static REVIEW_INTERVAL_TOO_LONG: ContentRule = ContentRule {
    rule: Rule {
        code: "DP132",
        name: "review-interval-too-long",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        standing: "UK GDPR Art 24(1) requires the controllers' measures, this agreement among them, to be reviewed and updated where necessary, and the ICO data sharing code asks for regular review. How often is the workspace's choice in `[limits] max_review_interval_months` (at most 60, the five years of Ireland's DSGA 2019 s.20(1)), and an agreement that needs longer says why in `review_interval_reason`, so switching the rule off would only leave no limit at all.",
        configurable: false,
        applies: "always",
        summary: "`review_interval_months` is longer than `[limits] max_review_interval_months` (default 24, at most 60) and the agreement gives no `review_interval_reason` (a non-empty reason, such as a statutory interval, allows a longer interval for that agreement), or the `review` date is further than the interval from the later of `effective` and `approved` (so a version approved after the agreement took effect may set its review within the interval from its approval).",
        hint: "shorten the interval, give `review_interval_reason = \"...\"` in [dates] saying why this agreement needs it, or raise [limits] max_review_interval_months in datapact.toml (at most 60)",
        source: "Policy: approved April 2026, \"due for review in April 2028\" (2 years); DARS (3 years); Ireland DSGA 2019 s.20 (5 years).",
    },
    check: review_interval_too_long,
};

fn review_interval_too_long(cx: &mut Cx<'_>) {
    let d = &cx.a.dates;
    let max_review = cx.limits.max_review_interval_months;
    if d.review_interval_months > max_review && d.review_interval_reason.is_none() {
        cx.report(
            &REVIEW_INTERVAL_TOO_LONG,
            &at(&["dates", "review_interval_months"]),
            format!("the review interval of {} months is longer than the workspace maximum of {max_review}, and no `review_interval_reason` says why this agreement needs it", d.review_interval_months),
        );
    } else if !d.review_derived {
        // Measured from the later of the two: a version approved after the agreement took
        // effect (an amendment) starts its review interval when it is approved.
        let (from, what) = if d.approved > d.effective {
            (d.approved, "approval")
        } else {
            (d.effective, "effective")
        };
        if months_between(from, d.review) > i64::from(d.review_interval_months) {
            cx.report_with_hint(
                &REVIEW_INTERVAL_TOO_LONG,
                &at(&["dates", "review"]),
                format!(
                    "the review date {} is more than {} months after the {what} date {from}",
                    d.review, d.review_interval_months
                ),
                "bring the review date forward to within the review interval",
            );
        }
    }
}

/// Whole months from `a` to `b` (partial months round up: any extra day counts).
fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let mut months =
        (b.year() as i64 - a.year() as i64) * 12 + (b.month() as i64 - a.month() as i64);
    if b.day() > a.day() {
        months += 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_between_counts_partial_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(months_between(d(2026, 4, 1), d(2029, 4, 1)), 36);
        assert_eq!(months_between(d(2026, 4, 1), d(2029, 4, 2)), 37);
        assert_eq!(months_between(d(2026, 4, 1), d(2029, 3, 31)), 36);
    }
}
