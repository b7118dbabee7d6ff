//! The error type shared by every command, and how it maps to exit codes.
//!
//! Exit codes: 0 clean; 1 the check found problems, or the workspace's content or state refused
//! the action; 2 usage, environment or I/O error, or input that cannot be read or used. The code
//! comes from the error's [`ErrorKind`] alone ([`Error::exit_code`]): code that refuses picks the
//! kind by the rule in docs/exit-codes.md, never a number. Every error carries what went wrong,
//! where, and a hint saying what to do next.

use std::fmt;
use std::path::Path;

/// What kind of failure this is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line is wrong by itself (a malformed or missing argument, options that
    /// contradict each other, a date after today where one up to today is needed), or the
    /// environment cannot serve it (no workspace, no git repository, no HOME, an invalid
    /// DATAPACT_TODAY); a named agreement or version that does not exist (exit 2).
    Usage,
    /// A file or directory could not be read or written (exit 2).
    Io,
    /// An input cannot be read or used: a file that does not parse, a key file of the wrong
    /// type, a key or passphrase file other users can read, a private key kept where it could
    /// be committed (exit 2).
    Input,
    /// The workspace's content or state refuses the action: the agreement has errors or does
    /// not name the party, the id, signature, enrolment or revocation is already there, a date
    /// contradicts one the workspace records (exit 1).
    Refused,
}

/// An error with a message and, where there is one, a hint about what to do next.
#[derive(Debug, Clone)]
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
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                "free some space on the disk that holds it (or choose another place), then try again"
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk says so and what to do, not "check the path" (found writing a site onto a
    /// full file system).
    #[test]
    fn a_full_disk_is_named_with_what_to_do() {
        for kind in [
            std::io::ErrorKind::StorageFull,
            std::io::ErrorKind::QuotaExceeded,
        ] {
            let e = Error::io(
                "write",
                Path::new("site/a.html"),
                std::io::Error::from(kind),
            );
            assert_eq!(e.exit_code(), 2);
            assert!(
                e.hint.as_deref().unwrap().starts_with("free some space"),
                "{:?}",
                e.hint
            );
        }
    }
}
