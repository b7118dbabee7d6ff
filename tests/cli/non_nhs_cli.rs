//! Agreements from outside the NHS, stated truthfully: a central-government statistics collection
//! (Art 6(1)(e), Art 9(2)(g) with DPA 2018 Sch 1 para 6, no health or care body, no s251 support,
//! no `[research]` section, no national data opt-out, no common-law confidentiality basis)
//! validates with no findings through the binary, and the NHS duties come back as soon as the
//! same data comes from a health or care body (confidential patient information).

use crate::common::*;
use toml_edit::{DocumentMut, InlineTable, value};

/// The example the collection is made from (its id stays: it is the file name).
const BASE: &str = "gp-icb-population-health-research";

/// The GP research example turned into a government statistics collection: the same parties
/// (none of them a health or care body), disability and ethnicity items kept as special category
/// data, Art 6(1)(e) and Art 9(2)(g) with Sch 1 para 6, and nothing the NHS duties would need.
pub fn government_statistics() -> DocumentMut {
    let mut doc: DocumentMut = example(BASE).parse().unwrap();
    doc["agreement"]["title"] = value("Social housing lettings statistics collection");
    doc["agreement"]["summary"] = value(
        "Landlords send a record of each new social housing letting to the department, which \
         publishes official statistics on lettings.",
    );
    let parties = doc["parties"].as_array_of_tables_mut().unwrap();
    for party in parties.iter_mut() {
        party["health_or_care"] = value(false);
        party.remove("caldicott_guardian");
    }
    doc["purpose"]["legal_powers"] = value(toml_edit::Array::from_iter([
        "Statistics and Registration Service Act 2007, section 6 (official statistics)",
        "Housing and Regeneration Act 2008, section 103 (information from registered providers)",
    ]));
    let lb = doc["lawful_basis"].as_table_mut().unwrap();
    lb["article6"] = value(toml_edit::Array::from_iter(["e"]));
    lb["article9"] = value(toml_edit::Array::from_iter(["g"]));
    lb["dpa_schedule1"] = value(toml_edit::Array::from_iter([
        "statutory-and-government-purposes",
    ]));
    lb.remove("confidentiality");
    lb.remove("s251_reference");
    lb["explanation"] = value(
        "The department collects the lettings records in the performance of its statutory \
         functions (Art 6(1)(e), DPA 2018 s.8). Disability and ethnicity are processed for \
         reasons of substantial public interest (Art 9(2)(g)) under DPA 2018 Schedule 1 \
         paragraph 6, statutory and government purposes.",
    );
    let consent = doc["consent"].as_table_mut().unwrap();
    consent.remove("national_data_opt_out");
    consent.remove("opt_out_explanation");
    consent["justification"] =
        value("The collection is made under statutory powers for official statistics.");
    doc["onward_sharing"]["conditions"] =
        value("Only aggregate statistics that have passed disclosure control are published.");
    doc["rights"]["privacy_notice"] =
        value("The department's privacy notice for the collection describes it.");
    doc.remove("research");
    doc
}

fn validate_doc(doc: &DocumentMut) -> (i32, Vec<(String, u64, String)>) {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{BASE}.toml"), doc.to_string());
    let (exit, report, _) = ws.validate_json(&[]);
    (exit, findings(&report))
}

