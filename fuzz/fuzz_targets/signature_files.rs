//! Any bytes as one party's statement and signature files, beside the repository's real example
//! workspace: verification never panics, and a signature counts only for the exact statement
//! the party signed (the fuzzer holds no enrolled key: the seed is the real pair, and any
//! other statement it makes must not count).
#![no_main]

use datapact::signing::facts;
use datapact::signing::trust::TrustStore;
use datapact::signing::verify::{PartyStatus, verify_agreement};
use datapact::workspace::Workspace;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const ID: &str = "icb-ecc-adult-social-care";

fuzz_target!(|data: &[u8]| {
    // The statement, then the signature, split at the first NUL byte.
    let (statement, signature) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("datapact.toml"), "").unwrap();
    for sub in ["agreements", "keys", "signatures/icb-ecc-adult-social-care/v1"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let agreement = format!("agreements/{ID}.toml");
    std::fs::copy(repo.join(&agreement), root.join(&agreement)).unwrap();
    for key in ["nhs-essex-icb.toml", "essex-county-council.toml"] {
        std::fs::copy(repo.join("keys").join(key), root.join("keys").join(key)).unwrap();
    }
    let v1 = root.join("signatures").join(ID).join("v1");
    std::fs::write(v1.join("nhs-essex-icb.toml"), statement).unwrap();
    std::fs::write(v1.join("nhs-essex-icb.toml.sig"), signature).unwrap();
    let ws = Workspace::open(std::fs::canonicalize(root).unwrap()).unwrap();
    let trust = TrustStore::load(&ws).unwrap();
    let facts = facts::load(&ws, &ws.agreements_dir().join(format!("{ID}.toml"))).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let result = verify_agreement(&ws, &facts, &trust, today);
    let signed = std::fs::read(repo.join(format!("signatures/{ID}/v1/nhs-essex-icb.toml"))).unwrap();
    for p in &result.parties {
        if matches!(p.status, PartyStatus::Signed { .. }) {
            assert!(
                p.party == "nhs-essex-icb" && statement == signed.as_slice(),
                "fuzzed files counted as {}'s signature",
                p.party
            );
        }
    }
});
