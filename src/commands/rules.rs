//! `datapact rules [CODE|NAME] [--markdown]`: the rule catalogue. With no argument, one line per
//! rule; with a code or name, that rule explained; with `--markdown`, docs/rules.md as generated
//! from the registry. Needs no workspace.

use crate::error::{Error, Outcome, Result};
use crate::rules::{self, doc};
use crate::term;

/// List the rules, explain one, or print docs/rules.md.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code (DP101) or name (too-few-parties) to explain.
    #[arg(value_name = "CODE|NAME", conflicts_with = "markdown")]
    pub rule: Option<String>,
    /// Print docs/rules.md (the whole catalogue as Markdown).
    #[arg(long)]
    pub markdown: bool,
}

pub fn run(args: &Args) -> Result<Outcome> {
    if args.markdown {
        let text = doc::markdown();
        term::emit(|out| out.write_all(text.as_bytes()))?;
        return Ok(Outcome::Clean);
    }
    if let Some(wanted) = &args.rule {
        let rule = rules::find(wanted).ok_or_else(|| {
            Error::usage(format!("there is no rule {wanted:?}"))
                .with_hint("run `datapact rules` to list every code and name")
        })?;
        let text = doc::explain(rule);
        term::emit(|out| out.write_all(text.as_bytes()))?;
        return Ok(Outcome::Clean);
    }
    term::emit(|out| {
        for r in rules::all() {
            writeln!(
                out,
                "{}  {:<38} {:<7}  {}",
                term::paint(term::BOLD, r.code),
                r.name,
                r.default_severity.as_str(),
                first_sentence(r.summary)
            )?;
        }
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// The first sentence of a summary, for the one-line list.
fn first_sentence(summary: &str) -> &str {
    match summary.find(". ") {
        Some(end) => &summary[..=end],
        None => summary,
    }
}
