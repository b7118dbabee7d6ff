//! Raising an agreement to its next version (`datapact bump`): the edit of the file's text, with
//! `toml_edit` so that comments and layout stay. `agreement.version` goes up by one, a
//! `[[changes]]` entry for the new version is appended, `dates.approved` becomes the new
//! version's approval date, and a renewal moves the term (effective, review and expiry dates).
//! Validating the result, and writing it, is the caller's: this module takes plain values and
//! returns text.

use super::model::{Agreement, Dates};
use crate::dates;
use crate::error::{Error, Result};
use crate::vocab::terms;
use chrono::{Datelike, Days, Months, NaiveDate};
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// The type of change a bump records (`[[changes]] type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A change of the terms: every party approves and signs again.
    Amendment,
    /// A correction or clarification that changes nothing of substance.
    Correction,
    /// The same terms for a further term: new effective, review and expiry dates.
    Renewal,
}

impl Kind {
    /// The vocabulary id (`change_type`) written in the entry.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Amendment => terms::CHANGE_AMENDMENT.id,
            Kind::Correction => terms::CHANGE_CORRECTION.id,
            Kind::Renewal => terms::CHANGE_RENEWAL.id,
        }
    }

    /// The id with its article, for sentences: "an amendment", "a correction", "a renewal".
    pub fn with_article(self) -> &'static str {
        match self {
            Kind::Amendment => "an amendment",
            Kind::Correction => "a correction",
            Kind::Renewal => "a renewal",
        }
    }
}

/// What to bump: the type of change, its text and reason, today, and the dates given.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: Kind,
    /// Why the agreement changes (`[[changes]] reason`).
    pub reason: String,
    /// What changes (`[[changes]] change`); a renewal describes its new term when it is absent.
    pub change: Option<String>,
    /// The entry's date, and the default approval date.
    pub today: NaiveDate,
    /// When the new version is approved (default: `today`).
    pub approved: Option<NaiveDate>,
    /// For a renewal only: the new term's dates (defaults: see [`renewed_term`]).
    pub effective: Option<NaiveDate>,
    pub review: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
}

/// The bumped text and what it now says.
#[derive(Debug, Clone)]
pub struct Bumped {
    pub text: String,
    /// The new version.
    pub version: u32,
    /// The change written in the entry.
    pub change: String,
    /// The dates after the bump.
    pub dates: Dates,
}

