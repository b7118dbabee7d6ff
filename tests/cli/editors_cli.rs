//! Editors: the JSON Schemas (`datapact schema`, the files `init` and `schema --write` put in
//! `.datapact/`), the `#:schema` directive `new` writes, and drafting a `new` agreement the way a
//! person does in a plain editor: every placeholder filled in by hand makes it valid and
//! signable, and a value typed inside quotes is told to lose them.

use crate::common::{T0, TempWorkspace, examples, findings, repo, text};
use serde_json::Value;

/// A TOML document as the JSON editors validate against a schema: dates become their text.
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// The schema `datapact schema WHICH` prints in `ws`, as a draft-07 validator.
fn validator(ws: &TempWorkspace, which: &str) -> jsonschema::Validator {
    let (code, out, err) = ws.run(&["schema", which]);
    assert_eq!(code, 0, "{err}");
    let schema: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::options().build(&schema).unwrap()
}

/// The schema's complaints about the TOML `text`, one line each.
fn errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let doc = to_json(&toml::from_str::<toml::Value>(text).unwrap());
    validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

#[test]
fn every_shipped_file_is_valid_against_its_schema_and_a_misspelt_key_or_value_is_not() {
    let ws = TempWorkspace::init();
    let agreement = validator(&ws, "agreement");
    for (name, text) in examples() {
        assert_eq!(errors(&agreement, &text), Vec::<String>::new(), "{name}");
    }
    let workspace = validator(&ws, "workspace");
    let settings = std::fs::read_to_string(repo().join("datapact.toml")).unwrap();
    assert_eq!(errors(&workspace, &settings), Vec::<String>::new());
    let written = std::fs::read_to_string(ws.root().join("datapact.toml")).unwrap();
    assert_eq!(errors(&workspace, &written), Vec::<String>::new());
    let keys = validator(&ws, "keys");
    let mut trust_files = 0;
    for entry in std::fs::read_dir(repo().join("keys")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(errors(&keys, &text), Vec::<String>::new(), "{path:?}");
            trust_files += 1;
        }
    }
    assert!(trust_files > 5);

    let (_, example) = &examples()[0];
    assert!(example.contains("\nwhy_sharing = "));
    let misspelt = example.replace("\nwhy_sharing = ", "\nwhy_shareing = ");
    let found = errors(&agreement, &misspelt);
    assert!(
        found.iter().any(|e| e.contains("why_shareing")),
        "{found:?}"
    );
    let wrong_value = example.replacen("role = \"controller\"", "role = \"controler\"", 1);
    assert_ne!(&wrong_value, example);
    let found = errors(&agreement, &wrong_value);
    assert!(
        found
            .iter()
            .any(|e| e.contains("/parties/") && e.contains("\"controler\"")),
        "{found:?}"
    );
    let wrong_type = example.replacen("version = ", "version = \"1\" # ", 1);
    assert!(!errors(&agreement, &wrong_type).is_empty());
    let bad_setting = format!("{settings}\n[limitz]\nmax_term_months = 12\n");
    assert!(!errors(&workspace, &bad_setting).is_empty());
}

#[test]
fn vocabulary_values_carry_their_wording_for_editors() {
    let ws = TempWorkspace::init();
    let (_, out, _) = ws.run(&["schema", "agreement"]);
    let schema: Value = serde_json::from_str(&out).unwrap();
    let article6 = &schema["properties"]["lawful_basis"]["properties"]["article6"]["items"];
    let ids = article6["enum"].as_array().unwrap();
    let docs = article6["x-taplo"]["docs"]["enumValues"]
        .as_array()
        .unwrap();
    assert_eq!(ids.len(), docs.len());
    let e = ids.iter().position(|v| v == "e").unwrap();
    assert!(
        docs[e].as_str().unwrap().contains("public interest"),
        "{}",
        docs[e]
    );
    let party = &schema["properties"]["parties"]["items"];
    assert_eq!(party["additionalProperties"], false);
    assert!(
        party["properties"]["health_or_care"]["description"]
            .as_str()
            .unwrap()
            .contains("Caldicott Guardian")
    );
}

