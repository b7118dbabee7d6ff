//! Structural checks of every report format through the library API: GitHub annotations and
//! their escaping, SARIF against the vendored OASIS schema and GitHub's upload requirements,
//! JUnit parsed back as XML, and the iCalendar file read back by a calendar parser. Then the
//! binary's output fed to real consumers: JUnit to `xmllint --schema` with Jenkins' JUnit schema
//! (tests/schemas/junit-jenkins.xsd), the calendar to libical's restriction check (a small C program,
//! tests/fixtures/tools/icalcheck.c); paths relative to the git repository for a workspace in a
//! subfolder, and the GitHub job summary. Without xmllint, gcc or libical the consumer tests say
//! "skipped" on stderr and pass, unless `CI` is set (`.ci/run` installs them): then they fail.

use chrono::{NaiveDate, TimeZone, Utc};
use datapact::diagnostics::{Finding, Position};
use datapact::report::calendar::{CalendarEntry, write_calendar};
use datapact::report::{FileReport, Format, ReportContext, write_report};
use datapact::rules::{self, Family};
use icalendar::Component as _;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

const CONTEXT: ReportContext = ReportContext {
    command: "check",
    tool_version: "0.1.0",
    deny_warnings: false,
    repo_prefix: "",
};

/// Text with every character the GitHub format must escape.
const AWKWARD: &str = "50% done: a,b\r\nnext line";

fn reports() -> Vec<FileReport> {
    let at = |line, column| Position { line, column };
    let file = "agreements/odd,name:x.toml";
    vec![
        FileReport {
            file: file.into(),
            agreement: Some("odd-name".into()),
            findings: vec![
                Finding::new(
                    &rules::structure::MISSING_REQUIRED,
                    file,
                    at(12, 5),
                    AWKWARD,
                    "add it: see docs, 100%",
                ),
                Finding::new(
                    &rules::content::RETENTION_PARTY,
                    file,
                    at(40, 3),
                    "party essex-cc has no retention rule",
                    "add one",
                ),
                Finding::new(
                    &rules::content::DATE_ORDER,
                    file,
                    at(7, 1),
                    "review is before effective",
                    "swap them",
                ),
            ],
            families: vec![
                Family::File,
                Family::Structure,
                Family::Content,
                Family::Expiry,
            ],
            skipped: vec![],
        },
        FileReport {
            file: "agreements/clean.toml".into(),
            agreement: None,
            findings: vec![],
            families: vec![
                Family::File,
                Family::Structure,
                Family::Content,
                Family::Expiry,
            ],
            skipped: vec![],
        },
    ]
}

fn render(format: Format, ctx: &ReportContext) -> String {
    let mut out = Vec::new();
    write_report(&mut out, format, &reports(), ctx).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8 output")
}

// ---- GitHub ----

#[test]
fn github_annotations_escape_message_and_properties() {
    let text = render(Format::Github, &CONTEXT);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per finding, none broken by CR/LF: {text}"
    );
    assert_eq!(
        lines[1],
        "::error file=agreements/odd%2Cname%3Ax.toml,line=12,col=5,title=DP011 missing-required::\
         50%25 done: a,b%0D%0Anext line%0Ahint: add it: see docs, 100%25"
    );
    assert!(lines[2].starts_with(
        "::warning file=agreements/odd%2Cname%3Ax.toml,line=40,col=3,title=DP117 retention-party::"
    ));
    for line in lines {
        let (properties, message) = line
            .split_once(' ')
            .and_then(|(_, rest)| rest.split_once("::"))
            .expect("::command properties::message");
        assert!(!message.contains(['\r', '\n']));
        let keys: Vec<&str> = properties
            .split(',')
            .filter_map(|p| p.split_once('=').map(|(k, _)| k))
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "title"],
            "a raw ',' would split a value: {properties}"
        );
        assert!(
            !properties.contains(':'),
            "a raw ':' would end the properties: {properties}"
        );
    }
}

// ---- SARIF ----

fn sarif() -> Value {
    serde_json::from_str(&render(Format::Sarif, &CONTEXT)).expect("SARIF is JSON")
}

