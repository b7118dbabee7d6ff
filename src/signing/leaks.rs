//! Private keys where git would share them (DP220): every file of the workspace that git has
//! committed or staged, or would commit (untracked and not ignored), is searched for a private
//! key block a key parser would read. `keys/` is left to the trust store reader, which is
//! stricter there (DP216: any mention of a private key, and any binary file). Files are listed
//! through `crate::git` and read through the gate, in parallel, except those the run has read
//! whole already, which the gate searched as it read them; nothing of a key is quoted.

use crate::diagnostics::{Finding, Position};
use crate::gate::{self, FileKind};
use crate::git::{self, Tracking};
use crate::rules;
use crate::workspace::{KEYS_DIR, Workspace};
use rayon::prelude::*;
use std::path::PathBuf;

pub use crate::gate::private_key_line;

/// The first half of the files [`scan`] searches: those git has committed or staged, outside
/// `keys/` (none when the workspace is not in a git work tree). Reading git's index is done
/// while the agreements are being checked; [`scan`] adds the untracked files after the pass,
/// when the folders it listed can be walked again without listing them.
pub fn candidates(ws: &Workspace) -> Option<git::Tracked> {
    git::tracked_files(&ws.root)
}

/// DP220 errors for the files git has or would commit that hold a private key (see the module
/// comment): the tracked `candidates`, and the untracked files found now. A file this run has
/// read whole already is not read again: call it after the run's reading is done.
pub fn scan(ws: &Workspace, candidates: git::Tracked) -> Vec<Finding> {
    let keys = ws.root.join(KEYS_DIR);
    let noted = gate::take_noted_keys();
    let search = |files: Vec<(PathBuf, Tracking)>| -> Vec<Finding> {
        files
            .into_par_iter()
            .filter(|(path, _)| !path.starts_with(&keys))
            .filter_map(|(path, tracking)| {
                // A file this run has read whole already (an agreement, a statement, a
                // signature: see gate::note_private_keys) is not read again.
                let line = match noted.get(&path) {
                    Some(noted) => noted?,
                    None => {
                        let bytes = zeroize::Zeroizing::new(
                            gate::read_bounded(&ws.root, &path, FileKind::Scanned).ok()?,
                        );
                        private_key_line(&bytes)?
                    }
                };
                Some(finding(&ws.display(&path), line, tracking))
            })
            .collect()
    };
    // The walk for untracked files lists folders on one thread; the tracked files are searched
    // meanwhile.
    let (untracked, mut found) = rayon::join(
        || git::untracked_files(&ws.root, &candidates),
        || search(candidates.files().map(|p| (p, Tracking::Tracked)).collect()),
    );
    found.extend(search(
        (untracked.into_iter())
            .map(|p| (p, Tracking::Untracked))
            .collect(),
    ));
    found
}

fn finding(display: &str, line: usize, tracking: Tracking) -> Finding {
    let (how, first) = match tracking {
        Tracking::Tracked => (
            "git tracks it, so it is (or is about to be) in the repository's history",
            format!("`git rm --cached {display}`, then move the file out of the workspace"),
        ),
        Tracking::Untracked => (
            "it is not ignored, so `git add` would commit it",
            "move the file out of the workspace".to_string(),
        ),
    };
    Finding::new(
        &rules::signatures::PRIVATE_KEY_IN_WORKSPACE,
        display,
        Position { line, column: 1 },
        format!(
            "{display} holds a private key (line {line} opens a private key block): {how}; a private key must never be in the workspace"
        ),
        format!(
            "{first} (for example to ~/.config/datapact/keys/, mode 0600); if it was ever committed, pushed or shared, revoke its key (`datapact keys revoke KEY_ID`) and generate a new one"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::private_key_line;

    #[test]
    fn only_a_line_that_opens_a_key_block_counts() {
        for key in [
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
            "PuTTY-User-Key-File-3: ssh-ed25519",
        ] {
            let text = format!("title = \"x\"\n{key}\r\nAAAA\n");
            assert_eq!(private_key_line(text.as_bytes()), Some(2), "{key}");
            assert_eq!(private_key_line(key.as_bytes()), Some(1), "{key}");
        }
        for mention in [
            "/// a PEM block (`-----BEGIN OPENSSH PRIVATE KEY-----`)",
            "    let pem = \"-----BEGIN OPENSSH PRIVATE KEY-----\\n\";",
            " -----BEGIN OPENSSH PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN SSH SIGNATURE-----",
            "-----BEGIN OPENSSH PRIVATE KEY----- trailing",
        ] {
            assert_eq!(private_key_line(mention.as_bytes()), None, "{mention}");
        }
    }
}
