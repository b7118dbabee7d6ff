//! Size caps for the small files signing reads (statements, signatures, key files, trust store
//! files). `crate::gate` enforces them (`gate::FileKind::cap`), so a huge file is refused rather
//! than read into memory; its unit tests check each cap on both sides.

/// Largest statement or signature file accepted; real ones are well under 1 KiB.
pub const MAX_SIGNATURE_FILE_BYTES: u64 = 16 * 1024;
/// Largest private or public key file accepted; an Ed25519 key file is under 1 KiB.
pub const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;
/// Largest trust store file accepted.
pub const MAX_TRUST_FILE_BYTES: u64 = 256 * 1024;
