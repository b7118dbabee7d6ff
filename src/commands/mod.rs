//! One module per subcommand, each with its clap `Args` and a `run`. This module only dispatches.

pub mod calendar;
pub mod check;
pub mod docs;
pub mod init;
pub mod keys;
pub mod new;
pub mod render;
pub mod rules;
pub mod sign;
pub mod status;
pub mod templates;
pub mod validate;
pub mod verify;

use crate::cli::{Cli, Command};
use crate::error::{Outcome, Result};

/// Runs the subcommand named on the command line.
pub fn dispatch(cli: &Cli) -> Result<Outcome> {
    match &cli.command {
        Command::Calendar(args) => calendar::run(cli, args),
        Command::Check(args) => check::run(cli, args),
        Command::Status(args) => status::run(cli, args),
        Command::Init(args) => init::run(cli, args),
        Command::New(args) => new::run(cli, args),
        Command::Validate(args) => validate::run(cli, args),
        Command::Render(args) => render::run(cli, args),
        Command::Templates(args) => templates::run(cli, args),
        Command::Keys(args) => keys::run(cli, args),
        Command::Sign(args) => sign::run(cli, args),
        Command::Verify(args) => verify::run(cli, args),
        Command::Rules(args) => rules::run(args),
        Command::Docs(args) => docs::run(args),
    }
}
