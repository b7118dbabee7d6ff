//! Benchmark: whole-workspace checking at registry scale, against its floor (parsing the TOML
//! and verifying the signatures, with nothing else). Builds a temporary workspace of N copies
//! of an example agreement, each signed by both parties, then times:
//!
//! - `floor`: parse every file with the `toml` crate and `verify_strict` every signature;
//! - `validate`: read + validate every agreement (what `datapact validate` does);
//! - `check`: validate + verify signatures + derive states (what `datapact check` does).
//!
//! `cargo bench --bench workspace` runs it with N = 10,000 (set `DATAPACT_BENCH_N` to change);
//! under `cargo test --all-targets` it runs once with N = 20 as a smoke test, and closes with a
//! libtest-style `test result:` line (1 passed or 1 failed) so the suite's totals count it.

// The bench builds its temporary workspace directly, not through the gate.
#![allow(clippy::disallowed_methods)]

mod support;

use chrono::NaiveDate;
use datapact::agreement;
use datapact::register::Session;
use datapact::signing::statement::{STATEMENT_TYPE, Statement, signature_path, statement_path};
use datapact::signing::trust::{NewKey, TrustStore, add_key};
use datapact::signing::{sha256_hex, sshsig};
use datapact::workspace::Workspace;
use ed25519_dalek::{Signer, SigningKey};
use std::time::Duration;

const EXAMPLE: &str = include_str!("../agreements/icb-ecc-adult-social-care.toml");
const PARTIES: [(&str, u8); 2] = [("nhs-essex-icb", 1), ("essex-county-council", 2)];

fn build(n: usize) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let root = dir.path();
    std::fs::write(root.join("datapact.toml"), "").unwrap();
    std::fs::create_dir(root.join("agreements")).unwrap();
    let ws = Workspace::open(root.to_path_buf()).expect("workspace");
    for (party, seed) in PARTIES {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let store = TrustStore::load(&ws).unwrap();
        add_key(
            &ws,
            &store,
            &NewKey {
                party: party.into(),
                key_id: sshsig::key_id(&key.verifying_key()),
                public_key: sshsig::public_key_line(&key.verifying_key()),
                principal: format!("dpo@{party}.example"),
                roles: vec!["dpo".into()],
                valid_from: None,
                valid_until: None,
            },
        )
        .unwrap();
    }
    for i in 0..n {
        let id = format!("agreement-{i:05}");
        let text = EXAMPLE.replace(
            "id = \"icb-ecc-adult-social-care\"",
            &format!("id = \"{id}\""),
        );
        std::fs::write(root.join(format!("agreements/{id}.toml")), &text).unwrap();
        for (party, seed) in PARTIES {
            let key = SigningKey::from_bytes(&[seed; 32]);
            let statement = Statement {
                statement_type: STATEMENT_TYPE.into(),
                agreement: id.clone(),
                version: 1,
                agreement_sha256: sha256_hex(text.as_bytes()),
                previous_sha256: None,
                party: party.into(),
                key_id: sshsig::key_id(&key.verifying_key()),
                role: "dpo".into(),
                signed_at: "2026-03-18T10:00:00Z".into(),
            };
            let path = statement_path(&ws, &id, 1, party);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let body = statement.to_text();
            std::fs::write(&path, &body).unwrap();
            std::fs::write(
                signature_path(&path),
                sshsig::sign(&key, body.as_bytes()).unwrap(),
            )
            .unwrap();
        }
    }
    (dir, ws)
}

/// The floor: parse each agreement and statement with `toml` and verify each signature.
fn floor(ws: &Workspace, files: &[std::path::PathBuf]) -> usize {
    use rayon::prelude::*;
    let keys: Vec<_> = PARTIES
        .iter()
        .map(|(_, s)| SigningKey::from_bytes(&[*s; 32]))
        .collect();
    let message = b"the same cost as verifying one statement";
    let signatures: Vec<_> = keys.iter().map(|k| k.sign(message)).collect();
    files
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let table: toml::Table = toml::from_str(&text).unwrap();
            let id = f.file_stem().unwrap().to_str().unwrap();
            let mut ok = table.len();
            for ((party, _), (key, sig)) in PARTIES.iter().zip(keys.iter().zip(&signatures)) {
                let stmt = std::fs::read_to_string(statement_path(ws, id, 1, party)).unwrap();
                let _: toml::Table = toml::from_str(&stmt).unwrap();
                ok += key.verifying_key().verify_strict(message, sig).is_ok() as usize;
            }
            ok
        })
        .sum()
}

fn main() {
    support::main(bench);
}

/// Builds the workspace and times each pass; asserts first that every agreement is valid and
/// fully signed.
fn bench(benchmarking: bool) {
    let n: usize = match std::env::var("DATAPACT_BENCH_N") {
        Ok(v) => v.parse().expect("DATAPACT_BENCH_N is a number"),
        Err(_) if benchmarking => 10_000,
        Err(_) => 20,
    };
    let runs = if benchmarking { 5 } else { 1 };
    eprintln!("building a workspace of {n} signed agreements...");
    let (_dir, ws) = build(n);
    let files = ws.agreement_files().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let session = Session::new(ws.clone(), today).unwrap();

    // Correctness first: every agreement is valid and fully signed.
    let states = session
        .map_assessed(&[], |a| (a.checked.has_errors(), a.fully_signed()))
        .unwrap();
    assert_eq!(states.len(), n);
    assert!(
        states.iter().all(|&(errors, full)| !errors && full),
        "every agreement validates and is fully signed"
    );

    let (t_floor, _) = support::time(runs, || floor(&ws, &files));
    let (t_validate, _) = support::time(runs, || {
        agreement::check_each(&ws, &files, agreement::Scope::All, 1, |c| c.findings.len()).unwrap()
    });
    let (t_check, _) = support::time(runs, || {
        session.map_assessed(&[], |a| a.fully_signed()).unwrap()
    });
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "{n} agreements, 2 signatures each, {} threads, median of {runs}",
        rayon::current_num_threads()
    );
    println!(
        "  floor (toml parse + verify_strict): {:>8.1} ms  {:>6.1} us/agreement",
        t_floor.as_secs_f64() * 1e3,
        per(t_floor)
    );
    println!(
        "  validate:                           {:>8.1} ms  {:>6.1} us/agreement",
        t_validate.as_secs_f64() * 1e3,
        per(t_validate)
    );
    println!(
        "  check (validate + verify + state):  {:>8.1} ms  {:>6.1} us/agreement  ({:.2}x the floor)",
        t_check.as_secs_f64() * 1e3,
        per(t_check),
        t_check.as_secs_f64() / t_floor.as_secs_f64()
    );
}
