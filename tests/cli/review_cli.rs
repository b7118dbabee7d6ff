//! `datapact review` and the verification of review statements, through the real binary: a
//! review moves the review date without signing the agreement again; `[reviews] signers`
//! decides when a review is complete; every refusal writes nothing; review statements that do
//! not count (revoked or unknown key, other bytes, beyond the interval, from the future, copied
//! to another agreement or version, an agreement statement in their place) are DP221, and a
//! review statement never passes for an agreement statement; OpenSSH verifies a review's
//! signature as it does an agreement signature's.

use crate::common::{self, ECC, ICB, ID, T0, TempWorkspace, example, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The day of the reviews in these tests: a month after the example's review date
/// (2028-04-01), so the agreement is review-overdue until a review is recorded.
const DAY: &str = "2028-05-01";
/// The next review most tests record: within the 24 months the example allows.
const NEXT: &str = "2029-03-01";
const OUTCOME: &str = "No changes needed: the sharing is still necessary and proportionate";

/// A workspace (`datapact init`, a git repository with a committer) with the example agreement
/// signed by both parties at T0, and their keys.
struct Fixture {
    ws: TempWorkspace,
    icb: PathBuf,
    ecc: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let f = Fixture::unsigned();
        f.ws.sign(ID, ICB, &f.icb, &["--signed-at", T0]);
        f.ws.sign(ID, ECC, &f.ecc, &["--signed-at", T0]);
        f
    }

    /// The same, signed by nobody.
    fn unsigned() -> Fixture {
        let ws = TempWorkspace::init();
        ws.write(&format!("agreements/{ID}.toml"), example(ID));
        ws.set_committer();
        let icb = ws.generate_key_to(ICB, "priya@nhs.net", "icb");
        let ecc = ws.generate_key_to(ECC, "mark@essex.gov.uk", "ecc");
        Fixture { ws, icb, ecc }
    }

    fn key(&self, party: &str) -> &Path {
        if party == ICB { &self.icb } else { &self.ecc }
    }

    /// `datapact --today DAY review ID --party PARTY --key KEY ARGS...`, unchecked.
    fn review_with(&self, party: &str, key: &Path, args: &[&str]) -> Output {
        let mut all = vec![
            "--today",
            DAY,
            "review",
            ID,
            "--party",
            party,
            "--key",
            key.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        self.ws.output(&all)
    }

    /// `party` reviews on DAY with its key, signed that morning, naming `next`: exit code,
    /// stdout and stderr.
    fn review(&self, party: &str, next: &str) -> (i32, String, String) {
        let signed_at = format!("{DAY}T10:00:00Z");
        let out = self.review_with(
            party,
            self.key(party),
            &[
                "--outcome",
                OUTCOME,
                "--next-review",
                next,
                "--signed-at",
                &signed_at,
            ],
        );
        (
            out.status.code().unwrap(),
            text(&out.stdout),
            text(&out.stderr),
        )
    }

    /// `party` reviews on DAY naming NEXT; it must succeed.
    fn reviewed(&self, party: &str) {
        let (code, _, err) = self.review(party, NEXT);
        assert_eq!(code, 0, "{err}");
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.ws.root().join(rel)
    }

    /// `party`'s review statement of v`version` on DAY, relative to the root.
    fn review_statement(&self, version: u32, party: &str) -> String {
        format!("signatures/{ID}/v{version}/reviews/{DAY}/{party}.toml")
    }

    /// Copies the statement `from` and its signature to `to` and `to.sig` (relative to the root).
    fn copy_pair(&self, from: &str, to: &str) {
        for suffix in ["", ".sig"] {
            let bytes = std::fs::read(self.path(&format!("{from}{suffix}"))).unwrap();
            self.ws.write(&format!("{to}{suffix}"), bytes);
        }
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Writes `text` as statement `rel` and signs it with `party`'s key in the datapact
    /// namespace, as a signer with their own tooling could.
    fn resign(&self, rel: &str, party: &str, text: &str) {
        self.ws.plant_statement(
            rel,
            self.key(party),
            "datapact-agreement@datapact.dev",
            text,
        );
    }

    /// `datapact --today TODAY ARGS... --format json` (exit 0 or 1): exit code and document.
    fn json(&self, today: &str, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--today", today];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let out = self.ws.output(&all);
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{all:?} exited {code}: {}",
            text(&out.stderr)
        );
        (code, serde_json::from_slice(&out.stdout).unwrap())
    }

    /// The example's row of `status --format json` on `today`.
    fn status(&self, today: &str) -> Value {
        let (_, json) = self.json(today, &["status"]);
        json["agreements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == ID)
            .unwrap()
            .clone()
    }

    /// `check --format json` on DAY: exit code and every finding as (code, file, message).
    fn check(&self) -> (i32, Vec<(String, String, String)>) {
        let (code, json) = self.json(DAY, &["check"]);
        let findings = common::finding_objects(&json)
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["file"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (code, findings)
    }

    /// Asserts that `check` fails with a DP221 about `rel` whose message contains `why`, that
    /// `verify` reports it too, and that the review does not count: the review date is the
    /// agreement's own again.
    fn assert_review_invalid(&self, rel: &str, why: &str) {
        let (code, findings) = self.check();
        assert_eq!(code, 1, "{findings:?}");
        assert!(
            findings
                .iter()
                .any(|(c, file, m)| c == "DP221" && file == rel && m.contains(why)),
            "no DP221 about {rel} saying {why:?}: {findings:?}"
        );
        let (code, json) = self.json(DAY, &["verify"]);
        assert_eq!(code, 1);
        let codes = common::finding_codes(&json["agreements"][0]["findings"]);
        assert!(codes.contains(&"DP221"), "{json}");
        let row = self.status(DAY);
        assert_eq!(row["review"], "2028-04-01", "{row}");
        assert_eq!(row["state"], "review-overdue", "{row}");
        assert!(row["last_review"].is_null(), "{row}");
    }

    /// Every file under signatures/, with its bytes.
    fn signature_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries {
                let p = e.unwrap().path();
                if p.is_dir() {
                    out.push((p.clone(), Vec::new()));
                    walk(&p, out);
                } else {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.path("signatures"), &mut out);
        out.sort();
        out
    }

    /// Sets `[reviews] signers` in datapact.toml.
    fn policy(&self, signers: &str) {
        let text = self.read("datapact.toml");
        assert!(text.contains("signers = \"lead\""), "{text}");
        self.ws.write(
            "datapact.toml",
            text.replace("signers = \"lead\"", &format!("signers = \"{signers}\"")),
        );
    }
}

#[test]
fn a_review_sets_the_next_review_date_and_the_agreement_is_active_again() {
    let f = Fixture::new();
    let row = f.status(DAY);
    assert_eq!(
        (row["state"].as_str(), row["review"].as_str()),
        (Some("review-overdue"), Some("2028-04-01")),
        "{row}"
    );
    let (code, stdout, out) = f.review(ICB, NEXT);
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    assert!(
        out.contains(&format!(
            "Recorded {ICB}'s review of {ID} v1 on {DAY}: {OUTCOME}; next review {NEXT}"
        )),
        "{out}"
    );
    assert!(out.contains("The review is complete"), "{out}");
    // The statement, in its one fixed form, beside the version's signatures; nothing else
    // written, the agreement and its signatures untouched.
    let rel = f.review_statement(1, ICB);
    let statement = f.read(&rel);
    assert!(
        statement.starts_with("# datapact review statement. Do not edit")
            && statement.contains("\ntype = \"datapact-review/1\"\n")
            && statement.contains(&format!("\nreviewed_on = \"{DAY}\"\n"))
            && statement.contains(&format!("\nnext_review = \"{NEXT}\"\n")),
        "{statement}"
    );
    assert!(f.path(&format!("{rel}.sig")).is_file());
    assert_eq!(
        common::dir_names(&f.path(&format!("signatures/{ID}/v1/reviews/{DAY}"))),
        [format!("{ICB}.toml"), format!("{ICB}.toml.sig")]
    );
    assert_eq!(f.read(&format!("agreements/{ID}.toml")), example(ID));

    let row = f.status(DAY);
    assert_eq!(row["state"], "active", "{row}");
    assert_eq!(row["review"], NEXT, "{row}");
    assert_eq!(row["next_date"], NEXT, "{row}");
    let last = &row["last_review"];
    assert_eq!(last["reviewed_on"], DAY, "{row}");
    assert_eq!(last["outcome"], OUTCOME);
    assert_eq!(last["next_review"], NEXT);
    assert_eq!(last["signers"], serde_json::json!([ICB]));
    let (code, findings) = f.check();
    assert_eq!((code, findings.len()), (0, 0), "{findings:?}");
    // Shown by the table, the CSV and renditions, as "last reviewed DATE by PARTY: OUTCOME".
    let (_, table, _) = f.ws.run(&["--today", DAY, "status"]);
    let sentence = format!(
        "{ID}: last reviewed {DAY} by NHS Essex Integrated Care Board: {OUTCOME}; next review {NEXT}"
    );
    assert!(table.contains(&sentence), "{table}");
    let (_, csv, _) = f.ws.run(&["--today", DAY, "status", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains(",last_reviewed_on,last_review_by,last_review_outcome,"),
        "{csv}"
    );
    assert!(csv.contains(&format!("{DAY},{ICB},{OUTCOME}")), "{csv}");
    let (code, md, err) = f.ws.run(&["--today", DAY, "render", ID, "--public"]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("| Review by | 1 March 2029 |"), "{md}");
    assert!(
        md.contains(&format!(
            "| Last reviewed | 1 May 2028 by NHS Essex Integrated Care Board: {OUTCOME} |"
        )),
        "{md}"
    );
    // When the next review passes, the finding says which review named it.
    let (_, json) = f.json("2029-03-02", &["check"]);
    let findings = common::findings(&json);
    assert!(
        findings.iter().any(|(code, _, m)| code == "DP302"
            && m == &format!("review overdue since {NEXT} (1 day ago), the next review named by the signed review of {DAY}")),
        "{findings:?}"
    );
    // Before the review took place, it is not in force: judged on the day before, the review
    // is from the future and does not count.
    let (code, json) = f.json("2028-04-30", &["check"]);
    assert_eq!(code, 1, "{json}");
    assert!(
        common::codes(&json).contains(&"DP221".to_string()),
        "{json}"
    );
}

#[test]
fn under_policy_all_a_review_counts_once_every_party_signed_it() {
    let f = Fixture::new();
    f.policy("all");
    let (code, _, out) = f.review(ICB, NEXT);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "Still to sign this review ([reviews] signers = \"all\"): {ECC}"
        )),
        "{out}"
    );
    let (code, findings) = f.check();
    assert_eq!(
        code, 0,
        "a review awaiting a party is a warning: {findings:?}"
    );
    let dp222: Vec<_> = findings.iter().filter(|f| f.0 == "DP222").collect();
    assert_eq!(dp222.len(), 1, "{findings:?}");
    assert_eq!(dp222[0].1, f.review_statement(1, ICB));
    assert!(
        dp222[0].2.contains(&format!("awaits {ECC}")),
        "{findings:?}"
    );
    let row = f.status(DAY);
    assert_eq!(
        (row["state"].as_str(), row["review"].as_str()),
        (Some("review-overdue"), Some("2028-04-01")),
        "{row}"
    );
    // The council cannot sign the same review with another next review date.
    let before = f.signature_files();
    let (code, _, err) = f.review(ECC, "2029-02-01");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("pass --next-review {NEXT}")), "{err}");
    assert_eq!(f.signature_files(), before);
    // With the same one, the review is complete.
    let (code, _, out) = f.review(ECC, NEXT);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("The review is complete"), "{out}");
    let (code, findings) = f.check();
    assert_eq!((code, findings.len()), (0, 0), "{findings:?}");
    let row = f.status(DAY);
    assert_eq!(
        (row["state"].as_str(), row["review"].as_str()),
        (Some("active"), Some(NEXT))
    );
    assert_eq!(row["last_review"]["signers"], serde_json::json!([ICB, ECC]));

    // Under the default policy the lead's statement alone counts; the council's alone does not.
    let f = Fixture::new();
    f.reviewed(ECC);
    let (code, findings) = f.check();
    assert_eq!(code, 0);
    assert!(
        findings
            .iter()
            .any(|(c, _, m)| c == "DP222" && m.contains(&format!("awaits {ICB}"))),
        "{findings:?}"
    );
    f.reviewed(ICB);
    assert_eq!(f.check(), (0, Vec::new()));
}

