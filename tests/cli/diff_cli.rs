//! `datapact diff`: one test per kind of change (a clause's text, a data item added or removed,
//! the lawful basis, a party added or removed, dates moved, nothing), `--since-signed-by`
//! naming exactly what changed since a party signed, the Markdown and JSON formats, the errors,
//! and hostile text. Each history is built with `commit_all` at fixed dates and signed with the
//! real binary; [`Story`] is shared with `log_cli`.

use crate::common::{ECC, ICB, ID, TempWorkspace, example};
use serde_json::Value;
use std::path::PathBuf;

/// The day every command judges signatures on.
pub(crate) const TODAY: &str = "2026-12-01";

/// A workspace in git whose history the test writes: the example agreement, edited, committed
/// at fixed dates and signed with the real binary.
pub(crate) struct Story {
    pub ws: TempWorkspace,
}

impl Story {
    /// The example agreement (v1) in a workspace not yet committed.
    pub fn new() -> Story {
        let ws = TempWorkspace::new();
        ws.write(&format!("agreements/{ID}.toml"), example(ID));
        Story { ws }
    }

    /// The agreement file.
    pub fn file(&self) -> PathBuf {
        self.ws.root().join(format!("agreements/{ID}.toml"))
    }

    /// The agreement's text now.
    pub fn text(&self) -> String {
        std::fs::read_to_string(self.file()).unwrap()
    }

    /// Replaces the first `from` in the agreement with `to`; `from` must be there.
    pub fn edit(&self, from: &str, to: &str) {
        let text = self.text();
        assert!(text.contains(from), "{from:?} is not in the agreement");
        std::fs::write(self.file(), text.replacen(from, to, 1)).unwrap();
    }

    /// Sets the agreement's version from `from` to `to`.
    pub fn bump(&self, from: u32, to: u32) {
        self.edit(&format!("version = {from}\n"), &format!("version = {to}\n"));
    }

    /// Appends a `[[changes]]` note.
    pub fn note(&self, version: u32, kind: &str, change: &str, reason: &str) {
        let text = self.text()
            + &format!(
                "\n[[changes]]\nversion = {version}\ntype = \"{kind}\"\nchange = \"{change}\"\nreason = \"{reason}\"\n"
            );
        std::fs::write(self.file(), text).unwrap();
    }

    /// Commits the whole work tree at `at` (RFC 3339); returns the commit id.
    pub fn commit(&self, message: &str, at: &str) -> String {
        self.ws.commit_all(message, at)
    }

    /// Keys for both parties: (ICB's, council's).
    pub fn keys(&self) -> (PathBuf, PathBuf) {
        (
            self.ws.generate_key(ICB, "priya@nhs.net"),
            self.ws.generate_key(ECC, "mark@essex.gov.uk"),
        )
    }

    /// Signs the working tree's version for `party` at `at`.
    pub fn sign(&self, party: &str, key: &std::path::Path, at: &str) {
        self.ws.sign(ID, party, key, &["--signed-at", at]);
    }

    /// `datapact --today TODAY ARGS...`: exit code, stdout, stderr.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut all = vec!["--today", TODAY];
        all.extend_from_slice(args);
        self.ws.run(&all)
    }

    /// `ARGS... --format json`, which must exit 0: the parsed document.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--format", "json"]);
        let (code, out, err) = self.run(&all);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
    }

    /// v1, the example as it is, committed on 16 March 2026; returns the commit id.
    pub fn v1() -> (Story, String) {
        let s = Story::new();
        let commit = s.commit("v1", "2026-03-16T09:00:00Z");
        (s, commit)
    }
}

/// The changes of a `diff --format json` report, without the version number's own change and
/// the new version's note: (kind, area, path).
fn changes(report: &Value) -> Vec<(String, String, String)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["path"] != "agreement.version" && !c["path"].as_str().unwrap().starts_with("changes[")
        })
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["area"].as_str().unwrap().to_string(),
                c["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn change<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no change at {path}: {report:#}"))
}

