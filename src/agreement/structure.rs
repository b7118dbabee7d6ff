//! The structural stage of validation: from the raw file (`raw.rs`) to the domain model
//! (`model.rs`). Every required part present, typed, filled in and in its vocabulary, no text
//! holding a control character, every e-mail address an address; each finding points at the
//! value it is about (DP007-DP020). Findings are collected in a [`Capped`] list (DP021).

use super::capped::Capped;
use super::locate::{Locator, Path};
use super::model::*;
use super::raw::{self, Slot};
use crate::dates::{self, DateError};
use crate::diagnostics::{Finding, Position, Rule};
use crate::ids::{AgreementId, ID_RULE, check_id};
use crate::rules::{file, structure};
use crate::source::SourceFile;
use crate::vocab::{self, Entry, List};
use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The schema version this tool reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

pub(super) struct Cx<'a> {
    pub(super) src: &'a SourceFile,
    pub(super) at: Locator<'a>,
    pub(super) findings: Capped<'a>,
    /// Set when a structural error means no domain agreement can be built.
    pub(super) broken: bool,
    /// The policy the agreement follows: the workspace's, or the built-in profile its
    /// `agreement.policy` names (the consent exceptions it allows).
    pub(super) policy: crate::policy::Policy,
    /// The workspace's policy, which `agreement.policy` may replace.
    pub(super) workspace_policy: &'a crate::policy::Policy,
    /// The law the agreement is made under (`agreement.jurisdiction`): vocabulary values are
    /// resolved in its wording, and UK-only values and keys refused under Ireland.
    pub(super) jurisdiction: vocab::Jurisdiction,
    /// The values a blocking finding was about (missing, still to fill in, of the wrong type,
    /// outside their vocabulary; the table of an unknown key): what the agreement says there is
    /// not known, so a conditional requirement that reads them cannot be decided.
    pub(super) undecided: super::locate::Undecided,
}

/// `text` without its quotes when it is what `expected` asks for written as a text (`"true"`,
/// `"12"`, `"2027-01-01"`): the value a user typed inside a placeholder's quotes.
fn unquoted<'t>(text: &'t str, expected: &str) -> Option<&'t str> {
    let bare = text.trim();
    let fits = match expected {
        "true or false" => bare == "true" || bare == "false",
        "a whole number" => bare.parse::<i64>().is_ok(),
        e if e.starts_with("a date") => bare
            .parse::<toml::value::Datetime>()
            .is_ok_and(|d| d.date.is_some() && d.time.is_none() && d.offset.is_none()),
        _ => false,
    };
    fits.then_some(bare)
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a text",
        toml::Value::Integer(_) => "a whole number",
        toml::Value::Float(_) => "a decimal number",
        toml::Value::Boolean(_) => "true/false",
        toml::Value::Datetime(_) => "a date or time",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

impl<'a> Cx<'a> {
    pub(super) fn push(
        &mut self,
        rule: &'static Rule,
        pos: Position,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.report(rule, |_| (pos, message.into(), hint.into()));
    }

    /// Reports a finding about the value at `path`, pointing where [`Cx::pos`] says; the
    /// position is looked up only when the finding will be shown (see [`Cx::report`]).
    fn push_at(
        &mut self,
        rule: &'static Rule,
        path: &Path,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.report_at(rule, path, |cx| (cx.pos(path), message.into(), hint.into()));
    }

    /// [`Cx::report`] of a finding about the value at `path`, which is undecided when the
    /// finding blocks the domain model.
    fn report_at(
        &mut self,
        rule: &'static Rule,
        path: &Path,
        make: impl FnOnce(&Self) -> (Position, String, String),
    ) {
        if rule.blocks_domain_model() {
            self.undecided.insert(path);
        }
        self.report(rule, make);
    }

    /// Reports a finding of `rule` made by `make` (its position, message and hint), which is
    /// called only when the finding will be shown: past the cap on findings it is only counted,
    /// so a file with a finding on every line costs no search and no message per finding.
    fn report(
        &mut self,
        rule: &'static Rule,
        make: impl FnOnce(&Self) -> (Position, String, String),
    ) {
        if rule.blocks_domain_model() {
            self.broken = true;
        }
        if !self.findings.keeps(rule) {
            self.findings.count(rule);
            return;
        }
        let (pos, message, hint) = make(self);
        self.findings
            .push(Finding::new(rule, &self.src.display, pos, message, hint));
    }

    /// Where a finding about the value at `path` points.
    fn pos(&self, path: &Path) -> Position {
        self.at.pos(path)
    }

    fn key_pos(&self, path: &Path) -> Position {
        self.at.key_pos(path)
    }

    /// Scans every key and value of the document for what no later stage may see: floating-point
    /// numbers (DP007) and control characters in keys and texts (DP019).
    pub(super) fn scan_values(&mut self, table: &DeTable<'_>, path: &Path) {
        self.scan_table(table, &|| path.clone());
    }

    /// [`Cx::scan_values`] of `table`, whose path `path` makes: a path is made only for a
    /// finding, not for each of the thousands of keys and values scanned.
    fn scan_table(&mut self, table: &DeTable<'_>, path: &dyn Fn() -> Path) {
        for (k, v) in table.iter() {
            let key: &str = k.get_ref();
            let here = || path().k(key.to_string());
            self.control_characters(&here, key, k.span(), true);
            self.scan_value(v, &here);
        }
    }

