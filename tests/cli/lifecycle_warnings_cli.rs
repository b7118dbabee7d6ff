//! The date warnings about signatures, through the real binary with `--today`: a version in
//! force approved retrospectively (DP308: its last signature, in the workspace time zone, more
//! than `[windows] retrospective_approval_days` after its effective date; answered by a signed
//! review made after it), a version awaiting signatures past its own review date (DP309), and a
//! new version past its own effective date while an earlier one is in force (DP310). Both sides
//! of each boundary; `check` exit codes, `status` rows and the json, github, sarif and junit
//! formats.

use crate::common::{self, ECC, ICB, ID, T0, TempWorkspace, example, text, with_version};
use serde_json::Value;
use std::path::PathBuf;

/// The example agreement (effective 2026-04-01, review 2028-04-01, expires 2029-03-31) under
/// another id.
fn agreement_as(id: &str) -> String {
    example(ID).replace(&format!("id = \"{ID}\""), &format!("id = \"{id}\""))
}

/// A workspace (`datapact init`, so `datapact.toml` is the commented default) with a key
/// enrolled for each party of the example.
struct Ws {
    ws: TempWorkspace,
    icb: PathBuf,
    ecc: PathBuf,
}

impl Ws {
    fn new() -> Ws {
        let ws = TempWorkspace::init();
        let icb = ws.generate_key(ICB, "priya@nhs.net");
        let ecc = ws.generate_key(ECC, "mark@essex.gov.uk");
        Ws { ws, icb, ecc }
    }

    /// Writes the example as agreement `id`, signed by the ICB at T0 (its effective day) and,
    /// when `ecc_at` is given, by the council at that time.
    fn agreement(&self, id: &str, ecc_at: Option<&str>) {
        self.ws
            .write(&format!("agreements/{id}.toml"), agreement_as(id));
        self.ws.sign(id, ICB, &self.icb, &["--signed-at", T0]);
        if let Some(at) = ecc_at {
            self.ws.sign(id, ECC, &self.ecc, &["--signed-at", at]);
        }
    }

