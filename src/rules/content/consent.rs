//! Rules on consent and the common-law duty of confidentiality: the policy's exceptions when
//! consent is not sought, consent as a basis, implied consent, "not applicable", the basis
//! required where a duty of confidence applies, and the national data opt-out.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::terms;

pub static CONSENT_EXCEPTION: ContentRule = ContentRule {
    rule: Rule {
        code: "DP109",
        name: "consent-exception",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when `consent.sought = false`; the exceptions allowed depend on the workspace policy (`[policy]` in datapact.toml)",
        summary: "`consent.sought = false` but the exception and its justification are not both given. The exception must be one of the workspace policy's: by default (`profile = \"nhs-essex\"`) `required-by-law`, `protect-from-harm` or `public-interest`; under `profile = \"uk-public-sector\"` the gateways of UK law (`required-by-law`, `legal-obligation`, `public-task`, `vital-interests`, `crime-and-taxation`, `legal-proceedings`, `safeguarding-children`, `safeguarding-adults`); plus any `[[policy.consent_exceptions]]` the workspace adds. An exception the policy does not have is reported as DP015, naming the policy.",
        hint: "set consent.exception to the exception that applies and explain in consent.justification why it applies",
        source: "Policy, \"Consent and choice\": \"In most cases, NHS Essex will ask for your permission before sharing your information. However, information may be shared without consent when: the law requires it; it is needed to protect someone from harm; there is a strong public interest.\" Caldicott Principle 8 (inform patients and service users). Under `uk-public-sector`: UK GDPR Art 6(1)(c), (d) and (e); DPA 2018 Schedule 2 paragraphs 2 and 5 and Schedule 1 paragraph 18; Children Act 2004 s.11; Care Act 2014 s.42; the ICO data sharing code of practice.",
    },
    check: consent_exception,
};

fn consent_exception(cx: &mut Cx<'_>) {
    let c = &cx.a.consent;
    if !c.sought && (c.exception.is_none() || c.justification.is_none()) {
        cx.report_with_hint(
            &CONSENT_EXCEPTION,
            &at(&["consent", "sought"]),
            "consent is not sought, but the exception and its justification are not both given",
            format!(
                "set consent.exception to one of the exceptions of {} ({}) and explain in consent.justification why it applies",
                cx.policy.name,
                cx.policy.consent_exceptions.ids()
            ),
        );
    }
}

pub static CONSENT_CONSISTENCY: ContentRule = ContentRule {
    rule: Rule {
        code: "DP121",
        name: "consent-consistency",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when consent is a lawful or confidentiality basis",
        summary: "Consent is named as a basis (Art 6(1)(a), Art 9(2)(a) or `confidentiality = \"explicit-consent\"`) but consent is not sought as explicit consent (`sought = true`, `model = \"explicit\"`).",
        hint: "consent as a basis must be explicit: seek it (sought = true, model = \"explicit\") or rely on another basis",
        source: "UK GDPR Art 4(11), Art 6(1)(a), Art 7 and Art 9(2)(a): consent as a basis is a clear, specific, recorded agreement; implied consent does not meet it.",
    },
    check: consent_consistency,
};

fn consent_consistency(cx: &mut Cx<'_>) {
    if cx.facts.consent_is_a_basis && !cx.facts.explicit_consent {
        let (path, what) = if cx.a.consent.sought {
            (
                at(&["consent", "model"]),
                "consent is sought as implied consent",
            )
        } else {
            (at(&["consent", "sought"]), "consent.sought is false")
        };
        cx.report(
            &CONSENT_CONSISTENCY,
            &path,
            format!("consent is named as a lawful or confidentiality basis, but {what}"),
        );
    }
}

pub static IMPLIED_CONSENT_DIRECT_CARE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP124",
        name: "implied-consent-direct-care",
        family: Family::Content,
        default_severity: Severity::Error,
        unreadable: false,
        acknowledgeable: false,
        configurable: true,
        applies: "when implied consent is relied on",
        summary: "Implied consent is relied on (`consent.sought = true` with `model = \"implied\"`, or `confidentiality = \"implied-consent\"`) while `purpose.categories` lacks `direct-care` or includes a purpose beyond it (anything but `direct-care` and `safeguarding`).",
        hint: "implied consent covers only an individual's own care: share for other purposes under a separate agreement, with explicit consent or another basis",
        source: "National Data Guardian guidance and Caldicott Principle 7: implied consent applies to sharing for an individual's own care; other purposes need explicit consent or another legal basis.",
    },
    check: implied_consent_direct_care,
};

/// Implied consent covers an individual's own care (safeguarding them included), nothing beyond
/// it.
fn implied_consent_direct_care(cx: &mut Cx<'_>) {
    let a = cx.a;
    let categories = &a.purpose.categories;
    let beyond_care: Vec<&str> = categories
        .iter()
        .filter(|c| !c.is(terms::DIRECT_CARE) && !c.is(terms::SAFEGUARDING))
        .map(|c| c.id.as_str())
        .collect();
    let direct_care = categories.iter().any(|c| c.is(terms::DIRECT_CARE));
    if cx.facts.implied_consent && (!beyond_care.is_empty() || !direct_care) {
        let path = if a
            .lawful_basis
            .confidentiality
            .is_some_and(|c| c.is(terms::CONFIDENTIALITY_IMPLIED_CONSENT))
        {
            at(&["lawful_basis", "confidentiality"])
        } else {
            at(&["consent", "model"])
        };
        let what = if beyond_care.is_empty() {
            "the purpose is not direct care".to_string()
        } else {
            format!(
                "the purpose goes beyond direct care ({})",
                beyond_care.join(", ")
            )
        };
        cx.report(
            &IMPLIED_CONSENT_DIRECT_CARE,
            &path,
            format!("implied consent is relied on, but {what}"),
        );
    }
}

