//! Rules on the data shared: minimisation and anonymisation.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};

pub static WHY_NOT_ANONYMISED: ContentRule = ContentRule {
    rule: Rule {
        code: "DP110",
        name: "why-not-anonymised",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: false,
        unreadable: false,
        acknowledgeable: false,
        applies: "when the data is identifiable or pseudonymised",
        summary: "Identifiable or pseudonymised data is shared without `data.why_not_anonymised`.",
        hint: "add `data.why_not_anonymised` explaining why the purpose needs identifiable or pseudonymised data",
        source: "Policy, \"Deciding when to share information\": staff check \"if the information can be anonymised\". Caldicott Principles 2 (use confidential information only when necessary) and 3 (use the minimum necessary).",
    },
    check: why_not_anonymised,
};

fn why_not_anonymised(cx: &mut Cx<'_>) {
    let data = &cx.a.data;
    if cx.facts.identifiable && data.why_not_anonymised.is_none() {
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
        applies: "to every data item without `special_category`",
        summary: "A data item's name has a word that usually means special category data (a diagnosis, medication, disability, ethnicity, religion...: see \"Likely special category data\" under \"Acknowledgements and word lists\" at the end of docs/rules.md), but the item is not marked `special_category`. Unmarked, it escapes every UK GDPR Art 9 and DPA 2018 Schedule 1 rule.",
        hint: "mark the item with its `special_category` (and add the Art 9 condition it needs), or, if it is not special category data, acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "UK GDPR Art 9(1) and Art 4(15); ICO, \"What is special category data?\". Caldicott Principle 1 (justify the purpose) needs the data described as it is.",
    },
    check: likely_special_category,
};

fn likely_special_category(cx: &mut Cx<'_>) {
    let list = crate::judgement::special_category();
    for (i, item) in cx.a.data.items.iter().enumerate() {
        if item.special_category.is_some() {
            continue;
        }
        if let Some(word) = list.find(&item.name) {
            cx.judge(
                &LIKELY_SPECIAL_CATEGORY,
                &at(&["data", "items"]).i(i).k("name"),
                Some(&item.name),
                format!(
                    "data item `{}` looks like special category data (\"{word}\") but has no `special_category`",
                    item.name
                ),
            );
        }
    }
}
