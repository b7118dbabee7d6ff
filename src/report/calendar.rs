//! The iCalendar (RFC 5545) file of review and expiry dates: one all-day event per date per
//! agreement, each with a display alarm at the start of its notice window.
//!
//! Written by hand rather than with the `icalendar` crate's builder (0.17), because that builder
//! escapes TEXT only for properties it recognises as text, leaves CR unescaped, adds a DTSTAMP
//! from the system clock when one is missing, and its line folding mixes character and byte
//! positions around whitespace. The rules here are small: CRLF line endings, content lines
//! folded at 75 octets on character boundaries, TEXT values escaped, and UIDs made from the
//! register's identity, the agreement id and the event's kind, so that calendars update events
//! instead of duplicating them and two registers in one calendar never share one. The tests
//! read the output back with the `icalendar` crate's parser (and docs/ci.md records libical's
//! verdict).
//!
//! There is no `METHOD`: the file is a published feed to subscribe to or import, not an iTIP
//! (RFC 5546) scheduling message, and RFC 5546's `PUBLISH` would require an `ORGANIZER`, which
//! a register of agreements does not have. Calendar clients import and subscribe to files
//! without `METHOD` (RFC 5545 section 3.7.2: absent, the object is not part of a scheduling
//! transaction).

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// The dates of one agreement to put in the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    /// The agreement id.
    pub agreement: String,
    pub title: String,
    /// Path relative to the workspace root.
    pub file: String,
    pub review: NaiveDate,
    /// `None` for an open-ended term: no expiry event.
    pub expires: Option<NaiveDate>,
    /// Days before the review date that the reminder fires.
    pub review_notice_days: u32,
    /// Days before the expiry date that the reminder fires.
    pub expiry_notice_days: u32,
}

/// Longest content line, in octets, not counting the CRLF (RFC 5545 section 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// What an event marks.
#[derive(Clone, Copy)]
enum Milestone {
    Review,
    Expiry,
}

impl Milestone {
    fn uid_prefix(self) -> &'static str {
        match self {
            Milestone::Review => "review",
            Milestone::Expiry => "expires",
        }
    }
    fn verb(self) -> &'static str {
        match self {
            Milestone::Review => "Review due",
            Milestone::Expiry => "Expires",
        }
    }
}

/// The identity of a register in event UIDs: 16 hexadecimal digits of SHA-256 over `parts`
/// (the id of the repository's first commit, the workspace folder in it and the workspace's
/// name), the same in every clone and every run.
pub fn register_identity(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    base16ct::lower::encode_string(&hasher.finalize()[..8])
}

/// Writes a calendar with the review and expiry events of `entries` (sorted by agreement id),
/// stamped with `dtstamp`; `register` is the register's identity ([`register_identity`]), in
/// every UID.
pub fn write_calendar(
    out: &mut dyn Write,
    entries: &[CalendarEntry],
    dtstamp: DateTime<Utc>,
    calendar_name: &str,
    register: &str,
) -> io::Result<()> {
    let mut sorted: Vec<&CalendarEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.agreement.cmp(&b.agreement));
    let stamp = dtstamp.format("%Y%m%dT%H%M%SZ").to_string();

    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//datapact//datapact//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("X-WR-CALNAME:{}", escape_text(calendar_name)),
    ];
    for entry in sorted {
        lines.extend(event(
            entry,
            Milestone::Review,
            entry.review,
            entry.review_notice_days,
            &stamp,
            register,
        ));
        if let Some(expires) = entry.expires {
            lines.extend(event(
                entry,
                Milestone::Expiry,
                expires,
                entry.expiry_notice_days,
                &stamp,
                register,
            ));
        }
    }
    lines.push("END:VCALENDAR".to_string());

    for line in &lines {
        out.write_all(fold_line(line).as_bytes())?;
    }
    Ok(())
}

