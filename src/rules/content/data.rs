//! Rules on the data shared: minimisation and anonymisation.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};
use crate::vocab::terms;

pub static WHY_NOT_ANONYMISED: ContentRule = ContentRule {
    rule: Rule {
        code: "DP110",
        name: "why-not-anonymised",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        standing: "The law makes it mandatory: UK GDPR Art 5(1)(c) allows identifiable data only where it is necessary, and Art 5(2) requires the controllers to be able to show it; the agreement, which lists what is shared, is where they do (Caldicott Principles 2 and 3).",
        applies: "when the data is identifiable or pseudonymised",
        summary: "Identifiable or pseudonymised data is shared without `data.why_not_anonymised`.",
        hint: "add `data.why_not_anonymised` explaining why the purpose needs identifiable or pseudonymised data",
        source: "Policy, \"Deciding when to share information\": staff check \"if the information can be anonymised\". Caldicott Principles 2 (use confidential information only when necessary) and 3 (use the minimum necessary).",
    },
    check: why_not_anonymised,
};

fn why_not_anonymised(cx: &mut Cx<'_>) {
    let data = &cx.a.data;
    if cx.facts.identifiable
        && data.why_not_anonymised.is_none()
        && cx.decided(&[
            at(&["data", "identifiability"]),
            at(&["data", "why_not_anonymised"]),
        ])
    {
        cx.report(
            &WHY_NOT_ANONYMISED,
            &at(&["data", "identifiability"]),
            format!(
                "{} data is shared without saying why anonymised data will not serve",
                data.identifiability.label
            ),
        );
    }
}

pub static LIKELY_SPECIAL_CATEGORY: ContentRule = ContentRule {
    rule: Rule {
        code: "DP144",
        name: "likely-special-category",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of special category terms) and can be wrong about an item: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to every data item without `special_category`",
        summary: "A data item's name has a word that usually means special category data (a diagnosis, medication, disability, ethnicity, religion...: see \"Likely special category data\" under \"Acknowledgements and word lists\" at the end of docs/rules.md), but the item is not marked `special_category`. Unmarked, it escapes every UK GDPR Art 9 and DPA 2018 Schedule 1 rule.",
        hint: "mark the item with its `special_category` (and add the Art 9 condition it needs), or, if it is not special category data, acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "UK GDPR Art 9(1) and Art 4(15); ICO, \"What is special category data?\". Caldicott Principle 1 (justify the purpose) needs the data described as it is.",
    },
    check: likely_special_category,
};

fn likely_special_category(cx: &mut Cx<'_>) {
    unmarked_items(
        cx,
        &LIKELY_SPECIAL_CATEGORY,
        crate::judgement::special_category(),
        "special category data",
    );
}

/// Reports, under `rule`, each data item without `special_category` whose name has a word of
/// `list` (an unmarked item escapes every rule about what it is).
fn unmarked_items(
    cx: &mut Cx<'_>,
    rule: &'static ContentRule,
    list: &crate::judgement::List,
    what: &str,
) {
    for (i, item) in cx.a.data.items.iter().enumerate() {
        if item.special_category.is_some() {
            continue;
        }
        if let Some(word) = list.find(&item.name) {
            cx.judge(
                rule,
                &at(&["data", "items"]).i(i).k("name"),
                Some(&item.name),
                format!(
                    "data item `{}` looks like {what} (\"{word}\") but has no `special_category`",
                    item.name
                ),
            );
        }
    }
}

pub static LIKELY_CRIMINAL_OFFENCE_DATA: ContentRule = ContentRule {
    rule: Rule {
        code: "DP145",
        name: "likely-criminal-offence-data",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of criminal offence terms) and can be wrong about an item: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to every data item without `special_category`",
        summary: "A data item's name has a word that usually means criminal offence data (a conviction, caution, arrest, allegation, bail or licence condition...: see \"Likely criminal offence data\" under \"Acknowledgements and word lists\" at the end of docs/rules.md), but the item is not marked `special_category = \"criminal-offence\"`. Unmarked, it escapes the UK GDPR Art 10 and DPA 2018 Schedule 1 rules (DP122, DP138).",
        hint: "mark the item `special_category = \"criminal-offence\"` (and name its Schedule 1 condition in `lawful_basis.criminal_offence`), or, if it is not criminal offence data, acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "UK GDPR Art 10; DPA 2018 s.10(5) and s.11(2); ICO, \"Criminal offence data\".",
    },
    check: likely_criminal_offence_data,
};

fn likely_criminal_offence_data(cx: &mut Cx<'_>) {
    unmarked_items(
        cx,
        &LIKELY_CRIMINAL_OFFENCE_DATA,
        crate::judgement::criminal_offence(),
        "criminal offence data",
    );
}

pub static IDENTIFIERS_IN_DEIDENTIFIED_DATA: ContentRule = ContentRule {
    rule: Rule {
        code: "DP143",
        name: "identifiers-in-deidentified-data",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of direct identifiers) and can be wrong about an item: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "when `data.identifiability` is `anonymised`, or `pseudonymised` for items that are not `pseudonymisation_key = true`",
        summary: "A data item's name has a word that usually means a direct identifier (NHS number, name, address, full postcode, date of birth, NI number, e-mail, phone...: see \"Direct identifiers\" under \"Acknowledgements and word lists\" at the end of docs/rules.md), but the data is said to be anonymised, or pseudonymised without this item being the pseudonymisation key held apart. Anonymised data with a direct identifier is personal data, and calling it anonymised switches off the rules for identifiable data (DP110, DP111, DP123).",
        hint: "say what the data really is (`identifiability = \"identifiable\"` or `\"pseudonymised\"`), remove the item, mark the key that links pseudonyms to people `pseudonymisation_key = true`, or, if the item is not a direct identifier (a postcode district, a count), acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "UK GDPR Recital 26 and Art 4(5); ICO, \"Anonymisation, pseudonymisation and privacy enhancing technologies\" guidance, chapter 2; ISB1523 Anonymisation Standard for Publishing Health and Social Care Data. Policy, \"Using information for planning and research\": \"anonymised data is used where possible\" (it must be anonymised to be called so).",
    },
    check: identifiers_in_deidentified_data,
};

fn identifiers_in_deidentified_data(cx: &mut Cx<'_>) {
    let identifiability = cx.a.data.identifiability;
    let anonymised = identifiability.is(terms::ANONYMISED);
    if !anonymised && !identifiability.is(terms::PSEUDONYMISED) {
        return;
    }
    let list = crate::judgement::direct_identifiers();
    for (i, item) in cx.a.data.items.iter().enumerate() {
        if !anonymised && item.pseudonymisation_key {
            continue;
        }
        if let Some(word) = list.find(&item.name) {
            let said = if anonymised {
                "anonymised"
            } else {
                "pseudonymised, and the item is not marked `pseudonymisation_key = true`"
            };
            cx.judge(
                &IDENTIFIERS_IN_DEIDENTIFIED_DATA,
                &at(&["data", "items"]).i(i).k("name"),
                Some(&item.name),
                format!(
                    "data item `{}` looks like a direct identifier (\"{word}\"), but the data is said to be {said}",
                    item.name
                ),
            );
        }
    }
}
