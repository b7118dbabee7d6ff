//! JSON Schemas (draft-07, the newest draft Taplo and VS Code's Even Better TOML support) of the
//! files people write by hand: an agreement, `datapact.toml` and a trust store file. Each is
//! derived with `schemars` from the very types that read the file (`agreement::raw`, `config`,
//! `signing::trust`), so keys, types and descriptions (the field docs) cannot drift from the tool;
//! the vocabularies of `vocab::USED_BY` are then set on their fields as enums, each value's label
//! and wording its description. Unknown keys are refused (`additionalProperties: false`) as the
//! tool refuses them (DP010, and the settings and trust store parsers).
//!
//! A schema says what a user writes in TOML, nothing more: the rules that tie values together
//! (dates in order, a Caldicott Guardian for a health body...) are validation's. A quoted date is
//! a string to JSON Schema, so only `datapact validate` tells it from a date.
//!
//! `datapact init` and `datapact schema --write` put the schemas in the workspace's
//! [`SCHEMA_DIR`], with a Taplo configuration ([`TAPLO_CONFIG`]) that validates with them but never
//! formats agreements, statements or keys (their bytes are signed); `datapact new` points an
//! agreement at its schema with Taplo's `#:schema` directive ([`directive`]).

use crate::agreement::raw::RawFile;
use crate::config::Config;
use crate::error::Result;
use crate::gate::{self, FileKind, Kind, Overwrite};
use crate::policy::{Policy, Profile};
use crate::vocab::{self, Entry};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// The folder of the workspace that holds the schemas.
pub const SCHEMA_DIR: &str = ".datapact";

/// Taplo's configuration file, at the workspace root.
pub const TAPLO_CONFIG: &str = ".taplo.toml";

/// The Taplo configuration `init` writes (and `schema --write` when there is none): every file
/// checked against its schema, none formatted. A signed file reformatted is a changed file (every
/// signature on it DP201), so `formatting` is never applied to agreements, statements or keys;
/// the top-level `exclude` would stop Taplo checking them too, which is why it is not used.
pub const TAPLO_CONFIG_TOML: &str = r#"# Taplo (the taplo CLI, VS Code's Even Better TOML): check datapact's files against their
# schemas while typing. Written by `datapact init`; `datapact schema --write` brings the schemas in
# .datapact/ up to date with the datapact you run.
#
# Agreements and trust store files are signed or hashed byte for byte: reformatting a signed file
# changes its bytes and every signature on it becomes DP201. Taplo cannot check a file without
# being allowed to format it, so the options below make its formatter leave files in datapact's
# layout as they are (no re-wrapping of long arrays, no collapsing, no alignment). It still evens
# out spacing someone typed by hand: turn off format-on-save for TOML (docs/editors.md), and
# never format a file after it is signed. Statements and signatures (signatures/) are never
# edited by hand, so Taplo leaves them out.
include = ["agreements/**/*.toml", "keys/**/*.toml", "datapact.toml"]
exclude = ["signatures/**"]

[formatting]
align_entries = false
align_comments = false
array_auto_expand = false
array_auto_collapse = false
inline_table_expand = false
column_width = 100000
allowed_blank_lines = 100
reorder_keys = false
reorder_arrays = false

[[rule]]
include = ["agreements/**/*.toml"]
schema = { path = "./.datapact/agreement.schema.json" }

[[rule]]
include = ["keys/**/*.toml"]
schema = { path = "./.datapact/keys.schema.json" }

[[rule]]
include = ["datapact.toml"]
schema = { path = "./.datapact/workspace.schema.json" }
"#;

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// An agreement, `agreements/<id>.toml`.
    Agreement,
    /// The workspace settings, `datapact.toml`.
    Workspace,
    /// A trust store file, `keys/<party>.toml`.
    Keys,
}

impl Which {
    pub const ALL: [Which; 3] = [Which::Agreement, Which::Workspace, Which::Keys];

