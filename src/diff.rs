//! What changed between two versions of an agreement, clause by clause rather than line by
//! line. Both versions are validated [`Agreement`]s; each is walked as its serialised model
//! (every field, in the order the format lists them), so a field added to the model is compared
//! without code here. Lists of tables are matched by their natural key (parties by `id`, data
//! items by `name`, retention rules by `party`, risks by `risk`, change notes by `version`);
//! every other list is compared as a set of values, so reordering changes nothing. Each change
//! names its place twice: as a path in the file (`retention.rules[essex-county-council].period`)
//! and as a clause a reader recognises ("Retention — rule for essex-county-council — period").
//!
//! [`notes_between`] picks the `[[changes]]` entries a change report lists. Nothing here reads
//! files or git: `crate::versions` finds the texts.

use crate::agreement::Agreement;
use crate::agreement::model;
use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A value of an agreement as it is compared: what the file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An optional value that is absent.
    Null,
    Bool(bool),
    Int(i64),
    /// A text; dates are texts `YYYY-MM-DD` too.
    Text(String),
    /// A vocabulary value: the id the file holds and the label documents show.
    Term {
        id: String,
        label: String,
    },
    List(Vec<Value>),
    /// A table, its keys in the order the format lists them.
    Table(Vec<(String, Value)>),
}

impl Value {
    /// The value of `key` in a table.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Table(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The value in plain words, on one line when it has no line breaks of its own: a text as
    /// it is, a vocabulary value as `id (label)`, a list as its values separated by `; `, a
    /// table as `key: value` pairs. Not escaped: a caller showing it on a terminal escapes it.
    pub fn plain(&self) -> String {
        match self {
            Value::Null => "(none)".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Text(t) => t.clone(),
            Value::Term { id, label } => format!("{id} ({label})"),
            Value::List(items) => items
                .iter()
                .map(Value::plain)
                .collect::<Vec<_>>()
                .join("; "),
            Value::Table(fields) => fields
                .iter()
                .filter(|(_, v)| *v != Value::Null)
                .map(|(k, v)| format!("{}: {}", field_label(k), v.plain()))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// Values are written as the file holds them: a vocabulary value as its id, a date as
/// `YYYY-MM-DD`, a table with its keys in the format's order and without the optional keys it
/// does not have.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Text(t) => s.serialize_str(t),
            Value::Term { id, .. } => s.serialize_str(id),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Table(fields) => {
                // An absent optional value is left out, as in the file.
                let present: Vec<_> = fields.iter().filter(|(_, v)| *v != Value::Null).collect();
                let mut map = s.serialize_map(Some(present.len()))?;
                for (k, v) in present {
                    map.serialize_entry(&toml_key(k), v)?;
                }
                map.end()
            }
        }
    }
}

