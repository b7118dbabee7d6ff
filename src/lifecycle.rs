//! An agreement's state, derived (never stored) from whether it is fully signed and from its
//! dates against "today": draft, signed but not yet effective, active, review due, review
//! overdue, expiring, expired. Also the expiry findings `datapact check` reports, and "today"
//! itself, which every date-dependent command takes from `--today` / `DATAPACT_TODAY` or the
//! workspace time zone.

use crate::agreement::locate::Places;
use crate::agreement::model::Dates;
use crate::config::Windows;
use crate::text::{plural, relative_days};
use chrono::{Days, NaiveDate, Utc};
use serde::Serialize;

/// "Today": the override when given, else the current date in the workspace's time zone.
pub fn today(override_date: Option<NaiveDate>, tz: chrono_tz::Tz) -> NaiveDate {
    override_date.unwrap_or_else(|| Utc::now().with_timezone(&tz).date_naive())
}

/// The derived state of an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The file has validation errors, so its dates and parties cannot be trusted.
    Invalid,
    /// A signature on the current version does not verify (content changed after signing, a
    /// rolled-back version, a bad or revoked key...): nothing about it can be relied on until
    /// the parties sign again.
    SignaturesInvalid,
    /// Past its expiry date.
    Expired,
    /// Past its review date.
    ReviewOverdue,
    /// Within the expiry notice window.
    Expiring,
    /// Within the review notice window.
    ReviewDue,
    /// Not every party has a valid signature on the current version.
    Draft,
    /// Fully signed, before its effective date.
    SignedNotYetEffective,
    /// Fully signed, in force, nothing due.
    Active,
}

impl State {
    /// Every state, most urgent first.
    pub const ALL: [State; 9] = [
        State::Invalid,
        State::SignaturesInvalid,
        State::Expired,
        State::ReviewOverdue,
        State::Expiring,
        State::ReviewDue,
        State::Draft,
        State::SignedNotYetEffective,
        State::Active,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Invalid => "invalid",
            State::SignaturesInvalid => "signatures-invalid",
            State::Expired => "expired",
            State::ReviewOverdue => "review-overdue",
            State::Expiring => "expiring",
            State::ReviewDue => "review-due",
            State::Draft => "draft",
            State::SignedNotYetEffective => "signed-not-yet-effective",
            State::Active => "active",
        }
    }

    /// A plain-English label for registers and documents.
    pub fn label(self) -> &'static str {
        match self {
            State::Invalid => "Invalid (fails validation)",
            State::SignaturesInvalid => "Signatures not valid",
            State::Expired => "Expired",
            State::ReviewOverdue => "Review overdue",
            State::Expiring => "Expiring soon",
            State::ReviewDue => "Review due",
            State::Draft => "Draft (awaiting signatures)",
            State::SignedNotYetEffective => "Signed, not yet in force",
            State::Active => "Active",
        }
    }

    /// Lower is more urgent; registers sort by this, then by days to the next date.
    pub fn urgency(self) -> u8 {
        self as u8
    }
}

/// Which date decides what happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateKind {
    Effective,
    Review,
    Expires,
}

impl DateKind {
    pub fn field(self) -> &'static str {
        match self {
            DateKind::Effective => "effective",
            DateKind::Review => "review",
            DateKind::Expires => "expires",
        }
    }
}

/// The state with the date that matters next and how far away it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub state: State,
    /// The next date that matters (for overdue or expired agreements: the date that was missed).
    pub next: DateKind,
    pub next_date: NaiveDate,
    /// Days from today to `next_date`; negative when it has passed.
    pub days: i64,
    /// For overdue reviews: whether the grace period has also passed (an error).
    pub past_grace: bool,
    /// The day of the signed review that set the review date, when one did (see
    /// [`ReviewDate`]); `None` when the review date is the agreement's own.
    pub reviewed_on: Option<NaiveDate>,
}

/// The review date that applies to an agreement: its own `dates.review`, or the next review
/// named by its latest complete signed review (see [`crate::signing::review`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDate {
    /// The last day before the review is overdue.
    pub date: NaiveDate,
    /// The day of the review that set `date`; `None` for the agreement's own date.
    pub reviewed_on: Option<NaiveDate>,
}