    pub fn as_str(self) -> &'static str {
        match self {
            Which::Agreement => "agreement",
            Which::Workspace => "workspace",
            Which::Keys => "keys",
        }
    }

    /// The schema's file name in [`SCHEMA_DIR`].
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.as_str())
    }

    fn title(self) -> &'static str {
        match self {
            Which::Agreement => "datapact agreement (agreements/<id>.toml, format 1)",
            Which::Workspace => "datapact workspace settings (datapact.toml)",
            Which::Keys => "datapact trust store file (keys/<party>.toml)",
        }
    }
}

/// The schema of `which` as pretty JSON, ending in a line break. `policy` is the workspace's: its
/// own consent exceptions join the built-in profiles' in `consent.exception`.
pub fn text(which: Which, policy: &Policy) -> String {
    let mut s = serde_json::to_string_pretty(&generate(which, policy)).unwrap_or_default();
    s.push('\n');
    s
}

/// The schema of `which` as a JSON value.
pub fn generate(which: Which, policy: &Policy) -> Value {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    let generator = settings.into_generator();
    let schema = match which {
        Which::Agreement => generator.into_root_schema_for::<RawFile>(),
        Which::Workspace => generator.into_root_schema_for::<Config>(),
        Which::Keys => generator.into_root_schema_for::<crate::signing::trust::RawFile>(),
    };
    let mut value = schema.to_value();
    tidy(&mut value);
    if let Some(root) = value.as_object_mut() {
        root.insert("title".into(), Value::from(which.title()));
        root.insert(
            "description".into(),
            Value::from(format!(
                "Generated by datapact {} (`datapact schema {}`); docs/format.md describes every key.",
                env!("CARGO_PKG_VERSION"),
                which.as_str()
            )),
        );
    }
    if which == Which::Agreement {
        for (list, field) in vocab::USED_BY {
            if *field != "consent.exception" {
                set_enum(&mut value, field, list().entries.iter());
            }
        }
        let exceptions = Profile::ALL
            .iter()
            .flat_map(|p| p.consent_exceptions().entries.iter())
            .chain(policy.consent_exceptions.entries.iter());
        set_enum(&mut value, "consent.exception", exceptions);
    }
    value
}

/// Every object schema with properties refuses other keys, as the tool does; TOML has no null,
/// so the `null` schemars allows for an optional key is dropped, and so is the integer format it
/// adds (`int64`), which Taplo does not know.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    m.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = m.get_mut("anyOf") {
                any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
                if any.len() == 1 {
                    let only = any.remove(0);
                    m.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, v) in inner {
                            m.entry(k).or_insert(v);
                        }
                    }
                }
            }
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            if m.get("format").and_then(Value::as_str).is_some_and(|f| {
                matches!(
                    f,
                    "int64" | "uint" | "uint32" | "uint64" | "uint8" | "int32"
                )
            }) {
                m.remove("format");
            }
            // Rust's doc links (`[`TERM_MONTHS_CEILING`]`) read as plain code in an editor.
            if let Some(Value::String(d)) = m.get_mut("description") {
                *d = d.replace("[`", "`").replace("`]", "`");
            }
            m.values_mut().for_each(tidy);
        }
        Value::Array(a) => a.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// The schema of the key at `field` (`parties[].role`, `purpose.categories`): the string it
