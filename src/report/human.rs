//! The human format: the findings grouped by file, then a summary line (none under `-q`; under
//! `-v` a line for each file without findings too: the run's [`term::verbosity`]). Within a
//! file, findings that share a hint are listed together and the hint is printed once after them
//! (a new agreement's fifty "still to fill in" findings end in one hint, not fifty):
//!
//! ```text
//! error[DP011]: agreements/x.toml:12:5: missing required key purpose.description
//!   hint: describe why the data is shared
//! error[DP013]: agreements/x.toml:14:9: `purpose.benefits` is still to fill in: TODO: ...
//! error[DP013]: agreements/x.toml:20:9: `data.subjects[0]` is still to fill in: TODO: ...
//!   hint (the 2 findings above): replace the TODO text with the agreement's own wording
//! ```
//!
//! Severity and code are coloured with [`term::paint`]; the caller's stream strips the codes
//! when colour is off. File name, message and hint are escaped ([`term::escape`]): they quote
//! what files contain, and a control character there must not act on the terminal.

use super::{OrderedFile, location, total_tally};
use crate::diagnostics::{Finding, Severity, Tally};
use crate::term;
use crate::text::plural as count;
use std::io::{self, Write};

pub(super) fn write(out: &mut dyn Write, files: &[OrderedFile<'_>]) -> io::Result<()> {
    write_at(out, files, term::verbosity())
}

/// The report at a verbosity: `Quiet` leaves out the blank lines and the summary (only the
/// findings), `Verbose` adds a line for each file without findings.
fn write_at(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    verbosity: term::Verbosity,
) -> io::Result<()> {
    let quiet = verbosity == term::Verbosity::Quiet;
    for file in files {
        if file.findings.is_empty() {
            if verbosity == term::Verbosity::Verbose {
                writeln!(
                    out,
                    "{}: {}",
                    term::paint(term::GOOD, "ok"),
                    term::escape(&file.report.file)
                )?;
            }
            continue;
        }
        for group in by_hint(&file.findings) {
            write_group(out, &group)?;
        }
        if !quiet {
            writeln!(out)?;
        }
    }
    if quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(files))
}

/// A file's findings grouped by hint: each group holds the findings that share one hint, in
/// position order, and the groups come in the order of their first finding. A finding without a
/// hint is a group of its own.
fn by_hint<'a>(findings: &[&'a Finding]) -> Vec<Vec<&'a Finding>> {
    let mut groups: Vec<Vec<&'a Finding>> = Vec::new();
    let mut index: std::collections::HashMap<&'a str, usize> = Default::default();
    for &f in findings {
        if f.hint.is_empty() {
            groups.push(vec![f]);
            continue;
        }
        match index.get(f.hint.as_str()) {
            Some(&i) => groups[i].push(f),
            None => {
                index.insert(&f.hint, groups.len());
                groups.push(vec![f]);
            }
        }
    }
    groups
}

/// The findings of a group, each on its line, then their shared hint once: plain `hint:` for one
/// finding, `hint (the N findings above):` for several.
fn write_group(out: &mut dyn Write, group: &[&Finding]) -> io::Result<()> {
    for finding in group {
        write_finding(out, finding)?;
    }
    let Some(first) = group.first().filter(|f| !f.hint.is_empty()) else {
        return Ok(());
    };
    let label = match group.len() {
        1 => "hint:".to_string(),
        n => format!("hint (the {n} findings above):"),
    };
    writeln!(
        out,
        "  {} {}",
        term::paint(term::DIM, &label),
        term::escape(&first.hint)
    )
}

fn write_finding(out: &mut dyn Write, finding: &Finding) -> io::Result<()> {
    let style = match finding.severity {
        Severity::Error => term::ERROR,
        Severity::Warning => term::WARNING,
    };
    writeln!(
        out,
        "{}[{}]: {}: {}",
        term::paint(style, finding.severity.as_str()),
        term::paint(term::BOLD, finding.code()),
        term::escape(&location(finding)),
        term::escape(&finding.message)
    )
}

/// The summary format: one line per file (`agreements/x.toml: 3 errors, 1 warning; most:
/// DP013 (2), DP011 (1), DP144 (1)`, or `...: no problems`), then the summary line. Under `-q`
/// only the files with findings, and no summary line.
pub(super) fn write_summary(out: &mut dyn Write, files: &[OrderedFile<'_>]) -> io::Result<()> {
    write_summary_at(out, files, term::verbosity())
}

/// How many of a file's most frequent codes its summary line names.
const TOP_CODES: usize = 3;

fn write_summary_at(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    verbosity: term::Verbosity,
) -> io::Result<()> {
    let quiet = verbosity == term::Verbosity::Quiet;
    for file in files {
        let name = term::escape(&file.report.file);
        if file.findings.is_empty() {
            if !quiet {
                writeln!(out, "{name}: {}", term::paint(term::GOOD, "no problems"))?;
            }
            continue;
        }
        let tally = Tally::of(file.findings.iter().copied());
        let mut codes: Vec<(&str, usize)> = Vec::new();
        for f in &file.findings {
            match codes.iter_mut().find(|(c, _)| *c == f.code()) {
                Some((_, n)) => *n += 1,
                None => codes.push((f.code(), 1)),
            }
        }
        // Most frequent first; a tie in code order, so the line is stable.
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut top: Vec<String> = codes
            .iter()
            .take(TOP_CODES)
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        if codes.len() > TOP_CODES {
            top.push(count(codes.len() - TOP_CODES, "other code", "other codes"));
        }
        writeln!(
            out,
            "{name}: {}; most: {}",
            tally_text(tally),
            top.join(", ")
        )?;
    }
    if quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(files))
}

