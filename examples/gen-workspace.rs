//! Workspace generator for the registry-scale benchmarks (`bench/run.sh`, docs/performance.md).
//!
//! `cargo run --release --example gen-workspace -- --agreements N --parties K --versions V
//! [--seed S] DIR` writes a git workspace in DIR (which must not exist or be empty): N agreements
//! made from `agreements/icb-ecc-adult-social-care.toml` (each with its own id, title,
//! reference, parties, extra data items and risks, about 15 KB), K parties each drawn from a
//! pool of 50 organisations, every version signed by every party with deterministic Ed25519 keys
//! (enrolled in `keys/` with the library's `add_key`), and V versions in the history: one commit
//! enrolling the keys, then one commit per version that amends every agreement (version,
//! `[[changes]]` entry, a changed clause) and adds every party's signed statement for it, with
//! `previous_sha256` chaining the versions. Commits are written as git objects into one pack
//! (no index churn); HEAD's files are then written out with a matching index, so `git status`
//! is clean. Everything is deterministic from the seed (default 1). On 2026-12-02 (`--today`)
//! `datapact check` finds nothing and `check --history` exits 0 (with one DP407 warning per
//! enrolled key: all were added in one commit).

// The generator builds its repository directly (git2, std::fs), not through the gate.
#![allow(clippy::disallowed_methods)]

use datapact::signing::statement::{STATEMENT_TYPE, Statement};
use datapact::signing::trust::{NewKey, TrustStore, add_key};
use datapact::signing::{sha256_hex, sshsig};
use datapact::workspace::Workspace;
use ed25519_dalek::SigningKey;
use git2::{ObjectType, Oid};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "../benches/support/repo.rs"]
mod repo;
use repo::{Dir, Lcg};

const EXAMPLE: &str = include_str!("../agreements/icb-ecc-adult-social-care.toml");
const EXAMPLE_ID: &str = "icb-ecc-adult-social-care";

/// Places and kinds of organisation: 10 x 5 = the pool of 50 parties.
const PLACES: [&str; 10] = [
    "Essex",
    "Suffolk",
    "Norfolk",
    "Kent",
    "Hertfordshire",
    "Cambridgeshire",
    "Bedfordshire",
    "Surrey",
    "Sussex",
    "Berkshire",
];
const KINDS: [&str; 5] = ["county-council", "icb", "nhs-trust", "police", "fire"];

/// Extra data items, to bring an agreement to a realistic size (name, justification, special
/// category).
const ITEMS: [(&str, &str, Option<&str>); 16] = [
    (
        "GP practice and registered GP",
        "Lets the practitioner contact the person's GP about the assessment and any changes to their care.",
        None,
    ),
    (
        "Next of kin and main carer contact details",
        "Needed to involve the person's carer in the assessment where the person agrees (Care Act 2014, section 10).",
        None,
    ),
    (
        "Allergies and adverse drug reactions",
        "Needed so that care workers supporting the person with food and medicines do not cause harm.",
        Some("health"),
    ),
    (
        "Mobility and falls history (last 12 months)",
        "Needed to plan equipment, adaptations and safe moving and handling.",
        Some("health"),
    ),
    (
        "Community nursing involvement",
        "Tells the practitioner which district nursing or therapy teams already visit, so that visits are co-ordinated.",
        Some("health"),
    ),
    (
        "Mental health care co-ordinator and care plan summary",
        "Needed where the person receives secondary mental health care, so that the two plans agree.",
        Some("health"),
    ),
    (
        "Cognitive impairment or dementia diagnosis",
        "Needed to judge whether a mental capacity assessment is required before care is arranged.",
        Some("health"),
    ),
    (
        "Continence needs",
        "Needed to plan personal care and to order continence products through the right service.",
        Some("health"),
    ),
    (
        "Communication needs and preferred language",
        "Needed to arrange an interpreter or accessible information (Accessible Information Standard).",
        None,
    ),
    (
        "Lasting power of attorney or deputyship",
        "Confirms who may make decisions on the person's behalf about health and welfare or property.",
        None,
    ),
    (
        "End of life care plan (ReSPECT form)",
        "Needed so that care and support respect the person's recorded wishes and treatment escalation plan.",
        Some("health"),
    ),
    (
        "Planned hospital appointments (next 3 months)",
        "Needed to arrange transport and support around appointments the person already has.",
        Some("health"),
    ),
    (
        "Wound care and pressure ulcer risk",
        "Needed to plan equipment and the frequency of care visits.",
        Some("health"),
    ),
    (
        "Nutrition and swallowing assessment",
        "Needed to plan safe meal preparation and support with eating and drinking.",
        Some("health"),
    ),
    (
        "Sensory impairment (sight and hearing)",
        "Needed to plan support and equipment, and to refer to the sensory services team.",
        Some("health"),
    ),
    (
        "Housing tenure and home adaptations already in place",
        "Needed to plan adaptations and to avoid duplicate assessments by the housing provider.",
        None,
    ),
];