/// holds, or each string of the list it holds, becomes one of `entries`' ids.
fn set_enum<'a>(root: &mut Value, field: &str, entries: impl Iterator<Item = &'a Entry>) {
    let mut at = Some(root);
    for part in field.split('.') {
        let (key, each) = match part.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (part, false),
        };
        at = at
            .and_then(|v| v.get_mut("properties"))
            .and_then(|p| p.get_mut(key));
        if each {
            at = at.and_then(|v| v.get_mut("items"));
        }
    }
    let Some(mut target) = at else { return };
    if target.get("type").and_then(Value::as_str) == Some("array") {
        match target.get_mut("items") {
            Some(items) => target = items,
            None => return,
        }
    }
    let Some(obj) = target.as_object_mut() else {
        return;
    };
    let mut ids: Vec<Value> = Vec::new();
    let mut docs: Vec<Value> = Vec::new();
    for e in entries {
        if ids.iter().any(|id| id == e.id.as_str()) {
            continue;
        }
        let doc = format!("{}: {}", e.label, e.wording);
        ids.push(Value::from(e.id.as_str()));
        docs.push(Value::from(doc));
    }
    obj.insert("enum".into(), Value::Array(ids));
    // Taplo (Even Better TOML) shows each value's label and wording beside it as it offers it.
    // (Not also an `anyOf` of `const`s with descriptions: every wrong value would then be
    // reported twice.)
    let mut taplo = Map::new();
    taplo.insert("docs".into(), json!({ "enumValues": docs }));
    obj.insert("x-taplo".into(), Value::Object(taplo));
}

/// What the `#:schema` directive `new` writes as an agreement's first line names: the
/// workspace's schema, relative to `agreements/` (Taplo resolves it from the file's folder), so
/// it works offline and is the schema of the datapact that wrote it.
pub fn directive_target() -> String {
    format!("../{SCHEMA_DIR}/{}", Which::Agreement.file_name())
}

/// Where the schema of `which` is in the workspace at `root`.
pub fn path(root: &Path, which: Which) -> PathBuf {
    root.join(SCHEMA_DIR).join(which.file_name())
}

/// What [`write`] did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    Unchanged,
    /// An existing file left as it was (the Taplo configuration is the user's once written).
    Kept,
}

/// Writes the three schemas into the workspace at `root` (atomically, through the gate), and
/// the Taplo configuration when there is none. Returns each file with what was done.
pub fn write(root: &Path, policy: &Policy) -> Result<Vec<(PathBuf, Written)>> {
    let mut done = Vec::new();
    for which in Which::ALL {
        let path = path(root, which);
        let wanted = text(which, policy);
        let state = match gate::kind_of(root, &path)? {
            Kind::Missing => Written::Created,
            _ if gate::read(root, &path, FileKind::Schema)? == wanted.as_bytes() => {
                Written::Unchanged
            }
            _ => Written::Updated,
        };
        if state != Written::Unchanged {
            gate::write_atomic(root, &path, wanted.as_bytes(), Overwrite::Allow)?;
        }
        done.push((path, state));
    }
    let taplo = root.join(TAPLO_CONFIG);
    if gate::kind_of(root, &taplo)? == Kind::Missing {
        gate::write_atomic(
            root,
            &taplo,
            TAPLO_CONFIG_TOML.as_bytes(),
            Overwrite::Refuse,
        )?;
        done.push((taplo, Written::Created));
    } else {
        done.push((taplo, Written::Kept));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_are_enums_and_unknown_keys_refused() {
        let v = generate(Which::Agreement, &Policy::default());
        let role = &v["properties"]["parties"]["items"]["properties"]["role"];
        assert!(
            role["enum"]
                .as_array()
                .unwrap()
                .contains(&"controller".into())
        );
        let art6 = &v["properties"]["lawful_basis"]["properties"]["article6"]["items"];
        assert!(art6["enum"].as_array().unwrap().contains(&"e".into()));
        let exc = &v["properties"]["consent"]["properties"]["exception"]["enum"];
        assert!(
            exc.as_array()
                .unwrap()
                .contains(&"protect-from-harm".into())
        );
        assert_eq!(v["additionalProperties"], Value::Bool(false));
        assert_eq!(
            v["properties"]["dates"]["additionalProperties"],
            Value::Bool(false)
        );
        assert!(toml::from_str::<toml::Table>(TAPLO_CONFIG_TOML).is_ok());
    }
}
