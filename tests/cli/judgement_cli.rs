//! Rules that judge what an agreement says (step 8b), through the binary, beyond the one-fixture
//! cases of tests/fixtures/invalid: the direct identifiers of de-identified data (DP143) and
//! the pseudonymisation key held apart; words that mean special category data (DP144).

use crate::common::*;

const TODAY: &str = "2026-05-01";
const GP: &str = "gp-icb-population-health-research";

/// The codes `validate` reports for the example `id` edited by `edit`.
fn codes_after(id: &str, edit: impl Fn(String) -> String) -> Vec<String> {
    let ws = TempWorkspace::new();
    let text = edit(example(id));
    ws.write(&format!("agreements/{id}.toml"), text);
    let (_, report, _) = ws.validate_json(&["--today", TODAY]);
    findings(&report).into_iter().map(|f| f.0).collect()
}

/// The GP example with one more data item, `item` (TOML lines after the name).
fn gp_with_item(name: &str, more: &str) -> impl Fn(String) -> String {
    let item = format!(
        "\n[[data.items]]\nname = \"{name}\"\njustification = \"Links the pseudonymised records back to patients when a practice must be told of a finding.\"\n{more}"
    );
    move |text: String| {
        let at = text
            .find("\n[[data.items]]")
            .expect("the example has data items");
        format!("{}{item}{}", &text[..at], &text[at..])
    }
}

#[test]
fn the_pseudonymisation_key_held_apart_may_be_a_direct_identifier_in_pseudonymised_data_only() {
    let name = "NHS number to pseudonym lookup (held by the processing unit, apart from the data)";
    assert_eq!(codes_after(GP, gp_with_item(name, "")), ["DP143"]);
    assert!(codes_after(GP, gp_with_item(name, "pseudonymisation_key = true\n")).is_empty());
    let anonymised = |text: String| {
        gp_with_item(name, "pseudonymisation_key = true\n")(text).replacen(
            "identifiability = \"pseudonymised\"",
            "identifiability = \"anonymised\"",
            1,
        )
    };
    assert!(codes_after(GP, anonymised).contains(&"DP143".to_string()));
}

#[test]
fn partial_identifiers_pseudonyms_and_counts_are_not_direct_identifiers() {
    for name in [
        "Postcode district of residence",
        "Year of birth",
        "Age band at the start of the quarter",
        "Hashed NHS number",
        "Number of addresses in the last year",
        "Name of the school attended",
    ] {
        assert!(
            codes_after(GP, gp_with_item(name, "")).is_empty(),
            "{name} was taken for a direct identifier"
        );
    }
}

#[test]
fn an_identifier_the_list_misreads_is_answered_by_an_acknowledgement() {
    // "Address" here is a kind of property, not where a person lives.
    let name = "Type of address (house, flat, hostel)";
    assert_eq!(codes_after(GP, gp_with_item(name, "")), ["DP143"]);
    let answered = |text: String| {
        format!(
            "{}\n[[acknowledgements]]\nrule = \"DP143\"\nitem = \"{name}\"\nreason = \"The item is one of three property types, not an address.\"\n",
            gp_with_item(name, "")(text)
        )
    };
    assert!(codes_after(GP, answered).is_empty());
}

#[test]
fn an_unmarked_health_item_is_flagged_and_a_marked_one_is_not() {
    let flagged = codes_after(GP, gp_with_item("Most recent HbA1c test result", ""));
    assert_eq!(flagged, ["DP144"]);
    let marked = codes_after(
        GP,
        gp_with_item(
            "Most recent HbA1c test result",
            "special_category = \"health\"\n",
        ),
    );
    assert!(marked.is_empty(), "{marked:?}");
}

