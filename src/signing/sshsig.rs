//! OpenSSH SSHSIG signatures (`PROTOCOL.sshsig`), as made by `ssh-keygen -Y sign`: signing with
//! an ed25519-dalek key and verifying with `verify_strict`. `ssh_key::SshSig` does the wire
//! encoding and the armour; the Ed25519 check is done here, because `ssh_key`'s own verifier uses
//! the non-strict `verify`.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use ssh_key::public::{Ed25519PublicKey, KeyData};
use ssh_key::{Algorithm, HashAlg, LineEnding, SshSig};

/// The SSHSIG namespace of datapact statements. A signature made for any other purpose (git
/// commits use `git`, `ssh-keygen -Y sign` files use `file`) never verifies as a statement.
pub const NAMESPACE: &str = "datapact-agreement@datapact.dev";

/// Why a signature does not verify. Each variant's text is a complete explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigProblem {
    /// The file is not an armoured SSHSIG signature, or its contents cannot be decoded.
    Malformed(String),
    /// The signature was made for another namespace.
    WrongNamespace(String),
    /// The signing key is not Ed25519, not a valid curve point, or a weak (small-order) key.
    BadKey(String),
    /// The Ed25519 signature does not verify over this message.
    BadSignature,
}

impl std::fmt::Display for SigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigProblem::Malformed(why) => write!(f, "not a valid SSH signature: {why}"),
            SigProblem::WrongNamespace(ns) => {
                write!(
                    f,
                    "signature was made for namespace {ns:?}, not {NAMESPACE:?}; it was not made as a datapact signature"
                )
            }
            SigProblem::BadKey(why) => write!(f, "signature key is unusable: {why}"),
            SigProblem::BadSignature => {
                f.write_str("the signature does not match the signed file (bad signature)")
            }
        }
    }
}

/// The OpenSSH public key wire form of an Ed25519 key.
pub fn key_data(key: &VerifyingKey) -> KeyData {
    KeyData::Ed25519(Ed25519PublicKey(key.to_bytes()))
}

/// The key id: the OpenSSH `SHA256:` fingerprint, as `ssh-keygen -l` prints it.
pub fn key_id(key: &VerifyingKey) -> String {
    key_id_of(key.as_bytes())
}

/// The key id of an Ed25519 public key given as its 32 bytes, usable or not: what trust store
/// lookups and the once-only rule go by.
pub fn key_id_of(bytes: &[u8; 32]) -> String {
    KeyData::Ed25519(Ed25519PublicKey(*bytes))
        .fingerprint(HashAlg::Sha256)
        .to_string()
}

/// The `ssh-ed25519 AAAA...` public key line (without comment).
pub fn public_key_line(key: &VerifyingKey) -> String {
    ssh_key::PublicKey::from(key_data(key))
        .to_openssh()
        .unwrap_or_else(|_| String::from("ssh-ed25519 (unencodable key)"))
}

/// Signs `message` in the datapact namespace (hash sha512, ssh-keygen's default) and returns
/// the armoured signature, LF line endings, ending in a newline.
pub fn sign(key: &SigningKey, message: &[u8]) -> Result<String, SigProblem> {
    armour(&key.verifying_key(), &key.sign(&signed_data(message)?))
}

/// What an SSHSIG signature of `message` in the datapact namespace (hash sha512) signs: the
/// bytes an Ed25519 key signs, here or in an ssh-agent, before [`armour`] wraps the signature.
pub fn signed_data(message: &[u8]) -> Result<Vec<u8>, SigProblem> {
    SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message)
        .map_err(|e| SigProblem::Malformed(e.to_string()))
}

/// The armoured SSHSIG signature (LF line endings, ending in a newline) of `signature`, made by
/// `key` over [`signed_data`] of a message.
pub fn armour(
    key: &VerifyingKey,
    signature: &ed25519_dalek::Signature,
) -> Result<String, SigProblem> {
    let ssh_signature = ssh_key::Signature::new(Algorithm::Ed25519, signature.to_bytes().to_vec())
        .map_err(|e| SigProblem::Malformed(e.to_string()))?;
    let sig = SshSig::new(key_data(key), NAMESPACE, HashAlg::Sha512, ssh_signature)
        .map_err(|e| SigProblem::Malformed(e.to_string()))?;
    let mut pem = sig
        .to_pem(LineEnding::LF)
        .map_err(|e| SigProblem::Malformed(e.to_string()))?;
    if !pem.ends_with('\n') {
        pem.push('\n');
    }
    Ok(pem)
}

