//! The command-line interface: clap types for the global options and the subcommand list.
//! Each subcommand's own arguments live beside its `run` in `src/commands/`.

use crate::commands;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes:
  0  clean: nothing at failing severity was found
  1  the check found problems (or an action was refused because of them)
  2  usage error, I/O error, or input that cannot be read or parsed at all";

/// Manage data-sharing agreements as validated, signed TOML files in a git repository.
#[derive(Debug, Parser)]
#[command(name = "datapact", version, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Use the workspace at DIR instead of searching upward from the current directory.
    #[arg(short = 'C', long = "workspace", value_name = "DIR", global = true)]
    pub workspace: Option<PathBuf>,

    /// Take this date as today (for review and expiry dates); default: today in the workspace's time zone.
    #[arg(long, value_name = "YYYY-MM-DD", env = "DATAPACT_TODAY", global = true, value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    New(commands::new::Args),
    Validate(commands::validate::Args),
    Render(commands::render::Args),
    Templates(commands::templates::Args),
    Keys(commands::keys::Args),
    Sign(commands::sign::Args),
    Verify(commands::verify::Args),
    Status(commands::status::Args),
    Check(commands::check::Args),
    Calendar(commands::calendar::Args),
    Rules(commands::rules::Args),
    #[command(hide = true)]
    Docs(commands::docs::Args),
}

/// Parses a calendar date written YYYY-MM-DD.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{e}: expected a date written YYYY-MM-DD, such as 2026-04-01"))
}