/// Extra risks (risk, mitigation).
const RISKS: [(&str, &str); 10] = [
    (
        "Information is sent to the wrong recipient.",
        "Only the listed secure routes are used; addresses are taken from the directory, not typed by hand.",
    ),
    (
        "Shared information becomes out of date and care is planned on it.",
        "Practitioners view the current record through the Shared Care Record rather than keeping copies.",
    ),
    (
        "A person is not told how their information is shared.",
        "Both privacy notices describe the sharing and practitioners explain it at the start of the assessment.",
    ),
    (
        "Records are kept for longer than needed.",
        "Each party applies its retention schedule; the records management teams check disposal every year.",
    ),
    (
        "A supplier accesses the information without authority.",
        "Supplier contracts include Article 28 terms and suppliers' access is logged and reviewed quarterly.",
    ),
    (
        "The Shared Care Record is unavailable and staff use insecure workarounds.",
        "The business continuity plan names the secure email route as the fallback; no other route is allowed.",
    ),
    (
        "A request for the information from a third party is answered without checking the agreement.",
        "Requests are passed to the Data Protection Officer of the party that holds the record.",
    ),
    (
        "Staff leave and keep their access.",
        "Leavers' accounts are disabled on their last working day and access lists are reconciled monthly.",
    ),
    (
        "Information about a third party in a health record is disclosed.",
        "Practitioners are trained to redact third-party information before it is recorded in the care record.",
    ),
    (
        "An objection to sharing is not recorded on both systems.",
        "Objections are recorded on the Shared Care Record consent flag, which both systems read.",
    ),
];

/// One organisation of the pool.
struct Org {
    id: String,
    name: String,
    ico: String,
    /// NHS bodies and councils have a Caldicott Guardian.
    health: bool,
}

fn pool() -> Vec<Org> {
    let mut out = Vec::new();
    for (p, place) in PLACES.iter().enumerate() {
        for (k, kind) in KINDS.iter().enumerate() {
            let slug = place.to_lowercase();
            let (id, name) = match *kind {
                "county-council" => (
                    format!("{slug}-county-council"),
                    format!("{place} County Council"),
                ),
                "icb" => (
                    format!("nhs-{slug}-icb"),
                    format!("NHS {place} Integrated Care Board"),
                ),
                "nhs-trust" => (
                    format!("{slug}-community-nhs-trust"),
                    format!("{place} Community Health NHS Foundation Trust"),
                ),
                "police" => (format!("{slug}-police"), format!("{place} Police")),
                _ => (
                    format!("{slug}-fire-rescue"),
                    format!("{place} Fire and Rescue Service"),
                ),
            };
            out.push(Org {
                id,
                name,
                ico: format!("Z{:07}", 4_100_000 + p * 1000 + k * 37),
                health: k < 3,
            });
        }
    }
    out
}

/// The party's key: a SHA-256 of the seed and the party id.
fn key_of(seed: u64, party: &str) -> SigningKey {
    let digest = Sha256::digest(format!("datapact-gen-workspace:{seed}:{party}").as_bytes());
    SigningKey::from_bytes(&digest.into())
}

/// One agreement: its id, number and parties (indexes into the pool; the first is the lead).
struct Plan {
    id: String,
    n: usize,
    parties: Vec<usize>,
    /// Which extra data items and risks it has (a rotation of the lists).
    offset: usize,
}

