//! The JUnit XML format: one `<testsuite>` per check family, one `<testcase>` per file per
//! family meant to run on it (class name: the agreement id, or the file when the id is unknown),
//! valid under a schema of what Jenkins' xunit plugin accepts (`tests/schemas/junit-jenkins.xsd`).
//!
//! A test case with failing findings has one `<failure>` (`<error>` when the file could not be
//! read at all, the findings that make exit code 2) whose body lists them, then the file's
//! other warnings in that family. A case with only warnings that do not fail the run has a
//! `<failure type="warning">`: GitLab shows only failures, errors and skips (never
//! `<system-out>`), and Jenkins marks the build unstable, its own signal for warnings. A family
//! that could not run on a file (an earlier stage failed) is `<skipped>`, never a pass. A
//! family with findings in a file is reported for that file even if the caller did not list it,
//! so no finding is lost. Text goes through quick-xml's writer, which escapes markup;
//! characters that XML 1.0 cannot carry at all are replaced.

use super::{OrderedFile, ReportContext, TOOL_NAME, finding_title, location, message_with_hint};
use crate::diagnostics::Family;
use crate::diagnostics::{Finding, Severity};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io::{self, Write};

/// Test suites in the order the checks run.
const FAMILY_ORDER: [Family; 6] = [
    Family::File,
    Family::Structure,
    Family::Content,
    Family::Signatures,
    Family::Expiry,
    Family::History,
];

/// One file checked (or not) by one family.
struct TestCase<'a> {
    classname: &'a str,
    family: Family,
    /// Findings that fail the run: errors, and warnings when they fail it too.
    failures: Vec<&'a Finding>,
    /// Warnings that do not fail the run.
    warnings: Vec<&'a Finding>,
    /// The family could not run on this file.
    skipped: bool,
}

/// How a test case ends, which is the element it holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Passed,
    Failed,
    /// The file could not be read at all (exit code 2).
    Error,
    Warned,
    Skipped,
}

impl TestCase<'_> {
    fn status(&self) -> Status {
        if self.failures.iter().any(|f| f.rule.unreadable) {
            Status::Error
        } else if !self.failures.is_empty() {
            Status::Failed
        } else if !self.warnings.is_empty() {
            Status::Warned
        } else if self.skipped {
            Status::Skipped
        } else {
            Status::Passed
        }
    }
}

