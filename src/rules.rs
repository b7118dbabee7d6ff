//! The catalogue of every finding code the tool can report: its stable code, a short name, the
//! family it belongs to, its default severity, whether `datapact.toml` may change it, what it
//! checks and the source that requires it. `docs/rules.md` documents the same list; a test keeps
//! the two in step.

use crate::diagnostics::Severity;

/// Which check produces findings of a rule (used to group JUnit test cases and SARIF rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// File hygiene and parsing.
    File,
    /// Required parts, types, unknown keys, vocabularies.
    Structure,
    /// Consistency between clauses.
    Content,
    /// Signatures and the trust store.
    Signatures,
    /// Review and expiry dates against today.
    Expiry,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::File => "file",
            Family::Structure => "structure",
            Family::Content => "content",
            Family::Signatures => "signatures",
            Family::Expiry => "expiry",
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    /// Whether `[rules]` in datapact.toml may change its severity or turn it off. Rules that
    /// guard parsing and signing are fixed.
    pub configurable: bool,
    pub summary: &'static str,
    pub source: &'static str,
}

macro_rules! rules {
    ($( $ident:ident = $code:literal, $name:literal, $family:ident, $sev:ident, $conf:literal, $summary:literal, $source:literal; )*) => {
        $( pub static $ident: Rule = Rule {
            code: $code, name: $name, family: Family::$family, default_severity: Severity::$sev,
            configurable: $conf, summary: $summary, source: $source,
        }; )*
        /// Every rule, in code order.
        pub static ALL: &[&Rule] = &[ $( &$ident ),* ];
    };
}