/// Bumps `text`, the file of the valid agreement `current`, as `request` says. Refuses dates
/// that cannot be (an approval before the current version's, a term beyond 9999-12-31) and an
/// amendment or correction without the change; whether the result validates is for the caller
/// to check.
pub fn bump(text: &str, current: &Agreement, request: &Request) -> Result<Bumped> {
    let from = current.version;
    let version = from.checked_add(1).ok_or_else(|| {
        Error::refused(format!(
            "version {from} is the highest an agreement can have"
        ))
    })?;
    let approved = request.approved.unwrap_or(request.today);
    if approved < current.dates.approved {
        let (what, hint) = match request.approved {
            Some(_) => (
                "--approved",
                format!(
                    "version {version} is approved after version {from}: pass --approved with a date from {} on, or leave it out for today",
                    current.dates.approved
                ),
            ),
            None => (
                "today",
                format!(
                    "version {version} is approved after version {from}: pass --approved with a date from {} on (and check --today / DATAPACT_TODAY if set)",
                    current.dates.approved
                ),
            ),
        };
        return Err(Error::refused(format!(
            "{what} ({approved}) is before dates.approved ({}), when version {from} was approved",
            current.dates.approved
        ))
        .with_hint(hint));
    }
    let mut dates = Dates {
        approved,
        ..current.dates.clone()
    };
    if dates.review_derived {
        // A derived review date follows the new approval date (see `Dates::derived_review`).
        if let Some(review) =
            Dates::derived_review(approved, dates.effective, dates.review_interval_months)
        {
            dates.review = review;
        }
    }
    if request.kind == Kind::Renewal {
        let (effective, review, expires) = renewed_term(&current.dates, request)?;
        dates.effective = effective;
        dates.expires = Some(expires);
        // A review date left to be derived stays derived, unless --review names one.
        match Dates::derived_review(approved, effective, dates.review_interval_months) {
            Some(derived) if current.dates.review_derived && request.review.is_none() => {
                dates.review = derived;
            }
            _ => {
                dates.review = review;
                dates.review_derived = false;
            }
        }
    }
    let change = match (&request.change, request.kind) {
        (Some(change), _) => change.clone(),
        (None, Kind::Renewal) => format!(
            "Renewed for a further term from {} to {}",
            dates.effective,
            dates.expires.map_or_else(String::new, |d| d.to_string())
        ),
        (None, kind) => {
            return Err(Error::usage(format!(
                "{} needs --change: what changes in version {version}",
                kind.with_article()
            ))
            .with_hint("pass --change TEXT (a renewal alone describes its new term itself)"));
        }
    };

    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Error::input(format!("cannot edit the agreement: {}", e.message().trim()))
            .with_hint("run `datapact validate` on it and fix what it reports")
    })?;
    set(
        &mut doc,
        &["agreement", "version"],
        Value::from(i64::from(version)),
    )?;
    set(&mut doc, &["dates", "approved"], date_value(approved))?;
    if request.kind == Kind::Renewal {
        set(
            &mut doc,
            &["dates", "effective"],
            date_value(dates.effective),
        )?;
        if !dates.review_derived {
            set(&mut doc, &["dates", "review"], date_value(dates.review))?;
        }
        set(
            &mut doc,
            &["dates", "expires"],
            date_value(expires_of(&dates)?),
        )?;
    }
    let mut entry = InlineTable::new();
    entry.insert("version", Value::from(i64::from(version)));
    entry.insert("type", text_value(request.kind.id()));
    entry.insert("date", date_value(request.today));
    entry.insert("change", text_value(&change));
    entry.insert("reason", text_value(&request.reason));
    append_change(&mut doc, entry)?;
    let mut text = doc.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(Bumped {
        text,
        version,
        change,
        dates,
    })
}

/// The end date of a term that has one (a renewal's, always).
fn expires_of(dates: &Dates) -> Result<NaiveDate> {
    dates
        .expires
        .ok_or_else(|| Error::refused("an open-ended term has no expiry date to renew"))
}

/// The renewed term's effective, review and expiry dates. Defaults: effective the day after
/// the current expiry; review `review_interval_months` after it; expiry keeping the current
/// term's length, in months and days, and its convention for the last day (a term of
/// 2026-04-01 to 2029-03-31 renews to 2029-04-01 to 2032-03-31).
pub fn renewed_term(
    current: &Dates,
    request: &Request,
) -> Result<(NaiveDate, NaiveDate, NaiveDate)> {
    let Some(current_expires) = current.expires else {
        return Err(Error::refused(
            "an open-ended agreement (dates.end_condition, no dates.expires) cannot be renewed: it continues until its end condition is met",
        )
        .with_hint(
            "to give it an end date, replace dates.end_condition with dates.expires in the file and run `datapact bump ID --type amendment --change TEXT --reason TEXT`",
        ));
    };
    let beyond = |what: &str| {
        Error::usage(format!(
            "the renewed {what} would fall after 9999-12-31, the last date datapact accepts"
        ))
        .with_hint("pass --effective, --review and --expires with dates up to 9999-12-31")
    };
    let effective = match request.effective {
        Some(d) => d,
        None => current_expires
            .checked_add_days(Days::new(1))
            .ok_or_else(|| beyond("effective date"))?,
    };
    let review = match request.review {
        Some(d) => d,
        None => effective
            .checked_add_months(Months::new(current.review_interval_months))
            .ok_or_else(|| beyond("review date"))?,
    };
    let expires = match request.expires {
        Some(d) => d,
        None => {
            let (months, days) = term_length(current.effective, current_expires);
            effective
                .checked_add_months(Months::new(months))
                .and_then(|d| d.checked_add_days(Days::new(days)))
                .and_then(|d| d.pred_opt())
                .ok_or_else(|| beyond("expiry date"))?
        }
    };
    for (what, d) in [
        ("effective date", effective),
        ("review date", review),
        ("expiry date", expires),
    ] {
        if !dates::YEARS.contains(&d.year()) {
            return Err(beyond(what));
        }
    }
    Ok((effective, review, expires))
}

