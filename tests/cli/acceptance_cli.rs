//! Step 8 through the real binary: the roles a workspace adds in `datapact.toml`, who signs for
//! each party (`[[parties]] signatory`), and acceptances recorded by `datapact accept` (evidence
//! of an agreement accepted by e-mail or a form, never a signature).

use crate::common::{ECC, ICB, ID, T0, TempWorkspace, example, text};

/// A workspace with the example agreement and `[signing]` settings `signing` appended to
/// `datapact.toml`.
fn workspace(signing: &str) -> TempWorkspace {
    let ws = TempWorkspace::new();
    ws.write("datapact.toml", format!("[signing]\n{signing}\n"));
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    ws
}

/// A role `datapact.toml` adds is a role everywhere: a key is enrolled for it and signs in it,
/// and verification counts the signature.
#[test]
fn a_workspace_role_enrols_and_signs() {
    let ws = workspace(r#"roles = [{ id = "relevant-person", label = "Relevant person" }]"#);
    let key = ws.key_path("icb");
    let out = ws.output(&[
        "keys",
        "generate",
        "--party",
        ICB,
        "--principal",
        "priya@nhs.net",
        "--role",
        "relevant-person",
        "--no-passphrase",
        "--out",
        key.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    ws.sign(ID, ICB, &key, &["--signed-at", T0]);
    let statement =
        std::fs::read_to_string(ws.root().join(format!("signatures/{ID}/v1/{ICB}.toml"))).unwrap();
    assert!(
        statement.contains("role = \"relevant-person\""),
        "{statement}"
    );
    let out = ws.output(&["--today", "2026-05-01", "verify", ID, "--format", "json"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    let icb = &json["agreements"][0]["parties"][0];
    assert_eq!(icb["status"], "signed", "{report}");
    assert_eq!(icb["role"], "relevant-person", "{report}");
}

/// A role nobody defined is refused, naming the roles there are (built-in and the
/// workspace's); nothing is written.
#[test]
fn an_unknown_role_is_refused_with_the_list_of_known_ones() {
    let ws = workspace(r#"roles = [{ id = "relevant-person", label = "Relevant person" }]"#);
    let key = ws.key_path("icb");
    let out = ws.output(&[
        "keys",
        "generate",
        "--party",
        ICB,
        "--principal",
        "priya@nhs.net",
        "--role",
        "archbishop",
        "--no-passphrase",
        "--out",
        key.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("unknown role \"archbishop\"")
            && err.contains("authorised-signatory")
            && err.contains("chief-executive")
            && err.contains("relevant-person"),
        "{err}"
    );
    assert!(!key.exists());
    assert!(!ws.root().join(format!("keys/{ICB}.toml")).exists());
}

/// `[signing] roles` follow the id rule, may not repeat a built-in role, and unknown keys in
/// `[signing]` are refused like every other setting.
#[test]
fn bad_signing_settings_are_refused() {
    for (settings, says) in [
        (
            r#"roles = [{ id = "Bad Id", label = "x" }]"#,
            "role id \"Bad Id\"",
        ),
        (r#"roles = [{ id = "dpo", label = "x" }]"#, "built-in role"),
        (r#"roles = [{ id = "abc", label = "" }]"#, "empty label"),
        (
            r#"roles = [{ id = "abc", label = "x", extra = 1 }]"#,
            "unknown field",
        ),
        ("acceptance_count = true", "unknown field"),
    ] {
        let ws = workspace(settings);
        let out = ws.output(&["check"]);
        assert_eq!(out.status.code(), Some(2), "{settings}");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{settings}: {err}");
    }
}

#[allow(dead_code)]
const _PARTIES: [&str; 2] = [ICB, ECC];
