//! `datapact join ID --class PARTY --member MEMBER_ID --name TEXT [--ico TEXT] --key FILE
//! [--role ROLE] [--commit]` and `datapact withdraw ID --class PARTY --member MEMBER_ID --key
//! FILE [--commit]`: a member of a class party (standard terms any eligible organisation joins)
//! signs an accession to the current version, or a withdrawal, under
//! `signatures/<id>/members/<class>/<member>/`. The agreement's bytes never change, so the named
//! parties' signatures stay valid. Key checks and crash safety are `sign`'s
//! (`signing::signer`); what counts is decided by `signing::membership`.

use crate::error::{Error, Outcome, Result};
use crate::register::{Assessment, Session};
use crate::signing::AgreementFacts;
use crate::signing::acceptance::check_text;
use crate::signing::facts;
use crate::signing::keyfile::Passphrase;
use crate::signing::membership::{
    self, ACCESSION_TYPE, Accession, MemberStatement, WITHDRAWAL_TYPE, Withdrawal,
};
use crate::signing::signer::{self, Leftover, Signer};
use crate::signing::statement::signature_path;
use crate::term;
use crate::workspace::{Workspace, check_id};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::Path;

/// Join a class party of a standard-terms agreement as a member: sign an accession to its
/// current version (the agreement's bytes do not change).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact join essex-social-housing-evictions --class housing-providers --member hsg-one \\
        --name \"Housing One\" --key ~/.ssh/datapact_hsg")]
pub struct JoinArgs {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The class party joined (its id in the agreement; `class = true`).
    #[arg(long, value_name = "PARTY")]
    pub class: String,
    /// The member's id: the party id its key is enrolled under in keys/.
    #[arg(long, value_name = "MEMBER_ID")]
    pub member: String,
    /// The member's name.
    #[arg(long, value_name = "TEXT")]
    pub name: String,
    /// The member's ICO registration number.
    #[arg(long, value_name = "TEXT")]
    pub ico: Option<String>,
    #[command(flatten)]
    pub signing: super::SigningArgs,
    #[command(flatten)]
    pub today: super::TodayArg,
}

/// Leave a class party: the member signs a withdrawal (the agreement's bytes do not change).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact withdraw essex-social-housing-evictions --class housing-providers \\
        --member hsg-one --key ~/.ssh/datapact_hsg")]
pub struct WithdrawArgs {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The class party left.
    #[arg(long, value_name = "PARTY")]
    pub class: String,
    /// The member's id.
    #[arg(long, value_name = "MEMBER_ID")]
    pub member: String,
    #[command(flatten)]
    pub signing: super::SigningArgs,
    #[command(flatten)]
    pub today: super::TodayArg,
}

/// The agreement, validated without errors, its facts, and the class party checked.
fn open(
    session: &Session,
    target: &str,
    class: &str,
    member: &str,
) -> Result<(Assessment, AgreementFacts)> {
    let path = session.ws.resolve_target(target)?;
    let assessment = session.assess_file(&path)?;
    let checked = &assessment.checked;
    if checked.agreement.is_none() || checked.has_errors() {
        return Err(Error::refused(format!(
            "{} has errors; an agreement with errors cannot be joined or left",
            checked.source.display
        ))
        .with_hint(format!(
            "run `datapact validate {}` and fix every error first",
            checked
                .id()
                .unwrap_or_else(|| checked.source.display.clone())
        )));
    }
    let facts = facts::of_checked(checked)?;
    if !facts.class_ids.iter().any(|c| c == class) {
        let classes = if facts.class_ids.is_empty() {
            "it has none".to_string()
        } else {
            format!("its class parties are: {}", facts.class_ids.join(", "))
        };
        return Err(Error::refused(format!(
            "{class} is not a class party of {} ({classes})",
            facts.id
        ))
        .with_hint("pass --class with the id of a party that has `class = true`"));
    }
    check_id(member).map_err(|why| {
        Error::usage(format!("invalid --member {member:?}: it {why}"))
            .with_hint("pass the member's id, the party id its key is enrolled under")
    })?;
    if facts.party_ids.iter().any(|p| p == member) || facts.class_ids.iter().any(|c| c == member) {
        return Err(Error::refused(format!(
            "{member} is a party named in {}: a named party signs the agreement itself (`datapact sign`), it does not join a class",
            facts.id
        ))
        .with_hint("pass --member with the member's own id"));
    }
    Ok((assessment, facts))
}

