//! `datapact diff ID [--from V] [--to V] [--format human|json|md]` and `datapact diff ID
//! --since-signed-by PARTY`: what changed between two versions of an agreement, clause by
//! clause (`crate::diff`), the versions found in the working tree and the history of the
//! current branch (`crate::versions`).

use crate::diff::{self, Area, Change, Kind, Note, Value};
use crate::error::{Outcome, Result};
use crate::git::CommitInfo;
use crate::term::{self, escape};
use crate::text::markdown_cell;
use crate::versions::{Choice, Judge, Resolved, Signature, Text, Versions};
use crate::workspace::{AgreementId, Workspace};
use serde::Serialize;
use std::io::Write;

/// Show what changed between two versions of an agreement, clause by clause.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact diff icb-ecc-adult-social-care     # the working tree against the latest version
  datapact diff icb-ecc-adult-social-care --from 1 --to 2
  datapact diff icb-ecc-adult-social-care --since-signed-by essex-county-council")]
pub struct Args {
    /// The agreement id (or its file, agreements/ID.toml).
    #[arg(value_name = "ID")]
    pub id: String,
    /// The older version; default: the version before --to.
    #[arg(long, value_name = "V", conflicts_with = "since_signed_by")]
    pub from: Option<u32>,
    /// The newer version; default: the working tree's file.
    #[arg(long, value_name = "V", conflicts_with = "since_signed_by")]
    pub to: Option<u32>,
    /// Compare the latest version PARTY signed (with a signature that verifies) with the
    /// working tree's file.
    #[arg(long, value_name = "PARTY")]
    pub since_signed_by: Option<String>,
    /// Output format: human, json, or md (change notes for a published agreement).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    #[command(flatten)]
    pub today: super::TodayArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Md,
}

/// The agreement id named by `target`: an id, or the path of its file.
pub(super) fn agreement_id(ws: &Workspace, target: &str) -> Result<AgreementId> {
    if target.ends_with(".toml") || target.contains('/') {
        let path = ws.resolve_target(target)?;
        if let Some(id) = crate::agreement::expected_id(&path) {
            return AgreementId::parse(id);
        }
        return Err(crate::error::Error::usage(format!(
            "{target} is not an agreement file agreements/<id>.toml"
        ))
        .with_hint("name the agreement by its id"));
    }
    AgreementId::parse(target)
}

/// One side of the comparison, as the JSON report gives it.
#[derive(Debug, Serialize)]
struct Side {
    version: u32,
    /// SHA-256 of the text's exact bytes.
    sha256: String,
    /// `working-tree` or `history`.
    source: &'static str,
    /// The first commit that had the text (history only).
    commit: Option<CommitInfo>,
    /// How the text was chosen: `working-tree`, `signatures` (the text the version's
    /// statements name), `latest` (the latest text with the version on the branch) or
    /// `signed-by` (the text the party of `since_signed_by` signed).
    chosen_by: &'static str,
}

impl Side {
    fn of(version: u32, text: &Text, choice: Option<&Choice>) -> Side {
        Side {
            version,
            sha256: text.digest.clone(),
            source: if text.commit().is_some() {
                "history"
            } else {
                "working-tree"
            },
            commit: text.commit().cloned(),
            chosen_by: match choice {
                None => "signed-by",
                Some(Choice::WorkingTree) => "working-tree",
                Some(Choice::Signed { .. }) => "signatures",
                Some(Choice::Latest) => "latest",
            },
        }
    }
}

/// A version note with the date a report shows.
#[derive(Debug, Serialize)]
struct VersionNote {
    #[serde(flatten)]
    note: Note,
    /// The note's date, or else the date of the first commit that had the version; `null`
    /// when the version was never committed.
    shown_date: Option<chrono::NaiveDate>,
    /// `note` (the note's own date), `commit`, or `null`.
    date_from: Option<&'static str>,
}

