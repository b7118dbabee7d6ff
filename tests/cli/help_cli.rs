//! The help a user gets without reading the repository: every command's `--help` has examples
//! that parse, a man page per command (docs/man), `explain CODE`, `vocab [NAME]`, shell
//! completion (the script and the dynamic answers with the workspace's ids), and "did you
//! mean" for a misspelt agreement or party id.

use crate::common::{TempWorkspace, datapact, repo, text};
use datapact::commands::completions;

/// Every visible command, as the words that name it (`["keys", "add"]`), the top level first.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, out);
        }
    }
    let mut out = Vec::new();
    let mut cmd = completions::command().disable_help_subcommand(true);
    cmd.build();
    walk(&cmd, Vec::new(), &mut out);
    out
}

/// The example command lines of a help text: the lines under "Examples:" up to the next blank
/// line, continuation lines joined, comments dropped; each from its `datapact` on, cut at a
/// pipe, redirection or closing parenthesis outside quotes.
fn examples(help: &str) -> Vec<String> {
    let Some(start) = help.find("\nExamples:\n") else {
        return Vec::new();
    };
    let mut lines: Vec<String> = Vec::new();
    let mut joined = String::new();
    for line in help[start + 11..].lines() {
        if line.trim().is_empty() {
            break;
        }
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            joined.push_str(head);
            continue;
        }
        joined.push_str(line);
        lines.push(std::mem::take(&mut joined));
    }
    lines
        .into_iter()
        .filter_map(|l| {
            let from = l.find("datapact ")?;
            let mut quoted = false;
            let end = l[from..]
                .char_indices()
                .find(|&(_, c)| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    !quoted && matches!(c, '#' | '|' | '>' | ')')
                })
                .map_or(l.len(), |(i, _)| from + i);
            Some(l[from..end].trim().to_string())
        })
        .collect()
}

