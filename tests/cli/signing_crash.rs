//! Signing attacks and crash safety (issue 9, items 2, 6, 8, 11 and 15), each through the real
//! binary, each performing the attack: statements dated in the future; `sign` killed (`kill -9`)
//! at random moments or stopped by a full disk, and `keys generate` and `new` killed too (never
//! half a signature, never a workspace that later commands refuse, and the next run cleans up
//! the temporary files the killed one left); private keys kept or committed inside the
//! workspace; and SSHSIG's two hash algorithms, with signatures made by real `ssh-keygen`.
//!
//! The kill tests run a few dozen kills by default; set `DATAPACT_KILL_RUNS=400` to run
//! hundreds by hand (and `DATAPACT_KILL_SEED` to repeat a run's random moments).

use crate::common;
use crate::common::{ECC, ICB, ID, T0};
use crate::signing::ssh_keygen_available;

use common::{TempWorkspace, example, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NAMESPACE: &str = "datapact-agreement@datapact.dev";
/// "Today" for these tests: a winter day, when the workspace's time zone (Europe/London) is UTC.
const TODAY: &str = "2026-11-25";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A workspace (`datapact init`: a git repository) with the example agreement.
fn workspace() -> TempWorkspace {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    ws
}

fn statement(ws: &TempWorkspace, party: &str) -> PathBuf {
    ws.root().join(format!("signatures/{ID}/v1/{party}.toml"))
}

fn signature(ws: &TempWorkspace, party: &str) -> PathBuf {
    ws.root()
        .join(format!("signatures/{ID}/v1/{party}.toml.sig"))
}

/// `datapact --today TODAY ARGS...`: exit code, stdout, stderr.
fn run(ws: &TempWorkspace, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--today", TODAY];
    all.extend_from_slice(args);
    ws.run(&all)
}

/// `datapact --today TODAY sign ID --party PARTY --key KEY EXTRA...`.
fn sign(ws: &TempWorkspace, party: &str, key: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["sign", ID, "--party", party, "--key", key.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(ws, &args)
}

/// `verify --format json` on `day`: the exit code (0 or 1) and the document.
fn verify_on(ws: &TempWorkspace, day: &str) -> (i32, Value) {
    let out = ws.output(&["--today", day, "verify", "--format", "json"]);
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "verify exited {code}: {}",
        text(&out.stderr)
    );
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

/// The status of `party` in a verify document, and its code ("" when it has none).
fn status_of(json: &Value, party: &str) -> (String, String) {
    let p = json["agreements"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"] == party)
        .unwrap_or_else(|| panic!("{party} is not in {json}"));
    (
        p["status"].as_str().unwrap().to_string(),
        p["code"].as_str().unwrap_or("").to_string(),
    )
}

/// The findings of the (only) agreement in a verify document, as (code, severity, message).
fn agreement_findings(json: &Value) -> Vec<(String, String, String)> {
    json["agreements"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Writes `text` as `party`'s statement and signs it with the private key `key` (as a signer's
/// own tooling could: nothing but the verifier judges what a statement claims).
fn resign(ws: &TempWorkspace, party: &str, key: &Path, text: &str) {
    let private = ssh_key::PrivateKey::read_openssh_file(key).unwrap();
    let sig = ssh_key::SshSig::sign(
        &private,
        NAMESPACE,
        ssh_key::HashAlg::Sha512,
        text.as_bytes(),
    )
    .unwrap();
    std::fs::write(statement(ws, party), text).unwrap();
    std::fs::write(
        signature(ws, party),
        sig.to_pem(ssh_key::LineEnding::LF).unwrap(),
    )
    .unwrap();
}

/// The names of datapact's temporary files (`.datapact-*.tmp`) in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    common::dir_names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".datapact-") && n.ends_with(".tmp"))
        .collect()
}

/// `datapact ARGS...` as a std Command (so it can be spawned and killed), run like
/// `TempWorkspace::cmd`, its output discarded.
fn process(ws: &TempWorkspace, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("datapact"));
    cmd.args(args)
        .current_dir(ws.root())
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", ws.config_home.path())
        .env_remove("DATAPACT_TODAY")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// A small deterministic random source (xorshift64*), seeded from `DATAPACT_KILL_SEED` or the
/// clock; the seed is printed so a failing run can be repeated.
struct Random(u64);

impl Random {
    fn new(what: &str) -> Random {
        let seed = std::env::var("DATAPACT_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        eprintln!("{what}: DATAPACT_KILL_SEED={seed}");
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A moment in `0..=max`: uniform over the whole run half the time, and in its last third
    /// (where the files are written) the other half.
    fn moment(&mut self, max: Duration) -> Duration {
        let max = max.as_micros().max(1) as u64;
        let r = self.next();
        let at = if r & 1 == 0 {
            r % max
        } else {
            max * 2 / 3 + r % (max / 3 + 1)
        };
        Duration::from_micros(at)
    }
}

/// How many kills each kill test performs: `DATAPACT_KILL_RUNS`, else `default`.
fn kill_runs(default: usize) -> usize {
    std::env::var("DATAPACT_KILL_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Runs `cmd` to the end and returns how long it took.
fn timed(mut cmd: Command) -> Duration {
    let start = Instant::now();
    let status = cmd.status().unwrap();
    assert!(status.success(), "{status:?}");
    start.elapsed()
}

/// Spawns `cmd`, sends it SIGKILL after `after` (unless it finished), and waits for it.
fn kill_after(mut cmd: Command, after: Duration) {
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

// ---------------------------------------------------------------------------------------------
// Item 2: signing in the future
// ---------------------------------------------------------------------------------------------

/// The attack: a key enrolled valid only from 2099 signs today, its statement claiming a day in
/// 2099. Verification judges the claimed time against today (`--today`, else the clock) and
/// rejects it as from the future (DP219); `sign` refuses to make such a statement; and the same
/// statement counts once its day has come (so the judgement is against the injected today).
#[test]
fn a_statement_from_the_future_is_rejected_and_sign_refuses_to_make_one() {
    let ws = workspace();
    let out = ws.keys_generate(
        ICB,
        "priya@nhs.net",
        &["--no-passphrase", "--valid-from", "2099-01-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let key = ws.key_file(ICB);

    // sign refuses, with the clock's time (outside the window) and with a claimed future time.
    let (code, _, err) = sign(&ws, ICB, &key, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not valid on"), "{err}");
    let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", "2099-01-02T10:00:00Z"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("refusing to sign: nhs-essex-icb's statement claims to be signed at 2099-01-02T10:00:00Z, after today"),
        "{err}"
    );
    assert!(err.contains("today is 2026-11-25"), "{err}");
    assert!(!statement(&ws, ICB).exists() && !signature(&ws, ICB).exists());

    // The attack performed by hand: a statement dated 2099, signed with the key.
    let digest = datapact::signing::sha256_hex(
        &std::fs::read(ws.root().join(format!("agreements/{ID}.toml"))).unwrap(),
    );
    let key_id = {
        let out = ws.output(&["keys", "list", "--format", "json"]);
        let list: Value = serde_json::from_slice(&out.stdout).unwrap();
        list["keys"][0]["key_id"].as_str().unwrap().to_string()
    };
    std::fs::create_dir_all(statement(&ws, ICB).parent().unwrap()).unwrap();
    let forged = format!(
        "type = \"datapact-statement/1\"\nagreement = \"{ID}\"\nversion = 1\nagreement_sha256 = \"{digest}\"\nparty = \"{ICB}\"\nkey_id = \"{key_id}\"\nrole = \"dpo\"\nsigned_at = \"2099-01-02T10:00:00Z\"\n"
    );
    resign(&ws, ICB, &key, &forged);
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(code, 1, "{json}");
    assert_eq!(status_of(&json, ICB), ("invalid".into(), "DP219".into()));
    let reason = json["agreements"][0]["parties"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("after today (the latest signing time accepted is 2026-11-26T00:05:00Z"),
        "{reason}"
    );
    let finding = &json["agreements"][0]["findings"][0];
    assert_eq!(finding["code"], "DP219");
    assert_eq!(finding["line"], 8, "the signed_at line: {finding}");
    // `check` (the gate) fails on it too.
    let (code, out, _) = run(&ws, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DP219"), "{out}");
    // Without --today the clock decides, and 2099 has not come.
    let out = ws.output(&["verify", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    // On its day, the statement is no longer from the future.
    let (code, json) = verify_on(&ws, "2099-01-02");
    assert_eq!(status_of(&json, ICB).0, "signed", "{json}");
    assert_eq!(code, 0, "{json}");
}

/// The clock-skew allowance, both sides: a statement may be dated up to 5 minutes past the end
/// of today in the workspace time zone, and not a second more; `sign` and `verify` agree.
#[test]
fn the_future_starts_five_minutes_after_the_end_of_today() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    // Europe/London in November is UTC: today ends at 2026-11-26T00:00:00Z.
    let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", "2026-11-26T00:05:01Z"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("after today"), "{err}");
    let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", "2026-11-26T00:05:00Z"]);
    assert_eq!(code, 0, "{err}");
    let (_, json) = verify_on(&ws, TODAY);
    assert_eq!(status_of(&json, ICB).0, "signed", "{json}");
    // One second later, re-signed by the key holder: rejected.
    let text = std::fs::read_to_string(statement(&ws, ICB))
        .unwrap()
        .replace("2026-11-26T00:05:00Z", "2026-11-26T00:05:01Z");
    resign(&ws, ICB, &key, &text);
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(code, 1);
    assert_eq!(status_of(&json, ICB), ("invalid".into(), "DP219".into()));
    // In a time zone behind UTC, the evening there is still today though UTC is a day on.
    ws.write(
        "datapact.toml",
        std::fs::read_to_string(ws.root().join("datapact.toml"))
            .unwrap()
            .replace(
                "timezone = \"Europe/London\"",
                "timezone = \"America/New_York\"",
            ),
    );
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(status_of(&json, ICB).0, "signed", "{json}");
    assert_eq!(code, 0);
}

/// The signing time can be claimed (`--signed-at`) only in a debug build: the option is
/// compiled out of release builds, so an installed datapact always records the time of
/// signing. (The test suite runs the debug build; a release build rejects the option as
/// unknown, which `cargo build --release && target/release/datapact sign x --party p --key k
/// --signed-at 2026-01-01T00:00:00Z` shows.)
#[test]
fn the_signing_time_can_be_claimed_only_in_debug_builds() {
    // `--signed-at` is declared once (`SigningTime` in mod.rs, flattened into every command
    // that signs or makes a statement) and parsed by sign.rs; every declaration in src/commands/
    // of either is checked.
    let mut found = [0, 0];
    for entry in std::fs::read_dir(common::repo().join("src/commands")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        for (n, item) in ["pub signed_at: Option<", "pub fn parse_time_arg"]
            .iter()
            .enumerate()
        {
            for (at, _) in source.match_indices(item) {
                found[n] += 1;
                let before: Vec<&str> = source[..at]
                    .trim_end_matches(' ')
                    .lines()
                    .rev()
                    .take(3)
                    .collect();
                assert!(
                    before
                        .iter()
                        .any(|l| l.trim() == "#[cfg(debug_assertions)]"),
                    "{item} in {} must be compiled only with debug assertions: {before:?}",
                    path.display()
                );
            }
        }
    }
    assert_eq!(found, [1, 1], "one --signed-at, one parser");
    let source = std::fs::read_to_string(common::repo().join("src/commands/mod.rs")).unwrap();
    let at = source.find("impl SigningTime").unwrap();
    let body = &source[at..at + source[at..].find("\n    }\n").unwrap()];
    assert!(body.contains("#[cfg(debug_assertions)]") && body.contains("Utc::now()"));
    // Hidden from help, in every build.
    for command in ["sign", "statement", "review"] {
        let (_, help, _) = TempWorkspace::new().run(&[command, "--help"]);
        assert!(!help.contains("signed-at"), "{help}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 6: half a signature
// ---------------------------------------------------------------------------------------------

/// What a killed `sign` can leave, made by hand: a signature without its statement (a kill
/// between the two renames), and a statement without its signature (what earlier versions,
/// which wrote the statement first, left). Neither makes the party INVALID: it has not signed,
/// `verify` names the leftover as an interrupted signing with the command that completes it,
/// `check` passes, and signing again completes it.
#[test]
fn an_interrupted_signing_is_named_and_signing_again_completes_it() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let ecc = ws.generate_key(ECC, "mark@essex.gov.uk");
    assert_eq!(sign(&ws, ECC, &ecc, &["--signed-at", T0]).0, 0);
    for (gone, what, pair) in [
        (statement(&ws, ICB), "signature", "statement"),
        (signature(&ws, ICB), "statement", "signature"),
    ] {
        assert_eq!(sign(&ws, ICB, &key, &["--signed-at", T0]).0, 0);
        std::fs::remove_file(&gone).unwrap();
        let (code, json) = verify_on(&ws, TODAY);
        assert_eq!(code, 0, "{what} alone: no error\n{json}");
        assert_eq!(
            status_of(&json, ICB),
            ("missing".into(), String::new()),
            "{json}"
        );
        assert_eq!(status_of(&json, ECC).0, "signed");
        let shown = format!(
            "signatures/{ID}/v1/{ICB}.toml{}",
            if what == "signature" { ".sig" } else { "" }
        );
        let finding = json["agreements"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "DP214")
            .unwrap_or_else(|| panic!("no DP214 for the {what}: {json}"));
        assert_eq!(finding["file"], shown.as_str());
        assert_eq!(finding["severity"], "warning");
        assert_eq!(
            finding["message"],
            format!("{shown} is a {what} without its {pair}: a signing was interrupted (or the {pair} removed), so it does not count and {ICB} has not signed v1").as_str()
        );
        assert_eq!(
            finding["hint"],
            format!("complete the signing: `datapact sign {ID} --party {ICB} --key KEYFILE` replaces the leftover; or remove it").as_str()
        );
        // The human output says it too, and `check` passes (a warning).
        let (code, out, _) = run(&ws, &["verify"]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("a signing was interrupted")
                && out.contains(&format!("datapact sign {ID} --party {ICB}")),
            "{out}"
        );
        assert!(!out.contains("INVALID"), "{out}");
        let (code, out, _) = run(&ws, &["check"]);
        assert_eq!(code, 0, "{out}");
        // Signing again completes it, and says what it did.
        let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", T0]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("completing an interrupted signing"), "{err}");
        let (code, json) = verify_on(&ws, TODAY);
        assert_eq!(code, 0);
        assert_eq!(status_of(&json, ICB).0, "signed", "{json}");
        assert!(agreement_findings(&json).is_empty(), "{json}");
        std::fs::remove_file(statement(&ws, ICB)).unwrap();
        std::fs::remove_file(signature(&ws, ICB)).unwrap();
    }
    // Both there: signed already, refused as before.
    assert_eq!(sign(&ws, ICB, &key, &["--signed-at", T0]).0, 0);
    let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", T0]);
    assert_eq!(code, 1);
    assert!(err.contains("has already signed"), "{err}");
    // A damaged or unreadable signature is still an error, not an interrupted signing.
    std::fs::write(signature(&ws, ICB), "-----BEGIN SSH SIGNATURE-----\n").unwrap();
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(code, 1);
    assert_eq!(status_of(&json, ICB), ("invalid".into(), "DP210".into()));
}

/// A full disk: the second file cannot be written. The file size limit (`prlimit --fsize`,
/// SIGXFSZ ignored so the write fails with EFBIG as on a full disk) lets the signature through
/// and stops the statement, which is larger. Before the fix this left a statement without its
/// signature every time; now neither file is left (nor a temporary file, nor an empty version
/// folder), and signing again once there is room works.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_neither_file() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    // The sizes of the two files, from a signing that succeeds.
    assert_eq!(sign(&ws, ICB, &key, &["--signed-at", T0]).0, 0);
    let sig_len = std::fs::metadata(signature(&ws, ICB)).unwrap().len();
    let stmt_len = std::fs::metadata(statement(&ws, ICB)).unwrap().len();
    assert!(sig_len < stmt_len, "{sig_len} {stmt_len}");
    std::fs::remove_dir_all(ws.root().join("signatures")).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; exec prlimit --fsize="$1" -- "$2" --today "$3" sign "$4" --party "$5" --key "$6" --signed-at "$7""#)
        .arg("sh")
        .arg(sig_len.to_string())
        .arg(assert_cmd::cargo::cargo_bin("datapact"))
        .args([TODAY, ID, ICB, key.to_str().unwrap(), T0])
        .current_dir(ws.root())
        .env("XDG_CONFIG_HOME", ws.config_home.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    common::assert_no_panic(&out);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(
        !statement(&ws, ICB).exists() && !signature(&ws, ICB).exists(),
        "half a signature left: {:?}",
        common::dir_names(&ws.root().join(format!("signatures/{ID}/v1")))
    );
    let signatures = ws.root().join(format!("signatures/{ID}"));
    assert!(
        !signatures.join("v1").exists(),
        "{:?}",
        common::dir_names(&signatures)
    );
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(code, 0, "{json}");
    assert_eq!(status_of(&json, ICB).0, "missing");
    assert!(
        agreement_findings(&json).iter().all(|f| f.0 == "DP213"),
        "{json}"
    );
    assert_eq!(sign(&ws, ICB, &key, &["--signed-at", T0]).0, 0);
    assert_eq!(status_of(&verify_on(&ws, TODAY).1, ICB).0, "signed");
}

/// `kill -9` of `sign` at random moments: after each kill the party is signed or has not
/// signed, never INVALID; `verify` reports no error; signing again completes what the kill
/// interrupted, and removes the temporary files killed runs left.
#[test]
fn sign_killed_at_random_moments_never_leaves_half_a_signature() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let args = [
        "--today",
        TODAY,
        "sign",
        ID,
        "--party",
        ICB,
        "--key",
        key.to_str().unwrap(),
        "--signed-at",
        T0,
    ];
    let full = timed(process(&ws, &args));
    let version_dir = ws.root().join(format!("signatures/{ID}/v1"));
    let reset = || {
        for f in [statement(&ws, ICB), signature(&ws, ICB)] {
            let _ = std::fs::remove_file(f);
        }
    };
    reset();
    let mut random = Random::new("sign");
    let (mut nothing, mut lone_sig, mut complete, mut leftovers) = (0, 0, 0, 0);
    for _ in 0..kill_runs(30) {
        kill_after(process(&ws, &args), random.moment(full + full / 4));
        let (stmt, sig) = (statement(&ws, ICB).exists(), signature(&ws, ICB).exists());
        assert!(sig || !stmt, "a statement without its signature");
        if !temporaries(&version_dir).is_empty() {
            leftovers += 1;
        }
        let (code, json) = verify_on(&ws, TODAY);
        let (status, _) = status_of(&json, ICB);
        assert_eq!(code, 0, "a kill left an error: {json}");
        match (stmt, sig) {
            (true, true) => {
                complete += 1;
                assert_eq!(status, "signed", "{json}");
            }
            (false, true) => {
                lone_sig += 1;
                assert_eq!(status, "missing", "{json}");
            }
            _ => {
                nothing += 1;
                assert_eq!(status, "missing", "{json}");
            }
        }
        if status != "signed" {
            let out = ws.output(&args);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            assert_eq!(status_of(&verify_on(&ws, TODAY).1, ICB).0, "signed");
            assert!(
                temporaries(&version_dir).is_empty(),
                "{:?}",
                common::dir_names(&version_dir)
            );
        }
        reset();
    }
    eprintln!(
        "sign killed: {nothing} left nothing, {lone_sig} a signature alone, {complete} both files; {leftovers} left a temporary file (full run {full:?})"
    );
}

/// Two `sign` runs for the same party at once: `sign` holds the workspace lock while it looks
/// at what is there and writes, so one signs and the other finds the pair and refuses; never a
/// statement of one run beside the signature of the other (which would be INVALID).
#[test]
fn two_sign_runs_at_once_never_interleave_their_files() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let key = key.to_str().unwrap();
    for round in 0..8 {
        // Two different claimed times, so the two runs' statements differ.
        let runs: Vec<_> = ["2026-04-01T10:00:00Z", "2026-04-01T11:00:00Z"]
            .into_iter()
            .map(|at| {
                process(
                    &ws,
                    &[
                        "--today",
                        TODAY,
                        "sign",
                        ID,
                        "--party",
                        ICB,
                        "--key",
                        key,
                        "--signed-at",
                        at,
                    ],
                )
                .spawn()
                .unwrap()
            })
            .collect();
        let succeeded = runs
            .into_iter()
            .map(|mut child| child.wait().unwrap().success())
            .filter(|ok| *ok)
            .count();
        assert_eq!(
            succeeded, 1,
            "round {round}: one run signs, the other refuses"
        );
        let (code, json) = verify_on(&ws, TODAY);
        assert_eq!(code, 0, "round {round}: {json}");
        assert_eq!(status_of(&json, ICB).0, "signed", "round {round}: {json}");
        std::fs::remove_file(statement(&ws, ICB)).unwrap();
        std::fs::remove_file(signature(&ws, ICB)).unwrap();
    }
}

/// `kill -9` of `keys generate` at random moments: the trust store always reads, `check`
/// passes, a key is never enrolled without its private key file (the trust store is written
/// last), and the next `keys generate` succeeds and removes the temporary files killed runs
/// left in `keys/` and in the key folder.
#[test]
fn keys_generate_killed_at_random_moments_leaves_a_usable_workspace() {
    let ws = workspace();
    let keys = ws.root().join("keys");
    let key_dir = ws.key_path("killed");
    std::fs::create_dir(&key_dir).unwrap();
    let generate = |name: &str| {
        let out = key_dir.join(name);
        let principal = format!("{name}@nhs.net");
        let args: Vec<String> = [
            "keys",
            "generate",
            "--party",
            ICB,
            "--principal",
            &principal,
            "--role",
            "dpo",
            "--no-passphrase",
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        process(&ws, &refs)
    };
    let full = timed(generate("first"));
    let mut random = Random::new("keys generate");
    let (mut enrolled, mut leftovers) = (0, 0);
    for i in 0..kill_runs(16) {
        let name = format!("k{i}");
        kill_after(generate(&name), random.moment(full + full / 4));
        if !temporaries(&keys).is_empty() || !temporaries(&key_dir).is_empty() {
            leftovers += 1;
        }
        // `keys list` exits 1 on any trust store finding: here at most the DP218 warning for
        // a temporary file the kill left in keys/ (removed by the next write there).
        let out = ws.output(&["keys", "list", "--format", "json"]);
        let list: Value = serde_json::from_slice(&out.stdout).unwrap();
        for f in list["findings"].as_array().unwrap() {
            assert_eq!(f["code"], "DP218", "{list}");
            assert!(
                f["file"].as_str().unwrap().starts_with("keys/.datapact-"),
                "{list}"
            );
        }
        for k in list["keys"].as_array().unwrap() {
            let name = k["principal"]
                .as_str()
                .unwrap()
                .trim_end_matches("@nhs.net");
            assert!(
                key_dir.join(name).exists() && key_dir.join(format!("{name}.pub")).exists(),
                "{name} is enrolled without its key files"
            );
        }
        let (code, out, _) = run(&ws, &["check"]);
        assert_eq!(code, 0, "{out}");
        if list["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["principal"] == format!("{name}@nhs.net").as_str())
        {
            enrolled += 1;
        } else {
            // A retry (to a new file: the killed run may have written the old one).
            let status = generate(&format!("{name}-again")).status().unwrap();
            assert!(status.success());
            assert!(
                temporaries(&keys).is_empty(),
                "{:?}",
                common::dir_names(&keys)
            );
            assert!(
                temporaries(&key_dir).is_empty(),
                "{:?}",
                common::dir_names(&key_dir)
            );
        }
    }
    eprintln!(
        "keys generate killed: {enrolled} finished first; {leftovers} left a temporary file (full run {full:?})"
    );
}

/// `kill -9` of `new` at random moments: the agreement file is there whole or not at all, and
/// the next `new` removes the temporary files killed runs left in `agreements/`.
#[test]
fn new_killed_at_random_moments_writes_the_whole_file_or_none() {
    let ws = workspace();
    let agreements = ws.root().join("agreements");
    let new = |id: &str| process(&ws, &["new", id, "--party", ICB, "--party", ECC]);
    let full = timed(new("killed-new-ref"));
    let reference = std::fs::read_to_string(agreements.join("killed-new-ref.toml")).unwrap();
    let mut random = Random::new("new");
    let (mut written, mut leftovers) = (0, 0);
    for i in 0..kill_runs(16) {
        let id = format!("killed-new-{i:03}");
        kill_after(new(&id), random.moment(full + full / 4));
        if !temporaries(&agreements).is_empty() {
            leftovers += 1;
        }
        let path = agreements.join(format!("{id}.toml"));
        if path.exists() {
            written += 1;
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                reference.replace("killed-new-ref", &id),
                "{id} is not whole"
            );
        } else {
            assert!(new(&id).status().unwrap().success());
            assert!(
                temporaries(&agreements).is_empty(),
                "{:?}",
                common::dir_names(&agreements)
            );
        }
    }
    eprintln!(
        "new killed: {written} finished first; {leftovers} left a temporary file (full run {full:?})"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 8: stale temporary files
// ---------------------------------------------------------------------------------------------

/// What a killed run leaves, by hand: a `.datapact-*.tmp` file. `verify` says what it is; the
/// next run that writes in its folder (`sign`, `new`, `keys generate`) removes it and says so;
/// a temporary file a live run holds (locked) is never removed.
#[cfg(unix)]
#[test]
fn stale_temporary_files_are_removed_by_the_next_write_there_and_never_one_in_use() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let v1 = ws.root().join(format!("signatures/{ID}/v1"));
    std::fs::create_dir_all(&v1).unwrap();
    std::fs::write(
        v1.join(".datapact-AbC123.tmp"),
        "# datapact signature statement",
    )
    .unwrap();
    let busy = v1.join(".datapact-Busy99.tmp");
    std::fs::write(&busy, "").unwrap();
    let held = std::fs::File::open(&busy).unwrap();
    // As a live run holds its temporary file.
    rustix::fs::flock(&held, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(code, 0, "{json}");
    let messages: Vec<String> = agreement_findings(&json)
        .into_iter()
        .filter(|f| f.0 == "DP214")
        .map(|f| f.2)
        .collect();
    assert!(
        messages.contains(&format!("signatures/{ID}/v1/.datapact-AbC123.tmp is a temporary file left by an interrupted datapact run; it is not read")),
        "{messages:?}"
    );
    let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", T0]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("removed signatures/{ID}/v1/.datapact-AbC123.tmp, a temporary file left by an interrupted datapact run")),
        "{err}"
    );
    assert_eq!(
        temporaries(&v1),
        [".datapact-Busy99.tmp"],
        "the one in use stays"
    );
    drop(held);

    // `new` in agreements/, `keys generate` in keys/ and in the key folder.
    let agreements = ws.root().join("agreements");
    std::fs::write(
        agreements.join(".datapact-Zz0001.tmp"),
        "[agreement]\nid = \"half",
    )
    .unwrap();
    let (code, _, err) = ws.run(&["new", "second-agreement"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("removed agreements/.datapact-Zz0001.tmp"),
        "{err}"
    );
    assert!(temporaries(&agreements).is_empty());
    let keys = ws.root().join("keys");
    std::fs::write(keys.join(".datapact-Kk0001.tmp"), "[[keys]]\n").unwrap();
    let key_dir = ws.config_home.path().join("datapact/keys");
    let stale_key = key_dir.join(".datapact-Pk0001.tmp");
    std::fs::write(&stale_key, "-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
    let out = ws.keys_generate(ECC, "mark@essex.gov.uk", &["--no-passphrase"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("removed keys/.datapact-Kk0001.tmp"), "{err}");
    assert!(
        err.contains(&format!("removed {}", stale_key.display())),
        "{err}"
    );
    assert!(temporaries(&keys).is_empty() && temporaries(&key_dir).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Item 11: private keys in the workspace
// ---------------------------------------------------------------------------------------------

/// `sign` refuses a private key kept inside the workspace (a git repository or not) or inside
/// any git work tree, as `keys generate` refuses to write one there, judged where the file
/// really is: through `..`, and through a link from outside to a key inside. A link inside the
/// workspace to a key kept outside holds no key material and is used.
#[cfg(unix)]
#[test]
fn sign_refuses_a_private_key_kept_inside_the_workspace_or_a_work_tree() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let copy_to = |dest: &Path| {
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&key, dest).unwrap();
        std::fs::set_permissions(dest, std::fs::Permissions::from_mode(0o600)).unwrap();
    };
    let inside = ws.root().join("id_ed25519");
    copy_to(&inside);
    let via_dots = ws.root().join("agreements/../id_ed25519");
    let link_out = ws.key_path("link-to-inside");
    symlink(&inside, &link_out).unwrap();
    let relative = PathBuf::from("id_ed25519");
    for named in [&inside, &via_dots, &link_out, &relative] {
        let (code, _, err) = sign(&ws, ICB, named, &["--signed-at", T0]);
        assert_eq!(code, 2, "{}: {err}", named.display());
        assert!(
            err.contains(&format!(
                "refusing to use the private key {}: it is inside the git work tree",
                named.display()
            )),
            "{err}"
        );
        assert!(err.contains("move the key out of the workspace"), "{err}");
        assert!(!statement(&ws, ICB).exists());
    }
    // Another git work tree, outside the workspace.
    let other = tempfile::tempdir().unwrap();
    assert!(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(other.path())
            .status()
            .unwrap()
            .success()
    );
    let in_repo = other.path().join("keys/id_ed25519");
    copy_to(&in_repo);
    let (code, _, err) = sign(&ws, ICB, &in_repo, &["--signed-at", T0]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("inside the git work tree"), "{err}");
    // A workspace that is not a git repository yet.
    let plain = TempWorkspace::new();
    plain.write(&format!("agreements/{ID}.toml"), example(ID));
    let plain_key = plain.generate_key(ICB, "priya@nhs.net");
    let kept = plain.root().join("private/key");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::copy(&plain_key, &kept).unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, _, err) = sign(&plain, ICB, &kept, &["--signed-at", T0]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("it is inside the workspace"), "{err}");
    // A link in the workspace to the key kept outside: only the link is in the workspace.
    let link_in = ws.root().join("my-key");
    symlink(&key, &link_in).unwrap();
    let (code, _, err) = sign(&ws, ICB, &link_in, &["--signed-at", T0]);
    assert_eq!(code, 0, "{err}");
}

/// A private key in any file git tracks or would commit is an error of `check` (DP220), at
/// the line that opens the key, without quoting it; ignored files, files that only mention a
/// key block, and keys/ (DP216) are not reported as DP220.
#[test]
fn check_reports_a_private_key_in_any_file_git_would_commit() {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let pem = std::fs::read_to_string(&key).unwrap();
    let body = pem.lines().nth(1).unwrap().to_string();
    ws.write("notes/handover.txt", format!("Keys for the DPO:\n\n{pem}"));
    ws.write("backup/id_ed25519", &pem);
    ws.write("ignored/id_ed25519", &pem);
    ws.write(".gitignore", "/ignored/\n");
    ws.write("keys/id_ed25519", &pem);
    ws.write(
        "docs/keys.md",
        "Never commit a file holding `-----BEGIN OPENSSH PRIVATE KEY-----`.\n",
    );
    let git = |args: &[&str]| {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(ws.root())
                .status()
                .unwrap()
                .success()
        );
    };
    git(&["add", "notes/handover.txt"]);
    let out = ws.output(&["--today", TODAY, "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = common::findings(&serde_json::from_slice(&out.stdout).unwrap());
    let dp220: Vec<&(String, u64, String)> = all.iter().filter(|f| f.0 == "DP220").collect();
    assert_eq!(dp220.len(), 2, "{all:?}");
    let (_, line, message) = dp220
        .iter()
        .find(|f| f.2.starts_with("notes/handover.txt"))
        .expect("the tracked file");
    assert_eq!(*line, 3);
    assert!(message.contains("git tracks it"), "{message}");
    let (_, line, message) = dp220
        .iter()
        .find(|f| f.2.starts_with("backup/id_ed25519"))
        .expect("the untracked file");
    assert_eq!(*line, 1);
    assert!(message.contains("`git add` would commit it"), "{message}");
    assert!(
        all.iter().all(|f| !f.2.contains(&body)),
        "a key is never quoted"
    );
    assert!(
        all.iter()
            .any(|f| f.0 == "DP216" && f.2.starts_with("keys/id_ed25519"))
    );
    assert!(
        all.iter()
            .all(|f| !f.2.contains("ignored/") && !f.2.contains("docs/keys.md")),
        "{all:?}"
    );
    // A run on named agreements does not scan the workspace (it must stay fast in a register
    // of thousands); the whole-workspace run, as in CI, reports the keys.
    let out = ws.output(&["--today", TODAY, "check", ID, "--format", "json"]);
    let named = common::findings(&serde_json::from_slice(&out.stdout).unwrap());
    assert!(named.iter().all(|f| f.0 != "DP220"), "{named:?}");
    // The human report says where and what to do.
    let (_, out, _) = run(&ws, &["check"]);
    assert!(
        out.contains("error[DP220]: notes/handover.txt:3:1"),
        "{out}"
    );
    assert!(
        out.contains("`git rm --cached notes/handover.txt`"),
        "{out}"
    );
    // Moved out: clean again (keys/ aside).
    for f in ["notes/handover.txt", "backup/id_ed25519", "keys/id_ed25519"] {
        std::fs::remove_file(ws.root().join(f)).unwrap();
    }
    git(&["rm", "-q", "--cached", "notes/handover.txt"]);
    let (code, out, _) = run(&ws, &["check"]);
    assert_eq!(code, 0, "{out}");
}

/// A workspace in a folder of a larger repository: only the workspace's own files are its
/// concern; a key elsewhere in the repository is not reported by this workspace's `check`.
#[test]
fn dp220_looks_only_inside_the_workspace_of_a_larger_repository() {
    let repo = tempfile::tempdir().unwrap();
    assert!(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(repo.path())
            .status()
            .unwrap()
            .success()
    );
    let pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    std::fs::write(repo.path().join("elsewhere.key"), pem).unwrap();
    let root = repo.path().join("sharing");
    std::fs::create_dir_all(root.join("agreements")).unwrap();
    std::fs::write(root.join("datapact.toml"), "").unwrap();
    std::fs::write(
        root.join("agreements").join(format!("{ID}.toml")),
        example(ID),
    )
    .unwrap();
    std::fs::write(root.join("inside.key"), pem).unwrap();
    let out = common::datapact()
        .args([
            "-C",
            root.to_str().unwrap(),
            "--today",
            TODAY,
            "check",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let all = common::findings(&serde_json::from_slice(&out.stdout).unwrap());
    let dp220: Vec<&str> = all
        .iter()
        .filter(|f| f.0 == "DP220")
        .map(|f| f.2.as_str())
        .collect();
    assert_eq!(dp220.len(), 1, "{all:?}");
    assert!(
        dp220[0].starts_with("inside.key holds a private key"),
        "{dp220:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 15: the hash algorithm
// ---------------------------------------------------------------------------------------------

/// datapact writes sha512 SSHSIG signatures (ssh-keygen's default); a statement signed by real
/// `ssh-keygen -Y sign -O hashalg=sha256`, OpenSSH's other hash, is accepted, as OpenSSH
/// accepts it (docs/signing.md, "The signature").
#[test]
fn datapact_writes_sha512_and_accepts_a_sha256_signature_made_by_ssh_keygen() {
    if !ssh_keygen_available() {
        return;
    }
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    assert_eq!(sign(&ws, ICB, &key, &["--signed-at", T0]).0, 0);
    let written = std::fs::read_to_string(signature(&ws, ICB)).unwrap();
    let sig = ssh_key::SshSig::from_pem(&written).unwrap();
    assert_eq!(sig.hash_alg(), ssh_key::HashAlg::Sha512);
    // The same statement signed again by ssh-keygen with sha256.
    std::fs::remove_file(signature(&ws, ICB)).unwrap();
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-O", "hashalg=sha256", "-f"])
        .arg(&key)
        .arg(statement(&ws, ICB))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let made = std::fs::read_to_string(signature(&ws, ICB)).unwrap();
    assert_eq!(
        ssh_key::SshSig::from_pem(&made).unwrap().hash_alg(),
        ssh_key::HashAlg::Sha256
    );
    let (code, json) = verify_on(&ws, TODAY);
    assert_eq!(status_of(&json, ICB).0, "signed", "{json}");
    assert_eq!(code, 0);
}

/// The example signed by the ICB, and the text of the ICB's private key file (to plant in the
/// workspace).
fn signed_by_icb_with_its_key_text() -> (TempWorkspace, String) {
    let ws = workspace();
    let key = ws.generate_key(ICB, "priya@nhs.net");
    let (code, _, err) = sign(&ws, ICB, &key, &["--signed-at", T0]);
    assert_eq!(code, 0, "{err}");
    let pem = std::fs::read_to_string(&key).unwrap();
    (ws, pem)
}

/// The files `check`'s own pass reads (the agreement, statements and signatures) are searched
/// for private keys as they are read, not read again: a key pasted into the agreement or
/// appended to a statement is still DP220, at its line.
#[test]
fn check_finds_a_private_key_in_the_files_its_pass_reads() {
    let (ws, pem) = signed_by_icb_with_its_key_text();
    let agreement = format!("agreements/{ID}.toml");
    let text = std::fs::read_to_string(ws.root().join(&agreement)).unwrap();
    let lines = text.lines().count();
    ws.write(&agreement, format!("{text}notes = \"\"\"\n{pem}\"\"\"\n"));
    let statement = statement(&ws, ICB);
    let body = std::fs::read_to_string(&statement).unwrap();
    std::fs::write(&statement, format!("{body}{pem}")).unwrap();
    let out = ws.output(&["--today", TODAY, "check", "--format", "json"]);
    let all = common::findings(&serde_json::from_slice(&out.stdout).unwrap());
    let dp220: Vec<(String, u64)> = all
        .iter()
        .filter(|f| f.0 == "DP220")
        .map(|f| (f.2.split(' ').next().unwrap().to_string(), f.1))
        .collect();
    let statement_lines = body.lines().count() as u64;
    assert!(
        dp220.contains(&(agreement.clone(), lines as u64 + 2)),
        "{dp220:?}"
    );
    assert!(
        dp220.contains(&(
            format!("signatures/{ID}/v1/{ICB}.toml"),
            statement_lines + 1
        )),
        "{dp220:?}"
    );
}

/// The folders `check`'s pass lists (an agreement's signature folders) are not listed again
/// by its search for files git would commit, which takes the pass's listings: a private key
/// dropped, untracked, into those folders is still DP220, and one in a folder the pass does
/// not list too.
#[test]
fn check_finds_an_untracked_private_key_in_the_folders_its_pass_lists() {
    let (ws, pem) = signed_by_icb_with_its_key_text();
    for file in [
        format!("signatures/{ID}/v1/backup.txt"),
        format!("signatures/{ID}/id_ed25519"),
        "signatures/stray/id_ed25519".to_string(),
        "notes/deep/down/id_ed25519".to_string(),
    ] {
        ws.write(&file, &pem);
    }
    let out = ws.output(&["--today", TODAY, "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = common::findings(&serde_json::from_slice(&out.stdout).unwrap());
    let mut dp220: Vec<String> = all
        .iter()
        .filter(|f| f.0 == "DP220")
        .map(|f| f.2.split(' ').next().unwrap().to_string())
        .collect();
    dp220.sort();
    assert_eq!(
        dp220,
        [
            "notes/deep/down/id_ed25519".to_string(),
            format!("signatures/{ID}/id_ed25519"),
            format!("signatures/{ID}/v1/backup.txt"),
            "signatures/stray/id_ed25519".to_string(),
        ],
        "{all:?}"
    );
}
