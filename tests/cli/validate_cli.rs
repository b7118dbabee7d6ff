//! `datapact validate` run as a user runs it: every rule has a fixture that triggers it at the
//! declared line, the shipped examples are clean, targets are resolved safely, and hostile input
//! gives the documented exit code and a clear message, never a panic.

use crate::common;

use crate::fixture_patch;
use common::*;
use datapact::rules::{self, Family};
use proptest::prelude::*;
use std::collections::BTreeSet;

const ECC: &str = "icb-ecc-adult-social-care";

/// Codes whose fixtures are made by the tests (binary or huge content kept out of the repository),
/// with the expected line and exit code.
fn generated_fixtures() -> Vec<(&'static str, Vec<u8>, u64, i32)> {
    let base = example(ECC);
    let mut not_utf8 = base.clone().into_bytes();
    let at = base.find("integrated adult social care").unwrap();
    not_utf8[at] = 0xff; // on line 6, inside the title
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(base.as_bytes());
    let crlf = base.replace('\n', "\r\n").into_bytes();
    let mut huge = base.clone();
    while huge.len() <= 2 * 1024 * 1024 {
        huge.push_str("# padding that makes the file larger than the 1 MiB cap\n");
    }
    vec![
        ("DP001", not_utf8, 6, 2),
        ("DP002", bom, 1, 1),
        ("DP003", crlf, 1, 1),
        ("DP004", huge.into_bytes(), 1, 2),
    ]
}

fn expected_exit(code: &str) -> i32 {
    if matches!(code, "DP001" | "DP004" | "DP005" | "DP006") {
        2
    } else {
        1
    }
}

#[test]
fn every_fixture_triggers_its_code_at_its_line() {
    let mut failures = Vec::new();
    for fx in fixtures() {
        let ws = TempWorkspace::new();
        ws.write(&fx.file, &fx.text);
        // --deny-warnings so that warning-only rules (DP018, DP117, DP120) also fail the run.
        let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
        let found = findings(&report);
        let hit = found.iter().any(|(c, l, _)| *c == fx.code && *l == fx.line);
        let stray: Vec<_> = found
            .iter()
            .filter(|(c, _, _)| *c != fx.code && !fx.also.contains(c))
            .collect();
        if !hit || !stray.is_empty() || exit != expected_exit(&fx.code) {
            failures.push(format!(
                "{} (on {}): expected {} at line {} ({}, exit {}), got exit {exit} and {found:?}",
                fx.name,
                fx.base,
                fx.code,
                fx.line,
                fx.at,
                expected_exit(&fx.code)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures that do not trigger what they declare:\n{}",
        failures.join("\n")
    );
}

#[test]
fn generated_hygiene_fixtures_trigger_their_codes() {
    for (code, bytes, line, exit) in generated_fixtures() {
        let ws = TempWorkspace::new();
        ws.write(&format!("agreements/{ECC}.toml"), &bytes);
        let (got_exit, report, out) = ws.validate_json(&[]);
        let found = findings(&report);
        assert!(
            found.iter().any(|(c, l, _)| c == code && *l == line),
            "{code}: expected at line {line}, got {found:?}"
        );
        assert_eq!(
            got_exit,
            exit,
            "{code}: exit code; stderr: {}",
            text(&out.stderr)
        );
        // The byte-level problem is the only one: the rest of the file is the clean example.
        assert!(
            found.iter().all(|(c, _, _)| c == code),
            "{code}: other findings {found:?}"
        );
    }
}

/// The date the human-output snapshots are taken on.
const SNAPSHOT_TODAY: &str = "2026-12-01";

/// `datapact --today SNAPSHOT_TODAY validate` in `ws` (run from its root, so paths are relative)
/// in the human format without colour: the command, exit code, stdout and any stderr, with the
/// temporary directory's path replaced by `[workspace]`.
fn human_validate(ws: &TempWorkspace) -> String {
    let (exit, stdout, stderr) = ws.run(&["--today", SNAPSHOT_TODAY, "validate"]);
    let mut shown = format!(
        "$ datapact --today {SNAPSHOT_TODAY} validate\nexit code: {exit}\n--- stdout\n{stdout}"
    );
    if !stderr.is_empty() {
        shown.push_str(&format!("--- stderr\n{stderr}"));
    }
    let root = ws.root();
    for dir in [root.to_path_buf(), root.canonicalize().unwrap()] {
        shown = shown.replace(dir.to_str().unwrap(), "[workspace]");
    }
    let tmp = root.file_name().unwrap().to_str().unwrap();
    assert!(
        !shown.contains(tmp),
        "the temporary directory shows:\n{shown}"
    );
    shown
}

/// One snapshot per fixture (`tests/cli/snapshots/cli__validate_cli__<fixture>.snap`, and
/// `<CODE>-generated` for the generated ones): what a user sees, message and hint, so a change of
/// wording or position is reviewed. Regenerate with `INSTA_UPDATE=always cargo test --test cli
/// validate_cli` and read every changed snapshot.
#[test]
fn every_fixture_message_and_hint_as_a_user_sees_them() {
    for fx in fixtures() {
        let ws = TempWorkspace::new();
        ws.write(&fx.file, &fx.text);
        let description = format!("tests/fixtures/invalid/{} on {}", fx.name, fx.base);
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(fx.stem(), human_validate(&ws));
        });
    }
    for (code, bytes, _, _) in generated_fixtures() {
        let ws = TempWorkspace::new();
        ws.write(&format!("agreements/{ECC}.toml"), &bytes);
        let description = format!("generated_fixtures() in tests/cli/validate_cli.rs, on {ECC}");
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(format!("{code}-generated"), human_validate(&ws));
        });
    }
}

#[test]
fn every_validation_rule_has_a_fixture() {
    let mut covered: BTreeSet<String> = fixtures().into_iter().map(|f| f.code).collect();
    covered.extend(generated_fixtures().into_iter().map(|g| g.0.to_string()));
    let missing: Vec<&str> = rules::all()
        .iter()
        .filter(|r| matches!(r.family, Family::File | Family::Structure | Family::Content))
        // The workspace rules concern no one file: tests/cli/stray_cli.rs produces them.
        .filter(|r| !rules::workspace::RULES.iter().any(|w| w.code == r.code))
        .map(|r| r.code)
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture in tests/fixtures/invalid: {missing:?}"
    );
}

