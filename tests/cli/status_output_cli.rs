//! `status` as people and spreadsheets read it: the table fits the width it is given (`COLUMNS`;
//! a test has no terminal) by cutting the free-text columns with an ellipsis and then leaving
//! out the less needed columns, ids, states and dates whole, and is whole when piped; the CSV is RFC 4180 (CRLF rows), has every field
//! docs/output.md promises, and cannot reach a spreadsheet as a formula.

use crate::common::*;

const TODAY: &str = "2026-11-25";
const TITLE: &str = "Sharing health information for integrated adult social care assessments";

/// A workspace with the example agreement, its title replaced by `title`.
fn with_title(title: &str) -> TempWorkspace {
    let escaped = title.replace('\\', "\\\\").replace('"', "\\\"");
    let text = example(ID).replace(TITLE, &escaped);
    assert_ne!(text, example(ID));
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), text);
    ws
}

/// `datapact --today TODAY status ARGS...` with `COLUMNS` set (or not): stdout.
fn status(ws: &TempWorkspace, columns: Option<&str>, args: &[&str]) -> String {
    let mut cmd = ws.cmd();
    cmd.env_remove("COLUMNS");
    if let Some(c) = columns {
        cmd.env("COLUMNS", c);
    }
    let out = cmd
        .args(["--today", TODAY, "status"])
        .args(args)
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_table_fits_the_width_it_is_given_and_is_whole_when_piped() {
    let ws = TempWorkspace::new();
    ws.write_examples();
    let whole = status(&ws, None, &[]);
    let widest = whole.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest > 200, "the examples make a wide table: {widest}");
    // Piped: every title whole.
    for (_, agreement) in examples() {
        let title = agreement
            .lines()
            .find_map(|l| l.strip_prefix("title = \""))
            .unwrap()
            .trim_end_matches('"');
        assert!(whole.contains(title), "{title} not whole in\n{whole}");
    }
    let fitted = status(&ws, Some("160"), &[]);
    let table: Vec<&str> = fitted.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(table.len(), 1 + examples().len());
    for line in &table {
        assert!(line.chars().count() <= 160, "{} wide: {line}", line.len());
    }
    assert!(fitted.contains('…'), "{fitted}");
    for id in example_ids() {
        let row = table.iter().find(|l| l.starts_with(&id)).unwrap();
        // The id, the dates and the state are whole.
        assert!(row.contains(" draft "), "{row}");
        let dates = row
            .split_whitespace()
            .filter(|w| w.len() == 10 && chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d").is_ok())
            .count();
        assert!(dates >= 2, "{row}");
    }
    // At 120 columns the title keeps a readable length: columns are left out first (other
    // parties, lead, effective, expires, version), never the id, state, review date or next.
    let medium = status(&ws, Some("120"), &[]);
    let header = medium.lines().next().unwrap();
    for kept in ["ID", "TITLE", "SIGNED", "REVIEW", "STATE", "NEXT"] {
        assert!(header.split_whitespace().any(|h| h == kept), "{header}");
    }
    assert!(!header.contains("OTHER"), "{header}");
    let row = medium.lines().find(|l| l.starts_with(ID)).unwrap();
    assert!(row.chars().count() <= 120, "{row}");
    assert!(row.contains("Sharing health information for"), "{row}");
    // A width the whole columns alone exceed: those stay whole, the row is wider.
    let narrow = status(&ws, Some("40"), &[]);
    assert!(
        narrow.contains("mhclg-homelessness-case-level-collection"),
        "{narrow}"
    );
    // A COLUMNS that is not a width is ignored.
    assert_eq!(status(&ws, Some("wide"), &[]), whole);
}

#[test]
fn csv_is_rfc_4180_with_every_documented_field_and_no_formulas() {
    let hostile = "=HYPERLINK(\"http://evil.example\",\"click\")";
    let ws = with_title(hostile);
    let csv = status(&ws, None, &["--format", "csv"]);
    // Every record ends in CRLF (a line break inside a quoted value is the value's own).
    assert!(csv.ends_with("\r\n"), "{csv:?}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records = reader.records().count();
    // The values hold no CRLF of their own: one per record, the header included.
    assert_eq!(csv.matches("\r\n").count(), records + 1, "{csv:?}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let get = |name: &str| {
        let i = header.iter().position(|h| h == name).unwrap_or_else(|| {
            panic!("no column {name} in {header:?}");
        });
        rows[0][i].to_string()
    };
    // The fields docs/output.md promises for the JSON rows are all columns.
    for field in [
        "id",
        "file",
        "title",
        "reference",
        "version",
        "summary",
        "purpose",
        "lead",
        "other_parties",
        "signed",
        "parties",
        "missing",
        "effective",
        "review",
        "expires",
        "state",
        "state_label",
        "next",
        "next_date",
        "days",
        "last_reviewed_on",
        "last_review_by",
        "last_review_outcome",
    ] {
        get(field);
    }
    assert_eq!(get("title"), format!("'{hostile}"));
    assert_eq!(get("id"), ID);
    assert_eq!(get("file"), format!("agreements/{ID}.toml"));
    assert_eq!(get("state"), "draft");
    assert!(!get("state_label").is_empty());
    assert!(!get("purpose").is_empty());
    // The JSON carries the title as it is.
    let json: serde_json::Value =
        serde_json::from_str(&status(&ws, None, &["--format", "json"])).unwrap();
    assert_eq!(json["agreements"][0]["title"], hostile);
}

#[test]
fn every_formula_prefix_is_neutralised_and_negative_days_stay_numbers() {
    // (A tab or carriage return in a title is a DP019 error: the unit test in status.rs has them.)
    for prefix in ["=", "+", "-", "@"] {
        let title = format!("{prefix}1+1 title");
        let ws = with_title(&title);
        let csv = status(&ws, None, &["--format", "csv"]);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[1], format!("'{title}"), "{prefix}");
    }
    // Long past every date: days are negative numbers, written as numbers.
    let ws = with_title("Plain");
    let out = ws
        .cmd()
        .env_remove("COLUMNS")
        .args(["--today", "2046-12-01", "status", "--format", "csv"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let days = &row[header.iter().position(|h| h == "days").unwrap()];
    assert!(
        days.starts_with('-') && days.parse::<i64>().is_ok(),
        "{days}"
    );
}