/// Read back from the model's serialised form, keeping the order of its fields (a plain JSON
/// map would sort them). A table of exactly a vocabulary entry's shape becomes a [`Value::Term`].
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a serialised agreement")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, i: i64) -> std::result::Result<Value, E> {
                Ok(Value::Int(i))
            }
            fn visit_u64<E: de::Error>(self, u: u64) -> std::result::Result<Value, E> {
                Ok(i64::try_from(u).map_or_else(|_| Value::Text(u.to_string()), Value::Int))
            }
            fn visit_f64<E: de::Error>(self, f: f64) -> std::result::Result<Value, E> {
                Ok(Value::Text(f.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Value, E> {
                Ok(Value::Text(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> std::result::Result<Value, E> {
                Ok(Value::Text(s))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> std::result::Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Value, A::Error> {
                let mut fields: Vec<(String, Value)> = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    fields.push((k, v));
                }
                let text = |key: &str| {
                    fields
                        .iter()
                        .find(|(k, _)| k == key)
                        .and_then(|(_, v)| v.as_text().map(str::to_string))
                };
                if let (Some(id), Some(label), Some(_)) =
                    (text("id"), text("label"), text("wording"))
                {
                    return Ok(Value::Term { id, label });
                }
                Ok(Value::Table(fields))
            }
        }
        d.deserialize_any(V)
    }
}

/// The model as a [`Value`] table, fields in declaration order (the format's order).
pub fn value_of<T: serde::Serialize>(model: &T) -> Result<Value> {
    let json = serde_json::to_vec(model)
        .map_err(|e| Error::input(format!("cannot compare the agreement: {e}")))?;
    serde_json::from_slice(&json)
        .map_err(|e| Error::input(format!("cannot compare the agreement: {e}")))
}

/// What happened at a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The value is in both versions and differs.
    Changed,
    /// Only the newer version has it: an optional value set, a table (a party, a data item)
    /// or a value of a list added.
    Added,
    /// Only the older version has it.
    Removed,
}

/// What kind of clause a change is in, for grouping and filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// A party (`[[parties]]`): added, removed, or its details.
    Party,
    /// A data item (`[[data.items]]`): added, removed, its justification or special category.
    DataItem,
    /// The lawful basis (`[lawful_basis]`): Art 6, Art 9, Schedule 1, common law, explanation.
    LawfulBasis,
    /// A date or the review interval (`[dates]`).
    Date,
    /// Any other text.
    Text,
    /// Any other value: a number, true/false, a vocabulary value, a list, a table.
    Field,
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub kind: Kind,
    pub area: Area,
    /// Where in the file, as a TOML path with list entries named by their key:
    /// `purpose.description`, `parties[essex-police]`, `retention.rules[essex-county-council].period`,
    /// `data.items[NHS number].special_category`. A value added to or removed from a list compared
    /// as a set is at the list's path (`lawful_basis.article9`).
    pub path: String,
    /// The clause in words: "Purpose — description", "Retention — rule for essex-county-council".
    pub clause: String,
    /// The older value (`None` when added).
    pub old: Option<Value>,
    /// The newer value (`None` when removed).
    pub new: Option<Value>,
}

/// The differences between two agreements, clause by clause, in the order of the format.
pub fn compare(old: &Agreement, new: &Agreement) -> Result<Vec<Change>> {
    let (old, new) = (value_of(old)?, value_of(new)?);
    let mut out = Vec::new();
    walk(&mut Vec::new(), &old, &new, &mut out);
    Ok(out)
}

/// One step of a path: a field of a table, or an entry of a keyed list with its key and label.
#[derive(Debug, Clone)]
enum Seg {
    Field(String),
    Entry { key: String, label: String },
}

fn fields_of(path: &[Seg]) -> Vec<&str> {
    path.iter()
        .filter_map(|s| match s {
            Seg::Field(f) => Some(f.as_str()),
            Seg::Entry { .. } => None,
        })
        .collect()
}

/// The field that names each entry of a list of tables, by the list's place in the model; fields
/// joined by `+` name it together (a data flow by its sender and recipient, shown `from → to`).
fn natural_key(list: &[&str]) -> Option<&'static str> {
    match list {
        ["parties"] => Some("id"),
        ["processors"] => Some("name"),
        ["data", "items"] => Some("name"),
        ["risk", "risks"] => Some("risk"),
        ["retention"] => Some("party"),
        ["changes"] => Some("version"),
        ["parties", "contacts"] => Some("name"),
        ["definitions"] => Some("term"),
        ["annexes"] => Some("title"),
        ["data", "flows"] => Some("from+to"),
        _ => None,
    }
}

/// Whether a list of texts is ordered, so that moving an entry is a change: the escalation
/// steps of `[disputes]`. Other lists of texts are compared as sets.
fn is_ordered(list: &[&str]) -> bool {
    matches!(list, ["disputes", "escalation"])
}

