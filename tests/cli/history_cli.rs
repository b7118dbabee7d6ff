//! History verification through the real binary: `verify --history` and `check --history` over
//! git histories built commit by commit (`commit_all` at fixed dates, signatures made by the real
//! `sign` with `--signed-at` and `--today`), one test per problem the walk reports (DP401-DP407),
//! a clean history, hostile commit messages, a malformed text in history, and the cases that
//! stop the command (a shallow clone, a workspace outside git).

use crate::common::{self, ECC, ICB, ID, T0, TempWorkspace, example, text};
use serde_json::Value;
use std::cell::Cell;
use std::path::PathBuf;

/// "Today" for every run: the example agreement is active then, and T0 is in the past.
pub(crate) const TODAY: &str = "2026-11-25";

/// A workspace whose history is written commit by commit: the example agreement, a key for
/// each of its parties, and a clock that moves a day per commit.
pub(crate) struct Story {
    pub ws: TempWorkspace,
    icb: PathBuf,
    ecc: PathBuf,
    day: Cell<u32>,
}

impl Story {
    /// Commit 1 drafts the agreement (v1); commit 2 enrols both parties' keys.
    pub fn new() -> Story {
        let ws = TempWorkspace::init();
        ws.write(&format!("agreements/{ID}.toml"), example(ID));
        let story = Story {
            icb: PathBuf::new(),
            ecc: PathBuf::new(),
            ws,
            day: Cell::new(0),
        };
        story.commit("Draft the adult social care agreement");
        let icb = story.ws.generate_key(ICB, "priya@nhs.net");
        let ecc = story.ws.generate_key(ECC, "mark@essex.gov.uk");
        story.commit("Enrol the ICB's and the council's keys");
        Story { icb, ecc, ..story }
    }

    /// Both parties signed v1 (commits 3 and 4).
    pub fn signed_v1() -> Story {
        let s = Story::new();
        s.sign(ICB);
        s.commit("ICB signs v1");
        s.sign(ECC);
        s.commit("Council signs v1");
        s
    }

    /// v1 signed, then amended to v2 (commit 5) and v2 signed by both (commits 6 and 7).
    pub fn signed_v2() -> Story {
        let s = Story::signed_v1();
        s.amend(2);
        s.commit("Amend: five working days become nine (v2)");
        s.sign(ICB);
        s.commit("ICB signs v2");
        s.sign(ECC);
        s.commit("Council signs v2");
        s
    }

    /// Commits the whole work tree, a day after the previous commit; returns the short id.
    pub fn commit(&self, message: &str) -> String {
        let day = self.day.get();
        self.day.set(day + 1);
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T09:00:00+00:00").unwrap()
            + chrono::Duration::days(i64::from(day));
        let id = self.ws.commit_all(message, &at.to_rfc3339());
        id[..12].to_string()
    }

    /// Signs the agreement's current version for `party` (at T0, judged on TODAY).
    pub fn sign(&self, party: &str) {
        let key = if party == ICB { &self.icb } else { &self.ecc };
        self.ws
            .sign(ID, party, key, &["--signed-at", T0, "--today", TODAY]);
    }

    /// The agreement file, relative to the root.
    pub fn agreement(&self) -> String {
        format!("agreements/{ID}.toml")
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.ws.root().join(rel)).unwrap()
    }

    /// Replaces the first `from` in `rel` with `to`; `from` must be there.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{from:?} is not in {rel}");
        self.ws.write(rel, text.replacen(from, to, 1));
    }

    /// Sets the agreement's version to `version` (from the one it has) and changes its text
    /// (the response time in days becomes `version` + 7).
    pub fn amend(&self, version: u32) {
        let text = self.read(&self.agreement());
        let days = text
            .lines()
            .find_map(|l| {
                let i = l.find("within ")?;
                let rest = &l[i + 7..];
                rest.find(" working days").map(|j| rest[..j].to_string())
            })
            .unwrap();
        let amended = common::with_version(&text, version).replacen(
            &format!("within {days} working days"),
            &format!("within {} working days", version + 7),
            1,
        );
        self.ws.write(&self.agreement(), amended);
    }

    /// `party`'s statement for `version`, relative to the root.
    pub fn statement(&self, version: u32, party: &str) -> String {
        format!("signatures/{ID}/v{version}/{party}.toml")
    }

    /// Writes `text` as statement `rel` with a valid signature by `party`'s own key: a
    /// statement forged by someone holding that key.
    pub fn resign(&self, rel: &str, party: &str, text: &str) {
        let key = if party == ICB { &self.icb } else { &self.ecc };
        self.ws
            .plant_statement(rel, key, "datapact-agreement@datapact.dev", text);
    }

    /// `datapact --today TODAY ARGS...`: exit code, stdout, stderr.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut all = vec!["--today", TODAY];
        all.extend_from_slice(args);
        self.ws.run(&all)
    }

    /// `check --history --format json`: exit code, the findings as (code, severity, file,
    /// message), and stderr.
    pub fn check(&self) -> (i32, Vec<Found>, String) {
        let (code, out, err) = self.run(&["check", "--history", "--format", "json"]);
        let json: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\n{err}"));
        (code, found(&json), err)
    }
}

