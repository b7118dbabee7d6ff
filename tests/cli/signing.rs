//! Integration tests for keys, sign and verify, run through the real binary. One test per row of
//! docs/signing.md's threat table (the rollback row belongs to history verification, a later
//! issue), a three-party round trip, the hash chain across versions, malformed files and stray
//! entries, secrecy of private keys, and OpenSSH interoperability, including docs/signing.md's
//! example run as written (these fail when ssh-keygen is not on PATH, unless
//! `DATAPACT_SKIP_OPENSSH_TESTS=1` skips them knowingly).

use crate::common;
use crate::common::{ECC, ICB, ID, NO_AGREEMENTS_OFF, T0};

use assert_cmd::assert::{Assert, OutputAssertExt};
use common::{TempWorkspace, example, finding_codes, set_version, text};
use predicates::prelude::PredicateBooleanExt;
use std::path::{Path, PathBuf};

/// A fresh workspace (`datapact init`, a git repository with a committer) with the example
/// agreement; keys are written to its private directory, outside any git repository.
struct Fixture {
    ws: TempWorkspace,
}

impl Fixture {
    /// The workspace with the example agreement and git's user name and email set.
    fn new() -> Fixture {
        let ws = TempWorkspace::init();
        ws.write(&format!("agreements/{ID}.toml"), example(ID));
        ws.set_committer();
        Fixture { ws }
    }

    /// `datapact ARGS...`, for assert_cmd's assertions.
    fn run(&self, args: &[&str]) -> Assert {
        self.ws.output(args).assert()
    }

    /// The example agreement's file.
    fn agreement(&self) -> PathBuf {
        self.ws.root().join("agreements").join(format!("{ID}.toml"))
    }

    /// Generates an unencrypted key for `party` and enrols it.
    fn generate(&self, party: &str, principal: &str) -> PathBuf {
        self.ws.generate_key_to(party, principal, principal)
    }

    /// `keys generate` for the ICB as p@nhs.net (dpo) with EXTRA arguments, to `key`.
    fn generate_icb_key(&self, key: &Path, extra: &[&str]) -> Assert {
        let mut args = extra.to_vec();
        args.extend_from_slice(&["--out", key.to_str().unwrap()]);
        self.ws.keys_generate(ICB, "p@nhs.net", &args).assert()
    }

    /// Signs the example agreement for `party` with `key` at the time `at`.
    fn sign_at(&self, party: &str, key: &Path, at: &str) -> Assert {
        self.ws
            .sign_output(ID, party, key, &["--signed-at", at])
            .assert()
    }

    /// Signs the example agreement for `party` at T0; it must succeed.
    fn sign(&self, party: &str, key: &Path) {
        self.sign_at(party, key, T0).success();
    }

    /// A fresh fixture with a key made by ssh-keygen (comment `comment`) enrolled for the ICB,
    /// and that key's path; None when the OpenSSH tests are skipped ([`ssh_keygen_available`]).
    fn with_ssh_keygen_key(comment: &str) -> Option<(Fixture, PathBuf)> {
        if !ssh_keygen_available() {
            return None;
        }
        let f = Fixture::new();
        let key = f.ws.key_path("id_ed25519");
        let made = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
            .arg(&key)
            .status()
            .unwrap();
        assert!(made.success());
        let public = format!("{}.pub", key.display());
        f.add_icb_key("priya@nhs.net", &["--role", "dpo", &public])
            .success();
        Some((f, key))
    }

