//! The one module that talks to the terminal: output streams that drop colour when they are not
//! a terminal or `NO_COLOR` is set, the styles used, error printing, passphrase prompts
//! without echo, the progress bar of long work ([`Progress`]), [`escape`], which every value
//! read from a file passes before it is shown, and the width tables fit ([`stdout_width`],
//! [`fit_columns`], [`truncate`]).

use crate::error::{Error, Result};
use anstyle::AnsiColor;
pub use anstyle::Style;
use std::borrow::Cow;
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

/// Writes a command's output to standard output, buffered (one system call per 8 KiB, not per
/// line: a register of 10,000 agreements is 10,000 lines). A closed pipe (`datapact status |
/// head`) is not an error: the reader has what it wanted.
pub fn emit(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    // Colour is judged on standard output itself; the buffer sits below the stripping of colour
    // codes, which writes each run of text between two codes on its own.
    let choice = anstream::AutoStream::choice(&std::io::stdout());
    let buffered: Box<dyn Write> = Box::new(std::io::BufWriter::new(std::io::stdout()));
    let mut out = anstream::AutoStream::new(buffered, choice);
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

/// Whether `c` must not reach a terminal as itself: a C0 control character (a line break and a
/// tab included: a value shown on one line must stay on it), DEL, a C1 control character, or
/// a bidirectional embedding, override or isolate character (U+202A-U+202E, U+2066-U+2069),
/// which reorders the text around it. An escape sequence can move the cursor, rewrite a line
/// already printed or change colours; a carriage return starts the line again.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character of [`is_unsafe`] written visibly, as Rust writes it in a
/// string (`\n`, `\t`, `\r`, `\u{1b}`, `\u{202e}`), so that a value read from a file (an
/// agreement's title, a party id, a statement's field, a file or key name) is shown as it is
/// and cannot act on the terminal. Every human output path passes such values through it:
/// the findings report, `verify`, `sign`'s confirmation, the `status` table, `keys list`, and
/// error messages and notes as a whole. Text without such characters is returned unchanged.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints an error and its hint to standard error. Both are escaped whole ([`escape`]): a
/// message may quote a file's content or name.
pub fn print_error(err: &Error) {
    let mut e = stderr();
    let _ = writeln!(e, "{} {}", paint(ERROR, "error:"), escape(&err.message));
    if let Some(hint) = &err.hint {
        let _ = writeln!(e, "  {} {}", paint(BOLD, "hint:"), escape(hint));
    }
}

/// How much a run prints besides its findings and errors (`-q`, `-v`), set once for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// `-q`: findings and errors only: no notes, progress bar or summary lines.
    Quiet,
    #[default]
    Normal,
    /// `-v`: also what passed (the files a check found nothing wrong with).
    Verbose,
}

static VERBOSITY: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

/// Sets the run's [`Verbosity`] (the command line does, before anything is printed).
pub fn set_verbosity(v: Verbosity) {
    VERBOSITY.store(v as u8, std::sync::atomic::Ordering::Relaxed);
}

/// The run's [`Verbosity`]: `Normal` unless `-q` or `-v` was given.
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(std::sync::atomic::Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Standard error for a summary of several lines (what `sign` is about to sign), or a sink that
/// drops it under `-q` unless `shown_anyway` (a question about it follows, so it must be seen).
pub fn summary_stderr(shown_anyway: bool) -> Box<dyn Write> {
    if verbosity() == Verbosity::Quiet && !shown_anyway {
        Box::new(std::io::sink())
    } else {
        Box::new(stderr())
    }
}

/// Prints a one-line note to standard error, escaped ([`escape`]): a note may name files found
/// on disk. Nothing under `-q`. Every status message goes here or to [`status`], never to
/// standard output, which carries only a command's data (docs/output.md): what a command did
/// ("Created", "Wrote", "Enrolled", "Signed"), progress, and "kept existing file" messages.
pub fn note(message: &str) {
    if verbosity() == Verbosity::Quiet {
        return;
    }
    let _ = writeln!(stderr(), "{}", escape(message));
}

/// Writes a status message of several lines (what a command did, as [`note`] says one line)
/// to standard error; nothing under `-q`. The writer escapes the values it shows from files.
pub fn status(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    if verbosity() == Verbosity::Quiet {
        return;
    }
    let mut err = stderr();
    let _ = write(&mut err).and_then(|()| err.flush());
}

/// The width a table on standard output must fit: `COLUMNS` when it is set to a number (so a
/// script or a test can ask for a width), else the terminal's width when standard output is a
/// terminal, else `None`: piped or redirected output is not cut, every value is written whole.
pub fn stdout_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// The widths of a table's columns fitted to `width` characters, `gap` spaces between columns:
/// each column's `natural` width (its widest cell), the widest of the `flexible` ones narrowed
/// one character at a time, none below `min` (or its natural width), until the row fits. The
/// other columns keep their width; when they alone are wider than `width` the row is wider.
pub fn fit_columns(
    natural: &[usize],
    flexible: &[bool],
    min: usize,
    width: usize,
    gap: usize,
) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let total = |w: &[usize]| w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
    while total(&widths) > width {
        let widest = (0..widths.len())
            .filter(|&i| flexible.get(i) == Some(&true) && widths[i] > min.min(natural[i]))
            .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)));
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    widths
}