/// The vendored SARIF 2.1.0 schema, compiled.
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json"))
        .expect("schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

/// Fails with every schema error of `log`.
fn assert_valid_sarif(log: &Value) {
    let errors: Vec<String> = sarif_validator()
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let log = sarif();
    assert_valid_sarif(&log);

    // The validator really rejects what GitHub rejects: a plain-string message.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["message"] = Value::String("plain".into());
    assert!(!sarif_validator().is_valid(&broken));
}

/// `check --history --format sarif` through the binary, on a history with a rollback, removed
/// signatures and trust store changes (findings at files that no longer exist among them).
#[test]
fn check_history_sarif_validates_against_the_oasis_schema() {
    use crate::history_cli::Story;
    let s = Story::signed_v2();
    s.ws.write(&s.agreement(), crate::common::example(crate::common::ID));
    std::fs::remove_dir_all(
        s.ws.root()
            .join(format!("signatures/{}/v2", crate::common::ID)),
    )
    .unwrap();
    s.commit("Restore old text\n\nand drop v2's signatures");
    let (code, out, err) = s.run(&["check", "--history", "--format", "sarif"]);
    assert_eq!(code, 1, "{err}");
    let log: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let of = |code: &str| {
        results
            .iter()
            .filter(|r| r["ruleId"] == code)
            .map(|r| {
                (
                    r["level"].as_str().unwrap().to_string(),
                    r["properties"]["family"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let id = crate::common::ID;
    assert_eq!(
        of("DP401"),
        [(
            "error".to_string(),
            "history".to_string(),
            format!("agreements/{id}.toml")
        )]
    );
    assert_eq!(
        of("DP404"),
        [(
            "error".to_string(),
            "history".to_string(),
            format!("signatures/{id}/v2")
        )]
    );
    assert_eq!(of("DP407").len(), 2);
    assert!(of("DP407").iter().all(|r| r.0 == "warning"));
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let log = sarif();
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .is_some_and(|s| s.ends_with("sarif-schema-2.1.0.json"))
    );
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "datapact");
    assert_eq!(driver["version"], "0.1.0");
    assert_eq!(
        driver["informationUri"],
        "https://github.com/datapact/datapact"
    );
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["DP011", "DP117", "DP130"],
        "each rule used, once, in code order"
    );
    for rule in rules {
        for key in [
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(!rule[key].is_null(), "rule {} lacks {key}", rule["id"]);
        }
        assert!(
            rule["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("Source: "))
        );
        // An absolute URL of the rule's own heading in docs/rules.md (SARIF1005, SARIF2012).
        let id = rule["id"].as_str().expect("id");
        let help_uri = rule["helpUri"].as_str().expect("helpUri");
        let anchor = format!("{}-{}", id.to_lowercase(), rule["name"].as_str().unwrap());
        assert_eq!(
            help_uri,
            format!("https://github.com/datapact/datapact/blob/main/docs/rules.md#{anchor}")
        );
        let rules_md =
            std::fs::read_to_string(crate::common::repo().join("docs/rules.md")).unwrap();
        assert!(
            rules_md.contains(&format!("[`{id}`](#{anchor})")),
            "no heading for {anchor}"
        );
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty() && t.ends_with('.'))
        );
        let fingerprint = result["partialFingerprints"]["datapact/v1"]
            .as_str()
            .expect("a partial fingerprint");
        assert!(
            fingerprint.len() == 34 && fingerprint.ends_with(":1"),
            "{fingerprint}"
        );
        let locations = result["locations"].as_array().expect("locations");
        assert!(!locations.is_empty());
        let physical = &locations[0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "agreements/odd%2Cname%3Ax.toml"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            physical["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
    }
    // Findings in position order: DP130 (line 7), DP011 (line 12), DP117 (line 40).
    let order: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert_eq!(order, ["DP130", "DP011", "DP117"]);
    let regions: Vec<(u64, u64)> = results
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                region["startLine"].as_u64().expect("startLine"),
                region["startColumn"].as_u64().expect("startColumn"),
            )
        })
        .collect();
    assert_eq!(
        regions,
        [(7, 1), (12, 5), (40, 3)],
        "each finding's own place"
    );
    assert_eq!(results[2]["level"], "warning");
}

/// Two files with findings away from line 1 and column 1, a name that needs percent-encoding,
/// and one finding about the whole file (line 1, column 1).
fn located_reports() -> Vec<FileReport> {
    let at = |line, column| Position { line, column };
    let families = vec![Family::File, Family::Structure, Family::Content];
    let police = "agreements/police safeguarding#2.toml";
    let ecc = "agreements/icb-ecc.toml";
    vec![
        FileReport {
            file: police.into(),
            agreement: None,
            findings: vec![
                Finding::new(
                    &rules::content::INCIDENT_TIMESCALE,
                    police,
                    at(166, 23),
                    "96 hours",
                    "24",
                ),
                Finding::new(
                    &rules::content::CONSENT_EXCEPTION,
                    police,
                    at(126, 10),
                    "no reason",
                    "add",
                ),
                Finding::new(
                    &rules::file::BYTE_ORDER_MARK,
                    police,
                    at(1, 1),
                    "BOM",
                    "remove it",
                ),
            ],
            families: families.clone(),
            skipped: vec![],
        },
        FileReport {
            file: ecc.into(),
            agreement: Some("icb-ecc".into()),
            findings: vec![
                Finding::new(
                    &rules::content::TERM_TOO_LONG,
                    ecc,
                    at(172, 11),
                    "39 months",
                    "shorten",
                ),
                Finding::new(
                    &rules::content::RETENTION_PARTY,
                    ecc,
                    at(40, 3),
                    "no rule",
                    "add one",
                ),
            ],
            families,
            skipped: vec![],
        },
    ]
}

/// Each SARIF result is where its finding is: the rule id is the finding's code, the artifact URI
/// its file (percent-encoded), and the region its line and column, for every finding of every
/// file, in report order (files by path, findings by position).
#[test]
fn sarif_results_point_at_each_findings_file_line_and_column() {
    let mut out = Vec::new();
    write_report(&mut out, Format::Sarif, &located_reports(), &CONTEXT).expect("in memory");
    let log: Value = serde_json::from_slice(&out).expect("SARIF is JSON");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    let got: Vec<(String, String, u64, u64, String)> = results
        .iter()
        .map(|r| {
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(
                rules[index]["id"], r["ruleId"],
                "ruleIndex points at ruleId"
            );
            let locations = r["locations"].as_array().expect("locations");
            assert_eq!(locations.len(), 1, "{r}");
            let physical = &locations[0]["physicalLocation"];
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let region = &physical["region"];
            (
                r["ruleId"].as_str().expect("ruleId").to_string(),
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri")
                    .to_string(),
                region["startLine"].as_u64().expect("startLine"),
                region["startColumn"].as_u64().expect("startColumn"),
                r["level"].as_str().expect("level").to_string(),
            )
        })
        .collect();
    let want = [
        ("DP117", "agreements/icb-ecc.toml", 40, 3, "warning"),
        ("DP131", "agreements/icb-ecc.toml", 172, 11, "error"),
        (
            "DP002",
            "agreements/police%20safeguarding%232.toml",
            1,
            1,
            "error",
        ),
        (
            "DP109",
            "agreements/police%20safeguarding%232.toml",
            126,
            10,
            "error",
        ),
        (
            "DP116",
            "agreements/police%20safeguarding%232.toml",
            166,
            23,
            "error",
        ),
    ];
    let want: Vec<(String, String, u64, u64, String)> = want
        .iter()
        .map(|&(code, uri, line, column, level)| {
            (code.into(), uri.into(), line, column, level.into())
        })
        .collect();
    assert_eq!(got, want);
    // The same, derived from the input: every finding's own position, and no other.
    let mut from_input: Vec<(String, u64, u64)> = located_reports()
        .iter()
        .flat_map(|f| f.findings.iter())
        .map(|f| (f.code().to_string(), f.line as u64, f.column as u64))
        .collect();
    let mut from_sarif: Vec<(String, u64, u64)> =
        got.iter().map(|g| (g.0.clone(), g.2, g.3)).collect();
    from_input.sort();
    from_sarif.sort();
    assert_eq!(from_sarif, from_input);
    // And the messages are the findings' own.
    let texts: Vec<&str> = results
        .iter()
        .filter_map(|r| r["message"]["text"].as_str())
        .collect();
    for (text, message) in
        texts
            .iter()
            .zip(["no rule", "39 months", "BOM", "no reason", "96 hours"])
    {
        assert!(text.starts_with(message), "{text:?} is not {message:?}");
    }
}

/// Moving a finding to another line keeps its fingerprint; another message or file changes it.
#[test]
fn sarif_fingerprints_survive_line_moves() {
    let fingerprints = |reports: &[FileReport]| -> Vec<String> {
        let mut out = Vec::new();
        write_report(&mut out, Format::Sarif, reports, &CONTEXT).expect("in memory");
        let log: Value = serde_json::from_slice(&out).expect("JSON");
        log["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                r["partialFingerprints"]["datapact/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = fingerprints(&reports());
    let mut moved = reports();
    for f in &mut moved[0].findings {
        f.line += 5;
    }
    assert_eq!(fingerprints(&moved), before);
    let mut edited = reports();
    edited[0].findings[2].message = "review is after expiry".into();
    let after = fingerprints(&edited);
    assert_eq!(after[1..], before[1..]);
    assert_ne!(after[0], before[0], "DP130 is first by line");
    let unique: std::collections::HashSet<&String> = before.iter().collect();
    assert_eq!(unique.len(), before.len());
}

#[test]
fn sarif_is_stable_between_runs() {
    assert_eq!(
        render(Format::Sarif, &CONTEXT),
        render(Format::Sarif, &CONTEXT)
    );
}

// ---- JUnit ----

/// Test suites as (name, tests, failures, number of testcase elements, number of failure elements).
fn junit_suites(xml: &str) -> Vec<(String, usize, usize, usize, usize)> {
    let mut reader = Reader::from_str(xml);
    let mut suites = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .expect("attribute")
                        .map(|a| a.unescape_value().expect("escaped value").into_owned())
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    b"testsuite" => suites.push((
                        attr("name"),
                        attr("tests").parse().unwrap(),
                        attr("failures").parse().unwrap(),
                        0,
                        0,
                    )),
                    b"testcase" => suites.last_mut().expect("testcase inside testsuite").3 += 1,
                    b"failure" => {
                        let kind = attr("type");
                        assert!(
                            !attr("message").is_empty()
                                && (kind.starts_with("DP") || kind == "warning")
                        );
                        suites.last_mut().expect("failure inside testsuite").4 += 1;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    suites
}

#[test]
fn junit_parses_and_counts_match() {
    let xml = render(Format::Junit, &CONTEXT);
    let suites = junit_suites(&xml);
    let names: Vec<&str> = suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["file", "structure", "content", "expiry"]);
    for (name, tests, failures, cases, failure_elements) in &suites {
        assert_eq!(tests, cases, "suite {name}");
        assert_eq!(failures, failure_elements, "suite {name}");
        assert_eq!(*tests, 2, "suite {name}: one case per file");
    }
    let failures: Vec<usize> = suites.iter().map(|s| s.2).collect();
    assert_eq!(
        failures,
        [0, 1, 1, 0],
        "the DP117 warning does not fail content; DP130 does"
    );
    assert!(
        xml.contains(r#"classname="agreements/clean.toml""#),
        "file stands in for an unknown id"
    );
    assert!(xml.contains("50% done: a,b"), "{xml}");
}

#[test]
fn junit_warnings_fail_when_denied() {
    let ctx = ReportContext {
        deny_warnings: true,
        ..CONTEXT
    };
    let suites = junit_suites(&render(Format::Junit, &ctx));
    let content = suites
        .iter()
        .find(|s| s.0 == "content")
        .expect("content suite");
    assert_eq!(
        (content.2, content.4),
        (1, 1),
        "one failing case whose failure lists both findings"
    );
}

// ---- iCalendar ----

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const LONG_TITLE: &str = "Échange de données — Mid and South Essex ICB ↔ Essex County Council: adult social care, direct care; “special” data 🏥";

fn entries() -> Vec<CalendarEntry> {
    vec![
        CalendarEntry {
            agreement: "icb-ecc-adult-care".into(),
            title: LONG_TITLE.into(),
            file: "agreements/icb-ecc-adult-care.toml".into(),
            review: date(2026, 3, 31),
            expires: Some(date(2027, 12, 31)),
            review_notice_days: 90,
            expiry_notice_days: 60,
        },
        CalendarEntry {
            agreement: "acute-police".into(),
            title: "Safeguarding; disclosure, police\\trust".into(),
            file: "agreements/acute-police.toml".into(),
            review: date(2025, 6, 1),
            expires: Some(date(2026, 6, 1)),
            review_notice_days: 30,
            expiry_notice_days: 0,
        },
    ]
}

fn calendar() -> String {
    let stamp = Utc
        .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
        .single()
        .expect("valid instant");
    let mut out = Vec::new();
    write_calendar(
        &mut out,
        &entries(),
        stamp,
        "Data-sharing agreements, Essex",
        "0123456789abcdef",
    )
    .expect("writing to memory");
    String::from_utf8(out).expect("UTF-8 output")
}

#[test]
fn calendar_lines_end_in_crlf_and_fit_75_octets() {
    let text = calendar();
    assert!(text.ends_with("\r\n"));
    for line in text.split_inclusive('\n') {
        assert!(line.ends_with("\r\n"), "bare LF in {line:?}");
        let content = &line[..line.len() - 2];
        assert!(!content.contains('\r'), "bare CR in {line:?}");
        assert!(content.len() <= 75, "{} octets: {content:?}", content.len());
    }
    assert!(text.contains("\r\n "), "the long title must be folded");
}

#[test]
fn calendar_parses_and_round_trips() {
    let text = calendar();
    let unfolded = icalendar::parser::unfold(&text);
    let parsed = icalendar::parser::read_calendar(&unfolded).expect("a calendar parser accepts it");
    let calendar = icalendar::Calendar::from(parsed);
    let events: Vec<&icalendar::Event> = calendar.events().collect();
    assert_eq!(events.len(), 4);

    let uids: Vec<&str> = events.iter().filter_map(|e| e.get_uid()).collect();
    assert_eq!(
        uids,
        [
            "review-acute-police-0123456789abcdef@datapact",
            "expires-acute-police-0123456789abcdef@datapact",
            "review-icb-ecc-adult-care-0123456789abcdef@datapact",
            "expires-icb-ecc-adult-care-0123456789abcdef@datapact"
        ]
    );
    let stamp = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).single();
    assert!(
        events.iter().all(|e| e.get_timestamp() == stamp),
        "DTSTAMP is the injected one"
    );

    let review = events[2];
    assert_eq!(
        review.get_start(),
        Some(icalendar::DatePerhapsTime::Date(date(2026, 3, 31)))
    );
    assert_eq!(
        review.get_end(),
        Some(icalendar::DatePerhapsTime::Date(date(2026, 4, 1)))
    );
    let summary = review.get_summary().expect("summary");
    assert!(
        summary.contains(LONG_TITLE),
        "folding and escaping round-trip the title: {summary:?}"
    );
    assert!(
        unfolded.contains(r"Safeguarding\; disclosure\, police\\trust"),
        "TEXT escaping"
    );
    assert!(unfolded.contains("DTSTART;VALUE=DATE:20250601\r\n"));
    assert!(
        !unfolded.contains("METHOD:"),
        "a feed, not an iTIP message (PUBLISH needs an ORGANIZER)"
    );
    assert!(unfolded.contains("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-P30D\r\n"));
    assert!(unfolded.contains("TRIGGER:-P90D\r\n") && unfolded.contains("TRIGGER:-P60D\r\n"));
}

/// The binary's calendar can be committed and diffed: with SOURCE_DATE_EPOCH (or --today) two
/// runs write the same bytes, stamped with that instant; a bad SOURCE_DATE_EPOCH is named.
#[test]
fn calendar_stamp_is_fixed_by_source_date_epoch_or_today() {
    let ws = crate::common::TempWorkspace::new();
    ws.write_examples();
    let run = |epoch: Option<&str>, args: &[&str]| {
        let mut cmd = ws.cmd();
        cmd.env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        let out = cmd.args(args).arg("calendar").output().unwrap();
        crate::common::assert_no_panic(&out);
        out
    };
    let first = run(Some("1764547200"), &[]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        crate::common::text(&first.stderr)
    );
    let body = crate::common::text(&first.stdout);
    assert!(body.contains("DTSTAMP:20251201T000000Z"), "{body}");
    assert_eq!(run(Some("1764547200"), &[]).stdout, first.stdout);
    let today = run(None, &["--today", "2026-11-25"]);
    assert!(crate::common::text(&today.stdout).contains("DTSTAMP:20261125T000000Z"));
    assert_eq!(run(None, &["--today", "2026-11-25"]).stdout, today.stdout);
    let bad = run(Some("yesterday"), &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(crate::common::text(&bad.stderr).contains("SOURCE_DATE_EPOCH"));
    assert!(bad.stdout.is_empty());
}

#[test]
fn calendar_is_stable_between_runs() {
    assert_eq!(calendar(), calendar());
    let mut reversed = entries();
    reversed.reverse();
    let stamp = Utc
        .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
        .single()
        .expect("valid instant");
    let mut out = Vec::new();
    write_calendar(
        &mut out,
        &reversed,
        stamp,
        "Data-sharing agreements, Essex",
        "0123456789abcdef",
    )
    .expect("writing to memory");
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        calendar(),
        "input order does not matter"
    );
}

// ---- The binary's output and the programs that consume it ----

/// A program on `PATH`; `None` (with a "skipped" line on stderr) when missing outside CI. In CI
/// (`CI` set) a missing program fails the test.
fn consumer(test: &str, name: &str, debian: &str) -> Option<std::path::PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        let what = format!("{name} not installed (Debian: apt-get install {debian})");
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("{test} needs {what} in CI");
        }
        eprintln!("skipped: {test}: {what}");
    }
    found
}

