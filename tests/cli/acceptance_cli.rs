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

/// The example agreement with a signatory for the ICB (who signs for it, as it states).
fn with_signatory(signatory: &str) -> String {
    example(ID).replacen(
        "senior_officer = { name = \"Helen Ward\", title = \"Senior Information Risk Owner\", mailbox = \"essexicb.siro@nhs.net\" }\n",
        &format!(
            "senior_officer = {{ name = \"Helen Ward\", title = \"Senior Information Risk Owner\", mailbox = \"essexicb.siro@nhs.net\" }}\nsignatory = {signatory}\n"
        ),
        1,
    )
}

/// The signatory an agreement names is shown in the signature block beside the signature
/// status (a public rendition keeps title and capacity, not the name), and it is not a
/// signature: the party still shows as not signed.
#[test]
fn the_signatory_is_rendered_and_is_not_a_signature() {
    let ws = workspace("");
    ws.write(
        &format!("agreements/{ID}.toml"),
        with_signatory(
            r#"{ name = "Ann Lee", title = "Deputy Director of Digital", capacity = "under delegated authority" }"#,
        ),
    );
    let out = ws.output(&["--today", "2026-05-01", "check", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    for format in ["md", "html"] {
        let out = ws.output(&["--today", "2026-05-01", "render", ID, "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let doc = text(&out.stdout);
        assert!(
            doc.contains(
                "ignatory named in the agreement: Ann Lee, Deputy Director of Digital, under delegated authority"
            ),
            "{doc}"
        );
        assert!(doc.contains("Not signed"), "{doc}");
        let out = ws.output(&[
            "--today",
            "2026-05-01",
            "render",
            ID,
            "--format",
            format,
            "--public",
        ]);
        let doc = text(&out.stdout);
        assert!(
            doc.contains(
                "ignatory named in the agreement: Deputy Director of Digital, under delegated authority"
            ),
            "{doc}"
        );
        assert!(!doc.contains("Ann Lee"), "{doc}");
    }
}

/// A signatory is validated like every other value: its name is required, placeholders,
/// control characters and unknown keys are findings.
#[test]
fn a_bad_signatory_is_a_finding() {
    let ws = workspace("");
    for (signatory, code) in [
        (r#"{ title = "Director" }"#, "DP0"),
        (r#"{ name = "Ann\u001b[2J Lee" }"#, "DP019"),
        (r#"{ name = "Ann Lee", rank = "x" }"#, "DP0"),
        (r#"{ name = "TODO" }"#, "DP0"),
    ] {
        ws.write(&format!("agreements/{ID}.toml"), with_signatory(signatory));
        let out = ws.output(&["--today", "2026-05-01", "check", ID, "--format", "json"]);
        let report = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{signatory}: {report}");
        assert!(
            report.contains(code) && report.contains("signatory"),
            "{signatory}: {report}"
        );
    }
}
