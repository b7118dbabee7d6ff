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

const TODAY: &str = "2026-05-01";

/// `datapact --today TODAY accept ID --party PARTY ...`, unchecked; `extra` holds flags and
/// values that replace the defaults (`["--on", DATE]`).
fn accept(ws: &TempWorkspace, party: &str, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<&str> = vec![
        "--today",
        TODAY,
        "accept",
        ID,
        "--party",
        party,
        "--method",
        "email",
        "--on",
        "2026-04-20",
        "--by",
        "Mark Osei, Data Protection Officer",
        "--evidence",
        "e-mail of 20 April 2026, ref ECC-DSA-7",
        "--recorded-by",
        "Priya Shah",
    ];
    for pair in extra.chunks(2) {
        let i = args.iter().position(|a| *a == pair[0]).unwrap();
        args[i + 1] = pair[1];
    }
    ws.output(&args)
}

/// A workspace with the example agreement, the ICB's key enrolled and its signature made, and
/// `[signing] acceptances_count` as given.
fn icb_signed(count: bool) -> TempWorkspace {
    let ws = workspace(&format!("acceptances_count = {count}"));
    let key = ws.generate_key_to(ICB, "priya@nhs.net", "icb");
    ws.sign(ID, ICB, &key, &["--signed-at", T0]);
    ws
}

