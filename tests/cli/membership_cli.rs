//! Step 8 through the real binary: a standard-terms agreement whose second party is a class of
//! organisations (`class = true`); members join (`datapact join`) and leave (`datapact
//! withdraw`) with signed statements of their own, and the agreement's bytes never change.

use crate::common::{ICB, ID, T0, TempWorkspace, example, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

const CLASS: &str = "housing-providers";
const DAY: &str = "2026-05-01";
const JOINED: &str = "2026-04-20T10:00:00Z";

/// The example agreement with the council replaced by a class of organisations.
fn standard_terms() -> String {
    let s = example(ID);
    let start = s
        .find("[[parties]]\nid = \"essex-county-council\"")
        .unwrap();
    let end = s.find("[purpose]").unwrap();
    format!(
        "{}[[parties]]\nid = \"{CLASS}\"\nname = \"Registered providers of social housing\"\nclass = true\neligibility = \"Registered providers of social housing in England\"\npublic_authority = false\nhealth_or_care = false\nrole = \"joint-controller\"\n\n{}",
        &s[..start],
        &s[end..]
    )
    .replace(
        "party = \"essex-county-council\"",
        &format!("party = \"{CLASS}\""),
    )
}

struct Fixture {
    ws: TempWorkspace,
    icb: PathBuf,
}

/// The standard-terms agreement, signed by its one named party.
fn fixture() -> Fixture {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), standard_terms());
    let icb = ws.generate_key_to(ICB, "icb@nhs.net", "icb");
    ws.sign(ID, ICB, &icb, &["--signed-at", T0]);
    Fixture { ws, icb }
}

impl Fixture {
    fn agreement(&self) -> Vec<u8> {
        std::fs::read(self.ws.root().join(format!("agreements/{ID}.toml"))).unwrap()
    }

    fn member_key(&self, member: &str) -> PathBuf {
        self.ws
            .generate_key_to(member, &format!("dpo@{member}.org"), member)
    }

    fn join(&self, member: &str, name: &str, key: &Path) -> std::process::Output {
        self.ws.output(&[
            "--today",
            DAY,
            "join",
            ID,
            "--class",
            CLASS,
            "--member",
            member,
            "--name",
            name,
            "--key",
            key.to_str().unwrap(),
            "--signed-at",
            JOINED,
        ])
    }

    fn status(&self) -> Value {
        let out = self
            .ws
            .output(&["--today", DAY, "status", "--format", "json"]);
        serde_json::from_str(&text(&out.stdout)).unwrap()
    }

    fn verify(&self) -> (i32, Value) {
        let out = self
            .ws
            .output(&["--today", DAY, "verify", ID, "--format", "json"]);
        (
            out.status.code().unwrap(),
            serde_json::from_str(&text(&out.stdout)).unwrap(),
        )
    }

    fn members_dir(&self) -> PathBuf {
        self.ws
            .root()
            .join(format!("signatures/{ID}/members/{CLASS}"))
    }
}

fn codes(v: &Value) -> String {
    v.to_string()
}

