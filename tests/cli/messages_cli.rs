//! What a user sees while filling in and checking agreements (issue 16 items 3, 10 and 13):
//! conditional requirements reported with the structural errors of a new agreement, repeated
//! hints printed once, `--summary`, Schedule 1 conditions written in prose, exporting the
//! templates into the workspace's own `templates/`, and `validate FILE` outside any workspace.

use crate::common::*;

/// A workspace with a new agreement `t-<template>` made from each built-in template.
fn new_agreements() -> TempWorkspace {
    let ws = TempWorkspace::init();
    for template in TEMPLATES {
        let id = format!("t-{template}");
        let args = [
            "new",
            &id,
            "--template",
            template,
            "--title",
            "T",
            "--party",
            "org-a",
            "--party",
            "org-b",
        ];
        let (code, _, err) = ws.run(&args);
        assert_eq!(code, 0, "{template}: {err}");
    }
    ws
}

/// `text` with the commented-out line `# line` made a line of the file.
fn choose(text: &str, line: &str) -> String {
    let commented = format!("\n# {line}\n");
    assert!(text.contains(&commented), "no `# {line}` in:\n{text}");
    text.replacen(&commented, &format!("\n{line}\n"), 1)
}

#[test]
fn conditional_requirements_are_reported_in_the_first_run_where_their_condition_is_decided() {
    let ws = new_agreements();
    for template in TEMPLATES {
        let file = format!("agreements/t-{template}.toml");
        let fresh = std::fs::read_to_string(ws.root().join(&file)).unwrap();
        // Fresh, the conditions are not chosen yet: nothing conditional can be decided.
        let (code, report, _) = ws.validate_json(&[&file]);
        let fresh_codes = codes(&report);
        assert_eq!(code, 1, "{template}");
        assert!(
            fresh_codes.iter().any(|c| c == "DP013"),
            "{template}: {fresh_codes:?}"
        );
        assert!(
            !fresh_codes.iter().any(|c| c == "DP109" || c == "DP119"),
            "{template}: undecided conditions reported: {fresh_codes:?}"
        );
        // The user makes the choices but leaves every TODO: consent not sought (so the
        // exception and its justification, left commented out, are required) and data leaving
        // the UK (so safeguards are). Both are reported with the TODOs, in the same run.
        let chosen = choose(&choose(&fresh, "sought = false"), "outside_uk = true");
        ws.write(&file, &chosen);
        let (code, report, _) = ws.validate_json(&[&file]);
        let codes = codes(&report);
        assert_eq!(code, 1, "{template}");
        for expected in ["DP013", "DP109", "DP119"] {
            assert!(
                codes.iter().any(|c| c == expected),
                "{template}: no {expected} in {codes:?}"
            );
        }
    }
}

#[test]
fn a_conditional_requirement_whose_values_are_not_read_yet_is_not_reported() {
    let ws = new_agreements();
    let file = "agreements/t-specific.toml";
    let text = std::fs::read_to_string(ws.root().join(file)).unwrap();
    // health_or_care = true needs a Caldicott Guardian: the template's is still a TODO (its
    // own finding), so DP104 would be noise...
    let chosen = choose(&text, "health_or_care = true");
    ws.write(file, &chosen);
    let (_, report, _) = ws.validate_json(&[file]);
    assert!(!codes(&report).iter().any(|c| c == "DP104"));
    // ...and once the line is removed, the missing Guardian is reported with the other errors.
    let without: String = chosen
        .lines()
        .filter(|l| !l.starts_with("caldicott_guardian"))
        .map(|l| format!("{l}\n"))
        .collect();
    ws.write(file, &without);
    let (_, report, _) = ws.validate_json(&[file]);
    let found = findings(&report);
    assert!(
        found
            .iter()
            .any(|(code, _, m)| code == "DP104" && m.contains("\"org-a\"")),
        "{found:?}"
    );
    assert!(found.iter().any(|(code, _, _)| code == "DP013"));
    // consent.sought = false with the exception still a TODO: the exception is undecided.
    let todo = choose(&text, "sought = false").replacen(
        "# exception = \"protect-from-harm\"",
        "exception = \"TODO: the exception\" #",
        1,
    );
    ws.write(file, &todo);
    let (_, report, _) = ws.validate_json(&[file]);
    assert!(!codes(&report).iter().any(|c| c == "DP109"));
}

