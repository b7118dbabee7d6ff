//! What trials of real published agreements from outside the NHS found (Step 8, "every real
//! agreement, stated truthfully"), each fixed and checked here through the binary on the
//! repository's examples, patched:
//!
//! - `[outputs]` with only one of its keys: published agreements say what is produced (a CSO
//!   statistics agreement, a council's aggregated school data) without the disclosure control, or
//!   the reverse. One key validates and the document shows only that one; neither is DP011.
//! - `no_ico_registration` instead of `ico_registration`: an Irish public body (or a body exempt
//!   from the data protection fee) has no ICO registration number, and the format made the author
//!   invent one. The reason validates and is shown in place of a number; neither is still
//!   DP011; both is DP140.
//! - `protective_marking`, `liability` and `charges`: kinds of information published agreements
//!   state (Bradford's protective marking section, a schools agreement's indemnity clause, NHS
//!   DARS charges) that had no place. Each validates, is shown in both renditions, and is checked
//!   like any text (a placeholder is DP013 at its line).

use crate::common::*;

const ID: &str = "icb-ecc-adult-social-care";
const TODAY: &str = "2026-05-01";
const ICB_ICO: &str = "ico_registration = \"ZB341234\"\n";

fn workspace(text: &str) -> TempWorkspace {
    TempWorkspace::with_agreement(ID, text)
}

fn render(ws: &TempWorkspace, extra: &[&str]) -> String {
    ws.render_ok(TODAY, ID, extra)
}

/// The ECC example with `[outputs]` holding `body`.
fn with_outputs(body: &str) -> String {
    format!("{}\n[outputs]\n{body}", example(ID))
}

#[test]
fn outputs_with_only_a_description_validates_and_shows_only_that() {
    let ws = workspace(&with_outputs(
        "description = \"Statistics on tax and customs administration\"\n",
    ));
    let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!((exit, findings(&report)), (0, vec![]));
    for format in ["md", "html"] {
        for public in [false, true] {
            let mut args = vec!["--format", format];
            if public {
                args.push("--public");
            }
            let doc = render(&ws, &args);
            assert!(
                doc.contains("Statistics on tax and customs administration"),
                "{format}"
            );
            assert!(doc.contains("What is produced or published"), "{format}");
            assert!(!doc.contains("Disclosure control"), "{format}: {doc}");
        }
    }
}

#[test]
fn outputs_with_only_the_disclosure_control_validates_and_shows_only_that() {
    let ws = workspace(&with_outputs(
        "disclosure_control = \"Published figures are based on at least three respondents\"\n",
    ));
    let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!((exit, findings(&report)), (0, vec![]));
    for format in ["md", "html"] {
        let doc = render(&ws, &["--format", format]);
        assert!(doc.contains("at least three respondents"), "{format}");
        assert!(doc.contains("Disclosure control"), "{format}");
        assert!(!doc.contains("What is produced or published"), "{format}");
    }
}

#[test]
fn outputs_saying_nothing_is_dp011_at_its_header() {
    let text = with_outputs("");
    let header = text.lines().position(|l| l == "[outputs]").unwrap() as u64 + 1;
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&[]);
    assert_eq!(exit, 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("DP011", header));
}

#[test]
fn a_party_without_an_ico_number_states_why_and_the_document_shows_it() {
    let text = example(ID).replacen(
        ICB_ICO,
        "no_ico_registration = \"An Irish public body: Ireland keeps no register of data protection fee payers\"\n",
        1,
    );
    assert_ne!(text, example(ID), "the example's ICO number moved");
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!((exit, findings(&report)), (0, vec![]));
    for format in ["md", "html"] {
        for public in [false, true] {
            let mut args = vec!["--format", format];
            if public {
                args.push("--public");
            }
            let doc = render(&ws, &args);
            assert!(
                doc.contains("Not registered with the Information Commissioner")
                    && doc.contains("Ireland keeps no register of data protection fee payers"),
                "{format} public={public}"
            );
            // The other party still shows its number; no empty number is shown for this one.
            assert_eq!(
                doc.matches("ICO registration number").count(),
                1,
                "{format}"
            );
        }
    }
}

