//! What builds the benchmarks' repositories, shared by benches/history.rs and
//! examples/gen-workspace.rs (each includes it with `#[path]`): a git tree built in memory and
//! written as objects (blobs, trees) straight into an object database, and deterministic
//! pseudo-random numbers, so every run builds the same repository.

use git2::{ObjectType, Oid};
use std::collections::BTreeMap;
use std::path::Path;

/// A folder being built: files (name -> blob) and subfolders.
#[derive(Default, Clone)]
pub struct Dir {
    files: BTreeMap<String, Oid>,
    dirs: BTreeMap<String, Dir>,
    /// The tree id while nothing below changed.
    written: Option<Oid>,
}

impl Dir {
    /// The folder at `path` (created), marking every folder on the way as changed.
    pub fn at(&mut self, path: &[&str]) -> &mut Dir {
        self.written = None;
        match path.split_first() {
            None => self,
            Some((first, rest)) => self.dirs.entry(first.to_string()).or_default().at(rest),
        }
    }

    pub fn put(&mut self, path: &str, blob: Oid) {
        let parts: Vec<&str> = path.split('/').collect();
        let (name, dirs) = parts.split_last().unwrap();
        self.at(dirs).files.insert(name.to_string(), blob);
    }

    /// Writes the trees that changed (git's tree format and entry order) and returns the id.
    pub fn write(&mut self, odb: &git2::Odb<'_>) -> Oid {
        if let Some(id) = self.written {
            return id;
        }
        let mut entries: Vec<(Vec<u8>, &str, Oid)> = Vec::new();
        for (name, id) in &self.files {
            entries.push((name.as_bytes().to_vec(), "100644", *id));
        }
        for (name, dir) in self.dirs.iter_mut() {
            if dir.files.is_empty() && dir.dirs.is_empty() {
                continue;
            }
            let id = dir.write(odb);
            // Git orders a folder as if its name ended in '/'.
            let mut key = name.as_bytes().to_vec();
            key.push(b'/');
            entries.push((key, "40000", id));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut bytes = Vec::new();
        for (key, mode, id) in entries {
            let name = key.strip_suffix(b"/").unwrap_or(&key);
            bytes.extend_from_slice(mode.as_bytes());
            bytes.push(b' ');
            bytes.extend_from_slice(name);
            bytes.push(0);
            bytes.extend_from_slice(id.as_bytes());
        }
        let id = odb.write(ObjectType::Tree, &bytes).unwrap();
        self.written = Some(id);
        id
    }

    /// Writes the files of this folder (as `contents` knows them) under `root`.
    #[allow(dead_code)] // benches/history.rs writes HEAD's files with it; the generator does not
    pub fn checkout(&self, root: &Path, contents: &BTreeMap<Oid, Vec<u8>>) {
        std::fs::create_dir_all(root).unwrap();
        for (name, id) in &self.files {
            std::fs::write(root.join(name), &contents[id]).unwrap();
        }
        for (name, dir) in &self.dirs {
            dir.checkout(&root.join(name), contents);
        }
    }
}

/// Stores the objects written into `mempack` as one pack file, as a clone has them, and points
/// `refs/heads/main` at `head`.
pub fn store_as_pack(
    repo: &git2::Repository,
    odb: &git2::Odb<'_>,
    mempack: &git2::Mempack<'_>,
    head: Oid,
) {
    let mut pack = git2::Buf::new();
    mempack.dump(repo, &mut pack).unwrap();
    let mut writer = odb.packwriter().unwrap();
    std::io::Write::write_all(&mut writer, &pack).unwrap();
    writer.commit().unwrap();
    mempack.reset().unwrap();
    repo.reference("refs/heads/main", head, true, "benchmark repository")
        .unwrap();
}

/// Deterministic pseudo-random numbers (a 64-bit LCG).
pub struct Lcg(pub u64);

impl Lcg {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}