/// `text` cut to at most `max` characters, the last one an ellipsis when anything was cut.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    Cow::Owned(if max == 0 { kept } else { kept + "…" })
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
    let _ = write!(err, "{} [y/N] ", escape(question));
    let _ = err.flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

/// A progress bar on standard error for work over many items (agreements, commits). It
/// appears only when standard error is a terminal and the work has gone on for about a second,
/// so short runs, pipes, CI logs, tests and `-q` see nothing; it is cleared when done. Counting is
/// cheap and may be done from any thread.
pub struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
    terminal: bool,
}

/// How long work goes on before its progress bar appears.
const PROGRESS_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

impl Progress {
    /// Progress over `total` items; `what` names them ("agreements").
    pub fn new(what: &str, total: usize) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "[{{bar:30}}] {{pos}}/{{len}} {what}, {{elapsed}} (about {{eta}} left)"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            started: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
            terminal: std::io::stderr().is_terminal() && verbosity() != Verbosity::Quiet,
        }
    }

    /// Counts one item done.
    pub fn inc(&self) {
        self.bar.inc(1);
        if self.terminal
            && !self.shown.load(std::sync::atomic::Ordering::Relaxed)
            && self.started.elapsed() >= PROGRESS_AFTER
            && !self.shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_written_visibly() {
        assert_eq!(
            escape("a\u{1b}[2Kb\rc\nd\te\u{7f}\u{85}\u{9b}"),
            "a\\u{1b}[2Kb\\rc\\nd\\te\\u{7f}\\u{85}\\u{9b}"
        );
        for c in ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}'] {
            assert_eq!(
                escape(&format!("x{c}y")),
                format!("x\\u{{{:x}}}y", c as u32)
            );
        }
        for c in [
            '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{0}', '\u{1f}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn columns_are_fitted_by_narrowing_the_widest_flexible_one() {
        // 10 + 40 + 10 + 30 and three gaps of 2: 96 wide.
        let natural = [10, 40, 10, 30];
        let flexible = [false, true, false, true];
        assert_eq!(fit_columns(&natural, &flexible, 8, 200, 2), natural);
        assert_eq!(fit_columns(&natural, &flexible, 8, 86, 2), [10, 30, 10, 30]);
        assert_eq!(fit_columns(&natural, &flexible, 8, 70, 2), [10, 22, 10, 22]);
        // Fixed columns are never cut: the row is wider than asked.
        assert_eq!(fit_columns(&natural, &flexible, 8, 20, 2), [10, 8, 10, 8]);
        // A column narrower than the minimum keeps its width.
        assert_eq!(fit_columns(&[4, 50], &[true, true], 8, 20, 2), [4, 14]);
    }

    #[test]
    fn truncation_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(truncate("Adult social care", 20), "Adult social care");
        assert_eq!(truncate("Adult social care", 17), "Adult social care");
        assert_eq!(truncate("Adult social care", 10), "Adult soc…");
        assert_eq!(truncate("東京東京東京", 4), "東京東…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "NHS Essex ICB",
            "Düsseldorf – “quotes” ‘é’ 東京 \\u{1b} ü",
            "",
        ] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        }
        for c in [
            '\u{a0}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{ff}',
        ] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }
}
