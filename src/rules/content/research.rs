//! Rules on planning and research use of confidential patient information (identifiable or
//! pseudonymised health data where a health or care body is a party,
//! `Facts::confidential_patient_information`): s251 support or consent, the `[research]`
//! section, and Art 9(2)(j). Other data (a government statistics collection, a council's
//! housing data) does not bring these NHS duties.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::terms;

pub static RESEARCH_LEGAL_BASIS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP111",
        name: "research-legal-basis",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "Only the NHS Essex policy requires it: the law also accepts a legal duty or the overriding public interest for uses beyond individual care, so a workspace under another policy may relax it.",
        applies: "when a purpose is planning or research, the data is confidential patient information (identifiable or pseudonymised `health` data where a party has `health_or_care = true`) and the confidentiality basis is a legal duty or the overriding public interest (a basis missing, `no-duty-of-confidence`, `not-applicable`, implied consent or explicit consent not sought is already DP135, DP123, DP124 or DP121, whatever the purpose, and is not reported twice)",
        summary: "A planning or research purpose uses confidential patient information without explicit consent (`sought = true`, `model = \"explicit\"`) or s251 support (`confidentiality = \"s251\"`): the policy does not accept a legal duty or the overriding public interest for it, as the law does for other uses beyond individual care.",
        hint: "use anonymised data, seek explicit consent, or obtain s251 support (confidentiality = \"s251\")",
        source: "Policy, \"Using information for planning and research\": \"anonymised data is used where possible; your consent may be required\". NHS Act 2006 s.251 and the Health Service (Control of Patient Information) Regulations 2002.",
    },
    check: research_legal_basis,
};

/// Reports only a basis the general rules accept for uses beyond individual care (a legal duty,
/// the overriding public interest) but the policy does not for planning and research; any other
/// basis that falls short is one finding of the rule about that basis (DP121, DP123, DP124,
/// DP135), whatever the purpose.
fn research_legal_basis(cx: &mut Cx<'_>) {
    let f = cx.facts;
    let Some(basis) = cx.a.lawful_basis.confidentiality.filter(|c| {
        c.is(terms::CONFIDENTIALITY_LEGAL_DUTY) || c.is(terms::CONFIDENTIALITY_PUBLIC_INTEREST)
    }) else {
        return;
    };
    if f.planning_or_research && f.confidential_patient_information && !f.explicit_consent {
        cx.report(
            &RESEARCH_LEGAL_BASIS,
            &at(&["purpose", "categories"]),
            format!(
                "planning or research with {} confidential patient information needs consent or s251 support, not {} (`confidentiality = \"{}\"`)",
                cx.a.data.identifiability.label.to_lowercase(),
                basis.label.to_lowercase(),
                basis.id
            ),
        );
    }
}

pub static RESEARCH_SECTION: ContentRule = ContentRule {
    rule: Rule {
        code: "DP113",
        name: "research-section",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "Only the policy requires it (\"strict rules protect your identity\"): the law asks for safeguards (UK GDPR Art 89(1)) but not for this section, so a workspace under another policy may relax it.",
        applies: "when a purpose is planning or research and the data is confidential patient information (identifiable or pseudonymised `health` data where a party has `health_or_care = true`)",
        summary: "A planning or research purpose on confidential patient information has no `[research]` section.",
        hint: "add [research] with anonymised_where_possible and identity_protection (see docs/format.md)",
        source: "Policy, \"Using information for planning and research\": \"anonymised data is used where possible ... strict rules protect your identity\".",
    },
    check: research_section,
};

fn research_section(cx: &mut Cx<'_>) {
    if cx.facts.planning_or_research
        && cx.facts.confidential_patient_information
        && cx.a.research.is_none()
    {
        cx.report(
            &RESEARCH_SECTION,
            &at(&["purpose", "categories"]),
            "the purpose includes planning or research on confidential patient information but there is no [research] section",
        );
    }
}

pub static RESEARCH_NEEDS_ART9J: ContentRule = ContentRule {
    rule: Rule {
        code: "DP112",
        name: "research-needs-art9j",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "Art 9(2)(j) is the usual condition for research, but the law allows others (explicit consent under (a), public health under (i)); it is research governance practice, so a workspace may relax it.",
        applies: "when a purpose is research and the data is confidential patient information (identifiable or pseudonymised `health` data where a party has `health_or_care = true`)",
        summary: "Confidential patient information is shared for research without Art 9(2)(j).",
        hint: "add \"j\" to lawful_basis.article9 and \"research\" to lawful_basis.dpa_schedule1",
        source: "UK GDPR Art 9(2)(j) and Art 89; DPA 2018 s.19 and Sch 1 para 4.",
    },
    check: research_needs_art9j,
};

fn research_needs_art9j(cx: &mut Cx<'_>) {
    let art9j =
        cx.a.lawful_basis
            .article9
            .iter()
            .any(|c| c.is(terms::ART9_RESEARCH));
    if cx.facts.research && cx.facts.confidential_patient_information && !art9j {
        cx.report(
            &RESEARCH_NEEDS_ART9J,
            &at(&["lawful_basis", "article9"]),
            "confidential patient information is shared for research without Art 9(2)(j)",
        );
    }
}
