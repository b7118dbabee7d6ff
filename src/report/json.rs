//! The JSON format: the stable shape documented in docs/output.md, and [`Envelope`], the fields
//! every JSON output of datapact begins with (`validate`, `check`, `status`, `verify`,
//! `keys list`, `log`, `diff`), each described by a JSON Schema in docs/schemas/.
//!
//! `format_version` changes only when a field is removed or changes meaning; new fields may be
//! added without changing it. It is one number for every JSON output.

use super::{OrderedFile, ReportContext, TOOL_NAME, total_tally};
use crate::diagnostics::Family;
use crate::diagnostics::{Finding, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// Version of the JSON shapes: 2 since every output has the [`Envelope`] and calls an
/// agreement's id `id` (1 before).
pub const FORMAT_VERSION: u32 = 2;

/// What every JSON document of datapact begins with: the shape's version, the tool, the command
/// that wrote it, and the day it judged dates against (`--today`, or today in the workspace's
/// time zone; null only where no workspace was opened).
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    pub format_version: u32,
    pub tool: &'static str,
    pub tool_version: &'static str,
    pub command: &'static str,
    pub today: Option<chrono::NaiveDate>,
}

impl Envelope {
    /// The envelope of `command`'s output (`"keys list"` for a subcommand), judged on `today`.
    pub fn new(command: &'static str, today: Option<chrono::NaiveDate>) -> Envelope {
        Envelope {
            format_version: FORMAT_VERSION,
            tool: TOOL_NAME,
            tool_version: env!("CARGO_PKG_VERSION"),
            command,
            today,
        }
    }

    /// The document of a command: the envelope's fields, then `body`'s (an object).
    pub fn with(self, body: serde_json::Value) -> serde_json::Value {
        let mut doc = serde_json::to_value(self).unwrap_or_default();
        if let (Some(doc), serde_json::Value::Object(body)) = (doc.as_object_mut(), body) {
            doc.extend(body);
        }
        doc
    }
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    envelope: Envelope,
    files: Vec<FileEntry<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    file: &'a str,
    id: Option<&'a str>,
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
    today: Option<chrono::NaiveDate>,
) -> io::Result<()> {
    let tally = total_tally(files);
    let document = Document {
        envelope: Envelope {
            tool_version: ctx.tool_version,
            ..Envelope::new(ctx.command, today)
        },
        files: files
            .iter()
            .map(|f| FileEntry {
                file: &f.report.file,
                id: f.report.agreement.as_deref(),
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
        assert_eq!(doc["format_version"], 2);
        assert_eq!(doc["tool"], "datapact");
        assert_eq!(doc["command"], "check");
        assert_eq!(
            doc["summary"],
            json!({"files": 2, "errors": 1, "warnings": 1})
        );
        assert_eq!(
            doc["files"][1],
            json!({"file": "agreements/zeta.toml", "id": "zeta", "findings": []})
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