pub fn join(cx: &super::Context, args: &JoinArgs) -> Result<Outcome> {
    let session = cx.session()?;
    let (ws, trust, today) = (&session.ws, &session.trust, session.today);
    cx.check_commit(ws, args.signing.commit)?;
    let (assessment, facts) = open(&session, &args.target, &args.class, &args.member)?;
    let id = facts.id.as_str();
    for (flag, value) in [("--name", Some(&args.name)), ("--ico", args.ico.as_ref())] {
        if let Some(value) = value {
            check_text("it", value).map_err(|why| {
                Error::usage(format!("invalid {flag}: {why}"))
                    .with_hint("give one line of plain text")
            })?;
        }
    }
    let stmt_path = membership::accession_path(ws, id, &args.class, &args.member);
    let sig_path = signature_path(&stmt_path);
    let withdrawal = membership::withdrawal_path(ws, id, &args.class, &args.member);
    ws.check_inside(&stmt_path)?;
    ws.check_inside(&withdrawal)?;
    if crate::gate::kind_of(&ws.root, &withdrawal)? != crate::gate::Kind::Missing {
        let listed = assessment
            .members
            .as_ref()
            .and_then(|m| m.find(&args.class, &args.member));
        // A withdrawal that does not count (a finding of `verify`) has not ended the membership.
        if let Some(m) = listed.filter(|m| m.current()) {
            return Err(Error::refused(format!(
                "{} is a member of {} of {id} ({}), but {} is there and does not count",
                args.member,
                args.class,
                m.status,
                ws.display(&withdrawal)
            ))
            .with_hint(format!(
                "`datapact verify {id}` says why; remove the withdrawal and its .sig, then withdraw or join as intended"
            )));
        }
        return Err(Error::refused(format!(
            "{} has left {} of {id} ({} exists)",
            args.member,
            args.class,
            ws.display(&withdrawal)
        ))
        .with_hint("to join again, remove the member's folder (git keeps its history) and join"));
    }
    // A member that joined an earlier version accedes to this one: its accession is replaced
    // (git keeps the earlier one). One that joined this version, or whose files are damaged,
    // is refused.
    let version = facts.version;
    let joined = assessment
        .members
        .as_ref()
        .and_then(|m| m.find(&args.class, &args.member))
        .filter(|m| !m.joined_current)
        .map(|m| m.version);
    let earlier = joined.is_some();
    // The accession to the version in force binds the member until the current version is in
    // force: replacing it sooner would leave the member bound by nothing in the working tree.
    let in_force = assessment.in_force();
    if let Some(v) = joined.filter(|&v| in_force == Some(v) && in_force != Some(version)) {
        return Err(Error::refused(format!(
            "{}'s accession to v{v} of {id}, the version in force, binds it until v{version} is in force; joining v{version} now would replace it",
            args.member
        ))
        .with_hint(format!(
            "join again once every party has signed v{version} (`datapact status {id}` shows the version in force)"
        )));
    }
    let already = |ws: &Workspace, there: &Path| {
        Error::refused(format!(
            "{} has already signed an accession to {} of {id} ({} exists)",
            args.member,
            args.class,
            ws.display(there)
        ))
        .with_hint(format!(
            "run `datapact verify {id}` to see it; to sign v{version} again, remove the accession and its .sig first"
        ))
    };
    let left = || leftover(ws, &stmt_path, &sig_path, earlier, &already);
    left()?;
    let signed_at = args.signing.signing_time();
    let Signer {
        entry,
        key_id,
        role,
        locked,
    } = check(ws, trust, &args.signing, &args.member, signed_at, today)?;
    let statement = Accession {
        statement_type: ACCESSION_TYPE.into(),
        agreement: id.into(),
        version,
        agreement_sha256: facts.digest().into(),
        member: args.member.clone(),
        name: args.name.clone(),
        ico_registration: args.ico.clone(),
        party: args.class.clone(),
        key_id: key_id.clone(),
        role: role.clone(),
        signed_at: signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        joined_on: signed_at
            .with_timezone(&ws.config.timezone())
            .date_naive()
            .to_string(),
    };
    confirm(&facts, "Joining", &statement, &entry.principal);
    let passphrase = Passphrase::from_options(args.signing.passphrase_file.as_deref(), false);
    signer::sign_and_publish(
        ws,
        locked,
        &passphrase,
        &statement.to_text(),
        &stmt_path,
        &sig_path,
        left,
    )?;
    term::note(&format!(
        "{} joined {} of {} v{} on {}; the agreement's bytes are unchanged (sha256 {})",
        args.member,
        args.class,
        id,
        version,
        statement.joined_on,
        facts.digest(),
    ));
    term::note(&format!("  {}", ws.display(&stmt_path)));
    term::note(&format!("  {}", ws.display(&sig_path)));
    if let Some(v) = joined {
        term::note(&format!(
            "This accession to v{version} replaces the one to v{v} (git keeps the earlier one)."
        ));
    }
    cx.commit_if_asked(
        ws,
        args.signing.commit,
        &[stmt_path, sig_path],
        &format!(
            "{} joins {} of {id} v{version} ({role}, key {key_id})",
            args.member, args.class
        ),
    )?;
    Ok(Outcome::Clean)
}

