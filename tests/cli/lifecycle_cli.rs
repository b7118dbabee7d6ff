//! An agreement's life through the binary, with a git history built at fixed dates: the
//! version in force while a later one collects signatures (`status`, `check`, the register),
//! re-signing, and the commands that read the history.

use crate::common::{ECC, ICB, ID, TempWorkspace, example};
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

    /// Signs the current text for `party` at `at` (RFC 3339); it must succeed.
    pub fn sign(&self, party: &str, at: &str) {
        let key = if party == ICB { &self.icb } else { &self.ecc };
        self.ws.sign(ID, party, key, &["--signed-at", at]);
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
