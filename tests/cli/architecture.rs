//! The layering ARCHITECTURE.md promises, checked on the source: no import cycles between
//! modules, clap only in `src/commands/` (and the binary), git2 only in `src/git.rs`, the
//! terminal only in `src/term.rs`. A cycle or a stray import fails here with the modules named.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its module path (`signing::verify`; `lib.rs` is empty).
fn modules() -> BTreeMap<Vec<String>, (PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = repo().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let mut segs: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                segs.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                segs.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            (segs, (path, text))
        })
        .collect()
}

/// The production part of a file: everything before its first `#[cfg(test)]`.
fn production(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// The modules a file refers to through `crate::` paths (the longest prefix that is a module;
/// `use crate::{a, b::c}` groups included) and `super::` paths.
fn imports(
    me: &[String],
    text: &str,
    known: &BTreeSet<Vec<String>>,
    is_mod_rs: bool,
) -> BTreeSet<Vec<String>> {
    let resolve = |segs: Vec<String>| -> Option<Vec<String>> {
        (1..=segs.len())
            .rev()
            .map(|n| segs[..n].to_vec())
            .find(|p| known.contains(p))
    };
    let mut out = BTreeSet::new();
    let text = production(text);
    for (i, _) in text.match_indices("crate::") {
        for path in expand(&text[i + "crate::".len()..]) {
            out.extend(resolve(path));
        }
    }
    let parent: Vec<String> = if is_mod_rs || me.is_empty() {
        me.iter()
            .take(me.len().saturating_sub(1))
            .cloned()
            .collect()
    } else {
        me[..me.len() - 1].to_vec()
    };
    for (i, _) in text.match_indices("super::") {
        for path in expand(&text[i + "super::".len()..]) {
            let mut segs = parent.clone();
            segs.extend(path);
            out.extend(resolve(segs));
        }
    }
    out.remove(me);
    out.remove(&Vec::new());
    out
}

/// The paths a use-tree starting at `s` names: `a::b::C` is one; `a::{b, c::{d, e}}` is three.
fn expand(s: &str) -> Vec<Vec<String>> {
    let mut segs = Vec::new();
    let mut rest = s;
    loop {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if word.is_empty() {
            break;
        }
        rest = &rest[word.len()..];
        if word != "self" {
            segs.push(word);
        }
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => return vec![segs],
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Split the group at its top-level commas.
            let (mut depth, mut start, mut parts) = (0usize, 0usize, Vec::new());
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        parts.push(&group[start..i]);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        parts.push(&group[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return parts
                .into_iter()
                .flat_map(|part| expand(part.trim()))
                .map(|tail| segs.iter().cloned().chain(tail).collect())
                .collect();
        }
    }
    vec![segs]
}

#[test]
fn there_are_no_import_cycles_between_modules() {
    let modules = modules();
    let known: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    let graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = modules
        .iter()
        .map(|(me, (path, text))| {
            let is_mod_rs = path.file_name().is_some_and(|n| n == "mod.rs");
            (me.clone(), imports(me, text, &known, is_mod_rs))
        })
        .collect();
    // A module is on a cycle when it can reach itself.
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Vec<String>> = graph[start].iter().collect();
        while let Some(m) = stack.pop() {
            if m == start {
                cycles.push(start.join("::"));
                break;
            }
            if seen.insert(m) {
                stack.extend(graph.get(m).into_iter().flatten());
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules on an import cycle: {cycles:?}; see ARCHITECTURE.md, \"Layers\""
    );
    // The check sees imports: `agreement::validate` uses `rules::content`, which uses the model.
    let validate = &graph[&vec!["agreement".to_string(), "validate".to_string()]];
    assert!(validate.contains(&vec!["rules".to_string(), "content".to_string()]));
}

/// Files outside `allowed` (paths relative to src/) that mention `needle` in production code.
fn offenders(needle: &str, allowed: &[&str]) -> Vec<String> {
    let src = repo().join("src");
    modules()
        .values()
        .filter(|(path, text)| {
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            !allowed.iter().any(|a| rel.starts_with(a)) && production(text).contains(needle)
        })
        .map(|(path, _)| path.display().to_string())
        .collect()
}

#[test]
fn clap_git2_and_the_terminal_each_have_one_home() {
    assert_eq!(
        offenders("clap", &["commands/", "main.rs"]),
        Vec::<String>::new(),
        "the library takes plain values; clap belongs in src/commands/"
    );
    assert_eq!(offenders("git2", &["git.rs"]), Vec::<String>::new());
    for terminal in [
        "anstream",
        "anstyle",
        "println!",
        "eprintln!",
        "std::io::stdout",
        "std::io::stderr",
    ] {
        assert_eq!(
            offenders(terminal, &["term.rs"]),
            Vec::<String>::new(),
            "{terminal} outside src/term.rs"
        );
    }
}
