//! `datapact validate [ID|PATH]...`: check agreements against the format and the required-clause
//! rules. With no argument, every agreement in the workspace, in parallel.

use crate::agreement::{self, Checked};
use crate::cli::Cli;
use crate::diagnostics::Tally;
use crate::error::{Outcome, Result};
use crate::report::{self, FileReport, Format, ReportContext};
use crate::rules::Family;
use crate::workspace::Workspace;
use crate::{open_workspace, term};
use rayon::prelude::*;
use std::path::PathBuf;

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

/// Validates files in parallel, keeping their order. A file that cannot be opened at all is an
/// error for the whole command (exit 2).
pub fn check_all(ws: &Workspace, files: &[PathBuf]) -> Result<Vec<Checked>> {
    files
        .par_iter()
        .map(|f| agreement::check_file(ws, f))
        .collect()
}

pub fn run(cli: &Cli, args: &Args) -> Result<Outcome> {
    let ws = open_workspace(cli)?;
    let files = ws.target_files(&args.targets)?;
    let checked = check_all(&ws, &files)?;
    let reports: Vec<FileReport> = checked
        .iter()
        .map(|c| FileReport {
            file: c.source.display.clone(),
            agreement: c.id(),
            findings: c.findings.clone(),
            families: FAMILIES.to_vec(),
        })
        .collect();
    let ctx = ReportContext {
        command: "validate",
        tool_version: env!("CARGO_PKG_VERSION"),
        deny_warnings: args.deny_warnings,
    };
    term::emit(|out| report::write_report(out, args.format, &reports, &ctx))?;
    if checked.iter().any(Checked::is_unreadable) {
        return Ok(Outcome::Unreadable);
    }
    let mut tally = Tally::default();
    for c in &checked {
        tally.add(Tally::of(&c.findings));
    }
    Ok(Outcome::from_problems(tally.fails(args.deny_warnings)))
}
