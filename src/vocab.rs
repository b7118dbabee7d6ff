//! Controlled vocabularies (UK GDPR Art 6 and 9, DPA 2018 Schedule 1, confidentiality bases, the
//! consent exceptions of the NHS Essex policy and of UK public-sector law, roles, purposes...). The data lives in `src/vocabulary.toml`,
//! built into the binary, with a version and date because it changes with the law.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One entry of a vocabulary: the short id stored in agreements and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub label: String,
    /// The legal or policy wording shown in rendered agreements.
    pub wording: String,
    /// W3C Data Privacy Vocabulary identifier, where one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpv: Option<String>,
    /// Art 9(2) conditions that need a DPA 2018 Schedule 1 condition in the UK.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_schedule1: bool,
    /// For Schedule 1 conditions: the Art 9(2) points they complete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub satisfies: Vec<String>,
    /// Where the wording comes from (the provision it quotes), for entries whose wording does
    /// not name it itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The workspace policy under which this entry is relied on (a consent exception of a
    /// workspace's declared `[policy]`); never set in `vocabulary.toml`.
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// For Schedule 1 conditions: the Part of Schedule 1 (1, 2 or 3; Part 3 conditions serve
    /// criminal offence data only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<u8>,
    /// For Schedule 1 conditions: the paragraph number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u8>,
    /// For Schedule 1 conditions: whether the controller must have an appropriate policy
    /// document in place (Sch 1 para 1(1)(b), para 5, para 35(1)(c); Part 4 para 39).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub policy_document: bool,
    /// The wording under Irish law (the EU GDPR and the Data Protection Acts 1988 to 2018), where
    /// it differs from `wording` by more than the Regulation's name; see [`Jurisdiction`].
    #[serde(default, skip_serializing)]
    pub ireland: Option<String>,
    /// The entry exists in UK law only (such as Art 6(1)(ea) or section 251 support): it is not
    /// offered under `agreement.jurisdiction = "ireland"`.
    #[serde(default, skip_serializing)]
    pub uk_only: bool,
}

impl Entry {
    /// Whether this entry is `term` (compare entries of `term`'s own list only).
    pub fn is(&self, term: Term) -> bool {
        self.id == term.id
    }
}

/// The law an agreement is made under (`agreement.jurisdiction`): the UK (UK GDPR, the Data
/// Protection Act 2018, the ICO), the default, or Ireland (the GDPR, the Data Protection Acts
/// 1988 to 2018, the Data Protection Commission). The two GDPRs share their article numbers, so
/// the vocabularies serve both: under Ireland each entry's wording is its `ireland` wording, or
/// else its UK wording with "UK GDPR" named "GDPR" ([`Jurisdiction::wording`], the one place
/// the substitution is made); entries of UK law only (`uk_only`, and the lists of
/// [`UK_ONLY_LISTS`]) are not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Jurisdiction {
    #[default]
    Uk,
    Ireland,
}

/// The vocabularies that are UK law as a whole: the recognised legitimate interests (UK GDPR
/// Annex 1, Data (Use and Access) Act 2025) and the DPA 2018 Schedule 1 conditions.
pub const UK_ONLY_LISTS: &[&str] = &["recognised_interest", "dpa_schedule1"];

impl Jurisdiction {
    pub const ALL: [Jurisdiction; 2] = [Jurisdiction::Uk, Jurisdiction::Ireland];

    /// Whether this is UK law, where the UK-only rules apply (DPA 2018 Schedule 1, the ICO).
    pub fn is_uk(self) -> bool {
        self == Jurisdiction::Uk
    }

    /// The key that says whether data leaves the jurisdiction's area: `outside_uk`, or under
    /// Ireland `outside_eea` (a transfer to a third country under GDPR Chapter V).
    pub fn outside_key(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "outside_uk",
            Jurisdiction::Ireland => "outside_eea",
        }
    }

    /// The area data stays in without a Chapter V transfer: "the UK", "the EEA".
    pub fn area(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "the UK",
            Jurisdiction::Ireland => "the EEA",
        }
    }

    /// The value of `agreement.jurisdiction`.
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "uk",
            Jurisdiction::Ireland => "ireland",
        }
    }

    /// The name of the law, for messages: "UK law", "Irish law".
    pub fn law(self) -> &'static str {
        match self {
            Jurisdiction::Uk => "UK law",
            Jurisdiction::Ireland => "Irish law",
        }
    }

    /// The wording of `entry` under this jurisdiction.
    pub fn wording(self, entry: &Entry) -> String {
        match self {
            Jurisdiction::Uk => entry.wording.clone(),
            Jurisdiction::Ireland => entry
                .ireland
                .clone()
                .unwrap_or_else(|| entry.wording.replace("UK GDPR", "GDPR")),
        }
    }

    /// Whether `entry` of the list named `list` exists under this jurisdiction.
    pub fn has(self, list: &str, entry: &Entry) -> bool {
        self == Jurisdiction::Uk || !(entry.uk_only || UK_ONLY_LISTS.contains(&list))
    }
}

