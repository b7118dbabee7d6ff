//! `datapact init` and `datapact new` run as a user runs them, in temporary directories.

use crate::common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Runs `datapact ARGS` in `dir`, checking it did not panic.
fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = datapact().current_dir(dir).args(args).output().unwrap();
    assert_no_panic(&out);
    out
}

/// A fresh workspace made by `datapact init`.
fn initialised() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    dir
}

/// The files under `agreements/`, sorted.
fn agreement_files(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("agreements"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn init_creates_a_workspace_and_a_second_run_keeps_everything() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("new-workspace");
    let out = run_in(parent.path(), &["init", "new-workspace"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for made in [
        "git repository",
        "datapact.toml",
        ".gitattributes",
        "agreements/",
        "keys/",
    ] {
        assert!(
            stdout.contains(&format!("created  {made}")),
            "{made}: {stdout}"
        );
    }
    assert!(stdout.contains("Next steps"), "{stdout}");
    for path in ["datapact.toml", ".gitattributes", ".git"] {
        assert!(root.join(path).exists(), "{path} missing");
    }
    assert!(root.join("agreements").is_dir() && root.join("keys").is_dir());
    // The default settings are valid: validating the empty workspace succeeds.
    let out = run_in(&root, &["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // A second run changes nothing and says what it kept.
    std::fs::write(
        root.join("datapact.toml"),
        "[limits]\nmax_term_months = 12\n",
    )
    .unwrap();
    std::fs::write(root.join(".gitattributes"), "# mine\n").unwrap();
    let out = run_in(parent.path(), &["init", "new-workspace"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    for kept in [
        "kept     git repository",
        "kept     datapact.toml (already there, not changed)",
        "kept     .gitattributes (already there, not changed)",
        "kept     agreements/",
        "kept     keys/",
    ] {
        assert!(stdout.contains(kept), "{kept}: {stdout}");
    }
    assert!(!stdout.contains("created"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(root.join("datapact.toml")).unwrap(),
        "[limits]\nmax_term_months = 12\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitattributes")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn init_gitattributes_stop_line_ending_conversion() {
    let dir = initialised();
    let repo = git2::Repository::open(dir.path()).unwrap();
    for file in [
        "agreements/any-agreement.toml",
        "datapact.toml",
        "signatures/any-agreement/v1/org.sig",
        "keys/org.pub",
    ] {
        let text_attr = repo
            .get_attr(
                Path::new(file),
                "text",
                git2::AttrCheckFlags::FILE_THEN_INDEX,
            )
            .unwrap();
        assert_eq!(
            git2::AttrValue::from_string(text_attr),
            git2::AttrValue::False,
            "{file}: git would convert its line endings"
        );
    }
}

#[test]
fn new_writes_a_template_whose_every_placeholder_is_a_finding_at_its_line() {
    let dir = initialised();
    let args = [
        "new",
        "essex-pilot",
        "--title",
        "A pilot",
        "--party",
        "org-a",
        "--party",
        "org-b",
    ];
    let out = run_in(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Created agreements/essex-pilot.toml"));
    let written = std::fs::read_to_string(dir.path().join("agreements/essex-pilot.toml")).unwrap();

    // Expected: one DP013 per `"TODO` value, on its line (comment lines are not values).
    let mut expected: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, line) in written.lines().enumerate() {
        let count = line.matches("\"TODO").count();
        if count > 0 && !line.trim_start().starts_with('#') {
            *expected.entry(i as u64 + 1).or_default() += count;
        }
    }
    assert!(
        expected.len() > 40,
        "the template should have many placeholders"
    );

    let out = run_in(dir.path(), &["validate", "essex-pilot", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: BTreeMap<u64, usize> = BTreeMap::new();
    for (code, line, message) in findings(&report) {
        assert_eq!(
            code, "DP013",
            "only placeholders remain, found {code}: {message}"
        );
        assert!(message.contains("still to fill in"), "{message}");
        *got.entry(line).or_default() += 1;
    }
    assert_eq!(got, expected, "DP013 findings per line");
}

#[test]
fn new_refuses_an_existing_id_and_writes_nothing() {
    let dir = initialised();
    assert_eq!(
        run_in(dir.path(), &["new", "abc-def"]).status.code(),
        Some(0)
    );
    let path = dir.path().join("agreements/abc-def.toml");
    std::fs::write(&path, "# edited by hand\n").unwrap();
    let out = run_in(dir.path(), &["new", "abc-def", "--title", "Other"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("agreement abc-def already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# edited by hand\n"
    );
}

#[test]
fn new_refuses_invalid_ids_and_writes_nothing() {
    let dir = initialised();
    let before = agreement_files(dir.path());
    for id in [
        "../x",
        "A B",
        "",
        "ab",
        "a--b",
        "-abc",
        "abc.toml",
        "../../etc/passwd",
    ] {
        let out = run_in(dir.path(), &["new", "--", id]);
        assert_eq!(out.status.code(), Some(2), "{id:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("invalid agreement id"), "{id:?}: {stderr}");
        assert!(
            stderr.contains("lowercase letters a-z, digits 0-9 and single hyphens"),
            "{id:?}: the rule is not stated: {stderr}"
        );
    }
    let out = run_in(dir.path(), &["new", "good-id", "--party", "Bad Party"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid party id"));
    assert_eq!(
        agreement_files(dir.path()),
        before,
        "a refused `new` wrote a file"
    );
    assert!(
        !dir.path().join("x").exists() && !dir.path().parent().unwrap().join("x.toml").exists()
    );
}

/// Regression: a title with a line break would have put a key of its own into the new file (or
/// a CR, breaking the file's own line-ending rule); it is refused and nothing is written.
#[test]
fn new_refuses_a_title_with_control_characters() {
    for title in ["Foo\nschema_x = 1", "Foo\r", "Tab\there"] {
        let ws = TempWorkspace::init();
        let out = ws.output(&[
            "new", "t-inj", "--title", title, "--party", "a-org", "--party", "b-org",
        ]);
        assert_eq!(out.status.code(), Some(2), "{title:?}");
        assert!(
            text(&out.stderr).contains("control character"),
            "{}",
            text(&out.stderr)
        );
        assert!(!ws.root().join("agreements/t-inj.toml").exists());
    }
}

/// Regression (symbolic links out of the workspace): a committed link must never make datapact
/// read a file elsewhere on the machine into its output, or write through a linked directory to
/// a place outside the workspace. Each is refused with a message naming the link (exit 2), and
/// nothing outside is read or written.
#[cfg(unix)]
#[test]
fn links_out_of_the_workspace_are_refused_for_reading_and_writing() {
    use std::os::unix::fs::symlink;
    const SECRET: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0IGtleSBtYXRlcmlhbA==\n-----END OPENSSH PRIVATE KEY-----\n";
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("id_ed25519");
    std::fs::write(&secret, SECRET).unwrap();

    // A template override that is a link to a private key elsewhere.
    let ws = TempWorkspace::init();
    ws.write_examples();
    std::fs::create_dir_all(ws.root().join("templates")).unwrap();
    symlink(&secret, ws.root().join("templates/agreement.md.j2")).unwrap();
    for args in [
        vec!["render", ID, "--format", "md"],
        vec!["render", ID, "--format", "md", "--public"],
    ] {
        let (code, out, err) = ws.run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains("templates/agreement.md.j2 is a link to")
                && err.contains("outside the workspace"),
            "{err}"
        );
        assert!(
            !out.contains("c2VjcmV0") && !err.contains("c2VjcmV0"),
            "the key is never shown"
        );
    }

    // datapact.toml as a link to a file elsewhere: not followed, and nothing of it is echoed.
    let ws = TempWorkspace::new();
    let settings = outside.path().join("settings.toml");
    std::fs::write(&settings, "[secret]\npassword = \"hunter2\"\n").unwrap();
    std::fs::remove_file(ws.root().join("datapact.toml")).unwrap();
    symlink(&settings, ws.root().join("datapact.toml")).unwrap();
    let (code, out, err) = ws.run(&["check"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("datapact.toml is a link to"), "{err}");
    assert!(
        !err.contains("hunter2") && !err.contains("password"),
        "{err}"
    );

    // Writing through linked directories: agreements/ (new), keys/ (keys add), signatures/<id>
    // (sign).
    let ws = TempWorkspace::init();
    let away = outside.path().join("away");
    std::fs::create_dir(&away).unwrap();
    std::fs::remove_dir_all(ws.root().join("agreements")).unwrap();
    symlink(&away, ws.root().join("agreements")).unwrap();
    let (code, _, err) = ws.run(&[
        "new",
        "linked-agreement",
        "--title",
        "T",
        "--party",
        ICB,
        "--party",
        ECC,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leads through agreements, a link to"), "{err}");

    let ws = TempWorkspace::init();
    ws.write_examples();
    std::fs::remove_dir_all(ws.root().join("keys")).unwrap();
    symlink(&away, ws.root().join("keys")).unwrap();
    let public = outside.path().join("partner");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "p", "-f"])
        .arg(&public)
        .status()
        .unwrap();
    assert!(made.success());
    let pubfile = format!("{}.pub", public.display());
    let (code, _, err) = ws.run(&[
        "keys",
        "add",
        "--party",
        ICB,
        "--principal",
        "dpo@nhs.net",
        "--role",
        "dpo",
        &pubfile,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leads through keys, a link to"), "{err}");

    let ws = TempWorkspace::init();
    ws.write_examples();
    let key = ws.generate_key(ICB, "dpo@nhs.net");
    std::fs::create_dir_all(ws.root().join("signatures")).unwrap();
    symlink(&away, ws.root().join(format!("signatures/{ID}"))).unwrap();
    let (code, _, err) = ws.run(&["sign", ID, "--party", ICB, "--key", key.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("leads through signatures/{ID}, a link to")),
        "{err}"
    );
    assert_eq!(
        dir_names(&away),
        Vec::<String>::new(),
        "nothing written outside"
    );
}
