//! The workspace policy (`[policy]` in datapact.toml), through the binary: the default profile
//! (`nhs-essex`) leaves validation and documents as they were; `uk-public-sector` allows the
//! gateways of UK law and refuses the NHS Essex-only exceptions, naming the policy; a workspace's
//! own exception validates and renders with its wording, source and the workspace policy's name;
//! unusable settings stop every command with exit 2, naming datapact.toml's line and column.

use crate::common::*;

/// The example that relies on a consent exception (`protect-from-harm`).
const EXAMPLE: &str = "mse-hospital-police-safeguarding";
const TODAY: &str = "2026-12-01";

/// A workspace with the examples and `settings` as its datapact.toml.
fn workspace(settings: &str) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write_examples();
    ws.write("datapact.toml", settings);
    ws
}

/// The example relying on `exception` instead of `protect-from-harm`.
fn with_exception(ws: &TempWorkspace, exception: &str) {
    let text = example(EXAMPLE).replace(
        "exception = \"protect-from-harm\"",
        &format!("exception = \"{exception}\""),
    );
    assert!(text.contains(&format!("exception = \"{exception}\"")));
    ws.write(&format!("agreements/{EXAMPLE}.toml"), text);
}

fn render(ws: &TempWorkspace, format: &str) -> String {
    let (code, out, err) = ws.run(&["--today", TODAY, "render", EXAMPLE, "--format", format]);
    assert_eq!(code, 0, "render {format}: {err}");
    out
}

fn validate(ws: &TempWorkspace) -> (i32, Vec<(String, u64, String)>, serde_json::Value) {
    let (code, report, _) = ws.validate_json(&["--today", TODAY, EXAMPLE]);
    (code, findings(&report), report)
}

#[test]
fn the_default_profile_changes_nothing() {
    let plain = workspace("");
    let declared = workspace("[policy]\nprofile = \"nhs-essex\"\n");
    let (code, found, report) = validate(&plain);
    assert_eq!(code, 0, "{found:?}");
    let (code2, _, report2) = validate(&declared);
    assert_eq!(code2, 0);
    assert_eq!(report, report2);
    for format in ["md", "html"] {
        let a = render(&plain, format);
        assert_eq!(a, render(&declared, format), "{format}");
        assert!(
            a.contains("NHS Essex information sharing policy"),
            "{format}"
        );
        assert!(!a.contains("The policy followed") && !a.contains("the policy followed"));
    }
}

#[test]
fn the_default_profile_names_its_policy_when_an_exception_is_unknown() {
    let ws = workspace("");
    with_exception(&ws, "vital-interests");
    let (code, found, _) = validate(&ws);
    assert_eq!(code, 1);
    let f = found.iter().find(|f| f.0 == "DP015").expect("DP015");
    assert!(
        f.2.contains("not a consent exception of the NHS Essex information sharing policy"),
        "{f:?}"
    );
    let (_, out, err) = ws.run(&["--today", TODAY, "validate", EXAMPLE]);
    assert!(
        format!("{out}{err}").contains("profile = \"uk-public-sector\""),
        "{out}{err}"
    );
}

const PUBLIC_SECTOR: &str =
    "UK GDPR, the Data Protection Act 2018 and the ICO data sharing code of practice";

#[test]
fn uk_public_sector_accepts_the_gateways_of_uk_law() {
    let ws = workspace("[policy]\nprofile = \"uk-public-sector\"\n");
    for id in [
        "required-by-law",
        "legal-obligation",
        "public-task",
        "vital-interests",
        "crime-and-taxation",
        "legal-proceedings",
        "safeguarding-children",
        "safeguarding-adults",
    ] {
        with_exception(&ws, id);
        let (code, found, _) = validate(&ws);
        assert_eq!(code, 0, "{id}: {found:?}");
    }
    // The document quotes the law, names its source and the policy followed, never NHS Essex's.
    with_exception(&ws, "safeguarding-adults");
    let md = render(&ws, "md");
    assert!(
        md.contains("Exception relied on: Safeguarding adults at risk"),
        "{md}"
    );
    assert!(md.contains("whatever enquiries it thinks necessary"));
    assert!(md.contains("Care Act 2014, section 42(2)"));
    assert!(md.contains(&format!("the policy followed: {PUBLIC_SECTOR}")));
    assert!(!md.contains("NHS Essex information sharing policy"));
    let html = render(&ws, "html");
    assert!(html.contains(&format!("The policy followed: {PUBLIC_SECTOR}.")));
    assert!(!html.contains("NHS Essex information sharing policy"));
}

