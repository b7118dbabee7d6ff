//! `datapact vocab [NAME] [--format human|json]`: the controlled vocabularies built into
//! datapact (`src/vocabulary.toml`). Without a name, each vocabulary with the field that takes
//! its values and how many it has; with one, every allowed value with its label and its legal
//! wording in full (its source, its wording under Irish law, its DPV id where it has them).
//! Needs no workspace: a workspace's own consent exceptions are in its datapact.toml.

use crate::error::{Error, Outcome, Result};
use crate::term;
use crate::vocab::{self, Entry, List};
use serde::Serialize;
use std::io::Write;

/// List the vocabularies, or every allowed value of one with its legal wording.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact vocab                        # every vocabulary and the field that takes it
  datapact vocab article9               # each Art 9(2) condition with its wording
  datapact vocab dpa_schedule1 --format json")]
pub struct Args {
    /// The vocabulary to show (article6, dpa_schedule1, ...); without it, list them all.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VocabFormat::Human)]
    pub format: VocabFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VocabFormat {
    Human,
    Json,
}

/// A vocabulary in the listing.
#[derive(Debug, Serialize)]
struct Summary {
    name: &'static str,
    used_by: &'static str,
    values: usize,
}

/// An allowed value, as the JSON output gives it: the entry and what serde leaves out of it.
#[derive(Debug, Serialize)]
struct Value<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    #[serde(skip_serializing_if = "Option::is_none")]
    ireland: Option<&'a str>,
    uk_only: bool,
}

pub fn run(args: &Args) -> Result<Outcome> {
    let v = vocab::get();
    let (version, date) = (v.version.as_str(), v.date.to_string());
    match &args.name {
        None => {
            let all: Vec<Summary> = vocab::USED_BY
                .iter()
                .map(|(list, field)| Summary {
                    name: list().name,
                    used_by: field,
                    values: list().entries.len(),
                })
                .collect();
            match args.format {
                VocabFormat::Json => emit_json(serde_json::json!({
                    "vocabulary_version": version, "vocabulary_date": date, "vocabularies": all,
                })),
                VocabFormat::Human => term::emit(|out| {
                    writeln!(out, "Vocabularies {version} of {date}:")?;
                    for s in &all {
                        writeln!(
                            out,
                            "  {} {:>3} values  used by {}",
                            term::paint(term::BOLD, &format!("{:<24}", s.name)),
                            s.values,
                            s.used_by
                        )?;
                    }
                    writeln!(
                        out,
                        "Run `datapact vocab NAME` for every value of one, with its wording."
                    )
                }),
            }?;
        }
        Some(name) => {
            let (list, field) = find(name)?;
            match args.format {
                VocabFormat::Json => {
                    let values: Vec<Value> = list
                        .entries
                        .iter()
                        .map(|entry| Value {
                            entry,
                            ireland: entry.ireland.as_deref(),
                            uk_only: entry.uk_only || vocab::UK_ONLY_LISTS.contains(&list.name),
                        })
                        .collect();
                    emit_json(serde_json::json!({
                        "name": list.name, "used_by": field, "vocabulary_version": version,
                        "vocabulary_date": date, "values": values,
                    }))
                }
                VocabFormat::Human => term::emit(|out| human(out, list, field, version, &date)),
            }?;
        }
    }
    Ok(Outcome::Clean)
}

/// The vocabulary named `name` (`-` taken for `_`, in any case) and the field that takes it; an
/// unknown name is a usage error suggesting the nearest one.
fn find(name: &str) -> Result<(List, &'static str)> {
    let wanted = name.to_ascii_lowercase().replace('-', "_");
    let names = || vocab::USED_BY.iter().map(|(list, _)| list().name);
    vocab::USED_BY
        .iter()
        .map(|(list, field)| (list(), *field))
        .find(|(list, _)| list.name == wanted)
        .ok_or_else(|| {
            let all: Vec<&str> = names().collect();
            Error::usage(format!("there is no vocabulary {name:?}")).with_hint(
                match vocab::suggest(&wanted, names()) {
                    Some(near) => {
                        format!("did you mean {near}? The vocabularies: {}", all.join(", "))
                    }
                    None => format!("name one of: {}", all.join(", ")),
                },
            )
        })
}

/// Every value of `list`, each with its label and its whole wording.
fn human(
    out: &mut dyn Write,
    list: List,
    field: &str,
    version: &str,
    date: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} (used by {field}): {} values, vocabularies {version} of {date}",
        term::paint(term::BOLD, list.name),
        list.entries.len()
    )?;
    if vocab::UK_ONLY_LISTS.contains(&list.name) {
        writeln!(
            out,
            "UK law: not offered under agreement.jurisdiction = \"ireland\"."
        )?;
    }
    for e in list.entries {
        writeln!(out, "\n{}  {}", term::paint(term::BOLD, &e.id), e.label)?;
        writeln!(out, "  {}", e.wording)?;
        if let Some(source) = &e.source {
            writeln!(out, "  Source: {source}")?;
        }
        if let (Some(part), Some(paragraph)) = (e.part, e.paragraph) {
            writeln!(
                out,
                "  DPA 2018 Schedule 1, Part {part}, paragraph {paragraph}"
            )?;
        }
        if !e.satisfies.is_empty() {
            let points: Vec<String> = e.satisfies.iter().map(|p| format!("9(2)({p})")).collect();
            writeln!(out, "  Completes Art {}", points.join(", Art "))?;
        }
        if e.needs_schedule1 {
            writeln!(
                out,
                "  Needs a DPA 2018 Schedule 1 condition (dpa_schedule1)."
            )?;
        }
        if e.policy_document {
            writeln!(out, "  Needs an appropriate policy document.")?;
        }
        if let Some(irish) = &e.ireland {
            writeln!(out, "  Under Irish law: {irish}")?;
        }
        if e.uk_only {
            writeln!(out, "  UK law only: not offered under Irish law.")?;
        }
        if let Some(dpv) = &e.dpv {
            writeln!(out, "  DPV: {dpv}")?;
        }
    }
    Ok(())
}

/// Writes `body` after the envelope every JSON output begins with (no date is judged: `today`
/// is null).
fn emit_json(body: serde_json::Value) -> Result<()> {
    let doc = crate::report::Envelope::new("vocab", None).with(body);
    term::emit(|out| {
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    })
}
