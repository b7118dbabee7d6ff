//! The calendar dates datapact accepts: real days of the years 1900 to 9999. Every file format it
//! writes a date into holds exactly four digits of year (TOML local dates, the `YYYYMMDD` of an
//! OpenSSH allowed_signers file), so a year outside them would be written wrongly or make the
//! file unreadable; no agreement or key is dated before 1900. One check, used wherever a date is
//! read: command-line flags and `DATAPACT_TODAY` ([`parse`]), agreement files and trust store
//! files ([`from_ymd`]).

use chrono::NaiveDate;
use std::ops::RangeInclusive;

/// The years a date may be in.
pub const YEARS: RangeInclusive<i32> = 1900..=9999;

/// Why year, month and day are not a date datapact accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// The year is outside [`YEARS`].
    YearOutOfRange(i32),
    /// No such day (`2026-02-30`, month 13).
    NotADay,
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::YearOutOfRange(year) => write!(
                f,
                "the year {year} is outside the years datapact accepts ({} to {})",
                YEARS.start(),
                YEARS.end()
            ),
            DateError::NotADay => f.write_str("there is no such day"),
        }
    }
}

/// The date `year-month-day`, when it is a real day of a year in [`YEARS`].
pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    if !YEARS.contains(&year) {
        return Err(DateError::YearOutOfRange(year));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NotADay)
}

/// Parses a date written exactly `YYYY-MM-DD` (four-digit year, two-digit month and day, no sign
/// and no spaces), a real day of a year in [`YEARS`]. The error is a complete sentence.
pub fn parse(s: &str) -> Result<NaiveDate, String> {
    let expected = || {
        format!(
            "{s:?} is not a date written YYYY-MM-DD, such as 2026-04-01 (a year from {} to {})",
            YEARS.start(),
            YEARS.end()
        )
    };
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if !shape {
        return Err(expected());
    }
    let number = |range: std::ops::Range<usize>| s[range].parse::<u32>().map_err(|_| expected());
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    // Four digits: the year fits an i32.
    from_ymd(year as i32, month, day).map_err(|why| format!("{s}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_the_years_1900_to_9999_are_accepted_written_exactly_yyyy_mm_dd() {
        for (text, (y, m, d)) in [
            ("1900-01-01", (1900, 1, 1)),
            ("2026-04-01", (2026, 4, 1)),
            ("2028-02-29", (2028, 2, 29)),
            ("9999-12-31", (9999, 12, 31)),
        ] {
            assert_eq!(parse(text), Ok(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        }
    }

    #[test]
    fn years_outside_1900_to_9999_are_refused_saying_so() {
        assert_eq!(
            parse("1899-12-31"),
            Err(
                "1899-12-31: the year 1899 is outside the years datapact accepts (1900 to 9999)"
                    .to_string()
            )
        );
        assert!(
            parse("0001-01-01")
                .unwrap_err()
                .contains("year 1 is outside")
        );
        assert_eq!(from_ymd(10000, 1, 1), Err(DateError::YearOutOfRange(10000)));
        assert_eq!(from_ymd(65537, 1, 1), Err(DateError::YearOutOfRange(65537)));
        assert_eq!(from_ymd(-1, 1, 1), Err(DateError::YearOutOfRange(-1)));
        assert_eq!(from_ymd(2026, 2, 30), Err(DateError::NotADay));
        assert_eq!(
            parse("2026-02-30"),
            Err("2026-02-30: there is no such day".to_string())
        );
    }

    /// chrono's `%Y` takes a sign and more than four digits (`+65537-01-01`, `+10000-01-01`),
    /// and its fields take fewer digits; none of that is a date here.
    #[test]
    fn anything_but_exactly_yyyy_mm_dd_is_refused() {
        for text in [
            "+65537-01-01",
            "+10000-01-01",
            "10000-01-01",
            "-2026-01-01",
            "+2026-01-01",
            "2026-4-1",
            "2026-04-1",
            " 2026-04-01",
            "2026-04-01 ",
            "2026/04/01",
            "2026-04-01T00:00:00",
            "20260401",
            "",
            "２０２６-04-01",
            "2026-0a-01",
        ] {
            assert_eq!(
                parse(text),
                Err(format!(
                    "{text:?} is not a date written YYYY-MM-DD, such as 2026-04-01 (a year from 1900 to 9999)"
                )),
                "{text:?}"
            );
        }
    }
}
