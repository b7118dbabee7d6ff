//! The `datapact` binary: parse the command line, run it, map the result to an exit code.
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = datapact::cli::Cli::parse();
    datapact::run(cli)
}