/// `diff ID` (human) exits 0 and shows each of `lines`.
fn assert_shows(s: &Story, lines: &[&str]) {
    let (code, out, err) = s.run(&["diff", ID]);
    assert_eq!(code, 0, "{err}");
    for line in lines {
        assert!(out.contains(line), "{line}\nnot in:\n{out}");
    }
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// v1 committed, then the working tree made v2 with `edits` (each replacing a text of the
/// example), and `diff ID --format json`, whose changes must be `expected` (kind, area, path):
/// the story, v1's commit and the report.
fn v2_with(edits: &[(&str, &str)], expected: &[(&str, &str, &str)]) -> (Story, String, Value) {
    let (s, v1) = Story::v1();
    s.bump(1, 2);
    for (from, to) in edits {
        s.edit(from, to);
    }
    let report = s.json(&["diff", ID]);
    assert_eq!(changes(&report), owned(expected), "{report:#}");
    (s, v1, report)
}

#[test]
fn a_clause_whose_text_changed_is_named_with_its_old_and_new_text() {
    let (s, v1, report) = v2_with(
        &[(
            "so that the person is not\nasked to repeat their history",
            "so that the person is never\nasked to repeat their history",
        )],
        &[("changed", "text", "purpose.description")],
    );
    let c = change(&report, "purpose.description");
    assert_eq!(c["clause"], "Purpose — description");
    assert!(
        c["old"]
            .as_str()
            .unwrap()
            .contains("the person is not\nasked")
    );
    assert!(
        c["new"]
            .as_str()
            .unwrap()
            .contains("the person is never\nasked")
    );
    // --from defaults to the version before the working tree's: v1, from the history.
    assert_eq!(report["from"]["version"], 1);
    assert_eq!(report["from"]["source"], "history");
    assert_eq!(report["from"]["commit"]["id"], v1.as_str());
    assert_eq!(report["from"]["chosen_by"], "latest");
    assert_eq!(report["to"]["source"], "working-tree");

    let (code, out, _) = s.run(&["diff", ID]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!(
            "Changes to {ID} from v1 to v2\n  from: v1, commit {} (2026-03-16)",
            &v1[..12]
        )),
        "{out}"
    );
    assert!(out.contains("~ Purpose — description: changed  (purpose.description)\n    was: To give the council's"), "{out}");
    assert!(
        out.contains("the person is never\\nasked to repeat"),
        "{out}"
    );
    assert!(out.contains("~ Agreement — version: 1 → 2"), "{out}");
    assert!(out.ends_with("\n2 changes.\n"), "{out}");
}

#[test]
fn a_data_item_added_is_named_with_its_fields() {
    let (s, _, report) = v2_with(
        &[(
            "[[data.items]]\nname = \"Current medication\"",
            "[[data.items]]\nname = \"Date of death\"\njustification = \"Closes the care record.\"\nspecial_category = \"health\"\n\n[[data.items]]\nname = \"Current medication\"",
        )],
        &[("added", "data_item", "data.items[Date of death]")],
    );
    let c = change(&report, "data.items[Date of death]");
    assert_eq!(c["clause"], "Data — item “Date of death”");
    assert_eq!(c["old"], Value::Null);
    assert_eq!(c["new"]["justification"], "Closes the care record.");
    assert_eq!(c["new"]["special_category"], "health");
    assert_shows(
        &s,
        &[
            "+ Data — item “Date of death”: added  (data.items[Date of death])\n    name: Date of death\n    justification: Closes the care record.\n    special category: health (Health)\n",
        ],
    );
}

