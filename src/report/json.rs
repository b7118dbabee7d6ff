//! The JSON format: the stable shape documented in docs/output.md.
//!
//! `format_version` changes only when a field is removed or changes meaning; new fields may be
//! added without changing it.

use super::{OrderedFile, ReportContext, TOOL_NAME, total_tally};
use crate::diagnostics::Family;
use crate::diagnostics::{Finding, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// Version of the JSON shape.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    tool: &'static str,
    tool_version: &'static str,
    command: &'static str,
    files: Vec<FileEntry<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    file: &'a str,
    agreement: Option<&'a str>,
    findings: Vec<FindingEntry<'a>>,
}

#[derive(Serialize)]
struct FindingEntry<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    family: Family,
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    hint: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

impl<'a> FindingEntry<'a> {
    fn of(finding: &'a Finding) -> Self {
        FindingEntry {
            code: finding.code(),
            name: finding.rule.name,
            severity: finding.severity,
            family: finding.rule.family,
            file: &finding.file,
            line: finding.line,
            column: finding.column,
            message: &finding.message,
            hint: &finding.hint,
        }
    }
}

pub(super) fn write(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    ctx: &ReportContext,
) -> io::Result<()> {
    let tally = total_tally(files);
    let document = Document {
        format_version: FORMAT_VERSION,
        tool: TOOL_NAME,
        tool_version: ctx.tool_version,
        command: ctx.command,
        files: files
            .iter()
            .map(|f| FileEntry {
                file: &f.report.file,
                agreement: f.report.agreement.as_deref(),
                findings: f
                    .findings
                    .iter()
                    .map(|finding| FindingEntry::of(finding))
                    .collect(),
            })
            .collect(),
        summary: Summary {
            files: files.len(),
            errors: tally.errors,
            warnings: tally.warnings,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::test_support::*;
    use serde_json::{Value, json};

    #[test]
    fn documented_shape() {
        let text = render(Format::Json, &sample(), &context());
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["format_version"], 1);
        assert_eq!(doc["tool"], "datapact");
        assert_eq!(doc["command"], "check");
        assert_eq!(
            doc["summary"],
            json!({"files": 2, "errors": 1, "warnings": 1})
        );
        assert_eq!(
            doc["files"][1],
            json!({"file": "agreements/zeta.toml", "agreement": "zeta", "findings": []})
        );
        assert_eq!(
            doc["files"][0]["findings"][0],
            json!({
                "code": "DP011", "name": "missing-required", "severity": "error", "family": "structure",
                "file": "agreements/alpha.toml", "line": 12, "column": 5,
                "message": "missing required key purpose.description", "hint": "describe the purpose"
            })
        );
    }

    /// The object keys of a JSON value, recursively, with array elements merged.
    fn shape(value: &Value) -> std::collections::BTreeSet<String> {
        let mut keys = std::collections::BTreeSet::new();
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    keys.insert(key.clone());
                    keys.extend(shape(child).into_iter().map(|k| format!("{key}.{k}")));
                }
            }
            Value::Array(items) => items.iter().for_each(|item| keys.extend(shape(item))),
            _ => {}
        }
        keys
    }

    #[test]
    fn docs_example_has_the_real_shape() {
        let doc = include_str!("../../docs/output.md");
        let example = doc
            .split("```json\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("docs/output.md has a json example");
        let example: Value = serde_json::from_str(example).unwrap();
        let real: Value =
            serde_json::from_str(&render(Format::Json, &sample(), &context())).unwrap();
        assert_eq!(shape(&example), shape(&real));
    }
}
