//! An agreement's life through the binary, with a git history built at fixed dates: the
//! version in force while a later one collects signatures (`status`, `check`, the register),
//! re-signing, and the commands that read the history.

use crate::common::{self, ECC, ICB, ID, TempWorkspace, example, text};
use serde_json::Value;
use std::path::PathBuf;

/// A workspace in git with the example agreement, a committer, and a dpo key for each party.
pub struct Life {
    pub ws: TempWorkspace,
    pub icb: PathBuf,
    pub ecc: PathBuf,
}

impl Life {
    pub fn new() -> Life {
        let ws = TempWorkspace::init();
        ws.write(&format!("agreements/{ID}.toml"), example(ID));
        for (k, v) in [("user.name", "Test"), ("user.email", "test@example.org")] {
            std::process::Command::new("git")
                .args(["config", k, v])
                .current_dir(ws.root())
                .status()
                .unwrap();
        }
        let icb = ws.generate_key_to(ICB, "p@nhs.net", "icb");
        let ecc = ws.generate_key_to(ECC, "s@essex.gov.uk", "ecc");
        Life { ws, icb, ecc }
    }

    pub fn agreement(&self) -> PathBuf {
        self.ws.root().join(format!("agreements/{ID}.toml"))
    }

    /// Signs the current text for `party` at `at` (RFC 3339), on that day; it must succeed.
    pub fn sign(&self, party: &str, at: &str) {
        let key = if party == ICB { &self.icb } else { &self.ecc };
        self.ws
            .sign(ID, party, key, &["--signed-at", at, "--today", &at[..10]]);
    }

    /// v1 signed by both parties and committed, then an amendment (v2) committed unsigned.
    pub fn v1_signed_then_v2_drafted() -> Life {
        let life = Life::new();
        life.sign(ICB, "2026-03-20T10:00:00Z");
        life.sign(ECC, "2026-03-21T10:00:00Z");
        life.ws
            .commit_all("v1, signed by both parties", "2026-03-21T12:00:00Z");
        life.amend();
        life.ws
            .commit_all("v2: weekly extracts", "2026-06-01T09:00:00Z");
        life
    }

    /// Edits the agreement into its next version: a changed clause and a change note.
    pub fn amend(&self) {
        let text = std::fs::read_to_string(self.agreement()).unwrap();
        let version: u32 = text
            .lines()
            .find_map(|l| l.strip_prefix("version = "))
            .unwrap()
            .parse()
            .unwrap();
        let next = version + 1;
        let text = text.replacen(
            &format!("version = {version}\n"),
            &format!("version = {next}\n"),
            1,
        ) + &format!(
            "\n[[changes]]\nversion = {next}\ntype = \"major\"\nchange = \"Extracts are sent weekly.\"\nreason = \"Amendment {next}.\"\n"
        );
        std::fs::write(self.agreement(), text).unwrap();
    }