/// "No DPIA required" for identifiable health data is flagged (DP152) and may be answered in the
/// agreement; for anonymised data, or with a completed DPIA, it is not raised.
#[test]
fn no_dpia_for_sensitive_data_is_flagged_and_may_be_answered() {
    const ECC: &str = "icb-ecc-adult-social-care";
    let no_dpia = |text: String| {
        let text = text
            .replacen("dpia = \"completed\"", "dpia = \"not-required\"\nno_dpia_reason = \"A screening found the sharing small in scale.\"", 1)
            .lines()
            .filter(|l| !l.starts_with("dpia_reference") && !l.starts_with("dpia_outcome"))
            .collect::<Vec<_>>()
            .join("\n");
        format!("{text}\n")
    };
    assert_eq!(codes_after(ECC, no_dpia), ["DP152"]);
    let answered = move |text: String| {
        format!(
            "{}\n[[acknowledgements]]\nrule = \"dpia-likely-required\"\nreason = \"About forty assessments a year for one council: not large scale (ICO screening 2026-02-03).\"\n",
            no_dpia(text)
        )
    };
    assert!(codes_after(ECC, answered).is_empty());
    assert!(
        codes_after(ECC, |t| t).is_empty(),
        "a completed DPIA raises nothing"
    );
}

#[test]
fn criminal_offence_words_ask_for_the_item_to_be_marked_and_charges_for_services_do_not() {
    let flagged = codes_after(
        GP,
        gp_with_item("Cautions and convictions in the last five years", ""),
    );
    assert_eq!(flagged, ["DP145"]);
    for name in [
        "Service charges owed",
        "Custody of the child (court order in place)",
    ] {
        assert!(
            codes_after(GP, gp_with_item(name, "")).is_empty(),
            "{name} was taken for criminal offence data"
        );
    }
}

/// A retention period that sets none (DP153) and a processor abroad said to be in the UK (DP154);
/// what the lists leave alone: a period with its criteria, a UK region of a cloud provider,
/// Northern Ireland.
#[test]
fn retention_without_a_period_and_a_processor_abroad_are_flagged() {
    const ECC: &str = "icb-ecc-adult-social-care";
    let period = |p: &'static str| {
        move |text: String| {
            let at = text.find("period = \"").expect("the example has a period");
            let end = at + text[at..].find('\n').unwrap();
            format!("{}period = \"{p}\"{}", &text[..at], &text[end..])
        }
    };
    assert_eq!(codes_after(ECC, period("As long as needed")), ["DP153"]);
    assert!(
        codes_after(
            ECC,
            period("8 years after the end of the last care and support plan")
        )
        .is_empty()
    );
    let processor = |location: &'static str| {
        move |text: String| {
            format!(
                "{text}\n[[processors]]\nname = \"HostCo\"\nacting_for = [\"nhs-essex-icb\"]\nservice = \"Hosting\"\nlocation = \"{location}\"\noutside_uk = false\n"
            )
        }
    };
    assert_eq!(codes_after(ECC, processor("Dublin, Ireland")), ["DP154"]);
    for location in [
        "Microsoft Azure UK South (London)",
        "AWS eu-west-2 (London)",
        "Belfast, Northern Ireland",
    ] {
        assert!(
            codes_after(ECC, processor(location)).is_empty(),
            "{location}"
        );
    }
}

/// Access given to people at large (DP155), and what the list leaves alone: a qualified or a
/// negated form, a team whose name holds "public", the examples' own texts.
#[test]
fn access_without_restriction_is_flagged_and_qualified_access_is_not() {
    const ECC: &str = "icb-ecc-adult-social-care";
    let access = |a: &'static str| {
        move |text: String| {
            let at = text
                .find("access = \"")
                .expect("the example has security.access");
            let end = at + text[at..].find('\n').unwrap();
            format!("{}access = \"{a}\"{}", &text[..at], &text[end..])
        }
    };
    for open in [
        "Anyone.",
        "All staff of both organisations.",
        "Unrestricted within the council.",
        "Everyone at the ICB and the council",
        "The data is available to the public on request",
    ] {
        assert_eq!(codes_after(ECC, access(open)), ["DP155"], "{open}");
    }
    for closed in [
        "Only practitioners allocated to the person's case, on a need-to-know basis.",
        "Anyone who is allocated the case, and their line manager.",
        "All staff in the safeguarding team who are working on the referral.",
        "No public access; only the two named analysts.",
        "Officers of the Public Protection Command working on the case.",
    ] {
        assert!(codes_after(ECC, access(closed)).is_empty(), "{closed}");
    }
}
