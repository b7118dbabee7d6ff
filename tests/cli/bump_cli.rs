//! `datapact bump`: the next version of an agreement, through the binary. The version, the new
//! `[[changes]]` entry (dated `--today`), the approval date and a renewal's term, each checked
//! against the exact text expected, comments and layout kept; the result validates; the parties
//! and their `sign` commands are listed. Every refusal leaves the file byte for byte as it was.
//! `--commit` commits exactly the agreement file.

use crate::common::*;
use std::path::PathBuf;

const TODAY: &str = "2026-12-01";
const POLICE: &str = "mse-hospital-police-safeguarding";

/// A workspace holding the examples, with a comment of the user's own in the ECC agreement.
fn workspace() -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write_examples();
    let text = example(ID)
        .replace(
            "\n[dates]\n",
            "\n# Reviewed with both DPOs every two years.\n[dates]\n",
        )
        .replace(
            "review_interval_months = 24\n",
            "review_interval_months = 24   # the policy's two years\n",
        );
    ws.write(&format!("agreements/{ID}.toml"), text);
    ws
}

fn file(ws: &TempWorkspace, id: &str) -> PathBuf {
    ws.root().join(format!("agreements/{id}.toml"))
}

fn read(ws: &TempWorkspace, id: &str) -> String {
    std::fs::read_to_string(file(ws, id)).unwrap()
}

/// `datapact --today 2026-12-01 bump ARGS...`: exit code, stdout, stderr.
fn bump(ws: &TempWorkspace, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--today", TODAY, "bump"];
    all.extend_from_slice(args);
    ws.run(&all)
}

/// `text` with each `(from, to)` replaced, each `from` occurring exactly once.
fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once");
        text = text.replace(from, to);
    }
    text
}

/// The `[[changes]]` entry `bump` appends, as text (with the blank line before it).
fn entry(version: u32, kind: &str, date: &str, change: &str, reason: &str) -> String {
    format!(
        "\n[[changes]]\nversion = {version}\ntype = \"{kind}\"\ndate = {date}\nchange = \"{change}\"\nreason = \"{reason}\"\n"
    )
}

/// Applies `edits` (see [`edited`]) to the workspace's agreement `id`.
fn edit(ws: &TempWorkspace, id: &str, edits: &[(&str, &str)]) {
    ws.write(
        &format!("agreements/{id}.toml"),
        edited(&read(ws, id), edits),
    );
}