/// A vocabulary id the code reasons about, with the list it belongs to. The constants are in
/// [`terms`]; a test checks each against `vocabulary.toml`, so renaming an id there cannot
/// silently stop a rule from matching.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    pub list: fn() -> List,
    pub id: &'static str,
}

/// The vocabulary ids that rules and renderers test for.
pub mod terms {
    use super::Term;

    macro_rules! terms {
        ($( $(#[$doc:meta])* $name:ident = $list:ident $id:literal; )*) => {
            $( $(#[$doc])* pub const $name: Term = Term { list: super::$list, id: $id }; )*
            /// Every term, for the test that checks them against the vocabulary.
            pub const ALL: &[Term] = &[ $( $name ),* ];
        };
    }

    terms! {
        DIRECT_CARE = purpose_category "direct-care";
        SAFEGUARDING = purpose_category "safeguarding";
        PLANNING = purpose_category "planning";
        RESEARCH = purpose_category "research";
        ANONYMISED = identifiability "anonymised";
        PSEUDONYMISED = identifiability "pseudonymised";
        CRIMINAL_OFFENCE = special_category "criminal-offence";
        HEALTH = special_category "health";
        /// Art 6(1)(a) consent.
        ART6_CONSENT = article6 "a";
        /// Art 6(1)(ea) recognised legitimate interests.
        ART6_RECOGNISED_INTEREST = article6 "ea";
        /// Art 6(1)(f) legitimate interests.
        ART6_LEGITIMATE_INTERESTS = article6 "f";
        /// Art 9(2)(a) explicit consent.
        ART9_EXPLICIT_CONSENT = article9 "a";
        /// Art 9(2)(j) archiving, research and statistics.
        ART9_RESEARCH = article9 "j";
        CONFIDENTIALITY_EXPLICIT_CONSENT = confidentiality "explicit-consent";
        CONFIDENTIALITY_IMPLIED_CONSENT = confidentiality "implied-consent";
        CONFIDENTIALITY_S251 = confidentiality "s251";
        CONFIDENTIALITY_NOT_APPLICABLE = confidentiality "not-applicable";
        /// No common-law duty of confidence arises.
        CONFIDENTIALITY_NO_DUTY = confidentiality "no-duty-of-confidence";
        /// A statute or court order requires the disclosure.
        CONFIDENTIALITY_LEGAL_DUTY = confidentiality "legal-duty";
        CONFIDENTIALITY_PUBLIC_INTEREST = confidentiality "overriding-public-interest";
        CONSENT_EXPLICIT = consent_model "explicit";
        CONSENT_IMPLIED = consent_model "implied";
        /// The national data opt-out does not apply.
        OPT_OUT_NOT_APPLICABLE = opt_out "not-applicable";
        DPIA_COMPLETED = dpia "completed";
        DPIA_NOT_REQUIRED = dpia "not-required";
        DPIA_NOT_STATED = dpia "not-stated";
        /// The types of change `datapact bump` writes.
        CHANGE_AMENDMENT = change_type "amendment";
        CHANGE_CORRECTION = change_type "correction";
        CHANGE_RENEWAL = change_type "renewal";
    }
}

/// Every vocabulary, by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabularies {
    pub version: String,
    pub date: toml::value::Datetime,
    pub agreement_kind: Vec<Entry>,
    pub party_role: Vec<Entry>,
    pub purpose_category: Vec<Entry>,
    pub identifiability: Vec<Entry>,
    pub special_category: Vec<Entry>,
    pub article6: Vec<Entry>,
    pub recognised_interest: Vec<Entry>,
    pub article9: Vec<Entry>,
    pub dpa_schedule1: Vec<Entry>,
    pub confidentiality: Vec<Entry>,
    pub consent_model: Vec<Entry>,
    pub consent_exception: Vec<Entry>,
    pub public_sector_exception: Vec<Entry>,
    pub opt_out: Vec<Entry>,
    pub dpia: Vec<Entry>,
    pub frequency: Vec<Entry>,
    pub change_type: Vec<Entry>,
}

const VOCABULARY_TOML: &str = include_str!("vocabulary.toml");

/// The built-in vocabularies (parsed once), in the UK's wording.
pub fn get() -> &'static Vocabularies {
    static VOCAB: OnceLock<Vocabularies> = OnceLock::new();
    VOCAB.get_or_init(|| {
        toml::from_str(VOCABULARY_TOML).expect("the built-in vocabulary is valid (tested)")
    })
}

/// The built-in vocabularies under `jurisdiction` (each made once): every entry in that
/// jurisdiction's wording, and only the entries that exist in its law.
pub fn get_for(jurisdiction: Jurisdiction) -> &'static Vocabularies {
    static IRELAND: OnceLock<Vocabularies> = OnceLock::new();
    match jurisdiction {
        Jurisdiction::Uk => get(),
        Jurisdiction::Ireland => IRELAND.get_or_init(|| {
            let mut v: Vocabularies =
                toml::from_str(VOCABULARY_TOML).expect("the built-in vocabulary is valid (tested)");
            v.for_each_list(|name, entries| {
                entries.retain(|e| jurisdiction.has(name, e));
                for e in entries.iter_mut() {
                    e.wording = jurisdiction.wording(e);
                    e.ireland = None;
                }
            });
            v
        }),
    }
}

/// A vocabulary list together with its name (used in messages).
#[derive(Debug, Clone, Copy)]
pub struct List {
    pub name: &'static str,
    pub entries: &'static [Entry],
}

impl List {
    /// The same list under `jurisdiction`: its entries in that jurisdiction's wording, without
    /// those of another jurisdiction's law only.
    pub fn under(self, jurisdiction: Jurisdiction) -> List {
        List {
            name: self.name,
            entries: get_for(jurisdiction).list(self.name),
        }
    }

