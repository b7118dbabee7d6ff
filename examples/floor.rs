//! The floor of the registry-scale benchmarks (`bench/run.sh`, docs/performance.md): the least
//! work any checker of a workspace must do, and nothing else.
//!
//! `cargo run --release --example floor -- DIR` reads every agreement in `DIR/agreements`, parses
//! it with the `toml` crate and SHA-256s its text; reads every statement of it in
//! `DIR/signatures/<id>/v<N>/`, parses it with `toml`, decodes the SSHSIG armour of its `.sig`
//! (`sshsig::parse`) and checks the Ed25519 signature over SSHSIG's signed data with
//! `verify_strict`, all in parallel with rayon on every core. No trust store, no rules, no
//! states, no git. Prints the number of signatures verified and the wall time.

// The floor reads files directly, as a minimal checker would, not through the gate.
#![allow(clippy::disallowed_methods)]

use datapact::signing::{sha256_hex, sshsig};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What one agreement's pass found: signatures verified, signatures that failed, statements
/// whose digest is the agreement's.
#[derive(Default, Clone, Copy)]
struct Count {
    verified: usize,
    failed: usize,
    current: usize,
}

impl std::ops::Add for Count {
    type Output = Count;
    fn add(self, o: Count) -> Count {
        Count {
            verified: self.verified + o.verified,
            failed: self.failed + o.failed,
            current: self.current + o.current,
        }
    }
}

/// The statement files (`*.toml`) of every version folder of agreement `id`.
fn statements(root: &Path, id: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(versions) = std::fs::read_dir(root.join("signatures").join(id)) else {
        return out;
    };
    for version in versions.flatten() {
        let Ok(files) = std::fs::read_dir(version.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out
}

/// Verifies one statement's signature: decode the armour, rebuild SSHSIG's signed data, and
/// `verify_strict` it under the key the signature carries.
fn verify(statement: &[u8], armour: &[u8]) -> bool {
    let Ok(sig) = sshsig::parse(armour) else {
        return false;
    };
    let Some(public) = sig.public_key().ed25519() else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(sig.signature_bytes()) else {
        return false;
    };
    let Ok(signed) = ssh_key::SshSig::signed_data(sshsig::NAMESPACE, sig.hash_alg(), statement)
    else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public.0) else {
        return false;
    };
    key.verify_strict(&signed, &ed25519_dalek::Signature::from_bytes(&bytes))
        .is_ok()
}

fn check_one(root: &Path, agreement: &Path) -> Count {
    let text = std::fs::read_to_string(agreement).unwrap();
    let _: toml::Table = toml::from_str(&text).unwrap();
    let digest = sha256_hex(text.as_bytes());
    let id = agreement.file_stem().unwrap().to_str().unwrap();
    let mut count = Count::default();
    for path in statements(root, id) {
        let body = std::fs::read_to_string(&path).unwrap();
        let statement: toml::Table = toml::from_str(&body).unwrap();
        if statement
            .get("agreement_sha256")
            .and_then(|v| v.as_str())
            .is_some_and(|d| d == digest)
        {
            count.current += 1;
        }
        let mut sig_path = path.into_os_string();
        sig_path.push(".sig");
        let armour = std::fs::read(sig_path).unwrap();
        if verify(body.as_bytes(), &armour) {
            count.verified += 1;
        } else {
            count.failed += 1;
        }
    }
    count
}

fn main() {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: floor DIR");
        std::process::exit(2);
    };
    let started = Instant::now();
    let mut agreements: Vec<PathBuf> = std::fs::read_dir(root.join("agreements"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    agreements.sort();
    let count = agreements
        .par_iter()
        .map(|a| check_one(&root, a))
        .reduce(Count::default, |a, b| a + b);
    let elapsed = started.elapsed();
    println!(
        "floor: {} agreements, {} signatures verified ({} of the current versions), {} failed, {} threads, {:.3} s",
        agreements.len(),
        count.verified,
        count.current,
        count.failed,
        rayon::current_num_threads(),
        elapsed.as_secs_f64()
    );
    if count.failed > 0 {
        std::process::exit(1);
    }
}
