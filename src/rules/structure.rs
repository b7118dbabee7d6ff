//! Catalogue entries for the structure of an agreement (DP008-DP021): every required part
//! present, typed, filled in and in its vocabulary, texts free of control characters, e-mail
//! addresses that are addresses. Reported while building the domain model
//! (`agreement/structure.rs`); DP021, when one file has more findings than are shown, by the
//! list that collects them (`agreement/capped.rs`).

use crate::diagnostics::{Family, Rule, Severity};

pub static ID_MISMATCH: Rule = Rule {
    code: "DP008",
    name: "id-mismatch",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing and the register: statements and signatures are filed under the agreement's id, which must be the file's name.",
    applies: "files directly in agreements/",
    summary: "`agreement.id` is not the file name: the file must be `agreements/<id>.toml`.",
    hint: "rename the file to agreements/<id>.toml, or correct `agreement.id` to match the file name",
    source: "WEISF register and NHS England DARS: one stable reference per agreement.",
};

pub static SCHEMA_VERSION: Rule = Rule {
    code: "DP009",
    name: "schema-version",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards parsing: a file of a format version this datapact does not know cannot be read correctly.",
    applies: "always",
    summary: "`schema` is missing, or names a format version this datapact does not know (only `schema = 1` exists).",
    hint: "set `schema = 1` at the top of the file",
    source: "docs/format.md: later versions of the format must be recognisable.",
};

pub static UNKNOWN_KEY: Rule = Rule {
    code: "DP010",
    name: "unknown-key",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards parsing: a misspelt clause that was ignored would leave the signed agreement without it, unnoticed.",
    applies: "always",
    summary: "A key or section the format does not define, usually a misspelt clause name. The hint suggests the nearest known key.",
    hint: "correct the key's spelling or remove it; docs/format.md lists every key",
    source: "A misspelt clause must never be silently ignored: the clause would be missing from the agreement.",
};

pub static MISSING_REQUIRED: Rule = Rule {
    code: "DP011",
    name: "missing-required",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards parsing: without its required parts an agreement cannot be read into the model the other rules check. What is required already follows the agreement's policy (docs/format.md), so there is nothing left for a setting to change.",
    applies: "always",
    summary: "A required section or key is missing (see the \"required\" column in docs/format.md).",
    hint: "add the missing part; `datapact new` writes a complete skeleton and docs/format.md says what is required",
    source: "Clause catalogue: ICO Data Sharing Code of Practice, Annex B template; Caldicott Principles 1-8; Policy: \"clear agreements are in place\".",
};

pub static EMPTY_VALUE: Rule = Rule {
    code: "DP012",
    name: "empty-value",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "As DP011: a required part left blank is missing in all but name, and the rules that read it would check nothing.",
    applies: "always",
    summary: "A required text is blank, or a required list is empty.",
    hint: "fill in the value",
    source: "Clause catalogue (as DP011).",
};

pub static PLACEHOLDER: Rule = Rule {
    code: "DP013",
    name: "placeholder",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a clause still to be written must never be signed as if it had been agreed.",
    applies: "always",
    summary: "A text still starts with `TODO`, the templates' marker for a clause still to fill in. One finding per placeholder.",
    hint: "replace the TODO text with the agreed wording",
    source: "Clause catalogue (as DP011); `datapact new` writes these placeholders.",
};

pub static WRONG_TYPE: Rule = Rule {
    code: "DP014",
    name: "wrong-type",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards parsing: a value of the wrong type cannot be read into the model the other rules check.",
    applies: "always",
    summary: "A value has the wrong type (text where a number, a date, true/false or a list is expected, a table where a text is expected), or a number outside its allowed range (for example `version = 0`). A value written in quotes that would be right without them (`\"true\"`, `\"12\"`, `\"2027-01-01\"`) is told to remove the quotes.",
    hint: "write the value with the type docs/format.md gives for it",
    source: "docs/format.md.",
};

pub static UNKNOWN_VALUE: Rule = Rule {
    code: "DP015",
    name: "unknown-value",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards parsing: the rules read vocabulary values by their ids, and an unknown id has no legal meaning. Which consent exceptions exist is chosen in `[policy]`, not by switching this rule off.",
    applies: "always",
    summary: "A value is not in its controlled vocabulary (roles, purpose categories, Art 6 and Art 9 points, Schedule 1 conditions, confidentiality bases, ...). The hint suggests the nearest known value.",
    hint: "use one of the vocabulary's ids; `datapact vocab` names the vocabularies and `datapact vocab NAME` lists every id of one with its wording",
    source: "Legal vocabularies: UK GDPR Art 6(1), Art 9(2), DPA 2018 Sch 1, common-law confidentiality bases, shipped in `src/vocabulary.toml`.",
};

pub static INVALID_DATE: Rule = Rule {
    code: "DP016",
    name: "invalid-date",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards parsing: every state (in force, review due, expired) is derived from the dates, so each must be one calendar day.",
    applies: "always",
    summary: "A date is not a plain calendar date: it has a time or an offset (`2026-04-01T09:00:00`), is not a real day (`2026-02-30`), or is of a year outside 1900 to 9999.",
    hint: "write the date as YYYY-MM-DD, with no time or offset",
    source: "docs/format.md: agreement dates are calendar dates.",
};

