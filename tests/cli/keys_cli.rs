//! `datapact keys` through the real binary: where `keys generate` may write a private key (never
//! into the workspace, however the path is spelt), the directories and modes it makes, the
//! passphrase typed twice on a terminal, cleaning up when enrolment fails after the key was
//! written, principals, and validity windows in messages.

use crate::common;
use crate::common::{ICB, ID};

use common::{TempWorkspace, example, text};
use std::path::{Path, PathBuf};
use std::process::Output;

/// `keys generate` for the ICB as p@nhs.net (dpo), unencrypted, to `out`.
fn generate_to(ws: &TempWorkspace, out: &Path) -> Output {
    ws.keys_generate(
        ICB,
        "p@nhs.net",
        &["--no-passphrase", "--out", out.to_str().unwrap()],
    )
}

/// Every file under `dir` (recursively, not following links), sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if std::fs::symlink_metadata(&path).unwrap().is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The Unix permission bits of `path`.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Regression guard: `..` after a directory that does not exist yet is resolved where the path
/// really lands. `<config>/newdir/../../<workspace>/leak.key` is inside the workspace, although
/// read from left to right without the `..` it would be `<config>/newdir/<workspace>/leak.key`.
#[test]
fn keys_generate_refuses_a_workspace_destination_reached_through_a_new_directory_and_dotdot() {
    let ws = TempWorkspace::new();
    let ws_name = ws.root().file_name().unwrap();
    let sneaky = ws
        .config_home
        .path()
        .join("newdir")
        .join("..")
        .join("..")
        .join(ws_name)
        .join("leak.key");
    let out = generate_to(&ws, &sneaky);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let workspace = std::fs::canonicalize(ws.root()).unwrap();
    assert!(
        stderr.contains(&format!(
            "refusing to write a private key to {}: it is inside the workspace {}, where it could be committed and shared",
            sneaky.display(),
            workspace.display()
        )),
        "{stderr}"
    );
    let leaked: Vec<PathBuf> = files_under(ws.root())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("leak.key"))
        })
        .collect();
    assert!(
        leaked.is_empty(),
        "key written into the workspace: {leaked:?}"
    );
    // Refused before anything was written: not even the new directory was made.
    assert!(!ws.config_home.path().join("newdir").exists());
    assert!(!ws.root().join("keys").exists(), "trust store edited");

    // In a git work tree (a workspace made by `init`), the same path is refused as well.
    let ws = TempWorkspace::init();
    let ws_name = ws.root().file_name().unwrap();
    let sneaky = ws
        .config_home
        .path()
        .join("newdir/../..")
        .join(ws_name)
        .join("keys/leak.key");
    let out = generate_to(&ws, &sneaky);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("refusing to write a private key to"),
        "{}",
        text(&out.stderr)
    );
    assert!(!ws.root().join("keys/leak.key").exists(), "key written");
}