/// `2 files checked: 1 error, 1 warning` or `2 files checked: no problems`.
fn summary_line(files: &[OrderedFile<'_>]) -> String {
    let tally = total_tally(files);
    let checked = format!(
        "{} checked",
        count(super::files_checked(files), "file", "files")
    );
    if tally.errors == 0 && tally.warnings == 0 {
        return format!("{checked}: {}", term::paint(term::GOOD, "no problems"));
    }
    format!("{checked}: {}", tally_text(tally))
}

/// `1 error, 2 warnings`, each coloured when not zero.
fn tally_text(tally: Tally) -> String {
    let errors = count(tally.errors, "error", "errors");
    let warnings = count(tally.warnings, "warning", "warnings");
    let errors = if tally.errors > 0 {
        term::paint(term::ERROR, &errors)
    } else {
        errors
    };
    let warnings = if tally.warnings > 0 {
        term::paint(term::WARNING, &warnings)
    } else {
        warnings
    };
    format!("{errors}, {warnings}")
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::test_support::*;

    /// Removes ANSI colour codes, as the terminal stream does when colour is off.
    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn blocks_grouped_by_file_then_summary() {
        let text = plain(&render(Format::Human, &sample(), &context()));
        let expected = "\
error[DP011]: agreements/alpha.toml:12:5: missing required key purpose.description
  hint: describe the purpose
warning[DP117]: agreements/alpha.toml:30:1: party essex-cc has no retention rule
  hint: add [[retention]] for essex-cc

2 files checked: 1 error, 1 warning
";
        assert_eq!(text, expected);
    }

    #[test]
    fn severity_and_code_are_coloured() {
        let text = render(Format::Human, &sample(), &context());
        assert!(text.contains(&crate::term::paint(crate::term::ERROR, "error")));
        assert!(text.contains(&crate::term::paint(crate::term::BOLD, "DP011")));
    }

    #[test]
    fn file_names_messages_and_hints_are_escaped() {
        let mut reports = sample();
        let f = &mut reports[1].findings[0];
        f.file = "agreements/\u{1b}[2Kx.toml".into();
        f.message = "`agreement.title` is \"a\r\u{1b}[32mok\u{202e}\"".into();
        f.hint = "h\nerror: fake".into();
        let text = render(Format::Human, &reports, &context());
        assert!(!text.contains(['\r', '\u{202e}']));
        assert!(!text.contains("\u{1b}[2K") && !text.contains("\u{1b}[32mok"));
        let plain = plain(&text);
        assert!(plain.contains(
            "agreements/\\u{1b}[2Kx.toml:30:1: `agreement.title` is \"a\\r\\u{1b}[32mok\\u{202e}\""
        ));
        assert!(plain.contains("  hint: h\\nerror: fake\n"));
    }

    /// `sample()` with three more findings in alpha.toml: two sharing the hint of the first one
    /// (one before it, one after a finding with another hint) and one without a hint.
    fn with_repeated_hints() -> Vec<super::super::FileReport> {
        let mut reports = sample();
        let file = "agreements/alpha.toml";
        let rule = &crate::rules::structure::PLACEHOLDER;
        let todo = "replace the TODO text";
        reports[1].findings.extend([
            finding(rule, file, 3, 1, "`a` is still to fill in", todo),
            finding(rule, file, 40, 1, "`b` is still to fill in", todo),
            finding(rule, file, 20, 1, "`c` has no hint", ""),
        ]);
        reports[1].findings[1].hint = todo.into();
        reports
    }

    #[test]
    fn findings_sharing_a_hint_are_listed_together_and_the_hint_printed_once() {
        let text = plain(&render(Format::Human, &with_repeated_hints(), &context()));
        let expected = "\
error[DP013]: agreements/alpha.toml:3:1: `a` is still to fill in
error[DP011]: agreements/alpha.toml:12:5: missing required key purpose.description
error[DP013]: agreements/alpha.toml:40:1: `b` is still to fill in
  hint (the 3 findings above): replace the TODO text
error[DP013]: agreements/alpha.toml:20:1: `c` has no hint
warning[DP117]: agreements/alpha.toml:30:1: party essex-cc has no retention rule
  hint: add [[retention]] for essex-cc

2 files checked: 4 errors, 1 warning
";
        assert_eq!(text, expected);
    }

    #[test]
    fn the_summary_is_one_line_per_file_with_its_most_frequent_codes() {
        let text = plain(&render(Format::Summary, &with_repeated_hints(), &context()));
        let expected = "\
agreements/alpha.toml: 4 errors, 1 warning; most: DP013 (3), DP011 (1), DP117 (1)
agreements/zeta.toml: no problems
2 files checked: 4 errors, 1 warning
";
        assert_eq!(text, expected);
        let mut reports = with_repeated_hints();
        reports[1].findings.push(finding(
            &crate::rules::content::CALDICOTT_GUARDIAN,
            "agreements/alpha.toml",
            50,
            1,
            "m",
            "h",
        ));
        let text = plain(&render(Format::Summary, &reports, &context()));
        assert!(
            text.contains("most: DP013 (3), DP011 (1), DP104 (1), 1 other code\n"),
            "{text}"
        );
    }

    #[test]
    fn clean_run_prints_only_the_summary() {
        let mut reports = sample();
        reports.iter_mut().for_each(|r| r.findings.clear());
        let text = plain(&render(Format::Human, &reports, &context()));
        assert_eq!(text, "2 files checked: no problems\n");
    }
}