/// Two members join without changing the agreement's bytes, so the named party's signature
/// stays valid and the agreement is fully signed (the class does not sign); one withdraws;
/// status lists the members, and the document shows them.
#[test]
fn members_join_and_leave_without_changing_the_agreement() {
    let f = fixture();
    let before = f.agreement();
    let one = f.member_key("hsg-one");
    let two = f.member_key("hsg-two");
    for (m, name, key) in [
        ("hsg-one", "Housing One", &one),
        ("hsg-two", "Housing Two", &two),
    ] {
        let out = f.join(m, name, key);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("bytes are unchanged"));
        assert_eq!(text(&out.stdout), "", "status goes to stderr");
    }
    assert_eq!(f.agreement(), before, "joining changed the agreement");
    assert!(f.members_dir().join("hsg-one/accession.toml.sig").is_file());
    let (code, report) = f.verify();
    assert_eq!(code, 0, "{report}");
    let a = &report["agreements"][0];
    assert_eq!(a["signature_state"], "full", "{report}");
    assert_eq!(a["parties"][0]["status"], "signed", "{report}");

    let status = f.status();
    let row = &status["agreements"][0];
    assert_eq!(row["parties"], 1, "{status}");
    assert!(row["missing"].as_array().unwrap().is_empty(), "{status}");
    let class = &row["classes"][0];
    assert_eq!(class["party"], CLASS);
    assert_eq!(
        class["eligibility"],
        "Registered providers of social housing in England"
    );
    let members = class["members"].as_array().unwrap();
    assert_eq!(members.len(), 2, "{status}");
    assert_eq!(members[0]["name"], "Housing One");
    assert_eq!(members[0]["joined_on"], "2026-04-20");
    assert_eq!(members[0]["status"], "joined v1 on 2026-04-20");

    let out = f.ws.output(&[
        "--today",
        DAY,
        "withdraw",
        ID,
        "--class",
        CLASS,
        "--member",
        "hsg-two",
        "--key",
        two.to_str().unwrap(),
        "--signed-at",
        "2026-04-25T10:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(f.agreement(), before);
    let status = f.status();
    let members = &status["agreements"][0]["classes"][0]["members"];
    assert_eq!(members[1]["left_on"], "2026-04-25", "{status}");
    assert_eq!(members[0]["left_on"], Value::Null, "{status}");
    let (code, report) = f.verify();
    assert_eq!(code, 0, "{report}");

    let out = f.ws.output(&["--today", DAY, "status"]);
    let table = text(&out.stdout);
    // Members who left are not counted as members, but said to have left.
    assert!(table.contains("1 member (1 left): Housing One"), "{table}");

    // verify lists the members under the agreement (JSON: `members[]`), never as signatures.
    let members = report["agreements"][0]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2, "{report}");
    assert_eq!(members[1]["left_on"], "2026-04-25", "{report}");
    assert_eq!(
        report["agreements"][0]["acceptances"],
        serde_json::json!([])
    );
    let out = f.ws.output(&["--today", DAY, "verify", ID]);
    let human = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{human}");
    assert!(
        human.contains(&format!(
            "Housing One (hsg-one of {CLASS}): joined v1 on 2026-04-20\n"
        )) && human.contains(
            "Housing Two (hsg-two of housing-providers): left on 2026-04-25 (joined v1 on 2026-04-20)"
        ),
        "{human}"
    );

    // The register page counts the class's members beside the others (compactly); the
    // agreement's page lists them.
    let out =
        f.ws.output(&["--today", DAY, "render", "--all", "--out", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let index = std::fs::read_to_string(f.ws.root().join("site/index.html")).unwrap();
    assert!(index.contains("<br />1 member (1 left)</td>"), "{index}");
    let page = std::fs::read_to_string(f.ws.root().join(format!("site/{ID}.html"))).unwrap();
    assert!(
        page.contains("Housing One") && page.contains("Housing Two"),
        "{page}"
    );

    let out =
        f.ws.output(&["--today", DAY, "render", ID, "--format", "md"]);
    let doc = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        doc.contains("Registered providers of social housing in England")
            && doc.contains("Housing One")
            && doc.contains("left on 2026-04-25"),
        "{doc}"
    );
}

/// A forged accession never lists a member: made with another party's key, for other bytes,
/// or with a key revoked since; each is a finding and `verify` fails.
#[test]
fn forged_accessions_are_findings() {
    let f = fixture();
    let one = f.member_key("hsg-one");
    let out = f.join("hsg-one", "Housing One", &one);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let accession =
        std::fs::read_to_string(f.members_dir().join("hsg-one/accession.toml")).unwrap();

    // The ICB's key signs an accession for a member it is not.
    let forged = accession.replace("hsg-one", "hsg-three");
    f.ws.plant_statement(
        &format!("signatures/{ID}/members/{CLASS}/hsg-three/accession.toml"),
        &f.icb,
        "datapact-agreement@datapact.dev",
        &forged,
    );
    let (code, report) = f.verify();
    assert_eq!(code, 1, "{report}");
    assert!(codes(&report).contains("DP226"), "{report}");
    std::fs::remove_dir_all(f.members_dir().join("hsg-three")).unwrap();

    // The member's own key, for other bytes.
    let four = f.member_key("hsg-four");
    let key_id = |party: &str| {
        let t = std::fs::read_to_string(f.ws.root().join(format!("keys/{party}.toml"))).unwrap();
        t.lines()
            .find_map(|l| l.strip_prefix("key_id = \""))
            .unwrap()
            .trim_end_matches('"')
            .to_string()
    };
    let other = accession
        .replace("hsg-one", "hsg-four")
        .replace(&key_id("hsg-one"), &key_id("hsg-four"));
    let digest_line = other
        .lines()
        .find(|l| l.starts_with("agreement_sha256"))
        .unwrap()
        .to_string();
    let other = other.replace(
        &digest_line,
        &format!("agreement_sha256 = \"{}\"", "ab".repeat(32)),
    );
    f.ws.plant_statement(
        &format!("signatures/{ID}/members/{CLASS}/hsg-four/accession.toml"),
        &four,
        "datapact-agreement@datapact.dev",
        &other,
    );
    let (code, report) = f.verify();
    assert_eq!(code, 1, "{report}");
    assert!(codes(&report).contains("DP227"), "{report}");
    std::fs::remove_dir_all(f.members_dir().join("hsg-four")).unwrap();
    let (code, report) = f.verify();
    assert_eq!(code, 0, "{report}");

    // The member's key is revoked: its accession no longer counts.
    let (code, _, err) = f.ws.run(&[
        "--today",
        DAY,
        "keys",
        "revoke",
        &key_id("hsg-one"),
        "--reason",
        "lost",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, report) = f.verify();
    assert_eq!(code, 1, "{report}");
    assert!(codes(&report).contains("DP226"), "{report}");
    let status = f.status();
    assert!(
        status["agreements"][0]["classes"][0]["members"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{status}"
    );
}

/// Refusals write nothing: a party that is not a class, a named party as member, a key not
/// enrolled for the member, joining twice, withdrawing a non-member.
#[test]
fn refusals_write_nothing() {
    let f = fixture();
    let one = f.member_key("hsg-one");
    let refused = |args: &[&str]| {
        let mut all = vec!["--today", DAY];
        all.extend_from_slice(args);
        let out = f.ws.output(&all);
        assert_ne!(out.status.code(), Some(0), "{args:?} was not refused");
        text(&out.stderr)
    };
    let key = one.to_str().unwrap();
    let err = refused(&[
        "join", ID, "--class", ICB, "--member", "hsg-one", "--name", "One", "--key", key,
    ]);
    assert!(err.contains("not a class party"), "{err}");
    let err = refused(&[
        "join", ID, "--class", CLASS, "--member", ICB, "--name", "One", "--key", key,
    ]);
    assert!(err.contains("named in"), "{err}");
    let err = refused(&[
        "join", ID, "--class", CLASS, "--member", "hsg-two", "--name", "Two", "--key", key,
    ]);
    assert!(err.contains("not for hsg-two"), "{err}");
    let err = refused(&[
        "withdraw", ID, "--class", CLASS, "--member", "hsg-one", "--key", key,
    ]);
    assert!(err.contains("not a member"), "{err}");
    assert!(
        !f.ws
            .root()
            .join(format!("signatures/{ID}/members"))
            .exists()
    );
    let out = f.join("hsg-one", "Housing One", &one);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first = std::fs::read(f.members_dir().join("hsg-one/accession.toml")).unwrap();
    let err = refused(&[
        "join", ID, "--class", CLASS, "--member", "hsg-one", "--name", "One", "--key", key,
    ]);
    assert!(err.contains("already signed an accession"), "{err}");
    assert_eq!(
        std::fs::read(f.members_dir().join("hsg-one/accession.toml")).unwrap(),
        first
    );
}

/// The standard-terms workspace with `hsg-one` joined (for `rule_coverage.rs`), and the
/// accession's path relative to the root.
pub(crate) fn joined_workspace() -> (TempWorkspace, String) {
    let f = fixture();
    let one = f.member_key("hsg-one");
    let out = f.join("hsg-one", "Housing One", &one);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    (
        f.ws,
        format!("signatures/{ID}/members/{CLASS}/hsg-one/accession.toml"),
    )
}

/// A `members/` folder that is a link out of the workspace is reported once (DP226, where
/// memberships are judged), not also as a stray entry of the signatures folder.
#[test]
fn a_members_link_out_of_the_workspace_is_reported_once() {
    let ws = TempWorkspace::new();
    ws.write_examples();
    let outside = tempfile::tempdir().unwrap();
    let dir = ws.root().join("signatures/icb-ecc-adult-social-care");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.join("members")).unwrap();
    let (_, out, _) = ws.run(&[
        "--today",
        "2026-12-01",
        "check",
        "icb-ecc-adult-social-care",
    ]);
    assert_eq!(out.matches("members is a link").count(), 1, "{out}");
    assert!(out.contains("error[DP226]"), "{out}");
}

/// Join → bump → sign → re-join. An accession binds the member to the version it names: after
/// `bump` it stays a member, bound by v1 (which stays in force while v2 collects signatures);
/// it cannot replace that accession before v2 is in force; once v2 is, it is shown as bound by
/// v1 until it accepts v2, and joining again replaces its accession (git keeps the earlier
/// one). Verification, history included, and the register are clean throughout.
#[test]
fn a_member_of_v1_stays_bound_by_v1_until_it_joins_v2() {
    let f = fixture();
    let one = f.member_key("hsg-one");
    let out = f.join("hsg-one", "Housing One", &one);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    f.ws.commit_all("v1 and hsg-one's accession", "2026-04-20T11:00:00Z");
    let later = "2026-05-10";
    let run = |args: &[&str]| {
        let mut all = vec!["--today", later];
        all.extend_from_slice(args);
        f.ws.output(&all)
    };
    let member = || {
        let out = run(&["status", "--format", "json"]);
        let status: Value = serde_json::from_slice(&out.stdout).unwrap();
        status["agreements"][0]["classes"][0]["members"][0].clone()
    };
    let verified = |history: bool| {
        let mut args = vec!["verify", ID, "--format", "json"];
        if history {
            args.insert(1, "--history");
        }
        let out = run(&args);
        let report = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
        serde_json::from_str::<Value>(&report).unwrap()
    };
    let rejoin = |at: &str| {
        run(&[
            "join",
            ID,
            "--class",
            CLASS,
            "--member",
            "hsg-one",
            "--name",
            "Housing One",
            "--key",
            one.to_str().unwrap(),
            "--signed-at",
            at,
        ])
    };
    let out = run(&[
        "bump",
        ID,
        "--reason",
        "New terms.",
        "--change",
        "Adds a data item.",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The class party is not asked to sign; its members are told how to join the new version.
    let said = text(&out.stderr);
    assert!(!said.contains(&format!("--party {CLASS}")), "{said}");
    assert!(
        said.contains(&format!("Members of {CLASS} "))
            && said.contains(&format!("datapact join {ID} --class {CLASS}")),
        "{said}"
    );
    f.ws.commit_all("v2", "2026-05-10T09:00:00Z");

    // v1 is in force while v2 collects signatures: the member is bound by it.
    let m = member();
    assert_eq!(m["version"], 1, "{m}");
    assert_eq!(
        m["status"], "joined v1 on 2026-04-20; has not yet accepted v2",
        "{m}"
    );
    let accession = f.members_dir().join("hsg-one/accession.toml");
    let v1_accession = std::fs::read(&accession).unwrap();
    let out = rejoin("2026-05-10T09:30:00Z");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("the version in force, binds it until v2 is in force")
            && err.contains("join again once every party has signed v2"),
        "{err}"
    );
    assert_eq!(std::fs::read(&accession).unwrap(), v1_accession);

    let out = run(&[
        "sign",
        ID,
        "--party",
        ICB,
        "--key",
        f.icb.to_str().unwrap(),
        "--signed-at",
        "2026-05-10T10:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    f.ws.commit_all("v2 signed", "2026-05-10T10:00:00Z");
    // v2 is in force; the member is still a member, on v1's terms.
    let m = member();
    assert_eq!(
        m["status"], "joined v1 on 2026-04-20; bound by v1 until it accepts v2, now in force",
        "{m}"
    );
    let report = verified(true);
    assert_eq!(
        report["agreements"][0]["members"][0]["version"], 1,
        "{report}"
    );
    let out = run(&["status"]);
    assert!(
        text(&out.stdout).contains("1 member (1 on earlier terms): Housing One"),
        "{}",
        text(&out.stdout)
    );

    let out = rejoin("2026-05-10T11:00:00Z");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("replaces the one to v1 (git keeps the earlier one)"),
        "{}",
        text(&out.stderr)
    );
    f.ws.commit_all("hsg-one joins v2", "2026-05-10T11:00:00Z");
    let m = member();
    assert_eq!(m["status"], "joined v2 on 2026-05-10", "{m}");
    assert_eq!(m["joined_current"], true, "{m}");
    let report = verified(true);
    assert_eq!(
        report["agreements"][0]["members"][0]["version"], 2,
        "{report}"
    );
    let out = run(&["render", "--all", "--out", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let index = std::fs::read_to_string(f.ws.root().join("site/index.html")).unwrap();
    assert!(index.contains("<br />1 member</td>"), "{index}");
}

/// Rough edges of `accept`, `join` and `withdraw` around class parties, each refused with what
/// to do and nothing written: `accept` for the class party or for a member; a withdrawal dated
/// before the member joined (verification would not count it); `join` when a withdrawal that
/// does not count is there (the member has not left); `--commit` outside a git repository.
#[test]
fn class_party_rough_edges_are_refused_with_what_to_do() {
    let f = fixture();
    let one = f.member_key("hsg-one");
    let key = one.to_str().unwrap();
    let out = f.join("hsg-one", "Housing One", &one);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = |args: &[&str]| {
        let mut all = vec!["--today", DAY];
        all.extend_from_slice(args);
        let out = f.ws.output(&all);
        (out.status.code(), text(&out.stderr))
    };
    let accept = |party: &str| {
        run(&[
            "accept",
            ID,
            "--party",
            party,
            "--method",
            "email",
            "--on",
            "2026-04-20",
            "--by",
            "Ann",
            "--evidence",
            "ref",
            "--recorded-by",
            "Priya",
        ])
    };
    let (code, err) = accept(CLASS);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{CLASS} is a class of organisations in {ID}: it does not accept"
        )) && err.contains(&format!(
            "datapact join {ID} --class {CLASS} --member MEMBER_ID"
        )),
        "{err}"
    );
    let (code, err) = accept("hsg-one");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "hsg-one is a member of {CLASS} in {ID}, not a party"
        )) && err.contains("it has joined v1"),
        "{err}"
    );
    assert!(
        !f.ws
            .root()
            .join(format!("signatures/{ID}/v1/acceptances"))
            .exists()
    );

    let withdraw = |at: &str| {
        run(&[
            "withdraw",
            ID,
            "--class",
            CLASS,
            "--member",
            "hsg-one",
            "--key",
            key,
            "--signed-at",
            at,
        ])
    };
    // The membership the workspace records refuses it (exit 1).
    let (code, err) = withdraw("2026-04-19T10:00:00Z");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("hsg-one would leave on 2026-04-19, before it joined")
            && err.contains("check --signed-at"),
        "{err}"
    );
    let withdrawal = f.members_dir().join("hsg-one/withdrawal.toml");
    assert!(!withdrawal.exists());
    let (code, _) = run(&["verify", ID]);
    assert_eq!(code, Some(0));

    // A withdrawal that does not count (here: for other bytes) has not ended the membership.
    let (code, err) = withdraw("2026-04-25T10:00:00Z");
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = withdraw("2026-04-26T10:00:00Z");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("already signed a withdrawal"), "{err}");
    let planted = std::fs::read_to_string(&withdrawal).unwrap();
    let digest = planted
        .lines()
        .find(|l| l.starts_with("agreement_sha256"))
        .unwrap()
        .to_string();
    f.ws.plant_statement(
        &format!("signatures/{ID}/members/{CLASS}/hsg-one/withdrawal.toml"),
        &one,
        "datapact-agreement@datapact.dev",
        &planted.replace(
            &digest,
            &format!("agreement_sha256 = \"{}\"", "ab".repeat(32)),
        ),
    );
    let (code, err) = run(&[
        "join",
        ID,
        "--class",
        CLASS,
        "--member",
        "hsg-one",
        "--name",
        "Housing One",
        "--key",
        key,
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "hsg-one is a member of {CLASS} of {ID} (joined v1 on 2026-04-20)"
        )) && err.contains("does not count"),
        "{err}"
    );
    std::fs::remove_dir_all(f.members_dir().join("hsg-one")).unwrap();

    // --commit outside a git repository: refused before anything is written.
    for args in [
        vec![
            "join", ID, "--class", CLASS, "--member", "hsg-one", "--name", "One", "--key", key,
            "--commit",
        ],
        vec![
            "withdraw", ID, "--class", CLASS, "--member", "hsg-one", "--key", key, "--commit",
        ],
    ] {
        let (code, err) = run(&args);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("--commit needs the workspace"), "{err}");
    }
    assert!(!f.members_dir().join("hsg-one").exists());
}

/// A member that joins before the named parties have signed is listed as joined to a version
/// not yet in force, until it is.
#[test]
fn a_member_joining_a_version_not_yet_in_force_is_shown_so() {
    let ws = TempWorkspace::new();
    ws.write(&format!("agreements/{ID}.toml"), standard_terms());
    let icb = ws.generate_key_to(ICB, "icb@nhs.net", "icb");
    let f = Fixture { ws, icb };
    let one = f.member_key("hsg-one");
    let out = f.join("hsg-one", "Housing One", &one);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let member =
        |f: &Fixture| f.status()["agreements"][0]["classes"][0]["members"][0]["status"].clone();
    assert_eq!(member(&f), "joined v1 on 2026-04-20; v1 not yet in force");
    f.ws.sign(ID, ICB, &f.icb, &["--signed-at", "2026-04-21T10:00:00Z"]);
    assert_eq!(member(&f), "joined v1 on 2026-04-20");
}
