//! The SARIF 2.1.0 format, as GitHub code scanning accepts it: one run whose driver lists every
//! rule that has a result (in code order), and one result per finding with its rule id and
//! index, level, a message object and one physical location relative to `%SRCROOT%`.
//!
//! Rule ids are the stable finding codes and artifact URIs the workspace-relative paths, so
//! code scanning matches results between runs.

use super::{OrderedFile, ReportContext, TOOL_NAME, message_with_hint};
use crate::diagnostics::Rule;
use crate::diagnostics::{Finding, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The project page named in the driver, from Cargo.toml `repository` (omitted while unset).
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

pub(super) fn write(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    ctx: &ReportContext,
) -> io::Result<()> {
    let findings: Vec<&Finding> = files
        .iter()
        .flat_map(|f| f.findings.iter().copied())
        .collect();
    let rule_index = rule_indices(&findings);
    let used: BTreeMap<&'static str, &'static Rule> =
        findings.iter().map(|f| (f.code(), f.rule)).collect();
    let rules: Vec<Value> = used.into_values().map(rule_descriptor).collect();
    let results: Vec<Value> = findings.iter().map(|f| result(f, &rule_index)).collect();

    let mut driver = json!({ "name": TOOL_NAME, "version": ctx.tool_version, "rules": rules });
    if !INFORMATION_URI.is_empty() {
        driver["informationUri"] = json!(INFORMATION_URI);
    }
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Each code that has a finding, in code order, with its index in `driver.rules`.
fn rule_indices(findings: &[&Finding]) -> BTreeMap<&'static str, usize> {
    let mut codes: BTreeMap<&'static str, usize> = findings.iter().map(|f| (f.code(), 0)).collect();
    for (index, slot) in codes.values_mut().enumerate() {
        *slot = index;
    }
    codes
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The `reportingDescriptor` of a code, from the catalogue.
fn rule_descriptor(rule: &'static Rule) -> Value {
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": format!("{} Source: {}", rule.summary, rule.source) },
        "help": {
            "text": format!("{}\nSource: {}\nRun `datapact explain {}` or see {}.", rule.summary, rule.source, rule.code, crate::rules::doc::doc_url(rule.code)),
        },
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": { "tags": [rule.family.as_str()] },
    })
}

fn result(finding: &Finding, rule_index: &BTreeMap<&'static str, usize>) -> Value {
    json!({
        "ruleId": finding.code(),
        "ruleIndex": rule_index.get(finding.code()).copied().unwrap_or(0),
        "level": level(finding.severity),
        "message": { "text": message_with_hint(finding) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri_path(&finding.file), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": finding.line.max(1), "startColumn": finding.column.max(1) },
            },
        }],
        "properties": { "family": finding.rule.family.as_str() },
    })
}

/// A workspace-relative path as a URI reference: bytes other than unreserved characters and
/// `/` are percent-encoded, so a space or `#` in a file name cannot break the URI.
fn uri_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn rules_in_code_order_and_results_point_at_them() {
        let doc: Value =
            serde_json::from_str(&render(Format::Sarif, &sample(), &context())).unwrap();
        let run = &doc["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["DP011", "DP117"]);
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(result["message"]["text"].is_string());
            assert!(!result["locations"].as_array().unwrap().is_empty());
        }
        assert_eq!(run["results"][1]["level"], "warning");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri_path("agreements/a b#1.toml"),
            "agreements/a%20b%231.toml"
        );
        assert_eq!(uri_path("agreements/é.toml"), "agreements/%C3%A9.toml");
    }
}
