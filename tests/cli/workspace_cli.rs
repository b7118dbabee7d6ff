//! `datapact init` and `datapact new` run as a user runs them, in temporary directories; and the
//! gate for workspace files (src/gate.rs): links out of the workspace, special files, size caps
//! and output directories, through every command that reads or writes them.

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
    let said = text(&out.stderr);
    assert_eq!(text(&out.stdout), "", "init says what it did on stderr");
    for made in [
        "git repository",
        "datapact.toml",
        ".gitattributes",
        ".gitignore",
        "agreements/",
        "keys/",
    ] {
        assert!(said.contains(&format!("created  {made}")), "{made}: {said}");
    }
    assert!(said.contains("Next steps"), "{said}");
    for path in ["datapact.toml", ".gitattributes", ".git"] {
        assert!(root.join(path).exists(), "{path} missing");
    }
    assert!(root.join("agreements").is_dir() && root.join("keys").is_dir());
    // The default settings are valid: validating the empty workspace finds nothing wrong but
    // that it has no agreement yet (DP024, an error: a gate that checked nothing must not pass).
    let out = run_in(&root, &["validate"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("error[DP024]"), "{report}");
    assert!(report.contains("1 error, 0 warnings"), "{report}");

    // A second run changes nothing and says what it kept.
    std::fs::write(
        root.join("datapact.toml"),
        "[limits]\nmax_term_months = 12\n",
    )
    .unwrap();
    std::fs::write(root.join(".gitattributes"), "# mine\n").unwrap();
    let out = run_in(parent.path(), &["init", "new-workspace"]);
    assert_eq!(out.status.code(), Some(0));
    let said = text(&out.stderr);
    assert_eq!(text(&out.stdout), "", "init says what it did on stderr");
    for kept in [
        "kept     git repository",
        "kept     datapact.toml (already there, not changed)",
        "kept     .gitattributes (already there, not changed)",
        "kept     .gitignore (already there, not changed)",
        "kept     agreements/",
        "kept     keys/",
    ] {
        assert!(said.contains(kept), "{kept}: {said}");
    }
    assert!(!said.contains("created"), "{said}");
    assert_eq!(
        std::fs::read_to_string(root.join("datapact.toml")).unwrap(),
        "[limits]\nmax_term_months = 12\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitattributes")).unwrap(),
        "# mine\n"
    );
}

/// What the README tour leaves in the workspace root (a rendered page, the reminders, the site,
/// a CI report, a partner's public key) is ignored by git; what is signed or enrolled is not.
#[test]
fn init_gitignore_keeps_outputs_out_of_git_add() {
    let dir = initialised();
    let repo = git2::Repository::open(dir.path()).unwrap();
    for ignored in [
        "agreement.html",
        "reminders.ics",
        "site/index.html",
        "results.sarif",
        "junit.xml",
        "partner.pub",
    ] {
        assert!(
            repo.status_should_ignore(std::path::Path::new(ignored))
                .unwrap(),
            "{ignored} is not ignored"
        );
    }
    for kept in [
        "agreements/a.toml",
        "signatures/a/v1/org.toml",
        "signatures/a/v1/org.toml.sig",
        "keys/org.toml",
        "datapact.toml",
        "README.md",
        ".datapact/agreement.schema.json",
        "docs/page.html",
    ] {
        assert!(
            !repo
                .status_should_ignore(std::path::Path::new(kept))
                .unwrap(),
            "{kept} is ignored"
        );
    }
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
    for template in TEMPLATES {
        every_placeholder_is_a_finding(template);
    }
}

