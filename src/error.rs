//! The error type shared by every command, and how it maps to exit codes.
//!
//! Exit codes: 0 clean, 1 the check found problems (or an action was refused because of them),
//! 2 usage, I/O or unreadable input. Every error carries what went wrong, where, and a hint
//! saying what to do next.

use std::fmt;
use std::path::Path;

/// What kind of failure this is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line or its arguments are wrong (exit 2).
    Usage,
    /// A file or directory could not be read or written (exit 2).
    Io,
    /// An input file exists but cannot be understood at all (exit 2).
    Input,
    /// The action was refused because of problems in the content (exit 1).
    Refused,
}

/// An error with a message and, where there is one, a hint about what to do next.
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, message)
    }
    /// An I/O failure while doing `action` ("read", "write", "create directory") on `path`.
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        let permissions;
        let hint = match err.kind() {
            std::io::ErrorKind::NotFound => "check that the path exists and is spelt correctly",
            std::io::ErrorKind::PermissionDenied => {
                permissions = format!(
                    "check the permissions of {} and of the folder it is in",
                    path.display()
                );
                permissions.as_str()
            }
            std::io::ErrorKind::AlreadyExists => "choose another name or remove the existing file",
            _ => "check the path and try again",
        };
        Error::new(
            ErrorKind::Io,
            format!("cannot {action} {}: {err}", path.display()),
        )
        .with_hint(hint)
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Refused => 1,
            ErrorKind::Usage | ErrorKind::Io | ErrorKind::Input => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The result of a command that ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at failing severity was found (exit 0).
    Clean,
    /// The command found problems (exit 1).
    Problems,
    /// Some input could not be read or parsed at all; reported, and exit 2.
    Unreadable,
}

impl Outcome {
    pub fn from_problems(found: bool) -> Self {
        if found {
            Outcome::Problems
        } else {
            Outcome::Clean
        }
    }
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Problems => 1,
            Outcome::Unreadable => 2,
        }
    }
}