    fn scan_value(&mut self, v: &Spanned<DeValue<'_>>, path: &dyn Fn() -> Path) {
        match v.get_ref() {
            DeValue::String(s) => self.control_characters(path, s, v.span(), false),
            DeValue::Float(_) => self.report(&file::FLOAT_VALUE, |cx| {
                (
                    cx.src.position(v.span().start),
                    format!(
                        "`{}` is a decimal number; agreements may not contain floating-point numbers",
                        path()
                    ),
                    "use a whole number or write the value as text".into(),
                )
            }),
            DeValue::Table(t) => self.scan_table(t, path),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    self.scan_value(item, &|| path().i(i));
                }
            }
            _ => {}
        }
    }

    pub(super) fn unknown_key(&mut self, segs: &[String]) {
        let mut path = Path::root();
        let mut keys: Vec<&str> = Vec::new();
        for s in segs {
            match s.strip_prefix('#').and_then(|n| n.parse().ok()) {
                Some(i) => path = path.i(i),
                None => {
                    path = path.k(s.clone());
                    keys.push(s);
                }
            }
        }
        let Some((name, parent_keys)) = keys.split_last() else {
            return;
        };
        // Made only when shown: finding the key is a search through its table, and a file
        // can hold a hundred thousand unknown keys in one table. A misspelt key may be the one
        // its table lacks, so the table's absences are not known (a misspelt section is a
        // missing one, which leaves no agreement to judge).
        let table = if path.depth() > 1 {
            path.parent()
        } else {
            path.clone()
        };
        self.report_at(&structure::UNKNOWN_KEY, &table, |cx| {
            let known = raw::known_keys(parent_keys);
            let parent = path.parent();
            let place = if parent.is_root() {
                "at the top level".to_string()
            } else {
                format!("in `{parent}`")
            };
            let hint = match vocab::suggest(name, known.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? A misspelt key is not read, so its clause would be missing"
                ),
                None if known.is_empty() => {
                    "remove it; this part of the file takes no keys of its own".to_string()
                }
                None => format!("remove it, or use one of: {}", known.join(", ")),
            };
            (
                cx.key_pos(&path),
                format!("unknown key `{name}` {place}"),
                hint,
            )
        });
    }

    fn missing(&mut self, path: &Path, what: &str) {
        self.missing_with(
            path,
            what,
            format!(
                "add `{path}`; {} describes it and shows an example",
                docs_url!("format.md")
            ),
        );
    }

    fn missing_with(&mut self, path: &Path, what: &str, hint: String) {
        self.push_at(
            &structure::MISSING_REQUIRED,
            path,
            format!("missing required {what} `{path}`"),
            hint,
        );
    }

    /// A required true/false, number or date that is absent: `datapact new` leaves these
    /// commented out under a "CHOOSE" line, so the hint says how to write one, without quotes.
    fn missing_bare(&mut self, path: &Path, what: &str, example: &str) {
        let key = path.key();
        self.missing_with(
            path,
            what,
            format!(
                "add `{key} = {example}`, without quotes (where the file has the line commented out, `# {key} = ...`, remove the \"# \" at its start)"
            ),
        );
    }

    fn section<'r, T>(&mut self, path: &Path, section: &'r Option<T>) -> Option<&'r T> {
        if section.is_none() {
            self.missing(path, "section");
        }
        section.as_ref()
    }

    /// DP019: a key or text (`decoded`, written in the file at `span`) holding a control
    /// character other than a line break or a tab. One finding per key or text, pointing at the
    /// first such character as written (the character, or the backslash of its escape).
    fn control_characters(
        &mut self,
        path: &dyn Fn() -> Path,
        decoded: &str,
        span: std::ops::Range<usize>,
        key: bool,
    ) {
        let Some((_, c)) = first_control_in(decoded) else {
            return;
        };
        self.report(&structure::CONTROL_CHARACTER, |cx| {
            let written = cx.src.text.as_deref().and_then(|t| t.get(span.clone()));
            let at = written
                .and_then(|w| first_control(decoded_with_offsets(w).into_iter()))
                .map_or(span.start, |(i, _)| span.start + i);
            let what = if key { "the key" } else { "the text of" };
            (
                cx.src.position(at),
                format!(
                    "{what} `{}` contains the control character U+{:04X}; texts may hold line breaks and tabs, no other control characters",
                    path(),
                    u32::from(c)
                ),
                structure::CONTROL_CHARACTER.hint.into(),
            )
        });
    }

    fn placeholder(&mut self, path: &Path, text: &str) {
        self.push_at(
            &structure::PLACEHOLDER,
            path,
            format!("`{path}` is still to fill in: {}", excerpt(text)),
            "replace the TODO text with the agreement's own wording",
        );
    }

    /// DP020: an e-mail address (`email`, `mailbox`) that is not one; see [`check_email`].
    fn email(&mut self, path: &Path, address: Option<String>) -> Option<String> {
        let address = address?;
        if let Err(why) = check_email(&address) {
            self.push_at(
                &structure::INVALID_EMAIL,
                path,
                format!(
                    "`{path}` is not an e-mail address datapact accepts: {why} (\"{}\")",
                    excerpt(&address)
                ),
                structure::INVALID_EMAIL.hint,
            );
        }
        Some(address)
    }

    fn wrong_type(&mut self, path: &Path, found: &toml::Value, expected: &str) {
        if found.is_float() {
            // Already reported as DP007 by the float scan.
            self.broken = true;
            self.undecided.insert(path);
            return;
        }
        if let Some(bare) = found.as_str().and_then(|s| unquoted(s, expected)) {
            // The natural edit of a placeholder: the value typed between the quotes.
            self.push_at(
                &structure::WRONG_TYPE,
                path,
                format!(
                    "`{path}` must be {expected}, found the text \"{bare}\": remove the quotes"
                ),
                format!(
                    "write `{} = {bare}`, without quotes: in quotes it is a text",
                    path.key()
                ),
            );
            return;
        }
        self.push_at(
            &structure::WRONG_TYPE,
            path,
            format!("`{path}` must be {expected}, found {}", type_name(found)),
            format!(
                "write `{path}` as {expected} (see {})",
                docs_url!("format.md")
            ),
        );
    }

    fn slot<T: Clone>(&mut self, path: &Path, slot: &Option<Slot<T>>, expected: &str) -> Option<T> {
        match slot {
            None => None,
            Some(Slot::Value(v)) => Some(v.clone()),
            Some(Slot::Placeholder(t)) => {
                self.placeholder(path, t);
                None
            }
            Some(Slot::WrongType(v)) => {
                self.wrong_type(path, v, expected);
                None
            }
        }
    }

    /// A text that may be absent; present but blank is reported as empty.
    fn opt_text(&mut self, path: &Path, slot: &raw::Text) -> Option<String> {
        let s = self.slot(path, slot, "a text")?;
        if s.trim().is_empty() {
            self.push_at(
                &structure::EMPTY_VALUE,
                path,
                format!("`{path}` is empty"),
                format!("write `{path}` or remove the key"),
            );
            return None;
        }
        Some(s)
    }

    fn req_text(&mut self, path: &Path, slot: &raw::Text) -> String {
        if slot.is_none() {
            self.missing(path, "key");
        }
        self.opt_text(path, slot).unwrap_or_default()
    }

    fn req_bool(&mut self, path: &Path, slot: &raw::Flag) -> bool {
        if slot.is_none() {
            self.missing_bare(path, "key", "true` or `false");
        }
        self.slot(path, slot, "true or false").unwrap_or_default()
    }

    fn req_int(&mut self, path: &Path, slot: &raw::Int, min: i64, max: i64) -> i64 {
        if slot.is_none() {
            self.missing_bare(path, "key", &format!("{min}` to `{max}"));
        }
        let v = self.slot(path, slot, "a whole number").unwrap_or(min);
        if !(min..=max).contains(&v) {
            self.push_at(
                &structure::WRONG_TYPE,
                path,
                format!("`{path}` is {v}, outside the allowed range {min} to {max}"),
                format!("use a whole number from {min} to {max}"),
            );
            return min;
        }
        v
    }

    fn req_date(&mut self, path: &Path, slot: &raw::Date) -> NaiveDate {
        if slot.is_none() {
            self.missing_bare(path, "date", "YYYY-MM-DD");
        }
        self.opt_date(path, slot).unwrap_or(NaiveDate::MIN)
    }

    /// An optional date: `None` when absent, or (with its finding) when it is not a date
    /// datapact accepts.
    fn opt_date(&mut self, path: &Path, slot: &raw::Date) -> Option<NaiveDate> {
        let dt = self.slot(path, slot, "a date (YYYY-MM-DD, without quotes)")?;
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                match dates::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day)) {
                    Ok(date) => Some(date),
                    Err(DateError::NotADay) => {
                        self.push_at(
                            &structure::INVALID_DATE,
                            path,
                            format!("`{path}` is not a real date: {dt}"),
                            "check the day and month",
                        );
                        None
                    }
                    Err(why @ DateError::YearOutOfRange(_)) => {
                        self.push_at(
                            &structure::INVALID_DATE,
                            path,
                            format!("`{path}` is {dt}: {why}"),
                            "write a date from 1900-01-01 to 9999-12-31",
                        );
                        None
                    }
                }
            }
            _ => {
                self.push_at(
                    &structure::INVALID_DATE,
                    path,
                    format!(
                        "`{path}` must be a calendar date without a time or offset, found {dt}"
                    ),
                    "write the date as YYYY-MM-DD (for example 2026-04-01), without quotes",
                );
                None
            }
        }
    }

    /// A list of texts; `required` lists must be present and non-empty.
    fn texts(&mut self, path: &Path, slot: &raw::TextList, required: bool) -> Vec<String> {
        if slot.is_none() && required {
            self.missing(path, "list");
        }
        let Some(items) = self.slot(path, slot, "a list of texts") else {
            return Vec::new();
        };
        if items.is_empty() && required {
            self.push_at(
                &structure::EMPTY_VALUE,
                path,
                format!("`{path}` is an empty list"),
                format!("add at least one entry to `{path}`"),
            );
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(s) = self.opt_text(&path.i(i), &Some(item.clone())) {
                out.push(s);
            }
        }
        out
    }

    fn term(&mut self, path: &Path, id: &str, list: List) -> Option<&'static Entry> {
        let uk = list;
        let list = list.under(self.jurisdiction);
        if let Some(e) = list.find(id) {
            return Some(e);
        }
        if let Some(e) = uk
            .find(id)
            .filter(|_| self.jurisdiction != vocab::Jurisdiction::Uk)
        {
            let law = self.jurisdiction.law();
            self.report_at(&structure::UNKNOWN_VALUE, path, |cx| {
                (
                    cx.pos(path),
                    format!(
                        "`{path}` has value \"{}\" ({}), which is UK law only; this agreement is made under {law} (`agreement.jurisdiction = \"{}\"`)",
                        excerpt(id),
                        e.label,
                        cx.jurisdiction.as_str()
                    ),
                    if uk.name == "dpa_schedule1" {
                        "remove it: Irish law has its own conditions for special category and criminal offence data (Data Protection Act 2018, Part 3, Chapter 2; section 55 for criminal offence data); name the one relied on in `lawful_basis.explanation`, or set `jurisdiction = \"uk\"` if the agreement is made under UK law".to_string()
                    } else if list.entries.is_empty() {
                        format!("remove `{path}`, or set `jurisdiction = \"uk\"` if the agreement is made under UK law")
                    } else {
                        format!("use one of: {}, or set `jurisdiction = \"uk\"` if the agreement is made under UK law", list.ids())
                    },
                )
            });
            return None;
        }
        self.report_at(&structure::UNKNOWN_VALUE, path, |cx| {
            let hint = match list.suggest(id) {
                Some(s) => format!(
                    "did you mean {}? Known values: {}",
                    list.describe(s),
                    list.ids()
                ),
                None => format!("use one of: {}", list.ids()),
            };
            (
                cx.pos(path),
                format!("`{path}` has unknown value \"{}\"", excerpt(id)),
                hint,
            )
        });
        None
    }

    /// `consent.exception`: one of the exceptions of the workspace's policy (DP015 names the
    /// policy, and the profile that has the exception when another one does).
    fn consent_exception(&mut self, path: &Path, slot: &raw::Text) -> Option<&'static Entry> {
        let id = self.opt_text(path, slot)?;
        let policy = self.policy.clone();
        let list = policy.consent_exceptions;
        if let Some(e) = list.find(&id) {
            // The built-in exceptions are gateways of UK law (or the NHS Essex policy's); an
            // agreement under another law names its own, as a workspace exception.
            if e.uk_only && !self.jurisdiction.is_uk() {
                let law = self.jurisdiction.law();
                self.report_at(&structure::UNKNOWN_VALUE, path, |cx| {
                    (
                        cx.pos(path),
                        format!(
                            "`{path}` has value \"{}\" ({}), an exception of UK law only (or of a UK policy); this agreement is made under {law} (`agreement.jurisdiction = \"{}\"`)",
                            excerpt(&id),
                            e.source.as_deref().unwrap_or(&e.label),
                            cx.jurisdiction.as_str()
                        ),
                        "name the gateway of the agreement's own law as a workspace exception ([[policy.consent_exceptions]] in datapact.toml, with its wording and source), or set `jurisdiction = \"uk\"` if the agreement is made under UK law".to_string(),
                    )
                });
                return None;
            }
            return Some(e);
        }
        self.report_at(&structure::UNKNOWN_VALUE, path, |cx| {
            let elsewhere = match policy.elsewhere(&id) {
                Some(p) => format!(
                    "; \"{id}\" is an exception of {} (`[policy] profile = \"{}\"` in datapact.toml)",
                    p.name(),
                    p.as_str()
                ),
                None => match list.suggest(&id) {
                    Some(s) => format!("; did you mean \"{s}\"?"),
                    None => String::new(),
                },
            };
            (
                cx.pos(path),
                format!(
                    "`{path}` has unknown value \"{}\": it is not a consent exception of {}",
                    excerpt(&id),
                    policy.name
                ),
                format!(
                    "use one of the policy's exceptions: {}{elsewhere}",
                    list.ids()
                ),
            )
        });
        None
    }

    fn opt_term(&mut self, path: &Path, slot: &raw::Text, list: List) -> Option<&'static Entry> {
        let id = self.opt_text(path, slot)?;
        self.term(path, &id, list)
    }

    fn req_term(&mut self, path: &Path, slot: &raw::Text, list: List) -> &'static Entry {
        if slot.is_none() {
            self.missing(path, "key");
        }
        self.opt_term(path, slot, list).unwrap_or(&list.entries[0])
    }

    fn terms(
        &mut self,
        path: &Path,
        slot: &raw::TextList,
        list: List,
        required: bool,
    ) -> Vec<&'static Entry> {
        let ids = self.texts(path, slot, required);
        let mut out: Vec<&'static Entry> = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(e) = self.term(&path.i(i), id, list) else {
                continue;
            };
            if out.iter().any(|o| o.id == e.id) {
                self.push_at(
                    &structure::DUPLICATE_VALUE,
                    &path.i(i),
                    format!("\"{id}\" is listed twice in `{path}`"),
                    "remove the repeated entry",
                );
            } else {
                out.push(e);
            }
        }
        out
    }

    fn contact(
        &mut self,
        path: &Path,
        raw: &Option<raw::RawContact>,
        required: bool,
    ) -> Option<Contact> {
        let Some(c) = raw else {
            if required {
                self.missing(path, "contact");
            }
            return None;
        };
        let email = self.opt_text(&path.k("email"), &c.email);
        let mailbox = self.opt_text(&path.k("mailbox"), &c.mailbox);
        let contact = Contact {
            name: self.req_text(&path.k("name"), &c.name),
            title: self.opt_text(&path.k("title"), &c.title),
            email: self.email(&path.k("email"), email),
            mailbox: self.email(&path.k("mailbox"), mailbox),
            phone: self.opt_text(&path.k("phone"), &c.phone),
        };
        // The NHS Essex policy wants every contact reachable by e-mail; an agreement under another
        // policy may name a contact by role or with a telephone number only, as published ones do.
        if self.policy.profile == crate::policy::Profile::NhsEssex
            && contact.email.is_none()
            && contact.mailbox.is_none()
            && c.email.is_none()
            && c.mailbox.is_none()
        {
            self.missing(
                &path.k("mailbox"),
                "contact address (`mailbox` for a role mailbox, or `email`)",
            );
        }
        Some(contact)
    }

    pub(super) fn build(
        &mut self,
        raw: &raw::RawFile,
        expected_id: Option<&str>,
    ) -> Option<Agreement> {
        let root = Path::root();
        let schema_path = root.k("schema");
        let schema = match self.slot(&schema_path, &raw.schema, "a whole number") {
            Some(v) if v == SCHEMA_VERSION => v,
            Some(v) => {
                self.push_at(
                    &structure::SCHEMA_VERSION,
                    &schema_path,
                    format!("unknown format version schema = {v}; this datapact reads schema = {SCHEMA_VERSION}"),
                    "upgrade datapact, or set `schema = 1` if the file was written for this format",
                );
                0
            }
            None => {
                if raw.schema.is_none() {
                    self.push(
                        &structure::SCHEMA_VERSION,
                        Position::START,
                        "missing `schema = 1` at the top of the file",
                        "add `schema = 1` as the first line, so later versions of the format can be recognised",
                    );
                }
                0
            }
        };

        self.choose_jurisdiction(raw);
        self.choose_policy(raw);
        let identity = self.identity(raw, expected_id);
        let parties = self.parties(raw);
        let processors = self.processors(raw);
        let purpose = self.purpose(raw);
        let necessity = self.section(&root.k("necessity"), &raw.necessity).map(|n| {
            let p = root.k("necessity");
            Necessity {
                why_sharing: self.req_text(&p.k("why_sharing"), &n.why_sharing),
                why_personal_data: self.req_text(&p.k("why_personal_data"), &n.why_personal_data),
            }
        });
        let data = self.data(raw);
        let lawful_basis = self.lawful_basis(raw);
        let consent = self.consent(raw);
        let risk = self.risk(raw);
        let security = self.section(&root.k("security"), &raw.security).map(|s| {
            let p = root.k("security");
            Security {
                storage: self.req_text(&p.k("storage"), &s.storage),
                access: self.req_text(&p.k("access"), &s.access),
                systems: self.texts(&p.k("systems"), &s.systems, true),
                standards: self.texts(&p.k("standards"), &s.standards, false),
            }
        });
        let transfer = self.section(&root.k("transfer"), &raw.transfer).map(|t| {
            let p = root.k("transfer");
            Transfer {
                methods: self.texts(&p.k("methods"), &t.methods, true),
                protection: self.req_text(&p.k("protection"), &t.protection),
                outside_uk: self.outside(&p, &t.outside_uk, &t.outside_eea),
                safeguards: self.opt_text(&p.k("safeguards"), &t.safeguards),
            }
        });
        let retention = self.retention(raw);
        let onward_sharing = self
            .section(&root.k("onward_sharing"), &raw.onward_sharing)
            .map(|o| {
                let p = root.k("onward_sharing");
                OnwardSharing {
                    permitted: self.req_bool(&p.k("permitted"), &o.permitted),
                    conditions: self.opt_text(&p.k("conditions"), &o.conditions),
                }
            });
        let rights = self.section(&root.k("rights"), &raw.rights).map(|r| {
            let p = root.k("rights");
            Rights {
                privacy_notice: self.req_text(&p.k("privacy_notice"), &r.privacy_notice),
                requests: self.req_text(&p.k("requests"), &r.requests),
            }
        });
        let research = raw.research.as_ref().map(|r| {
            let p = root.k("research");
            Research {
                anonymised_where_possible: self.req_bool(
                    &p.k("anonymised_where_possible"),
                    &r.anonymised_where_possible,
                ),
                not_anonymised_reason: self
                    .opt_text(&p.k("not_anonymised_reason"), &r.not_anonymised_reason),
                identity_protection: self
                    .req_text(&p.k("identity_protection"), &r.identity_protection),
                approvals: self.texts(&p.k("approvals"), &r.approvals, false),
                outputs: self.opt_text(&p.k("outputs"), &r.outputs),
            }
        });
        let responsibilities = self
            .section(&root.k("responsibilities"), &raw.responsibilities)
            .map(|r| {
                let p = root.k("responsibilities");
                Responsibilities {
                    training: self.req_text(&p.k("training"), &r.training),
                    confidentiality: self.req_text(&p.k("confidentiality"), &r.confidentiality),
                    systems_and_guidance: self
                        .req_text(&p.k("systems_and_guidance"), &r.systems_and_guidance),
                }
            });
        let incidents = self.section(&root.k("incidents"), &raw.incidents).map(|i| {
            let p = root.k("incidents");
            Incidents {
                procedure: self.req_text(&p.k("procedure"), &i.procedure),
                // Required under the NHS Essex policy; an agreement under another policy may leave
                // the timescale to its procedure, as many published ones do.
                report_within_hours: if self.policy.profile == crate::policy::Profile::NhsEssex
                    || i.report_within_hours.is_some()
                {
                    Some(self.req_int(
                        &p.k("report_within_hours"),
                        &i.report_within_hours,
                        0,
                        10_000,
                    ) as u32)
                } else {
                    None
                },
            }
        });
        let dates = self.dates(raw);
        let changes = self.changes(raw);
        let more = self.optional_sections(raw);
        let third = self.optional_sections_third(raw);

        let (id, title, (version, version_label), kind, reference, lead, summary) = identity?;
        Some(Agreement {
            schema,
            id,
            title,
            version,
            version_label,
            kind,
            jurisdiction: self.jurisdiction,
            reference,
            lead,
            summary,
            parties: parties?,
            processors,
            purpose: purpose?,
            necessity: necessity?,
            data: data?,
            lawful_basis: lawful_basis?,
            consent: consent?,
            risk: risk?,
            security: security?,
            transfer: transfer?,
            retention: retention?,
            onward_sharing: onward_sharing?,
            rights: rights?,
            research,
            responsibilities: responsibilities?,
            incidents: incidents?,
            dates: dates?,
            changes,
            termination: more.termination,
            disputes: more.disputes,
            requests: more.requests,
            definitions: more.definitions,
            query_contact: more.query_contact,
            uses: more.uses,
            data_quality: more.data_quality,
            audit: more.audit,
            protective_marking: more.protective_marking,
            liability: more.liability,
            charges: more.charges,
            annexes: more.annexes,
            notes: more.notes,
            acknowledgements: self.acknowledgements(raw),
            assurance: third.assurance,
            human_rights: third.human_rights,
            outputs: third.outputs,
            approval: third.approval,
        })
    }

    #[allow(clippy::type_complexity)]
    fn identity(
        &mut self,
        raw: &raw::RawFile,
        expected_id: Option<&str>,
    ) -> Option<(
        AgreementId,
        String,
        (u32, Option<String>),
        &'static Entry,
        Option<String>,
        String,
        Option<String>,
    )> {
        let p = Path::root().k("agreement");
        let a = self.section(&p, &raw.agreement)?;
        let id = self.req_text(&p.k("id"), &a.id);
        let id_ok = !id.is_empty() && self.check_id_value(&p.k("id"), &id, "agreement");
        if id_ok {
            if let Some(expected) = expected_id {
                if expected != id {
                    self.push_at(
                        &structure::ID_MISMATCH,
                        &p.k("id"),
                        format!(
                            "agreement id \"{id}\" does not match the file name {expected}.toml"
                        ),
                        if check_id(expected).is_ok() {
                            format!("rename the file to agreements/{id}.toml, or set `id = \"{expected}\"`")
                        } else {
                            format!("rename the file to agreements/{id}.toml (its name is not a valid id)")
                        },
                    );
                }
            }
        }
        let title = self.req_text(&p.k("title"), &a.title);
        let version = self.req_int(&p.k("version"), &a.version, 1, 1_000_000) as u32;
        let version_label = self.opt_text(&p.k("version_label"), &a.version_label);
        let kind = self.req_term(&p.k("kind"), &a.kind, vocab::agreement_kind());
        let reference = self.opt_text(&p.k("reference"), &a.reference);
        let lead = self.req_text(&p.k("lead"), &a.lead);
        let summary = self.opt_text(&p.k("summary"), &a.summary);
        let id = AgreementId::parse(&id).ok()?;
        Some((
            id,
            title,
            (version, version_label),
            kind,
            reference,
            lead,
            summary,
        ))
    }

    /// `agreement.policy` (optional): a built-in profile the agreement follows instead of the
    /// workspace's `[policy]`, such as a central-government agreement kept beside NHS ones. The
    /// workspace's own profile keeps the workspace's name and added exceptions. Read before
    /// anything that depends on the policy.
    fn choose_policy(&mut self, raw: &raw::RawFile) {
        let Some(a) = &raw.agreement else { return };
        let path = Path::root().k("agreement").k("policy");
        let Some(named) = self.opt_text(&path, &a.policy) else {
            return;
        };
        match crate::policy::Profile::ALL
            .into_iter()
            .find(|p| p.as_str() == named.trim())
        {
            Some(p) if p == self.workspace_policy.profile => {}
            Some(p) => self.policy = crate::policy::Policy::built_in(p).clone(),
            None => {
                let known: Vec<&str> = crate::policy::Profile::ALL
                    .iter()
                    .map(|p| p.as_str())
                    .collect();
                self.push_at(
                    &structure::UNKNOWN_VALUE,
                    &path,
                    format!(
                        "`{path}` has unknown value \"{}\": it is not a built-in policy profile",
                        excerpt(&named)
                    ),
                    format!(
                        "use one of {}, or leave `policy` out to follow the workspace's policy ([policy] in datapact.toml)",
                        known.join(", ")
                    ),
                );
            }
        }
    }

    /// `agreement.jurisdiction` (optional): the law the agreement is made under, "uk" (the
    /// default) or "ireland". Read before any vocabulary value, which is resolved in its wording.
    fn choose_jurisdiction(&mut self, raw: &raw::RawFile) {
        let Some(a) = &raw.agreement else { return };
        let path = Path::root().k("agreement").k("jurisdiction");
        let Some(named) = self.opt_text(&path, &a.jurisdiction) else {
            return;
        };
        match vocab::Jurisdiction::ALL
            .into_iter()
            .find(|j| j.as_str() == named.trim())
        {
            Some(j) => self.jurisdiction = j,
            None => {
                let known: Vec<String> = vocab::Jurisdiction::ALL
                    .iter()
                    .map(|j| format!("\"{}\"", j.as_str()))
                    .collect();
                self.push_at(
                    &structure::UNKNOWN_VALUE,
                    &path,
                    format!(
                        "`{path}` has unknown value \"{}\": it is not a jurisdiction datapact knows",
                        excerpt(&named)
                    ),
                    format!(
                        "use one of {}, or leave `jurisdiction` out for an agreement under UK law",
                        known.join(", ")
                    ),
                );
            }
        }
    }

    /// The key that says whether data leaves the jurisdiction's area, `outside_uk`, or under
    /// Ireland `outside_eea`, read from `uk` or `eea` at `path`'s table; the other key is refused
    /// there (DP010), so no file states a question its law does not ask.
    fn outside(&mut self, path: &Path, uk: &raw::Flag, eea: &raw::Flag) -> bool {
        let (key, slot, other, other_slot) = match self.jurisdiction {
            vocab::Jurisdiction::Uk => ("outside_uk", uk, "outside_eea", eea),
            vocab::Jurisdiction::Ireland => ("outside_eea", eea, "outside_uk", uk),
        };
        if other_slot.is_some() {
            let j = self.jurisdiction;
            self.push_at(
                &structure::UNKNOWN_KEY,
                &path.k(other),
                format!(
                    "`{}` is not a question under {} (`agreement.jurisdiction = \"{}\"`): it asks `{key}`",
                    path.k(other),
                    j.law(),
                    j.as_str()
                ),
                format!("write `{key}` instead of `{other}`"),
            );
        }
        self.req_bool(&path.k(key), slot)
    }

    fn check_id_value(&mut self, path: &Path, id: &str, what: &str) -> bool {
        match check_id(id) {
            Ok(()) => true,
            Err(why) => {
                self.push_at(
                    &structure::INVALID_ID,
                    path,
                    format!("invalid {what} id \"{id}\": it {why}"),
                    format!("an id must be {ID_RULE}"),
                );
                false
            }
        }
    }

    fn parties(&mut self, raw: &raw::RawFile) -> Option<Vec<Party>> {
        let p = Path::root().k("parties");
        let list = self.section(&p, &raw.parties)?;
        let mut parties = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let pp = p.i(i);
            let id = self.req_text(&pp.k("id"), &r.id);
            if !id.is_empty() {
                self.check_id_value(&pp.k("id"), &id, "party");
            }
            let class = self
                .slot(&pp.k("class"), &r.class, "true or false")
                .unwrap_or_default();
            // A class of organisations names no ICO number, DPO or senior officer of its own
            // (its members have theirs), and no signatory: it does not sign.
            let (ico_registration, dpo, senior_officer) = if class {
                (
                    self.opt_text(&pp.k("ico_registration"), &r.ico_registration)
                        .unwrap_or_default(),
                    self.contact(&pp.k("dpo"), &r.dpo, false),
                    self.contact(&pp.k("senior_officer"), &r.senior_officer, false),
                )
            } else {
                // Either the ICO number, or why there is none (`no_ico_registration`); both
                // given is DP140, a content rule. Under Irish law no ICO registration is asked
                // for (the Data Protection Commission keeps no register of controllers).
                (
                    if r.no_ico_registration.is_some()
                        || self.jurisdiction != vocab::Jurisdiction::Uk
                    {
                        self.opt_text(&pp.k("ico_registration"), &r.ico_registration)
                            .unwrap_or_default()
                    } else {
                        self.req_text(&pp.k("ico_registration"), &r.ico_registration)
                    },
                    self.contact(&pp.k("dpo"), &r.dpo, true),
                    self.contact(&pp.k("senior_officer"), &r.senior_officer, true),
                )
            };
            let eligibility = if class {
                Some(self.req_text(&pp.k("eligibility"), &r.eligibility))
            } else {
                if r.eligibility.is_some() {
                    self.push_at(
                        &structure::UNKNOWN_KEY,
                        &pp.k("eligibility"),
                        format!("`{}` applies only to a class party", pp.k("eligibility")),
                        "add `class = true` if the party is a class of organisations that members join, or remove `eligibility`",
                    );
                }
                None
            };
            if class && r.signatory.is_some() {
                self.push_at(
                    &structure::UNKNOWN_KEY,
                    &pp.k("signatory"),
                    format!(
                        "`{}`: a class party does not sign, its members join (`datapact join`)",
                        pp.k("signatory")
                    ),
                    "remove `signatory` from the class party",
                );
            }
            let party = Party {
                id,
                name: self.req_text(&pp.k("name"), &r.name),
                public_authority: self.req_bool(&pp.k("public_authority"), &r.public_authority),
                health_or_care: self.req_bool(&pp.k("health_or_care"), &r.health_or_care),
                role: self.req_term(&pp.k("role"), &r.role, vocab::party_role()),
                ico_registration,
                no_ico_registration: self
                    .opt_text(&pp.k("no_ico_registration"), &r.no_ico_registration),
                dpo: dpo.unwrap_or_else(empty_contact),
                caldicott_guardian: self.contact(
                    &pp.k("caldicott_guardian"),
                    &r.caldicott_guardian,
                    false,
                ),
                senior_officer: senior_officer.unwrap_or_else(empty_contact),
                signatory: r.signatory.as_ref().filter(|_| !class).map(|s| {
                    let sp = pp.k("signatory");
                    Signatory {
                        name: self.req_text(&sp.k("name"), &s.name),
                        title: self.opt_text(&sp.k("title"), &s.title),
                        capacity: self.opt_text(&sp.k("capacity"), &s.capacity),
                    }
                }),
                address: self.opt_text(&pp.k("address"), &r.address),
                contacts: self.party_contacts(&pp.k("contacts"), &r.contacts),
                class,
                eligibility: eligibility.filter(|e| !e.is_empty()),
            };
            parties.push(party);
        }
        Some(parties)
    }

    /// `[[processors]]` (optional): each with its name, the parties it acts for, its service and
    /// location.
    fn processors(&mut self, raw: &raw::RawFile) -> Vec<Processor> {
        let p = Path::root().k("processors");
        let Some(list) = &raw.processors else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, r) in list.iter().enumerate() {
            let pp = p.i(i);
            out.push(Processor {
                name: self.req_text(&pp.k("name"), &r.name),
                acting_for: self.texts(&pp.k("acting_for"), &r.acting_for, true),
                service: self.req_text(&pp.k("service"), &r.service),
                location: self.req_text(&pp.k("location"), &r.location),
                outside_uk: self.outside(&pp, &r.outside_uk, &r.outside_eea),
                safeguards: self.opt_text(&pp.k("safeguards"), &r.safeguards),
                contract_reference: self
                    .opt_text(&pp.k("contract_reference"), &r.contract_reference),
            });
        }
        out
    }

    fn purpose(&mut self, raw: &raw::RawFile) -> Option<Purpose> {
        let p = Path::root().k("purpose");
        let r = self.section(&p, &raw.purpose)?;
        Some(Purpose {
            description: self.req_text(&p.k("description"), &r.description),
            categories: self.terms(
                &p.k("categories"),
                &r.categories,
                vocab::purpose_category(),
                true,
            ),
            legal_powers: self.texts(&p.k("legal_powers"), &r.legal_powers, true),
            benefits: self.texts(&p.k("benefits"), &r.benefits, true),
            frequency: self.req_term(&p.k("frequency"), &r.frequency, vocab::frequency()),
        })
    }

    fn data(&mut self, raw: &raw::RawFile) -> Option<Data> {
        let p = Path::root().k("data");
        let r = self.section(&p, &raw.data)?;
        let subjects = self.texts(&p.k("subjects"), &r.subjects, true);
        let identifiability = self.req_term(
            &p.k("identifiability"),
            &r.identifiability,
            vocab::identifiability(),
        );
        let why_not_anonymised = self.opt_text(&p.k("why_not_anonymised"), &r.why_not_anonymised);
        let ip = p.k("items");
        let mut items = Vec::new();
        match &r.items {
            None => self.missing(&ip, "list of data items ([[data.items]])"),
            Some(list) if list.is_empty() => {
                self.push_at(
                    &structure::EMPTY_VALUE,
                    &ip,
                    "`data.items` lists no data items",
                    "add a [[data.items]] table for each item shared",
                );
            }
            Some(list) => {
                for (i, item) in list.iter().enumerate() {
                    let pi = ip.i(i);
                    items.push(DataItem {
                        name: self.req_text(&pi.k("name"), &item.name),
                        justification: self.req_text(&pi.k("justification"), &item.justification),
                        special_category: self.opt_term(
                            &pi.k("special_category"),
                            &item.special_category,
                            vocab::special_category(),
                        ),
                        pseudonymisation_key: self
                            .slot(
                                &pi.k("pseudonymisation_key"),
                                &item.pseudonymisation_key,
                                "true or false",
                            )
                            .unwrap_or(false),
                    });
                }
            }
        }
        let flows = self.data_flows(&p.k("flows"), &r.flows);
        Some(Data {
            subjects,
            identifiability,
            why_not_anonymised,
            items,
            flows,
        })
    }

    fn lawful_basis(&mut self, raw: &raw::RawFile) -> Option<LawfulBasis> {
        let p = Path::root().k("lawful_basis");
        let r = self.section(&p, &raw.lawful_basis)?;
        Some(LawfulBasis {
            article6: self.terms(&p.k("article6"), &r.article6, vocab::article6(), true),
            recognised_interest: self.opt_term(
                &p.k("recognised_interest"),
                &r.recognised_interest,
                vocab::recognised_interest(),
            ),
            article9: self.terms(&p.k("article9"), &r.article9, vocab::article9(), false),
            dpa_schedule1: self.terms(
                &p.k("dpa_schedule1"),
                &r.dpa_schedule1,
                vocab::dpa_schedule1(),
                false,
            ),
            confidentiality: self.opt_term(
                &p.k("confidentiality"),
                &r.confidentiality,
                vocab::confidentiality(),
            ),
            duty_of_confidence: self.slot(
                &p.k("duty_of_confidence"),
                &r.duty_of_confidence,
                "true or false",
            ),
            s251_reference: self.opt_text(&p.k("s251_reference"), &r.s251_reference),
            explanation: self.req_text(&p.k("explanation"), &r.explanation),
            criminal_offence: self.terms(
                &p.k("criminal_offence"),
                &r.criminal_offence,
                vocab::dpa_schedule1(),
                false,
            ),
            policy_document: self.opt_text(&p.k("policy_document"), &r.policy_document),
        })
    }

    fn consent(&mut self, raw: &raw::RawFile) -> Option<Consent> {
        let p = Path::root().k("consent");
        let r = self.section(&p, &raw.consent)?;
        let sought = self.req_bool(&p.k("sought"), &r.sought);
        let model = if sought && r.sought.is_some() {
            Some(self.req_term(&p.k("model"), &r.model, vocab::consent_model()))
        } else {
            self.opt_term(&p.k("model"), &r.model, vocab::consent_model())
        };
        Some(Consent {
            sought,
            model,
            exception: self.consent_exception(&p.k("exception"), &r.exception),
            justification: self.opt_text(&p.k("justification"), &r.justification),
            objections: self.req_text(&p.k("objections"), &r.objections),
            national_data_opt_out: self.opt_term(
                &p.k("national_data_opt_out"),
                &r.national_data_opt_out,
                vocab::opt_out(),
            ),
            opt_out_explanation: self.opt_text(&p.k("opt_out_explanation"), &r.opt_out_explanation),
        })
    }

    fn risk(&mut self, raw: &raw::RawFile) -> Option<Risk> {
        let p = Path::root().k("risk");
        let r = self.section(&p, &raw.risk)?;
        let mut risks = Vec::new();
        let rp = p.k("risks");
        match &r.risks {
            None => self.missing(&rp, "list of risks ([[risk.risks]])"),
            Some(list) => {
                for (i, item) in list.iter().enumerate() {
                    risks.push(RiskItem {
                        risk: self.req_text(&rp.i(i).k("risk"), &item.risk),
                        mitigation: self.req_text(&rp.i(i).k("mitigation"), &item.mitigation),
                    });
                }
            }
        }
        Some(Risk {
            dpia: self.req_term(&p.k("dpia"), &r.dpia, vocab::dpia()),
            dpia_reference: self.opt_text(&p.k("dpia_reference"), &r.dpia_reference),
            dpia_outcome: self.opt_text(&p.k("dpia_outcome"), &r.dpia_outcome),
            no_dpia_reason: self.opt_text(&p.k("no_dpia_reason"), &r.no_dpia_reason),
            risks,
        })
    }

    fn retention(&mut self, raw: &raw::RawFile) -> Option<Vec<RetentionRule>> {
        let p = Path::root().k("retention");
        let r = self.section(&p, &raw.retention)?;
        let rp = p.k("rules");
        let Some(list) = &r.rules else {
            self.missing(&rp, "list of retention rules ([[retention.rules]])");
            return Some(Vec::new());
        };
        let mut rules = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let pi = rp.i(i);
            rules.push(RetentionRule {
                party: self.req_text(&pi.k("party"), &item.party),
                period: self.req_text(&pi.k("period"), &item.period),
                disposal: self.req_text(&pi.k("disposal"), &item.disposal),
            });
        }
        if rules.is_empty() {
            self.push_at(
                &structure::EMPTY_VALUE,
                &rp,
                "`retention.rules` is empty",
                "add a [[retention.rules]] table for each party",
            );
        }
        Some(rules)
    }

    fn dates(&mut self, raw: &raw::RawFile) -> Option<Dates> {
        let p = Path::root().k("dates");
        let r = self.section(&p, &raw.dates)?;
        let approved = self.req_date(&p.k("approved"), &r.approved);
        let effective = self.req_date(&p.k("effective"), &r.effective);
        let review = self.opt_date(&p.k("review"), &r.review);
        // The term: an end date, or an end condition for an open-ended term. Giving both is
        // DP137 (a content rule, so the rest of the agreement is still checked).
        let expires = self.opt_date(&p.k("expires"), &r.expires);
        let end_condition = self.opt_text(&p.k("end_condition"), &r.end_condition);
        if r.expires.is_none() && r.end_condition.is_none() {
            self.push_at(
                &structure::MISSING_REQUIRED,
                &p,
                format!("missing required date `{}` (or, for an open-ended term, `{}`)", p.k("expires"), p.k("end_condition")),
                "add `expires = YYYY-MM-DD`, the last day of the term, or `end_condition = \"...\"`, how an open-ended term ends (\"until either party ends it with three months' written notice\")",
            );
        }
        let review_interval_months = self.req_int(
            &p.k("review_interval_months"),
            &r.review_interval_months,
            1,
            1200,
        ) as u32;
        let review_interval_reason =
            self.opt_text(&p.k("review_interval_reason"), &r.review_interval_reason);
        let (review, review_derived) = match review {
            Some(date) => (date, false),
            None if r.review.is_some() => (NaiveDate::MIN, false),
            // Neither date to count from (each already reported): nothing to derive.
            None if approved.max(effective) == NaiveDate::MIN => (NaiveDate::MIN, false),
            None => match Dates::derived_review(approved, effective, review_interval_months)
                .filter(|d| dates::YEARS.contains(&chrono::Datelike::year(d)))
            {
                Some(date) => (date, true),
                None => {
                    self.push_at(
                        &structure::INVALID_DATE,
                        &p,
                        format!(
                            "the review date derived from `{}` ({review_interval_months} months after {}) is after 9999-12-31",
                            p.k("review_interval_months"),
                            approved.max(effective)
                        ),
                        "write `review = YYYY-MM-DD`",
                    );
                    (NaiveDate::MIN, false)
                }
            },
        };
        Some(Dates {
            approved,
            effective,
            review,
            review_derived,
            expires,
            end_condition,
            review_interval_months,
            review_interval_reason,
        })
    }

    fn changes(&mut self, raw: &raw::RawFile) -> Vec<Change> {
        let p = Path::root().k("changes");
        let mut out = Vec::new();
        for (i, c) in raw.changes.iter().flatten().enumerate() {
            let pc = p.i(i);
            out.push(Change {
                version: self.req_int(&pc.k("version"), &c.version, 1, 1_000_000) as u32,
                change_type: self.req_term(&pc.k("type"), &c.change_type, vocab::change_type()),
                change: self.req_text(&pc.k("change"), &c.change),
                reason: self.req_text(&pc.k("reason"), &c.reason),
                date: self.opt_date(&pc.k("date"), &c.date),
            });
        }
        out
    }
}

