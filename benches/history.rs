//! Benchmark: history verification (`verify --history`, `check --history`) over a long branch.
//! Builds a git repository with git2 directly (blobs, trees and commits written as objects into
//! an in-memory pack, then stored as one pack file, as a clone has them): `DATAPACT_BENCH_COMMITS`
//! commits (default 10,000) in which a few hundred agreements are drafted, edited, signed by both
//! parties with statements signed in-process (`sshsig::sign`, keys enrolled in `keys/`), amended
//! to v2, v3 and v4 and signed again, keys are rotated half way (new keys enrolled, the old
//! ones' validity ended), and other files change in between. The last commit restores one agreement's v1
//! text, a rollback the run must find. Then it times:
//!
//! - `walk`: `History::walk` over `keys/`, `agreements/` and `signatures/` alone, reading nothing;
//! - `audit`: `history::audit::audit`, what `--history` adds to `verify` and `check`.
//!
//! `cargo bench --bench history` runs it at full size; under `cargo test --all-targets` it runs
//! once with 400 commits as a smoke test and closes with a libtest-style `test result:` line. Set
//! `DATAPACT_BENCH_KEEP=DIR` to keep the repository (with HEAD's files written out) in DIR, to
//! time the release binary on it: `datapact -C DIR verify --history`.

// The bench builds its repository directly (git2, std::fs), not through the gate.
#![allow(clippy::disallowed_methods)]

#[path = "support/repo.rs"]
mod repo;
mod support;

use datapact::diagnostics::Severity;
use datapact::git::History;
use datapact::history::audit;
use datapact::signing::statement::{STATEMENT_TYPE, Statement};
use datapact::signing::trust::TrustStore;
use datapact::signing::{sha256_hex, sshsig};
use datapact::workspace::Workspace;
use ed25519_dalek::SigningKey;
use git2::{ObjectType, Oid};
use repo::{Dir, Lcg};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

const EXAMPLE: &str = include_str!("../agreements/icb-ecc-adult-social-care.toml");
const EXAMPLE_ID: &str = "icb-ecc-adult-social-care";
const PARTIES: [&str; 2] = ["nhs-essex-icb", "essex-county-council"];
/// The last version each agreement reaches.
const LAST_VERSION: u32 = 4;

/// The repository being written: the work tree as trees, and the branch.
struct Builder<'o, 'r> {
    odb: &'o git2::Odb<'r>,
    root: Dir,
    head: Option<Oid>,
    commits: usize,
    /// The content of every blob written, to check HEAD out at the end.
    contents: BTreeMap<Oid, Vec<u8>>,
}

impl Builder<'_, '_> {
    fn blob(&mut self, bytes: &[u8]) -> Oid {
        let id = self.odb.write(ObjectType::Blob, bytes).unwrap();
        self.contents.entry(id).or_insert_with(|| bytes.to_vec());
        id
    }

    fn put(&mut self, path: &str, bytes: &[u8]) {
        let id = self.blob(bytes);
        self.root.put(path, id);
    }

    fn commit(&mut self, message: &str) {
        let tree = self.root.write(self.odb);
        // A commit a minute, from 2026-01-01.
        let time = 1_767_225_600 + 60 * self.commits as i64;
        let mut text = format!("tree {tree}\n");
        if let Some(parent) = self.head {
            text.push_str(&format!("parent {parent}\n"));
        }
        text.push_str(&format!(
            "author Bench Author <bench@example.org> {time} +0000\ncommitter Bench Author <bench@example.org> {time} +0000\n\n{message}\n"
        ));
        self.head = Some(self.odb.write(ObjectType::Commit, text.as_bytes()).unwrap());
        self.commits += 1;
    }
}

/// One agreement's life: the next step it takes.
struct Life {
    id: String,
    version: u32,
    /// Steps taken in the current version: drafts, then the two signatures.
    step: u32,
    text: String,
    /// The digest both parties signed on the previous version.
    previous: Option<String>,
    done: bool,
}

/// The text of agreement `id`, version `version`, edit `edit`.
fn text_of(id: &str, version: u32, edit: u32) -> String {
    EXAMPLE
        .replace(&format!("id = \"{EXAMPLE_ID}\""), &format!("id = \"{id}\""))
        .replacen("version = 1", &format!("version = {version}"), 1)
        .replacen(
            "within 5 working days",
            &format!("within {} working days", 5 + version),
            1,
        )
        + &format!("# edit {edit}\n")
}