fn plans(seed: u64, n: usize, k: usize, pool_len: usize) -> Vec<Plan> {
    let mut rng = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let mut parties = Vec::with_capacity(k);
            while parties.len() < k {
                let p = rng.below(pool_len);
                if !parties.contains(&p) {
                    parties.push(p);
                }
            }
            Plan {
                id: format!("agreement-{i:05}"),
                n: i,
                parties,
                offset: rng.below(ITEMS.len()),
            }
        })
        .collect()
}

/// The text between `start` (included) and `end` (excluded) in the example.
fn section(start: &str, end: &str) -> &'static str {
    let a = EXAMPLE.find(start).expect("start marker");
    let b = EXAMPLE[a..].find(end).expect("end marker") + a;
    &EXAMPLE[a..b]
}

/// The text of agreement `plan`, version `version`.
fn agreement_text(plan: &Plan, orgs: &[Org], version: u32) -> String {
    let parties: Vec<&Org> = plan.parties.iter().map(|&p| &orgs[p]).collect();
    let lead = parties[0];
    let mut out = String::with_capacity(16 * 1024);
    let others: Vec<&str> = parties[1..].iter().map(|o| o.name.as_str()).collect();
    out.push_str(&format!(
        "# Data-sharing agreement: direct adult social care between {} and {} (generated for benchmarks).\n",
        lead.name,
        others.join(", ")
    ));
    out.push_str("schema = 1\n\n[agreement]\n");
    out.push_str(&format!("id = \"{}\"\n", plan.id));
    out.push_str(&format!(
        "title = \"Sharing health information for integrated adult social care assessments ({}, {})\"\n",
        lead.name,
        plan.n + 1
    ));
    out.push_str(&format!("version = {version}\n"));
    out.push_str("kind = \"specific\"\n");
    out.push_str(&format!("reference = \"WEISF-2026-{:05}\"\n", plan.n + 1));
    out.push_str(&format!("lead = \"{}\"\n", lead.id));
    out.push_str(&format!(
        "summary = \"\"\"\n{} and its partners share the health information that a social care practitioner\nneeds to assess and plan care for an adult who has asked for support.\"\"\"\n\n",
        lead.name
    ));
    let people = [
        ("Priya Shah", "Dr Tom Ellis", "Helen Ward"),
        ("Mark Osei", "Jane Morley", "Sam Patel"),
        ("Aisha Khan", "Dr Ruth Green", "David Brown"),
        ("Owen Price", "Dr Lena Novak", "Grace Adeyemi"),
    ];
    for (j, org) in parties.iter().enumerate() {
        let (dpo, caldicott, siro) = people[(plan.n + j) % people.len()];
        let domain = format!("{}.example.org", org.id);
        out.push_str("[[parties]]\n");
        out.push_str(&format!("id = \"{}\"\nname = \"{}\"\n", org.id, org.name));
        out.push_str("public_authority = true\n");
        out.push_str(&format!("health_or_care = {}\n", org.health));
        out.push_str("role = \"joint-controller\"\n");
        out.push_str(&format!("ico_registration = \"{}\"\n", org.ico));
        out.push_str(&format!(
            "dpo = {{ name = \"{dpo}\", mailbox = \"dpo@{domain}\" }}\n"
        ));
        if org.health {
            out.push_str(&format!(
                "caldicott_guardian = {{ name = \"{caldicott}\", mailbox = \"caldicott@{domain}\" }}\n"
            ));
        }
        out.push_str(&format!(
            "senior_officer = {{ name = \"{siro}\", title = \"Senior Information Risk Owner\", mailbox = \"siro@{domain}\" }}\n\n"
        ));
    }
    // Purpose to the data items, as in the example.
    out.push_str(section("[purpose]", "[lawful_basis]"));
    for j in 0..ITEMS.len() {
        let (name, why, special) = ITEMS[(plan.offset + j) % ITEMS.len()];
        out.push_str(&format!(
            "[[data.items]]\nname = \"{name}\"\njustification = \"{why}\"\n"
        ));
        if let Some(s) = special {
            out.push_str(&format!("special_category = \"{s}\"\n"));
        }
        out.push('\n');
    }
    out.push_str(section("[lawful_basis]", "[security]"));
    for j in 0..RISKS.len() {
        let (risk, mitigation) = RISKS[(plan.offset + j) % RISKS.len()];
        out.push_str(&format!(
            "[[risk.risks]]\nrisk = \"{risk}\"\nmitigation = \"{mitigation}\"\n\n"
        ));
    }
    out.push_str(section("[security]", "[retention]"));
    out.push_str("[retention]\n");
    for org in &parties {
        out.push_str(&format!(
            "[[retention.rules]]\nparty = \"{}\"\nperiod = \"8 years after the end of the last care and support plan, or as set by the NHS Records Management Code of Practice 2023 for a source record\"\ndisposal = \"Deleted by {}'s records management team under its retention schedule.\"\n\n",
            org.id, org.name
        ));
    }
    let rest = section("[onward_sharing]", "[dates]").replacen(
        "within 5 working days",
        &format!("within {} working days", 4 + version),
        1,
    );
    out.push_str(&rest);
    out.push_str(&EXAMPLE[EXAMPLE.find("[dates]").unwrap()..]);
    for v in 2..=version {
        out.push_str(&format!(
            "\n[[changes]]\nversion = {v}\ntype = \"amendment\"\ndate = 2026-03-16\nchange = \"Each party now tells the others within {} working days when a request concerns shared information.\"\nreason = \"Agreed at the partnership's review of request handling.\"\n",
            4 + v
        ));
    }
    debug_assert!(!out.contains(EXAMPLE_ID));
    out
}