/// Parses an armoured signature (`-----BEGIN SSH SIGNATURE-----`).
pub fn parse(armoured: &[u8]) -> Result<SshSig, SigProblem> {
    let text = std::str::from_utf8(armoured)
        .map_err(|_| SigProblem::Malformed("the file is not text".into()))?;
    if !text
        .trim_start()
        .starts_with("-----BEGIN SSH SIGNATURE-----")
    {
        return Err(SigProblem::Malformed(
            "it does not start with -----BEGIN SSH SIGNATURE-----".into(),
        ));
    }
    SshSig::from_pem(text.trim())
        .map_err(|e| SigProblem::Malformed(format!("cannot decode it ({e})")))
}

/// Checks that a public key is a usable Ed25519 key: a valid curve point, not of small order
/// (weak: a signature under it can verify for many messages) and torsion-free (in the
/// prime-order subgroup). A key with a small-order component added, A + T, is another key id for
/// the private key of A: `verify_strict` accepts its signatures whenever the hash is a multiple
/// of T's order (one try in eight), so the one private key could sign for two parties. Every
/// usable key is written in the canonical encoding of its point (the non-canonical encodings are
/// all of points of small or mixed order; `non_canonical_encodings_are_never_usable` tries each),
/// so a usable key has one encoding and one key id.
pub fn usable_key(bytes: &[u8; 32]) -> Result<VerifyingKey, String> {
    // The answer depends on the bytes alone, and a register has a few dozen keys but tens of
    // thousands of signatures: each key is judged once a run (the subgroup check costs as much
    // as a verification). At most `JUDGED_KEYS` answers are kept, so a workspace of made-up
    // keys cannot grow the memory without bound.
    type Judged = std::collections::HashMap<[u8; 32], Result<VerifyingKey, String>>;
    static JUDGED: std::sync::OnceLock<std::sync::RwLock<Judged>> = std::sync::OnceLock::new();
    const JUDGED_KEYS: usize = 4096;
    let judged = JUDGED.get_or_init(Default::default);
    if let Some(answer) = judged.read().ok().and_then(|j| j.get(bytes).cloned()) {
        return answer;
    }
    let answer = judge_key(bytes);
    if let Ok(mut j) = judged.write()
        && j.len() < JUDGED_KEYS
    {
        j.insert(*bytes, answer.clone());
    }
    answer
}

/// [`usable_key`]'s judgement, made afresh.
fn judge_key(bytes: &[u8; 32]) -> Result<VerifyingKey, String> {
    let key = VerifyingKey::from_bytes(bytes)
        .map_err(|_| "the key is not a valid Ed25519 public key".to_string())?;
    if key.is_weak() {
        return Err(
            "the key is a weak (small-order) Ed25519 key, for which forged signatures verify"
                .into(),
        );
    }
    if !key.to_edwards().is_torsion_free() {
        return Err(
            "the key has a small-order (torsion) component: it is not in Ed25519's prime-order subgroup, \
             so the private key of another key id could sign as this one"
                .into(),
        );
    }
    Ok(key)
}

/// The SSHSIG hash algorithms a signature may name. datapact writes sha512; sha256 is accepted
/// too, because `PROTOCOL.sshsig` allows both, OpenSSH verifies both, and a partner signing
/// with `ssh-keygen -Y sign -O hashalg=sha256` makes one. Either is collision resistant, and
/// the name is part of the signed data, so relabelling a signature's hash breaks it.
pub const ACCEPTED_HASHES: [HashAlg; 2] = [HashAlg::Sha512, HashAlg::Sha256];

