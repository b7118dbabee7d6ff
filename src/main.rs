//! The `datapact` binary: parse the command line, run it, map the result to an exit code.
use clap::Parser;

fn main() -> std::process::ExitCode {
    datapact::commands::run(datapact::commands::Cli::parse())
}