struct Args {
    agreements: usize,
    parties: usize,
    versions: u32,
    seed: u64,
    dir: PathBuf,
}

const USAGE: &str = "usage: gen-workspace --agreements N --parties K --versions V [--seed S] DIR";

fn parse_args() -> Args {
    let mut args = Args {
        agreements: 100,
        parties: 2,
        versions: 1,
        seed: 1,
        dir: PathBuf::new(),
    };
    let mut dir = None;
    let mut it = std::env::args().skip(1);
    let fail = |m: &str| -> ! {
        eprintln!("gen-workspace: {m}\n{USAGE}");
        std::process::exit(2)
    };
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> u64 {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| fail(&format!("{name} needs a whole number")))
        };
        match a.as_str() {
            "--agreements" => args.agreements = value("--agreements") as usize,
            "--parties" => args.parties = value("--parties") as usize,
            "--versions" => args.versions = value("--versions") as u32,
            "--seed" => args.seed = value("--seed"),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            s if s.starts_with('-') => fail(&format!("unknown option {s}")),
            s => dir = Some(PathBuf::from(s)),
        }
    }
    args.dir = dir.unwrap_or_else(|| fail("DIR is missing"));
    if !(2..=50).contains(&args.parties) {
        fail("--parties must be from 2 to 50");
    }
    if args.versions == 0 || args.agreements == 0 {
        fail("--agreements and --versions must be at least 1");
    }
    args
}

/// One file of one commit: path and content.
type File = (String, Vec<u8>);

fn main() {
    generate(&parse_args());
}

