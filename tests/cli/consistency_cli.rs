//! Consistency between the consent, confidentiality and purpose clauses, through the binary:
//! confidential patient information used beyond individual care needs a legal gateway whatever
//! the purpose label, each way of falling short reported once (DP121, DP123, DP124, DP135; DP111
//! only for the gateways the policy refuses for planning and research); implied consent named
//! while consent is not sought (DP146); Caldicott principle 7 in a direct-care agreement that
//! relies on explicit consent or forbids onward sharing outright (DP147, a judgement the
//! agreement may acknowledge).

use crate::common::*;
use serde_json::Value;

const GP: &str = "gp-icb-population-health-research";
const ECC: &str = "icb-ecc-adult-social-care";
const TODAY: &str = "2026-12-01";

/// `text` with the one occurrence of `from` replaced by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur exactly once in the example"
    );
    text.replacen(from, to, 1)
}

/// Validates `text` as agreement `id` (JSON report, `--today TODAY`, `extra` flags): the exit
/// code and the report.
fn validate(id: &str, text: &str, extra: &[&str]) -> (i32, Value) {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{id}.toml"), text);
    let mut args = vec!["--today", TODAY];
    args.extend_from_slice(extra);
    let (exit, report, _) = ws.validate_json(&args);
    (exit, report)
}

/// The findings of `report` as (code, line, hint).
fn with_hints(report: &Value) -> Vec<(String, u64, String)> {
    report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The 1-based line of `text` that holds `needle` (which must be on exactly one line).
fn line_of(text: &str, needle: &str) -> u64 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{needle:?} on lines {lines:?}");
    lines[0] as u64
}

/// The GP extract (pseudonymised GP records: confidential patient information) with its purpose
/// labelled `categories` and its confidentiality basis `basis` (`None`: the key left out), with
/// no s251 reference; the `[research]` section is kept only for planning and research.
fn gp_extract(categories: &str, basis: Option<&str>) -> String {
    let mut text = example(GP);
    text = edit(
        &text,
        "categories = [\"planning\", \"research\"]",
        &format!("categories = [{categories}]"),
    );
    let line = basis.map_or(String::new(), |b| format!("confidentiality = \"{b}\"\n"));
    text = edit(
        &text,
        "confidentiality = \"s251\"\ns251_reference = \"24/CAG/0157\"\n",
        &line,
    );
    if !categories.contains("planning") && !categories.contains("research") {
        let start = text.find("[research]\n").unwrap();
        let end = text.find("[responsibilities]\n").unwrap();
        text.replace_range(start..end, "");
    }
    text
}

/// The case: the same pseudonymised GP extract labelled `service-improvement` (or any
/// other purpose beyond individual care) with no consent, no s251 support and no `[research]`.
/// Every basis that falls short of a gateway is one finding, of the rule about that basis, at
/// the same code whatever the label; a legal duty or the overriding public interest passes,
/// except for planning and research, where the policy asks for consent or s251 support (DP111,
/// then the only finding).
#[test]
fn beyond_individual_care_needs_a_gateway_whatever_the_label() {
    let short_of_a_gateway: [(Option<&str>, &str); 5] = [
        (None, "DP135"),
        (Some("no-duty-of-confidence"), "DP135"),
        (Some("not-applicable"), "DP123"),
        (Some("implied-consent"), "DP124"),
        // Named, but consent is not sought (the example does not seek it).
        (Some("explicit-consent"), "DP121"),
    ];
    for label in [
        "\"service-improvement\"",
        "\"public-health\"",
        "\"planning\"",
        "\"research\"",
        "\"planning\", \"research\"",
        "\"direct-care\", \"service-improvement\"",
    ] {
        for (basis, code) in short_of_a_gateway {
            let (exit, report) = validate(GP, &gp_extract(label, basis), &[]);
            assert_eq!(
                (exit, codes(&report)),
                (1, vec![code.to_string()]),
                "{label} with {basis:?}"
            );
        }
        let planning_or_research = label.contains("planning") || label.contains("research");
        for gateway in ["legal-duty", "overriding-public-interest"] {
            let (exit, report) = validate(GP, &gp_extract(label, Some(gateway)), &[]);
            let expected: Vec<String> = if planning_or_research {
                vec!["DP111".into()]
            } else {
                vec![]
            };
            assert_eq!(
                (exit, codes(&report)),
                (i32::from(planning_or_research), expected),
                "{label} with {gateway}"
            );
        }
    }
}

/// Explicit consent actually sought, and s251 support with its reference, pass for every label.
#[test]
fn explicit_consent_sought_and_s251_support_pass_for_every_label() {
    for label in [
        "\"service-improvement\"",
        "\"public-health\"",
        "\"planning\", \"research\"",
    ] {
        let mut consent = gp_extract(label, Some("explicit-consent"));
        let start = consent.find("sought = false\n").unwrap();
        let end = consent.find("objections = ").unwrap();
        consent.replace_range(start..end, "sought = true\nmodel = \"explicit\"\n");
        let (exit, report) = validate(GP, &consent, &[]);
        assert_eq!(
            (exit, codes(&report)),
            (0, vec![]),
            "{label} on explicit consent"
        );

        let s251 = edit(
            &gp_extract(label, Some("s251")),
            "confidentiality = \"s251\"\n",
            "confidentiality = \"s251\"\ns251_reference = \"24/CAG/0157\"\n",
        );
        assert_eq!(validate(GP, &s251, &[]).0, 0, "{label} with s251 support");
    }
}

