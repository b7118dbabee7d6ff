//! `agreement.jurisdiction` through the binary: an agreement under Irish law validates without
//! the UK-only findings (DPA 2018 Schedule 1, the ICO registration, `outside_uk`) and renders
//! without "UK GDPR", "ICO" or "outside the UK"; the same text without the key is judged under UK
//! law and gets them; UK-only values are refused under Ireland (DP015); an unknown jurisdiction
//! is DP015 at its line.

use crate::common::*;

/// The example made Irish: a statistics collection with special category data under
/// Art 9(2)(g), whose UK version names a DPA 2018 Schedule 1 condition.
const EXAMPLE: &str = "mhclg-homelessness-case-level-collection";
const TODAY: &str = "2026-12-01";

/// A workspace following the UK public-sector profile, named for Irish law, with the Irish
/// gateway the agreement relies on as its own exception (the built-in ones are UK gateways).
const SETTINGS: &str = r#"[policy]
profile = "uk-public-sector"
name = "the Statistics Act 1993, the GDPR and the Data Protection Act 2018 (Ireland)"

[[policy.consent_exceptions]]
id = "statistics-act-s30"
label = "Information for statistical purposes under the Statistics Act 1993"
wording = "The Central Statistics Office may obtain records held by public authorities for statistical purposes."
source = "Statistics Act 1993, section 30"
"#;

/// Replaces `from` (which must be there) with `to` in `text`.
fn patch(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the example has no {from:?}");
    text.replacen(from, to, 1)
}

/// The example as an agreement under Irish law: `jurisdiction = "ireland"`, no Schedule 1
/// condition, no ICO registration, `outside_eea` for `outside_uk`, its own texts citing the
/// GDPR and its exception an Irish gateway.
fn irish() -> String {
    let mut text = example(EXAMPLE);
    text = patch(
        &text,
        "lead = \"mhclg\"\n",
        "lead = \"mhclg\"\njurisdiction = \"ireland\"\n",
    );
    text = patch(
        &text,
        "dpa_schedule1 = [\"statutory-and-government-purposes\"]\n",
        "",
    );
    let ico = text
        .lines()
        .find(|l| l.starts_with("ico_registration = "))
        .expect("an ICO registration")
        .to_string();
    text = patch(&text, &format!("{ico}\n"), "");
    assert_eq!(text.matches("outside_uk = false").count(), 2);
    text = text.replace("outside_uk = false", "outside_eea = false");
    // Its processor, in the UK, would be outside the EEA: an Irish one is not.
    text = patch(
        &text,
        "location = \"United Kingdom\"",
        "location = \"Ireland\"",
    );
    text = patch(
        &text,
        "exception = \"public-task\"",
        "exception = \"statistics-act-s30\"",
    );
    // The example's own prose cites UK law; an Irish agreement's would cite Irish law.
    text = text
        .replace("UK GDPR", "GDPR")
        .replace("DPA 2018", "the Data Protection Act 2018")
        .replace(
            "the ICO must be told",
            "the Data Protection Commission must be told",
        );
    assert!(
        !text
            .lines()
            .any(|l| !l.starts_with('#') && l.contains("ICO")),
        "the example's texts still name the ICO"
    );
    text
}

fn workspace(text: &str) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write("datapact.toml", SETTINGS);
    ws.write(&format!("agreements/{EXAMPLE}.toml"), text);
    ws
}

fn validate(ws: &TempWorkspace) -> (i32, Vec<(String, u64, String)>) {
    let (code, report, _) = ws.validate_json(&["--today", TODAY, EXAMPLE]);
    (code, findings(&report))
}

/// The 1-based line of the first line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> u64 {
    text.lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}")) as u64
        + 1
}

fn render(ws: &TempWorkspace, format: &str, public: bool) -> String {
    let mut args = vec!["--today", TODAY, "render", EXAMPLE, "--format", format];
    if public {
        args.push("--public");
    }
    let (code, out, err) = ws.run(&args);
    assert_eq!(code, 0, "render {format}: {err}");
    out
}

