//! Validation: from the bytes of an agreement file to findings and, when the structure is
//! complete, a domain [`Agreement`]. Three stages: parse (TOML syntax, floats, unknown keys; this
//! file), structure (every required part present, typed, filled in, in its vocabulary;
//! `structure.rs`), and content (the cross-clause rules of the policy and the law, each a
//! function in `rules/content/`). Every finding carries the line and column of the value it is
//! about, found through the spanned document parsed once here.

use super::capped::Capped;
use super::locate::{Locator, Path, PlaceOffsets, Skeleton};
use super::model::Agreement;
use super::raw;
use super::structure::Cx;
use crate::config::Config;
use crate::diagnostics::{Finding, Scope};
use crate::rules::{content, file};
use crate::source::SourceFile;
use toml::de::DeTable;

pub use super::structure::SCHEMA_VERSION;

/// What validating one agreement file gives.
#[derive(Debug, Clone, Default)]
pub struct Validated {
    /// The agreement, when its structure is complete (content findings may still exist).
    pub agreement: Option<Agreement>,
    /// Findings with the workspace's severities applied, sorted by position; at most
    /// `[limits] max_findings_per_file` of them, then one DP021 saying how many more there were.
    pub findings: Vec<Finding>,
    /// Where the values later stages report on are.
    pub place_offsets: PlaceOffsets,
}

/// Validates one agreement's source. `expected_id` is the id implied by the file name.
pub fn validate(
    source: &SourceFile,
    expected_id: Option<&str>,
    config: &Config,
    scope: Scope,
) -> Validated {
    let mut out = Validated::default();
    let mut found = Capped::new(config);
    for f in &source.findings {
        found.push(f.clone());
    }
    let Some(text) = source.text.as_deref() else {
        out.findings = found.finish(&source.display);
        return out;
    };
    if let Some(offset) = nesting_too_deep(text) {
        found.push(Finding::new(
            &file::TOML_SYNTAX,
            &source.display,
            source.position(offset),
            format!("invalid TOML: values are nested more than {MAX_NESTING} levels deep (`[` or `{{` inside one another)"),
            "an agreement needs at most three levels; look for unclosed or repeated brackets at this line",
        ));
        out.findings = found.finish(&source.display);
        return out;
    }
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let pos = source.position(e.span().map_or(0, |s| s.start));
            found.push(Finding::new(
                &file::TOML_SYNTAX,
                &source.display,
                pos,
                format!("invalid TOML: {}", e.message().trim()),
                file::TOML_SYNTAX.hint,
            ));
            out.findings = found.finish(&source.display);
            return out;
        }
    };
    // Findings point at values long after the document has gone to the typed reader: its
    // shape and spans are kept, rather than a copy of it.
    let skeleton = Skeleton::of(&root);
    let at = Locator::new(source, &skeleton);
    out.place_offsets = at.places();
    let mut cx = Cx {
        src: source,
        at,
        findings: found,
        broken: false,
        policy: config.policy().clone(),
        workspace_policy: config.policy(),
        jurisdiction: crate::vocab::Jurisdiction::Uk,
        undecided: Default::default(),
    };
    cx.scan_values(root.get_ref(), &Path::root());

    // The keys the typed reading will pass over, found by walking the document against the
    // shape the types ask for (cheaper than watching the reading do it).
    let unknown = raw::unknown_keys(root.get_ref());
    let de = toml::de::Deserializer::from(root);
    let raw: raw::RawFile = match serde::Deserialize::deserialize(de) {
        Ok(raw) => raw,
        Err(e) => {
            let pos = source.position(e.span().map_or(0, |s| s.start));
            cx.push(
                &file::SCHEMA_SHAPE,
                pos,
                format!(
                    "cannot read the agreement: {}",
                    plain_shape_message(e.message())
                ),
                file::SCHEMA_SHAPE.hint,
            );
            out.findings = cx.findings.finish(&source.display);
            return out;
        }
    };
    for path in &unknown {
        cx.unknown_key(path);
    }
    let agreement = cx.build(&raw, expected_id);
    let policy = cx.policy;
    let mut findings = cx.findings;
    // Content rules need every part in place; with structural errors they would only add noise,
    // except the conditional requirements, reported where what they read could be read.
    if let Some(a) = agreement {
        let undecided = cx.broken.then_some(&cx.undecided);
        for f in content::run(&a, config, &policy, scope, at, &source.display, undecided) {
            findings.push(f);
        }
        out.agreement = (!cx.broken).then_some(a);
    }
    out.findings = findings.finish(&source.display);
    out
}

