//! `datapact calendar`: an iCalendar file (RFC 5545) with each agreement's review and expiry
//! dates and a reminder at the start of each notice window, for the calendars governance leads
//! already use.

use crate::cli::Cli;
use crate::commands::validate::check_all;
use crate::error::{Outcome, Result};
use crate::fsutil::{Overwrite, write_atomic};
use crate::report::calendar::{CalendarEntry, write_calendar};
use crate::{open_workspace, term};
use chrono::{TimeZone, Utc};
use std::path::PathBuf;

/// Write review and expiry reminders as an iCalendar file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agreement ids or files; default: every agreement.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &Args) -> Result<Outcome> {
    let ws = open_workspace(cli)?;
    let files = ws.target_files(&args.targets)?;
    let checked = check_all(&ws, &files)?;
    let windows = &ws.config.windows;
    let mut entries = Vec::new();
    let mut skipped = 0;
    for c in &checked {
        match &c.agreement {
            Some(a) => entries.push(CalendarEntry {
                agreement: a.id.to_string(),
                title: a.title.clone(),
                file: c.source.display.clone(),
                review: a.dates.review,
                expires: a.dates.expires,
                review_notice_days: windows.review_notice_days,
                expiry_notice_days: windows.expiry_notice_days,
            }),
            None => {
                skipped += 1;
                term::note(&format!(
                    "skipped {}: it does not validate (run `datapact validate`)",
                    c.source.display
                ));
            }
        }
    }
    // DTSTAMP is when the calendar was made: midnight UTC of the injected day keeps output
    // repeatable when --today is given.
    let dtstamp = match cli.today {
        Some(day) => Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()),
        None => Utc::now(),
    };
    let mut bytes = Vec::new();
    write_calendar(&mut bytes, &entries, dtstamp, &ws.config.workspace.name)
        .map_err(|e| crate::error::Error::io("write", std::path::Path::new("the calendar"), e))?;
    match &args.out {
        Some(path) => {
            write_atomic(path, &bytes, Overwrite::Allow)?;
            term::note(&format!(
                "wrote {} events for {} agreements to {}",
                entries.len() * 2,
                entries.len(),
                path.display()
            ));
        }
        None => term::emit(|out| out.write_all(&bytes))?,
    }
    Ok(Outcome::from_problems(skipped > 0))
}
