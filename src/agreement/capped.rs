//! The findings of one file, capped: at most `[limits] max_findings_per_file` are kept (errors
//! before warnings), the rest only counted, and one DP021 finding says how many more there were.
//! A file made to produce a finding on every line (a megabyte of `1.0,` or of unknown keys)
//! then costs kilobytes of memory and output, not hundreds of megabytes; and since an error is
//! never dropped while a warning is kept, the exit code is the one the whole list would give.

use crate::config::Config;
use crate::diagnostics::{Finding, Position, Rule, Severity, Tally};
use crate::rules::structure::FINDINGS_TRUNCATED;
use crate::text::plural;

/// Findings of one file as they are reported, with the workspace's severities applied.
pub struct Capped<'c> {
    config: &'c Config,
    kept: Vec<Finding>,
    /// How many of `kept` are warnings (the ones an error may replace).
    warnings: usize,
    /// What was not kept.
    hidden: Tally,
}

impl<'c> Capped<'c> {
    /// An empty list for a workspace with settings `config`.
    pub fn new(config: &'c Config) -> Self {
        Capped {
            config,
            kept: Vec::new(),
            warnings: 0,
            hidden: Tally::default(),
        }
    }

    fn cap(&self) -> usize {
        self.config.limits.max_findings_per_file.max(1)
    }

    /// Whether a finding of `rule` pushed now would be kept. When not, [`Capped::count`] counts
    /// it without its being made: a position, a suggestion or a message can cost a search
    /// through the file, and a file can ask for hundreds of thousands of them.
    pub fn keeps(&self, rule: &'static Rule) -> bool {
        match self.config.severity(rule) {
            None => false,
            Some(severity) => {
                self.kept.len() < self.cap() || (severity == Severity::Error && self.warnings > 0)
            }
        }
    }

    /// Counts a finding of `rule` that [`Capped::keeps`] said would not be kept.
    pub fn count(&mut self, rule: &'static Rule) {
        match self.config.severity(rule) {
            Some(Severity::Error) => self.hidden.errors += 1,
            Some(Severity::Warning) => self.hidden.warnings += 1,
            None => {}
        }
    }

    /// Adds a finding, with its rule's configured severity; a rule turned off is dropped. Past
    /// the cap, an error replaces the last warning kept, and anything else is only counted.
    pub fn push(&mut self, mut finding: Finding) {
        let Some(severity) = self.config.severity(finding.rule) else {
            return;
        };
        finding.severity = severity;
        let is_warning = severity == Severity::Warning;
        if self.kept.len() < self.cap() {
            self.warnings += usize::from(is_warning);
            self.kept.push(finding);
            return;
        }
        let replaced = match self
            .kept
            .iter()
            .rposition(|k| k.severity == Severity::Warning)
        {
            Some(i) if !is_warning => {
                self.warnings -= 1;
                std::mem::replace(&mut self.kept[i], finding)
            }
            _ => finding,
        };
        self.hidden.add(Tally::of([&replaced]));
    }

    /// The findings kept, sorted by position and code, then the DP021 finding (at the start of
    /// the file, `display`) when some were not kept.
    pub fn finish(self, display: &str) -> Vec<Finding> {
        let Capped {
            mut kept, hidden, ..
        } = self;
        kept.sort_by(|a, b| (a.line, a.column, a.code()).cmp(&(b.line, b.column, b.code())));
        let more = hidden.errors + hidden.warnings;
        if more > 0 {
            let shown = kept.len();
            kept.push(Finding::with_rule_hint(
                &FINDINGS_TRUNCATED,
                display,
                Position::START,
                format!(
                    "{} in this file {} not shown ({}, {}): only the first {shown} are, errors before warnings",
                    plural(more, "more finding", "more findings"),
                    if more == 1 { "is" } else { "are" },
                    plural(hidden.errors, "error", "errors"),
                    plural(hidden.warnings, "warning", "warnings"),
                ),
            ));
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuleLevel;
    use crate::rules::structure::{DUPLICATE_VALUE, MISSING_REQUIRED};

    fn at(rule: &'static crate::diagnostics::Rule, line: usize) -> Finding {
        Finding::new(rule, "a.toml", Position { line, column: 1 }, "m", "h")
    }

    fn config(cap: usize) -> Config {
        let mut c = Config::default();
        c.limits.max_findings_per_file = cap;
        c
    }

    #[test]
    fn under_the_cap_everything_is_kept_in_order_without_a_summary() {
        let c = config(3);
        let mut list = Capped::new(&c);
        for line in [3, 1, 2] {
            list.push(at(&MISSING_REQUIRED, line));
        }
        let out = list.finish("a.toml");
        let lines: Vec<usize> = out.iter().map(|f| f.line).collect();
        assert_eq!(lines, [1, 2, 3]);
    }

    #[test]
    fn past_the_cap_errors_replace_warnings_and_the_rest_is_counted() {
        let c = config(3);
        let mut list = Capped::new(&c);
        for line in 1..=3 {
            list.push(at(&DUPLICATE_VALUE, line)); // warnings
        }
        for line in 10..=11 {
            list.push(at(&MISSING_REQUIRED, line)); // errors replace two warnings
        }
        list.push(at(&DUPLICATE_VALUE, 20)); // a warning past the cap: counted
        let out = list.finish("a.toml");
        let kept: Vec<(&str, usize)> = out.iter().map(|f| (f.code(), f.line)).collect();
        assert_eq!(
            kept,
            [("DP018", 1), ("DP011", 10), ("DP011", 11), ("DP021", 1)]
        );
        let summary = out.last().unwrap();
        assert_eq!(summary.severity, Severity::Warning);
        assert_eq!(
            summary.message,
            "3 more findings in this file are not shown (0 errors, 3 warnings): only the first 3 are, errors before warnings"
        );
        let c = config(1);
        let mut list = Capped::new(&c);
        list.push(at(&MISSING_REQUIRED, 5));
        list.push(at(&MISSING_REQUIRED, 6));
        let out = list.finish("a.toml");
        assert_eq!(out.len(), 2);
        assert!(
            out[1]
                .message
                .starts_with("1 more finding in this file is not shown (1 error, 0 warnings)")
        );
    }

    #[test]
    fn what_would_not_be_kept_is_counted_without_being_made() {
        let c = config(1);
        let mut list = Capped::new(&c);
        assert!(list.keeps(&DUPLICATE_VALUE) && list.keeps(&MISSING_REQUIRED));
        list.push(at(&DUPLICATE_VALUE, 1));
        assert!(!list.keeps(&DUPLICATE_VALUE));
        assert!(
            list.keeps(&MISSING_REQUIRED),
            "an error may replace the warning"
        );
        list.push(at(&MISSING_REQUIRED, 2));
        assert!(!list.keeps(&MISSING_REQUIRED));
        list.count(&MISSING_REQUIRED);
        list.count(&DUPLICATE_VALUE);
        let out = list.finish("a.toml");
        assert_eq!(out.len(), 2);
        assert!(
            out[1]
                .message
                .starts_with("3 more findings in this file are not shown (1 error, 2 warnings)"),
            "{}",
            out[1].message
        );
    }

    #[test]
    fn configured_severities_apply_and_rules_turned_off_take_no_place() {
        let mut c = config(1);
        c.rules.insert("DP018".into(), RuleLevel::Off);
        let mut list = Capped::new(&c);
        list.push(at(&DUPLICATE_VALUE, 1));
        list.push(at(&MISSING_REQUIRED, 2));
        let out = list.finish("a.toml");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code(), "DP011");
    }
}
