//! `datapact validate [ID|PATH]...`: check agreements against the format and the required-clause
//! rules. With no argument, every agreement in the workspace, in parallel.

use crate::agreement;
use crate::agreement::Checked;

use crate::error::{Outcome, Result};
use crate::report::{FileReport, Format};
use crate::rules::Family;

/// Check agreements for required clauses, vocabularies and consistency.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact validate                           # every agreement of the workspace
  datapact validate icb-ecc-adult-social-care   # one agreement, by id
  datapact validate agreements/icb-ecc-adult-social-care.toml --format json   # by path, as JSON
  datapact validate --deny-warnings           # fail on warnings too")]
pub struct Args {
    /// Agreement ids or file paths; default: every agreement in the workspace.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when there are warnings too.
    #[arg(long)]
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
    let reports: Vec<FileReport> = results.into_iter().map(|(r, _)| r).collect();
    cx.finish_report(
        "validate",
        args.format,
        &reports,
        args.deny_warnings,
        unreadable,
        &ws.root,
    )
}
