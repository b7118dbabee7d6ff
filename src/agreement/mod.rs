//! Agreements: the raw file shape (`raw`), the validated domain types (`model`), and the
//! validation that turns one into the other (`validate`). [`check_file`] is the entry point every
//! command uses to read an agreement.

pub mod bump;
mod capped;
pub mod locate;
pub mod model;
pub mod raw;
mod structure;
pub mod validate;

pub use crate::diagnostics::Scope;
pub use model::Agreement;

use crate::diagnostics::{Finding, Severity};
use crate::error::Result;
use crate::source::SourceFile;
use crate::workspace::Workspace;
use locate::{PlaceOffsets, Places};
use std::path::Path;

/// An agreement file after validation.
#[derive(Debug, Clone)]
pub struct Checked {
    pub source: SourceFile,
    /// The agreement, when its structure is complete (content findings may still exist).
    pub agreement: Option<Agreement>,
    pub findings: Vec<Finding>,
    /// Where the version and dates are in the file, for findings of later stages.
    pub place_offsets: PlaceOffsets,
}

impl Checked {
    /// Where the version and dates are in the file, for findings of later stages.
    pub fn places(&self) -> Places<'_> {
        self.place_offsets.in_file(&self.source)
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
    /// Whether the file could not be read or parsed at all (exit 2 territory).
    pub fn is_unreadable(&self) -> bool {
        self.findings.iter().any(|f| f.rule.unreadable)
    }
    /// The agreement id: from the content when valid, else from the file name.
    pub fn id(&self) -> Option<String> {
        self.agreement
            .as_ref()
            .map(|a| a.id.to_string())
            .or_else(|| expected_id(&self.source.path).map(str::to_string))
    }
}

/// The id implied by a file's name, for files directly inside `agreements/`.
pub fn expected_id(path: &Path) -> Option<&str> {
    let parent = path.parent()?.file_name()?;
    if parent != crate::workspace::AGREEMENTS_DIR {
        return None;
    }
    path.file_stem()?.to_str()
}

/// Reads and validates one agreement file of the workspace, giving the findings of `scope`.
pub fn check_file(ws: &Workspace, path: &Path, scope: Scope) -> Result<Checked> {
    let source = ws.read_source(path)?;
    Ok(check_source(ws, source, scope))
}

/// How many files a thread validates in a row before it maps them, for a caller whose mapping
/// is work of its own (verifying signatures, rendering pages): see [`check_each`].
pub const BATCH: usize = 32;

/// Validates `files` in parallel and turns each result into what the caller keeps (a report,
/// a row, a rendered page), in the order of `files`. Each thread validates `batch` files in a
/// row, then maps them in turn: where the mapping is work of its own ([`BATCH`]), keeping each
/// kind of work together keeps the processor's caches warm for it (`render --all` 13% faster
/// than alternating file by file); where it only reads the findings (`validate`), 1 is faster,
/// as each file is mapped while it is still in the cache. Each file's bytes, text and model are
/// dropped as soon as it is mapped, so memory grows with the kept results and a batch a thread,
/// not with the workspace. A file that cannot be opened at all is an error for the whole
/// command (exit 2).
pub fn check_each<T: Send>(
    ws: &Workspace,
    files: &[std::path::PathBuf],
    scope: Scope,
    batch: usize,
    keep: impl Fn(Checked) -> T + Sync + Send,
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    let progress = crate::term::Progress::new("agreements", files.len());
    files
        .par_chunks(batch.max(1))
        .flat_map_iter(|batch| {
            let checked: Vec<Result<Checked>> =
                batch.iter().map(|f| check_file(ws, f, scope)).collect();
            checked.into_iter().map(|c| {
                let kept = c.map(&keep);
                progress.inc();
                kept
            })
        })
        .collect()
}

/// Validates an already-read source, giving the findings of `scope`.
pub fn check_source(ws: &Workspace, source: SourceFile, scope: Scope) -> Checked {
    let expected = expected_id(&source.path).map(str::to_string);
    checked(source, expected.as_deref(), &ws.config, scope)
}

/// Reads and validates an agreement file named outside any workspace (`validate FILE` with no
/// workspace found), under `config` (datapact's defaults): by its own name, no link followed;
/// its name is not compared with its id (DP008), a rule of a workspace's `agreements/`.
pub fn check_outside(
    path: &Path,
    display: String,
    config: &crate::config::Config,
) -> Result<Checked> {
    let source = SourceFile::read_outside(path, display)?;
    Ok(checked(source, None, config, Scope::All))
}

fn checked(
    source: SourceFile,
    expected: Option<&str>,
    config: &crate::config::Config,
    scope: Scope,
) -> Checked {
    let v = validate::validate(&source, expected, config, scope);
    Checked {
        source,
        agreement: v.agreement,
        findings: v.findings,
        place_offsets: v.place_offsets,
    }
}