#[test]
fn uk_public_sector_refuses_the_nhs_essex_only_exceptions() {
    let ws = workspace("[policy]\nprofile = \"uk-public-sector\"\n");
    for id in ["protect-from-harm", "public-interest"] {
        with_exception(&ws, id);
        let (code, found, report) = validate(&ws);
        assert_eq!(code, 1, "{id}");
        let f = found
            .iter()
            .find(|f| f.0 == "DP015")
            .unwrap_or_else(|| panic!("{id}: {found:?}"));
        assert!(
            f.2.contains(&format!("not a consent exception of {PUBLIC_SECTOR}")),
            "{f:?}"
        );
        let text = report.to_string();
        assert!(text.contains("profile = \\\"nhs-essex\\\""), "{text}");
    }
    // Consent not sought with no exception: DP109's advice lists this policy's exceptions.
    let text = example(EXAMPLE).replace("exception = \"protect-from-harm\"\n", "");
    ws.write(&format!("agreements/{EXAMPLE}.toml"), text);
    let (code, _, report) = validate(&ws);
    assert_eq!(code, 1);
    let text = report.to_string();
    assert!(text.contains("DP109"));
    assert!(
        text.contains(&format!("one of the exceptions of {PUBLIC_SECTOR}")),
        "{text}"
    );
    assert!(text.contains("\\\"legal-obligation\\\""));
}

const OWN_POLICY: &str = r#"[policy]
profile = "uk-public-sector"
name = "the Essex County Council housing information sharing policy"

[[policy.consent_exceptions]]
id = "housing-act-allocation"
label = "Allocation of housing accommodation"
wording = """Information may be shared without consent where it is needed to decide an application \
for an allocation of housing accommodation, as the Housing Act 1996 provides."""
source = "Housing Act 1996, Part 6; the council's allocation scheme"
"#;

#[test]
fn a_workspace_exception_validates_and_renders_in_its_own_words() {
    let ws = workspace(OWN_POLICY);
    with_exception(&ws, "housing-act-allocation");
    let (code, found, _) = validate(&ws);
    assert_eq!(code, 0, "{found:?}");
    let md = render(&ws, "md");
    assert!(
        md.contains("Exception relied on: Allocation of housing accommodation"),
        "{md}"
    );
    assert!(md.contains("as the Housing Act 1996 provides."));
    assert!(md.contains(
        "(Housing Act 1996, Part 6; the council's allocation scheme; the policy followed: the Essex County Council housing information sharing policy)"
    ));
    assert!(!md.contains("NHS Essex information sharing policy"));
    let html = render(&ws, "html");
    assert!(html.contains(
        "The policy followed: the Essex County Council housing information sharing policy."
    ));
    // The built-in exceptions carry the workspace's policy name too.
    with_exception(&ws, "vital-interests");
    let md = render(&ws, "md");
    assert!(md.contains(
        "(UK GDPR Article 6(1)(d); the policy followed: the Essex County Council housing information sharing policy)"
    ), "{md}");
    // An unknown exception is reported naming the workspace's policy.
    with_exception(&ws, "housing-act-allocaton");
    let (code, _, report) = validate(&ws);
    assert_eq!(code, 1);
    let text = report.to_string();
    assert!(
        text.contains(
            "not a consent exception of the Essex County Council housing information sharing policy"
        ),
        "{text}"
    );
    assert!(
        text.contains("did you mean \\\"housing-act-allocation\\\""),
        "{text}"
    );
}

/// `settings` stops validation with exit 2, naming datapact.toml at `line` and saying `what`.
fn refused(settings: &str, line: usize, what: &str) {
    let ws = workspace(settings);
    for args in [&["validate"][..], &["--today", TODAY, "check"]] {
        let (code, out, err) = ws.run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(&format!("datapact.toml:{line}:")), "{err}");
        assert!(err.contains(what), "{err}");
    }
}

#[test]
fn unusable_policy_settings_are_refused_with_their_place() {
    let exception = |body: &str| {
        format!("[policy]\nprofile = \"uk-public-sector\"\n\n[[policy.consent_exceptions]]\n{body}")
    };
    const FULL: &str = "id = \"housing-act\"\nlabel = \"Housing\"\nwording = \"Words.\"\nsource = \"Housing Act 1996\"\n";
    refused(
        "[policy]\nprofile = \"nhs-essex\"\nnmae = \"x\"\n",
        3,
        "unknown field `nmae`",
    );
    refused(
        "[policy]\nprofile = \"nhs-scotland\"\n",
        2,
        "unknown variant",
    );
    refused(
        &exception(&format!("{FULL}dpv = \"x\"\n")),
        9,
        "unknown field `dpv`",
    );
    refused(
        &exception("id = \"housing-act\"\nlabel = \"Housing\"\nwording = \"Words.\"\n"),
        4,
        "missing field `source`",
    );
    refused(
        &exception(&FULL.replace("housing-act", "legal-obligation")),
        5,
        "already an exception of the uk-public-sector profile",
    );
    refused(
        &format!("{}\n[[policy.consent_exceptions]]\n{FULL}", exception(FULL)),
        11,
        "\"housing-act\" is given twice",
    );
    refused(
        &exception(&FULL.replace("\"Words.\"", "\"  \"")),
        7,
        "wording of \"housing-act\" is empty",
    );
    refused(
        &exception(&FULL.replace("\"Housing\"", "\"Hou\\u0007sing\"")),
        6,
        "label of \"housing-act\" contains the control character U+0007",
    );
    refused(
        &exception(&FULL.replace("housing-act", "Housing Act")),
        5,
        "id \"Housing Act\" contains",
    );
    refused("[policy]\nname = \"\"\n", 2, "[policy] name is empty");
}