fn event(
    entry: &CalendarEntry,
    milestone: Milestone,
    date: NaiveDate,
    notice_days: u32,
    stamp: &str,
    register: &str,
) -> Vec<String> {
    let id = &entry.agreement;
    let verb = milestone.verb();
    let day_after = date.succ_opt().unwrap_or(date);
    let description = format!(
        "{verb} {date} for the data-sharing agreement {id} ({title}).\nFile: {file}",
        title = entry.title,
        file = entry.file
    );
    let reminder = format!(
        "{verb} in {notice_days} days: {id} ({title})",
        title = entry.title
    );
    vec![
        "BEGIN:VEVENT".to_string(),
        format!(
            "UID:{}",
            escape_text(&format!(
                "{}-{id}-{register}@datapact",
                milestone.uid_prefix()
            ))
        ),
        format!("DTSTAMP:{stamp}"),
        format!("DTSTART;VALUE=DATE:{}", ical_date(date)),
        format!("DTEND;VALUE=DATE:{}", ical_date(day_after)),
        format!(
            "SUMMARY:{}",
            escape_text(&format!("{verb}: {} ({id})", entry.title))
        ),
        format!("DESCRIPTION:{}", escape_text(&description)),
        "TRANSP:TRANSPARENT".to_string(),
        "BEGIN:VALARM".to_string(),
        "ACTION:DISPLAY".to_string(),
        format!("TRIGGER:-P{notice_days}D"),
        format!("DESCRIPTION:{}", escape_text(&reminder)),
        "END:VALARM".to_string(),
        "END:VEVENT".to_string(),
    ]
}

fn ical_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11): backslash, semicolon and comma get a
/// backslash, a line break (CRLF, LF or CR) becomes `\n`, and other control characters, which
/// TEXT may not contain, become spaces.
pub(crate) fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push('\t'),
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Ends a content line with CRLF, folding it so that no physical line is longer than 75
/// octets: each continuation starts with one space, and no UTF-8 character is split.
pub(crate) fn fold_line(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + line.len() / MAX_LINE_OCTETS * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > MAX_LINE_OCTETS {
            folded.push_str("\r\n ");
            used = 1;
        }
        folded.push(c);
        used += c.len_utf8();
    }
    folded.push_str("\r\n");
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escaping() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\u{7}h:i"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng h:i"
        );
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(fold_line("SUMMARY:x"), "SUMMARY:x\r\n");
        let exact = "X".repeat(75);
        assert_eq!(fold_line(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn folding_keeps_characters_whole_and_lines_short() {
        let line = format!("SUMMARY:{}", "é€𝄞a".repeat(40));
        let folded = fold_line(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= MAX_LINE_OCTETS,
                "{physical:?} is {} octets",
                physical.len()
            );
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end_matches("\r\n"), line);
        let first = folded.split("\r\n").next().unwrap_or_default();
        assert!(
            first.len() > 70,
            "first line should be filled, was {}",
            first.len()
        );
    }

    proptest::proptest! {
        #[test]
        fn any_line_folds_within_75_octets_and_unfolds_to_itself(line in "\\PC{0,300}") {
            let folded = fold_line(&line);
            proptest::prop_assert!(folded.ends_with("\r\n"));
            for physical in folded.split_terminator("\r\n") {
                proptest::prop_assert!(physical.len() <= MAX_LINE_OCTETS);
            }
            proptest::prop_assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        }

        #[test]
        fn escaped_text_has_no_line_breaks_or_bare_separators(text in "\\PC{0,100}|[\\\\;,\r\n a]{0,40}") {
            let escaped = escape_text(&text);
            proptest::prop_assert!(!escaped.contains(['\r', '\n']));
            let mut chars = escaped.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    proptest::prop_assert!(matches!(chars.next(), Some('\\' | ';' | ',' | 'n')));
                } else {
                    proptest::prop_assert!(c != ';' && c != ',');
                }
            }
        }
    }
}