/// The optional sections of published agreements, validated (see [`Cx::optional_sections`]).
struct OptionalSections {
    termination: Option<Termination>,
    disputes: Option<Disputes>,
    requests: Option<Requests>,
    definitions: Vec<Definition>,
    query_contact: Option<QueryContact>,
    uses: Option<Uses>,
    data_quality: Option<DataQuality>,
    audit: Option<String>,
    protective_marking: Option<String>,
    liability: Option<String>,
    charges: Option<String>,
    annexes: Vec<Annex>,
    notes: Option<String>,
}

// ---- Optional sections of published agreements: each absent section is simply absent; a
// present one must say something, every text is checked like any other (DP012-DP014, DP019)
// and every e-mail address too (DP020). ----
impl Cx<'_> {
    /// DP011 at the table `path` when it is present but has none of the keys `keys` (at least
    /// one of which it needs).
    fn says_nothing(&mut self, path: &Path, said: bool, keys: &str) {
        if !said {
            self.push_at(
                &structure::MISSING_REQUIRED,
                path,
                format!("`{path}` needs at least one of {keys}"),
                format!(
                    "add one of {keys} to `{path}`, or remove it; {} describes it",
                    docs_url!("format.md")
                ),
            );
        }
    }

    fn optional_sections(&mut self, raw: &raw::RawFile) -> OptionalSections {
        let root = Path::root();
        let termination = raw.termination.as_ref().map(|t| {
            let p = root.k("termination");
            let out = Termination {
                notice: self.opt_text(&p.k("notice"), &t.notice),
                immediate_grounds: self.texts(
                    &p.k("immediate_grounds"),
                    &t.immediate_grounds,
                    false,
                ),
                on_breach: self.opt_text(&p.k("on_breach"), &t.on_breach),
                on_termination: self.opt_text(&p.k("on_termination"), &t.on_termination),
            };
            let said = t.notice.is_some()
                || t.immediate_grounds.is_some()
                || t.on_breach.is_some()
                || t.on_termination.is_some();
            self.says_nothing(
                &p,
                said,
                "`notice`, `immediate_grounds`, `on_breach`, `on_termination`",
            );
            out
        });
        let disputes = raw.disputes.as_ref().map(|d| Disputes {
            escalation: self.texts(&root.k("disputes").k("escalation"), &d.escalation, true),
        });
        let requests = raw.requests.as_ref().map(|r| {
            let p = root.k("requests");
            let out = Requests {
                foi_eir: self.opt_text(&p.k("foi_eir"), &r.foi_eir),
                complaints: self.opt_text(&p.k("complaints"), &r.complaints),
            };
            let said = r.foi_eir.is_some() || r.complaints.is_some();
            self.says_nothing(&p, said, "`foi_eir`, `complaints`");
            out
        });
        let mut definitions = Vec::new();
        let dp = root.k("definitions");
        for (i, d) in raw.definitions.iter().flatten().enumerate() {
            definitions.push(Definition {
                term: self.req_text(&dp.i(i).k("term"), &d.term),
                meaning: self.req_text(&dp.i(i).k("meaning"), &d.meaning),
            });
        }
        let query_contact = raw
            .query_contact
            .as_ref()
            .map(|c| self.query_contact(&root.k("query_contact"), c));
        let uses = raw.uses.as_ref().map(|u| {
            let p = root.k("uses");
            let out = Uses {
                permitted: self.texts(&p.k("permitted"), &u.permitted, false),
                prohibited: self.texts(&p.k("prohibited"), &u.prohibited, false),
            };
            let said = u.permitted.is_some() || u.prohibited.is_some();
            self.says_nothing(&p, said, "`permitted`, `prohibited`");
            out
        });
        let data_quality = raw.data_quality.as_ref().map(|q| DataQuality {
            duties: self.texts(&root.k("data_quality").k("duties"), &q.duties, true),
        });
        let mut annexes = Vec::new();
        let ap = root.k("annexes");
        for (i, a) in raw.annexes.iter().flatten().enumerate() {
            let pi = ap.i(i);
            annexes.push(Annex {
                title: self.req_text(&pi.k("title"), &a.title),
                reference: self.opt_text(&pi.k("reference"), &a.reference),
                summary: self.opt_text(&pi.k("summary"), &a.summary),
            });
            let said = a.reference.is_some() || a.summary.is_some();
            self.says_nothing(&pi, said, "`reference`, `summary`");
        }
        OptionalSections {
            termination,
            disputes,
            requests,
            definitions,
            query_contact,
            uses,
            data_quality,
            audit: self.opt_text(&root.k("audit"), &raw.audit),
            protective_marking: self
                .opt_text(&root.k("protective_marking"), &raw.protective_marking),
            liability: self.opt_text(&root.k("liability"), &raw.liability),
            charges: self.opt_text(&root.k("charges"), &raw.charges),
            annexes,
            notes: self.opt_text(&root.k("notes"), &raw.notes),
        }
    }

    /// `[[acknowledgements]]`: each names a rule that may be acknowledged (by code or name), what
    /// it answers where the rule's findings name an item, and a reason (DP022).
    fn acknowledgements(&mut self, raw: &raw::RawFile) -> Vec<Acknowledgement> {
        let root = Path::root().k("acknowledgements");
        let mut out = Vec::new();
        for (i, r) in raw.acknowledgements.iter().flatten().enumerate() {
            let p = root.i(i);
            let rule_path = p.k("rule");
            let named = self.req_text(&rule_path, &r.rule);
            let item = self.opt_text(&p.k("item"), &r.item);
            let reason = self.req_text(&p.k("reason"), &r.reason);
            if named.is_empty() {
                continue;
            }
            match crate::rules::find(named.trim()) {
                Some(rule) if rule.acknowledgeable => out.push(Acknowledgement {
                    rule: rule.code,
                    rule_name: rule.name,
                    item,
                    reason,
                }),
                Some(rule) => self.push_at(
                    &structure::ACKNOWLEDGEMENT_RULE,
                    &rule_path,
                    format!(
                        "{} ({}) cannot be acknowledged: it is not a judgement the agreement can answer",
                        rule.code, rule.name
                    ),
                    format!("fix what the finding says, or, where the workspace's policy allows it, change the rule's severity in datapact.toml's [rules] (`datapact explain {}` says whether it may)", rule.code),
                ),
                None => self.push_at(
                    &structure::ACKNOWLEDGEMENT_RULE,
                    &rule_path,
                    format!("`{}` is not a rule code or name", named.trim()),
                    "name the rule by its code (DP144) or name (likely-special-category), as `datapact rules` lists them",
                ),
            }
        }
        out
    }

    /// `query_contact`: a person or an office (`name` optional), reachable by at least one of
    /// `mailbox`, `email` or `phone`.
    fn query_contact(&mut self, path: &Path, c: &raw::RawContact) -> QueryContact {
        let email = self.opt_text(&path.k("email"), &c.email);
        let mailbox = self.opt_text(&path.k("mailbox"), &c.mailbox);
        let out = QueryContact {
            name: self.opt_text(&path.k("name"), &c.name),
            title: self.opt_text(&path.k("title"), &c.title),
            email: self.email(&path.k("email"), email),
            mailbox: self.email(&path.k("mailbox"), mailbox),
            phone: self.opt_text(&path.k("phone"), &c.phone),
        };
        let said = c.mailbox.is_some() || c.email.is_some() || c.phone.is_some();
        self.says_nothing(path, said, "`mailbox`, `email`, `phone`");
        out
    }

    /// `[[parties.contacts]]`: each with its name and what it is for.
    fn party_contacts(
        &mut self,
        path: &Path,
        raw: &Option<Vec<raw::RawPartyContact>>,
    ) -> Vec<PartyContact> {
        let mut out = Vec::new();
        for (i, c) in raw.iter().flatten().enumerate() {
            let pc = path.i(i);
            let email = self.opt_text(&pc.k("email"), &c.email);
            let mailbox = self.opt_text(&pc.k("mailbox"), &c.mailbox);
            out.push(PartyContact {
                name: self.req_text(&pc.k("name"), &c.name),
                title: self.opt_text(&pc.k("title"), &c.title),
                purpose: self.req_text(&pc.k("purpose"), &c.purpose),
                email: self.email(&pc.k("email"), email),
                mailbox: self.email(&pc.k("mailbox"), mailbox),
                phone: self.opt_text(&pc.k("phone"), &c.phone),
            });
        }
        out
    }
}

