//! `datapact validate [ID|PATH]...`: check agreements against the format and the required-clause
//! rules. With no argument, every agreement in the workspace, in parallel.

use crate::agreement;
use crate::cli::Cli;
use crate::diagnostics::Tally;
use crate::error::{Outcome, Result};
use crate::report::{self, FileReport, Format, ReportContext};
use crate::rules::Family;
use crate::{open_workspace, term};

/// Check agreements for required clauses, vocabularies and consistency.
#[derive(Debug, clap::Args)]
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

pub fn run(cli: &Cli, args: &Args) -> Result<Outcome> {
    let ws = open_workspace(cli)?;
    let files = ws.target_files(&args.targets)?;
    let results = agreement::check_each(&ws, &files, |c| {
        let unreadable = c.is_unreadable();
        let id = c.id();
        let report = FileReport {
            file: c.source.display,
            agreement: id,
            findings: c.findings,
            families: FAMILIES.to_vec(),
        };
        (report, unreadable)
    })?;
    let unreadable = results.iter().any(|(_, u)| *u);
    let reports: Vec<FileReport> = results.into_iter().map(|(r, _)| r).collect();
    let ctx = ReportContext {
        command: "validate",
        tool_version: env!("CARGO_PKG_VERSION"),
        deny_warnings: args.deny_warnings,
    };
    term::emit(|out| report::write_report(out, args.format, &reports, &ctx))?;
    if unreadable {
        return Ok(Outcome::Unreadable);
    }
    let mut tally = Tally::default();
    for r in &reports {
        tally.add(Tally::of(&r.findings));
    }
    Ok(Outcome::from_problems(tally.fails(args.deny_warnings)))
}
