//! The Ed25519 edge-case vectors of "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko,
//! 2020), vendored from the public repository novifinancial/ed25519-speccheck in
//! tests/fixtures/ed25519-speccheck/ (its README says what each case is).
//!
//! datapact signs SSHSIG signed-data blobs, never a raw message, so the vectors cannot arrive in
//! a `.sig` file as they are. They are run instead through `sshsig::verify_raw`, the one function
//! that makes the Ed25519 decision for `sshsig::verify` (weak-key refusal, then `verify_strict`),
//! and, to document what that decision adds, through ed25519-dalek's non-strict `verify` and its
//! `verify_strict`. `EXPECTED` states the outcome of each case; datapact accepts none of them.
//!
//! `usable_key` refuses, as `BadKey`, every key that is not in Ed25519's prime-order subgroup:
//! weak (small-order) keys, and since step 6 also mixed-order keys (a key with a small-order
//! component added), which are a second key id for the same private key (docs/signing.md, "one
//! private key enrolled for two parties"). Ten of the twelve vectors use such keys, so they now
//! stop at `usable_key`; before, case 3 (mixed-order key and R) was accepted. Cases 6 and 7 use
//! an ordinary key and are refused by `verify_strict` for their non-canonical S.
//!
//! No vector is left in which an ordinary key meets a signature the non-strict `verify` accepts
//! and `verify_strict` refuses (case 2 was that witness), so
//! `verify_strict_is_distinguishable_from_verify` makes one: R the identity (small order) and
//! S = k·a under a key A = a·B, which satisfies the non-strict equation. Replacing `verify_strict`
//! with `verify` in sshsig.rs fails it. The last test forges an SSHSIG signature under a weak key
//! that the non-strict check accepts for many messages.

use datapact::signing::sshsig::{self, NAMESPACE, SigProblem};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use ssh_key::public::{Ed25519PublicKey, KeyData};
use ssh_key::{Algorithm, HashAlg, LineEnding, SshSig};

/// datapact's outcome for a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    /// `SigProblem::BadKey`: `usable_key` refuses the key (weak, or not torsion-free).
    BadKey,
    /// `SigProblem::BadSignature`: the key is usable, `verify_strict` refuses the signature.
    BadSignature,
}

/// One row per case: index, what it is (from the paper's table), whether ed25519-dalek's
/// non-strict `verify` accepts it, whether its `verify_strict` accepts it, and datapact's
/// outcome (`sshsig::verify_raw`).
#[rustfmt::skip]
const EXPECTED: [(usize, &str, bool, bool, Outcome); 12] = [
    // case, what it is,                                      verify strict datapact
    (0,  "S = 0, small-order A and R",                        true,  false, Outcome::BadKey),
    (1,  "small-order A, mixed-order R",                      true,  false, Outcome::BadKey),
    // Cases 2 to 5, 8 and 9: the key is of mixed order (not small, not torsion-free), refused by
    // `usable_key` before any signature check. Until step 6 they reached `verify_strict` (case 2
    // was refused there for its small-order R, and case 3, "succeeds unless full order is
    // checked", was accepted): a mixed-order key A + T signs for whoever holds A's secret, under
    // another key id than A, so one private key could be enrolled for two parties.
    (2,  "mixed-order A, small-order R",                      true,  false, Outcome::BadKey),
    (3,  "mixed-order A and R",                               true,  true,  Outcome::BadKey),
    (4,  "mixed-order A and R, cofactored equation only",     false, false, Outcome::BadKey),
    (5,  "mixed-order A, cofactored with prereduced 8h only", false, false, Outcome::BadKey),
    // An ordinary key: `verify_strict` refuses the non-canonical S.
    (6,  "non-canonical S (S > L)",                           false, false, Outcome::BadSignature),
    (7,  "non-canonical S (S >> L, top bits set)",            false, false, Outcome::BadSignature),
    (8,  "non-canonical small-order R, reduced for hash",     false, false, Outcome::BadKey),
    (9,  "non-canonical small-order R, not reduced for hash", false, false, Outcome::BadKey),
    (10, "non-canonical small-order A, reduced for hash",     false, false, Outcome::BadKey),
    (11, "non-canonical small-order A, not reduced for hash", true,  false, Outcome::BadKey),
];