fn sorted_codes(found: &[(String, u64, String)]) -> Vec<String> {
    let mut codes: Vec<String> = found.iter().map(|f| f.0.clone()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The collection validates cleanly: no s251, no `[research]`, no opt-out, no confidentiality
/// basis, Art 9(2)(g) rather than (j).
#[test]
fn a_government_statistics_collection_validates_without_nhs_duties() {
    let doc = government_statistics();
    let text = doc.to_string();
    for absent in ["s251", "\n[research]", "health_or_care = true"] {
        assert!(
            !text.contains(absent),
            "the collection still has {absent:?}"
        );
    }
    assert!(doc["lawful_basis"].get("confidentiality").is_none());
    assert!(doc["consent"].get("national_data_opt_out").is_none());
    assert_eq!(validate_doc(&doc), (0, vec![]));
}

/// The same collection where the data comes from a health or care body is confidential patient
/// information: a confidentiality basis (DP135, whose advice for research names consent or s251
/// support, DP111's requirement, reported once), Art 9(2)(j) (DP112), `[research]` (DP113) and
/// the opt-out (DP134) are required again.
#[test]
fn the_nhs_duties_return_when_a_health_or_care_body_supplies_health_data() {
    let mut doc = government_statistics();
    let party = &mut doc["parties"]
        .as_array_of_tables_mut()
        .unwrap()
        .get_mut(0)
        .unwrap();
    party["health_or_care"] = value(true);
    let mut cg = InlineTable::new();
    cg.insert("name", "Dr Rebecca Lowe".into());
    cg.insert("mailbox", "essex.lmc.caldicott@nhs.net".into());
    party["caldicott_guardian"] = value(cg);
    let (exit, found) = validate_doc(&doc);
    assert_eq!(exit, 1);
    assert_eq!(
        sorted_codes(&found),
        ["DP112", "DP113", "DP134", "DP135"],
        "{found:?}"
    );

    // Anonymised health data from a health body is not confidential patient information.
    doc["data"]["identifiability"] = value("anonymised");
    doc["data"]
        .as_table_mut()
        .unwrap()
        .remove("why_not_anonymised");
    assert_eq!(validate_doc(&doc), (0, vec![]));
}

/// A duty of confidence the agreement declares needs a basis (DP135); "no-duty-of-confidence"
/// is accepted where none applies, and refused where one does.
#[test]
fn a_declared_duty_of_confidence_needs_a_basis() {
    let mut doc = government_statistics();
    doc["lawful_basis"]["duty_of_confidence"] = value(true);
    let (exit, found) = validate_doc(&doc);
    assert_eq!((exit, sorted_codes(&found)), (1, vec!["DP135".to_string()]));

    doc["lawful_basis"]["confidentiality"] = value("legal-duty");
    assert_eq!(validate_doc(&doc), (0, vec![]));

    doc["lawful_basis"]["confidentiality"] = value("no-duty-of-confidence");
    let (exit, found) = validate_doc(&doc);
    assert_eq!((exit, sorted_codes(&found)), (1, vec!["DP135".to_string()]));

    doc["lawful_basis"]["duty_of_confidence"] = value(false);
    assert_eq!(validate_doc(&doc), (0, vec![]));
    doc["lawful_basis"]
        .as_table_mut()
        .unwrap()
        .remove("duty_of_confidence");
    assert_eq!(validate_doc(&doc), (0, vec![]));

    // "not-applicable" still says the data is anonymised, which identifiable data is not.
    doc["lawful_basis"]["confidentiality"] = value("not-applicable");
    let (exit, found) = validate_doc(&doc);
    assert_eq!((exit, sorted_codes(&found)), (1, vec!["DP123".to_string()]));
}

/// Confidential patient information used only for individual care needs no opt-out statement;
/// used beyond it, it does (DP134).
#[test]
fn the_opt_out_is_required_only_beyond_individual_care() {
    let id = "icb-ecc-adult-social-care";
    let care = example(id)
        .lines()
        .filter(|l| {
            !l.starts_with("national_data_opt_out") && !l.starts_with("opt_out_explanation")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{id}.toml"), &care);
    let (exit, report, _) = ws.validate_json(&[]);
    assert_eq!((exit, codes(&report)), (0, Vec::<String>::new()));

    let beyond = care.replace(
        "categories = [\"direct-care\"]",
        "categories = [\"direct-care\", \"public-health\"]",
    );
    ws.write(&format!("agreements/{id}.toml"), &beyond);
    let (exit, report, _) = ws.validate_json(&[]);
    // DP124: implied consent does not stretch beyond direct care either.
    assert_eq!(
        (exit, codes(&report)),
        (1, vec!["DP124".to_string(), "DP134".to_string()])
    );
}

/// The document states only what the agreement says: no opt-out line and no confidentiality
/// heading when neither is given; the "no duty" wording when that is the basis.
#[test]
fn the_document_leaves_out_what_the_collection_does_not_say() {
    let mut doc = government_statistics();
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{BASE}.toml"), doc.to_string());
    let (code, md, err) = ws.run(&["--today", "2026-12-01", "render", BASE]);
    assert_eq!(code, 0, "{err}");
    assert!(!md.contains("National data opt-out"), "{md}");
    assert!(!md.contains("Common-law duty of confidentiality"), "{md}");

    doc["lawful_basis"]["confidentiality"] = value("no-duty-of-confidence");
    doc["lawful_basis"]["duty_of_confidence"] = value(false);
    ws.write(&format!("agreements/{BASE}.toml"), doc.to_string());
    for format in ["md", "html"] {
        let (code, out, err) =
            ws.run(&["--today", "2026-12-01", "render", BASE, "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Common-law duty of confidentiality"), "{out}");
        assert!(out.contains("No duty of confidence"), "{out}");
        assert!(out.contains("Does a duty of confidence apply?"), "{out}");
    }
}

/// The collection with its processing unit named in `[[processors]]` rather than as a party: it
/// validates, needs no ICO number, DPO, senior officer or retention rule, is shown in the
/// document's "Processors" section, and is not among those who sign.
#[test]
fn a_processor_that_is_not_a_party_is_named_shown_and_never_signs() {
    let mut doc = government_statistics();
    let processor_id = "agem-dscro";
    doc["parties"].as_array_of_tables_mut().unwrap().remove(2);
    let rules = doc["retention"]["rules"].as_array_of_tables_mut().unwrap();
    let at = rules
        .iter()
        .position(|r| r["party"].as_str() == Some(processor_id))
        .unwrap();
    rules.remove(at);
    let mut processor = toml_edit::Table::new();
    processor["name"] = value("Example Statistics Hosting Ltd");
    processor["acting_for"] = value(toml_edit::Array::from_iter(["nhs-essex-icb"]));
    processor["service"] = value("Hosts the collection's secure upload portal and database");
    processor["location"] = value("United Kingdom");
    processor["outside_uk"] = value(false);
    processor["contract_reference"] = value("DEPT-CT-2026-007");
    let mut processors = toml_edit::ArrayOfTables::new();
    processors.push(processor);
    doc.insert("processors", toml_edit::Item::ArrayOfTables(processors));
    assert!(!doc.to_string().contains(processor_id));
    assert_eq!(validate_doc(&doc), (0, vec![]));

    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{BASE}.toml"), doc.to_string());
    let (code, md, err) = ws.run(&["--today", "2026-12-01", "render", BASE]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("## Processors"), "{md}");
    assert!(md.contains("### Example Statistics Hosting Ltd"), "{md}");
    assert!(
        md.contains("- **Acting for**: NHS Essex Integrated Care Board"),
        "{md}"
    );
    assert!(
        md.contains("- **Contract reference**: DEPT-CT-2026-007"),
        "{md}"
    );
    assert!(
        md.contains("0 of 2 parties have a verified signature"),
        "{md}"
    );
    let (code, html, err) = ws.run(&[
        "--today",
        "2026-12-01",
        "render",
        BASE,
        "--format",
        "html",
        "--public",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(html.contains("<h2>Processors</h2>"), "{html}");
    assert!(html.contains("Example Statistics Hosting Ltd"), "{html}");

    // Signing as the processor is refused: it is not a party.
    let key = ws.generate_key("nhs-essex-icb", "icb@example.org");
    let out = ws.sign_output(BASE, "example-statistics-hosting", &key, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("not a party"), "{err}");

    // A processor outside the UK states its safeguard (DP119); acting for no party is DP136.
    doc["processors"][0]["outside_uk"] = value(true);
    doc["processors"][0]["acting_for"] = value(toml_edit::Array::from_iter(["nobody"]));
    let (exit, found) = validate_doc(&doc);
    assert_eq!(
        (exit, sorted_codes(&found)),
        (1, vec!["DP119".into(), "DP136".into()])
    );
    doc["processors"][0]["safeguards"] = value("UK adequacy regulations (EU)");
    doc["processors"][0]["acting_for"] = value(toml_edit::Array::from_iter(["nhs-essex-icb"]));
    assert_eq!(validate_doc(&doc), (0, vec![]));
}

/// The central-government statistics collection among the examples: MHCLG's H-CLIC return from
/// every local housing authority (a class party), open-ended, signed by MHCLG and joined by two
/// authorities.
const CENTRAL: &str = "mhclg-homelessness-case-level-collection";

/// A workspace holding the central example as it is in git: the repository's settings, its trust
/// store and the example's signatures and accessions.
fn central_workspace() -> TempWorkspace {
    let ws = TempWorkspace::new();
    let repo = repo();
    ws.write(
        "datapact.toml",
        std::fs::read(repo.join("datapact.toml")).unwrap(),
    );
    ws.write(&format!("agreements/{CENTRAL}.toml"), example(CENTRAL));
    copy_tree(&repo.join("keys"), &ws.root().join("keys"));
    copy_tree(
        &repo.join("signatures").join(CENTRAL),
        &ws.root().join("signatures").join(CENTRAL),
    );
    ws
}

/// The example is what it claims: a class party with eligibility, an open-ended term, no health
/// or care body and none of the NHS duties' keys.
#[test]
fn the_central_collection_example_is_open_ended_standard_terms_without_nhs_duties() {
    let doc: DocumentMut = example(CENTRAL).parse().unwrap();
    assert_eq!(doc["agreement"]["lead"].as_str(), Some("mhclg"));
    let parties = doc["parties"].as_array_of_tables().unwrap();
    let classes: Vec<_> = parties
        .iter()
        .filter(|p| p.get("class").and_then(|c| c.as_bool()) == Some(true))
        .collect();
    assert_eq!(classes.len(), 1);
    assert!(classes[0].get("eligibility").is_some());
    assert!(
        parties
            .iter()
            .all(|p| p["health_or_care"].as_bool() == Some(false))
    );
    assert!(doc["dates"].get("end_condition").is_some());
    assert!(doc["dates"].get("expires").is_none());
    assert!(doc.get("research").is_none());
    assert!(doc["consent"].get("national_data_opt_out").is_none());
    assert!(doc["lawful_basis"].get("s251_reference").is_none());

    let ws = central_workspace();
    let (exit, report, _) = ws.validate_json(&[]);
    assert_eq!((exit, findings(&report)), (0, vec![]));
}

/// The signatures in git verify: MHCLG signed, and both members' accessions are shown.
#[test]
fn the_central_collection_example_verifies_with_its_members() {
    let ws = central_workspace();
    let (code, out, err) = ws.run(&["--today", "2026-12-02", "verify", CENTRAL]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!("{CENTRAL} v1: fully signed")),
        "{out}"
    );
    assert!(out.contains("ok      mhclg: signed by"), "{out}");
    for member in [
        "Chelmsford City Council (chelmsford-city-council of local-housing-authorities)",
        "Braintree District Council (braintree-district-council of local-housing-authorities)",
    ] {
        assert!(out.contains(&format!("member  {member}: joined")), "{out}");
    }
    let (code, out, err) = ws.run(&["--today", "2026-12-02", "check"]);
    assert_eq!(code, 0, "{out}\n{err}");
}

/// The rendered document, in both formats and publicly, states the open-ended term and the
/// members, and none of the NHS-only wording (opt-out, s251, Caldicott Guardian, an expiry or
/// review date it does not have).
#[test]
fn the_central_collection_document_states_its_term_and_members_and_no_nhs_duties() {
    let ws = central_workspace();
    for args in [
        vec!["--format", "md"],
        vec!["--format", "html"],
        vec!["--format", "md", "--public"],
    ] {
        let mut all = vec!["--today", "2026-12-02", "render", CENTRAL];
        all.extend(args.iter().copied());
        let (code, doc, err) = ws.run(&all);
        assert_eq!(code, 0, "{args:?}: {err}");
        for needle in [
            "Open-ended: While MHCLG collects the Homelessness Case Level Information Collection",
            "Chelmsford City Council",
            "Braintree District Council",
            "Local housing authorities in England",
            "Office for National Statistics",
            "1 December 2028",
        ] {
            assert!(doc.contains(needle), "{args:?}: no {needle:?} in\n{doc}");
        }
        for absent in [
            "National data opt-out",
            "Section 251",
            "Caldicott",
            "Common-law duty of confidentiality",
            "Expires",
            "expires on",
        ] {
            assert!(!doc.contains(absent), "{args:?}: {absent:?} in\n{doc}");
        }
    }
}
