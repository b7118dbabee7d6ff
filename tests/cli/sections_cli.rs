//! The optional sections of published agreements (Step 8), through the binary: an example with
//! every one of them (`audit`, `notes`, a party's `address` and `[[parties.contacts]]`,
//! `[termination]`, `[disputes]`, `[requests]`, `[[definitions]]`, `[query_contact]`, `[uses]`,
//! `[data_quality]`, `[[annexes]]`) validates with no findings and renders in Markdown and HTML,
//! full and public, with the personal contact details only in the full rendition; a placeholder
//! in each is DP013 at its line; a misspelt key in each is DP010 with the right suggestion; a
//! section that says nothing is DP011.

use crate::common::*;

const ID: &str = "icb-ecc-adult-social-care";
const TODAY: &str = "2026-05-01";

/// The personal details of the further contact and the query contact: in the full rendition
/// only.
const PERSONAL: &[&str] = &[
    "Sam Okafor",
    "sam.okafor@nhs.net",
    "01268 000000",
    "Jo Bloggs",
    "jo.bloggs@nhs.net",
    "01268 111111",
];

/// What both renditions show of the new sections.
const PUBLISHED: &[&str] = &[
    "Phoenix Court, Christopher Martin Road, Basildon SS14 3HG",
    "Authorised representative",
    "Head of Information Governance",
    "essexicb.ig@nhs.net",
    "Information Governance Manager",
    "essexicb.queries@nhs.net",
    "three months",
    "a serious breach of this agreement",
    "The party in breach remedies it within 30 days",
    "returns or securely destroys the shared data",
    "Information governance leads",
    "Senior Information Risk Owners",
    "consults the other before disclosing",
    "own complaints procedure",
    "Shared data",
    "The data items listed in this agreement",
    "planning care for the person",
    "never used to make decisions about individuals",
    "corrects errors it finds",
    "Privacy notice",
    "Annex A, IG-PN-2026",
    "audit the other",
    "Replaces the 2022 adult social care protocol",
];

/// The ECC example with every optional section; each text is `value(key)` so a test can put a
/// placeholder or a misspelt key in one of them.
fn with_sections(edit: impl Fn(&str, &str) -> (String, String)) -> String {
    let kv = |key: &str, value: &str| {
        let (k, v) = edit(key, value);
        format!("{k} = {v}\n")
    };
    let q = |s: &str| format!("\"{s}\"");
    let text = example(ID);
    let mut top = String::new();
    top += &kv(
        "audit",
        &q("Each party may audit the other's compliance once a year on 20 working days' notice."),
    );
    top += &kv("notes", &q("Replaces the 2022 adult social care protocol."));
    let text = text.replacen("schema = 1\n", &format!("schema = 1\n{top}"), 1);

    let first = text.find("[[parties]]").unwrap();
    let second = first + 1 + text[first + 1..].find("[[parties]]").unwrap();
    let mut party = String::new();
    party += &kv(
        "address",
        &q("Phoenix Court, Christopher Martin Road, Basildon SS14 3HG"),
    );
    party += "\n[[parties.contacts]]\n";
    party += &kv("name", &q("Sam Okafor"));
    party += &kv("title", &q("Head of Information Governance"));
    party += &kv("purpose", &q("Authorised representative"));
    party += &kv("email", &q("sam.okafor@nhs.net"));
    party += &kv("mailbox", &q("essexicb.ig@nhs.net"));
    party += &kv("phone", &q("01268 000000"));
    party += "\n";
    // The party's own keys end with a blank line before the next party.
    let end = text[..second].trim_end().len() + 1;
    let text = format!("{}{}{}", &text[..end], party, &text[second..]);

    let mut more = String::new();
    more += "\n[termination]\n";
    more += &kv("notice", &q("three months' written notice"));
    more += &kv(
        "immediate_grounds",
        "[\"a serious breach of this agreement\", \"the law no longer permits the sharing\"]",
    );
    more += &kv(
        "on_breach",
        &q("The party in breach remedies it within 30 days"),
    );
    more += &kv(
        "on_termination",
        &q("Each party returns or securely destroys the shared data within 30 days"),
    );
    more += "\n[disputes]\n";
    more += &kv(
        "escalation",
        "[\"Information governance leads\", \"Data Protection Officers\", \"Senior Information Risk Owners\"]",
    );
    more += "\n[requests]\n";
    more += &kv(
        "foi_eir",
        &q("The party receiving an FOI or EIR request consults the other before disclosing"),
    );
    more += &kv(
        "complaints",
        &q("Complaints are handled under each party's own complaints procedure"),
    );
    more += "\n[[definitions]]\n";
    more += &kv("term", &q("Shared data"));
    more += &kv("meaning", &q("The data items listed in this agreement"));
    more += "\n[query_contact]\n";
    more += &kv("name", &q("Jo Bloggs"));
    more += &kv("title", &q("Information Governance Manager"));
    more += &kv("mailbox", &q("essexicb.queries@nhs.net"));
    more += &kv("email", &q("jo.bloggs@nhs.net"));
    more += &kv("phone", &q("01268 111111"));
    more += "\n[uses]\n";
    more += &kv("permitted", "[\"planning care for the person\"]");
    more += &kv(
        "prohibited",
        "[\"never used to make decisions about individuals\"]",
    );
    more += "\n[data_quality]\n";
    more += &kv(
        "duties",
        "[\"Each party corrects errors it finds and tells the other within 5 working days\"]",
    );
    more += "\n[[annexes]]\n";
    more += &kv("title", &q("Privacy notice"));
    more += &kv("reference", &q("Annex A, IG-PN-2026"));
    more += &kv("summary", &q("How people are told about the sharing"));
    text + &more
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
fn every_optional_section_validates_and_renders_with_personal_details_only_in_full() {
    let text = with_sections(unchanged);
    let ws = workspace(&text);
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
            // Markdown and HTML escape apostrophes differently; the phrases avoid them.
            assert!(full.contains(shown), "{format} full lacks {shown:?}");
            assert!(public.contains(shown), "{format} public lacks {shown:?}");
        }
        for personal in PERSONAL {
            assert!(full.contains(personal), "{format} full lacks {personal:?}");
            assert!(
                !public.contains(personal),
                "{format} public shows {personal:?}"
            );
        }
        for heading in [
            "Definitions",
            "Questions about this agreement",
            "Permitted and prohibited uses",
            "Data quality",
            "Audit",
            "Termination",
            "Disputes",
            "Annexes",
            "Notes",
        ] {
            assert!(full.contains(heading), "{format} lacks heading {heading:?}");
        }
    }
    // The escalation steps are numbered, in order.
    let md = render(&ws, &[]);
    let steps = md.find("1. Information governance leads").unwrap();
    let last = md.find("3. Senior Information Risk Owners").unwrap();
    assert!(steps < last);
    let html = render(&ws, &["--format", "html"]);
    assert!(html.contains("<ol>\n<li>Information governance leads</li>"));
}

