//! Rules on the substance of what clauses say, beyond their presence: justifications and reasons
//! that explain nothing (DP148), unsafe practices named in security and transfer text (DP149),
//! and research that does not use anonymised data where it would serve without saying why
//! (DP150). The word lists are in `src/judgement.toml`.

use super::{ContentRule, Cx, at};
use crate::agreement::locate::Path;
use crate::diagnostics::{Family, Rule, Severity};

pub static EMPTY_JUSTIFICATION: ContentRule = ContentRule {
    rule: Rule {
        code: "DP148",
        name: "empty-justification",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of empty phrases and a word count) and can be wrong about a short text that says enough: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to each data item's `justification`, and to `necessity.why_sharing` and `why_personal_data`, `data.why_not_anonymised`, `lawful_basis.explanation`, `consent.justification` and `opt_out_explanation`, `risk.no_dpia_reason`, `research.not_anonymised_reason`, `dates.review_interval_reason`, `human_rights.article8`, each acknowledgement's `reason`; and, only when nothing but stock phrases is left (these may be short: \"IDTA\", \"Secure deletion\"), to `transfer.safeguards`, each processor's `safeguards`, `rights.privacy_notice` and `requests`, `incidents.procedure`, `research.identity_protection` and each risk's `mitigation`",
        summary: "A justification or reason is too short or too generic to explain anything: fewer than 4 words once stock phrases are taken out (\"Yes.\", \"N/A\", \"As required.\", \"It is needed for business purposes.\"), or it justifies data by what it might be good for (\"Might be useful.\", \"just in case\"). The lists and the threshold are under \"Empty justifications\" and \"Speculative justifications\" at the end of this page. The item a finding names is the data item's name, or the path of the text (`consent.justification`, `acknowledgements[0].reason`). Changes' reasons are left out: \"Typing error corrected\" is a full reason for a correction.",
        hint: "say what the purpose needs and why, in the agreement's own terms (for a data item: what it is used for and why less would not do), or, if the text is complete as it stands, acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "ICO, Data sharing code of practice (2021), \"Deciding to share data\" (what is the purpose?); Caldicott Principle 1 (justify the purpose(s)); UK GDPR Art 5(1)(c) (data minimisation) and Art 5(2) (accountability). Policy, \"Deciding when to share information\": staff check \"why the information is needed\".",
    },
    check: empty_justification,
};

/// The longest piece of a text a finding quotes.
const QUOTE: usize = 80;

