//! Signing and verifying with OpenSSH alone: `datapact statement` (the exact bytes `sign`
//! signs, its refusals), docs/signing.md's "Signing with OpenSSH only" recipe run as written
//! with real `ssh-keygen`, and the allowed_signers validity window every OpenSSH from 8.7 reads
//! (no `Z`, widened a day each side), checked with the local ssh-keygen in extreme time zones.

use crate::common::{self, ECC, ICB, ID, T0, TempWorkspace, text};
use crate::signing::ssh_keygen_available;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const NAMESPACE: &str = "datapact-agreement@datapact.dev";

/// A workspace in git with the example agreement, its ICB key made by ssh-keygen at
/// `key_path("id_ed25519")` and enrolled (dpo) with EXTRA `keys add` arguments; the council
/// enrolled too. Returns the workspace and the private key's path.
fn with_openssh_key(extra: &[&str]) -> (TempWorkspace, PathBuf) {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), common::example(ID));
    ws.set_committer();
    let key = ws.key_path("id_ed25519");
    common::ssh_keygen_key(&key, "priya");
    let public = format!("{}.pub", key.display());
    let mut args = vec![
        "keys",
        "add",
        "--party",
        ICB,
        "--principal",
        "priya@nhs.net",
        "--role",
        "dpo",
    ];
    args.extend_from_slice(extra);
    args.push(&public);
    let (code, _, err) = ws.run(&args);
    assert_eq!(code, 0, "{err}");
    ws.generate_key(ECC, "mark@essex.gov.uk");
    ws.commit_all("agreement and keys", "2026-03-01T10:00:00Z");
    (ws, key)
}

/// `datapact statement ID --party ICB --key KEY.pub ARGS...`.
fn statement(ws: &TempWorkspace, key: &Path, args: &[&str]) -> std::process::Output {
    let public = format!("{}.pub", key.display());
    let mut all = vec!["statement", ID, "--party", ICB, "--key", &public];
    all.extend_from_slice(args);
    ws.output(&all)
}

/// The ICB's statement and signature paths for version 1.
fn icb_files(ws: &TempWorkspace) -> (PathBuf, PathBuf) {
    let dir = ws.root().join(format!("signatures/{ID}/v1"));
    (
        dir.join(format!("{ICB}.toml")),
        dir.join(format!("{ICB}.toml.sig")),
    )
}

