//! The word lists behind datapact's judgement rules (`src/judgement.toml`, built into the
//! binary): words that usually mean special category data, direct identifiers, and the like.
//! A list finds its terms in a text as whole words, ignoring case and punctuation; phrases it
//! excepts are removed first, and a phrase it is `unless` makes the text match nothing. The
//! rules that use a list are acknowledgeable: a list is a judgement, and an author who is right
//! answers it in the agreement (`[[acknowledgements]]`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One word list: the rule it serves, what it is for, its sources and its phrases.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    /// The code of the rule that uses the list.
    pub rule: String,
    pub title: String,
    /// What a match means.
    pub about: String,
    pub sources: Vec<String>,
    pub terms: Vec<String>,
    /// Phrases removed from a text before terms are looked for.
    #[serde(default)]
    pub except: Vec<String>,
    /// Phrases that make a text match nothing.
    #[serde(default)]
    pub unless: Vec<String>,
}

/// Every list, by name, and the version of the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lists {
    pub version: String,
    pub lists: BTreeMap<String, List>,
}

/// The built-in lists.
pub fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| {
        toml::from_str(include_str!("judgement.toml"))
            .unwrap_or_else(|e| panic!("src/judgement.toml is invalid (a build defect): {e}"))
    })
}

/// The list named `name` (a key of `[lists]`).
fn list(name: &str) -> &'static List {
    lists()
        .lists
        .get(name)
        .unwrap_or_else(|| panic!("src/judgement.toml has no list `{name}` (a build defect)"))
}

/// Words that usually mean special category data (DP144).
pub fn special_category() -> &'static List {
    list("special_category")
}

/// Words that usually mean a direct identifier (DP143).
pub fn direct_identifiers() -> &'static List {
    list("direct_identifiers")
}

/// `text` in lower case with every run of characters other than letters and digits made one
/// space, with a space at each end, so a phrase is found as whole words by `contains(" p ")`.
/// Full stops inside a word are dropped first, so "D.O.B." reads "dob".
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut chars = text.chars().peekable();
    let mut last_space = true;
    let mut prev_alnum = false;
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            last_space = false;
            prev_alnum = true;
        } else {
            // A full stop between letters (an abbreviation) joins them.
            let joins = c == '.' && prev_alnum && chars.peek().is_some_and(|n| n.is_alphanumeric());
            if !joins && !last_space {
                out.push(' ');
                last_space = true;
            }
            prev_alnum = joins && prev_alnum;
        }
    }
    if !last_space {
        out.push(' ');
    }
    out
}

impl List {
    /// The first of the list's terms found in `text`, as the list writes it; `None` when none is,
    /// or when the text holds one of the list's `unless` phrases.
    pub fn find(&self, text: &str) -> Option<&str> {
        let mut w = words(text);
        let has = |w: &str, phrase: &str| w.contains(&words(phrase));
        if self.unless.iter().any(|p| has(&w, p)) {
            return None;
        }
        for p in &self.except {
            let p = words(p);
            while let Some(at) = w.find(&p) {
                w.replace_range(at..at + p.len(), " ");
            }
        }
        self.terms.iter().find(|t| has(&w, t)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_load_and_name_their_rules() {
        let l = lists();
        assert!(!l.lists.is_empty());
        for (name, list) in &l.lists {
            assert!(
                crate::rules::find(&list.rule).is_some_and(|r| r.acknowledgeable),
                "list {name} names {}, which is not an acknowledgeable rule",
                list.rule
            );
            assert!(!list.sources.is_empty() && !list.terms.is_empty(), "{name}");
            for t in list.terms.iter().chain(&list.except).chain(&list.unless) {
                assert_eq!(
                    words(t).trim(),
                    t.as_str(),
                    "{name}: write `{t}` in lower case words"
                );
            }
        }
    }

    #[test]
    fn terms_are_found_as_whole_words_ignoring_case_and_punctuation() {
        let ids = direct_identifiers();
        assert_eq!(ids.find("Patient's NHS Number"), Some("nhs number"));
        assert_eq!(ids.find("D.O.B."), Some("dob"));
        assert_eq!(ids.find("Adobe licence count"), None);
        assert_eq!(ids.find("Postcode district"), None);
        assert_eq!(
            ids.find("Postcode district and date of birth"),
            Some("date of birth")
        );
        assert_eq!(ids.find("Pseudonymised NHS number"), None);
        assert_eq!(ids.find("Name of the school"), None);
        assert_eq!(ids.find("Surname"), Some("surname"));
        let sc = special_category();
        assert_eq!(sc.find("Primary diagnosis (ICD-10)"), Some("diagnosis"));
        assert_eq!(sc.find("Housing condition score"), None);
        assert_eq!(sc.find("Ethnicity"), Some("ethnicity"));
        assert_eq!(sc.find("Medication (B.N.F. code)"), Some("medication"));
        assert_eq!(sc.find("Date of last G.P. visit"), None);
        assert_eq!(sc.find("Health and safety risk at the property"), None);
        assert_eq!(
            sc.find("Mental-health team referral"),
            Some("mental health")
        );
    }
}