    pub fn find(&self, id: &str) -> Option<&'static Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The closest known id to a misspelt one, if it is close enough to be a likely typo; in a
    /// list of Schedule 1 conditions, also the condition a reference in prose names ("Schedule 1
    /// para 2", "Sch 1 paragraph 2", "Sch.1 para.2": see [`schedule1_paragraph`]).
    pub fn suggest(&self, id: &str) -> Option<&'static str> {
        let by_paragraph = schedule1_paragraph(id)
            .and_then(|n| self.entries.iter().find(|e| e.paragraph == Some(n)));
        match by_paragraph {
            Some(e) => Some(e.id.as_str()),
            None => suggest(id, self.entries.iter().map(|e| e.id.as_str())),
        }
    }

    /// The ids, for "expected one of" messages; a Schedule 1 condition with its paragraph
    /// (`"health-or-social-care" (para 2)`).
    pub fn ids(&self) -> String {
        self.entries
            .iter()
            .map(|e| match e.paragraph {
                Some(n) => format!("\"{}\" (para {n})", e.id),
                None => format!("\"{}\"", e.id),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An id of this list as a suggestion names it: `"health-or-social-care" (Schedule 1,
    /// paragraph 2)` for a Schedule 1 condition, else the quoted id.
    pub fn describe(&self, id: &str) -> String {
        match self.find(id).and_then(|e| e.paragraph) {
            Some(n) => format!("\"{id}\" (Schedule 1, paragraph {n})"),
            None => format!("\"{id}\""),
        }
    }
}

/// The paragraph a reference to DPA 2018 Schedule 1 written in prose names: "Schedule 1 para
/// 2", "Sch 1 paragraph 2", "Sch.1 para.2", "DPA 2018 Sch 1 Part 1 para 2(1)", "para 2".
/// `None` when the text names another schedule or no paragraph.
pub fn schedule1_paragraph(text: &str) -> Option<u8> {
    // Words and numbers, whatever separates them ("Sch.1" is "sch", "1").
    let lower = text.to_ascii_lowercase();
    let mut tokens: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices() {
        let kind = |c: char| {
            if c.is_ascii_digit() {
                1
            } else if c.is_ascii_alphabetic() {
                2
            } else {
                0
            }
        };
        match start {
            Some(s) if kind(c) == kind(lower[s..].chars().next()?) => {}
            Some(s) => {
                tokens.push(&lower[s..i]);
                start = (kind(c) != 0).then_some(i);
            }
            None => start = (kind(c) != 0).then_some(i),
        }
    }
    if let Some(s) = start {
        tokens.push(&lower[s..]);
    }
    let number = |i: usize| tokens.get(i).and_then(|t| t.parse::<u8>().ok());
    let mut paragraph = None;
    for (i, t) in tokens.iter().enumerate() {
        match *t {
            "schedule" | "sch" | "sched" if number(i + 1) != Some(1) => return None,
            "para" | "paragraph" | "paras" | "paragraphs" | "p" if paragraph.is_none() => {
                paragraph = number(i + 1);
            }
            _ => {}
        }
    }
    paragraph
}

/// The candidate closest to `input` when it is likely a typo of it.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

macro_rules! lists {
    ($($f:ident),*) => {
        $( pub fn $f() -> List { List { name: stringify!($f), entries: &get().$f } } )*
        impl Vocabularies {
            /// The entries of the list named `name`.
            fn list(&'static self, name: &str) -> &'static [Entry] {
                match name {
                    $( stringify!($f) => &self.$f, )*
                    _ => &[],
                }
            }
            fn for_each_list(&mut self, mut f: impl FnMut(&str, &mut Vec<Entry>)) {
                $( f(stringify!($f), &mut self.$f); )*
            }
        }
    };
}
lists!(
    agreement_kind,
    party_role,
    purpose_category,
    identifiability,
    special_category,
    article6,
    recognised_interest,
    article9,
    dpa_schedule1,
    confidentiality,
    consent_model,
    consent_exception,
    public_sector_exception,
    opt_out,
    dpia,
    frequency,
    change_type
);

/// One of the list functions below, such as [`article6`].
pub type ListFn = fn() -> List;

/// Each vocabulary and the fields that take its values, in the order docs/format.md lists them.
pub const USED_BY: &[(ListFn, &str)] = &[
    (agreement_kind, "agreement.kind"),
    (party_role, "parties[].role"),
    (purpose_category, "purpose.categories"),
    (identifiability, "data.identifiability"),
    (special_category, "data.items[].special_category"),
    (article6, "lawful_basis.article6"),
    (recognised_interest, "lawful_basis.recognised_interest"),
    (article9, "lawful_basis.article9"),
    (dpa_schedule1, "lawful_basis.dpa_schedule1"),
    (confidentiality, "lawful_basis.confidentiality"),
    (consent_model, "consent.model"),
    (consent_exception, "consent.exception"),
    (public_sector_exception, "consent.exception"),
    (opt_out, "consent.national_data_opt_out"),
    (dpia, "risk.dpia"),
    (frequency, "purpose.frequency"),
    (change_type, "changes[].type"),
];

/// The vocabulary tables of docs/format.md, generated from `vocabulary.toml` (`datapact docs`).
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let v = get();
    let mut out = format!(
        "Vocabulary version {}, {}. Agreements store the id; rendered documents show the label and \
         the wording.\n",
        v.version, v.date
    );
    for (list, field) in USED_BY {
        let list = list();
        let uk_only = if UK_ONLY_LISTS.contains(&list.name) {
            "UK law: not offered under `agreement.jurisdiction = \"ireland\"` (DP015).\n\n"
        } else {
            ""
        };
        let by_paragraph = if list.entries.iter().any(|e| e.paragraph.is_some()) {
            "Write the id: a condition written as a reference (`\"Schedule 1 para 2\"`, \
             `\"Sch.1 para.2\"`) is DP015, whose hint names the condition of that paragraph.\n\n"
        } else {
            ""
        };
        let _ = write!(
            out,
            "\n### `{}` (used by `{field}`)\n\n{uk_only}{by_paragraph}| id | label | wording in rendered documents |",
            list.name
        );
        let extra = match list.name {
            "article9" => " needs a Sch 1 condition |\n|---|---|---|---|\n",
            "dpa_schedule1" => {
                " part, para | satisfies Art 9(2) | policy document |\n|---|---|---|---|---|---|\n"
            }
            _ => "\n|---|---|---|\n",
        };
        out.push_str(extra);
        for e in list.entries {
            let mut wording = match &e.source {
                Some(source) => format!("{} ({source})", e.wording),
                None => e.wording.clone(),
            };
            if let Some(irish) = &e.ireland {
                let _ = write!(wording, " *Under Irish law:* {irish}");
            }
            if e.uk_only {
                wording.push_str(" *UK law only: not offered under Irish law.*");
            }
            let _ = write!(
                out,
                "| `{}` | {} | {} |",
                e.id,
                cell(&e.label),
                cell(&wording)
            );
            match list.name {
                "article9" => {
                    let _ = write!(out, " {} |", if e.needs_schedule1 { "yes" } else { "no" });
                }
                "dpa_schedule1" => {
                    let points: Vec<String> =
                        e.satisfies.iter().map(|p| format!("({p})")).collect();
                    let place = match (e.part, e.paragraph) {
                        (Some(part), Some(para)) => format!("Part {part}, para {para}"),
                        _ => String::new(),
                    };
                    let satisfies = if points.is_empty() && e.part == Some(3) {
                        "criminal offence data only".to_string()
                    } else {
                        points.join(", ")
                    };
                    let _ = write!(
                        out,
                        " {place} | {satisfies} | {} |",
                        if e.policy_document { "yes" } else { "no" }
                    );
                }
                _ => {}
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_is_documented_with_the_field_that_uses_it() {
        let mut names: Vec<&str> = USED_BY.iter().map(|(list, _)| list().name).collect();
        names.sort_unstable();
        let table: toml::Table = toml::from_str(VOCABULARY_TOML).unwrap();
        let mut lists: Vec<&str> = table
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "version" | "date"))
            .collect();
        lists.sort_unstable();
        assert_eq!(names, lists, "USED_BY must name every vocabulary once");
        let doc = markdown();
        for (list, field) in USED_BY {
            let list = list();
            assert!(doc.contains(&format!("### `{}` (used by `{field}`)", list.name)));
            for e in list.entries {
                assert!(doc.contains(&format!("| `{}` | ", e.id)), "{}", e.id);
            }
        }
    }

    #[test]
    fn under_irish_law_no_entry_cites_uk_law_and_uk_only_entries_are_left_out() {
        let uk = get();
        let ie = get_for(Jurisdiction::Ireland);
        for (list, _) in USED_BY {
            let name = list().name;
            let (uk_list, ie_list) = (uk.list(name), ie.list(name));
            for e in ie_list {
                for uk_law in [
                    "UK GDPR",
                    "DPA 2018",
                    "domestic law",
                    "section 19 of the 2018 Act",
                    "NHS number",
                    "Registration Service Act",
                ] {
                    assert!(
                        !e.wording.contains(uk_law),
                        "{name} {}: {uk_law} in {}",
                        e.id,
                        e.wording
                    );
                }
                let original = uk_list.iter().find(|o| o.id == e.id).unwrap();
                assert_eq!(e.label, original.label);
                assert_eq!(e.needs_schedule1, original.needs_schedule1);
            }
            let offered: Vec<&str> = uk_list
                .iter()
                .filter(|e| Jurisdiction::Ireland.has(name, e))
                .map(|e| e.id.as_str())
                .collect();
            let irish: Vec<&str> = ie_list.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(offered, irish, "{name}");
        }
        assert!(article6().under(Jurisdiction::Ireland).find("ea").is_none());
        assert!(article6().under(Jurisdiction::Ireland).find("e").is_some());
        assert!(
            dpa_schedule1()
                .under(Jurisdiction::Ireland)
                .entries
                .is_empty()
        );
        // The UK's vocabulary is the one vocabulary.toml gives, unchanged.
        assert!(std::ptr::eq(get_for(Jurisdiction::Uk), get()));
        let g = article9().under(Jurisdiction::Ireland).find("g").unwrap();
        assert!(g.wording.contains("Union or Member State law"));
        let role = party_role()
            .under(Jurisdiction::Ireland)
            .find("controller")
            .unwrap();
        assert!(
            role.wording.ends_with("(GDPR Art 4(7))."),
            "{}",
            role.wording
        );
    }

    #[test]
    fn every_term_the_code_tests_for_is_in_its_vocabulary() {
        for term in terms::ALL {
            let list = (term.list)();
            assert!(
                list.find(term.id).is_some(),
                "{} is not in the {} vocabulary",
                term.id,
                list.name
            );
        }
    }

    #[test]
    fn builtin_vocabulary_parses_and_is_consistent() {
        let v = get();
        assert!(!v.version.is_empty());
        for list in [
            article6(),
            article9(),
            dpa_schedule1(),
            confidentiality(),
            consent_exception(),
            public_sector_exception(),
        ] {
            let mut ids = std::collections::HashSet::new();
            for e in list.entries {
                assert!(ids.insert(&e.id), "duplicate id {} in {}", e.id, list.name);
                assert!(!e.wording.is_empty());
            }
        }
        for s in dpa_schedule1().entries {
            for point in &s.satisfies {
                assert!(
                    article9().find(point).is_some_and(|e| e.needs_schedule1),
                    "{} satisfies {point}",
                    s.id
                );
            }
        }
        // Schedule 1: every condition has its Part and paragraph, each paragraph once, Parts 1
        // to 3 complete (paras 1-4, 6-28, 29-37; para 5 is the policy document requirement).
        let mut paras: Vec<u8> = Vec::new();
        for s in dpa_schedule1().entries {
            let (Some(part), Some(para)) = (s.part, s.paragraph) else {
                panic!("{} has no part and paragraph", s.id);
            };
            let expected_part = match para {
                1..=4 => 1,
                6..=28 => 2,
                29..=37 => 3,
                _ => 0,
            };
            assert_eq!(part, expected_part, "{}", s.id);
            assert!(
                s.label.contains(&format!("Part {part} para {para}:")),
                "{}",
                s.id
            );
            assert_eq!(part == 2, s.satisfies == ["g"], "{}", s.id);
            if part == 2 {
                assert!(
                    s.policy_document,
                    "{}: Part 2 needs a policy document",
                    s.id
                );
            }
            paras.push(para);
        }
        paras.sort_unstable();
        let all: Vec<u8> = (1..=37).filter(|p| *p != 5).collect();
        assert_eq!(paras, all);
        // The policy's three exceptions, in its words.
        assert_eq!(consent_exception().entries.len(), 3);
        // The UK public-sector gateways each quote the provision they name.
        for e in public_sector_exception().entries {
            assert!(
                e.source.as_deref().is_some_and(|s| !s.is_empty()),
                "{}",
                e.id
            );
            assert!(crate::ids::check_id(&e.id).is_ok(), "{}", e.id);
        }
    }

    #[test]
    fn suggestions_find_typos_only() {
        assert_eq!(article9().suggest("H"), Some("h"));
        assert_eq!(
            confidentiality().suggest("implied-consnet"),
            Some("implied-consent")
        );
        assert_eq!(confidentiality().suggest("zzzzzz"), None);
    }

    #[test]
    fn schedule1_conditions_are_recognised_in_prose() {
        for text in [
            "Schedule 1 para 2",
            "Sch 1 paragraph 2",
            "Sch.1 para.2",
            "DPA 2018 Sch 1 Part 1 para 2: health or social care purposes",
            "schedule 1, paragraph 2(2)(a)",
            "para 2",
        ] {
            assert_eq!(schedule1_paragraph(text), Some(2), "{text}");
            assert_eq!(
                dpa_schedule1().suggest(text),
                Some("health-or-social-care"),
                "{text}"
            );
        }
        assert_eq!(schedule1_paragraph("Sch 1 para 18"), Some(18));
        assert_eq!(dpa_schedule1().suggest("Sch 1 para 4"), Some("research"));
        // Another schedule, no paragraph, or a paragraph Schedule 1 has no condition for.
        assert_eq!(schedule1_paragraph("Schedule 2 para 2"), None);
        assert_eq!(schedule1_paragraph("Schedule 1"), None);
        assert_eq!(dpa_schedule1().suggest("Sch 1 para 5"), None);
        // Other lists are not read as paragraphs.
        assert_eq!(article9().suggest("para 2"), None);
        assert_eq!(
            dpa_schedule1().describe("health-or-social-care"),
            "\"health-or-social-care\" (Schedule 1, paragraph 2)"
        );
        assert!(
            dpa_schedule1()
                .ids()
                .contains("\"health-or-social-care\" (para 2)")
        );
        assert_eq!(article9().describe("h"), "\"h\"");
    }
}
