//! Catalogue entries for the bytes of a file (DP001-DP007). They are reported while reading
//! (`source.rs`: encoding, byte order mark, line endings, size) and parsing
//! (`agreement/validate.rs`: TOML syntax, shape, floats); DP001, DP004, DP005 and DP006 mean the
//! input could not be read at all.

use crate::diagnostics::{Family, Rule, Severity};

pub static NOT_UTF8: Rule = Rule {
    code: "DP001",
    name: "not-utf8",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    applies: "always",
    unreadable: true,
    acknowledgeable: false,
    standing: "It guards parsing and signing: a file that is not UTF-8 cannot be read as an agreement, and signatures cover its exact bytes.",
    summary: "The file is not valid UTF-8. The finding points at the first invalid byte.",
    hint: "save the file as UTF-8 (without BOM); if it is not an agreement, move it out of agreements/",
    source: "Signing design: signatures cover exact bytes, so the text must have one unambiguous encoding.",
};

pub static BYTE_ORDER_MARK: Rule = Rule {
    code: "DP002",
    name: "byte-order-mark",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: signatures cover the exact bytes, and an invisible byte order mark changes them.",
    applies: "always",
    summary: "The file starts with a UTF-8 byte order mark (EF BB BF).",
    hint: "run `datapact normalise FILE`, which removes it in place, or save the file as UTF-8 without BOM (most editors have this option in the encoding menu)",
    source: "Signing design: exact bytes are signed; a BOM is invisible in editors and changes the digest.",
};

pub static CRLF_LINE_ENDINGS: Rule = Rule {
    code: "DP003",
    name: "crlf-line-endings",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: line endings that git may rewrite would make valid signatures look tampered with.",
    applies: "always",
    summary: "The file has CRLF (Windows) line endings; the finding points at the first carriage return.",
    hint: "run `datapact normalise FILE`: it converts the line endings to LF in place and keeps every other change. If git converted them, first check that .gitattributes has `*.toml -text` (`datapact init` writes it, and says what an existing file lacks), so that it does not happen again",
    source: "Signing design: git's `core.autocrlf` rewrites line endings in the working tree and would make every signature look tampered. `datapact init` writes a `.gitattributes` that stops it.",
};

pub static FILE_TOO_LARGE: Rule = Rule {
    code: "DP004",
    name: "file-too-large",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    applies: "always",
    unreadable: true,
    acknowledgeable: false,
    standing: "It guards the tool itself: a file this large is a mistake or an attack, and is not read.",
    summary: "The file is larger than 1 MiB (1 048 576 bytes). It is not read further.",
    hint: "an agreement is normally a few kilobytes; check that this is the right file",
    source: "Robustness: an agreement is a few kilobytes; a huge file is a mistake or an attack.",
};

pub static TOML_SYNTAX: Rule = Rule {
    code: "DP005",
    name: "toml-syntax",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    applies: "always",
    unreadable: true,
    acknowledgeable: false,
    standing: "It guards parsing: a file that is not TOML cannot be read at all.",
    summary: "The file is not valid TOML 1.0: a syntax error, a duplicate key, an invalid value, or arrays and inline tables nested more than 32 levels deep.",
    hint: concat!(
        "fix the syntax at this line (",
        docs_url!("format.md"),
        " has complete examples)"
    ),
    source: "TOML 1.0 specification; robustness.",
};

pub static SCHEMA_SHAPE: Rule = Rule {
    code: "DP006",
    name: "schema-shape",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    applies: "always",
    unreadable: true,
    acknowledgeable: false,
    standing: "It guards parsing: a part whose shape the format cannot read leaves nothing to check.",
    summary: "A part of the file has a shape the format cannot read at all, for example a text where a table (`[section]`) or a list of tables (`[[section]]`) is expected.",
    hint: concat!(
        "this part must be a table ([section]) or a list of tables ([[section]]) as in ",
        docs_url!("format.md")
    ),
    source: "docs/format.md.",
};

pub static FLOAT_VALUE: Rule = Rule {
    code: "DP007",
    name: "float-value",
    family: Family::File,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a float has many spellings for one value, so the signed bytes would not have one reading.",
    applies: "always",
    summary: "A floating-point number appears anywhere in the file.",
    hint: "write a whole number, or put the value in quotes as text",
    source: "Signing design: floats have many spellings for one value (`1e3`, `1000.0`), so they are not allowed; write whole numbers or text.",
};

/// The file rules, in code order.
pub static RULES: &[&Rule] = &[
    &NOT_UTF8,
    &BYTE_ORDER_MARK,
    &CRLF_LINE_ENDINGS,
    &FILE_TOO_LARGE,
    &TOML_SYNTAX,
    &SCHEMA_SHAPE,
    &FLOAT_VALUE,
];