/// The validation findings of the workspace's agreements (must be none) and the exit code.
fn assert_valid(ws: &TempWorkspace) {
    let (code, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!(
        (code, codes(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
}

#[test]
fn an_amendment_raises_the_version_appends_its_entry_and_keeps_comments() {
    let ws = workspace();
    let before = read(&ws, ID);
    let (code, stdout, out) = bump(
        &ws,
        &[
            ID,
            "--reason",
            "The council's reablement team now assesses people leaving hospital",
            "--change",
            "Reablement practitioners added to those who may view the record",
        ],
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    let expected = edited(
        &before,
        &[
            ("\nversion = 1\n", "\nversion = 2\n"),
            ("approved = 2026-03-16\n", "approved = 2026-12-01\n"),
        ],
    ) + &entry(
        2,
        "amendment",
        "2026-12-01",
        "Reablement practitioners added to those who may view the record",
        "The council's reablement team now assesses people leaving hospital",
    );
    assert_eq!(read(&ws, ID), expected);
    assert!(expected.contains("# Reviewed with both DPOs every two years.\n[dates]\n"));
    assert!(expected.contains("review_interval_months = 24   # the policy's two years\n"));
    assert_valid(&ws);
    // What happened, and who signs what.
    for line in [
        "Bumped icb-ecc-adult-social-care to version 2 (amendment) in agreements/icb-ecc-adult-social-care.toml",
        "  version:   1 -> 2",
        "  approved:  2026-03-16 -> 2026-12-01",
        "  [[changes]] version 2, amendment, dated 2026-12-01",
        "Version 2 needs every party's signature again:",
        "  nhs-essex-icb (NHS Essex Integrated Care Board)",
        "    datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key KEYFILE",
        "  essex-county-council (Essex County Council)",
        "    datapact sign icb-ecc-adult-social-care --party essex-county-council --key KEYFILE",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
    assert!(!out.contains("effective:"), "the term is unchanged: {out}");

    // A second bump, with DATAPACT_TODAY rather than --today: version 3 follows version 2.
    let out = ws
        .cmd()
        .env("DATAPACT_TODAY", "2027-01-15")
        .args([
            "bump",
            ID,
            "--type",
            "correction",
            "--change",
            "Typing error in the retention period corrected",
            "--reason",
            "Reported by the council's records manager",
        ])
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        read(&ws, ID),
        edited(
            &expected,
            &[
                ("\nversion = 2\nkind", "\nversion = 3\nkind"),
                ("approved = 2026-12-01\n", "approved = 2027-01-15\n"),
            ]
        ) + &entry(
            3,
            "correction",
            "2027-01-15",
            "Typing error in the retention period corrected",
            "Reported by the council's records manager"
        )
    );
    assert_valid(&ws);
}

#[test]
fn a_correction_records_its_type_and_the_approval_date_given() {
    let ws = workspace();
    let before = read(&ws, POLICE);
    let (code, stdout, out) = bump(
        &ws,
        &[
            POLICE,
            "--type",
            "correction",
            "--change",
            "The Trust's DPO mailbox corrected",
            "--reason",
            "The old mailbox was retired",
            "--approved",
            "2026-11-20",
        ],
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    let expected = edited(
        &before,
        &[
            ("\nversion = 1\nkind", "\nversion = 2\nkind"),
            ("approved = 2025-02-14\n", "approved = 2026-11-20\n"),
        ],
    ) + &entry(
        2,
        "correction",
        "2026-12-01",
        "The Trust's DPO mailbox corrected",
        "The old mailbox was retired",
    );
    assert_eq!(read(&ws, POLICE), expected);
    assert!(
        out.contains("  approved:  2025-02-14 -> 2026-11-20\n"),
        "{out}"
    );
    assert!(
        out.contains("  [[changes]] version 2, correction, dated 2026-12-01\n"),
        "{out}"
    );
    // The police agreement has two parties; both are told.
    assert!(out.contains("--party mse-nhs-ft --key KEYFILE"), "{out}");
    assert!(out.contains("--party essex-police --key KEYFILE"), "{out}");
    assert_valid(&ws);
}

#[test]
fn a_renewal_moves_the_term_by_its_own_length_by_default() {
    let ws = workspace();
    let before = read(&ws, ID);
    let (code, stdout, out) = bump(
        &ws,
        &[ID, "--type", "renewal", "--reason", "Sharing continues"],
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    // 2026-04-01 to 2029-03-31 (36 months, ending the day before the anniversary) renews to
    // 2029-04-01 to 2032-03-31; the review comes 24 months after the new effective date.
    let expected = edited(
        &before,
        &[
            ("\nversion = 1\nkind", "\nversion = 2\nkind"),
            ("approved = 2026-03-16\n", "approved = 2026-12-01\n"),
            ("effective = 2026-04-01\n", "effective = 2029-04-01\n"),
            ("review = 2028-04-01\n", "review = 2031-04-01\n"),
            ("expires = 2029-03-31\n", "expires = 2032-03-31\n"),
        ],
    ) + &entry(
        2,
        "renewal",
        "2026-12-01",
        "Renewed for a further term from 2029-04-01 to 2032-03-31",
        "Sharing continues",
    );
    assert_eq!(read(&ws, ID), expected);
    for line in [
        "  effective: 2026-04-01 -> 2029-04-01",
        "  review:    2028-04-01 -> 2031-04-01",
        "  expires:   2029-03-31 -> 2032-03-31",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
    assert_valid(&ws);

    // The police agreement ends on 29 February 2028: its renewal ends on the last day of
    // February 2031, and is reviewed after the agreement's own 24 months.
    let (code, _, err) = bump(&ws, &[POLICE, "--type", "renewal", "--reason", "Renewed"]);
    assert_eq!(code, 0, "{err}");
    let text = read(&ws, POLICE);
    for line in [
        "effective = 2028-03-01",
        "review = 2030-03-01",
        "expires = 2031-02-28",
        "change = \"Renewed for a further term from 2028-03-01 to 2031-02-28\"",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?}");
    }
    assert_valid(&ws);
}

#[test]
fn a_renewal_takes_the_dates_and_change_given() {
    let ws = workspace();
    let before = read(&ws, ID);
    let (code, _, err) = bump(
        &ws,
        &[
            ID,
            "--type",
            "renewal",
            "--reason",
            "Renewed early, with a shorter review",
            "--change",
            "Renewed from 1 March 2029 for three years",
            "--approved",
            "2026-12-01",
            "--effective",
            "2029-03-01",
            "--review",
            "2030-03-01",
            "--expires",
            "2032-02-29",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let expected = edited(
        &before,
        &[
            ("\nversion = 1\nkind", "\nversion = 2\nkind"),
            ("approved = 2026-03-16\n", "approved = 2026-12-01\n"),
            ("effective = 2026-04-01\n", "effective = 2029-03-01\n"),
            ("review = 2028-04-01\n", "review = 2030-03-01\n"),
            ("expires = 2029-03-31\n", "expires = 2032-02-29\n"),
        ],
    ) + &entry(
        2,
        "renewal",
        "2026-12-01",
        "Renewed from 1 March 2029 for three years",
        "Renewed early, with a shorter review",
    );
    assert_eq!(read(&ws, ID), expected);
    assert_valid(&ws);
}

/// Runs `bump ARGS` on the ECC agreement and checks it is refused with `code`, with `needles`
/// in its error output, and that the file is byte for byte what it was.
fn assert_refused(ws: &TempWorkspace, args: &[&str], code: i32, needles: &[&str]) -> String {
    let before = std::fs::read(file(ws, ID)).unwrap();
    let (got, out, err) = bump(ws, args);
    assert_eq!(got, code, "{args:?}: stdout {out}\nstderr {err}");
    for needle in needles {
        assert!(err.contains(needle), "{args:?}: no {needle:?} in:\n{err}");
    }
    assert_eq!(
        std::fs::read(file(ws, ID)).unwrap(),
        before,
        "{args:?} wrote"
    );
    assert!(!out.contains("Bumped"), "{out}");
    // No temporary file left behind either.
    assert_eq!(
        dir_names(&ws.root().join("agreements")),
        vec![
            "essex-homelessness-statistics.toml",
            "essex-social-housing-evictions.toml",
            "gp-icb-population-health-research.toml",
            "icb-ecc-adult-social-care.toml",
            "mhclg-homelessness-case-level-collection.toml",
            "mse-hospital-police-safeguarding.toml"
        ]
    );
    err
}

#[test]
fn an_invalid_agreement_is_not_bumped() {
    let ws = workspace();
    edit(
        &ws,
        ID,
        &[("review = 2028-04-01\n", "review = 2026-03-01\n")],
    );
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--change", "c"],
        1,
        &[
            "error: agreements/icb-ecc-adult-social-care.toml has errors; an agreement with errors cannot be bumped",
            "hint: run `datapact validate icb-ecc-adult-social-care` and fix every error first; nothing was written",
        ],
    );
    // One that cannot even be read is input datapact cannot use (exit 2).
    edit(
        &ws,
        ID,
        &[("review = 2026-03-01\n", "review = = 2026-03-01\n")],
    );
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--change", "c"],
        2,
        &[
            "cannot be read as an agreement",
            "datapact validate icb-ecc-adult-social-care",
        ],
    );
    // A bumped version without its [[changes]] entry (DP133) is an error like any other.
    let ws = workspace();
    edit(&ws, ID, &[("\nversion = 1\nkind", "\nversion = 2\nkind")]);
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--change", "c"],
        1,
        &["has errors"],
    );
}

#[test]
fn dates_that_would_make_the_result_invalid_are_refused_with_the_findings() {
    let ws = workspace();
    // Approved after the agreement ends (DP130).
    assert_refused(
        &ws,
        &[
            ID,
            "--reason",
            "r",
            "--change",
            "c",
            "--approved",
            "2029-04-01",
        ],
        1,
        &[
            "error[DP130]: agreements/icb-ecc-adult-social-care.toml:",
            "dates.approved (2029-04-01) is after dates.expires (2029-03-31)",
            "bumping icb-ecc-adult-social-care to version 2 would make agreements/icb-ecc-adult-social-care.toml invalid",
            "nothing was written",
        ],
    );
    // A renewal longer than the workspace's 36 months (DP131).
    assert_refused(
        &ws,
        &[
            ID,
            "--type",
            "renewal",
            "--reason",
            "r",
            "--expires",
            "2032-04-02",
        ],
        1,
        &["error[DP131]", "nothing was written"],
    );
    // A renewal whose review comes before it takes effect (DP130).
    assert_refused(
        &ws,
        &[
            ID,
            "--type",
            "renewal",
            "--reason",
            "r",
            "--review",
            "2029-01-01",
        ],
        1,
        &[
            "error[DP130]",
            "dates.review (2029-01-01) is before dates.effective (2029-04-01)",
        ],
    );
    // A reason that is a placeholder (DP013).
    assert_refused(
        &ws,
        &[ID, "--reason", "TODO say why", "--change", "c"],
        1,
        &["error[DP013]"],
    );
    // An approval before the current version's is refused before anything is edited.
    assert_refused(
        &ws,
        &[
            ID,
            "--reason",
            "r",
            "--change",
            "c",
            "--approved",
            "2026-03-15",
        ],
        1,
        &["--approved (2026-03-15) is before dates.approved (2026-03-16)"],
    );
    let (code, _, err) = ws.run(&[
        "--today",
        "2026-01-01",
        "bump",
        ID,
        "--reason",
        "r",
        "--change",
        "c",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("today (2026-01-01) is before dates.approved (2026-03-16)"),
        "{err}"
    );
    // A renewal past the last date datapact accepts.
    assert_refused(
        &ws,
        &[
            ID,
            "--type",
            "renewal",
            "--reason",
            "r",
            "--effective",
            "9999-06-01",
        ],
        2,
        &["after 9999-12-31"],
    );
}

#[test]
fn usage_errors_write_nothing() {
    let ws = workspace();
    for flag in ["--effective", "--review", "--expires"] {
        for kind in [None, Some("amendment"), Some("correction")] {
            let mut args = vec![ID, "--reason", "r", "--change", "c", flag, "2029-04-01"];
            if let Some(k) = kind {
                args.extend(["--type", k]);
            }
            assert_refused(
                &ws,
                &args,
                2,
                &[
                    &format!("{flag} can only be given with --type renewal"),
                    "hint: leave them out, or pass --type renewal",
                ],
            );
        }
    }
    for reason in [
        "",
        "   ",
        "line\nbreak",
        "tab\there",
        "esc\u{1b}[31m",
        "del\u{7f}",
        "c1\u{85}",
    ] {
        let err = assert_refused(
            &ws,
            &[ID, "--reason", reason, "--change", "c"],
            2,
            &["--reason"],
        );
        assert!(
            err.contains("--reason is empty")
                || err.contains("--reason contains a control character"),
            "{reason:?}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "escaped: {err}");
    }
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--change", " "],
        2,
        &["--change is empty"],
    );
    assert_refused(
        &ws,
        &[ID, "--reason", "r"],
        2,
        &["an amendment needs --change", "pass --change TEXT"],
    );
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--type", "correction"],
        2,
        &["a correction needs --change"],
    );
    assert_refused(&ws, &[ID, "--change", "c"], 2, &["--reason"]);
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--change", "c", "--type", "major"],
        2,
        &["major"],
    );
    assert_refused(
        &ws,
        &[
            ID,
            "--reason",
            "r",
            "--change",
            "c",
            "--approved",
            "2026-02-30",
        ],
        2,
        &["no such day"],
    );
    assert_refused(
        &ws,
        &["no-such-agreement", "--reason", "r", "--change", "c"],
        2,
        &["no agreement"],
    );
    assert_refused(&ws, &["../x", "--reason", "r", "--change", "c"], 2, &[]);
    // --commit outside a git repository: refused before anything is written.
    assert_refused(
        &ws,
        &[ID, "--reason", "r", "--change", "c", "--commit"],
        2,
        &["--commit needs the workspace", "nothing was written"],
    );
}

/// Values shown from the file are escaped: a party name with an escape sequence cannot act on
/// the terminal.
#[test]
fn values_from_the_file_are_escaped_in_the_output() {
    let ws = workspace();
    edit(
        &ws,
        ID,
        &[(
            "name = \"Essex County Council\"",
            "name = \"Essex County Council\u{202e}\"",
        )],
    );
    let (code, stdout, out) = bump(&ws, &[ID, "--reason", "r", "--change", "c"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    assert!(
        out.contains("  essex-county-council (Essex County Council\\u{202e})\n"),
        "{out}"
    );
}

#[test]
fn commit_commits_exactly_the_agreement_file() {
    let ws = workspace();
    let repo = git2::Repository::init(ws.root()).unwrap();
    {
        let mut config = repo.config().unwrap();
        config.set_str("user.name", "Test").unwrap();
        config.set_str("user.email", "test@example.org").unwrap();
    }
    let sig = repo.signature().unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let first = repo
        .commit(Some("HEAD"), &sig, &sig, "examples", &tree, &[])
        .unwrap();
    // Another agreement changed and staged, and a new file: neither may be committed.
    let other = file(&ws, POLICE);
    std::fs::write(
        &other,
        read(&ws, POLICE).replace("# Data-sharing", "# Draft: data-sharing"),
    )
    .unwrap();
    index
        .add_path(std::path::Path::new(
            "agreements/mse-hospital-police-safeguarding.toml",
        ))
        .unwrap();
    index.write().unwrap();
    ws.write("notes.txt", "not for the repository");

    let (code, stdout, out) = bump(
        &ws,
        &[
            ID,
            "--reason",
            "Annual review changes",
            "--change",
            "c",
            "--commit",
        ],
    );
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    assert!(out.contains("Bumped"), "{out}");
    assert!(
        out.contains("Committed ")
            && out.contains(
                "(Bump icb-ecc-adult-social-care to v2 (amendment): Annual review changes)"
            ),
        "{out}"
    );
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(
        head.message().ok(),
        Some("Bump icb-ecc-adult-social-care to v2 (amendment): Annual review changes")
    );
    assert_eq!(head.parent_ids().collect::<Vec<_>>(), vec![first]);
    let diff = repo
        .diff_tree_to_tree(
            Some(&head.parent(0).unwrap().tree().unwrap()),
            Some(&head.tree().unwrap()),
            None,
        )
        .unwrap();
    let changed: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(changed, vec!["agreements/icb-ecc-adult-social-care.toml"]);
    // The committed blob is the file as written.
    let entry = head
        .tree()
        .unwrap()
        .get_path(std::path::Path::new(
            "agreements/icb-ecc-adult-social-care.toml",
        ))
        .unwrap();
    let blob = repo.find_blob(entry.id()).unwrap();
    assert_eq!(
        blob.content(),
        std::fs::read(file(&ws, ID)).unwrap().as_slice()
    );
    assert!(text(blob.content()).contains("\nversion = 2\nkind"));
}
