//! Substance, not presence (step 8b, item 8), through the binary: justifications and reasons
//! that explain nothing (DP148), unsafe practices in security and transfer text and the negations
//! that must not be flagged (DP149), research that does not use anonymised data where it would
//! serve without saying why (DP150, and the new key `research.not_anonymised_reason`).

use crate::common::*;

const TODAY: &str = "2026-12-01";
const GP: &str = "gp-icb-population-health-research";
const ECC: &str = "icb-ecc-adult-social-care";
const HOMELESS: &str = "essex-homelessness-statistics";
const MSE: &str = "mse-hospital-police-safeguarding";

/// `validate --format json` on the example `id` edited by `edit`: the exit code and each
/// finding as (code, message).
fn validate(id: &str, edit: impl Fn(String) -> String) -> (i32, Vec<(String, String)>) {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{id}.toml"), edit(example(id)));
    let (code, report, _) = ws.validate_json(&["--today", TODAY]);
    let found = findings(&report)
        .into_iter()
        .map(|(code, _, message)| (code, message))
        .collect();
    (code, found)
}

/// The codes `validate` reports for the example `id` edited by `edit`.
fn codes_after(id: &str, edit: impl Fn(String) -> String) -> Vec<String> {
    validate(id, edit).1.into_iter().map(|f| f.0).collect()
}

/// An edit replacing the one line `from` (which must occur once) with `to`.
fn replace(from: &'static str, to: String) -> impl Fn(String) -> String {
    move |text: String| {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text.replacen(from, &to, 1)
    }
}

const HOMELESS_METHODS: &str = "methods = [\"Secure file transfer (SFTP)\"]";
const HOMELESS_PROTECTION: &str = "protection = \"Encrypted in transit (TLS 1.2 or later)\"";

/// The homelessness example's transfer `methods` set to `method`.
fn method(method: &str) -> Box<dyn Fn(String) -> String> {
    Box::new(replace(HOMELESS_METHODS, format!("methods = [{method:?}]")))
}

/// The homelessness example's transfer `protection` set to `text`.
fn protection(text: &str) -> Box<dyn Fn(String) -> String> {
    Box::new(replace(
        HOMELESS_PROTECTION,
        format!("protection = {text:?}"),
    ))
}

#[test]
fn the_examples_have_no_empty_justification_or_unsafe_practice() {
    let ws = TempWorkspace::new();
    ws.write_examples();
    let (code, report, _) = ws.validate_json(&["--today", TODAY]);
    assert_eq!(code, 0);
    assert!(codes(&report).is_empty(), "{:?}", findings(&report));
    // The safeguarding example names fax and removable media, negated ("no fax, removable
    // media or personal devices"); the adult social care one "no removable media".
    assert!(example(MSE).contains("no fax, removable media or personal devices"));
    assert!(example(ECC).contains("no removable media"));
}

#[test]
fn presence_only_justifications_are_flagged_wherever_they_are() {
    // A data item: the item of the finding is the item's name.
    let (code, found) = validate(
        ECC,
        replace(
            "justification = \"Confirms the identity of the person being assessed.\"",
            "justification = \"Might be useful.\"".into(),
        ),
    );
    assert_eq!(code, 0, "a warning");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DP148");
    assert!(
        found[0].1.contains("`Name, address and date of birth`"),
        "{}",
        found[0].1
    );
    // Single texts: each by its path, each too short or made of stock phrases.
    for (from, to, path) in [
        (
            "justification = \"Measuring homelessness across Essex to plan services is a strong public interest; the records are pseudonymised and shared to perform the councils' statutory homelessness functions.\"",
            "justification = \"Yes.\"",
            "consent.justification",
        ),
        (
            "why_not_anonymised = \"A household that approaches two districts must be counted once, which needs a consistent pseudonym.\"",
            "why_not_anonymised = \"It is needed for business purposes.\"",
            "data.why_not_anonymised",
        ),
        (
            "why_sharing = \"No single council sees homelessness across Essex; the statistics need every district's cases.\"",
            "why_sharing = \"As required (see above).\"",
            "necessity.why_sharing",
        ),
    ] {
        let found = validate(HOMELESS, replace(from, to.into())).1;
        assert_eq!(found.len(), 1, "{to}: {found:?}");
        assert_eq!(found[0].0, "DP148", "{to}");
        assert!(
            found[0].1.starts_with(&format!("`{path}`")),
            "{}",
            found[0].1
        );
    }
}

#[test]
fn a_short_but_real_justification_passes_and_a_four_word_threshold_holds() {
    let item = |justification: &'static str| {
        replace(
            "justification = \"Needed to plan support for families and single people separately.\"",
            format!("justification = {justification:?}"),
        )
    };
    assert_eq!(
        codes_after(HOMELESS, item("Plans family support.")),
        ["DP148"]
    );
    assert!(codes_after(HOMELESS, item("Plans support for families.")).is_empty());
    // Four words, but two are stock phrases: "as required" says nothing.
    assert_eq!(
        codes_after(HOMELESS, item("Needed as required, TBC.")),
        ["DP148"]
    );
}

