//! The command-line interface: clap types for the global options and the subcommand list.
//! Each subcommand's own arguments live beside its `run` in `src/commands/`.

use crate::commands;
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
}
