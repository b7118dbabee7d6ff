//! Rules on the lawful basis: Art 6 and Art 9 UK GDPR, DPA 2018 Schedule 1, criminal offence
//! data, the recognised legitimate interests, and s251 support for the duty of confidentiality.

use super::{ContentRule, Cx, at};
use crate::agreement::locate::Path;
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::{self, terms};

pub static SPECIAL_CATEGORY_NEEDS_ART9: ContentRule = ContentRule {
    rule: Rule {
        code: "DP105",
        name: "special-category-needs-art9",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: UK GDPR Art 9(1) prohibits processing special category data unless an Art 9(2) condition applies.",
        applies: "when a data item is special category data (criminal offence data has DP122)",
        summary: "A data item is special category data but `lawful_basis.article9` names no Art 9(2) condition.",
        hint: "add the Art 9(2) condition, for example article9 = [\"h\"] for health or social care",
        source: "UK GDPR Art 9(1)-(2); ICO Data Sharing Code: the lawful basis must be recorded; Caldicott Principle 6 (comply with the law).",
    },
    check: special_category_needs_art9,
};

fn special_category_needs_art9(cx: &mut Cx<'_>) {
    let read: Vec<Path> = (0..cx.a.data.items.len())
        .map(|i| at(&["data", "items"]).i(i).k("special_category"))
        .chain([at(&["lawful_basis", "article9"])])
        .collect();
    if !cx.facts.special.is_empty() && cx.a.lawful_basis.article9.is_empty() && cx.decided(&read) {
        let cats: Vec<&str> = cx.facts.special.iter().map(|c| c.label.as_str()).collect();
        cx.report(
            &SPECIAL_CATEGORY_NEEDS_ART9,
            &at(&["lawful_basis", "article9"]),
            format!("special category data is shared ({}) but `lawful_basis.article9` names no Art 9(2) condition", cats.join(", ")),
        );
    }
}

pub static ART9_NEEDS_SCHEDULE1: ContentRule = ContentRule {
    rule: Rule {
        code: "DP106",
        name: "art9-needs-schedule1",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: under DPA 2018 s.10(2) and (3) an Art 9(2)(b), (g), (h), (i) or (j) condition is met in the UK only with a Schedule 1 condition, so without one the Art 9 basis the agreement records is incomplete (as DP105).",
        configurable: false,
        applies: "to each Art 9(2) condition given, under UK law (DPA 2018 Schedule 1; not under `agreement.jurisdiction = \"ireland\"`, whose own conditions are in the Data Protection Act 2018 (Ireland))",
        summary: "An Art 9(2)(b), (g), (h), (i) or (j) condition is used without a DPA 2018 Schedule 1 condition that satisfies it (for example (h) needs `health-or-social-care`, (j) needs `research`, (g) one of the Part 2 conditions).",
        hint: "add a DPA 2018 Schedule 1 condition that satisfies the Art 9(2) condition to `lawful_basis.dpa_schedule1`",
        source: "Data Protection Act 2018 s.10 and Schedule 1 Parts 1 and 2.",
    },
    check: art9_needs_schedule1,
};

fn art9_needs_schedule1(cx: &mut Cx<'_>) {
    if !cx.a.jurisdiction.is_uk() {
        return;
    }
    let lb = &cx.a.lawful_basis;
    for (i, cond) in lb.article9.iter().enumerate() {
        if cond.needs_schedule1
            && !lb
                .dpa_schedule1
                .iter()
                .any(|s| s.satisfies.contains(&cond.id))
        {
            let options: Vec<&str> = vocab::dpa_schedule1()
                .entries
                .iter()
                .filter(|s| s.satisfies.contains(&cond.id))
                .map(|s| s.id.as_str())
                .collect();
            // Art 9(2)(g) has 23 Part 2 conditions: name those most agreements use, and where
            // the rest are listed.
            const COMMON: [&str; 3] = [
                "statutory-and-government-purposes",
                "preventing-or-detecting-unlawful-acts",
                "safeguarding-children-and-individuals-at-risk",
            ];
            let hint = if options.len() > 6 {
                let common: Vec<&str> =
                    COMMON.into_iter().filter(|c| options.contains(c)).collect();
                format!(
                    "add one of the {} conditions that satisfy it to `lawful_basis.dpa_schedule1`, such as {}; run `datapact vocab dpa_schedule1` for every condition, with the Art 9(2) point it completes and its wording",
                    options.len(),
                    common.join(", ")
                )
            } else {
                format!(
                    "add one of these to `lawful_basis.dpa_schedule1`: {}",
                    options.join(", ")
                )
            };
            cx.report_with_hint(
                &ART9_NEEDS_SCHEDULE1,
                &at(&["lawful_basis", "article9"]).i(i),
                format!(
                    "{} needs a matching DPA 2018 Schedule 1 condition in the UK",
                    cond.label
                ),
                hint,
            );
        }
    }
}

