//! Positions: paths to values in an agreement (`parties[1].id`) and where they are in the file,
//! from the spanned TOML document parsed once during validation (its [`Skeleton`], kept once the
//! document itself has gone to the typed reader). Findings point at the value
//! they are about or, for an absent value, at the nearest enclosing part that exists.

use crate::diagnostics::Position;
use crate::source::SourceFile;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A path to a value in the document: keys and array indices. Validation makes a path for every
/// value it reads (hundreds an agreement), so a path of up to [`INLINE`] parts lives inline,
/// without an allocation.
#[derive(Debug, Clone, Default)]
pub struct Path(smallvec::SmallVec<[Seg; INLINE]>);

/// The depth a [`Path`] holds without allocating: every value the format defines is at most
/// this deep (`parties[0].contacts[1].email`); only unknown keys nested deeper spill.
const INLINE: usize = 6;

#[derive(Debug, Clone)]
enum Seg {
    /// A key: borrowed when the code names it (most keys), owned when it comes from the file.
    Key(std::borrow::Cow<'static, str>),
    Index(usize),
}

impl Path {
    /// The whole document.
    pub fn root() -> Path {
        Path(smallvec::SmallVec::new())
    }
    /// A path of table keys, such as `["dates", "review"]`.
    pub fn keys(keys: &[&'static str]) -> Path {
        Path(
            keys.iter()
                .map(|k| Seg::Key(std::borrow::Cow::Borrowed(*k)))
                .collect(),
        )
    }
    /// The value under `key`: a key the code names (`"dates"`), or one from the file
    /// (`name.to_string()`), kept without copying in the first case.
    pub fn k(&self, key: impl Into<std::borrow::Cow<'static, str>>) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.into()));
        p
    }
    /// Element `index` of the list at this path.
    pub fn i(&self, index: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(index));
        p
    }
    pub fn parent(&self) -> Path {
        let mut p = self.clone();
        p.0.pop();
        p
    }
    pub fn depth(&self) -> usize {
        self.0.len()
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    /// The last key of the path (`public_authority` of `parties[0].public_authority`), as the
    /// file writes it on the key's line.
    pub fn key(&self) -> String {
        match self.0.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k),
            Seg::Index(_) => None,
        }) {
            Some(k) => k.to_string(),
            None => self.to_string(),
        }
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

/// The values of a file that could not be read as written (a blocking structural finding was
/// about them: missing, still to fill in, of the wrong type, outside their vocabulary; the table
/// of an unknown key). A value is undecided when it, a part of it, or a value holding it is one
/// of them: `parties[0]` makes `parties[0].name` undecided, and `parties[0].name` makes
/// `parties[0]`; `parties[1]` is not concerned. Each question costs a few set lookups (one per
/// level of the path), however many values are undecided.
#[derive(Debug, Default)]
pub struct Undecided {
    /// The undecided paths (their `Display` form).
    at: std::collections::HashSet<String>,
    /// Every path above an undecided one.
    above: std::collections::HashSet<String>,
}

impl Undecided {
    pub fn insert(&mut self, path: &Path) {
        self.at.insert(path.to_string());
        let mut p = path.clone();
        while !p.is_root() {
            p = p.parent();
            // Its own ancestors were added with it.
            if !self.above.insert(p.to_string()) {
                break;
            }
        }
    }

    /// Whether the value at `path` is undecided (see [`Undecided`]).
    pub fn concerns(&self, path: &Path) -> bool {
        if self.above.contains(&path.to_string()) {
            return true;
        }
        let mut p = path.clone();
        loop {
            if self.at.contains(&p.to_string()) {
                return true;
            }
            if p.is_root() {
                return false;
            }
            p = p.parent();
        }
    }
}

/// What a value of the document is, as far as finding places goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Table,
    Array,
    Scalar,
}

/// One value of a [`Skeleton`].
#[derive(Debug)]
struct Bone<'a> {
    /// Its key; empty for a list element.
    key: std::borrow::Cow<'a, str>,
    /// Where its key is; none for a list element.
    key_span: Option<std::ops::Range<usize>>,
    span: std::ops::Range<usize>,
    shape: Shape,
    /// How many values lie below it (its parts, their parts...): the bones after it that are
    /// its, skipped over to reach its next sibling.
    below: usize,
}

/// The shape of a parsed document and where each of its values and keys is, and nothing
/// else: what findings need to point at values once the document itself has been handed to
/// the typed reader. Its values in document order (a table's entries, then each entry's parts
/// after it), in one list: taken once, without copying the text.
#[derive(Debug, Default)]
pub struct Skeleton<'a> {
    bones: Vec<Bone<'a>>,
}