/// A git repository (a temporary folder) whose workspace is `sub/ws`, holding the shipped
/// examples and one agreement with an unknown key (an error, so its content and expiry checks
/// cannot run), committed. Returns the repository and the workspace.
fn nested_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let repo = tempfile::tempdir().unwrap();
    crate::common::commit_all(repo.path(), "Empty start", "2026-01-01T09:00:00Z");
    let ws = repo.path().join("sub/ws");
    let out = crate::common::datapact()
        .current_dir(repo.path())
        .args(["init", "sub/ws"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::common::text(&out.stderr));
    for (name, text) in crate::common::examples() {
        std::fs::write(ws.join("agreements").join(name), text).unwrap();
    }
    let id = crate::common::ID;
    let broken =
        crate::common::example(id).replacen("\ntitle = ", "\nunknown_key = 1\ntitle = ", 1);
    std::fs::write(ws.join(format!("agreements/{id}.toml")), broken).unwrap();
    crate::common::commit_all(repo.path(), "Agreements", "2026-01-02T09:00:00Z");
    (repo, ws)
}

/// `datapact --today 2026-12-01 ARGS` in `dir`, with `env`: exit code and stdout.
fn run_in(dir: &std::path::Path, args: &[&str], env: &[(&str, &std::path::Path)]) -> (i32, String) {
    let mut cmd = crate::common::datapact();
    cmd.current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("DATAPACT_TODAY")
        .args(["--today", "2026-12-01"])
        .args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().unwrap();
    crate::common::assert_no_panic(&out);
    (
        out.status.code().unwrap_or(-1),
        crate::common::text(&out.stdout),
    )
}

