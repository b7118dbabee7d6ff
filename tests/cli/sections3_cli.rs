//! The third set of optional sections of published agreements (Step 8), through the binary:
//! `[assurance]`, `[[data.flows]]`, `[human_rights]`, `[outputs]` and `[approval]` added to an
//! example validate with no findings and render in Markdown and HTML, full and public (a data
//! flow's `method` only in the full rendition); a placeholder in each key is DP013 at its line; a
//! misspelt key is DP010 with its suggestion; a data flow naming an unknown party is DP103 at its
//! `from` or `to`; an unknown Cyber Essentials level is DP015; a section saying nothing is DP011.

use crate::common::*;

const ID: &str = "icb-ecc-adult-social-care";
const TODAY: &str = "2026-05-01";

/// What both renditions show of the new sections.
const PUBLISHED: &[&str] = &[
    "Security assurance",
    "Standards Met (2025-26)",
    "Cyber Essentials Plus",
    "IS 123456, hosting of the shared care record",
    "NHS Digital Data Security Standard 1",
    "NHS Essex Integrated Care Board → Essex County Council",
    "Essex County Council → NHS Essex Integrated Care Board",
    "Daily",
    "about 400 records a day",
    "Human Rights Act 1998: Article 8",
    "in accordance with the law, necessary and proportionate",
    "Outputs",
    "Monthly dashboards of discharge delays",
    "Counts below 5 are suppressed",
    "Approval",
    "Essex Information Governance Steering Group",
    "IGSG 2026-14",
    "it is not a signature",
];

/// Only the full rendition shows how each flow moves the data.
const FULL_ONLY: &[&str] = &["SFTP to the council data platform", "MESH mailbox"];

/// The ECC example with the new sections; each value is `value(key)` so a test can put a
/// placeholder or a misspelt key in one of them.
fn with_sections(edit: impl Fn(&str, &str) -> (String, String)) -> String {
    let kv = |key: &str, value: &str| {
        let (k, v) = edit(key, value);
        format!("{k} = {v}\n")
    };
    let q = |s: &str| format!("\"{s}\"");
    let mut more = String::new();
    more += "\n[assurance]\n";
    more += &kv("dspt", &q("Standards Met (2025-26) for both parties"));
    more += &kv("cyber_essentials", &q("plus"));
    more += &kv(
        "iso27001",
        &q("IS 123456, hosting of the shared care record"),
    );
    more += &kv("other", "[\"NHS Digital Data Security Standard 1\"]");
    more += "\n[[data.flows]]\n";
    more += &kv("from", &q("nhs-essex-icb"));
    more += &kv("to", &q("essex-county-council"));
    more += &kv("method", &q("SFTP to the council data platform"));
    more += &kv("frequency", &q("Daily"));
    more += &kv("volume", &q("about 400 records a day"));
    more += "\n[[data.flows]]\n";
    more += &kv("from", &q("essex-county-council"));
    more += &kv("to", &q("nhs-essex-icb"));
    more += &kv("method", &q("MESH mailbox"));
    more += &kv("frequency", &q("Weekly"));
    more += "\n[human_rights]\n";
    more += &kv(
        "article8",
        &q(
            "The sharing is in accordance with the law, necessary and proportionate: it serves care planning",
        ),
    );
    more += "\n[outputs]\n";
    more += &kv(
        "description",
        &q("Monthly dashboards of discharge delays for the system board"),
    );
    more += &kv(
        "disclosure_control",
        &q("Counts below 5 are suppressed and others rounded to the nearest 5"),
    );
    more += "\n[approval]\n";
    more += &kv(
        "approved_by",
        &q("Essex Information Governance Steering Group"),
    );
    more += &kv("minute_reference", &q("IGSG 2026-14"));
    example(ID) + &more
}

fn unchanged(key: &str, value: &str) -> (String, String) {
    (key.to_string(), value.to_string())
}

fn workspace(text: &str) -> TempWorkspace {
    TempWorkspace::with_agreement(ID, text)
}

fn render(ws: &TempWorkspace, extra: &[&str]) -> String {
    ws.render_ok(TODAY, ID, extra)
}