    /// `keys add --party <ICB> --principal PRINCIPAL ARGS...`.
    fn add_icb_key(&self, principal: &str, args: &[&str]) -> Assert {
        let mut all = vec!["keys", "add", "--party", ICB, "--principal", principal];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// The statement `party` signed for `version`.
    fn statement(&self, version: u32, party: &str) -> PathBuf {
        self.ws
            .root()
            .join(format!("signatures/{ID}/v{version}/{party}.toml"))
    }

    /// The signature over `statement(version, party)`.
    fn sig(&self, version: u32, party: &str) -> PathBuf {
        self.ws
            .root()
            .join(format!("signatures/{ID}/v{version}/{party}.toml.sig"))
    }

    /// Both parties enrolled and signed.
    fn both_signed() -> (Fixture, PathBuf, PathBuf) {
        let f = Fixture::new();
        let a = f.generate(ICB, "priya@nhs.net");
        let b = f.generate(ECC, "mark@essex.gov.uk");
        f.sign(ICB, &a);
        f.sign(ECC, &b);
        (f, a, b)
    }

    /// The key id of the (first) key enrolled for `party`, from `keys list --format json`.
    fn key_id(&self, party: &str) -> String {
        let out = self.ws.output(&["keys", "list", "--format", "json"]);
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let keys = list["keys"].as_array().unwrap();
        let key = keys.iter().find(|k| k["party"] == party).unwrap();
        key["key_id"].as_str().unwrap().to_string()
    }

    /// `verify --format json`, which must exit 0 or 1: the exit code and the report.
    fn verify_json(&self) -> (i32, serde_json::Value) {
        let out = self.ws.output(&["verify", "--format", "json"]);
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 1,
            "verify exited {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (code, serde_json::from_slice(&out.stdout).unwrap())
    }

    /// `verify`: the exit code and stdout followed by stderr.
    fn verify_text(&self) -> (i32, String) {
        let out = self.ws.output(&["verify"]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    }

    /// Verifies and expects exit 1 with the given finding codes for the first parties.
    fn assert_rejected(&self, codes: &[&str]) {
        let (code, json) = self.verify_json();
        assert_eq!(code, 1);
        let statuses = statuses(&json);
        let got: Vec<&str> = statuses.iter().map(|s| s.2.as_str()).collect();
        assert_eq!(&got[..codes.len()], codes, "{json}");
        // Each rejection is also a finding that names its party (verify shows its hint on
        // that party's line by this, not by comparing messages).
        let findings = json["agreements"][0]["findings"].as_array().unwrap();
        for (party, _, code) in &statuses[..codes.len()] {
            assert!(
                findings
                    .iter()
                    .any(|f| f["party"] == party.as_str() && f["code"] == code.as_str()),
                "no {code} finding names {party}: {json}"
            );
        }
    }
}

/// Each party of the first agreement in a verify report: (party, status, finding code).
fn statuses(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["agreements"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["party"].as_str().unwrap().to_string(),
                p["status"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Replaces the first `from` in the file with `to`; `from` must be there.
fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Whether to run an OpenSSH interoperability test: true when ssh-keygen runs. Without it the
/// test fails (it must not pass silently), unless `DATAPACT_SKIP_OPENSSH_TESTS=1` says to skip
/// it, which prints a note.
pub(crate) fn ssh_keygen_available() -> bool {
    openssh_available(&["ssh-keygen"])
}

/// Whether to run an OpenSSH interoperability test that needs each of `tools` (ssh-keygen,
/// ssh-agent, ssh-add: OpenSSH's client has them all), as [`ssh_keygen_available`] decides.
pub(crate) fn openssh_available(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| {
            std::process::Command::new(tool)
                .arg("-?")
                .stdin(std::process::Stdio::null())
                .output()
                .is_err()
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("DATAPACT_SKIP_OPENSSH_TESTS").is_ok_and(|v| v == "1"),
        "{} not on PATH, so the OpenSSH interoperability tests cannot run: install \
         OpenSSH's client (Debian: apt-get install openssh-client), or set \
         DATAPACT_SKIP_OPENSSH_TESTS=1 to skip them knowingly",
        missing.join(", ")
    );
    eprintln!("note: DATAPACT_SKIP_OPENSSH_TESTS=1: skipping this OpenSSH interoperability test");
    false
}

#[test]
fn three_parties_all_sign_and_verify_says_fully_signed() {
    let f = Fixture::new();
    // Add a third party to the agreement (a copy of the council with another id).
    let text = std::fs::read_to_string(f.agreement()).unwrap();
    let start = text
        .find("[[parties]]\nid = \"essex-county-council\"")
        .unwrap();
    let end = text[start..].find("\n\n").unwrap() + start;
    let third = text[start..end]
        .replace("essex-county-council", "southend-city-council")
        .replace("Essex County Council", "Southend City Council");
    let retention = "\n\n[[retention.rules]]\nparty = \"southend-city-council\"\nperiod = \"8 years\"\ndisposal = \"Deleted.\"";
    let mut new = format!("{}\n\n{third}{}", &text[..end], &text[end..]);
    let at = new.find("\n\n[onward_sharing]").unwrap();
    new.insert_str(at, retention);
    std::fs::write(f.agreement(), new).unwrap();
    f.run(&["validate"]).success();

    let keys: Vec<(&str, PathBuf)> = [
        (ICB, "a@nhs.net"),
        (ECC, "b@essex.gov.uk"),
        ("southend-city-council", "c@southend.gov.uk"),
    ]
    .iter()
    .map(|(party, who)| (*party, f.generate(party, who)))
    .collect();
    let (code, json) = f.verify_json();
    assert_eq!(
        (code, json["agreements"][0]["signature_state"].as_str()),
        (0, Some("unsigned"))
    );
    for (i, (party, key)) in keys.iter().enumerate() {
        f.sign(party, key);
        let (code, json) = f.verify_json();
        assert_eq!(code, 0);
        let expect = if i == 2 { "full" } else { "partial" };
        assert_eq!(json["agreements"][0]["signature_state"], expect, "{json}");
    }
    let (_, json) = f.verify_json();
    assert!(statuses(&json).iter().all(|(_, s, _)| s == "signed"));
    f.run(&["verify", "--require-complete"]).success();
}

#[test]
fn threat_one_byte_changed_makes_every_signature_stale() {
    let (f, _, _) = Fixture::both_signed();
    replace_in(&f.agreement(), "ongoing", "ongoinG");
    let (code, text) = f.verify_text();
    assert_eq!(code, 1);
    assert_eq!(text.matches("DP201").count(), 2, "{text}");
    assert!(text.contains("changed after signing"), "{text}");
}

/// Issue 16 item 16: an agreement signed by all whose text then changed was "unsigned" to
/// `verify` and `signatures-invalid` to `status`. Both now say its signatures are not valid, in
/// human output and in JSON.
#[test]
fn stale_signatures_are_not_valid_to_verify_and_status_alike() {
    let (f, _, _) = Fixture::both_signed();
    // A change that keeps the agreement valid: only the signatures are wrong.
    replace_in(
        &f.agreement(),
        "integrated adult social care",
        "joined-up adult social care",
    );

    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    let verified = &json["agreements"][0];
    assert_eq!(verified["signature_state"], "invalid", "{json}");
    assert_eq!(verified["state"], "signatures-invalid", "{json}");
    let (_, text) = f.verify_text();
    assert!(
        text.contains(&format!("{ID} v1: signatures not valid")),
        "{text}"
    );
    assert!(!text.contains("unsigned"), "{text}");

    let out = f.ws.output(&["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &status["agreements"][0];
    assert_eq!(row["state"], "signatures-invalid", "{status}");
    assert_eq!(row["state_label"], "Signatures not valid", "{status}");
    let out = f.ws.output(&["status"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("signatures-invalid"), "{table}");

    // Without any statement the agreement is still plainly unsigned.
    let fresh = Fixture::new();
    fresh.generate(ICB, "priya@nhs.net");
    let (_, json) = fresh.verify_json();
    assert_eq!(
        json["agreements"][0]["signature_state"], "unsigned",
        "{json}"
    );
}

#[test]
fn threat_signature_copied_from_another_agreement_is_rejected() {
    let (f, a, _) = Fixture::both_signed();
    // A second agreement, signed by the ICB; its signature is copied over the first one's.
    let other = f.ws.root().join("agreements/icb-ecc-second.toml");
    std::fs::write(
        &other,
        std::fs::read_to_string(f.agreement())
            .unwrap()
            .replace(&format!("id = \"{ID}\""), "id = \"icb-ecc-second\""),
    )
    .unwrap();
    f.ws.sign("icb-ecc-second", ICB, &a, &["--signed-at", T0]);
    let from = f.ws.root().join("signatures/icb-ecc-second/v1");
    std::fs::copy(from.join("nhs-essex-icb.toml"), f.statement(1, ICB)).unwrap();
    std::fs::copy(from.join("nhs-essex-icb.toml.sig"), f.sig(1, ICB)).unwrap();
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    assert_eq!(
        statuses(&json)[0],
        (ICB.into(), "invalid".into(), "DP202".into())
    );
}

#[test]
fn threat_signature_of_an_earlier_version_is_reported_as_such() {
    let (f, a, _) = Fixture::both_signed();
    set_version(&f.agreement(), 2);
    let (code, json) = f.verify_json();
    assert_eq!(code, 0, "old versions are history, not errors");
    assert_eq!(statuses(&json)[0].1, "missing");
    assert_eq!(
        json["agreements"][0]["parties"][0]["last_signed_version"],
        1
    );
    // Presenting the v1 signature as a v2 signature.
    std::fs::create_dir_all(f.statement(2, ICB).parent().unwrap()).unwrap();
    std::fs::copy(f.statement(1, ICB), f.statement(2, ICB)).unwrap();
    std::fs::copy(f.sig(1, ICB), f.sig(2, ICB)).unwrap();
    let (code, text) = f.verify_text();
    assert_eq!(code, 1);
    assert!(text.contains("signed an earlier version (v1)"), "{text}");
    assert!(text.contains("DP203"));
    // Signing v2 properly chains to v1's digest.
    std::fs::remove_file(f.statement(2, ICB)).unwrap();
    std::fs::remove_file(f.sig(2, ICB)).unwrap();
    let v1_digest = std::fs::read_to_string(f.statement(1, ICB)).unwrap();
    let v1_digest = v1_digest
        .lines()
        .find(|l| l.starts_with("agreement_sha256"))
        .unwrap()
        .split('"')
        .nth(1)
        .unwrap()
        .to_string();
    f.sign(ICB, &a);
    let v2 = std::fs::read_to_string(f.statement(2, ICB)).unwrap();
    assert!(
        v2.contains(&format!("previous_sha256 = \"{v1_digest}\"")),
        "{v2}"
    );
}

#[test]
fn threat_duplicate_signature_files_count_once() {
    let f = Fixture::new();
    let a = f.generate(ICB, "priya@nhs.net");
    f.generate(ECC, "mark@essex.gov.uk");
    f.sign(ICB, &a);
    // The ICB's signature copied under the council's name and under a stray name.
    std::fs::copy(f.statement(1, ICB), f.statement(1, ECC)).unwrap();
    std::fs::copy(f.sig(1, ICB), f.sig(1, ECC)).unwrap();
    std::fs::copy(f.statement(1, ICB), f.statement(1, "copy-of-icb")).unwrap();
    std::fs::copy(f.sig(1, ICB), f.sig(1, "copy-of-icb")).unwrap();
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    let s = statuses(&json);
    assert_eq!(s[0].1, "signed");
    assert_eq!((s[1].1.as_str(), s[1].2.as_str()), ("invalid", "DP205"));
    assert_eq!(json["agreements"][0]["signature_state"], "partial");
    let codes = finding_codes(&json["agreements"][0]["findings"]);
    assert!(codes.contains(&"DP214"), "{codes:?}");
}

#[test]
fn threat_other_namespaces_are_rejected() {
    let Some((f, key)) = Fixture::with_ssh_keygen_key("x") else {
        return;
    };
    f.sign(ICB, &key);
    for ns in ["git", "file"] {
        std::fs::remove_file(f.sig(1, ICB)).unwrap();
        let st = std::process::Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", ns, "-f"])
            .arg(&key)
            .arg(f.statement(1, ICB))
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        f.assert_rejected(&["DP209"]);
    }
}

#[test]
fn threat_unknown_key_and_key_of_another_party_are_rejected() {
    let (f, _, _) = Fixture::both_signed();
    let icb_keys = f.ws.root().join("keys/nhs-essex-icb.toml");
    let icb_entry = std::fs::read_to_string(&icb_keys).unwrap();
    // The ICB's key moved to the council's file: it now belongs to another party.
    let ecc_keys = f.ws.root().join("keys/essex-county-council.toml");
    let entry = &icb_entry[icb_entry.find("[[keys]]").unwrap()..];
    std::fs::write(
        &ecc_keys,
        format!("{}\n{entry}", std::fs::read_to_string(&ecc_keys).unwrap()),
    )
    .unwrap();
    std::fs::write(&icb_keys, "").unwrap();
    f.assert_rejected(&["DP205"]);
    // Removed altogether: unknown key.
    std::fs::write(&ecc_keys, "").unwrap();
    f.assert_rejected(&["DP204", "DP204"]);
}

#[test]
fn threat_revoked_key_is_rejected_whatever_the_signing_date() {
    let (f, a, _) = Fixture::both_signed();
    let key_id = f.key_id(ICB);
    // Revoked a month after the signature was made: the signature still stops counting.
    f.run(&[
        "keys",
        "revoke",
        &key_id,
        "--reason",
        "laptop lost",
        "--date",
        "2026-05-01",
    ])
    .success();
    f.assert_rejected(&["DP206"]);
    // People see the reason on the party's line and its hint right under it, once.
    let (code, text) = f.verify_text();
    assert_eq!(code, 1);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(&format!("INVALID {ICB}: ")) && l.contains("[DP206 "))
        .unwrap_or_else(|| panic!("no INVALID line for {ICB}:\n{text}"));
    assert_eq!(
        lines.get(at + 1).map(|l| l.trim()),
        Some(
            format!("hint: {ICB} signs v1 again with a valid key, replacing this statement: `datapact sign {ID} --party {ICB} --key KEYFILE --replace`").as_str()
        ),
        "{text}"
    );
    assert_eq!(
        text.matches("was revoked on 2026-05-01").count(),
        1,
        "{text}"
    );
    assert!(
        std::fs::read_to_string(f.ws.root().join("keys/nhs-essex-icb.toml"))
            .unwrap()
            .contains("# Trust store"),
        "comments kept"
    );
    // And the key can no longer sign.
    set_version(&f.agreement(), 2);
    f.sign_at(ICB, &a, T0)
        .code(1)
        .stderr(predicates::str::contains("revoked"));
    assert!(!f.statement(2, ICB).exists(), "nothing signed");
}

/// The identity point: a weak (small-order) Ed25519 public key.
fn weak_key_line() -> String {
    use base64::Engine;
    let mut blob = Vec::new();
    blob.extend_from_slice(&11u32.to_be_bytes());
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&32u32.to_be_bytes());
    let mut point = [0u8; 32];
    point[0] = 1;
    blob.extend_from_slice(&point);
    format!(
        "ssh-ed25519 {}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

#[test]
fn threat_weak_key_is_refused_at_enrolment_and_rejected_at_verification() {
    use ssh_key::{Algorithm, HashAlg, SshSig, public::Ed25519PublicKey, public::KeyData};
    let f = Fixture::new();
    let pubfile = f.ws.key_path("weak.pub");
    std::fs::write(&pubfile, format!("{} weak\n", weak_key_line())).unwrap();
    f.add_icb_key("x@nhs.net", &[pubfile.to_str().unwrap()])
        .code(2)
        .stderr(predicates::str::contains("weak (small-order)"));

    // Hand-edited into the trust store, with a forged statement: R = identity, s = 0 verifies
    // under non-strict verification for any message.
    let mut point = [0u8; 32];
    point[0] = 1;
    let key_data = KeyData::Ed25519(Ed25519PublicKey(point));
    let key_id = key_data.fingerprint(HashAlg::Sha256).to_string();
    std::fs::write(
        f.ws.root().join("keys/nhs-essex-icb.toml"),
        format!(
            "[[keys]]\nkey_id = \"{key_id}\"\npublic_key = \"{}\"\nprincipal = \"x@nhs.net\"\nroles = [\"dpo\"]\n",
            weak_key_line()
        ),
    )
    .unwrap();
    let digest = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(std::fs::read(f.agreement()).unwrap());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let statement = format!(
        "type = \"datapact-statement/1\"\nagreement = \"{ID}\"\nversion = 1\nagreement_sha256 = \"{digest}\"\nparty = \"{ICB}\"\nkey_id = \"{key_id}\"\nrole = \"dpo\"\nsigned_at = \"{T0}\"\n"
    );
    let mut sig = [0u8; 64];
    sig[0] = 1;
    let sshsig = SshSig::new(
        key_data,
        "datapact-agreement@datapact.dev",
        HashAlg::Sha512,
        ssh_key::Signature::new(Algorithm::Ed25519, sig.to_vec()).unwrap(),
    )
    .unwrap();
    std::fs::create_dir_all(f.statement(1, ICB).parent().unwrap()).unwrap();
    std::fs::write(f.statement(1, ICB), statement).unwrap();
    std::fs::write(
        f.sig(1, ICB),
        sshsig.to_pem(ssh_key::LineEnding::LF).unwrap(),
    )
    .unwrap();
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    assert_eq!(statuses(&json)[0].2, "DP208");
    assert_eq!(json["trust_store_findings"][0]["code"], "DP216");
}

#[test]
fn threat_malformed_truncated_and_huge_files_give_clear_errors() {
    let (f, _, _) = Fixture::both_signed();
    let stmt = std::fs::read(f.statement(1, ICB)).unwrap();
    let sig = std::fs::read(f.sig(1, ICB)).unwrap();
    let huge = vec![b'A'; 2 * 1024 * 1024];
    // Each damaged file, the finding it must give and words of the reason: the exit code alone
    // would pass for any error, including the wrong one.
    let stmt_name = "signatures/icb-ecc-adult-social-care/v1/nhs-essex-icb.toml";
    let sig_name = "signatures/icb-ecc-adult-social-care/v1/nhs-essex-icb.toml.sig";
    let cases: Vec<(PathBuf, Vec<u8>, &str, &str, &str)> = vec![
        (
            f.sig(1, ICB),
            sig[..sig.len() / 2].to_vec(),
            "DP210",
            sig_name,
            "not a valid SSH signature: cannot decode it",
        ),
        (
            f.sig(1, ICB),
            Vec::new(),
            "DP210",
            sig_name,
            "does not start with -----BEGIN SSH SIGNATURE-----",
        ),
        (
            f.sig(1, ICB),
            String::from_utf8_lossy(&sig)
                .replace("SSH SIGNATURE", "PGP SIGNATURE")
                .into_bytes(),
            "DP210",
            sig_name,
            "does not start with -----BEGIN SSH SIGNATURE-----",
        ),
        (
            f.sig(1, ICB),
            String::from_utf8_lossy(&sig)
                .replacen("U1NIU0lH", "U1NIU0lI", 1)
                .into_bytes(),
            "DP210",
            sig_name,
            "not a valid SSH signature: cannot decode it",
        ),
        (
            f.sig(1, ICB),
            huge.clone(),
            "DP210",
            sig_name,
            "is larger than",
        ),
        (
            f.sig(1, ICB),
            vec![0xff, 0xfe, 0x00],
            "DP210",
            sig_name,
            "the file is not text",
        ),
        (
            f.statement(1, ICB),
            stmt[..stmt.len() / 2].to_vec(),
            "DP208",
            sig_name,
            "the signature does not match the signed file",
        ),
        (
            f.statement(1, ICB),
            huge,
            "DP210",
            stmt_name,
            "is larger than",
        ),
        (
            f.statement(1, ICB),
            b"type = \"datapact-statement/1\"\nthis is not toml\n".to_vec(),
            "DP208",
            sig_name,
            "the signature does not match the signed file",
        ),
    ];
    for (path, bytes, code, file, reason) in cases {
        let original = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let (exit, json) = f.verify_json();
        assert_eq!(exit, 1, "{json}");
        let party = &json["agreements"][0]["parties"][0];
        assert_eq!(
            (party["status"].as_str(), party["code"].as_str()),
            (Some("invalid"), Some(code)),
            "{}: {json}",
            path.display()
        );
        assert_eq!(party["file"], file, "{json}");
        let said = party["reason"].as_str().unwrap();
        assert!(said.contains(reason), "{code}: {said:?} lacks {reason:?}");
        // The other party's signature is untouched and still counts.
        assert_eq!(json["agreements"][0]["parties"][1]["status"], "signed");
        let (_, text) = f.verify_text();
        assert!(
            text.contains(code) && text.contains("nhs-essex-icb.toml"),
            "{text}"
        );
        std::fs::write(&path, original).unwrap();
    }
    // Regression: binary bytes that merely contain a CR are a malformed signature (DP210), not
    // "line endings were converted" (DP211), which would send the user after the wrong fix.
    let original = std::fs::read(f.sig(1, ICB)).unwrap();
    std::fs::write(f.sig(1, ICB), [0x00, 0x9f, b'\r', 0x42, 0xff, b'\r', b'\n']).unwrap();
    let (code, text) = f.verify_text();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("DP210") && !text.contains("DP211"), "{text}");
    std::fs::write(f.sig(1, ICB), original).unwrap();
    // A statement without its signature is an interrupted signing: not signed, not an error
    // (tests/cli/signing_crash.rs).
    std::fs::remove_file(f.sig(1, ECC)).unwrap();
    let (code, text) = f.verify_text();
    assert_eq!(code, 0);
    assert!(
        text.contains("essex-county-council.toml is a statement without its signature"),
        "{text}"
    );
}

#[test]
fn threat_crlf_conversion_gets_a_line_endings_error() {
    let (f, _, _) = Fixture::both_signed();
    let lf = std::fs::read_to_string(f.agreement()).unwrap();
    std::fs::write(f.agreement(), lf.replace('\n', "\r\n")).unwrap();
    let (code, text) = f.verify_text();
    assert_eq!(code, 1);
    assert_eq!(text.matches("DP211").count(), 2, "{text}");
    assert!(text.contains("line endings were converted"), "{text}");
    assert!(text.contains(".gitattributes"), "{text}");
    std::fs::write(f.agreement(), lf).unwrap();
    let stmt = std::fs::read_to_string(f.statement(1, ECC)).unwrap();
    std::fs::write(f.statement(1, ECC), stmt.replace('\n', "\r\n")).unwrap();
    let (_, json) = f.verify_json();
    assert_eq!(statuses(&json)[1].2, "DP211");
}

#[test]
fn sign_refuses_wrong_party_unenrolled_key_and_open_permissions() {
    let f = Fixture::new();
    let a = f.generate(ICB, "priya@nhs.net");
    let b = f.generate(ECC, "mark@essex.gov.uk");
    f.sign_at("not-a-party", &a, T0)
        .code(1)
        .stderr(predicates::str::contains("is not a party"));
    f.sign_at(ECC, &a, T0)
        .code(1)
        .stderr(predicates::str::contains("enrolled for nhs-essex-icb"));
    std::fs::write(f.ws.root().join("keys/essex-county-council.toml"), "").unwrap();
    f.sign_at(ECC, &b, T0)
        .code(1)
        .stderr(predicates::str::contains("not in the trust store"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o644)).unwrap();
        f.sign_at(ICB, &a, T0)
            .code(2)
            .stderr(predicates::str::contains("too open"));
    }
    // An agreement with errors is not signed.
    replace_in(
        &f.agreement(),
        "frequency = \"ongoing\"",
        "frequency = \"often\"",
    );
    f.sign_at(ICB, &a, T0)
        .code(1)
        .stderr(predicates::str::contains("has errors"));
}

#[test]
fn private_keys_are_refused_inside_a_work_tree_and_never_leak() {
    let f = Fixture::new();
    let inside = f.ws.root().join("secret_key");
    f.run(&[
        "keys",
        "generate",
        "--party",
        ICB,
        "--principal",
        "p@nhs.net",
        "--no-passphrase",
        "--out",
        inside.to_str().unwrap(),
    ])
    .code(2)
    .stderr(predicates::str::contains("inside the git work tree"));
    assert!(!inside.exists());

    let mut outputs = Vec::new();
    let key = f.ws.key_path("k");
    for out in [
        f.ws.keys_generate(
            ICB,
            "p@nhs.net",
            &["--no-passphrase", "--out", key.to_str().unwrap()],
        ),
        f.ws.sign_output(ID, ICB, &key, &["--signed-at", T0]),
        f.ws.output(&["verify"]),
        f.ws.output(&["keys", "list", "--format", "json"]),
        f.ws.output(&["keys", "export-allowed-signers"]),
    ] {
        outputs.push(out.stdout);
        outputs.push(out.stderr);
    }
    let private = ssh_key::PrivateKey::read_openssh_file(&key).unwrap();
    let seed = private.key_data().ed25519().unwrap().private.to_bytes();
    let hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(seed)
    };
    let mut files = Vec::new();
    let mut stack = vec![f.ws.root().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files.push(std::fs::read(&p).unwrap())
            }
        }
    }
    files.push(std::fs::read(format!("{}.pub", key.display())).unwrap());
    for blob in outputs.iter().chain(&files) {
        let text = String::from_utf8_lossy(blob);
        assert!(
            !text.contains(&hex) && !text.contains(&b64[..40]),
            "private key material leaked"
        );
        assert!(
            !blob.windows(32).any(|w| w == seed),
            "raw private key bytes leaked"
        );
        assert!(!text.contains("PRIVATE KEY"));
    }
}

#[test]
fn interoperates_with_stock_openssh() {
    // A key made by ssh-keygen, imported and used as it is.
    let Some((f, key)) = Fixture::with_ssh_keygen_key("priya") else {
        return;
    };
    let b = f.generate(ECC, "mark@essex.gov.uk");
    f.sign(ICB, &key);
    f.sign(ECC, &b);
    let (code, json) = f.verify_json();
    assert_eq!(
        (code, json["agreements"][0]["signature_state"].as_str()),
        (0, Some("full"))
    );

    // A partner with only OpenSSH verifies both statements and the agreement's digest.
    let allowed = f.ws.key_path("allowed_signers");
    f.run(&[
        "keys",
        "export-allowed-signers",
        "--out",
        allowed.to_str().unwrap(),
    ])
    .success();
    for (party, principal) in [(ICB, "priya@nhs.net"), (ECC, "mark@essex.gov.uk")] {
        let out = std::process::Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args([
                "-I",
                principal,
                "-n",
                "datapact-agreement@datapact.dev",
                "-s",
            ])
            .arg(f.sig(1, party))
            .stdin(std::fs::File::open(f.statement(1, party)).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ssh-keygen -Y verify: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let sum = std::process::Command::new("sha256sum")
        .arg(f.agreement())
        .output()
        .unwrap();
    let sum = String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(
        std::fs::read_to_string(f.statement(1, ICB))
            .unwrap()
            .contains(&format!("agreement_sha256 = \"{sum}\""))
    );
}

#[test]
fn commit_option_commits_exactly_the_files_written() {
    let f = Fixture::new();
    std::fs::write(f.ws.root().join("unrelated.txt"), "x").unwrap();
    let key = f.ws.key_path("k");
    f.generate_icb_key(&key, &["--no-passphrase", "--commit"])
        .success();
    f.ws.sign(ID, ICB, &key, &["--signed-at", T0, "--commit"]);
    let log = std::process::Command::new("git")
        .args(["log", "--name-only", "--format=%s"])
        .current_dir(f.ws.root())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(
        log.contains(&format!("signatures/{ID}/v1/nhs-essex-icb.toml.sig")),
        "{log}"
    );
    assert!(log.contains("keys/nhs-essex-icb.toml"), "{log}");
    // The signed agreement is committed with its signature, nothing unrelated is.
    assert!(log.contains(&format!("agreements/{ID}.toml")), "{log}");
    assert!(!log.contains("unrelated.txt"), "{log}");
}

#[test]
fn passphrase_protected_keys_work_with_a_passphrase_file() {
    let f = Fixture::new();
    let pass = f.ws.key_path("pass");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    set_mode(&pass, 0o600);
    let key = f.ws.key_path("k");
    let p = pass.to_str().unwrap();
    f.generate_icb_key(&key, &["--passphrase-file", p])
        .success();
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    // Without a terminal and without --passphrase-file, sign says how to give the passphrase.
    f.sign_at(ICB, &key, T0)
        .code(2)
        .stderr(predicates::str::contains("--passphrase-file"));
    f.ws.sign(ID, ICB, &key, &["--passphrase-file", p, "--signed-at", T0]);
    let (_, json) = f.verify_json();
    assert_eq!(statuses(&json)[0].1, "signed");
}

/// Not the full rollback defence (history verification is a later issue): signatures for a
/// later version than the agreement's own are reported.
#[test]
fn signatures_for_a_later_version_than_the_agreement_are_reported() {
    let (f, a, _) = Fixture::both_signed();
    set_version(&f.agreement(), 2);
    f.sign(ICB, &a);
    set_version(&f.agreement(), 1);
    let (code, text) = f.verify_text();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("version number went backwards"), "{text}");
    // Both parties' v1 signatures still verify, but the set is not shown as plainly complete.
    assert!(
        text.contains("fully signed, but with 1 signature error"),
        "{text}"
    );
}

/// Regression: party ids read from an agreement that fails validation become path segments when
/// verify looks for earlier signatures; one that breaks the id rule must not reach outside the
/// workspace (here it would have found `outside.toml` and reported "it signed v1").
#[test]
fn party_ids_that_break_the_id_rule_never_become_paths() {
    let ws = TempWorkspace::new();
    let agreement = example(ID)
        .replacen("id = \"nhs-essex-icb\"", "id = \"../../../outside\"", 1)
        .replace("version = 1", "version = 2");
    ws.write(&format!("agreements/{ID}.toml"), agreement);
    ws.write(&format!("signatures/{ID}/v1/.keep"), "");
    ws.write("outside.toml", "type = \"datapact-statement/1\"\n");
    let out = ws.output(&["verify", ID, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parties: Vec<&str> = report["agreements"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, vec!["essex-county-council"], "{report}");
    assert!(
        !text(&out.stdout).contains("outside"),
        "{}",
        text(&out.stdout)
    );
}

/// Rewrites `party`'s statement for `version` with `edit` and signs the new bytes with `key`
/// (an unencrypted private key file), as a signer with their own tooling could.
fn resign(f: &Fixture, key: &Path, version: u32, party: &str, edit: impl Fn(&str) -> String) {
    let text = edit(&std::fs::read_to_string(f.statement(version, party)).unwrap());
    let rel = format!("signatures/{ID}/v{version}/{party}.toml");
    f.ws.plant_statement(&rel, key, "datapact-agreement@datapact.dev", &text);
}

/// The `previous_sha256 = "..."` line of a statement.
fn previous_line(text: &str) -> String {
    text.lines()
        .find(|l| l.starts_with("previous_sha256"))
        .expect("a previous_sha256 line")
        .to_string()
}

/// Regression: `previous_sha256` was written by `sign` but never checked, so a statement that
/// left out the previous version, named another content, or pointed at removed history counted.
#[test]
fn threat_broken_hash_chain_is_rejected() {
    let (f, a, b) = Fixture::both_signed();
    set_version(&f.agreement(), 2);
    f.sign(ICB, &a);
    f.sign(ECC, &b);
    let (code, json) = f.verify_json();
    assert_eq!(
        (code, json["agreements"][0]["signature_state"].as_str()),
        (0, Some("full")),
        "{json}"
    );
    let original = std::fs::read_to_string(f.statement(2, ECC)).unwrap();
    let line = previous_line(&original);
    let other = format!("previous_sha256 = \"{}\"", "ab".repeat(32));
    // Left out, and changed: each a valid signature over a statement with a broken chain. Each
    // edit starts from the original statement (an edit of an already-edited statement would not
    // find the line to change, and the "names another digest" case would never run).
    for edit in [String::new(), format!("{other}\n")] {
        let edited = original.replace(&format!("{line}\n"), &edit);
        assert_ne!(edited, original, "the edit changes the statement");
        assert_eq!(edited.contains(&other), !edit.is_empty());
        resign(&f, &b, 2, ECC, |_| edited.clone());
        let (code, json) = f.verify_json();
        assert_eq!(code, 1, "{json}");
        assert_eq!(
            statuses(&json)[1],
            (ECC.into(), "invalid".into(), "DP217".into())
        );
        assert_eq!(json["agreements"][0]["signature_state"], "partial");
    }
    // The earlier version's signatures removed: the chain names history that is gone.
    resign(&f, &b, 2, ECC, |_| original.clone());
    std::fs::remove_dir_all(f.ws.root().join(format!("signatures/{ID}/v1"))).unwrap();
    let (code, text) = f.verify_text();
    assert_eq!(code, 1, "{text}");
    assert_eq!(text.matches("DP217").count(), 2, "{text}");
    assert!(text.contains("no earlier version"), "{text}");
}

/// The chain's semantics (docs/signing.md, "The hash chain"): the earlier version that counts is
/// the latest one with an authentic signature, whoever signed it; revoking its key later does
/// not break the chain; a version whose signatures are all damaged is skipped.
#[test]
fn hash_chain_follows_the_latest_authentically_signed_version() {
    let f = Fixture::new();
    let a = f.generate(ICB, "priya@nhs.net");
    let b = f.generate(ECC, "mark@essex.gov.uk");
    // v1 signed by the council only.
    f.sign(ECC, &b);
    let v1 = std::fs::read_to_string(f.statement(1, ECC)).unwrap();
    assert!(!v1.contains("previous_sha256"), "{v1}");
    // v2 signed by both; both chain to the council's v1 signature.
    set_version(&f.agreement(), 2);
    f.sign(ICB, &a);
    f.sign(ECC, &b);
    // The council's key is revoked: v1's signature no longer counts, but it still says which
    // content v1 had, so the ICB's v2 chain holds (only the council's own v2 signature falls).
    let ecc_key = f.key_id(ECC);
    f.run(&[
        "keys",
        "revoke",
        &ecc_key,
        "--reason",
        "left",
        "--date",
        "2026-05-01",
    ])
    .success();
    let (_, json) = f.verify_json();
    let s = statuses(&json);
    assert_eq!(
        (s[0].1.as_str(), s[1].2.as_str()),
        ("signed", "DP206"),
        "{json}"
    );
    // With both v2 signatures damaged, v2 is skipped: v3 chains to v1, as v2 did.
    for party in [ICB, ECC] {
        std::fs::write(f.sig(2, party), "damaged").unwrap();
    }
    set_version(&f.agreement(), 3);
    f.sign(ICB, &a);
    let v3 = std::fs::read_to_string(f.statement(3, ICB)).unwrap();
    assert_eq!(
        previous_line(&v3),
        previous_line(&std::fs::read_to_string(f.statement(2, ICB)).unwrap())
    );
    let (_, json) = f.verify_json();
    assert_eq!(statuses(&json)[0].1, "signed", "{json}");
}

/// Regression: a copy of a signed agreement under another file name was reported fully signed
/// by `verify` (only validation said DP008). Signatures count only for `agreements/<id>.toml`.
#[test]
fn threat_copied_agreement_file_is_never_fully_signed() {
    let (f, _, _) = Fixture::both_signed();
    std::fs::copy(f.agreement(), f.ws.root().join("agreements/zz-copy.toml")).unwrap();
    let out = f.ws.output(&["verify", "zz-copy", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["agreements"][0]["signature_state"], "invalid",
        "{json}"
    );
    assert!(
        statuses(&json)
            .iter()
            .all(|(_, s, c)| s == "invalid" && c == "DP008")
    );
    let (code, text) = f.verify_text();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(&format!("{ID} v1: fully signed")), "{text}");
    assert!(
        text.contains(&format!("{ID} v1: signatures not valid")),
        "{text}"
    );
    assert!(text.contains("not counted for any other file"), "{text}");
    // check reports the copy's DP008 once (validation's), and fails.
    let out = f.ws.output(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let copy = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == "agreements/zz-copy.toml")
        .unwrap();
    assert_eq!(
        finding_codes(&copy["findings"])
            .iter()
            .filter(|c| **c == "DP008")
            .count(),
        1,
        "{copy}"
    );
}

/// Regression: `keys generate --out` accepted a destination inside a workspace that is not (yet)
/// a git repository, and the trust store ignored a private key left in keys/.
#[test]
fn threat_private_key_inside_the_workspace_is_refused_and_reported() {
    let ws = TempWorkspace::new();
    for out in ["keys/mykey", "agreements/../keys/new-dir/../k2"] {
        let path = ws.root().join(out);
        let res = ws.keys_generate(
            ICB,
            "p@nhs.net",
            &["--no-passphrase", "--out", path.to_str().unwrap()],
        );
        res.assert()
            .code(2)
            .stderr(predicates::str::contains("inside the workspace"));
    }
    // A relative --out from inside the workspace, too.
    ws.keys_generate(ICB, "p@nhs.net", &["--no-passphrase", "--out", "mykey"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "refusing to write a private key to mykey: it is inside the workspace",
        ));
    for left in ["keys/mykey", "keys/k2", "mykey"] {
        assert!(!ws.root().join(left).exists(), "{left} written");
    }

    // A private key copied into keys/ (under any name) fails check, without being quoted.
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    let key = ws.generate_key_to(ICB, "p@nhs.net", "k");
    let pem = std::fs::read_to_string(&key).unwrap();
    for name in ["keys/mykey", "keys/stolen.toml", "keys/.gitkeep"] {
        let copy = ws.write(name, &pem);
        let (code, out, err) = ws.run(&["check"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains("DP216"), "{out}");
        assert!(
            out.contains("a private key must never be in the workspace"),
            "{out}"
        );
        let body = pem.lines().nth(1).unwrap();
        assert!(
            !out.contains(body) && !err.contains(body),
            "key material quoted"
        );
        let (code, out, _) = ws.run(&["keys", "list"]);
        assert_eq!(code, 1, "{out}");
        std::fs::remove_file(copy).unwrap();
    }
    // Any other file in keys/ is reported too, as a warning (DP218): out of place, not dangerous.
    ws.write("keys/notes.txt", "hello");
    let (code, out, _) = ws.run(&["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[DP218]")
            && out.contains("keys/notes.txt is a file, not a trust store file"),
        "{out}"
    );
    let (code, _, _) = ws.run(&["check", "--fail-on", "warning"]);
    assert_eq!(code, 1);
}

/// Regression: entries of `signatures/<id>/` other than canonical `v<N>` directories were
/// ignored or misread (`v03` as v3, so "the version number went backwards"), and directories of
/// signatures for no agreement were not reported.
/// The directory of the version verified, present but empty, is reported like any other empty
/// version directory (verify lists it once for its statements and for this question).
#[test]
fn an_empty_directory_of_the_current_version_is_reported() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.ws.root().join(format!("signatures/{ID}/v1"))).unwrap();
    let (code, json) = f.verify_json();
    assert_eq!(code, 0, "{json}");
    let findings = json["agreements"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "DP214"
            && f["file"] == format!("signatures/{ID}/v1").as_str()
            && f["message"]
                .as_str()
                .unwrap()
                .ends_with("v1 is an empty version directory")),
        "{json}"
    );
}

#[test]
fn unexpected_entries_in_signatures_are_reported_not_misread() {
    let (f, _, _) = Fixture::both_signed();
    let base = format!("signatures/{ID}");
    for dir in ["v03", "vx", "V9", "v99999999999", "v7", "v00"] {
        std::fs::create_dir_all(f.ws.root().join(format!("{base}/{dir}"))).unwrap();
    }
    std::fs::copy(
        f.statement(1, ICB),
        f.ws.root().join(format!("{base}/v03/{ICB}.toml")),
    )
    .unwrap();
    f.ws.write(&format!("{base}/notes.txt"), "x");
    // A file named like a version directory.
    f.ws.write(&format!("{base}/v2"), "x");
    f.ws.write("signatures/withdrawn-agreement/v1/x.toml", "x");
    f.ws.write("signatures/stray.txt", "x");
    let (code, json) = f.verify_json();
    assert_eq!(code, 0, "warnings only: {json}");
    assert_eq!(json["agreements"][0]["signature_state"], "full", "{json}");
    let files: Vec<&str> = json["agreements"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["code"], "DP214", "{f}");
            f["file"].as_str().unwrap()
        })
        .collect();
    for entry in [
        "V9",
        "notes.txt",
        "v00",
        "v03",
        "v2",
        "v7",
        "v99999999999",
        "vx",
    ] {
        assert!(
            files.contains(&format!("{base}/{entry}").as_str()),
            "{entry}: {files:?}"
        );
    }
    let orphans = finding_codes(&json["signatures_findings"]);
    assert_eq!(orphans, ["DP214", "DP214"], "{json}");
    let (_, text) = f.verify_text();
    // Each kind of stray entry is named for what it is.
    for said in [
        "v03 is not a version directory: it is not read; the directory of version 3 is v3",
        "v00 is not a version directory: it is not read; the directory of version 0 is v0",
        "v99999999999 is not a version directory: the version number is larger than 4294967295",
        "vx is not a version directory: a version directory is named v<N>, such as v1",
        "V9 is not a version directory: it is not read; the directory of version 9 is v9",
        "v7 is an empty version directory",
        "notes.txt is not a version directory; signatures/icb-ecc-adult-social-care/ holds only directories v<N>",
        "v2 is not a version directory; signatures/icb-ecc-adult-social-care/ holds only directories v<N>",
    ] {
        assert!(text.contains(said), "{said:?} in {text}");
    }
    assert!(
        text.contains("signatures/withdrawn-agreement holds signatures for no agreement"),
        "{text}"
    );
    // check reports the orphans once, as warnings.
    let (code, out, _) = f.ws.run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let orphan_reports = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["file"] == "signatures/withdrawn-agreement")
        .count();
    assert_eq!(orphan_reports, 1, "{report}");
}

/// Regression: a FIFO where a signature, a statement or a trust store file should be made
/// `verify` wait forever for a writer. Such files are reported as malformed without being opened.
#[cfg(unix)]
#[test]
fn fifos_in_place_of_signed_files_are_reported_not_opened() {
    let (f, _, _) = Fixture::both_signed();
    let mkfifo = |path: &Path| {
        let _ = std::fs::remove_file(path);
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    mkfifo(&f.sig(1, ICB));
    mkfifo(&f.statement(1, ECC));
    mkfifo(&f.ws.root().join("keys/fifo-party.toml"));
    let out =
        f.ws.cmd()
            .args(["verify", "--format", "json"])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = statuses(&json);
    assert_eq!(
        (s[0].2.as_str(), s[1].2.as_str()),
        ("DP210", "DP210"),
        "{json}"
    );
    assert!(json.to_string().contains("is not a regular file"), "{json}");
    assert_eq!(
        finding_codes(&json["trust_store_findings"]),
        ["DP216"],
        "{json}"
    );
    // An agreement file that is a FIFO is an input error, not a hang.
    mkfifo(&f.agreement());
    let out =
        f.ws.cmd()
            .args(["verify"])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a regular file"));
}

/// Regression: a `keys generate` that failed after writing the private key (its `.pub` already
/// there, or the trust store file not writable) left the private key on disk.
#[test]
fn failed_keys_generate_leaves_no_private_key_behind() {
    let f = Fixture::new();
    let key = f.ws.key_path("k");
    std::fs::write(f.ws.key_path("k.pub"), "someone else's public key\n").unwrap();
    f.generate_icb_key(&key, &["--no-passphrase"])
        .code(2)
        .stderr(predicates::str::contains("k.pub already exists"));
    assert!(!key.exists(), "private key left behind");
    assert_eq!(
        std::fs::read_to_string(f.ws.key_path("k.pub")).unwrap(),
        "someone else's public key\n"
    );
    // The trust store file cannot be edited (here a directory in its place): nothing is written.
    std::fs::create_dir_all(f.ws.root().join("keys/nhs-essex-icb.toml")).unwrap();
    let key = f.ws.key_path("k2");
    let out = f.ws.keys_generate(
        ICB,
        "p@nhs.net",
        &["--no-passphrase", "--out", key.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        !key.exists() && !f.ws.key_path("k2.pub").exists(),
        "key files left behind"
    );
}

/// Sets a file's Unix permission bits (no-op elsewhere).
fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Regression: `sign --key x.pub` said "permissions too open" rather than that it is a public key.
/// A public key now names a key in an ssh-agent (tests/cli/agent_cli.rs): without an agent,
/// the refusal says so and names the private key file beside it.
#[test]
fn sign_with_the_public_key_file_says_it_is_a_public_key() {
    let f = Fixture::new();
    let a = f.generate(ICB, "priya@nhs.net");
    let public = PathBuf::from(format!("{}.pub", a.display()));
    f.sign_at(ICB, &public, T0)
        .code(2)
        .stderr(predicates::str::contains(
            "through an ssh-agent, but no agent is running",
        ))
        .stderr(predicates::str::contains(format!(
            "`ssh-add {}`; or pass the private key file itself",
            a.display()
        )))
        .stderr(predicates::str::contains("too open").not());
    // A file that is neither a public nor a private key is named as not a private key; a
    // private key file that happens to start like a public key line is not taken for one (it
    // signs).
    let garbage = f.ws.key_path("notes.txt");
    std::fs::write(&garbage, "my signing key is on the other laptop\n").unwrap();
    #[cfg(unix)]
    set_mode(&garbage, 0o600);
    f.sign_at(ICB, &garbage, T0)
        .code(2)
        .stderr(predicates::str::contains("is not an OpenSSH private key"))
        .stderr(predicates::str::contains("no agent is running").not());
    let private = std::fs::read_to_string(&a).unwrap();
    std::fs::write(
        &garbage,
        format!("ssh-ed25519 pasted above the key\n{private}"),
    )
    .unwrap();
    f.sign_at(ICB, &garbage, T0).success();
}

/// Regression: a passphrase file readable by group or others was accepted, although the hint
/// for keys says "readable only by you"; it is refused like a private key.
#[cfg(unix)]
#[test]
fn passphrase_file_readable_by_others_is_refused() {
    let f = Fixture::new();
    let pass = f.ws.key_path("pass");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    set_mode(&pass, 0o644);
    let key = f.ws.key_path("k");
    let p = pass.to_str().unwrap();
    f.generate_icb_key(&key, &["--passphrase-file", p])
        .code(2)
        .stderr(predicates::str::contains("passphrase file"))
        .stderr(predicates::str::contains("too open"))
        .stderr(predicates::str::contains("chmod 600"));
    assert!(!key.exists());
    set_mode(&pass, 0o600);
    f.generate_icb_key(&key, &["--passphrase-file", p])
        .success();
    set_mode(&pass, 0o640);
    f.ws.sign_output(ID, ICB, &key, &["--passphrase-file", p, "--signed-at", T0])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("too open"));
    assert!(!f.statement(1, ICB).exists());
}

/// Regression: `keys revoke --date` accepted a future date, although revocation takes effect at
/// once; it is a usage error with a hint.
#[test]
fn revoking_with_a_future_date_is_refused() {
    let f = Fixture::new();
    f.generate(ICB, "priya@nhs.net");
    let key_id = f.key_id(ICB);
    let revoke = |date: &str| {
        f.run(&[
            "--today",
            "2026-06-01",
            "keys",
            "revoke",
            &key_id,
            "--reason",
            "lost",
            "--date",
            date,
        ])
    };
    revoke("2026-06-02")
        .code(2)
        .stderr(predicates::str::contains("is in the future"))
        .stderr(predicates::str::contains("leave out --date"));
    let trust = std::fs::read_to_string(f.ws.root().join("keys/nhs-essex-icb.toml")).unwrap();
    assert!(!trust.contains("revoked"), "{trust}");
    revoke("2026-06-01").success();
}

/// Regression: docs/signing.md's OpenSSH example named a principal that is not in this
/// repository's trust store, so it failed as written. The block runs from a copy of the
/// repository's workspace, with `datapact` on PATH.
#[test]
fn openssh_example_in_signing_md_runs_as_written() {
    openssh_example_runs_as_written(&common::signing_md_block("## Verifying with OpenSSH only"));
}

/// The README's shorter form of the same example (issue 16: every example runs as written).
#[test]
fn openssh_example_in_readme_runs_as_written() {
    openssh_example_runs_as_written(&common::doc_sh_block(
        "README.md",
        "A partner who has only OpenSSH can check any signature",
    ));
}

/// Runs `block` in a copy of the repository's workspace and checks OpenSSH's verdict and the
/// digest it prints.
fn openssh_example_runs_as_written(block: &str) {
    if !ssh_keygen_available() {
        return;
    }
    let ws = TempWorkspace::new();
    common::copy_repo_workspace(ws.root());
    let out = common::run_sh_block(ws.root(), block, &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let all = format!("{stdout}{stderr}");
    let good = "Good \"datapact-agreement@datapact.dev\" signature for essexicb.dpo@nhs.net";
    assert!(all.contains(good), "{all}");
    let sum = stdout
        .lines()
        .find(|l| l.ends_with("agreements/icb-ecc-adult-social-care.toml"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap();
    // The digest it printed is the one the statement names.
    let statement = std::fs::read_to_string(
        ws.root()
            .join("signatures/icb-ecc-adult-social-care/v1/nhs-essex-icb.toml"),
    )
    .unwrap();
    assert!(
        statement.contains(&format!("agreement_sha256 = \"{sum}\"")),
        "{statement}"
    );
}

/// Regression: a private key inside a folder under keys/ (or one in binary DER form) was only a
/// stray-file warning; it must fail the gate. Ordinary stray files stay warnings whose severity
/// datapact.toml may change, and a key entry that can never be valid is reported.
#[test]
fn private_keys_anywhere_under_keys_fail_the_gate() {
    let key_pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    for (path, bytes) in [
        ("keys/old/id_ed25519", key_pem.as_bytes().to_vec()),
        ("keys/old/deeper/key.pem", key_pem.as_bytes().to_vec()),
        (
            "keys/key.der",
            vec![0x30, 0x82, 0x01, 0x22, 0xff, 0x00, 0x9c],
        ),
    ] {
        let ws = TempWorkspace::without_agreements();
        ws.write(path, &bytes);
        let (code, out, _) = ws.run(&["check"]);
        assert_eq!(code, 1, "{path}: {out}");
        assert!(
            out.contains("DP216") && out.contains("private key"),
            "{path}: {out}"
        );
        assert!(
            !out.contains("b3BlbnNzaC1rZXktdjEAAAAA"),
            "the key is never quoted"
        );
    }

    // An ordinary stray file: a warning that datapact.toml can raise or silence.
    for (settings, want) in [("", 0), ("DP218 = \"error\"\n", 1)] {
        let ws = TempWorkspace::new();
        ws.write("datapact.toml", format!("{NO_AGREEMENTS_OFF}{settings}"));
        ws.write("keys/README.txt", "notes");
        let (code, out, _) = ws.run(&["check"]);
        assert_eq!(code, want, "{settings}: {out}");
    }
    let ws = TempWorkspace::new();
    ws.write(
        "datapact.toml",
        format!("{NO_AGREEMENTS_OFF}DP218 = \"off\"\n"),
    );
    ws.write("keys/README.txt", "notes");
    let (_, out, _) = ws.run(&["check"]);
    assert!(!out.contains("DP218"), "{out}");
}

/// A trust store entry whose validity window is empty can never sign: reported as DP216.
#[test]
fn a_key_valid_until_before_valid_from_is_reported() {
    let ws = TempWorkspace::new();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let line = datapact::signing::sshsig::public_key_line(&key.verifying_key());
    let id = datapact::signing::sshsig::key_id(&key.verifying_key());
    ws.write(
        "keys/nhs-essex-icb.toml",
        format!(
            "[[keys]]\nkey_id = \"{id}\"\npublic_key = \"{line}\"\nprincipal = \"a@nhs.net\"\nvalid_from = 2027-01-01\nvalid_until = 2026-01-01\n"
        ),
    );
    let (code, out, _) = ws.run(&["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("DP216") && out.contains("can never sign"),
        "{out}"
    );
}

/// Removes `party`'s statement and signature for `version`.
fn unsign(f: &Fixture, version: u32, party: &str) {
    std::fs::remove_file(f.statement(version, party)).unwrap();
    std::fs::remove_file(f.sig(version, party)).unwrap();
}

/// Threat: a key used outside its validity window. The window includes its first and its last
/// day, both when signing and when verifying; the day before and the day after are outside.
#[test]
fn threat_key_used_outside_its_validity_window_is_rejected() {
    let f = Fixture::new();
    let key = f.ws.key_path("k");
    f.generate_icb_key(
        &key,
        &[
            "--no-passphrase",
            "--valid-from",
            "2026-01-01",
            "--valid-until",
            "2026-12-31",
        ],
    )
    .success();
    for (outside, day) in [
        ("2025-12-31T23:59:59Z", "2025-12-31"),
        ("2027-01-01T00:00:00Z", "2027-01-01"),
    ] {
        f.sign_at(ICB, &key, outside)
            .code(1)
            .stderr(predicates::str::contains(format!("not valid on {day}")));
        assert!(!f.statement(1, ICB).exists(), "nothing written");
    }
    // Judged on a day after the window (a signature dated after today never counts: DP219).
    let after = "2027-01-02";
    let verify_after = || {
        let out =
            f.ws.output(&["--today", after, "verify", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), json)
    };
    for first_or_last in ["2026-01-01T00:00:00Z", "2026-12-31T23:59:59Z"] {
        f.ws.sign_output(
            ID,
            ICB,
            &key,
            &["--signed-at", first_or_last, "--today", after],
        )
        .assert()
        .success();
        let (_, json) = verify_after();
        assert_eq!(statuses(&json)[0].1, "signed", "{first_or_last}: {json}");
        unsign(&f, 1, ICB);
    }
    // Verification judges the signing day against the window in the trust store.
    f.sign_at(ICB, &key, "2026-06-15T12:00:00Z").success();
    let keys = f.ws.root().join("keys/nhs-essex-icb.toml");
    let window = |from: &str, until: &str| {
        let text = std::fs::read_to_string(&keys).unwrap();
        let text = text
            .lines()
            .map(|l| {
                if l.starts_with("valid_from") {
                    format!("valid_from = {from}")
                } else if l.starts_with("valid_until") {
                    format!("valid_until = {until}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&keys, text + "\n").unwrap();
    };
    for (from, until, expect) in [
        ("2026-06-15", "2026-06-15", "signed"),
        ("2026-06-16", "2026-12-31", "DP207"),
        ("2026-01-01", "2026-06-14", "DP207"),
        ("2026-06-15", "2026-12-31", "signed"),
        ("2026-01-01", "2026-06-15", "signed"),
    ] {
        window(from, until);
        let (code, json) = verify_after();
        let s = &statuses(&json)[0];
        let got = if s.1 == "signed" { "signed" } else { &s.2 };
        assert_eq!(got, expect, "window {from}..{until}: {json}");
        assert_eq!(code, if expect == "signed" { 0 } else { 1 });
    }
}

/// Only the agreement's own parties make its signed history: an authentic statement from a key
/// enrolled for another organisation, filed in an earlier version's directory with different
/// content, neither breaks the chain of later versions nor stops the parties signing.
#[test]
fn statements_of_non_parties_do_not_count_in_the_hash_chain() {
    let (f, a, b) = Fixture::both_signed();
    let police = f.generate("essex-police", "dpo@essex.police.uk");
    let planted = f.statement(1, "essex-police");
    let icb_v1 = std::fs::read_to_string(f.statement(1, ICB)).unwrap();
    let police_id = f.key_id("essex-police");
    let icb_id = f.key_id(ICB);
    std::fs::write(
        &planted,
        icb_v1
            .replace(&format!("party = \"{ICB}\""), "party = \"essex-police\"")
            .replace(&icb_id, &police_id),
    )
    .unwrap();
    let digest_line = icb_v1
        .lines()
        .find(|l| l.starts_with("agreement_sha256"))
        .unwrap()
        .to_string();
    resign(&f, &police, 1, "essex-police", |t| {
        t.replace(
            &digest_line,
            &format!("agreement_sha256 = \"{}\"", "cd".repeat(32)),
        )
    });
    set_version(&f.agreement(), 2);
    f.sign(ICB, &a);
    f.sign(ECC, &b);
    // The chain names v1's content, which the parties' v1 statements cover.
    let v1_digest = digest_line.split('"').nth(1).unwrap();
    let v2 = std::fs::read_to_string(f.statement(2, ICB)).unwrap();
    assert_eq!(
        previous_line(&v2),
        format!("previous_sha256 = \"{v1_digest}\""),
        "{v2}"
    );
    let (code, json) = f.verify_json();
    assert_eq!(
        (code, json["agreements"][0]["signature_state"].as_str()),
        (0, Some("full")),
        "{json}"
    );
}

/// The role a statement names must be one its key is enrolled for (DP212), and the key a
/// statement names must be the key that made its signature (DP208): a signer with their own
/// tooling could write anything there.
#[test]
fn statement_role_and_key_id_must_match_the_enrolled_signing_key() {
    let (f, a, _) = Fixture::both_signed();
    let original = std::fs::read_to_string(f.statement(1, ICB)).unwrap();
    assert!(original.contains("role = \"dpo\""), "{original}");
    resign(&f, &a, 1, ICB, |t| {
        t.replace("role = \"dpo\"", "role = \"caldicott-guardian\"")
    });
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    assert_eq!(statuses(&json)[0].2, "DP212", "{json}");
    let reason = json["agreements"][0]["parties"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("enrolled for role(s) dpo") && reason.contains("caldicott-guardian"),
        "{reason}"
    );
    // The council's key id named, the ICB's key used.
    let (icb_id, ecc_id) = (f.key_id(ICB), f.key_id(ECC));
    resign(&f, &a, 1, ICB, |_| original.replace(&icb_id, &ecc_id));
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    assert_eq!(statuses(&json)[0].2, "DP208", "{json}");
    let reason = json["agreements"][0]["parties"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains(&format!("names key {ecc_id}"))
            && reason.contains(&format!("made with key {icb_id}")),
        "{reason}"
    );
    // Restored, it counts again.
    resign(&f, &a, 1, ICB, |_| original.clone());
    assert_eq!(f.verify_json().0, 0);
}

/// `verify --require-complete` fails (exit 1) while any party has not signed, names who, and
/// passes once everyone has.
#[test]
fn verify_require_complete_fails_until_every_party_has_signed() {
    let f = Fixture::new();
    let a = f.generate(ICB, "priya@nhs.net");
    let b = f.generate(ECC, "mark@essex.gov.uk");
    f.run(&["verify"]).success();
    f.run(&["verify", "--require-complete"])
        .code(1)
        .stdout(predicates::str::contains("unsigned"));
    f.sign(ICB, &a);
    f.run(&["verify"]).success();
    f.run(&["verify", "--require-complete"])
        .code(1)
        .stdout(predicates::str::contains(ECC));
    let out =
        f.ws.output(&["verify", "--require-complete", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["agreements"][0]["signature_state"], "partial");
    assert_eq!(json["agreements"][0]["missing"], serde_json::json!([ECC]));
    f.sign(ECC, &b);
    f.run(&["verify", "--require-complete"]).success();
}

/// A role is one of the workspace's roles (built-in, or added in datapact.toml) wherever it is
/// given: at enrolment, when signing, and in a hand-edited trust store entry (DP216).
#[test]
fn roles_outside_the_vocabulary_are_refused_everywhere() {
    let f = Fixture::new();
    let key = f.ws.key_path("k");
    f.generate_icb_key(&key, &["--no-passphrase", "--role", "chief-wizard"])
        .code(2)
        .stderr(predicates::str::contains(
            "unknown role \"chief-wizard\"; a role is one of: dpo, caldicott-guardian, senior-officer, siro, authorised-signatory, chief-executive",
        ));
    assert!(!key.exists(), "no key written");
    // A key enrolled with no roles may sign in any role, but only a real one.
    let entry = f.ws.root().join("keys/nhs-essex-icb.toml");
    f.generate_icb_key(&key, &["--no-passphrase"]).success();
    replace_in(&entry, "roles = [\"dpo\"]", "roles = []");
    f.ws.sign_output(ID, ICB, &key, &["--role", "chief-wizard"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid --role: unknown role"));
    assert!(!f.statement(1, ICB).exists(), "nothing signed");
    replace_in(&entry, "roles = []", "roles = [\"chief-wizard\"]");
    let out = f.ws.output(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(
        report.contains("DP216") && report.contains("unknown role \\\"chief-wizard\\\""),
        "{report}"
    );
}

/// The search for private keys inside a folder under keys/ opens regular files only: a FIFO
/// there would block `check` for ever, and a link would read a file outside the workspace.
#[cfg(unix)]
#[test]
fn folders_under_keys_are_searched_without_opening_links_or_fifos() {
    let ws = TempWorkspace::without_agreements();
    ws.write("keys/old/README.txt", "notes");
    let fifo = ws.root().join("keys/old/pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A private key outside the workspace, linked from inside keys/old/.
    let outside = ws.key_path("outside_key");
    std::fs::write(
        &outside,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, ws.root().join("keys/old/link")).unwrap();
    let out = ws
        .cmd()
        .args(["check"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "no hang, no error: {report}");
    assert!(
        report.contains("DP218"),
        "the folder is a stray entry: {report}"
    );
    assert!(
        !report.contains("DP216"),
        "the linked key was not read: {report}"
    );

    // The same directly in keys/: the FIFO is an unusable entry (DP216) but never opened; the
    // link to the outside key is never read.
    let ws = TempWorkspace::new();
    std::fs::create_dir(ws.root().join("keys")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(ws.root().join("keys/pipe"))
        .status();
    assert!(made.unwrap().success());
    std::os::unix::fs::symlink(&outside, ws.root().join("keys/link")).unwrap();
    let out = ws
        .cmd()
        .args(["check"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("keys/pipe is not a regular file"),
        "{report}"
    );
    assert!(!report.contains("keys/link: private key"), "{report}");
    assert!(
        !report.contains("b3BlbnNzaC1rZXktdjEAAAAA"),
        "the key is never quoted"
    );
}

/// A folder under keys/ is searched for private keys eight levels deep, and no deeper (the
/// bound keeps a hostile tree from making `check` walk for ever).
#[test]
fn private_keys_are_searched_eight_levels_deep_under_keys() {
    let key_pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    // keys/d1/.../d8/id_ed25519 is found; keys/d1/.../d9/id_ed25519 is not searched.
    for (levels, found) in [(8, true), (9, false)] {
        let ws = TempWorkspace::without_agreements();
        let dirs: Vec<String> = (1..=levels).map(|i| format!("d{i}")).collect();
        ws.write(&format!("keys/{}/id_ed25519", dirs.join("/")), key_pem);
        let (code, out, _) = ws.run(&["check"]);
        assert_eq!(out.contains("DP216"), found, "{levels} levels: {out}");
        assert_eq!(code, if found { 1 } else { 0 }, "{levels} levels: {out}");
    }
}

/// A keys/ that cannot be read as a directory is an error (exit 2), not an empty trust store:
/// otherwise every signature would quietly show as "unknown key" or the gate pass unsigned.
#[test]
fn a_keys_path_that_is_not_a_directory_is_an_error() {
    let ws = TempWorkspace::new();
    ws.write("keys", "not a directory");
    let (code, _, err) = ws.run(&["check"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot read directory") && err.contains("keys"),
        "{err}"
    );
}

/// One key enrolled twice (here for two parties) belongs to no one: both entries are DP216 and
/// signatures made with it count for neither party.
#[test]
fn a_key_enrolled_twice_counts_for_no_one() {
    let (f, _, _) = Fixture::both_signed();
    let icb_keys = f.ws.root().join("keys/nhs-essex-icb.toml");
    let ecc_keys = f.ws.root().join("keys/essex-county-council.toml");
    let icb_entry = std::fs::read_to_string(&icb_keys).unwrap();
    let entry = &icb_entry[icb_entry.find("[[keys]]").unwrap()..];
    let ecc = std::fs::read_to_string(&ecc_keys).unwrap();
    std::fs::write(&ecc_keys, format!("{ecc}\n{entry}")).unwrap();
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    let findings = json["trust_store_findings"].as_array().unwrap();
    let twice: Vec<&str> = findings
        .iter()
        .filter(|x| {
            x["code"] == "DP216"
                && x["message"]
                    .as_str()
                    .unwrap()
                    .contains("is enrolled more than once")
        })
        .map(|x| x["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        twice,
        ["keys/essex-county-council.toml", "keys/nhs-essex-icb.toml"],
        "{json}"
    );
    let s = statuses(&json);
    assert_eq!(s[0].1, "invalid", "{json}");
    assert_eq!(
        s[1].1, "signed",
        "the council's own key is untouched: {json}"
    );
}

/// The line of `key = ...` in a statement file (1-based).
fn line_of_key(path: &Path, key: &str) -> u64 {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .position(|l| l.starts_with(&format!("{key} =")))
        .unwrap_or_else(|| panic!("no {key} in {text}")) as u64
        + 1
}

/// A finding about a statement points at the line of the field it is about, so an editor or a
/// CI annotation lands on it.
#[test]
fn statement_findings_point_at_the_field_line() {
    let (f, a, _) = Fixture::both_signed();
    let stmt = f.statement(1, ICB);
    let original = std::fs::read_to_string(&stmt).unwrap();
    let finding_line = |code: &str| -> u64 {
        let (_, json) = f.verify_json();
        let found = json["agreements"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .unwrap_or_else(|| panic!("no {code}: {json}"))
            .clone();
        assert_eq!(
            found["file"],
            "signatures/icb-ecc-adult-social-care/v1/nhs-essex-icb.toml"
        );
        found["line"].as_u64().unwrap()
    };
    resign(&f, &a, 1, ICB, |t| {
        t.replace("role = \"dpo\"", "role = \"senior-officer\"")
    });
    assert_eq!(finding_line("DP212"), line_of_key(&stmt, "role"));
    assert!(
        line_of_key(&stmt, "role") > 2,
        "a line other than the first"
    );
    let (icb_id, ecc_id) = (f.key_id(ICB), f.key_id(ECC));
    resign(&f, &a, 1, ICB, |_| original.replace(&icb_id, &ecc_id));
    assert_eq!(finding_line("DP208"), line_of_key(&stmt, "key_id"));
    resign(&f, &a, 1, ICB, |_| original.clone());
    replace_in(&f.agreement(), "ongoing", "ongoinG");
    assert_eq!(
        finding_line("DP201"),
        line_of_key(&stmt, "agreement_sha256")
    );
}

/// Line endings converted to CRLF (all or some lines) are DP211 only when that is the whole
/// change: CRLF plus an edit is a changed agreement (DP201).
#[test]
fn crlf_is_diagnosed_only_when_line_endings_are_the_whole_change() {
    let (f, _, _) = Fixture::both_signed();
    let lf = std::fs::read_to_string(f.agreement()).unwrap();
    let crlf = |text: &str| text.replace('\n', "\r\n");
    // Converted, and edited as well: a changed agreement.
    std::fs::write(f.agreement(), crlf(&lf.replace("ongoing", "ongoinG"))).unwrap();
    let (_, json) = f.verify_json();
    let codes: Vec<String> = statuses(&json).into_iter().map(|s| s.2).collect();
    assert_eq!(codes, ["DP201", "DP201"], "{json}");
    // Converted only: every line, or only some lines (a partial conversion).
    let half = lf.len() / 2;
    let split = lf[..half].rfind('\n').unwrap() + 1;
    for text in [crlf(&lf), format!("{}{}", crlf(&lf[..split]), &lf[split..])] {
        std::fs::write(f.agreement(), text).unwrap();
        let (_, json) = f.verify_json();
        let codes: Vec<String> = statuses(&json).into_iter().map(|s| s.2).collect();
        assert_eq!(codes, ["DP211", "DP211"], "{json}");
    }
}

/// A signature file that exists but cannot be read (here a link pointing at itself) is reported
/// as unreadable, with the system's reason, not as missing.
#[cfg(unix)]
#[test]
fn an_unreadable_signature_file_is_not_called_missing() {
    let (f, _, _) = Fixture::both_signed();
    std::fs::remove_file(f.sig(1, ICB)).unwrap();
    std::os::unix::fs::symlink("nhs-essex-icb.toml.sig", f.sig(1, ICB)).unwrap();
    let (code, json) = f.verify_json();
    assert_eq!(code, 1);
    let party = &json["agreements"][0]["parties"][0];
    assert_eq!(party["code"], "DP210", "{json}");
    let reason = party["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("cannot read signature") && !reason.contains("is missing"),
        "{reason}"
    );
}

/// A party missing from the current version is told the latest EARLIER version it signed, never
/// a later one (signatures for a later version are a rollback, reported as DP203).
#[test]
fn last_signed_version_looks_only_at_earlier_versions() {
    let (f, _, b) = Fixture::both_signed();
    set_version(&f.agreement(), 3);
    f.sign(ECC, &b);
    set_version(&f.agreement(), 2);
    let (code, json) = f.verify_json();
    assert_eq!(code, 1, "the later signatures are a rollback: {json}");
    let ecc = &json["agreements"][0]["parties"][1];
    assert_eq!(ecc["status"], "missing", "{json}");
    assert_eq!(ecc["last_signed_version"], 1, "{json}");
    let (_, text) = f.verify_text();
    assert!(
        text.contains("missing essex-county-council: not signed (signed v1)"),
        "{text}"
    );
}

/// When an earlier version's authentic signatures cover different contents (one party signed,
/// the text changed, another party signed the same version), the history is ambiguous: signing
/// the next version is refused, naming how many contents there are.
#[test]
fn an_ambiguous_earlier_version_stops_signing_the_next() {
    let f = Fixture::new();
    let a = f.generate(ICB, "priya@nhs.net");
    let b = f.generate(ECC, "mark@essex.gov.uk");
    f.sign(ICB, &a);
    replace_in(
        &f.agreement(),
        "within 5 working days",
        "within 9 working days",
    );
    f.sign(ECC, &b);
    set_version(&f.agreement(), 2);
    f.sign_at(ICB, &a, T0)
        .code(1)
        .stderr(predicates::str::contains(
            "the signatures on v1 cover 2 different contents; the history must be checked before signing",
        ));
    assert!(!f.statement(2, ICB).exists(), "nothing signed");
}