/// The codes of the rules of UK law only, none of which an Irish agreement may get.
const UK_ONLY: [&str; 4] = ["DP106", "DP122", "DP138", "DP139"];

#[test]
fn an_irish_agreement_validates_without_uk_findings_and_renders_irish_law() {
    let text = irish();
    let ws = workspace(&text);
    let (code, found) = validate(&ws);
    assert_eq!(code, 0, "{found:?}");
    assert!(found.is_empty(), "{found:?}");
    for format in ["md", "html"] {
        for public in [false, true] {
            let doc = render(&ws, format, public);
            for untrue in [
                "UK GDPR",
                "ICO",
                "Information Commissioner",
                "outside the UK",
                "Outside the UK",
                "DPA 2018",
                "domestic law",
            ] {
                assert!(
                    !doc.contains(untrue),
                    "{format} (public {public}) says {untrue:?}"
                );
            }
            assert!(doc.contains("GDPR Article 6"), "{format}");
            assert!(doc.contains("GDPR Article 9"), "{format}");
            assert!(doc.contains("outside the EEA"), "{format}");
            // The roles in the GDPR's name, Art 9(2)(g) in the EU text.
            assert!(doc.contains("(GDPR Art 4(7))"), "{format}");
            assert!(
                doc.contains(
                    "on the basis of Union or Member State law which shall be proportionate"
                ),
                "{format}"
            );
        }
    }
}

#[test]
fn the_same_agreement_without_the_key_is_judged_under_uk_law() {
    let irish = irish();
    let uk = patch(&irish, "jurisdiction = \"ireland\"\n", "");
    let ws = workspace(&uk);
    let (code, found) = validate(&ws);
    assert_eq!(code, 1);
    let at = |code: &str, line: u64| found.iter().any(|f| f.0 == code && f.1 == line);
    // `outside_eea` is not the UK's question; `outside_uk` and the ICO number are asked.
    for (i, line) in uk
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("outside_eea"))
    {
        assert!(at("DP010", i as u64 + 1), "{line}: {found:?}");
    }
    assert!(
        found
            .iter()
            .any(|f| f.0 == "DP011" && f.2.contains("transfer.outside_uk")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.0 == "DP011" && f.2.contains("parties[0].ico_registration")),
        "{found:?}"
    );

    // Made structurally whole for the UK, the content rules of UK law apply: Art 9(2)(g) needs
    // its Schedule 1 condition (DP106).
    let whole = uk.replace("outside_eea = false", "outside_uk = false");
    let whole = patch(
        &whole,
        "role = \"controller\"\n",
        "role = \"controller\"\nico_registration = \"Z1234567\"\n",
    );
    ws.write(&format!("agreements/{EXAMPLE}.toml"), &whole);
    let (code, found) = validate(&ws);
    assert_eq!(code, 1);
    let line = line_of(&whole, "article9 = ");
    assert!(
        found.iter().any(|f| f.0 == "DP106" && f.1 == line),
        "{found:?}"
    );
    // The document of the UK agreement is in the UK's words.
    ws.write(
        &format!("agreements/{EXAMPLE}.toml"),
        patch(
            &whole,
            "article9 = [\"g\"]\n",
            "article9 = [\"g\"]\ndpa_schedule1 = [\"statutory-and-government-purposes\"]\n",
        ),
    );
    let (code, found) = validate(&ws);
    assert_eq!(code, 0, "{found:?}");
    let md = render(&ws, "md", false);
    assert!(md.contains("### UK GDPR Article 9"));
    assert!(md.contains("Transfer outside the UK"));
    assert!(md.contains("ICO registration number"));
}