/// A term from `effective` to `expires` (its last day in force) as whole months and the days
/// left over: 2026-04-01 to 2029-03-31 is 36 months and 0 days (it ends the day before
/// 2029-04-01), 2026-04-01 to 2029-04-01 is 36 months and 1 day.
fn term_length(effective: NaiveDate, expires: NaiveDate) -> (u32, u64) {
    let Some(end) = expires.succ_opt() else {
        return (0, 0);
    };
    if end <= effective {
        return (0, 0);
    }
    let span = (end.year() - effective.year()) * 12 + end.month() as i32 - effective.month() as i32;
    let mut months = u32::try_from(span).unwrap_or(0);
    let at = |m: u32| effective.checked_add_months(Months::new(m));
    while months > 0 && at(months).is_none_or(|d| d > end) {
        months -= 1;
    }
    let start = at(months).unwrap_or(effective);
    let days = u64::try_from((end - start).num_days()).unwrap_or(0);
    (months, days)
}

/// A TOML text written as the agreements write theirs: a basic string in double quotes (never
/// the literal string toml_edit picks for a text holding a quote).
fn text_value(s: &str) -> Value {
    let mut written = String::with_capacity(s.len() + 2);
    written.push('"');
    for c in s.chars() {
        match c {
            '"' => written.push_str("\\\""),
            '\\' => written.push_str("\\\\"),
            '\n' => written.push_str("\\n"),
            '\t' => written.push_str("\\t"),
            c if c.is_control() => written.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => written.push(c),
        }
    }
    written.push('"');
    written.parse().unwrap_or_else(|_| Value::from(s))
}

/// A TOML local date.
fn date_value(d: NaiveDate) -> Value {
    let date = toml_edit::Date {
        // Dates datapact handles are of the years 1900 to 9999 (checked where they are read).
        year: u16::try_from(d.year()).unwrap_or(9999),
        month: d.month() as u8,
        day: d.day() as u8,
    };
    Value::from(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    })
}

/// Replaces the value at `path` (a table key path), keeping what surrounds it (spaces and a
/// comment on its line).
fn set(doc: &mut DocumentMut, path: &[&str], new: Value) -> Result<()> {
    let dotted = path.join(".");
    let missing = || {
        Error::input(format!(
            "cannot edit the agreement: `{dotted}` is not where it should be"
        ))
        .with_hint("run `datapact validate` on it and fix what it reports")
    };
    let mut item: &mut Item = doc.as_item_mut();
    for key in path {
        item = item.get_mut(key).ok_or_else(missing)?;
    }
    let value = item.as_value_mut().ok_or_else(missing)?;
    let decor = value.decor().clone();
    *value = new;
    *value.decor_mut() = decor;
    Ok(())
}

