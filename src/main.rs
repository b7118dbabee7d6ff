//! The `datapact` binary: answer a shell's completion request, or parse the command line, run
//! it, map the result to an exit code.
use clap::Parser;

fn main() -> std::process::ExitCode {
    // A shell asking for completions (COMPLETE=bash ...) is answered and the process exits.
    datapact::commands::completions::answer_shell();
    datapact::commands::run(datapact::commands::Cli::parse())
}