#[test]
fn every_refusal_writes_nothing() {
    let f = Fixture::new();
    let at = |outcome: &str, next: &str, signed_at: &str| -> Vec<String> {
        [
            "--outcome",
            outcome,
            "--next-review",
            next,
            "--signed-at",
            signed_at,
        ]
        .map(String::from)
        .to_vec()
    };
    let morning = format!("{DAY}T10:00:00Z");
    let base = |outcome: &str, next: &str| at(outcome, next, &morning);
    let other = TempWorkspace::new();
    let stranger = other.generate_key_to(ICB, "x@nhs.net", "stranger");
    let cases: Vec<(&str, &Path, Vec<String>, &str)> = vec![
        (
            "next review on the day of the review",
            &f.icb,
            base(OUTCOME, DAY),
            "is not after the review",
        ),
        (
            "next review before it",
            &f.icb,
            base(OUTCOME, "2028-01-01"),
            "is not after the review",
        ),
        (
            "next review beyond the interval",
            &f.icb,
            base(OUTCOME, "2030-05-02"),
            "more than 24 months after the review",
        ),
        (
            "reviewed in the future",
            &f.icb,
            [
                base(OUTCOME, NEXT),
                vec!["--reviewed-on".into(), "2028-05-02".into()],
            ]
            .concat(),
            "after today",
        ),
        (
            "signed before the review took place",
            &f.icb,
            at(OUTCOME, NEXT, "2028-04-30T10:00:00Z"),
            "after the day it was signed",
        ),
        (
            "an empty outcome",
            &f.icb,
            base("  ", NEXT),
            "the outcome is empty",
        ),
        (
            "an escape sequence in the outcome",
            &f.icb,
            base("fine\u{1b}[2K", NEXT),
            "control or formatting character",
        ),
        (
            "a line break in the outcome",
            &f.icb,
            base("a\nb", NEXT),
            "control or formatting character",
        ),
        (
            "a key of another party",
            &f.ecc,
            base(OUTCOME, NEXT),
            "is enrolled for essex-county-council",
        ),
        (
            "a key nobody enrolled",
            &stranger,
            base(OUTCOME, NEXT),
            "is not in the trust store",
        ),
        (
            "a signing time in the future",
            &f.icb,
            at(OUTCOME, NEXT, "2099-01-01T00:00:00Z"),
            "signed at 2099-01-01T00:00:00Z, after today",
        ),
    ];
    // Dates wrong by themselves or against today, and text that is no line of text, are usage
    // (exit 2); what the agreement or the trust store refuses is exit 1 (docs/exit-codes.md).
    let usage = [
        "next review on the day of the review",
        "next review before it",
        "reviewed in the future",
        "signed before the review took place",
        "an empty outcome",
        "an escape sequence in the outcome",
        "a line break in the outcome",
    ];
    let before = f.signature_files();
    for (what, key, args, says) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = f.review_with(ICB, key, &args);
        let err = text(&out.stderr);
        let code = if usage.contains(what) { 2 } else { 1 };
        assert_eq!(out.status.code(), Some(code), "{what}: {err}");
        assert!(err.contains(says), "{what}: expected {says:?} in:\n{err}");
        assert!(err.contains("hint:"), "{what}: {err}");
        assert_eq!(f.signature_files(), before, "{what} wrote something");
    }
    // Not a party (refused), and a date that is no date (usage: exit 2).
    let out = f.review_with(
        "someone-else",
        &f.icb,
        &base(OUTCOME, NEXT)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a party"));
    let out = f.review_with(
        ICB,
        &f.icb,
        &["--outcome", OUTCOME, "--next-review", "2029-13-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(f.signature_files(), before);

    // A revoked key.
    let (second, deputy) = deputy(&f);
    let (code, _, err) = f.ws.run(&[
        "--today", DAY, "keys", "revoke", &deputy, "--reason", "left",
    ]);
    assert_eq!(code, 0, "{err}");
    let before = f.signature_files();
    let out = f.review_with(
        ICB,
        &second,
        &base(OUTCOME, NEXT)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("was revoked on"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(f.signature_files(), before);

    // A second review by the same party on the same day: refused, saying how to proceed.
    f.reviewed(ICB);
    let before = f.signature_files();
    let (code, _, err) = f.review(ICB, "2029-02-01");
    assert_eq!(code, 1);
    assert!(err.contains("has already recorded a review"), "{err}");
    assert!(err.contains("remove its statement and .sig"), "{err}");
    assert_eq!(f.signature_files(), before);

    // A draft is not reviewed, nor an agreement with errors.
    let draft = Fixture::unsigned();
    draft.ws.sign(ID, ICB, &draft.icb, &["--signed-at", T0]);
    let (code, _, err) = draft.review(ICB, NEXT);
    assert_eq!(code, 1);
    assert!(
        err.contains("a review of an unsigned draft is not a review; sign it first")
            && err.contains(&format!("not yet signed by {ECC}")),
        "{err}"
    );
    assert!(!draft.path(&format!("signatures/{ID}/v1/reviews")).exists());
    let broken = Fixture::new();
    let agreement = broken.path(&format!("agreements/{ID}.toml"));
    let text_of = std::fs::read_to_string(&agreement).unwrap();
    std::fs::write(
        &agreement,
        text_of.replacen("title = \"", "title = \"\" # \"", 1),
    )
    .unwrap();
    let (code, _, err) = broken.review(ICB, NEXT);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("has errors"), "{err}");
    assert!(!broken.path(&format!("signatures/{ID}/v1/reviews")).exists());
}

#[test]
fn commit_option_commits_exactly_the_two_files_written() {
    let f = Fixture::new();
    std::fs::write(f.path("unrelated.txt"), "x").unwrap();
    let signed_at = format!("{DAY}T10:00:00Z");
    let out = f.review_with(
        ICB,
        &f.icb,
        &[
            "--outcome",
            OUTCOME,
            "--next-review",
            NEXT,
            "--signed-at",
            &signed_at,
            "--commit",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let log = std::process::Command::new("git")
        .args(["show", "--name-only", "--format=%s", "HEAD"])
        .current_dir(f.ws.root())
        .output()
        .unwrap();
    let log = text(&log.stdout);
    let rel = f.review_statement(1, ICB);
    let files: Vec<&str> = log.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert_eq!(files, [rel.clone(), format!("{rel}.sig")], "{log}");
    assert!(
        log.starts_with(&format!("Review {ID} v1 on {DAY} for {ICB}")),
        "{log}"
    );
}

/// A second key enrolled for the ICB, which the tests revoke or forget while the agreement's
/// own signatures (by the first key) stay valid.
fn deputy(f: &Fixture) -> (PathBuf, String) {
    let key = f.ws.generate_key_to(ICB, "deputy@nhs.net", "deputy");
    let (_, keys, _) = f.ws.run(&["keys", "list", "--format", "json"]);
    let keys: Value = serde_json::from_str(&keys).unwrap();
    let id = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["principal"] == "deputy@nhs.net")
        .unwrap()["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    (key, id)
}

#[test]
fn threat_review_with_a_revoked_or_unknown_key_does_not_count() {
    // Revoked after the review: it stops counting, whatever the review's date.
    let f = Fixture::new();
    let (key, key_id) = deputy(&f);
    let signed_at = format!("{DAY}T10:00:00Z");
    let args = [
        "--outcome",
        OUTCOME,
        "--next-review",
        NEXT,
        "--signed-at",
        &signed_at,
    ];
    assert_eq!(f.review_with(ICB, &key, &args).status.code(), Some(0));
    assert_eq!(f.status(DAY)["review"], NEXT);
    let (code, _, err) = f.ws.run(&[
        "--today",
        DAY,
        "keys",
        "revoke",
        &key_id,
        "--reason",
        "laptop lost",
        "--date",
        DAY,
    ]);
    assert_eq!(code, 0, "{err}");
    f.assert_review_invalid(&f.review_statement(1, ICB), "was revoked on");
    // The agreement's signatures, by the other key, still count.
    let (_, json) = f.json(DAY, &["verify"]);
    assert_eq!(json["agreements"][0]["signature_state"], "full", "{json}");

    // A key taken out of the trust store.
    let f = Fixture::new();
    let (key, _) = deputy(&f);
    assert_eq!(f.review_with(ICB, &key, &args).status.code(), Some(0));
    let trust = f.read(&format!("keys/{ICB}.toml"));
    let second = trust.rfind("[[keys]]").unwrap();
    f.ws.write(&format!("keys/{ICB}.toml"), &trust[..second]);
    f.assert_review_invalid(&f.review_statement(1, ICB), "is not in the trust store");
}

#[test]
fn threat_review_for_other_bytes_beyond_the_interval_or_from_the_future_does_not_count() {
    let cases = [
        (
            "agreement_sha256 = \"",
            "agreement_sha256 = \"0",
            "with different content",
        ),
        (
            &*format!("next_review = \"{NEXT}\""),
            "next_review = \"2030-05-02\"",
            "more than 24 months after the review",
        ),
        (
            &*format!("next_review = \"{NEXT}\""),
            "next_review = \"2028-05-01\"",
            "is not after the review",
        ),
        (
            "signed_at = \"2028-05-01T10:00:00Z\"",
            "signed_at = \"2099-01-01T10:00:00Z\"",
            "after today",
        ),
        (
            "reviewed_on = \"2028-05-01\"",
            "reviewed_on = \"2028-04-30\"",
            "it is filed under reviews/2028-05-01/",
        ),
        (
            &*format!("outcome = \"{OUTCOME}\""),
            "outcome = \"\"",
            "the outcome is empty",
        ),
    ];
    for (from, to, why) in cases {
        let f = Fixture::new();
        f.reviewed(ICB);
        let rel = f.review_statement(1, ICB);
        let statement = f.read(&rel);
        assert!(statement.contains(from), "{from:?} in {statement}");
        let forged = if from.ends_with('"') && to.ends_with('0') {
            // One more hex digit, and one less at the end: other bytes, same length.
            let at = statement.find(from).unwrap() + from.len();
            let digest = &statement[at..at + 64];
            statement.replacen(digest, &format!("0{}", &digest[..63]), 1)
        } else {
            statement.replacen(from, to, 1)
        };
        f.resign(&rel, ICB, &forged);
        f.assert_review_invalid(&rel, why);
    }
}

#[test]
fn threat_review_copied_to_another_agreement_or_version_does_not_count() {
    // Another agreement, signed and reviewed; its review folder copied to the example's v1.
    let f = Fixture::new();
    let second = "icb-ecc-second";
    f.ws.write(
        &format!("agreements/{second}.toml"),
        example(ID).replace(&format!("id = \"{ID}\""), &format!("id = \"{second}\"")),
    );
    f.ws.sign(second, ICB, &f.icb, &["--signed-at", T0]);
    f.ws.sign(second, ECC, &f.ecc, &["--signed-at", T0]);
    let signed_at = format!("{DAY}T10:00:00Z");
    let mut args = vec!["--today", DAY, "review", second, "--party", ICB];
    let key = f.icb.to_str().unwrap().to_string();
    args.extend_from_slice(&["--key", &key, "--outcome", OUTCOME, "--next-review", NEXT]);
    args.extend_from_slice(&["--signed-at", &signed_at]);
    let (code, _, err) = f.ws.run(&args);
    assert_eq!(code, 0, "{err}");
    let rel = f.review_statement(1, ICB);
    f.copy_pair(
        &format!("signatures/{second}/v1/reviews/{DAY}/{ICB}.toml"),
        &rel,
    );
    f.assert_review_invalid(&rel, "another agreement");

    // A review of v1 presented as a review of v2 (signed again by both after a bump).
    let f = Fixture::new();
    f.reviewed(ICB);
    let agreement = f.path(&format!("agreements/{ID}.toml"));
    let text_of = std::fs::read_to_string(&agreement).unwrap();
    std::fs::write(&agreement, common::with_version(&text_of, 2)).unwrap();
    f.ws.sign(ID, ICB, &f.icb, &["--signed-at", T0]);
    f.ws.sign(ID, ECC, &f.ecc, &["--signed-at", T0]);
    // v1's review is history: v2 is due on the agreement's own date.
    assert_eq!(f.status(DAY)["review"], "2028-04-01");
    let (v1, v2) = (f.review_statement(1, ICB), f.review_statement(2, ICB));
    f.copy_pair(&v1, &v2);
    f.assert_review_invalid(&v2, "an earlier version (v1)");
}

#[test]
fn an_agreement_statement_never_passes_for_a_review_nor_a_review_for_an_agreement_statement() {
    // An agreement statement (and its valid signature) renamed into reviews/.
    let f = Fixture::new();
    let rel = f.review_statement(1, ICB);
    f.copy_pair(&format!("signatures/{ID}/v1/{ICB}.toml"), &rel);
    f.assert_review_invalid(&rel, "review statement");

    // A review statement renamed as the ICB's agreement statement: the ICB has not signed.
    let f = Fixture::new();
    f.reviewed(ICB);
    let rel = f.review_statement(1, ICB);
    f.copy_pair(&rel, &format!("signatures/{ID}/v1/{ICB}.toml"));
    let (code, json) = f.json(DAY, &["verify"]);
    assert_eq!(code, 1, "{json}");
    let icb = &json["agreements"][0]["parties"][0];
    assert_eq!(
        (icb["status"].as_str(), icb["code"].as_str()),
        (Some("invalid"), Some("DP210")),
        "{json}"
    );
    assert!(
        icb["reason"].as_str().unwrap().contains("unknown field"),
        "{json}"
    );
    assert_eq!(json["agreements"][0]["signature_state"], "partial");
    // Not fully signed, so no review counts either.
    let row = f.status(DAY);
    assert_eq!(row["state"], "signatures-invalid", "{row}");
    assert_eq!(row["review"], "2028-04-01", "{row}");
}

#[test]
fn stray_entries_of_reviews_are_reported_and_never_read() {
    let f = Fixture::new();
    f.reviewed(ICB);
    let dir = format!("signatures/{ID}/v1/reviews");
    f.ws.write(&format!("{dir}/notes.txt"), "minutes");
    f.ws.write(&format!("{dir}/2028-5-1/{ICB}.toml"), "x");
    f.ws.write(&format!("{dir}/{DAY}/minutes.pdf"), "x");
    f.ws.write(&format!("{dir}/{DAY}/{ECC}.toml.sig"), "x");
    let (code, findings) = f.check();
    assert_eq!(code, 0, "stray entries are warnings: {findings:?}");
    let dp214: Vec<&str> = findings
        .iter()
        .filter(|f| f.0 == "DP214")
        .map(|f| f.1.as_str())
        .collect();
    assert_eq!(dp214.len(), 4, "{findings:?}");
    for file in [
        format!("{dir}/notes.txt"),
        format!("{dir}/2028-5-1"),
        format!("{dir}/{DAY}/minutes.pdf"),
        format!("{dir}/{DAY}/{ECC}.toml.sig"),
    ] {
        assert!(dp214.contains(&file.as_str()), "{file}: {findings:?}");
    }
    // The valid review still counts.
    assert_eq!(f.status(DAY)["review"], NEXT);
}

#[test]
fn openssh_verifies_a_review_signature() {
    if !crate::signing::ssh_keygen_available() {
        return;
    }
    let f = Fixture::new();
    f.reviewed(ICB);
    let allowed = f.ws.key_path("allowed_signers");
    let (code, _, err) = f.ws.run(&[
        "keys",
        "export-allowed-signers",
        "--out",
        allowed.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let rel = f.review_statement(1, ICB);
    let out = std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&allowed)
        .args([
            "-I",
            "priya@nhs.net",
            "-n",
            "datapact-agreement@datapact.dev",
            "-Overify-time=20280501",
            "-s",
        ])
        .arg(f.path(&format!("{rel}.sig")))
        .stdin(std::fs::File::open(f.path(&rel)).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ssh-keygen -Y verify: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // And the digest it binds is the agreement's.
    let sum = std::process::Command::new("sha256sum")
        .arg(f.path(&format!("agreements/{ID}.toml")))
        .output()
        .unwrap();
    let sum = text(&sum.stdout);
    let sum = sum.split_whitespace().next().unwrap();
    assert!(
        f.read(&rel)
            .contains(&format!("agreement_sha256 = \"{sum}\""))
    );
}

#[test]
fn the_review_policy_is_lead_or_all_and_nothing_else() {
    let f = Fixture::new();
    for (from, to, says) in [
        (
            "signers = \"lead\"",
            "signers = \"most\"",
            "unknown variant `most`",
        ),
        (
            "signers = \"lead\"",
            "signers = \"lead\"\nquorum = 2",
            "unknown field `quorum`",
        ),
    ] {
        let text = f.read("datapact.toml");
        f.ws.write("datapact.toml", text.replacen(from, to, 1));
        let (code, _, err) = f.ws.run(&["--today", DAY, "status"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("datapact.toml:") && err.contains(says),
            "{err}"
        );
        assert!(err.contains("Workspace settings"), "{err}");
        f.ws.write("datapact.toml", text);
    }
}
