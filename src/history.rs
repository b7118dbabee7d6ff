//! What the current branch's git history knows about agreements: every text each agreement
//! file has had, found by its content digest. Statements name the exact bytes they sign by
//! SHA-256; when those bytes are no longer in the working tree (a later version is being
//! signed, say), this is where they are found again, so an earlier version can be verified,
//! rendered and compared. The history is walked once, when first needed; each text is read and
//! hashed at most once.

pub mod audit;

use crate::error::Result;
use crate::gate::FileKind;
use crate::git::{BlobId, CommitInfo, History};
use crate::signing::sha256_hex;
use crate::workspace::{AGREEMENTS_DIR, Workspace};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// One text an agreement file has had on the current branch.
#[derive(Debug, Clone)]
pub struct Text {
    /// The first commit in which the file had this text.
    pub commit: CommitInfo,
    /// How many commits of the branch changed the file to this text (more than one when the
    /// file went back to it later).
    pub commits: usize,
    blob: BlobId,
}

/// The texts of every agreement file in the history of the current branch, by agreement id.
pub struct Archive {
    /// `None` when the workspace is not in a git repository (nothing is known).
    history: Option<Mutex<History>>,
    shallow: bool,
    /// Per agreement id, each distinct text in the order it first appeared.
    texts: HashMap<String, Vec<Text>>,
    /// Per agreement id, the text HEAD has (absent when HEAD has no such file).
    heads: HashMap<String, BlobId>,
    /// Digests computed so far.
    digests: Mutex<HashMap<BlobId, String>>,
}

impl Archive {
    /// Walks the history of the current branch once, recording the texts of
    /// `agreements/<id>.toml` (reading none of them yet).
    pub fn load(ws: &Workspace) -> Result<Archive> {
        let Some(history) = History::open(&ws.root)? else {
            return Ok(Archive {
                history: None,
                shallow: false,
                texts: HashMap::new(),
                heads: HashMap::new(),
                digests: Mutex::new(HashMap::new()),
            });
        };
        let mut texts: HashMap<String, Vec<Text>> = HashMap::new();
        let mut heads: HashMap<String, BlobId> = HashMap::new();
        history.walk(&[AGREEMENTS_DIR], |commit, changes| {
            for change in changes {
                let Some(id) = agreement_id_of(&change.path) else {
                    continue;
                };
                let Some(blob) = change.blob else {
                    heads.remove(id);
                    continue;
                };
                heads.insert(id.to_string(), blob);
                let seen = texts.entry(id.to_string()).or_default();
                match seen.iter_mut().find(|t| t.blob == blob) {
                    Some(text) => text.commits += 1,
                    None => seen.push(Text {
                        commit: commit.clone(),
                        commits: 1,
                        blob,
                    }),
                }
            }
            Ok(())
        })?;
        Ok(Archive {
            shallow: history.is_shallow(),
            history: Some(Mutex::new(history)),
            texts,
            heads,
            digests: Mutex::new(HashMap::new()),
        })
    }

    /// Whether the workspace is in a git repository at all.
    pub fn has_history(&self) -> bool {
        self.history.is_some()
    }

    /// Whether the history is a shallow clone's (it stops before the first commit).
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// The texts agreement `id`'s file has had, in the order they first appeared.
    pub fn texts(&self, id: &str) -> &[Text] {
        self.texts.get(id).map_or(&[], Vec::as_slice)
    }

    /// The text agreement `id`'s file has at HEAD; `None` when HEAD has no such file (or the
    /// workspace is not in git).
    pub fn at_head(&self, id: &str) -> Option<&Text> {
        let blob = self.heads.get(id)?;
        self.texts(id).iter().find(|t| t.blob == *blob)
    }

    /// The bytes of a text, read from git (capped like any agreement file).
    pub fn bytes(&self, text: &Text) -> Result<Vec<u8>> {
        let Some(history) = &self.history else {
            return Ok(Vec::new());
        };
        let history = history.lock().unwrap_or_else(|e| e.into_inner());
        history.read(text.blob, FileKind::Agreement.cap())
    }