/// The optional sections of the third set, validated (see [`Cx::optional_sections_third`]).
struct ThirdSections {
    assurance: Option<Assurance>,
    human_rights: Option<HumanRights>,
    outputs: Option<Outputs>,
    approval: Option<Approval>,
}

// ---- Optional sections, third set: assurance, data flows, human rights, outputs, approval;
// checked like the others (absent is absent, present must say something). ----
impl Cx<'_> {
    fn optional_sections_third(&mut self, raw: &raw::RawFile) -> ThirdSections {
        let root = Path::root();
        let assurance = raw.assurance.as_ref().map(|a| {
            let p = root.k("assurance");
            let out = Assurance {
                dspt: self.opt_text(&p.k("dspt"), &a.dspt),
                cyber_essentials: self
                    .cyber_essentials(&p.k("cyber_essentials"), &a.cyber_essentials),
                iso27001: self.opt_text(&p.k("iso27001"), &a.iso27001),
                other: self.texts(&p.k("other"), &a.other, false),
            };
            let said = a.dspt.is_some()
                || a.cyber_essentials.is_some()
                || a.iso27001.is_some()
                || a.other.is_some();
            self.says_nothing(&p, said, "`dspt`, `cyber_essentials`, `iso27001`, `other`");
            out
        });
        let human_rights = raw.human_rights.as_ref().map(|h| HumanRights {
            article8: self.req_text(&root.k("human_rights").k("article8"), &h.article8),
        });
        let outputs = raw.outputs.as_ref().map(|o| {
            let p = root.k("outputs");
            let out = Outputs {
                description: self.opt_text(&p.k("description"), &o.description),
                disclosure_control: self
                    .opt_text(&p.k("disclosure_control"), &o.disclosure_control),
            };
            let said = o.description.is_some() || o.disclosure_control.is_some();
            self.says_nothing(&p, said, "`description`, `disclosure_control`");
            out
        });
        let approval = raw.approval.as_ref().map(|a| {
            let p = root.k("approval");
            Approval {
                approved_by: self.req_text(&p.k("approved_by"), &a.approved_by),
                minute_reference: self.opt_text(&p.k("minute_reference"), &a.minute_reference),
            }
        });
        ThirdSections {
            assurance,
            human_rights,
            outputs,
            approval,
        }
    }

    /// `assurance.cyber_essentials`: one of the levels of [`CYBER_ESSENTIALS`] (DP015 with the
    /// nearest level otherwise).
    fn cyber_essentials(
        &mut self,
        path: &Path,
        slot: &raw::Text,
    ) -> Option<&'static CyberEssentials> {
        let id = self.opt_text(path, slot)?;
        if let Some(level) = CYBER_ESSENTIALS.iter().find(|l| l.id == id) {
            return Some(level);
        }
        self.report_at(&structure::UNKNOWN_VALUE, path, |cx| {
            let ids = CYBER_ESSENTIALS
                .iter()
                .map(|l| format!("\"{}\" ({})", l.id, l.label))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = match vocab::suggest(&id, CYBER_ESSENTIALS.iter().map(|l| l.id)) {
                Some(s) => format!("did you mean \"{s}\"? Known values: {ids}"),
                None => format!("use one of: {ids}"),
            };
            (
                cx.pos(path),
                format!(
                    "`{path}` has unknown value \"{}\": it is not a Cyber Essentials level",
                    excerpt(&id)
                ),
                hint,
            )
        });
        None
    }

    /// `[[data.flows]]`: each names the sending and receiving parties (checked against the
    /// parties by DP103), how and how often; the volume is optional.
    fn data_flows(&mut self, path: &Path, raw: &Option<Vec<raw::RawDataFlow>>) -> Vec<DataFlow> {
        let mut out = Vec::new();
        for (i, f) in raw.iter().flatten().enumerate() {
            let pf = path.i(i);
            out.push(DataFlow {
                from: self.req_text(&pf.k("from"), &f.from),
                to: self.req_text(&pf.k("to"), &f.to),
                method: self.req_text(&pf.k("method"), &f.method),
                frequency: self.req_text(&pf.k("frequency"), &f.frequency),
                volume: self.opt_text(&pf.k("volume"), &f.volume),
            });
        }
        out
    }
}