impl ReviewDate {
    /// The agreement's own review date, `dates.review`.
    pub fn of_agreement(dates: &Dates) -> ReviewDate {
        ReviewDate {
            date: dates.review,
            reviewed_on: None,
        }
    }
}

fn minus(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MIN)
}

/// What the signatures on the current version say, for deriving the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// Every party holds a valid signature.
    Fully,
    /// Some party has not signed (yet); no signature is invalid.
    NotFully,
    /// Some signature or signature file is invalid.
    Invalid,
}

/// Derives the standing of an agreement. The expiry date is the last day in force; `review` is
/// the review date that applies ([`ReviewDate`]: the agreement's `dates.review`, or the next
/// review named by its latest complete signed review): the last day before the review is
/// overdue. Windows count whole days, inclusive.
pub fn standing(
    dates: &Dates,
    review: ReviewDate,
    signed: Signed,
    windows: &Windows,
    today: NaiveDate,
) -> Standing {
    let days_to = |d: NaiveDate| (d - today).num_days();
    let at = |state, next: DateKind, date: NaiveDate| Standing {
        state,
        next,
        next_date: date,
        days: days_to(date),
        past_grace: false,
        reviewed_on: review.reviewed_on,
    };
    let review = review.date;
    let (next, next_date) = if today < dates.effective {
        (DateKind::Effective, dates.effective)
    } else {
        match dates.expires {
            Some(expires) if today > review => (DateKind::Expires, expires),
            // An open-ended term never expires: the review stays the next date, even overdue.
            _ => (DateKind::Review, review),
        }
    };
    if signed == Signed::Invalid {
        return at(State::SignaturesInvalid, next, next_date);
    }
    if let Some(expires) = dates.expires.filter(|&e| today > e) {
        return at(State::Expired, DateKind::Expires, expires);
    }
    if signed == Signed::NotFully {
        return at(State::Draft, next, next_date);
    }
    if today < dates.effective {
        return at(
            State::SignedNotYetEffective,
            DateKind::Effective,
            dates.effective,
        );
    }
    if today > review {
        let mut s = at(State::ReviewOverdue, DateKind::Review, review);
        s.past_grace = (today - review).num_days() > windows.review_grace_days as i64;
        return s;
    }
    if let Some(expires) = dates
        .expires
        .filter(|&e| today >= minus(e, windows.expiry_notice_days))
    {
        return at(State::Expiring, DateKind::Expires, expires);
    }
    if today >= minus(review, windows.review_notice_days) {
        return at(State::ReviewDue, DateKind::Review, review);
    }
    at(State::Active, next, next_date)
}

