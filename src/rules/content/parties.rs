//! Rules on the parties: how many, their ids, who they refer to, a Caldicott Guardian for
//! health and care bodies, a retention rule for each, and the parties each `[[processors]]` entry
//! acts for.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab;

pub static TOO_FEW_PARTIES: ContentRule = ContentRule {
    rule: Rule {
        code: "DP101",
        name: "too-few-parties",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "It guards signing: an agreement is signed by each of its parties, and sharing between organisations needs at least two (ICO data sharing code; UK GDPR Art 26).",
        applies: "always",
        summary: "The agreement names fewer than two parties.",
        hint: "add a [[parties]] table for each organisation that shares or receives the data",
        source: "ICO Data Sharing Code: sharing is between organisations; UK GDPR Art 26.",
    },
    check: too_few_parties,
};

fn too_few_parties(cx: &mut Cx<'_>) {
    let n = cx.a.parties.len();
    if n < 2 {
        cx.report(
            &TOO_FEW_PARTIES,
            &at(&["parties"]),
            format!(
                "the agreement names {n} part{}; an agreement needs at least two",
                if n == 1 { "y" } else { "ies" }
            ),
        );
    }
}

pub static DUPLICATE_PARTY: ContentRule = ContentRule {
    rule: Rule {
        code: "DP102",
        name: "duplicate-party",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "It guards signing: each party signs once under its own id, so two parties cannot share one.",
        applies: "always",
        summary: "Two parties have the same id.",
        hint: "give each party its own id",
        source: "Each party signs once, under its own id (ISG and DARS sign-off).",
    },
    check: duplicate_party,
};

fn duplicate_party(cx: &mut Cx<'_>) {
    let a = cx.a;
    for (i, party) in a.parties.iter().enumerate() {
        if a.parties[..i].iter().any(|p| p.id == party.id) {
            cx.report(
                &DUPLICATE_PARTY,
                &at(&["parties"]).i(i).k("id"),
                format!("party id \"{}\" is used twice", party.id),
            );
        }
    }
}

pub static UNKNOWN_PARTY: ContentRule = ContentRule {
    rule: Rule {
        code: "DP103",
        name: "unknown-party",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "It guards the agreement's integrity: the lead signs reviews, and each retention rule and data flow binds a party, so each must name one that exists.",
        applies: "to `agreement.lead`, each `retention.rules[].party` and each `data.flows[].from` and `to`",
        summary: "A party id is referred to (`agreement.lead`, `retention.rules[].party`, `data.flows[].from` and `to`) but no party has it, or the lead is a class party (`class = true`).",
        hint: "use one of the agreement's party ids",
        source: "Internal consistency of the agreement.",
    },
    check: unknown_party,
};

fn unknown_party(cx: &mut Cx<'_>) {
    let a = cx.a;
    let mut refs = vec![(at(&["agreement", "lead"]), &a.lead, "lead organisation")];
    for (i, r) in a.retention.iter().enumerate() {
        refs.push((
            at(&["retention", "rules"]).i(i).k("party"),
            &r.party,
            "retention rule party",
        ));
    }
    for (i, f) in a.data.flows.iter().enumerate() {
        let pf = at(&["data", "flows"]).i(i);
        refs.push((pf.k("from"), &f.from, "data flow sender (`from`)"));
        refs.push((pf.k("to"), &f.to, "data flow recipient (`to`)"));
    }
    if a.party(&a.lead).is_some_and(|p| p.class) {
        cx.report_with_hint(
            &UNKNOWN_PARTY,
            &at(&["agreement", "lead"]),
            format!(
                "lead organisation \"{}\" is a class of organisations; the lead is a named party",
                a.lead
            ),
            "make one of the named parties (not `class = true`) the lead",
        );
    }
    for (path, id, what) in refs {
        if a.parties.iter().any(|p| &p.id == id) {
            continue;
        }
        let mut known: Vec<&str> = a.party_ids().collect();
        known.sort_unstable();
        known.dedup();
        let hint = match vocab::suggest(id, known.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("use one of the party ids: {}", known.join(", ")),
        };
        cx.report_with_hint(
            &UNKNOWN_PARTY,
            &path,
            format!("{what} \"{id}\" is not one of the agreement's parties"),
            hint,
        );
    }
}

pub static CALDICOTT_GUARDIAN: ContentRule = ContentRule {
    rule: Rule {
        code: "DP104",
        name: "caldicott-guardian",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        standing: "Naming the Caldicott Guardian is the practice of the NHS sign-off model (ISG) and of National Data Guardian guidance for health and care bodies, not a requirement of the law; a workspace may relax it, for example where another named officer answers for confidentiality.",
        configurable: true,
        applies: "to parties with `health_or_care = true`",
        summary: "A party with `health_or_care = true` names no `caldicott_guardian`.",
        hint: "add `caldicott_guardian = { name = \"...\", mailbox = \"...\" }` to the party",
        source: "Caldicott Principles (2020) and the National Data Guardian's guidance on the appointment of Caldicott Guardians (every health and adult social care body has one); ISG sign-off model.",
    },
    check: caldicott_guardian,
};

