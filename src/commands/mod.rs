//! The command line: the clap types for the global options and the subcommand list, the shared
//! [`Context`] every command runs with, and dispatch. Each subcommand is one file here with its
//! clap `Args` and a `run`. Only this module and its children use clap: the library below takes
//! plain values (a workspace, a day, paths and options).

pub mod accept;
pub mod bump;
pub mod calendar;
pub mod check;
pub mod completions;
pub mod diff;
pub mod docs;
pub mod explain;
pub mod init;
pub mod keys;
pub mod log;
pub mod membership;
pub mod new;
pub mod normalise;
pub mod render;
pub mod review;
pub mod rules;
pub mod schema;
pub mod sign;
pub mod statement;
pub mod status;
pub mod templates;
pub mod validate;
mod values;
pub mod verify;
pub mod vocab;

use crate::error::{Outcome, Result};
use crate::gate::{self, Overwrite};
use crate::register::Session;
use crate::report::{self, FileReport, Format, ReportContext};
use crate::workspace::Workspace;
use crate::{git, lifecycle, term};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  datapact init my-agreements                 # a new workspace, with its git repository
  datapact check                              # the CI gate: validation, signatures, dates
  datapact explain DP117                      # what a finding code means and what to do
  datapact vocab article9                     # the allowed values of a field, with their wording
  datapact help sign                          # any command's options, with examples

Exit codes:
  0  clean: nothing at failing severity was found
  1  the check found problems, or the workspace's content or state refused the action
  2  usage, environment or I/O error, or input that cannot be read or used
     (docs/exit-codes.md lists every refusal and its code)";

/// Manage data-sharing agreements as validated, signed TOML files in a git repository.
#[derive(Debug, Parser)]
#[command(name = "datapact", version, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Use the workspace containing DIR instead of the one containing the current directory:
    /// DIR itself or the nearest folder above it with a datapact.toml, found as git -C finds a
    /// repository (`init` creates the workspace at DIR). File arguments stay relative to the
    /// current directory.
    #[arg(short = 'C', long = "workspace", value_name = "DIR", global = true)]
    pub workspace: Option<PathBuf>,

    /// Take this date as today, for the commands that judge dates (each also takes --today after
    /// its name); a command that judges none refuses it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    /// Print only findings and errors: no notes, progress or summary lines.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more: the files a check found nothing wrong with, as well as its findings.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    New(new::Args),
    Bump(bump::Args),
    Validate(validate::Args),
    Render(render::Args),
    Templates(templates::Args),
    Keys(keys::Args),
    Sign(sign::Args),
    Statement(statement::Args),
    Review(review::Args),
    /// Record that a party accepted the current version by e-mail, online form, letter or meeting minute (not a signature).
    Accept(accept::Args),
    Join(membership::JoinArgs),
    Withdraw(membership::WithdrawArgs),
    Verify(verify::Args),
    Status(status::Args),
    Diff(diff::Args),
    Log(log::Args),
    Check(check::Args),
    Calendar(calendar::Args),
    #[command(visible_alias = "normalize")]
    Normalise(normalise::Args),
    Rules(rules::Args),
    Completions(completions::Args),
    Explain(explain::Args),
    Vocab(vocab::Args),
    Schema(schema::Args),
    #[command(hide = true)]
    Docs(docs::Args),
}

/// `--today`, offered by the commands that judge dates (review and expiry dates, key validity,
/// the date a record is made) and by no other: a command judging no date has no use for it.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct TodayArg {
    /// Take this date as today; default: the environment variable DATAPACT_TODAY when it is set
    /// and not empty, else today in the workspace's time zone.
    #[arg(long = "today", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