pub static CONFIDENTIALITY_NOT_APPLICABLE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP123",
        name: "confidentiality-not-applicable",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when the confidentiality basis is \"not-applicable\"",
        summary: "`confidentiality = \"not-applicable\"` while `data.identifiability` is `identifiable` or `pseudonymised`.",
        hint: "\"not-applicable\" is only for anonymised data; name the basis that sets the duty of confidence aside (consent, s251, legal duty or overriding public interest), or, for information that carries no duty of confidence, use \"no-duty-of-confidence\" or leave `confidentiality` out",
        source: "Common-law duty of confidentiality: it applies to any information from which a person can be identified; \"not applicable\" is for anonymised data only. Caldicott Principle 6.",
    },
    check: confidentiality_not_applicable,
};

fn confidentiality_not_applicable(cx: &mut Cx<'_>) {
    let a = cx.a;
    if a.lawful_basis
        .confidentiality
        .is_some_and(|c| c.is(terms::CONFIDENTIALITY_NOT_APPLICABLE))
        && cx.facts.identifiable
    {
        cx.report(
            &CONFIDENTIALITY_NOT_APPLICABLE,
            &at(&["lawful_basis", "confidentiality"]),
            format!(
                "the duty of confidentiality is marked not applicable, but the data is {}",
                a.data.identifiability.label.to_lowercase()
            ),
        );
    }
}

pub static CONFIDENTIALITY_BASIS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP135",
        name: "confidentiality-basis",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when a duty of confidence applies: the data is confidential patient information (identifiable or pseudonymised `health` data where a party has `health_or_care = true`), or `lawful_basis.duty_of_confidence = true`",
        summary: "A duty of confidence applies but `lawful_basis.confidentiality` names no basis that meets it (it is missing or `no-duty-of-confidence`), or `duty_of_confidence = false` is said of confidential patient information.",
        hint: "name the basis that meets the duty of confidence in `lawful_basis.confidentiality` (explicit or implied consent, s251 support, a legal duty or the overriding public interest)",
        source: "Common-law duty of confidentiality: information given in confidence, such as confidential patient information held by health and care bodies, may be disclosed only with consent, under a legal duty or statutory basis (s251 support included) or in an overriding public interest. Caldicott Principle 6; NHS Act 2006 s.251(10)-(11).",
    },
    check: confidentiality_basis,
};

fn confidentiality_basis(cx: &mut Cx<'_>) {
    let lb = &cx.a.lawful_basis;
    let f = cx.facts;
    if f.confidential_patient_information && lb.duty_of_confidence == Some(false) {
        cx.report(
            &CONFIDENTIALITY_BASIS,
            &at(&["lawful_basis", "duty_of_confidence"]),
            "`duty_of_confidence = false`, but the data is confidential patient information (health data where a health or care body is a party), which carries the duty",
        );
        return;
    }
    if !f.duty_of_confidence {
        return;
    }
    let why = if f.confidential_patient_information {
        "the data is confidential patient information"
    } else {
        "`duty_of_confidence = true`"
    };
    match lb.confidentiality {
        None => cx.report(
            &CONFIDENTIALITY_BASIS,
            &at(&["lawful_basis", "confidentiality"]),
            format!("a duty of confidence applies ({why}) but `lawful_basis.confidentiality` names no basis"),
        ),
        Some(c) if c.is(terms::CONFIDENTIALITY_NO_DUTY) => cx.report(
            &CONFIDENTIALITY_BASIS,
            &at(&["lawful_basis", "confidentiality"]),
            format!("`confidentiality = \"no-duty-of-confidence\"`, but a duty of confidence applies ({why})"),
        ),
        Some(_) => {}
    }
}

pub static NATIONAL_DATA_OPT_OUT: ContentRule = ContentRule {
    rule: Rule {
        code: "DP134",
        name: "national-data-opt-out",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        applies: "when the data is confidential patient information (identifiable or pseudonymised `health` data where a party has `health_or_care = true`) and a purpose goes beyond individual care (a category other than `direct-care` and `safeguarding`)",
        summary: "Confidential patient information is used beyond individual care but `consent.national_data_opt_out` does not say whether the national data opt-out is applied.",
        hint: "set consent.national_data_opt_out to \"applied\", or to \"not-applicable\" with opt_out_explanation saying why it does not apply",
        source: "National data opt-out policy (NHS England, under the National Data Guardian's review of 2016): patients' choices apply to confidential patient information used for purposes beyond their individual care; DARS's public register records whether opt-outs were applied. Policy, \"Consent and choice\".",
    },
    check: national_data_opt_out,
};

fn national_data_opt_out(cx: &mut Cx<'_>) {
    let f = cx.facts;
    if f.confidential_patient_information
        && f.beyond_individual_care
        && cx.a.consent.national_data_opt_out.is_none()
    {
        cx.report(
            &NATIONAL_DATA_OPT_OUT,
            &at(&["consent", "national_data_opt_out"]),
            "confidential patient information is used beyond individual care, but `consent.national_data_opt_out` does not say whether the national data opt-out is applied",
        );
    }
}
