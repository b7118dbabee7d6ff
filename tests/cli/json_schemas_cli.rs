//! Every JSON output has one envelope (`format_version`, `tool`, `tool_version`, `command`,
//! `today`) and one vocabulary (`id` for an agreement's id, `state` for the derived state), and
//! is described by a JSON Schema in docs/schemas/: the real output of each command, on a
//! workspace with signed, tampered, invalid and stray files and a git history, is validated
//! against its schema here.

use crate::common::*;
use serde_json::Value;

const TODAY: &str = "2026-11-25";

/// The schema files and the command lines whose output each describes.
const CASES: &[(&str, &[&str])] = &[
    ("findings-report", &["validate"]),
    ("findings-report", &["check"]),
    ("findings-report", &["check", "--history"]),
    ("status", &["status"]),
    ("verify", &["verify"]),
    ("verify", &["verify", "--history"]),
    ("keys-list", &["keys", "list"]),
    ("log", &["log", SAFEGUARDING]),
    ("diff", &["diff", ID, "--from", "1", "--to", "2"]),
    ("vocab", &["vocab"]),
    ("vocab", &["vocab", "dpa_schedule1"]),
];

fn validator(name: &str) -> jsonschema::Validator {
    let path = repo().join(format!("docs/schemas/{name}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name}: the schema does not compile: {e}"))
}

/// A workspace with every kind of row: the signed examples (one tampered), an agreement at v2
/// with a history, a stray file and, with `broken`, a file that is not TOML.
fn workspace(broken: bool) -> TempWorkspace {
    let ws = signed_examples();
    commit_all(ws.root(), "the signed examples", T0);
    let path = ws.root().join(format!("agreements/{ID}.toml"));
    set_version(&path, 2);
    commit_all(ws.root(), "v2", "2026-05-01T10:00:00Z");
    tamper_safeguarding(&ws);
    ws.write("agreements/README.md", "notes");
    if broken {
        ws.write("agreements/broken.toml", "title = ");
    }
    ws
}

fn run_json(ws: &TempWorkspace, args: &[&str]) -> Value {
    // DATAPACT_TODAY, not --today: some of these commands judge no dates, and refuse --today.
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let out = ws
        .cmd()
        .env("DATAPACT_TODAY", TODAY)
        .args(&all)
        .output()
        .unwrap();
    assert_no_panic(&out);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

fn assert_valid(name: &str, args: &[&str], doc: &Value) {
    let errors: Vec<String> = validator(name)
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{args:?} against {name}:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_json_output_matches_its_schema_and_has_the_envelope() {
    let ws = workspace(false);
    for (name, args) in CASES {
        let doc = run_json(&ws, args);
        assert_valid(name, args, &doc);
        assert_eq!(doc["format_version"], 2, "{args:?}");
        assert_eq!(doc["tool"], "datapact", "{args:?}");
        // vocab judges no date, so it records none.
        let today = if *name == "vocab" {
            Value::Null
        } else {
            Value::from(TODAY)
        };
        assert_eq!(doc["today"], today, "{args:?}");
        let command = if args[0] == "keys" {
            "keys list"
        } else {
            args[0]
        };
        assert_eq!(doc["command"], command, "{args:?}");
    }
}

/// The object of agreement `id` in a document's `agreements`.
fn agreement<'a>(doc: &'a Value, id: &str) -> &'a Value {
    let all = doc["agreements"].as_array().unwrap();
    all.iter().find(|a| a["id"] == id).unwrap()
}

#[test]
fn the_schemas_hold_the_vocabulary() {
    let ws = workspace(false);
    let verify = run_json(&ws, &["verify"]);
    let tampered = agreement(&verify, SAFEGUARDING);
    // One set of state values: verify's state is status's.
    let status = run_json(&ws, &["status"]);
    let row = agreement(&status, SAFEGUARDING);
    assert_eq!(tampered["state"], "signatures-invalid");
    assert_eq!(tampered["state"], row["state"]);
    assert_eq!(tampered["state_label"], row["state_label"]);
    assert_ne!(tampered["signature_state"], "full");
    // A document using the old vocabulary fails the schema: the test can fail.
    let mut old = verify.clone();
    old["agreements"][0]["agreement"] = old["agreements"][0]["id"].take();
    assert!(!validator("verify").is_valid(&old));
    let mut old = status;
    old["agreements"][0]["state"] = "partial".into();
    assert!(!validator("status").is_valid(&old));
    let mut old = run_json(&ws, &["check"]);
    old["format_version"] = 1.into();
    assert!(!validator("findings-report").is_valid(&old));
}

#[test]
fn a_file_that_cannot_be_read_still_matches() {
    let ws = workspace(true);
    for args in [&["validate"][..], &["check"]] {
        let doc = run_json(&ws, args);
        assert_valid("findings-report", args, &doc);
        let broken = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == "agreements/broken.toml")
            .unwrap();
        assert_eq!(broken["findings"][0]["code"], "DP005", "{broken}");
    }
    let doc = run_json(&ws, &["status"]);
    assert_valid("status", &["status"], &doc);
}

#[test]
fn every_schema_is_tested_and_documented() {
    let output = std::fs::read_to_string(repo().join("docs/output.md")).unwrap();
    for name in dir_names(&repo().join("docs/schemas")) {
        let stem = name.strip_suffix(".schema.json").unwrap_or(&name);
        assert!(
            CASES.iter().any(|(n, _)| *n == stem),
            "docs/schemas/{name} has no case in CASES"
        );
        assert!(
            output.contains(&format!("schemas/{name}")),
            "docs/output.md does not name {name}"
        );
    }
}
