//! `datapact normalise FILE...`: puts files of the workspace, in place, into the form that
//! agreements and signed files must have: no byte order mark, LF line endings (DP002, DP003,
//! DP211). Every other byte is kept, so an edit not yet committed survives, unlike restoring
//! the file from git; a signed file that git's `core.autocrlf` converted gets back the exact
//! bytes that were signed. Every file named is read and checked before any is written; each is
//! then rewritten atomically through the gate, and only if it changes.

use crate::error::{Error, Outcome, Result};
use crate::gate::{self, FileKind, Overwrite};
use crate::source::{self, Normalised};
use crate::term;
use crate::workspace::Workspace;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Remove byte order marks and convert CRLF line endings to LF, in place.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # LF line endings, no BOM, in place
  datapact normalise agreements/icb-ecc-adult-social-care.toml")]
pub struct Args {
    /// Files of the workspace: agreements, statements and signatures, trust store files.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// One file to normalise: where it is, how messages name it, what it becomes.
struct Plan {
    path: PathBuf,
    display: String,
    result: Normalised,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
    let mut plans: Vec<Plan> = Vec::new();
    for file in &args.files {
        let plan = plan(&ws, file)?;
        // The same file named twice (directly and through a link) is done once.
        if !plans.iter().any(|p| p.path == plan.path) {
            plans.push(plan);
        }
    }
    let mut lone_cr = false;
    for p in &plans {
        if p.result.changed() {
            gate::write_atomic(&ws.root, &p.path, &p.result.bytes, Overwrite::Allow)?;
        }
        // What was done is status (standard error, nothing under -q); a carriage return left
        // as it is is a problem, said under -q too.
        term::note(&say(p));
        if let Some(at) = p.result.lone_cr {
            let _ = writeln!(
                term::stderr(),
                "  {}:{}:{}: a carriage return not followed by a line feed is left as it is; remove it by hand",
                term::escape(&p.display),
                at.line,
                at.column
            );
        }
        lone_cr |= p.result.lone_cr.is_some();
    }
    Ok(Outcome::from_problems(lone_cr))
}

/// Reads and normalises (in memory) the file `file` names, refusing a file outside the
/// workspace, one reached through a link that leads out, and one that is not UTF-8 text.
fn plan(ws: &Workspace, file: &Path) -> Result<Plan> {
    if !gate::output::named_inside(&ws.root, file)? {
        return Err(Error::usage(format!(
            "{} is outside the workspace {}",
            file.display(),
            ws.root.display()
        ))
        .with_hint("name files of this workspace; datapact changes no file elsewhere"));
    }
    // Judged first: a link that leads out is refused, naming it. A link that stays inside is
    // followed, and the file it leads to is normalised, so the link stays a link.
    let path = gate::canonical(&ws.root, file)?;
    let display = ws.display(&path);
    let bytes = gate::read(&ws.root, &path, kind_of_file(&display))?;
    let result = source::normalise(&bytes).map_err(|offset| {
        Error::input(format!(
            "{display} is not UTF-8 text (invalid byte at offset {offset}); only line endings and a byte order mark are changed, never the encoding"
        ))
        .with_hint("save the file as UTF-8 in an editor, or leave it out")
    })?;
    Ok(Plan {
        path,
        display,
        result,
    })
}

/// What the file at `display` (workspace-relative) is, for its size cap and in messages.
fn kind_of_file(display: &str) -> FileKind {
    let under = |dir: &str| display.starts_with(&format!("{dir}/"));
    if under(crate::workspace::SIGNATURES_DIR) {
        if display.ends_with(".sig") {
            FileKind::Signature
        } else {
            FileKind::Statement
        }
    } else if under(crate::workspace::KEYS_DIR) {
        FileKind::TrustStore
    } else if under(crate::workspace::TEMPLATES_DIR) {
        FileKind::Template
    } else if display == crate::workspace::CONFIG_FILE {
        FileKind::Config
    } else if display == ".gitattributes" {
        FileKind::GitAttributes
    } else {
        FileKind::Agreement
    }
}

/// What was done to one file, in a line.
fn say(p: &Plan) -> String {
    let r = &p.result;
    let mut done = Vec::new();
    if r.bom_removed {
        done.push("removed the byte order mark".to_string());
    }
    if r.crlf_converted > 0 {
        done.push(format!(
            "converted {} to LF",
            crate::text::plural(r.crlf_converted, "CRLF line ending", "CRLF line endings"),
        ));
    }
    if done.is_empty() {
        format!(
            "{}: unchanged (UTF-8 without a byte order mark, no CRLF line endings)",
            p.display
        )
    } else {
        format!("{}: {}", p.display, done.join(", "))
    }
}