rules! {
    NOT_UTF8 = "DP001", "not-utf8", File, Error, false,
        "The file is not valid UTF-8.",
        "Signing design: signatures cover exact bytes, so the text must have one unambiguous encoding.";
    BYTE_ORDER_MARK = "DP002", "byte-order-mark", File, Error, false,
        "The file starts with a UTF-8 byte order mark.",
        "Signing design: exact bytes are signed; a BOM is invisible in editors and changes the digest.";
    CRLF_LINE_ENDINGS = "DP003", "crlf-line-endings", File, Error, false,
        "The file has CRLF (Windows) line endings.",
        "Signing design: git's core.autocrlf rewrites line endings in the working tree and would make every signature look tampered.";
    FILE_TOO_LARGE = "DP004", "file-too-large", File, Error, false,
        "The file is larger than the 1 MiB cap.",
        "Robustness: an agreement is a few kilobytes; a huge file is a mistake or an attack.";
    TOML_SYNTAX = "DP005", "toml-syntax", File, Error, false,
        "The file is not valid TOML (syntax error, duplicate key, invalid value).",
        "TOML 1.0 specification.";
    SCHEMA_SHAPE = "DP006", "schema-shape", File, Error, false,
        "A part of the file has a shape the format cannot read (for example a text where a table is expected).",
        "docs/format.md.";
    FLOAT_VALUE = "DP007", "float-value", File, Error, false,
        "A floating-point number appears in the file.",
        "Signing design: floats have many spellings for one value (1e3, 1000.0), so they are not allowed.";
    ID_MISMATCH = "DP008", "id-mismatch", Structure, Error, false,
        "The agreement id does not match the file name agreements/<id>.toml.",
        "WEISF register and DARS: one stable reference per agreement.";
    SCHEMA_VERSION = "DP009", "schema-version", Structure, Error, false,
        "`schema` is missing or names a format version this tool does not know.",
        "docs/format.md.";
    UNKNOWN_KEY = "DP010", "unknown-key", Structure, Error, false,
        "A key that the format does not define (often a misspelt clause name).",
        "A misspelt clause must never be silently ignored: the clause would be missing from the agreement.";
    MISSING_REQUIRED = "DP011", "missing-required", Structure, Error, false,
        "A required part of the agreement is missing.",
        "Clause catalogue: ICO Data Sharing Code Annex B, Caldicott Principles, NHS Essex information sharing policy.";
    EMPTY_VALUE = "DP012", "empty-value", Structure, Error, false,
        "A required value is empty.",
        "Clause catalogue (as DP011).";
    PLACEHOLDER = "DP013", "placeholder", Structure, Error, false,
        "A value is still a template placeholder (it starts with `TODO`).",
        "Clause catalogue (as DP011).";
    WRONG_TYPE = "DP014", "wrong-type", Structure, Error, false,
        "A value has the wrong type (for example text where a number or a date is expected).",
        "docs/format.md.";
    UNKNOWN_VALUE = "DP015", "unknown-value", Structure, Error, false,
        "A value is not in its controlled vocabulary.",
        "Legal vocabularies: UK GDPR Art 6(1), Art 9(2), DPA 2018 Sch 1, common-law confidentiality bases.";
    INVALID_DATE = "DP016", "invalid-date", Structure, Error, false,
        "A date is not a plain calendar date (YYYY-MM-DD without time or offset).",
        "docs/format.md: agreement dates are calendar dates.";
    INVALID_ID = "DP017", "invalid-id", Structure, Error, false,
        "An agreement or party id is not 3-64 lowercase letters, digits and single hyphens.",
        "Ids become file names and references; the rule keeps them portable and safe.";
    DUPLICATE_VALUE = "DP018", "duplicate-value", Structure, Warning, true,
        "The same value is listed twice.",
        "Clarity of the agreement text.";
    TOO_FEW_PARTIES = "DP101", "too-few-parties", Content, Error, false,
        "An agreement needs at least two parties.",
        "ICO Data Sharing Code: sharing is between organisations; UK GDPR Art 26.";
    DUPLICATE_PARTY = "DP102", "duplicate-party", Content, Error, false,
        "Two parties have the same id.",
        "Each party signs once under its own id.";
    UNKNOWN_PARTY = "DP103", "unknown-party", Content, Error, false,
        "A party id is referred to (lead, retention rule) but no party has it.",
        "Internal consistency of the agreement.";
    CALDICOTT_GUARDIAN = "DP104", "caldicott-guardian", Content, Error, true,
        "A health or care body names no Caldicott Guardian.",
        "Caldicott Principles (2020), the National Data Guardian's guidance on Caldicott Guardians; ISG sign-off model.";
    SPECIAL_CATEGORY_NEEDS_ART9 = "DP105", "special-category-needs-art9", Content, Error, false,
        "Special category data is shared but no UK GDPR Art 9(2) condition is given.",
        "UK GDPR Art 9; ICO Data Sharing Code (lawful basis must be recorded).";
    ART9_NEEDS_SCHEDULE1 = "DP106", "art9-needs-schedule1", Content, Error, true,
        "An Art 9(2)(b), (g), (h), (i) or (j) condition is used without a matching DPA 2018 Schedule 1 condition.",
        "Data Protection Act 2018 s.10 and Schedule 1.";
    PUBLIC_AUTHORITY_LEGITIMATE_INTERESTS = "DP107", "public-authority-legitimate-interests", Content, Error, false,
        "A public authority party relies on Art 6(1)(f) or (ea) for its tasks.",
        "UK GDPR Art 6(1) final subparagraph; Data (Use and Access) Act 2025.";
    RECOGNISED_INTEREST_CONDITION = "DP108", "recognised-interest-condition", Content, Error, false,
        "Art 6(1)(ea) is used without naming the recognised legitimate interest condition.",
        "Data (Use and Access) Act 2025, Schedule 4 (UK GDPR Annex 1).";
    CONSENT_EXCEPTION = "DP109", "consent-exception", Content, Error, false,
        "Consent is not sought, but no exception (required by law, protect someone from harm, strong public interest) with a justification is given.",
        "NHS Essex information sharing policy, 'Consent and choice'; Caldicott Principle 8.";
    WHY_NOT_ANONYMISED = "DP110", "why-not-anonymised", Content, Error, false,
        "Identifiable or pseudonymised data is shared without saying why anonymised data will not serve.",
        "NHS Essex policy: 'if the information can be anonymised'; Caldicott Principles 2 and 3.";
    RESEARCH_LEGAL_BASIS = "DP111", "research-legal-basis", Content, Error, false,
        "Planning or research use of identifiable or pseudonymised data without consent or s251 support.",
        "NHS Essex policy, 'Using information for planning and research'; NHS Act 2006 s.251 and the COPI Regulations 2002.";
    RESEARCH_NEEDS_ART9J = "DP112", "research-needs-art9j", Content, Error, false,
        "Special category data shared for research without the Art 9(2)(j) condition.",
        "UK GDPR Art 9(2)(j) and Art 89; DPA 2018 Sch 1 para 4.";
    RESEARCH_SECTION = "DP113", "research-section", Content, Error, false,
        "A planning or research purpose has no [research] section.",
        "NHS Essex policy, 'Using information for planning and research': anonymised where possible, identity protected.";
    S251_REFERENCE = "DP114", "s251-reference", Content, Error, false,
        "The confidentiality basis is s251 support but no Confidentiality Advisory Group reference is given.",
        "NHS Act 2006 s.251; Health Research Authority CAG approvals register.";
    DPIA_DETAILS = "DP115", "dpia-details", Content, Error, false,
        "The DPIA is marked completed without a reference and outcome, or not required without the reason.",
        "UK GDPR Art 35; ICO Data Sharing Code (DPIA for high-risk sharing); NHS Essex policy 'what the possible risks are'.";
    INCIDENT_TIMESCALE = "DP116", "incident-timescale", Content, Error, true,
        "Incident reporting between the parties has no timescale, or one too slow for the 72-hour ICO deadline.",
        "UK GDPR Art 33 (72 hours); NHS Essex policy: 'concerns or risks must be reported and managed quickly'.";
    RETENTION_PARTY = "DP117", "retention-party", Content, Warning, true,
        "A party has no retention and disposal rule.",
        "ICO Data Sharing Code; UK GDPR Art 5(1)(e) and Art 28.";
    ONWARD_SHARING_CONDITIONS = "DP118", "onward-sharing-conditions", Content, Error, false,
        "Onward sharing is permitted without stating the conditions.",
        "DARS standards; UK GDPR Art 28(2) and (4).";
    INTERNATIONAL_TRANSFER = "DP119", "international-transfer", Content, Error, false,
        "Data leaves the UK but no transfer safeguard is stated.",
        "UK GDPR Chapter V (Art 44-49).";
    UNUSED_ART9 = "DP120", "unused-art9", Content, Warning, true,
        "An Art 9 condition is given but no data item is special category.",
        "Minimisation of the legal text: a condition that applies to nothing confuses readers.";
    CONSENT_CONSISTENCY = "DP121", "consent-consistency", Content, Error, false,
        "Consent is the lawful basis (Art 6(1)(a), Art 9(2)(a) or explicit consent for confidentiality) but consent is not sought.",
        "UK GDPR Art 6(1)(a), Art 7 and Art 9(2)(a).";
    CRIMINAL_OFFENCE_DATA = "DP122", "criminal-offence-data", Content, Error, false,
        "Criminal offence data is shared without a DPA 2018 Schedule 1 condition.",
        "UK GDPR Art 10; DPA 2018 s.10(5) and Schedule 1.";
    CONFIDENTIALITY_NOT_APPLICABLE = "DP123", "confidentiality-not-applicable", Content, Error, false,
        "The common-law duty of confidentiality is marked not applicable, but the data is identifiable or pseudonymised.",
        "Common-law duty of confidentiality (it applies to any information that can identify a person); Caldicott Principle 6; NHS Essex policy 'keeps your information confidential'.";
    IMPLIED_CONSENT_DIRECT_CARE = "DP124", "implied-consent-direct-care", Content, Error, true,
        "Implied consent is relied on (consent.model or the confidentiality basis) but the purpose is not direct care.",
        "National Data Guardian and Caldicott Principle 7: implied consent applies to individual (direct) care; other uses need explicit consent or another legal basis.";
    DATE_ORDER = "DP130", "date-order", Content, Error, false,
        "Dates out of order: approved <= effective <= review <= expires must hold.",
        "NHS Essex policy 'approved on ... due for review in ...'; DARS.";
    TERM_TOO_LONG = "DP131", "term-too-long", Content, Error, true,
        "The term (effective to expires) is longer than the workspace maximum (default 3 years).",
        "DARS maximum terms (3 years, 5 for research archiving); Ireland DSGA 2019 s.20.";
    REVIEW_INTERVAL_TOO_LONG = "DP132", "review-interval-too-long", Content, Error, true,
        "The review interval, or the gap from the effective date to the review date, is longer than the workspace maximum (default 2 years).",
        "NHS Essex policy (2-year review); DARS (3 years); Ireland DSGA 2019 s.20 (5 years).";
    SIGNATURE_STALE = "DP201", "signature-stale", Signatures, Error, false,
        "A party signed this version, but the agreement file changed afterwards (its SHA-256 no longer matches).",
        "Signing design: a signature covers the exact bytes; change means a new version and new signatures.";
    SIGNATURE_WRONG_AGREEMENT = "DP202", "signature-wrong-agreement", Signatures, Error, false,
        "A statement names another agreement (a signature copied from elsewhere).",
        "Signing design, threat table: signature copied from another agreement.";
    SIGNATURE_WRONG_VERSION = "DP203", "signature-wrong-version", Signatures, Error, false,
        "A statement is for another version than the one it is filed under, or signatures exist for a later version than the agreement's.",
        "Signing design, threat table: signature from version N presented for N+1; version rollback.";
    SIGNATURE_UNKNOWN_KEY = "DP204", "signature-unknown-key", Signatures, Error, false,
        "The signing key is not in the workspace trust store (keys/).",
        "Signing design: only enrolled keys are trusted.";
    SIGNATURE_WRONG_PARTY = "DP205", "signature-wrong-party", Signatures, Error, false,
        "The signing key belongs to another party, or the statement is filed under another party's name.",
        "Signing design, threat table: key belonging to another party.";
    SIGNATURE_REVOKED_KEY = "DP206", "signature-revoked-key", Signatures, Error, false,
        "The signing key is revoked; its signatures never count, whatever their claimed date.",
        "Signing design: git's revocation semantics.";
    SIGNATURE_KEY_VALIDITY = "DP207", "signature-key-validity", Signatures, Error, false,
        "The key was used outside its validity window (judged at the claimed signing time).",
        "Signing design: valid_from / valid_until in the trust store.";
    SIGNATURE_BAD = "DP208", "signature-bad", Signatures, Error, false,
        "The signature does not verify (verify_strict), its key is weak or unusable, or it was made with another key than the statement names.",
        "OpenSSH PROTOCOL.sshsig; Ed25519 strict verification.";
    SIGNATURE_NAMESPACE = "DP209", "signature-namespace", Signatures, Error, false,
        "The signature was made for another SSHSIG namespace (such as `git` or `file`).",
        "OpenSSH PROTOCOL.sshsig: namespaces separate signing domains.";
    SIGNATURE_MALFORMED = "DP210", "signature-malformed", Signatures, Error, false,
        "A statement or signature file is missing its pair, malformed, truncated or too large.",
        "Robustness: a damaged file gets a clear error naming it.";
    SIGNATURE_LINE_ENDINGS = "DP211", "signature-line-endings", Signatures, Error, false,
        "A signed file has CRLF line endings: git (core.autocrlf) converted them, so the signed bytes changed.",
        "Signing design: .gitattributes must stop git converting signed files.";
    SIGNATURE_ROLE = "DP212", "signature-role", Signatures, Error, false,
        "The statement's role is not one the key is enrolled for.",
        "Signing design: the role in which a party signs (DPO, Caldicott Guardian, senior officer).";
    SIGNATURE_MISSING = "DP213", "signature-missing", Signatures, Warning, false,
        "A party named in the agreement has not signed the current version.",
        "Signing design: fully signed means every party holds a valid signature on the current version.";
    SIGNATURE_UNEXPECTED_FILE = "DP214", "signature-unexpected-file", Signatures, Warning, false,
        "An entry under signatures/ is not where signatures go: a file in a version directory that is not a party's statement or signature, a version directory not named v<N> (such as v03, V9, vx) or empty, a loose file, or a directory of signatures for no agreement.",
        "Signing design: one statement and one signature per party per version.";
    SIGNATURE_DUPLICATE = "DP215", "signature-duplicate", Signatures, Error, false,
        "One key signed for two parties; each key counts once.",
        "Signing design, threat table: the same key twice counts once.";
    TRUST_STORE_ENTRY = "DP216", "trust-store-entry", Signatures, Error, false,
        "A trust store entry cannot be used (weak or malformed key, key id not matching the key, key enrolled twice, bad role or date), or keys/ holds something other than trust store files: another file, a directory, a FIFO, or a private key, which must never be in the workspace.",
        "Signing design: weak keys refused at enrolment and rejected at verification.";
    SIGNATURE_CHAIN = "DP217", "signature-chain", Signatures, Error, false,
        "A statement's previous_sha256 does not name the content that the latest earlier signed version's signatures cover (absent, different, naming a version whose signatures are gone, or that version's signatures disagree).",
        "Signing design: the statement binds the digest of the previous version, a hash chain across versions.";
    TRUST_STORE_STRAY = "DP218", "trust-store-stray-file", Signatures, Warning, true,
        "A file or folder in keys/ that is not a trust store file keys/<party-id>.toml (and not a private key, which is DP216).",
        "Signing design: keys/ holds only the reviewed trust store; anything else there is easy to mistake for it.";
    REVIEW_DUE = "DP301", "review-due", Expiry, Warning, true,
        "The review date is within the review notice window (default 90 days).",
        "WEISF: the lead organisation is told 3 months before the review date; NHS Essex policy 'due for review'.";
    REVIEW_OVERDUE = "DP302", "review-overdue", Expiry, Warning, true,
        "The review date has passed (within the grace period).",
        "NHS Essex policy review dates; WEISF register practice.";
    REVIEW_OVERDUE_PAST_GRACE = "DP303", "review-overdue-past-grace", Expiry, Error, true,
        "The review date passed more than the grace period ago (default 90 days).",
        "WEISF: an agreement more than 3 months past review is removed from the register.";
    EXPIRING = "DP304", "expiring", Expiry, Warning, true,
        "The expiry date is within the expiry notice window (default 90 days).",
        "DARS: expiry reminders before the end of the term.";
    EXPIRED = "DP305", "expired", Expiry, Error, true,
        "The agreement is past its expiry date and no longer in force.",
        "DARS and Ireland DSGA 2019 s.19: sharing under an agreement ends with its term.";
    NOT_FULLY_SIGNED = "DP306", "not-fully-signed", Expiry, Error, false,
        "Not every party has signed the current version (reported only with --require-signed).",
        "ICO Data Sharing Code (senior sign-off); DARS: all named parties must sign before the agreement takes effect.";
}

impl Rule {
    /// Whether a finding of this rule means the file cannot be turned into a domain agreement,
    /// so the content rules are not run (they would only add noise). Only errors about the file
    /// or its structure block; a structural warning (a value listed twice) does not.
    pub fn blocks_domain_model(&self) -> bool {
        matches!(self.family, Family::File | Family::Structure)
            && self.default_severity == Severity::Error
    }
}

/// Looks a rule up by its code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for r in ALL {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(
                r.code.len() == 5 && r.code.starts_with("DP"),
                "bad code {}",
                r.code
            );
        }
    }

    #[test]
    fn every_code_is_documented_in_rules_md() {
        let doc = include_str!("../docs/rules.md");
        for r in ALL {
            assert!(
                doc.contains(&format!("`{}`", r.code)),
                "{} is not documented in docs/rules.md",
                r.code
            );
        }
    }
}
