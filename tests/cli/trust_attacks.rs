//! Attacks on the trust store and on keys, each performed through the real binary (step 6, the
//! outside tester's report): a public key, principal or other trust store value carrying a
//! newline into the OpenSSH allowed_signers file `keys export-allowed-signers` writes (checked
//! with real `ssh-keygen -Y verify` and `find-principals`); `keys revoke` aimed at a decoy entry
//! that copies the real key's `key_id`; a key enrolled twice; one private key enrolled for two
//! parties by adding a small-order component to its public key; and dates beyond year 9999 or
//! before 1900 in flags, `DATAPACT_TODAY`, trust store files and agreements.

use crate::common::{ECC, ICB, ID, T0, TempWorkspace, example, text};
use crate::signing::ssh_keygen_available;
use base64::Engine;
use curve25519_dalek::{EdwardsPoint, Scalar, constants::EIGHT_TORSION};
use datapact::signing::sshsig::{self, NAMESPACE};
use datapact::signing::statement::{STATEMENT_TYPE, Statement};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::Value;
use sha2::{Digest, Sha512};
use std::path::{Path, PathBuf};

/// A workspace (`datapact init`) with the example agreement.
fn workspace() -> TempWorkspace {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    ws
}

/// The ICB's and the council's keys generated, enrolled and used to sign the example agreement;
/// returns the workspace and both private keys (ICB first).
fn both_signed() -> (TempWorkspace, PathBuf, PathBuf) {
    let ws = workspace();
    let icb = ws.generate_key_to(ICB, "priya@nhs.net", "icb_key");
    let ecc = ws.generate_key_to(ECC, "mark@essex.gov.uk", "ecc_key");
    ws.sign(ID, ICB, &icb, &["--signed-at", T0]);
    ws.sign(ID, ECC, &ecc, &["--signed-at", T0]);
    (ws, icb, ecc)
}

