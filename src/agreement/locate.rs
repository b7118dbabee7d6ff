//! Positions: paths to values in an agreement (`parties[1].id`) and where they are in the file,
//! from the spanned TOML document parsed once during validation. Findings point at the value
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

/// The span of a key (absent for list elements) and the value at a path.
pub type Node<'a> = (Option<std::ops::Range<usize>>, &'a Spanned<DeValue<'a>>);

/// Finds values and their positions in one parsed document.
#[derive(Clone, Copy)]
pub struct Locator<'a> {
    src: &'a SourceFile,
    root: &'a Spanned<DeTable<'a>>,
}

impl<'a> Locator<'a> {
    pub fn new(src: &'a SourceFile, root: &'a Spanned<DeTable<'a>>) -> Self {
        Locator { src, root }
    }

    /// The key span and value at `path`, if present.
    pub fn node(&self, path: &Path) -> Option<Node<'a>> {
        let mut table: &'a DeTable<'a> = self.root.get_ref();
        let mut current: Option<Node<'a>> = None;
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

    /// Where a finding about the value at `path` points: the value, or for an absent value the
    /// nearest enclosing part that exists. Tables point at their header or key.
    pub fn pos(&self, path: &Path) -> Position {
        let mut p = path.clone();
        loop {
            if let Some((key, value)) = self.node(&p) {
                let offset = if value.get_ref().is_table() || p.depth() < path.depth() {
                    key.map_or(value.span().start, |k| k.start)
                } else {
                    value.span().start
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
        match self.node(path) {
            Some((Some(k), _)) => self.src.position(k.start),
            _ => self.pos(path),
        }
    }

    /// Where the value at `path` starts, or the start of the file when it is absent.
    pub fn value_pos(&self, path: &Path) -> Position {
        match self.node(path) {
            Some((_, value)) => self.src.position(value.span().start),
            None => Position::START,
        }
    }

    /// The places later stages report on, recorded now so that nobody parses the file again.
    pub fn places(&self) -> Places {
        Places {
            version: self.value_pos(&Path::keys(&["agreement", "version"])),
            effective: self.value_pos(&Path::keys(&["dates", "effective"])),
            review: self.value_pos(&Path::keys(&["dates", "review"])),
            expires: self.value_pos(&Path::keys(&["dates", "expires"])),
        }
    }
}

/// Where the values that signing and expiry findings point at are in the file: taken from the
/// spanned document while validating. The start of the file for a value that is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Places {
    /// `agreement.version`.
    pub version: Position,
    /// `dates.effective`.
    pub effective: Position,
    /// `dates.review`.
    pub review: Position,
    /// `dates.expires`.
    pub expires: Position,
}

impl Default for Places {
    fn default() -> Self {
        Places {
            version: Position::START,
            effective: Position::START,
            review: Position::START,
            expires: Position::START,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