/// Appends the entry to `[[changes]]` (made, at the end of the file, when there is none), in
/// the form the list is written in: tables, or an inline array.
fn append_change(doc: &mut DocumentMut, entry: InlineTable) -> Result<()> {
    match doc.get_mut("changes") {
        None => {
            let mut table = entry.into_table();
            table.decor_mut().set_prefix("\n");
            let mut list = ArrayOfTables::new();
            list.push(table);
            doc.insert("changes", Item::ArrayOfTables(list));
        }
        Some(Item::ArrayOfTables(list)) => {
            let mut table: Table = entry.into_table();
            table.decor_mut().set_prefix("\n");
            list.push(table);
        }
        Some(Item::Value(Value::Array(list))) => {
            let mut entry = entry;
            entry.fmt();
            list.push(entry);
        }
        Some(_) => {
            return Err(Error::input(
                "cannot edit the agreement: `changes` is not a list of tables",
            )
            .with_hint("run `datapact validate` on it and fix what it reports"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        dates::parse(s).unwrap()
    }

    #[test]
    fn texts_are_written_as_basic_strings_that_read_back_as_given() {
        for s in [
            "plain",
            "a \"quote\"",
            "back\\slash",
            "line\nbreak\ttab",
            "esc\u{1b}[31m",
            "émoji 🦀",
            "'''",
            "",
        ] {
            let v = text_value(s);
            assert!(v.to_string().trim_start().starts_with('"'), "{v}");
            assert_eq!(v.as_str(), Some(s), "{v}");
            let doc: DocumentMut = format!("k = {v}\n").parse().unwrap();
            assert_eq!(doc["k"].as_str(), Some(s));
        }
    }

    #[test]
    fn term_lengths_keep_the_last_day_convention() {
        assert_eq!(term_length(d("2026-04-01"), d("2029-03-31")), (36, 0));
        assert_eq!(term_length(d("2026-04-01"), d("2029-04-01")), (36, 1));
        assert_eq!(term_length(d("2025-03-01"), d("2028-02-29")), (36, 0));
        assert_eq!(term_length(d("2026-04-01"), d("2026-04-10")), (0, 10));
        // A month from the 31st ends on the last day of a shorter month.
        assert_eq!(term_length(d("2026-01-31"), d("2026-02-27")), (1, 0));
        assert_eq!(term_length(d("2026-01-31"), d("2026-02-26")), (0, 27));
        assert_eq!(term_length(d("2026-04-01"), d("2026-03-01")), (0, 0));
        assert_eq!(term_length(d("9999-01-01"), d("9999-12-31")), (12, 0));
    }

    fn request(kind: Kind) -> Request {
        Request {
            kind,
            reason: "r".into(),
            change: None,
            today: d("2029-03-01"),
            approved: None,
            effective: None,
            review: None,
            expires: None,
        }
    }

    fn dates_of(effective: &str, expires: &str, interval: u32) -> Dates {
        Dates {
            approved: d(effective),
            effective: d(effective),
            review: d(effective),
            review_derived: false,
            expires: Some(d(expires)),
            end_condition: None,
            review_interval_months: interval,
            review_interval_reason: None,
        }
    }

    #[test]
    fn a_renewal_runs_for_the_same_term_from_the_day_after_expiry() {
        let r = request(Kind::Renewal);
        let term = |e, x, i| renewed_term(&dates_of(e, x, i), &r).unwrap();
        assert_eq!(
            term("2026-04-01", "2029-03-31", 24),
            (d("2029-04-01"), d("2031-04-01"), d("2032-03-31"))
        );
        assert_eq!(
            term("2025-03-01", "2028-02-29", 24),
            (d("2028-03-01"), d("2030-03-01"), d("2031-02-28"))
        );
        assert_eq!(
            term("2026-10-01", "2029-09-30", 12),
            (d("2029-10-01"), d("2030-10-01"), d("2032-09-30"))
        );
        // Expiring on the anniversary itself: the renewal does too.
        assert_eq!(
            term("2026-04-01", "2029-04-01", 24),
            (d("2029-04-02"), d("2031-04-02"), d("2032-04-02"))
        );
    }

    #[test]
    fn a_renewal_past_9999_is_refused() {
        let r = request(Kind::Renewal);
        for (e, x) in [("9998-01-01", "9999-12-31"), ("9997-01-01", "9998-12-31")] {
            let err = renewed_term(&dates_of(e, x, 24), &r).unwrap_err();
            assert!(err.message.contains("after 9999-12-31"), "{}", err.message);
        }
    }

    /// The example agreement (version 1, no `[[changes]]`) and its validated model.
    fn example() -> (String, Agreement) {
        let text = include_str!("../../agreements/icb-ecc-adult-social-care.toml").to_string();
        (text.clone(), validated(&text))
    }

    fn validated(text: &str) -> Agreement {
        let path = "agreements/icb-ecc-adult-social-care.toml";
        let source = crate::source::SourceFile::from_bytes(
            path.into(),
            path.into(),
            text.as_bytes().to_vec(),
        );
        let config = crate::config::Config::default();
        let v = crate::agreement::validate::validate(
            &source,
            Some("icb-ecc-adult-social-care"),
            &config,
            crate::agreement::Scope::All,
        );
        assert!(v.findings.is_empty(), "{:?}", v.findings);
        v.agreement.unwrap()
    }

    #[test]
    fn an_amendment_changes_only_the_version_the_approval_and_the_new_entry() {
        let (text, a) = example();
        let mut r = request(Kind::Amendment);
        r.today = d("2026-12-01");
        r.change = Some("Added the \"reablement\" team".into());
        r.reason = "Asked by the council".into();
        let b = bump(&text, &a, &r).unwrap();
        assert_eq!(b.version, 2);
        let expected = text
            .replace("version = 1\n", "version = 2\n")
            .replace("approved = 2026-03-16\n", "approved = 2026-12-01\n")
            + "\n[[changes]]\nversion = 2\ntype = \"amendment\"\ndate = 2026-12-01\nchange = \"Added the \\\"reablement\\\" team\"\nreason = \"Asked by the council\"\n";
        assert_eq!(b.text, expected);
        let again = validated(&b.text);
        assert_eq!(again.changes[0].date, Some(d("2026-12-01")));
        // A second bump appends after the first entry.
        r.change = Some("Second".into());
        let c = bump(&b.text, &again, &r).unwrap();
        assert!(c.text.ends_with("reason = \"Asked by the council\"\n\n[[changes]]\nversion = 3\ntype = \"amendment\"\ndate = 2026-12-01\nchange = \"Second\"\nreason = \"Asked by the council\"\n"), "{}", c.text);
        validated(&c.text);
    }

    /// The entry follows the last one, wherever the list is in the file, and in the form it is
    /// written in (tables, or an inline array).
    #[test]
    fn the_entry_is_appended_where_the_list_is_in_its_form() {
        let (text, _) = example();
        let dates_at = text.find("\n[dates]\n").unwrap();
        let (body, dates) = text.split_at(dates_at + 1);
        let entry =
            "[[changes]]\nversion = 1\ntype = \"new\"\nchange = \"First.\"\nreason = \"Why.\"\n";
        let mut r = request(Kind::Correction);
        r.today = d("2026-12-01");
        r.change = Some("Typo".into());
        let new = "[[changes]]\nversion = 2\ntype = \"correction\"\ndate = 2026-12-01\nchange = \"Typo\"\nreason = \"r\"\n";
        // Tables, before [dates].
        let before = format!("{body}{entry}\n{dates}");
        let b = bump(&before, &validated(&before), &r).unwrap();
        assert!(
            b.text.contains(&format!("{entry}\n{new}\n[dates]\n")),
            "{}",
            b.text
        );
        validated(&b.text);
        // An inline array at the top.
        let inline = text.replace(
            "schema = 1\n",
            "schema = 1\nchanges = [{ version = 1, type = \"new\", change = \"First.\", reason = \"Why.\" }]\n",
        );
        let b = bump(&inline, &validated(&inline), &r).unwrap();
        assert!(
            b.text.contains("changes = [{ version = 1, type = \"new\", change = \"First.\", reason = \"Why.\" }, { version = 2, type = \"correction\", date = 2026-12-01, change = \"Typo\", reason = \"r\" }]\n"),
            "{}",
            b.text
        );
        validated(&b.text);
    }

    #[test]
    fn an_amendment_needs_its_change_and_an_approval_after_the_last() {
        let (text, a) = example();
        let r = request(Kind::Amendment);
        assert!(
            bump(&text, &a, &r)
                .unwrap_err()
                .message
                .contains("needs --change")
        );
        let mut r = request(Kind::Correction);
        r.change = Some("x".into());
        r.approved = Some(d("2026-03-15"));
        let err = bump(&text, &a, &r).unwrap_err();
        assert!(
            err.message.contains("before dates.approved (2026-03-16)"),
            "{}",
            err.message
        );
        r.approved = Some(d("2026-03-16"));
        assert!(bump(&text, &a, &r).is_ok());
    }
}