/// One finding: code, severity, file, message.
pub(crate) type Found = (String, String, String, String);

/// The findings of a `check --format json` report.
fn found(json: &Value) -> Vec<Found> {
    crate::common::finding_objects(json)
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("code"), s("severity"), s("file"), s("message"))
        })
        .collect()
}

/// The findings of `code`.
fn of<'a>(found: &'a [Found], code: &str) -> Vec<&'a Found> {
    found.iter().filter(|f| f.0 == code).collect()
}

/// The history findings (DP4xx) other than trust store changes.
fn problems(found: &[Found]) -> Vec<&Found> {
    found
        .iter()
        .filter(|f| f.0.starts_with("DP4") && f.0 != "DP407")
        .collect()
}

#[test]
fn a_clean_history_of_a_draft_two_signatures_and_a_signed_amendment_passes() {
    let s = Story::signed_v2();
    let (code, found, err) = s.check();
    assert_eq!(code, 0, "{found:#?}\n{err}");
    assert!(problems(&found).is_empty(), "{found:#?}");
    // The trust store change is there, informational, naming its commit.
    let trust = of(&found, "DP407");
    assert_eq!(trust.len(), 2, "{found:#?}");
    assert!(trust.iter().all(|f| f.1 == "warning"));
    let (code, out, err) = s.run(&["verify", "--history"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("History (7 commits of the current branch"),
        "{out}"
    );
    assert!(out.contains("no problems in history"), "{out}");
    assert!(out.contains("Trust store changes (2)"), "{out}");
}

#[test]
fn restoring_the_v1_text_in_a_new_commit_is_a_rollback_naming_that_commit() {
    let s = Story::signed_v2();
    s.ws.write(&s.agreement(), example(ID));
    let restore = s.commit("Restore old text");
    let (code, found, err) = s.check();
    assert_eq!(code, 1, "{found:#?}\n{err}");
    let rollback = of(&found, "DP401");
    assert_eq!(rollback.len(), 1, "{found:#?}");
    let (_, severity, file, message) = rollback[0];
    assert_eq!(
        (severity.as_str(), file.as_str()),
        ("error", s.agreement().as_str())
    );
    assert!(
        message.starts_with(&format!(
            "commit {restore} (2026-03-08, Test Author: \"Restore old text\") restored the text of v1"
        )),
        "{message}"
    );
    assert!(message.contains("after version 2"), "{message}");
    assert_eq!(problems(&found).len(), 1, "{found:#?}");
}

#[test]
fn a_lowered_version_number_is_a_rollback_until_the_version_is_raised_again() {
    let s = Story::signed_v2();
    common::set_version(&s.ws.root().join(s.agreement()), 1);
    let lowered = s.commit("Back to version 1");
    let (code, found, _) = s.check();
    assert_eq!(code, 1);
    let rollback = of(&found, "DP401");
    assert_eq!(rollback.len(), 1, "{found:#?}");
    assert!(
        rollback[0].3.contains(&format!("commit {lowered} ")),
        "{found:#?}"
    );
    assert!(
        rollback[0]
            .3
            .contains("set version 1 after version 2: the version number went backwards"),
        "{found:#?}"
    );
    assert_eq!(rollback[0].1, "error");
    // Repaired by a new version that every party signs: still reported, as a warning.
    s.amend(3);
    s.commit("v3");
    s.sign(ICB);
    s.sign(ECC);
    s.commit("Both sign v3");
    let (code, found, err) = s.check();
    assert_eq!(code, 0, "{found:#?}\n{err}");
    let rollback = of(&found, "DP401");
    assert_eq!(rollback.len(), 1, "{found:#?}");
    assert_eq!(rollback[0].1, "warning");
    assert!(
        rollback[0]
            .3
            .contains("since repaired: at HEAD the agreement has version 3"),
        "{found:#?}"
    );
}

#[test]
fn deleting_a_signed_version_directory_names_the_commit_that_removed_it() {
    let s = Story::signed_v2();
    std::fs::remove_dir_all(s.ws.root().join(format!("signatures/{ID}/v2"))).unwrap();
    let removal = s.commit("Tidy up signatures");
    let (code, found, err) = s.check();
    assert_eq!(code, 1, "{found:#?}\n{err}");
    let removed = of(&found, "DP404");
    assert_eq!(removed.len(), 1, "{found:#?}");
    let (_, severity, file, message) = removed[0];
    assert_eq!(severity, "error");
    assert_eq!(file, &format!("signatures/{ID}/v2"));
    assert!(
        message.starts_with(&format!("commit {removal} (2026-03-08, Test Author: \"Tidy up signatures\") removed signatures/{ID}/v2/")),
        "{message}"
    );
    assert!(
        message.contains(&format!("{ICB}, {ECC}")) || message.contains(&format!("{ECC}, {ICB}")),
        "{message}"
    );
    // One statement removed (its directory stays): reported at the statement.
    let s = Story::signed_v2();
    std::fs::remove_file(s.ws.root().join(s.statement(1, ECC))).unwrap();
    std::fs::remove_file(s.ws.root().join(format!("{}.sig", s.statement(1, ECC)))).unwrap();
    let removal = s.commit("Drop the council's v1 signature");
    let (_, found, _) = s.check();
    let removed = of(&found, "DP404");
    assert_eq!(removed.len(), 1, "{found:#?}");
    assert_eq!(removed[0].2, s.statement(1, ECC));
    assert!(
        removed[0].3.contains(&format!("commit {removal} ")),
        "{found:#?}"
    );
}

#[test]
fn renaming_a_version_directory_is_a_removal_and_the_new_name_a_stray_entry() {
    let s = Story::signed_v2();
    let root = s.ws.root();
    std::fs::rename(
        root.join(format!("signatures/{ID}/v2")),
        root.join(format!("signatures/{ID}/v02")),
    )
    .unwrap();
    let rename = s.commit("Zero-pad version directories");
    let (code, found, _) = s.check();
    assert_eq!(code, 1);
    let removed = of(&found, "DP404");
    assert_eq!(removed.len(), 1, "{found:#?}");
    assert!(
        removed[0].3.contains(&format!("commit {rename} ")),
        "{found:#?}"
    );
    assert!(
        removed[0].3.contains(&format!(
            "renamed: the same files are now in signatures/{ID}/v02/"
        )),
        "{found:#?}"
    );
    assert!(
        of(&found, "DP214")
            .iter()
            .any(|f| f.2 == format!("signatures/{ID}/v02")),
        "{found:#?}"
    );
}

#[test]
fn content_changed_under_a_signed_version_number() {
    let s = Story::signed_v1();
    s.replace(
        &s.agreement(),
        "within 5 working days",
        "within 9 working days",
    );
    let change = s.commit("Small wording fix");
    let (code, found, _) = s.check();
    assert_eq!(code, 1);
    let changed = of(&found, "DP402");
    assert_eq!(changed.len(), 1, "{found:#?}");
    let message = &changed[0].3;
    assert!(
        message.starts_with(&format!("commit {change} ")),
        "{message}"
    );
    assert!(
        message.contains("changed the text of version 1 after"),
        "{message}"
    );
    assert!(message.contains(ICB) && message.contains(ECC), "{message}");
    assert_eq!(changed[0].1, "error");
    // The working tree says the same thing its own way.
    assert!(!of(&found, "DP201").is_empty(), "{found:#?}");
}

#[test]
fn a_skipped_version_is_a_warning() {
    let s = Story::signed_v1();
    s.amend(3);
    let skip = s.commit("Amend to v3");
    let (code, found, _) = s.check();
    assert_eq!(code, 0, "{found:#?}");
    let skipped = of(&found, "DP403");
    assert_eq!(skipped.len(), 1, "{found:#?}");
    assert_eq!(skipped[0].1, "warning");
    assert!(
        skipped[0].3.starts_with(&format!("commit {skip} "))
            && skipped[0].3.contains("version 2 was skipped"),
        "{found:#?}"
    );
    // `--fail-on warning` makes it fail.
    let (code, _, _) = s.run(&["check", "--history", "--fail-on", "warning"]);
    assert_eq!(code, 1);
}

/// v2 signed by the ICB, and the council's v2 statement written with a forged
/// `previous_sha256` and signed with the council's own (valid) key.
pub(crate) fn forged_chain() -> (Story, String) {
    let s = Story::signed_v1();
    s.amend(2);
    s.commit("Amend to v2");
    s.sign(ICB);
    s.sign(ECC);
    let rel = s.statement(2, ECC);
    let text = s.read(&rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("previous_sha256 = "))
        .unwrap()
        .to_string();
    let forged = text.replace(&line, &format!("previous_sha256 = \"{}\"", "ab".repeat(32)));
    s.resign(&rel, ECC, &forged);
    let commit = s.commit("Council signs v2");
    (s, commit)
}

#[test]
fn a_statement_whose_chain_does_not_link_is_reported_with_its_commit() {
    let (s, forged) = forged_chain();
    let (code, found, _) = s.check();
    assert_eq!(code, 1);
    let chain = of(&found, "DP405");
    assert_eq!(chain.len(), 1, "{found:#?}");
    assert_eq!(chain[0].2, s.statement(2, ECC));
    assert!(
        chain[0].3.starts_with(&format!("commit {forged} ")),
        "{found:#?}"
    );
    assert!(
        chain[0]
            .3
            .contains(&format!("names previous_sha256 {}", "ab".repeat(32))),
        "{found:#?}"
    );
    // The working tree's own chain check agrees.
    assert!(!of(&found, "DP217").is_empty(), "{found:#?}");
}

/// v1 signed by both; then the ICB's statement edited without signing it again.
pub(crate) fn tampered_statement() -> (Story, String) {
    let s = Story::signed_v1();
    let rel = s.statement(1, ICB);
    s.replace(&rel, "role = \"dpo\"", "role = \"senior-officer\"");
    let tamper = s.commit("Correct the ICB's role");
    (s, tamper)
}

#[test]
fn a_tampered_statement_in_history_is_reported_after_it_was_fixed() {
    let (s, tamper) = tampered_statement();
    let rel = s.statement(1, ICB);
    let (code, found, _) = s.check();
    assert_eq!(code, 1);
    let bad = of(&found, "DP406");
    assert_eq!(bad.len(), 1, "{found:#?}");
    assert_eq!(
        (bad[0].1.as_str(), bad[0].2.as_str()),
        ("error", rel.as_str())
    );
    // Fixed: the original statement back.
    s.replace(&rel, "role = \"senior-officer\"", "role = \"dpo\"");
    s.commit("Put the ICB's statement back");
    let (code, found, err) = s.check();
    assert_eq!(code, 0, "{found:#?}\n{err}");
    let bad = of(&found, "DP406");
    assert_eq!(bad.len(), 1, "{found:#?}");
    let (_, severity, file, message) = bad[0];
    assert_eq!(
        (severity.as_str(), file.as_str()),
        ("warning", rel.as_str())
    );
    assert!(
        message.starts_with(&format!("commit {tamper} ")),
        "{message}"
    );
    assert!(message.contains("does not verify"), "{message}");
    assert!(
        message.contains(&format!("since repaired: {rel} has been replaced since")),
        "{message}"
    );
}

#[test]
fn a_statement_naming_bytes_the_agreement_never_had_does_not_verify() {
    let s = Story::signed_v1();
    let rel = s.statement(1, ECC);
    let text = s.read(&rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("agreement_sha256 = "))
        .unwrap()
        .to_string();
    s.resign(
        &rel,
        ECC,
        &text.replace(
            &line,
            &format!("agreement_sha256 = \"{}\"", "cd".repeat(32)),
        ),
    );
    s.commit("Council re-signs");
    let (code, found, _) = s.check();
    assert_eq!(code, 1);
    let bad = of(&found, "DP406");
    assert_eq!(bad.len(), 1, "{found:#?}");
    assert!(bad[0].3.contains("never had on this branch"), "{found:#?}");
}

#[test]
fn every_trust_store_change_is_listed_with_its_commit() {
    let s = Story::signed_v1();
    let (_, out, _) = s.run(&["keys", "list", "--format", "json"]);
    let list: Value = serde_json::from_str(&out).unwrap();
    let key_id = list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["party"] == ICB)
        .and_then(|k| k["key_id"].as_str())
        .unwrap()
        .to_string();
    let (code, _, err) = s.run(&[
        "keys",
        "revoke",
        &key_id,
        "--reason",
        "laptop lost",
        "--date",
        "2026-05-01",
    ]);
    assert_eq!(code, 0, "{err}");
    let revoke = s.commit("Revoke the ICB's lost key");
    let (_, found, _) = s.check();
    let trust = of(&found, "DP407");
    assert_eq!(trust.len(), 3, "{found:#?}");
    let revoked = trust
        .iter()
        .find(|f| f.3.starts_with(&format!("commit {revoke} ")))
        .expect("the revocation is listed");
    assert_eq!(revoked.2, format!("keys/{ICB}.toml"));
    assert!(
        revoked.3.contains(&format!(
            "changed keys/{ICB}.toml (party {ICB}): revoked {key_id} (priya@nhs.net)"
        )),
        "{}",
        revoked.3
    );
    // verify lists every change apart from the problems, oldest first.
    let (_, out, _) = s.run(&["verify", "--history"]);
    let listing = &out[out.find("Trust store changes (3)").expect(&out)..];
    let lines: Vec<&str> = listing.lines().skip(1).collect();
    assert_eq!(lines.len(), 3, "{listing}");
    assert!(
        lines[0].contains(&format!("added keys/{ECC}.toml")),
        "{listing}"
    );
    assert!(lines[2].contains(&format!("commit {revoke} ")), "{listing}");
    // JSON carries the change itself.
    let (_, out, _) = s.run(&["verify", "--history", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    let changes = json["history"]["trust_changes"].as_array().unwrap();
    assert_eq!(changes[2]["revoked"][0]["key_id"], key_id.as_str());
    assert_eq!(changes[2]["commit"]["summary"], "Revoke the ICB's lost key");
    // DP407 can be turned off; verify still lists the changes.
    s.ws.write("datapact.toml", "[rules]\nhistory-trust-change = \"off\"\n");
    let (_, found, _) = s.check();
    assert!(of(&found, "DP407").is_empty(), "{found:#?}");
}

#[test]
fn a_private_key_committed_to_keys_stays_named_after_it_was_removed() {
    let s = Story::new();
    let trust = format!("keys/{ICB}.toml");
    let before = s.read(&trust);
    s.ws.write(
        &trust,
        format!("{before}\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"),
    );
    let leak = s.commit("Add the key");
    s.ws.write(&trust, before);
    s.commit("Remove the private key again");
    // A file name that is no party id is listed too.
    s.ws.write("keys/Not A Party.toml", "");
    s.commit("A stray trust store file");
    std::fs::remove_file(s.ws.root().join("keys/Not A Party.toml")).unwrap();
    s.commit("Remove it");
    let (code, found, err) = s.check();
    assert_eq!(code, 0, "{found:#?}\n{err}");
    let trust_changes = of(&found, "DP407");
    let leaked = trust_changes
        .iter()
        .find(|f| f.3.starts_with(&format!("commit {leak} ")))
        .expect("the commit is listed");
    assert!(
        leaked.3.contains("it holds a private key block") && leaked.3.contains("revoke that key"),
        "{}",
        leaked.3
    );
    assert!(
        trust_changes
            .iter()
            .any(|f| f.2 == "keys/Not A Party.toml" && f.3.contains("not a party id")),
        "{found:#?}"
    );
}

#[test]
fn hostile_commit_messages_and_author_names_are_shown_visibly() {
    let s = Story::signed_v2();
    s.ws.write(&s.agreement(), example(ID));
    s.commit("\u{1b}[2K\rok: nothing to see\u{202e}\nsecond line");
    let (code, out, err) = s.run(&["check", "--history"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        !out.contains('\u{1b}') && !out.contains('\r') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(
        out.contains("\\u{1b}[2K\\rok: nothing to see\\u{202e}"),
        "{out}"
    );
    let (_, out, _) = s.run(&["verify", "--history"]);
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
    for format in ["github", "json", "sarif", "junit"] {
        let (_, out, _) = s.run(&["check", "--history", "--format", format]);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\r'),
            "{format}: {out:?}"
        );
    }
    // The github format keeps one annotation per line.
    let (_, out, _) = s.run(&["check", "--history", "--format", "github"]);
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
}

#[test]
fn an_unreadable_text_in_history_is_skipped_with_a_note() {
    let s = Story::signed_v1();
    let good = s.read(&s.agreement());
    s.ws.write(&s.agreement(), "this is [not toml\n");
    s.commit("Oops");
    s.ws.write(&s.agreement(), good);
    s.commit("Undo oops");
    let (code, found, err) = s.check();
    assert_eq!(code, 0, "{found:#?}\n{err}");
    assert!(problems(&found).is_empty(), "{found:#?}");
    assert!(
        err.contains("note: agreements/") && err.contains("its version cannot be read"),
        "{err}"
    );
}

#[test]
fn a_shallow_clone_is_refused_with_the_fetch_depth_hint() {
    let s = Story::signed_v1();
    let clone = tempfile::tempdir().unwrap();
    let dest = clone.path().join("shallow");
    let status = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "1"])
        .arg(format!("file://{}", s.ws.root().display()))
        .arg(&dest)
        .status()
        .expect("git is on PATH");
    assert!(status.success());
    for command in ["check", "verify"] {
        let out = common::datapact()
            .args(["--today", TODAY, "-C"])
            .arg(&dest)
            .args([command, "--history"])
            .output()
            .unwrap();
        common::assert_no_panic(&out);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("shallow clone"), "{err}");
        assert!(err.contains("git fetch --unshallow"), "{err}");
        assert!(err.contains("fetch-depth: 0"), "{err}");
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    }
}