pub fn withdraw(cx: &super::Context, args: &WithdrawArgs) -> Result<Outcome> {
    let session = cx.session()?;
    let (ws, trust, today) = (&session.ws, &session.trust, session.today);
    cx.check_commit(ws, args.signing.commit)?;
    let (assessment, facts) = open(&session, &args.target, &args.class, &args.member)?;
    let id = facts.id.as_str();
    let Some(member) = assessment
        .members
        .as_ref()
        .and_then(|m| m.find(&args.class, &args.member))
        .cloned()
    else {
        return Err(Error::refused(format!(
            "{} is not a member of {} of {id}: it has no valid accession",
            args.member, args.class
        ))
        .with_hint(format!("run `datapact verify {id}` to see its statements")));
    };
    let stmt_path = membership::withdrawal_path(ws, id, &args.class, &args.member);
    let sig_path = signature_path(&stmt_path);
    ws.check_inside(&stmt_path)?;
    let already = |ws: &Workspace, there: &Path| {
        Error::refused(format!(
            "{} has already signed a withdrawal from {} of {id} ({} exists)",
            args.member,
            args.class,
            ws.display(there)
        ))
        .with_hint(format!("run `datapact verify {id}` to see it"))
    };
    let left = || leftover(ws, &stmt_path, &sig_path, false, &already);
    left()?;
    let signed_at = args.signing.signing_time();
    let left_on = signed_at.with_timezone(&ws.config.timezone()).date_naive();
    if left_on < member.joined_on {
        return Err(Error::refused(format!(
            "{} would leave on {left_on}, before it joined {} of {id} ({}): such a withdrawal does not count",
            args.member, args.class, member.joined_on
        ))
        .with_hint("a member leaves on or after the day it joined: check --signed-at"));
    }
    let Signer {
        entry,
        key_id,
        role,
        locked,
    } = check(ws, trust, &args.signing, &args.member, signed_at, today)?;
    // The withdrawal names the version the member joined and its bytes, which its accession
    // (verified) names.
    let digest = accession_digest(ws, &member.accession).unwrap_or_else(|| facts.digest().into());
    let statement = Withdrawal {
        statement_type: WITHDRAWAL_TYPE.into(),
        agreement: id.into(),
        version: member.version,
        agreement_sha256: digest,
        member: args.member.clone(),
        name: member.name.clone(),
        ico_registration: member.ico_registration.clone(),
        party: args.class.clone(),
        key_id: key_id.clone(),
        role: role.clone(),
        signed_at: signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        left_on: left_on.to_string(),
    };
    confirm(&facts, "Withdrawing from", &statement, &entry.principal);
    let passphrase = Passphrase::from_options(args.signing.passphrase_file.as_deref(), false);
    signer::sign_and_publish(
        ws,
        locked,
        &passphrase,
        &statement.to_text(),
        &stmt_path,
        &sig_path,
        left,
    )?;
    term::note(&format!(
        "{} left {} of {} on {}; the agreement's bytes are unchanged",
        args.member, args.class, id, statement.left_on,
    ));
    term::note(&format!("  {}", ws.display(&stmt_path)));
    term::note(&format!("  {}", ws.display(&sig_path)));
    cx.commit_if_asked(
        ws,
        args.signing.commit,
        &[stmt_path, sig_path],
        &format!(
            "{} withdraws from {} of {id} ({role}, key {key_id})",
            args.member, args.class
        ),
    )?;
    Ok(Outcome::Clean)
}

