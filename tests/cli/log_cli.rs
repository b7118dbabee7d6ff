//! `datapact log`: a full life (v1 signed by both parties, an amendment v2 signed by one, an
//! uncommitted edit), each signature verified against the bytes its statement names; a
//! tampered signature shown invalid; texts that do not validate; a workspace not in git; a
//! shallow clone.

use crate::common::{ECC, ICB, ID};
use crate::diff_cli::{Story, amended};
use serde_json::Value;

/// The status of `party` on a version of a `log --format json` report: (status, code).
fn status<'a>(version: &'a Value, party: &str) -> &'a Value {
    version["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["party"] == party)
        .unwrap_or_else(|| panic!("no {party} in {version:#}"))
}

#[test]
fn a_full_life_lists_each_version_with_its_verified_signers() {
    let (s, v1, icb, _) = amended();
    s.sign(ICB, &icb, "2026-06-02T10:00:00Z");
    s.commit("v2 signed by the ICB", "2026-06-02T12:00:00Z");

    let report = s.json(&["log", ID]);
    assert_eq!(report["format_version"], 2);
    assert_eq!(report["id"], ID);
    assert_eq!(
        (report["in_git"].as_bool(), report["shallow"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(report["notes"], serde_json::json!([]));
    let versions = report["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{report:#}");

    let first = &versions[0];
    assert_eq!(first["version"], 1);
    assert_eq!(first["uncommitted"], false);
    assert_eq!(first["validates"], true);
    assert_eq!(first["first_commit"]["id"], v1.as_str());
    assert_eq!(first["first_commit"]["time"], "2026-03-16T09:00:00Z");
    assert_eq!(
        first["first_commit"]["author"],
        "Test Author <author@example.org>"
    );
    assert_eq!(
        (first["commits"].as_u64(), first["texts"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(first["chosen_by"], "signatures");
    assert_eq!(first["change"]["type"], "new");
    assert_eq!(first["change"]["change"], "First version.");
    let icb1 = status(first, ICB);
    assert_eq!(icb1["status"], "signed");
    assert_eq!(icb1["principal"], "priya@nhs.net");
    assert_eq!(icb1["role"], "dpo");
    assert_eq!(icb1["signed_at"], "2026-04-01T10:00:00Z");
    assert_eq!(status(first, ECC)["status"], "signed");

    let second = &versions[1];
    assert_eq!(second["version"], 2);
    assert_eq!(second["first_commit"]["summary"], "v2: date of death");
    assert_eq!(second["change"]["type"], "major");
    assert_eq!(status(second, ICB)["status"], "signed");
    assert_eq!(status(second, ICB)["signed_at"], "2026-06-02T10:00:00Z");
    assert_eq!(status(second, ECC)["status"], "missing");
    assert_eq!(status(second, ECC)["last_signed_version"], 1);

    let (code, out, err) = s.run(&["log", ID]);
    assert_eq!(code, 0, "{err}");
    let icb_key = &icb1["key_id"].as_str().unwrap();
    let expected = format!(
        "Versions of {ID} (agreements/{ID}.toml)

v1  first committed 2026-03-16 09:00 +00:00 by Test Author <author@example.org>, commit {}
    1 text in 1 commit
    New agreement: First version.
      reason: Care Act assessments needed health information.
    nhs-essex-icb         signed by priya@nhs.net as dpo on 2026-04-01 (key {icb_key})
    essex-county-council  signed by mark@essex.gov.uk as dpo on 2026-04-01 (key {})
",
        &v1[..12],
        status(first, ECC)["key_id"].as_str().unwrap()
    );
    assert!(out.starts_with(&expected), "{out}");
    assert!(
        out.contains("    nhs-essex-icb         signed by priya@nhs.net as dpo on 2026-06-02")
            && out.ends_with("    essex-county-council  not signed (it signed v1)\n"),
        "{out}"
    );

    // An edit of v2 not yet committed: its own entry, judged against the working tree's bytes.
    s.edit(
        "disposal = \"Deleted from Mosaic",
        "disposal = \"Erased from Mosaic",
    );
    let report = s.json(&["log", ID]);
    let versions = report["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    let edit = &versions[2];
    assert_eq!(
        (edit["version"].as_u64(), edit["uncommitted"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(edit["first_commit"], Value::Null);
    assert_eq!(status(edit, ICB)["status"], "invalid");
    assert_eq!(status(edit, ICB)["code"], "DP201");
    // The committed v2 still counts the ICB's signature, on the bytes it signed.
    assert_eq!(status(&versions[1], ICB)["status"], "signed");
    let (_, out, _) = s.run(&["log", ID]);
    assert!(
        out.contains("\nv2  uncommitted: the working tree's text, which HEAD does not have\n"),
        "{out}"
    );
}

#[test]
fn a_tampered_signature_is_shown_invalid_on_its_version() {
    let (s, _, _, _) = amended();
    let statement = s.ws.root().join(format!("signatures/{ID}/v1/{ECC}.toml"));
    let text = std::fs::read_to_string(&statement).unwrap();
    std::fs::write(&statement, text.replace("T11:00:00Z", "T09:00:00Z")).unwrap();
    let report = s.json(&["log", ID]);
    let v1 = &report["versions"][0];
    assert_eq!(status(v1, ICB)["status"], "signed");
    let ecc = status(v1, ECC);
    assert_eq!(ecc["status"], "invalid", "{v1:#}");
    assert_eq!(ecc["code"], "DP208");
    let (code, out, _) = s.run(&["log", ID]);
    assert_eq!(code, 0);
    assert!(
        out.contains("    essex-county-council  invalid [DP208]: "),
        "{out}"
    );
    // A statement naming bytes the history never had: said so, on that version.
    std::fs::write(
        &statement,
        text.replace(
            &text[text.find("agreement_sha256 = \"").unwrap() + 20..][..64],
            &"0".repeat(64),
        ),
    )
    .unwrap();
    let report = s.json(&["log", ID]);
    let ecc = status(&report["versions"][0], ECC);
    assert_eq!(ecc["status"], "invalid", "{report:#}");
}

#[test]
fn texts_that_do_not_validate_are_shown_so() {
    let (s, _) = Story::v1();
    s.bump(1, 2);
    let good = s.text();
    // A v2 with an escape sequence in a clause (DP019), then fixed; then a commit that is not
    // even TOML.
    s.edit("To give the council's", "To give the \\u001b[2Kcouncil's");
    s.commit("v2 with an escape", "2026-05-01T09:00:00Z");
    std::fs::write(s.file(), &good).unwrap();
    s.commit("v2 fixed", "2026-05-02T09:00:00Z");
    std::fs::write(s.file(), "schema = [\n").unwrap();
    s.commit("broken", "2026-05-03T09:00:00Z");
    std::fs::write(s.file(), &good).unwrap();
    s.commit("v2 again", "2026-05-04T09:00:00Z");
    let report = s.json(&["log", ID]);
    let versions = report["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3, "{report:#}");
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(versions[1]["validates"], true);
    assert_eq!(
        (
            versions[1]["texts"].as_u64(),
            versions[1]["commits"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(versions[1]["texts_not_validating"], 1);
    assert_eq!(versions[2]["version"], Value::Null);
    assert_eq!(versions[2]["validates"], false);
    assert!(
        versions[2]["problem"].as_str().unwrap().contains("1:"),
        "{report:#}"
    );
    let (code, out, _) = s.run(&["log", ID]);
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}'));
    assert!(
        out.contains("    2 texts in 3 commits (1 of them does not validate)\n"),
        "{out}"
    );
    assert!(
        out.contains("\nversion unknown  first committed 2026-05-03"),
        "{out}"
    );
    assert!(out.contains("    does not validate: 1:"), "{out}");
}

#[test]
fn a_workspace_not_in_git_shows_the_working_tree_only() {
    let s = Story::new();
    let (code, out, err) = s.run(&["log", ID]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            "Versions of {ID} (agreements/{ID}.toml)\nnote: the workspace is not in a git repository: only the working tree's version is shown\n\nv1  the working tree\n"
        )),
        "{out}"
    );
    let report = s.json(&["log", ID]);
    assert_eq!(report["in_git"], false);
    assert_eq!(report["versions"].as_array().unwrap().len(), 1);
    assert_eq!(status(&report["versions"][0], ICB)["status"], "missing");
}

#[test]
fn a_shallow_clone_says_earlier_versions_may_be_missing() {
    let (s, _, _, _) = amended();
    let clone = tempfile::tempdir().unwrap();
    let done = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", s.ws.root().display()))
        .arg(clone.path().join("ws"))
        .status()
        .unwrap();
    assert!(done.success());
    let ws = clone.path().join("ws");
    let run = |args: &[&str]| {
        let mut all = vec![
            "-C",
            ws.to_str().unwrap(),
            "--today",
            crate::diff_cli::TODAY,
        ];
        all.extend_from_slice(args);
        s.ws.run(&all)
    };
    let (code, out, err) = run(&["log", ID, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["shallow"], true);
    assert_eq!(
        report["versions"].as_array().unwrap().len(),
        1,
        "only v2's commit was fetched"
    );
    let (_, out, _) = run(&["log", ID]);
    assert!(
        out.contains("note: the repository is a shallow clone: earlier versions may be missing"),
        "{out}"
    );
    // diff cannot find v1 there, and says why.
    let (code, _, err) = run(&["diff", ID]);
    assert_eq!(code, 2);
    assert!(err.contains("the repository is a shallow clone"), "{err}");
    assert!(err.contains("git fetch --unshallow"), "{err}");
    // Nor the text the council signed.
    let (code, _, err) = run(&["diff", ID, "--since-signed-by", ECC]);
    assert_eq!(code, 1);
    assert!(err.contains("(a shallow clone)"), "{err}");
}
