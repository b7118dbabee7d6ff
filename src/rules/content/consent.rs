//! Rules on consent and the common-law duty of confidentiality: the policy's exceptions when
//! consent is not sought, consent as a basis, implied consent (beyond individual care, and named
//! while consent is not sought), "not applicable", the basis required where a duty of confidence
//! applies, Caldicott principle 7 (the duty to share for individual care), and the national data
//! opt-out.
//!
//! Uses of confidential patient information beyond individual care need a legal gateway whatever
//! the purpose label: explicit consent, s251 support, a legal duty or the overriding public
//! interest. Each way of falling short is one finding of the rule about the basis given: none or
//! `no-duty-of-confidence` (DP135), `not-applicable` (DP123), implied consent (DP124), explicit
//! consent not sought (DP121). Planning and research ask more of the basis (DP111, the policy:
//! consent or s251 support only).

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
        standing: "Every policy a workspace can follow allows sharing without consent only under an exception it names, and the common-law duty of confidentiality needs a stated reason to set consent aside. A workspace chooses the exceptions in `[policy]` (its profile and its own `consent_exceptions`); switching the rule off would only let an agreement name none.",
        applies: "when `consent.sought = false`; the exceptions allowed depend on the workspace policy (`[policy]` in datapact.toml)",
        summary: "`consent.sought = false` but the exception and its justification are not both given. The exception must be one of the workspace policy's: by default (`profile = \"nhs-essex\"`) `required-by-law`, `protect-from-harm` or `public-interest`; under `profile = \"uk-public-sector\"` the gateways of UK law (`required-by-law`, `legal-obligation`, `public-task`, `vital-interests`, `crime-and-taxation`, `legal-proceedings`, `safeguarding-children`, `safeguarding-adults`); plus any `[[policy.consent_exceptions]]` the workspace adds. An exception the policy does not have is reported as DP015, naming the policy.",
        hint: "set consent.exception to the exception that applies and explain in consent.justification why it applies",
        source: "Policy, \"Consent and choice\": \"In most cases, NHS Essex will ask for your permission before sharing your information. However, information may be shared without consent when: the law requires it; it is needed to protect someone from harm; there is a strong public interest.\" Caldicott Principle 8 (inform patients and service users). Under `uk-public-sector`: UK GDPR Art 6(1)(c), (d) and (e); DPA 2018 Schedule 2 paragraphs 2 and 5 and Schedule 1 paragraph 18; Children Act 2004 s.11; Care Act 2014 s.42; the ICO data sharing code of practice.",
    },
    check: consent_exception,
};

fn consent_exception(cx: &mut Cx<'_>) {
    let c = &cx.a.consent;
    if !c.sought
        && (c.exception.is_none() || c.justification.is_none())
        && cx.decided(&[
            at(&["consent", "sought"]),
            at(&["consent", "exception"]),
            at(&["consent", "justification"]),
        ])
    {
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
        standing: "The law makes it mandatory: consent as a basis is a clear, specific, recorded agreement (UK GDPR Art 4(11), Art 7, Art 9(2)(a)); an agreement that names consent it does not seek names a basis it does not have.",
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
        standing: "Limiting implied consent to individual care is National Data Guardian and Caldicott guidance, not statute, and professional guidance accepts it for some other uses, such as local clinical audit by the care team (GMC, Confidentiality); a workspace may relax it.",
        configurable: true,
        applies: "when implied consent is relied on",
        summary: "Implied consent is relied on (`consent.sought = true` with `model = \"implied\"`, or `confidentiality = \"implied-consent\"`) while `purpose.categories` lacks `direct-care` or includes a purpose beyond it (anything but `direct-care` and `safeguarding`).",
        hint: "implied consent covers only an individual's own care: share for other purposes under a separate agreement, with explicit consent or another basis",
        source: "National Data Guardian guidance and Caldicott Principle 7: implied consent applies to sharing for an individual's own care; other purposes need explicit consent or another legal basis.",
    },
    check: implied_consent_direct_care,
};

/// The purpose categories beyond individual care (other than `direct-care` and `safeguarding`),
/// and whether `direct-care` is among them.
fn care_categories(cx: &Cx<'_>) -> (Vec<&'static str>, bool) {
    let categories = &cx.a.purpose.categories;
    let beyond_care = categories
        .iter()
        .filter(|c| !c.is(terms::DIRECT_CARE) && !c.is(terms::SAFEGUARDING))
        .map(|c| c.id.as_str())
        .collect();
    let direct_care = categories.iter().any(|c| c.is(terms::DIRECT_CARE));
    (beyond_care, direct_care)
}

