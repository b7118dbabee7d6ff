//! The workspace: a directory with `datapact.toml`, `agreements/<id>.toml`, `keys/` and optional
//! `templates/`. Found like git finds a repository, from a directory upward. Every path built
//! from user input goes through this module, which keeps it inside the workspace; every file is
//! read and written through `crate::gate`, which judges it.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::gate::{self, FileKind, Kind};
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "datapact.toml";
pub const AGREEMENTS_DIR: &str = "agreements";
pub const KEYS_DIR: &str = "keys";
pub const SIGNATURES_DIR: &str = "signatures";
pub const TEMPLATES_DIR: &str = "templates";

/// An opened workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

impl Workspace {
    /// Opens the workspace at `dir` (searching upward from it, like git), or the one
    /// containing the current directory when no folder is named.
    pub fn locate(dir: Option<&Path>) -> Result<Workspace> {
        match dir {
            Some(dir) => {
                let canon = crate::gate::outside::canonicalize(dir)
                    .map_err(|e| Error::io("open workspace", dir, e))?;
                Workspace::discover(&canon)
            }
            None => {
                let cwd =
                    std::env::current_dir().map_err(|e| Error::io("read", Path::new("."), e))?;
                Workspace::discover(&cwd)
            }
        }
    }

    /// Finds the workspace containing `start` (searching upward) and reads its settings.
    pub fn discover(start: &Path) -> Result<Workspace> {
        Self::find(start)?.ok_or_else(|| {
            Error::usage(format!(
                "no datapact workspace found in {} or any parent directory",
                start.display()
            ))
            .with_hint("run `datapact init` to create one, or pass `-C DIR` to name one")
        })
    }

    /// The workspace containing the current directory (searching upward), or `None` when there
    /// is none: for `validate FILE`, which then checks the file with the default settings.
    pub fn find_from_current_dir() -> Result<Option<Workspace>> {
        let cwd = std::env::current_dir().map_err(|e| Error::io("read", Path::new("."), e))?;
        Self::find(&cwd)
    }

    /// [`Workspace::discover`], `None` when no folder from `start` upward has `datapact.toml`.
    fn find(start: &Path) -> Result<Option<Workspace>> {
        let start = gate::outside::canonicalize(start).map_err(|e| Error::io("open", start, e))?;
        let root = start
            .ancestors()
            // Anything named datapact.toml marks the workspace: one that is not a readable
            // file (a FIFO, a link out) is then refused by name rather than passed over.
            .find(|dir| gate::outside::exists_no_follow(&dir.join(CONFIG_FILE)));
        match root {
            Some(root) => Self::open(root.to_path_buf()).map(Some),
            None => Ok(None),
        }
    }

    /// Opens the workspace rooted exactly at `root`.
    pub fn open(root: PathBuf) -> Result<Workspace> {
        let root = gate::outside::canonicalize(&root).map_err(|e| Error::io("open", &root, e))?;
        let config_path = root.join(CONFIG_FILE);
        let bytes = gate::read(&root, &config_path, FileKind::Config)?;
        let source = SourceFile::from_bytes(config_path, CONFIG_FILE.to_string(), bytes);
        let config = Config::parse(&source)?;
        Ok(Workspace { root, config })
    }

    pub fn agreements_dir(&self) -> PathBuf {
        self.root.join(AGREEMENTS_DIR)
    }

    /// The file of agreement `id` (which must already be a valid id).
    pub fn agreement_path(&self, id: &AgreementId) -> PathBuf {
        self.agreements_dir().join(format!("{}.toml", id.as_str()))
    }