/// How an entry of a keyed list is named in a clause.
fn entry_label(list: &[&str], key: &str, entry: &Value) -> String {
    match list {
        ["parties"] => match entry.get("name").and_then(Value::as_text) {
            Some(name) => format!("{key} ({name})"),
            None => key.to_string(),
        },
        ["processors"] => format!("processor “{key}”"),
        ["data", "items"] => format!("item “{key}”"),
        ["data", "flows"] => format!("flow {key}"),
        ["risk", "risks"] => format!("risk “{}”", shorten(key, 60)),
        ["retention"] => format!("rule for {key}"),
        ["changes"] => format!("v{key}"),
        ["parties", "contacts"] => format!("contact “{key}”"),
        ["definitions"] => format!("definition of “{key}”"),
        ["annexes"] => format!("annex “{}”", shorten(key, 60)),
        _ => key.to_string(),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    } else {
        text.to_string()
    }
}

/// The entries of a keyed list by key, in order; a key met again gets its occurrence
/// (`NHS number (2)`), and an entry without its key is named by its position (`#3`).
fn keyed(items: &[Value], key_field: &str) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let parts: Option<Vec<String>> = key_field
            .split('+')
            .map(|f| match item.get(f) {
                Some(Value::Null) | None => None,
                Some(v) => Some(v.plain()),
            })
            .collect();
        let base = match parts {
            Some(parts) => parts.join(" → "),
            None => format!("#{}", i + 1),
        };
        let mut key = base.clone();
        let mut n = 1;
        while out.iter().any(|(k, _)| *k == key) {
            n += 1;
            key = format!("{base} ({n})");
        }
        out.push((key, item.clone()));
    }
    out
}

fn walk(path: &mut Vec<Seg>, old: &Value, new: &Value, out: &mut Vec<Change>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Null, _) => out.push(change(path, Kind::Added, None, Some(new))),
        (_, Value::Null) => out.push(change(path, Kind::Removed, Some(old), None)),
        (Value::Table(o), Value::Table(n)) => {
            let mut keys: Vec<&String> = n.iter().map(|(k, _)| k).collect();
            keys.extend(
                o.iter()
                    .map(|(k, _)| k)
                    .filter(|k| !n.iter().any(|(n, _)| n == *k)),
            );
            for key in keys {
                let ov = old.get(key).unwrap_or(&Value::Null);
                let nv = new.get(key).unwrap_or(&Value::Null);
                path.push(Seg::Field(key.clone()));
                walk(path, ov, nv, out);
                path.pop();
            }
        }
        (Value::List(_), Value::List(_)) if is_ordered(&fields_of(path)) => {
            // The order is the meaning (escalation steps): the list changed as a whole.
            out.push(change(path, Kind::Changed, Some(old), Some(new)));
        }
        (Value::List(o), Value::List(n)) => {
            let list = fields_of(path);
            match natural_key(&list) {
                Some(key_field) => {
                    let (o, n) = (keyed(o, key_field), keyed(n, key_field));
                    let label = |key: &str, entry: &Value| entry_label(&list, key, entry);
                    let mut entries = Vec::new();
                    for (key, entry) in o.iter().filter(|(k, _)| !n.iter().any(|(n, _)| n == k)) {
                        entries.push((key, label(key, entry), Some(entry), None));
                    }
                    for (key, entry) in &n {
                        let before = o.iter().find(|(k, _)| k == key).map(|(_, v)| v);
                        entries.push((key, label(key, entry), before, Some(entry)));
                    }
                    for (key, label, before, after) in entries {
                        path.push(Seg::Entry {
                            key: key.clone(),
                            label,
                        });
                        match (before, after) {
                            (Some(b), Some(a)) => walk(path, b, a, out),
                            (b, a) => {
                                let kind = if a.is_some() {
                                    Kind::Added
                                } else {
                                    Kind::Removed
                                };
                                out.push(change(path, kind, b, a));
                            }
                        }
                        path.pop();
                    }
                }
                None => {
                    // A set of values: each value counted, so a value listed twice and then once
                    // is one removal.
                    let mut remaining: Vec<&Value> = n.iter().collect();
                    let mut removed = Vec::new();
                    for v in o {
                        match remaining.iter().position(|r| *r == v) {
                            Some(i) => {
                                remaining.remove(i);
                            }
                            None => removed.push(v),
                        }
                    }
                    for v in removed {
                        out.push(change(path, Kind::Removed, Some(v), None));
                    }
                    for v in remaining {
                        out.push(change(path, Kind::Added, None, Some(v)));
                    }
                }
            }
        }
        _ => out.push(change(path, Kind::Changed, Some(old), Some(new))),
    }
}

