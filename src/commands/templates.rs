//! `datapact templates list` shows every built-in template, what it is for and whether the
//! workspace overrides it; `datapact templates export DIR` writes the built-in templates to DIR
//! as a starting point for the workspace's own (never overwriting a file that exists).

use crate::error::{Error, Outcome, Result};
use crate::gate::{Kind, Overwrite, output};
use crate::templates::{BUILTIN, Origin, Templates};
use crate::term;
use std::path::PathBuf;

/// List the built-in templates or export them for customising.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact templates list                     # the templates and which the workspace overrides
  datapact templates export /tmp/datapact-templates   # then copy the ones you change into templates/")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// List the templates, what each is for, and which the workspace overrides.
    #[command(after_help = "\
Examples:
  datapact templates list")]
    List,
    /// Write the built-in templates into DIR (existing files are kept, never overwritten).
    #[command(after_help = "\
Examples:
  # copies to edit; copy the ones you change into templates/, where they override the built-ins
  datapact templates export /tmp/datapact-templates")]
    Export {
        /// The directory to write to. Exported into the workspace's `templates/`, every
        /// built-in is overridden and no longer receives fixes from datapact upgrades: export
        /// elsewhere and copy only the ones you change.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    match &args.action {
        Action::List => list(cx),
        Action::Export { dir } => export(cx, dir),
    }
}

fn list(cx: &super::Context) -> Result<Outcome> {
    // Outside a workspace the list still shows the built-ins.
    let ws = cx.workspace().ok();
    let templates = Templates::new(ws.as_ref().map(|w| w.root.as_path()));
    let width = BUILTIN
        .iter()
        .map(|(name, _, _)| name.len())
        .max()
        .unwrap_or(0);
    term::emit(|out| {
        for (name, _, purpose) in BUILTIN {
            let origin = match templates.origin(name) {
                Origin::BuiltIn => "built-in".to_string(),
                Origin::Workspace(path) => match &ws {
                    Some(w) => format!("overridden by {}", w.display(&path)),
                    None => format!("overridden by {}", path.display()),
                },
            };
            writeln!(out, "{name:width$}  {}", term::paint(term::DIM, &origin))?;
            writeln!(out, "{:width$}  {purpose}", "")?;
        }
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// Writes every built-in template into `dir`, or nothing: when any of the names is taken (by a
/// file, a directory, or a link, even one that points nowhere) it refuses before writing. A
/// `dir` inside a workspace is judged as a workspace folder (never written through a link that
/// leads out of it); elsewhere it is the user's choice.
fn export(cx: &super::Context, dir: &std::path::Path) -> Result<Outcome> {
    // Outside a workspace there is nothing to judge the directory against.
    let ws = cx.workspace().ok();
    let root = ws.as_ref().map(|w| w.root.as_path());
    output::check(root, dir)
        .map_err(|e| e.with_hint("export into a real directory inside the workspace, or one outside it; nothing was written"))?;
    let mut existing = Vec::new();
    for (name, _, _) in BUILTIN {
        let path = dir.join(name);
        // Not following links: a dangling link is there too, and writing over it would fail
        // half-way through the export.
        match output::kind_no_follow(root, &path) {
            Ok(Kind::Missing) => {}
            Ok(_) => existing.push(path.display().to_string()),
            Err(e) => {
                return Err(e.with_hint("check the directory's permissions; nothing was written"));
            }
        }
    }
    if !existing.is_empty() {
        return Err(Error::usage(format!("not exporting: these files already exist: {}", existing.join(", ")))
            .with_hint("export into an empty directory, or move the existing files away first; nothing was written"));
    }
    for (name, contents, _) in BUILTIN {
        output::write_atomic(
            root,
            &dir.join(name),
            contents.as_bytes(),
            Overwrite::Refuse,
        )?;
    }
    // The workspace's own templates/, named as such (no link followed: a link there was judged
    // above): every built-in is now overridden.
    let overrides = match root {
        Some(root) => output::names_folder(root, dir, crate::workspace::TEMPLATES_DIR)?,
        None => false,
    };
    term::note(&format!(
        "Wrote {} to {}",
        crate::text::plural(BUILTIN.len(), "template", "templates"),
        dir.display()
    ));
    if overrides {
        term::note(&format!(
            "warning: {} is the workspace's templates folder, so all {} built-in templates are now overridden and will no longer receive fixes from datapact upgrades",
            dir.display(),
            BUILTIN.len()
        ));
        term::note(
            "  hint: to change a few, delete these copies, export elsewhere (`datapact templates export /tmp/datapact-templates`) and copy only the ones you change into templates/",
        );
    } else {
        term::note(
            "Copy the ones you change into the workspace's templates/ directory to override the built-ins.",
        );
    }
    Ok(Outcome::Clean)
}