impl Command {
    /// The `--today` given after the command's name, when the command judges dates; when it
    /// judges none, `Err` with its name for the refusal of a `--today` before it.
    fn today(&self) -> Result<Option<NaiveDate>, &'static str> {
        use keys::KeysCommand;
        let own = match self {
            Command::Bump(a) => a.today,
            Command::Validate(a) => a.today,
            Command::Render(a) => a.today,
            Command::Sign(a) => a.today,
            Command::Statement(a) => a.today,
            Command::Review(a) => a.today,
            Command::Accept(a) => a.today,
            Command::Join(a) => a.today,
            Command::Withdraw(a) => a.today,
            Command::Verify(a) => a.today,
            Command::Status(a) => a.today,
            Command::Diff(a) => a.today,
            Command::Log(a) => a.today,
            Command::Check(a) => a.today,
            Command::Calendar(a) => a.today,
            Command::Keys(k) => match &k.command {
                KeysCommand::List(a) => a.today,
                KeysCommand::Revoke(a) => a.today,
                KeysCommand::Generate(_) => return Err("keys generate"),
                KeysCommand::Add(_) => return Err("keys add"),
                KeysCommand::ExportAllowedSigners(_) => return Err("keys export-allowed-signers"),
            },
            Command::Init(_) => return Err("init"),
            Command::New(_) => return Err("new"),
            Command::Templates(_) => return Err("templates"),
            Command::Normalise(_) => return Err("normalise"),
            Command::Rules(_) => return Err("rules"),
            Command::Completions(_) => return Err("completions"),
            Command::Explain(_) => return Err("explain"),
            Command::Vocab(_) => return Err("vocab"),
            Command::Schema(_) => return Err("schema"),
            Command::Docs(_) => return Err("docs"),
        };
        Ok(own.today)
    }
}

/// Today for a run: the `--today` given after the command's name or before it (the same date
/// if both), else DATAPACT_TODAY. A command that judges no date refuses `--today` and never
/// reads DATAPACT_TODAY: CI may set it for every step.
fn today_for(command: &Command, before: Option<NaiveDate>) -> Result<Option<NaiveDate>> {
    match (command.today(), before) {
        (Err(name), Some(day)) => Err(crate::error::Error::usage(format!(
            "--today {day} has no effect on `datapact {name}`: it judges no dates"
        ))
        .with_hint(
            "leave out --today; the commands that judge dates (check, validate, status, verify, render, ...) list it in their help",
        )),
        (Err(_), None) => Ok(None),
        (Ok(Some(after)), Some(before)) if after != before => {
            Err(crate::error::Error::usage(format!(
                "--today is given twice, as {before} and as {after}"
            ))
            .with_hint("give --today once"))
        }
        (Ok(Some(day)), _) | (Ok(None), Some(day)) => Ok(Some(day)),
        (Ok(None), None) => today_from_env(std::env::var_os(TODAY_VARIABLE)),
    }
}

/// What the commands that sign a statement with a party's key share (`review`, `join`,
/// `withdraw`): the key, role, passphrase, commit and, in debug builds, the claimed signing time.
#[derive(Debug, clap::Args)]
pub struct SigningArgs {
    /// Your OpenSSH Ed25519 private key file; or, for a key an ssh-agent holds (SSH_AUTH_SOCK),
    /// its public key file or key id (SHA256:...), and the agent signs. It must be enrolled for
    /// the party (or member) you sign for.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The role you sign in: a built-in role (dpo, siro, authorised-signatory, ...) or one of
    /// datapact.toml's [signing] roles (default: the key's only role).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Read the key's passphrase from the first line of FILE instead of asking.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Commit the statement and its signature (and nothing else) to git.
    #[arg(long)]
    pub commit: bool,
    #[command(flatten)]
    pub time: SigningTime,
}

impl SigningArgs {
    /// The time the statement records ([`SigningTime::get`]).
    pub fn signing_time(&self) -> DateTime<Utc> {
        self.time.get()
    }
}

/// The signing time a statement records: the clock's. Only debug builds (the test suite's) have
/// the hidden `--signed-at TIME` claiming another, so an installed datapact always records the
/// time of signing.
#[derive(Debug, Clone, clap::Args)]
pub struct SigningTime {
    /// The signing time to claim (RFC 3339); default: now. For tests only: debug builds only.
    #[cfg(debug_assertions)]
    #[arg(long, value_name = "TIME", value_parser = sign::parse_time_arg, hide = true)]
    pub signed_at: Option<DateTime<Utc>>,
}

impl SigningTime {
    /// The clock's time (or, in a debug build, `--signed-at`).
    pub fn get(&self) -> DateTime<Utc> {
        #[cfg(debug_assertions)]
        if let Some(claimed) = self.signed_at {
            return claimed;
        }
        Utc::now()
    }
}

/// Parses a calendar date written exactly YYYY-MM-DD, of a year from 1900 to 9999 (`--today`,
/// `DATAPACT_TODAY`, the `keys` date flags); see [`crate::dates`].
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::dates::parse(s)
}

/// The report format of `validate` and `check`: `--summary` is `--format summary` (clap
/// refuses the two together).
pub fn report_format(format: crate::report::Format, summary: bool) -> crate::report::Format {
    if summary {
        crate::report::Format::Summary
    } else {
        format
    }
}