/// `new --template TEMPLATE` writes a file whose only findings are its placeholders, one per
/// `"TODO` value at its line: what the kind decides is filled in and valid.
fn every_placeholder_is_a_finding(template: &str) {
    let dir = initialised();
    let args = [
        "new",
        "essex-pilot",
        "--template",
        template,
        "--title",
        "A pilot",
        "--party",
        "org-a",
        "--party",
        "org-b",
    ];
    let out = run_in(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Created agreements/essex-pilot.toml"));
    let written = std::fs::read_to_string(dir.path().join("agreements/essex-pilot.toml")).unwrap();
    let decided: &[&str] = match template {
        "nhs-direct-care" => &[
            "categories = [\"direct-care\"]",
            "confidentiality = \"implied-consent\"",
        ],
        "nhs-research" => &[
            "confidentiality = \"s251\"",
            "\n[research]\n",
            "national_data_opt_out = \"applied\"",
        ],
        "public-task" => &["health_or_care = false", "article6 = [\"e\"]"],
        _ => &[],
    };
    for line in decided {
        assert!(written.contains(line), "{template}: {line:?} in\n{written}");
    }
    if template == "public-task" {
        assert!(!written.contains("caldicott_guardian = {"), "{template}");
        assert!(!written.contains("\nnational_data_opt_out"), "{template}");
    }
    if template == "standard-terms" {
        // The lead is named; the second party is a class, without the contacts of its own that
        // each member gives when it joins.
        let class = written
            .split("[[parties]]\nid = \"org-b\"\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_default();
        assert!(
            class.contains("\nclass = true\neligibility = \"TODO: who may join\"\n"),
            "{class}"
        );
        for key in [
            "ico_registration",
            "dpo",
            "senior_officer",
            "caldicott_guardian",
        ] {
            assert!(
                !class.lines().any(|l| l.starts_with(&format!("{key} ="))),
                "{key} in the class party:\n{class}"
            );
        }
        let lead = written
            .split("[[parties]]\nid = \"org-a\"\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_default();
        assert!(
            !lead.contains("class = true") && lead.contains("senior_officer = {"),
            "{lead}"
        );
    }

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

    // Expected: one DP011 per key left commented out under a "# CHOOSE" line (true/false, a
    // number, a date), but the optional review date.
    let mut choose: BTreeMap<String, usize> = BTreeMap::new();
    let mut under_choose = false;
    let mut last = "";
    for line in written.lines() {
        if line.starts_with("# CHOOSE") {
            under_choose = true;
            continue;
        }
        if !line.starts_with('#') {
            under_choose = false;
            continue;
        }
        let Some((key, value)) = line.strip_prefix("# ").and_then(|l| l.split_once(" = ")) else {
            continue;
        };
        let value = value.split(" #").next().unwrap_or_default().trim();
        let to_choose = ["true", "false", "YYYY-MM-DD", "HOURS"].contains(&value);
        if under_choose && to_choose && key != last && key != "review" {
            *choose.entry(key.to_string()).or_default() += 1;
        }
        last = key;
    }
    assert!(
        choose.contains_key("sought") && choose.contains_key("approved"),
        "{template}: {choose:?}"
    );

    let out = run_in(dir.path(), &["validate", "essex-pilot", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: BTreeMap<u64, usize> = BTreeMap::new();
    let mut missing: BTreeMap<String, usize> = BTreeMap::new();
    for (code, line, message) in findings(&report) {
        if code == "DP011" {
            let path = message.split('`').nth(1).unwrap_or_default();
            let key = path.rsplit('.').next().unwrap_or_default().to_string();
            *missing.entry(key).or_default() += 1;
            continue;
        }
        assert_eq!(
            code, "DP013",
            "{template}: only placeholders remain, found {code}: {message}"
        );
        assert!(message.contains("still to fill in"), "{message}");
        *got.entry(line).or_default() += 1;
    }
    assert_eq!(got, expected, "{template}: DP013 findings per line");
    assert_eq!(missing, choose, "{template}: DP011 findings per CHOOSE key");
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
    // The workspace's state refuses it (exit 1).
    let out = run_in(dir.path(), &["new", "abc-def", "--title", "Other"]);
    assert_eq!(out.status.code(), Some(1));
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
    // Linked as a template another includes (the stylesheet): the refusal itself is the error,
    // with its hint, not a failure of the built-in template that includes it. Regression test.
    std::fs::remove_file(ws.root().join("templates/agreement.md.j2")).unwrap();
    symlink(&secret, ws.root().join("templates/style.css.j2")).unwrap();
    for args in [
        vec!["render", ID, "--format", "html"],
        vec!["render", "--all", "--out", "site"],
    ] {
        let (code, out, err) = ws.run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.starts_with("error: templates/style.css.j2 is a link to")
                && err.contains("outside the workspace\n  hint: replace the link")
                && !err.contains("built-in template")
                && !err.contains("c2VjcmV0"),
            "{args:?}: {err}"
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

/// The day the repository's examples are written for (see docs/testing.md, "Dates").
const EXAMPLES_DAY: &str = "2026-12-01";

/// Makes a FIFO at `path` (replacing a file there).
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// `datapact ARGS` in `ws` with a time limit, so a command that opened a FIFO fails the test
/// instead of hanging it: the exit code and stderr.
fn run_limited(ws: &TempWorkspace, args: &[&str]) -> (i32, String, String) {
    let out = ws
        .cmd()
        .args(args)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_no_panic(&out);
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// The gate (src/gate.rs): `datapact.toml` linked out of the workspace is refused by every
/// command that opens the workspace, and nothing of the file it points at is echoed; a template
/// override that is a link out stops `new` as it stops `render`, before anything is written.
#[cfg(unix)]
#[test]
fn every_command_refuses_a_linked_datapact_toml_and_new_a_linked_template() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let settings = outside.path().join("settings.toml");
    std::fs::write(&settings, "[secret]\npassword = \"hunter2\"\n").unwrap();
    let ws = TempWorkspace::new();
    ws.write_examples();
    std::fs::remove_file(ws.root().join("datapact.toml")).unwrap();
    symlink(&settings, ws.root().join("datapact.toml")).unwrap();
    for args in [
        vec!["validate"],
        vec!["status"],
        vec!["check"],
        vec!["verify"],
        vec!["keys", "list"],
        vec!["calendar"],
        vec!["render", ID],
        vec!["new", "another-agreement"],
    ] {
        let (code, out, err) = ws.run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains("datapact.toml is a link to") && err.contains("outside the workspace"),
            "{args:?}: {err}"
        );
        assert!(!format!("{out}{err}").contains("hunter2"), "{args:?}");
    }
    assert!(!ws.root().join("agreements/another-agreement.toml").exists());

    let ws = TempWorkspace::init();
    let secret = outside.path().join("id_ed25519");
    std::fs::write(&secret, "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0\n").unwrap();
    std::fs::create_dir_all(ws.root().join("templates")).unwrap();
    symlink(&secret, ws.root().join("templates/new-agreement.toml.j2")).unwrap();
    let (code, out, err) = ws.run(&["new", "linked-template"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("templates/new-agreement.toml.j2 is a link to"),
        "{err}"
    );
    assert!(!format!("{out}{err}").contains("c2VjcmV0"));
    assert_eq!(agreement_files(ws.root()), [".gitkeep"]);
}

/// The gate: a signature directory that is a link out of the workspace (`signatures/<id>`, or
/// one version's `signatures/<id>/v1`) is never listed or read. Statements that would verify
/// are moved out and linked back: none of them counts, the link is named in an error finding
/// (DP210, so `verify` and `check` fail), and signing through it is refused (exit 2) with
/// nothing written outside.
#[cfg(unix)]
#[test]
fn a_linked_signature_directory_is_never_read_and_its_signatures_never_count() {
    use std::os::unix::fs::symlink;
    let ws = TempWorkspace::init();
    ws.write_examples();
    let icb = ws.generate_key(ICB, "dpo@nhs.net");
    let ecc = ws.generate_key(ECC, "dpo@essex.gov.uk");
    ws.sign(ID, ICB, &icb, &["--signed-at", T0]);
    ws.sign(ID, ECC, &ecc, &["--signed-at", T0]);
    let verified = |ws: &TempWorkspace| {
        let (code, out, err) = ws.run(&["verify", ID, "--format", "json"]);
        let json: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
        (code, json)
    };
    let (code, json) = verified(&ws);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["agreements"][0]["signature_state"], "full", "{json}");

    let outside = tempfile::tempdir().unwrap();
    for (linked, name) in [
        (format!("signatures/{ID}"), format!("signatures/{ID}")),
        (format!("signatures/{ID}/v1"), format!("signatures/{ID}/v1")),
    ] {
        // Move the directory out and link it back in its place.
        let inside = ws.root().join(&linked);
        let away = outside.path().join(linked.replace('/', "_"));
        std::fs::rename(&inside, &away).unwrap();
        symlink(&away, &inside).unwrap();
        let before = dir_names(&away);

        let (code, json) = verified(&ws);
        assert_eq!(code, 1, "{linked}: {json}");
        let agreement = &json["agreements"][0];
        assert_eq!(
            agreement["signature_state"], "unsigned",
            "{linked}: nothing counted: {json}"
        );
        let refusal = agreement["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == name.as_str())
            .unwrap_or_else(|| panic!("{linked}: no finding on the link: {json}"));
        assert_eq!(refusal["code"], "DP210", "{refusal}");
        assert_eq!(refusal["severity"], "error", "{refusal}");
        let message = refusal["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{name} is a link to"))
                && message.ends_with("outside the workspace"),
            "{message}"
        );

        let (code, out, _) = ws.run(&["--today", EXAMPLES_DAY, "check", "--format", "json"]);
        assert_eq!(code, 1, "{linked}: {out}");
        assert!(out.contains(&format!("{name} is a link to")), "{out}");

        // Signing again goes through the same link: refused before anything is written.
        let (code, _, err) = ws.run(&["sign", ID, "--party", ICB, "--key", icb.to_str().unwrap()]);
        assert_eq!(code, 2, "{linked}: {err}");
        assert!(err.contains("a link to"), "{err}");
        assert_eq!(
            dir_names(&away),
            before,
            "{linked}: nothing written outside"
        );

        // Put it back for the next case.
        std::fs::remove_file(&inside).unwrap();
        std::fs::rename(&away, &inside).unwrap();
        assert_eq!(verified(&ws).0, 0);
    }
}

/// The gate checks the type of a file before opening it: a FIFO where an agreement,
/// `datapact.toml` or a template override should be is refused at once (exit 2, "not a regular
/// file"); opening it would wait for a writer forever.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_workspace_file_is_refused_without_waiting() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    let key = ws.generate_key(ICB, "dpo@nhs.net");
    let agreement = ws.root().join(format!("agreements/{ID}.toml"));
    mkfifo(&agreement);
    for args in [
        vec!["validate"],
        vec!["validate", ID],
        vec!["check"],
        vec!["status"],
        vec!["verify"],
        vec!["calendar"],
        vec!["render", ID],
        vec!["sign", ID, "--party", ICB, "--key", key.to_str().unwrap()],
    ] {
        let (code, out, err) = run_limited(&ws, &args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
    }
    // Writing to the FIFO would block this test: it is removed first.
    std::fs::remove_file(&agreement).unwrap();
    ws.write_examples();

    mkfifo(&ws.root().join("templates/agreement.md.j2"));
    let (code, out, err) = run_limited(&ws, &["render", ID]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("templates/agreement.md.j2") && err.contains("not a regular file"),
        "{err}"
    );
    std::fs::remove_file(ws.root().join("templates/agreement.md.j2")).unwrap();

    mkfifo(&ws.root().join("datapact.toml"));
    let (code, out, err) = run_limited(&ws, &["validate"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

/// The gate caps each kind of file: a trust store file over 256 KiB stops every command that
/// loads the trust store (exit 2), naming the file and the cap, instead of being read whole.
#[test]
fn an_oversized_trust_store_file_is_refused() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    let mut big = String::from("# history\n");
    while big.len() <= 256 * 1024 {
        big.push_str("# a line of history, repeated until the file is over the cap\n");
    }
    ws.write(&format!("keys/{ICB}.toml"), &big);
    let public = ws.key_path("partner");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "p", "-f"])
        .arg(&public)
        .status()
        .unwrap();
    assert!(made.success());
    let pubfile = format!("{}.pub", public.display());
    for args in [
        vec!["check"],
        vec!["verify"],
        vec!["status"],
        vec!["keys", "list"],
        vec![
            "keys",
            "add",
            "--party",
            ECC,
            "--principal",
            "dpo@essex.gov.uk",
            &pubfile,
        ],
    ] {
        let (code, out, err) = ws.run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains(&format!("keys/{ICB}.toml is larger than 262144 bytes")),
            "{args:?}: {err}"
        );
    }
    assert!(!ws.root().join(format!("keys/{ECC}.toml")).exists());
}

/// Output named inside the workspace is a workspace file: a site directory (or any output's
/// folder) that is a link out of the workspace is refused before anything is rendered or
/// written (exit 2, naming the link), for `render --all`, `render ID --out`, `calendar --out`,
/// `keys export-allowed-signers --out` and `templates export`.
#[cfg(unix)]
#[test]
fn output_into_a_workspace_folder_that_links_out_is_refused() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.root().join("site")).unwrap();
    for (args, says) in [
        (
            vec!["render", "--all", "--out", "site"],
            "site is a link to",
        ),
        (
            vec!["render", "--all", "--public", "--out", "site"],
            "site is a link to",
        ),
        (
            vec!["render", "--all", "--out", "site/sub"],
            "site/sub leads through site, a link to",
        ),
        (
            vec!["render", ID, "--out", "site/page.md"],
            "site/page.md leads through site, a link to",
        ),
        (
            vec!["calendar", "--out", "site/dates.ics"],
            "site/dates.ics leads through site, a link to",
        ),
        (
            vec!["keys", "export-allowed-signers", "--out", "site/allowed"],
            "site/allowed leads through site, a link to",
        ),
        (vec!["templates", "export", "site"], "site is a link to"),
    ] {
        // DATAPACT_TODAY, not --today: keys and templates judge no dates, and refuse --today.
        let done = ws
            .cmd()
            .env("DATAPACT_TODAY", EXAMPLES_DAY)
            .args(&args)
            .output()
            .unwrap();
        assert_no_panic(&done);
        let (code, out, err) = (
            done.status.code().unwrap(),
            text(&done.stdout),
            text(&done.stderr),
        );
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains(says) && err.contains("outside the workspace"),
            "{args:?}: {err}"
        );
        assert_eq!(
            dir_names(outside.path()),
            Vec::<String>::new(),
            "{args:?}: nothing written outside"
        );
    }
}

/// A site rendered outside the workspace is the user's choice, but a link planted at a page's
/// name there (or the stylesheet's) is replaced by the page, never written through: the file
/// it pointed at is left as it was.
#[cfg(unix)]
#[test]
fn a_link_planted_in_a_site_outside_the_workspace_is_replaced_not_written_through() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    let outside = tempfile::tempdir().unwrap();
    let site = outside.path().join("site");
    let site_arg = site.to_str().unwrap();
    let render = || {
        ws.run(&[
            "--today",
            EXAMPLES_DAY,
            "render",
            "--all",
            "--out",
            site_arg,
        ])
    };
    let (code, _, err) = render();
    assert_eq!(code, 0, "{err}");
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "not a page\n").unwrap();
    for (page, marker) in [
        ("index.html".to_string(), "<html"),
        (format!("{ID}.html"), "<html"),
        ("style.css".to_string(), ":root {"),
    ] {
        std::fs::remove_file(site.join(&page)).unwrap();
        std::os::unix::fs::symlink(&victim, site.join(&page)).unwrap();
        let (code, _, err) = render();
        assert_eq!(code, 0, "{page}: {err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not a page\n");
        let meta = std::fs::symlink_metadata(site.join(&page)).unwrap();
        assert!(meta.is_file(), "{page} is a page again, not a link");
        assert!(
            std::fs::read_to_string(site.join(&page))
                .unwrap()
                .contains(marker),
            "{page}"
        );
    }
}