/// The advice of DP135 follows the purpose: beyond individual care it leaves implied consent
/// out; for planning or research on confidential patient information it names the policy's
/// consent or s251 support; for individual care it is the rule's own.
#[test]
fn a_missing_basis_is_advised_for_the_purpose() {
    let cases = [
        (
            gp_extract("\"service-improvement\"", None),
            GP,
            "implied consent covers individual care only",
        ),
        (
            gp_extract("\"planning\"", None),
            GP,
            "explicit consent (\"explicit-consent\", with consent sought as explicit consent) or s251 support",
        ),
        (
            edit(&example(ECC), "confidentiality = \"implied-consent\"\n", ""),
            ECC,
            "(explicit or implied consent, s251 support, a legal duty or the overriding public interest)",
        ),
    ];
    for (text, id, advice) in cases {
        let (exit, report) = validate(id, &text, &[]);
        let found = with_hints(&report);
        assert_eq!(exit, 1);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "DP135");
        assert!(found[0].2.contains(advice), "{id}: {}", found[0].2);
    }
}

/// The ECC example (direct care on implied consent) with consent said not to be sought, under a
/// policy exception with its justification.
fn implied_consent_not_sought() -> String {
    edit(
        &example(ECC),
        "sought = true\nmodel = \"implied\"\n",
        "sought = false\nexception = \"protect-from-harm\"\njustification = \"Assessments may be urgent when a person is at risk.\"\n",
    )
}

/// DP146: implied consent as the confidentiality basis while consent is not sought is one error
/// at `consent.sought`; beyond individual care DP124 reports the basis and DP146 stays quiet;
/// implied consent that is sought, and another basis while consent is not sought, pass.
#[test]
fn implied_consent_while_consent_is_not_sought_is_a_contradiction() {
    let text = implied_consent_not_sought();
    let (exit, report) = validate(ECC, &text, &[]);
    let found = findings(&report);
    assert_eq!(exit, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DP146");
    assert_eq!(found[0].1, line_of(&text, "sought = false"));
    assert!(found[0].2.contains("implied consent"), "{}", found[0].2);

    // Beyond individual care: one finding, DP124's.
    let beyond = edit(
        &text,
        "categories = [\"direct-care\"]",
        "categories = [\"direct-care\", \"service-improvement\"]",
    );
    assert_eq!(codes(&validate(ECC, &beyond, &[]).1), ["DP124"]);

    // Sought as implied consent (the example): clean.
    assert_eq!(validate(ECC, &example(ECC), &["--deny-warnings"]).0, 0);

    // Not sought, on a legal duty: clean.
    let legal_duty = edit(
        &text,
        "confidentiality = \"implied-consent\"",
        "confidentiality = \"legal-duty\"",
    );
    let (exit, report) = validate(ECC, &legal_duty, &["--deny-warnings"]);
    assert_eq!((exit, codes(&report)), (0, vec![]));
}

/// The ECC example relying on explicit consent (sought as explicit consent) for direct care.
fn direct_care_on_explicit_consent() -> String {
    let text = edit(
        &example(ECC),
        "confidentiality = \"implied-consent\"",
        "confidentiality = \"explicit-consent\"",
    );
    edit(&text, "model = \"implied\"", "model = \"explicit\"")
}

/// The ECC example forbidding onward sharing with no conditions.
fn direct_care_no_onward_sharing() -> String {
    let example = example(ECC);
    let start = example.find("permitted = false\nconditions = ").unwrap();
    let end = start + example[start..].find("\n\n").unwrap();
    let mut text = example.clone();
    text.replace_range(start..end, "permitted = false");
    text
}

fn acknowledgement(item: &str) -> String {
    format!(
        "\n[[acknowledgements]]\nrule = \"DP147\"\nitem = \"{item}\"\nreason = \"The parties weighed Caldicott principle 7: a separate agreement covers sharing with care providers.\"\n"
    )
}

/// DP147: a direct-care agreement that relies on explicit consent, or forbids onward sharing
/// outright, is a warning citing principle 7 at the clause; it fails only under
/// `--deny-warnings`, and its hint gives the acknowledgement that would answer it.
#[test]
fn principle_7_is_a_warning_at_the_clause() {
    for (text, at, item) in [
        (
            direct_care_on_explicit_consent(),
            "confidentiality = \"explicit-consent\"",
            "lawful_basis.confidentiality",
        ),
        (
            direct_care_no_onward_sharing(),
            "permitted = false",
            "onward_sharing.permitted",
        ),
    ] {
        let (exit, report) = validate(ECC, &text, &[]);
        assert_eq!(exit, 0, "a warning alone does not fail validate");
        let found = with_hints(&report);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "DP147");
        assert_eq!(found[0].1, line_of(&text, at));
        assert!(
            found[0]
                .2
                .contains(&format!("rule = \"DP147\", item = \"{item}\"")),
            "{}",
            found[0].2
        );
        let message = &findings(&report)[0].2;
        assert!(message.contains("Caldicott principle 7"), "{message}");
        assert_eq!(validate(ECC, &text, &["--deny-warnings"]).0, 1);
    }
}