    /// The SHA-256 (hex) of a text's bytes.
    pub fn digest(&self, text: &Text) -> Result<String> {
        if let Some(d) = self
            .digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&text.blob)
        {
            return Ok(d.clone());
        }
        let digest = sha256_hex(&self.bytes(text)?);
        self.digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(text.blob, digest.clone());
        Ok(digest)
    }

    /// The text of agreement `id` whose bytes have the SHA-256 `digest`, with its bytes; `None`
    /// when the history of the current branch never had it.
    pub fn find(&self, id: &str, digest: &str) -> Option<(Text, Vec<u8>)> {
        for text in self.texts(id) {
            if self.digest(text).ok()? == digest {
                let bytes = self.bytes(text).ok()?;
                return Some((text.clone(), bytes));
            }
        }
        None
    }
}

/// The id of `agreements/<id>.toml` (workspace-relative, `/`-separated); `None` for any other path.
fn agreement_id_of(path: &str) -> Option<&str> {
    let name = path.strip_prefix(AGREEMENTS_DIR)?.strip_prefix('/')?;
    let id = name.strip_suffix(".toml")?;
    (!id.contains('/')).then_some(id)
}

/// Lazily loaded [`Archive`], for commands that need it only for some agreements.
#[derive(Default)]
pub struct LazyArchive {
    cell: OnceLock<std::result::Result<Archive, String>>,
}

impl LazyArchive {
    /// The archive, loading it on first use; `Err` says why the history could not be read.
    pub fn get(&self, ws: &Workspace) -> std::result::Result<&Archive, &str> {
        self.cell
            .get_or_init(|| Archive::load(ws).map_err(|e| e.message))
            .as_ref()
            .map_err(String::as_str)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, clippy::disallowed_types)]
mod tests {
    use super::{Archive, agreement_id_of};
    use crate::git::tests::commit;
    use crate::workspace::Workspace;

    #[test]
    fn each_text_counts_the_commits_that_made_it_and_head_is_known() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("datapact.toml"), "").unwrap();
        std::fs::create_dir(root.join("agreements")).unwrap();
        let repo = git2::Repository::init(root).unwrap();
        let file = root.join("agreements/abc.toml");
        for (i, text) in ["one", "two", "one"].iter().enumerate() {
            std::fs::write(&file, text).unwrap();
            commit(&repo, root, "c", 1_700_000_000 + i as i64 * 100);
        }
        let ws = Workspace::open(root.to_path_buf()).unwrap();
        let archive = Archive::load(&ws).unwrap();
        let texts = archive.texts("abc");
        let seen: Vec<(Vec<u8>, usize)> = texts
            .iter()
            .map(|t| (archive.bytes(t).unwrap(), t.commits))
            .collect();
        assert_eq!(seen, vec![(b"one".to_vec(), 2), (b"two".to_vec(), 1)]);
        // HEAD went back to the first text.
        let head = archive.at_head("abc").unwrap();
        assert_eq!(archive.bytes(head).unwrap(), b"one");
        assert_eq!(
            archive
                .find("abc", &crate::signing::sha256_hex(b"two"))
                .map(|(_, b)| b),
            Some(b"two".to_vec())
        );
        // Removed at HEAD: the texts stay known, HEAD has none.
        std::fs::remove_file(&file).unwrap();
        commit(&repo, root, "c", 1_700_001_000);
        let archive = Archive::load(&ws).unwrap();
        assert_eq!(archive.texts("abc").len(), 2);
        assert!(archive.at_head("abc").is_none());
        assert!(archive.has_history() && !archive.is_shallow());
    }

    #[test]
    fn only_files_directly_in_agreements_are_agreement_texts() {
        assert_eq!(agreement_id_of("agreements/a-b.toml"), Some("a-b"));
        assert_eq!(agreement_id_of("agreements/sub/a.toml"), None);
        assert_eq!(agreement_id_of("agreements/a.txt"), None);
        assert_eq!(agreement_id_of("agreementsx/a.toml"), None);
        assert_eq!(agreement_id_of("keys/a.toml"), None);
    }
}