/// [`first_control`] of a text, found from its bytes: every character before the first byte
/// that is a control character other than a line break or a tab, DEL, or 0xC2 (the first byte
/// of U+0080 to U+00BF, the C1 controls among them) is allowed, so only the rest is decoded.
/// Every value of every agreement passes here.
fn first_control_in(text: &str) -> Option<(usize, char)> {
    let may_start = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xc2;
    // Whole blocks first, each judged without stopping early (which compiles to vector
    // instructions): most texts have no such byte at all.
    const BLOCK: usize = 32;
    let bytes = text.as_bytes();
    let block = bytes
        .chunks(BLOCK)
        .position(|block| block.iter().fold(false, |any, &b| any | may_start(b)))?;
    let start = block * BLOCK + bytes[block * BLOCK..].iter().position(|&b| may_start(b))?;
    first_control(text[start..].char_indices()).map(|(i, c)| (start + i, c))
}

/// The first character of `chars` (with its offset) that a text may not hold (DP019): a
/// control character other than a line break or a tab. A carriage return just before a line
/// feed is a line ending, reported (when written as such) as DP003 rather than here.
fn first_control(chars: impl Iterator<Item = (usize, char)>) -> Option<(usize, char)> {
    let mut chars = chars.peekable();
    while let Some((i, c)) = chars.next() {
        let line_ending = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
        if c.is_control() && c != '\n' && c != '\t' && !line_ending {
            return Some((i, c));
        }
    }
    None
}