fn change(path: &[Seg], kind: Kind, old: Option<&Value>, new: Option<&Value>) -> Change {
    let fields = fields_of(path);
    let area = match fields.as_slice() {
        ["parties", ..] => Area::Party,
        ["data", "items", ..] => Area::DataItem,
        ["lawful_basis", ..] => Area::LawfulBasis,
        ["dates", ..] => Area::Date,
        _ if matches!(old.or(new), Some(Value::Text(_))) => Area::Text,
        _ => Area::Field,
    };
    Change {
        kind,
        area,
        path: toml_path(path),
        clause: clause(path),
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// The fields of `[agreement]`, which the model keeps at its top level.
const IDENTITY: &[&str] = &[
    "id",
    "title",
    "version",
    "kind",
    "jurisdiction",
    "reference",
    "lead",
    "summary",
];

/// A model field's key in the file.
fn toml_key(field: &str) -> &str {
    match field {
        "change_type" => "type",
        other => other,
    }
}

fn toml_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        match seg {
            Seg::Field(f) => {
                if i == 0 && IDENTITY.contains(&f.as_str()) {
                    out.push_str("agreement.");
                }
                if !out.is_empty() && !out.ends_with('.') {
                    out.push('.');
                }
                out.push_str(toml_key(f));
                if i == 0 && f == "retention" {
                    out.push_str(".rules");
                }
            }
            Seg::Entry { key, .. } => {
                out.push('[');
                out.push_str(key);
                out.push(']');
            }
        }
    }
    out
}

/// The name of a section (a top-level field of the model).
fn section_label(field: &str) -> String {
    match field {
        "schema" => "Format".to_string(),
        f if IDENTITY.contains(&f) => "Agreement".to_string(),
        "parties" => "Parties".to_string(),
        "lawful_basis" => "Lawful basis".to_string(),
        "onward_sharing" => "Onward sharing".to_string(),
        "changes" => "Change notes".to_string(),
        "requests" => "Requests and complaints".to_string(),
        "uses" => "Permitted and prohibited uses".to_string(),
        "query_contact" => "Contact for queries".to_string(),
        "assurance" => "Security assurance".to_string(),
        "human_rights" => "Human rights".to_string(),
        other => {
            let mut s = other.replace('_', " ");
            if let Some(first) = s.get(..1) {
                s = first.to_uppercase() + &s[1..];
            }
            s
        }
    }
}

/// The name of a field within its clause.
pub fn field_label(field: &str) -> String {
    match field {
        "schema" => "schema",
        "dpo" => "DPO",
        "caldicott_guardian" => "Caldicott Guardian",
        "ico_registration" => "ICO registration",
        "no_ico_registration" => "why no ICO registration",
        "article6" => "Art 6(1) basis",
        "article9" => "Art 9(2) conditions",
        "dpa_schedule1" => "DPA 2018 Schedule 1 conditions",
        "recognised_interest" => "recognised legitimate interest",
        "s251_reference" => "s251 reference",
        "dpia" => "DPIA",
        "dpia_reference" => "DPIA reference",
        "dpia_outcome" => "DPIA outcome",
        "no_dpia_reason" => "why no DPIA is required",
        "outside_uk" => "outside the UK",
        "outside_eea" => "outside the EEA",
        "national_data_opt_out" => "national data opt-out",
        "report_within_hours" => "report within (hours)",
        "review_interval_months" => "review interval (months)",
        "change_type" => "type",
        "foi_eir" => "FOI and EIR requests",
        "on_termination" => "data on termination",
        "dspt" => "Data Security and Protection Toolkit",
        "iso27001" => "ISO/IEC 27001",
        "article8" => "Article 8 (private and family life)",
        other => return other.replace('_', " "),
    }
    .to_string()
}