#[test]
fn a_new_agreement_prints_each_shared_hint_once() {
    let ws = new_agreements();
    let out = ws.output_c(&["validate", "agreements/t-specific.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let todo_hint = "replace the TODO text with the agreement's own wording";
    assert_eq!(stdout.matches(todo_hint).count(), 1, "{stdout}");
    let findings = stdout.lines().filter(|l| l.starts_with("error[")).count();
    let hints = stdout.lines().filter(|l| l.starts_with("  hint")).count();
    assert!(findings > 50, "{stdout}");
    assert!(
        hints < 12,
        "{hints} hints for {findings} findings:\n{stdout}"
    );
    // The shared hint follows the findings it answers and says how many they are.
    let todo = stdout
        .lines()
        .filter(|l| l.contains("is still to fill in"))
        .count();
    let shared = format!("  hint (the {todo} findings above): {todo_hint}");
    assert!(stdout.contains(&shared), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines.iter().position(|l| *l == shared).unwrap();
    assert!(
        lines[at - todo..at]
            .iter()
            .all(|l| l.contains("is still to fill in"))
    );
}

#[test]
fn summary_prints_one_line_per_file() {
    let ws = new_agreements();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    for command in ["validate", "check"] {
        let out = ws.output_c(&[command, "--summary", "--today", "2026-06-01"]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let stdout = text(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), TEMPLATES.len() + 2, "{command}:\n{stdout}");
        let specific = lines
            .iter()
            .find(|l| l.starts_with("agreements/t-specific.toml: "))
            .unwrap();
        assert!(
            specific.contains(" errors, 0 warnings; most: DP013 ("),
            "{specific}"
        );
        let example = lines
            .iter()
            .find(|l| l.starts_with(&format!("agreements/{ID}.toml: ")))
            .unwrap();
        if command == "validate" {
            assert_eq!(*example, format!("agreements/{ID}.toml: no problems"));
        }
        assert!(lines.last().unwrap().starts_with("7 files checked: "));
    }
    // `--format summary` is the same; `--summary` with another format is a usage error.
    let a = ws.output_c(&["validate", "--summary"]);
    let b = ws.output_c(&["validate", "--format", "summary"]);
    assert_eq!(a.stdout, b.stdout);
    let out = ws.output_c(&["validate", "--summary", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot be used with"));
}

#[test]
fn a_schedule1_condition_written_in_prose_is_recognised() {
    let good = "dpa_schedule1 = [\"health-or-social-care\"]";
    assert!(example(ID).contains(good));
    for prose in ["Schedule 1 para 2", "Sch 1 paragraph 2", "Sch.1 para.2"] {
        let ws = TempWorkspace::new();
        let agreement = example(ID).replace(good, &format!("dpa_schedule1 = [\"{prose}\"]"));
        ws.write(&format!("agreements/{ID}.toml"), agreement);
        let out = ws.output_c(&["validate", ID]);
        assert_eq!(out.status.code(), Some(1), "{prose}");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("has unknown value \"{prose}\"")),
            "{stdout}"
        );
        assert!(
            stdout.contains(
                "hint: did you mean \"health-or-social-care\" (Schedule 1, paragraph 2)? Known values: \"employment\" (para 1), \"health-or-social-care\" (para 2),"
            ),
            "{stdout}"
        );
    }
}

#[test]
fn exporting_the_templates_into_the_workspace_templates_folder_warns_they_are_all_overridden() {
    let ws = TempWorkspace::init();
    // Named directly, and from a sub-folder by `..`: the same folder.
    for (dir, target) in [(".", "templates"), ("agreements", "../templates/")] {
        let out = ws
            .cmd()
            .current_dir(ws.root().join(dir))
            .args(["templates", "export", target])
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(0), "{target}");
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.starts_with("Wrote "), "{stderr}");
        assert!(!stderr.contains("Copy the ones you change"), "{stderr}");
        assert!(
            stderr.contains("is the workspace's templates folder, so all")
                && stderr.contains("built-in templates are now overridden and will no longer receive fixes from datapact upgrades"),
            "{stderr}"
        );
        assert!(
            stderr.contains("export elsewhere") && stderr.contains("copy only the ones you change"),
            "{stderr}"
        );
        let listed = ws.run(&["templates", "list"]).1;
        assert!(!listed.contains("built-in\n"), "{listed}");
        std::fs::remove_dir_all(ws.root().join("templates")).unwrap();
    }
    // Anywhere else, inside the workspace or out: the usual advice, no warning.
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("t");
    for target in ["exported", outside.to_str().unwrap()] {
        let (code, stdout, stderr) = ws.run(&["templates", "export", target]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains("Copy the ones you change"), "{stderr}");
        assert!(!stderr.contains("overridden"), "{stderr}");
    }
}

/// A temporary folder with no workspace in it or above it, and the binary run there.
fn no_workspace() -> (tempfile::TempDir, impl Fn(&[&str]) -> std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    assert!(
        root.ancestors().all(|a| !a.join("datapact.toml").exists()),
        "the temporary folder is inside a workspace"
    );
    let run = move |args: &[&str]| {
        let out = datapact()
            .current_dir(&root)
            .env_remove("DATAPACT_TODAY")
            .args(args)
            .output()
            .unwrap();
        assert_no_panic(&out);
        out
    };
    (dir, run)
}

#[test]
fn an_agreement_received_by_email_is_validated_outside_any_workspace() {
    let (dir, run) = no_workspace();
    // Its name is not its id: the file-name check belongs to a workspace and is skipped.
    std::fs::write(dir.path().join("received.toml"), example(ID)).unwrap();
    let out = run(&["validate", "./received.toml", "--today", "2026-06-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 file checked: no problems"));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("note: no datapact workspace found, so validated with datapact's default settings (the NHS Essex")
            && stderr.contains("skipped the workspace-only check that a file's name matches its agreement id"),
        "{stderr}"
    );
    // An invalid one: its findings, exit 1.
    let broken = example(ID).replacen("why_sharing = \"\"\"", "why_sharing = 12\nold = \"\"\"", 1);
    std::fs::write(dir.path().join("broken.toml"), broken).unwrap();
    let out = run(&["validate", "broken.toml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(codes(&report).iter().any(|c| c == "DP014"), "{report}");
    assert_eq!(report["files"][0]["file"], "broken.toml");
    // A symbolic link is refused (exit 2), not followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("received.toml", dir.path().join("link.toml")).unwrap();
        let out = run(&["validate", "link.toml"]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("link.toml is a symbolic link") && stderr.contains("hint:"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    // An id, or no target, still needs a workspace.
    for args in [&["validate", "received"][..], &["validate"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains("no datapact workspace found"));
    }
}