#[test]
fn a_data_item_removed_is_named() {
    let (s, _, report) = v2_with(
        &[(
            "[[data.items]]\nname = \"Current medication\"\njustification = \"Needed to plan support with taking medicines safely.\"\nspecial_category = \"health\"\n\n",
            "",
        )],
        &[("removed", "data_item", "data.items[Current medication]")],
    );
    assert_eq!(
        change(&report, "data.items[Current medication]")["old"]["name"],
        "Current medication"
    );
    assert_shows(
        &s,
        &["- Data — item “Current medication”: removed  (data.items[Current medication])\n"],
    );
    // A data item's special category changing is a change of that item.
    s.edit(
        "name = \"Current diagnoses and long-term conditions\"\njustification = \"Needed to judge how the person's health affects their ability to meet care outcomes.\"\nspecial_category = \"health\"",
        "name = \"Current diagnoses and long-term conditions\"\njustification = \"Needed to judge how the person's health affects their ability to meet care outcomes.\"\nspecial_category = \"genetic\"",
    );
    let report = s.json(&["diff", ID]);
    let c = change(
        &report,
        "data.items[Current diagnoses and long-term conditions].special_category",
    );
    assert_eq!(
        (c["kind"].as_str(), c["old"].as_str(), c["new"].as_str()),
        (Some("changed"), Some("health"), Some("genetic"))
    );
    assert_eq!(c["area"], "data_item");
}

#[test]
fn a_lawful_basis_changed_names_each_condition_and_the_common_law_basis() {
    let (s, _, report) = v2_with(
        &[
            ("article9 = [\"h\"]", "article9 = [\"h\", \"g\"]"),
            (
                "dpa_schedule1 = [\"health-or-social-care\"]",
                "dpa_schedule1 = [\"health-or-social-care\", \"statutory-and-government-purposes\"]",
            ),
            (
                "confidentiality = \"implied-consent\"",
                "confidentiality = \"legal-duty\"",
            ),
        ],
        &[
            ("added", "lawful_basis", "lawful_basis.article9"),
            ("added", "lawful_basis", "lawful_basis.dpa_schedule1"),
            ("changed", "lawful_basis", "lawful_basis.confidentiality"),
        ],
    );
    assert_eq!(change(&report, "lawful_basis.article9")["new"], "g");
    assert_shows(
        &s,
        &[
            "+ Lawful basis — Art 9(2) conditions: added g (Art 9(2)(g) substantial public interest)  (lawful_basis.article9)",
            "+ Lawful basis — DPA 2018 Schedule 1 conditions: added statutory-and-government-purposes (DPA 2018 Sch 1 Part 2 para 6: statutory and government purposes)  (lawful_basis.dpa_schedule1)",
            "~ Lawful basis — common-law confidentiality basis: implied-consent (Implied consent (direct care)) → legal-duty (Legal duty or statutory basis)  (lawful_basis.confidentiality)",
        ],
    );
}

/// A third party, Essex Police, with everything a party needs (it has no retention rule: a
/// warning, DP117).
const POLICE: &str = r#"[[parties]]
id = "essex-police"
name = "Essex Police"
public_authority = true
health_or_care = false
role = "recipient"
ico_registration = "Z4887462"
dpo = { name = "Data Protection Officer", mailbox = "dpo@essex.police.uk" }
senior_officer = { name = "SIRO", mailbox = "siro@essex.police.uk" }

[purpose]"#;

#[test]
fn a_party_added_is_named_by_id_and_name() {
    let (s, _, report) = v2_with(
        &[("[purpose]", POLICE)],
        &[("added", "party", "parties[essex-police]")],
    );
    let c = change(&report, "parties[essex-police]");
    assert_eq!(c["clause"], "Parties — essex-police (Essex Police)");
    assert_eq!(c["new"]["role"], "recipient");
    assert_eq!(c["new"]["dpo"]["mailbox"], "dpo@essex.police.uk");
    assert_shows(
        &s,
        &[
            "+ Parties — essex-police (Essex Police): added  (parties[essex-police])\n    id: essex-police\n    name: Essex Police\n",
        ],
    );
}