/// A whole-workspace `check` (or `verify`) keeps the listings of the folders it reads and
/// answers from them what is in each (no `lstat` an entry): a link planted where it looks for a
/// folder (a class's `members/`, a version folder, `acceptances/`, `reviews/`) is still judged
/// as a link, reported once as one out of the workspace, and nothing behind it is read.
/// Regression test for the listing-answered judgement.
#[test]
fn a_whole_workspace_check_judges_the_links_in_the_folders_it_listed() {
    let ws = signed_examples();
    let check = |ws: &TempWorkspace| ws.run(&["--today", EXAMPLES_DAY, "check"]);
    let (clean, out, err) = check(&ws);
    assert_eq!(clean, 0, "{out}{err}");
    let verify = |ws: &TempWorkspace| ws.run(&["--today", EXAMPLES_DAY, "verify"]);
    assert_eq!(verify(&ws).0, 0);
    let outside = tempfile::tempdir().unwrap();
    let evictions = "signatures/essex-social-housing-evictions";
    for linked in [
        format!("{evictions}/members"),
        format!("signatures/{ID}/v1"),
        format!("signatures/{ID}/v1/acceptances"),
        format!("signatures/{ID}/v1/reviews"),
    ] {
        let inside = ws.root().join(&linked);
        let away = outside.path().join(linked.replace('/', "_"));
        if inside.exists() {
            std::fs::rename(&inside, &away).unwrap();
        } else {
            std::fs::create_dir(&away).unwrap();
        }
        std::os::unix::fs::symlink(&away, &inside).unwrap();
        let (code, out, err) = check(&ws);
        assert_eq!(code, 1, "{linked}: {out}{err}");
        assert_eq!(
            out.matches(&format!("{linked} is a link to")).count(),
            1,
            "{linked}: {out}"
        );
        assert!(out.contains("outside the workspace"), "{linked}: {out}");
        let (code, out, err) = verify(&ws);
        assert_eq!(code, 1, "{linked}: {out}{err}");
        assert_eq!(
            out.matches(&format!("{linked} is a link to")).count(),
            1,
            "{linked}: {out}"
        );
        std::fs::remove_file(&inside).unwrap();
        if linked.ends_with("/members") || linked.ends_with("/v1") {
            std::fs::rename(&away, &inside).unwrap();
        }
        assert_eq!(check(&ws).0, 0, "{linked}: put back");
    }
}
