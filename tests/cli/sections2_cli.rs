//! Step 8, what published agreements state that the format could not hold: criminal offence data
//! under its own Schedule 1 condition and appropriate policy document (DP122, DP138, DP139),
//! validated, rendered in both templates and in the public rendition, through the binary.

use crate::common::*;
use toml_edit::{DocumentMut, value};

/// The example that shares criminal offence data (the alleged offence, with the police).
const CRIMINAL: &str = "mse-hospital-police-safeguarding";

fn workspace_with(id: &str, doc: &DocumentMut) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{id}.toml"), doc.to_string());
    ws
}

fn codes_of(ws: &TempWorkspace) -> (i32, Vec<String>) {
    let (exit, report, _) = ws.validate_json(&[]);
    let mut codes: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    codes.sort();
    codes.dedup();
    (exit, codes)
}

fn strings(items: &[&str]) -> toml_edit::Array {
    toml_edit::Array::from_iter(items.iter().copied())
}

/// The criminal offence data's own condition: a Part 2 condition needs the appropriate policy
/// document (DP138) until it is named; a Part 3 condition without one does not; both render.
#[test]
fn criminal_offence_data_names_its_condition_and_policy_document() {
    let mut doc: DocumentMut = example(CRIMINAL).parse().unwrap();
    doc["lawful_basis"]["criminal_offence"] =
        value(strings(&["preventing-or-detecting-unlawful-acts"]));
    let ws = workspace_with(CRIMINAL, &doc);
    assert_eq!(codes_of(&ws), (1, vec!["DP138".to_string()]));

    doc["lawful_basis"]["policy_document"] = value(
        "Trust appropriate policy document for special category and criminal offence data, v3 (2026)",
    );
    let ws = workspace_with(CRIMINAL, &doc);
    assert_eq!(codes_of(&ws), (0, vec![]));
    for format in ["md", "html"] {
        for public in [false, true] {
            let mut args = vec![
                "--today",
                "2026-12-01",
                "render",
                CRIMINAL,
                "--format",
                format,
            ];
            if public {
                args.push("--public");
            }
            let (code, out, err) = ws.run(&args);
            assert_eq!(code, 0, "{err}");
            assert!(
                out.contains("Criminal offence data (UK GDPR Article 10, DPA 2018 s.10(5))"),
                "{out}"
            );
            assert!(
                out.contains(
                    "DPA 2018 Sch 1 Part 2 para 10: preventing or detecting unlawful acts"
                ),
                "{out}"
            );
            assert!(out.contains("Appropriate policy document"), "{out}");
            assert!(out.contains("v3 (2026)"), "{out}");
        }
    }

    // A Part 3 condition that needs no policy document (legal claims, para 33).
    let lb = doc["lawful_basis"].as_table_mut().unwrap();
    lb.remove("policy_document");
    lb["criminal_offence"] = value(strings(&["criminal-offence-legal-claims"]));
    let ws = workspace_with(CRIMINAL, &doc);
    assert_eq!(codes_of(&ws), (0, vec![]));

    // No condition anywhere: DP122 (with DP106 for the Art 9(2)(g) left without one).
    doc["lawful_basis"]["criminal_offence"] = value(strings(&[]));
    doc["lawful_basis"]["dpa_schedule1"] = value(strings(&[]));
    let ws = workspace_with(CRIMINAL, &doc);
    assert_eq!(
        codes_of(&ws),
        (1, vec!["DP106".to_string(), "DP122".to_string()])
    );
}

/// The new keys are checked like every text and vocabulary value: an unknown condition (DP015),
/// a placeholder (DP013), a control character (DP019).
#[test]
fn criminal_offence_keys_are_checked_structurally() {
    let mut doc: DocumentMut = example(CRIMINAL).parse().unwrap();
    doc["lawful_basis"]["criminal_offence"] =
        value(strings(&["preventing-or-detecting-unlawful-act"]));
    doc["lawful_basis"]["policy_document"] = value("TODO: the policy document");
    let ws = workspace_with(CRIMINAL, &doc);
    let (exit, codes) = codes_of(&ws);
    assert_eq!(exit, 1);
    assert!(codes.contains(&"DP015".to_string()), "{codes:?}");
    assert!(codes.contains(&"DP013".to_string()), "{codes:?}");
    doc["lawful_basis"]["criminal_offence"] = value(strings(&["criminal-offence-legal-claims"]));
    doc["lawful_basis"]["policy_document"] = value("APD \u{1b}[2K v3");
    let ws = workspace_with(CRIMINAL, &doc);
    let (_, codes) = codes_of(&ws);
    assert_eq!(codes, vec!["DP019".to_string()]);
}