fn clause(path: &[Seg]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, seg) in path.iter().enumerate() {
        match seg {
            Seg::Field(f) if i == 0 => {
                parts.push(section_label(f));
                if IDENTITY.contains(&f.as_str()) || f == "schema" {
                    parts.push(field_label(f));
                }
            }
            Seg::Field(f) => {
                // A keyed list's own name is said by its entries' labels ("item “NHS number”").
                let next_is_entry = matches!(path.get(i + 1), Some(Seg::Entry { .. }));
                if !next_is_entry {
                    let label =
                        if f == "confidentiality" && fields_of(&path[..i]) == ["lawful_basis"] {
                            "common-law confidentiality basis".to_string()
                        } else {
                            field_label(f)
                        };
                    parts.push(label);
                }
            }
            Seg::Entry { label, .. } => parts.push(label.clone()),
        }
    }
    parts.join(" — ")
}

/// A version note (`[[changes]]`) as a change report lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Note {
    pub version: u32,
    /// The change type's id (`new`, `minor`, `major`).
    #[serde(rename = "type")]
    pub change_type: String,
    /// Its label ("Major change").
    pub type_label: String,
    pub change: String,
    pub reason: String,
    /// The note's own `date`, when the format has one and the note gives it.
    pub date: Option<NaiveDate>,
}

impl Note {
    pub fn of(c: &model::Change) -> Note {
        Note {
            version: c.version,
            change_type: c.change_type.id.clone(),
            type_label: c.change_type.label.clone(),
            change: c.change.clone(),
            reason: c.reason.clone(),
            date: note_date(c),
        }
    }
}

/// A note's `date`, read from its serialised form, so it is found as soon as the model has one
/// (an optional `date` of `[[changes]]`), and `None` until then.
fn note_date(c: &model::Change) -> Option<NaiveDate> {
    let value = serde_json::to_value(c).ok()?;
    value.get("date")?.as_str()?.parse().ok()
}

/// The version notes of `agreement` for the versions after `from` up to and including `to`,
/// oldest first (a version with several notes keeps them in the file's order).
pub fn notes_between(agreement: &Agreement, from: u32, to: u32) -> Vec<Note> {
    let mut notes: Vec<Note> = agreement
        .changes
        .iter()
        .filter(|c| c.version > from && c.version <= to)
        .map(Note::of)
        .collect();
    notes.sort_by_key(|n| n.version);
    notes
}

