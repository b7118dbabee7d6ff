//! Property test: any single-byte change to a signed agreement invalidates every signature on
//! it. Two parties sign through the real binary; the verification library then judges the
//! agreement with one byte changed at a random position.

mod common;

use common::{TempWorkspace, example};
use datapact::signing::trust::TrustStore;
use datapact::signing::verify::{PartyStatus, SignatureState, verify_agreement};
use datapact::signing::{AgreementFacts, facts};
use datapact::workspace::Workspace;
use proptest::prelude::*;

const ID: &str = "icb-ecc-adult-social-care";

/// A workspace (`datapact init`) with the example agreement, signed by both parties.
fn signed_workspace() -> TempWorkspace {
    let ws = TempWorkspace::init();
    ws.write(&format!("agreements/{ID}.toml"), example(ID));
    for (party, who) in [
        ("nhs-essex-icb", "a@nhs.net"),
        ("essex-county-council", "b@essex.gov.uk"),
    ] {
        let key = ws.generate_key_to(party, who, who);
        ws.sign(ID, party, &key, &["--signed-at", "2026-04-01T10:00:00Z"]);
    }
    ws
}

#[test]
fn any_single_byte_change_invalidates_every_signature() {
    let dir = signed_workspace();
    let ws = Workspace::open(std::fs::canonicalize(dir.root()).unwrap()).unwrap();
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
