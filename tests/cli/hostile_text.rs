//! Hostile text (issue 9, items 4, 10, 13 and 14), each attack performed through the binary:
//!
//! - control characters and bidirectional overrides from agreements, statements, the trust
//!   store and file names never reach the terminal as themselves (`term::escape`), and texts
//!   may not hold control characters at all (DP019, pointing at the character);
//! - a file made to produce a finding on every value is capped (DP021,
//!   `[limits] max_findings_per_file`), errors kept before warnings;
//! - an e-mail address cannot carry `?bcc=` into a `mailto:` link (DP020, the `mailto` filter);
//! - DP003's and DP211's advice no longer destroys uncommitted work: `datapact normalise`
//!   converts line endings in place and keeps every other edit.

use crate::common::{ECC, ICB, ID, T0, TempWorkspace, example, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The characters that must never reach a terminal from a file's content.
const RAW: [char; 5] = ['\u{1b}', '\r', '\u{9b}', '\u{202e}', '\u{7}'];

/// Fails when `output` holds any character of [`RAW`] (colour is off in tests, so no escape
/// sequence of datapact's own is expected either).
fn assert_clean(what: &str, output: &str) {
    assert!(
        !output.contains(RAW),
        "{what} lets a control character through:\n{}",
        output.escape_debug()
    );
}

/// The example agreement in a git workspace with both parties' keys enrolled (unencrypted keys
/// in the private configuration directory), and those keys.
fn enrolled() -> (TempWorkspace, PathBuf, PathBuf) {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let icb = ws.generate_key_to(ICB, "priya@nhs.net", "icb");
    let ecc = ws.generate_key_to(ECC, "mark@essex.gov.uk", "ecc");
    (ws, icb, ecc)
}

/// Replaces the one `from` in the workspace file `rel` with `to`.
fn edit(ws: &TempWorkspace, rel: &str, from: &str, to: &str) {
    let path = ws.root().join(rel);
    let old = std::fs::read_to_string(&path).unwrap();
    assert_eq!(old.matches(from).count(), 1, "{from:?} in {rel}");
    std::fs::write(&path, old.replacen(from, to, 1)).unwrap();
}

/// Writes `text` as the statement `rel` and its signature, signed with the private key `key`
/// (as anyone with a key of their own can: nothing but the verifier judges a statement).
fn plant_statement(ws: &TempWorkspace, rel: &str, key: &Path, text: &str) {
    ws.plant_statement(rel, key, "datapact-agreement@datapact.dev", text);
}

fn git(ws: &TempWorkspace, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .current_dir(ws.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

// ---------------------------------------------------------------------------------------------
// Item 4: terminal escapes
// ---------------------------------------------------------------------------------------------

/// The reported attack: a statement signed with a key of the attacker's own names its party as
/// `essex-county-council`, a carriage return and a green "ok" line. The party is rejected
/// (DP205), and the rejection's reason quotes the party; printed raw, the carriage return and
/// escape sequence overwrote "INVALID" with a fake "ok" line.
#[test]
fn verify_shows_a_statements_fields_visibly_and_an_invalid_party_stays_invalid() {
    let (ws, icb, _) = enrolled();
    ws.sign(ID, ICB, &icb, &["--signed-at", T0]);
    let signed =
        std::fs::read_to_string(ws.root().join(format!("signatures/{ID}/v1/{ICB}.toml"))).unwrap();
    let fake = "essex-county-council\\r\\u001b[2K\\u001b[32m  ok     essex-county-council: signed by mark@essex.gov.uk (dpo)\\u001b[0m\\u202e";
    let planted = signed.replace(
        &format!("party = \"{ICB}\""),
        &format!("party = \"{fake}\""),
    );
    plant_statement(
        &ws,
        &format!("signatures/{ID}/v1/{ECC}.toml"),
        &icb,
        &planted,
    );

    let out = ws.output(&["verify", ID]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert_clean("verify", &shown);
    let ecc_line = shown
        .lines()
        .find(|l| l.contains(&format!("{ECC}: ")) && !l.contains("signed by priya"))
        .unwrap_or_else(|| panic!("no line for {ECC}:\n{shown}"));
    assert!(
        ecc_line.starts_with(&format!("  INVALID {ECC}: ")),
        "{ecc_line}"
    );
    assert!(
        ecc_line.contains("essex-county-council\\r\\u{1b}[2K\\u{1b}[32m  ok"),
        "the forged party is shown visibly: {ecc_line}"
    );
    assert_eq!(
        shown.lines().filter(|l| l.starts_with("  ok ")).count(),
        1,
        "only the ICB is signed:\n{shown}"
    );
}

/// `sign` shows what is about to be signed; a title may hold a line break (texts may), and one
/// holding "\n  sha256:   <digest>" drew a second, fake sha256 line above the real one.
#[test]
fn signs_confirmation_screen_shows_one_sha256_line_whatever_the_title_holds() {
    let (ws, icb, _) = enrolled();
    let fake = format!("  sha256:   {}", "0".repeat(64));
    edit(
        &ws,
        &format!("agreements/{ID}.toml"),
        "adult social care assessments\"",
        &format!("adult social care assessments\\n{fake}\""),
    );
    let out = ws.sign_output(ID, ICB, &icb, &["--signed-at", T0]);
    let screen = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{screen}");
    assert_clean("sign", &screen);
    let sha_lines: Vec<&str> = screen
        .lines()
        .filter(|l| l.trim_start().starts_with("sha256:"))
        .collect();
    assert_eq!(sha_lines.len(), 1, "{screen}");
    assert!(!sha_lines[0].contains(&"0".repeat(64)), "{screen}");
    assert!(
        screen.contains(&format!("assessments\\n{fake}")),
        "the title shows its line break visibly:\n{screen}"
    );
}

/// An escape sequence in the title is an error (DP019), so `sign` refuses before it shows
/// anything; `status` lists the agreement as invalid, its row intact.
#[test]
fn an_escape_sequence_in_a_text_stops_sign_and_leaves_status_aligned() {
    let (ws, icb, _) = enrolled();
    edit(
        &ws,
        &format!("agreements/{ID}.toml"),
        "adult social care assessments\"",
        "adult social care assessments\\u001b[1A\\u001b[2K\"",
    );
    let out = ws.sign_output(ID, ICB, &icb, &["--signed-at", T0]);
    assert_eq!(out.status.code(), Some(1));
    assert_clean("sign", &text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has errors"),
        "{}",
        text(&out.stderr)
    );

    // A title with line breaks (allowed) stays on its row of the status table.
    edit(
        &ws,
        &format!("agreements/{ID}.toml"),
        "\\u001b[1A\\u001b[2K\"",
        "\\nsecond line\\tand a tab\"",
    );
    let (code, table, err) = ws.run(&["--today", "2026-12-01", "status"]);
    assert_eq!(code, 0, "{err}");
    assert_clean("status", &table);
    assert_eq!(
        table.lines().count(),
        4,
        "header, one row, blank, summary:\n{table}"
    );
}

/// `keys list` prints a trust store file's principal and file name; both come from disk.
#[test]
fn keys_list_shows_trust_store_values_visibly() {
    let (ws, _, _) = enrolled();
    edit(
        &ws,
        &format!("keys/{ICB}.toml"),
        "principal = \"priya@nhs.net\"",
        "principal = \"priya@nhs.net\\u001b[2K\\r\\u001b[32mactive\\u009b\"",
    );
    let out = ws.output(&["keys", "list"]);
    let shown = text(&out.stdout);
    assert_clean("keys list", &shown);
    assert!(shown.contains("priya@nhs.net\\u{1b}[2K\\r"), "{shown}");
}

/// File names come from disk too: an agreement file named with an escape sequence, and a
/// command-line path that does not exist, are shown visibly in findings, notes and errors.
#[test]
fn file_names_with_control_characters_are_shown_visibly() {
    let ws = TempWorkspace::new();
    let name = "agreements/evil\u{1b}[2K\r\u{1b}[32mok.toml";
    ws.write(name, example(ID));
    let (code, out, err) = ws.run(&["validate"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_clean("validate", &out);
    assert!(
        out.contains("agreements/evil\\u{1b}[2K\\r\\u{1b}[32mok.toml:"),
        "{out}"
    );

    // calendar leaves out (and exits 1 for) an agreement that does not validate, naming it.
    let (code, _, err) = ws.run(&["--today", "2026-12-01", "calendar"]);
    assert_eq!(code, 1, "{err}");
    assert_clean("calendar's notes", &err);
    assert!(err.contains("evil\\u{1b}[2K"), "{err}");

    let (code, _, err) = ws.run(&["validate", "agreements/missing\u{1b}]0;title\u{7}.toml"]);
    assert_eq!(code, 2);
    assert_clean("an error message", &err);
    assert!(err.contains("missing\\u{1b}]0;title\\u{7}.toml"), "{err}");
}

/// DP019 through the binary: one finding per text, at the character (as written, or the
/// backslash of its escape); keys too; line breaks and tabs, and a CRLF file's line endings,
/// are not DP019.
#[test]
fn control_characters_are_found_where_they_are_written() {
    let base = example(ID);
    let title_line = base
        .lines()
        .position(|l| l.starts_with("title = "))
        .unwrap()
        + 1;
    // (what, the agreement, where DP019 is reported: line and column)
    type Case<'a> = (&'a str, String, Vec<(u64, u64)>);
    let cases: Vec<Case> = vec![
        (
            "an escape in the title",
            base.replace("assessments\"", "assess\\u001bments\""),
            vec![(title_line as u64, 76)],
        ),
        (
            "\\b, \\f and \\x escapes, one finding",
            base.replace("assessments\"", "a\\b\\f\\x07ssessments\""),
            vec![(title_line as u64, 71)],
        ),
        (
            "a raw C1 character after a multi-byte one",
            base.replace("assessments\"", "é\u{85}\""),
            vec![(title_line as u64, 71)],
        ),
        (
            "a raw C1 character in a literal string",
            base.replace(
                "title = \"Sharing health information for integrated adult social care assessments\"",
                "title = 'Sharing\u{85}'",
            ),
            vec![(title_line as u64, 17)],
        ),
        (
            "a quoted key",
            base.replace("version = 1\n", "version = 1\n\"ve\\u001brsion\" = 2\n"),
            vec![(title_line as u64 + 2, 4)],
        ),
        (
            "line breaks and tabs",
            base.replace("assessments\"", "assess\\n\\tments\\r\\n\""),
            vec![],
        ),
    ];
    for (what, agreement, expected) in cases {
        let ws = TempWorkspace::new();
        ws.write(&format!("agreements/{ID}.toml"), &agreement);
        let (_, report, _) = ws.validate_json(&[]);
        let found: Vec<(u64, u64)> = report["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "DP019")
            .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect();
        assert_eq!(found, expected, "{what}: {report:#}");
    }
    // A file whose line endings were converted: DP003 once, no DP019 for its multi-line texts.
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), base.replace('\n', "\r\n"));
    let (_, report, _) = ws.validate_json(&[]);
    let codes: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DP003"], "{report:#}");
}

// ---------------------------------------------------------------------------------------------
// Item 10: finding amplification
// ---------------------------------------------------------------------------------------------

/// About 1 MiB: `head`, then `item` repeated, then `tail`.
fn megabyte(head: &str, item: &str, tail: &str) -> String {
    let mut s = head.to_string();
    while s.len() + item.len() + tail.len() < 1024 * 1024 {
        s.push_str(item);
    }
    s + tail
}

/// The reported attack: each megabyte of `1.0,` gave 260,000 findings (and ten such files 1 GB
/// of output and 1.2 GB of memory). Variants: a hundred thousand unknown keys in one table
/// (each finding's position a search through that table: 7 minutes for five files), and
/// placeholders on one line (each position a count along that line). Each file now reports at
/// most 100 findings and one DP021, quickly; the output stays small and the exit code is
/// unchanged.
#[test]
fn a_finding_on_every_value_is_capped_per_file() {
    let ws = TempWorkspace::new();
    ws.write(
        "agreements/floats.toml",
        megabyte("schema = 1\nx = [", "1.0,", "1.0]\n"),
    );
    let mut keys = String::from("schema = 1\n");
    for i in 0.. {
        if keys.len() > 1024 * 1024 - 16 {
            break;
        }
        keys.push_str(&format!("k{i} = 1\n"));
    }
    ws.write("agreements/keys.toml", keys);
    ws.write(
        &format!("agreements/{ID}.toml"),
        example(ID).replacen(
            "benefits = [",
            &format!("benefits = [{}", "\"TODO\",".repeat(120_000)),
            1,
        ),
    );
    let out = ws.output(&["validate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.len() < 100_000, "{} bytes", out.stdout.len());
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(report["files"].as_array().unwrap().len(), 3);
    for file in report["files"].as_array().unwrap() {
        let findings = file["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 101, "{}", file["file"]);
        let truncated: Vec<&Value> = findings.iter().filter(|f| f["code"] == "DP021").collect();
        assert_eq!(truncated.len(), 1);
        let last = truncated[0];
        assert_eq!(last["severity"], "warning");
        assert_eq!(
            (last["line"].as_u64(), last["column"].as_u64()),
            (Some(1), Some(1))
        );
        let message = last["message"].as_str().unwrap();
        assert!(
            message
                .ends_with(" errors, 0 warnings): only the first 100 are, errors before warnings"),
            "{message}"
        );
    }
    // The cap is a setting; 0 is refused.
    ws.write("datapact.toml", "[limits]\nmax_findings_per_file = 5\n");
    let (_, report, _) = ws.validate_json(&["agreements/floats.toml"]);
    assert_eq!(report["files"][0]["findings"].as_array().unwrap().len(), 6);
    ws.write("datapact.toml", "[limits]\nmax_findings_per_file = 0\n");
    let (code, _, err) = ws.run(&["validate"]);
    assert_eq!(code, 2);
    assert!(err.contains("max_findings_per_file is 0"), "{err}");
}

/// Capping keeps errors before warnings, so a file's verdict is the whole list's: 300
/// duplicated values (warnings, DP018) found before one error (a date with a time, DP016,
/// checked after them) still fail `validate` without `--deny-warnings`, the error shown.
#[test]
fn the_cap_never_hides_an_error_behind_warnings() {
    let ws = TempWorkspace::new();
    let dupes = vec!["\"e\""; 300].join(", ");
    let agreement = example(ID)
        .replacen("article6 = [", &format!("article6 = [{dupes}, "), 1)
        .replacen("expires = 2029-03-31", "expires = 2029-03-31T10:00:00", 1);
    ws.write(&format!("agreements/{ID}.toml"), agreement);
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!(code, 1, "{report:#}");
    let findings = report["files"][0]["findings"].as_array().unwrap();
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 101);
    assert_eq!(
        codes.iter().filter(|c| **c == "DP016").count(),
        1,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "DP018").count(),
        99,
        "{codes:?}"
    );
    let truncated = findings.iter().find(|f| f["code"] == "DP021").unwrap();
    assert!(
        truncated["message"]
            .as_str()
            .unwrap()
            .starts_with("201 more findings in this file are not shown (0 errors, 201 warnings)"),
        "{truncated}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 13: mailto injection
// ---------------------------------------------------------------------------------------------

/// A mailbox carrying `?bcc=` is an error (DP020) and the agreement is not rendered; the
/// example's addresses still render as plain `mailto:` links.
#[test]
fn a_mailbox_cannot_add_a_blind_copy_to_a_rendered_link() {
    let ws = TempWorkspace::new();
    let attack = "essexicb.dpo@nhs.net?bcc=attacker@example.org";
    ws.write(
        &format!("agreements/{ID}.toml"),
        example(ID).replace("\"essexicb.dpo@nhs.net\"", &format!("\"{attack}\"")),
    );
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!(code, 1);
    let dp020: Vec<&Value> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "DP020")
        .collect();
    assert_eq!(dp020.len(), 1, "{report:#}");
    let out = ws.output(&["--today", "2026-12-01", "render", ID, "--format", "html"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stdout).contains("bcc"), "nothing is rendered");

    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let out = ws.output(&["--today", "2026-12-01", "render", ID, "--format", "html"]);
    let html = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        html.contains("href=\"mailto:essexicb.dpo@nhs.net\""),
        "{html}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 14: a hint that destroyed work
// ---------------------------------------------------------------------------------------------

/// The reported loss: a user with an uncommitted edit, whose file git's autocrlf converted,
/// followed DP003's hint (`git rm --cached -r . && git reset --hard`) and lost the edit. The
/// hint now names `datapact normalise FILE`, which converts the line endings in place and
/// keeps the edit.
#[test]
fn following_dp003s_hint_keeps_an_uncommitted_edit() {
    let ws = TempWorkspace::init();
    let rel = format!("agreements/{ID}.toml");
    ws.write(&rel, example(ID));
    git(&ws, &["add", "-A"]);
    git(&ws, &["commit", "-qm", "agreement"]);
    // An edit, not committed; then the line endings converted, as core.autocrlf does.
    let edited = example(ID).replace("version = 1\n", "version = 1\n# my edit\n");
    ws.write(&rel, edited.replace('\n', "\r\n"));

    let (code, out, _) = ws.run(&["validate"]);
    assert_eq!(code, 1);
    assert!(
        !out.contains("reset --hard") && !out.contains("git rm"),
        "{out}"
    );
    assert!(
        out.contains(&format!("run `datapact normalise {rel}`")),
        "{out}"
    );

    // What normalise did is status: on stderr, stdout empty.
    let (code, stdout, out) = ws.run(&["normalise", &rel]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        format!(
            "{rel}: converted {} CRLF line endings to LF\n",
            edited.matches('\n').count()
        )
    );
    assert_eq!(
        std::fs::read_to_string(ws.root().join(&rel)).unwrap(),
        edited
    );
    assert_eq!(git(&ws, &["diff", "--numstat"]), format!("1\t0\t{rel}\n"));
    let (code, _, _) = ws.run(&["validate"]);
    assert_eq!(code, 0);
    // Again: nothing to do, and the file is not rewritten.
    let (code, _, out) = ws.run(&["normalise", &rel]);
    assert_eq!(code, 0);
    assert!(out.contains("unchanged"), "{out}");
}

/// DP211: a signed statement and signature converted by git. `normalise` restores the signed
/// bytes, so the signature counts again without signing anew; DP211's hint says so.
#[test]
fn normalise_restores_signed_bytes_that_git_converted() {
    let (ws, icb, ecc) = enrolled();
    ws.sign(ID, ICB, &icb, &["--signed-at", T0]);
    ws.sign(ID, ECC, &ecc, &["--signed-at", T0]);
    let files = [
        format!("agreements/{ID}.toml"),
        format!("signatures/{ID}/v1/{ICB}.toml"),
        format!("signatures/{ID}/v1/{ICB}.toml.sig"),
    ];
    for f in &files {
        let path = ws.root().join(f);
        let lf = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, lf.replace('\n', "\r\n")).unwrap();
    }
    let out = ws.output(&["verify", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hints: Vec<&str> = report["agreements"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "DP211")
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert!(!hints.is_empty(), "{report:#}");
    for hint in hints {
        assert!(
            hint.contains("datapact normalise") && !hint.contains("reset --hard"),
            "{hint}"
        );
    }
    let mut args = vec!["normalise"];
    args.extend(files.iter().map(String::as_str));
    let (code, _, err) = ws.run(&args);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = ws.run(&["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fully signed"), "{out}");
}

/// `normalise` removes a byte order mark; leaves (and points at) a carriage return that ends
/// no line, exiting 1; follows a link that stays inside to the file it leads to (the link
/// stays a link); and refuses, writing nothing, a file outside the workspace, a link leading
/// out, and bytes that are not UTF-8.
#[test]
fn normalise_changes_only_what_it_says_and_only_inside_the_workspace() {
    let ws = TempWorkspace::new();
    let rel = format!("agreements/{ID}.toml");
    ws.write(&rel, format!("\u{feff}{}", example(ID)));
    let (code, stdout, out) = ws.run(&["normalise", &rel]);
    assert_eq!(
        (code, stdout.as_str(), out.as_str()),
        (
            0,
            "",
            format!("{rel}: removed the byte order mark\n").as_str()
        ),
    );
    assert_eq!(
        std::fs::read_to_string(ws.root().join(&rel)).unwrap(),
        example(ID)
    );

    ws.write("agreements/cr.toml", "a = 1\r\nb = 2\rc = 3\n");
    // The carriage return left in place is said on stderr, under -q too.
    let (code, _, out) = ws.run(&["-q", "normalize", "agreements/cr.toml"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("agreements/cr.toml:2:6: a carriage return not followed by a line feed"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(ws.root().join("agreements/cr.toml")).unwrap(),
        b"a = 1\nb = 2\rc = 3\n"
    );

    #[cfg(unix)]
    {
        ws.write("agreements/target.toml", "a = 1\r\n");
        std::os::unix::fs::symlink("target.toml", ws.root().join("agreements/link.toml")).unwrap();
        let (code, _, out) = ws.run(&["normalise", "agreements/link.toml"]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.starts_with("agreements/target.toml: converted 1 CRLF"),
            "{out}"
        );
        assert!(
            std::fs::symlink_metadata(ws.root().join("agreements/link.toml"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read(ws.root().join("agreements/target.toml")).unwrap(),
            b"a = 1\n"
        );

        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.toml");
        std::fs::write(&victim, "x = 1\r\n").unwrap();
        std::os::unix::fs::symlink(&victim, ws.root().join("agreements/out.toml")).unwrap();
        for named in [
            victim.to_str().unwrap(),
            "agreements/out.toml",
            "../victim.toml",
        ] {
            let (code, _, err) = ws.run(&["normalise", &rel, named]);
            assert_eq!(code, 2, "{named}: {err}");
            assert!(err.contains("outside the workspace"), "{named}: {err}");
        }
        assert_eq!(std::fs::read(&victim).unwrap(), b"x = 1\r\n");
    }

    ws.write(&rel, format!("{}\r\n", example(ID)));
    ws.write("agreements/latin1.toml", b"title = \"caf\xe9\"\r\n");
    let (code, _, err) = ws.run(&["normalise", &rel, "agreements/latin1.toml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("agreements/latin1.toml is not UTF-8 text (invalid byte at offset 12)"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(ws.root().join(&rel))
            .unwrap()
            .ends_with("\r\n"),
        "nothing is written when a file named cannot be normalised"
    );
}