/// GitHub resolves annotation and SARIF paths against the repository root: a workspace in
/// `sub/ws` puts `sub/ws/` before them; JSON stays workspace-relative, and so does everything
/// outside git.
#[test]
fn github_and_sarif_paths_are_relative_to_the_repository_root() {
    let (_repo, ws) = nested_workspace();
    let file = format!("agreements/{}.toml", crate::common::ID);
    let (code, github) = run_in(&ws, &["check", "--format", "github"], &[]);
    assert_eq!(code, 1, "{github}");
    assert!(
        github.contains(&format!("::error file=sub/ws/{file},line=")),
        "{github}"
    );
    assert!(!github.contains("file=agreements/"), "{github}");

    let (_, sarif) = run_in(&ws, &["check", "--format", "sarif"], &[]);
    let log: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(!uris.is_empty());
    assert!(
        uris.iter().all(|u| u.starts_with("sub/ws/agreements/")),
        "{uris:?}"
    );
    assert!(
        uris.contains(&format!("sub/ws/{file}").as_str()),
        "{uris:?}"
    );

    let (_, json) = run_in(&ws, &["check", "--format", "json"], &[]);
    assert!(json.contains(&format!("\"file\": \"{file}\"")), "{json}");
    assert!(!json.contains("sub/ws/"), "{json}");

    // Outside git, the workspace is the root.
    let plain = crate::common::TempWorkspace::new();
    plain.write(&file, std::fs::read(ws.join(&file)).unwrap());
    let (_, github) = run_in(plain.root(), &["check", "--format", "github"], &[]);
    assert!(
        github.contains(&format!("::error file={file},line=")),
        "{github}"
    );
}

