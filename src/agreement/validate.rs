//! Validation: from the bytes of an agreement file to findings and, when the structure is
//! complete, a domain [`Agreement`]. Three stages: parse (TOML syntax, floats, unknown keys),
//! structure (every required part present, typed, filled in, in its vocabulary), and content
//! (the cross-clause rules of the policy and the law). Every finding carries the line and column
//! of the value it is about, found through the spanned document.

use super::model::*;
use super::raw::{self, Slot};
use crate::config::Config;
use crate::diagnostics::{Finding, Position};
use crate::rules::{self, Rule};
use crate::source::SourceFile;
use crate::vocab::{self, Entry, List};
use crate::workspace::{AgreementId, ID_RULE, check_id};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The schema version this tool reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Validates one agreement's source. `expected_id` is the id implied by the file name.
pub fn validate(
    source: &SourceFile,
    expected_id: Option<&str>,
    config: &Config,
) -> (Option<Agreement>, Vec<Finding>) {
    let mut findings = source.findings.clone();
    let Some(text) = source.text.as_deref() else {
        return (None, findings);
    };
    if let Some(offset) = nesting_too_deep(text) {
        findings.push(Finding::new(
            &rules::TOML_SYNTAX,
            &source.display,
            source.position(offset),
            format!("invalid TOML: values are nested more than {MAX_NESTING} levels deep (`[` or `{{` inside one another)"),
            "an agreement needs at most three levels; look for unclosed or repeated brackets at this line",
        ));
        return (None, findings);
    }
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let pos = source.position(e.span().map_or(0, |s| s.start));
            findings.push(Finding::new(
                &rules::TOML_SYNTAX,
                &source.display,
                pos,
                format!("invalid TOML: {}", e.message().trim()),
                "fix the syntax at this line (see docs/format.md for a complete example)",
            ));
            return (None, findings);
        }
    };
    let mut cx = Cx {
        src: source,
        root: &root,
        findings,
        broken: false,
    };
    cx.scan_floats(root.get_ref(), &mut Path::root());

    let mut unknown: Vec<Vec<String>> = Vec::new();
    let de = toml::de::Deserializer::from(root.clone());
    let raw: raw::RawFile = match serde_ignored::deserialize(de, |p| unknown.push(ignored_path(&p)))
    {
        Ok(raw) => raw,
        Err(e) => {
            let pos = source.position(e.span().map_or(0, |s| s.start));
            cx.push(
                &rules::SCHEMA_SHAPE,
                pos,
                format!("cannot read the agreement: {}", plain_shape_message(e.message())),
                "this part must be a table ([section]) or a list of tables ([[section]]) as in docs/format.md",
            );
            return (None, cx.findings);
        }
    };
    for path in &unknown {
        cx.unknown_key(path);
    }
    let agreement = cx.build(&raw, expected_id);
    // Content rules need every part in place; with structural errors they would only add noise.
    if let (Some(a), false) = (&agreement, cx.broken) {
        content_rules(&mut cx, a, config);
    }
    let agreement = if cx.broken { None } else { agreement };
    let mut findings = config.apply(cx.findings);
    findings.sort_by(|a, b| (a.line, a.column, a.code).cmp(&(b.line, b.column, b.code)));
    (agreement, findings)
}

/// How deeply arrays and inline tables may nest. The format needs three levels; the TOML parser
/// gives up near fifty with a misleading message, so deeper input is refused first, plainly.
pub const MAX_NESTING: usize = 32;