/// `text` trimmed, cut to [`QUOTE`] characters.
fn quoted(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(QUOTE) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// Where a text DP148 judges is, described (path, item, words) only when it has a finding:
/// most texts have none.
enum Place<'a> {
    /// A single key, by its path.
    Key(&'static [&'static str]),
    /// A data item's justification: its index and name.
    Item(usize, &'a str),
    /// A risk's mitigation: its index and the risk.
    Risk(usize, &'a str),
    /// A processor's safeguards: its index and name.
    Processor(usize, &'a str),
    /// An acknowledgement's reason: its index and rule.
    Acknowledgement(usize, &'a str),
}

impl Place<'_> {
    /// The path of the text and the item findings name.
    fn path_and_item(&self) -> (Path, String) {
        match *self {
            Place::Key(keys) => (at(keys), keys.join(".")),
            Place::Item(i, name) => (
                at(&["data", "items"]).i(i).k("justification"),
                name.to_string(),
            ),
            Place::Risk(i, _) => (
                at(&["risk", "risks"]).i(i).k("mitigation"),
                format!("risk.risks[{i}].mitigation"),
            ),
            Place::Processor(i, _) => (
                at(&["processors"]).i(i).k("safeguards"),
                format!("processors[{i}].safeguards"),
            ),
            Place::Acknowledgement(i, _) => (
                at(&["acknowledgements"]).i(i).k("reason"),
                format!("acknowledgements[{i}].reason"),
            ),
        }
    }

    /// What the text is, in words, for a finding's message.
    fn what(&self) -> String {
        match *self {
            Place::Key(keys) => format!("`{}`", keys.join(".")),
            Place::Item(_, name) => format!("the justification of data item `{name}`"),
            Place::Risk(_, risk) => format!("the mitigation of risk \"{}\"", quoted(risk)),
            Place::Processor(_, name) => format!("the safeguards of processor \"{name}\""),
            Place::Acknowledgement(_, rule) => {
                format!("the reason of the acknowledgement of {rule}")
            }
        }
    }
}

/// One text DP148 judges: where it is, its text, and how many words it needs besides stock
/// phrases.
struct Said<'a> {
    place: Place<'a>,
    text: &'a str,
    min_words: usize,
}

fn empty_justification(cx: &mut Cx<'_>) {
    let empty = crate::judgement::empty_phrases();
    let speculative = crate::judgement::speculative_phrases();
    let full = empty.min_words();
    let a = cx.a;
    let research_reason = a
        .research
        .as_ref()
        .and_then(|r| r.not_anonymised_reason.as_deref());
    let singles: [(&[&str], Option<&str>, usize); 15] = [
        (
            &["necessity", "why_sharing"],
            Some(&a.necessity.why_sharing),
            full,
        ),
        (
            &["necessity", "why_personal_data"],
            Some(&a.necessity.why_personal_data),
            full,
        ),
        (
            &["data", "why_not_anonymised"],
            a.data.why_not_anonymised.as_deref(),
            full,
        ),
        (
            &["lawful_basis", "explanation"],
            Some(&a.lawful_basis.explanation),
            full,
        ),
        (
            &["consent", "justification"],
            a.consent.justification.as_deref(),
            full,
        ),
        (
            &["consent", "opt_out_explanation"],
            a.consent.opt_out_explanation.as_deref(),
            full,
        ),
        (
            &["risk", "no_dpia_reason"],
            a.risk.no_dpia_reason.as_deref(),
            full,
        ),
        (
            &["research", "not_anonymised_reason"],
            research_reason,
            full,
        ),
        (
            &["dates", "review_interval_reason"],
            a.dates.review_interval_reason.as_deref(),
            full,
        ),
        (
            &["human_rights", "article8"],
            a.human_rights.as_ref().map(|h| h.article8.as_str()),
            full,
        ),
        // A safeguard names a mechanism ("IDTA"), and the texts below describe what is done
        // ("Secure deletion" is a whole answer): short is fine, stock phrases alone are not.
        (
            &["transfer", "safeguards"],
            a.transfer.safeguards.as_deref(),
            1,
        ),
        (
            &["rights", "privacy_notice"],
            Some(&a.rights.privacy_notice),
            1,
        ),
        (&["rights", "requests"], Some(&a.rights.requests), 1),
        (&["incidents", "procedure"], Some(&a.incidents.procedure), 1),
        (
            &["research", "identity_protection"],
            a.research.as_ref().map(|r| r.identity_protection.as_str()),
            1,
        ),
    ];
    let mut said: Vec<Said<'_>> = singles
        .into_iter()
        .filter_map(|(keys, text, min_words)| {
            Some(Said {
                place: Place::Key(keys),
                text: text?,
                min_words,
            })
        })
        .collect();
    for (i, item) in a.data.items.iter().enumerate() {
        said.push(Said {
            place: Place::Item(i, &item.name),
            text: &item.justification,
            min_words: full,
        });
    }
    for (i, r) in a.risk.risks.iter().enumerate() {
        said.push(Said {
            place: Place::Risk(i, &r.risk),
            text: &r.mitigation,
            min_words: 1,
        });
    }
    for (i, p) in a.processors.iter().enumerate() {
        if let Some(text) = &p.safeguards {
            said.push(Said {
                place: Place::Processor(i, &p.name),
                text,
                min_words: 1,
            });
        }
    }
    for (i, ack) in a.acknowledgements.iter().enumerate() {
        said.push(Said {
            place: Place::Acknowledgement(i, ack.rule),
            text: &ack.reason,
            min_words: full,
        });
    }
    for s in said {
        let message = match speculative.find(s.text) {
            Some(phrase) => format!(
                "{} (\"{}\") justifies by what might prove useful (\"{phrase}\"): data is shared because a purpose needs it, not in case",
                s.place.what(),
                quoted(s.text)
            ),
            None => match empty.thin(s.text, s.min_words) {
                None => continue,
                Some(thin) => match thin.phrase {
                    Some(phrase) if thin.left < thin.words => format!(
                        "{} (\"{}\") says nothing beyond \"{phrase}\"",
                        s.place.what(),
                        quoted(s.text)
                    ),
                    _ => format!(
                        "{} (\"{}\") is too short to explain anything: {} word{}, fewer than {}",
                        s.place.what(),
                        quoted(s.text),
                        thin.words,
                        if thin.words == 1 { "" } else { "s" },
                        s.min_words
                    ),
                },
            },
        };
        let (path, item) = s.place.path_and_item();
        cx.judge(&EMPTY_JUSTIFICATION, &path, Some(&item), message);
    }
}

pub static UNRESTRICTED_ACCESS: ContentRule = ContentRule {
    rule: Rule {
        code: "DP155",
        name: "unrestricted-access",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list, with qualified and negated forms left out) and can be wrong about a text that does restrict access in other words: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to `security.access`",
        summary: "Who may access the shared data is given as people at large rather than named roles or people who need it: \"anyone\", \"everyone\", \"all staff\", \"the public\", \"unrestricted\" (see \"Access without restriction\" under \"Acknowledgements and word lists\" at the end of this page). A qualified form (\"anyone who is allocated the case\", \"all staff in the safeguarding team\") and a negated one (\"no public access\") are not flagged.",
        hint: "name the roles or teams that may access the data and why they need it (\"only practitioners allocated to the person's case, on a need-to-know basis\"), or, if access is rightly open (data published as open data), acknowledge it with an [[acknowledgements]] entry naming the rule and the item `security.access`, and saying why",
        source: "UK GDPR Art 5(1)(f) and Art 32(4); Caldicott Principle 4 (need-to-know access); ICO, Data sharing code of practice (2021), \"Security\"; National Data Guardian data security standard 4. Policy: \"information is handled securely at all times\"; \"staff must protect confidential information at all times\".",
    },
    check: unrestricted_access,
};

