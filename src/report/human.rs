//! The human format: one block per finding, grouped by file, then a summary line (none under
//! `-q`; under `-v` a line for each file without findings too: the run's
//! [`term::verbosity`]).
//!
//! ```text
//! error[DP011]: agreements/x.toml:12:5: missing required key purpose.description
//!   hint: describe why the data is shared
//! ```
//!
//! Severity and code are coloured with [`term::paint`]; the caller's stream strips the codes
//! when colour is off. File name, message and hint are escaped ([`term::escape`]): they quote
//! what files contain, and a control character there must not act on the terminal.

use super::{OrderedFile, location, total_tally};
use crate::diagnostics::{Finding, Severity};
use crate::term;
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
        for finding in &file.findings {
            write_finding(out, finding)?;
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
    )?;
    if !finding.hint.is_empty() {
        writeln!(
            out,
            "  {} {}",
            term::paint(term::DIM, "hint:"),
            term::escape(&finding.hint)
        )?;
    }
    Ok(())
}

/// `2 files checked: 1 error, 1 warning` or `2 files checked: no problems`.
fn summary_line(files: &[OrderedFile<'_>]) -> String {
    let tally = total_tally(files);
    let checked = format!("{} checked", count(files.len(), "file", "files"));
    if tally.errors == 0 && tally.warnings == 0 {
        return format!("{checked}: {}", term::paint(term::GOOD, "no problems"));
    }
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
    format!("{checked}: {errors}, {warnings}")
}

fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
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

    #[test]
    fn clean_run_prints_only_the_summary() {
        let mut reports = sample();
        reports.iter_mut().for_each(|r| r.findings.clear());
        let text = plain(&render(Format::Human, &reports, &context()));
        assert_eq!(text, "2 files checked: no problems\n");
    }
}