/// Verifies `sig` over `message` in the datapact namespace with `verify_strict`, and returns
/// the key that made it. The caller decides whether that key is trusted. A hash algorithm other
/// than those of [`ACCEPTED_HASHES`] is malformed.
pub fn verify(sig: &SshSig, message: &[u8]) -> Result<VerifyingKey, SigProblem> {
    if sig.version() != SshSig::VERSION {
        return Err(SigProblem::Malformed(format!(
            "unsupported SSHSIG version {}",
            sig.version()
        )));
    }
    if sig.namespace() != NAMESPACE {
        return Err(SigProblem::WrongNamespace(sig.namespace().to_string()));
    }
    if !sig.reserved().is_empty() {
        return Err(SigProblem::Malformed(
            "the reserved field is not empty".into(),
        ));
    }
    let public = sig.public_key().ed25519().ok_or_else(|| {
        SigProblem::BadKey(format!(
            "it is {} {} key; datapact uses Ed25519 only",
            crate::text::a_or_an(sig.public_key().algorithm().as_str()),
            sig.public_key().algorithm()
        ))
    })?;
    if sig.algorithm() != Algorithm::Ed25519 {
        return Err(SigProblem::Malformed(format!(
            "signature algorithm is {}, not ssh-ed25519",
            sig.algorithm()
        )));
    }
    if !ACCEPTED_HASHES.contains(&sig.hash_alg()) {
        return Err(SigProblem::Malformed(format!(
            "hash algorithm {} is not sha512 or sha256",
            sig.hash_alg()
        )));
    }
    let bytes: [u8; 64] = sig
        .signature_bytes()
        .try_into()
        .map_err(|_| SigProblem::Malformed("the Ed25519 signature is not 64 bytes long".into()))?;
    let signed = SshSig::signed_data(NAMESPACE, sig.hash_alg(), message)
        .map_err(|e| SigProblem::Malformed(e.to_string()))?;
    verify_raw(&public.0, &signed, &bytes)
}

