//! The invalid fixtures (`tests/fixtures/invalid/<CODE>-<what>.patch.toml`): each is a small
//! patch on one of the repository's example agreements, applied here with `toml_edit` so the
//! example's comments and layout are kept and the finding's position is realistic. A change of
//! the agreement format then touches the examples (or this helper), not every fixture.
//!
//! A patch file:
//!
//! ```toml
//! # DP101: what the change breaks and why any second edit is needed (a comment, for readers).
//! base = "icb-ecc-adult-social-care"     # an example under agreements/, by id
//! file = "agreements/other-name.toml"    # optional: where the result is written in the workspace
//! remove = ["parties[1]", "retention.rules[0]"]   # keys, tables, array (of tables) elements
//! rename = { "agreement.reference" = "refrence" } # a key or table renamed in place
//!
//! [set]                                  # values set (replaced in place, or added at the end
//! "parties[0].dpo" = "Priya Shah"        # of their table), written as TOML values
//!
//! [[replace]]                            # a text edit of the patched text: `find` must occur
//! find = "version = 1\n"                 # exactly once; for what toml_edit cannot write
//! with = "version = 1\nversion = 2\n"    # (syntax errors, duplicate keys)
//!
//! [expect]
//! code = "DP101"
//! at = "parties"                         # the line of this key (or table header, or array
//!                                        # element) in the patched document, or
//! # at_line_with = "version = 2"         # the one line of the patched text containing this
//! also = ["DP106"]                       # optional: other codes the change may also trigger
//! ```
//!
//! Paths are dotted bare keys with array indices: `parties[1].caldicott_guardian`,
//! `data.items[2].special_category`. The edits are applied in the order `set`, `remove`
//! (in the order listed; indices refer to the document as it is when each removal is made),
//! `rename`, then the text edits (`replace` in order, then `append`). The expected line is
//! computed from the patched text, never written as a number, so it follows the example when the
//! example changes; the check against the binary's report is still exact.

use crate::common::{example, repo};
use toml_edit::{DocumentMut, Item, Key, Value};

/// An invalid fixture: the patched agreement text and what validating it must report.
#[derive(Debug)]
pub struct Fixture {
    /// The file name, `<CODE>-<what>.patch.toml`.
    pub name: String,
    /// The example the patch applies to.
    pub base: String,
    /// The agreement as written to the workspace: the example with the patch applied.
    pub text: String,
    pub code: String,
    /// The 1-based line the finding must be reported at.
    pub line: u64,
    /// How `line` was found (`at ...` or `at_line_with ...`), for failure messages.
    pub at: String,
    /// Other codes the change may also trigger.
    pub also: Vec<String>,
    /// Where to put it in the workspace: `agreements/<agreement.id>.toml` unless declared.
    pub file: String,
}

impl Fixture {
    /// The file name without `.patch.toml`: `DP101-one-party`.
    pub fn stem(&self) -> &str {
        self.name.trim_end_matches(".patch.toml")
    }
}