/// `..` that leaves the workspace is followed too: a destination spelt from inside the
/// workspace, or through a directory not made yet, that lands outside it is accepted.
#[test]
fn keys_generate_accepts_an_outside_destination_spelt_with_dotdot() {
    let ws = TempWorkspace::new();
    let config_name = ws.config_home.path().file_name().unwrap();
    // From the workspace, out of it, into the configuration directory.
    let via_workspace = ws
        .root()
        .join("..")
        .join(config_name)
        .join("newdir/../first.key");
    let out = generate_to(&ws, &via_workspace);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let landed = ws.config_home.path().join("first.key");
    assert!(landed.is_file() && ws.config_home.path().join("first.key.pub").is_file());
    #[cfg(unix)]
    assert_eq!(mode(&landed), 0o600);

    let out = ws.keys_generate(
        "essex-county-council",
        "m@essex.gov.uk",
        &[
            "--no-passphrase",
            "--out",
            ws.config_home
                .path()
                .join("other/../second.key")
                .to_str()
                .unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(ws.config_home.path().join("second.key").is_file());
    let keys: Vec<String> = files_under(ws.root())
        .iter()
        .map(|p| p.strip_prefix(ws.root()).unwrap().display().to_string())
        .filter(|p| p.starts_with("keys"))
        .collect();
    assert_eq!(
        keys,
        ["keys/essex-county-council.toml", "keys/nhs-essex-icb.toml"]
    );
}

/// `datapact ARGS...` in the workspace, started by `sh` with umask 022 (the usual one), so a
/// directory datapact did not restrict itself would be 0755 whatever the test runner's umask.
#[cfg(unix)]
fn run_with_umask_022(ws: &TempWorkspace, args: &[&str]) -> Output {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("datapact"))
        .args(args)
        .current_dir(ws.root())
        .env("XDG_CONFIG_HOME", ws.config_home.path())
        .env("NO_COLOR", "1")
        .env_remove("DATAPACT_TODAY")
        .output()
        .unwrap();
    common::assert_no_panic(&out);
    out
}

/// The directory made for a new key is readable only by its owner (0700); a directory that
/// already exists keeps its mode (a shared 0755 directory is not changed under its owner).
#[cfg(unix)]
#[test]
fn keys_generate_makes_a_new_key_directory_0700_and_leaves_an_existing_one_alone() {
    let ws = TempWorkspace::new();
    let generate = |party: &str, out: &Path| {
        run_with_umask_022(
            &ws,
            &[
                "keys",
                "generate",
                "--party",
                party,
                "--principal",
                "p@nhs.net",
                "--no-passphrase",
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };

    let new_dir = ws.config_home.path().join("made/for-keys");
    let key = new_dir.join("k");
    let out = generate(ICB, &key);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(mode(&new_dir), 0o700, "the new key directory");
    assert_eq!(mode(&key), 0o600, "the private key");
    assert_eq!(mode(&new_dir.join("k.pub")), 0o644, "the public key");

    let shared = ws.config_home.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let key = shared.join("k");
    let out = generate("essex-county-council", &key);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(mode(&shared), 0o755, "an existing directory's mode changed");
    assert_eq!(mode(&key), 0o600, "the private key");

    // The default key directory (<config>/datapact/keys) is made 0700 too.
    let out = run_with_umask_022(
        &ws,
        &[
            "keys",
            "generate",
            "--party",
            "essex-general-practices",
            "--principal",
            "gp@nhs.net",
            "--no-passphrase",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let default_dir = ws.config_home.path().join("datapact/keys");
    assert_eq!(mode(&default_dir), 0o700);
    assert_eq!(mode(&ws.key_file("essex-general-practices")), 0o600);
}

/// When enrolment fails after the key files were written (here `keys/` is a link to a
/// directory that is gone, so the trust store file cannot be written), both key files are
/// removed again, and nothing is said about removing them (they were removed).
#[cfg(unix)]
#[test]
fn keys_generate_removes_both_key_files_when_enrolment_fails_after_writing_them() {
    let ws = TempWorkspace::new();
    std::os::unix::fs::symlink("gone", ws.root().join("keys")).unwrap();
    let key = ws.key_path("k");
    let out = generate_to(&ws, &key);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("keys"),
        "the error names the trust store: {stderr}"
    );
    assert!(!key.exists(), "private key left behind");
    assert!(!ws.key_path("k.pub").exists(), "public key left behind");
    assert!(!stderr.contains("could not remove"), "{stderr}");
    assert_eq!(
        common::dir_names(ws.config_home.path()),
        Vec::<String>::new()
    );
}

/// `keys add` and `keys generate` refuse a principal that could not go into an OpenSSH
/// allowed_signers file, saying why, before writing anything.
#[test]
fn bad_principals_are_refused_with_the_reason() {
    let ws = TempWorkspace::new();
    let public = ws.key_path("partner.pub");
    std::fs::write(
        &public,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN9WBsOXLiYq6fBwPEzFqaa2Z5m2PBAfSq2k3I9e9taZ partner\n",
    )
    .unwrap();
    let too_long = format!("{}@nhs.net", "a".repeat(121));
    let cases = [
        ("", "a principal must be 1 to 128 characters long"),
        (
            too_long.as_str(),
            "a principal must be 1 to 128 characters long",
        ),
        ("-dpo@nhs.net", "a principal must not start with a hyphen"),
        (
            "dpo lead@nhs.net",
            "a principal may contain only letters, digits and . _ @ + - (found ' ')",
        ),
        (
            "dpo=x@nhs.net",
            "a principal may contain only letters, digits and . _ @ + - (found '=')",
        ),
        (
            "dpo@nhs.net\nnamespaces=\"*\"",
            "a principal may contain only letters, digits and . _ @ + - (found '\\n')",
        ),
    ];
    for (principal, why) in cases {
        let flag = format!("--principal={principal}");
        let add = ws.output(&[
            "keys",
            "add",
            "--party",
            ICB,
            &flag,
            public.to_str().unwrap(),
        ]);
        let generate = ws.output(&[
            "keys",
            "generate",
            "--party",
            ICB,
            &flag,
            "--no-passphrase",
            "--out",
            ws.key_path("k").to_str().unwrap(),
        ]);
        for (what, out) in [("add", add), ("generate", generate)] {
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{what} {principal:?}: {stderr}");
            assert!(
                stderr.contains(&format!("invalid --principal {principal:?}: {why}")),
                "{what} {principal:?}: {stderr}"
            );
        }
        assert!(!ws.root().join("keys").exists(), "trust store written");
        assert!(!ws.key_path("k").exists(), "key written");
    }
    // 128 characters is the longest principal accepted.
    let longest = format!("{}@nhs.net", "a".repeat(120));
    assert_eq!(longest.len(), 128);
    let out = ws.output(&[
        "keys",
        "add",
        "--party",
        ICB,
        "--principal",
        &longest,
        public.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// The validity window is named in words wherever a key is judged against it: `keys list`,
/// `sign`'s refusal and verify's DP207 finding.
#[test]
fn validity_windows_are_named_in_list_sign_and_verify_messages() {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let key = ws.key_path("k");
    let out = ws.keys_generate(
        ICB,
        "p@nhs.net",
        &[
            "--no-passphrase",
            "--out",
            key.to_str().unwrap(),
            "--valid-from",
            "2026-01-01",
            "--valid-until",
            "2026-12-31",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ws.keys_generate(
        "essex-county-council",
        "m@essex.gov.uk",
        &["--no-passphrase", "--valid-until", "2026-12-31"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ws.keys_generate(
        "essex-general-practices",
        "gp@nhs.net",
        &["--no-passphrase", "--valid-from", "2026-01-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (code, list, err) = ws.run(&["keys", "list"]);
    assert_eq!(code, 0, "{err}");
    for window in [
        "p@nhs.net (dpo), valid 2026-01-01 to 2026-12-31",
        "m@essex.gov.uk (dpo), valid until 2026-12-31",
        "gp@nhs.net (dpo), valid from 2026-01-01, with no end date",
    ] {
        assert!(list.contains(window), "{window}: {list}");
    }

    let out = ws.sign_output(ID, ICB, &key, &["--signed-at", "2027-01-05T09:00:00Z"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is not valid on 2027-01-05 (valid 2026-01-01 to 2026-12-31)"),
        "{stderr}"
    );

    ws.sign(ID, ICB, &key, &["--signed-at", "2026-06-15T12:00:00Z"]);
    let trust = ws.root().join("keys/nhs-essex-icb.toml");
    let text_before = std::fs::read_to_string(&trust).unwrap();
    assert!(text_before.contains("valid_until = 2026-12-31"));
    std::fs::write(
        &trust,
        text_before.replace("valid_until = 2026-12-31", "valid_until = 2026-06-14"),
    )
    .unwrap();
    let (code, out, err) = ws.run(&["verify"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("DP207"), "{out}");
    assert!(
        out.contains(
            "was used on 2026-06-15 outside its validity window (2026-01-01 to 2026-06-14)"
        ),
        "{out}"
    );
}

/// Runs `keys generate --out OUT` (no passphrase option, so it asks on the terminal) on a
/// pseudo-terminal ([`common::on_a_terminal`]), typing `first` at the first passphrase prompt
/// and `second` at the confirmation prompt. Returns the exit code and what the terminal showed.
#[cfg(target_os = "linux")]
fn generate_on_a_terminal(
    ws: &TempWorkspace,
    out: &Path,
    first: &str,
    second: &str,
) -> (i32, String) {
    common::on_a_terminal(
        ws,
        &common::keys_generate_args(ICB, "p@nhs.net", &["--out", out.to_str().unwrap()]),
        &[
            ("Passphrase for the new key (empty is not allowed): ", first),
            ("Same passphrase again: ", second),
        ],
    )
}

/// The cipher an OpenSSH private key file is encrypted with (`none` when it is not).
#[cfg(target_os = "linux")]
fn cipher_of(private_key: &Path) -> String {
    use base64::Engine;
    let pem = std::fs::read_to_string(private_key).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let rest = bytes
        .strip_prefix(b"openssh-key-v1\0")
        .expect("an OpenSSH private key");
    let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
    String::from_utf8(rest[4..4 + len].to_vec()).unwrap()
}

/// On a terminal, `keys generate` asks for the new passphrase twice: two different answers are
/// refused before anything is written; the same answer twice encrypts the key with it.
#[cfg(target_os = "linux")]
#[test]
fn keys_generate_on_a_terminal_asks_for_the_passphrase_twice_and_refuses_a_mismatch() {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let key = ws.key_path("k");

    let (code, shown) = generate_on_a_terminal(&ws, &key, "correct horse", "correct hose");
    assert_eq!(code, 2, "{shown}");
    assert!(
        shown.contains("error: the two passphrases differ"),
        "{shown}"
    );
    assert!(
        !key.exists() && !ws.key_path("k.pub").exists(),
        "key written: {shown}"
    );
    assert!(
        !ws.root().join("keys/nhs-essex-icb.toml").exists(),
        "enrolled: {shown}"
    );

    let (code, shown) = generate_on_a_terminal(&ws, &key, "correct horse", "correct horse");
    assert_eq!(code, 0, "{shown}");
    assert!(!shown.contains("differ"), "{shown}");
    assert!(
        shown.contains("Enrolled in: keys/nhs-essex-icb.toml"),
        "{shown}"
    );
    assert_eq!(cipher_of(&key), "aes256-ctr", "the key is not encrypted");
    // The passphrase typed is the key's: signing with it works, with another it does not.
    let pass = ws.key_path("pass");
    for (typed, expect) in [("correct hose", 2), ("correct horse", 0)] {
        std::fs::write(&pass, format!("{typed}\n")).unwrap();
        std::fs::set_permissions(&pass, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let out = ws.sign_output(
            ID,
            ICB,
            &key,
            &["--passphrase-file", pass.to_str().unwrap()],
        );
        assert_eq!(
            out.status.code(),
            Some(expect),
            "{typed}: {}",
            text(&out.stderr)
        );
    }
}

/// A trust store file that exists but cannot be read (here a directory named like one) stops
/// `keys add` with the reason; it is never taken for a missing file and replaced.
#[test]
fn keys_add_refuses_a_trust_store_file_it_cannot_read() {
    let ws = TempWorkspace::init();
    std::fs::create_dir(ws.root().join("keys/nhs-essex-icb.toml")).unwrap();
    let private = ws.key_path("partner");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "partner", "-f"])
        .arg(&private)
        .status()
        .unwrap();
    assert!(made.success());
    let public = format!("{}.pub", private.display());
    let (code, _, err) = ws.run(&[
        "keys",
        "add",
        "--party",
        "nhs-essex-icb",
        "--principal",
        "dpo@nhs.net",
        "--role",
        "dpo",
        &public,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot read") && err.contains("keys/nhs-essex-icb.toml"),
        "{err}"
    );
    assert!(ws.root().join("keys/nhs-essex-icb.toml").is_dir());
}

/// `keys revoke` takes a unique prefix of a key id, with or without `SHA256:`, as git takes a
/// commit's; what it revoked is named whole.
#[test]
fn keys_revoke_takes_a_unique_prefix_of_the_key_id() {
    let ws = TempWorkspace::init();
    let out = ws.keys_generate(ICB, "p@nhs.net", &["--no-passphrase"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (code, list, err) = ws.run(&["keys", "list", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let key_id = list["keys"][0]["key_id"].as_str().unwrap().to_string();
    let prefix = &key_id["SHA256:".len().."SHA256:".len() + 8];
    let (code, _, err) = ws.run(&["keys", "revoke", prefix, "--reason", "left"]);
    assert_eq!(code, 0, "{err}");
    let (_, list, _) = ws.run(&["keys", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert!(!list["keys"][0]["revoked"].is_null(), "{list}");
    // Too short to be a prefix: not found in the trust store (exit 1), nothing changed.
    let (code, _, err) = ws.run(&["keys", "revoke", "SHA256:ab", "--reason", "x"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no key SHA256:ab"), "{err}");
}

/// A HOME that does not exist is refused (as ssh-keygen refuses it): `keys generate` does not
/// create it to put a private key there, and enrols nothing.
#[test]
fn keys_generate_refuses_a_home_that_does_not_exist() {
    let ws = TempWorkspace::init();
    let home = ws.root().join("no-such-home");
    let out = ws
        .cmd()
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", &home)
        .args([
            "keys",
            "generate",
            "--party",
            ICB,
            "--principal",
            "p@nhs.net",
            "--no-passphrase",
        ])
        .output()
        .unwrap();
    common::assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("(HOME) does not exist"), "{err}");
    assert!(!home.exists(), "the missing home was created");
    assert!(
        files_under(&ws.root().join("keys"))
            .iter()
            .all(|f| f.ends_with(".gitkeep"))
    );
}

/// `--commit` without a git identity (no user.name or user.email anywhere) is refused before
/// anything is written, saying how to set it: `keys generate` writes no key and enrols nothing
/// (so the same command works once the identity is set), and `new` and `sign` write nothing.
#[test]
fn commit_without_a_git_identity_is_refused_before_anything_is_written() {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    // No global or system git configuration: an empty home, an empty global file.
    let home = tempfile::tempdir().unwrap();
    let global = home.path().join("gitconfig");
    std::fs::write(&global, "").unwrap();
    let run = |args: &[&str]| {
        let out = ws
            .cmd()
            .env("HOME", home.path())
            .env("GIT_CONFIG_GLOBAL", &global)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(args)
            .output()
            .unwrap();
        common::assert_no_panic(&out);
        out
    };
    let key = ws.key_path("k");
    let generate = common::keys_generate_args(
        ICB,
        "p@nhs.net",
        &[
            "--no-passphrase",
            "--out",
            key.to_str().unwrap(),
            "--commit",
        ],
    );
    let out = run(&generate);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("git identity"), "{err}");
    assert!(err.contains("git config --global user.name"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!key.exists() && !ws.key_path("k.pub").exists(), "{err}");
    assert!(!ws.root().join("keys/nhs-essex-icb.toml").exists(), "{err}");

    let out = run(&["new", "another-agreement", "--commit"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(!ws.root().join("agreements/another-agreement.toml").exists());

    ws.set_committer();
    let out = run(&generate);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(key.exists() && ws.root().join("keys/nhs-essex-icb.toml").exists());

    // sign --commit, an identity missing again (the repository's own removed): nothing signed.
    for k in ["user.name", "user.email"] {
        let status = std::process::Command::new("git")
            .args(["config", "--unset", k])
            .current_dir(ws.root())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let out = run(&[
        "sign",
        ID,
        "--party",
        ICB,
        "--key",
        key.to_str().unwrap(),
        "--commit",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("git identity"),
        "{}",
        text(&out.stderr)
    );
    assert!(!ws.root().join("signatures").exists());
}