/// `status --format json`'s row for the example.
fn status_row(ws: &TempWorkspace) -> serde_json::Value {
    let out = ws.output(&["--today", TODAY, "status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json
        .as_array()
        .cloned()
        .unwrap_or_else(|| json["agreements"].as_array().cloned().unwrap_or_default());
    rows.into_iter().next().expect("one row")
}

/// With the policy off (the default), an acceptance is shown as an acceptance, never as a
/// signature, and the version is not in force.
#[test]
fn an_acceptance_is_shown_as_accepted_not_signed_and_does_not_count_by_default() {
    let ws = icb_signed(false);
    let out = accept(&ws, ECC, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a signature"));
    assert_eq!(text(&out.stdout), "", "status goes to stderr");
    let file = std::fs::read_to_string(
        ws.root()
            .join(format!("signatures/{ID}/v1/acceptances/{ECC}.toml")),
    )
    .unwrap();
    assert!(file.contains("type = \"datapact-acceptance/1\""), "{file}");
    assert!(file.contains("method = \"email\""), "{file}");
    let row = status_row(&ws);
    assert_eq!(row["signed"], 1, "{row}");
    assert_eq!(row["in_force"], serde_json::Value::Null, "{row}");
    assert_eq!(row["missing"], serde_json::json!([ECC]), "{row}");
    let accepted = row["accepted"][0].as_str().unwrap();
    assert!(
        accepted.contains("accepted by e-mail on 2026-04-20") && accepted.contains("ECC-DSA-7"),
        "{row}"
    );
    let out = ws.output(&["--today", TODAY, "status"]);
    let table = text(&out.stdout);
    assert!(table.contains("not counted"), "{table}");
    // verify lists the acceptance under the agreement, as recorded and not a signature.
    let out = ws.output(&["--today", TODAY, "verify", ID]);
    let human = text(&out.stdout);
    assert!(
        human.contains(&format!("{ECC}: accepted by e-mail on 2026-04-20 by Mark Osei, Data Protection Officer; recorded, not a signature")),
        "{human}"
    );
    let out = ws.output(&["--today", TODAY, "verify", ID, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let acc = &json["agreements"][0]["acceptances"][0];
    assert_eq!(acc["party"], ECC, "{json}");
    assert_eq!(acc["method"], "email", "{json}");
    assert_eq!(acc["accepted_on"], "2026-04-20", "{json}");
    assert_eq!(json["agreements"][0]["members"], serde_json::json!([]));
    // Verification of the version's signatures does not read acceptances/ as a stray entry.
    let out = ws.output(&["--today", TODAY, "check", "--format", "json"]);
    assert!(
        !text(&out.stdout).contains("DP214"),
        "{}",
        text(&out.stdout)
    );
}

/// With `[signing] acceptances_count = true`, one party signed and the other accepted: the
/// version is in force, and still shows one signature, one acceptance.
#[test]
fn with_the_policy_on_a_signature_and_an_acceptance_put_the_version_in_force() {
    let ws = icb_signed(true);
    let out = accept(&ws, ECC, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let row = status_row(&ws);
    assert_eq!(row["in_force"], 1, "{row}");
    assert_eq!(row["signed"], 1, "{row}");
    assert_eq!(row["missing"], serde_json::json!([]), "{row}");
    assert!(row["accepted"][0].as_str().unwrap().contains(ECC), "{row}");
    // The document shows the council as accepted, recorded and not signed, beside the ICB's
    // verified signature.
    let out = ws.output(&["--today", TODAY, "render", ID, "--format", "md"]);
    let doc = text(&out.stdout);
    assert!(
        doc.contains("accepted by e-mail on 2026-04-20 by Mark Osei, Data Protection Officer (evidence: e-mail of 20 April 2026, ref ECC-DSA-7); recorded, not signed; it counts as agreement"),
        "{doc}"
    );
    assert!(doc.contains("**Not signed**"), "{doc}");
}

/// An acceptance of other bytes never counts, even with the policy on, and is DP224.
#[test]
fn an_acceptance_of_other_bytes_is_a_finding_and_does_not_count() {
    let ws = icb_signed(true);
    let out = accept(&ws, ECC, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rel = format!("signatures/{ID}/v1/acceptances/{ECC}.toml");
    let file = std::fs::read_to_string(ws.root().join(&rel)).unwrap();
    let digest_line = file
        .lines()
        .find(|l| l.starts_with("agreement_sha256"))
        .unwrap()
        .to_string();
    ws.write(
        &rel,
        file.replace(
            &digest_line,
            &format!("agreement_sha256 = \"{}\"", "0".repeat(64)),
        ),
    );
    let out = ws.output(&["--today", TODAY, "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("DP224"), "{}", text(&out.stdout));
    let row = status_row(&ws);
    assert_eq!(row["in_force"], serde_json::Value::Null, "{row}");
    assert_eq!(row["missing"], serde_json::json!([ECC]), "{row}");
}

/// Every refusal writes nothing: a party not in the agreement, a date after today, a control
/// character, an unknown method, a second acceptance, an agreement with errors.
#[test]
fn every_refusal_of_accept_writes_nothing() {
    let ws = icb_signed(false);
    let dir = ws.root().join(format!("signatures/{ID}/v1/acceptances"));
    // Not a party: the agreement's content refuses (1); the rest are usage (2).
    for (party, extra, says, code) in [
        ("nobody-here", vec![], "not a party", 1),
        (ECC, vec!["--on", "2026-06-01"], "after today", 2),
        (ECC, vec!["--by", "Mark\u{1b}[2J"], "control", 2),
        (ECC, vec!["--method", "carrier-pigeon"], "unknown method", 2),
    ] {
        let out = accept(&ws, party, &extra);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(says),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        assert!(!dir.exists(), "{extra:?} wrote something");
    }
    assert_eq!(accept(&ws, ECC, &[]).status.code(), Some(0));
    let before = std::fs::read(dir.join(format!("{ECC}.toml"))).unwrap();
    let out = accept(&ws, ECC, &["--by", "Someone else"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("already records"));
    assert_eq!(
        std::fs::read(dir.join(format!("{ECC}.toml"))).unwrap(),
        before
    );
    // An agreement with errors is never accepted.
    let broken = workspace("");
    broken.write(
        &format!("agreements/{ID}.toml"),
        example(ID).replacen("ico_registration = \"ZB341234\"\n", "", 1),
    );
    let out = accept(&broken, ECC, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!broken.root().join("signatures").exists());
}

/// `datapact --today TODAY bump ID` (an amendment), which must succeed.
fn bump(ws: &TempWorkspace) {
    let out = ws.output(&[
        "--today",
        TODAY,
        "bump",
        ID,
        "--reason",
        "A new data item.",
        "--change",
        "Adds a data item.",
        "--approved",
        TODAY,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// With `[signing] acceptances_count = true`, a version completed by a signature and an
/// acceptance stays in force while the next version collects signatures, exactly as a fully
/// signed one would; with the policy off it never was in force.
#[test]
fn an_earlier_version_completed_by_an_acceptance_stays_in_force_while_the_next_is_signed() {
    for count in [true, false] {
        let ws = icb_signed(count);
        let out = accept(&ws, ECC, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        ws.commit_all("v1 signed by the ICB, accepted by the council", T0);
        bump(&ws);
        let key = ws.key_path("icb");
        ws.sign(ID, ICB, &key, &["--signed-at", "2026-04-25T10:00:00Z"]);
        ws.commit_all("v2, signed by the ICB", "2026-04-25T10:00:00Z");
        let row = status_row(&ws);
        assert_eq!(row["version"], 2, "{row}");
        if count {
            assert_eq!(row["in_force"], 1, "{row}");
            assert_eq!(row["pending"], 2, "{row}");
            assert_eq!(
                row["versions"],
                format!("v1 in force; v2 awaiting {ECC}"),
                "{row}"
            );
        } else {
            assert_eq!(row["in_force"], serde_json::Value::Null, "{row}");
        }
        // verify names the version in force, as for a signed one.
        let out = ws.output(&["--today", TODAY, "verify", ID, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let in_force = &json["agreements"][0]["in_force"]["version"];
        assert_eq!(
            in_force,
            &if count {
                1.into()
            } else {
                serde_json::Value::Null
            },
            "count = {count}: {json}"
        );
        if count {
            // ... and says it was agreed partly by acceptance, not "fully signed".
            assert_eq!(
                json["agreements"][0]["in_force"]["accepted_by"]
                    .as_array()
                    .map(Vec::len),
                Some(1),
                "{json}"
            );
            let human = text(&ws.output(&["--today", TODAY, "verify", ID]).stdout);
            assert!(
                human.contains(
                    "in force meanwhile: v1, agreed by every party (accepted, not signed, by "
                ) && !human.contains("v1, fully signed"),
                "{human}"
            );
        }
    }
}

/// A version every party accepted and none signed is found in history by the bytes its
/// acceptances name, and stays in force (with the policy on) while the next one is signed.
#[test]
fn an_earlier_version_every_party_accepted_stays_in_force() {
    let ws = workspace("acceptances_count = true");
    for party in [ICB, ECC] {
        let out = accept(&ws, party, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    assert_eq!(status_row(&ws)["in_force"], 1);
    ws.commit_all("v1, accepted by both parties", T0);
    bump(&ws);
    let key = ws.generate_key_to(ICB, "priya@nhs.net", "icb");
    ws.sign(ID, ICB, &key, &["--signed-at", "2026-04-25T10:00:00Z"]);
    ws.commit_all("v2, signed by the ICB", "2026-04-25T10:00:00Z");
    let row = status_row(&ws);
    assert_eq!(row["in_force"], 1, "{row}");
    assert_eq!(row["pending"], 2, "{row}");
}

/// [`accept`] for the council with the default values and `more` flags appended.
fn accept_with(ws: &TempWorkspace, more: &[&str]) -> std::process::Output {
    let mut args: Vec<&str> = vec![
        "--today",
        TODAY,
        "accept",
        ID,
        "--party",
        ECC,
        "--method",
        "email",
        "--on",
        "2026-04-20",
        "--by",
        "Mark Osei, Data Protection Officer",
        "--evidence",
        "e-mail of 20 April 2026, ref ECC-DSA-7",
        "--recorded-by",
        "Priya Shah",
    ];
    args.extend_from_slice(more);
    ws.output(&args)
}

/// `accept --commit` commits exactly the acceptance file, as written, with a message naming
/// the party, agreement, version, method and day; a changed file staged beside it and an
/// untracked one are left out. Outside a git repository `--commit` is refused before anything
/// is written.
#[test]
fn accept_commit_commits_exactly_the_acceptance_file() {
    let outside = icb_signed(false);
    let out = accept_with(&outside, &["--commit"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--commit needs the workspace")
            && text(&out.stderr).contains("nothing was written"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !outside
            .root()
            .join(format!("signatures/{ID}/v1/acceptances"))
            .exists()
    );

    let ws = icb_signed(false);
    let first = ws.commit_all("v1 signed by the ICB", T0);
    ws.set_committer();
    // A staged change and an untracked file: neither may be committed.
    let repo = git2::Repository::open(ws.root()).unwrap();
    ws.write(
        "datapact.toml",
        "[signing]\nacceptances_count = false\n# edited\n",
    );
    let mut index = repo.index().unwrap();
    index
        .add_path(std::path::Path::new("datapact.toml"))
        .unwrap();
    index.write().unwrap();
    ws.write("notes.txt", "not for the repository");

    let out = accept_with(&ws, &["--commit"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let message = format!("Record {ECC}'s acceptance of {ID} v1 (email on 2026-04-20)");
    assert!(
        text(&out.stderr).contains("Committed ") && text(&out.stderr).contains(&message),
        "{}",
        text(&out.stderr)
    );
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.message().ok(), Some(message.as_str()));
    assert_eq!(
        head.parent_ids().map(|p| p.to_string()).collect::<Vec<_>>(),
        vec![first]
    );
    let diff = repo
        .diff_tree_to_tree(
            Some(&head.parent(0).unwrap().tree().unwrap()),
            Some(&head.tree().unwrap()),
            None,
        )
        .unwrap();
    let rel = format!("signatures/{ID}/v1/acceptances/{ECC}.toml");
    let changed: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(changed, vec![rel.clone()]);
    let entry = head
        .tree()
        .unwrap()
        .get_path(std::path::Path::new(&rel))
        .unwrap();
    assert_eq!(
        repo.find_blob(entry.id()).unwrap().content(),
        std::fs::read(ws.root().join(&rel)).unwrap().as_slice()
    );
    // The staged change is still staged, not committed.
    let status = repo
        .status_file(std::path::Path::new("datapact.toml"))
        .unwrap();
    assert!(status.contains(git2::Status::INDEX_MODIFIED), "{status:?}");
}

/// Rough edges of `accept`, each refused with what to do and nothing written: a party whose
/// signature on the version verifies (an acceptance would add nothing), and text with a line
/// break, said once ("invalid --by: it holds ...").
#[test]
fn accept_refuses_a_party_that_signed_and_says_what_is_wrong_with_a_text_once() {
    let ws = icb_signed(true);
    let dir = ws.root().join(format!("signatures/{ID}/v1/acceptances"));
    let out = accept(&ws, ICB, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{ICB} has signed v1 of {ID} (its signature verifies): an acceptance would add nothing"
        )),
        "{err}"
    );
    let out = accept(&ws, ECC, &["--evidence", "ref 1\nref 2"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("invalid --evidence: it holds the control or formatting character \\u{a}"),
        "{err}"
    );
    assert!(!dir.exists());
}

/// A link out of the workspace planted as the acceptances folder, or as an acceptance file,
/// is never read: an error (DP223) naming the link, reported once, and the acceptance does not
/// count.
#[test]
fn acceptances_linked_out_of_the_workspace_are_errors_and_never_count() {
    let ws = icb_signed(true);
    let outside = tempfile::tempdir().unwrap();
    let out = accept(&ws, ECC, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = ws.root().join(format!("signatures/{ID}/v1/acceptances"));
    let file = dir.join(format!("{ECC}.toml"));
    std::fs::copy(&file, outside.path().join(format!("{ECC}.toml"))).unwrap();
    assert_eq!(status_row(&ws)["in_force"], 1);
    for link_the_folder in [true, false] {
        std::fs::remove_dir_all(&dir).unwrap();
        if link_the_folder {
            std::os::unix::fs::symlink(outside.path(), &dir).unwrap();
        } else {
            std::fs::create_dir(&dir).unwrap();
            std::os::unix::fs::symlink(outside.path().join(format!("{ECC}.toml")), &file).unwrap();
        }
        let out = ws.output(&["--today", TODAY, "check", ID]);
        let said = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert_eq!(said.matches("is a link to").count(), 1, "{said}");
        assert!(
            said.contains("error[DP223]")
                && said.contains("outside the workspace; no acceptance there is read")
                && !said.contains("DP214"),
            "{said}"
        );
        let row = status_row(&ws);
        assert_eq!(row["in_force"], serde_json::Value::Null, "{row}");
        assert_eq!(row["missing"], serde_json::json!([ECC]), "{row}");
        if link_the_folder {
            std::fs::remove_file(&dir).unwrap();
            std::fs::create_dir(&dir).unwrap();
        }
    }
}