/// Every invalid fixture under `tests/fixtures/invalid`, sorted by file name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = repo().join("tests/fixtures/invalid");
    let mut out: Vec<Fixture> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                name.ends_with(".patch.toml"),
                "{name}: every file in tests/fixtures/invalid is a patch, <CODE>-<what>.patch.toml"
            );
            load(&name, &std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The fixture `tests/fixtures/invalid/<stem>.patch.toml`.
pub fn fixture(stem: &str) -> Fixture {
    let name = format!("{stem}.patch.toml");
    let text = std::fs::read_to_string(repo().join("tests/fixtures/invalid").join(&name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    load(&name, &text)
}

/// One step of a path: a key, or an index into an array or array of tables.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// `parties[1].caldicott_guardian` as steps.
fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        assert!(
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "path {path:?}: {part:?} is not a bare key"
        );
        steps.push(Step::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .unwrap_or_else(|| panic!("path {path:?}: unclosed ["));
            let index = rest[1..close]
                .parse()
                .unwrap_or_else(|_| panic!("path {path:?}: bad index in {part:?}"));
            steps.push(Step::Index(index));
            rest = &rest[close + 1..];
            assert!(
                rest.is_empty() || rest.starts_with('['),
                "path {path:?}: text after ] in {part:?}"
            );
        }
    }
    steps
}

/// The child `step` of `item`, without creating it (`Item::get_mut` would add a missing key).
fn child_mut<'a>(item: &'a mut Item, step: &Step) -> Option<&'a mut Item> {
    match (item, step) {
        (Item::Table(t), Step::Key(k)) => t.get_mut(k),
        (Item::Value(Value::InlineTable(t)), Step::Key(k)) => {
            t.get_key_value_mut(k).map(|(_, item)| item)
        }
        (item, Step::Index(i)) => item.get_mut(*i),
        _ => None,
    }
}

fn child<'a>(item: &'a Item, step: &Step) -> Option<&'a Item> {
    match step {
        Step::Key(k) => item.get(k.as_str()),
        Step::Index(i) => item.get(*i),
    }
    .filter(|item| !item.is_none())
}

/// The parent of `path`'s last step, and that step.
fn parent_mut<'a>(root: &'a mut Item, path: &str) -> (&'a mut Item, Step) {
    let steps = parse_path(path);
    let (last, parents) = steps.split_last().unwrap();
    let mut item = root;
    for step in parents {
        item = child_mut(item, step).unwrap_or_else(|| panic!("{path}: no {step:?}"));
    }
    (item, last.clone())
}

/// Sets the value at `path`: replaced in place keeping the old value's surrounding whitespace
/// and comment, or added at the end of its table.
fn set(root: &mut Item, path: &str, mut value: Value) {
    let (parent, last) = parent_mut(root, path);
    let slot: Option<&mut Value> = match (&mut *parent, &last) {
        (Item::Table(t), Step::Key(k)) => match t.get_mut(k) {
            Some(Item::Value(v)) => Some(v),
            Some(_) => panic!("{path}: `set` replaces values, not tables"),
            None => {
                value.decor_mut().clear();
                t.insert(k, Item::Value(value));
                return;
            }
        },
        (Item::Value(Value::InlineTable(t)), Step::Key(k)) => match t.get_mut(k) {
            Some(v) => Some(v),
            None => {
                value.decor_mut().clear();
                t.insert(k.as_str(), value);
                return;
            }
        },
        (Item::Value(Value::Array(a)), Step::Index(i)) => a.get_mut(*i),
        _ => None,
    };
    let old = slot.unwrap_or_else(|| panic!("{path}: nothing there to set"));
    let decor = old.decor().clone();
    *old = value;
    *old.decor_mut() = decor;
}