#[test]
fn a_party_with_neither_an_ico_number_nor_a_reason_is_still_dp011() {
    let text = example(ID).replacen(ICB_ICO, "", 1);
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&[]);
    assert_eq!(exit, 1);
    let found = findings(&report);
    assert!(
        found
            .iter()
            .any(|f| f.0 == "DP011" && f.2.contains("parties[0].ico_registration")),
        "{found:?}"
    );
}

#[test]
fn a_party_with_both_an_ico_number_and_a_reason_is_dp140() {
    let text = example(ID).replacen(
        ICB_ICO,
        &format!("{ICB_ICO}no_ico_registration = \"Exempt from the fee\"\n"),
        1,
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("no_ico_registration"))
        .unwrap() as u64
        + 1;
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&[]);
    assert_eq!(exit, 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("DP140", line));
}

/// The ECC example with the three top-level texts after `schema = 1`, each `value(key)`.
fn with_top_level(value: impl Fn(&str) -> String) -> String {
    let mut top = String::from("schema = 1\n");
    for key in ["protective_marking", "liability", "charges"] {
        top += &format!("{key} = \"{}\"\n", value(key));
    }
    let text = example(ID).replacen("schema = 1\n", &top, 1);
    assert!(
        text.contains("protective_marking"),
        "the example has no `schema = 1` line"
    );
    text
}

fn top_level_value(key: &str) -> String {
    match key {
        "protective_marking" => "NOT PROTECTIVELY MARKED".into(),
        "liability" => {
            "Each party indemnifies the others against claims arising from its own breach".into()
        }
        "charges" => "No charge is made for the data shared".into(),
        _ => unreachable!(),
    }
}

#[test]
fn protective_marking_liability_and_charges_validate_and_show_in_both_renditions() {
    let ws = workspace(&with_top_level(top_level_value));
    let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!((exit, findings(&report)), (0, vec![]));
    for format in ["md", "html"] {
        for public in [false, true] {
            let mut args = vec!["--format", format];
            if public {
                args.push("--public");
            }
            let doc = render(&ws, &args);
            for shown in [
                "Protective marking",
                "NOT PROTECTIVELY MARKED",
                "Liability and indemnity",
                "against claims arising from its own breach",
                "Costs and charges",
                "No charge is made for the data shared",
            ] {
                assert!(doc.contains(shown), "{format} public={public}: {shown}");
            }
            // The marking is at the top, before the parties.
            let marking = doc.find("NOT PROTECTIVELY MARKED").unwrap();
            let parties = doc.find("Parties").unwrap();
            assert!(marking < parties, "{format}: marking after the parties");
        }
    }
    // Without them the example's documents have none of these headings.
    let plain = workspace(&example(ID));
    for format in ["md", "html"] {
        let doc = render(&plain, &["--format", format]);
        for absent in [
            "Protective marking",
            "Liability and indemnity",
            "Costs and charges",
        ] {
            assert!(!doc.contains(absent), "{format}: {absent}");
        }
    }
}

#[test]
fn a_placeholder_in_each_new_top_level_text_is_dp013_at_its_line() {
    for key in ["protective_marking", "liability", "charges"] {
        let text = with_top_level(|k| {
            if k == key {
                "TODO: fill in".into()
            } else {
                top_level_value(k)
            }
        });
        let line = text
            .lines()
            .position(|l| l.starts_with(&format!("{key} =")))
            .unwrap() as u64
            + 1;
        let ws = workspace(&text);
        let (exit, report, _) = ws.validate_json(&[]);
        assert_eq!(exit, 1, "{key}");
        let found = findings(&report);
        assert_eq!(found.len(), 1, "{key}: {found:?}");
        assert_eq!((found[0].0.as_str(), found[0].1), ("DP013", line), "{key}");
    }
}
