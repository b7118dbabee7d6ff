//! One module per subcommand, each with its clap `Args` and a `run`. This module only dispatches.

pub mod init;
pub mod new;
pub mod render;
pub mod templates;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::error::{Outcome, Result};

/// Runs the subcommand named on the command line.
pub fn dispatch(cli: &Cli) -> Result<Outcome> {
    match &cli.command {
        Command::Init(args) => init::run(cli, args),
        Command::New(args) => new::run(cli, args),
        Command::Validate(args) => validate::run(cli, args),
        Command::Render(args) => render::run(cli, args),
        Command::Templates(args) => templates::run(cli, args),
    }
}
