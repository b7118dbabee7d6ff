//! `datapact review ID --party ORG --key FILE --outcome TEXT --next-review DATE
//! [--reviewed-on DATE] [--role ROLE] [--passphrase-file FILE] [--commit]`: records one party's
//! signed review of the current version of an agreement, as it is on disk, without signing the
//! agreement again. Writes a review statement and its SSHSIG signature under
//! `signatures/<id>/v<N>/reviews/<reviewed_on>/`, with the key checks and the crash safety of
//! `sign` (the library's `signing::signer`); what counts is decided by `signing::review`.

use crate::error::{Error, ErrorKind, Outcome, Result};
use crate::signing::facts;
use crate::signing::keyfile::Passphrase;
use crate::signing::review::{self, REVIEW_TYPE, ReviewStatement, Reviews, Subject};
use crate::signing::signer::{self, Leftover, Signer};
use crate::signing::statement::signature_path;
use crate::term;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;

/// Record a signed review of the current version of an agreement (no new signatures needed
/// when the review changes nothing).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact review icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo \\
        --outcome \"No changes needed\" --next-review 2028-04-01")]
pub struct Args {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The party you review for (its id in the agreement).
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// What the review found, one line of plain text (such as "No changes needed").
    #[arg(long, value_name = "TEXT")]
    pub outcome: String,
    /// When the next review is due: after the review, and at most the agreement's
    /// review_interval_months after it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub next_review: NaiveDate,
    /// The day the review took place (default: today); not in the future.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub reviewed_on: Option<NaiveDate>,
    #[command(flatten)]
    pub signing: super::SigningArgs,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?;
    let (ws, trust, today) = (&session.ws, &session.trust, session.today);
    cx.check_commit(ws, args.signing.commit)?;
    let path = ws.resolve_target(&args.target)?;
    let assessment = session.assess_file(&path)?;
    let checked = &assessment.checked;
    let agreement = match &checked.agreement {
        Some(a) if !checked.has_errors() => a,
        _ => {
            return Err(Error::refused(format!(
                "{} has errors; an agreement with errors cannot be reviewed",
                checked.source.display
            ))
            .with_hint(format!(
                "run `datapact validate {}` and fix every error first",
                checked
                    .id()
                    .unwrap_or_else(|| checked.source.display.clone())
            )));
        }
    };
    let facts = facts::of_checked(checked)?;
    let id = &facts.id;
    facts.require_signing_party(&args.party)?;
    if !assessment.fully_signed() {
        let missing = assessment.missing_parties();
        let why = if missing.is_empty() {
            "its signatures do not all verify".to_string()
        } else {
            format!("not yet signed by {}", missing.join(", "))
        };
        return Err(Error::refused(format!(
            "{id} v{} is not fully signed ({why}): a review of an unsigned draft is not a review; sign it first",
            facts.version
        ))
        .with_hint(format!(
            "run `datapact verify {id}`; each party signs with `datapact sign {id} --party ORG --key KEYFILE`, then review"
        )));
    }
    review::check_outcome(&args.outcome).map_err(|why| {
        Error::usage(format!("invalid --outcome: {why}"))
            .with_hint("pass --outcome with one line saying what the review found")
    })?;
    let reviewed_on = args.reviewed_on.unwrap_or(today);
    let signed_at = args.signing.signing_time();
    let signed_on = signed_at.with_timezone(&ws.config.timezone()).date_naive();
    let interval = agreement.dates.review_interval_months;
    review::check_dates(reviewed_on, args.next_review, interval, today, signed_on).map_err(
        |p| {
            let hint = match p.field {
                "reviewed_on" => format!(
                    "pass --reviewed-on with the day the review took place, today ({today}) or earlier; check --today / DATAPACT_TODAY and this computer's clock"
                ),
                _ => format!(
                    "pass --next-review after {reviewed_on} and no later than {interval} months after it (the agreement's review_interval_months)"
                ),
            };
            let message = format!("refusing to record the review: {}", p.why);
            let kind = if p.by_agreement {
                ErrorKind::Refused
            } else {
                ErrorKind::Usage
            };
            Error::new(kind, message).with_hint(hint)
        },
    )?;
    let subject = Subject {
        facts: &facts,
        lead: &agreement.lead,
        dates: &agreement.dates,
    };
    let policy = ws.config.reviews.signers;
    let stmt_path = review::review_path(ws, id.as_str(), facts.version, reviewed_on, &args.party);
    let sig_path = signature_path(&stmt_path);
    // Never written through a linked signatures/ directory to a place outside the workspace.
    ws.check_inside(&stmt_path)?;
    let already = |ws: &Workspace, there: &Path| {
        Error::refused(format!(
            "{} has already recorded a review of {id} v{} on {reviewed_on} ({} exists)",
            args.party,
            facts.version,
            ws.display(there)
        ))
        .with_hint(format!(
            "run `datapact verify {id}` to see it; a party records one review a day: to replace it, remove its statement and .sig (git keeps the history) and review again, or record a later review with --reviewed-on"
        ))
    };
    // Checked now, before the passphrase is asked for, and again under the lock when writing.
    leftover(ws, &stmt_path, &sig_path, &already)?;
    // The statements of one review agree on the next review: never sign one that would not.
    let before = review::reviews(ws, &subject, trust, today, policy);
    if let Some(agreed) = next_review_of(&before, reviewed_on).filter(|&d| d != args.next_review) {
        return Err(Error::refused(format!(
            "the review of {id} v{} on {reviewed_on} already names {agreed} as the next review; the statements of one review agree on it",
            facts.version
        ))
        .with_hint(format!("pass --next-review {agreed}")));
    }
    let passphrase = Passphrase::from_options(args.signing.passphrase_file.as_deref(), false);
    // The key checks verification makes for each statement, made before signing.
    let Signer {
        entry,
        key_id,
        role,
        locked,
    } = signer::check_key(
        ws,
        trust,
        &args.signing.key,
        &args.party,
        args.signing.role.as_deref(),
        signed_at,
        today,
    )?;

