//! The JUnit XML format: one `<testsuite>` per check family, one `<testcase>` per file per
//! family run on it (class name: the agreement id, or the file when the id is unknown).
//!
//! A test case fails with one `<failure>` whose body lists every failing finding; warnings are
//! failures only when warnings fail the run, otherwise they are listed in `<system-out>`. A
//! family with findings in a file is reported for that file even if the caller did not list it,
//! so no finding is lost. Text goes through quick-xml's writer, which escapes markup; characters
//! that XML 1.0 cannot carry at all are replaced.

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

/// One file checked by one family.
struct TestCase<'a> {
    classname: &'a str,
    family: Family,
    failures: Vec<&'a Finding>,
    notes: Vec<&'a Finding>,
}

pub(super) fn write(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    ctx: &ReportContext,
) -> io::Result<()> {
    let suites: Vec<(Family, Vec<TestCase<'_>>)> = FAMILY_ORDER
        .iter()
        .map(|&family| (family, test_cases(files, family, ctx.deny_warnings)))
        .filter(|(_, cases)| !cases.is_empty())
        .collect();
    let total_tests: usize = suites.iter().map(|(_, cases)| cases.len()).sum();
    let total_failures: usize = suites.iter().map(|(_, cases)| failure_count(cases)).sum();

    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", format!("{TOOL_NAME} {}", ctx.command).as_str()))
        .with_attribute(("tests", total_tests.to_string().as_str()))
        .with_attribute(("failures", total_failures.to_string().as_str()))
        .write_inner_content(|writer| {
            for (family, cases) in &suites {
                write_suite(writer, *family, cases)?;
            }
            Ok(())
        })?;
    writeln!(writer.get_mut())
}

fn failure_count(cases: &[TestCase<'_>]) -> usize {
    cases
        .iter()
        .filter(|case| !case.failures.is_empty())
        .count()
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
            if in_family.is_empty() && !file.report.families.contains(&family) {
                return None;
            }
            let (failures, notes) = in_family
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
                notes,
            })
        })
        .collect()
}

fn write_suite<W: Write>(
    writer: &mut Writer<W>,
    family: Family,
    cases: &[TestCase<'_>],
) -> io::Result<()> {
    writer
        .create_element("testsuite")
        .with_attribute(("name", family.as_str()))
        .with_attribute(("tests", cases.len().to_string().as_str()))
        .with_attribute(("failures", failure_count(cases).to_string().as_str()))
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
    if case.failures.is_empty() && case.notes.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|writer| {
        if let Some(first) = case.failures.first() {
            writer
                .create_element("failure")
                .with_attribute((
                    "message",
                    xml_safe(&failure_message(first, case.failures.len())).as_str(),
                ))
                .with_attribute(("type", first.code()))
                .write_text_content(BytesText::new(&xml_safe(&listing(&case.failures))))?;
        }
        if !case.notes.is_empty() {
            writer
                .create_element("system-out")
                .write_text_content(BytesText::new(&xml_safe(&listing(&case.notes))))?;
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

    #[test]
    fn suites_per_family_cases_per_file() {
        let text = render(Format::Junit, &sample(), &context());
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(
            text.contains(r#"<testsuites name="datapact check" tests="5" failures="1">"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<testsuite name="structure" tests="2" failures="1">"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<testsuite name="content" tests="1" failures="0">"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<testcase classname="zeta" name="structure"/>"#),
            "{text}"
        );
        assert!(
            text.contains("<system-out>agreements/alpha.toml:30:1: warning[DP117]"),
            "{text}"
        );
    }

    #[test]
    fn warnings_fail_when_denied() {
        let ctx = ReportContext {
            deny_warnings: true,
            ..context()
        };
        let text = render(Format::Junit, &sample(), &ctx);
        assert!(
            text.contains(r#"<testsuite name="content" tests="1" failures="1">"#),
            "{text}"
        );
        assert!(!text.contains("<system-out>"), "{text}");
    }

    #[test]
    fn forbidden_characters_are_replaced_and_markup_escaped() {
        let mut reports = sample();
        reports[1].findings[0].message = "bad \u{1} <x> & \"q\"".into();
        let text = render(Format::Junit, &reports, &context());
        assert!(!text.contains('\u{1}'));
        assert!(text.contains("bad \u{fffd} &lt;x&gt; &amp;"), "{text}");
    }
}