/// How deeply arrays and inline tables may nest. The format needs three levels; the TOML parser
/// gives up near fifty with a misleading message, so deeper input is refused first, plainly.
pub const MAX_NESTING: usize = 32;

/// The byte offset of the first `[` or `{` that opens a level deeper than [`MAX_NESTING`],
/// skipping strings and comments. A cheap scan, run before parsing: outside strings and
/// comments byte by byte, inside them (most of an agreement's text) from one stop to the next
/// with `memchr`.
fn nesting_too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let triple = |i: usize, q: u8| b.get(i..i + 3) == Some(&[q, q, q][..]);
    // The offset of the first of `stops` at or after `from` that no backslash escapes (a
    // backslash skips the byte after it when `escapes`), or the end of the text.
    let stop = |from: usize, escapes: bool, find: &dyn Fn(&[u8]) -> Option<usize>| {
        let mut j = from;
        loop {
            match b.get(j..).and_then(find).map(|k| j + k) {
                Some(k) if escapes && b[k] == b'\\' => j = k + 2,
                Some(k) => return k,
                None => return b.len(),
            }
        }
    };
    // The offset of the last quote of the first `q q q` at or after `from` (backslashes
    // skipping a byte when `escapes`), or the end of the text.
    let close = |from: usize, q: u8, escapes: bool| {
        let mut j = from;
        loop {
            let k = if escapes {
                stop(j, true, &|s| memchr::memchr2(q, b'\\', s))
            } else {
                stop(j, false, &|s| memchr::memchr(q, s))
            };
            if k >= b.len() || triple(k, q) {
                return k + 2;
            }
            j = k + 1;
        }
    };
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'#' => i = stop(i + 1, false, &|s| memchr::memchr(b'\n', s)),
            b'"' if triple(i, b'"') => i = close(i + 3, b'"', true),
            b'"' => i = stop(i + 1, true, &|s| memchr::memchr3(b'"', b'\\', b'\n', s)),
            b'\'' if triple(i, b'\'') => i = close(i + 3, b'\'', false),
            b'\'' => i = stop(i + 1, false, &|s| memchr::memchr2(b'\'', b'\n', s)),
            c if too_deep_after(&mut depth, c) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Counts the byte `c` (outside strings and comments) into `depth`: `[` or `{` opens a level,