    /// Replaces `from` with `to` in `datapact.toml`; `from` must be there.
    fn configure(&self, from: &str, to: &str) {
        let path = self.ws.root().join("datapact.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} is not in datapact.toml");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// `datapact --today TODAY ARGS...`: exit code, stdout, stderr.
    fn run(&self, today: &str, args: &[&str]) -> (i32, String, String) {
        let mut all = vec!["--today", today];
        all.extend_from_slice(args);
        self.ws.run(&all)
    }

    /// `check TARGETS --format json` on `today`: exit code and the report.
    fn check(&self, today: &str, targets: &[&str]) -> (i32, Value) {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(targets);
        let (code, out, err) = self.run(today, &args);
        assert!(code == 0 || code == 1, "check exited {code}: {err}");
        (code, serde_json::from_str(&out).unwrap())
    }

    /// The rows of `status TARGETS --format json` on `today`.
    fn status(&self, today: &str, targets: &[&str]) -> Vec<Value> {
        let mut args = vec!["status", "--format", "json"];
        args.extend_from_slice(targets);
        let (code, out, err) = self.run(today, &args);
        assert_eq!(code, 0, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["agreements"].as_array().unwrap().clone()
    }
}

/// The (code, severity, message) of every finding in a JSON report.
fn found(report: &Value) -> Vec<(String, String, String)> {
    common::finding_objects(report)
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The codes of a status row's `date_findings`.
fn row_codes(row: &Value) -> Vec<&str> {
    common::finding_codes(&row["date_findings"])
}

const TODAY: &str = "2026-11-25";

#[test]
fn retrospective_approval_counts_days_in_the_workspace_time_zone() {
    let w = Ws::new();
    // 22:30 UTC on 1 April is 23:30 in London (BST): still the effective day.
    w.agreement("same-day", Some("2026-04-01T22:30:00Z"));
    // 23:30 UTC is 00:30 on 2 April in London: one day late.
    w.agreement("next-day", Some("2026-04-01T23:30:00Z"));
    let (code, report) = w.check(TODAY, &["same-day"]);
    assert_eq!((code, found(&report)), (0, vec![]), "{report:#}");
    let (code, report) = w.check(TODAY, &["next-day"]);
    assert_eq!(code, 0, "a warning: {report:#}");
    assert_eq!(
        found(&report),
        [(
            "DP308".to_string(),
            "warning".to_string(),
            "v1 was approved retrospectively: effective on 2026-04-01, agreed by every party only on 2026-04-02 when essex-county-council signed, 1 day later; any sharing before then had no agreement behind it".to_string()
        )],
        "{report:#}"
    );
    // It points at the effective date.
    let line = agreement_as("next-day")
        .lines()
        .position(|l| l.starts_with("effective = "))
        .unwrap()
        + 1;
    assert_eq!(report["files"][0]["findings"][0]["line"], line);
    // Only a warning: --fail-on warning fails on it.
    let (code, _, _) = w.run(TODAY, &["check", "next-day", "--fail-on", "warning"]);
    assert_eq!(code, 1);
    // In a time zone behind UTC, 23:30 UTC on 1 April is still 1 April: on time.
    w.configure(
        "timezone = \"Europe/London\"",
        "timezone = \"America/New_York\"",
    );
    let (_, report) = w.check(TODAY, &["next-day"]);
    assert_eq!(found(&report), vec![], "{report:#}");
}

#[test]
fn retrospective_approval_days_is_the_threshold_both_sides() {
    let w = Ws::new();
    w.agreement("fourteen-days", Some("2026-04-15T10:00:00Z"));
    w.agreement("fifteen-days", Some("2026-04-16T10:00:00Z"));
    let codes = |id: &str| {
        let (_, report) = w.check(TODAY, &[id]);
        found(&report)
            .into_iter()
            .map(|(c, _, m)| format!("{c} {m}"))
            .collect::<Vec<_>>()
    };
    // The default threshold, 0: both are late.
    assert_eq!(codes("fourteen-days").len(), 1);
    assert!(codes("fourteen-days")[0].starts_with("DP308 "));
    assert!(codes("fifteen-days")[0].contains(", 15 days later;"));
    // Fourteen days allowed: the fourteenth day passes, the fifteenth does not.
    w.configure(
        "retrospective_approval_days = 0",
        "retrospective_approval_days = 14",
    );
    assert_eq!(codes("fourteen-days"), Vec::<String>::new());
    let late = codes("fifteen-days");
    assert_eq!(late.len(), 1, "{late:?}");
    assert!(
        late[0].starts_with("DP308 ")
            && late[0].contains(", 15 days later, more than the 14 days allowed;"),
        "{late:?}"
    );
}

#[test]
fn retrospective_approval_is_configurable_and_shown_in_the_register() {
    let w = Ws::new();
    w.agreement("signed-late", Some("2026-04-20T10:00:00Z"));
    w.agreement("signed-on-time", Some("2026-03-31T10:00:00Z"));
    // The register carries the finding on the agreement's row; its state is unchanged.
    let rows = w.status(TODAY, &[]);
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(row("signed-late")["state"], "active");
    assert_eq!(row_codes(&row("signed-late")), ["DP308"]);
    assert_eq!(row_codes(&row("signed-on-time")), Vec::<&str>::new());
    // A workspace can make it an error...
    w.configure("[rules]\n", "[rules]\nDP308 = \"error\"\n");
    let (code, report) = w.check(TODAY, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(found(&report)[0].1, "error");
    // ...or turn it off, in check and in the register.
    w.configure("DP308 = \"error\"", "DP308 = \"off\"");
    let (code, report) = w.check(TODAY, &[]);
    assert_eq!((code, found(&report)), (0, vec![]), "{report:#}");
    let rows = w.status(TODAY, &["signed-late"]);
    assert_eq!(row_codes(&rows[0]), Vec::<&str>::new());
}

#[test]
fn a_review_after_the_last_signature_answers_retrospective_approval() {
    let w = Ws::new();
    w.agreement("signed-late", Some("2026-04-20T10:00:00Z"));
    let codes = |today: &str| {
        let (_, report) = w.check(today, &["signed-late"]);
        common::codes(&report)
    };
    assert_eq!(codes("2026-05-01"), ["DP308"]);
    // The lead records a review after the late signature, saying what was found.
    let icb = w.icb.to_str().unwrap().to_string();
    let (code, _, err) = w.run(
        "2026-05-01",
        &[
            "review",
            "signed-late",
            "--party",
            ICB,
            "--key",
            &icb,
            "--outcome",
            "Signed late by the council; nothing was shared before 20 April",
            "--next-review",
            "2028-04-01",
            "--signed-at",
            "2026-05-01T10:00:00Z",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(codes("2026-05-01"), Vec::<String>::new());
    assert_eq!(codes("2026-06-01"), Vec::<String>::new());
    let rows = w.status("2026-06-01", &["signed-late"]);
    assert_eq!(row_codes(&rows[0]), Vec::<&str>::new());
    assert!(
        rows[0]["last_review"]["outcome"]
            .as_str()
            .unwrap()
            .contains("nothing was shared before 20 April"),
        "{:#}",
        rows[0]
    );
}

#[test]
fn a_counted_acceptance_after_the_effective_date_is_a_retrospective_approval() {
    let w = Ws::new();
    w.agreement("accepted-late", None);
    let accept = |today: &str| {
        w.run(
            today,
            &[
                "accept",
                "accepted-late",
                "--party",
                ECC,
                "--method",
                "email",
                "--on",
                "2026-04-10",
                "--by",
                "Mark Osei, DPO",
                "--evidence",
                "e-mail ref ECC-1",
                "--recorded-by",
                "Priya Shah",
            ],
        )
    };
    let (code, _, err) = accept(TODAY);
    assert_eq!(code, 0, "{err}");
    // Acceptances do not count by default: a draft with nothing in force (DP307), not DP308.
    let (_, report) = w.check(TODAY, &[]);
    assert_eq!(common::codes(&report), ["DP307"], "{report:#}");
    w.configure("acceptances_count = false", "acceptances_count = true");
    let (_, report) = w.check(TODAY, &[]);
    let f = found(&report);
    assert_eq!(f.len(), 1, "{report:#}");
    assert_eq!(f[0].0, "DP308");
    assert!(
        f[0].2
            .contains("only on 2026-04-10 when essex-county-council accepted it, 9 days later"),
        "{}",
        f[0].2
    );
}

#[test]
fn a_draft_past_its_own_review_date_is_a_warning() {
    let w = Ws::new();
    w.agreement("draft-sharing", None);
    let (code, report) = w.check("2028-04-01", &[]);
    assert_eq!(
        (code, common::codes(&report)),
        (0, vec!["DP307".to_string()])
    );
    let (code, report) = w.check("2028-04-02", &[]);
    assert_eq!(code, 0, "{report:#}");
    let f = found(&report);
    assert_eq!(
        f.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["DP307", "DP309"],
        "{report:#}"
    );
    assert_eq!(
        f[1].2,
        "v1 is still awaiting signatures (missing essex-county-council) but its review date, 2028-04-01, passed 1 day ago"
    );
    // At the review date's line.
    let line = agreement_as("draft-sharing")
        .lines()
        .position(|l| l.starts_with("review = "))
        .unwrap()
        + 1;
    assert_eq!(report["files"][0]["findings"][1]["line"], line);
    // The register: still a draft, the warning on its row.
    let rows = w.status("2028-04-02", &[]);
    assert_eq!(rows[0]["state"], "draft");
    assert_eq!(row_codes(&rows[0]), ["DP309"]);
    // The human report says it in words.
    let (code, out, _) = w.run("2028-04-02", &["check"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("warning[DP309]: agreements/draft-sharing.toml:")
            && out.contains("its review date, 2028-04-01, passed 1 day ago"),
        "{out}"
    );
}

/// A history: v1 of the example signed by the ICB at T0 and by the council four days late,
/// committed; then v2, effective 2026-12-01 with its review on 2027-06-01, signed by the ICB
/// only, committed.
fn pending_v2() -> Ws {
    let w = Ws::new();
    w.ws.write(&format!("agreements/{ID}.toml"), example(ID));
    w.ws.commit_all("Draft v1", "2026-03-10T09:00:00+00:00");
    w.ws.sign(ID, ICB, &w.icb, &["--signed-at", T0]);
    w.ws.sign(ID, ECC, &w.ecc, &["--signed-at", "2026-04-05T10:00:00Z"]);
    w.ws.commit_all("Both parties sign v1", "2026-04-05T12:00:00+00:00");
    let v2 = with_version(&example(ID), 2)
        .replacen("effective = 2026-04-01", "effective = 2026-12-01", 1)
        .replacen("review = 2028-04-01", "review = 2027-06-01", 1);
    w.ws.write(&format!("agreements/{ID}.toml"), v2);
    w.ws.commit_all("Amend (v2)", "2026-11-01T09:00:00+00:00");
    w.ws.sign(
        ID,
        ICB,
        &w.icb,
        &["--signed-at", "2026-11-20T10:00:00Z", "--today", TODAY],
    );
    w.ws.commit_all("ICB signs v2", "2026-11-20T12:00:00+00:00");
    w
}

#[test]
fn a_pending_version_past_its_effective_date_while_v1_is_in_force() {
    let w = pending_v2();
    let codes = |today: &str| {
        let (code, report) = w.check(today, &[]);
        assert_eq!(code, 0, "warnings only: {report:#}");
        found(&report)
    };
    // v1 (in force) was signed four days late: DP308, and nothing yet about v2.
    let before = codes("2026-11-30");
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0].0, "DP308");
    assert!(
        before[0]
            .2
            .starts_with("v1 (in force) was approved retrospectively: effective on 2026-04-01, agreed by every party only on 2026-04-05"),
        "{before:?}"
    );
    // From v2's own effective date: DP310.
    let on = codes("2026-12-01");
    assert_eq!(
        on.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["DP308", "DP310"]
    );
    assert_eq!(
        on[1].2,
        "v2 is effective since 2026-12-01 (today) but not fully signed (missing essex-county-council): v1 is still in force, and nothing may be shared under v2's new terms until every party has signed"
    );
    assert!(codes("2026-12-02")[1].2.contains("(1 day ago)"));
    // Its own review date is the last day before DP309.
    let last = codes("2027-06-01");
    assert_eq!(
        last.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["DP308", "DP310"]
    );
    let past = codes("2027-06-02");
    assert_eq!(
        past.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["DP308", "DP310", "DP309"],
        "{past:?}"
    );
    assert!(
        past[2].2.starts_with("v2 is still awaiting signatures"),
        "{past:?}"
    );
    // The register: v1 governs (active), v2 pending, both warnings on the row.
    let rows = w.status("2026-12-01", &[]);
    assert_eq!(rows[0]["state"], "active");
    assert_eq!(
        rows[0]["versions"],
        "v1 in force; v2 awaiting essex-county-council"
    );
    assert_eq!(row_codes(&rows[0]), ["DP308", "DP310"]);
    // Once the council signs v2 (on its effective date), v2 is in force, signed in time.
    w.ws.sign(
        ID,
        ECC,
        &w.ecc,
        &[
            "--signed-at",
            "2026-12-01T09:00:00Z",
            "--today",
            "2026-12-01",
        ],
    );
    assert_eq!(codes("2026-12-02"), vec![]);
}

#[test]
fn the_report_formats_carry_the_date_warnings() {
    let w = Ws::new();
    w.agreement("signed-late", Some("2026-04-20T10:00:00Z"));
    let line = agreement_as("signed-late")
        .lines()
        .position(|l| l.starts_with("effective = "))
        .unwrap()
        + 1;
    // GitHub: a warning annotation at the effective date.
    let (code, out, _) = w.run(TODAY, &["check", "--format", "github"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "::warning file=agreements/signed-late.toml,line={line},col=13,title=DP308 retrospective-approval::"
        )),
        "{out}"
    );
    // SARIF: a result for rule DP308 at level warning, at the same place.
    let (_, out, _) = w.run(TODAY, &["check", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{log:#}");
    assert_eq!(results[0]["ruleId"], "DP308");
    assert_eq!(results[0]["level"], "warning");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        line
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|r| r["id"] == "DP308"), "{log:#}");
    // JUnit: with --fail-on warning the expiry suite fails on it.
    let (code, out, _) = w.run(
        TODAY,
        &["check", "--format", "junit", "--fail-on", "warning"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("type=\"DP308\""), "{out}");
    let (code, out, _) = w.run(TODAY, &["check", "--format", "junit"]);
    assert_eq!(code, 0);
    assert!(out.contains("DP308"), "{out}");
    // The human report.
    let (code, out, err) = w.run(TODAY, &["check"]);
    assert_eq!(code, 0, "{}", text(err.as_bytes()));
    assert!(
        out.contains("warning[DP308]: agreements/signed-late.toml:")
            && out.contains("19 days later")
            && out.contains("0 errors, 1 warning"),
        "{out}"
    );
}