#[test]
fn the_shipped_default_settings_name_the_policy_section() {
    let ws = TempWorkspace::init();
    let settings = std::fs::read_to_string(ws.root().join("datapact.toml")).unwrap();
    assert!(settings.contains("[policy]"), "{settings}");
    assert!(
        settings.contains("# profile = \"nhs-essex\"")
            || settings.contains("profile = \"nhs-essex\"")
    );
}

/// The example relying on `exception` under the policy profile `policy` named in the agreement.
fn with_agreement_policy(ws: &TempWorkspace, policy: &str, exception: &str) {
    with_exception(ws, exception);
    let path = format!("agreements/{EXAMPLE}.toml");
    let text = std::fs::read_to_string(ws.root().join(&path)).unwrap();
    let at = text.find("\nlead = ").expect("the example names its lead");
    let text = format!("{}\npolicy = \"{policy}\"{}", &text[..at], &text[at..]);
    ws.write(&path, text);
}

#[test]
fn an_agreement_may_follow_another_built_in_profile_than_its_workspace() {
    // The workspace follows the NHS Essex policy (the default); the agreement the public sector's.
    let ws = workspace("");
    with_agreement_policy(&ws, "uk-public-sector", "public-task");
    let (code, found, _) = validate(&ws);
    assert_eq!((code, found), (0, vec![]));
    for format in ["md", "html"] {
        let out = render(&ws, format);
        assert!(out.contains("Public task"), "{format}");
        assert!(
            !out.contains("NHS Essex information sharing policy"),
            "{format}"
        );
    }
    // ... and then the NHS Essex-only exception is not one of its exceptions.
    let ws = workspace("");
    with_agreement_policy(&ws, "uk-public-sector", "protect-from-harm");
    let (code, found, _) = validate(&ws);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DP015");
    assert!(
        found[0].2.contains("UK GDPR, the Data Protection Act 2018"),
        "{}",
        found[0].2
    );
}

#[test]
fn an_agreement_naming_its_workspace_profile_keeps_the_workspace_additions() {
    let settings = "[policy]\nprofile = \"uk-public-sector\"\nname = \"Essex Council information sharing policy\"\n\n[[policy.consent_exceptions]]\nid = \"housing-act\"\nlabel = \"Housing Act 1996 disclosure\"\nwording = \"Disclosure under the Housing Act 1996.\"\nsource = \"Housing Act 1996\"\n";
    let ws = workspace(settings);
    with_agreement_policy(&ws, "uk-public-sector", "housing-act");
    let (code, found, _) = validate(&ws);
    assert_eq!((code, found), (0, vec![]));
    assert!(render(&ws, "md").contains("Essex Council information sharing policy"));
    // Another profile than the workspace's has only its built-in exceptions.
    let ws = workspace(settings);
    with_agreement_policy(&ws, "nhs-essex", "housing-act");
    assert_eq!(validate(&ws).1[0].0, "DP015");
}

#[test]
fn an_unknown_agreement_policy_is_an_unknown_value_at_its_line() {
    let ws = workspace("");
    with_agreement_policy(&ws, "essex-police", "protect-from-harm");
    let (code, found, report) = validate(&ws);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DP015");
    let text = example(EXAMPLE);
    let line = text[..text.find("\nlead = ").unwrap()].lines().count() + 1;
    assert_eq!(found[0].1 as usize, line);
    let hint = report["files"][0]["findings"][0]["hint"].as_str().unwrap();
    assert!(hint.contains("nhs-essex, uk-public-sector"), "{hint}");
}