fn unrestricted_access(cx: &mut Cx<'_>) {
    let list = crate::judgement::unrestricted_access();
    let access = &cx.a.security.access;
    if let Some(word) = list.find(access) {
        cx.judge(
            &UNRESTRICTED_ACCESS,
            &at(&["security", "access"]),
            Some("security.access"),
            format!(
                "`security.access` (\"{}\") gives access without restriction (\"{word}\"): access is for those who need the data, by role",
                quoted(access)
            ),
        );
    }
}

pub static UNSAFE_PRACTICE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP149",
        name: "unsafe-practice",
        family: Family::Content,
        default_severity: Severity::Warning,
        configurable: true,
        unreadable: false,
        acknowledgeable: true,
        standing: "It is a judgement (a word list of unsafe practices, with a simple reading of negation) and can be wrong about a text that rules the practice out: authors answer it in the agreement, and a workspace may change its severity or switch it off.",
        applies: "to `security.storage`, `access`, `systems` and `standards`, `transfer.methods` and `protection`, and each `[[data.flows]]` `method`",
        summary: "Security or transfer text names a practice the NHS and the UK's security guidance rule out or allow only under conditions: fax, personal webmail (Gmail, Hotmail, Yahoo, outlook.com), unencrypted e-mail or media, removable media not said to be encrypted (USB or memory sticks, CDs), plain FTP, consumer messaging apps (WhatsApp, Telegram, Signal...). A practice the text negates where it is named (\"no fax\", \"USB sticks are not used\") is not flagged; the negation read is simple (see \"Unsafe practices\" and the negation at the end of this page). The item a finding names is the path of the text (`transfer.methods[1]`).",
        hint: "describe a secure practice instead (NHSmail or another DCB1596 secure e-mail service, SFTP or HSCN with TLS, encrypted media), or, where the practice is used under the conditions its guidance sets (an encrypted device, an approved messaging app), say so and acknowledge it with an [[acknowledgements]] entry naming the rule and the item, and saying why",
        source: "UK GDPR Art 5(1)(f) and Art 32; DHSC, fax machines banned in the NHS from 31 March 2020; NHS Digital DCB1596 Secure Email; NHS England instant messaging guidance; NCSC Device Security Guidance; National Data Guardian standard 1 and the Data Security and Protection Toolkit. Policy: \"NHS Essex must provide secure systems\".",
    },
    check: unsafe_practice,
};