struct Case {
    message: Vec<u8>,
    public: [u8; 32],
    signature: [u8; 64],
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len() % 2 == 0, "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn cases() -> Vec<Case> {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/ed25519-speccheck/cases.json"))
            .expect("cases.json is JSON");
    let field = |case: &serde_json::Value, name: &str| {
        hex(case[name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} is a string")))
    };
    json.as_array()
        .expect("cases.json is an array")
        .iter()
        .map(|case| Case {
            message: field(case, "message"),
            public: field(case, "pub_key").try_into().expect("32-byte key"),
            signature: field(case, "signature")
                .try_into()
                .expect("64-byte signature"),
        })
        .collect()
}

fn datapact_outcome(case: &Case) -> Outcome {
    match sshsig::verify_raw(&case.public, &case.message, &case.signature) {
        Ok(key) => {
            assert_eq!(
                key.to_bytes(),
                case.public,
                "verify_raw returns the signing key"
            );
            Outcome::Accepted
        }
        Err(SigProblem::BadKey(_)) => Outcome::BadKey,
        Err(SigProblem::BadSignature) => Outcome::BadSignature,
        Err(other) => panic!("unexpected problem {other:?}"),
    }
}

/// The key of a vector; every key in the set is a point on the curve.
fn dalek_key(case: &Case) -> VerifyingKey {
    VerifyingKey::from_bytes(&case.public).expect("every vector's key decompresses")
}

#[test]
fn vectors_are_the_twelve_published_cases() {
    let cases = cases();
    assert_eq!(cases.len(), 12);
    assert_eq!(EXPECTED.len(), cases.len());
    for (i, row) in EXPECTED.iter().enumerate() {
        assert_eq!(row.0, i, "EXPECTED is in case order");
    }
}

#[test]
fn ed25519_dalek_verify_and_verify_strict_outcomes() {
    for (case, &(i, what, nonstrict, strict, _)) in cases().iter().zip(&EXPECTED) {
        let key = dalek_key(case);
        let signature = Signature::from_bytes(&case.signature);
        assert_eq!(
            key.verify(&case.message, &signature).is_ok(),
            nonstrict,
            "case {i} ({what}): ed25519-dalek verify"
        );
        assert_eq!(
            key.verify_strict(&case.message, &signature).is_ok(),
            strict,
            "case {i} ({what}): ed25519-dalek verify_strict"
        );
    }
}

/// Every vector is refused. The only case ed25519-dalek's `verify_strict` accepts (3) has a
/// mixed-order key, which `usable_key` refuses since step 6.
#[test]
fn datapact_accepts_none_of_the_edge_cases() {
    for (case, &(i, what, _, _, expected)) in cases().iter().zip(&EXPECTED) {
        assert_eq!(
            datapact_outcome(case),
            expected,
            "case {i} ({what}): datapact"
        );
    }
    assert!(EXPECTED.iter().all(|row| row.4 != Outcome::Accepted));
}

#[test]
fn keys_outside_the_prime_order_subgroup_in_the_vectors_are_refused_by_usable_key() {
    let cases = cases();
    for i in [0, 1, 10, 11] {
        let case = &cases[i];
        assert!(
            dalek_key(case).is_weak(),
            "case {i}: the key is of small order"
        );
        let why = sshsig::usable_key(&case.public).unwrap_err();
        assert!(why.contains("weak (small-order)"), "case {i}: {why}");
    }
    for i in [2, 3, 4, 5, 8, 9] {
        let case = &cases[i];
        let key = dalek_key(case);
        assert!(!key.is_weak(), "case {i}: not of small order");
        assert!(
            !key.to_edwards().is_torsion_free(),
            "case {i}: the key has a small-order component"
        );
        let why = sshsig::usable_key(&case.public).unwrap_err();
        assert!(
            why.contains("small-order (torsion) component"),
            "case {i}: {why}"
        );
    }
    for i in [6, 7] {
        let case = &cases[i];
        assert!(dalek_key(case).to_edwards().is_torsion_free(), "case {i}");
        assert!(sshsig::usable_key(&case.public).is_ok(), "case {i}");
    }
}