    /// All agreement files, sorted by name, so every command sees them in one order.
    pub fn agreement_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = gate::list_dir(&self.root, &self.agreements_dir())?;
        files.retain(|path| path.extension().is_some_and(|e| e == "toml"));
        Ok(files)
    }

    /// The files named by command-line targets (ids or paths), or every agreement file when
    /// there are none.
    pub fn target_files(&self, targets: &[String]) -> Result<Vec<PathBuf>> {
        if targets.is_empty() {
            self.agreement_files()
        } else {
            // The same file named twice (by id and by path, say) is checked once.
            let mut files: Vec<PathBuf> = Vec::new();
            for t in targets {
                let f = self.resolve_target(t)?;
                if !files.contains(&f) {
                    files.push(f);
                }
            }
            Ok(files)
        }
    }

    /// Resolves a command-line target, an agreement id or a path to a file inside the workspace,
    /// to a file path. Paths outside the workspace are refused.
    pub fn resolve_target(&self, target: &str) -> Result<PathBuf> {
        let as_path = Path::new(target);
        if looks_like_path(target) {
            let abs = if as_path.is_absolute() {
                as_path.to_path_buf()
            } else {
                std::env::current_dir()
                    .map_err(|e| Error::io("read", Path::new("."), e))?
                    .join(as_path)
            };
            let canon =
                gate::outside::canonicalize(&abs).map_err(|e| Error::io("open", &abs, e))?;
            if !canon.starts_with(&self.root) {
                return Err(Error::usage(format!(
                    "{target} is outside the workspace {}",
                    self.root.display()
                ))
                .with_hint(
                    "name an agreement id, or a file under this workspace's agreements/ directory",
                ));
            }
            return Ok(canon);
        }
        let id = AgreementId::parse(target).map_err(|e| self.with_near_miss(e, target))?;
        let path = self.agreement_path(&id);
        if gate::kind_of(&self.root, &path)? == Kind::Missing {
            let error = Error::usage(format!(
                "no agreement {target:?} in this workspace (looked for {})",
                self.display(&path)
            ))
            .with_hint(
                "run `datapact status` to list the agreements, or `datapact new ID` to create one",
            );
            return Err(self.with_near_miss(error, target));
        }
        Ok(path)
    }

    /// The ids of the agreement files (`agreements/<id>.toml`), sorted.
    pub fn agreement_ids(&self) -> Result<Vec<String>> {
        Ok(ids_in(&self.root, AGREEMENTS_DIR)?.collect())
    }

    /// How findings name `path`: relative to the workspace root with `/` separators.
    pub fn display(&self, path: &Path) -> String {
        display_in(&self.root, path)
    }

    /// `error` about the agreement id `target`, its hint saying "did you mean ...?" when an
    /// agreement of the workspace has a close id.
    fn with_near_miss(&self, error: Error, target: &str) -> Error {
        let ids = self.agreement_ids().unwrap_or_default();
        let hint = error.hint.clone().unwrap_or_default();
        error.with_hint(crate::ids::near_miss_hint(
            target,
            ids.iter().map(String::as_str),
            &hint,
        ))
    }

    /// Reads an agreement file for checking (through the gate: judged, a regular file, capped).
    pub fn read_source(&self, path: &Path) -> Result<SourceFile> {
        SourceFile::read(&self.root, path, self.display(path))
    }

    /// Refuses a path that resolves (through symbolic links) outside the workspace: see
    /// [`gate::check_inside`].
    pub fn check_inside(&self, path: &Path) -> Result<()> {
        gate::check_inside(&self.root, path)
    }
}

pub use crate::gate::display_in;

/// Whether a command-line target names a file (`x.toml`, `dir/x`) rather than an agreement id.
pub fn looks_like_path(target: &str) -> bool {
    target.ends_with(".toml") || target.contains('/') || target.contains('\\')
}

/// The ids named by the `.toml` files of the workspace folder `dir` (`agreements`, `keys`),
/// sorted; files whose names are not ids are passed over.
fn ids_in(root: &Path, dir: &str) -> Result<impl Iterator<Item = String>> {
    let files = gate::list_dir(root, &root.join(dir))?;
    Ok(files.into_iter().filter_map(|path| {
        let id = path.file_name()?.to_str()?.strip_suffix(".toml")?;
        check_id(id).is_ok().then(|| id.to_string())
    }))
}

/// For shell completion: the ids of the `.toml` files in folder `dir` (`agreements` or `keys`)
/// of the workspace containing `start`, found by its `datapact.toml` (which is not read) and
/// listed through the gate. Cheap (one listing, no file opened) and silent: nothing when there
/// is no workspace or the folder cannot be listed.
pub fn completion_ids(start: &Path, dir: &str) -> Vec<String> {
    let Ok(start) = gate::outside::canonicalize(start) else {
        return Vec::new();
    };
    let Some(root) = start
        .ancestors()
        .find(|d| gate::outside::exists_no_follow(&d.join(CONFIG_FILE)))
    else {
        return Vec::new();
    };
    ids_in(root, dir).map(Iterator::collect).unwrap_or_default()
}

