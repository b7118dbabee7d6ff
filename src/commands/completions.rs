//! Shell completion. `datapact completions SHELL` prints the script that registers datapact's
//! completion in bash, zsh, fish, PowerShell or elvish. The script does not hold the words: on
//! each TAB the shell runs `datapact` again with `COMPLETE=<shell>` set ([`answer_shell`],
//! clap_complete's dynamic completion), so subcommands and options always match the installed
//! binary, and agreement ids and party ids come from the workspace of the current directory
//! (the file names in `agreements/` and `keys/`, one listing each; nothing, never an error, when
//! there is none).

use clap::CommandFactory;
use clap_complete::engine::{
    ArgValueCompleter, CompletionCandidate, PathCompleter, ValueCompleter,
};
use clap_complete::env::{CompleteEnv, Shells};
use std::ffi::OsStr;

/// Print the script that makes your shell complete datapact's commands, options and ids.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  source <(datapact completions bash)          # bash, now; add the line to ~/.bashrc to keep it
  source <(datapact completions zsh)           # zsh: add to ~/.zshrc (after compinit)
  datapact completions fish | source           # fish: add to ~/.config/fish/config.fish
  datapact completions powershell | Out-String | Invoke-Expression   # PowerShell: add to $PROFILE

Completion asks the installed binary on each TAB, so the script never goes stale; agreement and
party ids are those of the workspace of the current directory.")]
pub struct Args {
    /// The shell to register completion in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// The environment variable that carries a completion request from the registered script.
const VAR: &str = "COMPLETE";

pub fn run(args: &Args) -> crate::error::Result<crate::error::Outcome> {
    let name = clap::ValueEnum::to_possible_value(&args.shell)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    let shells = Shells::builtins();
    let shell = shells
        .completer(&name)
        .ok_or_else(|| crate::error::Error::usage(format!("no completion for shell {name}")))?;
    let mut script = Vec::new();
    shell
        .write_registration(VAR, "datapact", "datapact", &completer_path(), &mut script)
        .map_err(|e| crate::error::Error::io("write", std::path::Path::new("the script"), e))?;
    crate::term::emit(|out| out.write_all(&script))?;
    Ok(crate::error::Outcome::Clean)
}

/// How the script calls datapact back: the name it was run by when that is a bare name found
/// on PATH (so an upgraded binary answers), else the absolute path of this binary.
fn completer_path() -> String {
    let argv0 = std::env::args().next().unwrap_or_default();
    if !argv0.is_empty() && !argv0.contains(std::path::MAIN_SEPARATOR) {
        return argv0;
    }
    std::env::current_exe()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or(argv0)
}

/// Answers a completion request from a registered script (`COMPLETE=<shell>` set) and exits;
/// returns at once on an ordinary run. Call it before anything is written to stdout.
pub fn answer_shell() {
    CompleteEnv::with_factory(command).var(VAR).complete();
}

/// The command line as clap sees it, with the agreement-id and party-id arguments completing
/// from the workspace: every argument named ID or ID|PATH (except `new`'s, an id still to be
/// made), and every ORG_ID or PARTY option but `--class`.
pub fn command() -> clap::Command {
    with_completers(super::Cli::command())
}

fn with_completers(cmd: clap::Command) -> clap::Command {
    let making_new = cmd.get_name() == "new";
    cmd.mut_args(|arg| {
        let names: Vec<String> = arg
            .get_value_names()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        match names.first().map(String::as_str) {
            Some("ID") | Some("ID|PATH") if !making_new => {
                arg.add(ArgValueCompleter::new(agreement_ids))
            }
            // A class party (`join --class`) is named in its agreement, not in the trust store.
            Some("ORG_ID") | Some("PARTY") if arg.get_id() != "class" => {
                arg.add(ArgValueCompleter::new(party_ids))
            }
            _ => arg,
        }
    })
    .mut_subcommands(with_completers)
}

/// The agreement ids starting with `current`; a value that looks like a path completes as one.
fn agreement_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let text = current.to_string_lossy();
    if text.contains('/') || text.starts_with('.') {
        return PathCompleter::file().complete(current);
    }
    ids_from("agreements", &text)
}

/// The party ids of the trust store (`keys/<party>.toml`) starting with `current`.
fn party_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    ids_from("keys", &current.to_string_lossy())
}

fn ids_from(dir: &str, prefix: &str) -> Vec<CompletionCandidate> {
    let Ok(here) = std::env::current_dir() else {
        return Vec::new();
    };
    crate::workspace::completion_ids(&here, dir)
        .into_iter()
        .filter(|id| id.starts_with(prefix))
        .map(CompletionCandidate::new)
        .collect()
}
