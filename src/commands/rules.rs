//! `datapact rules [CODE|NAME] [--markdown]`: the rule catalogue. With no argument, one line per
//! rule; with a code or name, that rule explained; with `--markdown`, docs/rules.md as generated
//! from the registry. Needs no workspace.

use crate::error::{Error, Outcome, Result};
use crate::rules::{self, doc};
use crate::term;

/// List the rules, explain one, or print docs/rules.md.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact rules                              # every rule, one line each
  datapact rules DP117                        # one explained (as `datapact explain DP117`)
  datapact rules --markdown > rules.md        # the whole catalogue")]
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
        return explain(wanted);
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

/// Prints one rule explained (`datapact explain CODE`, `datapact rules CODE`): found by code in
/// any case or by name; an unknown one is a usage error that suggests the nearest code or name.
pub fn explain(wanted: &str) -> Result<Outcome> {
    let rule = rules::find(wanted).ok_or_else(|| {
        // Codes are compared in lower case, as `suggest` compares the input.
        let codes: Vec<String> = rules::all()
            .iter()
            .map(|r| r.code.to_ascii_lowercase())
            .collect();
        let near = crate::vocab::suggest(wanted, codes.iter().map(String::as_str))
            .map(|code| code.to_ascii_uppercase())
            .or_else(|| {
                crate::vocab::suggest(wanted, rules::all().iter().map(|r| r.name))
                    .map(str::to_string)
            });
        Error::usage(format!("there is no rule {wanted:?}")).with_hint(match near {
            Some(near) => {
                format!("did you mean {near}? `datapact rules` lists every code and name")
            }
            None => "run `datapact rules` to list every code and name".to_string(),
        })
    })?;
    let text = doc::explain(rule);
    term::emit(|out| out.write_all(text.as_bytes()))?;
    Ok(Outcome::Clean)
}

/// The first sentence of a summary, for the one-line list.
fn first_sentence(summary: &str) -> &str {
    match summary.find(". ") {
        Some(end) => &summary[..=end],
        None => summary,
    }
}