    /// `status --format json` on `today`: the row of the example agreement.
    pub fn row(&self, today: &str) -> Value {
        let (code, out, err) = self
            .ws
            .run(&["--today", today, "status", "--format", "json"]);
        assert_eq!(code, 0, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["agreements"][0].clone()
    }
}

#[test]
fn an_earlier_version_stays_in_force_while_the_next_collects_signatures() {
    let life = Life::v1_signed_then_v2_drafted();
    let row = life.row("2026-06-10");
    assert_eq!(row["version"], 2);
    assert_eq!(row["in_force"], 1, "{row:#}");
    assert_eq!(row["pending"], 2);
    assert_eq!(row["state"], "active");
    assert_eq!(
        row["versions"],
        format!("v1 in force; v2 awaiting {ICB}, {ECC}")
    );
    // The gate is green: v1 is in force, and v2 collecting signatures is normal.
    let (code, out, err) = life.ws.run(&["--today", "2026-06-10", "check"]);
    assert_eq!(code, 0, "{out}{err}");

    life.sign(ICB, "2026-06-02T10:00:00Z");
    let row = life.row("2026-06-10");
    assert_eq!(row["versions"], format!("v1 in force; v2 awaiting {ECC}"));
    assert_eq!(row["missing"], serde_json::json!([ECC]));

    life.sign(ECC, "2026-06-03T10:00:00Z");
    let row = life.row("2026-06-10");
    assert_eq!(row["in_force"], 2);
    assert_eq!(row["pending"], Value::Null);
    assert_eq!(row["versions"], "v2 in force");
}

#[test]
fn an_uncommitted_earlier_text_cannot_be_in_force_and_nothing_signed_past_effective_is_a_warning() {
    // v1 signed but never committed, then edited to v2: v1's text is nowhere to be found.
    let life = Life::new();
    life.sign(ICB, "2026-03-20T10:00:00Z");
    life.sign(ECC, "2026-03-21T10:00:00Z");
    life.amend();
    let row = life.row("2026-06-10");
    assert_eq!(row["in_force"], Value::Null, "{row:#}");
    assert_eq!(row["state"], "draft");
    let (code, out, _) = life.ws.run(&["--today", "2026-06-10", "check"]);
    assert_eq!(code, 0, "a warning: {out}");
    assert!(
        out.contains("warning[DP307]") && out.contains("nothing is in force"),
        "{out}"
    );
    assert!(
        out.contains("the signatures on v1 name a text"),
        "says why v1 is not in force: {out}"
    );
    // Before the effective date a draft is just a draft.
    let (_, out, _) = life.ws.run(&["--today", "2026-03-31", "check"]);
    assert!(!out.contains("DP307"), "{out}");
}

/// The `key_id` a statement names.
fn key_id_of(life: &Life, version: u32, party: &str) -> String {
    let text = std::fs::read_to_string(
        life.ws
            .root()
            .join(format!("signatures/{ID}/v{version}/{party}.toml")),
    )
    .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("key_id = "))
        .unwrap()
        .trim_matches('"')
        .to_string()
}

