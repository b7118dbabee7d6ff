//! One name for one idea on every command: `--fail-on` (validate and check; `--deny-warnings`
//! kept hidden), `--require-signed` (check and verify; `--require-complete` kept hidden), `-o` /
//! `--out` for every output file (`--output` kept hidden), `--format human` for every human
//! format; and the global `-q` (findings only) and `-v` (what passed too).

use crate::common::*;

const TODAY: &str = "2026-11-25";

/// A workspace whose only finding is a warning: a stray README in agreements/ (DP023).
fn warning_only() -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    ws.write("agreements/README.md", "notes");
    ws
}

fn code(ws: &TempWorkspace, args: &[&str]) -> i32 {
    let mut all = vec!["--today", TODAY];
    all.extend_from_slice(args);
    ws.run(&all).0
}

fn help(args: &[&str]) -> String {
    let out = datapact().args(args).arg("--help").output().unwrap();
    text(&out.stdout)
}

#[test]
fn fail_on_is_the_one_name_and_deny_warnings_still_works_hidden() {
    let ws = warning_only();
    for command in ["validate", "check"] {
        assert_eq!(code(&ws, &[command]), 0, "{command}");
        assert_eq!(
            code(&ws, &[command, "--fail-on", "warning"]),
            1,
            "{command}"
        );
        assert_eq!(code(&ws, &[command, "--fail-on", "error"]), 0, "{command}");
        assert_eq!(code(&ws, &[command, "--deny-warnings"]), 1, "{command}");
        let help = help(&[command]);
        assert!(help.contains("--fail-on"), "{help}");
        assert!(!help.contains("--deny-warnings"), "{help}");
    }
}

#[test]
fn require_signed_is_the_one_name_and_require_complete_still_works_hidden() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    assert_eq!(code(&ws, &["verify"]), 0);
    assert_eq!(code(&ws, &["verify", "--require-signed"]), 1);
    assert_eq!(code(&ws, &["verify", "--require-complete"]), 1);
    assert_eq!(code(&ws, &["check", "--require-signed"]), 1);
    let verify = help(&["verify"]);
    assert!(verify.contains("--require-signed"), "{verify}");
    assert!(!verify.contains("--require-complete"), "{verify}");
}

#[test]
fn every_output_file_is_o_or_out_and_output_still_works() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    for flag in ["-o", "--out", "--output"] {
        let file = format!("cal{}.ics", flag.len());
        assert_eq!(code(&ws, &["calendar", flag, &file]), 0, "{flag}");
        assert!(ws.root().join(&file).is_file(), "{flag}");
    }
    for command in [
        &["calendar"][..],
        &["render"],
        &["keys", "generate"],
        &["keys", "export-allowed-signers"],
    ] {
        let help = help(command);
        assert!(help.contains("-o, --out"), "{command:?}: {help}");
        assert!(!help.contains("--output"), "{command:?}: {help}");
    }
}

#[test]
fn status_takes_human_like_every_other_command() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let table = ws.run(&["--today", TODAY, "status"]).1;
    assert_eq!(
        ws.run(&["--today", TODAY, "status", "--format", "human"]).1,
        table
    );
    assert_eq!(
        ws.run(&["--today", TODAY, "status", "--format", "table"]).1,
        table
    );
}

#[test]
fn quiet_prints_findings_only_and_verbose_what_passed_too() {
    let ws = warning_only();
    let (_, normal, _) = ws.run(&["--today", TODAY, "check"]);
    assert!(normal.contains("warning[DP023]"), "{normal}");
    assert!(normal.contains("files checked"), "{normal}");
    assert!(
        !normal.contains(&format!("ok: agreements/{ID}.toml")),
        "{normal}"
    );
    for q in ["-q", "--quiet"] {
        let (code, quiet, _) = ws.run(&["--today", TODAY, q, "check"]);
        assert_eq!(code, 0);
        assert!(quiet.contains("warning[DP023]"), "{quiet}");
        assert!(!quiet.contains("files checked"), "{quiet}");
    }
    // The global flag works after the subcommand too.
    let (_, quiet, _) = ws.run(&["--today", TODAY, "validate", "-q"]);
    assert!(!quiet.contains("checked"), "{quiet}");
    // (check finds the example unsigned, a warning: validate finds nothing wrong with it.)
    for v in ["-v", "--verbose"] {
        let (_, verbose, _) = ws.run(&["--today", TODAY, "validate", v]);
        assert!(
            verbose.contains(&format!("ok: agreements/{ID}.toml")),
            "{verbose}"
        );
        assert!(verbose.contains("warning[DP023]"), "{verbose}");
    }
    // A clean run under -q prints nothing; notes go too.
    std::fs::remove_file(ws.root().join("agreements/README.md")).unwrap();
    let (code, out, _) = ws.run(&["--today", TODAY, "-q", "validate"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (_, _, err) = ws.run(&["--today", TODAY, "calendar", "-o", "cal.ics"]);
    assert!(!err.is_empty(), "calendar -o says where it wrote");
    let (_, _, err) = ws.run(&["--today", TODAY, "-q", "calendar", "-o", "cal.ics"]);
    assert_eq!(err, "");
    // Both at once is a usage error.
    assert_eq!(ws.run(&["-q", "-v", "check"]).0, 2);
}

/// DATAPACT_TODAY: an empty value (a CI input nobody filled in) counts as unset, `--today`
/// overrides it, and a value that is not a date is blamed on the variable, not on `--today`.
#[test]
fn an_empty_datapact_today_is_unset_and_a_bad_one_is_named() {
    let ws = TempWorkspace::new();
    ws.write_examples();
    let run = |value: &str, args: &[&str]| {
        let mut cmd = ws.cmd();
        cmd.env("DATAPACT_TODAY", value).args(args);
        let out = cmd.output().unwrap();
        assert_no_panic(&out);
        out
    };
    let out = run("", &["--today", TODAY, "status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("as of {TODAY}")));
    let out = run("", &["status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run("2026-13-01", &["status"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("environment variable DATAPACT_TODAY"), "{err}");
    assert!(err.contains("there is no such day"), "{err}");
    assert!(!err.contains("for '--today"), "{err}");
    assert!(out.stdout.is_empty());
    let out = run("2026-13-01", &["--today", TODAY, "status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run("2026-11-01", &["status"]);
    assert!(text(&out.stdout).contains("as of 2026-11-01"));
}
