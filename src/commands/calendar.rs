//! `datapact calendar`: an iCalendar file (RFC 5545) with each agreement's review and expiry
//! dates and a reminder at the start of each notice window, for the calendars governance leads
//! already use. The review date is the one that applies: the next review named by the latest
//! signed review of the current version, else the agreement's own.

use crate::error::{Outcome, Result};
use crate::report::calendar::{CalendarEntry, register_identity, write_calendar};
use crate::term;
use chrono::{TimeZone, Utc};
use std::path::PathBuf;

/// Write review and expiry reminders as an iCalendar file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact calendar --out reminders.ics       # review and expiry reminders
  datapact calendar icb-ecc-adult-social-care   # one agreement's, on stdout")]
pub struct Args {
    /// Agreement ids or files; default: every agreement.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long, alias = "output", value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?.states_only();
    let ws = &session.ws;
    let windows = &ws.config.windows;
    // Each file becomes its two dates, or the name of a file that does not validate.
    let results = session.map_assessed(&args.targets, |a| {
        let review = a.review_date();
        match (&a.checked.agreement, review) {
            (Some(ag), Some(review)) => Ok(CalendarEntry {
                agreement: ag.id.to_string(),
                title: ag.title.clone(),
                file: a.checked.source.display.clone(),
                review,
                expires: ag.dates.expires,
                review_notice_days: windows.review_notice_days,
                expiry_notice_days: windows.expiry_notice_days,
            }),
            _ => Err(a.checked.source.display),
        }
    })?;
    let mut entries = Vec::new();
    let mut skipped = 0;
    for result in results {
        match result {
            Ok(entry) => entries.push(entry),
            Err(file) => {
                skipped += 1;
                term::note(&format!(
                    "skipped {file}: it does not validate (run `datapact validate`)"
                ));
            }
        }
    }
    // DTSTAMP is when the calendar was made: SOURCE_DATE_EPOCH (the reproducible-builds
    // convention) or midnight UTC of the injected day keeps the output repeatable, so the file
    // can be committed and diffed.
    let dtstamp = match (source_date_epoch()?, cx.today) {
        (Some(stamp), _) => stamp,
        (None, Some(day)) => Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()),
        (None, None) => Utc::now(),
    };
    // UIDs name the register: its repository's first commit, the workspace's folder in it
    // (the same in every clone) and the workspace's name (registers started from one template
    // share the first two).
    let first = crate::git::first_commit(&ws.root).unwrap_or_default();
    let folder = crate::git::folder_in_work_tree(&ws.root);
    let register = register_identity(&[&first, &folder, &ws.config.workspace.name]);
    let mut bytes = Vec::new();
    write_calendar(
        &mut bytes,
        &entries,
        dtstamp,
        &ws.config.workspace.name,
        &register,
    )
    .map_err(|e| crate::error::Error::io("write", std::path::Path::new("the calendar"), e))?;
    let n = entries.len();
    cx.write_output(Some(&ws.root), args.out.as_deref(), &bytes, |path| {
        format!(
            "Wrote {} for {} to {}",
            crate::text::plural(n * 2, "event", "events"),
            crate::text::plural(n, "agreement", "agreements"),
            path.display()
        )
    })?;
    Ok(Outcome::from_problems(skipped > 0))
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970, <https://reproducible-builds.org/specs/source-date-epoch/>)
/// when set and not empty; a value that is not such a number is a usage error naming it.
fn source_date_epoch() -> Result<Option<chrono::DateTime<Utc>>> {
    super::env_value(
        "SOURCE_DATE_EPOCH",
        std::env::var_os("SOURCE_DATE_EPOCH"),
        |text| {
            text.parse::<i64>()
                .ok()
                .and_then(|secs| chrono::DateTime::<Utc>::from_timestamp(secs, 0))
                .filter(|t| t.timestamp() >= 0)
                .ok_or_else(|| "not a number of seconds since 1970-01-01".to_string())
        },
        "set SOURCE_DATE_EPOCH to whole seconds (such as `git log -1 --format=%ct`), or unset it",
    )
}