/// The party's trust store file.
fn trust_file(ws: &TempWorkspace, party: &str) -> PathBuf {
    ws.root().join(format!("keys/{party}.toml"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The private key's Ed25519 key pair.
fn signing_key(private_key: &Path) -> SigningKey {
    let key = ssh_key::PrivateKey::read_openssh_file(private_key).unwrap();
    let pair = key.key_data().ed25519().unwrap();
    SigningKey::from_bytes(&pair.private.to_bytes())
}

/// `ssh-ed25519 AAAA...` for 32 key bytes, whatever they are.
fn key_line(bytes: &[u8; 32]) -> String {
    let mut blob = Vec::new();
    blob.extend_from_slice(&11u32.to_be_bytes());
    blob.extend_from_slice(b"ssh-ed25519");
    blob.extend_from_slice(&32u32.to_be_bytes());
    blob.extend_from_slice(bytes);
    format!(
        "ssh-ed25519 {}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

/// `value` as a TOML string, escaped as TOML escapes it.
fn toml_str(value: &str) -> String {
    toml::Value::from(value).to_string()
}

/// A `[[keys]]` entry with these values, for the role dpo; `extra` is more TOML lines, such as
/// `revoked = ...`.
fn entry(key_id: &str, public_key: &str, principal: &str, extra: &str) -> String {
    format!(
        "[[keys]]\nkey_id = {}\npublic_key = {}\nprincipal = {}\nroles = [\"dpo\"]\n{extra}\n",
        toml_str(key_id),
        toml_str(public_key),
        toml_str(principal)
    )
}

/// `datapact ARGS... --format json` (the args end with the format flag's value given), exiting
/// 0 or 1: the exit code and the JSON.
fn json(ws: &TempWorkspace, args: &[&str]) -> (i32, Value) {
    let out = ws.output(args);
    let code = out.status.code().unwrap();
    assert!(code == 0 || code == 1, "exit {code}: {}", text(&out.stderr));
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

/// A party's line in verify's JSON: (party, status, code, reason).
type PartyLine = (String, String, String, String);

/// `verify --format json`: the exit code, each party's line, and the JSON.
fn verify(ws: &TempWorkspace) -> (i32, Vec<PartyLine>, Value) {
    let (code, json) = json(ws, &["verify", "--format", "json"]);
    let parties = json["agreements"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
            (s("party"), s("status"), s("code"), s("reason"))
        })
        .collect();
    (code, parties, json)
}

/// The trust store findings of `keys list --format json`, as (code, file, message).
fn trust_findings(ws: &TempWorkspace) -> Vec<(String, String, String)> {
    let (_, json) = json(ws, &["keys", "list", "--format", "json"]);
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("code"), s("file"), s("message"))
        })
        .collect()
}

/// `keys export-allowed-signers` to a file outside the workspace; returns the file and its text.
fn export(ws: &TempWorkspace) -> (PathBuf, String) {
    let path = ws.export_allowed_signers();
    let text = read(&path);
    (path, text)
}

/// Every line of an exported allowed_signers file is either a comment or exactly
/// `PRINCIPAL namespaces="datapact-agreement@datapact.dev"[,valid-after="YYYYMMDD"][,valid-before="YYYYMMDD"] ssh-ed25519 BASE64`,
/// with a principal of the safe characters, the one namespace, and the canonical encoding of a
/// usable key; returns the key lines as (principal, key line).
fn key_lines(allowed: &str) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    for line in allowed.split('\n') {
        assert!(
            !line.chars().any(|c| c.is_control()),
            "a control character in {line:?}"
        );
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        let [principal, options, key_type, body] = parts[..] else {
            panic!("not principal, options and key: {line:?}");
        };
        assert!(
            !principal.is_empty()
                && !principal.starts_with('-')
                && principal
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._@+-".contains(c)),
            "{line:?}"
        );
        let mut options = options.split(',');
        assert_eq!(
            options.next(),
            Some(format!("namespaces=\"{NAMESPACE}\"").as_str()),
            "{line:?}"
        );
        for option in options {
            let date = option
                .strip_prefix("valid-after=\"")
                .or_else(|| option.strip_prefix("valid-before=\""))
                .and_then(|o| o.strip_suffix('"'))
                .unwrap_or_else(|| panic!("option {option:?} in {line:?}"));
            assert!(
                date.len() == 8 && date.chars().all(|c| c.is_ascii_digit()),
                "{line:?}"
            );
        }
        assert_eq!(key_type, "ssh-ed25519", "{line:?}");
        let key = format!("{key_type} {body}");
        let parsed = datapact::signing::keyfile::parse_public_key_line(&key).unwrap();
        assert_eq!(parsed.openssh, key, "canonical: {line:?}");
        keys.push((principal.to_string(), key));
    }
    keys
}

/// `ssh-keygen -Y verify` of `message` with `signature` for `principal`, against `allowed`.
fn openssh_verifies(allowed: &Path, principal: &str, signature: &Path, message: &Path) -> bool {
    std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", principal, "-n", NAMESPACE, "-s"])
        .arg(signature)
        .stdin(std::fs::File::open(message).unwrap())
        .output()
        .unwrap()
        .status
        .success()
}

/// `ssh-keygen -Y find-principals`: the principals `allowed` maps the signature's key to.
fn openssh_principals(allowed: &Path, signature: &Path) -> Vec<String> {
    let out = std::process::Command::new("ssh-keygen")
        .args(["-Y", "find-principals", "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(signature)
        .output()
        .unwrap();
    text(&out.stdout).lines().map(str::to_string).collect()
}

/// The statement and signature files of `party` for version 1.
fn signed_files(ws: &TempWorkspace, party: &str) -> (PathBuf, PathBuf) {
    let stmt = ws.root().join(format!("signatures/{ID}/v1/{party}.toml"));
    let sig = ws
        .root()
        .join(format!("signatures/{ID}/v1/{party}.toml.sig"));
    (stmt, sig)
}

/// A statement for `party` of version 1 of the example agreement, naming `key_id`.
fn statement_for(ws: &TempWorkspace, party: &str, key_id: &str) -> String {
    let bytes = std::fs::read(ws.root().join(format!("agreements/{ID}.toml"))).unwrap();
    Statement {
        statement_type: STATEMENT_TYPE.into(),
        agreement: ID.into(),
        version: 1,
        agreement_sha256: datapact::signing::sha256_hex(&bytes),
        previous_sha256: None,
        party: party.into(),
        key_id: key_id.into(),
        role: "dpo".into(),
        signed_at: T0.into(),
    }
    .to_text()
}

/// A forged statement for `party` signed by the council's private key with ssh-keygen; returns
/// (statement, signature), outside the workspace.
fn forged_by(ws: &TempWorkspace, key: &Path, party: &str) -> (PathBuf, PathBuf) {
    let stmt = ws.key_path(&format!("forged-{party}.toml"));
    let key_id = sshsig::key_id(&signing_key(key).verifying_key());
    std::fs::write(&stmt, statement_for(ws, party, &key_id)).unwrap();
    let signed = std::process::Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .arg(&stmt)
        .output()
        .unwrap();
    assert!(signed.status.success(), "{}", text(&signed.stderr));
    let sig = PathBuf::from(format!("{}.sig", stmt.display()));
    (stmt, sig)
}

/// Item 1 of step 6, as the outside tester did it: the council's trust store entry carries, in
/// its public key's comment, a newline and a second line giving the council's key the ICB's
/// principal. `check` passed and the export wrote that line, so `ssh-keygen -Y verify` accepted
/// a statement the council forged "for the ICB". Now the entry is DP216 (exit 1), it is left out
/// of the export, and OpenSSH attributes the forged signature to nobody, while the ICB's own
/// signature still verifies with the same file. The variants carry the line in every other
/// value of an entry, through every control or line-breaking character.
#[test]
fn allowed_signers_injection_through_any_trust_store_value_is_refused_and_never_exported() {
    if !ssh_keygen_available() {
        return;
    }
    let (ws, _, ecc_key) = both_signed();
    let council = signing_key(&ecc_key).verifying_key();
    let line = sshsig::public_key_line(&council);
    let id = sshsig::key_id(&council);
    let ok = "mark@essex.gov.uk";
    let ns = format!("namespaces=\"{NAMESPACE}\"");
    let variants: Vec<(&str, String)> = vec![
        (
            "public key comment, newline",
            entry(&id, &format!("{line} c\npriya@nhs.net {line}"), ok, ""),
        ),
        (
            "public key without comment, newline and options",
            entry(&id, &format!("{line}\npriya@nhs.net {ns} {line}"), ok, ""),
        ),
        (
            "public key comment, carriage return",
            entry(&id, &format!("{line} c\rpriya@nhs.net {line}"), ok, ""),
        ),
        (
            "public key comment, line separator",
            entry(
                &id,
                &format!("{line} c\u{2028}priya@nhs.net {line}"),
                ok,
                "",
            ),
        ),
        (
            "public key, trailing newline",
            entry(&id, &format!("{line}\n"), ok, ""),
        ),
        (
            "principal, newline",
            entry(&id, &line, &format!("{ok}\npriya@nhs.net {line}"), ""),
        ),
        (
            "principal list",
            entry(&id, &line, "mark@essex.gov.uk,priya@nhs.net", ""),
        ),
        ("principal pattern *", entry(&id, &line, "*", "")),
        (
            "principal pattern ?",
            entry(&id, &line, "priya@nhs.ne?", ""),
        ),
        (
            "principal negated",
            entry(&id, &line, "!mark@essex.gov.uk", ""),
        ),
        (
            "principal quoted",
            entry(&id, &line, "\"priya@nhs.net\"", ""),
        ),
        (
            "principal like an option",
            entry(&id, &line, "-priya@nhs.net", ""),
        ),
        (
            "principal with a space and options",
            entry(&id, &line, &format!("priya@nhs.net {ns}"), ""),
        ),
        // The key id is not the key's, so the entry is unusable, and the export used to copy it
        // into its "# left out" comment line, newline and all.
        (
            "key id, newline",
            entry(
                &format!("SHA256:x\npriya@nhs.net {ns} {line}"),
                &line,
                ok,
                "",
            ),
        ),
        (
            "revocation reason, newline",
            entry(
                &id,
                &line,
                ok,
                &format!(
                    "revoked = 2026-05-01\nrevocation_reason = {}",
                    toml_str(&format!("lost\npriya@nhs.net {line}"))
                ),
            ),
        ),
        (
            "role, newline",
            entry(&id, &line, ok, "").replace(
                "roles = [\"dpo\"]",
                &format!(
                    "roles = [{}]",
                    toml_str(&format!("dpo\npriya@nhs.net {line}"))
                ),
            ),
        ),
    ];
    let (forged_stmt, forged_sig) = forged_by(&ws, &ecc_key, ICB);
    let (icb_stmt, icb_sig) = signed_files(&ws, ICB);
    for (what, bad) in &variants {
        std::fs::write(trust_file(&ws, ECC), bad).unwrap();
        // check fails on the entry: DP216 in the council's trust store file.
        let out = ws.output(&["check"]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", text(&out.stdout));
        let findings = trust_findings(&ws);
        assert!(
            findings
                .iter()
                .any(|(code, file, _)| code == "DP216" && file == "keys/essex-county-council.toml"),
            "{what}: {findings:?}"
        );
        // The export is well formed, holds only the ICB's key, and OpenSSH reads it so.
        let (allowed, exported) = export(&ws);
        let keys = key_lines(&exported);
        let icb_key = read(&trust_file(&ws, ICB));
        assert_eq!(keys.len(), 1, "{what}: only the ICB's key:\n{exported}");
        assert_eq!(keys[0].0, "priya@nhs.net", "{what}");
        assert!(icb_key.contains(&keys[0].1), "{what}");
        assert!(
            !exported.contains(&line),
            "{what}: the council's key is exported:\n{exported}"
        );
        assert!(
            !openssh_verifies(&allowed, "priya@nhs.net", &forged_sig, &forged_stmt),
            "{what}: ssh-keygen accepts the council's forgery as the ICB's:\n{exported}"
        );
        assert_eq!(
            openssh_principals(&allowed, &forged_sig),
            Vec::<String>::new(),
            "{what}: the council's key maps to a principal:\n{exported}"
        );
        assert!(
            openssh_verifies(&allowed, "priya@nhs.net", &icb_sig, &icb_stmt),
            "{what}: the ICB's own signature does not verify:\n{exported}"
        );
        // verify rejects the council's own signature too: its entry is unusable (DP208), or,
        // when the public key itself cannot be read, no entry holds its key (DP204).
        let (code, parties, _) = verify(&ws);
        assert_eq!(code, 1, "{what}");
        let expected = if what.starts_with("public key") {
            "DP204"
        } else {
            "DP208"
        };
        assert_eq!(
            (parties[1].1.as_str(), parties[1].2.as_str()),
            ("invalid", expected),
            "{what}"
        );
    }
}

/// The finding and `keys list` never show a trust store value's control characters raw: a
/// newline or an escape sequence in a principal or reason is shown escaped, so it cannot forge
/// a line of output or rewrite the terminal.
#[test]
fn trust_store_values_are_shown_escaped_never_raw() {
    let ws = workspace();
    let key = SigningKey::from_bytes(&[3; 32]).verifying_key();
    std::fs::write(
        trust_file(&ws, ECC),
        entry(
            "SHA256:x\u{1b}[2J",
            &sshsig::public_key_line(&key),
            "mark\nOK nhs-essex-icb  SHA256:y  active",
            &format!(
                "revoked = 2026-05-01\nrevocation_reason = {}",
                toml_str("\u{1b}[31mlost\u{202e}")
            ),
        ),
    )
    .unwrap();
    for args in [
        &["keys", "list"][..],
        &["keys", "list", "--format", "json"],
        &["check"],
        &["verify"],
    ] {
        let out = ws.output(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{202e}'),
            "{args:?}: {all:?}"
        );
        assert!(!all.contains("mark\nOK"), "{args:?}: {all}");
    }
    let out = ws.output(&["keys", "list"]);
    let listed = text(&out.stdout);
    assert!(listed.contains("mark\\nOK nhs-essex-icb"), "{listed}");
    let findings = trust_findings(&ws);
    let messages: Vec<&str> = findings.iter().map(|f| f.2.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains(
            "principal contains the control or formatting character \\u{a}, which a trust store value must never hold"
        )),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("key_id SHA256:x\\u{1b}[2J does not match the public key")),
        "{messages:?}"
    );
}

/// A public key file whose line holds a control character inside it (`\r` before a second key,
/// a tab) is refused by `keys add`, naming the character; a comment is never enrolled: the
/// trust store gets the key re-encoded, type and base64 only.
#[test]
fn keys_add_refuses_control_characters_and_enrols_the_key_without_its_comment() {
    let ws = workspace();
    let key = SigningKey::from_bytes(&[4; 32]).verifying_key();
    let line = sshsig::public_key_line(&key);
    for (body, char_name) in [
        (format!("{line} c\rpriya@nhs.net {line}\n"), "\\u{d}"),
        (format!("{line}\tc\n"), "\\u{9}"),
        (format!("{line} c\u{1b}[2J\n"), "\\u{1b}"),
        (format!("{line} c\u{2028}x\n"), "\\u{2028}"),
    ] {
        let file = ws.key_path("k.pub");
        std::fs::write(&file, &body).unwrap();
        let (code, _, err) = ws.run(&[
            "keys",
            "add",
            "--party",
            ECC,
            "--principal",
            "mark@essex.gov.uk",
            file.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{body:?}: {err}");
        assert!(
            err.contains(&format!(
                "it contains the control or formatting character {char_name}"
            )),
            "{body:?}: {err}"
        );
        assert!(!trust_file(&ws, ECC).exists(), "{body:?}");
    }
    // Padding and a comment are fine; only type and base64 are enrolled, and exported.
    let file = ws.key_path("k.pub");
    std::fs::write(&file, format!("  {line}    mark's laptop  \n")).unwrap();
    let (code, _, err) = ws.run(&[
        "keys",
        "add",
        "--party",
        ECC,
        "--principal",
        "mark@essex.gov.uk",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(read(&trust_file(&ws, ECC)).contains(&format!("public_key = \"{line}\"\n")));
    // A hand-written comment in the trust store is allowed too, and never exported.
    let path = trust_file(&ws, ECC);
    let edited = read(&path).replace(&format!("{line}\""), &format!("{line} laptop\""));
    std::fs::write(&path, edited).unwrap();
    assert!(trust_findings(&ws).is_empty());
    let (_, exported) = export(&ws);
    assert_eq!(
        key_lines(&exported),
        [("mark@essex.gov.uk".to_string(), line.clone())]
    );
    assert!(!exported.contains("laptop"), "{exported}");
}

/// `decoy` placed above the first entry of trust store file `file`.
fn with_decoy_above(file: &Path, decoy: &str) {
    let text = read(file);
    let at = text.find("[[keys]]").unwrap();
    std::fs::write(file, format!("{}{decoy}\n{}", &text[..at], &text[at..])).unwrap();
}

/// Item 3 of step 6: a decoy entry copying the real key's `key_id` (with another public key),
/// placed above the real entry, in the same file or in another party's. `keys revoke` used to
/// revoke the first entry whose `key_id` text matched, the decoy, and say "Revoked" while the
/// real key's signatures kept verifying. Now the decoy is DP216, revoke acts on the entry that
/// holds the key (the decoy's text is left untouched), and the real key's signature stops
/// counting (DP206).
#[test]
fn revoke_acts_on_the_entry_holding_the_key_never_on_a_decoy_copying_its_key_id() {
    for decoy_party in [ICB, ECC] {
        let (ws, icb_key, _) = both_signed();
        let real = signing_key(&icb_key).verifying_key();
        let id = sshsig::key_id(&real);
        let other = SigningKey::from_bytes(&[9; 32]).verifying_key();
        let decoy = entry(&id, &sshsig::public_key_line(&other), "decoy@nhs.net", "");
        with_decoy_above(&trust_file(&ws, decoy_party), &decoy);
        let decoy_file = read(&trust_file(&ws, decoy_party));

        // The decoy is an error and does not shadow the real key.
        let findings = trust_findings(&ws);
        let expected = format!(
            "key_id {id} does not match the public key, whose key id is {}",
            sshsig::key_id(&other)
        );
        assert!(
            findings
                .iter()
                .any(|(code, _, m)| code == "DP216" && m.contains(&expected)),
            "{decoy_party}: {findings:?}"
        );
        let (_, parties, _) = verify(&ws);
        assert_eq!(parties[0].1, "signed", "{decoy_party}: {parties:?}");

        let (code, _, out) = ws.run(&["keys", "revoke", &id, "--reason", "laptop lost"]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains(&format!("Revoked key {id} on "))
                && out.contains("keys/nhs-essex-icb.toml"),
            "{out}"
        );
        if decoy_party == ECC {
            assert_eq!(
                read(&trust_file(&ws, ECC)),
                decoy_file,
                "the decoy is untouched"
            );
        }
        let icb = read(&trust_file(&ws, ICB));
        let real_entry = &icb[icb.rfind("[[keys]]").unwrap()..];
        assert!(real_entry.contains("revoked = "), "{icb}");
        assert!(
            real_entry.contains(&sshsig::public_key_line(&real)),
            "{icb}"
        );
        if decoy_party == ICB {
            let decoy_entry = &icb[icb.find("[[keys]]").unwrap()..icb.rfind("[[keys]]").unwrap()];
            assert!(
                !decoy_entry.contains("revoked"),
                "the decoy was revoked:\n{icb}"
            );
        }
        let (code, parties, _) = verify(&ws);
        assert_eq!(code, 1);
        assert_eq!(
            (parties[0].1.as_str(), parties[0].2.as_str()),
            ("invalid", "DP206"),
            "{decoy_party}: the real key's signature still counts: {parties:?}"
        );
    }
}

/// With only the decoy left (the real entry gone), revoking the id it claims revokes nothing
/// and names the decoy.
#[test]
fn revoking_an_id_only_a_decoy_claims_revokes_nothing_and_names_the_decoy() {
    let ws = workspace();
    let real = SigningKey::from_bytes(&[10; 32]).verifying_key();
    let other = SigningKey::from_bytes(&[11; 32]).verifying_key();
    let id = sshsig::key_id(&real);
    let decoy = entry(&id, &sshsig::public_key_line(&other), "decoy@nhs.net", "");
    std::fs::write(trust_file(&ws, ICB), &decoy).unwrap();
    let (code, _, err) = ws.run(&["keys", "revoke", &id, "--reason", "lost"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "no entry in the trust store holds key {id}: the entry at keys/nhs-essex-icb.toml:1 has key_id {id} but its public key is {}, another key (DP216)",
            sshsig::key_id(&other)
        )),
        "{err}"
    );
    assert_eq!(read(&trust_file(&ws, ICB)), decoy, "nothing written");
}

/// A key enrolled twice, under two parties or twice under one, counts for nobody, and verify
/// says it is enrolled twice (it used to say "enrolled for another party", DP205, when the
/// other party's entry came first). `keys revoke` refuses the ambiguity, naming both entries,
/// and writes nothing.
#[test]
fn a_key_enrolled_twice_is_reported_as_such_and_revoke_refuses_the_ambiguity() {
    for second_party in [ECC, ICB] {
        let (ws, icb_key, _) = both_signed();
        let id = sshsig::key_id(&signing_key(&icb_key).verifying_key());
        let icb = read(&trust_file(&ws, ICB));
        let real_entry = icb[icb.find("[[keys]]").unwrap()..].to_string();
        let second = trust_file(&ws, second_party);
        std::fs::write(&second, format!("{}\n{real_entry}", read(&second))).unwrap();

        let (code, parties, _) = verify(&ws);
        assert_eq!(code, 1);
        let (_, status, code, message) = &parties[0];
        assert_eq!(
            (status.as_str(), code.as_str()),
            ("invalid", "DP208"),
            "{parties:?}"
        );
        assert!(
            message.contains(&format!("key {id} is enrolled more than once (2 entries: ")),
            "{second_party}: {message}"
        );

        let before = (read(&trust_file(&ws, ICB)), read(&trust_file(&ws, ECC)));
        let (code, _, err) = ws.run(&["keys", "revoke", &id, "--reason", "lost"]);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!("key {id} is enrolled 2 times: "))
                && err.contains("cannot tell which entry to revoke"),
            "{err}"
        );
        assert_eq!(
            (read(&trust_file(&ws, ICB)), read(&trust_file(&ws, ECC))),
            before
        );
    }
}

/// `key` with a point of order 8 added: another key id, the same private key.
fn with_torsion(key: &VerifyingKey) -> [u8; 32] {
    (key.to_edwards() + EIGHT_TORSION[1]).compress().to_bytes()
}

/// An SSHSIG signature over `message` under the mixed-order key `public` = A + T, made with A's
/// secret `a`: nonces are tried until the hash k is a multiple of 8, when [k]T vanishes and the
/// cofactorless check of `verify_strict` holds.
fn sign_as_mixed_order_key(a: &Scalar, public: [u8; 32], message: &[u8]) -> String {
    use ssh_key::public::{Ed25519PublicKey, KeyData};
    use ssh_key::{Algorithm, HashAlg, LineEnding, SshSig};
    let signed = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message).unwrap();
    let key = VerifyingKey::from_bytes(&public).unwrap();
    for nonce in 1u64..1000 {
        let r = Scalar::from(nonce) * Scalar::from(0x1234_5678_u64);
        let big_r = EdwardsPoint::mul_base(&r).compress().to_bytes();
        let hash: [u8; 64] = Sha512::new()
            .chain_update(big_r)
            .chain_update(public)
            .chain_update(&signed)
            .finalize()
            .into();
        let s = r + Scalar::from_bytes_mod_order_wide(&hash) * a;
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&big_r);
        bytes[32..].copy_from_slice(s.as_bytes());
        if key
            .verify_strict(&signed, &ed25519_dalek::Signature::from_bytes(&bytes))
            .is_ok()
        {
            let sig = ssh_key::Signature::new(Algorithm::Ed25519, bytes.to_vec()).unwrap();
            return SshSig::new(
                KeyData::Ed25519(Ed25519PublicKey(public)),
                NAMESPACE,
                HashAlg::Sha512,
                sig,
            )
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        }
    }
    panic!("no nonce made k a multiple of 8");
}

/// Item 5 of step 6: the ICB's public key with a small-order component added is another key id
/// for the ICB's private key. `keys add` enrolled it for the council, and one private key then
/// signed for both parties ("fully signed"). Now `keys add` refuses it, an entry written by hand
/// is DP216, and a signature made under it (which ed25519-dalek's `verify_strict` accepts) is
/// rejected (DP208): the agreement is never fully signed.
#[test]
fn one_private_key_cannot_sign_for_two_parties_through_a_key_with_a_small_order_component() {
    let ws = workspace();
    let icb_key = ws.generate_key_to(ICB, "priya@nhs.net", "icb_key");
    ws.sign(ID, ICB, &icb_key, &["--signed-at", T0]);
    let secret = signing_key(&icb_key);
    let a = secret.to_scalar();
    let twin = with_torsion(&secret.verifying_key());
    let twin_id = sshsig::key_id_of(&twin);
    assert_ne!(twin_id, sshsig::key_id(&secret.verifying_key()));

    // keys add refuses it.
    let pubfile = ws.key_path("twin.pub");
    std::fs::write(&pubfile, format!("{} twin\n", key_line(&twin))).unwrap();
    let (code, _, err) = ws.run(&[
        "keys",
        "add",
        "--party",
        ECC,
        "--principal",
        "mark@essex.gov.uk",
        "--role",
        "dpo",
        pubfile.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the key has a small-order (torsion) component"),
        "{err}"
    );
    assert!(!trust_file(&ws, ECC).exists());

    // Written in by hand: DP216, and the forged council signature is rejected.
    std::fs::write(
        trust_file(&ws, ECC),
        entry(&twin_id, &key_line(&twin), "mark@essex.gov.uk", ""),
    )
    .unwrap();
    let findings = trust_findings(&ws);
    assert!(
        findings.iter().any(|(code, file, m)| code == "DP216"
            && file == "keys/essex-county-council.toml"
            && m.contains("small-order (torsion) component")),
        "{findings:?}"
    );
    let statement = statement_for(&ws, ECC, &twin_id);
    let (stmt, sig) = signed_files(&ws, ECC);
    std::fs::write(&stmt, &statement).unwrap();
    std::fs::write(
        &sig,
        sign_as_mixed_order_key(&a, twin, statement.as_bytes()),
    )
    .unwrap();
    let (code, parties, json) = verify(&ws);
    assert_eq!(code, 1);
    assert_eq!(parties[0].1, "signed", "{parties:?}");
    assert_eq!(
        (parties[1].1.as_str(), parties[1].2.as_str()),
        ("invalid", "DP208"),
        "{parties:?}"
    );
    assert!(
        parties[1].3.contains("small-order (torsion) component"),
        "{parties:?}"
    );
    assert_ne!(json["agreements"][0]["signature_state"], "full");
}

/// Item 9 of step 6: `--valid-until +65537-01-01` was stored as 0001-01-01, and
/// `+10000-01-01`, or a revocation with `DATAPACT_TODAY` past 9999, wrote a date that made every
/// later command exit 2. Every date flag and `DATAPACT_TODAY` now take exactly YYYY-MM-DD with a
/// year from 1900 to 9999 (exit 2, nothing written); the workspace stays readable.
#[test]
fn date_flags_and_datapact_today_outside_the_years_1900_to_9999_are_refused() {
    let ws = workspace();
    let icb_key = ws.generate_key_to(ICB, "priya@nhs.net", "icb_key");
    let id = sshsig::key_id(&signing_key(&icb_key).verifying_key());
    let trust = read(&trust_file(&ws, ICB));
    let other = SigningKey::from_bytes(&[12; 32]).verifying_key();
    let pubfile = ws.key_path("other.pub");
    std::fs::write(&pubfile, sshsig::public_key_line(&other)).unwrap();
    let config_keys = || crate::common::dir_names(ws.config_home.path());
    let keys_before = config_keys();
    for date in [
        "+65537-01-01",
        "+10000-01-01",
        "10000-01-01",
        "1899-12-31",
        "0001-01-01",
        "2026-4-1",
    ] {
        for flag in ["--valid-from", "--valid-until"] {
            let out = ws.keys_generate(ECC, "mark@essex.gov.uk", &["--no-passphrase", flag, date]);
            assert_eq!(out.status.code(), Some(2), "{flag} {date}");
            let err = text(&out.stderr);
            assert!(
                err.contains("YYYY-MM-DD")
                    || err.contains("outside the years datapact accepts (1900 to 9999)"),
                "{err}"
            );
            let (code, _, err) = ws.run(&[
                "keys",
                "add",
                "--party",
                ECC,
                "--principal",
                "mark@essex.gov.uk",
                flag,
                date,
                pubfile.to_str().unwrap(),
            ]);
            assert_eq!(code, 2, "{flag} {date}: {err}");
        }
        let (code, _, err) = ws.run(&["keys", "revoke", &id, "--reason", "lost", "--date", date]);
        assert_eq!(code, 2, "--date {date}: {err}");
        let out = ws
            .cmd()
            .env("DATAPACT_TODAY", date)
            .args(["keys", "revoke", &id, "--reason", "lost"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "DATAPACT_TODAY={date}");
        assert!(
            text(&out.stderr).contains("DATAPACT_TODAY") || text(&out.stderr).contains("--today"),
            "{}",
            text(&out.stderr)
        );
        let (code, _, _) = ws.run(&["--today", date, "check"]);
        assert_eq!(code, 2, "--today {date}");
    }
    assert_eq!(read(&trust_file(&ws, ICB)), trust, "nothing written");
    assert!(!trust_file(&ws, ECC).exists(), "nothing enrolled");
    assert_eq!(config_keys(), keys_before, "no key generated");
    // The ends of the range are fine, and what is written reads back.
    let (code, _, err) = ws.run(&[
        "keys",
        "add",
        "--party",
        ECC,
        "--principal",
        "mark@essex.gov.uk",
        "--valid-from",
        "1900-01-01",
        "--valid-until",
        "9999-12-31",
        pubfile.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let written = read(&trust_file(&ws, ECC));
    assert!(
        written.contains("valid_from = 1900-01-01\nvalid_until = 9999-12-31\n"),
        "{written}"
    );
    let (code, _, err) = ws.run(&[
        "--today",
        "9999-12-31",
        "keys",
        "revoke",
        &id,
        "--reason",
        "lost",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(read(&trust_file(&ws, ICB)).contains("revoked = 9999-12-31\n"));
    let (code, _, err) = ws.run(&["check"]);
    assert_eq!(code, 0, "{err}");
}

/// Trust store dates outside 1900 to 9999 make the entry DP216 (an unreadable revocation date
/// still revokes); agreement dates outside them are DP016.
#[test]
fn file_dates_outside_the_years_1900_to_9999_are_findings() {
    let ws = workspace();
    let key = SigningKey::from_bytes(&[13; 32]).verifying_key();
    let line = sshsig::public_key_line(&key);
    let id = sshsig::key_id(&key);
    for (extra, says) in [
        (
            "valid_from = 0001-01-01",
            "valid_from = 0001-01-01: the year 1 is outside the years datapact accepts (1900 to 9999)",
        ),
        (
            "valid_until = 1899-12-31",
            "valid_until = 1899-12-31: the year 1899 is outside",
        ),
        (
            "revoked = 1000-01-01",
            "revoked = 1000-01-01: the year 1000 is outside",
        ),
    ] {
        std::fs::write(trust_file(&ws, ICB), entry(&id, &line, "p@nhs.net", extra)).unwrap();
        let findings = trust_findings(&ws);
        assert!(
            findings
                .iter()
                .any(|(code, _, m)| code == "DP216" && m.contains(says)),
            "{extra}: {findings:?}"
        );
        let out = ws.output(&["check"]);
        assert_eq!(out.status.code(), Some(1), "{extra}");
    }
    let (_, json) = json(&ws, &["keys", "list", "--format", "json"]);
    assert!(
        json["keys"][0]["revoked"].is_string(),
        "still revoked: {json}"
    );

    let agreement = ws.root().join(format!("agreements/{ID}.toml"));
    let text = read(&agreement);
    let approved = text.lines().find(|l| l.starts_with("approved = ")).unwrap();
    std::fs::write(
        &agreement,
        text.replacen(approved, "approved = 1899-12-31", 1),
    )
    .unwrap();
    let (code, report, _) = ws.validate_json(&[]);
    assert_eq!(code, 1);
    let findings = crate::common::findings(&report);
    assert!(
        findings.iter().any(|(code, _, m)| code == "DP016"
            && m.ends_with(
                "is 1899-12-31: the year 1899 is outside the years datapact accepts (1900 to 9999)"
            )),
        "{findings:?}"
    );
}

/// Windows at the ends of what OpenSSH can express, widened by a day on each side: the ICB's
/// key, valid 1970-01-03 to 9999-12-29, gets both options (`valid-after="19700102"`,
/// `valid-before="99991231"`); the council's, valid from before 1970 until 9999-12-31, gets
/// neither (OpenSSH reads no local time before 1970, and two days after 9999-12-31 has five
/// digits of year); a key whose window ended before 1970 is left out; and
/// ssh-keygen reads every line, verifying both parties' signatures.
#[test]
fn exported_validity_windows_at_the_ends_of_the_years_are_read_by_openssh() {
    if !ssh_keygen_available() {
        return;
    }
    let (ws, _, _) = both_signed();
    let window = |party: &str, from: &str, until: &str| {
        let path = trust_file(&ws, party);
        let edited = read(&path).replace(
            "roles = [\"dpo\"]",
            &format!("roles = [\"dpo\"]\nvalid_from = {from}\nvalid_until = {until}"),
        );
        std::fs::write(&path, edited).unwrap();
    };
    window(ICB, "1970-01-03", "9999-12-29");
    window(ECC, "1950-06-01", "9999-12-31");
    let old = SigningKey::from_bytes(&[14; 32]).verifying_key();
    let path = trust_file(&ws, ECC);
    let old_entry = entry(
        &sshsig::key_id(&old),
        &sshsig::public_key_line(&old),
        "old@nhs.net",
        "valid_from = 1960-01-01\nvalid_until = 1969-12-30",
    );
    std::fs::write(&path, format!("{}\n{old_entry}", read(&path))).unwrap();
    assert!(trust_findings(&ws).is_empty());
    let (allowed, exported) = export(&ws);
    assert_eq!(key_lines(&exported).len(), 2, "{exported}");
    for expected in [
        format!("priya@nhs.net namespaces=\"{NAMESPACE}\",valid-after=\"19700102\",valid-before=\"99991231\" ssh-ed25519 "),
        format!("mark@essex.gov.uk namespaces=\"{NAMESPACE}\" ssh-ed25519 "),
        "# left out (its validity ended before 1970, which allowed_signers cannot express): old@nhs.net ".to_string(),
    ] {
        assert!(exported.contains(&expected), "{expected}\n{exported}");
    }
    for (party, principal) in [(ICB, "priya@nhs.net"), (ECC, "mark@essex.gov.uk")] {
        let (stmt, sig) = signed_files(&ws, party);
        assert!(
            openssh_verifies(&allowed, principal, &sig, &stmt),
            "{party}: {exported}"
        );
    }
}