#[test]
fn criminal_offence_data_needs_schedule_1_under_uk_law_only() {
    let item = "[[data.items]]\nname = \"Offences\"\njustification = \"Needed for the statistics.\"\nspecial_category = \"criminal-offence\"\n\n[lawful_basis]\n";
    let text = patch(&irish(), "[lawful_basis]\n", item);
    let ws = workspace(&text);
    let (code, found) = validate(&ws);
    assert_eq!(code, 0, "{found:?}");
    for f in &found {
        assert!(!UK_ONLY.contains(&f.0.as_str()), "{f:?}");
    }
    let md = render(&ws, "md", false);
    assert!(md.contains("Criminal offence data"), "{md}");
    assert!(!md.contains("DPA 2018") && !md.contains("UK GDPR"), "{md}");
    // The same content under UK law (made whole for it) needs its DPA 2018 Schedule 1
    // conditions: DP106 for Art 9(2)(g), DP122 for the criminal offence data.
    let uk = patch(&text, "jurisdiction = \"ireland\"\n", "")
        .replace("outside_eea = false", "outside_uk = false");
    let uk = patch(
        &uk,
        "role = \"controller\"\n",
        "role = \"controller\"\nico_registration = \"Z1234567\"\n",
    );
    ws.write(&format!("agreements/{EXAMPLE}.toml"), &uk);
    let (code, found) = validate(&ws);
    assert_eq!(code, 1);
    let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert!(
        codes.contains(&"DP106") && codes.contains(&"DP122"),
        "{found:?}"
    );
}

#[test]
fn uk_law_only_values_are_refused_under_ireland_at_their_line() {
    for (from, to, what) in [
        (
            "article9 = [\"g\"]\n",
            "article9 = [\"g\"]\ndpa_schedule1 = [\"statutory-and-government-purposes\"]\n",
            "dpa_schedule1 = ",
        ),
        (
            "article6 = [\"e\"]\n",
            "article6 = [\"e\", \"ea\"]\n",
            "article6 = ",
        ),
        (
            "article6 = [\"e\"]\n",
            "article6 = [\"e\"]\nrecognised_interest = \"crime\"\n",
            "recognised_interest = ",
        ),
        // The built-in exceptions of the UK public-sector profile are UK gateways.
        (
            "exception = \"statistics-act-s30\"",
            "exception = \"public-task\"",
            "exception = ",
        ),
    ] {
        let text = patch(&irish(), from, to);
        let ws = workspace(&text);
        let (code, found) = validate(&ws);
        assert_eq!(code, 1, "{what}");
        let line = line_of(&text, what);
        assert!(
            found.iter().any(|f| f.0 == "DP015"
                && f.1 == line
                && f.2.contains("UK law only")
                && f.2.contains("Irish law")),
            "{what}: {found:?}"
        );
    }
    // `outside_uk` is not Irish law's question.
    let text = patch(&irish(), "outside_eea = false\n", "outside_uk = false\n");
    let ws = workspace(&text);
    let (code, found) = validate(&ws);
    assert_eq!(code, 1);
    let line = line_of(&text, "outside_uk = ");
    assert!(
        found.iter().any(|f| f.0 == "DP010" && f.1 == line),
        "{found:?}"
    );
}

#[test]
fn a_transfer_out_of_the_eea_needs_its_safeguard() {
    let text = patch(
        &irish(),
        "location = \"Ireland\"\noutside_eea = false\n",
        "location = \"United Kingdom\"\noutside_eea = true\n",
    );
    let ws = workspace(&text);
    let (code, found) = validate(&ws);
    assert_eq!(code, 1);
    let line = line_of(&text, "outside_eea = true");
    let f = found
        .iter()
        .find(|f| f.0 == "DP119")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(f.1, line, "{found:?}");
    assert!(f.2.contains("outside the EEA"), "{f:?}");
}

#[test]
fn an_unknown_jurisdiction_is_dp015_at_its_line() {
    let text = patch(
        &irish(),
        "jurisdiction = \"ireland\"",
        "jurisdiction = \"scotland\"",
    );
    let ws = workspace(&text);
    let (code, found) = validate(&ws);
    assert_eq!(code, 1);
    let line = line_of(&text, "jurisdiction = ");
    let f = found
        .iter()
        .find(|f| f.0 == "DP015")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(f.1, line);
    assert!(
        f.2.contains("agreement.jurisdiction") && f.2.contains("scotland"),
        "{f:?}"
    );
    let (_, out, err) = ws.run(&["--today", TODAY, "validate", EXAMPLE]);
    assert!(
        format!("{out}{err}").contains("\"uk\", \"ireland\""),
        "{out}{err}"
    );
}