/// The environment variable that sets today when `--today` is not given.
pub const TODAY_VARIABLE: &str = "DATAPACT_TODAY";

/// Today from the value of [`TODAY_VARIABLE`]: unset or empty (as CI systems pass an input
/// nobody filled in) is no date; anything else must be a date, and an error names the variable,
/// not `--today`.
fn today_from_env(value: Option<std::ffi::OsString>) -> Result<Option<NaiveDate>> {
    env_value(
        TODAY_VARIABLE,
        value,
        parse_date,
        &format!(
            "set {TODAY_VARIABLE} to a date written YYYY-MM-DD, or unset it (an empty value counts as unset); --today overrides it"
        ),
    )
}

/// The environment variable `name`'s `value` read by `parse`: `None` when it is unset or
/// empty (an empty value counts as unset, as CI systems pass unset inputs), else what `parse`
/// makes of it, trimmed; a value it refuses is a usage error that names the variable, the value
/// and why, with `hint`.
pub fn env_value<T>(
    name: &str,
    value: Option<std::ffi::OsString>,
    parse: impl FnOnce(&str) -> Result<T, String>,
    hint: &str,
) -> Result<Option<T>> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    parse(text.trim()).map(Some).map_err(|why| {
        crate::error::Error::usage(format!(
            "the environment variable {name} is {}: {why}",
            term::escape(&format!("{text:?}"))
        ))
        .with_hint(hint)
    })
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    crate::git::configure();
    term::set_verbosity(match (cli.quiet, cli.verbose) {
        (true, _) => term::Verbosity::Quiet,
        (_, true) => term::Verbosity::Verbose,
        _ => term::Verbosity::Normal,
    });
    let result = today_for(&cli.command, cli.today).and_then(|today| {
        let cx = Context {
            workspace_dir: cli.workspace,
            today,
        };
        dispatch(&cx, &cli.command)
    });
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            term::print_error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

fn dispatch(cx: &Context, command: &Command) -> Result<Outcome> {
    match command {
        Command::Init(args) => init::run(cx, args),
        Command::New(args) => new::run(cx, args),
        Command::Bump(args) => bump::run(cx, args),
        Command::Validate(args) => validate::run(cx, args),
        Command::Render(args) => render::run(cx, args),
        Command::Templates(args) => templates::run(cx, args),
        Command::Keys(args) => keys::run(cx, args),
        Command::Sign(args) => sign::run(cx, args),
        Command::Statement(args) => statement::run(cx, args),
        Command::Review(args) => review::run(cx, args),
        Command::Accept(args) => accept::run(cx, args),
        Command::Join(args) => membership::join(cx, args),
        Command::Withdraw(args) => membership::withdraw(cx, args),
        Command::Verify(args) => verify::run(cx, args),
        Command::Status(args) => status::run(cx, args),
        Command::Diff(args) => diff::run(cx, args),
        Command::Log(args) => log::run(cx, args),
        Command::Check(args) => check::run(cx, args),
        Command::Calendar(args) => calendar::run(cx, args),
        Command::Normalise(args) => normalise::run(cx, args),
        Command::Rules(args) => rules::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Vocab(args) => vocab::run(args),
        Command::Schema(args) => schema::run(cx, args),
        Command::Docs(args) => docs::run(args),
    }
}

/// What every command runs with: the global options, and the steps several commands share
/// (opening the workspace or a session, writing to `--out` or stdout, printing a report and
/// deciding the exit code, committing when asked).
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `-C DIR`: the workspace to use instead of searching upward from the current directory.
    pub workspace_dir: Option<PathBuf>,
    /// `--today` / `DATAPACT_TODAY`.
    pub today: Option<NaiveDate>,
}

impl Context {
    /// Opens the workspace named by `-C DIR`, or the one containing the current directory.
    pub fn workspace(&self) -> Result<Workspace> {
        Workspace::locate(self.workspace_dir.as_deref())
    }

    /// Opens the workspace and a session on it: today and the trust store.
    pub fn session(&self) -> Result<Session> {
        let ws = self.workspace()?;
        let today = self.today_in(&ws);
        Session::new(ws, today)
    }