pub static INVALID_ID: Rule = Rule {
    code: "DP017",
    name: "invalid-id",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the tool's integrity: ids become file and folder names and references between files, so they must be safe and portable.",
    applies: "always",
    summary: "An agreement or party id is not 3-64 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
    hint: "use 3-64 lowercase letters, digits and single hyphens, such as \"nhs-essex-icb\"",
    source: "Ids become file names and references; the rule keeps them portable and safe (no `../`, no spaces, no capitals).",
};

pub static DUPLICATE_VALUE: Rule = Rule {
    code: "DP018",
    name: "duplicate-value",
    family: Family::Structure,
    default_severity: Severity::Warning,
    unreadable: false,
    acknowledgeable: false,
    standing: "A value listed twice is untidy, not wrong: nothing in the law or the policy turns on it, so a workspace may make it an error or switch it off.",
    applies: "always",
    configurable: true,
    summary: "The same value is listed twice in a list of vocabulary values (for example `article6 = [\"e\", \"e\"]`).",
    hint: "remove the repeated value",
    source: "Clarity of the agreement text.",
};

pub static CONTROL_CHARACTER: Rule = Rule {
    code: "DP019",
    name: "control-character",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards security: a control character is invisible in an editor and can act on a terminal, rewriting what `verify` shows.",
    applies: "always",
    summary: "A text or key holds a control character other than a line break or a tab: a C0 character such as escape (U+001B), backspace or a lone carriage return, DEL, or a C1 character (U+0080-U+009F), written as itself or as an escape (`\\e`, `\\u001b`). The finding points at the character.",
    hint: "remove the character (most editors do not show it); write a line break as a new line or `\\n`",
    source: "Robustness: control characters are invisible in an editor and act on a terminal (an escape sequence can rewrite what `verify` shows), so a signed text must not hold them.",
};

pub static INVALID_EMAIL: Rule = Rule {
    code: "DP020",
    name: "invalid-email",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards security: an address is published as a `mailto:` link, which anything but a plain address could turn towards another mailbox.",
    applies: "to `email` and `mailbox` of every contact",
    summary: "An e-mail address is not `local@domain` in the subset datapact accepts: the part before the @ of ASCII letters, digits and `.` `_` `-` `+` `'`; a domain of at least two parts of letters, digits and hyphens (RFC 5322's rules for dots, hyphens and lengths apply). No display name, quotes, spaces, `?`, `&`, `%` or `=`, so that a `mailto:` link made from it can only address that mailbox.",
    hint: "write the address alone, such as `dpo@nhs.net` (no name, no `mailto:`, nothing after the domain)",
    source: "Rendering: an address is published as a `mailto:` link, which a `?bcc=` or `&cc=` would turn into a copy to someone else.",
};

pub static FINDINGS_TRUNCATED: Rule = Rule {
    code: "DP021",
    name: "findings-truncated",
    family: Family::Structure,
    default_severity: Severity::Warning,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the tool itself: a report must say that findings were left out. How many are shown is the setting (`[limits] max_findings_per_file`).",
    applies: "when a file has more findings than `[limits] max_findings_per_file` (default 100)",
    summary: "The file has more findings than are shown. The first ones are shown, errors before warnings; this finding says how many more there are of each severity.",
    hint: "fix the findings shown and run again, or raise `[limits] max_findings_per_file` in datapact.toml to see more",
    source: "Robustness: a file made to produce a finding on every line must not make datapact use gigabytes of memory and output.",
};

pub static ACKNOWLEDGEMENT_RULE: Rule = Rule {
    code: "DP022",
    name: "acknowledgement-rule",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the other rules: an acknowledgement of a rule that is not a judgement would be a way to set aside what the law or the policy requires.",
    applies: "to `rule` of every `[[acknowledgements]]` entry",
    summary: "An acknowledgement names a rule that does not exist, or one that cannot be acknowledged. Only judgement rules (a word list or a threshold, marked \"may be acknowledged\" in this catalogue) can be answered in the agreement; what the law or the policy requires cannot.",
    hint: "name an acknowledgeable rule by its code or name, or remove the entry and fix what the finding says",
    source: "Design: an acknowledgement is an author's signed answer to a heuristic; it must not become a way to switch off a requirement of the law or the policy.",
};

/// The structure rules, in code order.
pub static RULES: &[&Rule] = &[
    &ID_MISMATCH,
    &SCHEMA_VERSION,
    &UNKNOWN_KEY,
    &MISSING_REQUIRED,
    &EMPTY_VALUE,
    &PLACEHOLDER,
    &WRONG_TYPE,
    &UNKNOWN_VALUE,
    &INVALID_DATE,
    &INVALID_ID,
    &DUPLICATE_VALUE,
    &CONTROL_CHARACTER,
    &INVALID_EMAIL,
    &FINDINGS_TRUNCATED,
    &ACKNOWLEDGEMENT_RULE,
];