#[test]
fn a_party_removed_is_named_by_id_and_name_and_its_details_changing_are_its_changes() {
    let s = Story::new();
    s.edit("[purpose]", POLICE);
    s.commit("v1 with the police", "2026-03-16T09:00:00Z");
    s.bump(1, 2);
    std::fs::write(
        s.file(),
        s.text()
            .replacen(&POLICE.replace("\n\n[purpose]", "\n\n"), "", 1),
    )
    .unwrap();
    s.edit(
        "dpo = { name = \"Mark Osei\", mailbox = \"dpo@essex.gov.uk\" }",
        "dpo = { name = \"Ann Lee\", mailbox = \"dpo@essex.gov.uk\" }",
    );
    let report = s.json(&["diff", ID]);
    assert_eq!(
        changes(&report),
        owned(&[
            ("removed", "party", "parties[essex-police]"),
            ("changed", "party", "parties[essex-county-council].dpo.name"),
        ])
    );
    assert_shows(
        &s,
        &[
            "- Parties — essex-police (Essex Police): removed  (parties[essex-police])\n",
            "~ Parties — essex-county-council (Essex County Council) — DPO — name: changed  (parties[essex-county-council].dpo.name)\n    was: Mark Osei\n    now: Ann Lee\n",
        ],
    );
}

#[test]
fn dates_moved_show_old_and_new() {
    let (s, _, report) = v2_with(
        &[
            ("review = 2028-04-01", "review = 2027-10-01"),
            ("expires = 2029-03-31", "expires = 2029-01-31"),
            ("review_interval_months = 24", "review_interval_months = 18"),
        ],
        &[
            ("changed", "date", "dates.review"),
            ("changed", "date", "dates.expires"),
            ("changed", "date", "dates.review_interval_months"),
        ],
    );
    assert_eq!(change(&report, "dates.review")["old"], "2028-04-01");
    assert_eq!(change(&report, "dates.review")["new"], "2027-10-01");
    assert_shows(
        &s,
        &[
            "~ Dates — review: 2028-04-01 → 2027-10-01  (dates.review)",
            "~ Dates — expires: 2029-03-31 → 2029-01-31  (dates.expires)",
            "~ Dates — review interval (months): 24 → 18  (dates.review_interval_months)",
        ],
    );
}

