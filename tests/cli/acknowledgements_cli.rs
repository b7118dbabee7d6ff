//! Acknowledgements (`[[acknowledgements]]`), through the binary: a judgement rule's finding
//! (DP144, an unmarked item that sounds like health data) is answered by an entry naming the rule
//! by code or name and the item (matched ignoring case and surrounding spaces); the answer is
//! shown in both renditions under "Points considered"; an entry for another item answers nothing
//! (the finding stays, and DP151 says the entry is unused); an entry without a reason is DP011;
//! an entry for a rule that is not a judgement, or for no rule, is DP022.

use crate::common::*;

const ID: &str = "icb-ecc-adult-social-care";
const TODAY: &str = "2026-05-01";

/// The ECC example with its medication item unmarked (DP144) and `extra` appended.
fn workspace(extra: &str) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), unmarked_medication(extra));
    ws
}

/// The ECC example's text with its medication item unmarked (DP144) and `extra` appended.
pub fn unmarked_medication(extra: &str) -> String {
    let text = example(ID).replacen(
        "name = \"Current medication\"\njustification = \"Needed to plan support with taking medicines safely.\"\nspecial_category = \"health\"\n",
        "name = \"Current medication\"\njustification = \"Needed to plan support with taking medicines safely.\"\n",
        1,
    );
    assert!(
        !text.contains("medicines safely.\"\nspecial_category"),
        "the example changed"
    );
    format!("{text}{extra}")
}

fn codes_of(ws: &TempWorkspace) -> (i32, Vec<String>) {
    let (exit, report, _) = ws.validate_json(&["--today", TODAY]);
    (exit, findings(&report).into_iter().map(|f| f.0).collect())
}

const ANSWER: &str = "Medication is recorded as a support need for the care plan; the clinical record stays with the practice.";

fn acknowledgement(rule: &str, item: Option<&str>, reason: Option<&str>) -> String {
    let mut s = format!("\n[[acknowledgements]]\nrule = \"{rule}\"\n");
    if let Some(item) = item {
        s += &format!("item = \"{item}\"\n");
    }
    if let Some(reason) = reason {
        s += &format!("reason = \"{reason}\"\n");
    }
    s
}

#[test]
fn an_unanswered_judgement_is_reported_with_the_entry_that_would_answer_it() {
    let ws = workspace("");
    let (exit, report, _) = ws.validate_json(&["--today", TODAY]);
    assert_eq!(exit, 0, "a warning alone does not fail validate");
    let found = findings(&report);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["DP144"]
    );
    let hint = report["files"][0]["findings"][0]["hint"].as_str().unwrap();
    assert!(
        hint.contains(r#"rule = "DP144", item = "Current medication""#),
        "{hint}"
    );
}

#[test]
fn an_entry_answers_its_finding_by_code_or_name_ignoring_case_and_spaces() {
    for (rule, item) in [
        ("DP144", "Current medication"),
        ("likely-special-category", "  current MEDICATION "),
        // A code in lower case names the rule too (it was DP022, "no such rule").
        ("dp144", "Current medication"),
    ] {
        let ws = workspace(&acknowledgement(rule, Some(item), Some(ANSWER)));
        assert_eq!(codes_of(&ws), (0, vec![]), "{rule} {item:?}");
        let (exit, _, err) = ws.run(&["--today", TODAY, "validate", "--deny-warnings"]);
        assert_eq!(exit, 0, "{err}");
    }
}

#[test]
fn the_answer_is_shown_in_both_renditions() {
    let ws = workspace(&acknowledgement(
        "DP144",
        Some("Current medication"),
        Some(ANSWER),
    ));
    for extra in [&[][..], &["--public"][..]] {
        for format in ["md", "html"] {
            let mut args = vec!["--today", TODAY, "render", ID, "--format", format];
            args.extend_from_slice(extra);
            let (exit, out, err) = ws.run(&args);
            assert_eq!(exit, 0, "{err}");
            assert!(out.contains("Points considered"), "{format} {extra:?}");
            assert!(out.contains("DP144 likely-special-category"), "{format}");
            assert!(out.contains("Current medication"), "{format}");
            assert!(
                out.contains("the clinical record stays with the practice"),
                "{format} {extra:?}"
            );
        }
    }
}

#[test]
fn an_entry_for_another_item_answers_nothing_and_is_reported() {
    let ws = workspace(&acknowledgement(
        "DP144",
        Some("Current medications"),
        Some(ANSWER),
    ));
    let (exit, codes) = codes_of(&ws);
    assert_eq!(exit, 0);
    assert_eq!(codes, ["DP144", "DP151"]);
    // An entry without an item does not answer a finding about an item either.
    let ws = workspace(&acknowledgement("DP144", None, Some(ANSWER)));
    assert_eq!(codes_of(&ws).1, ["DP144", "DP151"]);
}

#[test]
fn an_entry_needs_a_reason_and_a_judgement_rule() {
    let ws = workspace(&acknowledgement("DP144", Some("Current medication"), None));
    assert_eq!(codes_of(&ws), (1, vec!["DP011".to_string()]));
    for rule in ["DP110", "why-not-anonymised", "DP999", "no-such-rule"] {
        let ws = workspace(&acknowledgement(rule, None, Some(ANSWER)));
        let (exit, codes) = codes_of(&ws);
        assert_eq!(exit, 1, "{rule}");
        assert!(codes.contains(&"DP022".to_string()), "{rule}: {codes:?}");
    }
}

/// The state `status` and `verify` show, which validate each agreement for its errors only
/// (judgements whose findings are warnings are not run unless something makes them count).
fn states_of(ws: &TempWorkspace) -> (String, String) {
    let state = |cmd: &str, list: &str| {
        let (_, out, err) = ws.run(&["--today", TODAY, cmd, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!("{cmd}: {e}: {out}{err}");
        });
        json[list][0]["state"].as_str().unwrap().to_string()
    };
    (state("status", "agreements"), state("verify", "agreements"))
}

#[test]
fn the_state_counts_a_judgement_the_workspace_makes_an_error_and_an_answer_it_needs() {
    let draft = || ("draft".to_string(), "draft".to_string());
    let invalid = || ("invalid".to_string(), "invalid".to_string());
    // A judgement's warning leaves the agreement a draft (it is not signed).
    let ws = workspace("");
    assert_eq!(states_of(&ws), draft());
    // Made an error by the workspace, the same finding makes it invalid.
    ws.write("datapact.toml", "[rules]\nDP144 = \"error\"\n");
    assert_eq!(states_of(&ws), invalid());
    // With DP151 (an entry that answers nothing) an error, an entry answering the judgement
    // keeps the agreement a draft, and one answering nothing makes it invalid: the judgement
    // is run to know, though its own findings are warnings.
    let answered = workspace(&acknowledgement(
        "DP144",
        Some("Current medication"),
        Some(ANSWER),
    ));
    answered.write("datapact.toml", "[rules]\nDP151 = \"error\"\n");
    assert_eq!(states_of(&answered), draft());
    let stale = workspace(&acknowledgement("DP144", Some("Bus pass"), Some(ANSWER)));
    stale.write("datapact.toml", "[rules]\nDP151 = \"error\"\n");
    assert_eq!(states_of(&stale), invalid());
}
