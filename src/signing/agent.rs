//! Keys in an ssh-agent: the one module that talks to an agent. A signer whose private key lives
//! in an agent (added with `ssh-add`, or kept on a hardware token the agent reaches) names it by
//! its public key file or its key id; the agent that `SSH_AUTH_SOCK` names is asked, over its
//! Unix socket (ssh-agent-lib's blocking client), whether it holds that key, and later to sign
//! with it. The private key never reaches datapact. An agent that cannot be reached, or that
//! does not hold the key, is refused with what to do; so is a key other than Ed25519.

use super::{keyfile, sshsig};
use crate::error::{Error, ErrorKind, Result};
use ed25519_dalek::{Signature, VerifyingKey};
use ssh_agent_lib::proto::{PublicCredential, SignRequest};
use ssh_key::HashAlg;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The variable naming the agent's socket, as OpenSSH's tools read it.
pub const SOCKET_VAR: &str = "SSH_AUTH_SOCK";

/// How long the agent may take to list its keys: an agent answers at once, so a socket that
/// stays silent is not one.
const LIST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the agent may take to sign: a key on a hardware token waits for a touch or a PIN,
/// and one added with `ssh-add -c` for a confirmation.
const SIGN_TIMEOUT: Duration = Duration::from_secs(120);

#[cfg(unix)]
type Stream = std::os::unix::net::UnixStream;
/// Elsewhere than Unix no agent is reached ([`connect`] refuses), so no stream is ever made.
#[cfg(not(unix))]
type Stream = std::io::Empty;

/// How a signer named the key an agent should hold.
#[derive(Debug, Clone, Copy)]
pub enum Named<'a> {
    /// Its public key file (`--key KEY.pub`), and the key that file holds.
    PublicFile(&'a Path, &'a VerifyingKey),
    /// Its key id (`--key SHA256:...`), as `ssh-add -l` and `datapact keys list` print it.
    KeyId(&'a str),
}

impl Named<'_> {
    /// The key id the agent should hold.
    fn key_id(&self) -> String {
        match self {
            Named::PublicFile(_, key) => sshsig::key_id(key),
            Named::KeyId(id) => id.to_string(),
        }
    }

    /// How the signer named it, for messages: `--key FILE` or `--key SHA256:...`.
    fn what(&self) -> String {
        match self {
            Named::PublicFile(path, _) => format!("--key {}", path.display()),
            Named::KeyId(id) => format!("--key {id}"),
        }
    }

    /// The `ssh-add` command that puts the key in an agent: with the private key file beside
    /// the public one when it is there, else with a placeholder.
    fn ssh_add(&self) -> String {
        let private = match self {
            Named::PublicFile(path, _) => keyfile::private_beside(path),
            Named::KeyId(_) => None,
        };
        match private {
            Some(p) => format!("`ssh-add {}`", p.display()),
            None => "`ssh-add PRIVATE_KEY_FILE`".to_string(),
        }
    }
}

/// An Ed25519 key that an ssh-agent holds: found, and the agent still connected, but not yet
/// asked to sign.
pub struct AgentKey {
    key: VerifyingKey,
    key_id: String,
    socket: PathBuf,
    /// The connection, taken while a request is made (`None` only if one failed midway).
    client: Option<ssh_agent_lib::blocking::Client<Stream>>,
}

/// Connects to the agent `SSH_AUTH_SOCK` names and finds the key `named` among the keys it
/// holds. Refused when no agent is running or it cannot be reached (exit 2: this computer's
/// set-up, not the workspace, is what is missing), when the agent does not hold the key (exit 2,
/// as for a key file that is not there), and when the key is not a usable Ed25519 key.
pub fn find(named: Named<'_>) -> Result<AgentKey> {
    let (socket, mut client) = connect(named)?;
    let identities = client.request_identities().map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!(
                "the ssh-agent at {} ({SOCKET_VAR}) did not answer as an ssh-agent does: {e}",
                socket.display()
            ),
        )
        .with_hint(format!(
            "check that {SOCKET_VAR} names a running ssh-agent's socket (`ssh-add -l` tells)"
        ))
    })?;
    let key_id = named.key_id();
    let held = identities
        .iter()
        .map(|i| i.credential.key_data())
        .find(|k| k.fingerprint(HashAlg::Sha256).to_string() == key_id);
    let Some(held) = held else {
        let others = match identities.len() {
            0 => "it holds no keys".to_string(),
            1 => "it holds 1 other key".to_string(),
            n => format!("it holds {n} other keys"),
        };
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "the ssh-agent at {} ({SOCKET_VAR}) does not hold key {key_id}, which {} names ({others})",
                socket.display(),
                named.what()
            ),
        )
        .with_hint(format!(
            "add the key to the agent with {}, or plug in the hardware token that holds it; `ssh-add -l` lists the keys the agent holds",
            named.ssh_add()
        )));
    };
    let not_usable = |why: String| {
        Error::input(format!(
            "key {key_id} in the ssh-agent cannot sign for datapact: {why}"
        ))
        .with_hint(
            "sign with an Ed25519 key: make one with `ssh-keygen -t ed25519` (or on a hardware token that has Ed25519) and have it enrolled",
        )
    };
    let public = held.ed25519().ok_or_else(|| {
        let algorithm = held.algorithm().to_string();
        not_usable(format!(
            "it is {} {algorithm} key; datapact signs with Ed25519 keys only",
            crate::text::a_or_an(&algorithm)
        ))
    })?;
    let key = sshsig::usable_key(&public.0).map_err(not_usable)?;
    Ok(AgentKey {
        key,
        key_id,
        socket,
        client: Some(client),
    })
}

