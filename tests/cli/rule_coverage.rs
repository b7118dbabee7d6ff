//! Every rule code of the catalogue (`datapact::rules::all()`) is produced through the real binary
//! by some test that asserts it. File, structure and content codes are covered by the invalid
//! fixtures (tests/cli/validate_cli.rs); here every signature and expiry code has a scenario: a
//! temporary workspace damaged in the way the rule is about, `check` or `verify` run on it, the
//! code asserted with its severity and the documented exit code. `SCENARIOS` is the table, one
//! test per row; `every_rule_code_is_produced_through_the_binary` checks the table (and the
//! fixtures) against the catalogue, so a new rule without a test fails by name.
//!
//! Then the expiry rules' boundaries, both sides of each, with `--today` (never the clock).

use crate::common;
use crate::common::{ECC, ICB, ID, T0};
use crate::history_cli::{self, Story};

use chrono::NaiveDate;
use common::{TempWorkspace, example, set_version, text};
use datapact::diagnostics::Severity;
use datapact::rules::{self, Family};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// "Today" for the signature scenarios: the example agreement is active (no expiry finding).
const TODAY: &str = "2026-11-25";
const NAMESPACE: &str = "datapact-agreement@datapact.dev";

// ---------------------------------------------------------------------------------------------
// Running the binary and reading what it reported
// ---------------------------------------------------------------------------------------------

/// What one run of the binary reported.
struct Outcome {
    /// The command line, for messages.
    command: String,
    exit: i32,
    /// Every `"code"` anywhere in the JSON document (findings of every array, party statuses).
    codes: BTreeSet<String>,
    /// Every object with both a `"code"` and a `"severity"`: (code, severity).
    findings: Vec<(String, String)>,
    json: Value,
}

impl Outcome {
    fn has(&self, code: &str) -> bool {
        self.codes.contains(code)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`datapact {}` exited {} reporting {:?}\n{:#}",
            self.command, self.exit, self.codes, self.json
        )
    }
}

/// Collects every object's `"code"` string, and `(code, severity)` where both are there.
fn walk(v: &Value, codes: &mut BTreeSet<String>, findings: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            if let Some(code) = map.get("code").and_then(Value::as_str) {
                codes.insert(code.to_string());
                if let Some(sev) = map.get("severity").and_then(Value::as_str) {
                    findings.push((code.to_string(), sev.to_string()));
                }
            }
            map.values().for_each(|x| walk(x, codes, findings));
        }
        Value::Array(items) => items.iter().for_each(|x| walk(x, codes, findings)),
        _ => {}
    }
}

