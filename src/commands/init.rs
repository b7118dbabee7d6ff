//! `datapact init [DIR]`: create a workspace (and a git repository if there is none).
//! Never overwrites an existing file; says what it kept.

use crate::config::DEFAULT_CONFIG_TOML;
use crate::error::{Error, Outcome, Result};
use crate::gate::{self, FileKind, Kind, Overwrite, outside};
use crate::schema::{self, Written};
use crate::workspace::{AGREEMENTS_DIR, CONFIG_FILE, KEYS_DIR};
use crate::{git, term};
use std::path::{Path, PathBuf};

/// Create a workspace: datapact.toml, agreements/, keys/, .gitattributes and .gitignore, in a git repository.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # a new workspace (and git repository) in my-agreements/
  datapact init my-agreements
  datapact init                               # make the current directory a workspace
  datapact -C my-agreements init              # the same as `datapact init my-agreements`")]
pub struct Args {
    /// Directory to create the workspace in (created if needed); default: the -C DIR when given,
    /// else the current directory. Unlike other commands, init does not search upward: the
    /// workspace is made at DIR itself. Given both DIR and -C, they must name the same directory.
    pub dir: Option<PathBuf>,
}

/// Stops git from converting line endings in files whose exact bytes are signed or hashed.
pub const GITATTRIBUTES: &str = "\
# datapact: agreements, signatures and keys are signed byte for byte.
# Git must never convert their line endings (core.autocrlf would break every signature).
*.toml -text
agreements/** -text
signatures/** -text
keys/** -text
";

/// Keeps what datapact writes for people to read (rendered pages, calendars, reports) and the
/// public key files partners send out of `git add -A`: none of it belongs in the repository.
pub const GITIGNORE: &str = "\
# datapact: files its commands write for you to read or send, not to commit.
# The published site (`datapact render --all`) and single rendered documents.
/site/
/*.html
# Review and expiry reminders (`datapact calendar`) and CI reports written to files.
/*.ics
/*.sarif
/*.xml
# A partner's public key as received: `datapact keys add` enrols it into keys/, which is committed.
/*.pub
";

/// Whether `a` and `b` name the same directory: the same absolute path, or (when both exist)
/// the same directory through links.
fn same_dir(a: &Path, b: &Path) -> bool {
    let absolute = |p: &Path| std::path::absolute(p).ok();
    if absolute(a).is_some() && absolute(a) == absolute(b) {
        return true;
    }
    match (outside::canonicalize(a), outside::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The lines of [`GITATTRIBUTES`] that an existing `.gitattributes` lacks.
fn missing_attributes(existing: &str) -> Vec<&'static str> {
    let has = |line: &str| {
        existing.lines().any(|l| {
            l.split_whitespace().collect::<Vec<_>>() == line.split_whitespace().collect::<Vec<_>>()
        })
    };
    GITATTRIBUTES
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter(|l| !has(l))
        .collect()
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let dir = match (&args.dir, &cx.workspace_dir) {
        (Some(d), Some(w)) if !same_dir(d, w) => {
            return Err(Error::usage(format!(
                "init is given two directories: {} and -C {}",
                d.display(),
                w.display()
            ))
            .with_hint("name the directory once: `datapact init DIR`"));
        }
        (Some(d), _) => d.clone(),
        (None, Some(w)) => w.clone(),
        (None, None) => PathBuf::from("."),
    };
    // Where the workspace goes is outside any workspace yet; once it exists, every file in it
    // goes through the gate with `dir` as the root.
    outside::create_dir_all(&dir)?;
    let dir = outside::canonicalize(&dir).map_err(|e| Error::io("open", &dir, e))?;
    // What init did is status, not data: it goes to standard error (docs/output.md).
    let say = |what: &str, path: &str| term::note(&format!("  {what:<8} {path}"));
    term::note(&format!("Workspace {}", dir.display()));

    if git::ensure_repository(&dir)? {
        say("created", "git repository");
    } else {
        say("kept", "git repository (already there)");
    }
    for (name, content) in [
        (CONFIG_FILE, DEFAULT_CONFIG_TOML),
        (".gitattributes", GITATTRIBUTES),
        (".gitignore", GITIGNORE),
    ] {
        let path = dir.join(name);
        if gate::kind_of(&dir, &path)? != Kind::Missing {
            say("kept", &format!("{name} (already there, not changed)"));
            if name == ".gitattributes" {
                let existing = gate::read(&dir, &path, FileKind::GitAttributes)?;
                let missing = missing_attributes(&String::from_utf8_lossy(&existing));
                if !missing.is_empty() {
                    term::note(
                        "warning: .gitattributes does not stop git converting line endings in signed files; add these lines to it:",
                    );
                    for line in &missing {
                        term::note(&format!("  {line}"));
                    }
                }
            }
        } else {
            gate::write_atomic(&dir, &path, content.as_bytes(), Overwrite::Refuse)?;
            say("created", name);
        }
    }
    for sub in [AGREEMENTS_DIR, KEYS_DIR] {
        let path = dir.join(sub);
        if gate::kind_of(&dir, &path)? == Kind::Dir {
            say("kept", &format!("{sub}/"));
        } else {
            gate::create_dir_all(&dir, &path)?;
            // An empty directory is invisible to git; a .gitkeep makes it part of the first commit.
            gate::write_atomic(&dir, &path.join(".gitkeep"), b"", Overwrite::Refuse)?;
            say("created", &format!("{sub}/"));
        }
    }
    // The schemas editors check with, and a Taplo configuration that never reformats signed files.
    // An existing datapact.toml that cannot be read is reported by the next command that reads
    // it; the schemas then offer the default policy's consent exceptions.
    let policy = crate::workspace::Workspace::open(dir.clone())
        .map(|ws| ws.config.policy().clone())
        .unwrap_or_default();
    for (path, what) in schema::write(&dir, &policy)? {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        match what {
            Written::Kept => say("kept", &format!("{name} (already there, not changed)")),
            Written::Unchanged => say("kept", &format!("{name} (up to date)")),
            Written::Updated => say("updated", &name),
            Written::Created => say("created", &name),
        }
    }
    for line in [
        "",
        "Next steps:",
        "  datapact new my-first-agreement --title \"...\" --party org-a --party org-b",
        "  (edit agreements/my-first-agreement.toml; every TODO is a clause still to fill in)",
        "  datapact validate",
    ] {
        term::note(line);
    }
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_attribute_lines_an_existing_file_lacks() {
        assert_eq!(missing_attributes(GITATTRIBUTES), Vec::<&str>::new());
        let partial = "*.png binary\n*.toml   -text\n";
        let missing = missing_attributes(partial);
        assert!(!missing.contains(&"*.toml -text"));
        assert!(missing.contains(&"signatures/** -text"));
    }
}