#[test]
fn identical_versions_print_no_changes() {
    let (s, _) = Story::v1();
    s.bump(1, 2);
    s.commit("v2, nothing else changed", "2026-05-01T09:00:00Z");
    // v2 against itself: the same text.
    let (code, out, _) = s.run(&["diff", ID, "--from", "2"]);
    assert_eq!(code, 0);
    assert!(
        out.ends_with("\nNo changes: the two versions are the same text.\n"),
        "{out}"
    );
    assert_eq!(s.json(&["diff", ID, "--from", "2"])["identical"], true);
    // v2 and v3 differ only in the version number: a comment and the layout of a list change
    // no clause.
    s.bump(2, 3);
    s.edit(
        "# Data-sharing agreement:",
        "# A new comment.\n# Data-sharing agreement:",
    );
    s.edit("article9 = [\"h\"]", "article9 = [ \"h\" ]");
    s.edit(
        "categories = [\"direct-care\"]",
        "categories = [\"direct-care\"] # and nothing else",
    );
    let report = s.json(&["diff", ID, "--from", "2"]);
    assert_eq!(report["identical"], false);
    assert_eq!(changes(&report), vec![]);
    s.bump(3, 2);
    let (code, out, _) = s.run(&["diff", ID, "--from", "2", "--to", "2"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("No changes: the two versions are the same text."),
        "{out}"
    );
    // Both sides are the working tree's file, which the report says, with the way to compare
    // with what was signed.
    assert!(
        out.contains("  note: v2 is the working tree's version, so both sides are the working tree's file; to compare it with the text a party signed, use --since-signed-by PARTY\n"),
        "{out}"
    );
    let report = s.json(&["diff", ID, "--from", "1", "--to", "2"]);
    assert_eq!(report["to"]["source"], "working-tree");
    assert_eq!(changes(&report), vec![]);
}

/// v1 signed by both parties on 1 April, then an amendment v2 (a data item added, a retention
/// period changed) committed on 1 June: the story `--since-signed-by` and `log` tell.
pub(crate) fn amended() -> (Story, String, PathBuf, PathBuf) {
    let s = Story::new();
    s.note(
        1,
        "new",
        "First version.",
        "Care Act assessments needed health information.",
    );
    let v1 = s.commit("v1", "2026-03-16T09:00:00Z");
    let (icb, ecc) = s.keys();
    s.sign(ICB, &icb, "2026-04-01T10:00:00Z");
    s.sign(ECC, &ecc, "2026-04-01T11:00:00Z");
    s.commit("v1 signed by both", "2026-04-01T12:00:00Z");
    s.bump(1, 2);
    s.edit(
        "[[data.items]]\nname = \"Current medication\"",
        "[[data.items]]\nname = \"Date of death\"\njustification = \"Closes the care record.\"\n\n[[data.items]]\nname = \"Current medication\"",
    );
    s.edit(
        "period = \"8 years after the end of the last care and support plan\"",
        "period = \"10 years after the end of the last care and support plan\"",
    );
    s.note(
        2,
        "major",
        "Adds the date of death.",
        "Records must be closed when a person dies.",
    );
    s.commit("v2: date of death", "2026-06-01T09:00:00Z");
    (s, v1, icb, ecc)
}

#[test]
fn since_signed_by_names_exactly_what_changed_since_that_party_signed() {
    let (s, v1, icb, _) = amended();
    let (code, out, err) = s.run(&["diff", ID, "--since-signed-by", ECC]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            "Changes since {ECC} signed v1 (2026-04-01, commit {})\n  from: v1, commit {} (2026-03-16)\n  to:   v2, the working tree\n",
            &v1[..12],
            &v1[..12]
        )),
        "{out}"
    );
    let report = s.json(&["diff", ID, "--since-signed-by", ECC]);
    let paths: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "agreement.version",
            "data.items[Date of death]",
            "retention.rules[essex-county-council].period",
            "changes[2]",
        ]
    );
    assert_eq!(
        change(&report, "retention.rules[essex-county-council].period")["clause"],
        "Retention — rule for essex-county-council — period"
    );
    let signer = &report["since_signed_by"];
    assert_eq!(signer["party"], ECC);
    assert_eq!(signer["version"], 1);
    assert_eq!(signer["principal"], "mark@essex.gov.uk");
    assert_eq!(signer["signed_at"], "2026-04-01T11:00:00Z");
    assert_eq!(report["from"]["chosen_by"], "signed-by");

    // The ICB signs v2; then its text is edited without a new version: since the ICB signed,
    // only that edit changed, and the council still looks back to v1.
    s.sign(ICB, &icb, "2026-06-02T10:00:00Z");
    s.commit("v2 signed by the ICB", "2026-06-02T12:00:00Z");
    let (_, out, _) = s.run(&["diff", ID, "--since-signed-by", ICB]);
    assert!(
        out.contains("No changes: the two versions are the same text."),
        "{out}"
    );
    s.edit(
        "disposal = \"Deleted from Mosaic",
        "disposal = \"Erased from Mosaic",
    );
    let report = s.json(&["diff", ID, "--since-signed-by", ICB]);
    let paths: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["retention.rules[essex-county-council].disposal"]);
    assert_eq!(report["from"]["version"], 2);
    assert_eq!(
        s.json(&["diff", ID, "--since-signed-by", ECC])["from"]["version"],
        1
    );
    // The council's v1 statement copied into v2 is not a signature on v2.
    for ext in ["toml", "toml.sig"] {
        std::fs::copy(
            s.ws.root().join(format!("signatures/{ID}/v1/{ECC}.{ext}")),
            s.ws.root().join(format!("signatures/{ID}/v2/{ECC}.{ext}")),
        )
        .unwrap();
    }
    let report = s.json(&["diff", ID, "--since-signed-by", ECC]);
    assert_eq!(report["from"]["version"], 1);
    assert_eq!(report["since_signed_by"]["version"], 1);
}

