//! Exit codes, standard output and `--today`, as docs/exit-codes.md and docs/output.md state
//! them: one row per refusal in docs/exit-codes.md, each run through the binary and its code
//! checked (1 when the workspace's content or state refuses, 2 for usage, environment, I/O or
//! input that cannot be read or used); status messages on standard error, never standard
//! output; `--today` offered only by the commands that judge dates.

use crate::common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The example agreement, with a key enrolled for each of its parties (ids kept).
struct Fixture {
    ws: TempWorkspace,
    icb: PathBuf,
    ecc: PathBuf,
    icb_id: String,
    ecc_id: String,
}

/// The key id `keys generate` reported (on standard error) in `out`.
fn key_id_of(out: &Output) -> String {
    let err = text(&out.stderr);
    err.lines()
        .find_map(|l| l.strip_prefix("Key id:"))
        .unwrap_or_else(|| panic!("no key id in: {err}"))
        .trim()
        .to_string()
}

impl Fixture {
    fn new() -> Self {
        let ws = TempWorkspace::with_agreement(ID, &example(ID));
        // A key for `party` at `name` in the configuration directory: its path and id.
        let enrol = |party: &str, principal: &str, name: &str| {
            let path = ws.key_path(name);
            let out = ws.keys_generate(
                party,
                principal,
                &["--no-passphrase", "--out", path.to_str().unwrap()],
            );
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            (path, key_id_of(&out))
        };
        let (icb, icb_id) = enrol(ICB, "priya@nhs.net", "icb");
        let (ecc, ecc_id) = enrol(ECC, "mark@essex.gov.uk", "ecc");
        Fixture {
            ws,
            icb,
            ecc,
            icb_id,
            ecc_id,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.ws.output(args)
    }

    /// `datapact ARGS` with `DATAPACT_TODAY` set to `today`.
    fn run_on(&self, today: &str, args: &[&str]) -> Output {
        with_today(&self.ws, today, args)
    }

    /// `keys add --party ICB --principal PRINCIPAL FILE`.
    fn keys_add(&self, principal: &str, file: &Path) -> Output {
        self.run(&[
            "keys",
            "add",
            "--party",
            ICB,
            "--principal",
            principal,
            file.to_str().unwrap(),
        ])
    }

    fn sign(&self, party: &str, key: &Path) -> Output {
        self.ws.sign_output(ID, party, key, &["--signed-at", T0])
    }

    /// A copy of the ICB private key at `path` with `mode`.
    #[cfg(unix)]
    fn key_copy(&self, path: &Path, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        std::fs::copy(&self.icb, path).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        path.to_path_buf()
    }
}

/// `datapact ARGS` in `ws` with `DATAPACT_TODAY` set to `today`, checked for panics.
fn with_today(ws: &TempWorkspace, today: &str, args: &[&str]) -> Output {
    output_of(ws.cmd().env("DATAPACT_TODAY", today).args(args))
}

/// Runs `cmd`, checking it did not panic.
fn output_of(cmd: &mut assert_cmd::Command) -> Output {
    let out = cmd.output().unwrap();
    assert_no_panic(&out);
    out
}

/// A workspace holding one agreement with a validation error (an unknown frequency).
fn with_errors() -> TempWorkspace {
    TempWorkspace::with_agreement(
        ID,
        &example(ID).replace("frequency = \"ongoing\"", "frequency = \"often\""),
    )
}

/// One refusal: what it is, the exit code docs/exit-codes.md gives it, words its message must
/// hold, and how to provoke it.
struct Row {
    what: &'static str,
    code: i32,
    says: &'static str,
    run: fn(&Fixture) -> Output,
}

/// Every row of docs/exit-codes.md's refusal table, in its order.
fn rows() -> Vec<Row> {
    vec![
        // 1: the workspace's content or state refuses.
        Row {
            what: "sign --party that is not a party",
            code: 1,
            says: "nobody is not a party",
            run: |f| f.sign("nobody", &f.icb),
        },
        Row {
            what: "sign with a key enrolled for another party",
            code: 1,
            says: "is enrolled for nhs-essex-icb",
            run: |f| f.sign(ECC, &f.icb),
        },
        Row {
            what: "sign a version the party has already signed",
            code: 1,
            says: "has already signed",
            run: |_| {
                let f = Fixture::new();
                assert_eq!(f.sign(ICB, &f.icb).status.code(), Some(0));
                f.sign(ICB, &f.icb)
            },
        },
        Row {
            what: "accept --party that is not a party",
            code: 1,
            says: "nobody is not a party",
            run: |f| {
                f.run(&[
                    "accept",
                    ID,
                    "--party",
                    "nobody",
                    "--method",
                    "email",
                    "--on",
                    "2026-04-01",
                    "--by",
                    "A Person",
                    "--evidence",
                    "ref 1",
                    "--recorded-by",
                    "Me",
                ])
            },
        },
        Row {
            what: "new with the id of an existing agreement",
            code: 1,
            says: "already exists",
            run: |f| f.run(&["new", ID, "--title", "Again"]),
        },
        Row {
            what: "keys add a key already enrolled",
            code: 1,
            says: "is already enrolled",
            run: |f| {
                f.keys_add(
                    "x@nhs.net",
                    &PathBuf::from(format!("{}.pub", f.ecc.display())),
                )
            },
        },
        Row {
            what: "keys revoke a key the trust store does not hold",
            code: 1,
            says: "in the trust store",
            run: |f| {
                f.run(&[
                    "keys",
                    "revoke",
                    "SHA256:notakeynotakeynotakeynotakeynotakeynotakey0",
                    "--reason",
                    "lost",
                ])
            },
        },
        Row {
            what: "keys revoke a key already revoked",
            code: 1,
            says: "is already revoked",
            run: |_| {
                let f = Fixture::new();
                let revoke = ["keys", "revoke", &f.ecc_id, "--reason", "left"];
                assert_eq!(f.run(&revoke).status.code(), Some(0));
                f.run(&revoke)
            },
        },
        Row {
            what: "bump --approved before the recorded approval",
            code: 1,
            says: "is before dates.approved",
            run: |f| {
                f.run(&[
                    "bump",
                    ID,
                    "--type",
                    "correction",
                    "--change",
                    "a typo",
                    "--reason",
                    "typo",
                    "--approved",
                    "1990-01-01",
                ])
            },
        },
        Row {
            what: "validate finds errors",
            code: 1,
            says: "often",
            run: |_| with_errors().output(&["validate"]),
        },
        Row {
            what: "render an agreement with errors",
            code: 1,
            says: "validation errors",
            run: |_| with_errors().output(&["render", ID]),
        },
        // 2: usage, environment, I/O, or input that cannot be read or used.
        Row {
            what: "an unknown option",
            code: 2,
            says: "unexpected argument",
            run: |f| f.run(&["status", "--no-such-option"]),
        },
        Row {
            what: "no workspace in the folder or above it",
            code: 2,
            says: "no datapact workspace found",
            run: |f| {
                let empty = tempfile::tempdir().unwrap();
                output_of(f.ws.cmd().current_dir(empty.path()).arg("status"))
            },
        },
        Row {
            what: "no agreement with the id given",
            code: 2,
            says: "no agreement \"no-such-agreement\"",
            run: |f| f.run(&["validate", "no-such-agreement"]),
        },
        Row {
            what: "an id that is not an agreement id",
            code: 2,
            says: "invalid agreement id",
            run: |f| f.run(&["validate", "Not_An_Id"]),
        },
        Row {
            what: "--today on a command that judges no dates",
            code: 2,
            says: "has no effect on `datapact init`",
            run: |f| f.run(&["--today", "2026-04-01", "init", "."]),
        },
        Row {
            what: "DATAPACT_TODAY that is not a date, on a command that judges dates",
            code: 2,
            says: "DATAPACT_TODAY",
            run: |f| f.run_on("soon", &["status"]),
        },
        Row {
            what: "keys revoke --date in the future",
            code: 2,
            says: "is in the future",
            run: |f| {
                f.run(&[
                    "keys",
                    "revoke",
                    &f.icb_id,
                    "--reason",
                    "lost",
                    "--date",
                    "2999-01-01",
                ])
            },
        },
        Row {
            what: "settings that cannot be read",
            code: 2,
            says: "invalid workspace settings",
            run: |_| {
                let ws = TempWorkspace::new();
                ws.write("datapact.toml", "[[[");
                ws.output(&["validate"])
            },
        },
        Row {
            what: "templates export over existing files",
            code: 2,
            says: "already exist",
            run: |f| {
                let dir = f.ws.key_path("exported");
                let dir = dir.to_str().unwrap();
                assert_eq!(f.run(&["templates", "export", dir]).status.code(), Some(0));
                f.run(&["templates", "export", dir])
            },
        },
        Row {
            what: "sign --key naming a public key, no ssh-agent running",
            code: 2,
            says: "through an ssh-agent, but no agent is running here",
            run: |f| f.sign(ICB, &PathBuf::from(format!("{}.pub", f.icb.display()))),
        },
        #[cfg(unix)]
        Row {
            what: "sign with a private key other users can read (mode 0644)",
            code: 2,
            says: "too open",
            run: |f| {
                let loose = f.key_copy(&f.ws.key_path("loose"), 0o644);
                f.sign(ICB, &loose)
            },
        },
        #[cfg(unix)]
        Row {
            what: "sign with a private key kept inside the workspace",
            code: 2,
            says: "refusing to use the private key",
            run: |f| {
                let inside = f.key_copy(&f.ws.root().join("inside-key"), 0o600);
                f.sign(ICB, &inside)
            },
        },
        #[cfg(unix)]
        Row {
            what: "a passphrase file other users can read (mode 0644)",
            code: 2,
            says: "too open",
            run: |f| {
                use std::os::unix::fs::PermissionsExt;
                let file = f.ws.key_path("passphrase");
                std::fs::write(&file, "correct horse\n").unwrap();
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
                let out = f.ws.key_path("with-passphrase");
                f.ws.keys_generate(
                    ICB,
                    "second@nhs.net",
                    &[
                        "--passphrase-file",
                        file.to_str().unwrap(),
                        "--out",
                        out.to_str().unwrap(),
                    ],
                )
            },
        },
        Row {
            what: "keys generate --out inside the workspace",
            code: 2,
            says: "refusing to write a private key",
            run: |f| {
                let inside = f.ws.root().join("new-key");
                f.ws.keys_generate(
                    ICB,
                    "third@nhs.net",
                    &["--no-passphrase", "--out", inside.to_str().unwrap()],
                )
            },
        },
        Row {
            what: "keys add an RSA key",
            code: 2,
            says: "it is an ssh-rsa key",
            run: |f| {
                let rsa = f.ws.key_path("rsa.pub");
                std::fs::write(&rsa, "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 alice\n").unwrap();
                f.keys_add("alice@nhs.net", &rsa)
            },
        },
        Row {
            what: "keys add a private key",
            code: 2,
            says: "is a private key",
            run: |f| f.keys_add("alice@nhs.net", &f.icb),
        },
    ]
}

#[test]
fn every_refusal_exits_with_the_code_docs_exit_codes_gives_it() {
    let f = Fixture::new();
    let mut wrong = Vec::new();
    for row in rows() {
        let out = (row.run)(&f);
        assert_no_panic(&out);
        // The message is on stderr; a report's findings (validate) on stdout.
        let err = format!("{}{}", text(&out.stderr), text(&out.stdout));
        if out.status.code() != Some(row.code) || !err.contains(row.says) {
            wrong.push(format!(
                "{}: exit {:?} (want {}), output:\n{err}",
                row.what,
                out.status.code(),
                row.code
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// docs/exit-codes.md lists the rows the test runs, and no other: a refusal added to one is
/// added to the other.
#[test]
fn docs_exit_codes_lists_every_row_of_the_test() {
    let doc = std::fs::read_to_string(repo().join("docs/exit-codes.md")).unwrap();
    let (_, refusals) = doc.split_once("## Refusals").unwrap();
    let documented: Vec<(String, i32)> = refusals
        .lines()
        .skip_while(|l| !l.starts_with("| Refusal"))
        .skip(2)
        .take_while(|l| l.starts_with("| "))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[2].parse().unwrap())
        })
        .collect();
    let tested: Vec<(String, i32)> = rows()
        .into_iter()
        .map(|r| (r.what.to_string(), r.code))
        .collect();
    #[cfg(unix)]
    assert_eq!(documented, tested);
    #[cfg(not(unix))]
    assert!(tested.iter().all(|t| documented.contains(t)));
}

#[test]
fn status_messages_go_to_stderr_and_stdout_carries_only_data() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = output_of(
            datapact()
                .current_dir(dir.path())
                .env_remove("DATAPACT_TODAY")
                .args(args),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        out
    };
    let quiet_stdout = |args: &[&str], says: &str| {
        let out = run(args);
        assert_eq!(text(&out.stdout), "", "{args:?} wrote status on stdout");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    };
    quiet_stdout(&["init", "."], "created  datapact.toml");
    quiet_stdout(
        &[
            "new", "pilot", "--title", "A pilot", "--party", "org-a", "--party", "org-b",
        ],
        "Created agreements/pilot.toml",
    );
    quiet_stdout(
        &["templates", "export", "exported"],
        " templates to exported",
    );
    quiet_stdout(
        &["keys", "export-allowed-signers", "--out", "signers"],
        "Wrote signers",
    );
    // Data still goes to stdout.
    let out = run(&["keys", "export-allowed-signers"]);
    assert_eq!(text(&out.stderr), "");
    // -q silences the status messages, not the data.
    let out = run(&["-q", "templates", "export", "again"]);
    assert_eq!(
        (text(&out.stdout), text(&out.stderr)),
        (String::new(), String::new())
    );
}

#[test]
fn counts_read_as_english_one_file_not_one_files() {
    let ws = TempWorkspace::with_agreement(ID, &example(ID));
    let site = ws.key_path("site");
    let (code, out, err) = ws.run(&[
        "render",
        "--all",
        "--today",
        "2026-12-01",
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert!(err.contains(" for 1 agreement to "), "{err}");
    assert!(
        !err.contains("1 agreements") && !err.contains(" 1 files"),
        "{err}"
    );
    let (code, _, err) = ws.run(&[
        "calendar",
        "--today",
        "2026-12-01",
        "--out",
        ws.key_path("cal.ics").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Wrote 2 events for 1 agreement to "), "{err}");
}

#[test]
fn today_is_offered_only_by_the_commands_that_judge_dates() {
    for (command, offered) in [
        (&["check"][..], true),
        (&["validate"], true),
        (&["status"], true),
        (&["sign"], true),
        (&["keys", "revoke"], true),
        (&["keys", "list"], true),
        (&["init"], false),
        (&["new"], false),
        (&["templates"], false),
        (&["keys", "generate"], false),
        (&["keys", "export-allowed-signers"], false),
        (&["normalise"], false),
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = datapact().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(
            text(&out.stdout).contains("--today"),
            offered,
            "{command:?} help:\n{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn today_before_or_after_the_command_name_and_datapact_today_where_no_date_is_judged() {
    let ws = TempWorkspace::with_agreement(ID, &example(ID));
    // Before or after the name: the same date.
    let json = |args: &[&str]| {
        let (code, out, err) = ws.run(args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["today"].clone()
    };
    assert_eq!(
        json(&["--today", "2026-06-01", "status", "--format", "json"]),
        "2026-06-01"
    );
    assert_eq!(
        json(&["status", "--today", "2026-06-01", "--format", "json"]),
        "2026-06-01"
    );
    // Twice, differently: refused.
    let (code, _, err) = ws.run(&["--today", "2026-06-01", "status", "--today", "2026-06-02"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--today is given twice"), "{err}");
    // After the name of a command that judges no dates: clap refuses it as unknown.
    let (code, _, err) = ws.run(&["templates", "list", "--today", "2026-06-01"]);
    assert_eq!(code, 2, "{err}");
    // DATAPACT_TODAY, set for every step by CI, is not read where no date is judged: even a
    // value that is not a date passes.
    for args in [
        &["templates", "list"][..],
        &["rules"],
        &["keys", "export-allowed-signers"],
        &["new", "other", "--title", "T"],
    ] {
        let out = with_today(&ws, "not-a-date", args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn init_takes_its_directory_as_dir_or_c_but_not_two_different_ones() {
    let parent = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| output_of(datapact().current_dir(parent.path()).args(args));
    let out = run(&["-C", "by-c", "init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(parent.path().join("by-c/datapact.toml").is_file());
    let out = run(&["-C", "same", "init", "same"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&["-C", "one", "init", "two"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("init is given two directories"),
        "{}",
        text(&out.stderr)
    );
    assert!(!parent.path().join("one").exists() && !parent.path().join("two").exists());
}

/// `-C DIR` starts the search for the workspace at DIR, as git -C does, and its help says so.
#[test]
fn c_names_a_folder_the_workspace_is_searched_upward_from() {
    let ws = TempWorkspace::with_agreement(ID, &example(ID));
    let elsewhere = tempfile::tempdir().unwrap();
    let inner = ws.root().join("agreements");
    let out = datapact()
        .current_dir(elsewhere.path())
        .args([
            "-C",
            inner.to_str().unwrap(),
            "status",
            "--today",
            "2026-06-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(ID), "{}", text(&out.stdout));
    let help = text(&datapact().arg("--help").output().unwrap().stdout);
    assert!(help.contains("nearest folder above it"), "{help}");
    // A folder with no workspace at or above it is refused by name.
    let out = datapact()
        .args(["-C", elsewhere.path().to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no datapact workspace found"));
}

/// `sign` judges the signatures already made against `--today`, but records the time of
/// signing: a `--today` on another day is said, not silently ignored.
#[test]
fn sign_says_that_today_does_not_set_the_signing_time() {
    let f = Fixture::new();
    let out = f.ws.sign_output(
        ID,
        ICB,
        &f.icb,
        &["--signed-at", T0, "--today", "2026-05-01"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "the statement records the time of signing (2026-04-01T10:00:00Z), not --today (2026-05-01)"
        ),
        "{err}"
    );
    // On the day of signing, nothing to say.
    let f = Fixture::new();
    let out = f.ws.sign_output(
        ID,
        ICB,
        &f.icb,
        &["--signed-at", T0, "--today", "2026-04-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("records the time of signing"));
}
