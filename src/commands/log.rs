//! `datapact log ID [--format human|json]`: every version of an agreement in the history of the
//! current branch (one walk), with the commit that first had it, its change note, how many
//! texts and commits it went through, and who signed it, each signature verified against the
//! exact bytes its statement names; then the working tree's text when HEAD does not have it.

use crate::diff::{self, Note};
use crate::error::{Outcome, Result};
use crate::git::CommitInfo;
use crate::signing::verify::{PartySignature, PartyStatus};
use crate::term::{self, escape};
use crate::text::plural;
use crate::versions::{Choice, Entry, Judge, Versions};
use serde::Serialize;
use std::io::Write;

/// List the versions of an agreement: commits, change notes, and who signed each version.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact log icb-ecc-adult-social-care      # every version, its commits and signatures
  datapact log icb-ecc-adult-social-care --format json")]
pub struct Args {
    /// The agreement id (or its file, agreements/ID.toml).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Human)]
    pub format: LogFormat,
    #[command(flatten)]
    pub today: super::TodayArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// One version, as the JSON report gives it.
#[derive(Debug, Serialize)]
struct Version {
    /// `null` for a text whose version cannot be read.
    version: Option<u32>,
    /// The working tree's text, which HEAD does not have.
    uncommitted: bool,
    /// Whether the version's text validates; when not, `problem` says why.
    validates: bool,
    problem: Option<String>,
    /// The first commit that had the version (`null` when uncommitted).
    first_commit: Option<CommitInfo>,
    /// How many commits made the file one of this version's texts.
    commits: usize,
    /// How many distinct texts the version had.
    texts: usize,
    /// How many of them do not validate (they are never compared or chosen).
    texts_not_validating: usize,
    /// SHA-256 of the version's text: the one its signatures name, else the latest.
    sha256: String,
    /// `signatures`, `latest` or `working-tree`.
    chosen_by: &'static str,
    /// The version's `[[changes]]` entry in that text.
    change: Option<Note>,
    /// Each party of that text: `signed`, `missing` or `invalid`, as `verify` reports them.
    signatures: Vec<PartySignature>,
}

#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    envelope: crate::report::Envelope,
    /// The agreement's id.
    id: String,
    file: String,
    /// Whether the workspace is in a git repository.
    in_git: bool,
    /// Whether the history is a shallow clone's (earlier versions may be missing).
    shallow: bool,
    notes: Vec<String>,
    versions: Vec<Version>,
}

impl Version {
    fn of(entry: &Entry<'_>) -> Version {
        let agreement = entry.text.agreement();
        Version {
            version: entry.version,
            uncommitted: entry.uncommitted,
            validates: agreement.is_some(),
            problem: agreement.is_none().then(|| entry.text.problem()),
            first_commit: if entry.uncommitted {
                None
            } else {
                entry.first_commit().cloned()
            },
            commits: entry.commits(),
            texts: entry.texts.len(),
            texts_not_validating: entry
                .texts
                .iter()
                .filter(|t| t.agreement().is_none())
                .count(),
            sha256: entry.text.digest.clone(),
            chosen_by: match entry.choice {
                Choice::WorkingTree => "working-tree",
                Choice::Signed { .. } => "signatures",
                Choice::Latest => "latest",
            },
            change: agreement
                .zip(entry.version)
                .and_then(|(a, v)| diff::note_for(a, v)),
            signatures: entry.signatures.clone(),
        }
    }
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?;
    let ws = &session.ws;
    let id = super::diff::agreement_id(ws, &args.id)?;
    let versions = Versions::load(ws, &id)?;
    let judge = Judge::new(ws, &session.trust, session.today);
    let entries = versions.log(&judge);
    let mut notes = versions.unreadable.clone();
    if !versions.in_git {
        notes.push(
            "the workspace is not in a git repository: only the working tree's version is shown"
                .to_string(),
        );
    }
    if versions.shallow {
        notes.push(
            "the repository is a shallow clone: earlier versions may be missing (`git fetch --unshallow` fetches them)"
                .to_string(),
        );
    }
    if versions.working.is_none() {
        notes.push(format!(
            "{} is not in the working tree: it was removed",
            versions.display
        ));
    }
    let report = Report {
        envelope: crate::report::Envelope::new("log", Some(session.today)),
        id: id.to_string(),
        file: versions.display.clone(),
        in_git: versions.in_git,
        shallow: versions.shallow,
        notes,
        versions: entries.iter().map(Version::of).collect(),
    };
    term::emit(|out| match args.format {
        LogFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        LogFormat::Human => write_human(out, &report),
    })?;
    Ok(Outcome::Clean)
}