#[test]
fn a_version_in_history_is_the_text_its_signatures_name() {
    let (s, _, icb, ecc) = amended();
    s.sign(ICB, &icb, "2026-06-02T10:00:00Z");
    s.sign(ECC, &ecc, "2026-06-02T11:00:00Z");
    let signed = s.commit("v2 signed by both", "2026-06-02T12:00:00Z");
    // v2 edited and committed after both signed (a mistake): the signed text is still v2.
    s.edit(
        "disposal = \"Deleted from Mosaic",
        "disposal = \"Erased from Mosaic",
    );
    s.commit("v2 edited after signing", "2026-06-03T09:00:00Z");
    s.bump(2, 3);
    let report = s.json(&["diff", ID, "--from", "2"]);
    assert_eq!(report["from"]["chosen_by"], "signatures");
    assert_ne!(
        report["from"]["commit"]["id"],
        signed.as_str(),
        "the text is older than the signing commit"
    );
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "retention.rules[essex-county-council].disposal"),
        "{report:#}"
    );
    // With the statements gone, the latest text of v2 on the branch, and the report says so.
    std::fs::remove_dir_all(s.ws.root().join(format!("signatures/{ID}/v2"))).unwrap();
    let report = s.json(&["diff", ID, "--from", "2"]);
    assert_eq!(report["from"]["chosen_by"], "latest");
    let (_, out, _) = s.run(&["diff", ID, "--from", "2"]);
    assert!(
        out.contains("  from: v2, commit ")
            && out.contains("the latest text with this version on the branch"),
        "{out}"
    );
}

#[test]
fn markdown_lists_the_versions_notes_then_the_clause_changes() {
    let (s, _, _, _) = amended();
    s.bump(2, 3);
    s.edit("review = 2028-04-01", "review = 2027-10-01");
    s.note(
        3,
        "minor",
        "Earlier review | with a pipe.",
        "The board *asked*.",
    );
    let (code, out, err) = s.run(&["diff", ID, "--from", "1", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            "# Sharing health information for integrated adult social care assessments ({ID})\n\nChanges to {ID} from v1 to v3.\n"
        )),
        "{out}"
    );
    // Notes of v2 and v3 (not v1's); v2's date is its first commit's, v3 is not committed.
    assert!(
        out.contains(
            "## Versions\n\n| Version | Date | Type of change | Change | Reason |\n|---|---|---|---|---|\n\
             | 2 | 2026-06-01 | Major change | Adds the date of death. | Records must be closed when a person dies. |\n\
             | 3 | not committed | Minor change | Earlier review \\| with a pipe. | The board \\*asked\\*. |\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("## Changes to the clauses\n\n- **Agreement — version** (agreement.version) changed.\n  - Before: 1\n  - After: 3\n"),
        "{out}"
    );
    assert!(
        out.contains("- **Dates — review** (dates.review) changed.\n  - Before: 2028-04-01\n  - After: 2027-10-01\n"),
        "{out}"
    );
    assert!(out.contains("- **Data — item “Date of death”** (data.items\\[Date of death\\]) added: name: Date of death; justification: Closes the care record.\n"), "{out}");
    // The notes of the versions in the table are not repeated as changes.
    assert!(!out.contains("Change notes"), "{out}");
}