#[test]
fn a_no_dpia_reason_and_an_acknowledgement_reason_are_judged_too() {
    let no_dpia = replace(
        "dpia = \"completed\"\ndpia_reference = \"ECC-DPIA-2026-114\"\ndpia_outcome = \"Low residual risk with pseudonymisation and small-number suppression.\"",
        "dpia = \"not-required\"\nno_dpia_reason = \"N/A\"".into(),
    );
    let found = validate(HOMELESS, no_dpia).1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.starts_with("`risk.no_dpia_reason`"),
        "{}",
        found[0].1
    );

    // An acknowledgement of DP149 answered by "Yes.": DP149 is answered, its reason is DP148.
    let acknowledged = |reason: &'static str| {
        let m = method("Fax to the county's safe haven fax each quarter");
        move |text: String| {
            format!(
                "{}\n[[acknowledgements]]\nrule = \"DP149\"\nitem = \"transfer.methods[0]\"\nreason = {reason:?}\n",
                m(text)
            )
        }
    };
    let found = validate(HOMELESS, acknowledged("Yes.")).1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DP148");
    assert!(
        found[0]
            .1
            .starts_with("the reason of the acknowledgement of DP149"),
        "{}",
        found[0].1
    );
    assert!(
        validate(
            HOMELESS,
            acknowledged("The county's fax is a safe haven fax in a locked room, until the SFTP service opens in March 2027.")
        )
        .1
        .is_empty()
    );
}

#[test]
fn a_safeguard_may_be_short_but_not_empty() {
    let outside = |safeguards: &'static str| {
        replace(
            "outside_uk = false",
            format!("outside_uk = true\nsafeguards = {safeguards:?}"),
        )
    };
    assert!(codes_after(HOMELESS, outside("IDTA")).is_empty());
    let found = validate(HOMELESS, outside("N/A")).1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.starts_with("`transfer.safeguards`"),
        "{}",
        found[0].1
    );
}

#[test]
fn unsafe_practices_in_security_and_transfer_text_are_flagged() {
    for (edit, practice) in [
        (
            method("Unencrypted USB stick, collected by hand"),
            "unencrypted",
        ),
        (method("Fax to the county's Insight team"), "fax"),
        (method("E-mailed from the analyst's Gmail account"), "gmail"),
        (method("Sent to insight.team@hotmail.co.uk"), "hotmail"),
        (method("Shared in the analysts' WhatsApp group"), "whatsapp"),
        (method("Burnt to a CD and posted"), "cd"),
        (method("Uploaded by FTP to the county's server"), "ftp"),
        (
            protection("No encryption; USB sticks are used"),
            "usb sticks",
        ),
    ] {
        let found = validate(HOMELESS, edit).1;
        assert_eq!(found.len(), 1, "{practice}: {found:?}");
        assert_eq!(found[0].0, "DP149", "{practice}");
        assert!(
            found[0].1.contains(&format!("(\"{practice}\")")),
            "{practice}: {}",
            found[0].1
        );
    }
    // In [security], too, named by its path.
    let storage = replace(
        "storage = \"Essex County Council analytics environment, UK data centre\"",
        "storage = \"Extracts are kept on memory sticks in the team's safe\"".into(),
    );
    let found = validate(HOMELESS, storage).1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.starts_with("`security.storage`"),
        "{}",
        found[0].1
    );
}

#[test]
fn negated_practices_are_not_flagged_and_the_negation_stops_where_it_should() {
    for text in [
        "Never by fax.",
        "Encrypted in transit (TLS 1.2 or later); no USB sticks.",
        "Encrypted in transit; fax machines are not used.",
        "Secure file transfer instead of fax or post.",
        "Encrypted in transit; USB sticks and CDs are prohibited; no personal webmail such as Gmail.",
        "Encrypted in transit; nothing is sent by fax or unencrypted e-mail.",
        "Encrypted in transit (TLS 1.2); extracts on encrypted USB sticks only when SFTP is down.",
        "Encrypted in transit; staff may not use WhatsApp.",
    ] {
        let found = validate(HOMELESS, protection(text)).1;
        assert!(found.is_empty(), "{text}: {found:?}");
    }
    for text in [
        "No USB sticks, but referrals go by fax.",
        "No USB sticks are used. Referrals go by fax.",
        "Encrypted in transit; the weekly file goes on a memory stick.",
    ] {
        assert_eq!(codes_after(HOMELESS, protection(text)), ["DP149"], "{text}");
    }
}

