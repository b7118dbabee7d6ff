//! `datapact schema agreement|workspace|keys`: print the JSON Schema of an agreement,
//! `datapact.toml` or a trust store file; `--write` puts all three in the workspace's
//! `.datapact/` (and a Taplo configuration when there is none), so editors check while typing.

use crate::error::{Error, Outcome, Result};
use crate::policy::Policy;
use crate::schema::{self, Which, Written};
use crate::term;

/// Print a file format's JSON Schema, or write the schemas into the workspace for editors.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact schema agreement > agreement.schema.json
  # put the schemas in .datapact/ for Taplo and Even Better TOML (docs/editors.md)
  datapact schema --write")]
pub struct Args {
    /// Which file's schema to print.
    #[arg(value_enum, required_unless_present = "write")]
    pub which: Option<Which>,
    /// Write every schema into the workspace's .datapact/ (and .taplo.toml when there is none)
    /// instead of printing one.
    #[arg(long, conflicts_with = "which")]
    pub write: bool,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    if args.write {
        let ws = cx.workspace()?;
        let done = schema::write(&ws.root, ws.config.policy())?;
        term::status(|out| {
            for (path, what) in &done {
                let what = match what {
                    Written::Created => "created",
                    Written::Updated => "updated",
                    Written::Unchanged => "up to date",
                    Written::Kept => "kept (already there, not changed)",
                };
                writeln!(out, "  {:<10} {}", what, term::escape(&ws.display(path)))?;
            }
            Ok(())
        });
        return Ok(Outcome::Clean);
    }
    let which = args.which.ok_or_else(|| {
        Error::usage("name the schema to print")
            .with_hint("datapact schema agreement|workspace|keys")
    })?;
    // In a workspace its own consent exceptions are offered too; anywhere else the built-in ones.
    let policy = match cx.workspace() {
        Ok(ws) => ws.config.policy().clone(),
        Err(_) => Policy::default(),
    };
    let text = schema::text(which, &policy);
    term::emit(|out| out.write_all(text.as_bytes()))?;
    Ok(Outcome::Clean)
}