/// With `GITHUB_STEP_SUMMARY` set, the GitHub formats append a Markdown summary (what earlier
/// steps wrote stays); other formats leave it alone.
#[test]
fn github_formats_append_a_job_summary() {
    let (repo, ws) = nested_workspace();
    let summary = repo.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let env = [("GITHUB_STEP_SUMMARY", summary.as_path())];
    let (code, _) = run_in(&ws, &["check", "--format", "json"], &env);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), "earlier step\n");

    let (code, _) = run_in(&ws, &["check", "--format", "github"], &env);
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n## datapact check: failed\n"),
        "{text}"
    );
    let id = crate::common::ID;
    let row = text
        .lines()
        .find(|l| l.starts_with("| error | [DP010]"))
        .unwrap_or_else(|| panic!("a row for DP010: {text}"));
    assert!(
        row.contains(&format!("| sub/ws/agreements/{id}.toml | ")),
        "{row}"
    );
    assert!(
        row.contains("unknown key \\`unknown\\_key\\`"),
        "escaped: {row}"
    );
    let rows = text
        .lines()
        .filter(|l| l.starts_with("| error") || l.starts_with("| warning"));
    let (_, json) = run_in(&ws, &["check", "--format", "json"], &[]);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        rows.count(),
        crate::common::findings(&report).len(),
        "one row per finding"
    );

    let (_, _) = run_in(&ws, &["validate", "--format", "sarif"], &env);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("\n## datapact validate: failed\n"),
        "appended again: {text}"
    );
}