#[test]
fn a_workspace_outside_git_is_refused_and_a_repository_without_commits_is_clean() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let (code, _, err) = ws.run(&["--today", TODAY, "check", "--history"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not in a git repository"), "{err}");
    assert!(err.contains("leave out --history"), "{err}");
    let (code, _, err) = ws.run(&["--today", TODAY, "verify", "--history"]);
    assert_eq!(code, 2, "{err}");
    // `git init`, nothing committed.
    git2::Repository::init(ws.root()).unwrap();
    let (code, out, err) = ws.run(&["--today", TODAY, "verify", "--history"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("History (0 commits of the current branch, no commits yet)"),
        "{out}"
    );
    let (code, out, err) = ws.run(&["--today", TODAY, "check", "--history"]);
    assert_eq!(code, 0, "{out}\n{err}");
}

#[test]
fn checking_one_agreement_keeps_its_history_and_leaves_out_the_others() {
    let s = Story::signed_v2();
    let other = "icb-ecc-second";
    s.ws.write(
        &format!("agreements/{other}.toml"),
        example(ID).replace(&format!("id = \"{ID}\""), &format!("id = \"{other}\"")),
    );
    s.commit("A second agreement");
    s.ws.write(&s.agreement(), example(ID));
    s.commit("Restore old text");
    let (code, out, _) = s.run(&["check", other, "--history", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("DP401"), "{out}");
    let (code, out, _) = s.run(&["check", ID, "--history", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DP401"), "{out}");
    let (code, out, _) = s.run(&["verify", other, "--history"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("DP401") && out.contains("Trust store changes (2)"),
        "{out}"
    );
    let (code, out, _) = s.run(&["verify", ID, "--history"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DP401"), "{out}");
}
