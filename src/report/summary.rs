//! The GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`): a Markdown section with the run's
//! verdict, its counts and a table of every finding (up to [`MAX_ROWS`]), because GitHub shows
//! at most 10 error and 10 warning annotations per step.
//!
//! Every value from a file (paths, messages, hints) is escaped for GitHub-flavoured Markdown
//! with [`crate::text::markdown_cell`] (and `~`, which GitHub reads as strike-through), and its
//! control characters written visibly, so an agreement cannot add markup, links, HTML or rows
//! to the summary. Paths are relative to the repository root, like the annotations.

use super::{OrderedFile, ReportContext, TOOL_NAME, files_in_order, total_tally};
use crate::diagnostics::Finding;
use crate::error::Outcome;
use crate::report::FileReport;
use crate::rules;
use std::io::{self, Write};

/// The most findings listed; GitHub accepts up to 1 MiB of summary per step.
pub const MAX_ROWS: usize = 500;

/// Writes the Markdown summary of a run of `ctx.command` that ended with `outcome`.
pub fn write_step_summary(
    out: &mut dyn Write,
    reports: &[FileReport],
    ctx: &ReportContext<'_>,
    outcome: Outcome,
) -> io::Result<()> {
    let files = files_in_order(reports);
    let tally = total_tally(&files);
    let verdict = match outcome {
        Outcome::Clean => "passed",
        Outcome::Problems => "failed",
        Outcome::Unreadable => "failed: some files could not be read",
    };
    writeln!(out, "## {TOOL_NAME} {}: {verdict}\n", ctx.command)?;
    writeln!(
        out,
        "{} checked: {}, {}{}.\n",
        plural(super::files_checked(&files), "file"),
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning"),
        if ctx.deny_warnings {
            " (warnings fail this run)"
        } else {
            ""
        }
    )?;
    let findings: Vec<&Finding> = files
        .iter()
        .flat_map(|f: &OrderedFile<'_>| f.findings.iter().copied())
        .collect();
    if findings.is_empty() {
        return writeln!(out);
    }
    writeln!(out, "| severity | rule | file | line | message |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for finding in findings.iter().take(MAX_ROWS) {
        let rule = match rules::doc_url(finding.code()) {
            Some(url) => format!("[{}]({url}) {}", finding.code(), finding.rule.name),
            None => format!("{} {}", finding.code(), finding.rule.name),
        };
        let message = if finding.hint.is_empty() {
            cell(&finding.message)
        } else {
            format!(
                "{}<br>hint: {}",
                cell(&finding.message),
                cell(&finding.hint)
            )
        };
        writeln!(
            out,
            "| {} | {rule} | {} | {}:{} | {message} |",
            finding.severity.as_str(),
            cell(&ctx.repo_path(&finding.file)),
            finding.line,
            finding.column,
        )?;
    }
    if findings.len() > MAX_ROWS {
        writeln!(
            out,
            "\n{} more not listed: run `datapact {}` for all of them.",
            plural(findings.len() - MAX_ROWS, "finding"),
            ctx.command
        )?;
    }
    writeln!(out)
}

/// `1 error`, `2 errors`.
fn plural(n: usize, noun: &str) -> String {
    crate::text::plural(n, noun, &format!("{noun}s"))
}

/// Text from a file as one table cell: Markdown escaped, `~` too, control characters (line
/// breaks included) written as Rust writes them.
fn cell(text: &str) -> String {
    let visible: String = text
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    crate::text::markdown_cell(&visible).replace('~', "\\~")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn summary(reports: &[FileReport], outcome: Outcome) -> String {
        let mut out = Vec::new();
        let ctx = ReportContext {
            repo_prefix: "sub/ws/",
            ..context()
        };
        write_step_summary(&mut out, reports, &ctx, outcome).expect("in memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn verdict_counts_and_one_row_per_finding() {
        let text = summary(&sample(), Outcome::Problems);
        assert!(
            text.starts_with("## datapact check: failed\n\n2 files checked: 1 error, 1 warning.\n"),
            "{text}"
        );
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("| error") || l.starts_with("| warning"))
            .collect();
        assert_eq!(rows.len(), 2, "{text}");
        assert!(
            rows[0].contains("| sub/ws/agreements/alpha.toml | 12:5 |"),
            "{text}"
        );
        assert!(rows[0].contains("[DP011](https://github.com/datapact/datapact/blob/main/docs/rules.md#dp011-missing-required) missing-required"), "{text}");
    }

    #[test]
    fn hostile_text_stays_text() {
        let mut reports = sample();
        reports[1].findings[0].message =
            "<img src=x onerror=alert(1)> | injected | row |\n| error | x\n[link](https://evil) **b** ~~s~~".into();
        let text = summary(&reports, Outcome::Problems);
        let row = text
            .lines()
            .find(|l| l.starts_with("| warning"))
            .expect("the warning's row");
        // Every `<` is escaped but the summary's own line break before the hint.
        let ours = row.replacen("<br>hint", "", 1);
        assert!(
            ours.match_indices('<')
                .all(|(i, _)| ours[..i].ends_with('\\')),
            "{row}"
        );
        assert!(row.contains("\\<img"), "{row}");
        assert!(
            !text.lines().any(|l| l.starts_with("| error | x")),
            "{text}"
        );
        // Every unescaped `|` in the row is one of the table's own five cell borders.
        let borders = row
            .match_indices('|')
            .filter(|(i, _)| !row[..*i].ends_with('\\'))
            .count();
        assert_eq!(borders, 6, "{row}");
        assert!(
            row.contains("\\[link\\](https://evil) \\*\\*b\\*\\* \\~\\~s\\~\\~"),
            "{row}"
        );
    }
}