/// The whole report: the JSON document, and what the other formats show.
#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    envelope: crate::report::Envelope,
    /// The agreement's id.
    id: String,
    title: String,
    file: String,
    from: Side,
    to: Side,
    /// The signature a `--since-signed-by` report starts from.
    since_signed_by: Option<Signature>,
    /// Whether the two texts are byte for byte the same.
    identical: bool,
    /// What the reader should know about how the versions were found.
    notes: Vec<String>,
    /// The version notes (`[[changes]]`) of the newer text for the versions after `from` up to `to`.
    versions: Vec<VersionNote>,
    changes: Vec<Change>,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?;
    let ws = &session.ws;
    let id = agreement_id(ws, &args.id)?;
    let versions = Versions::load(ws, &id)?;
    let judge = Judge::new(ws, &session.trust, session.today);
    let mut notes = versions.unreadable.clone();
    let (from, from_side, to, to_side, signer) = match &args.since_signed_by {
        Some(party) => {
            let signed = versions.last_signed_by(&judge, party)?;
            let to = versions.working_text()?;
            let to_version = to.version.unwrap_or_default();
            (
                signed.text,
                Side::of(signed.signature.version, signed.text, None),
                to,
                Side::of(to_version, to, Some(&Choice::WorkingTree)),
                Some(signed.signature),
            )
        }
        None => {
            let to: Resolved = match args.to {
                Some(v) => versions.resolve(&judge, v)?,
                None => {
                    let text = versions.working_text()?;
                    Resolved {
                        version: text.version.unwrap_or_default(),
                        text,
                        choice: Choice::WorkingTree,
                        notes: Vec::new(),
                    }
                }
            };
            let from_version = match args.from {
                Some(v) => v,
                None => versions.previous(to.version)?,
            };
            let from = versions.resolve(&judge, from_version)?;
            if from.choice == Choice::WorkingTree && to.choice == Choice::WorkingTree {
                notes.push(format!(
                    "v{from_version} is the working tree's version, so both sides are the working tree's file; \
                     to compare it with the text a party signed, use --since-signed-by PARTY"
                ));
            }
            notes.extend(from.notes.iter().cloned());
            notes.extend(to.notes.iter().cloned());
            (
                from.text,
                Side::of(from.version, from.text, Some(&from.choice)),
                to.text,
                Side::of(to.version, to.text, Some(&to.choice)),
                None,
            )
        }
    };
    for (side, text) in [("from", from), ("to", to)] {
        if text.checked.has_errors() {
            notes.push(format!(
                "the {side} text (v{}, {}) has validation errors; `datapact validate` lists them",
                text.version.unwrap_or_default(),
                text.describe()
            ));
        }
    }
    notes.dedup();
    // Both texts validate: resolution and working_text refuse any that does not.
    let (Some(old), Some(new)) = (from.agreement(), to.agreement()) else {
        return Err(crate::error::Error::input(format!(
            "{}: a version to compare does not validate",
            versions.display
        )));
    };
    let changes = diff::compare(old, new)?;
    let version_notes = diff::notes_between(new, from_side.version, to_side.version)
        .into_iter()
        .map(|note| {
            let (shown_date, date_from) = match note.date {
                Some(d) => (Some(d), Some("note")),
                None => match first_commit_of(&versions, note.version) {
                    Some(c) => (Some(c.time.date_naive()), Some("commit")),
                    None => (None, None),
                },
            };
            VersionNote {
                note,
                shown_date,
                date_from,
            }
        })
        .collect();
    let report = Report {
        envelope: crate::report::Envelope::new("diff", Some(session.today)),
        id: id.to_string(),
        title: new.title.clone(),
        file: versions.display.clone(),
        identical: from.digest == to.digest,
        from: from_side,
        to: to_side,
        since_signed_by: signer,
        notes,
        versions: version_notes,
        changes,
    };
    term::emit(|out| match args.format {
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        DiffFormat::Human => write_human(out, &report),
        DiffFormat::Md => write_markdown(out, &report),
    })?;
    Ok(Outcome::Clean)
}

/// The first commit of the branch that had `version` of the agreement.
fn first_commit_of(versions: &Versions, version: u32) -> Option<&CommitInfo> {
    versions
        .history
        .iter()
        .find(|t| t.version == Some(version))
        .and_then(Text::commit)
}

/// "v1, commit 0123456789ab (2026-04-01), the text its signatures name" and the like.
fn describe_side(side: &Side) -> String {
    let place = match &side.commit {
        Some(c) => format!("commit {} ({})", c.short(), c.time.date_naive()),
        None => "the working tree".to_string(),
    };
    let how = match side.chosen_by {
        "signatures" => ", the text its signatures name",
        "latest" => ", the latest text with this version on the branch",
        _ => "",
    };
    format!("v{}, {place}{how}", side.version)
}

fn heading(r: &Report) -> String {
    match &r.since_signed_by {
        Some(s) => {
            let day = s.signed_at.get(..10).unwrap_or(&s.signed_at);
            let place = match &r.from.commit {
                Some(c) => format!("commit {}", c.short()),
                None => "not committed".to_string(),
            };
            format!(
                "Changes since {} signed v{} ({day}, {place})",
                s.party, s.version
            )
        }
        None => format!(
            "Changes to {} from v{} to v{}",
            r.id, r.from.version, r.to.version
        ),
    }
}

/// What "no changes" means for these two texts.
fn no_changes(r: &Report) -> &'static str {
    if r.identical {
        "No changes: the two versions are the same text."
    } else {
        "No changes to the clauses: the two texts differ only in layout, comments or the order of list entries."
    }
}

fn write_human(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    writeln!(out, "{}", term::paint(term::BOLD, &escape(&heading(r))))?;
    writeln!(out, "  from: {}", escape(&describe_side(&r.from)))?;
    writeln!(out, "  to:   {}", escape(&describe_side(&r.to)))?;
    for note in &r.notes {
        writeln!(out, "  note: {}", escape(note))?;
    }
    writeln!(out)?;
    if r.changes.is_empty() {
        return writeln!(out, "{}", no_changes(r));
    }
    for c in &r.changes {
        write_change(out, c)?;
    }
    let n = r.changes.len();
    writeln!(out, "\n{}.", crate::text::plural(n, "change", "changes"))
}