impl<'a> Skeleton<'a> {
    /// The skeleton of `root`.
    pub fn of(root: &Spanned<DeTable<'a>>) -> Skeleton<'a> {
        let mut s = Skeleton::default();
        s.add_table(root.get_ref());
        s
    }

    fn add_table(&mut self, table: &DeTable<'a>) {
        for (key, value) in table.iter() {
            self.add(key.get_ref().clone(), Some(key.span()), value);
        }
    }

    fn add(
        &mut self,
        key: std::borrow::Cow<'a, str>,
        key_span: Option<std::ops::Range<usize>>,
        value: &Spanned<DeValue<'a>>,
    ) {
        let at = self.bones.len();
        let shape = match value.get_ref() {
            DeValue::Table(_) => Shape::Table,
            DeValue::Array(_) => Shape::Array,
            _ => Shape::Scalar,
        };
        self.bones.push(Bone {
            key,
            key_span,
            span: value.span(),
            shape,
            below: 0,
        });
        match value.get_ref() {
            DeValue::Table(t) => self.add_table(t),
            DeValue::Array(items) => {
                for item in items {
                    self.add(std::borrow::Cow::Borrowed(""), None, item);
                }
            }
            _ => {}
        }
        self.bones[at].below = self.bones.len() - at - 1;
    }

    /// The parts directly below `parent` (the whole document's entries for none), in order.
    fn parts(&self, parent: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        let (mut next, end) = match parent {
            Some(p) => (p + 1, p + 1 + self.bones[p].below),
            None => (0, self.bones.len()),
        };
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let here = next;
                next += 1 + self.bones[here].below;
                here
            })
        })
    }

    /// The value at `path`, if present.
    fn find(&self, path: &Path) -> Option<&Bone<'a>> {
        let mut current: Option<usize> = None;
        for seg in &path.0 {
            let shape = current.map_or(Shape::Table, |c| self.bones[c].shape);
            current = Some(match seg {
                Seg::Key(k) if shape == Shape::Table => self
                    .parts(current)
                    .find(|&b| self.bones[b].key == k.as_ref())?,
                Seg::Index(i) if shape == Shape::Array => self.parts(current).nth(*i)?,
                _ => return None,
            });
        }
        current.map(|c| &self.bones[c])
    }
}

/// Finds where values are in one parsed document.
#[derive(Clone, Copy)]
pub struct Locator<'a> {
    src: &'a SourceFile,
    skeleton: &'a Skeleton<'a>,
}

impl<'a> Locator<'a> {
    pub fn new(src: &'a SourceFile, skeleton: &'a Skeleton<'a>) -> Self {
        Locator { src, skeleton }
    }

    /// Where a finding about the value at `path` points: the value, or for an absent value the
    /// nearest enclosing part that exists. Tables point at their header or key.
    pub fn pos(&self, path: &Path) -> Position {
        let mut p = path.clone();
        loop {
            if let Some(b) = self.skeleton.find(&p) {
                let offset = match &b.key_span {
                    Some(key) if b.shape == Shape::Table || p.depth() < path.depth() => key.start,
                    _ => b.span.start,
                };
                return self.src.position(offset);
            }
            if p.is_root() {
                return Position::START;
            }
            p = p.parent();
        }
    }

    /// Where the key of the value at `path` is (its value for list elements).
    pub fn key_pos(&self, path: &Path) -> Position {
        match self.skeleton.find(path).and_then(|b| b.key_span.as_ref()) {
            Some(k) => self.src.position(k.start),
            _ => self.pos(path),
        }
    }

    /// Where the value at `path` starts, or the start of the file when it is absent.
    pub fn value_pos(&self, path: &Path) -> Position {
        self.src.position(self.value_offset(path))
    }

    /// The byte offset where the value at `path` starts; 0 (the start of the file) when it is
    /// absent.
    fn value_offset(&self, path: &Path) -> usize {
        self.skeleton.find(path).map_or(0, |b| b.span.start)
    }

    /// The places later stages report on, recorded now so that nobody parses the file again.
    pub fn places(&self) -> PlaceOffsets {
        PlaceOffsets([
            self.value_offset(&Path::keys(&["agreement", "version"])),
            self.value_offset(&Path::keys(&["dates", "effective"])),
            self.value_offset(&Path::keys(&["dates", "review"])),
            self.value_offset(&Path::keys(&["dates", "expires"])),
        ])
    }
}

/// Where `agreement.version`, `dates.effective`, `dates.review` and `dates.expires` start in a
/// file, as byte offsets (0 for one that is absent): taken from the spanned document while
/// validating, turned into lines and columns ([`Places`]) only for a finding that points at
/// one, so a file with none needs no line index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlaceOffsets([usize; 4]);

impl PlaceOffsets {
    /// The places in `src`, the file the offsets were taken from.
    pub fn in_file(self, src: &SourceFile) -> Places<'_> {
        Places {
            src: Some(src),
            offsets: self,
        }
    }
}

/// Where the values that signing and expiry findings point at are in the file: the start of
/// the file for a value that is absent, and for every value when no file is given
/// ([`Places::default`], for tests of the findings themselves).
#[derive(Debug, Clone, Copy, Default)]
pub struct Places<'s> {
    src: Option<&'s SourceFile>,
    offsets: PlaceOffsets,
}

