//! datapact: data-sharing agreements as validated, signed TOML files in a git repository.
//!
//! The binary is a thin wrapper around [`run`]. See ARCHITECTURE.md for the code map.

pub mod agreement;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod gate;
pub mod git;
pub mod ids;
pub mod lifecycle;
pub mod register;
pub mod render;
pub mod report;
pub mod rules;
pub mod signing;
pub mod source;
pub mod templates;
pub mod term;
pub mod vocab;
pub mod workspace;

use error::{Error, Result};
use std::path::Path;
use std::process::ExitCode;
use workspace::Workspace;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: cli::Cli) -> ExitCode {
    match commands::dispatch(&cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            term::print_error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Opens the workspace named by `-C DIR`, or the one containing the current directory.
pub fn open_workspace(cli: &cli::Cli) -> Result<Workspace> {
    match &cli.workspace {
        Some(dir) => {
            let canon = gate::outside::canonicalize(dir)
                .map_err(|e| Error::io("open workspace", dir, e))?;
            Workspace::discover(&canon)
        }
        None => {
            let cwd = std::env::current_dir().map_err(|e| Error::io("read", Path::new("."), e))?;
            Workspace::discover(&cwd)
        }
    }
}