/// `tests`, `failures` (warnings included), `errors` and `skipped` of some test cases.
fn counts(cases: &[TestCase<'_>]) -> [usize; 4] {
    let count = |wanted: &[Status]| {
        cases
            .iter()
            .filter(|c| wanted.contains(&c.status()))
            .count()
    };
    [
        cases.len(),
        count(&[Status::Failed, Status::Warned]),
        count(&[Status::Error]),
        count(&[Status::Skipped]),
    ]
}

pub(super) fn write(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    ctx: &ReportContext<'_>,
) -> io::Result<()> {
    let suites: Vec<(Family, Vec<TestCase<'_>>)> = FAMILY_ORDER
        .iter()
        .map(|&family| (family, test_cases(files, family, ctx.deny_warnings)))
        .filter(|(_, cases)| !cases.is_empty())
        .collect();
    let all: Vec<[usize; 4]> = suites.iter().map(|(_, cases)| counts(cases)).collect();
    let total = |i: usize| all.iter().map(|c| c[i]).sum::<usize>().to_string();

    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", format!("{TOOL_NAME} {}", ctx.command).as_str()))
        .with_attribute(("tests", total(0).as_str()))
        .with_attribute(("failures", total(1).as_str()))
        .with_attribute(("errors", total(2).as_str()))
        .write_inner_content(|writer| {
            for (family, cases) in &suites {
                write_suite(writer, *family, cases)?;
            }
            Ok(())
        })?;
    writeln!(writer.get_mut())
}

fn test_cases<'a>(
    files: &[OrderedFile<'a>],
    family: Family,
    deny_warnings: bool,
) -> Vec<TestCase<'a>> {
    files
        .iter()
        .filter_map(|file| {
            let in_family: Vec<&Finding> = file
                .findings
                .iter()
                .copied()
                .filter(|f| f.rule.family == family)
                .collect();
            let skipped = file.report.skipped.contains(&family);
            if in_family.is_empty() && !file.report.families.contains(&family) && !skipped {
                return None;
            }
            let (failures, warnings) = in_family
                .into_iter()
                .partition(|f| f.severity == Severity::Error || deny_warnings);
            Some(TestCase {
                classname: file
                    .report
                    .agreement
                    .as_deref()
                    .unwrap_or(&file.report.file),
                family,
                failures,
                warnings,
                skipped,
            })
        })
        .collect()
}

fn write_suite<W: Write>(
    writer: &mut Writer<W>,
    family: Family,
    cases: &[TestCase<'_>],
) -> io::Result<()> {
    let [tests, failures, errors, skipped] = counts(cases);
    writer
        .create_element("testsuite")
        .with_attribute(("name", family.as_str()))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", errors.to_string().as_str()))
        .with_attribute(("skipped", skipped.to_string().as_str()))
        .write_inner_content(|writer| {
            for case in cases {
                write_case(writer, case)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_case<W: Write>(writer: &mut Writer<W>, case: &TestCase<'_>) -> io::Result<()> {
    let element = writer
        .create_element("testcase")
        .with_attribute(("classname", xml_safe(case.classname).as_str()))
        .with_attribute(("name", case.family.as_str()));
    let (tag, kind, message, listed) = match case.status() {
        Status::Passed => {
            element.write_empty()?;
            return Ok(());
        }
        Status::Skipped => (
            "skipped",
            String::new(),
            format!(
                "not checked: the {} checks need a file that reads and validates; see this file's other test cases",
                case.family.as_str()
            ),
            Vec::new(),
        ),
        Status::Warned => (
            "failure",
            "warning".to_string(),
            format!(
                "warning: {}",
                failure_message(case.warnings[0], case.warnings.len())
            ),
            case.warnings.clone(),
        ),
        status => {
            let first = case.failures[0];
            let mut listed = case.failures.clone();
            listed.extend(&case.warnings);
            (
                if status == Status::Error {
                    "error"
                } else {
                    "failure"
                },
                first.code().to_string(),
                failure_message(first, case.failures.len()),
                listed,
            )
        }
    };
    element.write_inner_content(|writer| {
        let mut inner = writer
            .create_element(tag)
            .with_attribute(("message", xml_safe(&message).as_str()));
        if !kind.is_empty() {
            inner = inner.with_attribute(("type", kind.as_str()));
        }
        if listed.is_empty() {
            inner.write_empty()?;
        } else {
            inner.write_text_content(BytesText::new(&xml_safe(&listing(&listed))))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `DP011 missing-required: message`, with how many more when there are several.
fn failure_message(first: &Finding, count: usize) -> String {
    let message = format!("{}: {}", finding_title(first), first.message);
    match count {
        0 | 1 => message,
        n => format!("{message} (and {} more)", n - 1),
    }
}

/// One block per finding: `file:line:col: severity[code]: message`, then the hint.
fn listing(findings: &[&Finding]) -> String {
    let mut text = String::new();
    for finding in findings {
        text.push_str(&format!(
            "{}: {}[{}]: {}\n",
            location(finding),
            finding.severity.as_str(),
            finding.code(),
            message_with_hint(finding)
        ));
    }
    text
}

/// Replaces the characters XML 1.0 forbids even when escaped (most C0 controls, U+FFFE, U+FFFF).
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => char::REPLACEMENT_CHARACTER,
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::test_support::*;
    use super::*;

    /// Fails, showing the whole report, unless it contains `part`.
    fn has(text: &str, part: &str) {
        assert!(text.contains(part), "no {part:?} in:\n{text}");
    }

    #[test]
    fn suites_per_family_cases_per_file() {
        let text = render(Format::Junit, &sample(), &context());
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        has(
            &text,
            r#"<testsuites name="datapact check" tests="5" failures="2" errors="0">"#,
        );
        has(
            &text,
            r#"<testsuite name="structure" tests="2" failures="1" errors="0" skipped="0">"#,
        );
        has(
            &text,
            r#"<testsuite name="content" tests="1" failures="1" errors="0" skipped="0">"#,
        );
        has(&text, r#"<testcase classname="zeta" name="structure"/>"#);
        has(
            &text,
            r#"<failure message="warning: DP117 retention-party: party essex-cc has no retention rule" type="warning">agreements/alpha.toml:30:1: warning[DP117]"#,
        );
        assert!(!text.contains("<system-out>"), "{text}");
    }

    #[test]
    fn warnings_fail_when_denied() {
        let ctx = ReportContext {
            deny_warnings: true,
            ..context()
        };
        let text = render(Format::Junit, &sample(), &ctx);
        has(
            &text,
            r#"<testsuite name="content" tests="1" failures="1" errors="0" skipped="0">"#,
        );
        has(&text, r#"type="DP117""#);
    }

    #[test]
    fn families_that_could_not_run_are_skipped_and_unreadable_files_are_errors() {
        let mut reports = sample();
        reports[1].skipped = vec![Family::Expiry];
        reports[0].findings = vec![finding(
            &crate::rules::file::TOML_SYNTAX,
            "agreements/zeta.toml",
            3,
            1,
            "expected `=`",
            "fix the syntax",
        )];
        let text = render(Format::Junit, &reports, &context());
        has(
            &text,
            r#"<testsuite name="expiry" tests="1" failures="0" errors="0" skipped="1">"#,
        );
        has(
            &text,
            "<testcase classname=\"alpha\" name=\"expiry\">\n      <skipped message=\"not checked: the expiry checks",
        );
        has(
            &text,
            r#"<testsuite name="file" tests="2" failures="0" errors="1" skipped="0">"#,
        );
        has(
            &text,
            r#"<error message="DP005 toml-syntax: expected `=`" type="DP005">"#,
        );
        has(&text, r#"tests="6" failures="2" errors="1">"#);
    }

    #[test]
    fn forbidden_characters_are_replaced_and_markup_escaped() {
        let mut reports = sample();
        reports[1].findings[0].message = "bad \u{1} <x> & \"q\"".into();
        let text = render(Format::Junit, &reports, &context());
        assert!(!text.contains('\u{1}'));
        has(&text, "bad \u{fffd} &lt;x&gt; &amp;");
    }
}