/// Whether implied consent is relied on for a purpose it does not cover (DP124).
fn implied_consent_misused(cx: &Cx<'_>) -> bool {
    let (beyond_care, direct_care) = care_categories(cx);
    cx.facts.implied_consent && (!beyond_care.is_empty() || !direct_care)
}

/// Implied consent covers an individual's own care (safeguarding them included), nothing beyond
/// it.
fn implied_consent_direct_care(cx: &mut Cx<'_>) {
    let a = cx.a;
    let (beyond_care, _) = care_categories(cx);
    if implied_consent_misused(cx) {
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

pub static IMPLIED_CONSENT_NOT_SOUGHT: ContentRule = ContentRule {
    rule: Rule {
        code: "DP146",
        name: "implied-consent-not-sought",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The common law makes it mandatory: implied consent rests on the person being told and not objecting, so an agreement that does not seek consent cannot rely on it.",
        applies: "when `lawful_basis.confidentiality = \"implied-consent\"` and `consent.sought = false`, for a purpose implied consent covers (beyond it, DP124 reports the basis once)",
        summary: "The confidentiality basis is implied consent while `consent.sought = false`. Implied consent is consent: the person is told about the sharing and, having had the chance to object, has not. An agreement that says consent is not sought contradicts the basis it names.",
        hint: "if people are told and can object, say so (`consent.sought = true`, `model = \"implied\"`); if consent is truly not sought, name the basis relied on instead in `lawful_basis.confidentiality` (a legal duty or the overriding public interest)",
        source: "Common-law duty of confidentiality: implied consent rests on the person being informed and not objecting (the `implied-consent` and consent model `implied` wording in docs/format.md); National Data Guardian, guidance on implied consent and reasonable expectations for individual care. Caldicott Principle 8 (inform patients and service users).",
    },
    check: implied_consent_not_sought,
};

fn implied_consent_not_sought(cx: &mut Cx<'_>) {
    let implied_basis =
        cx.a.lawful_basis
            .confidentiality
            .is_some_and(|c| c.is(terms::CONFIDENTIALITY_IMPLIED_CONSENT));
    if implied_basis && !cx.a.consent.sought && !implied_consent_misused(cx) {
        cx.report(
            &IMPLIED_CONSENT_NOT_SOUGHT,
            &at(&["consent", "sought"]),
            "the confidentiality basis is implied consent, but consent.sought is false: implied consent is consent, given by people who were told and did not object",
        );
    }
}

pub static CALDICOTT_DUTY_TO_SHARE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP147",
        name: "caldicott-duty-to-share",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement on Caldicott Principle 7: the parties may have weighed the duty to share and kept the clause for good reason. Authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "when every purpose is individual care (`direct-care`, with or without `safeguarding`)",
        summary: "A direct-care agreement relies on explicit consent as its confidentiality basis (`confidentiality = \"explicit-consent\"`), or forbids onward sharing outright (`onward_sharing.permitted = false` without `conditions`), so information cannot reach others providing the person's care. Caldicott principle 7: the duty to share information for individual care is as important as the duty to protect confidentiality; implied consent is the usual basis for individual care, and care that waits on a recorded consent, or a record that cannot follow the person, can harm them. A ban with `conditions` is not reported: datapact does not read their text, so whether they let information reach others providing care is for the reader.",
        hint: "for individual care rely on implied consent (`confidentiality = \"implied-consent\"`, consent sought as implied consent) and let information reach others providing the person's care (`onward_sharing.permitted = true` with conditions naming them); or, if the parties have weighed principle 7 and keep the clause, acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "Caldicott Principle 7 (2020): \"The duty to share information for individual care is as important as the duty to protect patient confidentiality\"; Health and Social Care Act 2012 s.251B (duty to share information for individual care); National Data Guardian, guidance on implied consent for individual care.",
    },
    check: caldicott_duty_to_share,
};

/// The items DP147's findings name, for `[[acknowledgements]]`.
const EXPLICIT_CONSENT_ITEM: &str = "lawful_basis.confidentiality";
const ONWARD_SHARING_ITEM: &str = "onward_sharing.permitted";