/// The Ed25519 decision itself, used by [`verify`] on the SSHSIG signed-data blob: refuses an
/// unusable key ([`usable_key`]), then checks `signature` over `message` with `verify_strict`
/// (canonical `s` and `R`, neither `R` nor the key of small order), and returns the key.
/// `message` is exactly what was signed; no SSHSIG framing is added.
pub fn verify_raw(
    public: &[u8; 32],
    message: &[u8],
    signature: &[u8; 64],
) -> Result<VerifyingKey, SigProblem> {
    let key = usable_key(public).map_err(SigProblem::BadKey)?;
    let signature = ed25519_dalek::Signature::from_bytes(signature);
    key.verify_strict(message, &signature)
        .map_err(|_| SigProblem::BadSignature)?;
    Ok(key)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their files directly
mod tests {
    use super::*;
    use std::process::Command;

    fn test_key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    /// True when ssh-keygen runs; without it the test fails rather than passing silently,
    /// unless `DATAPACT_SKIP_OPENSSH_TESTS=1` skips it knowingly.
    fn ssh_keygen_available() -> bool {
        if Command::new("ssh-keygen").arg("-?").output().is_ok() {
            return true;
        }
        assert!(
            std::env::var("DATAPACT_SKIP_OPENSSH_TESTS").is_ok_and(|v| v == "1"),
            "ssh-keygen is not on PATH: install OpenSSH's client (Debian: openssh-client), or set \
             DATAPACT_SKIP_OPENSSH_TESTS=1 to skip the OpenSSH interoperability test knowingly"
        );
        eprintln!(
            "note: DATAPACT_SKIP_OPENSSH_TESTS=1: skipping the OpenSSH interoperability test"
        );
        false
    }

    /// Signs `message` (a file) with real `ssh-keygen -Y sign` in datapact's namespace, with
    /// `extra` options; the signature is written beside it as `<message>.sig`.
    fn ssh_keygen_sign(key: &std::path::Path, message: &std::path::Path, extra: &[&str]) {
        let signed = std::process::Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", NAMESPACE])
            .args(extra)
            .arg("-f")
            .arg(key)
            .arg(message)
            .output()
            .unwrap();
        assert!(
            signed.status.success(),
            "{}",
            String::from_utf8_lossy(&signed.stderr)
        );
    }

    #[test]
    fn round_trip_verifies_and_names_the_key() {
        let key = test_key(7);
        let pem = sign(&key, b"hello").unwrap();
        assert!(pem.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        let sig = parse(pem.as_bytes()).unwrap();
        let signer = verify(&sig, b"hello").unwrap();
        assert_eq!(signer, key.verifying_key());
        assert!(key_id(&signer).starts_with("SHA256:"));
    }

    /// The armour is written as a file as it is: LF line endings only, and exactly one newline
    /// after the END line (as `ssh-keygen -Y sign` writes it), for every message.
    #[test]
    fn armoured_signature_has_lf_lines_and_ends_with_exactly_one_newline() {
        for message in [&b""[..], b"hello", &[b'x'; 1000]] {
            let pem = sign(&test_key(4), message).unwrap();
            assert!(pem.ends_with("\n-----END SSH SIGNATURE-----\n"), "{pem:?}");
            assert!(!pem.ends_with("\n\n"), "{pem:?}");
            assert!(!pem.contains('\r'), "{pem:?}");
            assert_eq!(pem.matches('\n').count(), pem.lines().count(), "{pem:?}");
        }
    }

    #[test]
    fn changed_message_fails() {
        let key = test_key(7);
        let sig = parse(sign(&key, b"hello").unwrap().as_bytes()).unwrap();
        assert_eq!(verify(&sig, b"hellp"), Err(SigProblem::BadSignature));
    }

    #[test]
    fn other_namespaces_are_rejected() {
        let key = test_key(9);
        for ns in ["git", "file"] {
            let data = SshSig::signed_data(ns, HashAlg::Sha512, b"m").unwrap();
            let s =
                ssh_key::Signature::new(Algorithm::Ed25519, key.sign(&data).to_bytes().to_vec())
                    .unwrap();
            let sig = SshSig::new(key_data(&key.verifying_key()), ns, HashAlg::Sha512, s).unwrap();
            assert_eq!(
                verify(&sig, b"m"),
                Err(SigProblem::WrongNamespace(ns.into()))
            );
        }
    }

    #[test]
    fn weak_key_with_trivial_signature_is_rejected() {
        // The identity point as public key with R = identity, s = 0: non-strict verification
        // accepts this for any message.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut sig_bytes = [0u8; 64];
        sig_bytes[0] = 1;
        let s = ssh_key::Signature::new(Algorithm::Ed25519, sig_bytes.to_vec()).unwrap();
        let sig = SshSig::new(
            KeyData::Ed25519(Ed25519PublicKey(identity)),
            NAMESPACE,
            HashAlg::Sha512,
            s,
        )
        .unwrap();
        assert!(matches!(
            verify(&sig, b"anything"),
            Err(SigProblem::BadKey(_))
        ));
        assert!(usable_key(&identity).is_err());
    }

    /// The armoured signature `pem` with its hash algorithm's name (`sha512`, in the binary
    /// blob) replaced by `name`, a name of the same length.
    fn relabelled(pem: &str, name: &str) -> String {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let mut blob = engine.decode(body).unwrap();
        let at = blob
            .windows(6)
            .position(|w| w == b"sha512")
            .expect("the blob names sha512");
        blob[at..at + 6].copy_from_slice(name.as_bytes());
        let body = engine.encode(blob);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(70)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
            lines.join("\n")
        )
    }

    /// What datapact writes is sha512; a signature relabelled sha256 no longer verifies (the
    /// name is signed), and a hash that SSHSIG does not define is malformed, not a panic.
    #[test]
    fn datapact_writes_sha512_and_a_relabelled_hash_never_verifies() {
        let key = test_key(5);
        let pem = sign(&key, b"statement").unwrap();
        let sig = parse(pem.as_bytes()).unwrap();
        assert_eq!(sig.hash_alg(), HashAlg::Sha512);
        assert!(verify(&sig, b"statement").is_ok());
        let as_sha256 = parse(relabelled(&pem, "sha256").as_bytes()).unwrap();
        assert_eq!(as_sha256.hash_alg(), HashAlg::Sha256);
        assert_eq!(
            verify(&as_sha256, b"statement"),
            Err(SigProblem::BadSignature)
        );
        for unknown in ["sha384", "sha1\0\0", "SHA512"] {
            assert!(
                matches!(
                    parse(relabelled(&pem, unknown).as_bytes()),
                    Err(SigProblem::Malformed(_))
                ),
                "{unknown:?}"
            );
        }
        // A sha256 signature made properly verifies.
        let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha256, b"statement").unwrap();
        let s = ssh_key::Signature::new(Algorithm::Ed25519, key.sign(&data).to_bytes().to_vec())
            .unwrap();
        let sig = SshSig::new(
            key_data(&key.verifying_key()),
            NAMESPACE,
            HashAlg::Sha256,
            s,
        )
        .unwrap();
        assert_eq!(verify(&sig, b"statement"), Ok(key.verifying_key()));
        assert_eq!(verify(&sig, b"statemenu"), Err(SigProblem::BadSignature));
    }

    /// `ssh-keygen -Y sign -O hashalg=sha256` (OpenSSH's other hash) verifies, and OpenSSH
    /// verifies datapact's sha512 (`interoperates_with_ssh_keygen`).
    #[test]
    fn a_sha256_signature_made_by_ssh_keygen_verifies() {
        if !ssh_keygen_available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("id_ed25519");
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
            .arg(&key_path)
            .output()
            .unwrap();
        assert!(made.status.success());
        let message = b"type = \"datapact-statement/1\"\n";
        let msg_path = dir.path().join("statement.toml");
        std::fs::write(&msg_path, message).unwrap();
        ssh_keygen_sign(&key_path, &msg_path, &["-O", "hashalg=sha256"]);
        let sig = parse(&std::fs::read(dir.path().join("statement.toml.sig")).unwrap()).unwrap();
        assert_eq!(sig.hash_alg(), HashAlg::Sha256);
        assert!(verify(&sig, message).is_ok());
        assert_eq!(verify(&sig, b"other"), Err(SigProblem::BadSignature));
    }

    /// Every non-canonical encoding of a point: y + p for y < 19 (p = 2^255 - 19), with either
    /// sign bit, and the sign bit set where x = 0 (y = 1 and y = p - 1). Each decodes to a
    /// point of small or mixed order, so `usable_key` refuses them all: a usable key is always
    /// the canonical encoding of its point, and one point has one key id.
    #[test]
    fn non_canonical_encodings_are_never_usable() {
        let little_endian = |limbs: &[(usize, u8)]| {
            let mut b = [0u8; 32];
            for &(i, v) in limbs {
                b[i] = v;
            }
            b
        };
        let p = {
            let mut b = [0xffu8; 32];
            b[0] = 0xed;
            b[31] = 0x7f;
            b
        };
        let mut encodings = Vec::new();
        for y in 0u8..19 {
            let mut b = p;
            b[0] = b[0].wrapping_add(y); // 0xed + y < 0x100: no carry for y < 19
            encodings.push(b);
            b[31] |= 0x80;
            encodings.push(b);
        }
        let mut minus_one = p;
        minus_one[0] = 0xec;
        for mut b in [little_endian(&[(0, 1)]), minus_one] {
            b[31] |= 0x80;
            encodings.push(b);
        }
        let mut decoded = 0;
        for b in encodings {
            let Ok(key) = VerifyingKey::from_bytes(&b) else {
                continue;
            };
            decoded += 1;
            assert_ne!(key.to_edwards().compress().to_bytes(), b, "non-canonical");
            assert!(usable_key(&b).is_err(), "{b:?}");
        }
        assert!(decoded >= 20, "most of them decode ({decoded})");
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for input in [
            &b""[..],
            b"-----BEGIN SSH SIGNATURE-----\n",
            b"\xff\xfe",
            b"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n",
        ] {
            assert!(matches!(parse(input), Err(SigProblem::Malformed(_))));
        }
        let pem = sign(&test_key(1), b"x").unwrap();
        for cut in 0..pem.len() {
            let _ = parse(&pem.as_bytes()[..cut]);
        }
    }

    #[test]
    fn interoperates_with_ssh_keygen() {
        if !ssh_keygen_available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let key = test_key(3);
        let message = b"type = \"datapact-statement/1\"\n";
        let msg_path = dir.path().join("statement.toml");
        std::fs::write(&msg_path, message).unwrap();
        let sig_path = dir.path().join("statement.toml.sig");
        std::fs::write(&sig_path, sign(&key, message).unwrap()).unwrap();
        let allowed = dir.path().join("allowed_signers");
        std::fs::write(
            &allowed,
            format!(
                "alice@example.org namespaces=\"{NAMESPACE}\" {}\n",
                public_key_line(&key.verifying_key())
            ),
        )
        .unwrap();
        let out = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", "alice@example.org", "-n", NAMESPACE, "-s"])
            .arg(&sig_path)
            .stdin(std::fs::File::open(&msg_path).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ssh-keygen -Y verify failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        // And the other way round: ssh-keygen signs, we verify.
        let key_path = dir.path().join("id_ed25519");
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
            .arg(&key_path)
            .output()
            .unwrap();
        assert!(made.status.success());
        let msg2_path = dir.path().join("second.toml");
        std::fs::write(&msg2_path, message).unwrap();
        ssh_keygen_sign(&key_path, &msg2_path, &[]);
        let armour = std::fs::read(dir.path().join("second.toml.sig")).unwrap();
        let sig = parse(&armour).unwrap();
        let signer = verify(&sig, message).unwrap();
        let pub_line = std::fs::read_to_string(key_path.with_extension("pub")).unwrap();
        assert!(pub_line.starts_with(&public_key_line(&signer)));
    }
}