/// Whether a change is shown on one line, `old → new`: anything but a text, and dates.
fn inline(c: &Change) -> bool {
    c.area == Area::Date || !matches!(c.old.as_ref().or(c.new.as_ref()), Some(Value::Text(_)))
}

fn write_change(out: &mut dyn Write, c: &Change) -> std::io::Result<()> {
    let clause = term::paint(term::BOLD, &escape(&c.clause));
    let path = term::paint(term::DIM, &format!("({})", escape(&c.path)));
    let value =
        |v: &Option<Value>| escape(&v.as_ref().map(Value::plain).unwrap_or_default()).into_owned();
    match (c.kind, c.old.as_ref(), c.new.as_ref()) {
        (Kind::Changed, _, _) if inline(c) => writeln!(
            out,
            "~ {clause}: {} → {}  {path}",
            value(&c.old),
            value(&c.new)
        ),
        (Kind::Changed, _, _) => {
            writeln!(out, "~ {clause}: changed  {path}")?;
            writeln!(out, "    was: {}", value(&c.old))?;
            writeln!(out, "    now: {}", value(&c.new))
        }
        (Kind::Added, _, Some(Value::Table(fields))) => {
            writeln!(out, "+ {clause}: added  {path}")?;
            for (k, v) in fields.iter().filter(|(_, v)| *v != Value::Null) {
                writeln!(
                    out,
                    "    {}: {}",
                    escape(&diff::field_label(k)),
                    escape(&v.plain())
                )?;
            }
            Ok(())
        }
        (Kind::Removed, Some(Value::Table(_)), _) => {
            writeln!(out, "- {clause}: removed  {path}")
        }
        (Kind::Added, _, _) => writeln!(out, "+ {clause}: added {}  {path}", value(&c.new)),
        (Kind::Removed, _, _) => writeln!(out, "- {clause}: removed {}  {path}", value(&c.old)),
    }
}

/// Markdown for a value: one paragraph, Markdown characters escaped, control characters
/// written visibly.
fn md(text: &str) -> String {
    escape(&markdown_cell(text)).into_owned()
}

fn write_markdown(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    writeln!(out, "# {}", md(&format!("{} ({})", r.title, r.id)))?;
    writeln!(out)?;
    writeln!(out, "{}.", md(&heading(r)))?;
    writeln!(out)?;
    writeln!(out, "- From: {}", md(&describe_side(&r.from)))?;
    writeln!(out, "- To: {}", md(&describe_side(&r.to)))?;
    for note in &r.notes {
        writeln!(out, "- Note: {}", md(note))?;
    }
    writeln!(out)?;
    writeln!(out, "## Versions")?;
    writeln!(out)?;
    if r.versions.is_empty() {
        writeln!(
            out,
            "No version notes for the versions after v{} up to v{}.",
            r.from.version, r.to.version
        )?;
    } else {
        writeln!(out, "| Version | Date | Type of change | Change | Reason |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for v in &r.versions {
            let date = v
                .shown_date
                .map_or_else(|| "not committed".to_string(), |d| d.to_string());
            writeln!(
                out,
                "| {} | {date} | {} | {} | {} |",
                v.note.version,
                md(&v.note.type_label),
                md(&v.note.change),
                md(&v.note.reason)
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "## Changes to the clauses")?;
    writeln!(out)?;
    if r.changes.is_empty() {
        return writeln!(out, "{}", no_changes(r));
    }
    // A note added for a version of the table above is not repeated as a change.
    let listed = |c: &Change| {
        c.kind == Kind::Added
            && c.path.starts_with("changes[")
            && c.new
                .as_ref()
                .and_then(|n| n.get("version"))
                .is_some_and(|v| {
                    r.versions
                        .iter()
                        .any(|n| Value::Int(i64::from(n.note.version)) == *v)
                })
    };
    let shown: Vec<&Change> = r.changes.iter().filter(|c| !listed(c)).collect();
    if shown.is_empty() {
        return writeln!(
            out,
            "No changes to the clauses besides the version notes above."
        );
    }
    for c in shown {
        let clause = md(&c.clause);
        let path = md(&c.path);
        let value = |v: &Option<Value>| md(&v.as_ref().map(Value::plain).unwrap_or_default());
        match c.kind {
            Kind::Changed => {
                writeln!(out, "- **{clause}** ({path}) changed.")?;
                writeln!(out, "  - Before: {}", value(&c.old))?;
                writeln!(out, "  - After: {}", value(&c.new))?;
            }
            Kind::Added => writeln!(out, "- **{clause}** ({path}) added: {}", value(&c.new))?,
            Kind::Removed => writeln!(out, "- **{clause}** ({path}) removed: {}", value(&c.old))?,
        }
    }
    Ok(())
}
