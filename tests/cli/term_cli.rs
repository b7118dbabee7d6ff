//! Agreements as real published ones state them: an open-ended term with its end condition
//! (`dates.end_condition`), a review interval above the workspace limit with its reason, a
//! review date derived from the interval, and a version label ("1.6").

use crate::common::{ECC, ICB, ID, TempWorkspace, codes, example};
use crate::lifecycle_cli::Life;
use serde_json::Value;

const CONDITION: &str = "Until either party ends it with three months' written notice";

/// The example with `from` replaced by `to` (which must be there).
fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in the example");
    text.replacen(from, to, 1)
}

/// The example agreement with an open-ended term instead of its expiry date.
fn open_ended() -> String {
    edited(
        &example(ID),
        "expires = 2029-03-31\n",
        &format!("end_condition = \"{CONDITION}\"\n"),
    )
}

/// A workspace holding `text` as the example agreement.
fn workspace_with(text: &str) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), text);
    ws
}

/// The findings report of `command` (`validate`, `check`) as JSON, on `today`.
fn report_of(ws: &TempWorkspace, today: &str, command: &str) -> (i32, Value, String) {
    let (code, out, err) = ws.run(&["--today", today, command, "--format", "json"]);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report, err)
}

/// `status --format json` on `today`: the agreement's row.
fn status_row(ws: &TempWorkspace, today: &str) -> Value {
    let (code, out, err) = ws.run(&["--today", today, "status", "--format", "json"]);
    assert!(code == 0 || code == 1, "{code} {err}");
    let doc: Value = serde_json::from_str(&out).expect("status --format json is JSON");
    doc["agreements"][0].clone()
}

/// An open-ended agreement signed by both parties, in git.
fn signed_open_ended() -> Life {
    let life = Life::new();
    std::fs::write(life.agreement(), open_ended()).unwrap();
    life.sign(ICB, "2026-03-20T10:00:00Z");
    life.sign(ECC, "2026-03-21T10:00:00Z");
    life
}