/// The characters a TOML key or string as written (`written`, its quotes included) stands for,
/// each with its offset in `written`: a character written as itself at its own offset, an
/// escape (`\e`, `\u001B`) at its backslash. Quotes are kept and a line-ending backslash is
/// dropped with the white space after it: enough to find where a character of the decoded
/// text was written.
fn decoded_with_offsets(written: &str) -> Vec<(usize, char)> {
    let basic = written.starts_with('"');
    let mut out = Vec::new();
    let mut chars = written.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !basic || c != '\\' {
            out.push((i, c));
            continue;
        }
        let Some((_, e)) = chars.next() else {
            break;
        };
        let decoded = match e {
            'b' => Some('\u{8}'),
            'e' => Some('\u{1b}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'x' | 'u' | 'U' => {
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..digits)
                    .filter_map(|_| chars.next())
                    .map(|(_, h)| h)
                    .collect();
                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
            }
            ' ' | '\t' | '\r' | '\n' => {
                while chars
                    .next_if(|(_, w)| matches!(w, ' ' | '\t' | '\r' | '\n'))
                    .is_some()
                {}
                None
            }
            other => Some(other),
        };
        out.extend(decoded.map(|d| (i, d)));
    }
    out
}

/// A text as a message quotes it: its first line, at most 80 characters (then `…`), so that
/// a message stays on one line and short whatever the file holds.
fn excerpt(text: &str) -> String {
    let text = text.trim();
    let first = text.lines().next().unwrap_or("");
    let mut shown: String = first.chars().take(80).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}