#[test]
fn an_unsafe_practice_is_answered_by_an_acknowledgement_of_its_text() {
    let whatsapp =
        method("WhatsApp from a trust-managed phone, under the NHS instant messaging guidance");
    assert_eq!(codes_after(HOMELESS, &whatsapp), ["DP149"]);
    let answered = |text: String| {
        format!(
            "{}\n[[acknowledgements]]\nrule = \"unsafe-practice\"\nitem = \"transfer.methods[0]\"\nreason = \"Only counts of cases are sent this way, from a managed device with end-to-end encryption, and the message is deleted once filed.\"\n",
            whatsapp(text)
        )
    };
    assert!(codes_after(HOMELESS, answered).is_empty());
}

#[test]
fn research_not_anonymised_where_possible_needs_its_own_reason() {
    let off = replace(
        "anonymised_where_possible = true",
        "anonymised_where_possible = false".into(),
    );
    let (code, found) = validate(GP, &off);
    assert_eq!(code, 1, "an error");
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["DP150"]
    );
    // data.why_not_anonymised is already there: it does not answer DP150.
    assert!(example(GP).contains("why_not_anonymised = "));

    let with_reason = |reason: &'static str| {
        replace(
            "anonymised_where_possible = true",
            format!("anonymised_where_possible = false\nnot_anonymised_reason = {reason:?}"),
        )
    };
    let reason = "The board's anonymisation service cannot yet suppress small numbers for the annual frailty report; pseudonymised extracts are used for it until the service is extended in 2027.";
    let ws = TempWorkspace::init();
    ws.write(
        &format!("agreements/{GP}.toml"),
        with_reason(reason)(example(GP)),
    );
    let (code, report, _) = ws.validate_json(&["--today", TODAY]);
    assert_eq!(code, 0, "{:?}", findings(&report));
    assert!(codes(&report).is_empty(), "{:?}", findings(&report));
    // The reason is signed text, so the document shows it.
    let (code, md, err) = ws.run(&["--today", TODAY, "render", GP]);
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("**Why not anonymised where possible**: The board's anonymisation service"),
        "{md}"
    );

    // A reason that says nothing is DP148, by its path.
    let found = validate(GP, with_reason("TBC")).1;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.starts_with("`research.not_anonymised_reason`"),
        "{}",
        found[0].1
    );
    // A placeholder in the new key is caught like any other.
    assert!(codes_after(GP, with_reason("TODO: why")).contains(&"DP013".to_string()));
}

#[test]
fn the_new_rules_follow_the_workspace_severities() {
    let ws = TempWorkspace::new();
    let edit = method("Fax to the county's Insight team");
    ws.write(
        &format!("agreements/{HOMELESS}.toml"),
        edit(example(HOMELESS)),
    );
    ws.write("datapact.toml", "[rules]\nunsafe-practice = \"error\"\n");
    let (code, report, _) = ws.validate_json(&["--today", TODAY]);
    assert_eq!((code, codes(&report)), (1, vec!["DP149".to_string()]));
    ws.write("datapact.toml", "[rules]\nDP149 = \"off\"\n");
    let (code, report, _) = ws.validate_json(&["--today", TODAY]);
    assert_eq!((code, codes(&report)), (0, vec![]));
}

#[test]
fn descriptive_texts_may_be_short_but_not_stock_phrases_alone() {
    // The examples' own short descriptions pass: "Secure deletion", "Staff contracts".
    assert!(example(HOMELESS).contains("disposal = \"Secure deletion\""));
    for (from, to, path) in [
        (
            "privacy_notice = \"Each council's housing privacy notice describes the sharing.\"",
            "privacy_notice = \"n/a\"",
            "`rights.privacy_notice`",
        ),
        (
            "requests = \"Each council answers requests for the records it holds.\"",
            "requests = \"TBC\"",
            "`rights.requests`",
        ),
        (
            "procedure = \"Either party reports a suspected breach involving the records to the other party's Data Protection Officer mailbox within 24 hours; the controller responsible decides whether the ICO must be told, within 72 hours of becoming aware.\"",
            "procedure = \"As required.\"",
            "`incidents.procedure`",
        ),
        (
            "mitigation = \"Counts under 5 are suppressed before publication.\"",
            "mitigation = \"N/A\"",
            "the mitigation of risk \"Re-identification of a household in a small area\"",
        ),
    ] {
        let found = validate(HOMELESS, replace(from, to.into())).1;
        assert_eq!(found.len(), 1, "{to}: {found:?}");
        assert_eq!(found[0].0, "DP148", "{to}");
        assert!(found[0].1.starts_with(path), "{}", found[0].1);
    }
    // Short, but saying something.
    let short = replace(
        "mitigation = \"Counts under 5 are suppressed before publication.\"",
        "mitigation = \"Small-number suppression\"".into(),
    );
    assert!(codes_after(HOMELESS, short).is_empty());
}
