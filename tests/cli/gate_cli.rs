//! Issue 4 acceptance, through the real binary: a workspace with an active, an expiring, an
//! overdue and a draft agreement; `status` lists them by urgency with the right days; `check`
//! annotates the overdue one at its review-date line and exits 1; SARIF validates against the
//! schema; JUnit parses; the calendar imports into a calendar parser. Today is always injected.

use crate::common;

use common::{TempWorkspace, finding_codes};
use serde_json::Value;

const EXAMPLE: &str = include_str!("../../agreements/icb-ecc-adult-social-care.toml");
const TODAY: &str = "2026-11-25";

/// The example agreement under another id with other dates.
fn agreement(id: &str, effective: &str, review: &str, expires: &str) -> String {
    let text = EXAMPLE.replace(
        "id = \"icb-ecc-adult-social-care\"",
        &format!("id = \"{id}\""),
    );
    let start = text.find("[dates]").unwrap();
    format!(
        "{}[dates]\napproved = {effective}\neffective = {effective}\nreview = {review}\nexpires = {expires}\nreview_interval_months = 24\n",
        &text[..start]
    )
}

/// A workspace (`datapact init`) with an active, an expiring, an overdue and a draft agreement;
/// both parties have signed all but the draft.
fn workspace() -> TempWorkspace {
    let ws = TempWorkspace::init();
    let files = [
        ("active-sharing", "2026-04-01", "2028-04-01", "2029-03-31"),
        ("expiring-sharing", "2025-02-01", "2027-01-31", "2027-01-31"),
        ("overdue-sharing", "2024-07-01", "2026-06-30", "2027-06-30"),
        ("draft-sharing", "2026-04-01", "2028-04-01", "2029-03-31"),
    ];
    for (id, effective, review, expires) in files {
        ws.write(
            &format!("agreements/{id}.toml"),
            agreement(id, effective, review, expires),
        );
    }
    for (party, principal) in [
        ("nhs-essex-icb", "dpo@essexicb.nhs.uk"),
        ("essex-county-council", "dpo@essex.gov.uk"),
    ] {
        ws.generate_key(party, principal);
    }
    for id in ["active-sharing", "expiring-sharing", "overdue-sharing"] {
        for party in ["nhs-essex-icb", "essex-county-council"] {
            ws.sign(
                id,
                party,
                &ws.key_file(party),
                &["--role", "dpo", "--signed-at", common::T0],
            );
        }
    }
    ws
}

