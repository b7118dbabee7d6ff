//! Helpers shared by the integration tests: temporary workspaces, running the real binary,
//! reading its JSON output, and the repository's examples and fixtures.
#![allow(dead_code)] // each test binary uses its own subset

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

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

/// One example's text by agreement id.
pub fn example(id: &str) -> String {
    std::fs::read_to_string(repo().join("agreements").join(format!("{id}.toml"))).unwrap()
}

/// A temporary workspace: `datapact.toml` with every default and an empty `agreements/`.
pub struct TempWorkspace {
    pub dir: tempfile::TempDir,
}

impl TempWorkspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("datapact.toml"), "").unwrap();
        std::fs::create_dir(dir.path().join("agreements")).unwrap();
        TempWorkspace { dir }
    }

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

    /// `datapact -C <root> ARGS...`, run from the root.
    pub fn run(&self, args: &[&str]) -> Output {
        datapact()
            .current_dir(self.root())
            .arg("-C")
            .arg(self.root())
            .args(args)
            .output()
            .unwrap()
    }

    /// `datapact validate --format json ARGS...`: the exit code and the parsed report.
    pub fn validate_json(&self, args: &[&str]) -> (i32, Value, Output) {
        let mut all = vec!["validate", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_no_panic(&out);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                text(&out.stdout),
                text(&out.stderr)
            )
        });
        (out.status.code().unwrap(), json, out)
    }
}

/// The binary under test, with colour off.
pub fn datapact() -> Command {
    let mut cmd = Command::cargo_bin("datapact").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    cmd
}

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

/// Every finding in a JSON report, as (code, line, message).
pub fn findings(report: &Value) -> Vec<(String, u64, String)> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The codes of the findings in a JSON report.
pub fn codes(report: &Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.0).collect()
}

/// An invalid fixture with what its first line declares:
/// `# expect: DP105 at line 97[; also DP106 ...][; file agreements/x.toml]`.
#[derive(Debug)]
pub struct Fixture {
    pub name: String,
    pub text: String,
    pub code: String,
    pub line: u64,
    /// Other codes the change may also trigger.
    pub also: Vec<String>,
    /// Where to put it in the workspace: `agreements/<agreement.id>.toml` unless declared.
    pub file: String,
}

pub fn fixtures() -> Vec<Fixture> {
    let dir = repo().join("tests/fixtures/invalid");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let decl = first
            .strip_prefix("# expect: ")
            .unwrap_or_else(|| panic!("{name}: line 1 must be `# expect: CODE at line N`"));
        let mut parts = decl.split("; ");
        let (code, line) = parts
            .next()
            .unwrap()
            .split_once(" at line ")
            .unwrap_or_else(|| panic!("{name}: bad expect line"));
        let mut fixture = Fixture {
            name: name.clone(),
            code: code.to_string(),
            line: line
                .parse()
                .unwrap_or_else(|_| panic!("{name}: bad line number")),
            also: Vec::new(),
            file: String::new(),
            text: text.clone(),
        };
        for part in parts {
            if let Some(also) = part.strip_prefix("also ") {
                fixture.also = also.split_whitespace().map(str::to_string).collect();
            } else if let Some(file) = part.strip_prefix("file ") {
                fixture.file = file.to_string();
            } else {
                panic!("{name}: unknown part {part:?} in the expect line");
            }
        }
        assert!(
            name.starts_with(&format!("{}-", fixture.code)),
            "{name}: the file name must start with {}-",
            fixture.code
        );
        if fixture.file.is_empty() {
            let id = toml::from_str::<toml::Table>(&text)
                .ok()
                .and_then(|t| t.get("agreement")?.get("id")?.as_str().map(str::to_string))
                .unwrap_or_else(|| name.trim_end_matches(".toml").to_lowercase());
            fixture.file = format!("agreements/{id}.toml");
        }
        out.push(fixture);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