fn unsafe_practice(cx: &mut Cx<'_>) {
    let list = crate::judgement::unsafe_practices();
    let a = cx.a;
    let mut texts: Vec<(Path, String, &str)> = vec![
        (
            at(&["security", "storage"]),
            "security.storage".into(),
            &a.security.storage,
        ),
        (
            at(&["security", "access"]),
            "security.access".into(),
            &a.security.access,
        ),
    ];
    let lists: [(&[&str], &[String]); 3] = [
        (&["security", "systems"], &a.security.systems),
        (&["security", "standards"], &a.security.standards),
        (&["transfer", "methods"], &a.transfer.methods),
    ];
    for (keys, entries) in lists {
        for (i, text) in entries.iter().enumerate() {
            texts.push((at(keys).i(i), format!("{}[{i}]", keys.join(".")), text));
        }
    }
    texts.push((
        at(&["transfer", "protection"]),
        "transfer.protection".into(),
        &a.transfer.protection,
    ));
    for (i, flow) in a.data.flows.iter().enumerate() {
        texts.push((
            at(&["data", "flows"]).i(i).k("method"),
            format!("data.flows[{i}].method"),
            &flow.method,
        ));
    }
    for (path, item, text) in texts {
        if let Some(practice) = list.find(text) {
            cx.judge(
                &UNSAFE_PRACTICE,
                &path,
                Some(&item),
                format!(
                    "`{item}` names an unsafe practice (\"{practice}\"): \"{}\"",
                    quoted(text)
                ),
            );
        }
    }
}

pub static NOT_ANONYMISED_REASON: ContentRule = ContentRule {
    rule: Rule {
        code: "DP150",
        name: "not-anonymised-reason",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "It asks for what the NHS Essex policy (\"anonymised data is used where possible\") and UK GDPR Art 89(1) expect of research; a workspace may relax it where its policy does not ask for the reason in the agreement.",
        applies: "when `[research]` has `anonymised_where_possible = false`",
        summary: "`research.anonymised_where_possible = false` says anonymised data would serve but is not used, and `research.not_anonymised_reason` does not say why. `data.why_not_anonymised` does not answer this: it says why the purpose needs identifiable or pseudonymised data, which, if true, means anonymised data is used wherever it would serve (`true`).",
        hint: "use anonymised data wherever it serves and set anonymised_where_possible = true, or add research.not_anonymised_reason saying why it is not used where it would serve",
        source: "UK GDPR Art 89(1): where research purposes can be fulfilled by processing that does not permit identification, they shall be fulfilled in that manner. Policy, \"Using information for planning and research\": \"anonymised data is used where possible\".",
    },
    check: not_anonymised_reason,
};

fn not_anonymised_reason(cx: &mut Cx<'_>) {
    let Some(research) = &cx.a.research else {
        return;
    };
    if !research.anonymised_where_possible
        && research.not_anonymised_reason.is_none()
        && cx.decided(&[
            at(&["research", "anonymised_where_possible"]),
            at(&["research", "not_anonymised_reason"]),
        ])
    {
        cx.report(
            &NOT_ANONYMISED_REASON,
            &at(&["research", "anonymised_where_possible"]),
            "anonymised data is not used where it would serve (anonymised_where_possible = false), and no reason is given",
        );
    }
}