/// Removes the key, table or array element at `path`, with its own lines.
fn remove(root: &mut Item, path: &str) {
    let (parent, last) = parent_mut(root, path);
    let removed = match (parent, &last) {
        (Item::Table(t), Step::Key(k)) => t.remove(k).is_some(),
        (Item::Value(Value::InlineTable(t)), Step::Key(k)) => t.remove(k).is_some(),
        (Item::ArrayOfTables(a), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        (Item::Value(Value::Array(a)), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    };
    assert!(removed, "{path}: nothing there to remove");
}

/// Renames the key (or table) at `path` to `new`, in place: the keys after it are taken out and
/// put back, so the order and every key's formatting are kept.
fn rename(root: &mut Item, path: &str, new: &str) {
    let (parent, last) = parent_mut(root, path);
    let (Item::Table(t), Step::Key(old)) = (parent, &last) else {
        panic!("{path}: `rename` renames a key of a table");
    };
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    let at = keys
        .iter()
        .position(|k| k == old)
        .unwrap_or_else(|| panic!("{path}: nothing there to rename"));
    let moved: Vec<(Key, Item)> = keys[at..]
        .iter()
        .map(|k| t.remove_entry(k).unwrap())
        .collect();
    for (i, (key, item)) in moved.into_iter().enumerate() {
        let key = if i == 0 {
            Key::new(new)
                .with_leaf_decor(key.leaf_decor().clone())
                .with_dotted_decor(key.dotted_decor().clone())
        } else {
            key
        };
        t.insert_formatted(&key, item);
    }
}

/// A string field of the patch, if present.
fn string(doc: &DocumentMut, key: &str, name: &str) -> Option<String> {
    doc.get(key).map(|item| {
        item.as_str()
            .unwrap_or_else(|| panic!("{name}: `{key}` must be a string"))
            .to_string()
    })
}

/// A list of strings in the patch (absent: empty).
fn strings(item: Option<&Item>, what: &str, name: &str) -> Vec<String> {
    let Some(item) = item else {
        return Vec::new();
    };
    item.as_array()
        .unwrap_or_else(|| panic!("{name}: `{what}` must be an array of strings"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{name}: `{what}` must be an array of strings"))
                .to_string()
        })
        .collect()
}

/// The (key, value) pairs of a table or inline table of the patch.
fn pairs<'a>(item: Option<&'a Item>, what: &str, name: &str) -> Vec<(&'a str, &'a Item)> {
    match item {
        None => Vec::new(),
        Some(item) => item
            .as_table_like()
            .unwrap_or_else(|| panic!("{name}: `{what}` must be a table"))
            .iter()
            .collect(),
    }
}

/// Reads patch file `name` (text `patch`) and applies it to its base.
fn load(name: &str, patch: &str) -> Fixture {
    let doc: DocumentMut = patch
        .parse()
        .unwrap_or_else(|e| panic!("{name} is not TOML: {e}"));
    for (key, _) in doc.iter() {
        assert!(
            [
                "base", "file", "set", "remove", "rename", "replace", "append", "expect"
            ]
            .contains(&key),
            "{name}: unknown key `{key}`"
        );
    }
    let base =
        string(&doc, "base", name).unwrap_or_else(|| panic!("{name}: `base` names no example"));
    let base_text = example(&base);
    let text = apply(name, &base_text, &doc);

    let file = string(&doc, "file", name);
    assert!(
        text != base_text || file.is_some(),
        "{name}: the patch changes nothing"
    );

    let expect = doc
        .get("expect")
        .and_then(Item::as_table_like)
        .unwrap_or_else(|| panic!("{name}: no [expect] table"));
    let field = |k: &str| expect.get(k).and_then(|i| i.as_str()).map(str::to_string);
    for (key, _) in expect.iter() {
        assert!(
            ["code", "at", "at_line_with", "also"].contains(&key),
            "{name}: unknown key `expect.{key}`"
        );
    }
    let code = field("code").unwrap_or_else(|| panic!("{name}: no expect.code"));
    assert!(
        name.starts_with(&format!("{code}-")),
        "{name}: the file name must start with {code}-"
    );
    let (line, at) = expected_line(name, &text, expect);
    let also = strings(expect.get("also"), "expect.also", name);

    let file = file.unwrap_or_else(|| {
        let id = toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|t| t.get("agreement")?.get("id")?.as_str().map(str::to_string))
            .unwrap_or_else(|| base.clone());
        format!("agreements/{id}.toml")
    });
    Fixture {
        name: name.to_string(),
        base,
        text,
        code,
        line,
        at,
        also,
        file,
    }
}