    /// Says, when `--today` / DATAPACT_TODAY names a day other than the day of `signed_at`,
    /// that a statement records the time of signing, not that day: there `--today` only judges
    /// the signatures already made, and a signing time after it is refused.
    pub fn note_signing_time(&self, ws: &Workspace, signed_at: DateTime<Utc>) {
        let signed_on = signed_at.with_timezone(&ws.config.timezone()).date_naive();
        if let Some(today) = self.today.filter(|&t| t != signed_on) {
            term::note(&format!(
                "note: the statement records the time of signing ({}), not --today ({today}); \
                 --today judges the signatures already made, and a signing time after it is refused",
                signed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
        }
    }

    /// Today: `--today`, or today in the workspace's time zone.
    pub fn today_in(&self, ws: &Workspace) -> NaiveDate {
        lifecycle::today(self.today, ws.config.timezone())
    }

    /// Writes a command's output to the file named by `--out` (atomically; a path inside the
    /// workspace `ws_root` passes the gate) and says so with `note`, or to stdout.
    pub fn write_output(
        &self,
        ws_root: Option<&Path>,
        out: Option<&Path>,
        bytes: &[u8],
        note: impl FnOnce(&Path) -> String,
    ) -> Result<()> {
        match out {
            Some(path) => {
                gate::output::write_atomic(ws_root, path, bytes, Overwrite::Allow)?;
                term::note(&note(path));
                Ok(())
            }
            None => term::emit(|w| w.write_all(bytes)),
        }
    }

    /// Prints findings reports in `format` and decides the exit code: 2 when some input could
    /// not be read at all, 1 when the findings fail the check, else 0. The GitHub formats
    /// (`github`, `sarif`) name files relative to the git repository of the workspace at
    /// `ws_root`, and also append a summary to `$GITHUB_STEP_SUMMARY` when it is set
    /// (docs/ci.md). JSON records `today`, the date the findings were judged on.
    #[allow(clippy::too_many_arguments)] // the one place both report commands meet; each is a plain value
    pub fn finish_report(
        &self,
        command: &'static str,
        format: Format,
        reports: &[FileReport],
        deny_warnings: bool,
        unreadable: bool,
        ws_root: &Path,
        today: NaiveDate,
    ) -> Result<Outcome> {
        let for_github = matches!(format, Format::Github | Format::Sarif);
        let repo_prefix = if for_github {
            git::folder_in_work_tree(ws_root)
        } else {
            String::new()
        };
        let ctx = ReportContext {
            command,
            tool_version: env!("CARGO_PKG_VERSION"),
            deny_warnings,
            repo_prefix: &repo_prefix,
        };
        term::emit(|out| report::write_report_on(out, format, reports, &ctx, today))?;
        let mut tally = crate::diagnostics::Tally::default();
        for r in reports {
            tally.add(crate::diagnostics::Tally::of(&r.findings));
        }
        let outcome = if unreadable {
            Outcome::Unreadable
        } else {
            Outcome::from_problems(tally.fails(deny_warnings))
        };
        let summary_file = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty());
        if let Some(path) = summary_file.filter(|_| for_github) {
            let mut summary = Vec::new();
            let written = report::summary::write_step_summary(&mut summary, reports, &ctx, outcome)
                .map_err(|e| crate::error::Error::io("write", Path::new("the job summary"), e))
                .and_then(|()| gate::outside::append(Path::new(&path), &summary));
            // The report and the exit code are the gate; a summary that cannot be written is
            // said, not a failure.
            if let Err(e) = written {
                term::note(&format!("note: no job summary written: {e}"));
            }
        }
        Ok(outcome)
    }

    /// With `--commit` (`commit`), checks before anything is written that the commit can be
    /// made ([`git::check_can_commit`]: a git work tree, the user's git identity), so that a
    /// command never writes its files and then fails to commit them. Every command with
    /// `--commit` calls it first.
    pub fn check_commit(&self, ws: &Workspace, commit: bool) -> Result<()> {
        if commit {
            git::check_can_commit(&ws.root)?;
        }
        Ok(())
    }

    /// Commits `paths` with `message` when `--commit` was given, and says so.
    pub fn commit_if_asked(
        &self,
        ws: &Workspace,
        commit: bool,
        paths: &[PathBuf],
        message: &str,
    ) -> Result<()> {
        if commit {
            let id = git::commit_paths(&ws.root, paths, message)?;
            // The first line: a message may go on to list what it commits.
            term::note(&format!(
                "Committed {} ({})",
                id.get(..12).unwrap_or(&id),
                message.lines().next().unwrap_or_default()
            ));
        }
        Ok(())
    }
}
