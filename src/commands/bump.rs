//! `datapact bump ID --reason TEXT [--type amendment|correction|renewal] ...`: raise an agreement
//! to its next version. Edits the file in place, keeping its comments and layout
//! (`agreement::bump`): the version goes up by one, a `[[changes]]` entry for it is appended
//! (dated today), `dates.approved` becomes the new version's approval date, and a renewal moves
//! the term. The agreement must be valid before, and the edited text valid after; otherwise
//! nothing is written. Then says whose signatures the new version needs.

use crate::agreement::bump::{self, Kind, Request};
use crate::agreement::{self, Agreement};
use crate::error::{Error, Outcome, Result};
use crate::gate::{self, Overwrite};
use crate::report::{self, FileReport, Format, ReportContext};
use crate::source::SourceFile;
use crate::term;
use chrono::NaiveDate;

/// Raise an agreement to its next version, recording the change; every party signs it again.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # the next version
  datapact bump icb-ecc-adult-social-care --reason \"Annual review\" \\
        --change \"Adds the reablement team\"
  # the same terms, a further term
  datapact bump icb-ecc-adult-social-care --type renewal --reason \"Second term\" --commit")]
pub struct Args {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// Why the agreement changes (recorded in the new `[[changes]]` entry).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The type of change.
    #[arg(long = "type", value_enum, default_value_t = Kind::Amendment)]
    pub kind: Kind,
    /// What changes (required, except for a renewal, which describes its new term).
    #[arg(long, value_name = "TEXT")]
    pub change: Option<String>,
    /// When the new version was approved; default: today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub approved: Option<NaiveDate>,
    /// Renewal only: the new term's first day; default: the day after the current expiry.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub effective: Option<NaiveDate>,
    /// Renewal only: the next review; default: review_interval_months after the new effective date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub review: Option<NaiveDate>,
    /// Renewal only: the new term's last day; default: a term as long as the current one.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub expires: Option<NaiveDate>,
    /// Commit the agreement file (and nothing else) to git.
    #[arg(long)]
    pub commit: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let reason = one_line_text("--reason", &args.reason)?;
    let change = args
        .change
        .as_deref()
        .map(|c| one_line_text("--change", c))
        .transpose()?;
    if args.kind != Kind::Renewal {
        let given: Vec<&str> = [
            ("--effective", args.effective),
            ("--review", args.review),
            ("--expires", args.expires),
        ]
        .into_iter()
        .filter_map(|(flag, d)| d.map(|_| flag))
        .collect();
        if !given.is_empty() {
            return Err(Error::usage(format!(
                "{} can only be given with --type renewal; {} keeps the agreement's term",
                given.join(", "),
                args.kind.with_article()
            ))
            .with_hint(
                "leave them out, or pass --type renewal to start a new term; to change the dates of the current term, edit [dates] and bump as an amendment",
            ));
        }
    }
    let ws = cx.workspace()?;
    let today = cx.today_in(&ws);
    let path = ws.resolve_target(&args.target)?;
    cx.check_commit(&ws, args.commit)?;
    // One run at a time reads, edits and writes: two bumps never both raise the same version.
    let lock = gate::lock_workspace(&ws.root)?;
    let checked = agreement::check_file(&ws, &path, agreement::Scope::All)?;
    let display = checked.source.display.clone();
    let id_hint = checked.id().unwrap_or_else(|| args.target.clone());
    let (Some(current), Some(text), false) = (
        checked.agreement.as_ref(),
        checked.source.text.as_deref(),
        checked.has_errors(),
    ) else {
        let error = if checked.is_unreadable() {
            Error::input(format!(
                "{display} cannot be read as an agreement, so it cannot be bumped"
            ))
        } else {
            Error::refused(format!(
                "{display} has errors; an agreement with errors cannot be bumped"
            ))
        };
        return Err(error.with_hint(format!(
            "run `datapact validate {id_hint}` and fix every error first; nothing was written"
        )));
    };
    let request = Request {
        kind: args.kind,
        reason: reason.to_string(),
        change: change.map(str::to_string),
        today,
        approved: args.approved,
        effective: args.effective,
        review: args.review,
        expires: args.expires,
    };
    let bumped = bump::bump(text, current, &request)?;

