//! Rules on the safeguards around the sharing: the DPIA, incident reporting, onward sharing and
//! transfers outside the UK.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::terms;

pub static DPIA_DETAILS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP115",
        name: "dpia-details",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when `risk.dpia` is \"completed\" or \"not-required\"",
        summary: "`risk.dpia = \"completed\"` without `dpia_reference` and `dpia_outcome`, or `\"not-required\"` without `no_dpia_reason`.",
        hint: "record the DPIA's reference and outcome, or the reason none is needed",
        source: "UK GDPR Art 35; ICO Data Sharing Code (a DPIA for high-risk sharing); Policy: staff check \"what the possible risks are\".",
    },
    check: dpia_details,
};

fn dpia_details(cx: &mut Cx<'_>) {
    let risk = &cx.a.risk;
    let path = at(&["risk", "dpia"]);
    if risk.dpia.is(terms::DPIA_COMPLETED)
        && (risk.dpia_reference.is_none() || risk.dpia_outcome.is_none())
    {
        cx.report_with_hint(
            &DPIA_DETAILS,
            &path,
            "the DPIA is marked completed without its reference and outcome",
            "add risk.dpia_reference and risk.dpia_outcome",
        );
    } else if risk.dpia.is(terms::DPIA_NOT_REQUIRED) && risk.no_dpia_reason.is_none() {
        cx.report_with_hint(
            &DPIA_DETAILS,
            &path,
            "no DPIA is done but the reason is not given",
            "add risk.no_dpia_reason explaining the screening outcome",
        );
    }
}

pub static DPIA_STATED: ContentRule = ContentRule {
    rule: Rule {
        code: "DP141",
        name: "dpia-stated",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        applies: "when the agreement follows the NHS Essex policy (`nhs-essex`, the default)",
        summary: "`risk.dpia = \"not-stated\"` under the NHS Essex policy. The value lets an agreement written from a published text that says nothing about a DPIA be recorded truthfully; an agreement made under the NHS Essex policy must say whether the risks were assessed.",
        hint: "say whether a DPIA was carried out (`completed`, with its reference and outcome) or why none is needed (`not-required`, with `no_dpia_reason`)",
        source: "Policy, \"Deciding when to share information\": staff check \"what the possible risks are\". UK GDPR Art 35. Local policy may relax it (configurable): the law puts the duty on each controller, not on the agreement.",
    },
    check: dpia_stated,
};

fn dpia_stated(cx: &mut Cx<'_>) {
    if cx.a.risk.dpia.is(terms::DPIA_NOT_STATED)
        && cx.policy.profile == crate::policy::Profile::NhsEssex
    {
        cx.report(
            &DPIA_STATED,
            &at(&["risk", "dpia"]),
            format!(
                "the agreement does not say whether a DPIA was carried out, which {} requires",
                cx.policy.name
            ),
        );
    }
}

pub static INCIDENT_TIMESCALE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP116",
        name: "incident-timescale",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        configurable: true,
        applies: "always",
        summary: "`incidents.report_within_hours` is 0 or more than 72. (It is required under the NHS Essex policy; under another policy an agreement may leave it out, and its `procedure` says how quickly.)",
        hint: "the controller must tell the ICO of a reportable breach within 72 hours, so partners must hear sooner (24 hours is usual)",
        source: "UK GDPR Art 33 (the controller tells the ICO within 72 hours); Policy, \"Roles and responsibilities\": \"concerns or risks must be reported and managed quickly\".",
    },
    check: incident_timescale,
};

fn incident_timescale(cx: &mut Cx<'_>) {
    let Some(hours) = cx.a.incidents.report_within_hours else {
        return;
    };
    if hours == 0 || hours > 72 {
        cx.report(
            &INCIDENT_TIMESCALE,
            &at(&["incidents", "report_within_hours"]),
            format!(
                "incidents are to be reported within {hours} hours; it must be between 1 and 72"
            ),
        );
    }
}

pub static ONWARD_SHARING_CONDITIONS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP118",
        name: "onward-sharing-conditions",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when `onward_sharing.permitted = true`",
        summary: "`onward_sharing.permitted = true` without `conditions`.",
        hint: "add onward_sharing.conditions",
        source: "NHS England DARS standards; UK GDPR Art 28(2) and (4); Ireland DSGA 2019 s.19.",
    },
    check: onward_sharing_conditions,
};

fn onward_sharing_conditions(cx: &mut Cx<'_>) {
    let onward = &cx.a.onward_sharing;
    if onward.permitted && onward.conditions.is_none() {
        cx.report(
            &ONWARD_SHARING_CONDITIONS,
            &at(&["onward_sharing", "permitted"]),
            "onward sharing is permitted but its conditions are not stated",
        );
    }
}

pub static INTERNATIONAL_TRANSFER: ContentRule = ContentRule {
    rule: Rule {
        code: "DP119",
        name: "international-transfer",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when `transfer.outside_uk = true`, and to each processor with `outside_uk = true` (under `agreement.jurisdiction = \"ireland\"`: `outside_eea`)",
        summary: "`transfer.outside_uk = true`, or a `[[processors]]` entry's `outside_uk = true`, without `safeguards`.",
        hint: "add transfer.safeguards (adequacy regulations, the International Data Transfer Agreement, or another Art 46 safeguard)",
        source: "UK GDPR Chapter V (Art 44-49).",
    },
    check: international_transfer,
};

fn international_transfer(cx: &mut Cx<'_>) {
    let transfer = &cx.a.transfer;
    let j = cx.a.jurisdiction;
    let (key, area) = (j.outside_key(), j.area());
    // The UK's own transfer instruments are named only under UK law.
    let instruments = if j.is_uk() {
        "adequacy regulations, the International Data Transfer Agreement, or another Art 46 safeguard"
    } else {
        "an adequacy decision, the European Commission's standard contractual clauses, or another Art 46 safeguard"
    };
    if transfer.outside_uk && transfer.safeguards.is_none() {
        cx.report_with_hint(
            &INTERNATIONAL_TRANSFER,
            &at(&["transfer", key]),
            format!("data leaves {area} but no transfer safeguard is stated"),
            format!("add transfer.safeguards ({instruments})"),
        );
    }
    for (i, p) in cx.a.processors.iter().enumerate() {
        if p.outside_uk && p.safeguards.is_none() {
            cx.report_with_hint(
                &INTERNATIONAL_TRANSFER,
                &at(&["processors"]).i(i).k(key),
                format!(
                    "processor \"{}\" processes the data outside {area} but no transfer safeguard is stated",
                    p.name
                ),
                format!("add the processor's safeguards ({instruments})"),
            );
        }
    }
}
