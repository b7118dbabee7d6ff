//! Helpers shared by the integration tests: temporary workspaces, running the real binary,
//! reading its JSON output, and the repository's examples and fixtures.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The example agreement most tests sign, and its two parties.
pub const ID: &str = "icb-ecc-adult-social-care";
pub const ICB: &str = "nhs-essex-icb";
pub const ECC: &str = "essex-county-council";
/// The built-in templates `datapact new --template` offers.
pub const TEMPLATES: &[&str] = &[
    "specific",
    "overarching",
    "nhs-direct-care",
    "nhs-research",
    "public-task",
    "standard-terms",
];
/// The signing time tests claim with `sign --signed-at`.
pub const T0: &str = "2026-04-01T10:00:00Z";

/// The repository root (this crate's manifest directory).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped example agreements, as (file name, text).
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(repo().join("agreements"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The shipped example agreements' ids (their file stems), sorted.
pub fn example_ids() -> Vec<String> {
    examples()
        .into_iter()
        .map(|(name, _)| name.trim_end_matches(".toml").to_string())
        .collect()
}

/// One example's text by agreement id.
pub fn example(id: &str) -> String {
    std::fs::read_to_string(repo().join("agreements").join(format!("{id}.toml"))).unwrap()
}

/// A temporary workspace with its own private configuration directory (`XDG_CONFIG_HOME`), where
/// private keys live outside the workspace, as they must.
/// Settings that let a workspace have no agreements (DP024 off).
pub const NO_AGREEMENTS_OFF: &str = "[rules]\nDP024 = \"off\"\n";

pub struct TempWorkspace {
    pub dir: tempfile::TempDir,
    /// The private configuration directory: the default key directory and `key_path` files.
    pub config_home: tempfile::TempDir,
}

impl TempWorkspace {
    /// A new workspace in a git work tree holding `text` as `agreements/<id>.toml`.
    pub fn with_agreement(id: &str, text: &str) -> Self {
        let ws = Self::init();
        ws.write(&format!("agreements/{id}.toml"), text);
        ws
    }

    /// `datapact --today TODAY render ID EXTRA...`, which must succeed: what it printed.
    pub fn render_ok(&self, today: &str, id: &str, extra: &[&str]) -> String {
        let mut args = vec!["--today", today, "render", id];
        args.extend_from_slice(extra);
        let (code, out, err) = self.run(&args);
        assert_eq!(code, 0, "render {extra:?}: {err}");
        out
    }

    /// A workspace made by hand: `datapact.toml` with every default and an empty `agreements/`.
    pub fn new() -> Self {
        let ws = TempWorkspace::bare();
        std::fs::write(ws.root().join("datapact.toml"), "").unwrap();
        std::fs::create_dir(ws.root().join("agreements")).unwrap();
        ws
    }

    /// [`TempWorkspace::new`] whose datapact.toml turns DP024 (no agreements) off: for tests of
    /// what a workspace holds besides agreements (keys/, settings), empty on purpose.
    pub fn without_agreements() -> Self {
        let ws = TempWorkspace::new();
        ws.write("datapact.toml", NO_AGREEMENTS_OFF);
        ws
    }

    /// A workspace made by `datapact init .`.
    pub fn init() -> Self {
        let ws = TempWorkspace::bare();
        let (code, _, err) = ws.run(&["init", "."]);
        assert_eq!(code, 0, "{err}");
        ws
    }

    /// Two empty temporary directories: the workspace root and the configuration directory.
    fn bare() -> Self {
        TempWorkspace {
            dir: tempfile::tempdir().unwrap(),
            config_home: tempfile::tempdir().unwrap(),
        }
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` to `rel` (relative to the root), creating directories.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Copies the shipped example agreements into `agreements/`.
    pub fn write_examples(&self) {
        for (name, text) in examples() {
            self.write(&format!("agreements/{name}"), text);
        }
    }

    /// The binary, run from the root with a fixed environment: colour off, `XDG_CONFIG_HOME` the
    /// private configuration directory, no `DATAPACT_TODAY`, no ssh-agent (`SSH_AUTH_SOCK`).
    pub fn cmd(&self) -> Command {
        let mut cmd = datapact();
        cmd.current_dir(self.root())
            .env("XDG_CONFIG_HOME", self.config_home.path())
            .env_remove("DATAPACT_TODAY")
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("COLUMNS");
        cmd
    }

    /// `datapact ARGS...` through `cmd`, checked for panics.
    pub fn output(&self, args: &[&str]) -> Output {
        let out = self.cmd().args(args).output().unwrap();
        assert_no_panic(&out);
        out
    }

    /// `datapact ARGS...` through `cmd`: the exit code, stdout and stderr (UTF-8 both).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.output(args);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// `datapact -C <root> ARGS...` through `cmd`: the workspace named rather than searched for.
    pub fn output_c(&self, args: &[&str]) -> Output {
        let mut all = vec!["-C", self.root().to_str().unwrap()];
        all.extend_from_slice(args);
        self.output(&all)
    }

    /// `datapact validate --format json ARGS...` (with `-C`): the exit code and the parsed report.
    pub fn validate_json(&self, args: &[&str]) -> (i32, Value, Output) {
        let mut all = vec!["validate", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.output_c(&all);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                text(&out.stdout),
                text(&out.stderr)
            )
        });
        (out.status.code().unwrap(), json, out)
    }

    /// A file named `name` in the private configuration directory, outside the workspace.
    pub fn key_path(&self, name: &str) -> PathBuf {
        self.config_home.path().join(name)
    }

    /// `datapact keys generate --party PARTY --principal PRINCIPAL --role dpo EXTRA...`, unchecked.
    pub fn keys_generate(&self, party: &str, principal: &str, extra: &[&str]) -> Output {
        self.output(&keys_generate_args(party, principal, extra))
    }

    /// `keys add --party PARTY --principal PRINCIPAL --role dpo PUBLIC`, which must succeed.
    pub fn keys_add_dpo(&self, party: &str, principal: &str, public: &str) {
        let (code, _, err) = self.run(&[
            "keys",
            "add",
            "--party",
            party,
            "--principal",
            principal,
            "--role",
            "dpo",
            public,
        ]);
        assert_eq!(code, 0, "keys add: {err}");
    }

    /// `keys export-allowed-signers --out` a file `allowed_signers` beside the keys, which must
    /// succeed; returns the file.
    pub fn export_allowed_signers(&self) -> PathBuf {
        let allowed = self.key_path("allowed_signers");
        let (code, _, err) = self.run(&[
            "keys",
            "export-allowed-signers",
            "--out",
            allowed.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        allowed
    }

    /// Generates and enrols an unencrypted dpo key for `party` in the default key directory;
    /// returns the private key's path.
    pub fn generate_key(&self, party: &str, principal: &str) -> PathBuf {
        let out = self.keys_generate(party, principal, &["--no-passphrase"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        self.key_file(party)
    }

    /// Generates and enrols an unencrypted dpo key for `party` at `key_path(name)`; returns it.
    pub fn generate_key_to(&self, party: &str, principal: &str, name: &str) -> PathBuf {
        let path = self.key_path(name);
        let out = self.keys_generate(
            party,
            principal,
            &["--no-passphrase", "--out", path.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        path
    }

    /// The private key `generate_key` made for `party` in the default key directory.
    pub fn key_file(&self, party: &str) -> PathBuf {
        let dir = self.config_home.path().join("datapact/keys");
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with(party) && !name.ends_with(".pub")
            })
            .expect("generated key")
    }

    /// `datapact sign ID --party PARTY --key KEY EXTRA...`, unchecked.
    pub fn sign_output(&self, id: &str, party: &str, key: &Path, extra: &[&str]) -> Output {
        let mut args = vec!["sign", id, "--party", party, "--key", key.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.output(&args)
    }

    /// Commits every file of the work tree (as `git add -A && git commit` would: new, changed
    /// and deleted files) with a fixed author and the time `at` (RFC 3339), making the
    /// repository first if there is none; returns the commit id. Histories built this way are
    /// the same on every run.
    pub fn commit_all(&self, message: &str, at: &str) -> String {
        commit_all(self.root(), message, at)
    }

    /// Sets git's user name and email in the workspace's repository, so commands can commit.
    pub fn set_committer(&self) {
        for (k, v) in [("user.name", "Test"), ("user.email", "test@example.org")] {
            let status = std::process::Command::new("git")
                .args(["config", k, v])
                .current_dir(self.root())
                .status()
                .unwrap();
            assert!(status.success());
        }
    }

    /// Writes `text` as the statement `rel` and its signature `rel.sig`, signed in `namespace`
    /// with the private key `key` (an unencrypted key file), as anyone with a key of their own
    /// can: nothing but the verifier judges what a statement claims.
    pub fn plant_statement(&self, rel: &str, key: &Path, namespace: &str, text: &str) {
        let private = ssh_key::PrivateKey::read_openssh_file(key).unwrap();
        let sig = ssh_key::SshSig::sign(
            &private,
            namespace,
            ssh_key::HashAlg::Sha512,
            text.as_bytes(),
        )
        .unwrap();
        self.write(rel, text);
        self.write(
            &format!("{rel}.sig"),
            sig.to_pem(ssh_key::LineEnding::LF).unwrap(),
        );
    }

    /// Signs agreement `id` for `party` with `key` (and EXTRA arguments); it must succeed.
    pub fn sign(&self, id: &str, party: &str, key: &Path, extra: &[&str]) {
        let out = self.sign_output(id, party, key, extra);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

/// The arguments `keys generate --party PARTY --principal PRINCIPAL --role dpo EXTRA...`.
pub fn keys_generate_args<'a>(
    party: &'a str,
    principal: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "keys",
        "generate",
        "--party",
        party,
        "--principal",
        principal,
        "--role",
        "dpo",
    ];
    args.extend_from_slice(extra);
    args
}

/// The binary under test, with colour off.
pub fn datapact() -> Command {
    let mut cmd = Command::cargo_bin("datapact").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    cmd
}

/// The names of the entries of a directory (hidden ones too), sorted.
pub fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Bytes as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Fails when the process panicked or was killed by a signal (a stack overflow aborts).
pub fn assert_no_panic(out: &Output) {
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked:\n{stderr}"
    );
    assert!(
        out.status.code().is_some(),
        "the binary was killed by a signal: {:?}\n{stderr}",
        out.status
    );
}

/// Every finding object of a JSON report, across its files.
pub fn finding_objects(report: &Value) -> impl Iterator<Item = &Value> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap().iter())
}

/// Every finding in a JSON report, as (code, line, message).
pub fn findings(report: &Value) -> Vec<(String, u64, String)> {
    finding_objects(report)
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The codes of a JSON array of findings, in order.
pub fn finding_codes(findings: &Value) -> Vec<&str> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

/// The codes of the findings in a JSON report.
pub fn codes(report: &Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.0).collect()
}

/// `text`, an agreement, with `agreement.version` set to `version` and a `[[changes]]` entry for
/// each version from 2 to it and none above (DP133), as `datapact bump` would leave it; the rest
/// of the text is kept. For tests that raise (or lower) the version by hand.
pub fn with_version(text: &str, version: u32) -> String {
    use toml_edit::{DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = text.parse().unwrap();
    doc["agreement"]["version"] = value(i64::from(version));
    if doc.get("changes").is_none() {
        doc.insert("changes", Item::ArrayOfTables(Default::default()));
    }
    let list = doc["changes"].as_array_of_tables_mut().unwrap();
    list.retain(|t| {
        t["version"]
            .as_integer()
            .is_some_and(|v| v <= i64::from(version))
    });
    let have: Vec<i64> = list
        .iter()
        .filter_map(|t| t["version"].as_integer())
        .collect();
    for v in (2..=i64::from(version)).filter(|v| !have.contains(v)) {
        let mut entry = Table::new();
        entry["version"] = value(v);
        entry["type"] = value("amendment");
        entry["change"] = value(format!("Version {v}, for the test."));
        entry["reason"] = value("A test changes the version.");
        list.push(entry);
    }
    doc.to_string()
}

/// Sets the version of the agreement file at `path`: see [`with_version`].
pub fn set_version(path: &Path, version: u32) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, with_version(&text, version)).unwrap();
}

/// The invalid fixtures: patches on the examples (`tests/cli/fixture_patch.rs`).
pub use crate::fixture_patch::{fixture, fixtures};

/// Commits every file of the work tree at `root` with a fixed author and time; see
/// [`TempWorkspace::commit_all`].
pub fn commit_all(root: &Path, message: &str, at: &str) -> String {
    let repo = git2::Repository::open(root).unwrap_or_else(|_| {
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        git2::Repository::init_opts(root, &opts).unwrap()
    });
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let time = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    let sig = git2::Signature::new(
        "Test Author",
        "author@example.org",
        &git2::Time::new(time.timestamp(), time.offset().local_minus_utc() / 60),
    )
    .unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
        .to_string()
}

/// Copies the files under `from` into `to`, byte for byte (signatures cover exact bytes).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Copies this repository's own workspace into `to`: its settings, example agreements, trust
/// store and signatures, byte for byte.
pub fn copy_repo_workspace(to: &Path) {
    let repo = repo();
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(repo.join("datapact.toml"), to.join("datapact.toml")).unwrap();
    for dir in ["agreements", "keys", "signatures"] {
        copy_tree(&repo.join(dir), &to.join(dir));
    }
}

/// A copy of this repository's own workspace in a new git work tree: its settings, example
/// agreements, trust store (`keys/`) and signatures (`signatures/`), so every example is signed
/// as it is in git.
pub fn signed_examples() -> TempWorkspace {
    let ws = TempWorkspace::init();
    ws.write_examples();
    let repo = repo();
    ws.write(
        "datapact.toml",
        std::fs::read(repo.join("datapact.toml")).unwrap(),
    );
    for dir in ["keys", "signatures"] {
        copy_tree(&repo.join(dir), &ws.root().join(dir));
    }
    ws
}

/// The signed example whose text names "Basildon", which [`tamper_safeguarding`] changes.
pub const SAFEGUARDING: &str = "mse-hospital-police-safeguarding";

/// Changes one byte of the safeguarding example's text ("Basildon" to "Basildoh"), so its
/// signatures no longer verify.
pub fn tamper_safeguarding(ws: &TempWorkspace) {
    let path = ws.root().join(format!("agreements/{SAFEGUARDING}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("Basildon").expect("the example names Basildon") + 7;
    let mut bytes = text.into_bytes();
    bytes[at] = b'h';
    std::fs::write(&path, bytes).unwrap();
}

/// The first ```sh block of docs/signing.md after the heading `heading`.
pub fn signing_md_block(heading: &str) -> String {
    doc_sh_block("docs/signing.md", heading)
}

/// The first ```sh block of the document `doc` (relative to the repository) after the text
/// `after`.
pub fn doc_sh_block(doc: &str, after: &str) -> String {
    let doc = std::fs::read_to_string(repo().join(doc)).unwrap();
    let section = &doc[doc.find(after).unwrap_or_else(|| panic!("{after}"))..];
    let start = section.find("```sh\n").unwrap() + "```sh\n".len();
    section[start..start + section[start..].find("```\n").unwrap()].to_string()
}

/// Runs a shell `block` (`sh -e`) in `dir` with the tested `datapact` first on PATH, colour off,
/// no `DATAPACT_TODAY`, and the environment `envs`.
pub fn run_sh_block(dir: &Path, block: &str, envs: &[(&str, &std::ffi::OsStr)]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("datapact");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-e", "-c", block])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("DATAPACT_TODAY");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Makes an unencrypted Ed25519 key with real `ssh-keygen` at `path` (and `path.pub`).
pub fn ssh_keygen_key(path: &Path, comment: &str) {
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

/// Single-quotes `arg` for `sh -c`.
#[cfg(target_os = "linux")]
fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// Runs `datapact ARGS...` from the workspace root under a pseudo-terminal made by util-linux
/// `script`, answering each prompt of `answers` in turn (waiting until the terminal shows it,
/// then typing the answer and Enter). Returns the exit code and what the terminal showed, with
/// standard error after it.
#[cfg(target_os = "linux")]
pub fn on_a_terminal(ws: &TempWorkspace, args: &[&str], answers: &[(&str, &str)]) -> (i32, String) {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let bin = assert_cmd::cargo::cargo_bin("datapact");
    let command = std::iter::once(bin.to_str().unwrap())
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = std::process::Command::new("script")
        .args([
            "--quiet",
            "--flush",
            "--return",
            "--command",
            &command,
            "/dev/null",
        ])
        .current_dir(ws.root())
        .env("XDG_CONFIG_HOME", ws.config_home.path())
        .env("NO_COLOR", "1")
        .env_remove("DATAPACT_TODAY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect(
            "util-linux `script` (Debian: bsdutils) runs the binary under a pseudo-terminal; \
             it must be on PATH",
        );
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = String::new();
    let mut stdin = child.stdin.take().unwrap();
    // Waits until the terminal has shown `prompt` (after what was already matched); false at
    // the end of the output.
    let mut from = 0;
    let mut wait_for = |seen: &mut String, prompt: Option<&str>| -> bool {
        loop {
            if let Some(p) = prompt {
                if let Some(at) = seen[from..].find(p) {
                    from += at + p.len();
                    return true;
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(bytes) => seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return false,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    panic!("{args:?} on a terminal did not finish in time; it showed:\n{seen}");
                }
            }
        }
    };
    for &(prompt, typed) in answers {
        assert!(
            wait_for(&mut seen, Some(prompt)),
            "no prompt {prompt:?}; the terminal showed:\n{seen}"
        );
        stdin.write_all(format!("{typed}\r").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    wait_for(&mut seen, None);
    drop(stdin);
    reader.join().unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!seen.contains("panicked"), "{seen}");
    let code = status
        .code()
        .unwrap_or_else(|| panic!("killed: {status:?}\n{seen}{stderr}"));
    (code, seen + &stderr)
}
