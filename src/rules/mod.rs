//! The rule registry: every finding code the tool can report. Each rule's catalogue entry (code,
//! name, family, default severity, whether it may be configured and why, when it applies, what it checks,
//! what to do, and the source that requires it) lives beside the code that reports it: content
//! rules in `content/`, one function each; the others in `file.rs`, `structure.rs`,
//! `signatures.rs`, `expiry.rs` and `history.rs`, reported by the stages named there, and
//! `workspace.rs`, whose entries have their scans beside them. `docs/rules.md` is
//! generated from the registry (`datapact rules --markdown`); a test fails when it is stale.

pub mod content;
pub mod doc;
pub mod expiry;
pub mod file;
pub mod history;
pub mod signatures;
pub mod structure;
pub mod workspace;

pub use crate::diagnostics::{Family, Rule};

use std::sync::OnceLock;

/// Every rule, in code order.
pub fn all() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Rule> = file::RULES
            .iter()
            .chain(structure::RULES)
            .copied()
            .chain(content::CONTENT.iter().map(|c| &c.rule))
            .chain(signatures::RULES.iter().copied())
            .chain(expiry::RULES.iter().copied())
            .chain(history::RULES.iter().copied())
            .chain(workspace::RULES.iter().copied())
            .collect();
        all.sort_by_key(|r| r.code);
        all
    })
}

/// The project's repository (Cargo.toml `repository`), where its documentation is published.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The documentation of a rule, by code in any case or name (as [`find`] looks it up): its
/// section of docs/rules.md in the repository, e.g.
/// `https://github.com/datapact/datapact/blob/main/docs/rules.md#dp011-missing-required`; `None`
/// for a code no rule has. The one place rule documentation URLs are made (SARIF `helpUri`,
/// hints, `explain`).
pub fn doc_url(code: &str) -> Option<String> {
    find(code).map(doc::rule_url)
}

/// Looks a rule up by its code, in any case (`DP101`, `dp101`), or its name (`too-few-parties`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    // A code in any case ("dp143" is DP143); names are written in lower case.
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    #[test]
    fn a_code_is_found_in_any_case_and_a_name_as_written() {
        let rule = find("DP143").unwrap();
        assert!(std::ptr::eq(find("dp143").unwrap(), rule));
        assert!(std::ptr::eq(find("Dp143").unwrap(), rule));
        assert!(std::ptr::eq(find(rule.name).unwrap(), rule));
        assert!(find(&rule.name.to_uppercase()).is_none());
        assert!(find("DP14").is_none());
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for r in all() {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(
                r.code.len() == 5 && r.code.starts_with("DP"),
                "bad code {}",
                r.code
            );
            assert!(
                !r.summary.is_empty() && !r.hint.is_empty() && !r.source.is_empty(),
                "{} lacks a summary, hint or source",
                r.code
            );
            let family = match &r.code[2..3] {
                "0" if r.code <= "DP007" => Family::File,
                "0" => Family::Structure,
                "1" => Family::Content,
                "2" => Family::Signatures,
                "3" => Family::Expiry,
                _ => Family::History,
            };
            assert_eq!(r.family, family, "{} is in the wrong family", r.code);
        }
    }

    #[test]
    fn only_errors_about_reading_make_input_unreadable() {
        let unreadable: Vec<&str> = all()
            .iter()
            .filter(|r| r.unreadable)
            .map(|r| r.code)
            .collect();
        assert_eq!(unreadable, ["DP001", "DP004", "DP005", "DP006"]);
        assert!(
            all()
                .iter()
                .filter(|r| r.unreadable)
                .all(|r| r.default_severity == Severity::Error && !r.configurable)
        );
    }

    #[test]
    fn only_configurable_content_judgements_may_be_acknowledged() {
        for r in all().iter().filter(|r| r.acknowledgeable) {
            assert_eq!(
                r.family,
                Family::Content,
                "{} is not a content rule",
                r.code
            );
            assert!(r.configurable, "{} is acknowledgeable but fixed", r.code);
            assert!(
                r.hint.contains("acknowledg"),
                "{}'s hint does not say how to acknowledge it",
                r.code
            );
        }
    }

    #[test]
    fn every_rule_says_why_it_is_fixed_or_configurable() {
        // What a fixed rule's reason must not say, and what a configurable one's must: whom
        // the setting leaves free to relax it.
        const RELAXES: [&str; 5] = [
            "a workspace may",
            "may relax",
            "may be relaxed",
            "switch it off",
            "configurable",
        ];
        for r in all() {
            let s = r.standing.trim();
            assert!(
                !s.is_empty() && s.ends_with('.'),
                "{}: standing is empty or not a sentence",
                r.code
            );
            let sentences = 1 + s
                .match_indices(". ")
                .filter(|(i, _)| s[i + 2..].starts_with(|c: char| c.is_uppercase()))
                .count();
            assert!(
                sentences <= 2,
                "{}: standing has {sentences} sentences",
                r.code
            );
            let lower = s.to_lowercase();
            if r.configurable {
                assert!(
                    lower.contains("a workspace may") || lower.contains("may relax"),
                    "{} is configurable but its standing does not say what a workspace may do: {s}",
                    r.code
                );
                assert!(
                    !lower.contains("makes it mandatory"),
                    "{} is configurable but its standing calls it mandatory: {s}",
                    r.code
                );
            } else {
                for phrase in RELAXES {
                    assert!(
                        !lower.contains(phrase),
                        "{} is fixed but its standing says {phrase:?}: {s}",
                        r.code
                    );
                }
            }
            if r.acknowledgeable {
                assert!(
                    lower.contains("judgement"),
                    "{} is acknowledgeable but its standing does not call it a judgement",
                    r.code
                );
            }
        }
    }

    #[test]
    fn every_rule_has_a_doc_url_at_its_heading_in_docs_rules_md() {
        let doc = include_str!("../../docs/rules.md");
        for r in all() {
            let url = doc_url(r.code).expect("a rule's code has a URL");
            assert!(
                url.starts_with("https://github.com/datapact/datapact/blob/main/docs/rules.md#")
            );
            let anchor = url.rsplit_once('#').map(|(_, a)| a).unwrap_or_default();
            // GitHub's anchor of "### `DP011` missing-required": lower case, spaces to hyphens,
            // punctuation other than hyphens dropped.
            let heading = format!("### `{}` {}\n", r.code, r.name);
            assert!(
                doc.contains(&heading),
                "no heading {heading:?} in docs/rules.md"
            );
            let github_anchor: String = heading[4..heading.len() - 1]
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect();
            assert_eq!(anchor, github_anchor, "{}", r.code);
        }
        assert_eq!(doc_url("dp011"), doc_url("missing-required"));
        assert!(doc_url("DP999").is_none());
    }

    #[test]
    fn rules_are_found_by_code_and_by_name() {
        assert_eq!(find("DP117").map(|r| r.name), Some("retention-party"));
        assert_eq!(find("retention-party").map(|r| r.code), Some("DP117"));
        assert!(find("DP999").is_none());
    }
}