/// Whether `address` is an e-mail address DP020 accepts, and if not, why. A strict subset of
/// RFC 5322's `addr-spec`, so that an address is only ever an address: `local@domain`, the
/// local part of ASCII letters, digits and `.` `_` `-` `+` `'`, the domain of at least two
/// labels of ASCII letters, digits and hyphens; no display name, quotes, comments, spaces or
/// domain literal. The `email_address` crate then checks the RFC's structure (lengths, dots,
/// labels). Nothing a `mailto:` link would read as more than the address (`?bcc=`, `&`, `%`)
/// gets through, nor letters of other scripts that look like Latin ones.
fn check_email(address: &str) -> Result<(), String> {
    use email_address::{EmailAddress, Error as E, Options};
    let Some((local, domain)) = address.split_once('@') else {
        return Err("it has no @".into());
    };
    if domain.contains('@') {
        return Err("it has more than one @".into());
    }
    let local_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '\'');
    if let Some(c) = local.chars().find(|&c| !local_ok(c)) {
        return Err(format!(
            "{c:?} is not allowed before the @ (letters, digits and . _ - + ' are)"
        ));
    }
    let domain_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    if let Some(c) = domain.chars().find(|&c| !domain_ok(c)) {
        return Err(format!(
            "{c:?} is not allowed in the domain (letters, digits, . and - are)"
        ));
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    EmailAddress::parse_with_options(address, options).map(|_| ()).map_err(|e| {
        match e {
            E::LocalPartEmpty => "nothing comes before the @",
            E::LocalPartTooLong => "the part before the @ is longer than 64 characters",
            E::DomainEmpty => "nothing comes after the @",
            E::DomainTooLong => "the domain is longer than 254 characters",
            E::SubDomainEmpty => "the domain has an empty part (a dot at either end, or two in a row)",
            E::SubDomainTooLong => "a part of the domain is longer than 63 characters",
            E::DomainTooFew => "the domain has one part only (write it whole, such as nhs.net)",
            _ => "a dot or hyphen is out of place (at either end of the name or of a part of the domain, or two dots in a row)",
        }
        .to_string()
    })
}