/// `datapact ARGS...` (which must print a JSON document and exit 0 or 1), read back.
fn run_json(ws: &TempWorkspace, args: &[&str]) -> Outcome {
    let out = ws.output(args);
    let command = args.join(" ");
    let exit = out.status.code().unwrap();
    assert!(
        exit == 0 || exit == 1,
        "`datapact {command}` exited {exit}: {}",
        text(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "`datapact {command}`: stdout is not JSON ({e}):\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    let (mut codes, mut findings) = (BTreeSet::new(), Vec::new());
    walk(&json, &mut codes, &mut findings);
    Outcome {
        command,
        exit,
        codes,
        findings,
        json,
    }
}

/// `datapact --today DAY check --format json EXTRA...`.
fn check(ws: &TempWorkspace, day: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["--today", day, "check", "--format", "json"];
    args.extend_from_slice(extra);
    run_json(ws, &args)
}

/// `datapact --today TODAY verify --format json`.
fn verify(ws: &TempWorkspace) -> Outcome {
    run_json(ws, &["--today", TODAY, "verify", "--format", "json"])
}

// ---------------------------------------------------------------------------------------------
// Workspaces and damage
// ---------------------------------------------------------------------------------------------

/// A workspace (`datapact init`) with the example agreement and a key enrolled for each party
/// (`new`: both parties have signed v1; `unsigned`: nobody has).
struct Signed {
    ws: TempWorkspace,
    icb: PathBuf,
    ecc: PathBuf,
}

impl Signed {
    fn new() -> Signed {
        let s = Signed::unsigned();
        s.sign(ICB);
        s.sign(ECC);
        s
    }

    fn unsigned() -> Signed {
        let ws = TempWorkspace::init();
        ws.write(&format!("agreements/{ID}.toml"), example(ID));
        let icb = ws.generate_key(ICB, "priya@nhs.net");
        let ecc = ws.generate_key(ECC, "mark@essex.gov.uk");
        Signed { ws, icb, ecc }
    }

    fn key(&self, party: &str) -> &Path {
        if party == ICB { &self.icb } else { &self.ecc }
    }

    /// Signs the example agreement (its current version) for `party` at T0.
    fn sign(&self, party: &str) {
        self.ws
            .sign(ID, party, self.key(party), &["--signed-at", T0]);
    }

    /// The path of a file relative to the workspace root.
    fn path(&self, rel: &str) -> PathBuf {
        self.ws.root().join(rel)
    }

    /// `party`'s statement for `version`, relative to the root.
    fn statement(&self, version: u32, party: &str) -> String {
        format!("signatures/{ID}/v{version}/{party}.toml")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replaces the first `from` in file `rel` with `to`; `from` must be there.
    fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{from:?} is not in {rel}:\n{text}");
        self.ws.write(rel, text.replacen(from, to, 1));
    }

    /// Copies file `from` to `to` (both relative to the root), creating directories.
    fn copy(&self, from: &str, to: &str) {
        self.ws.write(to, std::fs::read(self.path(from)).unwrap());
    }

    /// Writes `text` as the statement `rel` and signs it with `party`'s private key for
    /// `namespace`, as a signer with their own tooling could (the statement's content is not
    /// checked by anything but the verifier).
    fn resign(&self, rel: &str, party: &str, namespace: &str, text: &str) {
        self.ws
            .plant_statement(rel, self.key(party), namespace, text);
    }

    /// `keys/<party>.toml`, relative to the root.
    fn trust_file(party: &str) -> String {
        format!("keys/{party}.toml")
    }

    /// The `[[keys]]` entry of `party`'s trust store file (everything from `[[keys]]` on).
    fn trust_entry(&self, party: &str) -> String {
        let text = self.read(&Signed::trust_file(party));
        text[text.find("[[keys]]").expect("an entry")..].to_string()
    }
}

/// The example agreement under id `id` with the given dates (approved on the effective date).
fn dated_agreement(
    id: &str,
    effective: NaiveDate,
    review: NaiveDate,
    expires: NaiveDate,
) -> String {
    let text = example(ID).replace(&format!("id = \"{ID}\""), &format!("id = \"{id}\""));
    let start = text.find("[dates]").expect("the example has [dates]");
    assert!(
        !text[start..].contains("\n["),
        "[dates] is the example's last section"
    );
    format!(
        "{}[dates]\napproved = {effective}\neffective = {effective}\nreview = {review}\nexpires = {expires}\nreview_interval_months = 24\n",
        &text[..start]
    )
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// `d` moved by `days` (negative: earlier), as the `--today` text.
fn day(d: NaiveDate, days: i64) -> String {
    (d + chrono::Duration::days(days)).to_string()
}

/// An agreement with an ordinary term: review (last day before the review is overdue) a year
/// before expiry (last day in force), so the review notice and grace period are over long before
/// the expiry notice starts.
const DATED: &str = "dated-sharing";
/// An agreement whose review date is its expiry date: the expiry notice is not masked by a due
/// or overdue review.
const TERM_END: &str = "term-end-sharing";
/// DATED's dates, signed by the ICB only.
const DRAFT: &str = "draft-sharing";

fn effective() -> NaiveDate {
    date("2026-04-01")
}
fn dated_review() -> NaiveDate {
    date("2028-04-01")
}
fn dated_expires() -> NaiveDate {
    date("2029-03-31")
}
fn term_end() -> NaiveDate {
    date("2028-03-31")
}

/// The default windows of `datapact.toml` ([windows]), as the tests assume them.
const REVIEW_NOTICE_DAYS: i64 = 90;
const REVIEW_GRACE_DAYS: i64 = 90;
const EXPIRY_NOTICE_DAYS: i64 = 90;

/// A workspace with an empty `datapact.toml` (every default, so the windows are the defaults
/// above) with DATED and TERM_END signed by both parties and DRAFT signed by the ICB only.
fn dated_workspace() -> TempWorkspace {
    let ws = TempWorkspace::new();
    for (id, review, expires) in [
        (DATED, dated_review(), dated_expires()),
        (TERM_END, term_end(), term_end()),
        (DRAFT, dated_review(), dated_expires()),
    ] {
        ws.write(
            &format!("agreements/{id}.toml"),
            dated_agreement(id, effective(), review, expires),
        );
    }
    let icb = ws.generate_key(ICB, "priya@nhs.net");
    let ecc = ws.generate_key(ECC, "mark@essex.gov.uk");
    for (id, party, key) in [
        (DATED, ICB, &icb),
        (DATED, ECC, &ecc),
        (TERM_END, ICB, &icb),
        (TERM_END, ECC, &ecc),
        (DRAFT, ICB, &icb),
    ] {
        ws.sign(id, party, key, &["--signed-at", SIGNED_BEFORE_EFFECTIVE]);
    }
    ws
}

/// When the parties signed DATED, TERM_END and DRAFT: before their effective date, so that on
/// every day the boundary tests judge (from the day before the effective date on) the
/// signatures are already made; a signature dated after "today" does not count (DP219).
const SIGNED_BEFORE_EFFECTIVE: &str = "2026-03-18T10:00:00Z";

// ---------------------------------------------------------------------------------------------
// The scenarios: one per signature and expiry code
// ---------------------------------------------------------------------------------------------

/// One scenario: builds and damages a workspace, runs the binary, returns what it reported.
type Scenario = fn() -> Outcome;

/// Defines `SCENARIOS` (code, scenario) and one `#[test]` per row from a single list, so the
/// table the meta-test reads and the tests that run can never differ.
macro_rules! scenarios {
    ($( $test:ident: $code:literal => $scenario:ident, )*) => {
        const SCENARIOS: &[(&str, Scenario)] = &[ $( ($code, $scenario) ),* ];
        $(
            #[test]
            fn $test() {
                assert_scenario($code, $scenario);
            }
        )*
    };
}

scenarios! {
    dp201_signature_stale: "DP201" => agreement_changed_after_signing,
    dp202_signature_wrong_agreement: "DP202" => signature_copied_from_another_agreement,
    dp203_signature_wrong_version: "DP203" => v1_signature_presented_for_v2,
    dp204_signature_unknown_key: "DP204" => key_removed_from_the_trust_store,
    dp205_signature_wrong_party: "DP205" => key_moved_to_another_party,
    dp206_signature_revoked_key: "DP206" => key_revoked_after_signing,
    dp207_signature_key_validity: "DP207" => key_used_outside_its_validity_window,
    dp208_signature_bad: "DP208" => statement_edited_without_signing,
    dp209_signature_namespace: "DP209" => statement_signed_for_the_git_namespace,
    dp210_signature_malformed: "DP210" => truncated_signature,
    dp211_signature_line_endings: "DP211" => statement_with_crlf_line_endings,
    dp212_signature_role: "DP212" => role_edited_and_resigned,
    dp213_signature_missing: "DP213" => a_party_has_not_signed,
    dp214_signature_unexpected_file: "DP214" => stray_file_in_a_version_directory,
    dp215_signature_duplicate: "DP215" => same_key_for_two_parties,
    dp216_trust_store_entry: "DP216" => corrupt_trust_store_entry,
    dp217_signature_chain: "DP217" => broken_hash_chain,
    dp218_trust_store_stray: "DP218" => stray_file_in_keys,
    dp219_signature_from_the_future: "DP219" => statement_dated_after_today,
    dp220_private_key_in_workspace: "DP220" => private_key_left_in_the_workspace,
    dp221_review_invalid: "DP221" => review_statement_edited_without_signing,
    dp222_review_incomplete: "DP222" => review_awaiting_a_party_under_policy_all,
    dp223_acceptance_invalid: "DP223" => acceptance_edited_to_name_another_version,
    dp224_acceptance_stale: "DP224" => agreement_changed_after_acceptance,
    dp226_membership_invalid: "DP226" => accession_edited_without_signing,
    dp227_membership_stale: "DP227" => agreement_changed_after_joining,
    dp301_review_due: "DP301" => review_within_the_notice_window,
    dp302_review_overdue: "DP302" => review_date_passed,
    dp303_review_overdue_past_grace: "DP303" => review_date_passed_beyond_grace,
    dp304_expiring: "DP304" => expiry_within_the_notice_window,
    dp305_expired: "DP305" => past_the_expiry_date,
    dp306_not_fully_signed: "DP306" => draft_with_require_signed,
    dp307_not_in_force: "DP307" => draft_past_its_effective_date,
    dp308_retrospective_approval: "DP308" => last_party_signed_after_the_effective_date,
    dp309_draft_past_review_date: "DP309" => draft_past_its_review_date,
    dp310_pending_version_past_effective_date: "DP310" => v2_past_its_effective_date_awaiting_a_party,
    dp401_history_rollback: "DP401" => v1_text_restored_in_a_new_commit,
    dp402_history_changed_after_signing: "DP402" => signed_text_changed_in_a_commit,
    dp403_history_skipped_version: "DP403" => version_raised_by_two,
    dp404_history_signatures_removed: "DP404" => signed_version_directory_deleted,
    dp405_history_chain_broken: "DP405" => forged_previous_sha256_committed,
    dp406_history_signature_invalid: "DP406" => tampered_statement_committed,
    dp407_history_trust_change: "DP407" => keys_enrolled_in_a_commit,
}

/// Codes that no input can make the binary report, with the code that reports the same threat
/// instead and why. A scenario still exists for each and fails once the code becomes reachable,
/// so this list cannot go stale.
const UNREACHABLE: &[(&str, &str, &str)] = &[(
    "DP215",
    "DP205",
    "a statement counts for a party only when the trust store attributes its key to that party \
     (src/signing/verify.rs `authenticate`), and a key enrolled for two parties is unusable \
     (DP216, `mark_duplicates`), so two parties can never hold valid signatures by one key and \
     the duplicate-key check in `verify_version` is never reached",
)];

/// The severity docs/rules.md gives `code` (the third column of its index row).
fn documented_severity(code: &str) -> String {
    let doc = std::fs::read_to_string(common::repo().join("docs/rules.md")).unwrap();
    let row = doc
        .lines()
        .find(|l| l.starts_with(&format!("| [`{code}`]")))
        .unwrap_or_else(|| panic!("{code} has no row in docs/rules.md"));
    row.split('|').nth(3).unwrap().trim().to_string()
}

/// Runs `scenario` and asserts that it reported `code` at the severity docs/rules.md documents
/// (which must be the catalogue's default) with the documented exit code: 1 for an error, 0
/// when there are only warnings.
fn assert_scenario(code: &str, scenario: Scenario) {
    let rule = rules::find(code).unwrap_or_else(|| panic!("{code} is not in the catalogue"));
    let severity = documented_severity(code);
    assert_eq!(
        rule.default_severity.as_str(),
        severity,
        "{code}: the catalogue's default severity is not the one docs/rules.md documents"
    );
    let out = scenario();
    if let Some((_, instead, why)) = UNREACHABLE.iter().find(|u| u.0 == code) {
        assert!(
            !out.has(code),
            "{code} is produced now: remove it from UNREACHABLE\n{out}"
        );
        assert!(
            out.has(instead) && out.exit == 1,
            "{code} cannot be produced ({why}), but the threat must still be refused as {instead}\n{out}"
        );
        return;
    }
    assert!(
        out.has(code),
        "the {code} scenario did not produce {code}: {out}"
    );
    assert!(
        out.findings
            .iter()
            .any(|(c, s)| c == code && *s == severity),
        "{code} is not reported as {severity}: {out}"
    );
    let exit = match rule.default_severity {
        Severity::Error => 1,
        Severity::Warning => 0,
    };
    assert_eq!(out.exit, exit, "{code} ({severity}): exit code\n{out}");
}

/// DP201: one byte of the signed agreement changed (the agreement stays valid).
fn agreement_changed_after_signing() -> Outcome {
    let s = Signed::new();
    s.replace(
        &format!("agreements/{ID}.toml"),
        "within 5 working days",
        "within 9 working days",
    );
    check(&s.ws, TODAY, &[])
}

/// DP202: the ICB's statement and signature for a second agreement copied over its signature
/// of the first.
fn signature_copied_from_another_agreement() -> Outcome {
    let s = Signed::new();
    let other = "icb-ecc-second";
    s.ws.write(
        &format!("agreements/{other}.toml"),
        example(ID).replace(&format!("id = \"{ID}\""), &format!("id = \"{other}\"")),
    );
    s.ws.sign(other, ICB, &s.icb, &["--signed-at", T0]);
    let copied = format!("signatures/{other}/v1/{ICB}.toml");
    s.copy(&copied, &s.statement(1, ICB));
    s.copy(
        &format!("{copied}.sig"),
        &format!("{}.sig", s.statement(1, ICB)),
    );
    check(&s.ws, TODAY, &[ID])
}

/// DP203: the version raised to 2 and the ICB's v1 statement and signature copied into v2.
fn v1_signature_presented_for_v2() -> Outcome {
    let s = Signed::new();
    set_version(&s.ws.root().join(format!("agreements/{ID}.toml")), 2);
    s.copy(&s.statement(1, ICB), &s.statement(2, ICB));
    s.copy(
        &format!("{}.sig", s.statement(1, ICB)),
        &format!("{}.sig", s.statement(2, ICB)),
    );
    check(&s.ws, TODAY, &[])
}

/// DP204: the ICB's key removed from the trust store.
fn key_removed_from_the_trust_store() -> Outcome {
    let s = Signed::new();
    s.ws.write(&Signed::trust_file(ICB), "");
    check(&s.ws, TODAY, &[])
}

/// DP205: the ICB's key moved to the council's trust store file.
fn key_moved_to_another_party() -> Outcome {
    let s = Signed::new();
    let entry = s.trust_entry(ICB);
    let ecc = s.read(&Signed::trust_file(ECC));
    s.ws.write(&Signed::trust_file(ECC), format!("{ecc}\n{entry}"));
    s.ws.write(&Signed::trust_file(ICB), "");
    check(&s.ws, TODAY, &[])
}

/// DP206: the ICB's key revoked (`keys revoke`) a month after it signed.
fn key_revoked_after_signing() -> Outcome {
    let s = Signed::new();
    let list = run_json(&s.ws, &["keys", "list", "--format", "json"]);
    let key_id = list.json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["party"] == ICB)
        .and_then(|k| k["key_id"].as_str())
        .unwrap()
        .to_string();
    let (code, _, err) = s.ws.run(&[
        "--today",
        TODAY,
        "keys",
        "revoke",
        &key_id,
        "--reason",
        "laptop lost",
        "--date",
        "2026-05-01",
    ]);
    assert_eq!(code, 0, "{err}");
    check(&s.ws, TODAY, &[])
}

/// DP207: a key generated valid for 2026, used on 2026-04-01, then its window edited in the
/// trust store to end before that day.
fn key_used_outside_its_validity_window() -> Outcome {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let out = ws.keys_generate(
        ICB,
        "priya@nhs.net",
        &[
            "--no-passphrase",
            "--valid-from",
            "2026-01-01",
            "--valid-until",
            "2026-12-31",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let icb = ws.key_file(ICB);
    let ecc = ws.generate_key(ECC, "mark@essex.gov.uk");
    let s = Signed { ws, icb, ecc };
    s.sign(ICB);
    s.sign(ECC);
    s.replace(
        &Signed::trust_file(ICB),
        "valid_until = 2026-12-31",
        "valid_until = 2026-03-01",
    );
    check(&s.ws, TODAY, &[])
}

/// DP208: a comment added to the ICB's statement after it was signed.
fn statement_edited_without_signing() -> Outcome {
    let s = Signed::new();
    let rel = s.statement(1, ICB);
    let text = s.read(&rel);
    s.ws.write(&rel, format!("{text}# edited\n"));
    check(&s.ws, TODAY, &[])
}

/// DP209: the ICB's statement signed with its own key for git's namespace, not datapact's.
fn statement_signed_for_the_git_namespace() -> Outcome {
    let s = Signed::new();
    let rel = s.statement(1, ICB);
    s.resign(&rel, ICB, "git", &s.read(&rel));
    check(&s.ws, TODAY, &[])
}

/// DP210: the ICB's signature file cut in half.
fn truncated_signature() -> Outcome {
    let s = Signed::new();
    let rel = format!("{}.sig", s.statement(1, ICB));
    let sig = std::fs::read(s.path(&rel)).unwrap();
    s.ws.write(&rel, &sig[..sig.len() / 2]);
    check(&s.ws, TODAY, &[])
}

/// DP211: the council's statement converted to CRLF line endings (as git's autocrlf would).
fn statement_with_crlf_line_endings() -> Outcome {
    let s = Signed::new();
    let rel = s.statement(1, ECC);
    s.ws.write(&rel, s.read(&rel).replace('\n', "\r\n"));
    check(&s.ws, TODAY, &[])
}

/// DP212: the ICB's statement edited to sign as senior officer (its key is enrolled as DPO
/// only) and signed again with the ICB's own key.
fn role_edited_and_resigned() -> Outcome {
    let s = Signed::new();
    let rel = s.statement(1, ICB);
    let text = s.read(&rel);
    assert!(text.contains("role = \"dpo\""), "{text}");
    let edited = text.replace("role = \"dpo\"", "role = \"senior-officer\"");
    s.resign(&rel, ICB, NAMESPACE, &edited);
    check(&s.ws, TODAY, &[])
}

/// DP213: only the ICB has signed (`verify`: `check` leaves DP213 out).
fn a_party_has_not_signed() -> Outcome {
    let s = Signed::unsigned();
    s.sign(ICB);
    verify(&s.ws)
}

/// DP214: a stray file in the directory of v1.
fn stray_file_in_a_version_directory() -> Outcome {
    let s = Signed::new();
    s.ws.write(&format!("signatures/{ID}/v1/notes.txt"), "x");
    check(&s.ws, TODAY, &[])
}

/// DP215 (unreachable, see UNREACHABLE): the ICB's statement and signature copied under the
/// council's name, with the ICB's key also enrolled for the council. Refused as DP205.
fn same_key_for_two_parties() -> Outcome {
    let s = Signed::new();
    let (from, to) = (s.statement(1, ICB), s.statement(1, ECC));
    s.copy(&from, &to);
    s.copy(&format!("{from}.sig"), &format!("{to}.sig"));
    let entry = s.trust_entry(ICB);
    let ecc = s.read(&Signed::trust_file(ECC));
    s.ws.write(&Signed::trust_file(ECC), format!("{ecc}\n{entry}"));
    check(&s.ws, TODAY, &[])
}

/// DP216: the ICB's trust store entry's public key cut short.
fn corrupt_trust_store_entry() -> Outcome {
    let s = Signed::new();
    s.replace(
        &Signed::trust_file(ICB),
        "public_key = \"ssh-ed25519 AAAA",
        "public_key = \"ssh-ed25519 AAAA\"\n# ",
    );
    check(&s.ws, TODAY, &[])
}

/// DP217: v2 signed by both, then the council's v2 statement re-signed without its
/// `previous_sha256` line.
fn broken_hash_chain() -> Outcome {
    let s = Signed::new();
    set_version(&s.ws.root().join(format!("agreements/{ID}.toml")), 2);
    s.sign(ICB);
    s.sign(ECC);
    let rel = s.statement(2, ECC);
    let text = s.read(&rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("previous_sha256 = "))
        .expect("v2 names v1's digest")
        .to_string();
    s.resign(
        &rel,
        ECC,
        NAMESPACE,
        &text.replace(&format!("{line}\n"), ""),
    );
    check(&s.ws, TODAY, &[])
}

/// DP218: a notes file in keys/.
fn stray_file_in_keys() -> Outcome {
    let s = Signed::new();
    s.ws.write("keys/notes.txt", "hello");
    check(&s.ws, TODAY, &[])
}

/// DP219: the ICB's statement re-signed by its own key claiming a signing time in 2099.
fn statement_dated_after_today() -> Outcome {
    let s = Signed::new();
    let rel = s.statement(1, ICB);
    let text = s.read(&rel);
    assert!(text.contains(T0), "{text}");
    s.resign(
        &rel,
        ICB,
        NAMESPACE,
        &text.replace(T0, "2099-01-01T10:00:00Z"),
    );
    check(&s.ws, TODAY, &[])
}

/// DP220: a copy of the ICB's private key left in the workspace (a git repository), where
/// `git add` would commit it.
fn private_key_left_in_the_workspace() -> Outcome {
    let s = Signed::new();
    s.ws.write("handover/id_ed25519", std::fs::read(&s.icb).unwrap());
    check(&s.ws, TODAY, &[])
}

/// `party` records a review of the example's v1 on TODAY (`datapact review`), the next review
/// a year later.
fn review(s: &Signed, party: &str) {
    let signed_at = format!("{TODAY}T10:00:00Z");
    let key = s.key(party).to_str().unwrap().to_string();
    let args = [
        "--today",
        TODAY,
        "review",
        ID,
        "--party",
        party,
        "--key",
        &key,
        "--outcome",
        "No changes",
        "--next-review",
        "2027-11-25",
        "--signed-at",
        &signed_at,
    ];
    let out = s.ws.output(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// DP221: the ICB's review statement edited after it was signed.
fn review_statement_edited_without_signing() -> Outcome {
    let s = Signed::new();
    review(&s, ICB);
    let rel = format!("signatures/{ID}/v1/reviews/{TODAY}/{ICB}.toml");
    s.replace(&rel, "No changes", "No changes at all");
    check(&s.ws, TODAY, &[])
}

/// DP222: under `[reviews] signers = "all"`, a review the ICB signed and the council has not.
fn review_awaiting_a_party_under_policy_all() -> Outcome {
    let s = Signed::new();
    s.replace("datapact.toml", "signers = \"lead\"", "signers = \"all\"");
    review(&s, ICB);
    check(&s.ws, TODAY, &[])
}

/// `datapact accept ID --party ECC ...` on TODAY; it must succeed.
fn accept_ecc(s: &Signed) {
    let out = s.ws.output(&[
        "--today",
        TODAY,
        "accept",
        ID,
        "--party",
        ECC,
        "--method",
        "email",
        "--on",
        "2026-11-01",
        "--by",
        "Mark Osei, DPO",
        "--evidence",
        "e-mail ref ECC-1",
        "--recorded-by",
        "Priya Shah",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// DP223: an acceptance edited to name another version than the one it is filed under.
fn acceptance_edited_to_name_another_version() -> Outcome {
    let s = Signed::unsigned();
    accept_ecc(&s);
    let rel = format!("signatures/{ID}/v1/acceptances/{ECC}.toml");
    s.replace(&rel, "version = 1", "version = 2");
    check(&s.ws, TODAY, &[])
}

/// DP224: the agreement changed after the council accepted it.
fn agreement_changed_after_acceptance() -> Outcome {
    let s = Signed::unsigned();
    accept_ecc(&s);
    let rel = format!("agreements/{ID}.toml");
    s.replace(&rel, "Essex County Council", "Essex County Council ");
    check(&s.ws, TODAY, &[])
}

/// DP226: a member's accession edited after it was signed.
fn accession_edited_without_signing() -> Outcome {
    let (ws, rel) = crate::membership_cli::joined_workspace();
    let path = ws.root().join(&rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Housing One", "Housing 1")).unwrap();
    verify(&ws)
}

/// DP227: the agreement changed after a member joined it (the named party's signature is
/// stale too, DP201).
fn agreement_changed_after_joining() -> Outcome {
    let (ws, _) = crate::membership_cli::joined_workspace();
    let path = ws.root().join(format!("agreements/{ID}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("Registered providers", "Registered  providers", 1),
    )
    .unwrap();
    verify(&ws)
}

/// DP301: 30 days before DATED's review date.
fn review_within_the_notice_window() -> Outcome {
    check(&dated_workspace(), &day(dated_review(), -30), &[DATED])
}

/// DP302: 30 days after DATED's review date.
fn review_date_passed() -> Outcome {
    check(&dated_workspace(), &day(dated_review(), 30), &[DATED])
}

/// DP303: 120 days after DATED's review date.
fn review_date_passed_beyond_grace() -> Outcome {
    check(&dated_workspace(), &day(dated_review(), 120), &[DATED])
}

/// DP304: 30 days before TERM_END's expiry date.
fn expiry_within_the_notice_window() -> Outcome {
    check(&dated_workspace(), &day(term_end(), -30), &[TERM_END])
}

/// DP305: the day after TERM_END's expiry date.
fn past_the_expiry_date() -> Outcome {
    check(&dated_workspace(), &day(term_end(), 1), &[TERM_END])
}

/// DP306: a draft (signed by one party of two), checked with --require-signed.
fn draft_with_require_signed() -> Outcome {
    check(&dated_workspace(), TODAY, &[DRAFT, "--require-signed"])
}

/// DP307: a draft (signed by one party of two) on a day after its effective date.
fn draft_past_its_effective_date() -> Outcome {
    check(&dated_workspace(), TODAY, &[DRAFT])
}

/// DP308: the council signed the example (effective 2026-04-01) nineteen days after its
/// effective date.
fn last_party_signed_after_the_effective_date() -> Outcome {
    let s = Signed::unsigned();
    s.sign(ICB);
    s.ws.sign(
        ID,
        ECC,
        s.key(ECC),
        &["--signed-at", "2026-04-20T10:00:00Z"],
    );
    check(&s.ws, TODAY, &[])
}

/// DP309 (with DP307): a draft (signed by one party of two) 30 days after its review date.
fn draft_past_its_review_date() -> Outcome {
    check(&dated_workspace(), &day(dated_review(), 30), &[DRAFT])
}

/// DP310: v1 in force, v2 (whose effective date is v1's, long past) signed by the ICB only.
fn v2_past_its_effective_date_awaiting_a_party() -> Outcome {
    let s = Story::signed_v1();
    s.amend(2);
    s.commit("Amend (v2)");
    s.sign(ICB);
    s.commit("ICB signs v2");
    check(&s.ws, TODAY, &[])
}

// History scenarios (`check --history`), on histories built by tests/cli/history_cli.rs.

/// DP401: v2 signed, then the v1 text restored in a new commit.
fn v1_text_restored_in_a_new_commit() -> Outcome {
    let s = Story::signed_v2();
    s.ws.write(&s.agreement(), example(ID));
    s.commit("Restore old text");
    check(&s.ws, TODAY, &["--history"])
}

/// DP402: v1 signed by both, then its text changed in a commit without a new version.
fn signed_text_changed_in_a_commit() -> Outcome {
    let s = Story::signed_v1();
    s.replace(
        &s.agreement(),
        "within 5 working days",
        "within 9 working days",
    );
    s.commit("Small wording fix");
    check(&s.ws, TODAY, &["--history"])
}

/// DP403: v1 signed, then amended straight to v3.
fn version_raised_by_two() -> Outcome {
    let s = Story::signed_v1();
    s.amend(3);
    s.commit("Amend to v3");
    check(&s.ws, TODAY, &["--history"])
}

/// DP404: v2 signed by both, then `signatures/<id>/v2` deleted in a commit.
fn signed_version_directory_deleted() -> Outcome {
    let s = Story::signed_v2();
    std::fs::remove_dir_all(s.ws.root().join(format!("signatures/{ID}/v2"))).unwrap();
    s.commit("Tidy up signatures");
    check(&s.ws, TODAY, &["--history"])
}

/// DP405: the council's v2 statement committed with a forged `previous_sha256`, signed with
/// its own key.
fn forged_previous_sha256_committed() -> Outcome {
    let (s, _) = history_cli::forged_chain();
    check(&s.ws, TODAY, &["--history"])
}

/// DP406: the ICB's v1 statement edited and committed without signing it again.
fn tampered_statement_committed() -> Outcome {
    let (s, _) = history_cli::tampered_statement();
    check(&s.ws, TODAY, &["--history"])
}

/// DP407: the parties' keys enrolled in a commit (an unsigned draft otherwise).
fn keys_enrolled_in_a_commit() -> Outcome {
    let s = Story::new();
    check(&s.ws, TODAY, &["--history"])
}

// ---------------------------------------------------------------------------------------------
// The meta-test
// ---------------------------------------------------------------------------------------------

/// DP001-DP004 need bytes a text fixture cannot hold; tests/cli/validate_cli.rs generates them
/// (`generated_fixtures`).
const GENERATED: &[&str] = &["DP001", "DP002", "DP003", "DP004"];

#[test]
fn every_rule_code_is_produced_through_the_binary() {
    let fixtures: Vec<String> = common::dir_names(&common::repo().join("tests/fixtures/invalid"));
    let validate_cli =
        std::fs::read_to_string(common::repo().join("tests/cli/validate_cli.rs")).unwrap();
    let generated = &validate_cli[validate_cli
        .find("fn generated_fixtures")
        .expect("tests/cli/validate_cli.rs generates fixtures")..];
    let stray_cli = std::fs::read_to_string(common::repo().join("tests/cli/stray_cli.rs")).unwrap();
    let mut missing = Vec::new();
    for rule in rules::all() {
        let code = rule.code;
        match rule.family {
            Family::File | Family::Structure | Family::Content => {
                let fixture = fixtures.iter().any(|n| n.starts_with(&format!("{code}-")));
                let is_generated =
                    GENERATED.contains(&code) && generated.contains(&format!("(\"{code}\","));
                // The workspace rules concern no one file: tests/cli/stray_cli.rs produces them.
                let of_workspace = rules::workspace::RULES.iter().any(|r| r.code == code)
                    && stray_cli.contains(&format!("\"{code}\""));
                if !fixture && !is_generated && !of_workspace {
                    missing.push(format!(
                        "{code} ({}): no fixture tests/fixtures/invalid/{code}-*.patch.toml",
                        rule.name
                    ));
                }
            }
            Family::Signatures | Family::Expiry | Family::History => {
                if !SCENARIOS.iter().any(|(c, _)| *c == code) {
                    missing.push(format!(
                        "{code} ({}): no scenario in SCENARIOS (tests/cli/rule_coverage.rs)",
                        rule.name
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rule codes no test produces through the binary:\n{}",
        missing.join("\n")
    );
    // The other way round: every scenario, fixture and exemption names a code of the catalogue,
    // of a family it can cover, once.
    let mut seen = BTreeSet::new();
    for (code, _) in SCENARIOS {
        let rule = rules::find(code).unwrap_or_else(|| panic!("scenario for unknown {code}"));
        assert!(
            matches!(
                rule.family,
                Family::Signatures | Family::Expiry | Family::History
            ),
            "{code}: scenarios are for signature, expiry and history codes"
        );
        assert!(seen.insert(*code), "two scenarios for {code}");
    }
    for name in &fixtures {
        let code = name.split('-').next().unwrap();
        assert!(rules::find(code).is_some(), "fixture {name} names no rule");
    }
    for (code, instead, _) in UNREACHABLE {
        assert!(seen.contains(code), "{code} is exempt but has no scenario");
        assert!(rules::find(instead).is_some(), "{instead} is not a rule");
    }
}

// ---------------------------------------------------------------------------------------------
// Expiry boundaries, both sides of each, through the binary
// ---------------------------------------------------------------------------------------------

/// `check ID --today DAY --format json EXTRA...`.
fn check_one(ws: &TempWorkspace, id: &str, today: &str, extra: &[&str]) -> Outcome {
    let mut args = vec![id];
    args.extend_from_slice(extra);
    check(ws, today, &args)
}

/// Asserts `check ID --today DAY EXTRA...` reports exactly `want` (code, severity) and exits
/// `exit`.
fn assert_check_with(
    ws: &TempWorkspace,
    id: &str,
    today: &str,
    extra: &[&str],
    want: &[(&str, &str)],
    exit: i32,
) -> Outcome {
    let out = check_one(ws, id, today, extra);
    let got: Vec<(&str, &str)> = out
        .findings
        .iter()
        .map(|(c, s)| (c.as_str(), s.as_str()))
        .collect();
    assert_eq!(got, want, "{id} on {today} {extra:?}: {out}");
    assert_eq!(
        out.exit, exit,
        "{id} on {today} {extra:?}: exit code\n{out}"
    );
    out
}

/// Asserts `check ID --today DAY` reports exactly `want` (code, severity) and exits `exit`.
fn assert_check(ws: &TempWorkspace, id: &str, today: &str, want: &[(&str, &str)], exit: i32) {
    assert_check_with(ws, id, today, &[], want, exit);
}

const W: &str = "warning";
const E: &str = "error";

#[test]
fn review_due_starts_review_notice_days_before_the_review_date() {
    let ws = dated_workspace();
    let r = dated_review();
    assert_check(&ws, DATED, &day(r, -REVIEW_NOTICE_DAYS - 1), &[], 0);
    assert_check(&ws, DATED, &day(r, -REVIEW_NOTICE_DAYS), &[("DP301", W)], 0);
    // The review date itself is the last day the review is merely due.
    assert_check(&ws, DATED, &day(r, 0), &[("DP301", W)], 0);
}

#[test]
fn review_overdue_starts_the_day_after_the_review_date() {
    let ws = dated_workspace();
    let r = dated_review();
    assert_check(&ws, DATED, &day(r, 0), &[("DP301", W)], 0);
    assert_check(&ws, DATED, &day(r, 1), &[("DP302", W)], 0);
    // Only a warning: --fail-on warning makes it fail.
    let out = check_one(&ws, DATED, &day(r, 1), &["--fail-on", "warning"]);
    assert_eq!(out.exit, 1, "{out}");
}

#[test]
fn review_overdue_past_grace_is_an_error_after_review_grace_days() {
    let ws = dated_workspace();
    let r = dated_review();
    assert_check(&ws, DATED, &day(r, REVIEW_GRACE_DAYS), &[("DP302", W)], 0);
    assert_check(
        &ws,
        DATED,
        &day(r, REVIEW_GRACE_DAYS + 1),
        &[("DP303", E)],
        1,
    );
}

#[test]
fn expiring_starts_expiry_notice_days_before_the_expiry_date() {
    let ws = dated_workspace();
    // Review on the expiry date: the expiry notice alone.
    let x = term_end();
    assert_check(&ws, TERM_END, &day(x, -EXPIRY_NOTICE_DAYS - 1), &[], 0);
    assert_check(
        &ws,
        TERM_END,
        &day(x, -EXPIRY_NOTICE_DAYS),
        &[("DP304", W)],
        0,
    );
    // While the review is overdue past grace, the expiry notice is reported as well (lifecycle
    // `findings`: an overdue review must not hide that the agreement is about to end).
    let x = dated_expires();
    assert_check(
        &ws,
        DATED,
        &day(x, -EXPIRY_NOTICE_DAYS - 1),
        &[("DP303", E)],
        1,
    );
    assert_check(
        &ws,
        DATED,
        &day(x, -EXPIRY_NOTICE_DAYS),
        &[("DP303", E), ("DP304", W)],
        1,
    );
    assert_check(&ws, DATED, &day(x, 0), &[("DP303", E), ("DP304", W)], 1);
}

#[test]
fn expired_is_an_error_from_the_day_after_the_expiry_date() {
    let ws = dated_workspace();
    let x = term_end();
    // The expiry date is the last day in force.
    assert_check(&ws, TERM_END, &day(x, 0), &[("DP304", W)], 0);
    assert_check(&ws, TERM_END, &day(x, 1), &[("DP305", E)], 1);
    // An expired agreement with an overdue review: only DP305.
    assert_check(&ws, DATED, &day(dated_expires(), 1), &[("DP305", E)], 1);
    // A draft past its effective date has nothing in force: a warning (DP307), joined by DP309
    // from the day after its own review date, until it expires (DP305 alone).
    assert_check(&ws, DRAFT, &day(effective(), -1), &[], 0);
    assert_check(&ws, DRAFT, &day(effective(), 0), &[("DP307", W)], 0);
    assert_check(&ws, DRAFT, &day(dated_review(), 0), &[("DP307", W)], 0);
    assert_check(
        &ws,
        DRAFT,
        &day(dated_review(), 30),
        &[("DP307", W), ("DP309", W)],
        0,
    );
    assert_check(
        &ws,
        DRAFT,
        &day(dated_expires(), 0),
        &[("DP307", W), ("DP309", W)],
        0,
    );
    assert_check(&ws, DRAFT, &day(dated_expires(), 1), &[("DP305", E)], 1);
}

#[test]
fn not_fully_signed_only_with_require_signed() {
    let ws = dated_workspace();
    let out = assert_check_with(&ws, DRAFT, TODAY, &["--require-signed"], &[("DP306", E)], 1);
    assert!(
        out.json
            .to_string()
            .contains("missing essex-county-council"),
        "{out}"
    );
    // The hint is the command to run, with the agreement's id and the missing party (only the
    // key file is left for the signer to name).
    assert!(
        out.json.to_string().contains(
            "essex-county-council signs with `datapact sign draft-sharing --party essex-county-council --key KEYFILE`"
        ),
        "{out}"
    );
    // Without it, a draft past its effective date is a warning (DP307).
    assert_check(&ws, DRAFT, TODAY, &[("DP307", W)], 0);
    // A fully signed agreement passes --require-signed.
    assert_check_with(&ws, DATED, TODAY, &["--require-signed"], &[], 0);
}

#[test]
fn status_names_the_state_on_each_side_of_each_boundary() {
    let ws = dated_workspace();
    let (r, x, t) = (dated_review(), dated_expires(), term_end());
    let cases = [
        (DATED, day(effective(), -1), "signed-not-yet-effective"),
        (DATED, day(effective(), 0), "active"),
        (DATED, day(r, -REVIEW_NOTICE_DAYS - 1), "active"),
        (DATED, day(r, -REVIEW_NOTICE_DAYS), "review-due"),
        (DATED, day(r, 0), "review-due"),
        (DATED, day(r, 1), "review-overdue"),
        (DATED, day(r, REVIEW_GRACE_DAYS + 1), "review-overdue"),
        (DATED, day(x, 0), "review-overdue"),
        (DATED, day(x, 1), "expired"),
        (TERM_END, day(t, -EXPIRY_NOTICE_DAYS - 1), "active"),
        (TERM_END, day(t, -EXPIRY_NOTICE_DAYS), "expiring"),
        (TERM_END, day(t, 0), "expiring"),
        (TERM_END, day(t, 1), "expired"),
        (DRAFT, TODAY.to_string(), "draft"),
        (DRAFT, day(x, 1), "expired"),
    ];
    for (id, today, want) in cases {
        let out = run_json(&ws, &["--today", &today, "status", id, "--format", "json"]);
        let rows = out.json["agreements"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{out}");
        assert_eq!(rows[0]["id"], id, "{out}");
        assert_eq!(rows[0]["state"], want, "{id} on {today}: {out}");
    }
}