fn caldicott_guardian(cx: &mut Cx<'_>) {
    let a = cx.a;
    for (i, party) in a.parties.iter().enumerate() {
        // A class of organisations names no Caldicott Guardian: each member has its own.
        let p = at(&["parties"]).i(i);
        if party.health_or_care
            && !party.class
            && party.caldicott_guardian.is_none()
            && cx.decided(&[
                p.k("health_or_care"),
                p.k("class"),
                p.k("caldicott_guardian"),
            ])
        {
            cx.report(
                &CALDICOTT_GUARDIAN,
                &p,
                format!(
                    "party \"{}\" is a health or care body but names no Caldicott Guardian",
                    party.id
                ),
            );
        }
    }
}

pub static RETENTION_PARTY: ContentRule = ContentRule {
    rule: Rule {
        code: "DP117",
        name: "retention-party",
        family: Family::Content,
        default_severity: Severity::Warning,
        unreadable: false,
        acknowledgeable: false,
        standing: "Storage limitation (UK GDPR Art 5(1)(e)) binds each controller, but a retention rule for every party is the ICO code's advice, and a party that keeps nothing needs none; a workspace may make it an error or switch it off.",
        configurable: true,
        applies: "to every party",
        summary: "A party has no `[[retention.rules]]` entry.",
        hint: "add a [[retention.rules]] table with the party's id, how long it keeps the data and how it disposes of it",
        source: "ICO Data Sharing Code (retention and deletion); UK GDPR Art 5(1)(e) storage limitation and Art 28(3)(g).",
    },
    check: retention_party,
};

fn retention_party(cx: &mut Cx<'_>) {
    let a = cx.a;
    for party in &a.parties {
        if !a.retention.iter().any(|r| r.party == party.id) {
            cx.report_with_hint(
                &RETENTION_PARTY,
                &at(&["retention"]),
                format!("party \"{}\" has no retention and disposal rule", party.id),
                format!("add a [[retention.rules]] table with party = \"{}\", how long it keeps the data and how it disposes of it", party.id),
            );
        }
    }
}

pub static PROCESSOR_ACTING_FOR: ContentRule = ContentRule {
    rule: Rule {
        code: "DP136",
        name: "processor-acting-for",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: UK GDPR Art 28(3) has a processor act only on the documented instructions of the controller it serves, which must be a party to the agreement.",
        applies: "to each `processors[].acting_for` id",
        summary: "A `[[processors]]` entry's `acting_for` names an id that no party has.",
        hint: "set acting_for to the ids of the parties (controllers) the processor acts for",
        source: "UK GDPR Art 28(3): a processor acts only on the documented instructions of the controller it serves, so the agreement names that controller; internal consistency of the agreement.",
    },
    check: processor_acting_for,
};

fn processor_acting_for(cx: &mut Cx<'_>) {
    let a = cx.a;
    for (i, p) in a.processors.iter().enumerate() {
        for (j, id) in p.acting_for.iter().enumerate() {
            if a.party(id).is_none() {
                let ids: Vec<&str> = a.party_ids().collect();
                cx.report_with_hint(
                    &PROCESSOR_ACTING_FOR,
                    &at(&["processors"]).i(i).k("acting_for").i(j),
                    format!(
                        "processor \"{}\" acts for \"{id}\", which is not a party",
                        p.name
                    ),
                    format!("use one of the parties' ids: {}", ids.join(", ")),
                );
            }
        }
    }
}

pub static ICO_REGISTRATION_TWO_WAYS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP140",
        name: "ico-registration-two-ways",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "It guards the agreement's integrity: a party is either on the ICO's register of fee payers or not, and a signed text that says both contradicts itself.",
        applies: "to each party that gives `no_ico_registration`",
        summary: "A party gives both `ico_registration` (its ICO registration number) and `no_ico_registration` (why it has none): the agreement must say one or the other.",
        hint: "keep `ico_registration` when the party is registered with the ICO, or `no_ico_registration` when it is not (an Irish public body, a body exempt from the data protection fee), and remove the other",
        source: "Data Protection (Charges and Information) Regulations 2018 (the data protection fee and the ICO's register of fee payers, which the regulations' exemptions and bodies outside the UK are not on); internal consistency of the agreement.",
    },
    check: ico_registration_two_ways,
};

fn ico_registration_two_ways(cx: &mut Cx<'_>) {
    let a = cx.a;
    for (i, p) in a.parties.iter().enumerate() {
        if p.no_ico_registration.is_some() && !p.ico_registration.is_empty() {
            cx.report(
                &ICO_REGISTRATION_TWO_WAYS,
                &at(&["parties"]).i(i).k("no_ico_registration"),
                format!(
                    "party \"{}\" gives both an ICO registration number (`ico_registration = \"{}\"`) and `no_ico_registration`, why it has none",
                    p.id, p.ico_registration
                ),
            );
        }
    }
}
