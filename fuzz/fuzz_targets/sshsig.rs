//! Any bytes as an SSHSIG signature file: parsing and verification never panic, and nothing the
//! fuzzer makes verifies for a message it did not sign (it holds no key).
#![no_main]

use datapact::signing::sshsig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sig) = sshsig::parse(data) {
        assert!(
            sshsig::verify(&sig, b"a statement nobody signed\n").is_err(),
            "a forged signature verified"
        );
    }
});