#[test]
fn the_examples_validate_with_no_findings() {
    let examples = examples();
    assert!(
        examples.len() >= 3,
        "expected at least three example agreements"
    );
    let ws = TempWorkspace::new();
    ws.write_examples();
    for args in [&[][..], &["--deny-warnings"][..]] {
        let (exit, report, _) = ws.validate_json(args);
        assert_eq!(findings(&report), vec![], "examples with {args:?}");
        assert_eq!(exit, 0);
        assert_eq!(report["summary"]["files"], examples.len());
    }
    // And in place: the repository root is itself a workspace.
    let out = datapact()
        .arg("-C")
        .arg(repo())
        .args(["validate", "--deny-warnings"])
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn validate_by_id_and_by_path() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ECC}.toml"), example(ECC));
    let broken = fixtures().into_iter().find(|f| f.code == "DP111").unwrap();
    ws.write(&broken.file, &broken.text);
    let clean_path = format!("agreements/{ECC}.toml");
    let abs = ws.root().join(&clean_path).to_string_lossy().into_owned();
    for target in [ECC, clean_path.as_str(), abs.as_str()] {
        let (exit, report, _) = ws.validate_json(&[target]);
        assert_eq!(exit, 0, "{target}");
        assert_eq!(
            report["summary"]["files"], 1,
            "{target}: only the named agreement is checked"
        );
    }
    // The whole workspace includes the broken one.
    let (exit, report, _) = ws.validate_json(&[]);
    assert_eq!((exit, report["summary"]["files"].as_u64()), (1, Some(2)));
}

#[test]
fn targets_outside_the_workspace_or_unknown_are_refused() {
    let ws = TempWorkspace::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("stray.toml");
    std::fs::write(&outside, example(ECC)).unwrap();
    let cases = [
        (
            outside.to_string_lossy().into_owned(),
            "outside the workspace",
        ),
        ("../../stray.toml".to_string(), "cannot open"),
        (
            "no-such-agreement".to_string(),
            "no agreement \"no-such-agreement\"",
        ),
        ("Bad Id".to_string(), "invalid agreement id"),
    ];
    for (target, message) in cases {
        let out = ws.output_c(&["validate", &target]);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{target}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(message),
            "{target}: stderr lacks {message:?}:\n{stderr}"
        );
        assert!(stderr.contains("hint:"), "{target}: no hint:\n{stderr}");
    }
}

/// (what, file content, "EXIT CODE words the message must contain")
fn hostile_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let ecc = example(ECC);
    let edit = |from: &str, to: &str| ecc.replacen(from, to, 1).into_bytes();
    let nested = |open: &str, close: &str| {
        format!(
            "schema = 1\nx = {}1{}\n",
            open.repeat(100_000),
            close.repeat(100_000)
        )
        .into_bytes()
    };
    let mut garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    garbage[..2].copy_from_slice(&[0xc3, 0x28]); // never UTF-8
    vec![
        ("binary garbage", garbage, "2 DP001 not valid UTF-8"),
        (
            "invalid UTF-8",
            b"schema = 1\ntitle = \"caf\xe9\"\n".to_vec(),
            "2 DP001 not valid UTF-8",
        ),
        (
            "byte order mark",
            [&b"\xef\xbb\xbf"[..], ecc.as_bytes()].concat(),
            "1 DP002 byte order mark",
        ),
        (
            "CRLF line endings",
            ecc.replace('\n', "\r\n").into_bytes(),
            "1 DP003 CRLF",
        ),
        (
            "2 MiB file",
            vec![b'#'; 2 * 1024 * 1024],
            "2 DP004 larger than",
        ),
        (
            "NUL bytes",
            b"schema = 1\n\0\0\0\n".to_vec(),
            "2 DP005 invalid TOML",
        ),
        (
            "duplicate keys",
            edit("version = 1\n", "version = 1\nversion = 1\n"),
            "2 DP005 duplicate key",
        ),
        (
            "wrong types",
            edit("public_authority = true", "public_authority = \"yes\""),
            "1 DP014 must be true or false",
        ),
        (
            "table for a text",
            edit("kind = \"specific\"", "kind = { id = \"specific\" }"),
            "1 DP014 found a table",
        ),
        (
            "text for a table",
            edit("schema = 1\n", "schema = 1\nresearch = \"none\"\n"),
            "2 DP006 cannot read",
        ),
        (
            "deeply nested arrays",
            nested("[", "]"),
            "2 DP005 nested more than 32 levels",
        ),
        (
            "deeply nested inline tables",
            nested("{a=", "}"),
            "2 DP005 nested more than 32 levels",
        ),
        (
            "unclosed brackets",
            "[".repeat(100_000).into_bytes(),
            "2 DP005 nested more than 32 levels",
        ),
        (
            "deep table headers",
            format!("[{}a]\nx = 1\n", "a.".repeat(100_000)).into_bytes(),
            "2 DP005 invalid TOML",
        ),
        ("empty file", Vec::new(), "1 DP009 schema"),
    ]
}

#[test]
fn hostile_inputs_give_the_documented_exit_code_and_a_clear_message() {
    for (what, bytes, expect) in hostile_inputs() {
        let mut parts = expect.splitn(3, ' ');
        let (exit, code, words) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let ws = TempWorkspace::new();
        ws.write("agreements/hostile.toml", &bytes);
        let (got_exit, report, out) = ws.validate_json(&[]);
        assert_eq!(
            got_exit.to_string(),
            exit,
            "{what}: exit code; stderr {}",
            text(&out.stderr)
        );
        let found = findings(&report);
        let hit = found.iter().find(|(c, _, _)| c == code);
        let (_, _, message) = hit.unwrap_or_else(|| panic!("{what}: no {code} in {found:?}"));
        assert!(
            message.contains(words),
            "{what}: message {message:?} lacks {words:?}"
        );
        // The human format says where, too.
        let human = ws.output_c(&["validate"]);
        assert_no_panic(&human);
        let stdout = text(&human.stdout);
        assert!(
            stdout.contains(&format!("[{code}]: agreements/hostile.toml:")),
            "{what}: {stdout}"
        );
    }
}

