//! The Ed25519 edge-case vectors of "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko,
//! 2020), vendored from the public repository novifinancial/ed25519-speccheck in
//! tests/fixtures/ed25519-speccheck/ (its README says what each case is).
//!
//! datapact signs SSHSIG signed-data blobs, never a raw message, so the vectors cannot arrive in
//! a `.sig` file as they are. They are run instead through `sshsig::verify_raw`, the one function
//! that makes the Ed25519 decision for `sshsig::verify` (weak-key refusal, then `verify_strict`),
//! and, to document what that decision adds, through ed25519-dalek's non-strict `verify` and its
//! `verify_strict`. `EXPECTED` states the outcome of each case; datapact accepts only case 3.
//!
//! Case 2 (small-order R under an ordinary key) is accepted by the non-strict `verify` and
//! refused by datapact, so replacing `verify_strict` with `verify` fails
//! `verify_strict_is_distinguishable_from_verify`. A weak (small-order) key is refused by
//! `usable_key` as `BadKey` before `verify_strict` is reached; the last test forges an SSHSIG
//! signature under such a key that the non-strict check accepts for many messages.

use datapact::signing::sshsig::{self, NAMESPACE, SigProblem};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use ssh_key::public::{Ed25519PublicKey, KeyData};
use ssh_key::{Algorithm, HashAlg, LineEnding, SshSig};

/// datapact's outcome for a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    /// `SigProblem::BadKey`: `usable_key` refuses the key (weak, small order).
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
    // The key is of mixed order, not small, so `usable_key` lets it through and `verify_strict`
    // refuses the small-order R; the non-strict `verify` accepts. The mutant's witness.
    (2,  "mixed-order A, small-order R",                      true,  false, Outcome::BadSignature),
    // Accepted by everyone (the paper: "succeeds unless full order is checked"). Neither point is
    // of small order, and S and both encodings are canonical. Honest key generation never makes a
    // mixed-order key, but such a key still signs only for whoever holds its secret, and datapact
    // trusts a key only once it is in the trust store.
    (3,  "mixed-order A and R",                               true,  true,  Outcome::Accepted),
    (4,  "mixed-order A and R, cofactored equation only",     false, false, Outcome::BadSignature),
    (5,  "mixed-order A, cofactored with prereduced 8h only", false, false, Outcome::BadSignature),
    (6,  "non-canonical S (S > L)",                           false, false, Outcome::BadSignature),
    (7,  "non-canonical S (S >> L, top bits set)",            false, false, Outcome::BadSignature),
    (8,  "non-canonical small-order R, reduced for hash",     false, false, Outcome::BadSignature),
    (9,  "non-canonical small-order R, not reduced for hash", false, false, Outcome::BadSignature),
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

#[test]
fn datapact_accepts_only_the_mixed_order_case() {
    let mut accepted = Vec::new();
    for (case, &(i, what, _, _, expected)) in cases().iter().zip(&EXPECTED) {
        let outcome = datapact_outcome(case);
        assert_eq!(outcome, expected, "case {i} ({what}): datapact");
        if outcome == Outcome::Accepted {
            accepted.push(i);
        }
    }
    assert_eq!(accepted, [3]);
}

#[test]
fn weak_keys_in_the_vectors_are_refused_by_usable_key() {
    let cases = cases();
    for i in [0, 1, 10, 11] {
        let case = &cases[i];
        assert!(
            dalek_key(case).is_weak(),
            "case {i}: the key is of small order"
        );
        assert!(sshsig::usable_key(&case.public).is_err(), "case {i}");
    }
    for i in [2, 3, 4, 5, 6, 7, 8, 9] {
        let case = &cases[i];
        assert!(sshsig::usable_key(&case.public).is_ok(), "case {i}");
    }
}

#[test]
fn verify_strict_is_distinguishable_from_verify() {
    // Case 2: an ordinary (not small-order) key, R of small order. Non-strict verification
    // accepts it; verify_strict, and so datapact, refuses it, after usable_key has accepted the
    // key. With `verify` in place of `verify_strict` in sshsig.rs, datapact would accept it.
    let case = &cases()[2];
    let key = dalek_key(case);
    let signature = Signature::from_bytes(&case.signature);
    assert!(!key.is_weak());
    assert!(sshsig::usable_key(&case.public).is_ok());
    assert!(
        Verifier::verify(&key, &case.message, &signature).is_ok(),
        "ed25519-dalek's non-strict verify accepts case 2"
    );
    assert!(key.verify_strict(&case.message, &signature).is_err());
    assert_eq!(
        sshsig::verify_raw(&case.public, &case.message, &case.signature),
        Err(SigProblem::BadSignature),
        "datapact refuses case 2 with verify_strict"
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
