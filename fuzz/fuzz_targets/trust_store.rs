//! Any bytes as a trust store file `keys/<party>.toml`: loading never panics, and the
//! allowed_signers export of whatever loads has exactly one line a key, each naming the
//! datapact namespace (no injected lines).
#![no_main]

use datapact::signing::trust::TrustStore;
use datapact::workspace::Workspace;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("datapact.toml"), "").unwrap();
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    std::fs::write(dir.path().join("keys/nhs-essex-icb.toml"), data).unwrap();
    let Ok(ws) = Workspace::open(std::fs::canonicalize(dir.path()).unwrap()) else {
        return;
    };
    let Ok(store) = TrustStore::load(&ws) else {
        return;
    };
    let export = store.allowed_signers();
    let lines: Vec<&str> = export
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let usable = store.keys.iter().filter(|k| k.problem.is_none()).count();
    assert!(lines.len() <= usable, "{} lines for {usable} keys:\n{export}", lines.len());
    for line in lines {
        assert!(
            line.contains("namespaces=\"datapact-agreement@datapact.dev\""),
            "a line without the namespace: {line:?}"
        );
    }
});
