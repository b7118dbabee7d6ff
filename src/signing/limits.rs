//! Size caps for the small files signing reads (statements, signatures, key files, trust store
//! files). `crate::gate` enforces them (`gate::FileKind::cap`), so a huge file is refused rather
//! than read into memory; its unit tests check each cap on both sides.

pub use crate::gate::{MAX_KEY_FILE_BYTES, MAX_SIGNATURE_FILE_BYTES, MAX_TRUST_FILE_BYTES};