    // The edited text must be as valid as the file was.
    let after = agreement::check_source(
        &ws,
        SourceFile::from_bytes(
            path.clone(),
            display.clone(),
            bumped.text.clone().into_bytes(),
        ),
        agreement::Scope::All,
    );
    if after.has_errors() {
        show_errors(&after)?;
        return Err(Error::refused(format!(
            "bumping {} to version {} would make {display} invalid (the errors above, at lines of the bumped text); nothing was written",
            current.id, bumped.version
        ))
        .with_hint(
            "correct what the errors name (--reason, --change, --approved; for a renewal --effective, --review, --expires) and bump again",
        ));
    }
    gate::write_atomic(&ws.root, &path, bumped.text.as_bytes(), Overwrite::Allow)?;
    drop(lock);
    say(&display, current, &bumped, &request)?;
    let message = format!(
        "Bump {} to v{} ({}): {reason}",
        current.id,
        bumped.version,
        args.kind.id()
    );
    cx.commit_if_asked(&ws, args.commit, std::slice::from_ref(&path), &message)
        .map_err(|e| Error {
            message: format!(
                "{} ({display} was bumped to version {} and written, but not committed)",
                e.message, bumped.version
            ),
            ..e
        })?;
    Ok(Outcome::Clean)
}

/// `text`, when it is fit for a one-line value given on the command line: not blank, and
/// without control characters (a line break, a tab, an escape).
fn one_line_text<'a>(flag: &str, text: &'a str) -> Result<&'a str> {
    if text.trim().is_empty() {
        let what = if flag == "--reason" {
            "why the agreement changes"
        } else {
            "what changes"
        };
        return Err(Error::usage(format!("{flag} is empty"))
            .with_hint(format!("say {what} in {flag} TEXT; nothing was written")));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(Error::usage(format!(
            "{flag} contains a control character ({c:?}); it is recorded as one line of text"
        ))
        .with_hint(format!(
            "pass {flag} on one line, without line breaks, tabs or escape sequences; nothing was written"
        )));
    }
    Ok(text.trim())
}

/// Prints the errors validation finds in the bumped text, to standard error.
fn show_errors(after: &agreement::Checked) -> Result<()> {
    let errors = FileReport {
        file: after.source.display.clone(),
        agreement: after.id(),
        findings: after
            .findings
            .iter()
            .filter(|f| f.severity == crate::diagnostics::Severity::Error)
            .cloned()
            .collect(),
        families: super::validate::FAMILIES.to_vec(),
        skipped: Vec::new(),
    };
    let ctx = ReportContext {
        command: "validate",
        tool_version: env!("CARGO_PKG_VERSION"),
        deny_warnings: false,
        repo_prefix: "",
    };
    report::write_report(&mut term::stderr(), Format::Human, &[errors], &ctx)
        .map_err(|e| Error::io("write", std::path::Path::new("standard error"), e))
}

/// What was done, and the signatures the new version needs (values read from the file
/// escaped).
fn say(display: &str, current: &Agreement, bumped: &bump::Bumped, request: &Request) -> Result<()> {
    let e = |s: &str| term::escape(s).into_owned();
    let id = current.id.as_str();
    let (old, new) = (&current.dates, &bumped.dates);
    term::status(|out| {
        writeln!(
            out,
            "Bumped {} to version {} ({}) in {}",
            e(id),
            bumped.version,
            request.kind.id(),
            e(display)
        )?;
        writeln!(
            out,
            "  version:   {} -> {}",
            current.version, bumped.version
        )?;
        for (name, before, after) in [
            ("approved", Some(old.approved), Some(new.approved)),
            ("effective", Some(old.effective), Some(new.effective)),
            ("review", Some(old.review), Some(new.review)),
            ("expires", old.expires, new.expires),
        ] {
            if before != after {
                let shown = |d: Option<chrono::NaiveDate>| {
                    d.map_or_else(|| "open-ended".to_string(), |d| d.to_string())
                };
                let (before, after) = (shown(before), shown(after));
                writeln!(out, "  {:<10} {before} -> {after}", format!("{name}:"))?;
            }
        }
        writeln!(
            out,
            "  [[changes]] version {}, {}, dated {}",
            bumped.version,
            request.kind.id(),
            request.today
        )?;
        writeln!(out, "    change: {}", e(&bumped.change))?;
        writeln!(out, "    reason: {}", e(request.reason.trim()))?;
        writeln!(
            out,
            "Version {} needs every party's signature again:",
            bumped.version
        )?;
        for p in current.parties.iter().filter(|p| !p.class) {
            writeln!(out, "  {} ({})", e(&p.id), e(&p.name))?;
            writeln!(
                out,
                "    datapact sign {} --party {} --key KEYFILE",
                e(id),
                e(&p.id)
            )?;
        }
        // A class party does not sign: its members stay bound by the version they joined until
        // they join the new one, once it is in force (docs/signing.md, "Memberships (class parties)").
        for p in current.parties.iter().filter(|p| p.class) {
            writeln!(
                out,
                "Members of {} ({}) stay bound by the version they joined; once version {} is in force, each joins it again:",
                e(&p.id),
                e(&p.name),
                bumped.version
            )?;
            writeln!(
                out,
                "    datapact join {} --class {} --member MEMBER --name NAME --key KEYFILE",
                e(id),
                e(&p.id)
            )?;
        }
        Ok(())
    });
    Ok(())
}
