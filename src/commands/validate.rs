//! `datapact validate [ID|PATH]...`: check agreements against the format and the required-clause
//! rules. With no argument, every agreement in the workspace, in parallel. Files named by path
//! where no workspace is found (an agreement received by e-mail) are checked with datapact's
//! default settings, and a note says so.

use crate::agreement;
use crate::agreement::Checked;
use crate::config::Config;
use crate::error::{Error, Outcome, Result};
use crate::term;
use crate::workspace::{self, Workspace};
use std::path::Path;

use crate::report::{FileReport, Format};
use crate::rules::Family;

/// Which severity makes the run fail (`validate --fail-on`, `check --fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

/// Check agreements for required clauses, vocabularies and consistency.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact validate                           # every agreement of the workspace
  datapact validate icb-ecc-adult-social-care   # one agreement, by id
  datapact validate agreements/icb-ecc-adult-social-care.toml --format json   # by path, as JSON
  datapact validate --fail-on warning         # fail on warnings too
  datapact validate --summary                 # one line per file: errors, warnings, top codes
  datapact validate ~/Downloads/received.toml   # a file received by e-mail, outside any workspace")]
pub struct Args {
    /// Agreement ids or file paths; default: every agreement in the workspace.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// One line per file (its errors, warnings and most frequent codes) instead of every finding:
    /// the same as `--format summary`.
    #[arg(long, conflicts_with = "format")]
    pub summary: bool,
    /// Fail (exit 1) on findings of this severity or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The former name of `--fail-on warning`, kept so existing scripts work.
    #[arg(long, hide = true)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

/// The families of checks that `validate` runs.
pub const FAMILIES: &[Family] = &[Family::File, Family::Structure, Family::Content];

/// Whether a validation family ran on a checked file: structure needs the file read as TOML,
/// content the agreement built from it. Other families are not validation's to judge.
pub fn validation_ran(checked: &Checked, family: Family) -> bool {
    match family {
        Family::Structure => !checked.is_unreadable(),
        Family::Content => checked.agreement.is_some(),
        _ => true,
    }
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    // Files named by path may be checked where no workspace is found; `-C DIR` names one.
    let only_files =
        !args.targets.is_empty() && args.targets.iter().all(|t| workspace::looks_like_path(t));
    let ws = if only_files && cx.workspace_dir.is_none() {
        match Workspace::find_from_current_dir()? {
            Some(ws) => ws,
            None => return outside_any_workspace(cx, args),
        }
    } else {
        cx.workspace()?
    };
    let files = ws.target_files(&args.targets)?;
    let results = agreement::check_each(&ws, &files, agreement::Scope::All, 1, file_report)?;
    let unreadable = results.iter().any(|(_, u)| *u);
    let mut reports: Vec<FileReport> = results.into_iter().map(|(r, _)| r).collect();
    reports.extend(workspace_reports(&ws, &args.targets, reports.len()));
    finish(cx, args, &reports, unreadable, &ws.root, cx.today_in(&ws))
}

/// Prints the reports in the chosen format and decides the exit code ([`super::Context::finish_report`]).
fn finish(
    cx: &super::Context,
    args: &Args,
    reports: &[FileReport],
    unreadable: bool,
    root: &Path,
    today: chrono::NaiveDate,
) -> Result<Outcome> {
    cx.finish_report(
        "validate",
        super::report_format(args.format, args.summary),
        reports,
        args.fail_on == FailOn::Warning || args.deny_warnings,
        unreadable,
        root,
        today,
    )
}

/// A checked file's report, and whether it could not be read at all.
fn file_report(c: Checked) -> (FileReport, bool) {
    let unreadable = c.is_unreadable();
    let id = c.id();
    let (families, skipped) = FAMILIES.iter().partition(|&&f| validation_ran(&c, f));
    let report = FileReport {
        file: c.source.display,
        agreement: id,
        findings: c.findings,
        families,
        skipped,
    };
    (report, unreadable)
}

/// `validate FILE...` where no workspace is found: each file (by its own name, no link
/// followed) checked with datapact's default settings, which a note on stderr says, with the
/// workspace-only check skipped (the file name against the agreement id, DP008).
fn outside_any_workspace(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let config = Config::default();
    let mut reports = Vec::new();
    let mut unreadable = false;
    for target in &args.targets {
        if reports.iter().any(|r: &FileReport| &r.file == target) {
            continue;
        }
        let (report, u) = file_report(agreement::check_outside(
            Path::new(target),
            target.clone(),
            &config,
        )?);
        unreadable |= u;
        reports.push(report);
    }
    term::note(&format!(
        "note: no datapact workspace found, so validated with datapact's default settings ({}, every rule at its default severity); skipped the workspace-only check that a file's name matches its agreement id",
        config.policy().name
    ));
    let here = std::env::current_dir().map_err(|e| Error::io("read", Path::new("."), e))?;
    let today = crate::lifecycle::today(cx.today, config.timezone());
    finish(cx, args, &reports, unreadable, &here, today)
}

/// The reports about the workspace as a whole (DP023 stray entries of agreements/, DP024 no
/// agreements; `[rules]` applied), one per file they concern, for a whole-workspace run of
/// `validate` or `check` that found `agreements` agreement files; none for a run on named
/// agreements, which does not scan the workspace.
pub fn workspace_reports(
    ws: &crate::workspace::Workspace,
    targets: &[String],
    agreements: usize,
) -> Vec<FileReport> {
    if !targets.is_empty() {
        return Vec::new();
    }
    let findings = ws
        .config
        .apply(crate::rules::workspace::findings(ws, agreements));
    let mut by_file: std::collections::BTreeMap<String, Vec<crate::diagnostics::Finding>> =
        Default::default();
    for f in findings {
        by_file.entry(f.file.clone()).or_default().push(f);
    }
    by_file
        .into_iter()
        .map(|(file, findings)| FileReport {
            file,
            agreement: None,
            findings,
            families: vec![Family::Structure],
            skipped: Vec::new(),
        })
        .collect()
}