/// The base text with the edits of patch `name` applied.
fn apply(name: &str, base_text: &str, patch: &DocumentMut) -> String {
    let mut agreement: DocumentMut = base_text.parse().unwrap();
    assert_eq!(
        agreement.to_string(),
        base_text,
        "{name}: toml_edit does not write the base back unchanged"
    );
    let root = agreement.as_item_mut();
    for (path, item) in pairs(patch.get("set"), "set", name) {
        let value = item
            .as_value()
            .unwrap_or_else(|| panic!("{name}: set {path}: write the value inline"));
        set(root, path, value.clone());
    }
    for path in strings(patch.get("remove"), "remove", name) {
        remove(root, &path);
    }
    for (path, item) in pairs(patch.get("rename"), "rename", name) {
        let new = item
            .as_str()
            .unwrap_or_else(|| panic!("{name}: rename {path}: the new name is a string"));
        rename(root, path, new);
    }
    let mut text = agreement.to_string();
    if let Some(replaces) = patch.get("replace") {
        let replaces = replaces
            .as_array_of_tables()
            .unwrap_or_else(|| panic!("{name}: `replace` must be [[replace]] tables"));
        for edit in replaces {
            let field = |k: &str| {
                edit.get(k)
                    .and_then(Item::as_str)
                    .unwrap_or_else(|| panic!("{name}: [[replace]] needs `{k}`, a string"))
            };
            let (find, with) = (field("find"), field("with"));
            assert_eq!(
                text.matches(find).count(),
                1,
                "{name}: [[replace]] find {find:?} must occur exactly once"
            );
            text = text.replacen(find, with, 1);
        }
    }
    if let Some(append) = string(patch, "append", name) {
        text.push_str(&append);
    }
    text
}

/// The line `[expect]` names in the patched `text`, and how it was found.
fn expected_line(name: &str, text: &str, expect: &dyn toml_edit::TableLike) -> (u64, String) {
    let field = |k: &str| expect.get(k).and_then(|i| i.as_str());
    match (field("at"), field("at_line_with")) {
        (Some(path), None) => (line_of_path(name, text, path), format!("at {path}")),
        (None, Some(needle)) => (
            line_with(name, text, needle),
            format!("at_line_with {needle:?}"),
        ),
        _ => panic!("{name}: [expect] needs one of `at` and `at_line_with`, strings"),
    }
}

/// The 1-based line of byte offset `at` in `text`.
fn line_at(text: &str, at: usize) -> u64 {
    text[..at].matches('\n').count() as u64 + 1
}

/// The line of `path` in `text`: a key's line (for a value), a table's header, the first header
/// of an array of tables, or an array element's line.
fn line_of_path(name: &str, text: &str, path: &str) -> u64 {
    let doc = toml_edit::Document::parse(text).unwrap_or_else(|e| {
        panic!("{name}: `at` needs the patched text to be TOML (use at_line_with): {e}")
    });
    let steps = parse_path(path);
    let (last, parents) = steps.split_last().unwrap();
    let mut parent = doc.as_item();
    for step in parents {
        parent = child(parent, step).unwrap_or_else(|| panic!("{name}: at {path}: no {step:?}"));
    }
    let target = child(parent, last).unwrap_or_else(|| panic!("{name}: at {path}: not there"));
    let span = match (target, last) {
        (Item::Table(t), _) => t.span(),
        (Item::ArrayOfTables(a), _) => a.get(0).and_then(|t| t.span()),
        (Item::Value(_), Step::Key(k)) => match parent {
            Item::Table(t) => t.key(k).and_then(Key::span),
            Item::Value(Value::InlineTable(t)) => t.key(k).and_then(Key::span),
            _ => None,
        },
        (Item::Value(v), Step::Index(_)) => v.span(),
        (Item::None, _) => None,
    }
    .filter(|span| !span.is_empty())
    .unwrap_or_else(|| panic!("{name}: at {path}: toml_edit gives no position"));
    let line = line_at(text, span.start);
    // The line found must be the one that names the key, so a wrong span cannot go unnoticed.
    if let Step::Key(k) = last {
        let shown = text.lines().nth(line as usize - 1).unwrap();
        assert!(
            shown.contains(k.as_str()),
            "{name}: at {path}: line {line} is {shown:?}"
        );
    }
    line
}

