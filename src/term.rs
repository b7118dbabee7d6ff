//! The one module that talks to the terminal: output streams that drop colour when they are not
//! a terminal or `NO_COLOR` is set, the styles used, error printing, and passphrase prompts
//! without echo.

use crate::error::{Error, Result};
use anstyle::AnsiColor;
pub use anstyle::Style;
use std::io::{IsTerminal, Write};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();

/// Standard output; colour codes written to it are removed unless it is a colour terminal.
pub fn stdout() -> anstream::AutoStream<std::io::Stdout> {
    anstream::AutoStream::auto(std::io::stdout())
}

/// Standard error, with the same colour handling as [`stdout`].
pub fn stderr() -> anstream::AutoStream<std::io::Stderr> {
    anstream::AutoStream::auto(std::io::stderr())
}

/// Writes a command's output to standard output. A closed pipe (`datapact status | head`) is
/// not an error: the reader has what it wanted.
pub fn emit(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = stdout();
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(
            "write",
            std::path::Path::new("standard output"),
            e,
        )),
    }
}

/// Writes `text` in `style` (the codes are stripped later when colour is off).
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Prints an error and its hint to standard error.
pub fn print_error(err: &Error) {
    let mut e = stderr();
    let _ = writeln!(e, "{} {}", paint(ERROR, "error:"), err.message);
    if let Some(hint) = &err.hint {
        let _ = writeln!(e, "  {} {hint}", paint(BOLD, "hint:"));
    }
}

/// Prints a one-line note to standard error (progress and "kept existing file" messages).
pub fn note(message: &str) {
    let _ = writeln!(stderr(), "{message}");
}

/// Whether standard input is a terminal (so a prompt can be answered).
pub fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks for a passphrase on the terminal without echoing it. Refuses when there is no terminal,
/// so a script never hangs waiting for input.
pub fn read_passphrase(prompt: &str) -> Result<String> {
    if !stdin_is_terminal() {
        return Err(
            Error::usage("a passphrase is needed but there is no terminal to ask on")
                .with_hint("pass --passphrase-file FILE (a file readable only by you)"),
        );
    }
    rpassword::prompt_password(prompt).map_err(|e| {
        Error::io(
            "read the passphrase from",
            std::path::Path::new("the terminal"),
            e,
        )
    })
}

/// Asks a yes/no question on the terminal; `false` when there is no terminal.
pub fn confirm(question: &str) -> bool {
    if !stdin_is_terminal() {
        return false;
    }
    let mut err = stderr();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}