/// A trust store file's text for the keys of `party` (with the last day of each key's validity,
/// if it has one).
fn trust_text(party: &str, keys: &[(&SigningKey, Option<&str>)]) -> String {
    let mut out = String::new();
    for (i, (key, until)) in keys.iter().enumerate() {
        let public = key.verifying_key();
        out.push_str(&format!(
            "[[keys]]\nkey_id = \"{}\"\npublic_key = \"{}\"\nprincipal = \"dpo{i}@{party}.example\"\nroles = [\"dpo\"]\n",
            sshsig::key_id(&public),
            sshsig::public_key_line(&public)
        ));
        if let Some(date) = until {
            out.push_str(&format!("valid_until = {date}\n"));
        }
        out.push('\n');
    }
    out
}

/// What `build` made.
struct Built {
    agreements: usize,
    statements: usize,
    commits: usize,
    /// Whether the last commit is a rollback (the first agreement had left its v1 text).
    rollback: bool,
}

/// Builds the repository at `root` with about `commits` commits.
fn build(root: &Path, commits: usize) -> Built {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = git2::Repository::init_opts(root, &opts).unwrap();
    let odb = repo.odb().unwrap();
    let mempack = odb.add_new_mempack_backend(1000).unwrap();
    let mut b = Builder {
        odb: &odb,
        root: Dir::default(),
        head: None,
        commits: 0,
        contents: BTreeMap::new(),
    };
    // 17 commits per agreement's life; the rest are other changes.
    let agreements = (commits * 85 / 100 / 17).max(2);
    let old: Vec<SigningKey> = (1..=2u8)
        .map(|s| SigningKey::from_bytes(&[s; 32]))
        .collect();
    let new: Vec<SigningKey> = (3..=4u8)
        .map(|s| SigningKey::from_bytes(&[s; 32]))
        .collect();
    b.put("datapact.toml", b"");
    b.put("README.md", b"# Agreements\n");
    for (party, key) in PARTIES.iter().zip(&old) {
        let text = trust_text(party, &[(key, None)]);
        b.put(&format!("keys/{party}.toml"), text.as_bytes());
    }
    b.commit("Enrol the parties' keys");
    let mut lives: Vec<Life> = (0..agreements)
        .map(|i| Life {
            id: format!("agreement-{i:04}"),
            version: 0,
            step: 0,
            text: String::new(),
            previous: None,
            done: false,
        })
        .collect();
    let mut rng = Lcg(42);
    let mut rotated = false;
    let mut statements = 0;
    let mut started = 0;
    let mut v1_text: Option<(String, String)> = None;
    while b.commits + 1 < commits {
        if !rotated && b.commits >= commits / 2 {
            for (i, party) in PARTIES.iter().enumerate() {
                let text = trust_text(party, &[(&old[i], Some("2026-06-01")), (&new[i], None)]);
                b.put(&format!("keys/{party}.toml"), text.as_bytes());
            }
            b.commit("Rotate the parties' keys");
            rotated = true;
            continue;
        }
        let all_done = started == agreements && lives.iter().all(|l| l.done);
        if all_done || rng.below(100) < 15 {
            let readme = format!("# Agreements\n\nUpdated {} times.\n", b.commits);
            b.put("README.md", readme.as_bytes());
            b.commit("Update the README");
            continue;
        }
        // Start a new agreement now and then, else advance one already started.
        let pick = if started < agreements && (started < 8 || rng.below(3) == 0) {
            started += 1;
            started - 1
        } else {
            let live: Vec<usize> = (0..started).filter(|&i| !lives[i].done).collect();
            if live.is_empty() {
                continue;
            }
            live[rng.below(live.len())]
        };
        let life = &mut lives[pick];
        let path = format!("agreements/{}.toml", life.id);
        // Per version: one or three drafts (v1: three), then each party signs.
        let drafts = if life.version <= 1 { 3 } else { 2 };
        if life.version == 0 {
            life.version = 1;
        }
        if life.step < drafts {
            life.text = text_of(&life.id, life.version, life.step);
            let (id, text, step) = (life.id.clone(), life.text.clone(), life.step);
            if life.version == 1 && step == drafts - 1 && pick == 0 {
                v1_text = Some((path.clone(), text.clone()));
            }
            b.put(&path, text.as_bytes());
            b.commit(&format!("{id}: draft {step} of v{}", lives[pick].version));
            lives[pick].step += 1;
            continue;
        }
        let party_index = (life.step - drafts) as usize;
        let party = PARTIES[party_index];
        let key = if rotated {
            &new[party_index]
        } else {
            &old[party_index]
        };
        let digest = sha256_hex(life.text.as_bytes());
        let statement = Statement {
            statement_type: STATEMENT_TYPE.into(),
            agreement: life.id.clone(),
            version: life.version,
            agreement_sha256: digest.clone(),
            previous_sha256: life.previous.clone(),
            party: party.into(),
            key_id: sshsig::key_id(&key.verifying_key()),
            role: "dpo".into(),
            signed_at: "2026-03-18T10:00:00Z".into(),
        };
        let body = statement.to_text();
        let dir = format!("signatures/{}/v{}", life.id, life.version);
        let message = format!("{}: {party} signs v{}", life.id, life.version);
        let sig = sshsig::sign(key, body.as_bytes()).unwrap();
        life.step += 1;
        if party_index == 1 {
            life.previous = Some(digest);
            life.step = 0;
            if life.version == LAST_VERSION {
                life.done = true;
            } else {
                life.version += 1;
            }
        }
        b.put(&format!("{dir}/{party}.toml.sig"), sig.as_bytes());
        b.put(&format!("{dir}/{party}.toml"), body.as_bytes());
        b.commit(&message);
        statements += 1;
    }
    // The rollback the audit must find: the first agreement's v1 text, restored.
    let (path, text) = v1_text.expect("the first agreement was drafted");
    let rollback = lives[0].text != text;
    b.put(&path, text.as_bytes());
    b.commit("Restore the first agreement's v1 text");
    repo::store_as_pack(&repo, &odb, &mempack, b.head.unwrap());
    // HEAD's files, so the binary can run on it too.
    b.root.checkout(root, &b.contents);
    Built {
        agreements: started,
        statements,
        commits: b.commits,
        rollback,
    }
}