/// The bytes of every file under `signatures/`, to show that a refusal wrote nothing.
fn signature_files(life: &Life) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![life.ws.root().join("signatures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn after_a_key_is_revoked_the_party_signs_again_with_replace() {
    let life = Life::new();
    life.sign(ICB, "2026-03-20T10:00:00Z");
    life.sign(ECC, "2026-03-21T10:00:00Z");
    let old_key = key_id_of(&life, 1, ICB);
    let (code, _, err) = life.ws.run(&[
        "--today",
        "2026-05-01",
        "keys",
        "revoke",
        &old_key,
        "--reason",
        "holder left",
    ]);
    assert_eq!(code, 0, "{err}");
    // verify names the fix.
    let (code, out, _) = life.ws.run(&["--today", "2026-05-02", "verify", ID]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DP206") && out.contains("--replace"), "{out}");

    // A new key for the ICB; without --replace, sign says what to do and writes nothing.
    let new_key = life.ws.generate_key_to(ICB, "q@nhs.net", "icb2");
    let before = signature_files(&life);
    let out = life.ws.sign_output(
        ID,
        ICB,
        &new_key,
        &[
            "--today",
            "2026-05-02",
            "--signed-at",
            "2026-05-02T10:00:00Z",
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no longer counts") && err.contains("--replace"),
        "{err}"
    );
    assert_eq!(signature_files(&life), before);

    life.ws.sign(
        ID,
        ICB,
        &new_key,
        &[
            "--today",
            "2026-05-02",
            "--signed-at",
            "2026-05-02T10:00:00Z",
            "--replace",
        ],
    );
    assert_ne!(key_id_of(&life, 1, ICB), old_key);
    let (code, out, err) = life.ws.run(&["--today", "2026-05-02", "verify", ID]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("fully signed"), "{out}");

    // A statement that counts is never replaced, --replace or not.
    let before = signature_files(&life);
    let out = life.ws.sign_output(
        ID,
        ECC,
        &life.ecc,
        &[
            "--today",
            "2026-05-02",
            "--signed-at",
            "2026-05-02T11:00:00Z",
            "--replace",
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("that signature counts"), "{err}");
    assert_eq!(signature_files(&life), before);
}

#[test]
fn replace_refuses_a_statement_whose_agreement_changed_after_signing() {
    let life = Life::new();
    life.sign(ICB, "2026-03-20T10:00:00Z");
    let text_now = std::fs::read_to_string(life.agreement()).unwrap();
    std::fs::write(
        life.agreement(),
        text_now.replace("report_within_hours = 24", "report_within_hours = 48"),
    )
    .unwrap();
    let before = signature_files(&life);
    let out = life.ws.sign_output(
        ID,
        ICB,
        &life.icb,
        &["--signed-at", "2026-03-22T10:00:00Z", "--replace"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("changed after signing") && err.contains("bump"),
        "{err}"
    );
    assert_eq!(signature_files(&life), before);
}

/// The paths a commit changed compared with its parent.
fn changed_in_head(life: &Life) -> Vec<String> {
    let repo = git2::Repository::open(life.ws.root()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let parent = head.parent(0).ok().map(|p| p.tree().unwrap());
    let diff = repo
        .diff_tree_to_tree(parent.as_ref(), Some(&head.tree().unwrap()), None)
        .unwrap();
    let mut paths: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().to_string_lossy().into_owned())
        .collect();
    paths.sort();
    paths
}

#[test]
fn sign_warns_about_an_uncommitted_agreement_and_commit_takes_it_with_the_signature() {
    let life = Life::new();
    life.ws.commit_all("v1 drafted", "2026-03-10T09:00:00Z");
    life.amend();
    // Uncommitted: a warning, and the signature is still made.
    let out = life
        .ws
        .sign_output(ID, ICB, &life.icb, &["--signed-at", "2026-03-20T10:00:00Z"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("has uncommitted changes") && err.contains("--commit"),
        "{err}"
    );
    // --commit commits the agreement with the statement and signature, and nothing else.
    life.ws.write("notes.txt", "not part of it");
    let out = life.ws.sign_output(
        ID,
        ECC,
        &life.ecc,
        &["--signed-at", "2026-03-21T10:00:00Z", "--commit"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        changed_in_head(&life),
        [
            format!("agreements/{ID}.toml"),
            format!("signatures/{ID}/v2/{ECC}.toml"),
            format!("signatures/{ID}/v2/{ECC}.toml.sig"),
        ]
    );
}

#[test]
fn dp203_names_the_likely_cause_of_a_version_that_went_backwards() {
    // Signed v2, but only the signatures were committed: the pushed agreement is still v1.
    let life = Life::new();
    life.ws.commit_all("v1 drafted", "2026-03-10T09:00:00Z");
    let v1 = std::fs::read(life.agreement()).unwrap();
    life.amend();
    life.sign(ICB, "2026-03-20T10:00:00Z");
    std::fs::write(life.agreement(), &v1).unwrap();
    life.ws
        .commit_all("signatures only", "2026-03-20T12:00:00Z");
    let (code, out, _) = life.ws.run(&["--today", "2026-03-25", "check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("DP203") && out.contains("never committed to this branch"),
        "{out}"
    );

    // Signed v2 committed with its text, then the v1 text restored: a rollback, with the commit
    // that has the signed text.
    let life = Life::new();
    life.ws.commit_all("v1 drafted", "2026-03-10T09:00:00Z");
    let v1 = std::fs::read(life.agreement()).unwrap();
    life.amend();
    life.sign(ICB, "2026-03-20T10:00:00Z");
    life.ws
        .commit_all("v2 signed by the ICB", "2026-03-20T12:00:00Z");
    std::fs::write(life.agreement(), &v1).unwrap();
    let (_, out, _) = life.ws.run(&["--today", "2026-03-25", "check"]);
    assert!(out.contains("uncommitted changes"), "{out}");
    life.ws
        .commit_all("restore the old text", "2026-03-21T12:00:00Z");
    let (code, out, _) = life.ws.run(&["--today", "2026-03-25", "check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("DP203")
            && out.contains("is in the history")
            && out.contains("v2 signed by the ICB"),
        "{out}"
    );
}

#[test]
fn render_version_shows_an_earlier_text_from_history_with_its_place_among_the_versions() {
    let life = Life::v1_signed_then_v2_drafted();
    life.sign(ICB, "2026-06-02T10:00:00Z");
    // The working tree's v2: v1 is in force, v2 awaits the council.
    let (code, md, err) = life.ws.run(&["--today", "2026-06-10", "render", ID]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("| In force | Version 1 is in force (its text committed on 21 March 2026); this version 2 awaits the signature of Essex County Council. |"),
        "{md}"
    );
    // v1, rendered from history: the version in force, signed by both.
    let (code, md, err) = life
        .ws
        .run(&["--today", "2026-06-10", "render", ID, "--version", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("| Version | 1 |"), "{md}");
    assert!(
        md.contains("is the version in force; version 2 awaits signatures."),
        "{md}"
    );
    assert!(
        md.contains("2 of 2 parties have a verified signature"),
        "{md}"
    );
    assert!(
        !md.contains("Extracts are sent weekly"),
        "the v1 text: {md}"
    );

    // Once v2 is fully signed, v1 is superseded.
    life.sign(ECC, "2026-06-03T10:00:00Z");
    let (code, html, err) = life.ws.run(&[
        "--today",
        "2026-06-10",
        "render",
        ID,
        "--version",
        "1",
        "--format",
        "html",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        html.contains("state-superseded")
            && html.contains("Version 2 is in force; this is version 1, from commit"),
        "{html}"
    );
    // A version that never existed.
    let (code, _, err) = life
        .ws
        .run(&["--today", "2026-06-10", "render", ID, "--version", "7"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("version 7"), "{err}");
}

/// `datapact --today TODAY ARGS...`; it must succeed. Returns stdout.
fn ok(life: &Life, today: &str, args: &[&str]) -> String {
    ok_with_status(life, today, args).0
}

/// [`ok`], returning stdout and stderr (where a command says what it did).
fn ok_with_status(life: &Life, today: &str, args: &[&str]) -> (String, String) {
    let mut all = vec!["--today", today];
    all.extend_from_slice(args);
    let (code, out, err) = life.ws.run(&all);
    assert_eq!(code, 0, "{all:?}:\n{out}{err}");
    (out, err)
}

#[test]
fn a_full_life_draft_signed_reviewed_amended_renewed() {
    let life = Life::new();
    life.ws.commit_all("Draft", "2026-03-10T09:00:00Z");
    let row = life.row("2026-03-15");
    assert_eq!(
        (row["state"].as_str(), row["in_force"].is_null()),
        (Some("draft"), true)
    );

    life.sign(ICB, "2026-03-20T10:00:00Z");
    life.sign(ECC, "2026-03-21T10:00:00Z");
    life.ws.commit_all("v1 signed", "2026-03-21T12:00:00Z");
    assert_eq!(life.row("2026-04-10")["versions"], "v1 in force");

    // A review that changes nothing: no new signatures, a new review date.
    ok(
        &life,
        "2026-05-01",
        &[
            "review",
            ID,
            "--party",
            ICB,
            "--key",
            life.icb.to_str().unwrap(),
            "--outcome",
            "Reviewed with the council: no changes",
            "--next-review",
            "2027-03-01",
            "--signed-at",
            "2026-05-01T10:00:00Z",
        ],
    );
    life.ws.commit_all("Review", "2026-05-01T12:00:00Z");
    let row = life.row("2026-05-02");
    assert_eq!(row["review"], "2027-03-01");
    assert_eq!(
        row["last_review"]["outcome"],
        "Reviewed with the council: no changes"
    );

    // An amendment: v1 stays in force, with its review, while v2 collects signatures.
    let (_, out) = ok_with_status(
        &life,
        "2026-06-01",
        &[
            "bump",
            ID,
            "--reason",
            "The council asked for weekly extracts",
            "--change",
            "Extracts are sent weekly",
        ],
    );
    assert!(
        out.contains(&format!("datapact sign {ID} --party {ECC}")),
        "{out}"
    );
    life.ws
        .commit_all("v2: weekly extracts", "2026-06-01T12:00:00Z");
    life.sign(ICB, "2026-06-02T10:00:00Z");
    life.ws
        .commit_all("v2 signed by the ICB", "2026-06-02T12:00:00Z");
    let row = life.row("2026-06-10");
    assert_eq!(row["versions"], format!("v1 in force; v2 awaiting {ECC}"));
    assert_eq!(
        row["review"], "2027-03-01",
        "the review of v1, in force: {row:#}"
    );
    assert_eq!(row["state"], "active");

    life.sign(ECC, "2026-06-03T10:00:00Z");
    life.ws
        .commit_all("v2 signed by the council", "2026-06-03T12:00:00Z");
    let row = life.row("2026-06-10");
    assert_eq!(row["versions"], "v2 in force");
    assert_eq!(row["review"], "2028-04-01", "v2's own review date: {row:#}");

    // A renewal moves the term; until it is signed, v2 (ending 2029-03-31) is in force.
    ok(
        &life,
        "2029-01-05",
        &[
            "bump",
            ID,
            "--type",
            "renewal",
            "--reason",
            "Renewed for a further term",
        ],
    );
    life.ws.commit_all("v3: renewal", "2029-01-05T12:00:00Z");
    let row = life.row("2029-01-10");
    assert_eq!(
        row["versions"],
        format!("v2 in force; v3 awaiting {ICB}, {ECC}")
    );
    // v2's review fell due on 2028-04-01 and was never recorded: overdue is more urgent than
    // its expiry, which is that of v2, in force.
    assert_eq!(row["state"], "review-overdue");
    assert_eq!(row["expires"], "2029-03-31");
    life.sign(ICB, "2029-01-11T10:00:00Z");
    life.sign(ECC, "2029-01-12T10:00:00Z");
    life.ws.commit_all("v3 signed", "2029-01-12T12:00:00Z");
    let row = life.row("2029-01-15");
    assert_eq!(row["versions"], "v3 in force");
    assert_eq!(row["state"], "signed-not-yet-effective");
    assert_eq!(row["expires"], "2032-03-31");
    assert_eq!(life.row("2029-04-02")["state"], "active");

    // The whole history is sound, and log lists every version with its verified signers.
    let out = ok(&life, "2029-04-02", &["check", "--history"]);
    assert!(!out.contains("error["), "{out}");
    let log = ok(&life, "2029-04-02", &["log", ID, "--format", "json"]);
    let log: Value = serde_json::from_str(&log).unwrap();
    let versions: Vec<u64> = log["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2, 3], "{log:#}");
}

#[test]
fn a_planted_earlier_text_that_does_not_validate_is_never_in_force() {
    // A "v1" text with an error `sign` would refuse (approved after it expires, DP130),
    // committed and given statements of both parties made without datapact: a text that fails
    // validation is never in force, whoever signed it.
    let life = Life::new();
    let good = std::fs::read_to_string(life.agreement()).unwrap();
    life.ws.commit_all("Draft", "2026-03-10T09:00:00Z");
    let planted = good.replacen("approved = 2026-03-16", "approved = 2030-01-01", 1);
    assert_ne!(planted, good, "the edit applies");
    std::fs::write(life.agreement(), &planted).unwrap();
    life.ws.commit_all("Planted", "2026-03-11T09:00:00Z");
    let digest = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(planted.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    for (party, key) in [(ICB, &life.icb), (ECC, &life.ecc)] {
        let key_id = {
            let out = life.ws.output(&["keys", "list", "--format", "json"]);
            let keys: Value = serde_json::from_slice(&out.stdout).unwrap();
            keys.as_array()
                .or_else(|| keys["keys"].as_array())
                .unwrap()
                .iter()
                .find(|k| k["party"] == party)
                .unwrap()["key_id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let statement = format!(
            "type = \"datapact-statement/1\"\nagreement = \"{ID}\"\nversion = 1\nagreement_sha256 = \"{digest}\"\nparty = \"{party}\"\nkey_id = \"{key_id}\"\nrole = \"dpo\"\nsigned_at = \"2026-03-12T10:00:00Z\"\n"
        );
        life.ws.plant_statement(
            &format!("signatures/{ID}/v1/{party}.toml"),
            key,
            "datapact-agreement@datapact.dev",
            &statement,
        );
    }
    std::fs::write(life.agreement(), common::with_version(&good, 2)).unwrap();
    life.ws.commit_all("v2", "2026-03-13T09:00:00Z");
    let row = life.row("2026-06-10");
    assert_eq!(row["in_force"], Value::Null, "{row:#}");
    let (_, out, _) = life.ws.run(&["--today", "2026-06-10", "check"]);
    assert!(
        out.contains("DP307") && out.contains("does not validate, so it cannot be in force"),
        "{out}"
    );
}