fn empty_contact() -> Contact {
    Contact {
        name: String::new(),
        title: None,
        email: None,
        mailbox: None,
        phone: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_but_line_breaks_and_tabs_are_found() {
        let first = |t: &str| {
            let found = first_control(t.char_indices());
            assert_eq!(first_control_in(t), found, "{t:?}");
            found
        };
        assert_eq!(first("a\tb\nc\r\nd é"), None);
        assert_eq!(first("£5 a\r\nb\u{85}"), Some((8, '\u{85}')));
        assert_eq!(first("£5\u{a0}\u{bf}\n\u{7}"), Some((8, '\u{7}')));
        assert_eq!(first("ab\u{1b}[2K"), Some((2, '\u{1b}')));
        assert_eq!(first("a\rb"), Some((1, '\r')));
        assert_eq!(first("a\r"), Some((1, '\r')));
        assert_eq!(first("é\u{85}"), Some((2, '\u{85}')));
        assert_eq!(first("\u{7f}"), Some((0, '\u{7f}')));
        assert_eq!(first("\u{9f}\u{0}"), Some((0, '\u{9f}')));
        assert_eq!(
            first("\u{a0}\u{202e}"),
            None,
            "not control characters (term escapes them)"
        );
    }

    proptest::proptest! {
        #[test]
        fn control_characters_found_from_bytes_are_those_found_from_characters(
            text in "[a\t\n\r\u{0}-\u{1f}\u{7f}-\u{a3}é€]{0,40}|[a-z\n é]{0,90}[\u{0}-\u{1f}\u{7f}-\u{a3}]?[a-z]{0,40}"
        ) {
            proptest::prop_assert_eq!(first_control_in(&text), first_control(text.char_indices()));
        }
    }

    #[test]
    fn decoded_characters_keep_where_they_were_written() {
        let at = |w: &str| first_control(decoded_with_offsets(w).into_iter()).map(|(i, _)| i);
        assert_eq!(at(r#""ab\e[2K""#), Some(3));
        assert_eq!(at(r#""\n\t\"\\\u00e9x\u001B""#), Some(16));
        assert_eq!(at(r#""\x07""#), Some(1));
        assert_eq!(at(r#""\U0000009b""#), Some(1));
        assert_eq!(at(r#""\b\f""#), Some(1));
        assert_eq!(at(r#""\r\n""#), None);
        assert_eq!(at("\"\"\"a\\\n   \\e\"\"\""), Some(9));
        assert_eq!(
            at("'a\\e\u{85}'"),
            Some(4),
            "no escapes in a literal string"
        );
        assert_eq!(
            at(r#""\u12""#),
            None,
            "a malformed escape is not a character"
        );
        let decoded: Vec<char> = decoded_with_offsets(r#""a\u00e9\\""#)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        assert_eq!(decoded, ['"', 'a', 'é', '\\', '"']);
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("  TODO: x  "), "TODO: x");
        assert_eq!(excerpt("first\nsecond"), "first…");
        assert_eq!(excerpt(&"é".repeat(81)), format!("{}…", "é".repeat(80)));
        assert_eq!(excerpt(&"é".repeat(80)), "é".repeat(80));
    }

    #[test]
    fn email_addresses_are_checked_strictly() {
        for ok in [
            "dpo@nhs.net",
            "essexicb.dpo@nhs.net",
            "o'brien+dpo_2@sub-domain.essex.gov.uk",
            "A.B-C@X1.ORG",
        ] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
        let why = |a: &str| check_email(a).unwrap_err();
        assert_eq!(why("dpo.nhs.net"), "it has no @");
        assert_eq!(why("dpo@nhs.net?bcc=a@b.org"), "it has more than one @");
        assert!(why("x?bcc=attacker@example.org").starts_with("'?' is not allowed before the @"));
        for bad in [
            "a b@c.org",
            "\"a\"@c.org",
            "a&b@c.org",
            "a%40b@c.org",
            "a=b@c.org",
            "а@c.org",
        ] {
            assert!(
                why(bad).contains("not allowed before the @"),
                "{bad}: {}",
                why(bad)
            );
        }
        for bad in [
            "a@[1.2.3.4]",
            "a@c.org>",
            "a@c_d.org",
            "a@c.org ",
            "a@с.org",
        ] {
            assert!(
                why(bad).contains("not allowed in the domain"),
                "{bad}: {}",
                why(bad)
            );
        }
        assert_eq!(why("@nhs.net"), "nothing comes before the @");
        assert_eq!(why("dpo@"), "nothing comes after the @");
        assert!(why("dpo@localhost").starts_with("the domain has one part only"));
        assert!(why("dpo@nhs..net").starts_with("the domain has an empty part"));
        assert!(why(&format!("{}@nhs.net", "a".repeat(65))).contains("longer than 64"));
        assert!(why(&format!("a@{}.net", "b".repeat(64))).contains("longer than 63"));
        assert!(why(".dpo@nhs.net").starts_with("a dot or hyphen is out of place"));
        assert!(why("dpo@-nhs.net").starts_with("a dot or hyphen is out of place"));
    }
}
