//! The signer's key, wherever it is kept: a private key file (unlocked with its passphrase only
//! when signing), or an ssh-agent that holds it ([`agent`]), named by its public key file or its
//! key id (no passphrase is asked for: the agent signs). Both make the same SSHSIG signature
//! over the same bytes, so the commands that sign (`sign`, `review`, `join`, `withdraw`) never
//! ask which.

use super::agent::{self, AgentKey};
use super::keyfile::{self, KeyFile, LockedKey, Passphrase};
use super::sshsig;
use crate::error::{Error, Result};
use crate::gate::outside;
use crate::term;
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::path::{Path, PathBuf};

/// Where the private key that signs is: still locked in both cases, so the signer can be shown
/// what they sign, with which key, before anything is signed.
pub enum KeySource {
    /// A private key file, read but not yet decrypted.
    File(LockedKey),
    /// A key an ssh-agent holds, found there but not yet asked to sign.
    Agent(AgentKey),
}

impl KeySource {
    /// The key `key` names: a private key file ([`keyfile::open_key`], kept outside
    /// `workspace` and any git work tree), or, through the ssh-agent, the key whose public key
    /// file it is, or the key whose key id it is (`SHA256:...`, when no file has that name).
    pub fn open(key: &Path, workspace: &Path) -> Result<KeySource> {
        if let Some(id) = key
            .to_str()
            .filter(|s| s.starts_with("SHA256:") && !outside::exists_no_follow(key))
        {
            return agent::find(agent::Named::KeyId(id)).map(KeySource::Agent);
        }
        match keyfile::open_key(key, workspace)? {
            KeyFile::Private(locked) => Ok(KeySource::File(locked)),
            KeyFile::Public(public) => {
                agent::find(agent::Named::PublicFile(key, &public.key)).map(KeySource::Agent)
            }
        }
    }

    /// The public key, known without a passphrase or the agent's signature.
    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        match self {
            KeySource::File(locked) => locked.verifying_key(),
            KeySource::Agent(held) => Ok(held.verifying_key()),
        }
    }

    /// The public key file to enrol, for `key` as the signer named it: the private key file's
    /// `.pub`, the public key file itself, or a placeholder for a key id.
    pub fn public_file(&self, key: &Path) -> PathBuf {
        match self {
            KeySource::File(_) => keyfile::public_path(key),
            KeySource::Agent(_) if outside::is_file(key) => key.to_path_buf(),
            KeySource::Agent(_) => PathBuf::from("KEY.pub"),
        }
    }

    /// The key made ready to sign: a key file is unlocked (its passphrase asked for or read
    /// from `passphrase` only now); an agent key is ready as it is (the agent signs).
    pub fn unlock(self, passphrase: &Passphrase) -> Result<UnlockedKey> {
        match self {
            KeySource::File(locked) => locked.unlock(passphrase).map(UnlockedKey::File),
            KeySource::Agent(held) => {
                if let Passphrase::File(file) = passphrase {
                    // Said, not refused: a script may pass it for key files and agents alike.
                    term::note(&format!(
                        "--passphrase-file {} is not read: the ssh-agent holds the key and \
                         signs (it asked for any passphrase when the key was added with ssh-add)",
                        term::escape(&file.display().to_string())
                    ));
                }
                term::note(&format!(
                    "asking the ssh-agent to sign with key {}",
                    sshsig::key_id(&held.verifying_key())
                ));
                Ok(UnlockedKey::Agent(held))
            }
        }
    }
}

/// A key ready to sign, once or many times: a decrypted key file, or a key the agent holds
/// (each signature it returns is checked).
pub enum UnlockedKey {
    File(SigningKey),
    Agent(AgentKey),
}

impl UnlockedKey {
    /// Signs `message` in the datapact namespace and returns the armoured SSHSIG signature.
    pub fn sign(&mut self, message: &[u8]) -> Result<String> {
        let bug = |why: sshsig::SigProblem| {
            Error::input(format!("cannot make the signature: {why}")).with_hint("report a bug")
        };
        match self {
            UnlockedKey::File(signing_key) => sshsig::sign(signing_key, message).map_err(bug),
            UnlockedKey::Agent(held) => {
                let public = held.verifying_key();
                let data = sshsig::signed_data(message).map_err(bug)?;
                let signature = held.sign(&data)?;
                sshsig::armour(&public, &signature).map_err(bug)
            }
        }
    }
}
