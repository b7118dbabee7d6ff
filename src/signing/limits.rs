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
