//! `datapact status`: the register. One row per agreement with its signatures, dates, derived
//! state and days to the next date that matters, most urgent first; the review date is the one
//! the latest signed review set, and the table is followed by a line per reviewed agreement.

use crate::error::{Error, Outcome, Result};
use crate::lifecycle::State;
use crate::register::Row;
use crate::term;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// An aligned table for people (`human`, as the other commands name it, works too).
    #[value(alias = "human")]
    Table,
    Json,
    Csv,
}

/// Show the register: every agreement with its signatures, dates and state.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact status                             # the register: signatures, dates, state
  datapact status --format csv
  datapact --today 2027-01-01 status --format json   # as it will stand on a day")]
pub struct Args {
    /// Agreement ids or files; default: every agreement.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
    /// Show only agreements in this state (repeat for several).
    #[arg(long, value_enum)]
    pub state: Vec<State>,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?.states_only();
    let mut ranked = session.map_assessed(&args.targets, |a| (a.urgency(), Row::of(&a)))?;
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    let today = session.today;
    let rows: Vec<Row> = ranked
        .into_iter()
        .map(|(_, row)| row)
        .filter(|r| args.state.is_empty() || args.state.contains(&r.state))
        .collect();
    match args.format {
        StatusFormat::Table => {
            term::emit(|out| write_table(out, &rows, today, term::stdout_width()))?
        }
        StatusFormat::Json => term::emit(|out| {
            let doc = crate::report::Envelope::new("status", Some(today))
                .with(serde_json::json!({ "agreements": rows }));
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        })?,
        StatusFormat::Csv => {
            let mut bytes = Vec::new();
            write_csv(&mut bytes, &rows)
                .map_err(|e| Error::input(format!("cannot write CSV: {e}")))?;
            term::emit(|out| out.write_all(&bytes))?;
        }
    }
    Ok(Outcome::Clean)
}

fn signatures_cell(r: &Row) -> String {
    if r.parties == 0 {
        return "-".into();
    }
    let mut s = format!("{}/{}", r.signed, r.parties);
    if !r.missing.is_empty() {
        s.push_str(&format!(" (missing: {})", r.missing.join(", ")));
    }
    for accepted in &r.accepted {
        let counts = if r.acceptances_count {
            ""
        } else {
            ", not counted: [signing] acceptances_count = false"
        };
        s.push_str(&format!(" ({accepted}{counts})"));
    }
    // A class party does not sign: its members are listed.
    for c in &r.classes {
        let current: Vec<&str> = c
            .members
            .iter()
            .filter(|m| m.current())
            .map(|m| m.name.as_str())
            .collect();
        s.push_str(&format!(
            " ({}: {}{}{})",
            c.party,
            c.summary,
            if current.is_empty() { "" } else { ": " },
            current.join(", ")
        ));
    }
    s
}

/// The version column: the version in force, and a later one awaiting signatures.
fn version_cell(r: &Row) -> String {
    match (r.in_force, r.pending, r.version) {
        (Some(f), Some(p), _) => format!("{f} (v{p} pending)"),
        (Some(f), None, _) => f.to_string(),
        (None, Some(p), _) => format!("{p} (draft)"),
        (None, None, Some(v)) => v.to_string(),
        (None, None, None) => "-".into(),
    }
}

fn days_cell(r: &Row) -> String {
    match (r.days, r.next) {
        (Some(d), Some("expires")) if d < 0 => format!("expired {}d ago", -d),
        (Some(d), Some(next)) if d < 0 => format!("{next} {}d overdue", -d),
        (Some(d), Some(next)) => format!("{d}d to {next}"),
        _ => "-".into(),
    }
}

fn date_cell(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".into(), |d| d.to_string())
}

fn state_style(state: State) -> term::Style {
    match state {
        State::Invalid | State::SignaturesInvalid | State::Expired | State::ReviewOverdue => {
            term::ERROR
        }
        State::Expiring | State::ReviewDue => term::WARNING,
        State::Active => term::GOOD,
        State::Draft | State::SignedNotYetEffective => term::BOLD,
    }
}