#[test]
fn an_open_ended_agreement_validates_and_never_expires() {
    let life = signed_open_ended();
    let ws = &life.ws;
    let (code, report, _) = report_of(ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );

    // In force and active; the review is the next date.
    let row = status_row(ws, "2027-01-01");
    assert_eq!(row["state"], "active", "{row}");
    assert_eq!(row["expires"], Value::Null);
    assert_eq!(row["open_ended"], true);
    assert_eq!(row["end_condition"], CONDITION);
    assert_eq!(row["next"], "review");

    // After the old expiry date and 20 years on: the review is overdue, nothing expires.
    for today in ["2029-04-15", "2046-12-01"] {
        let row = status_row(ws, today);
        assert_eq!(row["state"], "review-overdue", "{today}: {row}");
        assert_eq!(row["next"], "review");
        assert_eq!(row["next_date"], "2028-04-01");
        let (_, report, _) = report_of(ws, today, "check");
        let found = codes(&report);
        assert!(found.iter().any(|c| c == "DP303"), "{today}: {found:?}");
        for never in ["DP131", "DP304", "DP305"] {
            assert!(!found.iter().any(|c| c == never), "{today}: {found:?}");
        }
    }

    // The table says open-ended in the expiry column; the CSV too, with the condition.
    let (_, table, _) = ws.run(&["--today", "2046-12-01", "status"]);
    assert!(table.contains("open-ended"), "{table}");
    assert!(!table.contains("expired"), "{table}");
    let (_, csv, _) = ws.run(&["--today", "2046-12-01", "status", "--format", "csv"]);
    assert!(csv.contains(",open-ended,review-overdue,"), "{csv}");
    assert!(csv.contains(CONDITION), "{csv}");

    // The calendar has the review and no expiry event.
    let (code, ics, err) = ws.run(&["--today", "2027-01-01", "calendar"]);
    assert_eq!(code, 0, "{err}");
    assert!(ics.contains("UID:review-"), "{ics}");
    assert!(!ics.contains("UID:expires-"), "{ics}");
    assert!(!ics.contains("Expires"), "{ics}");

    // The documents state the condition.
    let (code, md, err) = ws.run(&["--today", "2027-01-01", "render", ID]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains(&format!("| Term | Open-ended: {CONDITION} |")),
        "{md}"
    );
    assert!(!md.contains("| Expires |"), "{md}");
    let (code, html, err) = ws.run(&["--today", "2027-01-01", "render", ID, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        html.contains("<dt>Term</dt><dd>Open-ended: Until either party ends it with three months"),
        "{html}"
    );
}

#[test]
fn an_open_ended_agreement_is_in_the_register_with_its_condition() {
    let life = signed_open_ended();
    let out = life.ws.root().join("site");
    let (code, _, err) = life.ws.run(&[
        "--today",
        "2027-01-01",
        "render",
        "--all",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    // The register says the term is open-ended; the agreement's page says how it ends.
    assert!(index.contains(">open-ended</td>"), "{index}");
    let pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html") && !p.ends_with("index.html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        pages
            .iter()
            .any(|p| p.contains("Until either party ends it")),
        "no page states the end condition"
    );
}

#[test]
fn a_renewal_of_an_open_ended_agreement_is_refused() {
    let ws = workspace_with(&open_ended());
    let (code, _, err) = ws.run(&[
        "--today",
        "2027-01-01",
        "bump",
        ID,
        "--type",
        "renewal",
        "--reason",
        "a further term",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("open-ended"), "{err}");
    assert_eq!(
        std::fs::read_to_string(ws.root().join(format!("agreements/{ID}.toml"))).unwrap(),
        open_ended(),
        "nothing is written"
    );
}

#[test]
fn the_term_is_given_exactly_one_way() {
    let both = edited(
        &example(ID),
        "expires = 2029-03-31\n",
        &format!("expires = 2029-03-31\nend_condition = \"{CONDITION}\"\n"),
    );
    let ws = workspace_with(&both);
    let (code, report, _) = report_of(&ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (1, vec!["DP137".to_string()]),
        "{report}"
    );

    let neither = edited(&example(ID), "expires = 2029-03-31\n", "");
    let ws = workspace_with(&neither);
    let (code, report, _) = report_of(&ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (1, vec!["DP011".to_string()]),
        "{report}"
    );
    assert!(report.to_string().contains("end_condition"), "{report}");
}

#[test]
fn a_longer_review_interval_needs_its_reason() {
    let sixty = edited(
        &example(ID),
        "review_interval_months = 24\n",
        "review_interval_months = 60\n",
    );
    let ws = workspace_with(&sixty);
    let (code, report, _) = report_of(&ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (1, vec!["DP132".to_string()]),
        "{report}"
    );
    assert!(
        report.to_string().contains("review_interval_reason"),
        "{report}"
    );

    let reasoned = edited(
        &sixty,
        "review_interval_months = 60\n",
        "review_interval_months = 60\nreview_interval_reason = \"Data Sharing and Governance Act 2019 s.20: reviewed at least every 5 years\"\n",
    );
    let ws = workspace_with(&reasoned);
    let (code, report, _) = report_of(&ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    let (code, md, err) = ws.run(&["--today", "2026-12-01", "render", ID]);
    // Not signed: rendering still works for a valid agreement.
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("| Review interval | 60 months (Data Sharing and Governance Act 2019 s.20"),
        "{md}"
    );

    // A blank reason is no reason.
    let blank = edited(
        &sixty,
        "review_interval_months = 60\n",
        "review_interval_months = 60\nreview_interval_reason = \" \"\n",
    );
    let ws = workspace_with(&blank);
    let (_, report, _) = report_of(&ws, "2026-12-01", "validate");
    let found = codes(&report);
    assert!(found.contains(&"DP012".to_string()), "{found:?}");
}

#[test]
fn without_a_review_date_the_review_is_derived_from_the_interval() {
    // approved 2026-03-16, effective 2026-04-01: 18 months after the later is 2027-10-01.
    let text = edited(
        &edited(&example(ID), "review = 2028-04-01\n", ""),
        "review_interval_months = 24\n",
        "review_interval_months = 18\n",
    );
    let ws = workspace_with(&text);
    let (code, report, _) = report_of(&ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    let row = status_row(&ws, "2026-12-01");
    assert_eq!(row["review"], "2027-10-01", "{row}");
    assert_eq!(row["review_derived"], true, "{row}");
    let (code, md, err) = ws.run(&["--today", "2026-12-01", "render", ID]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("| Review by | 1 October 2027 (derived: 18 months after 1 April 2026) |"),
        "{md}"
    );

    // A written review date is not marked derived.
    let ws = workspace_with(&example(ID));
    let row = status_row(&ws, "2026-12-01");
    assert_eq!(row["review_derived"], false, "{row}");
}

#[test]
fn the_version_label_is_shown_beside_the_version() {
    let text = edited(
        &example(ID),
        "version = 1\n",
        "version = 1\nversion_label = \"1.6\"\n",
    );
    let ws = workspace_with(&text);
    let (code, report, _) = report_of(&ws, "2026-12-01", "validate");
    assert_eq!(
        (code, codes(&report)),
        (0, Vec::<String>::new()),
        "{report}"
    );
    let (code, md, err) = ws.run(&["--today", "2026-12-01", "render", ID]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("| Version | 1 (published as version 1.6) |"),
        "{md}"
    );
    let (code, html, err) = ws.run(&["--today", "2026-12-01", "render", ID, "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        html.contains("<dt>Version</dt><dd>1 (published as version 1.6)</dd>"),
        "{html}"
    );
    let row = status_row(&ws, "2026-12-01");
    assert_eq!(row["version_label"], "1.6", "{row}");
    assert_eq!(row["version"], 1, "{row}");
}

#[test]
fn a_renewal_keeps_a_derived_review_date_derived() {
    let text = edited(&example(ID), "review = 2028-04-01\n", "");
    let ws = workspace_with(&text);
    let (code, out, err) = ws.run(&[
        "--today",
        "2029-01-15",
        "bump",
        ID,
        "--type",
        "renewal",
        "--reason",
        "a further term",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let renewed = std::fs::read_to_string(ws.root().join(format!("agreements/{ID}.toml"))).unwrap();
    assert!(renewed.contains("effective = 2029-04-01\n"), "{renewed}");
    assert!(renewed.contains("expires = 2032-03-31\n"), "{renewed}");
    assert!(!renewed.contains("\nreview = "), "{renewed}");
    // 24 months after the new effective date, the later of it and the approval (2029-01-15).
    let row = status_row(&ws, "2029-01-15");
    assert_eq!(row["review"], "2031-04-01", "{row}");
    assert_eq!(row["review_derived"], true, "{row}");
}