/// Fails unless `html` is well-formed XML.
fn assert_well_formed(html: &str) {
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
}

#[test]
fn every_new_section_validates_and_renders_in_both_renditions() {
    let ws = workspace(&with_sections(unchanged));
    let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!((exit, findings(&report)), (0, vec![]));

    for format in ["md", "html"] {
        let full = render(&ws, &["--format", format]);
        let public = render(&ws, &["--format", format, "--public"]);
        if format == "html" {
            assert_well_formed(&full);
            assert_well_formed(&public);
        }
        for shown in PUBLISHED {
            assert!(full.contains(shown), "{format} full lacks {shown:?}");
            assert!(public.contains(shown), "{format} public lacks {shown:?}");
        }
        for method in FULL_ONLY {
            assert!(full.contains(method), "{format} full lacks {method:?}");
            assert!(!public.contains(method), "{format} public shows {method:?}");
        }
        assert!(full.contains("Data flows"), "{format}");
    }
    // The flows are a table: from → to, method, frequency, volume.
    let md = render(&ws, &[]);
    assert!(
        md.contains("| From → to | Method | Frequency | Volume |"),
        "{md}"
    );
    assert!(md.contains(
        "| NHS Essex Integrated Care Board → Essex County Council | SFTP to the council data platform | Daily | about 400 records a day |"
    ));
    let public = render(&ws, &["--public"]);
    assert!(public.contains("| From → to | Frequency | Volume |"));
}

/// Each text key of the new sections, with the path a finding names.
const TEXT_KEYS: &[(&str, &str)] = &[
    ("dspt", "assurance.dspt"),
    ("cyber_essentials", "assurance.cyber_essentials"),
    ("iso27001", "assurance.iso27001"),
    ("from", "data.flows[0].from"),
    ("to", "data.flows[0].to"),
    ("method", "data.flows[0].method"),
    ("frequency", "data.flows[0].frequency"),
    ("volume", "data.flows[0].volume"),
    ("article8", "human_rights.article8"),
    ("description", "outputs.description"),
    ("disclosure_control", "outputs.disclosure_control"),
    ("approved_by", "approval.approved_by"),
    ("minute_reference", "approval.minute_reference"),
];

#[test]
fn a_placeholder_in_each_new_key_is_dp013_at_its_line() {
    let mut cases: Vec<(&str, &str, bool)> =
        TEXT_KEYS.iter().map(|&(k, p)| (k, p, false)).collect();
    cases.push(("other", "assurance.other[0]", true));
    for (key, path, is_list) in cases {
        let marker = format!("TODO: fill in {path}");
        let done = std::cell::Cell::new(false);
        // Only the first occurrence (the first data flow's keys).
        let text = with_sections(|k, v| {
            if k == key && !done.get() {
                done.set(true);
                if is_list {
                    (k.into(), format!("[\"{marker}\"]"))
                } else {
                    (k.into(), format!("\"{marker}\""))
                }
            } else {
                unchanged(k, v)
            }
        });
        let line = text.lines().position(|l| l.contains(&marker)).unwrap() as u64 + 1;
        let ws = workspace(&text);
        let (exit, report, _) = ws.validate_json(&[]);
        let found = findings(&report);
        assert_eq!(exit, 1, "{path}: {found:?}");
        assert_eq!(
            found
                .iter()
                .map(|(c, l, _)| (c.as_str(), *l))
                .collect::<Vec<_>>(),
            vec![("DP013", line)],
            "{path}"
        );
        assert!(found[0].2.contains(&format!("`{path}`")), "{found:?}");
    }
}

