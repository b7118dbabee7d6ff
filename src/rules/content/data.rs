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