/// What the NHS Essex policy requires and another policy leaves to the agreement: the hours
/// within which incidents are reported, and an e-mail address for every contact.
#[test]
fn the_incident_hours_and_contact_addresses_are_required_only_under_the_nhs_essex_policy() {
    let strip = |ws: &TempWorkspace| {
        let path = format!("agreements/{EXAMPLE}.toml");
        let text = std::fs::read_to_string(ws.root().join(&path)).unwrap();
        let hours = text
            .lines()
            .find(|l| l.starts_with("report_within_hours"))
            .expect("the example gives the hours")
            .to_string();
        let dpo = text
            .lines()
            .find(|l| l.starts_with("dpo = {"))
            .expect("the example names a DPO")
            .to_string();
        let text = text.replacen(&format!("{hours}\n"), "", 1).replacen(
            &dpo,
            "dpo = { name = \"Data Protection Officer\", phone = \"01245 000000\" }",
            1,
        );
        ws.write(&path, text);
    };
    let ws = workspace("");
    with_exception(&ws, "protect-from-harm");
    strip(&ws);
    let (code, found, _) = validate(&ws);
    assert_eq!(code, 1);
    let mut codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    codes.dedup();
    assert_eq!(codes, ["DP011"], "{found:?}");
    assert_eq!(found.len(), 2, "{found:?}");

    let ws = workspace("");
    with_agreement_policy(&ws, "uk-public-sector", "public-task");
    strip(&ws);
    let (code, found, _) = validate(&ws);
    assert_eq!((code, found), (0, vec![]));
    let md = render(&ws, "md");
    assert!(md.contains("The agreement sets no number of hours"), "{md}");
    assert!(!md.contains("hours**"));
}

/// An agreement recorded from a published text that says nothing of a DPIA says so under another
/// policy; under the NHS Essex policy it must say whether the risks were assessed (DP141).
#[test]
fn a_dpia_not_stated_is_allowed_only_outside_the_nhs_essex_policy() {
    let not_stated = |ws: &TempWorkspace| {
        let path = format!("agreements/{EXAMPLE}.toml");
        let text = std::fs::read_to_string(ws.root().join(&path)).unwrap();
        let text: String = text
            .lines()
            .filter(|l| !l.starts_with("dpia_reference") && !l.starts_with("dpia_outcome"))
            .map(|l| {
                if l.starts_with("dpia = ") {
                    "dpia = \"not-stated\"\n".to_string()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        ws.write(&path, text);
    };
    let ws = workspace("");
    with_agreement_policy(&ws, "uk-public-sector", "public-task");
    not_stated(&ws);
    assert_eq!(validate(&ws).1, vec![]);
    assert!(render(&ws, "md").contains("does not say whether a data protection impact assessment"));
    let ws = workspace("");
    with_exception(&ws, "protect-from-harm");
    not_stated(&ws);
    let found = validate(&ws).1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DP141");
}

/// `[limits] max_term_months` and `max_review_interval_months` stop at their sourced ceiling
/// of 60 months: 61 stops every command with exit 2, naming datapact.toml's line and column
/// and the source; 60 is accepted and applied (a 60-month review interval passes, which the
/// default of 24 refuses as DP132).
#[test]
fn the_limits_stop_at_their_ceiling_of_sixty_months() {
    for (settings, place, source) in [
        (
            "[limits]\nmax_term_months = 61\n",
            "datapact.toml:2:19:",
            "NHS England DARS",
        ),
        (
            "[workspace]\nname = \"Essex\"\n\n[limits]\nmax_term_months = 36\nmax_review_interval_months = 61\n",
            "datapact.toml:6:30:",
            "Data Sharing and Governance Act 2019 s.20(1)",
        ),
    ] {
        let ws = workspace(settings);
        for args in [&["validate"][..], &["--today", TODAY, "check"]] {
            let (code, out, err) = ws.run(args);
            assert_eq!(code, 2, "{settings}{args:?}: {out}{err}");
            assert!(err.contains(place), "{settings}: {err}");
            assert!(err.contains("is 61; it may be at most 60 months"), "{err}");
            assert!(err.contains(source), "{err}");
        }
    }
    let long_review = |ws: &TempWorkspace| {
        let text = example(EXAMPLE);
        let longer = text.replacen(
            "review_interval_months = 24",
            "review_interval_months = 60",
            1,
        );
        assert_ne!(text, longer);
        ws.write(&format!("agreements/{EXAMPLE}.toml"), longer);
        let (code, found, _) = validate(ws);
        (code, found.into_iter().map(|f| f.0).collect::<Vec<_>>())
    };
    let (code, codes) = long_review(&workspace(""));
    assert_eq!((code, codes), (1, vec!["DP132".to_string()]));
    let ws = workspace("[limits]\nmax_term_months = 60\nmax_review_interval_months = 60\n");
    assert_eq!(long_review(&ws), (0, Vec::new()));
}
