//! Property tests: any single-byte change to a signed agreement invalidates every signature on
//! it. Two parties sign through the real binary. Then
//! - the agreement file on disk gets one byte changed at a random offset, and the real binary
//!   (`verify --format json` and `check --format json`) must never count a signature: every
//!   party is reported invalid or, when the change made it another version or renamed a party,
//!   as not signed; the file is restored after each case;
//! - a table of changes of each kind (comment, id, version, party id, invalid UTF-8, invalid
//!   TOML) pins down what the binary reports for each, so every branch of that judgement is used;
//! - the verification library judges many more changes in memory.

use crate::common;
use crate::common::ID;

use common::{TempWorkspace, example, text};
use datapact::signing::trust::TrustStore;
use datapact::signing::verify::{PartyStatus, SignatureState, verify_agreement};
use datapact::signing::{AgreementFacts, facts};
use datapact::workspace::Workspace;
use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

/// The signed agreement, relative to the workspace root.
const FILE: &str = "agreements/icb-ecc-adult-social-care.toml";
/// The parties of the example, both of which sign it.
const PARTIES: [&str; 2] = ["nhs-essex-icb", "essex-county-council"];
/// The example's version, the one both parties sign.
const VERSION: u64 = 1;

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

/// `datapact ARGS...`: exit code, stdout and stderr (invalid UTF-8 replaced: the agreement may
/// hold any byte, and an error message may quote it).
fn run(ws: &TempWorkspace, args: &[&str]) -> (i32, String, String) {
    let out = ws.output(args);
    (
        out.status.code().unwrap(),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// The signed workspace through the binary, before any change: fully signed, exit 0. Without
/// this the judgement below could pass against a binary that never reports anything as signed.
fn assert_fully_signed(ws: &TempWorkspace) {
    let (code, out, err) = run(ws, &["verify", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let agreement = &report["agreements"][0];
    assert_eq!(agreement["signature_state"], "full", "{report}");
    let parties = agreement["parties"].as_array().unwrap();
    assert_eq!(parties.len(), PARTIES.len(), "{report}");
    for p in parties {
        assert_eq!(p["status"], "signed", "{report}");
    }
    let (code, out, err) = run(ws, &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// What the binary made of a changed agreement. In none of them does any signature count.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Same version: every party that signed is reported invalid (DP201 stale, DP008 id no
    /// longer the file's, ...); a renamed party as not signed. Exit 1.
    Invalid,
    /// The change made it another version: the signatures are for v1, and no party has signed
    /// the new version. Exit 0 (DP213 is a warning: a new draft awaiting signatures is normal)
    /// or 1.
    OtherVersion,
    /// The file cannot be read as an agreement any more (not UTF-8, not TOML, no id, version or
    /// parties): exit 2, no report, an error naming the file.
    Unreadable,
}

/// Writes the agreement back as it was signed when dropped, also when a case fails.
struct Restore<'a> {
    path: PathBuf,
    signed: &'a [u8],
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        std::fs::write(&self.path, self.signed).unwrap();
    }
}

/// Writes `bytes` as the agreement file, runs `verify --format json` and `check --format json`
/// on the workspace, asserts that no signature counts, and restores the signed file.
fn judge(ws: &TempWorkspace, signed: &[u8], bytes: &[u8]) -> Verdict {
    let path = ws.root().join(FILE);
    let _restore = Restore {
        path: path.clone(),
        signed,
    };
    std::fs::write(&path, bytes).unwrap();

    let (code, out, err) = run(ws, &["verify", "--format", "json"]);
    let verdict = if code == 2 {
        assert!(out.trim().is_empty(), "exit 2 with a report: {out}");
        assert!(err.contains(FILE), "exit 2 without naming the file: {err}");
        Verdict::Unreadable
    } else {
        let report: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}), exit {code}:\n{out}\n{err}"));
        let agreements = report["agreements"].as_array().unwrap();
        assert_eq!(agreements.len(), 1, "{report}");
        let agreement = &agreements[0];
        let other_version = agreement["version"].as_u64() != Some(VERSION);
        let parties = agreement["parties"].as_array().unwrap();
        // Nothing counts: "invalid" when a statement is there and fails, "unsigned" when none is.
        let tried = parties.iter().any(|p| p["status"] == "invalid");
        let nothing_counts = if tried { "invalid" } else { "unsigned" };
        assert_eq!(agreement["signature_state"], nothing_counts, "{report}");
        assert!(!parties.is_empty(), "{report}");
        for p in parties {
            let party = p["party"].as_str().unwrap();
            match p["status"].as_str().unwrap() {
                "invalid" => {}
                // Not signed: only a party of another version, or one whose id changed.
                "missing" => assert!(
                    other_version || !PARTIES.contains(&party),
                    "{party} is reported as not signed, not as an invalid signature: {report}"
                ),
                status => panic!("{party} is reported {status:?}: {report}"),
            }
        }
        if other_version {
            assert!(code == 0 || code == 1, "exit {code}: {report}\n{err}");
            Verdict::OtherVersion
        } else {
            assert_eq!(
                code, 1,
                "a stale signature must fail verify: {report}\n{err}"
            );
            Verdict::Invalid
        }
    };

    // The CI gate fails too, except for a new version awaiting its signatures.
    let (code, out, err) = run(ws, &["check", "--format", "json"]);
    if verdict != Verdict::OtherVersion {
        assert_ne!(
            code, 0,
            "check passes a tampered agreement ({verdict:?}):\n{out}\n{err}"
        );
    }
    if code == 1 {
        let report: Value = serde_json::from_str(&out).unwrap();
        assert!(
            report["summary"]["errors"].as_u64().unwrap() > 0,
            "check exit 1 without an error: {report}"
        );
    }
    verdict
}

#[test]
fn any_single_byte_change_invalidates_every_signature() {
    let ws = signed_workspace();
    assert_fully_signed(&ws);
    let signed = std::fs::read(ws.root().join(FILE)).unwrap();
    let len = signed.len();
    // 64 cases: two runs of the debug binary each, a few seconds in all.
    proptest!(ProptestConfig::with_cases(64), |(pos in 0..len, delta in 1u8..=255)| {
        let mut tampered = signed.clone();
        tampered[pos] = tampered[pos].wrapping_add(delta); // never the original byte
        judge(&ws, &signed, &tampered);
    });
    assert_eq!(std::fs::read(ws.root().join(FILE)).unwrap(), signed);
    assert_fully_signed(&ws);
}

#[test]
fn each_kind_of_single_byte_change_gets_its_verdict() {
    let ws = signed_workspace();
    let signed = std::fs::read(ws.root().join(FILE)).unwrap();
    let original = String::from_utf8(signed.clone()).unwrap();
    // (what, the text the byte is in, the byte's offset in that text, the new byte, verdict)
    let cases: [(&str, &str, usize, u8, Verdict); 7] = [
        ("a comment", "# Data-sharing", 2, b'd', Verdict::Invalid),
        (
            "a clause",
            "within 5 working days",
            7,
            b'9',
            Verdict::Invalid,
        ),
        (
            "the agreement id",
            "id = \"icb-ecc-adult-social-care\"",
            30,
            b'x',
            Verdict::Invalid,
        ),
        (
            "a party id",
            "id = \"essex-county-council\"",
            25,
            b'm',
            Verdict::Invalid,
        ),
        (
            "the version",
            "\nversion = 1\n",
            11,
            b'7',
            Verdict::OtherVersion,
        ),
        (
            "into invalid UTF-8",
            "# Data-sharing",
            2,
            0xff,
            Verdict::Unreadable,
        ),
        (
            "into invalid TOML",
            "\nversion = 1\n",
            9,
            b':',
            Verdict::Unreadable,
        ),
    ];
    for (what, context, at, byte, expected) in cases {
        let pos = original
            .find(context)
            .unwrap_or_else(|| panic!("{what}: {context:?} is not in the example"))
            + at;
        let mut tampered = signed.clone();
        assert_ne!(tampered[pos], byte, "{what}: the byte is unchanged");
        tampered[pos] = byte;
        assert_eq!(judge(&ws, &signed, &tampered), expected, "changing {what}");
    }
    assert_fully_signed(&ws);
}

#[test]
fn any_single_byte_change_invalidates_every_signature_in_memory() {
    let dir = signed_workspace();
    let ws = Workspace::open(std::fs::canonicalize(dir.root()).unwrap()).unwrap();
    let trust = TrustStore::load(&ws).unwrap();
    let original: AgreementFacts =
        facts::load(&ws, &ws.agreements_dir().join(format!("{ID}.toml"))).unwrap();
    // A day after the signing time (2026-04-01).
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    assert_eq!(
        verify_agreement(&ws, &original, &trust, today).state,
        SignatureState::Full
    );
    let len = original.bytes().len();
    proptest!(ProptestConfig::with_cases(256), |(pos in 0..len, new_byte in any::<u8>())| {
        prop_assume!(original.bytes()[pos] != new_byte);
        let mut bytes = original.bytes().to_vec();
        bytes[pos] = new_byte;
        let tampered = original.with_bytes(bytes);
        let result = verify_agreement(&ws, &tampered, &trust, today);
        prop_assert_eq!(&result.state, &SignatureState::Invalid);
        for p in &result.parties {
            prop_assert!(matches!(p.status, PartyStatus::Invalid { .. }), "{:?}", p);
        }
    });
}