/// An acknowledgement answers the finding it names, and only that one: the other finding stays
/// and the entry for a finding that is not there is DP151.
#[test]
fn principle_7_findings_are_acknowledged_one_by_one() {
    let both = {
        let text = direct_care_on_explicit_consent();
        let no_onward = direct_care_no_onward_sharing();
        let start = no_onward.find("[onward_sharing]").unwrap();
        let end = start + no_onward[start..].find("\n\n").unwrap();
        let from = text.find("[onward_sharing]").unwrap();
        let to = from + text[from..].find("\n\n").unwrap();
        let mut text = text;
        text.replace_range(from..to, &no_onward[start..end]);
        text
    };
    assert_eq!(codes(&validate(ECC, &both, &[]).1), ["DP147", "DP147"]);

    let one = format!("{both}{}", acknowledgement("lawful_basis.confidentiality"));
    let (exit, report) = validate(ECC, &one, &["--deny-warnings"]);
    let found = findings(&report);
    assert_eq!(exit, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("DP147", line_of(&one, "permitted = false"))
    );

    let all = format!("{one}{}", acknowledgement("onward_sharing.permitted"));
    let (exit, report) = validate(ECC, &all, &["--deny-warnings"]);
    assert_eq!((exit, codes(&report)), (0, vec![]));

    // The example has conditions on its ban: nothing to acknowledge.
    let stale = format!(
        "{}{}",
        example(ECC),
        acknowledgement("onward_sharing.permitted")
    );
    assert_eq!(codes(&validate(ECC, &stale, &[]).1), ["DP151"]);
}

/// DP147 is about agreements for individual care only: the same clauses in an agreement that
/// also serves a purpose beyond it, or for safeguarding alone, are not reported; a ban on
/// onward sharing with conditions is not read (the example's own, which names none of the
/// others providing care, passes: datapact does not judge the conditions' text).
#[test]
fn principle_7_applies_to_direct_care_agreements_only() {
    for text in [
        direct_care_on_explicit_consent(),
        direct_care_no_onward_sharing(),
    ] {
        for categories in [
            "categories = [\"direct-care\", \"service-improvement\"]",
            "categories = [\"safeguarding\"]",
        ] {
            let changed = edit(&text, "categories = [\"direct-care\"]", categories);
            let found = codes(&validate(ECC, &changed, &[]).1);
            assert!(
                !found.iter().any(|c| c == "DP147"),
                "{categories}: {found:?}"
            );
        }
        let with_safeguarding = edit(
            &text,
            "categories = [\"direct-care\"]",
            "categories = [\"direct-care\", \"safeguarding\"]",
        );
        assert_eq!(codes(&validate(ECC, &with_safeguarding, &[]).1), ["DP147"]);
    }
    assert_eq!(
        codes(&validate(ECC, &example(ECC), &[]).1),
        Vec::<String>::new()
    );
}

/// DP134: beyond individual care, an opt-out said not to apply needs its explanation (the
/// rule's own advice); "applied" needs none, and for individual care nothing is asked.
#[test]
fn an_opt_out_said_not_to_apply_beyond_care_is_explained() {
    let unexplained = edit(
        &example(GP),
        "national_data_opt_out = \"applied\"",
        "national_data_opt_out = \"not-applicable\"",
    );
    let start = unexplained.find("opt_out_explanation = ").unwrap();
    let end = start + unexplained[start..].find('\n').unwrap() + 1;
    let mut unexplained = unexplained;
    let explanation = unexplained[start..end].to_string();
    unexplained.replace_range(start..end, "");
    let (exit, report) = validate(GP, &unexplained, &[]);
    let found = findings(&report);
    assert_eq!(exit, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("DP134", line_of(&unexplained, "national_data_opt_out = "))
    );

    let explained = edit(
        &unexplained,
        "national_data_opt_out = \"not-applicable\"\n",
        &format!("national_data_opt_out = \"not-applicable\"\n{explanation}"),
    );
    assert_eq!(validate(GP, &explained, &[]).0, 0);
    let applied = edit(
        &unexplained,
        "national_data_opt_out = \"not-applicable\"",
        "national_data_opt_out = \"applied\"",
    );
    assert_eq!(validate(GP, &applied, &[]).0, 0);

    // Individual care (the ECC example) without the explanation: nothing to explain.
    let ecc = example(ECC);
    let start = ecc.find("opt_out_explanation = ").unwrap();
    let end = start + ecc[start..].find('\n').unwrap() + 1;
    let mut ecc = ecc;
    ecc.replace_range(start..end, "");
    assert_eq!(validate(ECC, &ecc, &["--deny-warnings"]).0, 0);
}