/// Each text key of the new sections, with a value only it has, to find its line.
const TEXT_KEYS: &[(&str, &str)] = &[
    ("audit", "audit"),
    ("notes", "notes"),
    ("address", "parties[0].address"),
    ("purpose", "parties[0].contacts[0].purpose"),
    ("notice", "termination.notice"),
    ("on_breach", "termination.on_breach"),
    ("on_termination", "termination.on_termination"),
    ("foi_eir", "requests.foi_eir"),
    ("complaints", "requests.complaints"),
    ("term", "definitions[0].term"),
    ("meaning", "definitions[0].meaning"),
    ("title", "annexes[0].title"),
    ("reference", "annexes[0].reference"),
    ("summary", "annexes[0].summary"),
];

/// Each list key of the new sections.
const LIST_KEYS: &[(&str, &str)] = &[
    ("immediate_grounds", "termination.immediate_grounds[0]"),
    ("escalation", "disputes.escalation[0]"),
    ("permitted", "uses.permitted[0]"),
    ("prohibited", "uses.prohibited[0]"),
    ("duties", "data_quality.duties[0]"),
];

#[test]
fn a_placeholder_in_each_new_section_is_dp013_at_its_line() {
    let mut cases: Vec<(&str, &str)> = TEXT_KEYS.to_vec();
    cases.extend_from_slice(LIST_KEYS);
    for &(key, path) in &cases {
        let marker = format!("TODO: fill in {path}");
        let is_list = LIST_KEYS.iter().any(|(k, _)| *k == key);
        // `title` also names the party contact's and the query contact's title: only the
        // annex's, the last one written, gets the placeholder.
        let text = with_sections(|k, v| {
            if k == key && (key != "title" || v.contains("Privacy notice")) {
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
        ("notise", "notice"),
        ("escalaton", "escalation"),
        ("foi_eri", "foi_eir"),
        ("meanng", "meaning"),
        ("purpse", "purpose"),
        ("prohibted", "prohibited"),
        ("dutie", "duties"),
        ("sumary", "summary"),
        ("adress", "address"),
    ] {
        let text = with_sections(|k, v| {
            if k == right {
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
    // The query contact's misspelt key too (its keys are a contact's).
    let text = with_sections(|k, v| {
        if k == "mailbox" && v.contains("queries") {
            ("mailbx".into(), v.into())
        } else {
            unchanged(k, v)
        }
    });
    let ws = workspace(&text);
    let (_, report, _) = ws.validate_json(&[]);
    assert!(
        report.to_string().contains("did you mean `mailbox`?"),
        "{report}"
    );
}

#[test]
fn a_section_that_says_nothing_is_dp011_and_addresses_are_checked() {
    let text = with_sections(unchanged);
    // Every key of [requests] gone: the section says nothing.
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("foi_eir =") && !l.starts_with("complaints ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let line = text.lines().position(|l| l == "[requests]").unwrap() as u64 + 1;
    let text = text.replace("\"essexicb.queries@nhs.net\"", "\"queries at nhs.net\"");
    let ws = workspace(&text);
    let (exit, report, _) = ws.validate_json(&[]);
    let found = findings(&report);
    assert_eq!(exit, 1);
    let dp011: Vec<_> = found.iter().filter(|f| f.0 == "DP011").collect();
    assert_eq!(dp011.len(), 1, "{found:?}");
    assert_eq!(dp011[0].1, line, "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.0 == "DP020" && f.2.contains("query_contact.mailbox"))
    );
}
