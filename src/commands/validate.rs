//! `datapact validate [ID|PATH]...`: check agreements against the format and the required-clause
//! rules. With no argument, every agreement in the workspace, in parallel.

use crate::agreement;
use crate::agreement::Checked;

use crate::error::{Outcome, Result};
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
    let ws = cx.workspace()?;
    let files = ws.target_files(&args.targets)?;
    let results = agreement::check_each(&ws, &files, |c| {
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
    })?;
    let unreadable = results.iter().any(|(_, u)| *u);
    let mut reports: Vec<FileReport> = results.into_iter().map(|(r, _)| r).collect();
    reports.extend(workspace_reports(&ws, &args.targets, reports.len()));
    cx.finish_report(
        "validate",
        super::report_format(args.format, args.summary),
        &reports,
        args.fail_on == FailOn::Warning || args.deny_warnings,
        unreadable,
        &ws.root,
        cx.today_in(&ws),
    )
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
