//! The SARIF 2.1.0 format, as GitHub code scanning accepts it: one run whose driver lists every
//! rule that has a result (in code order), and one result per finding with its rule id and
//! index, level, a message object and one physical location relative to `%SRCROOT%`.
//!
//! Rule ids are the stable finding codes and artifact URIs the paths relative to the git
//! repository's root (what `%SRCROOT%` is when GitHub uploads a log), so code scanning matches
//! results between runs; each result also has a `partialFingerprints` entry that does not
//! depend on its line, so an alert follows its finding when lines move. The driver names the
//! project (`informationUri`) and each rule its section of docs/rules.md (`helpUri`,
//! [`rules::doc_url`]).

use super::{OrderedFile, ReportContext, TOOL_NAME};
use crate::diagnostics::Rule;
use crate::diagnostics::{Finding, Severity};
use crate::rules;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The project page named in the driver, from Cargo.toml `homepage`.
const INFORMATION_URI: &str = env!("CARGO_PKG_HOMEPAGE");

/// The key of datapact's fingerprint in `partialFingerprints`; the version is raised if what it
/// hashes ever changes, so code scanning does not match old alerts to new fingerprints.
const FINGERPRINT_KEY: &str = "datapact/v1";

pub(super) fn write(
    out: &mut dyn Write,
    files: &[OrderedFile<'_>],
    ctx: &ReportContext<'_>,
) -> io::Result<()> {
    let findings: Vec<&Finding> = files
        .iter()
        .flat_map(|f| f.findings.iter().copied())
        .collect();
    let rule_index = rule_indices(&findings);
    let used: BTreeMap<&'static str, &'static Rule> =
        findings.iter().map(|f| (f.code(), f.rule)).collect();
    let rules: Vec<Value> = used.into_values().map(rule_descriptor).collect();
    let mut seen = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let path = ctx.repo_path(&f.file);
            let fingerprint = fingerprint(f, &path, &mut seen);
            result(f, &path, fingerprint, &rule_index)
        })
        .collect();

    let driver = json!({
        "name": TOOL_NAME,
        "version": ctx.tool_version,
        "semanticVersion": ctx.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    });
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
            "text": format!("{}\nSource: {}\nRun `datapact explain {}` or see {}.", rule.summary, rule.source, rule.code, rules::doc::rule_url(rule)),
        },
        "helpUri": rules::doc::rule_url(rule),
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": { "tags": [rule.family.as_str()] },
    })
}

fn result(
    finding: &Finding,
    path: &str,
    fingerprint: String,
    rule_index: &BTreeMap<&'static str, usize>,
) -> Value {
    json!({
        "ruleId": finding.code(),
        "ruleIndex": rule_index.get(finding.code()).copied().unwrap_or(0),
        "level": level(finding.severity),
        "message": { "text": message_text(finding) },
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri_path(path), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": finding.line.max(1), "startColumn": finding.column.max(1) },
            },
        }],
        "properties": { "family": finding.rule.family.as_str() },
    })
}

/// The message as sentences (SARIF viewers and Microsoft's validator, SARIF2001, expect each to
/// end with a full stop), then the hint on its own line. Never empty: a finding without a message
/// says its rule's summary.
fn message_text(finding: &Finding) -> String {
    let message = if finding.message.trim().is_empty() {
        finding.rule.summary
    } else {
        &finding.message
    };
    let mut text = sentence(message);
    if !finding.hint.trim().is_empty() {
        text.push_str("\nhint: ");
        text.push_str(&sentence(&finding.hint));
    }
    text
}

/// `text` ending with a full stop unless it already ends with `.`, `!` or `?`.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// A fingerprint that identifies a finding without its line or column: SHA-256 over its code,
/// its repository-relative file and its message (which name the key or value concerned, never
/// a line), then `:n` for the n-th finding with the same three, as GitHub's own
/// `primaryLocationLineHash` counts repeats. Moving lines leaves it unchanged; editing the
/// message's subject or renaming the file changes it.
fn fingerprint(finding: &Finding, path: &str, seen: &mut HashMap<String, usize>) -> String {
    let mut hasher = Sha256::new();
    for part in [finding.code(), path, &finding.message] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex = base16ct::lower::encode_string(&digest[..16]);
    let count = seen.entry(hex.clone()).or_insert(0);
    *count += 1;
    format!("{hex}:{count}")
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
    fn fingerprints_ignore_lines_and_count_repeats() {
        let reports = sample();
        let f = &reports[1].findings[0];
        let mut moved = f.clone();
        moved.line += 10;
        moved.column += 3;
        let mut seen = HashMap::new();
        let first = fingerprint(f, &f.file, &mut seen);
        assert!(first.ends_with(":1"), "{first}");
        let again = fingerprint(&moved, &f.file, &mut seen);
        assert_eq!(again.split(':').next(), first.split(':').next());
        assert!(again.ends_with(":2"), "{again}");
        let other_file = fingerprint(f, "sub/ws/agreements/alpha.toml", &mut HashMap::new());
        assert_ne!(other_file.split(':').next(), first.split(':').next());
    }

    #[test]
    fn messages_are_sentences_and_never_empty() {
        let reports = sample();
        let mut f = reports[1].findings[1].clone();
        assert_eq!(
            message_text(&f),
            "missing required key purpose.description.\nhint: describe the purpose."
        );
        f.message = " ".into();
        f.hint = String::new();
        assert_eq!(message_text(&f), sentence(f.rule.summary));
        assert_eq!(sentence("Done!"), "Done!");
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