pub use crate::ids::{AgreementId, ID_RULE, RESERVED_IDS, check_id};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_follow_the_rule() {
        for ok in ["abc", "icb-ecc-2026", "a1b", &"a".repeat(64)] {
            assert!(check_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "index",
            "",
            "ab",
            "../x",
            "A B",
            "a--b",
            "-ab",
            "ab-",
            "abc.toml",
            "é-abc",
            &"a".repeat(65),
        ] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    /// Ids as the rule describes them: 3 to 64 lowercase letters, digits and single hyphens,
    /// starting and ending with a letter or digit (the reserved names aside).
    fn valid_id() -> impl Strategy<Value = String> {
        "[a-z0-9](-?[a-z0-9]){2,63}"
            .prop_filter("3 to 64 characters", |s| s.len() <= 64)
            .prop_filter("not reserved", |s| !RESERVED_IDS.contains(&s.as_str()))
    }

    /// Strings near the rule (its own alphabet, plus separators and dots), where both accepted
    /// and refused ids are common, and arbitrary strings.
    fn any_id_like() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9-]{0,70}",
            "[a-z0-9./\\\\A-Z_ -]{0,70}",
            "(\\.\\.|\\.|/|[a-z]{1,8}|-){0,8}",
            ".{0,80}",
        ]
    }

    /// What must hold for every id the rule accepts: one plain file name, no separator, no dot.
    fn assert_plain_file_name(s: &str) -> std::result::Result<(), TestCaseError> {
        let p = Path::new(s);
        prop_assert_eq!(p.components().count(), 1, "{:?}", s);
        prop_assert!(
            matches!(p.components().next(), Some(std::path::Component::Normal(n)) if n == s),
            "{:?}",
            s
        );
        prop_assert!(!s.contains(['/', '\\', '.']), "{:?}", s);
        let file = Path::new("agreements").join(s.to_string() + ".toml");
        prop_assert_eq!(file.parent(), Some(Path::new("agreements")), "{:?}", s);
        Ok(())
    }

    #[test]
    fn the_strategies_cover_both_sides_of_the_rule() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::{Config, TestRng, TestRunner};
        let config = Config::default();
        let mut runner = TestRunner::new_with_rng(
            config.clone(),
            TestRng::deterministic_rng(config.rng_algorithm),
        );
        let (mut lengths, mut hyphens) = (std::collections::BTreeSet::new(), 0);
        for _ in 0..500 {
            let id = valid_id().new_tree(&mut runner).unwrap().current();
            lengths.insert(id.len());
            hyphens += usize::from(id.contains('-'));
        }
        assert!(lengths.contains(&3), "the shortest ids: {lengths:?}");
        assert!(lengths.iter().any(|&l| l > 48), "long ids: {lengths:?}");
        assert!(hyphens > 100, "ids with hyphens: {hyphens} of 500");
        let near = "[a-z0-9-]{0,70}";
        let (mut ok, mut refused) = (0, 0);
        for _ in 0..500 {
            let s = near.new_tree(&mut runner).unwrap().current();
            if check_id(&s).is_ok() {
                ok += 1;
            } else {
                refused += 1;
            }
        }
        assert!(ok > 50 && refused > 50, "{ok} accepted, {refused} refused");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// Every id the rule describes is accepted (by check_id and AgreementId::parse, which
        /// keeps it unchanged), and is a plain file name.
        #[test]
        fn a_valid_id_is_a_plain_file_name(s in valid_id()) {
            prop_assert_eq!(check_id(&s), Ok(()));
            let id = AgreementId::parse(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(id.as_str(), s.as_str());
            assert_plain_file_name(&s)?;
        }

        /// Whatever the string, check_id accepts it exactly when the rule does, and what it
        /// accepts is a plain file name.
        #[test]
        fn any_string_check_id_accepts_is_a_plain_file_name(s in any_id_like()) {
            let rule = (3..=64).contains(&s.len())
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !s.starts_with('-')
                && !s.ends_with('-')
                && !s.contains("--")
                && !RESERVED_IDS.contains(&s.as_str());
            prop_assert_eq!(check_id(&s).is_ok(), rule, "{:?}", s);
            if check_id(&s).is_ok() {
                assert_plain_file_name(&s)?;
            }
        }
    }
}
