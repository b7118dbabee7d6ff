//! `datapact accept ID --party P --method M --on DATE --by TEXT --evidence TEXT --recorded-by
//! TEXT [--commit]`: records that a party accepted the current version of an agreement by
//! e-mail, an online form, a letter or in a meeting's minutes. Not a signature: it records
//! evidence held elsewhere (see docs/signing.md, "Acceptances").

use crate::error::{Error, Outcome, Result};
use crate::signing::acceptance::{self, Method, NewAcceptance};
use crate::signing::facts;
use crate::signing::verify::PartyStatus;
use crate::term;
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact accept icb-ecc-adult-social-care --party essex-county-council --method email \\
        --on 2026-05-01 --by \"Mark Osei, DPO\" --evidence \"e-mail ref ECC-7\" \\
        --recorded-by \"Priya Shah\"")]
pub struct Args {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The party that accepted.
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// How it accepted: email, online-form, letter or meeting-minute.
    #[arg(long, value_name = "METHOD", value_parser = parse_method)]
    pub method: Method,
    /// The day it accepted (YYYY-MM-DD; today or earlier).
    #[arg(long = "on", value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub accepted_on: NaiveDate,
    /// Who accepted for the party: name and title.
    #[arg(long = "by", value_name = "TEXT")]
    pub accepted_by: String,
    /// Where the evidence is kept (an e-mail's reference, a form submission id, minutes).
    #[arg(long, value_name = "TEXT")]
    pub evidence: String,
    /// Who records the acceptance (you).
    #[arg(long, value_name = "TEXT")]
    pub recorded_by: String,
    /// Commit the acceptance file.
    #[arg(long)]
    pub commit: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

fn parse_method(s: &str) -> std::result::Result<Method, String> {
    Method::parse(s)
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?;
    let (ws, today) = (&session.ws, session.today);
    cx.check_commit(ws, args.commit)?;
    let path = ws.resolve_target(&args.target)?;
    let assessment = session.assess_file(&path)?;
    let checked = &assessment.checked;
    if checked.agreement.is_none() || checked.has_errors() {
        return Err(Error::refused(format!(
            "{} has errors; an agreement with errors cannot be accepted",
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
    let id = facts.id.as_str();
    if let Some(m) = assessment
        .members
        .iter()
        .flat_map(|m| m.members.iter())
        .find(|m| m.member == args.party)
    {
        return Err(Error::refused(format!(
            "{} is a member of {} in {id}, not a party: a member joins with a signed accession, it does not accept",
            args.party, m.class
        ))
        .with_hint(if m.joined_current {
            format!(
                "it has joined v{}: `datapact verify {id}` lists its accession",
                facts.version
            )
        } else {
            format!(
                "to accept v{} it joins again: `datapact join {id} --class {} --member {} ...`",
                facts.version, m.class, args.party
            )
        }));
    }
    // A party whose signature on this version verifies has agreed already, by the stronger
    // means: a record of evidence beside it would only blur which one counts.
    if assessment
        .signatures
        .iter()
        .flat_map(|s| s.parties.iter())
        .any(|p| p.party == args.party && matches!(p.status, PartyStatus::Signed { .. }))
    {
        return Err(Error::refused(format!(
            "{} has signed v{} of {id} (its signature verifies): an acceptance would add nothing",
            args.party, facts.version
        ))
        .with_hint(format!(
            "`datapact verify {id}` shows the signature; an acceptance records agreement given without one"
        )));
    }
    let new = NewAcceptance {
        party: &args.party,
        method: args.method,
        accepted_on: args.accepted_on,
        accepted_by: &args.accepted_by,
        evidence: &args.evidence,
        recorded_by: &args.recorded_by,
    };
    let written = acceptance::record(ws, &facts, &new, today)?;
    term::note(&format!(
        "Recorded that {} accepted {} v{} {} on {} ({})",
        args.party,
        facts.id.as_str(),
        facts.version,
        args.method.words(),
        args.accepted_on,
        if ws.config.signing.acceptances_count {
            "it counts towards the version in force: [signing] acceptances_count = true"
        } else {
            "it does not count towards the version in force: [signing] acceptances_count = false"
        },
    ));
    term::note(&format!("  {}", ws.display(&written)));
    term::note("This is a record of evidence held elsewhere, not a signature.");
    cx.commit_if_asked(
        ws,
        args.commit,
        &[written],
        &format!(
            "Record {}'s acceptance of {} v{} ({} on {})",
            args.party,
            facts.id.as_str(),
            facts.version,
            args.method.as_str(),
            args.accepted_on
        ),
    )?;
    Ok(Outcome::Clean)
}
