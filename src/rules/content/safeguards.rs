//! Rules on the safeguards around the sharing: the DPIA, incident reporting, onward sharing and
//! transfers outside the UK.

use super::{ContentRule, Cx, at};
use crate::agreement::locate::Path;
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::terms;

pub static DPIA_DETAILS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP115",
        name: "dpia-details",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "The ICO code and the NHS Essex policy ask the agreement to record the DPIA's reference and outcome, or why none is needed; the law (UK GDPR Art 35) puts the DPIA on each controller, not on the agreement, so a workspace recording agreements that do not give them may relax it.",
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
    let read = ["dpia", "dpia_reference", "dpia_outcome", "no_dpia_reason"];
    if !cx.decided(&read.map(|k| at(&["risk", k]))) {
        return;
    }
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
        standing: "Only the NHS Essex policy requires it: the law (UK GDPR Art 35) puts the DPIA on each controller, not on the agreement, so a workspace under another policy may relax it.",
        applies: "when the agreement follows the NHS Essex policy (`nhs-essex`, the default)",
        summary: "`risk.dpia = \"not-stated\"` under the NHS Essex policy. The value lets an agreement written from a published text that says nothing about a DPIA be recorded truthfully; an agreement made under the NHS Essex policy must say whether the risks were assessed.",
        hint: "say whether a DPIA was carried out (`completed`, with its reference and outcome) or why none is needed (`not-required`, with `no_dpia_reason`)",
        source: "Policy, \"Deciding when to share information\": staff check \"what the possible risks are\". UK GDPR Art 35.",
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
        standing: "The law makes it mandatory: UK GDPR Art 33(1) gives the controller 72 hours to tell the ICO of a breach, and a timescale for telling the partners that is longer than that (or 0) cannot serve it. Whether the hours must be stated at all follows the agreement's policy: under one other than NHS Essex they may be left to the procedure, and this rule then has nothing to check.",
        configurable: false,
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
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "NHS England DARS asks for the conditions, and Ireland's DSGA 2019 s.19(1)(j) for Irish public bodies; UK law asks for them only where a processor engages another (UK GDPR Art 28(2) and (4)), so a workspace outside those regimes may relax it.",
        applies: "when `onward_sharing.permitted = true`",
        summary: "`onward_sharing.permitted = true` without `conditions`.",
        hint: "add onward_sharing.conditions",
        source: "NHS England DARS standards; UK GDPR Art 28(2) and (4); Ireland DSGA 2019 s.19.",
    },
    check: onward_sharing_conditions,
};

