//! The command examples of README.md and docs/ run as tests (issue 16): every ```console block
//! is run by trycmd, command by command, and its output compared with what the block shows, so
//! a changed message fails until the docs follow.
//!
//! The line before each block names the workspace it runs in, as an HTML comment the rendered
//! page does not show:
//! - `<!-- docs-test: empty -->`: an empty folder, for a tour that begins with `datapact init`;
//! - `<!-- docs-test: examples -->`: a copy of this repository's workspace (settings, example
//!   agreements, trust store, signatures), committed to a fresh git repository;
//! - `<!-- docs-test: signing -->`: the same copy, for examples that sign. A signature records
//!   the real time it was made, and one made after "today" is refused, so here "today" is the
//!   real date; elsewhere every command runs with `DATAPACT_TODAY=2026-12-01`, the date the
//!   examples are written as of.
//!
//! The blocks of one document with the same workspace run in order in one folder, so a later
//! block sees what an earlier one made. Commands run with colour off and a home and config
//! directory of their own; `../passphrase.txt` beside the workspace (mode 0600) holds a key
//! passphrase for `--passphrase-file`. trycmd's `[..]` (any text in a line) and `...` (any
//! lines) stand for what differs between runs: key ids, signing times, days from the real date.

use crate::common;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The documents whose ```console blocks are run.
const DOCS: &[&str] = &[
    "README.md",
    "docs/ci.md",
    "docs/editors.md",
    "docs/format.md",
    "docs/history.md",
    "docs/install.md",
    "docs/output.md",
    "docs/rendering.md",
    "docs/signing.md",
];

/// The marker a ```console block's fixture is named by, on the line before the block.
const MARKER: &str = "<!-- docs-test: ";

/// One ```console block: the line of its opening fence (0-based) and its workspace.
struct Block {
    fence: usize,
    fixture: String,
}

/// The lines (0-based) of `text` that open a fenced block.
fn opening_fences(text: &str) -> Vec<usize> {
    let mut open = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            if !open {
                out.push(i);
            }
            open = !open;
        }
    }
    out
}

/// The ```console blocks of `text`; an unmarked block is an error (no example goes untested).
fn console_blocks(doc: &str, text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    for i in opening_fences(text) {
        if lines[i].trim_start_matches('`').split(',').next() != Some("console") {
            continue;
        }
        let fixture = i
            .checked_sub(1)
            .and_then(|before| lines[before].strip_prefix(MARKER))
            .and_then(|rest| rest.strip_suffix(" -->"))
            .unwrap_or_else(|| {
                panic!(
                    "{doc}:{}: a ```console block without `{MARKER}empty -->`, \
                     `{MARKER}examples -->` or `{MARKER}signing -->` on the line before it \
                     (a block of another program's commands is ```text)",
                    i + 1
                )
            });
        // One command, one line: a `> ` continuation pasted into a shell would redirect
        // output to a file named after the next option.
        let body = lines[i + 1..].iter().take_while(|l| !l.starts_with("```"));
        if let Some(n) = body.clone().position(|l| l.starts_with("> ")) {
            panic!(
                "{doc}:{}: a command continued on a `> ` line; write it on one line",
                i + 2 + n
            );
        }
        blocks.push(Block {
            fence: i,
            fixture: fixture.to_string(),
        });
    }
    blocks
}

/// Makes the workspace `fixture` at `dir`.
fn make_fixture(fixture: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    match fixture {
        "empty" => {}
        "examples" | "signing" => {
            common::copy_repo_workspace(dir);
            common::commit_all(dir, "The example agreements", "2026-11-30T09:00:00Z");
            let repo = git2::Repository::open(dir).unwrap();
            let mut config = repo.config().unwrap();
            config.set_str("user.name", "Priya Shah").unwrap();
            config
                .set_str("user.email", "priya.shah@example.nhs.uk")
                .unwrap();
        }
        other => panic!("unknown docs-test workspace `{other}` (empty, examples or signing)"),
    }
}

/// A trycmd run with the tested binary and a home of its own under `tmp`; `today` is
/// `DATAPACT_TODAY` (none: the real date).
fn test_cases(tmp: &Path, today: Option<&str>) -> trycmd::TestCases {
    let home = tmp.join(format!("home-{}", today.unwrap_or("real")));
    std::fs::create_dir_all(&home).unwrap();
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("datapact", Path::new(env!("CARGO_BIN_EXE_datapact")))
        .env("NO_COLOR", "1")
        .env("HOME", home.display().to_string())
        .env(
            "XDG_CONFIG_HOME",
            home.join(".config").display().to_string(),
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TZ", "Europe/London");
    // An empty value counts as unset (README), so the real date is used.
    cases.env("DATAPACT_TODAY", today.unwrap_or(""));
    cases
}

#[test]
fn console_examples_in_readme_and_docs_run_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let fixed = test_cases(tmp.path(), Some("2026-12-01"));
    let real = test_cases(tmp.path(), None);
    let mut count = 0;
    for doc in DOCS {
        let text = std::fs::read_to_string(common::repo().join(doc)).unwrap();
        let blocks = console_blocks(doc, &text);
        let mut fixtures: Vec<&str> = blocks.iter().map(|b| b.fixture.as_str()).collect();
        fixtures.dedup();
        fixtures.sort_unstable();
        fixtures.dedup();
        for fixture in fixtures {
            // The document as it is, with the other workspaces' blocks made plain text: line
            // numbers in a failure are the document's own.
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            for b in blocks.iter().filter(|b| b.fixture != fixture) {
                lines[b.fence] = "```text".to_string();
            }
            // trycmd takes a fence without a language for one of its own: name it text.
            for i in opening_fences(&text) {
                if lines[i] == "```" {
                    lines[i] = "```text".to_string();
                }
            }
            let stem = format!("{}-{fixture}", doc.replace(['/', '.'], "_"));
            let case_dir = tmp.path().join(&stem);
            std::fs::create_dir_all(&case_dir).unwrap();
            let passphrase = case_dir.join("passphrase.txt");
            std::fs::write(&passphrase, "correct horse battery\n").unwrap();
            std::fs::set_permissions(&passphrase, std::fs::Permissions::from_mode(0o600)).unwrap();
            let case = case_dir.join(format!("{stem}.md"));
            std::fs::write(&case, lines.join("\n") + "\n").unwrap();
            make_fixture(fixture, &case_dir.join(format!("{stem}.in")));
            if fixture == "signing" { &real } else { &fixed }.case(&case);
            count += 1;
        }
    }
    assert!(count > 0, "no ```console block found in {DOCS:?}");
    fixed.run();
    real.run();
}

/// The harness itself: an unmarked block is refused, and the blocks are found with their
/// workspaces.
#[test]
fn console_blocks_are_found_and_must_name_their_workspace() {
    let text = "x\n<!-- docs-test: empty -->\n```console\n$ datapact init\n```\n```sh\nls\n```\n";
    let blocks = console_blocks("t.md", text);
    assert_eq!(blocks.len(), 1);
    assert_eq!((blocks[0].fence, blocks[0].fixture.as_str()), (2, "empty"));
    let unmarked = std::panic::catch_unwind(|| console_blocks("t.md", "```console\n$ x\n```\n"));
    assert!(unmarked.is_err());
    let continued = "<!-- docs-test: empty -->\n```console\n$ datapact new x\n> --title y\n```\n";
    assert!(std::panic::catch_unwind(|| console_blocks("t.md", continued)).is_err());
}