fn write_human(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        term::paint(
            term::BOLD,
            &format!("Versions of {} ({})", escape(&r.id), escape(&r.file))
        )
    )?;
    for note in &r.notes {
        writeln!(out, "note: {}", escape(note))?;
    }
    if r.versions.is_empty() {
        return writeln!(out, "\nNo versions.");
    }
    for v in &r.versions {
        writeln!(out)?;
        let name = v
            .version
            .map_or_else(|| "version unknown".to_string(), |n| format!("v{n}"));
        let place = if v.uncommitted && r.in_git {
            "uncommitted: the working tree's text, which HEAD does not have".to_string()
        } else if v.uncommitted {
            "the working tree".to_string()
        } else {
            match &v.first_commit {
                Some(c) => format!(
                    "first committed {} by {}, commit {}",
                    c.time.format("%Y-%m-%d %H:%M %:z"),
                    escape(&c.author),
                    c.short()
                ),
                None => "the working tree".to_string(),
            }
        };
        writeln!(out, "{}  {place}", term::paint(term::BOLD, &name))?;
        if !v.uncommitted && v.first_commit.is_some() {
            let invalid = match v.texts_not_validating {
                0 => String::new(),
                n if n == v.texts => " (none validates)".to_string(),
                n => format!(
                    " ({n} of them {} not validate)",
                    if n == 1 { "does" } else { "do" }
                ),
            };
            writeln!(
                out,
                "    {} in {}{invalid}",
                plural(v.texts, "text", "texts"),
                plural(v.commits, "commit", "commits")
            )?;
        }
        if let Some(problem) = &v.problem {
            writeln!(
                out,
                "    {}: {}",
                term::paint(term::ERROR, "does not validate"),
                escape(problem)
            )?;
        }
        match &v.change {
            Some(c) => {
                writeln!(out, "    {}: {}", escape(&c.type_label), escape(&c.change))?;
                writeln!(out, "      reason: {}", escape(&c.reason))?;
            }
            None if v.problem.is_none() => writeln!(out, "    no change note for this version")?,
            None => {}
        }
        if v.signatures.is_empty() {
            writeln!(out, "    signatures: none can be judged")?;
        }
        let width = v
            .signatures
            .iter()
            .map(|s| escape(&s.party).chars().count())
            .max()
            .unwrap_or(0);
        for s in &v.signatures {
            let party = escape(&s.party);
            let pad = " ".repeat(width - party.chars().count());
            writeln!(out, "    {party}{pad}  {}", status(&s.status))?;
        }
    }
    Ok(())
}

/// A party's status on one version, in words.
fn status(status: &PartyStatus) -> String {
    match status {
        PartyStatus::Signed {
            key_id,
            principal,
            role,
            signed_at,
            ..
        } => format!(
            "{} by {} as {} on {} (key {})",
            term::paint(term::GOOD, "signed"),
            escape(principal),
            escape(role),
            escape(signed_at.get(..10).unwrap_or(signed_at)),
            escape(key_id)
        ),
        PartyStatus::Missing {
            last_signed_version,
        } => match last_signed_version {
            Some(v) => format!("not signed (it signed v{v})"),
            None => "not signed".to_string(),
        },
        PartyStatus::Invalid { rule, reason, .. } => format!(
            "{} [{}]: {}",
            term::paint(term::ERROR, "invalid"),
            rule.code,
            escape(reason)
        ),
    }
}