/// What the parties still to sign run: `datapact sign ID --party P --key KEYFILE`, one command per
/// missing party.
fn sign_hint(id: &str, missing: &[String]) -> String {
    let command = |party: &str| format!("`datapact sign {id} --party {party} --key KEYFILE`");
    match missing {
        [one] => format!("{one} signs with {}", command(one)),
        [] => format!("each party signs with {}", command("PARTY")),
        more => format!(
            "each missing party signs: {}",
            more.iter()
                .map(|party| command(party))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Where a review date came from, for messages: nothing for the agreement's own, else the
/// signed review that named it.
fn set_by(standing: &Standing) -> String {
    standing
        .reviewed_on
        .map(|day| format!(", the next review named by the signed review of {day}"))
        .unwrap_or_default()
}

/// The expiry findings for an agreement in `standing` (none for drafts and active agreements).
/// `require_signed` reports a draft as DP306; `id` names the agreement in the hints' commands.
// Eight plain values from check's assessment; a struct built at the one call only to be
// taken apart here would add nothing.
#[allow(clippy::too_many_arguments)]
pub fn findings(
    file: &str,
    id: &str,
    places: &Places<'_>,
    dates: &Dates,
    standing: &Standing,
    windows: &Windows,
    require_signed: bool,
    missing_parties: &[String],
) -> Vec<crate::diagnostics::Finding> {
    use crate::diagnostics::Finding;
    use crate::rules;
    // Days from today to the standing's next date: "today", "tomorrow", "in 3 days", "3 days ago".
    let when = relative_days(standing.days);
    let mut out = Vec::new();
    match standing.state {
        State::ReviewDue => out.push(Finding::new(
            &rules::expiry::REVIEW_DUE,
            file,
            places.review(),
            format!("review due on {} ({when}){}", standing.next_date, set_by(standing)),
            rules::expiry::REVIEW_DUE.hint,
        )),
        State::ReviewOverdue => {
            let rule = if standing.past_grace { &rules::expiry::REVIEW_OVERDUE_PAST_GRACE } else { &rules::expiry::REVIEW_OVERDUE };
            let grace = if standing.past_grace {
                format!(", more than the {}-day grace period", windows.review_grace_days)
            } else {
                String::new()
            };
            out.push(Finding::new(
                rule,
                file,
                places.review(),
                format!("review overdue since {} ({when}{grace}){}", standing.next_date, set_by(standing)),
                rule.hint,
            ));
        }
        State::Expired => out.push(Finding::new(
            &rules::expiry::EXPIRED,
            file,
            places.expires(),
            format!("expired on {} ({when}); sharing under it must stop", standing.next_date),
            "renew it as a new version signed by every party, or move it out of agreements/ to an archive",
        )),
        State::Draft if require_signed => out.push(Finding::new(
            &rules::expiry::NOT_FULLY_SIGNED,
            file,
            places.version(),
            format!("not fully signed: missing {}", if missing_parties.is_empty() { "signatures".to_string() } else { missing_parties.join(", ") }),
            sign_hint(id, missing_parties),
        )),
        State::Draft if standing.days <= 0 || standing.next != DateKind::Effective => {
            out.push(Finding::new(
                &rules::expiry::NOT_IN_FORCE,
                file,
                places.effective(),
                format!(
                    "effective since {} but no version is fully signed (missing {}): nothing is in force",
                    dates.effective,
                    if missing_parties.is_empty() { "signatures".to_string() } else { missing_parties.join(", ") }
                ),
                sign_hint(id, missing_parties),
            ))
        }
        // Expiring: the notice below. Active, signed but not yet effective, drafts before
        // their effective date (without --require-signed) and invalid ones: no expiry finding.
        _ => {}
    }
    // The expiry notice stands on its own: an overdue review (the more urgent state) must not
    // hide that the agreement is also about to end.
    // An open-ended term has no expiry to give notice of.
    let today = standing.next_date - chrono::Duration::days(standing.days);
    let Some(expires) = dates.expires else {
        return out;
    };
    let expiry_window = minus(expires, windows.expiry_notice_days)..=expires;
    if matches!(standing.state, State::Expiring | State::ReviewOverdue)
        && expiry_window.contains(&today)
    {
        let left = relative_days((expires - today).num_days());
        out.push(Finding::new(
            &rules::expiry::EXPIRING,
            file,
            places.expires(),
            format!("expires on {expires} ({left})"),
            "renew the agreement (new version with new dates, signed by every party) or plan for the sharing to stop",
        ));
    }
    out
}

/// The version in force and when the last of its parties agreed to it, for DP308.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub version: u32,
    /// That version's effective date.
    pub effective: NaiveDate,
    /// The day the last party signed (or, where acceptances count, accepted) it, in the
    /// workspace time zone.
    pub completed: NaiveDate,
    /// That party.
    pub last_party: String,
    /// Whether that party's agreement is a counted acceptance (`datapact accept`), not a
    /// signature.
    pub accepted: bool,
    /// The day of the latest complete signed review of that version, if any.
    pub reviewed_on: Option<NaiveDate>,
    /// Whether the file's current version is another one (awaiting signatures).
    pub earlier: bool,
}

/// The current version while it is not fully signed: a draft with nothing in force, or the
/// version pending while an earlier one (`in_force`) is in force.
#[derive(Debug, Clone, Copy)]
pub struct Unsigned<'a> {
    /// The agreement's id, for the hint's `datapact sign` command.
    pub id: &'a str,
    pub version: u32,
    pub dates: &'a Dates,
    pub missing: &'a [String],
    pub in_force: Option<u32>,
}

/// The findings about the dates of signatures against the dates they sign: a version in force
/// signed more than `retrospective_approval_days` after its effective date (DP308), a version
/// awaiting signatures past its own review date (DP309) or, while an earlier version is in
/// force, past its own effective date (DP310). `standing` is the governing version's.
pub fn signing_findings(
    file: &str,
    places: &Places<'_>,
    standing: &Standing,
    approval: Option<&Approval>,
    unsigned: Option<Unsigned<'_>>,
    windows: &Windows,
    today: NaiveDate,
) -> Vec<crate::diagnostics::Finding> {
    use crate::diagnostics::Finding;
    use crate::rules::expiry::{DRAFT_PAST_REVIEW, PENDING_PAST_EFFECTIVE, RETROSPECTIVE_APPROVAL};
    let mut out = Vec::new();
    // Signed late: reported while that version is in force (an expired one has DP305 alone),
    // until a review made after the last signature records that the parties have been over it.
    if let Some(a) = approval {
        let late = (a.completed - a.effective).num_days();
        let in_force = matches!(
            standing.state,
            State::Active
                | State::ReviewDue
                | State::ReviewOverdue
                | State::Expiring
                | State::SignedNotYetEffective
        );
        let answered = a.reviewed_on.is_some_and(|r| r >= a.completed);
        if in_force && !answered && late > i64::from(windows.retrospective_approval_days) {
            let which = if a.earlier {
                format!("v{} (in force)", a.version)
            } else {
                format!("v{}", a.version)
            };
            let threshold = match windows.retrospective_approval_days {
                0 => String::new(),
                n => format!(", more than the {n} days allowed"),
            };
            out.push(Finding::new(
                &RETROSPECTIVE_APPROVAL,
                file,
                places.effective(),
                format!(
                    "{which} was approved retrospectively: effective on {}, agreed by every party only on {} when {} {}, {} later{threshold}; any sharing before then had no agreement behind it",
                    a.effective,
                    a.completed,
                    a.last_party,
                    if a.accepted { "accepted it" } else { "signed" },
                    plural(late.unsigned_abs(), "day", "days")
                ),
                RETROSPECTIVE_APPROVAL.hint,
            ));
        }
    }
    let Some(u) = unsigned else {
        return out;
    };
    let expired = u.dates.expires.is_some_and(|e| today > e);
    let missing = if u.missing.is_empty() {
        "signatures".to_string()
    } else {
        u.missing.join(", ")
    };
    if let Some(f) = u
        .in_force
        .filter(|_| today >= u.dates.effective && !expired)
    {
        let since = (today - u.dates.effective).num_days();
        out.push(Finding::new(
            &PENDING_PAST_EFFECTIVE,
            file,
            places.effective(),
            format!(
                "v{} is effective since {} ({}) but not fully signed (missing {missing}): v{f} is still in force, and nothing may be shared under v{}'s new terms until every party has signed",
                u.version,
                u.dates.effective,
                relative_days(-since),
                u.version
            ),
            sign_hint(u.id, u.missing),
        ));
    }
    // Nothing in force: only while the draft is the agreement's state (an expired draft has
    // DP305 alone).
    let draft = u.in_force.is_some() || standing.state == State::Draft;
    if draft && !expired && today > u.dates.review {
        let ago = (today - u.dates.review).num_days().unsigned_abs();
        out.push(Finding::new(
            &DRAFT_PAST_REVIEW,
            file,
            places.review(),
            format!(
                "v{} is still awaiting signatures (missing {missing}) but its review date, {}, passed {} ago",
                u.version,
                u.dates.review,
                plural(ago, "day", "days")
            ),
            DRAFT_PAST_REVIEW.hint,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_is_listed_once_most_urgent_first() {
        for (i, state) in State::ALL.iter().enumerate() {
            assert_eq!(usize::from(state.urgency()), i, "{state:?}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dates() -> Dates {
        Dates {
            approved: d("2026-03-01"),
            effective: d("2026-04-01"),
            review: d("2028-04-01"),
            review_derived: false,
            expires: Some(d("2029-03-31")),
            end_condition: None,
            review_interval_months: 24,
            review_interval_reason: None,
        }
    }

    fn own() -> ReviewDate {
        ReviewDate::of_agreement(&dates())
    }

    fn state_on(day: &str, signed: bool) -> Standing {
        let signed = if signed {
            Signed::Fully
        } else {
            Signed::NotFully
        };
        standing(&dates(), own(), signed, &Windows::default(), d(day))
    }

    #[test]
    fn states_at_every_boundary() {
        use State::*;
        let cases = [
            ("2026-03-31", true, SignedNotYetEffective),
            ("2026-04-01", true, Active),
            ("2026-04-02", true, Active),
            // review notice window: 90 days before 2028-04-01 is 2028-01-02
            ("2028-01-01", true, Active),
            ("2028-01-02", true, ReviewDue),
            ("2028-04-01", true, ReviewDue),
            ("2028-04-02", true, ReviewOverdue),
            // expiry notice: 90 days before 2029-03-31 is 2028-12-31; overdue still wins
            ("2028-12-31", true, ReviewOverdue),
            ("2029-03-31", true, ReviewOverdue),
            ("2029-04-01", true, Expired),
            ("2027-01-01", false, Draft),
            ("2029-04-01", false, Expired),
        ];
        for (day, signed, want) in cases {
            assert_eq!(
                state_on(day, signed).state,
                want,
                "on {day} signed={signed}"
            );
        }
    }

    #[test]
    fn invalid_signatures_outrank_every_date_state() {
        for day in ["2026-03-31", "2027-01-01", "2028-04-02", "2029-04-01"] {
            let s = standing(
                &dates(),
                own(),
                Signed::Invalid,
                &Windows::default(),
                d(day),
            );
            assert_eq!(s.state, State::SignaturesInvalid, "on {day}");
        }
        assert!(State::SignaturesInvalid.urgency() < State::Expired.urgency());
    }

    #[test]
    fn a_signed_review_moves_the_review_date_and_is_named_in_the_findings() {
        let review = ReviewDate {
            date: d("2030-03-01"),
            reviewed_on: Some(d("2028-05-01")),
        };
        let w = Windows::default();
        // Overdue by the agreement's own date, active by the review's.
        assert_eq!(state_on("2028-05-01", true).state, State::ReviewOverdue);
        let s = standing(&dates(), review, Signed::Fully, &w, d("2028-05-01"));
        assert_eq!(
            (s.state, s.next, s.next_date),
            (State::Active, DateKind::Review, d("2030-03-01"))
        );
        // Expiry (2029-03-31) comes first: the review date is only the next date until then.
        let s = standing(&dates(), review, Signed::Fully, &w, d("2029-01-15"));
        assert_eq!(s.state, State::Expiring);
        let mut ds = dates();
        ds.expires = Some(d("2031-03-31"));
        let s = standing(&ds, review, Signed::Fully, &w, d("2030-03-02"));
        assert_eq!(s.state, State::ReviewOverdue);
        let f = findings("a.toml", "a", &Places::default(), &ds, &s, &w, false, &[]);
        assert_eq!(
            f[0].message,
            "review overdue since 2030-03-01 (1 day ago), the next review named by the signed review of 2028-05-01"
        );
    }

    #[test]
    fn grace_period_boundary() {
        // 90 days after 2028-04-01 is 2028-06-30.
        assert!(!state_on("2028-06-30", true).past_grace);
        assert!(state_on("2028-07-01", true).past_grace);
    }

    #[test]
    fn an_open_ended_term_never_expires_and_its_review_is_the_next_date() {
        let w = Windows::default();
        let mut ds = dates();
        ds.expires = None;
        ds.end_condition = Some("until either party ends it".into());
        let s = standing(&ds, own(), Signed::Fully, &w, d("2029-03-01"));
        assert_eq!(
            (s.state, s.next, s.next_date),
            (State::ReviewOverdue, DateKind::Review, d("2028-04-01"))
        );
        let s = standing(&ds, own(), Signed::Fully, &w, d("2046-12-01"));
        assert_eq!((s.state, s.next), (State::ReviewOverdue, DateKind::Review));
        assert!(s.past_grace);
        let f = findings("a.toml", "a", &Places::default(), &ds, &s, &w, false, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.code, "DP303");
        let s = standing(&ds, own(), Signed::Fully, &w, d("2027-01-01"));
        assert_eq!((s.state, s.next), (State::Active, DateKind::Review));
    }

    #[test]
    fn expiring_when_review_is_done_before_expiry() {
        let mut ds = dates();
        let w = Windows::default();
        let on = |ds: &Dates, day: &str| {
            standing(ds, ReviewDate::of_agreement(ds), Signed::Fully, &w, d(day))
        };
        ds.review = d("2029-03-01");
        assert_eq!(on(&ds, "2028-12-30").state, State::ReviewDue);
        ds.review = d("2029-03-31");
        assert_eq!(on(&ds, "2028-12-30").state, State::Active);
        assert_eq!(on(&ds, "2028-12-31").state, State::Expiring);
        let s = on(&ds, "2029-03-30");
        assert_eq!(
            (s.state, s.days, s.next),
            (State::Expiring, 1, DateKind::Expires)
        );
    }

    #[test]
    fn days_count_to_the_next_date() {
        let s = state_on("2026-11-25", true);
        assert_eq!(
            (s.state, s.next, s.days),
            (State::Active, DateKind::Review, 493)
        );
        let s = state_on("2028-04-11", true);
        assert_eq!(s.days, -10);
    }

    #[test]
    fn the_next_date_is_the_effective_date_until_it_arrives() {
        // A draft (and any state computed from the date alone) looks to the effective date
        // before it, and to the review date from the effective date on.
        let s = state_on("2026-03-31", false);
        assert_eq!(
            (s.state, s.next, s.days),
            (State::Draft, DateKind::Effective, 1)
        );
        let s = state_on("2026-04-01", false);
        assert_eq!(
            (s.state, s.next, s.days),
            (State::Draft, DateKind::Review, 731)
        );
        let s = state_on("2026-01-01", false);
        assert_eq!((s.next, s.days), (DateKind::Effective, 90));
    }

    #[test]
    fn a_pending_version_past_its_own_expiry_has_no_signing_warnings() {
        let w = Windows::default();
        let v1 = state_on("2029-04-01", true);
        let mut v2 = dates();
        v2.effective = d("2027-01-01");
        v2.review = d("2028-01-01");
        v2.expires = Some(d("2028-06-30"));
        let pending = |today: &str| {
            signing_findings(
                "a.toml",
                &Places::default(),
                &v1,
                None,
                Some(Unsigned {
                    id: "a",
                    version: 2,
                    dates: &v2,
                    missing: &["b".to_string()],
                    in_force: Some(1),
                }),
                &w,
                d(today),
            )
            .into_iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
        };
        assert_eq!(pending("2028-06-30"), ["DP310", "DP309"]);
        assert_eq!(pending("2028-07-01"), Vec::<&str>::new());
    }

    #[test]
    fn the_sign_hint_names_the_agreement_and_each_missing_party() {
        let parties = |ids: &[&str]| ids.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert_eq!(
            sign_hint("icb-x", &parties(&["nhs-essex-icb"])),
            "nhs-essex-icb signs with `datapact sign icb-x --party nhs-essex-icb --key KEYFILE`"
        );
        assert_eq!(
            sign_hint("icb-x", &parties(&["a-org", "b-org"])),
            "each missing party signs: `datapact sign icb-x --party a-org --key KEYFILE`, \
             `datapact sign icb-x --party b-org --key KEYFILE`"
        );
    }

    fn findings_on(day: &str, signed: bool) -> Vec<String> {
        let standing = state_on(day, signed);
        let places = Places::default();
        findings(
            "a.toml",
            "a",
            &places,
            &dates(),
            &standing,
            &Windows::default(),
            true,
            &[],
        )
        .into_iter()
        .map(|f| format!("{} {}", f.code(), f.message))
        .collect()
    }

    #[test]
    fn finding_messages_count_days_in_words() {
        assert_eq!(
            findings_on("2028-03-31", true),
            ["DP301 review due on 2028-04-01 (tomorrow)"]
        );
        assert_eq!(
            findings_on("2028-04-01", true),
            ["DP301 review due on 2028-04-01 (today)"]
        );
        assert_eq!(
            findings_on("2028-03-30", true),
            ["DP301 review due on 2028-04-01 (in 2 days)"]
        );
        assert_eq!(
            findings_on("2028-04-02", true),
            ["DP302 review overdue since 2028-04-01 (1 day ago)"]
        );
        assert_eq!(
            findings_on("2029-03-30", true),
            [
                "DP303 review overdue since 2028-04-01 (363 days ago, more than the 90-day grace period)",
                "DP304 expires on 2029-03-31 (tomorrow)"
            ]
        );
        assert_eq!(
            findings_on("2029-04-01", true),
            ["DP305 expired on 2029-03-31 (1 day ago); sharing under it must stop"]
        );
        assert_eq!(
            findings_on("2027-01-01", false),
            ["DP306 not fully signed: missing signatures"]
        );
    }
}