pub static UNUSED_ART9: ContentRule = ContentRule {
    rule: Rule {
        code: "DP120",
        name: "unused-art9",
        family: Family::Content,
        default_severity: Severity::Warning,
        unreadable: false,
        acknowledgeable: false,
        standing: "A condition that applies to nothing confuses readers but breaks no law or policy, so a workspace may make it an error or switch it off.",
        configurable: true,
        applies: "when an Art 9(2) condition is given",
        summary: "An Art 9(2) condition is given but no data item is special category data.",
        hint: "mark the special category items (`special_category = \"health\"`), or remove the condition",
        source: "Clarity of the legal text: a condition that applies to nothing confuses readers.",
    },
    check: unused_art9,
};

fn unused_art9(cx: &mut Cx<'_>) {
    if cx.facts.special.is_empty() && !cx.a.lawful_basis.article9.is_empty() {
        cx.report(
            &UNUSED_ART9,
            &at(&["lawful_basis", "article9"]),
            "an Art 9(2) condition is given but no data item is special category data",
        );
    }
}

pub static CRIMINAL_OFFENCE_DATA: ContentRule = ContentRule {
    rule: Rule {
        code: "DP122",
        name: "criminal-offence-data",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: UK GDPR Art 10 with DPA 2018 s.10(5) allows criminal offence data only under a Schedule 1 condition.",
        applies: "when a data item is criminal offence data, under UK law (DPA 2018 s.10(5); not under `agreement.jurisdiction = \"ireland\"`, where s.55 of the Data Protection Act 2018 (Ireland) governs it)",
        summary: "A data item is criminal offence data but no DPA 2018 Schedule 1 condition is given: `lawful_basis.criminal_offence` names none (nor, in an agreement of the earlier form that does not have that key, `dpa_schedule1`).",
        hint: "name the Schedule 1 condition relied on for it in `lawful_basis.criminal_offence`, for example [\"preventing-or-detecting-unlawful-acts\"] (Part 1, Part 2 or Part 3 of Schedule 1)",
        source: "UK GDPR Art 10; DPA 2018 s.10(5) and Schedule 1 Parts 1 to 3 (para 36 extends the Part 2 conditions to criminal offence data without their substantial public interest test).",
    },
    check: criminal_offence_data,
};

fn criminal_offence_data(cx: &mut Cx<'_>) {
    if !cx.a.jurisdiction.is_uk() {
        return;
    }
    let lb = &cx.a.lawful_basis;
    if cx.facts.criminal_offence && lb.criminal_offence.is_empty() && lb.dpa_schedule1.is_empty() {
        cx.report(
            &CRIMINAL_OFFENCE_DATA,
            &at(&["lawful_basis", "dpa_schedule1"]),
            "criminal offence data is shared but no DPA 2018 Schedule 1 condition is given",
        );
    }
}

