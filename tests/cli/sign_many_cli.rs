//! `datapact sign` of several agreements in one run (several ids, or `--all-awaiting`): one
//! summary before anything is signed, skipped agreements listed with the reason, one
//! confirmation (`--yes` without a terminal), one passphrase for all, one commit with
//! `--commit`; an unknown id or a wrong passphrase refuses with nothing written.

use crate::common;
use crate::common::{ICB, ID, T0};
use common::{TempWorkspace, example, text};
use std::path::{Path, PathBuf};

/// The example agreement under another id (`ID-<n>`), so a workspace can hold many.
fn agreement_numbered(n: usize) -> (String, String) {
    let id = format!("{ID}-{n:02}");
    let text = example(ID).replacen(&format!("id = \"{ID}\""), &format!("id = \"{id}\""), 1);
    (id, text)
}

/// A workspace (git, with a committer) holding `n` copies of the example agreement, committed,
/// with an encrypted dpo key enrolled for the ICB: the workspace, the key and its passphrase
/// file.
fn workspace_with(n: usize) -> (TempWorkspace, Vec<String>, PathBuf, PathBuf) {
    let ws = TempWorkspace::init();
    ws.set_committer();
    let mut ids = Vec::new();
    for i in 1..=n {
        let (id, text) = agreement_numbered(i);
        ws.write(&format!("agreements/{id}.toml"), text);
        ids.push(id);
    }
    let pass = ws.key_path("pass");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    set_private(&pass);
    let key = ws.key_path("icb_dpo");
    let out = ws.keys_generate(
        ICB,
        "p@nhs.net",
        &[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "--out",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    ws.commit_all("agreements and key", T0);
    (ws, ids, key, pass)
}

/// Makes `path` readable only by its owner, as a passphrase file must be.
fn set_private(path: &Path) {
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
}

/// `datapact sign ARGS... --party <ICB> --key KEY --passphrase-file PASS --signed-at T0`: the
/// exit code, stdout and stderr.
fn sign(ws: &TempWorkspace, key: &Path, pass: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["sign"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--party",
        ICB,
        "--key",
        key.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
        "--signed-at",
        T0,
    ]);
    ws.run(&all)
}

/// The ICB's statement for version 1 of `id`.
fn statement(ws: &TempWorkspace, id: &str) -> PathBuf {
    ws.root().join(format!("signatures/{id}/v1/{ICB}.toml"))
}

/// The status `verify --format json` gives the ICB in each agreement, by agreement id.
fn icb_statuses(ws: &TempWorkspace) -> Vec<(String, String)> {
    let out = ws.output(&["verify", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    json["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let icb = a["parties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["party"] == ICB)
                .unwrap();
            (
                a["id"].as_str().unwrap().to_string(),
                icb["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Git's commit count on the current branch.
fn commits(ws: &TempWorkspace) -> usize {
    let out = std::process::Command::new("git")
        .args(["rev-list", "--count", "HEAD"])
        .current_dir(ws.root())
        .output()
        .unwrap();
    text(&out.stdout).trim().parse().unwrap()
}

/// The acceptance test: a partner signs 50 agreements with one passphrase and one command;
/// `verify` then shows every one signed by that party, and `--commit` made one commit of them
/// all (the statements and signatures; the agreements were committed already).
#[test]
fn a_partner_signs_fifty_agreements_in_one_run() {
    let (ws, ids, key, pass) = workspace_with(50);
    let before = commits(&ws);
    let (code, out, err) = sign(&ws, &key, &pass, &["--all-awaiting", "--yes", "--commit"]);
    assert_eq!(code, 0, "{err}");
    // What was signed is status, on stderr; stdout carries no data for `sign`.
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("Signing 50 agreements as p@nhs.net (dpo) for nhs-essex-icb with key SHA256:"),
        "{err}"
    );
    assert!(
        err.contains("Signed 50 agreements for nhs-essex-icb (dpo, key SHA256:"),
        "{err}"
    );
    for id in &ids {
        assert!(err.contains(&format!("  {id} v1  sha256 ")), "{id}: {err}");
        assert!(err.contains(&format!("Signed {id} v1: ")), "{id}: {err}");
    }
    let statuses = icb_statuses(&ws);
    assert_eq!(statuses.len(), 50);
    assert!(statuses.iter().all(|(_, s)| s == "signed"), "{statuses:?}");
    assert_eq!(commits(&ws), before + 1, "one commit for the whole run");
    let shown = std::process::Command::new("git")
        .args(["show", "--name-only", "--format=%B", "HEAD"])
        .current_dir(ws.root())
        .output()
        .unwrap();
    let shown = text(&shown.stdout);
    assert!(
        shown.starts_with("Sign 50 agreements for nhs-essex-icb (dpo, key SHA256:"),
        "{shown}"
    );
    assert_eq!(
        shown
            .lines()
            .filter(|l| l.starts_with("signatures/"))
            .count(),
        100,
        "{shown}"
    );
    // Run again: nothing awaits the ICB any more; that is not a failure.
    let (code, out, err) = sign(&ws, &key, &pass, &["--all-awaiting", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Nothing to sign: no agreement awaits nhs-essex-icb's signature."),
        "{out}"
    );
    assert!(
        err.contains("Not awaiting nhs-essex-icb's signature: 50 agreements already signed by it."),
        "{err}"
    );
}

/// Without a terminal and without --yes, several agreements are not signed: the summary is
/// printed (what would be signed, what is skipped and why), then the run refuses, exit 2,
/// with nothing written.
#[test]
fn the_summary_comes_before_anything_is_signed_and_needs_yes_without_a_terminal() {
    let (ws, ids, key, pass) = workspace_with(3);
    let (code, out, err) = sign(&ws, &key, &pass, &[&ids[0], &ids[2]]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("Signing 2 agreements as p@nhs.net (dpo) for nhs-essex-icb with key SHA256:"),
        "{err}"
    );
    assert!(err.contains(&format!("  {} v1  sha256 ", ids[0])), "{err}");
    assert!(err.contains(&format!("  {} v1  sha256 ", ids[2])), "{err}");
    assert!(!err.contains(&ids[1]), "{err}");
    assert!(
        err.contains("error: nothing was signed: signing several agreements needs your confirmation, and there is no terminal to ask on"),
        "{err}"
    );
    assert!(err.contains("--yes"), "{err}");
    assert!(!ws.root().join("signatures").join(&ids[0]).exists());
    assert!(!ws.root().join("signatures").join(&ids[2]).exists());
}

/// Agreements that cannot be signed for the party are listed as skipped with the reason, and
/// the others are signed; a named agreement skipped makes the exit code 1. With
/// --all-awaiting, agreements already signed or not naming the party are only counted, while
/// one awaiting the party that cannot be signed is listed.
#[test]
fn agreements_that_cannot_be_signed_are_skipped_with_the_reason() {
    let (ws, ids, key, pass) = workspace_with(3);
    // ids[0]: signed already; ids[1]: has errors; ids[2]: signable; another agreement does
    // not name the ICB.
    ws.sign(
        &ids[0],
        ICB,
        &key,
        &[
            "--passphrase-file",
            pass.to_str().unwrap(),
            "--signed-at",
            T0,
        ],
    );
    let broken = ws.root().join(format!("agreements/{}.toml", ids[1]));
    let good = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(
        &broken,
        good.replacen("review = 2028-04-01\n", "review = 2026-03-01\n", 1),
    )
    .unwrap();
    let other = "essex-homelessness-statistics";
    ws.write(&format!("agreements/{other}.toml"), example(other));

    let (code, out, err) = sign(
        &ws,
        &key,
        &pass,
        &[&ids[0], &ids[1], &ids[2], other, "--yes"],
    );
    assert_eq!(code, 1, "{err}");
    let summary = err.find("Signing 1 agreement as").expect(&err);
    let skipping = err.find("Skipping 3 agreements:").expect(&err);
    assert!(summary < skipping, "{err}");
    for (what, why) in [
        (
            format!("{} v1", ids[0]),
            format!("nhs-essex-icb has already signed {} v1", ids[0]),
        ),
        (
            format!("{} v1", ids[1]),
            "has errors; an agreement with errors cannot be signed".to_string(),
        ),
        (
            format!("{other} v1"),
            format!("nhs-essex-icb is not a party to {other}"),
        ),
    ] {
        let line = err
            .lines()
            .find(|l| l.starts_with(&format!("  {what}: ")))
            .unwrap_or_else(|| panic!("no skipped line for {what}: {err}"));
        assert!(line.contains(&why), "{line}");
    }
    assert!(err.contains(&format!("Signed {} v1: ", ids[2])), "{err}");
    assert!(
        err.contains("Signed 1 agreement for nhs-essex-icb (dpo, key SHA256:")
            && err.contains("; skipped 3 (listed above)"),
        "{out}"
    );
    assert!(statement(&ws, &ids[2]).exists());
    assert!(!statement(&ws, &ids[1]).exists());

    // --all-awaiting: the signed ones and the agreement without the ICB are counted, the one
    // with errors awaits the ICB and is listed; nothing is left to sign, so exit 1.
    let (code, out, err) = sign(&ws, &key, &pass, &["--all-awaiting", "--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("Skipping 1 agreement:"), "{err}");
    assert!(err.contains(&format!("  {} v1: ", ids[1])), "{err}");
    assert!(
        err.contains("Not awaiting nhs-essex-icb's signature: 2 agreements already signed by it, 1 agreement not naming it."),
        "{err}"
    );
    assert!(
        err.contains(
            "error: nothing was signed: none of these agreements can be signed for nhs-essex-icb"
        ),
        "{err}"
    );
}

/// An id named that is unknown, or a file that cannot be read as an agreement, refuses the
/// whole run (exit 2) before anything is signed; ids and --all-awaiting do not go together.
#[test]
fn an_unknown_or_unreadable_id_refuses_with_nothing_written() {
    let (ws, ids, key, pass) = workspace_with(2);
    let (code, _, err) = sign(&ws, &key, &pass, &[&ids[0], "no-such-agreement", "--yes"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no agreement \"no-such-agreement\""), "{err}");
    assert!(!err.contains("Signing"), "{err}");
    assert!(!ws.root().join("signatures").exists(), "{err}");

    ws.write("agreements/garbled.toml", "this is [not an agreement\n");
    let (code, _, err) = sign(&ws, &key, &pass, &[&ids[0], "garbled", &ids[1], "--yes"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("agreements/garbled.toml"), "{err}");
    assert!(!ws.root().join("signatures").exists(), "{err}");

    let (code, _, err) = sign(&ws, &key, &pass, &[&ids[0], "--all-awaiting", "--yes"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--all-awaiting"), "{err}");
    assert!(!ws.root().join("signatures").exists(), "{err}");
}

/// The key is unlocked once, before the first signature: a wrong passphrase stops the run
/// with nothing written.
#[test]
fn a_wrong_passphrase_stops_the_run_before_anything_is_written() {
    let (ws, _, key, _) = workspace_with(3);
    let wrong = ws.key_path("wrong");
    std::fs::write(&wrong, "correct horse battery staple\n").unwrap();
    set_private(&wrong);
    let (code, out, err) = sign(&ws, &key, &wrong, &["--all-awaiting", "--yes"]);
    assert!(out.is_empty(), "{out}");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(err.contains("Signing 3 agreements"), "{err}");
    assert!(!err.contains("Signed"), "{err}");
    assert!(!ws.root().join("signatures").exists(), "{err}");
}

/// On a terminal: the summary, then one question, then one passphrase prompt for every
/// agreement; answering no signs nothing.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_it_asks_once_to_confirm_and_once_for_the_passphrase() {
    let (ws, ids, key, _) = workspace_with(3);
    let args = [
        "sign",
        "--all-awaiting",
        "--party",
        ICB,
        "--key",
        key.to_str().unwrap(),
        "--signed-at",
        T0,
    ];
    let question = "Sign these 3 agreements for nhs-essex-icb? [y/N] ";
    let (code, shown) = common::on_a_terminal(&ws, &args, &[(question, "n")]);
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("nothing was signed: you did not confirm"),
        "{shown}"
    );
    assert!(!shown.contains("Passphrase for"), "{shown}");
    assert!(!ws.root().join("signatures").exists(), "{shown}");

    let prompt = format!("Passphrase for {}: ", key.display());
    let (code, shown) = common::on_a_terminal(
        &ws,
        &args,
        &[(question, "y"), (&prompt, "correct horse battery")],
    );
    assert_eq!(code, 0, "{shown}");
    let summary = shown.find("Signing 3 agreements as").expect(&shown);
    assert!(summary < shown.find(question).unwrap(), "{shown}");
    assert_eq!(shown.matches("Passphrase for").count(), 1, "{shown}");
    assert!(
        shown.contains("Signed 3 agreements for nhs-essex-icb"),
        "{shown}"
    );
    for id in &ids {
        assert!(statement(&ws, id).exists(), "{id}: {shown}");
    }
}

/// The acceptance test with a key held only in an ssh-agent: 50 agreements signed in one run
/// through a real `ssh-agent` (one connection, no passphrase), the private key file removed
/// first; `verify` then shows every one signed by the party.
#[test]
fn a_partner_signs_fifty_agreements_with_a_key_held_only_in_an_ssh_agent() {
    if !crate::signing::openssh_available(&["ssh-keygen", "ssh-agent", "ssh-add"]) {
        return;
    }
    let (ws, ids, _, _) = workspace_with(50);
    let key = ws.key_path("agent_dpo");
    common::ssh_keygen_key(&key, "agent@nhs.net");
    let public = format!("{}.pub", key.display());
    ws.keys_add_dpo(ICB, "agent@nhs.net", &public);
    ws.commit_all("the agent's key", T0);
    let agent = crate::agent_cli::Agent::start();
    agent.add(&key);
    std::fs::remove_file(&key).unwrap();

    let out = ws
        .cmd()
        .args([
            "sign",
            "--all-awaiting",
            "--yes",
            "--party",
            ICB,
            "--key",
            &public,
        ])
        .args(["--signed-at", T0])
        .env("SSH_AUTH_SOCK", &agent.socket)
        .write_stdin("")
        .output()
        .unwrap();
    common::assert_no_panic(&out);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("asking the ssh-agent to sign with key SHA256:"),
        "{err}"
    );
    assert!(!err.to_lowercase().contains("passphrase"), "{err}");
    assert!(
        err.contains("Signed 50 agreements for nhs-essex-icb (dpo, key SHA256:"),
        "{err}"
    );
    drop(agent);
    let statuses = icb_statuses(&ws);
    assert_eq!(statuses.len(), ids.len());
    for (id, status) in statuses {
        assert_eq!(status, "signed", "{id}");
    }
}

/// `-q` means findings and errors only: with `--yes` (nothing is asked) the summary of what is
/// signed and the "Signed" lines are not printed, for one agreement or several; the reason an
/// agreement is skipped still is. Without `--yes` the summary stays, since the question is
/// about it (no terminal here, so the run refuses after showing it).
#[test]
fn quiet_signing_prints_only_what_went_wrong() {
    let (ws, ids, key, pass) = workspace_with(3);
    let (code, _, err) = sign(&ws, &key, &pass, &["-q", &ids[0]]);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
    assert!(statement(&ws, &ids[0]).is_file());

    let (code, _, err) = sign(
        &ws,
        &key,
        &pass,
        &["-q", &ids[1], &ids[2], &ids[0], "--yes"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Skipping 1 agreement:") && err.contains(&ids[0]),
        "{err}"
    );
    assert!(
        !err.contains("Signing ") && !err.contains("Signed "),
        "{err}"
    );
    assert!(statement(&ws, &ids[2]).is_file());

    let (ws, ids, key, pass) = workspace_with(2);
    let (code, _, err) = sign(&ws, &key, &pass, &["-q", &ids[0], &ids[1]]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Signing 2 agreements as"), "{err}");
}
