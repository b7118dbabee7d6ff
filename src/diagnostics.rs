//! Findings: what a check reports about a file, with a stable rule code, a severity, the place
//! (file, line, column), a message and a hint. Every output format (human, JSON, GitHub, SARIF,
//! JUnit) is made from these.

use crate::rules::{self, Family, Rule};
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

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule code, such as `DP101`; documented in docs/rules.md.
    pub code: &'static str,
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
            code: rule.code,
            severity: rule.default_severity,
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The rule this finding was made for.
    pub fn rule(&self) -> &'static Rule {
        rules::by_code(self.code).expect("findings are only made from catalogue rules")
    }

    pub fn family(&self) -> Family {
        self.rule().family
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
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
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
