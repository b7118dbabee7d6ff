//! Report formats: turns the findings of `validate` and `check` into human text, JSON, GitHub
//! Actions annotations, SARIF 2.1.0 or JUnit XML, and agreement dates into an iCalendar file
//! ([`calendar`]).
//!
//! Every function here is pure: it writes to the `Write` it is given and never touches the
//! terminal (colour codes are added with [`crate::term::paint`] and stripped by the caller's
//! stream) nor the file system. The order of files and findings in every format is fixed
//! (files by path, findings by position and code), so output is stable between runs.

pub mod calendar;
mod github;
mod human;
mod json;
pub use json::{Envelope, FORMAT_VERSION};
mod junit;
mod sarif;
pub mod summary;

use crate::diagnostics::Family;
use crate::diagnostics::{Finding, Tally};
use std::io::{self, Write};

/// The output formats of `validate` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text for people, coloured on a terminal.
    Human,
    /// The stable JSON shape documented in docs/output.md.
    Json,
    /// GitHub Actions workflow annotations (`::error file=...::message`).
    Github,
    /// SARIF 2.1.0 for GitHub code scanning and other static-analysis viewers.
    Sarif,
    /// JUnit XML: one test suite per check family, one test case per file per family.
    Junit,
    /// Text for people, one line per file: its errors, warnings and most frequent codes
    /// (`--summary`).
    Summary,
}

/// The findings about one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// Path relative to the workspace root, with `/` separators.
    pub file: String,
    /// The agreement id, when the file could be read far enough to know it.
    pub agreement: Option<String>,
    pub findings: Vec<Finding>,
    /// The check families that were run on this file.
    pub families: Vec<Family>,
    /// The families meant to run that could not, because an earlier stage failed (the file
    /// could not be read, did not validate): JUnit reports them skipped, never passed.
    pub skipped: Vec<Family>,
}

/// What every format needs to know about the run that produced the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportContext<'a> {
    /// `"validate"` or `"check"`.
    pub command: &'static str,
    pub tool_version: &'static str,
    /// Whether warnings fail the run (JUnit then reports them as failures).
    pub deny_warnings: bool,
    /// The workspace folder relative to the root of its git repository, `/`-separated and
    /// ending in `/` (`sub/ws/`); empty at the repository root or outside git. GitHub resolves
    /// annotation and SARIF paths against the repository root, so those formats (and the step
    /// summary) put it before every file; the others stay workspace-relative.
    pub repo_prefix: &'a str,
}

impl ReportContext<'_> {
    /// A workspace-relative path as GitHub names it: relative to the repository root.
    fn repo_path(&self, file: &str) -> String {
        format!("{}{file}", self.repo_prefix)
    }
}

/// The tool name written into JSON, SARIF and JUnit output.
pub const TOOL_NAME: &str = "datapact";

/// Writes `reports` to `out` in `format`.
pub fn write_report(
    out: &mut dyn Write,
    format: Format,
    reports: &[FileReport],
    ctx: &ReportContext<'_>,
) -> io::Result<()> {
    let files = files_in_order(reports);
    match format {
        Format::Human => human::write(out, &files),
        Format::Json => json::write(out, &files, ctx, None),
        Format::Github => github::write(out, &files, ctx),
        Format::Sarif => sarif::write(out, &files, ctx),
        Format::Junit => junit::write(out, &files, ctx),
        Format::Summary => human::write_summary(out, &files),
    }
}

/// [`write_report`] for a run that judged dates on `today`, which the JSON format records
/// (the others have no place for it).
pub fn write_report_on(
    out: &mut dyn Write,
    format: Format,
    reports: &[FileReport],
    ctx: &ReportContext<'_>,
    today: chrono::NaiveDate,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(out, &files_in_order(reports), ctx, Some(today)),
        _ => write_report(out, format, reports, ctx),
    }
}

/// A file report with its findings in output order.
struct OrderedFile<'a> {
    report: &'a FileReport,
    findings: Vec<&'a Finding>,
}

/// Files sorted by path, each with its findings sorted by line, column, code and message.
fn files_in_order(reports: &[FileReport]) -> Vec<OrderedFile<'_>> {
    let mut files: Vec<OrderedFile<'_>> = reports
        .iter()
        .map(|report| {
            let mut findings: Vec<&Finding> = report.findings.iter().collect();
            findings.sort_by(|a, b| {
                (a.line, a.column, a.code(), &a.message).cmp(&(
                    b.line,
                    b.column,
                    b.code(),
                    &b.message,
                ))
            });
            OrderedFile { report, findings }
        })
        .collect();
    files.sort_by(|a, b| a.report.file.cmp(&b.report.file));
    files
}