/// The byte offset of the first `[` or `{` that opens a level deeper than [`MAX_NESTING`],
/// skipping strings and comments. A cheap scan, run before parsing.
fn nesting_too_deep(text: &str) -> Option<usize> {
    enum S {
        Normal,
        Comment,
        Basic,
        Literal,
        MlBasic,
        MlLiteral,
    }
    let b = text.as_bytes();
    let (mut state, mut depth, mut i) = (S::Normal, 0usize, 0usize);
    while i < b.len() {
        let c = b[i];
        let triple = |q: u8| b.get(i..i + 3) == Some(&[q, q, q][..]);
        match state {
            S::Normal => match c {
                b'#' => state = S::Comment,
                b'"' if triple(b'"') => (state, i) = (S::MlBasic, i + 2),
                b'"' => state = S::Basic,
                b'\'' if triple(b'\'') => (state, i) = (S::MlLiteral, i + 2),
                b'\'' => state = S::Literal,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
            S::Comment if c == b'\n' => state = S::Normal,
            S::Basic | S::MlBasic if c == b'\\' => i += 1,
            S::Basic if c == b'"' || c == b'\n' => state = S::Normal,
            S::Literal if c == b'\'' || c == b'\n' => state = S::Normal,
            S::MlBasic if triple(b'"') => (state, i) = (S::Normal, i + 2),
            S::MlLiteral if triple(b'\'') => (state, i) = (S::Normal, i + 2),
            _ => {}
        }
        i += 1;
    }
    None
}

/// serde's words for a shape mismatch, in the format's terms: "expected struct RawContact"
/// becomes "expected a table", "a sequence" becomes "a list".
fn plain_shape_message(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message.trim();
    while let Some(i) = rest.find("struct Raw") {
        out.push_str(&rest[..i]);
        out.push_str("a table");
        let after = &rest[i + "struct Raw".len()..];
        let end = after
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out.replace("a sequence", "a list")
        .replace("a map", "a table")
        .replace("type: map", "type: table")
}

fn ignored_path(p: &serde_ignored::Path<'_>) -> Vec<String> {
    use serde_ignored::Path as P;
    let mut out = Vec::new();
    fn walk(p: &P<'_>, out: &mut Vec<String>) {
        match p {
            P::Root => {}
            P::Seq { parent, index } => {
                walk(parent, out);
                out.push(format!("#{index}"));
            }
            P::Map { parent, key } => {
                walk(parent, out);
                out.push(key.clone());
            }
            P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
                walk(parent, out)
            }
        }
    }
    walk(p, &mut out);
    out
}

/// A path to a value in the document: keys and array indices.
#[derive(Debug, Clone, Default)]
struct Path(Vec<Seg>);

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

impl Path {
    fn root() -> Path {
        Path(Vec::new())
    }
    fn k(&self, key: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }
    fn i(&self, index: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(index));
        p
    }
    fn parent(&self) -> Path {
        let mut p = self.clone();
        p.0.pop();
        p
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if first => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// The key span and value at `path` in a parsed document, if present.
fn node_in<'a>(
    root: &'a Spanned<DeTable<'a>>,
    path: &Path,
) -> Option<(Option<std::ops::Range<usize>>, &'a Spanned<DeValue<'a>>)> {
    let mut table: &'a DeTable<'a> = root.get_ref();
    let mut current: Option<(Option<std::ops::Range<usize>>, &'a Spanned<DeValue<'a>>)> = None;
    for seg in &path.0 {
        match seg {
            Seg::Key(k) => {
                if let Some((_, v)) = current {
                    table = v.get_ref().as_table()?;
                }
                let (key, value) = table.iter().find(|(key, _)| key.get_ref() == k)?;
                current = Some((Some(key.span()), value));
            }
            Seg::Index(i) => {
                let (_, v) = current?;
                let item = v.get_ref().as_array()?.get(*i)?;
                current = Some((None, item));
            }
        }
    }
    current
}

/// Line and column of the value at `keys` (table keys only) in a source, for findings made
/// outside validation (dates, versions). Falls back to the start of the file.
pub fn locate(source: &SourceFile, keys: &[&str]) -> Position {
    let Some(text) = source.text.as_deref() else {
        return Position::START;
    };
    let Ok(root) = DeTable::parse(text) else {
        return Position::START;
    };
    let mut path = Path::root();
    for k in keys {
        path = path.k(k);
    }
    match node_in(&root, &path) {
        Some((_, value)) => source.position(value.span().start),
        None => Position::START,
    }
}

struct Cx<'a> {
    src: &'a SourceFile,
    root: &'a Spanned<DeTable<'a>>,
    findings: Vec<Finding>,
    /// Set when a structural error means no domain agreement can be built.
    broken: bool,
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
    fn push(
        &mut self,
        rule: &'static Rule,
        pos: Position,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        if rule.blocks_domain_model() {
            self.broken = true;
        }
        self.findings
            .push(Finding::new(rule, &self.src.display, pos, message, hint));
    }

    fn node(
        &self,
        path: &Path,
    ) -> Option<(Option<std::ops::Range<usize>>, &'a Spanned<DeValue<'a>>)> {
        node_in(self.root, path)
    }

    /// Where a finding about the value at `path` points: the value, or for an absent value the
    /// nearest enclosing part that exists.
    fn pos(&self, path: &Path) -> Position {
        let mut p = path.clone();
        loop {
            if let Some((key, value)) = self.node(&p) {
                // Tables point at their header or key; other values at the value itself.
                let offset = if value.get_ref().is_table() || p.0.len() < path.0.len() {
                    key.map_or(value.span().start, |k| k.start)
                } else {
                    value.span().start
                };
                return self.src.position(offset);
            }
            if p.0.is_empty() {
                return Position::START;
            }
            p = p.parent();
        }
    }

    fn key_pos(&self, path: &Path) -> Position {
        match self.node(path) {
            Some((Some(k), _)) => self.src.position(k.start),
            _ => self.pos(path),
        }
    }

    fn scan_floats(&mut self, table: &DeTable<'_>, path: &mut Path) {
        for (k, v) in table.iter() {
            let p = path.k(k.get_ref());
            self.scan_value(v, &p);
        }
    }

    fn scan_value(&mut self, v: &Spanned<DeValue<'_>>, path: &Path) {
        match v.get_ref() {
            DeValue::Float(_) => {
                let pos = self.src.position(v.span().start);
                self.push(
                    &rules::FLOAT_VALUE,
                    pos,
                    format!("`{path}` is a decimal number; agreements may not contain floating-point numbers"),
                    "use a whole number or write the value as text",
                );
            }
            DeValue::Table(t) => self.scan_floats(t, &mut path.clone()),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    self.scan_value(item, &path.i(i));
                }
            }
            _ => {}
        }
    }

    fn unknown_key(&mut self, segs: &[String]) {
        let mut path = Path::root();
        let mut keys: Vec<&str> = Vec::new();
        for s in segs {
            match s.strip_prefix('#').and_then(|n| n.parse().ok()) {
                Some(i) => path = path.i(i),
                None => {
                    path = path.k(s);
                    keys.push(s);
                }
            }
        }
        let Some((name, parent_keys)) = keys.split_last() else {
            return;
        };
        let known = raw::known_keys(parent_keys);
        let parent = path.parent();
        let place = if parent.0.is_empty() {
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
        let pos = self.key_pos(&path);
        self.push(
            &rules::UNKNOWN_KEY,
            pos,
            format!("unknown key `{name}` {place}"),
            hint,
        );
    }

    fn missing(&mut self, path: &Path, what: &str) {
        let pos = self.pos(path);
        self.push(
            &rules::MISSING_REQUIRED,
            pos,
            format!("missing required {what} `{path}`"),
            format!("add `{path}`; docs/format.md describes it and shows an example"),
        );
    }

    fn section<'r, T>(&mut self, path: &Path, section: &'r Option<T>) -> Option<&'r T> {
        if section.is_none() {
            self.missing(path, "section");
        }
        section.as_ref()
    }

    fn placeholder(&mut self, path: &Path, text: &str) {
        let pos = self.pos(path);
        // One line of the placeholder, so the message stays on one line in every format.
        let first = text.trim().lines().next().unwrap_or("");
        let mut shown: String = first.chars().take(80).collect();
        if shown.len() < text.trim().len() {
            shown.push('…');
        }
        self.push(
            &rules::PLACEHOLDER,
            pos,
            format!("`{path}` is still to fill in: {shown}"),
            "replace the TODO text with the agreement's own wording",
        );
    }

    fn wrong_type(&mut self, path: &Path, found: &toml::Value, expected: &str) {
        if found.is_float() {
            // Already reported as DP007 by the float scan.
            self.broken = true;
            return;
        }
        let pos = self.pos(path);
        self.push(
            &rules::WRONG_TYPE,
            pos,
            format!("`{path}` must be {expected}, found {}", type_name(found)),
            format!("write `{path}` as {expected} (see docs/format.md)"),
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
            let pos = self.pos(path);
            self.push(
                &rules::EMPTY_VALUE,
                pos,
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
            self.missing(path, "key");
        }
        self.slot(path, slot, "true or false").unwrap_or_default()
    }

    fn req_int(&mut self, path: &Path, slot: &raw::Int, min: i64, max: i64) -> i64 {
        if slot.is_none() {
            self.missing(path, "key");
        }
        let v = self.slot(path, slot, "a whole number").unwrap_or(min);
        if !(min..=max).contains(&v) {
            let pos = self.pos(path);
            self.push(
                &rules::WRONG_TYPE,
                pos,
                format!("`{path}` is {v}, outside the allowed range {min} to {max}"),
                format!("use a whole number from {min} to {max}"),
            );
            return min;
        }
        v
    }

    fn req_date(&mut self, path: &Path, slot: &raw::Date) -> NaiveDate {
        if slot.is_none() {
            self.missing(path, "date");
        }
        let fallback = NaiveDate::MIN;
        let Some(dt) = self.slot(path, slot, "a date (YYYY-MM-DD, without quotes)") else {
            return fallback;
        };
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                match NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32) {
                    Some(date) => date,
                    None => {
                        let pos = self.pos(path);
                        self.push(
                            &rules::INVALID_DATE,
                            pos,
                            format!("`{path}` is not a real date: {dt}"),
                            "check the day and month",
                        );
                        fallback
                    }
                }
            }
            _ => {
                let pos = self.pos(path);
                self.push(
                    &rules::INVALID_DATE,
                    pos,
                    format!(
                        "`{path}` must be a calendar date without a time or offset, found {dt}"
                    ),
                    "write the date as YYYY-MM-DD (for example 2026-04-01), without quotes",
                );
                fallback
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
            let pos = self.pos(path);
            self.push(
                &rules::EMPTY_VALUE,
                pos,
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
        if let Some(e) = list.find(id) {
            return Some(e);
        }
        let pos = self.pos(path);
        let hint = match list.suggest(id) {
            Some(s) => format!("did you mean \"{s}\"? Known values: {}", list.ids()),
            None => format!("use one of: {}", list.ids()),
        };
        self.push(
            &rules::UNKNOWN_VALUE,
            pos,
            format!("`{path}` has unknown value \"{id}\""),
            hint,
        );
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
                let pos = self.pos(&path.i(i));
                self.push(
                    &rules::DUPLICATE_VALUE,
                    pos,
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
        let contact = Contact {
            name: self.req_text(&path.k("name"), &c.name),
            title: self.opt_text(&path.k("title"), &c.title),
            email: self.opt_text(&path.k("email"), &c.email),
            mailbox: self.opt_text(&path.k("mailbox"), &c.mailbox),
            phone: self.opt_text(&path.k("phone"), &c.phone),
        };
        if contact.email.is_none()
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

    fn build(&mut self, raw: &raw::RawFile, expected_id: Option<&str>) -> Option<Agreement> {
        let root = Path::root();
        let schema_path = root.k("schema");
        let schema = match self.slot(&schema_path, &raw.schema, "a whole number") {
            Some(v) if v == SCHEMA_VERSION => v,
            Some(v) => {
                let pos = self.pos(&schema_path);
                self.push(
                    &rules::SCHEMA_VERSION,
                    pos,
                    format!("unknown format version schema = {v}; this datapact reads schema = {SCHEMA_VERSION}"),
                    "upgrade datapact, or set `schema = 1` if the file was written for this format",
                );
                0
            }
            None => {
                if raw.schema.is_none() {
                    self.push(
                        &rules::SCHEMA_VERSION,
                        Position::START,
                        "missing `schema = 1` at the top of the file",
                        "add `schema = 1` as the first line, so later versions of the format can be recognised",
                    );
                }
                0
            }
        };

        let identity = self.identity(raw, expected_id);
        let parties = self.parties(raw);
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
                outside_uk: self.req_bool(&p.k("outside_uk"), &t.outside_uk),
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
                report_within_hours: self.req_int(
                    &p.k("report_within_hours"),
                    &i.report_within_hours,
                    0,
                    10_000,
                ) as u32,
            }
        });
        let dates = self.dates(raw);
        let changes = self.changes(raw);

        let (id, title, version, kind, reference, lead, summary) = identity?;
        Some(Agreement {
            schema,
            id,
            title,
            version,
            kind,
            reference,
            lead,
            summary,
            parties: parties?,
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
        u32,
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
                    let pos = self.pos(&p.k("id"));
                    self.push(
                        &rules::ID_MISMATCH,
                        pos,
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
        let kind = self.req_term(&p.k("kind"), &a.kind, vocab::agreement_kind());
        let reference = self.opt_text(&p.k("reference"), &a.reference);
        let lead = self.req_text(&p.k("lead"), &a.lead);
        let summary = self.opt_text(&p.k("summary"), &a.summary);
        let id = AgreementId::parse(&id).ok()?;
        Some((id, title, version, kind, reference, lead, summary))
    }

    fn check_id_value(&mut self, path: &Path, id: &str, what: &str) -> bool {
        match check_id(id) {
            Ok(()) => true,
            Err(why) => {
                let pos = self.pos(path);
                self.push(
                    &rules::INVALID_ID,
                    pos,
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
            let party = Party {
                id,
                name: self.req_text(&pp.k("name"), &r.name),
                public_authority: self.req_bool(&pp.k("public_authority"), &r.public_authority),
                health_or_care: self.req_bool(&pp.k("health_or_care"), &r.health_or_care),
                role: self.req_term(&pp.k("role"), &r.role, vocab::party_role()),
                ico_registration: self.req_text(&pp.k("ico_registration"), &r.ico_registration),
                dpo: self
                    .contact(&pp.k("dpo"), &r.dpo, true)
                    .unwrap_or_else(empty_contact),
                caldicott_guardian: self.contact(
                    &pp.k("caldicott_guardian"),
                    &r.caldicott_guardian,
                    false,
                ),
                senior_officer: self
                    .contact(&pp.k("senior_officer"), &r.senior_officer, true)
                    .unwrap_or_else(empty_contact),
            };
            parties.push(party);
        }
        Some(parties)
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
                let pos = self.pos(&ip);
                self.push(
                    &rules::EMPTY_VALUE,
                    pos,
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
                    });
                }
            }
        }
        Some(Data {
            subjects,
            identifiability,
            why_not_anonymised,
            items,
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
            confidentiality: self.req_term(
                &p.k("confidentiality"),
                &r.confidentiality,
                vocab::confidentiality(),
            ),
            s251_reference: self.opt_text(&p.k("s251_reference"), &r.s251_reference),
            explanation: self.req_text(&p.k("explanation"), &r.explanation),
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
            exception: self.opt_term(&p.k("exception"), &r.exception, vocab::consent_exception()),
            justification: self.opt_text(&p.k("justification"), &r.justification),
            objections: self.req_text(&p.k("objections"), &r.objections),
            national_data_opt_out: self.req_term(
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
            let pos = self.pos(&rp);
            self.push(
                &rules::EMPTY_VALUE,
                pos,
                "`retention.rules` is empty",
                "add a [[retention.rules]] table for each party",
            );
        }
        Some(rules)
    }

    fn dates(&mut self, raw: &raw::RawFile) -> Option<Dates> {
        let p = Path::root().k("dates");
        let r = self.section(&p, &raw.dates)?;
        Some(Dates {
            approved: self.req_date(&p.k("approved"), &r.approved),
            effective: self.req_date(&p.k("effective"), &r.effective),
            review: self.req_date(&p.k("review"), &r.review),
            expires: self.req_date(&p.k("expires"), &r.expires),
            review_interval_months: self.req_int(
                &p.k("review_interval_months"),
                &r.review_interval_months,
                1,
                1200,
            ) as u32,
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
            });
        }
        out
    }
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

/// Whole months from `a` to `b` (partial months round up: any extra day counts).
fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let mut months =
        (b.year() as i64 - a.year() as i64) * 12 + (b.month() as i64 - a.month() as i64);
    if b.day() > a.day() {
        months += 1;
    }
    months
}

/// The cross-clause rules, run on a structurally complete agreement.
fn content_rules(cx: &mut Cx<'_>, a: &Agreement, config: &Config) {
    let root = Path::root();
    let pp = root.k("parties");
    let lb = root.k("lawful_basis");

    // Parties.
    if a.parties.len() < 2 {
        let pos = cx.pos(&pp);
        cx.push(
            &rules::TOO_FEW_PARTIES,
            pos,
            format!(
                "the agreement names {} part{}; an agreement needs at least two",
                a.parties.len(),
                if a.parties.len() == 1 { "y" } else { "ies" }
            ),
            "add a [[parties]] table for each organisation that shares or receives the data",
        );
    }
    for (i, party) in a.parties.iter().enumerate() {
        if a.parties[..i].iter().any(|p| p.id == party.id) {
            let pos = cx.pos(&pp.i(i).k("id"));
            cx.push(
                &rules::DUPLICATE_PARTY,
                pos,
                format!("party id \"{}\" is used twice", party.id),
                "give each party its own id",
            );
        }
        if party.health_or_care && party.caldicott_guardian.is_none() {
            let pos = cx.pos(&pp.i(i));
            cx.push(
                &rules::CALDICOTT_GUARDIAN,
                pos,
                format!(
                    "party \"{}\" is a health or care body but names no Caldicott Guardian",
                    party.id
                ),
                "add `caldicott_guardian = { name = \"...\", mailbox = \"...\" }` to the party",
            );
        }
    }
    let party_ref = |cx: &mut Cx<'_>, path: &Path, id: &str, what: &str| {
        if !a.parties.iter().any(|p| p.id == id) {
            let pos = cx.pos(path);
            let mut known: Vec<&str> = a.party_ids().collect();
            known.sort_unstable();
            known.dedup();
            let hint = match vocab::suggest(id, known.iter().copied()) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!("use one of the party ids: {}", known.join(", ")),
            };
            cx.push(
                &rules::UNKNOWN_PARTY,
                pos,
                format!("{what} \"{id}\" is not one of the agreement's parties"),
                hint,
            );
        }
    };
    party_ref(
        cx,
        &root.k("agreement").k("lead"),
        &a.lead,
        "lead organisation",
    );
    for (i, r) in a.retention.iter().enumerate() {
        party_ref(
            cx,
            &root.k("retention").k("rules").i(i).k("party"),
            &r.party,
            "retention rule party",
        );
    }
    for party in &a.parties {
        if !a.retention.iter().any(|r| r.party == party.id) {
            let pos = cx.pos(&root.k("retention"));
            cx.push(
                &rules::RETENTION_PARTY,
                pos,
                format!("party \"{}\" has no retention and disposal rule", party.id),
                format!("add a [[retention.rules]] table with party = \"{}\", how long it keeps the data and how it disposes of it", party.id),
            );
        }
    }

    // Lawful basis.
    let lb_ref = &a.lawful_basis;
    let has = |list: &[&Entry], id: &str| list.iter().any(|e| e.id == id);
    let special: Vec<&Entry> = a
        .data
        .special_categories()
        .into_iter()
        .filter(|c| c.id != "criminal-offence")
        .collect();
    let criminal = a
        .data
        .special_categories()
        .iter()
        .any(|c| c.id == "criminal-offence");
    if !special.is_empty() && lb_ref.article9.is_empty() {
        let pos = cx.pos(&lb.k("article9"));
        let cats: Vec<&str> = special.iter().map(|c| c.label.as_str()).collect();
        cx.push(
            &rules::SPECIAL_CATEGORY_NEEDS_ART9,
            pos,
            format!("special category data is shared ({}) but `lawful_basis.article9` names no Art 9(2) condition", cats.join(", ")),
            "add the Art 9(2) condition, for example article9 = [\"h\"] for health or social care",
        );
    }
    for (i, cond) in lb_ref.article9.iter().enumerate() {
        if cond.needs_schedule1
            && !lb_ref
                .dpa_schedule1
                .iter()
                .any(|s| s.satisfies.contains(&cond.id))
        {
            let pos = cx.pos(&lb.k("article9").i(i));
            let options: Vec<&str> = vocab::dpa_schedule1()
                .entries
                .iter()
                .filter(|s| s.satisfies.contains(&cond.id))
                .map(|s| s.id.as_str())
                .collect();
            cx.push(
                &rules::ART9_NEEDS_SCHEDULE1,
                pos,
                format!(
                    "{} needs a matching DPA 2018 Schedule 1 condition in the UK",
                    cond.label
                ),
                format!(
                    "add one of these to `lawful_basis.dpa_schedule1`: {}",
                    options.join(", ")
                ),
            );
        }
    }
    if special.is_empty() && !lb_ref.article9.is_empty() {
        let pos = cx.pos(&lb.k("article9"));
        cx.push(
            &rules::UNUSED_ART9,
            pos,
            "an Art 9(2) condition is given but no data item is special category data",
            "mark the special category items (`special_category = \"health\"`), or remove the condition",
        );
    }
    if criminal && lb_ref.dpa_schedule1.is_empty() {
        let pos = cx.pos(&lb.k("dpa_schedule1"));
        cx.push(
            &rules::CRIMINAL_OFFENCE_DATA,
            pos,
            "criminal offence data is shared but no DPA 2018 Schedule 1 condition is given",
            "add the Schedule 1 condition relied on, for example \"preventing-or-detecting-unlawful-acts\"",
        );
    }
    for (i, basis) in lb_ref.article6.iter().enumerate() {
        if basis.id == "f" || basis.id == "ea" {
            for party in a.parties.iter().filter(|p| p.public_authority) {
                let pos = cx.pos(&lb.k("article6").i(i));
                cx.push(
                    &rules::PUBLIC_AUTHORITY_LEGITIMATE_INTERESTS,
                    pos,
                    format!("{} may not be relied on by public authority \"{}\" for its tasks", basis.label, party.id),
                    "a public authority sharing for its functions uses Art 6(1)(e) public task or (c) legal obligation",
                );
            }
        }
        if basis.id == "ea" && lb_ref.recognised_interest.is_none() {
            let pos = cx.pos(&lb.k("article6").i(i));
            cx.push(
                &rules::RECOGNISED_INTEREST_CONDITION,
                pos,
                "Art 6(1)(ea) is used but `lawful_basis.recognised_interest` names no condition",
                format!(
                    "set recognised_interest to one of: {}",
                    vocab::recognised_interest().ids()
                ),
            );
        }
    }
    if lb_ref.confidentiality.id == "s251" && lb_ref.s251_reference.is_none() {
        let pos = cx.pos(&lb.k("confidentiality"));
        cx.push(
            &rules::S251_REFERENCE,
            pos,
            "the confidentiality basis is s251 support but `lawful_basis.s251_reference` is missing",
            "add the Confidentiality Advisory Group reference, for example s251_reference = \"22/CAG/0123\"",
        );
    }

    // Consent.
    let cp = root.k("consent");
    let consent_basis = has(&lb_ref.article6, "a")
        || has(&lb_ref.article9, "a")
        || lb_ref.confidentiality.id == "explicit-consent";
    if !a.consent.sought && (a.consent.exception.is_none() || a.consent.justification.is_none()) {
        let pos = cx.pos(&cp.k("sought"));
        cx.push(
            &rules::CONSENT_EXCEPTION,
            pos,
            "consent is not sought, but the exception and its justification are not both given",
            format!(
                "set consent.exception to one of {} and explain in consent.justification why it applies",
                vocab::consent_exception().ids()
            ),
        );
    }
    let explicit = a.consent.sought && a.consent.model.is_some_and(|m| m.id == "explicit");
    if consent_basis && !explicit {
        let (pos, what) = if a.consent.sought {
            (
                cx.pos(&cp.k("model")),
                "consent is sought as implied consent",
            )
        } else {
            (cx.pos(&cp.k("sought")), "consent.sought is false")
        };
        cx.push(
            &rules::CONSENT_CONSISTENCY,
            pos,
            format!("consent is named as a lawful or confidentiality basis, but {what}"),
            "consent as a basis must be explicit: seek it (sought = true, model = \"explicit\") or rely on another basis",
        );
    }
    // Implied consent covers an individual's own care (safeguarding them included), nothing
    // beyond it; a model named while consent is not sought is not relied on.
    let implied = (a.consent.sought && a.consent.model.is_some_and(|m| m.id == "implied"))
        || lb_ref.confidentiality.id == "implied-consent";
    let beyond_care: Vec<&str> = a
        .purpose
        .categories
        .iter()
        .filter(|c| c.id != "direct-care" && c.id != "safeguarding")
        .map(|c| c.id.as_str())
        .collect();
    if implied
        && (!beyond_care.is_empty() || !a.purpose.categories.iter().any(|c| c.id == "direct-care"))
    {
        let pos = if lb_ref.confidentiality.id == "implied-consent" {
            cx.pos(&lb.k("confidentiality"))
        } else {
            cx.pos(&cp.k("model"))
        };
        let what = if beyond_care.is_empty() {
            "the purpose is not direct care".to_string()
        } else {
            format!(
                "the purpose goes beyond direct care ({})",
                beyond_care.join(", ")
            )
        };
        cx.push(
            &rules::IMPLIED_CONSENT_DIRECT_CARE,
            pos,
            format!("implied consent is relied on, but {what}"),
            "implied consent covers only an individual's own care: share for other purposes under a separate agreement, with explicit consent or another basis",
        );
    }
    if lb_ref.confidentiality.id == "not-applicable" && a.data.identifiability.id != "anonymised" {
        let pos = cx.pos(&lb.k("confidentiality"));
        cx.push(
            &rules::CONFIDENTIALITY_NOT_APPLICABLE,
            pos,
            format!(
                "the duty of confidentiality is marked not applicable, but the data is {}",
                a.data.identifiability.label.to_lowercase()
            ),
            "\"not-applicable\" is only for anonymised data; name the basis that sets the duty of confidence aside (consent, s251, legal duty or overriding public interest)",
        );
    }

    // Identifiability, planning and research.
    let dp = root.k("data");
    let identifiable = a.data.identifiability.id != "anonymised";
    if identifiable && a.data.why_not_anonymised.is_none() {
        let pos = cx.pos(&dp.k("identifiability"));
        cx.push(
            &rules::WHY_NOT_ANONYMISED,
            pos,
            format!("{} data is shared without saying why anonymised data will not serve", a.data.identifiability.label),
            "add `data.why_not_anonymised` explaining why the purpose needs identifiable or pseudonymised data",
        );
    }
    if a.is_planning_or_research() {
        let cat_pos = cx.pos(&root.k("purpose").k("categories"));
        let explicit_consent =
            a.consent.sought && a.consent.model.is_some_and(|m| m.id == "explicit");
        if identifiable && !(explicit_consent || lb_ref.confidentiality.id == "s251") {
            cx.push(
                &rules::RESEARCH_LEGAL_BASIS,
                cat_pos,
                format!("planning or research with {} data needs consent or s251 support", a.data.identifiability.label.to_lowercase()),
                "use anonymised data, seek explicit consent, or obtain s251 support (confidentiality = \"s251\")",
            );
        }
        if a.research.is_none() {
            cx.push(
                &rules::RESEARCH_SECTION,
                cat_pos,
                "the purpose includes planning or research but there is no [research] section",
                "add [research] with anonymised_where_possible and identity_protection (see docs/format.md)",
            );
        }
        let research = a.purpose.categories.iter().any(|c| c.id == "research");
        if research && !special.is_empty() && !has(&lb_ref.article9, "j") {
            let pos = cx.pos(&lb.k("article9"));
            cx.push(
                &rules::RESEARCH_NEEDS_ART9J,
                pos,
                "special category data is shared for research without Art 9(2)(j)",
                "add \"j\" to lawful_basis.article9 and \"research\" to lawful_basis.dpa_schedule1",
            );
        }
    }

    // Risk, incidents, onward sharing, transfer.
    let rp = root.k("risk");
    match a.risk.dpia.id.as_str() {
        "completed" if a.risk.dpia_reference.is_none() || a.risk.dpia_outcome.is_none() => {
            let pos = cx.pos(&rp.k("dpia"));
            cx.push(
                &rules::DPIA_DETAILS,
                pos,
                "the DPIA is marked completed without its reference and outcome",
                "add risk.dpia_reference and risk.dpia_outcome",
            );
        }
        "not-required" if a.risk.no_dpia_reason.is_none() => {
            let pos = cx.pos(&rp.k("dpia"));
            cx.push(
                &rules::DPIA_DETAILS,
                pos,
                "no DPIA is done but the reason is not given",
                "add risk.no_dpia_reason explaining the screening outcome",
            );
        }
        _ => {}
    }
    let hours = a.incidents.report_within_hours;
    if hours == 0 || hours > 72 {
        let pos = cx.pos(&root.k("incidents").k("report_within_hours"));
        cx.push(
            &rules::INCIDENT_TIMESCALE,
            pos,
            format!("incidents are to be reported within {hours} hours; it must be between 1 and 72"),
            "the controller must tell the ICO of a reportable breach within 72 hours, so partners must hear sooner (24 hours is usual)",
        );
    }
    if a.onward_sharing.permitted && a.onward_sharing.conditions.is_none() {
        let pos = cx.pos(&root.k("onward_sharing").k("permitted"));
        cx.push(
            &rules::ONWARD_SHARING_CONDITIONS,
            pos,
            "onward sharing is permitted but its conditions are not stated",
            "add onward_sharing.conditions",
        );
    }
    if a.transfer.outside_uk && a.transfer.safeguards.is_none() {
        let pos = cx.pos(&root.k("transfer").k("outside_uk"));
        cx.push(
            &rules::INTERNATIONAL_TRANSFER,
            pos,
            "data leaves the UK but no transfer safeguard is stated",
            "add transfer.safeguards (adequacy regulations, the International Data Transfer Agreement, or another Art 46 safeguard)",
        );
    }

    // Dates.
    let d = &a.dates;
    let dp = root.k("dates");
    for (earlier, later, e_name, l_name) in [
        (d.approved, d.effective, "approved", "effective"),
        (d.effective, d.review, "effective", "review"),
        (d.review, d.expires, "review", "expires"),
    ] {
        if later < earlier {
            let pos = cx.pos(&dp.k(l_name));
            cx.push(
                &rules::DATE_ORDER,
                pos,
                format!("dates.{l_name} ({later}) is before dates.{e_name} ({earlier})"),
                "dates must run approved <= effective <= review <= expires",
            );
        }
    }
    let max_term = config.limits.max_term_months as i64;
    let term = months_between(d.effective, d.expires);
    if term > max_term {
        let pos = cx.pos(&dp.k("expires"));
        cx.push(
            &rules::TERM_TOO_LONG,
            pos,
            format!("the term from {} to {} is about {term} months, longer than the workspace maximum of {max_term}", d.effective, d.expires),
            "set an earlier expiry date, or raise [limits] max_term_months in datapact.toml if your regime allows it",
        );
    }
    let max_review = config.limits.max_review_interval_months;
    if d.review_interval_months > max_review {
        let pos = cx.pos(&dp.k("review_interval_months"));
        cx.push(
            &rules::REVIEW_INTERVAL_TOO_LONG,
            pos,
            format!("the review interval of {} months is longer than the workspace maximum of {max_review}", d.review_interval_months),
            "shorten the interval, or raise [limits] max_review_interval_months in datapact.toml",
        );
    } else if months_between(d.effective, d.review) > d.review_interval_months as i64 {
        let pos = cx.pos(&dp.k("review"));
        let mut msg = String::new();
        let _ = write!(
            msg,
            "the review date {} is more than {} months after the effective date {}",
            d.review, d.review_interval_months, d.effective
        );
        cx.push(
            &rules::REVIEW_INTERVAL_TOO_LONG,
            pos,
            msg,
            "bring the review date forward to within the review interval",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_guard_counts_brackets_outside_strings_and_comments() {
        let deep = |n: usize| format!("x = {}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(nesting_too_deep(&deep(MAX_NESTING)), None);
        assert_eq!(
            nesting_too_deep(&deep(MAX_NESTING + 1)),
            Some(4 + MAX_NESTING)
        );
        let b = "[{".repeat(100);
        let quoted = format!(
            "a = \"{b}\"\nb = '{b}'\nc = \"\"\"\n{b}\"\"\"\nd = '''{b}'''\n# {b}\n[t]\n[[u]]\n"
        );
        assert_eq!(nesting_too_deep(&quoted), None);
        assert_eq!(nesting_too_deep("s = \"a\\\"[[[\"\nt = [1]\n"), None);
        let inline = format!("x = {}1{}", "{a=".repeat(60), "}".repeat(60));
        assert_eq!(nesting_too_deep(&inline), Some(4 + 3 * MAX_NESTING));
    }

    #[test]
    fn shape_messages_use_the_formats_words() {
        assert_eq!(
            plain_shape_message("invalid type: string \"Mark Osei\", expected struct RawContact"),
            "invalid type: string \"Mark Osei\", expected a table"
        );
        assert_eq!(
            plain_shape_message("invalid type: map, expected a sequence"),
            "invalid type: table, expected a list"
        );
    }

    #[test]
    fn months_between_counts_partial_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(months_between(d(2026, 4, 1), d(2029, 4, 1)), 36);
        assert_eq!(months_between(d(2026, 4, 1), d(2029, 4, 2)), 37);
        assert_eq!(months_between(d(2026, 4, 1), d(2029, 3, 31)), 36);
    }
}
