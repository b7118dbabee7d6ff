//! The GitHub format: workflow commands that GitHub Actions turns into annotations,
//! `::error file=F,line=L,col=C,title=T::message`, one line per finding.
//!
//! Escaping follows the Actions runner: in the message `%`, CR and LF are percent-encoded; in
//! property values `:` and `,` are too. An annotation never fails a job: the exit code does.

use super::{OrderedFile, ReportContext, finding_title, message_with_hint};
use crate::diagnostics::Finding;
use std::io::{self, Write};

pub(super) fn write(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    ctx: &ReportContext<'_>,
) -> io::Result<()> {
    for finding in files.iter().flat_map(|f| f.findings.iter()) {
        writeln!(out, "{}", annotation(finding, ctx))?;
    }
    Ok(())
}

/// The workflow command of one finding; the file relative to the repository root, which is
/// what GitHub attaches annotations to.
fn annotation(finding: &Finding, ctx: &ReportContext<'_>) -> String {
    format!(
        "::{} file={},line={},col={},title={}::{}",
        finding.severity.as_str(),
        escape_property(&ctx.repo_path(&finding.file)),
        finding.line,
        finding.column,
        escape_property(&finding_title(finding)),
        escape_message(&message_with_hint(finding))
    )
}

/// Escapes the message part of a workflow command.
pub(crate) fn escape_message(text: &str) -> String {
    escape(text, false)
}

/// Escapes a property value of a workflow command.
pub(crate) fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, is_property: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' if is_property => escaped.push_str("%3A"),
            ',' if is_property => escaped.push_str("%2C"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn message_escapes_percent_cr_lf_only() {
        assert_eq!(escape_message("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
    }

    #[test]
    fn property_also_escapes_colon_and_comma() {
        assert_eq!(
            escape_property("100% a:b,c\r\nd"),
            "100%25 a%3Ab%2Cc%0D%0Ad"
        );
    }

    #[test]
    fn one_annotation_per_finding_with_hint_in_message() {
        let text = render(Format::Github, &sample(), &context());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=agreements/alpha.toml,line=12,col=5,title=DP011 missing-required::missing required key purpose.description%0Ahint: describe the purpose",
                "::warning file=agreements/alpha.toml,line=30,col=1,title=DP117 retention-party::party essex-cc has no retention rule%0Ahint: add [[retention]] for essex-cc",
            ]
        );
    }

    /// Undoes [`escape`], as the Actions runner does.
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    proptest::proptest! {
        #[test]
        fn escaping_round_trips_and_leaves_no_separator(text in "[%:,\r\na0]{0,40}|\\PC{0,60}") {
            let property = escape_property(&text);
            proptest::prop_assert!(!property.contains([':', ',', '\r', '\n']));
            proptest::prop_assert_eq!(unescape(&property), text.clone());
            let message = escape_message(&text);
            proptest::prop_assert!(!message.contains(['\r', '\n']));
            proptest::prop_assert_eq!(unescape(&message), text);
        }
    }
}