fn onward_sharing_conditions(cx: &mut Cx<'_>) {
    let onward = &cx.a.onward_sharing;
    if onward.permitted
        && onward.conditions.is_none()
        && cx.decided(&[
            at(&["onward_sharing", "permitted"]),
            at(&["onward_sharing", "conditions"]),
        ])
    {
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
        standing: "The law makes it mandatory: UK GDPR Chapter V (Art 44-49) allows a transfer outside the UK only under adequacy regulations, an Art 46 safeguard or an Art 49 derogation, which the agreement must name.",
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
    let read = |p: Path| [p.k("outside_uk"), p.k("outside_eea"), p.k("safeguards")];
    if transfer.outside_uk && transfer.safeguards.is_none() && cx.decided(&read(at(&["transfer"])))
    {
        cx.report_with_hint(
            &INTERNATIONAL_TRANSFER,
            &at(&["transfer", key]),
            format!("data leaves {area} but no transfer safeguard is stated"),
            format!("add transfer.safeguards ({instruments})"),
        );
    }
    for (i, p) in cx.a.processors.iter().enumerate() {
        if p.outside_uk && p.safeguards.is_none() && cx.decided(&read(at(&["processors"]).i(i))) {
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

pub static DPIA_LIKELY_REQUIRED: ContentRule = ContentRule {
    rule: Rule {
        code: "DP152",
        name: "dpia-likely-required",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (whether the sharing is on a large scale is not in the file) and can be wrong about a small sharing: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "when `risk.dpia = \"not-required\"` and identifiable or pseudonymised special category or criminal offence data is shared",
        summary: "The agreement says no DPIA is required, yet it shares special category or criminal offence data that is not anonymised. UK GDPR Art 35(3)(b) requires a DPIA for such data processed on a large scale, and the ICO lists matching or combining datasets from different sources, which a data-sharing agreement usually does, as likely to be high risk. A small-scale sharing may truly need none: then say why in the agreement.",
        hint: "carry out a DPIA (`dpia = \"completed\"` with its reference and outcome), or, if the sharing is not on a large scale and not otherwise high risk, acknowledge it with an [[acknowledgements]] entry naming the rule and saying why",
        source: "UK GDPR Art 35(1) and (3)(b); ICO, \"Examples of processing likely to result in high risk\" (data matching, large-scale special category data); ICO Data Sharing Code, \"Data protection impact assessments\".",
    },
    check: dpia_likely_required,
};

fn dpia_likely_required(cx: &mut Cx<'_>) {
    let f = cx.facts;
    let sensitive = !f.special.is_empty() || f.criminal_offence;
    if cx.a.risk.dpia.is(terms::DPIA_NOT_REQUIRED) && f.identifiable && sensitive {
        let what = if f.special.is_empty() {
            "criminal offence data".to_string()
        } else {
            let labels: Vec<String> = f.special.iter().map(|c| c.label.to_lowercase()).collect();
            format!("special category data ({})", labels.join(", "))
        };
        cx.judge(
            &DPIA_LIKELY_REQUIRED,
            &at(&["risk", "dpia"]),
            None,
            format!(
                "no DPIA is said to be required, but {} {what} is shared; a DPIA is required when such data is processed on a large scale (UK GDPR Art 35(3)(b))",
                cx.a.data.identifiability.label.to_lowercase()
            ),
        );
    }
}

pub static RETENTION_WITHOUT_PERIOD: ContentRule = ContentRule {
    rule: Rule {
        code: "DP153",
        name: "retention-without-period",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of open-ended retention phrases) and can be wrong about a period kept for ever lawfully (archiving, UK GDPR Art 89): authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to every retention rule's `period`",
        summary: "A retention period sets no period and no criteria a reader could check: \"indefinitely\", \"permanently\", \"as long as needed\", \"TBC\" (see \"Retention without a period\" under \"Acknowledgements and word lists\" at the end of docs/rules.md). Storage limitation needs a period, or the event and the time after it that end the keeping.",
        hint: "state the period or its criteria (\"8 years after the last contact\", \"until the person's 25th birthday\"), or, where keeping for ever is lawful (archiving in the public interest, UK GDPR Art 89), acknowledge it with an [[acknowledgements]] entry naming the rule and the party, and saying why",
        source: "UK GDPR Art 5(1)(e) and Art 13(2)(a); ICO, \"Principle (e): storage limitation\"; NHS England, Records Management Code of Practice 2023 (retention schedules).",
    },
    check: retention_without_period,
};

fn retention_without_period(cx: &mut Cx<'_>) {
    let list = crate::judgement::open_ended_retention();
    for (i, rule) in cx.a.retention.iter().enumerate() {
        if let Some(word) = list.find(&rule.period) {
            cx.judge(
                &RETENTION_WITHOUT_PERIOD,
                &at(&["retention", "rules"]).i(i).k("period"),
                Some(&rule.party),
                format!(
                    "the retention period for {} sets no period (\"{word}\")",
                    rule.party
                ),
            );
        }
    }
}

pub static PROCESSOR_OUTSIDE_UK: ContentRule = ContentRule {
    rule: Rule {
        code: "DP154",
        name: "processor-outside-uk",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of places outside the UK) and can be wrong about a location: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to every `[[processors]]` entry with `outside_uk = false`, under UK law (not under `agreement.jurisdiction = \"ireland\"`)",
        summary: "A processor's `location` names a country or cloud region outside the UK (see \"Places outside the UK\" under \"Acknowledgements and word lists\" at the end of docs/rules.md) while its `outside_uk` is false, so the transfer safeguard rule (DP119) does not see it.",
        hint: "set `outside_uk = true` and give the Chapter V `safeguards`, or, if the data stays in the UK (a UK region of that provider), say so in `location` or acknowledge it with an [[acknowledgements]] entry naming the rule and the processor, and saying why",
        source: "UK GDPR Chapter V (Art 44-49); ICO, \"International transfers\"; ICO Data Sharing Code (\"international transfers\").",
    },
    check: processor_outside_uk,
};

fn processor_outside_uk(cx: &mut Cx<'_>) {
    // The list names places outside the UK, many of them inside the EEA: it judges UK law only.
    if cx.a.jurisdiction != crate::vocab::Jurisdiction::Uk {
        return;
    }
    let list = crate::judgement::places_outside_uk();
    for (i, p) in cx.a.processors.iter().enumerate() {
        if p.outside_uk {
            continue;
        }
        if let Some(word) = list.find(&p.location) {
            cx.judge(
                &PROCESSOR_OUTSIDE_UK,
                &at(&["processors"]).i(i).k("location"),
                Some(&p.name),
                format!(
                    "processor {} is located in \"{}\" (\"{word}\"), outside the UK, but `outside_uk` is false",
                    p.name, p.location
                ),
            );
        }
    }
}