impl Places<'_> {
    fn at(&self, i: usize) -> Position {
        self.src
            .map_or(Position::START, |src| src.position(self.offsets.0[i]))
    }

    /// `agreement.version`.
    pub fn version(&self) -> Position {
        self.at(0)
    }

    /// `dates.effective`.
    pub fn effective(&self) -> Position {
        self.at(1)
    }

    /// `dates.review`.
    pub fn review(&self) -> Position {
        self.at(2)
    }

    /// `dates.expires`.
    pub fn expires(&self) -> Position {
        self.at(3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans at `path` read from the document itself, as positions were found before the
    /// [`Skeleton`]: the oracle it must agree with.
    fn in_document<'a>(
        root: &'a Spanned<DeTable<'a>>,
        path: &Path,
    ) -> Option<(Option<std::ops::Range<usize>>, &'a Spanned<DeValue<'a>>)> {
        let mut table: &DeTable<'a> = root.get_ref();
        let mut current = None;
        for seg in &path.0 {
            match seg {
                Seg::Key(k) => {
                    if let Some((_, v)) = current {
                        let v: &Spanned<DeValue<'a>> = v;
                        table = v.get_ref().as_table()?;
                    }
                    let (key, value) = table.iter().find(|(key, _)| key.get_ref() == k)?;
                    current = Some((Some(key.span()), value));
                }
                Seg::Index(i) => {
                    let (_, v) = current?;
                    current = Some((None, v.get_ref().as_array()?.get(*i)?));
                }
            }
        }
        current
    }

    /// Every path to a value of `table` below `at`, and beside each the paths that lead
    /// nowhere from it: a key it lacks, an element past its end, a key of a list, an element of
    /// a table or of a plain value.
    fn paths(table: &DeTable<'_>, at: &Path, out: &mut Vec<Path>) {
        out.push(at.k("no-such-key"));
        out.push(at.i(0));
        for (key, value) in table.iter() {
            value_paths(value, &at.k(key.get_ref().to_string()), out);
        }
    }

    fn value_paths(value: &Spanned<DeValue<'_>>, at: &Path, out: &mut Vec<Path>) {
        out.push(at.clone());
        match value.get_ref() {
            DeValue::Table(t) => paths(t, at, out),
            DeValue::Array(items) => {
                out.push(at.k("key-of-a-list"));
                out.push(at.i(items.len()));
                for (i, item) in items.iter().enumerate() {
                    value_paths(item, &at.i(i), out);
                }
            }
            _ => {
                out.push(at.k("key-of-a-value"));
                out.push(at.i(0));
            }
        }
    }

    /// Findings point where they pointed when positions were read from the document itself,
    /// for every value (and every path that leads nowhere) of every example agreement and of
    /// documents of every TOML shape.
    #[test]
    fn the_skeleton_places_every_value_where_the_document_does() {
        // The examples, read directly: a test's own input, not a workspace file.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("agreements");
        #[allow(clippy::disallowed_methods)]
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(texts.len() >= 3, "the example agreements are read");
        texts.push(
            [
                "a = 1\n\"quoted \\u0041 key\" = { b = [1, [2, { c = 3 }]], d.e = \"x\" }",
                "[t.u]\nv = \"\"\"\nmulti\nline\"\"\"\n[[list]]\nx = 1\n[[list]]\n[list.sub]\ny = []",
                "dotted.key.here = true\n[[x.y]]\nz = 1979-05-27\n[x]\nw = [ { }, { q = 1 } ]",
            ]
            .join("\n"),
        );
        for text in &texts {
            let root = DeTable::parse(text).expect("the documents parse");
            let src = SourceFile::from_bytes("a.toml".into(), "a.toml".into(), text.clone().into());
            let skeleton = Skeleton::of(&root);
            let at = Locator::new(&src, &skeleton);
            let mut all = Vec::new();
            paths(root.get_ref(), &Path::root(), &mut all);
            for path in &all {
                let want =
                    in_document(&root, path).map(|(k, v)| (k, v.span(), v.get_ref().is_table()));
                let got = skeleton.find(path);
                assert_eq!(
                    got.map(|b| (b.key_span.clone(), b.span.clone(), b.shape == Shape::Table)),
                    want,
                    "{path}"
                );
                // And so the positions findings are given.
                if let Some((key, span, _)) = want {
                    let value = src.position(span.start);
                    assert_eq!(at.value_pos(path), value, "{path}");
                    let key = key.map_or(value, |k| src.position(k.start));
                    assert_eq!(at.key_pos(path), key, "{path}");
                }
            }
            assert!(all.len() > 20, "paths are enumerated");
        }
    }

    #[test]
    fn a_value_is_undecided_with_its_parts_and_the_values_holding_it() {
        let mut u = Undecided::default();
        u.insert(&Path::keys(&["parties"]).i(0).k("name"));
        u.insert(&Path::keys(&["consent"]));
        let party = Path::keys(&["parties"]).i(0);
        assert!(u.concerns(&party.k("name")));
        assert!(u.concerns(&party), "a part of it is undecided");
        assert!(u.concerns(&Path::keys(&["parties"])));
        assert!(
            u.concerns(&Path::keys(&["consent", "sought"])),
            "its table is"
        );
        assert!(!u.concerns(&party.k("health_or_care")));
        assert!(!u.concerns(&Path::keys(&["parties"]).i(1)));
        assert!(!u.concerns(&Path::keys(&["transfer", "outside_uk"])));
    }
}