/// Writes the workspace `args` describe into `args.dir` (new or empty).
fn generate(args: &Args) {
    let started = Instant::now();
    let root = &args.dir;
    if root.exists() && std::fs::read_dir(root).unwrap().next().is_some() {
        eprintln!("gen-workspace: {} is not empty", root.display());
        std::process::exit(2);
    }
    std::fs::create_dir_all(root).unwrap();
    let orgs = pool();
    let plans = plans(args.seed, args.agreements, args.parties, orgs.len());
    let keys: Vec<SigningKey> = orgs.iter().map(|o| key_of(args.seed, &o.id)).collect();

    // The workspace settings, a README and the trust store (enrolled through the library).
    let settings =
        "# datapact workspace settings (generated for benchmarks; see docs/performance.md).\n";
    std::fs::write(root.join("datapact.toml"), settings).unwrap();
    let readme = format!(
        "# Generated agreements\n\n{} agreements, {} parties each, {} versions; seed {}.\n",
        args.agreements, args.parties, args.versions, args.seed
    );
    let ws = Workspace::open(root.clone()).expect("workspace");
    let mut base: Vec<File> = vec![
        ("datapact.toml".into(), settings.as_bytes().to_vec()),
        ("README.md".into(), readme.into_bytes()),
    ];
    for (org, key) in orgs.iter().zip(&keys) {
        let store = TrustStore::load(&ws).unwrap();
        let path = add_key(
            &ws,
            &store,
            &NewKey {
                party: org.id.clone(),
                key_id: sshsig::key_id(&key.verifying_key()),
                public_key: sshsig::public_key_line(&key.verifying_key()),
                principal: format!("dpo@{}.example.org", org.id),
                roles: vec!["dpo".into()],
                valid_from: None,
                valid_until: None,
            },
        )
        .unwrap();
        base.push((
            format!("keys/{}.toml", org.id),
            std::fs::read(&path).unwrap(),
        ));
    }
    // The files are written again from HEAD below, with the rest.
    std::fs::remove_dir_all(root.join("keys")).unwrap();

    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = git2::Repository::init_opts(root, &opts).unwrap();
    let odb = repo.odb().unwrap();
    let mempack = odb.add_new_mempack_backend(1000).unwrap();
    let mut tree = Dir::default();
    let mut head: Option<Oid> = None;
    let mut commits = 0i64;
    // HEAD's files, path -> content.
    let mut worktree: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut commit = |tree: &mut Dir, message: &str| {
        let id = tree.write(&odb);
        // A commit a day, from 2026-03-01 09:00 UTC.
        let time = 1_772_355_600 + 86_400 * commits;
        let mut text = format!("tree {id}\n");
        if let Some(parent) = head {
            text.push_str(&format!("parent {parent}\n"));
        }
        text.push_str(&format!(
            "author Bench Author <bench@example.org> {time} +0000\ncommitter Bench Author <bench@example.org> {time} +0000\n\n{message}\n"
        ));
        head = Some(odb.write(ObjectType::Commit, text.as_bytes()).unwrap());
        commits += 1;
    };
    let put = |tree: &mut Dir, worktree: &mut BTreeMap<String, Vec<u8>>, files: Vec<File>| {
        for (path, bytes) in files {
            let id = odb.write(ObjectType::Blob, &bytes).unwrap();
            tree.put(&path, id);
            worktree.insert(path, bytes);
        }
    };
    put(&mut tree, &mut worktree, base);
    commit(&mut tree, "Enrol the parties' keys");

    let mut previous: Vec<Option<String>> = vec![None; plans.len()];
    let mut statements = 0usize;
    for version in 1..=args.versions {
        // Texts, statements and signatures, in parallel.
        let made: Vec<(String, Vec<File>)> = plans
            .par_iter()
            .zip(previous.par_iter())
            .map(|(plan, prev)| {
                let text = agreement_text(plan, &orgs, version);
                let digest = sha256_hex(text.as_bytes());
                let mut files = Vec::with_capacity(1 + 2 * plan.parties.len());
                for &p in &plan.parties {
                    let key = &keys[p];
                    let party = &orgs[p].id;
                    let statement = Statement {
                        statement_type: STATEMENT_TYPE.into(),
                        agreement: plan.id.clone(),
                        version,
                        agreement_sha256: digest.clone(),
                        previous_sha256: prev.clone(),
                        party: party.clone(),
                        key_id: sshsig::key_id(&key.verifying_key()),
                        role: "dpo".into(),
                        signed_at: format!("2026-03-{:02}T10:00:00Z", version + 1),
                    };
                    let body = statement.to_text();
                    let sig = sshsig::sign(key, body.as_bytes()).unwrap();
                    let dir = format!("signatures/{}/v{version}", plan.id);
                    files.push((format!("{dir}/{party}.toml.sig"), sig.into_bytes()));
                    files.push((format!("{dir}/{party}.toml"), body.into_bytes()));
                }
                files.push((format!("agreements/{}.toml", plan.id), text.into_bytes()));
                (digest, files)
            })
            .collect();
        for (i, (digest, files)) in made.into_iter().enumerate() {
            statements += (files.len() - 1) / 2;
            previous[i] = Some(digest);
            put(&mut tree, &mut worktree, files);
        }
        let message = if version == 1 {
            format!("Add {} agreements, signed by every party", plans.len())
        } else {
            format!("Amend every agreement to v{version}, signed by every party")
        };
        commit(&mut tree, &message);
    }
    let built = started.elapsed();

    let head = head.unwrap();
    repo::store_as_pack(&repo, &odb, &mempack, head);
    let packed = started.elapsed();

    // HEAD's files, written in parallel, then an index with their stat data (so `git status`
    // is clean without hashing every file again).
    let dirs: std::collections::BTreeSet<PathBuf> = worktree
        .keys()
        .filter_map(|p| Path::new(p).parent().map(|d| root.join(d)))
        .collect();
    for d in &dirs {
        std::fs::create_dir_all(d).unwrap();
    }
    let entries: Vec<(&String, &Vec<u8>)> = worktree.iter().collect();
    entries
        .par_iter()
        .for_each(|(path, bytes)| std::fs::write(root.join(path), bytes).unwrap());
    let head_tree = repo.find_commit(head).unwrap().tree().unwrap();
    let mut index = repo.index().unwrap();
    index.read_tree(&head_tree).unwrap();
    let mut stamped: Vec<git2::IndexEntry> = index
        .iter()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|mut e| {
            use std::os::unix::fs::MetadataExt;
            let path = root.join(String::from_utf8_lossy(&e.path).as_ref());
            let m = std::fs::metadata(path).unwrap();
            e.ctime = git2::IndexTime::new(m.ctime() as i32, m.ctime_nsec() as u32);
            e.mtime = git2::IndexTime::new(m.mtime() as i32, m.mtime_nsec() as u32);
            e.dev = m.dev() as u32;
            e.ino = m.ino() as u32;
            e.uid = m.uid();
            e.gid = m.gid();
            e.file_size = m.size() as u32;
            e
        })
        .collect();
    stamped.sort_by(|a, b| a.path.cmp(&b.path));
    // An entry whose file is not older than the index file is "racily clean": git and libgit2
    // hash that file again on every status, so a `check` (whose DP220 scan asks for the
    // status) would pay for hashing every file, as no long-lived clone does. A second between
    // the last file and the index leaves none racy.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    index.clear().unwrap();
    for e in &stamped {
        index.add(e).unwrap();
    }
    index.write().unwrap();
    eprintln!(
        "gen-workspace: {} agreements x {} parties x {} versions ({statements} signed statements, {commits} commits) in {}: objects {:.1} s, pack {:.1} s, total {:.1} s",
        plans.len(),
        args.parties,
        args.versions,
        root.display(),
        built.as_secs_f64(),
        (packed - built).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated workspace is what the benchmarks need, whatever rules are added later: every
    /// agreement valid with no finding, signed by every party on its current version, and a
    /// history `check --history` finds no error in.
    #[test]
    fn generated_workspaces_are_valid_and_fully_signed() {
        let dir = tempfile::tempdir().unwrap();
        let args = Args {
            agreements: 4,
            parties: 3,
            versions: 2,
            seed: 7,
            dir: dir.path().join("ws"),
        };
        generate(&args);
        let ws = Workspace::open(args.dir.clone()).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let session = datapact::register::Session::new(ws.clone(), today).unwrap();
        let assessed = session
            .map_assessed(&[], |a| {
                let findings: Vec<String> = a
                    .checked
                    .findings
                    .iter()
                    .map(|f| format!("{}: {}", f.rule.code, f.message))
                    .collect();
                (a.checked.id(), findings, a.fully_signed())
            })
            .unwrap();
        assert_eq!(assessed.len(), 4);
        for (id, findings, signed) in &assessed {
            assert!(findings.is_empty(), "{id:?}: {findings:#?}");
            assert!(signed, "{id:?} is fully signed");
        }
        let audit = datapact::history::audit::audit(&ws, &session.trust).unwrap();
        assert!(!audit.has_errors(), "the history audit finds no error");
    }
}