/// The version note of `agreement` for `version`: the first `[[changes]]` entry for it.
pub fn note_for(agreement: &Agreement, version: u32) -> Option<Note> {
    agreement
        .changes
        .iter()
        .find(|c| c.version == version)
        .map(Note::of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_out_of_the_uk_and_out_of_the_eea_are_named_as_such() {
        assert_eq!(field_label("outside_uk"), "outside the UK");
        assert_eq!(field_label("outside_eea"), "outside the EEA");
    }

    fn t(s: &str) -> Value {
        Value::Text(s.to_string())
    }
    fn table(fields: &[(&str, Value)]) -> Value {
        Value::Table(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    fn diff(old: &Value, new: &Value) -> Vec<(Kind, String, String)> {
        let mut out = Vec::new();
        walk(&mut Vec::new(), old, new, &mut out);
        out.into_iter()
            .map(|c| (c.kind, c.path, c.clause))
            .collect()
    }

    #[test]
    fn the_model_keeps_its_field_order_and_vocabulary_values_become_terms() {
        #[derive(serde::Serialize)]
        struct M {
            zebra: u32,
            apple: Option<String>,
            kind: &'static crate::vocab::Entry,
        }
        let entry = crate::vocab::Entry {
            id: "e".into(),
            label: "Art 6(1)(e) public task".into(),
            wording: "w".into(),
            dpv: None,
            needs_schedule1: false,
            satisfies: vec![],
            source: None,
            policy: None,
            part: None,
            paragraph: None,
            policy_document: false,
            ireland: None,
            uk_only: false,
        };
        let leaked: &'static crate::vocab::Entry = Box::leak(Box::new(entry));
        let v = value_of(&M {
            zebra: 1,
            apple: None,
            kind: leaked,
        })
        .unwrap();
        assert_eq!(
            v,
            table(&[
                ("zebra", Value::Int(1)),
                ("apple", Value::Null),
                (
                    "kind",
                    Value::Term {
                        id: "e".into(),
                        label: "Art 6(1)(e) public task".into()
                    }
                ),
            ])
        );
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"zebra":1,"kind":"e"}"#
        );
    }

    #[test]
    fn keyed_lists_match_entries_by_key_and_name_them() {
        let party = |id: &str, name: &str| table(&[("id", t(id)), ("name", t(name))]);
        let old = table(&[(
            "parties",
            Value::List(vec![party("a-org", "A"), party("b-org", "B")]),
        )]);
        let new = table(&[(
            "parties",
            Value::List(vec![party("b-org", "B2"), party("c-org", "C")]),
        )]);
        assert_eq!(
            diff(&old, &new),
            vec![
                (
                    Kind::Removed,
                    "parties[a-org]".into(),
                    "Parties — a-org (A)".into()
                ),
                (
                    Kind::Changed,
                    "parties[b-org].name".into(),
                    "Parties — b-org (B2) — name".into()
                ),
                (
                    Kind::Added,
                    "parties[c-org]".into(),
                    "Parties — c-org (C)".into()
                ),
            ]
        );
    }

    #[test]
    fn escalation_steps_are_ordered_and_definitions_keyed_by_term() {
        let steps = |s: &[&str]| {
            table(&[(
                "disputes",
                table(&[("escalation", Value::List(s.iter().map(|x| t(x)).collect()))]),
            )])
        };
        assert!(diff(&steps(&["a", "b"]), &steps(&["a", "b"])).is_empty());
        assert_eq!(
            diff(&steps(&["a", "b"]), &steps(&["b", "a"])),
            vec![(
                Kind::Changed,
                "disputes.escalation".into(),
                "Disputes — escalation".into()
            )]
        );
        let defs = |meaning: &str| {
            table(&[(
                "definitions",
                Value::List(vec![table(&[
                    ("term", t("Shared data")),
                    ("meaning", t(meaning)),
                ])]),
            )])
        };
        assert_eq!(
            diff(&defs("x"), &defs("y")),
            vec![(
                Kind::Changed,
                "definitions[Shared data].meaning".into(),
                "Definitions — definition of “Shared data” — meaning".into()
            )]
        );
    }

    #[test]
    fn data_flows_are_keyed_by_sender_and_recipient() {
        let flow = |from: &str, to: &str, frequency: &str| {
            table(&[
                ("from", t(from)),
                ("to", t(to)),
                ("method", t("SFTP")),
                ("frequency", t(frequency)),
            ])
        };
        let data = |flows: Vec<Value>| table(&[("data", table(&[("flows", Value::List(flows))]))]);
        let old = data(vec![flow("a", "b", "Daily"), flow("b", "a", "Weekly")]);
        let new = data(vec![flow("b", "a", "Monthly"), flow("a", "b", "Daily")]);
        assert_eq!(
            diff(&old, &new),
            vec![(
                Kind::Changed,
                "data.flows[b → a].frequency".into(),
                "Data — flow b → a — frequency".into()
            )]
        );
    }

    #[test]
    fn other_lists_are_sets_of_values() {
        let old = table(&[(
            "purpose",
            table(&[("benefits", Value::List(vec![t("x"), t("y"), t("y")]))]),
        )]);
        let reordered = table(&[(
            "purpose",
            table(&[("benefits", Value::List(vec![t("y"), t("x"), t("y")]))]),
        )]);
        assert!(diff(&old, &reordered).is_empty());
        let new = table(&[(
            "purpose",
            table(&[("benefits", Value::List(vec![t("y"), t("z")]))]),
        )]);
        assert_eq!(
            diff(&old, &new),
            vec![
                (
                    Kind::Removed,
                    "purpose.benefits".into(),
                    "Purpose — benefits".into()
                ),
                (
                    Kind::Removed,
                    "purpose.benefits".into(),
                    "Purpose — benefits".into()
                ),
                (
                    Kind::Added,
                    "purpose.benefits".into(),
                    "Purpose — benefits".into()
                ),
            ]
        );
    }

    #[test]
    fn paths_and_clauses_follow_the_file() {
        let rule = |p: &str, period: &str| table(&[("party", t(p)), ("period", t(period))]);
        let old = table(&[
            ("title", t("T")),
            (
                "retention",
                Value::List(vec![rule("essex-county-council", "8 years")]),
            ),
            (
                "lawful_basis",
                table(&[
                    ("confidentiality", t("implied-consent")),
                    ("s251_reference", Value::Null),
                ]),
            ),
            (
                "changes",
                Value::List(vec![table(&[
                    ("version", Value::Int(1)),
                    ("change_type", t("new")),
                ])]),
            ),
        ]);
        let new = table(&[
            ("title", t("T2")),
            (
                "retention",
                Value::List(vec![rule("essex-county-council", "9 years")]),
            ),
            (
                "lawful_basis",
                table(&[
                    ("confidentiality", t("s251")),
                    ("s251_reference", t("24/CAG/0157")),
                ]),
            ),
            (
                "changes",
                Value::List(vec![table(&[
                    ("version", Value::Int(1)),
                    ("change_type", t("minor")),
                ])]),
            ),
        ]);
        assert_eq!(
            diff(&old, &new),
            vec![
                (
                    Kind::Changed,
                    "agreement.title".into(),
                    "Agreement — title".into()
                ),
                (
                    Kind::Changed,
                    "retention.rules[essex-county-council].period".into(),
                    "Retention — rule for essex-county-council — period".into()
                ),
                (
                    Kind::Changed,
                    "lawful_basis.confidentiality".into(),
                    "Lawful basis — common-law confidentiality basis".into()
                ),
                (
                    Kind::Added,
                    "lawful_basis.s251_reference".into(),
                    "Lawful basis — s251 reference".into()
                ),
                (
                    Kind::Changed,
                    "changes[1].type".into(),
                    "Change notes — v1 — type".into()
                ),
            ]
        );
    }

    #[test]
    fn repeated_or_missing_keys_still_name_each_entry() {
        let item = |name: Value| table(&[("name", name)]);
        let keys: Vec<String> = keyed(&[item(t("x")), item(t("x")), item(Value::Null)], "name")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["x", "x (2)", "#3"]);
    }

    #[test]
    fn plain_values_read_as_words() {
        let v = table(&[
            ("name", t("NHS number")),
            (
                "special_category",
                Value::Term {
                    id: "health".into(),
                    label: "Health".into(),
                },
            ),
            ("caldicott_guardian", Value::Null),
        ]);
        assert_eq!(
            v.plain(),
            "name: NHS number; special category: health (Health)"
        );
        assert_eq!(Value::List(vec![t("a"), Value::Int(2)]).plain(), "a; 2");
    }
}