/// Jenkins' JUnit schema accepts the report: `errors` on every suite, a family that could not
/// run skipped (never passed), warnings as failures of type `warning` (GitLab shows no
/// `<system-out>`).
#[test]
fn junit_validates_against_jenkins_schema() {
    let (repo, ws) = nested_workspace();
    let (code, xml) = run_in(&ws, &["check", "--format", "junit"], &[]);
    assert_eq!(code, 1, "{xml}");
    let id = crate::common::ID;
    let expiry = format!(r#"<testcase classname="{id}" name="expiry">"#);
    let at = xml.find(&expiry).unwrap_or_else(|| panic!("{xml}"));
    assert!(
        xml[at..]
            .trim_start_matches(&expiry)
            .trim_start()
            .starts_with("<skipped message=\"not checked"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"type="warning">"#),
        "the drafts' DP307 warnings: {xml}"
    );
    assert!(!xml.contains("<system-out>"), "{xml}");
    for suite in junit_suites(&xml) {
        assert_eq!(suite.1, suite.3, "tests of {}", suite.0);
    }

    let Some(xmllint) = consumer(
        "junit_validates_against_jenkins_schema",
        "xmllint",
        "libxml2-utils",
    ) else {
        return;
    };
    let report = repo.path().join("junit.xml");
    std::fs::write(&report, &xml).unwrap();
    let schema = crate::common::repo().join("tests/schemas/junit-jenkins.xsd");
    let lint = |file: &std::path::Path| {
        std::process::Command::new(&xmllint)
            .arg("--noout")
            .arg("--schema")
            .arg(&schema)
            .arg(file)
            .output()
            .unwrap()
    };
    let out = lint(&report);
    assert!(out.status.success(), "{}", crate::common::text(&out.stderr));
    // The schema is really applied: a suite without `errors` is refused, as Jenkins refused it.
    let without_errors = repo.path().join("old.xml");
    std::fs::write(
        &without_errors,
        xml.replacen(r#" errors="0" skipped"#, " skipped", 1),
    )
    .unwrap();
    let out = lint(&without_errors);
    assert!(!out.status.success());
    assert!(
        crate::common::text(&out.stderr).contains("'errors' is required"),
        "{}",
        crate::common::text(&out.stderr)
    );
}

/// Event UIDs name the register, so two registers in one calendar never share one, and stay the
/// same between runs; libical's restriction check passes (no METHOD, so no iTIP ORGANIZER).
#[test]
fn calendar_uids_are_unique_per_register_and_libical_accepts_it() {
    let uids = |text: &str| -> Vec<String> {
        text.replace("\r\n ", "")
            .lines()
            .filter_map(|l| l.strip_prefix("UID:"))
            .map(|u| u.trim_end().to_string())
            .collect()
    };
    let (repo_a, ws_a) = nested_workspace();
    // Another register from the same template: the same first commit and folder, its own name.
    let (repo_b, ws_b) = nested_workspace();
    let settings = ws_b.join("datapact.toml");
    let renamed = std::fs::read_to_string(&settings).unwrap().replacen(
        "name = \"Data-sharing agreements\"",
        "name = \"Register B\"",
        1,
    );
    assert!(renamed.contains("Register B"));
    std::fs::write(&settings, renamed).unwrap();
    crate::common::commit_all(repo_b.path(), "Name", "2026-01-03T09:00:00Z");
    let (_, a) = run_in(&ws_a, &["calendar"], &[]);
    let (_, b) = run_in(&ws_b, &["calendar"], &[]);
    let (_, a_again) = run_in(&ws_a, &["calendar"], &[]);
    assert!(!a.contains("METHOD:"), "{a}");
    let (uids_a, uids_b) = (uids(&a), uids(&b));
    assert!(!uids_a.is_empty());
    assert_eq!(uids(&a_again), uids_a, "stable between runs");
    assert!(
        uids_a.iter().all(|u| !uids_b.contains(u)),
        "{uids_a:?} {uids_b:?}"
    );
    let id = crate::common::SAFEGUARDING;
    assert!(
        uids_a
            .iter()
            .any(|u| u.starts_with(&format!("review-{id}-")) && u.ends_with("@datapact")),
        "{uids_a:?}"
    );

    let test = "calendar_uids_are_unique_per_register_and_libical_accepts_it";
    let Some(gcc) = consumer(test, "gcc", "gcc libical-dev") else {
        return;
    };
    let dir = repo_a.path();
    let build = std::process::Command::new(gcc)
        .arg("-o")
        .arg(dir.join("icalcheck"))
        .arg(crate::common::repo().join("tests/fixtures/tools/icalcheck.c"))
        .arg("-lical")
        .output()
        .unwrap();
    if !build.status.success() {
        let what = format!(
            "cannot build against libical (Debian: apt-get install libical-dev): {}",
            crate::common::text(&build.stderr)
        );
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "{test}: {what}"
        );
        eprintln!("skipped: {test}: {what}");
        return;
    }
    let check = |text: &str| {
        std::fs::write(dir.join("calendar.ics"), text).unwrap();
        std::process::Command::new(dir.join("icalcheck"))
            .arg(dir.join("calendar.ics"))
            .output()
            .unwrap()
    };
    let out = check(&a);
    assert!(out.status.success(), "{}", crate::common::text(&out.stdout));
    // The check is real: the METHOD:PUBLISH calendars had failed it for want of an ORGANIZER.
    let out = check(&a.replacen(
        "CALSCALE:GREGORIAN\r\n",
        "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
        1,
    ));
    assert!(!out.status.success());
    assert!(
        crate::common::text(&out.stdout).contains("ORGANIZER"),
        "{}",
        crate::common::text(&out.stdout)
    );
}