pub static POLICY_DOCUMENT: ContentRule = ContentRule {
    rule: Rule {
        code: "DP138",
        name: "appropriate-policy-document",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "DPA 2018 Schedule 1 requires each controller to have an appropriate policy document, not the agreement to name it; naming it is good practice, so a workspace may relax it.",
        applies: "when `lawful_basis.criminal_offence` names a condition that needs an appropriate policy document (Part 1 para 1, any Part 2 condition, Part 3 paras 35 to 37), under UK law (DPA 2018 Schedule 1; not under `agreement.jurisdiction = \"ireland\"`)",
        summary: "Criminal offence data is shared under a Schedule 1 condition that is met only while the controller has an appropriate policy document in place, but `lawful_basis.policy_document` does not name it.",
        hint: "name the appropriate policy document in `lawful_basis.policy_document` (its title, version or where it is published); where the statute lifts the requirement, such as a disclosure to a competent authority under para 10(2), say so there",
        source: "DPA 2018 Schedule 1 para 1(1)(b), para 5 (Part 2), para 35(1)(c), paras 36-37; Part 4 paras 38-41 (what the document holds, kept for six months after the processing ends).",
    },
    check: policy_document,
};

fn policy_document(cx: &mut Cx<'_>) {
    if !cx.a.jurisdiction.is_uk() {
        return;
    }
    let lb = &cx.a.lawful_basis;
    if lb.policy_document.is_some() {
        return;
    }
    if let Some((i, cond)) = lb
        .criminal_offence
        .iter()
        .enumerate()
        .find(|(_, c)| c.policy_document)
    {
        cx.report(
            &POLICY_DOCUMENT,
            &at(&["lawful_basis", "criminal_offence"]).i(i),
            format!(
                "criminal offence data is shared under {}, which needs an appropriate policy document, but `lawful_basis.policy_document` does not name one",
                cond.label
            ),
        );
    }
}

pub static CRIMINAL_OFFENCE_CONDITIONS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP139",
        name: "criminal-offence-conditions",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "Conditions in the wrong list, or for data not marked, confuse readers but leave the basis stated; a workspace may make it an error or switch it off.",
        applies: "when `lawful_basis.criminal_offence` is given, and to each Part 3 condition in `lawful_basis.dpa_schedule1`, under UK law (DPA 2018 s.10; not under `agreement.jurisdiction = \"ireland\"`)",
        summary: "`lawful_basis.criminal_offence` names conditions but no data item is criminal offence data, or a Schedule 1 Part 3 condition (criminal offence data only) is listed in `dpa_schedule1`, where it completes no Art 9(2) condition.",
        hint: "mark the criminal offence data items (`special_category = \"criminal-offence\"`) and name their conditions in `lawful_basis.criminal_offence`; Part 3 conditions belong there, not in `dpa_schedule1`",
        source: "DPA 2018 s.10(1)-(3) (Schedule 1 Parts 1 and 2 for Art 9) and s.10(5) (Parts 1 to 3 for Art 10).",
    },
    check: criminal_offence_conditions,
};

fn criminal_offence_conditions(cx: &mut Cx<'_>) {
    if !cx.a.jurisdiction.is_uk() {
        return;
    }
    let lb = &cx.a.lawful_basis;
    if !cx.facts.criminal_offence && !lb.criminal_offence.is_empty() {
        cx.report(
            &CRIMINAL_OFFENCE_CONDITIONS,
            &at(&["lawful_basis", "criminal_offence"]),
            "`lawful_basis.criminal_offence` names Schedule 1 conditions but no data item is criminal offence data",
        );
    }
    for (i, cond) in lb.dpa_schedule1.iter().enumerate() {
        if cond.part == Some(3) {
            cx.report(
                &CRIMINAL_OFFENCE_CONDITIONS,
                &at(&["lawful_basis", "dpa_schedule1"]).i(i),
                format!(
                    "{} serves criminal offence data only; in `dpa_schedule1` it completes no Art 9(2) condition",
                    cond.label
                ),
            );
        }
    }
}