/// `]` or `}` closes one. Whether it opened a level deeper than [`MAX_NESTING`].
fn too_deep_after(depth: &mut usize, c: u8) -> bool {
    match c {
        b'[' | b'{' => {
            *depth += 1;
            *depth > MAX_NESTING
        }
        b']' | b'}' => {
            *depth = depth.saturating_sub(1);
            false
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The keys serde itself passes over when it reads `text` as an agreement (serde_ignored
    /// watching it), as [`raw::unknown_keys`] names them; `None` when the text is not an
    /// agreement serde can read.
    fn ignored_by_serde(text: &str) -> Option<Vec<Vec<String>>> {
        fn walk(p: &serde_ignored::Path<'_>, out: &mut Vec<String>) {
            use serde_ignored::Path as P;
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
        let root = DeTable::parse(text).ok()?;
        let mut ignored = Vec::new();
        let de = toml::de::Deserializer::from(root);
        serde_ignored::deserialize::<_, _, raw::RawFile>(de, |p| {
            let mut path = Vec::new();
            walk(&p, &mut path);
            ignored.push(path);
        })
        .ok()?;
        Some(ignored)
    }

    fn unknown_by_walk(text: &str) -> Vec<Vec<String>> {
        raw::unknown_keys(DeTable::parse(text).unwrap().get_ref())
    }

    const EXAMPLE: &str = include_str!("../../agreements/icb-ecc-adult-social-care.toml");

    /// Each example agreement has no unknown key, by the walk or by serde.
    #[test]
    fn the_examples_have_no_unknown_keys() {
        for text in [
            EXAMPLE,
            include_str!("../../agreements/essex-homelessness-statistics.toml"),
            include_str!("../../agreements/essex-social-housing-evictions.toml"),
            include_str!("../../agreements/gp-icb-population-health-research.toml"),
            include_str!("../../agreements/mhclg-homelessness-case-level-collection.toml"),
            include_str!("../../agreements/mse-hospital-police-safeguarding.toml"),
        ] {
            assert_eq!(ignored_by_serde(text), Some(Vec::new()));
            assert!(unknown_by_walk(text).is_empty());
        }
    }

    #[test]
    fn unknown_keys_are_named_by_their_paths() {
        let text = format!(
            "{EXAMPLE}\n[purpose.extra]\nx = 1\n[[parties]]\nbogus = 1\n[parties.dpo]\nwho = 2\n[zzz]\na = {{ b = 1 }}\n"
        );
        let parties = DeTable::parse(EXAMPLE).unwrap().get_ref()["parties"]
            .get_ref()
            .as_array()
            .unwrap()
            .len();
        let party = format!("#{parties}");
        let expected: Vec<Vec<String>> = vec![
            vec!["parties".into(), party.clone(), "bogus".into()],
            vec!["parties".into(), party, "dpo".into(), "who".into()],
            vec!["purpose".into(), "extra".into()],
            vec!["zzz".into()],
        ];
        let mut walked = unknown_by_walk(&text);
        walked.sort();
        assert_eq!(walked, expected);
    }

    /// Keys known somewhere and unknown, placed at random in tables and lists of tables.
    fn additions() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "type", "id", "name", "dpo", "review", "items", "rules", "bogus", "x", "mailbox",
        ]);
        let table = prop::sample::select(vec![
            "[purpose.{k}]",
            "[zzz]",
            "[dates.{k}]",
            "[[parties]]",
            "[parties.{k}]",
            "[[changes]]",
            "[[data.items]]",
            "[data.{k}]",
            "[[risk.risks]]",
            "[retention.{k}]",
            "[[retention.rules]]",
        ]);
        let lines = (
            key.clone(),
            prop::sample::select(vec!["1", "\"t\"", "{ a = 1 }", "[{ b = 2 }]"]),
        )
            .prop_map(|(k, v)| format!("{k} = {v}"));
        let block = (table, key, prop::collection::vec(lines, 0..4))
            .prop_map(|(t, k, ls)| format!("{}\n{}\n", t.replace("{k}", k), ls.join("\n")));
        prop::collection::vec(block, 0..6).prop_map(|bs| bs.concat())
    }

    proptest! {
        /// The walk for unknown keys finds exactly the keys serde passes over, in its order,
        /// whatever is added to an agreement (texts serde cannot read aside).
        #[test]
        fn the_walk_finds_the_keys_serde_passes_over(added in additions()) {
            let text = format!("{EXAMPLE}\n{added}");
            let ignored = ignored_by_serde(&text);
            prop_assume!(ignored.is_some(), "not an agreement serde reads");
            prop_assert_eq!(unknown_by_walk(&text), ignored.unwrap());
        }
    }

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

    /// The scan as first written, one byte at a time with a state for each kind of string: the
    /// oracle [`nesting_too_deep`] (which jumps through strings and comments) must agree with.
    fn nesting_one_byte_at_a_time(text: &str) -> Option<usize> {
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
                    _ if too_deep_after(&mut depth, c) => return Some(i),
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

    proptest::proptest! {
        #[test]
        fn the_nesting_scan_jumping_through_strings_agrees_with_one_byte_at_a_time(
            open in 0usize..40,
            text in "[\\[\\]{}\"'#\\\\\na= ]{0,200}"
        ) {
            // Opened brackets first, so the texts come near the limit.
            let text = format!("x = {}{text}", "[".repeat(open));
            proptest::prop_assert_eq!(nesting_too_deep(&text), nesting_one_byte_at_a_time(&text));
        }
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
}