#[test]
fn json_is_the_documented_structure() {
    let (s, v1, _, _) = amended();
    let report = s.json(&["diff", ID]);
    assert_eq!(report["format_version"], 2);
    assert_eq!(report["id"], ID);
    assert_eq!(report["file"], format!("agreements/{ID}.toml"));
    assert_eq!(report["identical"], false);
    assert_eq!(report["since_signed_by"], Value::Null);
    assert_eq!(report["notes"], serde_json::json!([]));
    let from = &report["from"];
    assert_eq!(from["version"], 1);
    assert_eq!(from["source"], "history");
    assert_eq!(from["chosen_by"], "signatures");
    assert_eq!(from["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(from["commit"]["id"], v1.as_str());
    assert_eq!(from["commit"]["time"], "2026-03-16T09:00:00Z");
    assert_eq!(from["commit"]["author"], "Test Author <author@example.org>");
    assert_eq!(from["commit"]["summary"], "v1");
    assert_eq!(report["to"]["commit"], Value::Null);
    assert_eq!(report["to"]["source"], "working-tree");
    let versions = report["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["type"], "major");
    assert_eq!(versions[0]["type_label"], "Major change");
    assert_eq!(versions[0]["change"], "Adds the date of death.");
    assert_eq!(versions[0]["date"], Value::Null);
    assert_eq!(versions[0]["shown_date"], "2026-06-01");
    assert_eq!(versions[0]["date_from"], "commit");
    for c in report["changes"].as_array().unwrap() {
        let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["area", "clause", "kind", "new", "old", "path"],
            "{c}"
        );
    }
    let note = change(&report, "changes[2]");
    assert_eq!(
        note["new"]["type"], "major",
        "a note's type is written as in the file"
    );
}

#[test]
fn errors_say_what_where_and_what_next() {
    let (s, _, _, _) = amended();
    // A version that is nowhere.
    let (code, _, err) = s.run(&["diff", ID, "--from", "7"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("error: version 7 of icb-ecc-adult-social-care was not found: it is neither the working tree's version nor in the history of the current branch (versions found: v1, v2)"),
        "{err}"
    );
    assert!(
        err.contains("hint: `datapact log icb-ecc-adult-social-care` lists"),
        "{err}"
    );
    // Nothing before the first version.
    let (code, _, err) = s.run(&["diff", ID, "--to", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("v1 is the first version"), "{err}");
    // Not a party: the agreement's content refuses (exit 1).
    let (code, _, err) = s.run(&["diff", ID, "--since-signed-by", "essex-police"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error: essex-police is not a party to icb-ecc-adult-social-care (its parties: nhs-essex-icb, essex-county-council)"),
        "{err}"
    );
    // A party that never signed: refused (exit 1).
    let s2 = Story::new();
    s2.commit("v1", "2026-03-16T09:00:00Z");
    let (code, _, err) = s2.run(&["diff", ID, "--since-signed-by", ICB]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error: nhs-essex-icb has never signed icb-ecc-adult-social-care: there is no statement signatures/icb-ecc-adult-social-care/v*/nhs-essex-icb.toml"),
        "{err}"
    );
    assert!(
        err.contains("hint: compare versions with --from and --to instead"),
        "{err}"
    );
    // A party whose only signature no longer verifies (its .sig damaged): refused with why.
    std::fs::write(
        s.ws.root()
            .join(format!("signatures/{ID}/v1/{ECC}.toml.sig")),
        "damaged",
    )
    .unwrap();
    let (code, _, err) = s.run(&["diff", ID, "--since-signed-by", ECC]);
    assert_eq!(code, 1);
    assert!(err.contains("error: essex-county-council has no signature on icb-ecc-adult-social-care that verifies: v1: [DP210]"), "{err}");
    // Not a git repository: the working tree alone has no earlier version.
    let s3 = Story::new();
    s3.bump(1, 2);
    let (code, _, err) = s3.run(&["diff", ID]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the workspace is not in a git repository, so the earlier versions of icb-ecc-adult-social-care cannot be found"),
        "{err}"
    );
    assert!(
        err.contains("hint: datapact finds earlier versions in the git history"),
        "{err}"
    );
    // ... but the working tree's own version needs no history.
    let (code, out, _) = s3.run(&["diff", ID, "--from", "2", "--to", "2"]);
    assert_eq!((code, out.contains("No changes")), (0, true));
    // An agreement that is nowhere; an id that is not one.
    let (code, _, err) = s.run(&["diff", "no-such-agreement"]);
    assert_eq!(code, 2);
    assert!(err.contains("no agreement \"no-such-agreement\""), "{err}");
    let (code, _, _) = s.run(&["diff", "../x"]);
    assert_eq!(code, 2);
    // A version with content errors (approved after it expires, DP130) is still compared, and
    // the report says it has errors.
    s.edit("approved = 2026-03-16", "approved = 2030-05-01");
    let (code, out, _) = s.run(&["diff", ID]);
    assert_eq!(code, 0);
    assert!(
        out.contains("  note: the to text (v2, the working tree) has validation errors; `datapact validate` lists them\n"),
        "{out}"
    );
    assert!(
        out.contains("~ Dates — approved: 2026-03-16 → 2030-05-01  (dates.approved)"),
        "{out}"
    );
}

#[test]
fn a_text_in_history_that_does_not_validate_is_skipped_and_said() {
    let (s, _) = Story::v1();
    s.bump(1, 2);
    let good = s.text();
    s.edit(
        "[purpose]\ndescription = \"\"\"",
        "[purpose]\nwhat = \"\"\"",
    );
    s.commit("v2, broken", "2026-05-01T09:00:00Z");
    std::fs::write(s.file(), &good).unwrap();
    s.commit("v2, fixed", "2026-05-02T09:00:00Z");
    s.bump(2, 3);
    let (code, out, err) = s.run(&["diff", ID, "--from", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  note: skipped the text of v2 in commit ")
            && out.contains("it does not validate"),
        "{out}"
    );
    // Only the broken text has v2: refused, saying why.
    let s2 = Story::new();
    s2.commit("v1", "2026-03-16T09:00:00Z");
    s2.bump(1, 2);
    s2.edit(
        "[purpose]\ndescription = \"\"\"",
        "[purpose]\nwhat = \"\"\"",
    );
    s2.commit("v2, broken", "2026-05-01T09:00:00Z");
    std::fs::write(
        s2.file(),
        s2.text()
            .replace("[purpose]\nwhat", "[purpose]\ndescription")
            .replace("version = 2\n", "version = 3\n"),
    )
    .unwrap();
    let (code, _, err) = s2.run(&["diff", ID, "--from", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("version 2 of icb-ecc-adult-social-care is in the history only in texts that do not validate"), "{err}");
}

/// Hostile text: a clause with line breaks and a bidirectional override, a data item whose name
/// tries to forge a line of the report, and a text with an escape sequence in the history.
#[test]
fn hostile_text_is_shown_escaped() {
    let (s, _) = Story::v1();
    s.bump(1, 2);
    s.edit(
        "To give the council's",
        "Line one\n+ Lawful basis — forged: added a (consent)\n\u{202e}reversed To give the council's",
    );
    s.edit(
        "name = \"Current medication\"",
        "name = \"Medication\\n- Parties — nhs-essex-icb: removed\"",
    );
    let (code, out, err) = s.run(&["diff", ID]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{202e}'), "{out}");
    assert!(
        !out.lines()
            .any(|l| l.starts_with("+ Lawful basis — forged")),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with("- Parties — nhs-essex-icb: removed")),
        "{out}"
    );
    assert!(
        out.contains("Line one\\n+ Lawful basis — forged: added a (consent)\\n\\u{202e}reversed"),
        "{out}"
    );
    assert!(
        out.contains("item “Medication\\n- Parties — nhs-essex-icb: removed”"),
        "{out}"
    );
    // Markdown escapes the same way (and its own characters).
    let (_, md, _) = s.run(&["diff", ID, "--format", "md"]);
    assert!(!md.contains('\u{202e}'), "{md}");
    // JSON carries the text as it is, in its own escaping.
    let report = s.json(&["diff", ID]);
    assert!(
        change(&report, "purpose.description")["new"]
            .as_str()
            .unwrap()
            .contains("\u{202e}reversed")
    );
    // An escape sequence is refused by validation (DP019): a version holding one is not
    // compared, and the refusal shows the character's code, never the character.
    s.edit("Line one", "Line \\u001b[2Kone");
    let (code, out, err) = s.run(&["diff", ID]);
    assert_eq!(code, 2);
    assert!(out.is_empty() && !err.contains('\u{1b}'), "{err}");
    assert!(
        err.contains("does not validate") && err.contains("U+001B"),
        "{err}"
    );
}
