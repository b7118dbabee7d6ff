//! Property test: any single-byte change to a signed agreement invalidates every signature on
//! it. Two parties sign through the real binary; the verification library then judges the
//! agreement with one byte changed at a random position.

use assert_cmd::Command;
use datapact::signing::trust::TrustStore;
use datapact::signing::verify::{PartyStatus, SignatureState, verify_agreement};
use datapact::signing::{AgreementFacts, facts};
use datapact::workspace::Workspace;
use proptest::prelude::*;
use std::path::Path;

const ID: &str = "icb-ecc-adult-social-care";

fn signed_workspace() -> (tempfile::TempDir, tempfile::TempDir) {
    let ws = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("datapact")
            .unwrap()
            .current_dir(ws.path())
            .env("XDG_CONFIG_HOME", keys.path())
            .args(args)
            .assert()
            .success();
    };
    run(&["init", "."]);
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("agreements")
        .join(format!("{ID}.toml"));
    std::fs::copy(
        example,
        ws.path().join("agreements").join(format!("{ID}.toml")),
    )
    .unwrap();
    for (party, who) in [
        ("nhs-essex-icb", "a@nhs.net"),
        ("essex-county-council", "b@essex.gov.uk"),
    ] {
        let key = keys.path().join(who);
        let k = key.to_str().unwrap();
        run(&[
            "keys",
            "generate",
            "--party",
            party,
            "--principal",
            who,
            "--role",
            "dpo",
            "--no-passphrase",
            "--out",
            k,
        ]);
        run(&[
            "sign",
            ID,
            "--party",
            party,
            "--key",
            k,
            "--signed-at",
            "2026-04-01T10:00:00Z",
        ]);
    }
    (ws, keys)
}

#[test]
fn any_single_byte_change_invalidates_every_signature() {
    let (dir, _keys) = signed_workspace();
    let ws = Workspace::open(std::fs::canonicalize(dir.path()).unwrap()).unwrap();
    let trust = TrustStore::load(&ws).unwrap();
    let original: AgreementFacts =
        facts::load(&ws, &ws.agreements_dir().join(format!("{ID}.toml"))).unwrap();
    assert_eq!(
        verify_agreement(&ws, &original, &trust).state,
        SignatureState::Full
    );
    let len = original.bytes.len();
    proptest!(ProptestConfig::with_cases(256), |(pos in 0..len, new_byte in any::<u8>())| {
        prop_assume!(original.bytes[pos] != new_byte);
        let mut tampered = original.clone();
        tampered.bytes[pos] = new_byte;
        let result = verify_agreement(&ws, &tampered, &trust);
        prop_assert_eq!(&result.state, &SignatureState::Unsigned);
        for p in &result.parties {
            prop_assert!(matches!(p.status, PartyStatus::Invalid { .. }), "{:?}", p);
        }
    });
}
