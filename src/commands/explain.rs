//! `datapact explain CODE`: one rule explained, like `rustc --explain`: what it checks, when it
//! applies, what to do, the source that requires it, why it is fixed or configurable, and its
//! documentation URL. The same text as `datapact rules CODE`, from the same function. Needs no
//! workspace.

use crate::error::{Outcome, Result};

/// Explain a finding code: what it checks, why, the source that requires it, what to do.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact explain DP117          # the rule behind a finding, by its code
  datapact explain dp117          # codes in any case
  datapact explain retention-party  # or by its name")]
pub struct Args {
    /// A finding code (DP117, in any case) or a rule name (retention-party).
    #[arg(value_name = "CODE")]
    pub code: String,
}

pub fn run(args: &Args) -> Result<Outcome> {
    super::rules::explain(&args.code)
}
