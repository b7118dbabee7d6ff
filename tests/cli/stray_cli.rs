//! The workspace as a whole (DP023, DP024): entries of agreements/ that are not agreement files
//! are reported by name with what to do, and a whole-workspace `validate` or `check` that finds
//! no agreement fails (an error unless datapact.toml relaxes it). Runs on named agreements do
//! not scan the workspace.

use crate::common::*;
use serde_json::Value;

const TODAY: &str = "2026-11-25";

/// A finding as (code, severity, file, message, hint).
type Found = (String, String, String, String, String);

/// `datapact --today TODAY COMMAND --format json ARGS...`: the exit code and the findings with
/// code DP023 or DP024, as (code, severity, file, message, hint).
fn workspace_findings(ws: &TempWorkspace, command: &str, args: &[&str]) -> (i32, Vec<Found>) {
    let mut all = vec!["--today", TODAY, command, "--format", "json"];
    all.extend_from_slice(args);
    let out = ws.output_c(&all);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = finding_objects(&report)
        .filter(|f| matches!(f["code"].as_str(), Some("DP023" | "DP024")))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("code"), s("severity"), s("file"), s("message"), s("hint"))
        })
        .collect();
    (out.status.code().unwrap(), found)
}

#[test]
fn stray_entries_of_agreements_are_named_with_what_to_do() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    ws.write("agreements/README.md", "notes");
    ws.write("agreements/archive/old.toml", example(ID));
    ws.write("agreements/other.TOML", example(ID));
    ws.write("agreements/.gitkeep", "");
    for command in ["validate", "check"] {
        let (code, found) = workspace_findings(&ws, command, &[]);
        let files: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(
            files,
            [
                "agreements/README.md",
                "agreements/archive",
                "agreements/other.TOML"
            ],
            "{command}: {found:?}"
        );
        assert!(found.iter().all(|f| f.0 == "DP023" && f.1 == "warning"));
        assert!(
            found[0].4.contains("move it out of agreements/"),
            "{found:?}"
        );
        assert!(found[1].3.contains("is a folder"), "{found:?}");
        assert_eq!(found[2].4, "rename it to agreements/other.toml");
        // Warnings: the run passes unless warnings fail it.
        assert_eq!(code, 0, "{command}: {found:?}");
    }
    let (code, _) = workspace_findings(&ws, "check", &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    // The human report names them too.
    let (_, out, _) = ws.run(&["--today", TODAY, "check"]);
    assert!(
        out.contains("warning[DP023]: agreements/README.md:1:1"),
        "{out}"
    );
}

#[test]
fn a_run_on_named_agreements_does_not_scan_the_workspace() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    ws.write("agreements/README.md", "notes");
    for command in ["validate", "check"] {
        let (_, found) = workspace_findings(&ws, command, &[ID]);
        assert!(found.is_empty(), "{command}: {found:?}");
    }
}

#[test]
fn no_agreements_fails_validate_and_check() {
    let ws = TempWorkspace::new();
    for command in ["validate", "check"] {
        let (code, found) = workspace_findings(&ws, command, &[]);
        assert_eq!(code, 1, "{command}");
        assert_eq!(found.len(), 1, "{found:?}");
        let (rule, severity, file, message, hint) = &found[0];
        assert_eq!((rule.as_str(), severity.as_str()), ("DP024", "error"));
        assert_eq!(file, "agreements/");
        assert!(message.contains("nothing was checked"), "{message}");
        assert!(hint.contains("-C DIR"), "{hint}");
    }
    // A folder has no lines: the human report names it alone (not `agreements/:1:1`).
    let human = ws.output(&["check"]);
    assert!(
        text(&human.stdout).contains("error[DP024]: agreements/: agreements/ holds no agreement"),
        "{}",
        text(&human.stdout)
    );
    // The folder is no file checked.
    assert!(
        text(&human.stdout).ends_with("\n0 files checked: 1 error, 0 warnings\n"),
        "{}",
        text(&human.stdout)
    );
    // A stray file is no agreement: still none.
    ws.write("agreements/README.md", "notes");
    let (code, found) = workspace_findings(&ws, "check", &[]);
    assert_eq!(code, 1);
    assert_eq!(found.len(), 2, "{found:?}");
    // A missing agreements/ folder says so.
    std::fs::remove_dir_all(ws.root().join("agreements")).unwrap();
    let (code, found) = workspace_findings(&ws, "check", &[]);
    assert_eq!(code, 1);
    assert!(
        found[0].3.contains("there is no agreements/ folder"),
        "{found:?}"
    );
}

#[test]
fn a_workspace_empty_on_purpose_relaxes_no_agreements_in_its_settings() {
    let ws = TempWorkspace::new();
    ws.write("datapact.toml", "[rules]\nDP024 = \"warning\"\n");
    let (code, found) = workspace_findings(&ws, "check", &[]);
    assert_eq!(code, 0);
    assert_eq!(found[0].1, "warning");
    let (code, _) = workspace_findings(&ws, "check", &["--fail-on", "warning"]);
    assert_eq!(code, 1);
}