/// The socket `SSH_AUTH_SOCK` names, connected; refused, saying what to do, when the variable is
/// not set or nothing answers there.
#[cfg(unix)]
fn connect(named: Named<'_>) -> Result<(PathBuf, ssh_agent_lib::blocking::Client<Stream>)> {
    let start = format!(
        "start an agent and add your key to it: `eval $(ssh-agent)`, then {}; or pass the private key file itself",
        named.ssh_add()
    );
    let socket = std::env::var_os(SOCKET_VAR)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "{} names a key to sign with through an ssh-agent, but no agent is running here ({SOCKET_VAR} is not set)",
                    named.what()
                ),
            )
            .with_hint(start.clone())
        })?;
    let unreachable = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!(
                "cannot reach the ssh-agent at {} ({SOCKET_VAR}), which {} needs: {e}",
                socket.display(),
                named.what()
            ),
        )
        .with_hint(format!(
            "the agent may have stopped (`ssh-add -l` checks); {start}"
        ))
    };
    let stream = Stream::connect(&socket).map_err(unreachable)?;
    stream
        .set_read_timeout(Some(LIST_TIMEOUT))
        .map_err(unreachable)?;
    Ok((socket, ssh_agent_lib::blocking::Client::new(stream)))
}

#[cfg(not(unix))]
fn connect(named: Named<'_>) -> Result<(PathBuf, ssh_agent_lib::blocking::Client<Stream>)> {
    Err(Error::usage(format!(
        "{} names a key in an ssh-agent, but datapact reaches ssh-agents on Unix only",
        named.what()
    ))
    .with_hint("pass the private key file itself"))
}

impl AgentKey {
    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key
    }

    /// Asks the agent to sign `data` with the key, and checks the signature it returns (an
    /// Ed25519 signature that verifies strictly over `data`), so that a signature file is never
    /// written that verification would not count.
    pub fn sign(&mut self, data: &[u8]) -> Result<Signature> {
        let (key_id, socket) = (self.key_id.clone(), self.socket.display().to_string());
        let Some(client) = self.client.take() else {
            return Err(Error::new(
                ErrorKind::Io,
                format!("the connection to the ssh-agent at {socket} was lost after an error"),
            )
            .with_hint("sign again"));
        };
        let stream = client.into_inner();
        #[cfg(unix)]
        // Best effort: without it the agent is waited for as long as the other timeout allows.
        let _ = stream.set_read_timeout(Some(SIGN_TIMEOUT));
        let mut client = ssh_agent_lib::blocking::Client::new(stream);
        let request = SignRequest {
            credential: PublicCredential::Key(sshsig::key_data(&self.key)),
            data: data.to_vec(),
            flags: 0,
        };
        let answer = client.sign(request).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("the ssh-agent at {socket} did not sign with key {key_id}: {e}"),
            )
            .with_hint(
                "if the key must be confirmed (`ssh-add -c`) or is on a hardware token, confirm or touch it when asked, then sign again; `ssh-add -l` shows whether the agent still holds it",
            )
        })?;
        self.client = Some(client);
        let bad = |why: &str| {
            Error::input(format!(
                "the ssh-agent at {socket} answered with {why} for key {key_id}; nothing was written"
            ))
            .with_hint("sign with the private key file instead, and report this to the agent's makers")
        };
        if answer.algorithm() != ssh_key::Algorithm::Ed25519 {
            let algorithm = answer.algorithm().to_string();
            let article = crate::text::a_or_an(&algorithm);
            return Err(bad(&format!("{article} {algorithm} signature")));
        }
        let signature = Signature::from_slice(answer.as_bytes())
            .map_err(|_| bad("a malformed Ed25519 signature"))?;
        self.key
            .verify_strict(data, &signature)
            .map_err(|_| bad("a signature that does not verify"))?;
        Ok(signature)
    }
}
