//! Size caps for the small files signing reads (statements, signatures, key files, trust store
//! files), and the one bounded reader that enforces them, so a huge file is refused rather
//! than read into memory.

use std::io::Read;
use std::path::Path;

/// Largest statement or signature file accepted; real ones are well under 1 KiB.
pub const MAX_SIGNATURE_FILE_BYTES: u64 = 16 * 1024;
/// Largest private or public key file accepted; an Ed25519 key file is under 1 KiB.
pub const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;
/// Largest trust store file accepted.
pub const MAX_TRUST_FILE_BYTES: u64 = 256 * 1024;

/// Why a capped read failed.
#[derive(Debug)]
pub enum CappedReadError {
    Io(std::io::Error),
    TooLarge { max: u64 },
}

/// Reads at most `max` bytes of `path`; a longer file is an error, not a truncated read.
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, CappedReadError> {
    let file = std::fs::File::open(path).map_err(CappedReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(CappedReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(CappedReadError::TooLarge { max });
    }
    Ok(bytes)
}

/// [`read_capped`] for a file the user named: failures become errors naming the file.
pub fn read_capped_input(path: &Path, max: u64, what: &str) -> crate::error::Result<Vec<u8>> {
    match read_capped(path, max) {
        Ok(bytes) => Ok(bytes),
        Err(CappedReadError::Io(e)) => Err(crate::error::Error::io("read", path, e)),
        Err(CappedReadError::TooLarge { max }) => Err(crate::error::Error::input(format!(
            "{} is larger than {max} bytes, too large to be {what}",
            path.display()
        ))
        .with_hint(format!("check that you named the right file ({what})"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `len` bytes (a TOML comment, then newlines) at `dir/name`.
    fn file_of(dir: &Path, name: &str, len: u64) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut bytes = b"# filler\n".to_vec();
        bytes.resize(usize::try_from(len).unwrap(), b'\n');
        std::fs::write(&path, &bytes).unwrap();
        path
    }

    #[test]
    fn a_file_of_exactly_the_cap_is_read_whole_and_one_byte_more_is_too_large() {
        let dir = tempfile::tempdir().unwrap();
        for max in [0, 1, 10, 1000] {
            let exact = file_of(dir.path(), "exact", max);
            let read = read_capped(&exact, max).unwrap();
            assert_eq!(read.len() as u64, max, "max {max}");
            assert_eq!(read, std::fs::read(&exact).unwrap());
            let over = file_of(dir.path(), "over", max + 1);
            match read_capped(&over, max) {
                Err(CappedReadError::TooLarge { max: m }) => assert_eq!(m, max),
                other => panic!("max {max}: {other:?}"),
            }
            // Shorter files are read whole too.
            if max > 0 {
                let short = file_of(dir.path(), "short", max - 1);
                assert_eq!(read_capped(&short, max).unwrap().len() as u64, max - 1);
            }
        }
        assert!(matches!(
            read_capped(&dir.path().join("missing"), 10),
            Err(CappedReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
    }

    /// The caps: 16 KiB for statements and signatures (docs/signing.md, threat table: "size
    /// caps (16 KiB)"), 16 KiB for key files, 256 KiB for trust store files. A file of exactly
    /// the cap is accepted, one byte more is refused, naming the file, the cap and what it was
    /// meant to be.
    #[test]
    fn each_cap_accepts_a_file_of_its_size_and_refuses_one_byte_more() {
        let dir = tempfile::tempdir().unwrap();
        for (max, kib, what) in [
            (MAX_SIGNATURE_FILE_BYTES, 16, "a signature"),
            (MAX_KEY_FILE_BYTES, 16, "a public key"),
            (MAX_TRUST_FILE_BYTES, 256, "a trust store file"),
        ] {
            assert_eq!(max, kib * 1024, "{what}: {kib} KiB");
            let exact = file_of(dir.path(), "exact", max);
            assert_eq!(
                read_capped_input(&exact, max, what).unwrap().len() as u64,
                max,
                "{what}"
            );
            let over = file_of(dir.path(), "over", max + 1);
            let err = read_capped_input(&over, max, what).unwrap_err();
            assert_eq!(
                err.message,
                format!(
                    "{} is larger than {max} bytes, too large to be {what}",
                    over.display()
                )
            );
            assert_eq!(err.exit_code(), 2);
        }
    }
}
