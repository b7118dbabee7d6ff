//! An input file's bytes: size cap, byte-level hygiene (UTF-8, BOM, line endings) and the
//! mapping from byte offsets to line and column. The bytes are kept exactly as read (through
//! `crate::gate`), because they are what a signature covers. [`normalise`] puts a text file's
//! bytes into the one form datapact accepts (`datapact normalise`).

use crate::diagnostics::{Finding, LineIndex, Position};
use crate::error::Result;
use crate::rules::file;
use std::path::{Path, PathBuf};

pub use crate::gate::MAX_FILE_BYTES;

/// A file as read from disk, with the findings about its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// How findings name it: relative to the workspace root, `/`-separated.
    pub display: String,
    /// The exact bytes read.
    pub bytes: Vec<u8>,
    /// The text, when the bytes are UTF-8 (a leading BOM removed). `None` when not UTF-8 or too large.
    pub text: Option<String>,
    /// Where the text's lines start: made when a position is first asked for (most files
    /// have no finding to place).
    lines: std::sync::OnceLock<LineIndex>,
    /// Byte-level findings (DP001-DP004).
    pub findings: Vec<Finding>,
}

/// What [`normalise`] made of a text file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    /// The bytes without a byte order mark, every CRLF made LF.
    pub bytes: Vec<u8>,
    /// Whether a byte order mark was removed.
    pub bom_removed: bool,
    /// How many CRLF line endings became LF.
    pub crlf_converted: usize,
    /// Where the first carriage return not followed by a line feed is, in the result: such a
    /// carriage return is left as it is (nothing says what it stood for), and DP003 still
    /// reports it.
    pub lone_cr: Option<Position>,
}

impl Normalised {
    /// Whether anything changed.
    pub fn changed(&self) -> bool {
        self.bom_removed || self.crlf_converted > 0
    }
}

/// A UTF-8 text file's bytes in the form agreements and signed files must have: no byte order
/// mark, LF line endings. Only those bytes change, so a file that git's `core.autocrlf` (or an
/// editor) converted gets back the exact bytes that were signed, and every other edit in it is
/// kept. `Err` with the offset of the first byte that is not UTF-8: the encoding is never
/// guessed or changed.
pub fn normalise(bytes: &[u8]) -> std::result::Result<Normalised, usize> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())?;
    let (text, bom_removed) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let crlf_converted = text.matches("\r\n").count();
    let out = text.replace("\r\n", "\n");
    let lone_cr = out
        .find('\r')
        .map(|i| LineIndex::new(&out).position(&out, i));
    Ok(Normalised {
        bytes: out.into_bytes(),
        bom_removed,
        crlf_converted,
        lone_cr,
    })
}

impl SourceFile {
    /// Reads the agreement file `path` of the workspace rooted at `root`, through the gate
    /// (judged, a regular file, at most one byte over [`MAX_FILE_BYTES`]). Only a failure to
    /// open or read is an `Err`; problems with the content, its size included, become findings.
    pub fn read(root: &Path, path: &Path, display: String) -> Result<Self> {
        let bytes = crate::gate::read_bounded(root, path, crate::gate::FileKind::Agreement)?;
        Ok(Self::from_bytes(path.to_path_buf(), display, bytes))
    }

    /// Reads an agreement file the user named outside any workspace, by its own name (no
    /// symbolic link followed: [`crate::gate::outside::read_file_no_follow`]); as [`Self::read`]
    /// otherwise.
    pub fn read_outside(path: &Path, display: String) -> Result<Self> {
        let bytes =
            crate::gate::outside::read_file_no_follow(path, crate::gate::FileKind::Agreement)?;
        Ok(Self::from_bytes(path.to_path_buf(), display, bytes))
    }

    /// Builds a source from bytes already in memory (a git blob, a test input).
    pub fn from_bytes(path: PathBuf, display: String, bytes: Vec<u8>) -> Self {
        let mut findings = Vec::new();
        let mut text = None;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            findings.push(Finding::new(
                &file::FILE_TOO_LARGE,
                &display,
                Position::START,
                format!("file is larger than {} bytes", MAX_FILE_BYTES),
                "an agreement is normally a few kilobytes; check that this is the right file",
            ));
        } else {
            match std::str::from_utf8(&bytes) {
                Err(e) => {
                    let good = &bytes[..e.valid_up_to()];
                    let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                    let col = String::from_utf8_lossy(
                        &good[good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)..],
                    )
                    .chars()
                    .count()
                        + 1;
                    findings.push(Finding::new(
                        &file::NOT_UTF8,
                        &display,
                        Position { line, column: col },
                        format!("file is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
                        "save the file as UTF-8 (without BOM); if it is not an agreement, move it out of agreements/",
                    ));
                }
                Ok(s) => {
                    let mut s = s;
                    if let Some(rest) = s.strip_prefix('\u{feff}') {
                        findings.push(Finding::new(
                            &file::BYTE_ORDER_MARK,
                            &display,
                            Position::START,
                            "file starts with a UTF-8 byte order mark (BOM)",
                            file::BYTE_ORDER_MARK.hint.replace("FILE", &display),
                        ));
                        s = rest;
                    }
                    if let Some(i) = s.find('\r') {
                        let idx = LineIndex::new(s);
                        findings.push(Finding::new(
                            &file::CRLF_LINE_ENDINGS,
                            &display,
                            idx.position(s, i),
                            "file has CRLF line endings; agreements must use LF only",
                            file::CRLF_LINE_ENDINGS.hint.replace("FILE", &display),
                        ));
                    }
                    text = Some(s.to_string());
                }
            }
        }
        SourceFile {
            path,
            display,
            bytes,
            text,
            lines: std::sync::OnceLock::new(),
            findings,
        }
    }

    /// Whether the text can be parsed at all (it is UTF-8 and within the size cap).
    pub fn is_readable(&self) -> bool {
        self.text.is_some()
    }

    /// Line and column of a byte offset into [`SourceFile::text`].
    pub fn position(&self, offset: usize) -> Position {
        match &self.text {
            Some(t) => self
                .lines
                .get_or_init(|| LineIndex::new(t))
                .position(t, offset),
            None => Position::START,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_removes_the_bom_and_crlf_and_nothing_else() {
        let n = normalise("\u{feff}a = \"x\\r\"\r\nb = 1\r\n\tc\n".as_bytes()).unwrap();
        assert_eq!(n.bytes, "a = \"x\\r\"\nb = 1\n\tc\n".as_bytes());
        assert!(n.bom_removed && n.changed());
        assert_eq!(n.crlf_converted, 2);
        assert_eq!(n.lone_cr, None);
    }

    #[test]
    fn normalise_leaves_a_lone_carriage_return_and_says_where() {
        let n = normalise(b"a\r\nb\rc\r\n").unwrap();
        assert_eq!(n.bytes, b"a\nb\rc\n");
        assert_eq!(n.lone_cr, Some(Position { line: 2, column: 2 }));
        let clean = normalise(b"a\nb\n").unwrap();
        assert!(!clean.changed());
        assert_eq!(clean.bytes, b"a\nb\n");
    }

    #[test]
    fn normalise_refuses_bytes_that_are_not_utf8() {
        assert_eq!(normalise(b"ab\xff\r\n"), Err(2));
    }
}