#[test]
fn a_directory_named_like_an_agreement_is_refused_clearly() {
    let ws = TempWorkspace::new();
    std::fs::create_dir_all(ws.root().join("agreements/x.toml")).unwrap();
    for args in [&["validate"][..], &["validate", "agreements/x.toml"][..]] {
        let out = ws.output_c(args);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("is a directory, not an agreement file"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// Validates bytes through the library, as `validate` does for a file; must never panic. Also
/// checks that validating for errors only finds the same errors as a full validation.
fn validate_bytes(bytes: Vec<u8>, id: &str) {
    for config in &scope_configs()[..2] {
        assert_scopes_agree(&bytes, id, config, "generated input");
    }
}

/// The configurations validation's two scopes are compared under: datapact's defaults, every
/// configurable rule an error, and only DP151 (an acknowledgement that answers nothing) an
/// error, so a judgement whose finding an acknowledgement answers must still run.
fn scope_configs() -> Vec<datapact::config::Config> {
    use datapact::config::{Config, RuleLevel};
    let mut every = Config::default();
    every.rules = rules::all()
        .iter()
        .filter(|r| r.configurable)
        .map(|r| (r.code.to_string(), RuleLevel::Error))
        .collect();
    let mut unused = Config::default();
    unused.rules = [("DP151".to_string(), RuleLevel::Error)].into();
    vec![Config::default(), every, unused]
}

/// Validates `bytes` as `agreements/<id>.toml` for every finding (`Scope::All`, as `validate`
/// and `check` do) and for its errors only (`Scope::Errors`, as `status` and `verify` do), and
/// asserts that both give the same errors, in the same places, so both give the same state.
fn assert_scopes_agree(bytes: &[u8], id: &str, config: &datapact::config::Config, what: &str) {
    use datapact::agreement::{Scope, validate::validate};
    use datapact::diagnostics::Severity;
    let path = format!("agreements/{id}.toml");
    let source =
        datapact::source::SourceFile::from_bytes(path.clone().into(), path, bytes.to_vec());
    let errors = |scope| {
        let v = validate(&source, Some(id), config, scope);
        let errors: Vec<String> = v
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{}:{}:{} {}", f.rule.code, f.line, f.column, f.message))
            .collect();
        (errors, v.agreement.is_some())
    };
    assert_eq!(
        errors(Scope::All),
        errors(Scope::Errors),
        "{what}: validating for errors only found other errors than a full validation"
    );
}

#[test]
fn validating_for_errors_only_finds_every_error_of_every_fixture_and_example() {
    let mut texts: Vec<(String, String, String)> = fixture_patch::fixtures()
        .into_iter()
        .map(|f| {
            let id = f
                .file
                .trim_start_matches("agreements/")
                .trim_end_matches(".toml");
            (f.name.clone(), id.to_string(), f.text)
        })
        .collect();
    texts.extend(examples().into_iter().map(|(name, text)| {
        let id = name.trim_end_matches(".toml").to_string();
        (name, id, text)
    }));
    // A judgement's finding (DP144, an unmarked health item) answered by an acknowledgement:
    // with DP151 an error, the judgement must run even where its own findings are warnings, or
    // the entry would seem to answer nothing.
    texts.push((
        "an answered judgement".into(),
        ECC.into(),
        crate::acknowledgements_cli::unmarked_medication("\n[[acknowledgements]]\nrule = \"DP144\"\nitem = \"Current medication\"\nreason = \"Recorded as a support need for the care plan.\"\n"),
    ));
    let configs = scope_configs();
    for (name, id, text) in &texts {
        for (i, config) in configs.iter().enumerate() {
            assert_scopes_agree(text.as_bytes(), id, config, &format!("{name}, config {i}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_make_validation_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        validate_bytes(bytes, "x");
    }

    #[test]
    fn tomlish_text_never_makes_validation_panic(text in "(schema = 1\n)?(\\[[a-z_.]{1,12}\\]\n|[a-z_]{1,12} = (\"[^\"\n]{0,8}\"|[0-9]{1,3}|true|\\[|\\{|\\]|\\}|2026-0[1-9]-[0-3][0-9]|[0-9.e+-]{1,6})\n){0,30}") {
        validate_bytes(text.into_bytes(), "x");
    }

    #[test]
    fn mutated_examples_never_make_validation_panic(cut in 0usize..20_000, len in 0usize..40, insert in "[\\[\\]{}=\"'.#\n a-z0-9]{0,6}") {
        let text = example(ECC);
        let cut = cut.min(text.len());
        let end = (cut + len).min(text.len());
        let bytes = [&text.as_bytes()[..cut], insert.as_bytes(), &text.as_bytes()[end..]].concat();
        validate_bytes(bytes, ECC);
    }
}

#[test]
fn docs_rules_md_is_what_datapact_rules_markdown_prints() {
    let doc = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    let out = datapact().args(["rules", "--markdown"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout) == doc,
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
    for rule in rules::all() {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| [`{}`]", rule.code)))
            .unwrap_or_else(|| panic!("{} has no row in docs/rules.md", rule.code));
        let cells: Vec<&str> = row.trim_end_matches(" |").split(" | ").collect();
        let configurable = if rule.configurable { "yes" } else { "no" };
        assert_eq!(
            &cells[1..4],
            &[rule.name, rule.default_severity.as_str(), configurable],
            "{}: name, severity and configurable in docs/rules.md",
            rule.code
        );
    }
}

#[test]
fn generated_docs_are_current_and_a_stale_page_is_found_and_rewritten() {
    let out = datapact()
        .arg("docs")
        .arg("--check")
        .arg(repo())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "docs/ is stale; run `cargo run -- docs`: {}",
        text(&out.stderr)
    );
    // A copy whose vocabulary table and rules page have drifted is reported, then regenerated.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let format = std::fs::read_to_string(repo().join("docs/format.md")).unwrap();
    let drifted = format.replacen("| `research` |", "| `research-x` |", 1);
    assert_ne!(drifted, format);
    std::fs::write(dir.path().join("docs/format.md"), &drifted).unwrap();
    std::fs::write(dir.path().join("docs/rules.md"), "old").unwrap();
    let check = datapact()
        .args(["docs", "--check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr).contains("stale:"),
        "{}",
        text(&check.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("docs/rules.md")).unwrap(),
        "old"
    );
    let write = datapact().arg("docs").arg(dir.path()).output().unwrap();
    assert_eq!(write.status.code(), Some(0), "{}", text(&write.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("docs/format.md")).unwrap(),
        format
    );
    let rules_md = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("docs/rules.md")).unwrap(),
        rules_md
    );
}

#[test]
fn datapact_rules_explains_a_rule_by_code_or_name_and_refuses_an_unknown_one() {
    for wanted in ["DP117", "retention-party"] {
        let out = datapact().args(["rules", wanted]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let shown = text(&out.stdout);
        assert!(shown.starts_with("DP117 retention-party\n"), "{shown}");
        assert!(
            shown.contains("warning, configurable in [rules]; applies to every party."),
            "{shown}"
        );
        assert!(
            shown.contains("What to do: add a [[retention.rules]] table"),
            "{shown}"
        );
        assert!(
            shown.contains(&format!(
                "\n  Why configurable: {}\n",
                rules::find("DP117").unwrap().standing
            )),
            "{shown}"
        );
    }
    // A fixed rule says why it is fixed: DP116, the 72 hours of UK GDPR Art 33.
    let out = datapact().args(["rules", "DP116"]).output().unwrap();
    let shown = text(&out.stdout);
    assert!(shown.contains("error, fixed; applies always."), "{shown}");
    assert!(
        shown.contains("\n  Why fixed: The law makes it mandatory: UK GDPR Art 33(1)"),
        "{shown}"
    );
    assert!(!shown.contains("Why configurable"), "{shown}");
    let out = datapact().args(["rules", "DP999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("there is no rule \"DP999\""));
    let out = datapact().arg("rules").output().unwrap();
    assert_eq!(text(&out.stdout).lines().count(), rules::all().len());
}

fn format_md() -> String {
    std::fs::read_to_string(repo().join("docs/format.md")).unwrap()
}

#[test]
fn the_annotated_example_in_format_md_validates_cleanly() {
    let doc = format_md();
    let section = &doc[doc.find("## Complete annotated example").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```\n").unwrap()];
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ECC}.toml"), example);
    let (exit, report, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!(findings(&report), vec![]);
    assert_eq!(exit, 0);
}

#[test]
fn format_md_documents_every_key_and_vocabulary_value() {
    use datapact::agreement::raw::known_keys;
    let doc = format_md();
    let tables: [&[&str]; 33] = [
        &[],
        &["agreement"],
        &["parties"],
        &["parties", "dpo"],
        &["processors"],
        &["purpose"],
        &["necessity"],
        &["data"],
        &["data", "items"],
        &["lawful_basis"],
        &["consent"],
        &["risk"],
        &["risk", "risks"],
        &["security"],
        &["transfer"],
        &["retention"],
        &["retention", "rules"],
        &["onward_sharing"],
        &["rights"],
        &["research"],
        &["responsibilities"],
        &["incidents"],
        &["dates"],
        &["changes"],
        &["termination"],
        &["disputes"],
        &["requests"],
        &["definitions"],
        &["parties", "contacts"],
        &["query_contact"],
        &["uses"],
        &["data_quality"],
        &["annexes"],
    ];
    for path in tables {
        for key in known_keys(path) {
            assert!(
                ["`{key}`", "[{key}]", ".{key}]"]
                    .iter()
                    .any(|f| doc.contains(&f.replace("{key}", key))),
                "docs/format.md does not document `{key}` of {path:?}"
            );
        }
    }
    for (list, _) in datapact::vocab::USED_BY {
        for entry in list().entries {
            assert!(
                doc.contains(&format!("| `{}` |", entry.id)),
                "docs/format.md does not list vocabulary value {:?}",
                entry.id
            );
        }
    }
}

/// The example without section `name`: its header line, its sub-tables and its keys.
fn without_section(text: &str, name: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with('[') {
            let header = line.trim().trim_matches(|c| c == '[' || c == ']');
            skipping = header == name || header.starts_with(&format!("{name}."));
        }
        if !skipping {
            out.push_str(line);
        }
    }
    out
}

#[test]
fn deleting_any_required_section_of_an_example_is_reported_at_line_1() {
    let ecc = example(ECC);
    for name in [
        "agreement",
        "parties",
        "purpose",
        "necessity",
        "data",
        "lawful_basis",
        "consent",
        "risk",
        "security",
        "transfer",
        "retention",
        "onward_sharing",
        "rights",
        "responsibilities",
        "incidents",
        "dates",
    ] {
        let ws = TempWorkspace::new();
        let text = without_section(&ecc, name);
        assert!(text.len() < ecc.len(), "{name} was not removed");
        ws.write(&format!("agreements/{ECC}.toml"), text);
        let (exit, report, _) = ws.validate_json(&[]);
        let found = findings(&report);
        assert!(
            found.iter().any(|(c, l, m)| c == "DP011"
                && *l == 1
                && m.contains(&format!("section `{name}`"))),
            "{name}: {found:?}"
        );
        assert_eq!(exit, 1, "{name}");
    }
}

/// The DP117 fixture (a warning by default) in a workspace with the given `datapact.toml`.
fn retention_warning_workspace(settings: &str) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write("datapact.toml", settings);
    let fixture = fixture("DP117-retention-party-missing");
    ws.write(&fixture.file, fixture.text);
    ws
}

#[test]
fn workspace_settings_change_severities_and_limits() {
    // By default DP117 is a warning: exit 0, and 1 only with --deny-warnings.
    let ws = retention_warning_workspace("");
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!((code, codes(&report)), (0, vec!["DP117".to_string()]));
    assert_eq!(report["files"][0]["findings"][0]["severity"], "warning");
    let (code, _, _) = ws.validate_json(&["--deny-warnings"]);
    assert_eq!(code, 1);

    // Raised to an error, by code or by name.
    for settings in [
        "[rules]\nDP117 = \"error\"\n",
        "[rules]\nretention-party = \"error\"\n",
    ] {
        let ws = retention_warning_workspace(settings);
        let (code, report, _) = ws.validate_json(&[]);
        assert_eq!(code, 1, "{settings}");
        assert_eq!(report["files"][0]["findings"][0]["severity"], "error");
    }

    // Turned off.
    let ws = retention_warning_workspace("[rules]\nDP117 = \"off\"\n");
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!((code, codes(&report)), (0, Vec::<String>::new()));

    // A rule that guards parsing or signing cannot be changed; an unknown one is named.
    for (settings, expected) in [
        ("[rules]\nDP005 = \"off\"\n", "cannot be changed"),
        ("[rules]\nDP999 = \"off\"\n", "unknown rule"),
        ("[limits]\nmax_term = 12\n", "datapact.toml:2:1"),
    ] {
        let ws = retention_warning_workspace(settings);
        let out = ws.output_c(&["validate"]);
        assert_eq!(out.status.code(), Some(2), "{settings}");
        assert!(
            text(&out.stderr).contains(expected),
            "{settings}: {}",
            text(&out.stderr)
        );
    }

    // Limits: a 37-month term fails by default and passes when the workspace allows 60 months.
    let fixture = fixture("DP131-term-too-long");
    for (settings, want) in [
        ("", vec!["DP131".to_string()]),
        ("[limits]\nmax_term_months = 60\n", vec![]),
    ] {
        let ws = TempWorkspace::new();
        ws.write("datapact.toml", settings);
        ws.write(&fixture.file, &fixture.text);
        let (_, report, _) = ws.validate_json(&[]);
        assert_eq!(codes(&report), want, "{settings}");
    }
}

/// A rule the law makes mandatory cannot be switched off, whatever the workspace's policy
/// (DP106 DPA 2018 s.10, DP116 UK GDPR Art 33, DP132 reviewed within the interval `[limits]`
/// sets); one only practice asks for can (DP115 the ICO code, DP118 NHS England DARS), and the
/// setting takes effect on its fixture.
#[test]
fn rules_the_law_requires_are_fixed_and_practice_may_be_relaxed() {
    for code in ["DP106", "DP116", "DP132", "incident-timescale"] {
        let ws = TempWorkspace::new();
        ws.write("datapact.toml", format!("[rules]\n{code} = \"off\"\n"));
        let out = ws.output_c(&["validate"]);
        assert_eq!(out.status.code(), Some(2), "{code}");
        assert!(
            text(&out.stderr).contains("cannot be changed in [rules]"),
            "{code}: {}",
            text(&out.stderr)
        );
    }
    for (code, stem) in [
        ("DP115", "DP115-dpia-outcome-missing"),
        ("DP118", "DP118-onward-sharing-conditions"),
    ] {
        let fixture = fixture(stem);
        for (settings, exit, severity) in [
            (String::new(), 1, Some("error")),
            (
                format!("[rules]\n{code} = \"warning\"\n"),
                0,
                Some("warning"),
            ),
            (format!("[rules]\n{code} = \"off\"\n"), 0, None),
        ] {
            let ws = TempWorkspace::new();
            ws.write("datapact.toml", &settings);
            ws.write(&fixture.file, &fixture.text);
            let (got, report, _) = ws.validate_json(&[]);
            let found: Vec<&serde_json::Value> = report["files"][0]["findings"]
                .as_array()
                .map(|a| a.iter().filter(|f| f["code"] == code).collect())
                .unwrap_or_default();
            assert_eq!(got, exit, "{code} {settings}: {report}");
            assert_eq!(
                found.first().map(|f| f["severity"].as_str().unwrap()),
                severity,
                "{code} {settings}: {report}"
            );
        }
    }
}

/// A symbolic link committed into `agreements/` that points outside the workspace is refused
/// (exit 2) without reading the target, so CI never echoes parts of another file.
#[cfg(unix)]
#[test]
fn links_to_files_outside_the_workspace_are_refused() {
    let ws = TempWorkspace::new();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "secret_key_name = 1\n").unwrap();
    std::os::unix::fs::symlink(&secret, ws.root().join("agreements/linked.toml")).unwrap();
    let out = ws.output_c(&["validate"]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(all.contains("outside the workspace"), "{all}");
    assert!(!all.contains("secret_key_name"), "{all}");

    // A link that stays inside the workspace is read as usual.
    std::fs::remove_file(ws.root().join("agreements/linked.toml")).unwrap();
    ws.write("elsewhere/real.toml", example(ECC));
    std::os::unix::fs::symlink(
        ws.root().join("elsewhere/real.toml"),
        ws.root().join(format!("agreements/{ECC}.toml")),
    )
    .unwrap();
    let (code, _, _) = ws.validate_json(&[]);
    assert_eq!(code, 0);
}

/// Regression: a structural warning (DP018, a value listed twice) must not switch off the
/// content rules; the content error beside it is still reported and fails the run.
#[test]
fn a_structural_warning_does_not_hide_content_errors() {
    let ws = TempWorkspace::new();
    let text = example(ECC)
        .replace(
            "categories = [\"direct-care\"]",
            "categories = [\"direct-care\", \"direct-care\"]",
        )
        .replace("report_within_hours = 24", "report_within_hours = 0");
    ws.write(&format!("agreements/{ECC}.toml"), text);
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&report),
        vec!["DP018".to_string(), "DP116".to_string()]
    );
}

/// The same agreement named twice (by id, again, and by path) is checked and counted once.
#[test]
fn a_file_named_twice_is_checked_once() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ECC}.toml"), example(ECC));
    let path = ws.root().join(format!("agreements/{ECC}.toml"));
    let (code, report, _) = ws.validate_json(&[ECC, ECC, path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files"], 1, "{report}");
}

/// Regression (DP124): implied consent stretched over purposes beyond direct care is reported,
/// and a consent model named while consent is not sought is not taken as relied on.
#[test]
fn implied_consent_is_for_direct_care_only() {
    let ws = TempWorkspace::new();
    let mixed = example(ECC).replace(
        "categories = [\"direct-care\"]",
        "categories = [\"direct-care\", \"service-improvement\", \"public-health\"]",
    );
    ws.write(&format!("agreements/{ECC}.toml"), mixed);
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!((code, codes(&report)), (1, vec!["DP124".to_string()]));

    let police = "mse-hospital-police-safeguarding";
    let ws = TempWorkspace::new();
    let not_sought =
        example(police).replace("sought = false", "sought = false\nmodel = \"implied\"");
    ws.write(&format!("agreements/{police}.toml"), not_sought);
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!((code, codes(&report)), (0, Vec::<String>::new()));
}

// ---- Boundaries of the numeric content rules ----

/// `text` with its one line `from` (the whole line, without its newline) replaced by `to`.
fn with_line(text: &str, from: &str, to: &str) -> String {
    let hits = text.lines().filter(|l| *l == from).count();
    assert_eq!(hits, 1, "expected exactly one line {from:?} in the example");
    text.lines()
        .map(|l| if l == from { to } else { l })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The 1-based number of the one line of `text` that is exactly `line`.
fn line_number(text: &str, line: &str) -> u64 {
    let n = text
        .lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line {line:?}"));
    n as u64 + 1
}

/// `text` validated as agreement `id` through the binary (`validate --format json`): the exit
/// code and the findings.
fn validate_text(id: &str, text: &str) -> (i32, Vec<(String, u64, String)>) {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{id}.toml"), text);
    let (exit, report, _) = ws.validate_json(&[]);
    (exit, findings(&report))
}

/// Validates the ECC example with each line edit of `cases` (`(from, to, fires)`); `code` must be
/// the only finding, at the edited line, exactly when `fires`, and the run clean otherwise.
fn assert_boundaries(code: &str, cases: &[(&str, &str, bool)]) {
    let ecc = example(ECC);
    for &(from, to, fires) in cases {
        let text = with_line(&ecc, from, to);
        let line = line_number(&text, to);
        let (exit, found) = validate_text(ECC, &text);
        let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
        if fires {
            assert_eq!(
                (exit, codes),
                (1, vec![(code, line)]),
                "`{to}` must give {code} at line {line}: {found:?}"
            );
        } else {
            assert_eq!(
                (exit, codes),
                (0, vec![]),
                "`{to}` is within the limit, so no {code}: {found:?}"
            );
        }
    }
}

/// DP131: the term, counted in whole months with any extra day rounding up, may be exactly the
/// default maximum of 36 months; one day more is too long. (The example runs from 2026-04-01.)
#[test]
fn a_term_of_exactly_36_months_passes_and_one_day_more_is_dp131() {
    assert!(example(ECC).contains("\neffective = 2026-04-01\n"));
    assert_boundaries(
        "DP131",
        &[
            ("expires = 2029-03-31", "expires = 2029-04-01", false),
            ("expires = 2029-03-31", "expires = 2029-04-02", true),
            ("expires = 2029-03-31", "expires = 2029-05-01", true),
        ],
    );
}

/// DP116: incidents must be reported to partners within 1 to 72 hours, both ends included.
#[test]
fn incident_reporting_within_72_hours_passes_and_73_is_dp116() {
    let from = "report_within_hours = 24";
    assert_boundaries(
        "DP116",
        &[
            (from, "report_within_hours = 72", false),
            (from, "report_within_hours = 73", true),
            (from, "report_within_hours = 1", false),
            (from, "report_within_hours = 0", true),
        ],
    );
}

/// DP132, first variant: the review interval may be exactly the default maximum of 24 months;
/// a month more is too long (reported at the interval).
#[test]
fn a_review_interval_of_exactly_24_months_passes_and_25_is_dp132() {
    let from = "review_interval_months = 24";
    assert_boundaries(
        "DP132",
        &[
            (from, "review_interval_months = 24", false),
            (from, "review_interval_months = 25", true),
        ],
    );
}

/// DP132, second variant: the review date may be exactly the agreement's own review interval
/// after the effective date (2026-04-01); one day later is too late (reported at the review
/// date). Checked with the example's interval (24) and a shorter one (12), which must be the
/// interval used, not the workspace maximum.
#[test]
fn a_review_date_exactly_one_interval_after_effective_passes_and_a_day_later_is_dp132() {
    assert_boundaries(
        "DP132",
        &[
            ("review = 2028-04-01", "review = 2028-04-01", false),
            ("review = 2028-04-01", "review = 2028-04-02", true),
        ],
    );
    let ecc = with_line(
        &example(ECC),
        "review_interval_months = 24",
        "review_interval_months = 12",
    );
    for (review, fires) in [
        ("review = 2027-04-01", false),
        ("review = 2027-04-02", true),
    ] {
        let text = with_line(&ecc, "review = 2028-04-01", review);
        let (exit, found) = validate_text(ECC, &text);
        let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
        let want = if fires {
            (1, vec![("DP132", line_number(&text, review))])
        } else {
            (0, vec![])
        };
        assert_eq!((exit, codes), want, "interval 12, {review}: {found:?}");
    }
}

/// A line edit and what it must give: `(from, to, want)`, see [`assert_edits`].
type Edited<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);

/// Validates `base` (an ECC agreement) with each line edit of `cases` (`(from, to, want)`):
/// `want` is the one finding expected, as its code and the text of the line it is reported at,
/// or `None` for a clean run.
fn assert_edits(base: &str, cases: &[Edited<'_>]) {
    for &(from, to, want) in cases {
        let text = with_line(base, from, to);
        let (exit, found) = validate_text(ECC, &text);
        let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
        let expected = match want {
            Some((code, at)) => (1, vec![(code, line_number(&text, at))]),
            None => (0, vec![]),
        };
        assert_eq!((exit, codes), expected, "`{to}`: {found:?}");
    }
}

/// DP130 for version 1: the agreement is approved before it takes effect, on the day at the
/// latest; a day later is reported at the effective date.
#[test]
fn version_1_may_be_approved_on_its_effective_day_and_not_a_day_later() {
    let ecc = example(ECC);
    assert!(ecc.contains("\nversion = 1\n") && ecc.contains("\neffective = 2026-04-01\n"));
    let from = "approved = 2026-03-16";
    assert_edits(
        &ecc,
        &[
            (from, "approved = 2026-04-01", None),
            (
                from,
                "approved = 2026-04-02",
                Some(("DP130", "effective = 2026-04-01")),
            ),
        ],
    );
}

/// DP130 for a later version: an amendment may be approved after the agreement took effect, up
/// to its expiry date (2029-03-31) but not a day after (reported at the approval date).
#[test]
fn a_later_version_may_be_approved_after_it_took_effect_until_it_expires() {
    let v2 = with_version(&example(ECC), 2);
    let from = "approved = 2026-03-16";
    assert_edits(
        &v2,
        &[
            (from, "approved = 2026-04-02", None),
            (from, "approved = 2029-03-31", None),
            (
                from,
                "approved = 2029-04-01",
                Some(("DP130", "approved = 2029-04-01")),
            ),
        ],
    );
}

/// DP132 for a version approved after the agreement took effect: the review may be one review
/// interval (24 months) after the approval, not a day more; measured from the effective date when
/// the approval came first.
#[test]
fn a_review_date_is_measured_from_a_later_approval() {
    let v2 = with_version(&example(ECC), 2);
    let approved = with_line(&v2, "approved = 2026-03-16", "approved = 2026-06-15");
    let from = "review = 2028-04-01";
    assert_edits(
        &approved,
        &[
            (from, "review = 2028-06-15", None),
            (
                from,
                "review = 2028-06-16",
                Some(("DP132", "review = 2028-06-16")),
            ),
        ],
    );
    assert_edits(
        &v2,
        &[
            (from, "review = 2028-04-01", None),
            (
                from,
                "review = 2028-04-02",
                Some(("DP132", "review = 2028-04-02")),
            ),
        ],
    );
}

/// DP109: consent not sought needs both the exception and its justification; the exception
/// alone is not enough (as in fixture DP109-consent-justification-missing.toml). A blank
/// justification is reported as empty (DP012) where it is, a structural error that holds the
/// content rules back.
#[test]
fn a_consent_exception_without_its_justification_is_dp109() {
    let police = "mse-hospital-police-safeguarding";
    let text = example(police);
    let (exit, found) = validate_text(police, &text);
    assert_eq!((exit, found), (0, vec![]), "the example gives both");

    let start = text
        .find("justification = \"\"\"\nSeeking consent")
        .unwrap();
    let open = start + text[start..].find("\"\"\"").unwrap() + 3;
    let end = open + text[open..].find("\"\"\"\n").unwrap() + 4;
    for (replacement, want) in [("", "DP109"), ("justification = \"  \"\n", "DP012")] {
        let edited = format!("{}{replacement}{}", &text[..start], &text[end..]);
        assert!(edited.contains("\nexception = \"protect-from-harm\"\n"));
        let (exit, found) = validate_text(police, &edited);
        let codes: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
        let line = if want == "DP109" {
            line_number(&edited, "sought = false")
        } else {
            line_number(&edited, "justification = \"  \"")
        };
        assert_eq!(
            (exit, codes),
            (1, vec![(want, line)]),
            "{replacement:?}: {found:?}"
        );
    }
}

// ---- Structural edits of the examples ----

/// Values of every TOML type, and some the rules single out.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "73",
    "99999999999999999999",
    "1.5",
    "true",
    "false",
    "\"\"",
    "\"x\"",
    "\"TODO: fill in\"",
    "\"not-in-any-vocabulary\"",
    "\"index\"",
    "\"Bad Id\"",
    "2026-04-01",
    "2026-04-01T10:00:00",
    "10:00:00",
    "[]",
    "[\"a\", \"a\"]",
    "[1, \"a\"]",
    "[{ id = \"x\" }]",
    "{}",
    "{ id = \"x\" }",
];

/// Keys to insert: ones the format knows (in some table) and one it does not.
const KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "sought",
    "exception",
    "justification",
    "model",
    "permitted",
    "conditions",
    "outside_uk",
    "safeguards",
    "dpia",
    "report_within_hours",
    "review",
    "expires",
    "review_interval_months",
    "categories",
    "article9",
    "lead",
    "party",
    "no_such_key",
];

/// One structural edit of an agreement; indexes are taken modulo what they index.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// The value of a one-line `key = value` replaced by another, of any type.
    ReplaceValue(usize, &'static str),
    /// `key = value` inserted just below a table header (or at the top, the root table).
    InsertKey(usize, &'static str, &'static str),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let value = proptest::sample::select(VALUES);
    let key = proptest::sample::select(KEYS);
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), value.clone()).prop_map(|(i, v)| Edit::ReplaceValue(i, v)),
        (any::<usize>(), key, value).prop_map(|(i, k, v)| Edit::InsertKey(i, k, v)),
    ]
}

/// Where the value of a one-line `key = value` starts, if `line` is one.
fn one_line_value(line: &str) -> Option<usize> {
    let (key, value) = line.split_once(" = ")?;
    let simple = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let opens = value.starts_with("\"\"\"") || value.starts_with("'''") || value.ends_with('[');
    (simple && !opens).then_some(key.len() + 3)
}

/// `text` with `edits` applied in turn.
fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        let n = lines.len();
        if n == 0 {
            break;
        }
        match *edit {
            Edit::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Edit::DuplicateLine(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
            Edit::ReplaceValue(i, value) => {
                let slots: Vec<(usize, usize)> = lines
                    .iter()
                    .enumerate()
                    .filter_map(|(at, l)| one_line_value(l).map(|v| (at, v)))
                    .collect();
                if !slots.is_empty() {
                    let (at, start) = slots[i % slots.len()];
                    lines[at] = format!("{}{value}", &lines[at][..start]);
                }
            }
            Edit::InsertKey(i, key, value) => {
                let mut tables: Vec<usize> = vec![0];
                tables.extend(
                    lines
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.starts_with('['))
                        .map(|(at, _)| at + 1),
                );
                lines.insert(tables[i % tables.len()], format!("{key} = {value}"));
            }
        }
    }
    lines.join("\n") + "\n"
}

/// The codes that mean a file cannot be read at all: `validate` exits 2 (docs: exit codes).
const UNREADABLE: &[&str] = &["DP001", "DP004", "DP005", "DP006"];

/// Validates `text` as agreement `id` through the library and checks what must hold for any
/// input: findings of the validate families only, at real positions of the text; an agreement
/// exactly when no finding blocks the domain model. Returns the findings in report order (line,
/// column, code) and the exit code `validate` documents for them (2 unreadable, 1 errors, 0
/// otherwise).
fn checked_validation(text: &str, id: &str) -> (Vec<datapact::diagnostics::Finding>, i32) {
    let path = format!("agreements/{id}.toml");
    let source = datapact::source::SourceFile::from_bytes(path.clone().into(), path, text.into());
    let config = datapact::config::Config::default();
    let validated = datapact::agreement::validate::validate(
        &source,
        Some(id),
        &config,
        datapact::agreement::Scope::All,
    );
    let (agreement, mut found) = (validated.agreement, validated.findings);
    let lines = text.lines().count().max(1);
    let mut blocking = false;
    for f in &found {
        let rule = rules::find(f.code()).unwrap_or_else(|| panic!("unknown code {}", f.code()));
        assert!(
            matches!(
                rule.family,
                Family::File | Family::Structure | Family::Content
            ),
            "{} is not a validate rule",
            f.code()
        );
        assert!(
            (1..=lines + 1).contains(&f.line) && f.column >= 1,
            "{} at {}:{} outside the {lines}-line text",
            f.code(),
            f.line,
            f.column
        );
        blocking |= rule.blocks_domain_model();
    }
    assert_eq!(
        agreement.is_some(),
        !blocking,
        "an agreement exactly when nothing blocks it: {found:?}"
    );
    let exit = if found.iter().any(|f| UNREADABLE.contains(&f.code())) {
        2
    } else if found
        .iter()
        .any(|f| f.severity == datapact::diagnostics::Severity::Error)
    {
        1
    } else {
        0
    };
    found.sort_by(|a, b| (a.line, a.column, a.code()).cmp(&(b.line, b.column, b.code())));
    (found, exit)
}

fn edited_example() -> impl Strategy<Value = (String, String, Vec<Edit>)> {
    let examples = examples();
    (
        proptest::sample::select(examples),
        proptest::collection::vec(edit_strategy(), 1..=3),
    )
        .prop_map(|((name, text), edits)| {
            let id = name.trim_end_matches(".toml").to_string();
            (id, apply_edits(&text, &edits), edits)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Most of these parse, so the structure and content rules see unusual but readable files.
    #[test]
    fn structurally_edited_examples_validate_consistently((id, text, _edits) in edited_example()) {
        checked_validation(&text, &id);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Through the binary: no panic, stdout is the JSON report, and the exit code and findings
    /// are what the library found.
    #[test]
    fn structurally_edited_examples_through_the_binary((id, text, _edits) in edited_example()) {
        let (expected, exit) = checked_validation(&text, &id);
        let ws = TempWorkspace::new();
        ws.write(&format!("agreements/{id}.toml"), &text);
        let (got_exit, report, _) = ws.validate_json(&[]);
        prop_assert_eq!(got_exit, exit);
        let got: Vec<(String, u64)> = findings(&report).into_iter().map(|(c, l, _)| (c, l)).collect();
        let want: Vec<(String, u64)> =
            expected.iter().map(|f| (f.code().to_string(), f.line as u64)).collect();
        prop_assert_eq!(got, want);
    }
}

/// The edits reach past the parser: over a fixed sample (about half parse as TOML, and about one
/// in ten still makes a complete agreement), so the structure and content rules run on them.
#[test]
fn structural_edits_mostly_reach_the_rules_past_the_parser() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let strategy = edited_example();
    let (mut parsed, mut complete, total) = (0, 0, 300);
    for _ in 0..total {
        let (id, text, _) = strategy.new_tree(&mut runner).unwrap().current();
        let (found, exit) = checked_validation(&text, &id);
        if exit != 2 {
            parsed += 1;
        }
        if !found
            .iter()
            .any(|f| rules::find(f.code()).unwrap().blocks_domain_model())
        {
            complete += 1;
        }
    }
    assert!(
        parsed * 5 > total * 2,
        "only {parsed} of {total} edited examples parse"
    );
    assert!(
        complete * 20 > total,
        "only {complete} of {total} make a complete agreement"
    );
}

/// Example `id` with each `(from, to)` line replaced (`to` may span lines), validated through
/// the binary: the codes found.
fn codes_after(id: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let mut text = example(id);
    for (from, to) in edits {
        text = with_line(&text, from, to);
    }
    let (_, found) = validate_text(id, &text);
    found.into_iter().map(|(code, _, _)| code).collect()
}

/// Each side of the conditions inside the consent, research and DPIA rules: a rule that fires
/// on one side must stay quiet on the other.
#[test]
fn content_rule_conditions_hold_both_ways() {
    const GP: &str = "gp-icb-population-health-research";
    let beyond_care = (
        "categories = [\"direct-care\"]",
        "categories = [\"direct-care\", \"law-enforcement\"]",
    );
    // DP124: implied consent, whether as the consent model or as the confidentiality basis,
    // covers direct care only; explicit consent is not implied consent.
    let cases = [
        ("the example", vec![], "DP124", false),
        (
            "implied model beyond care",
            vec![beyond_care],
            "DP124",
            true,
        ),
        (
            "implied-consent confidentiality basis alone, beyond care",
            vec![beyond_care, ("model = \"implied\"", "model = \"explicit\"")],
            "DP124",
            true,
        ),
        (
            "explicit consent beyond care",
            vec![
                beyond_care,
                ("model = \"implied\"", "model = \"explicit\""),
                (
                    "confidentiality = \"implied-consent\"",
                    "confidentiality = \"explicit-consent\"",
                ),
            ],
            "DP124",
            false,
        ),
        // DP111: identifiable or pseudonymised data for research needs s251 support or
        // explicit consent that is actually sought.
        (
            "research on explicit consent, sought",
            vec![
                (
                    "confidentiality = \"s251\"",
                    "confidentiality = \"explicit-consent\"",
                ),
                ("sought = false", "sought = true\nmodel = \"explicit\""),
            ],
            "DP111",
            false,
        ),
        // Explicit consent named but not sought is DP121's one finding, not DP111's too.
        (
            "research with an explicit model named but consent not sought",
            vec![
                (
                    "confidentiality = \"s251\"",
                    "confidentiality = \"explicit-consent\"",
                ),
                ("sought = false", "sought = false\nmodel = \"explicit\""),
            ],
            "DP111",
            false,
        ),
        (
            "research with an explicit model named but consent not sought",
            vec![
                (
                    "confidentiality = \"s251\"",
                    "confidentiality = \"explicit-consent\"",
                ),
                ("sought = false", "sought = false\nmodel = \"explicit\""),
            ],
            "DP121",
            true,
        ),
        // DP112: special category data for research (not for planning alone) needs Art 9(2)(j).
        (
            "planning only, no Art 9(2)(j)",
            vec![
                (
                    "categories = [\"planning\", \"research\"]",
                    "categories = [\"planning\"]",
                ),
                ("article9 = [\"h\", \"j\"]", "article9 = [\"h\"]"),
            ],
            "DP112",
            false,
        ),
        (
            "research, no Art 9(2)(j)",
            vec![("article9 = [\"h\", \"j\"]", "article9 = [\"h\"]")],
            "DP112",
            true,
        ),
    ];
    for (what, edits, code, fires) in cases {
        let id = if code == "DP124" { ECC } else { GP };
        let codes = codes_after(id, &edits);
        assert_eq!(
            codes.iter().any(|c| c == code),
            fires,
            "{what}: {code} {}expected, got {codes:?}",
            if fires { "" } else { "not " }
        );
    }
    // DP115: a DPIA found not to be required needs the screening's reason.
    let not_required = [
        ("dpia = \"completed\"", "dpia = \"not-required\""),
        ("dpia_reference = \"ICB-DPIA-2025-088\"", ""),
        (
            "dpia_outcome = \"Residual risk low; approved by both Data Protection Officers on 3 February 2026.\"",
            "",
        ),
    ];
    let codes = codes_after(ECC, &not_required);
    assert!(codes.contains(&"DP115".to_string()), "{codes:?}");
    let mut with_reason = not_required.to_vec();
    with_reason[1].1 = "no_dpia_reason = \"Screening on 3 February 2026 found no high risk.\"";
    let codes = codes_after(ECC, &with_reason);
    assert!(!codes.contains(&"DP115".to_string()), "{codes:?}");
}
