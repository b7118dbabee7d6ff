//! Signing agreement versions: OpenSSH SSHSIG signatures over small statement files, the
//! workspace trust store of partners' public keys, private key files and keys in an ssh-agent,
//! and verification.
//!
//! Layout in a workspace:
//! - `keys/<party-id>.toml`: the trust store, one file per party ([`trust`]).
//! - `signatures/<agreement-id>/v<version>/<party-id>.toml`: a party's statement ([`statement`]).
//! - `signatures/<agreement-id>/v<version>/<party-id>.toml.sig`: its SSHSIG signature ([`sshsig`]).
//! - `signatures/<agreement-id>/v<version>/reviews/<date>/<party-id>.toml` and `.toml.sig`: a
//!   party's signed review of that version ([`review`]).
//! - `signatures/<agreement-id>/v<version>/acceptances/<party-id>.toml`: a party's acceptance
//!   recorded from evidence held elsewhere, not a signature ([`acceptance`]).
//! - `signatures/<agreement-id>/members/<class-party>/<member-id>/accession.toml` and
//!   `withdrawal.toml` (and `.sig`): a member of a class party joining and leaving
//!   ([`membership`]).
//!
//! Everything that signs or verifies takes an [`AgreementFacts`], the handful of facts signing
//! needs about an agreement, so this module does not depend on the full agreement model.

pub mod acceptance;
pub mod agent;
pub mod facts;
pub mod in_force;
pub mod key_source;
pub mod keyfile;
pub mod leaks;
pub mod limits;
pub mod membership;
pub mod review;
pub mod signer;
pub mod sshsig;
pub mod statement;
pub mod trust;
pub mod verify;

pub use facts::AgreementFacts;

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`: the content digest of an agreement file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(&Sha256::digest(bytes))
}

/// Whether `c` must never appear in a trust store value or a public key line: a control
/// character (a newline would start another line of an OpenSSH allowed_signers file; an escape
/// sequence would rewrite the terminal showing it), a line or paragraph separator, or a
/// bidirectional formatting character (text that displays in another order than it reads).
pub fn forbidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `path` with `suffix` appended to its file name (`a.toml` + `.sig` = `a.toml.sig`).
pub(crate) fn with_suffix(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    std::path::PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    /// The digest is SHA-256's, in lower-case hex (FIPS 180-2's test vectors).
    #[test]
    fn the_content_digest_is_lower_case_hex_sha256() {
        assert_eq!(
            super::sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
