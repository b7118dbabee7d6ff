//! Rules on planning and research use: the legal basis for confidential data, the
//! `[research]` section, and Art 9(2)(j).

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::terms;

pub static RESEARCH_LEGAL_BASIS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP111",
        name: "research-legal-basis",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        applies: "when a purpose is planning or research and the data is identifiable or pseudonymised",
        summary: "A planning or research purpose uses identifiable or pseudonymised data without explicit consent (`sought = true`, `model = \"explicit\"`) or s251 support (`confidentiality = \"s251\"`).",
        hint: "use anonymised data, seek explicit consent, or obtain s251 support (confidentiality = \"s251\")",
        source: "Policy, \"Using information for planning and research\": \"anonymised data is used where possible; your consent may be required\". NHS Act 2006 s.251 and the Health Service (Control of Patient Information) Regulations 2002.",
    },
    check: research_legal_basis,
};

fn research_legal_basis(cx: &mut Cx<'_>) {
    let f = cx.facts;
    let s251 =
        cx.a.lawful_basis
            .confidentiality
            .is(terms::CONFIDENTIALITY_S251);
    if f.planning_or_research && f.identifiable && !(f.explicit_consent || s251) {
        cx.report(
            &RESEARCH_LEGAL_BASIS,
            &at(&["purpose", "categories"]),
            format!(
                "planning or research with {} data needs consent or s251 support",
                cx.a.data.identifiability.label.to_lowercase()
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
        configurable: false,
        unreadable: false,
        applies: "when a purpose is planning or research",
        summary: "A planning or research purpose has no `[research]` section.",
        hint: "add [research] with anonymised_where_possible and identity_protection (see docs/format.md)",
        source: "Policy, \"Using information for planning and research\": \"anonymised data is used where possible ... strict rules protect your identity\".",
    },
    check: research_section,
};

fn research_section(cx: &mut Cx<'_>) {
    if cx.facts.planning_or_research && cx.a.research.is_none() {
        cx.report(
            &RESEARCH_SECTION,
            &at(&["purpose", "categories"]),
            "the purpose includes planning or research but there is no [research] section",
        );
    }
}

pub static RESEARCH_NEEDS_ART9J: ContentRule = ContentRule {
    rule: Rule {
        code: "DP112",
        name: "research-needs-art9j",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        applies: "when a purpose is research and special category data is shared",
        summary: "Special category data is shared for research without Art 9(2)(j).",
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
    if cx.facts.research && !cx.facts.special.is_empty() && !art9j {
        cx.report(
            &RESEARCH_NEEDS_ART9J,
            &at(&["lawful_basis", "article9"]),
            "special category data is shared for research without Art 9(2)(j)",
        );
    }
}