/// The key checks `sign` makes, for the member's id.
fn check<'t>(
    ws: &Workspace,
    trust: &'t crate::signing::trust::TrustStore,
    args: &super::SigningArgs,
    member: &str,
    signed_at: DateTime<Utc>,
    today: chrono::NaiveDate,
) -> Result<Signer<'t>> {
    signer::check_key(
        ws,
        trust,
        &args.key,
        member,
        args.role.as_deref(),
        signed_at,
        today,
    )
}

/// The `agreement_sha256` of a (verified) accession file.
fn accession_digest(ws: &Workspace, display: &str) -> Option<String> {
    let bytes = crate::gate::read(
        &ws.root,
        &ws.root.join(display),
        crate::gate::FileKind::Statement,
    )
    .ok()?;
    let a: Accession = toml::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    Some(a.agreement_sha256)
}

/// What the member confirms, every value escaped.
fn confirm<S: MemberStatement>(facts: &AgreementFacts, doing: &str, s: &S, principal: &str) {
    let e = |s: &str| term::escape(s).into_owned();
    let f = s.fields();
    let mut err = term::stderr();
    let _ = writeln!(
        err,
        "{doing} {} of {}",
        e(s.class()),
        e(&facts.display_path)
    );
    let _ = writeln!(err, "  id:       {}", e(facts.id.as_str()));
    let _ = writeln!(err, "  title:    {}", e(&facts.title));
    let _ = writeln!(err, "  version:  {}", f.version);
    let _ = writeln!(err, "  sha256:   {}", e(f.agreement_sha256));
    let _ = writeln!(err, "  member:   {} ({})", e(f.party), e(s.name()));
    let _ = writeln!(err, "  {}: {}", S::DAY, e(s.day()));
    let _ = writeln!(
        err,
        "  as:       {} ({}) with key {}",
        e(principal),
        e(f.role),
        e(f.key_id)
    );
}

/// What is at the member's statement and signature paths (see [`signer::leftover`]): both
/// there is refused unless `replace` (an accession to an earlier version).
fn leftover(
    ws: &Workspace,
    stmt: &Path,
    sig: &Path,
    replace: bool,
    already: &dyn Fn(&Workspace, &Path) -> Error,
) -> Result<Leftover> {
    signer::leftover(
        ws,
        stmt,
        sig,
        |there| {
            if replace {
                Ok(Leftover::Both)
            } else {
                Err(already(ws, there))
            }
        },
        |there| already(ws, there),
    )
}