/// `ssh-keygen -Y sign` of `file` with `key`, which writes `file.sig`.
fn openssh_sign(key: &Path, file: &Path) {
    let out = std::process::Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The ICB's party status (`signed`, `missing`, `invalid`) in `verify --format json`.
fn icb_status(ws: &TempWorkspace, today: &str) -> String {
    let out = ws.output(&["--today", today, "verify", ID, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parties = json["agreements"][0]["parties"].as_array().unwrap();
    let icb = parties.iter().find(|p| p["party"] == ICB).unwrap();
    icb["status"].as_str().unwrap().to_string()
}

/// `statement` prints, byte for byte, the statement `sign` writes for the same party, key, role
/// and time; signed by ssh-keygen and placed beside it, it counts.
#[test]
fn statement_prints_the_bytes_sign_signs_and_an_openssh_signature_of_them_counts() {
    if !ssh_keygen_available() {
        return;
    }
    let (ws, key) = with_openssh_key(&[]);
    let printed = statement(&ws, &key, &["--role", "dpo", "--signed-at", T0]);
    assert_eq!(printed.status.code(), Some(0), "{}", text(&printed.stderr));
    let (stmt, sig) = icb_files(&ws);
    assert!(!stmt.exists(), "statement writes nothing without --out");
    assert!(
        text(&printed.stderr).contains(&format!("signatures/{ID}/v1/{ICB}.toml.sig")),
        "{}",
        text(&printed.stderr)
    );
    ws.sign(ID, ICB, &key, &["--signed-at", T0]);
    assert_eq!(std::fs::read(&stmt).unwrap(), printed.stdout);
    assert_eq!(icb_status(&ws, "2026-04-02"), "signed");

    // The same bytes signed by ssh-keygen instead (its own signature file) count as well, and
    // `--out` writes exactly what stdout had.
    std::fs::remove_file(&stmt).unwrap();
    std::fs::remove_file(&sig).unwrap();
    let out = stmt.to_str().unwrap();
    let written = statement(&ws, &key, &["--signed-at", T0, "--out", out]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    assert_eq!(std::fs::read(&stmt).unwrap(), printed.stdout);
    openssh_sign(&key, &stmt);
    assert_eq!(icb_status(&ws, "2026-04-02"), "signed");
    // Now that it counts, statement refuses to make another for this version.
    let again = statement(&ws, &key, &["--signed-at", T0]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("has already signed") && again.stdout.is_empty(),
        "{}",
        text(&again.stderr)
    );
}

/// A `statement` run to refuse: (agreement, party, key file, further arguments, exit code, what
/// stderr says).
type Refusal<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], i32, &'a str);

/// Every way `statement` can be asked for something it must not make: a clear error (what,
/// which file or value, what to do next), nothing on stdout, exit 2 for usage and unreadable
/// input, exit 1 for a refusal (what `sign` refuses, refused alike); never a panic.
#[test]
fn statement_refusals_say_what_where_and_what_next() {
    if !ssh_keygen_available() {
        return;
    }
    let (ws, key) = with_openssh_key(&["--valid-until", "2026-12-31"]);
    let public = format!("{}.pub", key.display());
    let private = key.to_str().unwrap();
    let council_key = ws.key_file(ECC);
    let council_public = format!("{}.pub", council_key.display());
    let june = [
        "--signed-at",
        "2026-06-01T10:00:00Z",
        "--today",
        "2026-05-01",
    ];
    let expired = [
        "--signed-at",
        "2027-02-01T10:00:00Z",
        "--today",
        "2027-02-01",
    ];
    let not_a_party = "essex-police is not a party to icb-ecc-adult-social-care (its parties are: nhs-essex-icb, essex-county-council)";
    let cases: [Refusal; 9] = [
        (
            "no-such-agreement",
            ICB,
            &public,
            &[],
            2,
            "no-such-agreement",
        ),
        (ID, "essex-police", &public, &[], 1, not_a_party),
        (
            ID,
            ICB,
            &public,
            &["--role", "janitor"],
            2,
            "invalid --role",
        ),
        (
            ID,
            ICB,
            &public,
            &["--role", "siro"],
            1,
            "is not enrolled for role \"siro\"",
        ),
        (
            ID,
            ICB,
            "/nonexistent/id.pub",
            &[],
            2,
            "/nonexistent/id.pub",
        ),
        (ID, ICB, private, &[], 2, "is a private key"),
        (
            ID,
            ICB,
            &council_public,
            &[],
            1,
            "is enrolled for essex-county-council, not for nhs-essex-icb",
        ),
        (ID, ICB, &public, &expired, 1, "is not valid on 2027-02-01"),
        (ID, ICB, &public, &june, 1, "refusing to sign"),
    ];
    for (id, party, key, extra, code, says) in cases {
        let mut args = vec!["statement", id, "--party", party, "--key", key];
        args.extend_from_slice(extra);
        let out = ws.output(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            err.contains("hint:") || code == 2,
            "{args:?}: no hint: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?} printed a statement");
    }

    // An agreement with errors cannot be signed, by either path.
    let path = ws.root().join(format!("agreements/{ID}.toml"));
    let good = std::fs::read_to_string(&path).unwrap();
    assert!(good.contains("review = 2028-04-01\n"));
    std::fs::write(
        &path,
        good.replacen("review = 2028-04-01\n", "review = 2026-03-01\n", 1),
    )
    .unwrap();
    let out = statement(&ws, &key, &["--signed-at", T0]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has errors"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());

    // Changed after signing: no statement for the changed text under the same version.
    std::fs::write(&path, &good).unwrap();
    ws.sign(ID, ICB, &key, &["--signed-at", T0]);
    std::fs::write(&path, format!("{good}# changed after signing\n")).unwrap();
    let out = statement(&ws, &key, &["--signed-at", T0]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("the agreement changed after signing") && err.contains("bump"),
        "{err}"
    );
}

/// docs/signing.md's "Signing with OpenSSH only" block, run as written from a clone of this
/// repository's workspace (committed in git) without the GP practices' signature of version 2,
/// with `datapact` on PATH and HOME a temporary
/// folder holding `~/.ssh/id_ed25519` made by ssh-keygen: the key is enrolled as documented,
/// the statement printed, signed by ssh-keygen and placed, and both `datapact verify` and
/// `ssh-keygen -Y verify` accept it; `check` reports no problem with that agreement's signatures.
#[test]
fn signing_with_openssh_only_runs_as_written() {
    if !ssh_keygen_available() {
        return;
    }
    let ws = common::signed_examples();
    ws.set_committer();
    // The GP practices have not signed version 2 yet.
    let v2 = ws
        .root()
        .join("signatures/gp-icb-population-health-research/v2");
    std::fs::remove_file(v2.join("essex-general-practices.toml")).unwrap();
    std::fs::remove_file(v2.join("essex-general-practices.toml.sig")).unwrap();
    ws.commit_all("the example workspace", "2026-11-01T10:00:00Z");
    let home = ws.key_path("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    common::ssh_keygen_key(&home.join(".ssh/id_ed25519"), "gp");
    let block = common::signing_md_block("## Signing with OpenSSH only");
    let config = ws.key_path("config");
    let out = common::run_sh_block(
        ws.root(),
        &block,
        &[
            ("HOME", home.as_os_str()),
            ("XDG_CONFIG_HOME", config.as_os_str()),
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains(&format!(
            "Good \"{NAMESPACE}\" signature for dpo@example.nhs.uk"
        )),
        "{all}"
    );
    let gp = "gp-icb-population-health-research";
    let verified = ws.output(&["verify", gp, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert_eq!(verified.status.code(), Some(0), "{json}");
    assert_eq!(json["agreements"][0]["signature_state"], "full", "{json}");
    let checked = ws.output(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let bad: Vec<_> = common::findings(&report)
        .into_iter()
        .filter(|(code, _, m)| code.starts_with("DP2") && m.contains("essex-general-practices"))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

/// The exported allowed_signers file for a key valid in 2026 has `valid-after="20251231"` and
/// `valid-before="20270102"`, no `Z` (which OpenSSH before 9.1 cannot read), and the local
/// ssh-keygen verifies statements signed on the window's first and last days (UTC) at their
/// exact signing times (given with `Z`) in the time zones furthest from UTC, UTC+14 and UTC-12,
/// where the unwidened window would have rejected one of them.
#[test]
fn exported_windows_have_no_z_and_verify_in_every_time_zone() {
    if !ssh_keygen_available() {
        return;
    }
    let (ws, key) =
        with_openssh_key(&["--valid-from", "2026-01-01", "--valid-until", "2026-12-31"]);
    let allowed = ws.export_allowed_signers();
    let exported = std::fs::read_to_string(&allowed).unwrap();
    let line = exported
        .lines()
        .find(|l| l.starts_with("priya@nhs.net "))
        .unwrap();
    assert!(
        line.starts_with(&format!(
            "priya@nhs.net namespaces=\"{NAMESPACE}\",valid-after=\"20251231\",valid-before=\"20270102\" ssh-ed25519 "
        )),
        "{exported}"
    );
    assert!(
        exported
            .lines()
            .filter(|l| !l.starts_with('#'))
            .all(|l| !l.contains("Z\"")),
        "{exported}"
    );
    assert!(exported.contains("widened by a day"), "{exported}");
    let (stmt, sig) = icb_files(&ws);
    for (signed_at, verify_time) in [
        ("2026-01-01T00:30:00Z", "20260101003000Z"),
        ("2026-12-31T23:30:00Z", "20261231233000Z"),
    ] {
        let _ = std::fs::remove_file(&stmt);
        let _ = std::fs::remove_file(&sig);
        let out = statement(
            &ws,
            &key,
            &["--signed-at", signed_at, "--today", "2027-01-01"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        std::fs::create_dir_all(stmt.parent().unwrap()).unwrap();
        std::fs::write(&stmt, &out.stdout).unwrap();
        openssh_sign(&key, &stmt);
        assert_eq!(icb_status(&ws, "2027-01-01"), "signed", "{signed_at}");
        for tz in ["<+14>-14", "<-12>12", "UTC"] {
            let verified = std::process::Command::new("ssh-keygen")
                .args(["-Y", "verify", "-f"])
                .arg(&allowed)
                .args(["-I", "priya@nhs.net", "-n", NAMESPACE])
                .arg(format!("-Overify-time={verify_time}"))
                .arg("-s")
                .arg(&sig)
                .stdin(std::fs::File::open(&stmt).unwrap())
                .env("TZ", OsStr::new(tz))
                .output()
                .unwrap();
            assert!(
                verified.status.success(),
                "{signed_at} in TZ {tz}: {}\n{exported}",
                text(&verified.stderr)
            );
        }
    }
}