pub static PUBLIC_AUTHORITY_LEGITIMATE_INTERESTS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP107",
        name: "public-authority-legitimate-interests",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: UK GDPR Art 6(1) excludes (f), and the Data (Use and Access) Act 2025 (ea), for a public authority performing its tasks.",
        applies: "when Art 6(1)(f) or (ea) is a basis, to each public authority party",
        summary: "Art 6(1)(f) or (ea) is a basis while a party is a public authority (one finding per such party).",
        hint: "a public authority sharing for its functions uses Art 6(1)(e) public task or (c) legal obligation",
        source: "UK GDPR Art 6(1), final subparagraph: (f) \"shall not apply to processing carried out by public authorities in the performance of their tasks\"; the same limit for (ea), Data (Use and Access) Act 2025.",
    },
    check: public_authority_legitimate_interests,
};

fn public_authority_legitimate_interests(cx: &mut Cx<'_>) {
    let a = cx.a;
    for (i, basis) in a.lawful_basis.article6.iter().enumerate() {
        if basis.is(terms::ART6_LEGITIMATE_INTERESTS) || basis.is(terms::ART6_RECOGNISED_INTEREST) {
            for party in a.parties.iter().filter(|p| p.public_authority) {
                cx.report(
                    &PUBLIC_AUTHORITY_LEGITIMATE_INTERESTS,
                    &at(&["lawful_basis", "article6"]).i(i),
                    format!(
                        "{} may not be relied on by public authority \"{}\" for its tasks",
                        basis.label, party.id
                    ),
                );
            }
        }
    }
}

pub static RECOGNISED_INTEREST_CONDITION: ContentRule = ContentRule {
    rule: Rule {
        code: "DP108",
        name: "recognised-interest-condition",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: Art 6(1)(ea) applies only under a condition listed in the Data (Use and Access) Act 2025, Schedule 4 (UK GDPR Annex 1).",
        applies: "when Art 6(1)(ea) is a basis",
        summary: "Art 6(1)(ea) is a basis but `lawful_basis.recognised_interest` names no condition.",
        hint: "set `lawful_basis.recognised_interest` to the recognised legitimate interest condition relied on",
        source: "Data (Use and Access) Act 2025, Schedule 4 (UK GDPR Annex 1).",
    },
    check: recognised_interest_condition,
};

fn recognised_interest_condition(cx: &mut Cx<'_>) {
    let lb = &cx.a.lawful_basis;
    for (i, basis) in lb.article6.iter().enumerate() {
        if basis.is(terms::ART6_RECOGNISED_INTEREST)
            && lb.recognised_interest.is_none()
            && cx.decided(&[at(&["lawful_basis", "recognised_interest"])])
        {
            cx.report_with_hint(
                &RECOGNISED_INTEREST_CONDITION,
                &at(&["lawful_basis", "article6"]).i(i),
                "Art 6(1)(ea) is used but `lawful_basis.recognised_interest` names no condition",
                format!(
                    "set recognised_interest to one of: {}",
                    vocab::recognised_interest().ids()
                ),
            );
        }
    }
}

pub static S251_REFERENCE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP114",
        name: "s251-reference",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "It completes a basis the common law requires (DP135): s251 support is a particular approval under NHS Act 2006 s.251 and the Control of Patient Information Regulations 2002, and without its reference the agreement claims a basis for setting the duty of confidentiality aside that no reader can check.",
        applies: "when the confidentiality basis is s251 support",
        summary: "`confidentiality = \"s251\"` without `s251_reference`.",
        hint: "add the Confidentiality Advisory Group reference, for example s251_reference = \"22/CAG/0123\"",
        source: "NHS Act 2006 s.251; the Health Research Authority's register of Confidentiality Advisory Group approvals.",
    },
    check: s251_reference,
};

fn s251_reference(cx: &mut Cx<'_>) {
    let lb = &cx.a.lawful_basis;
    if lb
        .confidentiality
        .is_some_and(|c| c.is(terms::CONFIDENTIALITY_S251))
        && lb.s251_reference.is_none()
        && cx.decided(&[at(&["lawful_basis", "s251_reference"])])
    {
        cx.report(
            &S251_REFERENCE,
            &at(&["lawful_basis", "confidentiality"]),
            "the confidentiality basis is s251 support but `lawful_basis.s251_reference` is missing",
        );
    }
}