    let statement = ReviewStatement {
        statement_type: REVIEW_TYPE.to_string(),
        agreement: id.to_string(),
        version: facts.version,
        agreement_sha256: facts.digest().to_string(),
        party: args.party.clone(),
        key_id: key_id.clone(),
        role: role.clone(),
        signed_at: signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        reviewed_on: reviewed_on.to_string(),
        outcome: args.outcome.clone(),
        next_review: args.next_review.to_string(),
    };
    // What the reviewer confirms, every value escaped so that no text can fake a line.
    let e = |s: &str| term::escape(s).into_owned();
    let mut err = term::stderr();
    let _ = writeln!(err, "Recording a review of {}", e(&facts.display_path));
    let _ = writeln!(err, "  id:          {}", e(id.as_str()));
    let _ = writeln!(err, "  title:       {}", e(&facts.title));
    let _ = writeln!(err, "  version:     {}", facts.version);
    let _ = writeln!(err, "  sha256:      {}", e(&statement.agreement_sha256));
    let _ = writeln!(err, "  reviewed on: {reviewed_on}");
    let _ = writeln!(err, "  outcome:     {}", e(&statement.outcome));
    let _ = writeln!(err, "  next review: {}", args.next_review);
    let _ = writeln!(
        err,
        "  as:          {} ({}) for {} with key {}",
        e(&entry.principal),
        e(&role),
        e(&args.party),
        e(&key_id)
    );
    signer::sign_and_publish(
        ws,
        locked,
        &passphrase,
        &statement.to_text(),
        &stmt_path,
        &sig_path,
        || leftover(ws, &stmt_path, &sig_path, &already),
    )?;
    term::note(&format!(
        "Recorded {}'s review of {} v{} on {reviewed_on}: {}; next review {}",
        args.party,
        id.as_str(),
        facts.version,
        args.outcome,
        args.next_review,
    ));
    term::note(&format!("  {}", ws.display(&stmt_path)));
    term::note(&format!("  {}", ws.display(&sig_path)));
    let after = review::reviews(ws, &subject, trust, today, policy);
    if let Some(latest) = after
        .latest
        .as_ref()
        .filter(|r| r.reviewed_on == reviewed_on)
    {
        term::note(&format!(
            "The review is complete: the next review of {} is due on {}.",
            id.as_str(),
            latest.next_review
        ));
    } else if let Some(p) = after.pending.iter().find(|p| p.reviewed_on == reviewed_on) {
        term::note(&format!(
            "Still to sign this review ([reviews] signers = \"{}\"): {}; each runs `datapact review {} --party PARTY --key KEYFILE --reviewed-on {reviewed_on} --outcome TEXT --next-review {}`",
            policy.as_str(),
            p.missing.join(", "),
            id.as_str(),
            p.next_review
        ));
    }
    cx.commit_if_asked(
        ws,
        args.signing.commit,
        &[stmt_path, sig_path],
        &format!(
            "Review {id} v{} on {reviewed_on} for {} ({role}, key {key_id}): next review {}",
            facts.version, args.party, args.next_review
        ),
    )?;
    Ok(Outcome::Clean)
}

/// What is at the party's review statement and signature paths (see [`signer::leftover`]).
fn leftover(
    ws: &Workspace,
    stmt: &Path,
    sig: &Path,
    already: &dyn Fn(&Workspace, &Path) -> Error,
) -> Result<Leftover> {
    signer::leftover(
        ws,
        stmt,
        sig,
        |there| Err(already(ws, there)),
        |there| already(ws, there),
    )
}

/// The next review the valid statements of the review on `day` name, when there are any.
fn next_review_of(reviews: &Reviews, day: NaiveDate) -> Option<NaiveDate> {
    let complete = reviews.latest.iter().find(|r| r.reviewed_on == day);
    complete.map(|r| r.next_review).or_else(|| {
        reviews
            .pending
            .iter()
            .find(|p| p.reviewed_on == day)
            .map(|p| p.next_review)
    })
}