/// A plain aligned table; colour only on the state column (stripped when not a terminal). With
/// a `width` (a terminal's, or `COLUMNS`) the title, lead, other parties and signatures columns
/// are narrowed until a row fits, their cells cut with an ellipsis; the id, version, dates,
/// state and next date are always whole. Without one (piped output) every cell is whole.
fn write_table(
    out: &mut dyn Write,
    rows: &[Row],
    today: chrono::NaiveDate,
    width: Option<usize>,
) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "No agreements.");
    }
    let header = [
        "ID",
        "TITLE",
        "VERSION",
        "LEAD",
        "OTHER PARTIES",
        "SIGNED",
        "EFFECTIVE",
        "REVIEW",
        "EXPIRES",
        "STATE",
        "NEXT",
    ];
    // The columns that may be cut to fit: free text of any length.
    let flexible = [
        false, true, false, true, true, true, false, false, false, false, false,
    ];
    // Ids, titles and names come from the agreements: escaped before they are measured and cut,
    // so a control character can neither act on the terminal nor upset the alignment.
    let cells: Vec<[String; 11]> = rows
        .iter()
        .map(|r| {
            [
                term::escape(&r.id).into_owned(),
                term::escape(&r.title).into_owned(),
                version_cell(r),
                term::escape(&r.lead).into_owned(),
                term::escape(&r.other_parties.join(", ")).into_owned(),
                term::escape(&signatures_cell(r)).into_owned(),
                date_cell(r.effective),
                date_cell(r.review),
                expires_cell(r),
                r.state.as_str().to_string(),
                days_cell(r),
            ]
        })
        .collect();
    let mut natural = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in natural.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let (shown, widths) = match width {
        Some(width) => fit_table(&natural, &flexible, width),
        None => ((0..header.len()).collect(), natural.to_vec()),
    };
    let cells: Vec<Vec<String>> = cells
        .into_iter()
        .map(|row| {
            shown
                .iter()
                .zip(&widths)
                .map(|(&i, &w)| term::truncate(&row[i], w).into_owned())
                .collect()
        })
        .collect();
    // Pad by visible width first, then colour, so escape codes never upset the alignment.
    let line = |out: &mut dyn Write,
                row: &[String],
                paint: &dyn Fn(usize, &str) -> String|
     -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (c, w)) in row.iter().zip(&widths).enumerate() {
            s.push_str(&paint(shown[i], c));
            if i + 1 < row.len() {
                s.push_str(&" ".repeat(w.saturating_sub(c.chars().count()) + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    let header: Vec<String> = shown
        .iter()
        .zip(&widths)
        .map(|(&i, &w)| term::truncate(header[i], w).into_owned())
        .collect();
    line(out, &header, &|_, c| term::paint(term::BOLD, c))?;
    for (row, r) in cells.iter().zip(rows) {
        line(out, row, &|i, c| {
            if i == STATE_COLUMN {
                term::paint(state_style(r.state), c)
            } else {
                c.to_string()
            }
        })?;
    }
    // The latest reviews, one line each: an outcome is free text, too long for a column.
    let reviewed: Vec<(&Row, &crate::register::LastReview)> = rows
        .iter()
        .filter_map(|r| Some((r, r.last_review.as_ref()?)))
        .collect();
    if !reviewed.is_empty() {
        writeln!(out)?;
    }
    for (r, last) in reviewed {
        writeln!(
            out,
            "{}: {}",
            term::escape(&r.id),
            term::escape(&last.sentence())
        )?;
    }
    writeln!(
        out,
        "\n{} as of {today}",
        crate::text::plural(rows.len(), "agreement", "agreements"),
    )
}

/// The narrowest a column cut to fit the terminal becomes (its header may be cut too).
const MIN_COLUMN: usize = 8;
/// The title is not cut below this many characters while a column can still be left out.
const MIN_TITLE: usize = 24;
const TITLE_COLUMN: usize = 1;
const STATE_COLUMN: usize = 9;
/// The columns left out, in this order, when the table does not fit the terminal even with its
/// free-text columns cut: other parties, lead, effective, expires, version (`status <ID>`, the
/// wider terminal or a pipe shows them).
const DROPPED_FIRST: [usize; 5] = [4, 3, 6, 8, 2];

/// The columns shown (indexes into the full row) and their widths, fitted to `width`: free-text
/// columns cut first (the title last); while that still leaves the row too wide or the title shorter than
/// [`MIN_TITLE`], columns are left out in [`DROPPED_FIRST`] order.
fn fit_table(natural: &[usize], flexible: &[bool], width: usize) -> (Vec<usize>, Vec<usize>) {
    let mut shown: Vec<usize> = (0..natural.len()).collect();
    let mut dropping = DROPPED_FIRST.iter();
    loop {
        let n: Vec<usize> = shown.iter().map(|&i| natural[i]).collect();
        let f: Vec<bool> = shown.iter().map(|&i| flexible[i]).collect();
        // The other free-text columns are cut before the title is.
        let others: Vec<bool> = shown
            .iter()
            .map(|&i| flexible[i] && i != TITLE_COLUMN)
            .collect();
        let first = term::fit_columns(&n, &others, MIN_COLUMN, width, 2);
        let widths = term::fit_columns(&first, &f, MIN_COLUMN, width, 2);
        let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        let title = shown
            .iter()
            .position(|&i| i == TITLE_COLUMN)
            .map_or(usize::MAX, |p| widths[p]);
        let fits = total <= width && title >= MIN_TITLE.min(natural[TITLE_COLUMN]);
        match dropping.next() {
            Some(drop) if !fits => shown.retain(|i| i != drop),
            _ => return (shown, widths),
        }
    }
}

/// What the expiry column shows for an open-ended term (`dates.end_condition`).
const OPEN_ENDED: &str = "open-ended";

/// The expiry date, "open-ended" for a term without one, or "-" when unknown.
fn expires_cell(r: &Row) -> String {
    if r.open_ended {
        OPEN_ENDED.to_string()
    } else {
        date_cell(r.expires)
    }
}

/// The register as CSV (RFC 4180: a header row, rows ending in CRLF, fields quoted where needed):
/// every scalar field of the JSON rows (lists joined with `; `, the latest review as three
/// columns), each value read from an agreement neutralised for spreadsheets ([`cell`]). New
/// columns are added at the end, so a reader by position keeps working.
fn write_csv(out: &mut Vec<u8>, rows: &[Row]) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    let date = |d: Option<chrono::NaiveDate>| d.map_or(String::new(), |d| d.to_string());
    let number = |n: Option<u32>| n.map_or(String::new(), |v| v.to_string());
    for r in rows {
        let last = r.last_review.as_ref();
        let record: [String; CSV_COLUMNS.len()] = [
            r.id.clone(),
            r.title.clone(),
            number(r.version),
            number(r.in_force),
            number(r.pending),
            r.lead.clone(),
            r.other_parties.join("; "),
            r.signed.to_string(),
            r.parties.to_string(),
            r.missing.join("; "),
            date(r.effective),
            date(r.review),
            if r.open_ended {
                OPEN_ENDED.to_string()
            } else {
                date(r.expires)
            },
            r.state.as_str().to_string(),
            r.next.unwrap_or("").to_string(),
            date(r.next_date),
            r.days.map_or(String::new(), |d| d.to_string()),
            last.map_or(String::new(), |l| l.reviewed_on.to_string()),
            last.map_or(String::new(), |l| l.signers.join("; ")),
            last.map_or(String::new(), |l| l.outcome.clone()),
            r.end_condition.clone().unwrap_or_default(),
            r.review_derived.to_string(),
            r.version_label.clone().unwrap_or_default(),
            r.file.clone(),
            r.reference.clone().unwrap_or_default(),
            r.summary.clone().unwrap_or_default(),
            r.purpose.clone(),
            r.state_label.to_string(),
            r.versions.clone(),
            r.accepted.join("; "),
        ];
        w.write_record(record.iter().map(|c| cell(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}

/// The CSV header, in column order (docs/output.md lists them).
const CSV_COLUMNS: [&str; 30] = [
    "id",
    "title",
    "version",
    "in_force",
    "pending",
    "lead",
    "other_parties",
    "signed",
    "parties",
    "missing",
    "effective",
    "review",
    "expires",
    "state",
    "next",
    "next_date",
    "days",
    "last_reviewed_on",
    "last_review_by",
    "last_review_outcome",
    "end_condition",
    "review_derived",
    "version_label",
    "file",
    "reference",
    "summary",
    "purpose",
    "state_label",
    "versions",
    "accepted",
];

/// A CSV value a spreadsheet will not run as a formula (OWASP, CSV injection): a value that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, unless it is
/// a whole number (`-3` days), which a spreadsheet reads as the number it is.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && value.parse::<i64>().is_err() {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for risky in [
            "=1+1",
            "+SUM(A1)",
            "-2+3",
            "@cmd",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(cell(risky), format!("'{risky}"));
        }
        for plain in ["-3", "+4", "0", "Adult care", "a=b", "", "'quoted"] {
            assert_eq!(cell(plain), plain);
        }
    }
}