/// A signature that the non-strict `verify` accepts and `verify_strict` refuses, under an
/// ordinary (torsion-free) key A = a·B: R is the identity, a point of small order, and
/// S = k·a with k = H(R || A || M), so [S]B = R + [k]A holds. Returns (A, message, signature).
fn small_order_r_under_an_ordinary_key() -> ([u8; 32], Vec<u8>, [u8; 64]) {
    use curve25519_dalek::{EdwardsPoint, Scalar};
    use sha2::{Digest, Sha512};
    let a = Scalar::from(0x5eed_u64);
    let public = EdwardsPoint::mul_base(&a).compress().to_bytes();
    let message = b"type = \"datapact-statement/1\"\n".to_vec();
    let mut r = [0u8; 32];
    r[0] = 1; // the identity
    let hash: [u8; 64] = Sha512::new()
        .chain_update(r)
        .chain_update(public)
        .chain_update(&message)
        .finalize()
        .into();
    let s = Scalar::from_bytes_mod_order_wide(&hash) * a;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&r);
    signature[32..].copy_from_slice(s.as_bytes());
    (public, message, signature)
}

#[test]
fn verify_strict_is_distinguishable_from_verify() {
    // An ordinary key, R of small order. Non-strict verification accepts it; verify_strict, and
    // so datapact, refuses it, after usable_key has accepted the key. With `verify` in place of
    // `verify_strict` in sshsig.rs, datapact would accept it.
    let (public, message, signature) = small_order_r_under_an_ordinary_key();
    let key = VerifyingKey::from_bytes(&public).unwrap();
    let sig = Signature::from_bytes(&signature);
    assert!(!key.is_weak() && key.to_edwards().is_torsion_free());
    assert!(sshsig::usable_key(&public).is_ok());
    assert!(
        Verifier::verify(&key, &message, &sig).is_ok(),
        "ed25519-dalek's non-strict verify accepts it"
    );
    assert!(key.verify_strict(&message, &sig).is_err());
    assert_eq!(
        sshsig::verify_raw(&public, &message, &signature),
        Err(SigProblem::BadSignature),
        "datapact refuses it with verify_strict"
    );
}

/// An SSHSIG signature under `public` with raw Ed25519 signature bytes `signature`.
fn sshsig_with(public: [u8; 32], signature: [u8; 64]) -> SshSig {
    let s = ssh_key::Signature::new(Algorithm::Ed25519, signature.to_vec()).unwrap();
    SshSig::new(
        KeyData::Ed25519(Ed25519PublicKey(public)),
        NAMESPACE,
        HashAlg::Sha512,
        s,
    )
    .unwrap()
}

#[test]
fn weak_key_forgery_in_an_sshsig_file_is_a_bad_key() {
    // The small-order key of cases 0 and 1 (a point of order 8). With R = the identity and S = 0
    // the non-strict equation [S]B = R + [k]A holds whenever 8 divides k = H(R || A || M), that
    // is for about one message in eight, with no private key at all.
    let weak = cases()[0].public;
    let mut forged = [0u8; 64];
    forged[0] = 1; // R = identity (y = 1), S = 0
    let key = VerifyingKey::from_bytes(&weak).unwrap();
    let signature = Signature::from_bytes(&forged);
    let forged_for: Vec<Vec<u8>> = (0..64)
        .map(|i| format!("agreement version {i}\n").into_bytes())
        .filter(|message| {
            let signed = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message).unwrap();
            key.verify(&signed, &signature).is_ok()
        })
        .collect();
    assert!(
        forged_for.len() >= 2,
        "one forged signature verifies (non-strict) for several messages"
    );

    for message in &forged_for {
        // Through the armoured file, as `datapact verify` reads it.
        let pem = sshsig_with(weak, forged).to_pem(LineEnding::LF).unwrap();
        let sig = sshsig::parse(pem.as_bytes()).unwrap();
        let refused = sshsig::verify(&sig, message);
        assert!(
            matches!(refused, Err(SigProblem::BadKey(ref why)) if why.contains("weak")),
            "usable_key refuses the weak key: {refused:?}"
        );
        // verify_strict would refuse it too, but as a bad signature: the BadKey above is
        // usable_key's (is_weak) doing.
        let signed = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message).unwrap();
        assert!(key.verify_strict(&signed, &signature).is_err());
    }
}