#[test]
fn init_and_schema_write_put_the_schemas_and_a_taplo_configuration_in_the_workspace() {
    let ws = TempWorkspace::init();
    for which in ["agreement", "workspace", "keys"] {
        let written =
            std::fs::read_to_string(ws.root().join(format!(".datapact/{which}.schema.json")))
                .unwrap();
        let (_, printed, _) = ws.run(&["schema", which]);
        assert_eq!(written, printed, "{which}");
    }
    let taplo = std::fs::read_to_string(ws.root().join(".taplo.toml")).unwrap();
    let config: toml::Table = toml::from_str(&taplo).unwrap();
    assert_eq!(
        config["rule"][0]["schema"]["path"].as_str(),
        Some("./.datapact/agreement.schema.json")
    );
    // The formatter is told never to re-wrap, collapse or align (signed bytes).
    assert_eq!(
        config["formatting"]["array_auto_expand"].as_bool(),
        Some(false)
    );

    // What was written is status: on stderr.
    let (code, stdout, out) = ws.run(&["schema", "--write"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{out}");
    assert!(
        out.contains("up to date .datapact/agreement.schema.json"),
        "{out}"
    );
    assert!(
        out.contains("kept (already there, not changed) .taplo.toml"),
        "{out}"
    );
    std::fs::write(ws.root().join(".datapact/keys.schema.json"), "{}").unwrap();
    let (_, _, out) = ws.run(&["schema", "--write"]);
    assert!(
        out.contains("updated    .datapact/keys.schema.json"),
        "{out}"
    );

    let (code, _, err) = ws.run(&["schema"]);
    assert_eq!(code, 2, "{err}");
}

/// `new` in a workspace with the schema: the directive is the first line; without: none.
#[test]
fn new_points_the_agreement_at_the_workspace_schema_when_there_is_one() {
    let ws = TempWorkspace::init();
    let written = std::fs::read_to_string(new_draft(&ws)).unwrap();
    assert!(
        written.starts_with("#:schema ../.datapact/agreement.schema.json\n# "),
        "{written}"
    );
    let bare = TempWorkspace::new();
    let (code, _, err) = bare.run(&["new", "draft-one"]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(bare.root().join("agreements/draft-one.toml")).unwrap();
    assert!(!written.contains("#:schema"), "{written}");
}

/// `datapact new draft-one` for parties org-a and org-b in `ws`: the file written.
fn new_draft(ws: &TempWorkspace) -> std::path::PathBuf {
    let (code, _, err) = ws.run(&["new", "draft-one", "--party", "org-a", "--party", "org-b"]);
    assert_eq!(code, 0, "{err}");
    ws.root().join("agreements/draft-one.toml")
}

/// What a governance lead does to a `new` agreement in a plain editor: each `"TODO: ..."`
/// replaced by wording (the vocabulary ones by an id), one line under each true/false CHOOSE
/// uncommented, and each number and date typed over its marker and uncommented.
fn fill_in_as_a_person_would(draft: &str) -> String {
    let vocabulary = [
        ("role = ", "\"controller\""),
        ("categories = ", "[\"direct-care\"]"),
        ("frequency = ", "\"ongoing\""),
        ("identifiability = ", "\"identifiable\""),
        ("article6 = ", "[\"e\"]"),
        ("article9 = ", "[]"),
        ("dpa_schedule1 = ", "[]"),
        ("confidentiality = ", "\"no-duty-of-confidence\""),
        ("national_data_opt_out = ", "\"not-applicable\""),
        ("dpia = ", "\"completed\""),
    ];
    let chosen = [
        ("# public_authority = true", "public_authority = true"),
        ("# health_or_care = false", "health_or_care = false"),
        ("# sought = true", "sought = true"),
        ("# model = \"implied\"", "model = \"implied\""),
        ("# outside_uk = false", "outside_uk = false"),
        ("# permitted = false", "permitted = false"),
        ("# report_within_hours = HOURS", "report_within_hours = 72"),
        ("# approved = YYYY-MM-DD", "approved = 2026-03-01"),
        ("# effective = YYYY-MM-DD", "effective = 2026-04-01"),
        ("# expires = YYYY-MM-DD", "expires = 2028-04-30"),
    ];
    let mut out = String::new();
    for line in draft.lines() {
        let mut line = line.to_string();
        if let Some((_, value)) = vocabulary
            .iter()
            .find(|(key, _)| line.starts_with(key) && line.contains("\"TODO"))
        {
            line = format!("{}{value}", &line[..line.find(" = ").unwrap() + 3]);
        }
        line = line
            .replace(
                "mailbox = \"TODO: DPO role mailbox\"",
                "mailbox = \"dpo@example.org\"",
            )
            .replace(
                "mailbox = \"TODO: role mailbox\"",
                "mailbox = \"ig@example.org\"",
            );
        while let Some(start) = line.find("\"TODO") {
            let end = start + 1 + line[start + 1..].find('"').unwrap();
            line.replace_range(start..=end, "\"Written by the governance lead.\"");
        }
        if let Some((_, to)) = chosen.iter().find(|(from, _)| line.starts_with(from)) {
            line = to.to_string();
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn a_new_agreement_filled_in_by_hand_is_valid_signable_and_matches_its_schema() {
    let ws = TempWorkspace::init();
    let path = new_draft(&ws);
    let filled = fill_in_as_a_person_would(&std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, &filled).unwrap();
    let (code, report, _) = ws.validate_json(&["--today", "2026-05-01", "draft-one"]);
    assert_eq!(findings(&report), Vec::new(), "{filled}");
    assert_eq!(code, 0);
    assert_eq!(
        errors(&validator(&ws, "agreement"), &filled),
        Vec::<String>::new()
    );

    // The #:schema line is a comment, signed with the rest of the bytes.
    ws.set_committer();
    let a = ws.generate_key_to("org-a", "a@example.org", "a");
    let b = ws.generate_key_to("org-b", "b@example.org", "b");
    ws.sign("draft-one", "org-a", &a, &["--signed-at", T0]);
    ws.sign("draft-one", "org-b", &b, &["--signed-at", T0]);
    let out = ws.output(&["--today", "2026-05-01", "verify", "draft-one"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), filled);
    assert!(filled.starts_with("#:schema "));
}

#[test]
fn a_value_typed_inside_quotes_is_told_to_lose_them_at_its_line_and_column() {
    let ws = TempWorkspace::init();
    let path = new_draft(&ws);
    let quoted = fill_in_as_a_person_would(&std::fs::read_to_string(&path).unwrap())
        .replacen("public_authority = true", "public_authority = \"true\"", 1)
        .replace("report_within_hours = 72", "report_within_hours = \"12\"")
        .replace("approved = 2026-03-01", "approved = \"2026-03-01\"");
    std::fs::write(&path, &quoted).unwrap();
    let at = |needle: &str| {
        let line = quoted.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
        format!("agreements/draft-one.toml:{line}:{}:", needle.len() + 1)
    };
    let (code, out, _) = ws.run(&["--today", "2026-05-01", "validate", "draft-one"]);
    assert_eq!(code, 1, "{out}");
    for (needle, bare) in [
        ("public_authority = ", "true"),
        ("report_within_hours = ", "12"),
        ("approved = ", "2026-03-01"),
    ] {
        let key = needle.trim_end_matches(" = ");
        let expected = format!(
            "error[DP014]: {} `{}` must be",
            at(needle),
            if key == "public_authority" {
                "parties[0].public_authority".to_string()
            } else if key == "approved" {
                "dates.approved".to_string()
            } else {
                "incidents.report_within_hours".to_string()
            }
        );
        assert!(out.contains(&expected), "{expected}\n{out}");
        assert!(
            out.contains(&format!("found the text \"{bare}\": remove the quotes")),
            "{out}"
        );
        assert!(
            out.contains(&format!("hint: write `{key} = {bare}`, without quotes")),
            "{out}"
        );
    }
    assert_eq!(out.matches("error[").count(), 3, "{out}");
}