/// A command line split into words the way a shell splits this simple kind (double quotes).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in line.chars() {
        match c {
            '"' => (quoted, any) = (!quoted, true),
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[test]
fn every_command_has_examples_that_parse_and_a_man_page() {
    let cli = completions::command();
    for path in command_paths() {
        let out = datapact().args(&path).arg("--help").output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        let found = examples(&help);
        assert!(
            !found.is_empty(),
            "`datapact {}` has no Examples section:\n{help}",
            path.join(" ")
        );
        for example in found {
            let argv = words(&example);
            let matches = match cli.clone().try_get_matches_from(&argv) {
                Ok(matches) => matches,
                // `datapact help sign` asks for help: it parses.
                Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp && path.is_empty() => {
                    continue;
                }
                Err(e) => panic!("example `{example}` does not parse:\n{e}"),
            };
            // The example is of this command (or, at the top, of some command).
            let mut m = &matches;
            for name in &path {
                let (sub, sub_m) = m.subcommand().unwrap_or_else(|| panic!("`{example}`"));
                assert_eq!(sub, name, "`{example}` is under `{}`", path.join(" "));
                m = sub_m;
            }
        }
        let mut page = vec!["datapact".to_string()];
        page.extend(path.iter().cloned());
        let man = repo().join(format!("docs/man/{}.1", page.join("-")));
        let roff = std::fs::read_to_string(&man)
            .unwrap_or_else(|_| panic!("{} is missing: run `cargo run -- docs`", man.display()));
        assert!(
            roff.contains("Examples:"),
            "{} has no examples",
            man.display()
        );
    }
}

#[test]
fn the_examples_reader_finds_continued_lines_and_cuts_pipes() {
    let help = "Usage\n\nExamples:\n  # a note\n  datapact sign x \\\n        --party \"a b\"   # why\n  source <(datapact completions bash)\n\nExit codes:\n  datapact not-an-example\n";
    assert_eq!(
        examples(help),
        [
            "datapact sign x --party \"a b\"",
            "datapact completions bash"
        ]
    );
    assert_eq!(words("datapact a \"b c\" d"), ["datapact", "a", "b c", "d"]);
}

#[test]
fn explain_prints_a_rule_by_code_in_any_case_or_by_name_with_its_documentation_url() {
    let rules_md = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    let mut shown = Vec::new();
    for wanted in ["DP117", "dp117", "retention-party"] {
        let out = datapact().args(["explain", wanted]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        shown.push(text(&out.stdout));
    }
    assert!(shown.iter().all(|s| *s == shown[0]));
    let page = &shown[0];
    assert!(page.starts_with("DP117 retention-party\n"), "{page}");
    for part in [
        "What to do: ",
        "Source: ICO Data Sharing Code",
        "Why configurable: ",
    ] {
        assert!(page.contains(part), "{part:?} missing:\n{page}");
    }
    // The same text as `rules CODE`: one explanation.
    let rules = datapact().args(["rules", "DP117"]).output().unwrap();
    assert_eq!(text(&rules.stdout), *page);
    // The URL is the repository's docs/rules.md at an anchor the page has.
    let url = page
        .lines()
        .find_map(|l| l.trim().strip_prefix("Documentation: "))
        .unwrap_or_else(|| panic!("no documentation URL:\n{page}"));
    assert_eq!(
        url,
        "https://github.com/datapact/datapact/blob/main/docs/rules.md#dp117-retention-party"
    );
    assert!(rules_md.contains("(#dp117-retention-party)"));
    assert!(rules_md.contains("\n### `DP117` retention-party\n"));
}

#[test]
fn explain_refuses_an_unknown_code_with_the_nearest_one() {
    let out = datapact().args(["explain", "DP1177"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("there is no rule \"DP1177\""), "{err}");
    assert!(err.contains("did you mean DP117?"), "{err}");
    let out = datapact()
        .args(["explain", "retention-partie"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean retention-party?"));
    let out = datapact().args(["explain", "zzzzzzzzzz"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!text(&out.stderr).contains("did you mean"));
}

#[test]
fn vocab_lists_the_vocabularies_and_every_value_of_one_in_full() {
    let out = datapact().arg("vocab").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    for (list, field) in datapact::vocab::USED_BY {
        let list = list();
        assert!(
            listing.lines().any(|l| l.contains(list.name)
                && l.contains(&format!("{} values", list.entries.len()))
                && l.ends_with(field)),
            "{} missing:\n{listing}",
            list.name
        );
    }
    // Every Schedule 1 condition, its whole wording, no "..." cutting the list or a text short.
    let list = datapact::vocab::dpa_schedule1();
    assert!(list.entries.len() > 20);
    for name in ["dpa_schedule1", "DPA-Schedule1"] {
        let out = datapact().args(["vocab", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let shown = text(&out.stdout);
        for e in list.entries {
            assert!(
                shown.contains(&format!("\n{}  {}\n", e.id, e.label)),
                "{}",
                e.id
            );
            assert!(shown.contains(&format!("\n  {}\n", e.wording)), "{}", e.id);
        }
        assert!(!shown.contains("...") && !shown.contains('…'), "{shown}");
    }
    // Irish wording where an entry has its own.
    let shown = text(
        &datapact()
            .args(["vocab", "article9"])
            .output()
            .unwrap()
            .stdout,
    );
    let b = datapact::vocab::article9().find("b").unwrap();
    assert!(shown.contains(&format!("Under Irish law: {}", b.ireland.as_ref().unwrap())));
    // JSON: every value, with what the text shows.
    let out = datapact()
        .args(["vocab", "dpa_schedule1", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["name"], "dpa_schedule1");
    assert_eq!(json["used_by"], "lawful_basis.dpa_schedule1");
    let values = json["values"].as_array().unwrap();
    assert_eq!(values.len(), list.entries.len());
    assert_eq!(values[0]["wording"], list.entries[0].wording.as_str());
    assert_eq!(values[0]["uk_only"], true);
    let out = datapact()
        .args(["vocab", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["vocabularies"].as_array().unwrap().len(),
        datapact::vocab::USED_BY.len()
    );
}

#[test]
fn vocab_refuses_an_unknown_name_with_the_nearest_one() {
    let out = datapact().args(["vocab", "artcle9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("there is no vocabulary \"artcle9\""), "{err}");
    assert!(err.contains("did you mean article9?"), "{err}");
    assert!(text(&out.stdout).is_empty());
}

/// What the shell's registered function gets from `COMPLETE=bash datapact -- WORDS...` when
/// the cursor is on the last word, run in `dir`: one candidate a line.
fn complete(dir: &std::path::Path, line: &[&str]) -> (i32, Vec<String>, String) {
    let out = datapact()
        .current_dir(dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (line.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(line)
        .output()
        .unwrap();
    let candidates = text(&out.stdout).lines().map(str::to_string).collect();
    (out.status.code().unwrap(), candidates, text(&out.stderr))
}

#[test]
fn completion_offers_commands_and_the_workspace_agreement_and_party_ids() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    for party in ["nhs-essex-icb", "essex-county-council"] {
        ws.write(&format!("keys/{party}.toml"), "");
    }
    let (code, got, err) = complete(ws.root(), &["datapact", "val"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(got, ["validate"]);
    let (_, got, _) = complete(ws.root(), &["datapact", "validate", ""]);
    let mut ids = crate::common::example_ids();
    ids.sort();
    assert_eq!(got[..ids.len()], ids[..], "{got:?}");
    let (_, got, _) = complete(ws.root(), &["datapact", "sign", "icb"]);
    assert_eq!(got, ["icb-ecc-adult-social-care"]);
    // From a folder inside the workspace too.
    let (_, got, _) = complete(&ws.root().join("agreements"), &["datapact", "log", "mse"]);
    assert_eq!(got, ["mse-hospital-police-safeguarding"]);
    let (_, got, _) = complete(ws.root(), &["datapact", "sign", "x", "--party", "ess"]);
    assert_eq!(got, ["essex-county-council"]);
    let (_, got, _) = complete(
        ws.root(),
        &["datapact", "diff", "x", "--since-signed-by", "nhs"],
    );
    assert_eq!(got, ["nhs-essex-icb"]);
    // A class party is not in the trust store: nothing offered from it.
    let (_, got, _) = complete(ws.root(), &["datapact", "join", "x", "--class", "nhs"]);
    assert!(got.is_empty(), "{got:?}");
    // `new` names an agreement still to be made: nothing to offer.
    let (_, got, _) = complete(ws.root(), &["datapact", "new", "icb"]);
    assert!(got.is_empty(), "{got:?}");
    // Outside any workspace: no ids, no error, nothing on stderr.
    let outside = tempfile::tempdir().unwrap();
    let (code, got, err) = complete(outside.path(), &["datapact", "validate", "icb"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn completions_prints_a_registration_script_for_each_shell() {
    for (shell, says) in [
        ("bash", "complete -o nospace"),
        ("zsh", "compdef"),
        (
            "fish",
            "complete --keep-order --exclusive --command datapact",
        ),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer"),
    ] {
        let out = datapact().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        assert!(script.contains(says), "{shell}:\n{script}");
        assert!(script.contains("COMPLETE"), "{shell}:\n{script}");
    }
    let out = datapact().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_misspelt_agreement_or_party_id_gets_did_you_mean() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    let (code, _, err) = ws.run(&["validate", "icb-ecc-adult-social-car"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no agreement \"icb-ecc-adult-social-car\""),
        "{err}"
    );
    assert!(
        err.contains("did you mean icb-ecc-adult-social-care?"),
        "{err}"
    );
    // Far from every id: no guess.
    let (code, _, err) = ws.run(&["log", "zzz-qqq"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("did you mean"), "{err}");
    // A party: refused before any key is read.
    let (code, _, err) = ws.run(&[
        "sign",
        "icb-ecc-adult-social-care",
        "--party",
        "nhs-esex-icb",
        "--key",
        "no-such-key",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nhs-esex-icb is not a party"), "{err}");
    assert!(err.contains("did you mean nhs-essex-icb?"), "{err}");
}