/// Counts of errors and warnings over all files.
fn total_tally(files: &[OrderedFile<'_>]) -> Tally {
    let mut tally = Tally::default();
    for file in files {
        tally.add(Tally::of(file.findings.iter().copied()));
    }
    tally
}

/// A one-line title such as `DP011 missing-required`.
fn finding_title(finding: &Finding) -> String {
    format!("{} {}", finding.rule.code, finding.rule.name)
}

/// The message followed, when there is one, by the hint on its own line.
fn message_with_hint(finding: &Finding) -> String {
    if finding.hint.is_empty() {
        finding.message.clone()
    } else {
        format!("{}\nhint: {}", finding.message, finding.hint)
    }
}

/// The files a run checked: its reports less those of folders (`agreements/` when it holds no
/// agreement or a stray entry), which are findings about the workspace, not files checked.
fn files_checked(files: &[OrderedFile<'_>]) -> usize {
    files
        .iter()
        .filter(|f| !f.report.file.ends_with('/'))
        .count()
}

/// `file:line:column` of a finding; a folder (its path ends in `/`, as `agreements/` in a
/// stray-entry finding) has no lines, so it is named alone.
fn location(finding: &Finding) -> String {
    if finding.file.ends_with('/') {
        return finding.file.clone();
    }
    format!("{}:{}:{}", finding.file, finding.line, finding.column)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Findings and reports shared by the unit tests of the format modules.
    use super::*;
    use crate::diagnostics::{Position, Rule};
    use crate::rules;

    pub fn finding(
        rule: &'static Rule,
        file: &str,
        line: usize,
        column: usize,
        message: &str,
        hint: &str,
    ) -> Finding {
        Finding::new(rule, file, Position { line, column }, message, hint)
    }

    pub fn context() -> ReportContext<'static> {
        ReportContext {
            command: "check",
            tool_version: "0.1.0",
            deny_warnings: false,
            repo_prefix: "",
        }
    }

    /// Two files: one with an error and a warning, one clean.
    pub fn sample() -> Vec<FileReport> {
        vec![
            FileReport {
                file: "agreements/zeta.toml".into(),
                agreement: Some("zeta".into()),
                findings: vec![],
                families: vec![Family::File, Family::Structure],
                skipped: vec![],
            },
            FileReport {
                file: "agreements/alpha.toml".into(),
                agreement: Some("alpha".into()),
                findings: vec![
                    finding(
                        &rules::content::RETENTION_PARTY,
                        "agreements/alpha.toml",
                        30,
                        1,
                        "party essex-cc has no retention rule",
                        "add [[retention]] for essex-cc",
                    ),
                    finding(
                        &rules::structure::MISSING_REQUIRED,
                        "agreements/alpha.toml",
                        12,
                        5,
                        "missing required key purpose.description",
                        "describe the purpose",
                    ),
                ],
                families: vec![Family::File, Family::Structure, Family::Content],
                skipped: vec![],
            },
        ]
    }

    pub fn render(format: Format, reports: &[FileReport], ctx: &ReportContext<'_>) -> String {
        let mut out = Vec::new();
        write_report(&mut out, format, reports, ctx).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("reports are UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::rules;

    #[test]
    fn files_are_sorted_by_path_and_findings_by_position() {
        let reports = sample();
        let files = files_in_order(&reports);
        assert_eq!(files[0].report.file, "agreements/alpha.toml");
        assert_eq!(files[0].findings[0].code(), "DP011");
        assert_eq!(files[0].findings[1].code(), "DP117");
    }

    #[test]
    fn hint_follows_message_on_its_own_line() {
        let f = finding(
            &rules::structure::MISSING_REQUIRED,
            "a.toml",
            1,
            1,
            "m",
            "h",
        );
        assert_eq!(message_with_hint(&f), "m\nhint: h");
        let no_hint = finding(&rules::structure::MISSING_REQUIRED, "a.toml", 1, 1, "m", "");
        assert_eq!(message_with_hint(&no_hint), "m");
    }
}