fn main() {
    support::main(bench);
}

/// Builds the repository, checks what the audit finds, then times the walk and the audit.
fn bench(benchmarking: bool) {
    let commits: usize = match std::env::var("DATAPACT_BENCH_COMMITS") {
        Ok(v) => v.parse().expect("DATAPACT_BENCH_COMMITS is a number"),
        Err(_) if benchmarking => 10_000,
        Err(_) => 400,
    };
    let runs = if benchmarking { 3 } else { 1 };
    let kept = std::env::var_os("DATAPACT_BENCH_KEEP");
    let temp = tempfile::tempdir().expect("temporary directory");
    let root = kept.as_deref().map_or(temp.path(), Path::new).to_path_buf();
    eprintln!(
        "building a repository of {commits} commits in {}...",
        root.display()
    );
    let started = Instant::now();
    let Built {
        agreements,
        statements,
        commits: made,
        rollback,
    } = build(&root, commits);
    eprintln!(
        "built {made} commits, {agreements} agreements, {statements} statements in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let ws = Workspace::open(root.clone()).expect("workspace");
    let trust = TrustStore::load(&ws).expect("trust store");

    // Correctness first: the one rollback, the four trust store changes, nothing else.
    let found = audit::audit(&ws, &trust).expect("audit");
    assert_eq!(found.commits, made);
    let codes: Vec<(&str, Severity)> = found
        .findings()
        .map(|f| (f.rule.code, f.severity))
        .collect();
    let errors: Vec<&(&str, Severity)> = codes.iter().filter(|(c, _)| *c != "DP407").collect();
    let expected: &[(&str, Severity)] = if rollback {
        &[("DP401", Severity::Error)]
    } else {
        &[]
    };
    assert_eq!(
        errors,
        expected.iter().collect::<Vec<_>>(),
        "{:#?}",
        found.files
    );
    assert_eq!(found.trust_changes.len(), 4);

    let history = History::open(&ws.root).unwrap().unwrap();
    let (t_walk, _) = support::time(runs, || {
        history
            .walk(&["keys", "agreements", "signatures"], |_, changes| {
                std::hint::black_box(changes);
                Ok(())
            })
            .unwrap()
    });
    let (t_audit, _) = support::time(runs, || audit::audit(&ws, &trust).unwrap());
    println!(
        "{made} commits, {agreements} agreements ({LAST_VERSION} versions each when finished), {statements} statements, median of {runs}"
    );
    println!(
        "  walk (History::walk over keys, agreements, signatures): {:>8.1} ms",
        t_walk.as_secs_f64() * 1e3
    );
    println!(
        "  audit (verify --history's history pass):                 {:>8.1} ms",
        t_audit.as_secs_f64() * 1e3
    );
    if let Some(dir) = kept {
        eprintln!(
            "kept the repository in {}: time the binary with `datapact -C {} verify --history`",
            Path::new(&dir).display(),
            Path::new(&dir).display()
        );
    }
}