fn caldicott_duty_to_share(cx: &mut Cx<'_>) {
    let (beyond_care, direct_care) = care_categories(cx);
    if !direct_care || !beyond_care.is_empty() {
        return;
    }
    if cx
        .a
        .lawful_basis
        .confidentiality
        .is_some_and(|c| c.is(terms::CONFIDENTIALITY_EXPLICIT_CONSENT))
    {
        cx.judge(
            &CALDICOTT_DUTY_TO_SHARE,
            &at(&["lawful_basis", "confidentiality"]),
            Some(EXPLICIT_CONSENT_ITEM),
            "a direct-care agreement relies on explicit consent for confidentiality (Caldicott principle 7: the duty to share for individual care is as important as the duty to protect; implied consent covers individual care)",
        );
    }
    let onward = &cx.a.onward_sharing;
    if !onward.permitted && onward.conditions.is_none() {
        cx.judge(
            &CALDICOTT_DUTY_TO_SHARE,
            &at(&["onward_sharing", "permitted"]),
            Some(ONWARD_SHARING_ITEM),
            "a direct-care agreement forbids onward sharing without conditions, so the information cannot reach others providing the person's care (Caldicott principle 7: the duty to share for individual care is as important as the duty to protect)",
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
        standing: "The common law makes it mandatory: the duty of confidentiality applies to any information from which a person can be identified, so only anonymised data escapes it.",
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
        standing: "The common law makes it mandatory: information held in confidence may be disclosed only with consent, under a legal duty or statutory basis (s251 support among them), or in an overriding public interest.",
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
    let message = match lb.confidentiality {
        None => format!(
            "a duty of confidence applies ({why}) but `lawful_basis.confidentiality` names no basis"
        ),
        Some(c) if c.is(terms::CONFIDENTIALITY_NO_DUTY) => format!(
            "`confidentiality = \"no-duty-of-confidence\"`, but a duty of confidence applies ({why})"
        ),
        Some(_) => return,
    };
    cx.report_with_hint(
        &CONFIDENTIALITY_BASIS,
        &at(&["lawful_basis", "confidentiality"]),
        message,
        basis_hint(cx),
    );
}

/// The bases that can meet the duty of confidence for this agreement's purposes: implied consent
/// only for individual care, and for planning or research on confidential patient information
/// the policy's explicit consent or s251 support (DP111).
fn basis_hint(cx: &Cx<'_>) -> String {
    let f = cx.facts;
    if f.planning_or_research && f.confidential_patient_information {
        "name the basis that meets the duty of confidence in `lawful_basis.confidentiality`: for planning or research on confidential patient information, explicit consent (\"explicit-consent\", with consent sought as explicit consent) or s251 support (\"s251\")".to_string()
    } else if f.beyond_individual_care {
        "name the basis that meets the duty of confidence in `lawful_basis.confidentiality`: for a purpose beyond individual care, explicit consent, s251 support, a legal duty or the overriding public interest (implied consent covers individual care only)".to_string()
    } else {
        CONFIDENTIALITY_BASIS.rule.hint.to_string()
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
        standing: "The national data opt-out is NHS England policy for health and adult social care bodies in England, not statute; a workspace of bodies it does not bind may relax it.",
        applies: "when the data is confidential patient information (identifiable or pseudonymised `health` data where a party has `health_or_care = true`) and a purpose goes beyond individual care (a category other than `direct-care` and `safeguarding`)",
        summary: "Confidential patient information is used beyond individual care but `consent.national_data_opt_out` does not say whether the national data opt-out is applied, or says it does not apply (`not-applicable`) without `opt_out_explanation` saying why.",
        hint: "set consent.national_data_opt_out to \"applied\", or to \"not-applicable\" with opt_out_explanation saying why it does not apply",
        source: "National data opt-out policy (NHS England, under the National Data Guardian's review of 2016): patients' choices apply to confidential patient information used for purposes beyond their individual care; DARS's public register records whether opt-outs were applied. Policy, \"Consent and choice\".",
    },
    check: national_data_opt_out,
};

fn national_data_opt_out(cx: &mut Cx<'_>) {
    let f = cx.facts;
    if !(f.confidential_patient_information && f.beyond_individual_care) {
        return;
    }
    let c = &cx.a.consent;
    match c.national_data_opt_out {
        None => cx.report(
            &NATIONAL_DATA_OPT_OUT,
            &at(&["consent", "national_data_opt_out"]),
            "confidential patient information is used beyond individual care, but `consent.national_data_opt_out` does not say whether the national data opt-out is applied",
        ),
        Some(o) if o.is(terms::OPT_OUT_NOT_APPLICABLE) && c.opt_out_explanation.is_none() => {
            cx.report(
                &NATIONAL_DATA_OPT_OUT,
                &at(&["consent", "national_data_opt_out"]),
                "confidential patient information is used beyond individual care and the national data opt-out is said not to apply, but `consent.opt_out_explanation` does not say why",
            )
        }
        Some(_) => {}
    }
}