/// The 1-based number of the first line of agreement `id` that starts with `prefix`.
fn line_of(ws: &TempWorkspace, id: &str, prefix: &str) -> usize {
    let text = std::fs::read_to_string(ws.root().join(format!("agreements/{id}.toml"))).unwrap();
    text.lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

#[test]
fn status_lists_agreements_by_urgency_with_days() {
    let ws = workspace();
    let (code, out, err) = ws.run(&["--today", TODAY, "status", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let rows = doc["agreements"].as_array().unwrap();
    let got: Vec<(&str, &str, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["state"].as_str().unwrap(),
                r["days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("overdue-sharing", "review-overdue", -148),
            ("expiring-sharing", "expiring", 67),
            ("draft-sharing", "draft", 493),
            ("active-sharing", "active", 493),
        ]
    );
    assert_eq!(rows[2]["signed"], 0);
    assert_eq!(
        rows[2]["missing"],
        serde_json::json!(["nhs-essex-icb", "essex-county-council"])
    );
    assert_eq!(rows[3]["signed"], 2);

    // The table says the same in words, in the same order.
    let (_, table, _) = ws.run(&["--today", TODAY, "status"]);
    let order: Vec<usize> = [
        "overdue-sharing",
        "expiring-sharing",
        "draft-sharing",
        "active-sharing",
    ]
    .iter()
    .map(|id| table.find(id).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{table}");
    assert!(
        table.contains("2/2")
            && table.contains("0/2 (missing: nhs-essex-icb, essex-county-council)"),
        "{table}"
    );

    // DATAPACT_TODAY works like --today, and --state filters.
    let out = ws
        .cmd()
        .env("DATAPACT_TODAY", TODAY)
        .args(["status", "--state", "expiring", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    // One record besides the header (a quoted value may hold a line break).
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(records.len(), 1, "{csv}");
    assert!(
        csv.lines().nth(1).unwrap().starts_with("expiring-sharing,"),
        "{csv}"
    );
}

#[test]
fn check_annotates_the_overdue_agreement_at_its_review_line_and_fails() {
    let ws = workspace();
    let (code, out, err) = ws.run(&["--today", TODAY, "check", "--format", "github"]);
    assert_eq!(code, 1, "{out}{err}");
    let review_line = line_of(&ws, "overdue-sharing", "review = ");
    let expected = format!(
        "::error file=agreements/overdue-sharing.toml,line={review_line},col=10,title=DP303 review-overdue-past-grace::"
    );
    assert!(out.lines().any(|l| l.starts_with(&expected)), "{out}");
    let expires_line = line_of(&ws, "expiring-sharing", "expires = ");
    assert!(
        out.contains(&format!(
            "::warning file=agreements/expiring-sharing.toml,line={expires_line},"
        )),
        "{out}"
    );
    // A draft past its effective date has nothing in force: a warning, an error only when
    // signatures are required.
    let draft: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("draft-sharing"))
        .collect();
    assert!(
        draft.len() == 1 && draft[0].starts_with("::warning ") && draft[0].contains("DP307"),
        "{out}"
    );
    let (code, out, _) = ws.run(&[
        "--today",
        TODAY,
        "check",
        "--format",
        "github",
        "--require-signed",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("file=agreements/draft-sharing.toml") && out.contains("DP306"),
        "{out}"
    );

    // Before the grace period ran out the overdue review is a warning, and only --fail-on warning fails.
    let (code, _, _) = ws.run(&["--today", "2026-09-28", "check", "overdue-sharing"]);
    assert_eq!(code, 0);
    let (code, out, _) = ws.run(&[
        "--today",
        "2026-09-28",
        "check",
        "overdue-sharing",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DP302"), "{out}");
    // Regression: an overdue review does not hide the expiry notice. On 2027-05-01 the overdue
    // agreement (expires 2027-06-30) is past its review grace period AND within 90 days of expiry.
    let (_, out, _) = ws.run(&[
        "--today",
        "2027-05-01",
        "check",
        "overdue-sharing",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    // It was signed (at T0) nearly two years after its effective date: DP308 too.
    assert_eq!(
        finding_codes(&doc["files"][0]["findings"]),
        vec!["DP308", "DP303", "DP304"],
        "{out}"
    );
}

#[test]
fn a_tampered_active_agreement_fails_the_gate() {
    let ws = workspace();
    let path = ws.root().join("agreements/active-sharing.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("within 5 working days", "within 9 working days");
    std::fs::write(&path, text).unwrap();
    let (code, out, _) = ws.run(&[
        "--today",
        TODAY,
        "check",
        "active-sharing",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let codes = finding_codes(&doc["files"][0]["findings"]);
    assert_eq!(codes, vec!["DP201", "DP201"], "{out}");
    // The register says so too: not "active", not a mere draft.
    let (_, out, _) = ws.run(&[
        "--today",
        TODAY,
        "status",
        "active-sharing",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["agreements"][0]["state"], "signatures-invalid", "{out}");
    assert_eq!(doc["agreements"][0]["signed"], 0, "{out}");
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let ws = workspace();
    let (code, out, _) = ws.run(&["--today", TODAY, "check", "--format", "sarif"]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "DP303"));
    for r in results {
        assert!(r["message"]["text"].is_string());
        assert!(
            !r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn junit_has_a_case_per_agreement_per_family() {
    let ws = workspace();
    let (code, out, _) = ws.run(&["--today", TODAY, "check", "--format", "junit"]);
    assert_eq!(code, 1);
    let mut reader = quick_xml::Reader::from_str(&out);
    let (mut cases, mut failures, mut warnings) = (0, 0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    // Warnings are failures of type "warning", which GitLab shows (docs/ci.md).
                    b"failure"
                        if e.try_get_attribute("type").unwrap().unwrap().value.as_ref()
                            == b"warning" =>
                    {
                        warnings += 1
                    }
                    b"failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(cases, 4 * 5, "{out}");
    assert_eq!(
        failures, 1,
        "only the overdue agreement's expiry case fails: {out}"
    );
    assert_eq!(
        warnings, 2,
        "the draft's DP307 and the expiring agreement's DP308 and DP304, one case each: {out}"
    );
    assert!(out.contains("warning[DP308]") && out.contains("warning[DP304]"));
}

#[test]
fn calendar_imports_into_a_calendar_parser() {
    let ws = workspace();
    let (code, _, err) = ws.run(&["--today", TODAY, "calendar", "--out", "reminders.ics"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(ws.root().join("reminders.ics")).unwrap();
    assert!(
        text.split_inclusive('\n')
            .all(|l| l.ends_with("\r\n") && l.len() <= 77),
        "CRLF, folded at 75 octets"
    );
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("parses");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(
        events.len(),
        8,
        "review and expiry for each of the four agreements"
    );
    assert!(
        unfolded.lines().any(|l| l
            .strip_prefix("UID:review-overdue-sharing-")
            .is_some_and(|rest| rest.len() == "0123456789abcdef@datapact".len()
                && rest.ends_with("@datapact"))),
        "UIDs name the agreement, the event and the register: {unfolded}"
    );
    assert!(unfolded.contains("DTSTAMP:20261125T000000Z"));
    // The same input gives the same file.
    let (_, again, _) = ws.run(&["--today", TODAY, "calendar"]);
    assert_eq!(again, text);
}

/// The README's main command, `cargo run -- --today 2026-12-01 check`, as `.ci/run` runs it:
/// both name the same pinned date, and on it the repository's own examples pass the gate with
/// one review-due warning.
#[test]
fn the_readme_main_command_and_ci_pin_the_same_date_and_pass() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let ci = std::fs::read_to_string(common::repo().join(".ci/run")).unwrap();
    let command = "cargo run -- --today 2026-12-01 check";
    assert!(readme.contains(command), "README.md names {command:?}");
    assert!(
        ci.lines().any(|l| l.trim() == command),
        ".ci/run runs {command:?}"
    );
    let (code, report) = repository_check("2026-12-01");
    assert_eq!(code, 0, "{report}");
    let codes = common::codes(&report);
    // Every example was signed before it took effect (no DP307, DP308); the safeguarding
    // agreement's review is due (DP301).
    assert_eq!(codes, ["DP301"], "{report}");
}

/// How the repository's examples stand as time passes (the real-date behaviour the pinned date
/// keeps out of CI): the safeguarding agreement's review falls due on 2027-02-01; it is overdue
/// from the next day, and past the 90-day grace period, an error, from 2027-05-03.
#[test]
fn the_repository_examples_fail_the_gate_once_a_review_is_past_its_grace_period() {
    for (today, exit, expect) in [
        // The homelessness statistics example was signed on 25 and 26 November 2026, and the
        // standard-terms example's members joined on 26 and 27 November: on any earlier day
        // their signatures would be from the future.
        ("2026-11-27", 0, vec!["DP301"]),
        ("2027-02-01", 0, vec!["DP301"]),
        ("2027-02-02", 0, vec!["DP302"]),
        ("2027-05-02", 0, vec!["DP302"]),
        ("2027-05-03", 1, vec!["DP303"]),
        ("2027-06-01", 1, vec!["DP303"]),
    ] {
        let (code, report) = repository_check(today);
        assert_eq!(code, exit, "{today}: {report}");
        assert_eq!(common::codes(&report), expect, "{today}: {report}");
    }
}

/// `datapact check --format json` over this repository's own workspace on `today`.
fn repository_check(today: &str) -> (i32, Value) {
    let out = common::datapact()
        .args(["-C", common::repo().to_str().unwrap(), "--today", today])
        .args(["check", "--format", "json"])
        .env_remove("DATAPACT_TODAY")
        .output()
        .unwrap();
    common::assert_no_panic(&out);
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), report)
}

/// The status table's NEXT column in words: a passed review is overdue, a passed expiry expired
/// (once "review review 30d ago" and "expired expires 3d ago"), on the repository's own signed
/// safeguarding agreement.
#[test]
fn status_next_column_says_overdue_and_expired_once() {
    let status = |today: &str| {
        let out = common::datapact()
            .args(["-C", common::repo().to_str().unwrap(), "--today", today])
            .args(["status", "mse-hospital-police-safeguarding"])
            .env_remove("DATAPACT_TODAY")
            .output()
            .unwrap();
        common::text(&out.stdout)
    };
    let out = status("2027-03-03");
    assert!(out.contains("review 30d overdue"), "{out}");
    let out = status("2028-03-03");
    assert!(
        out.contains("expired 3d ago") && !out.contains("expires 3d"),
        "{out}"
    );
}
