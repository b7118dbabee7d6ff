//! Findings: what a check reports about a file, with the rule it breaks, a severity, the place
//! (file, line, column), a message and a hint. Every output format (human, JSON, GitHub, SARIF,
//! JUnit) is made from these. [`Rule`] is the shape of a catalogue entry; the entries themselves
//! and the registry live in `rules/`.

use serde::Serialize;

/// How serious a finding is. `Error` fails a check; `Warning` fails only when asked to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Which check produces findings of a rule (used to group JUnit test cases and SARIF rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
    /// The current branch's git history (`--history`).
    History,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::File => "file",
            Family::Structure => "structure",
            Family::Content => "content",
            Family::Signatures => "signatures",
            Family::Expiry => "expiry",
            Family::History => "history",
        }
    }
}

/// One entry of the rule catalogue. The entries live in `src/rules/`, each beside the code
/// that reports it; `docs/rules.md` is generated from them (`datapact rules --markdown`).
#[derive(Debug)]
pub struct Rule {
    /// Stable code, such as `DP101`; never reused.
    pub code: &'static str,
    /// Stable kebab-case name, accepted in `[rules]` like the code.
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    /// Whether `[rules]` in datapact.toml may change its severity or turn it off. Rules that
    /// the law makes mandatory, or that guard parsing, signing, trust or the tool itself, are
    /// fixed; what only a policy or local practice asks for, and every judgement, is
    /// configurable. [`Rule::standing`] says which and why.
    pub configurable: bool,
    /// Whether a finding of this rule means the input could not be read at all, so the command
    /// exits 2 (usage, I/O or unreadable input) rather than 1.
    pub unreadable: bool,
    /// Whether the rule is a judgement an author may answer in the agreement itself: an
    /// `[[acknowledgements]]` entry naming the rule (and the item, where the finding names one)
    /// with a reason, which the rendered document shows. Only content rules whose findings are
    /// heuristic (a word list, a threshold) are.
    pub acknowledgeable: bool,
    /// Why the rule is fixed or configurable, in one or two sentences: the law or policy that
    /// makes it mandatory, or that it guards parsing, signing, trust or the tool itself (fixed);
    /// or why a workspace under another policy may relax it (configurable). docs/rules.md shows
    /// it as "Why fixed" or "Why configurable".
    pub standing: &'static str,
    /// When the rule applies, in plain words ("always", "when special category data is shared").
    pub applies: &'static str,
    /// What the rule checks.
    pub summary: &'static str,
    /// What to do about a finding, where the finding has no more particular advice.
    pub hint: &'static str,
    /// The law, policy or design decision that requires it.
    pub source: &'static str,
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

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.code == other.code
    }
}
impl Eq for Rule {}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule broken; serialised as its stable code, such as `DP101` (docs/rules.md).
    #[serde(rename = "code", serialize_with = "serialize_code")]
    pub rule: &'static Rule,
    pub severity: Severity,
    /// Path of the file, relative to the workspace root, with `/` separators.
    pub file: String,
    /// 1-based line; 1 when the finding is about the whole file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The party the finding is about, for signature findings that belong to one party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
}

/// Serialises a rule as its code (for findings and signature statuses).
pub fn serialize_code<S: serde::Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.code)
}

impl Finding {
    /// A finding for `rule` at a position, with the rule's default severity.
    pub fn new(
        rule: &'static Rule,
        file: &str,
        pos: Position,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity: rule.default_severity,
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: hint.into(),
            party: None,
        }
    }

    /// The same finding, marked as being about `party`.
    pub fn about_party(mut self, party: &str) -> Self {
        self.party = Some(party.to_string());
        self
    }

    /// A finding whose hint is the rule's own.
    pub fn with_rule_hint(
        rule: &'static Rule,
        file: &str,
        pos: Position,
        message: impl Into<String>,
    ) -> Self {
        Finding::new(rule, file, pos, message, rule.hint)
    }

    /// The rule's stable code, such as `DP101`.
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn family(&self) -> Family {
        self.rule.family
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };
}

/// Maps byte offsets in a text to line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// Line and column (in characters) of byte `offset` in `text`; offsets past the end or
    /// inside a character are clamped.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or_else(|| {
                text[start..]
                    .char_indices()
                    .take_while(|(i, _)| start + i < offset)
                    .count()
            });
        Position {
            line,
            column: column + 1,
        }
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut t = Tally::default();
        for f in findings {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
            }
        }
        t
    }
    pub fn add(&mut self, other: Tally) {
        self.errors += other.errors;
        self.warnings += other.warnings;
    }
    /// Whether these findings fail a check; warnings fail only when `deny_warnings`.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        self.errors > 0 || (deny_warnings && self.warnings > 0)
    }
}

/// Which findings a validation must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every finding: for the commands that show them (`validate`, `check`, `bump`...).
    All,
    /// Every error, so the agreement's state is right, and maybe not its warnings: for the
    /// commands that show a state (`status`, `verify`, `calendar`, `render`). The content rules
    /// that cannot give an error in this workspace (a judgement whose severity is a warning, say)
    /// are not run; `rules::content::run` says which are.
    Errors,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let text = "a = 1\nbé = \"x\"\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 6), Position { line: 2, column: 1 });
        // 'é' is two bytes; the '=' after it is the 4th character on line 2.
        assert_eq!(idx.position(text, 10), Position { line: 2, column: 4 });
        assert_eq!(idx.position(text, 999).line, 3);
    }
}