/// The line of the one line of `text` containing `needle`.
fn line_with(name: &str, text: &str, needle: &str) -> u64 {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{name}: at_line_with {needle:?} must match exactly one line, matches {}",
        hits.len()
    );
    hits[0] as u64 + 1
}

// ---- The helper's own tests ----

/// `edits` (a patch without `base`) applied to `base`, and the line `expect` (the body of an
/// `[expect]` table) names in the result.
fn apply_to(base: &str, edits: &str, expect: &str) -> (String, u64) {
    let name = "DP999-self-test.patch.toml";
    let patch: DocumentMut = format!("{edits}\n[expect]\n{expect}\n").parse().unwrap();
    let text = apply(name, base, &patch);
    let expect = patch["expect"].as_table().unwrap();
    let (line, _) = expected_line(name, &text, expect);
    (text, line)
}

const SMALL: &str = "\
# A comment that stays.
schema = 1

[agreement]
id = \"x\"   # trailing comment
reference = \"R-1\"
lead = \"a\"

[[parties]]
id = \"a\"
dpo = { name = \"A\", mailbox = \"a@x\" }

[[parties]]
id = \"b\"

[lawful_basis]
article6 = [
  \"e\",
  \"f\",
]
";

#[test]
fn patches_edit_in_place_and_positions_follow_the_edit() {
    // set: in place, the trailing comment kept; a new key goes to the end of its table.
    let (text, line) = apply_to(
        SMALL,
        "[set]\n\"agreement.id\" = \"y\"\n\"agreement.extra\" = 2\n\"parties[0].dpo.name\" = 3",
        "at = \"agreement.extra\"",
    );
    assert_eq!(
        text,
        SMALL
            .replace("id = \"x\"   #", "id = \"y\"   #")
            .replace("lead = \"a\"\n", "lead = \"a\"\nextra = 2\n")
            .replace("{ name = \"A\"", "{ name = 3")
    );
    assert_eq!(line, 8);
    // remove: a key, an array of tables element (with the blank line before it), an element.
    let (text, line) = apply_to(
        SMALL,
        "remove = [\"agreement.reference\", \"parties[1]\", \"lawful_basis.article6[0]\"]",
        "at = \"lawful_basis.article6[0]\"",
    );
    assert_eq!(
        text,
        SMALL
            .replace("reference = \"R-1\"\n", "")
            .replace("\n[[parties]]\nid = \"b\"\n", "")
            .replace("  \"e\",\n", "")
    );
    assert_eq!(line, 14);
    assert_eq!(text.lines().nth(13), Some("  \"f\","));
    // rename in place, a key and a table; positions of tables and of arrays of tables.
    let (text, line) = apply_to(
        SMALL,
        "rename = { \"agreement.reference\" = \"refrence\", \"lawful_basis\" = \"lawfull_basis\" }",
        "at = \"lawfull_basis\"",
    );
    assert_eq!(
        text,
        SMALL
            .replace("reference =", "refrence =")
            .replace("[lawful_basis]", "[lawfull_basis]")
    );
    assert_eq!(line, 16);
    assert_eq!(apply_to(SMALL, "", "at = \"parties\"").1, 9);
    assert_eq!(apply_to(SMALL, "", "at = \"parties[1]\"").1, 13);
    assert_eq!(apply_to(SMALL, "", "at = \"parties[0].dpo\"").1, 11);
    assert_eq!(apply_to(SMALL, "", "at = \"parties[0].dpo.mailbox\"").1, 11);
    assert_eq!(apply_to(SMALL, "", "at_line_with = \"R-1\"").1, 6);
}

#[test]
fn every_fixture_loads() {
    // `load` checks that toml_edit writes each base back byte for byte, that each patch changes
    // something, and that each expected position resolves to a line naming its key.
    let all = fixtures();
    assert!(all.len() >= 40, "only {} fixtures", all.len());
}