#[test]
fn a_misspelt_key_in_each_new_section_is_dp010_with_its_suggestion() {
    for (wrong, right) in [
        ("dpst", "dspt"),
        ("cyber_essential", "cyber_essentials"),
        ("iso2701", "iso27001"),
        ("frquency", "frequency"),
        ("volum", "volume"),
        ("article_8", "article8"),
        ("disclosure_controls", "disclosure_control"),
        ("aproved_by", "approved_by"),
        ("minute_ref", "minute_reference"),
    ] {
        let done = std::cell::Cell::new(false);
        let text = with_sections(|k, v| {
            if k == right && !done.get() {
                done.set(true);
                (wrong.into(), v.into())
            } else {
                unchanged(k, v)
            }
        });
        let line = text
            .lines()
            .position(|l| l.starts_with(&format!("{wrong} =")))
            .unwrap() as u64
            + 1;
        let ws = workspace(&text);
        let (_, report, _) = ws.validate_json(&[]);
        let all: Vec<&serde_json::Value> = report["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "DP010")
            .collect();
        assert_eq!(all.len(), 1, "{wrong}: {report}");
        assert_eq!(all[0]["line"].as_u64(), Some(line), "{wrong}");
        let hint = all[0]["hint"].as_str().unwrap();
        assert!(
            hint.starts_with(&format!("did you mean `{right}`?")),
            "{wrong}: {hint}"
        );
    }
}

#[test]
fn a_data_flow_naming_an_unknown_party_is_dp103_at_its_from_or_to() {
    for (key, wrong, path) in [
        ("from", "nhs-essex-cb", "data.flows[0].from"),
        ("to", "essex-council", "data.flows[0].to"),
    ] {
        let done = std::cell::Cell::new(false);
        let text = with_sections(|k, v| {
            if k == key && !done.get() {
                done.set(true);
                (k.into(), format!("\"{wrong}\""))
            } else {
                unchanged(k, v)
            }
        });
        let line = text
            .lines()
            .position(|l| l == format!("{key} = \"{wrong}\""))
            .unwrap() as u64
            + 1;
        let ws = workspace(&text);
        let (exit, report, _) = ws.validate_json(&[]);
        let found = findings(&report);
        assert_eq!(exit, 1, "{found:?}");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0.as_str(), found[0].1),
            ("DP103", line),
            "{found:?}"
        );
        assert!(
            found[0].2.contains(&format!(
                "\"{wrong}\" is not one of the agreement's parties"
            )) && found[0].2.contains(&format!("`{key}`")),
            "{found:?}"
        );
        let hint = report["files"][0]["findings"][0]["hint"].as_str().unwrap();
        assert!(hint.starts_with("did you mean"), "{path}: {hint}");
    }
}

#[test]
fn an_unknown_cyber_essentials_level_is_dp015_and_an_empty_section_dp011() {
    let text = with_sections(|k, v| {
        if k == "cyber_essentials" {
            (k.into(), "\"gold\"".into())
        } else {
            unchanged(k, v)
        }
    });
    let line = text
        .lines()
        .position(|l| l == "cyber_essentials = \"gold\"")
        .unwrap() as u64
        + 1;
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&[]);
    let found = findings(&report);
    assert_eq!(exit, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("DP015", line));
    assert!(
        found[0].2.contains("assurance.cyber_essentials")
            && found[0].2.contains("\"gold\"")
            && found[0].2.contains("Cyber Essentials level"),
        "{found:?}"
    );
    let hint = report["files"][0]["findings"][0]["hint"].as_str().unwrap();
    assert!(
        hint.contains("\"plus\"") && hint.contains("\"certified\""),
        "{hint}"
    );

    // [assurance] with none of its keys says nothing; [approval] without approved_by misses it.
    let text: String = with_sections(unchanged)
        .lines()
        .filter(|l| {
            ![
                "dspt =",
                "cyber_essentials =",
                "iso27001 =",
                "other =",
                "approved_by =",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let header = text.lines().position(|l| l == "[assurance]").unwrap() as u64 + 1;
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&[]);
    let found = findings(&report);
    assert_eq!(exit, 1);
    let dp011: Vec<_> = found.iter().filter(|f| f.0 == "DP011").collect();
    assert_eq!(dp011.len(), 2, "{found:?}");
    assert!(
        dp011
            .iter()
            .any(|f| f.1 == header && f.2.contains("`assurance`"))
    );
    assert!(dp011.iter().any(|f| f.2.contains("approval.approved_by")));
}
