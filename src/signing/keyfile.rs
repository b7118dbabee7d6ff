//! Key files: reading OpenSSH Ed25519 private keys (`~/.ssh/id_ed25519` works as it is),
//! writing new ones (encrypted unless asked not to, mode 0600, never inside the workspace or a
//! git work tree),
//! and parsing `ssh-ed25519 AAAA... comment` public key lines.
//!
//! Private key bytes never leave this module except as an `ed25519_dalek::SigningKey`, which
//! zeroizes itself on drop; no error message includes any part of a key file.

use super::sshsig;
use crate::error::{Error, Result};
use crate::gate::{FileKind, Overwrite, outside};
use crate::{git, term};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use ssh_key::private::{Ed25519Keypair, Ed25519PrivateKey, KeypairData};
use ssh_key::{LineEnding, PrivateKey};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Where a passphrase comes from.
#[derive(Debug, Clone)]
pub enum Passphrase {
    /// The first line of this file, which must be readable only by its owner (as a private key).
    File(PathBuf),
    /// Asked for on the terminal, without echo.
    Prompt,
    /// No passphrase: the private key is stored unencrypted (only when writing).
    None,
}

impl Passphrase {
    /// From the usual `--passphrase-file` / `--no-passphrase` options.
    pub fn from_options(file: Option<&Path>, no_passphrase: bool) -> Passphrase {
        match (file, no_passphrase) {
            (Some(f), _) => Passphrase::File(f.to_path_buf()),
            (None, true) => Passphrase::None,
            (None, false) => Passphrase::Prompt,
        }
    }

    /// Reads the passphrase; `prompt` is shown when asking on the terminal.
    fn read(&self, prompt: &str) -> Result<Option<Zeroizing<String>>> {
        match self {
            Passphrase::None => Ok(None),
            Passphrase::Prompt => Ok(Some(Zeroizing::new(term::read_passphrase(prompt)?))),
            Passphrase::File(path) => {
                check_private_permissions(path, "passphrase file")?;
                let bytes = Zeroizing::new(outside::read(path, FileKind::Passphrase)?);
                let text = std::str::from_utf8(&bytes).map_err(|_| {
                    Error::input(format!("{} is not a UTF-8 text file", path.display()))
                        .with_hint("put the passphrase on the first line of a plain text file")
                })?;
                let first = text.lines().next().unwrap_or("");
                if first.is_empty() {
                    return Err(Error::input(format!("passphrase file {} is empty", path.display())).with_hint(
                        "put the passphrase on its first line, or use --no-passphrase when generating a key",
                    ));
                }
                Ok(Some(Zeroizing::new(first.to_string())))
            }
        }
    }
}

/// Whether a file's permissions let group or others read it: `Some(mode)` then. ssh refuses
/// such private keys, and so does datapact, for private keys and passphrase files.
/// (Elsewhere than Unix, files have no such mode bits: always `None`.)
fn too_open(path: &Path) -> Result<Option<u32>> {
    #[cfg(unix)]
    {
        let mode = outside::mode(path)?;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
    }
}

/// The refusal of a secret file (`what`: "private key", "passphrase file") others can read.
fn permissions_error(path: &Path, mode: u32, what: &str) -> Error {
    Error::input(format!(
        "permissions {mode:04o} for {what} {} are too open: other users could read it",
        path.display()
    ))
    .with_hint(format!(
        "make it readable only by you: chmod 600 {}",
        path.display()
    ))
}

/// Refuses a secret file that group or others may read, as ssh does.
fn check_private_permissions(path: &Path, what: &str) -> Result<()> {
    match too_open(path)? {
        Some(mode) => Err(permissions_error(path, mode, what)),
        None => Ok(()),
    }
}

/// Whether `bytes` are an OpenSSH public key (`ssh-ed25519 AAAA...`, or another type), not a
/// private key file.
fn is_public_key(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let first = text.trim_start();
    ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|p| first.starts_with(p))
        && !text.contains("PRIVATE KEY")
}

/// The private key file beside the public key file `public` (`k` for `k.pub`), if there is one.
pub fn private_beside(public: &Path) -> Option<PathBuf> {
    public
        .to_str()
        .and_then(|p| p.strip_suffix(".pub"))
        .map(PathBuf::from)
        .filter(|p| outside::is_file(p))
}

/// An OpenSSH Ed25519 private key file that has been read and checked but not yet decrypted.
/// Its public half is readable without the passphrase (OpenSSH stores it in clear), so a signer
/// can be shown what they are about to sign, with which key, before being asked to unlock it.
pub struct LockedKey {
    path: PathBuf,
    key: PrivateKey,
}

/// What the key file a signer names holds: a private key (still locked), or the public key of
/// one kept elsewhere (in an ssh-agent, or on a hardware token the agent reaches).
pub enum KeyFile {
    Private(LockedKey),
    Public(PublicKeyLine),
}

/// Reads the key file `path` a signer names. A public key line (`ssh-ed25519 AAAA...`) is
/// [`KeyFile::Public`]: an Ed25519 key, refused otherwise. Anything else must be an Ed25519
/// OpenSSH private key kept outside `workspace` and any git work tree
/// ([`refuse_private_key_source`]) and readable only by its owner (as ssh insists).
pub fn open_key(path: &Path, workspace: &Path) -> Result<KeyFile> {
    let open = too_open(path)?;
    let bytes = Zeroizing::new(outside::read(path, FileKind::PrivateKey)?);
    // A public key is taken as such, rather than refused for the permissions public keys have.
    if is_public_key(&bytes) {
        return public_key_from(
            path,
            &bytes,
            "sign with an Ed25519 key: make one with `ssh-keygen -t ed25519` (or on a hardware token that has Ed25519) and have it enrolled",
        )
        .map(KeyFile::Public);
    }
    // A key kept where git could commit it is refused before it is parsed, as `keys generate`
    // refuses to write one there.
    refuse_private_key_source(path, workspace)?;
    if let Some(mode) = open {
        return Err(permissions_error(path, mode, "private key"));
    }
    let key = PrivateKey::from_openssh(&*bytes).map_err(|_| not_a_key(path))?;
    if key.algorithm() != ssh_key::Algorithm::Ed25519 {
        return Err(Error::input(format!(
            "{} is {} {} key; datapact signs with Ed25519 keys only",
            path.display(),
            crate::text::a_or_an(key.algorithm().as_str()),
            key.algorithm()
        ))
        .with_hint(
            "create an Ed25519 key with `datapact keys generate` or `ssh-keygen -t ed25519`",
        ));
    }
    Ok(KeyFile::Private(LockedKey {
        path: path.to_path_buf(),
        key,
    }))
}

fn not_a_key(path: &Path) -> Error {
    Error::input(format!("{} is not an OpenSSH private key", path.display())).with_hint(
        "name the private key file (such as ~/.ssh/id_ed25519), or the public key file of a key an ssh-agent holds; \
         create one with `datapact keys generate` or `ssh-keygen -t ed25519`",
    )
}

impl LockedKey {
    /// The public key, read without decrypting anything.
    pub fn verifying_key(&self) -> Result<ed25519_dalek::VerifyingKey> {
        let public = self
            .key
            .public_key()
            .key_data()
            .ed25519()
            .ok_or_else(|| not_a_key(&self.path))?;
        ed25519_dalek::VerifyingKey::from_bytes(&public.0).map_err(|_| not_a_key(&self.path))
    }

    /// Decrypts the key (asking for or reading its passphrase when it has one) and checks that
    /// the private half matches the public half shown before.
    pub fn unlock(self, passphrase: &Passphrase) -> Result<SigningKey> {
        let path = &self.path;
        let expected = self.verifying_key()?;
        let mut key = self.key;
        if key.is_encrypted() {
            let pass = passphrase.read(&format!("Passphrase for {}: ", path.display()))?.ok_or_else(|| {
                Error::usage(format!("{} is passphrase-protected", path.display()))
                    .with_hint("give its passphrase with --passphrase-file FILE, or run on a terminal to be asked")
            })?;
            key = key.decrypt(pass.as_bytes()).map_err(|_| {
                Error::usage(format!("cannot decrypt {}: wrong passphrase", path.display()))
                    .with_hint("check the passphrase (a passphrase file's first line is used, without the newline)")
            })?;
        }
        let damaged = || {
            Error::input(format!(
                "{} is damaged: its private and public halves do not match",
                path.display()
            ))
            .with_hint("use another copy of the key, or generate a new one and enrol it")
        };
        let keypair = key.key_data().ed25519().ok_or_else(|| not_a_key(path))?;
        let signing = SigningKey::try_from(keypair).map_err(|_| damaged())?;
        if signing.verifying_key() != expected {
            return Err(damaged());
        }
        Ok(signing)
    }
}

/// The default directory for private keys: `<config dir>/datapact/keys`. A home directory
/// (`HOME`) that does not exist is refused, as `ssh-keygen` refuses it: creating it to hold a
/// private key would put the key somewhere nobody looks after.
pub fn default_key_dir() -> Result<PathBuf> {
    if let Some(home) = dirs::home_dir().filter(|h| outside::canonicalize(h).is_err()) {
        return Err(Error::usage(format!(
            "your home directory {} (HOME) does not exist, so there is no place for private keys",
            home.display()
        ))
        .with_hint(
            "set HOME to your existing home directory, or name the key file with --out FILE (outside any git repository)",
        ));
    }
    dirs::config_dir()
        .map(|d| d.join("datapact").join("keys"))
        .ok_or_else(|| {
            Error::usage("cannot find your configuration directory for private keys")
                .with_hint("name the file with --out FILE (outside any git repository)")
        })
}

/// Where `path` would be once written: absolute, with every existing ancestor resolved through
/// symbolic links and the part still to be created normalised (`new/..` is the directory it
/// starts from), so a destination cannot hide where it lands.
fn destination(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    for existing in abs.ancestors() {
        let Ok(mut real) = outside::canonicalize(existing) else {
            continue;
        };
        for part in abs
            .strip_prefix(existing)
            .unwrap_or(Path::new(""))
            .components()
        {
            match part {
                std::path::Component::ParentDir => {
                    real.pop();
                }
                std::path::Component::Normal(name) => real.push(name),
                _ => {}
            }
        }
        return real;
    }
    abs
}

/// Refuses `path` as the destination of a private key when it is (or would be) inside the
/// workspace `workspace` (a git repository or not yet one) or inside any git work tree: a private
/// key must never be committed or shared with the workspace.
pub fn refuse_private_key_destination(path: &Path, workspace: &Path) -> Result<()> {
    refuse_exposed(
        path,
        workspace,
        "write a private key to",
        "leave out --out to use the default key directory, or name a file outside the workspace and any git repository",
    )
}

/// Refuses to sign with the private key file `path` when it is kept inside the workspace
/// `workspace` or inside any git work tree (judged where the file really is, through links),
/// as [`refuse_private_key_destination`] refuses to write one there.
pub fn refuse_private_key_source(path: &Path, workspace: &Path) -> Result<()> {
    refuse_exposed(
        path,
        workspace,
        "use the private key",
        "move the key out of the workspace and any git repository (for example to ~/.config/datapact/keys/, mode 0600) and sign with it there; if it was ever committed, pushed or shared, revoke its key (`datapact keys revoke`) and generate a new one",
    )
}

/// The one decision behind both refusals: where `path` is (or would be) once links are
/// resolved, and whether that is inside the workspace or a git work tree.
fn refuse_exposed(path: &Path, workspace: &Path, action: &str, hint: &str) -> Result<()> {
    let dest = destination(path);
    let workspace = outside::canonicalize(workspace).unwrap_or_else(|_| workspace.to_path_buf());
    let existing = dest.ancestors().skip(1).find(|a| outside::is_dir(a));
    if let Some(root) = existing.and_then(git::work_tree_root) {
        return Err(Error::input(format!(
            "refusing to {action} {}: it is inside the git work tree {}, where it could be committed and shared",
            path.display(),
            root.display()
        ))
        .with_hint(hint));
    }
    if dest.starts_with(&workspace) {
        return Err(Error::input(format!(
            "refusing to {action} {}: it is inside the workspace {}, where it could be committed and shared",
            path.display(),
            workspace.display()
        ))
        .with_hint(hint));
    }
    Ok(())
}

/// Writes `key` as an OpenSSH private key file (mode 0600) and its `.pub` beside it. Encrypted
/// with the passphrase unless `passphrase` is [`Passphrase::None`]. Refuses a destination inside
/// `workspace` or any git work tree, and refuses before writing anything when either file
/// exists; if the `.pub` cannot be written, the private key is removed again.
pub fn write_private_key(
    path: &Path,
    key: &SigningKey,
    comment: &str,
    passphrase: &Passphrase,
    workspace: &Path,
) -> Result<()> {
    refuse_private_key_destination(path, workspace)?;
    let public_file = public_path(path);
    for file in [path, public_file.as_path()] {
        // symlink_metadata: a dangling link counts as existing too.
        if outside::exists_no_follow(file) {
            return Err(
                Error::usage(format!("{} already exists", file.display())).with_hint(
                    "choose another file with --out; an existing key file is never overwritten",
                ),
            );
        }
    }
    let pass = passphrase.read("Passphrase for the new key (empty is not allowed): ")?;
    if let Passphrase::Prompt = passphrase {
        let again = Zeroizing::new(term::read_passphrase("Same passphrase again: ")?);
        if pass.as_deref().map(|p| p.as_str()) != Some(again.as_str()) {
            return Err(
                Error::usage("the two passphrases differ").with_hint("run the command again")
            );
        }
    }
    let keypair = Ed25519Keypair::from(Ed25519PrivateKey::from(key));
    let encode_error = |what: &str| {
        Error::new(
            crate::error::ErrorKind::Io,
            format!("cannot {what} the new private key"),
        )
        .with_hint("try again; if it keeps failing, report a bug")
    };
    let mut private = PrivateKey::new(KeypairData::Ed25519(keypair), comment)
        .map_err(|_| encode_error("encode"))?;
    if let Some(pass) = &pass {
        if pass.is_empty() {
            return Err(Error::usage("the passphrase is empty")
                .with_hint("choose a passphrase, or pass --no-passphrase"));
        }
        private = private
            .encrypt(&mut rand_core::OsRng, pass.as_bytes())
            .map_err(|_| encode_error("encrypt"))?;
    }
    let pem = private
        .to_openssh(LineEnding::LF)
        .map_err(|_| encode_error("encode"))?;
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !outside::is_dir(dir) {
            outside::create_private_dir(dir)?;
        }
    }
    outside::write_atomic(path, pem.as_bytes(), Overwrite::Refuse, Some(0o600))?;
    let public = format!(
        "{} {comment}\n",
        sshsig::public_key_line(&key.verifying_key())
    );
    outside::write_atomic(
        &public_file,
        public.as_bytes(),
        Overwrite::Refuse,
        Some(0o644),
    )
    .inspect_err(|_| remove_key_files(path))
}

/// Removes a private key file just written and its `.pub`, when a later step failed (nothing
/// is left half made). Failures to remove are reported on standard error, naming the file.
pub fn remove_key_files(path: &Path) {
    for file in [path.to_path_buf(), public_path(path)] {
        match outside::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => term::note(&format!(
                "could not remove {} after the failure ({e}); delete it yourself",
                file.display()
            )),
        }
    }
}

/// Where the public half of private key file `path` goes: `path` plus `.pub`.
pub fn public_path(path: &Path) -> PathBuf {
    super::with_suffix(path, ".pub")
}

/// A parsed `ssh-ed25519 AAAA... comment` public key.
#[derive(Debug, Clone)]
pub struct PublicKeyLine {
    pub key: VerifyingKey,
    /// `ssh-ed25519 AAAA...`, re-encoded from the key (canonical, without the comment).
    pub openssh: String,
    pub comment: String,
    pub key_id: String,
}

/// A public key line decoded strictly, before the key itself is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedKey {
    /// The 32 bytes of the Ed25519 public key, as written.
    pub bytes: [u8; 32],
    /// The comment after the key (no control characters), or empty.
    pub comment: String,
}

impl DecodedKey {
    /// The key as an OpenSSH line without comment: `ssh-ed25519` and the base64 of the bytes as
    /// written.
    pub fn openssh(&self) -> String {
        format!("{ED25519} {}", STANDARD.encode(wire_form(&self.bytes)))
    }
}

/// The OpenSSH wire form of an Ed25519 public key: string `ssh-ed25519`, string of its bytes.
fn wire_form(bytes: &[u8; 32]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(4 + ED25519.len() + 4 + 32);
    blob.extend_from_slice(&(ED25519.len() as u32).to_be_bytes());
    blob.extend_from_slice(ED25519.as_bytes());
    blob.extend_from_slice(&32u32.to_be_bytes());
    blob.extend_from_slice(bytes);
    blob
}

/// The only key type datapact accepts.
const ED25519: &str = "ssh-ed25519";

/// Decodes one OpenSSH public key line strictly: `ssh-ed25519`, one or more spaces, the
/// canonical base64 of exactly the wire form of an Ed25519 key (its type again and 32 bytes,
/// nothing more), then optionally spaces and a comment. Spaces at either end are ignored; a
/// control character anywhere (a newline, even at the end, would start another line of an
/// allowed_signers file; a tab is one too), a line separator or a bidirectional formatting
/// character is refused. The error (a plain reason) says why a line is refused.
pub fn decode_public_key_line(line: &str) -> Result<DecodedKey, String> {
    let line = line.trim_matches(' ');
    if line.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = line.chars().find(|&c| super::forbidden_char(c)) {
        return Err(format!(
            "it contains the control or formatting character {}; a public key line is `ssh-ed25519 AAAA... comment` on one line",
            c.escape_unicode()
        ));
    }
    let mut parts = line.splitn(2, ' ');
    let key_type = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("").trim_start_matches(' ');
    if key_type != ED25519 {
        return Err(
            if key_type.starts_with("ssh-")
                || key_type.starts_with("ecdsa-")
                || key_type.starts_with("sk-")
            {
                format!(
                    "it is {} {key_type} key; datapact accepts Ed25519 keys only (ssh-ed25519)",
                    crate::text::a_or_an(key_type)
                )
            } else {
                "it is not an OpenSSH public key line (`ssh-ed25519 AAAA... comment`)".to_string()
            },
        );
    }
    let (body, comment) = rest.split_once(' ').unwrap_or((rest, ""));
    let malformed = || {
        "the key is malformed: its base64 body does not decode to an Ed25519 public key".to_string()
    };
    let blob = STANDARD.decode(body).map_err(|_| malformed())?;
    // The wire form, exactly: string "ssh-ed25519", string of the 32 key bytes; nothing else.
    // Its 51 bytes are 68 base64 digits without padding or spare bits, and the decoder refuses
    // padding and non-zero spare bits, so one key has one spelling.
    let bytes: [u8; 32] = blob
        .get(blob.len().saturating_sub(32)..)
        .and_then(|key| key.try_into().ok())
        .filter(|key| wire_form(key) == blob)
        .ok_or_else(malformed)?;
    Ok(DecodedKey {
        bytes,
        comment: comment.trim_matches(' ').to_string(),
    })
}

/// Parses one OpenSSH public key line ([`decode_public_key_line`]) and checks that it is a
/// usable Ed25519 key ([`sshsig::usable_key`]). The error (a plain reason) says why a line is
/// refused: malformed, not Ed25519, invalid, weak, not canonical or not torsion-free.
pub fn parse_public_key_line(line: &str) -> Result<PublicKeyLine, String> {
    let decoded = decode_public_key_line(line)?;
    let key = sshsig::usable_key(&decoded.bytes)?;
    Ok(PublicKeyLine {
        openssh: sshsig::public_key_line(&key),
        comment: decoded.comment,
        key_id: sshsig::key_id(&key),
        key,
    })
}

/// Reads a public key file that holds exactly one key line (blank and `#` lines ignored).
pub fn read_public_key_file(path: &Path) -> Result<PublicKeyLine> {
    let bytes = outside::read(path, FileKind::PublicKey)?;
    public_key_from(
        path,
        &bytes,
        "ask the partner for their Ed25519 public key file (`ssh-keygen -t ed25519` makes one ending in .pub)",
    )
}

/// The one key line of the public key file `path` whose contents are `bytes` (blank and `#`
/// lines ignored); `hint` says what to do when it is unusable.
fn public_key_from(path: &Path, bytes: &[u8], hint: &str) -> Result<PublicKeyLine> {
    let refuse = |why: String| {
        Error::input(format!(
            "{}: cannot use this public key: {why}",
            path.display()
        ))
        .with_hint(hint)
    };
    let text = std::str::from_utf8(bytes).map_err(|_| refuse("the file is not text".into()))?;
    if text.contains("PRIVATE KEY") {
        return Err(Error::input(format!(
            "{} is a private key; enrol the public key only",
            path.display()
        ))
        .with_hint("use the .pub file; never share or enrol a private key"));
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    match lines.as_slice() {
        [one] => parse_public_key_line(one).map_err(refuse),
        [] => Err(refuse("the file holds no key".into())),
        _ => Err(refuse(format!(
            "the file holds {} lines; enrol one key at a time",
            lines.len()
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their files directly
mod tests {
    use super::*;
    use base64::Engine;

    fn line_for(key_type: &str, body: &[u8]) -> String {
        let mut blob = Vec::new();
        blob.extend_from_slice(&(key_type.len() as u32).to_be_bytes());
        blob.extend_from_slice(key_type.as_bytes());
        blob.extend_from_slice(&(body.len() as u32).to_be_bytes());
        blob.extend_from_slice(body);
        format!(
            "{key_type} {} c",
            base64::engine::general_purpose::STANDARD.encode(blob)
        )
    }

    #[test]
    fn public_key_lines_are_checked() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let good = format!("{} alice", sshsig::public_key_line(&key.verifying_key()));
        let parsed = parse_public_key_line(&good).unwrap();
        assert_eq!(parsed.comment, "alice");
        assert_eq!(parsed.key, key.verifying_key());

        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(
            parse_public_key_line(&line_for("ssh-ed25519", &identity))
                .unwrap_err()
                .contains("weak")
        );
        assert!(
            parse_public_key_line("ssh-rsa AAAAB3NzaC1yc2E x")
                .unwrap_err()
                .contains("Ed25519 keys only")
        );
        assert!(
            parse_public_key_line("ssh-ed25519 AAAA!!")
                .unwrap_err()
                .contains("malformed")
        );
        assert!(
            parse_public_key_line(&line_for("ssh-ed25519", &[1; 31]))
                .unwrap_err()
                .contains("malformed")
        );
        assert!(parse_public_key_line("hello").is_err());
    }

    /// A key line is decoded strictly: the base64 must be canonical and hold exactly an Ed25519
    /// key's wire form (no other type inside, no extra bytes), and nothing on the line may be a
    /// control or formatting character. Only the type and base64 are kept (`openssh`); blanks at
    /// either end and between the parts are fine.
    #[test]
    fn key_lines_are_decoded_strictly_and_reencoded_without_comment() {
        let key = SigningKey::from_bytes(&[5; 32]).verifying_key();
        let canonical = sshsig::public_key_line(&key);
        let body = canonical.split(' ').nth(1).unwrap();
        for padded in [
            format!("  {canonical}   alice laptop  "),
            format!("ssh-ed25519   {body}"),
        ] {
            let parsed = parse_public_key_line(&padded).unwrap();
            assert_eq!(parsed.openssh, canonical, "{padded:?}");
            assert_eq!(
                decode_public_key_line(&padded).unwrap().openssh(),
                canonical
            );
        }
        assert_eq!(
            parse_public_key_line(&format!("{canonical}  alice laptop "))
                .unwrap()
                .comment,
            "alice laptop"
        );

        let malformed =
            "the key is malformed: its base64 body does not decode to an Ed25519 public key";
        let wire = wire_form(key.as_bytes());
        let mut longer = wire.clone();
        longer.push(0);
        let mut rsa_inside = wire.clone();
        rsa_inside[4..15].copy_from_slice(b"ssh-rsa\0\0\0\0");
        // 51 bytes are 68 base64 digits exactly: no padding, and no spare bits to spell twice.
        assert_eq!(STANDARD.encode(&wire), body);
        assert_eq!(body.len(), 68);
        for bad in [
            STANDARD.encode(&longer),
            STANDARD.encode(&rsa_inside),
            STANDARD.encode(&wire[..wire.len() - 1]),
            format!("{body}="),
            format!("{body}===="),
            body[..67].to_string(),
            body.replace('A', "-"),
        ] {
            assert_eq!(
                decode_public_key_line(&format!("ssh-ed25519 {bad} c")),
                Err(malformed.to_string()),
                "{bad}"
            );
        }
        for (line, c) in [
            (
                format!("{canonical} c\npriya@nhs.net {canonical}"),
                "\\u{a}",
            ),
            (format!("{canonical} c\rx"), "\\u{d}"),
            (format!("{canonical}\n"), "\\u{a}"),
            (format!("{canonical}\r\n"), "\\u{d}"),
            (format!("\t{canonical}"), "\\u{9}"),
            (format!("ssh-ed25519\t{body}"), "\\u{9}"),
            (format!("{canonical} \u{1b}[2J"), "\\u{1b}"),
            (format!("{canonical} \u{7f}"), "\\u{7f}"),
            (format!("{canonical} \u{85}"), "\\u{85}"),
            (format!("{canonical} a\u{2028}b"), "\\u{2028}"),
            (format!("{canonical} a\u{2029}b"), "\\u{2029}"),
            (format!("{canonical} \u{202e}gpj.exe"), "\\u{202e}"),
            (format!("{canonical} \u{2066}x"), "\\u{2066}"),
            (format!("{canonical} \u{200f}x"), "\\u{200f}"),
        ] {
            let err = decode_public_key_line(&line).unwrap_err();
            assert!(
                err.starts_with(&format!(
                    "it contains the control or formatting character {c};"
                )),
                "{line:?}: {err}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn private_keys_round_trip_encrypted_and_permissions_are_enforced() {
        let workspace = Path::new("/nonexistent-datapact-workspace");
        use std::os::unix::fs::PermissionsExt;
        let open_private_key = |path: &Path| match open_key(path, workspace)? {
            KeyFile::Private(locked) => Ok(locked),
            KeyFile::Public(_) => panic!("a private key read as a public key"),
        };
        let read_private_key =
            |path: &Path, pass: &Passphrase| open_private_key(path).and_then(|k| k.unlock(pass));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let pass_file = dir.path().join("pass");
        std::fs::write(&pass_file, "correct horse\n").unwrap();
        std::fs::set_permissions(&pass_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let key = SigningKey::from_bytes(&[8; 32]);
        write_private_key(
            &path,
            &key,
            "me",
            &Passphrase::File(pass_file.clone()),
            workspace,
        )
        .unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
        // The public half is known before any passphrase is asked for.
        let locked = open_private_key(&path).unwrap();
        assert_eq!(locked.verifying_key().unwrap(), key.verifying_key());
        let back = read_private_key(&path, &Passphrase::File(pass_file.clone())).unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());

        std::fs::write(&pass_file, "wrong\n").unwrap();
        let err = read_private_key(&path, &Passphrase::File(pass_file)).unwrap_err();
        assert!(err.message.contains("wrong passphrase"));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_private_key(&path, &Passphrase::None).unwrap_err();
        assert!(err.message.contains("too open"), "{}", err.message);
    }

    #[test]
    fn other_openssh_key_types_are_named_and_anything_else_is_not_a_key_line() {
        for (key_type, article) in [
            ("ssh-rsa", "an"),
            ("ssh-dss", "an"),
            ("ecdsa-sha2-nistp256", "an"),
            ("sk-ssh-ed25519@openssh.com", "an"),
            ("sk-ecdsa-sha2-nistp256@openssh.com", "an"),
        ] {
            assert_eq!(
                parse_public_key_line(&format!("{key_type} AAAAB3NzaC1yc2E alice")).unwrap_err(),
                format!(
                    "it is {article} {key_type} key; datapact accepts Ed25519 keys only (ssh-ed25519)"
                ),
                "{key_type}"
            );
        }
        for not_a_key in [
            "hello",
            "AAAAC3NzaC1lZDI1NTE5 alice",
            "rsa-ssh AAAA x",
            "-----BEGIN",
        ] {
            assert_eq!(
                parse_public_key_line(not_a_key).unwrap_err(),
                "it is not an OpenSSH public key line (`ssh-ed25519 AAAA... comment`)",
                "{not_a_key}"
            );
        }
        assert_eq!(parse_public_key_line("   ").unwrap_err(), "it is empty");
    }

    /// A public key file in `dir` named `name` holding `text`.
    fn pub_file(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_public_key_file_holds_one_key_line_among_blank_and_comment_lines() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[6; 32]);
        let line = format!(
            "{} alice@example.org",
            sshsig::public_key_line(&key.verifying_key())
        );
        let commented = pub_file(
            dir.path(),
            "commented.pub",
            &format!("# Alice's signing key\n\n   \n  # sent 2026-03-01\n{line}\n\n# end\n"),
        );
        let parsed = read_public_key_file(&commented).unwrap();
        assert_eq!(parsed.key, key.verifying_key());
        assert_eq!(parsed.comment, "alice@example.org");

        // Comments are not capped at an Ed25519 key's size: the cap (16 KiB) is for the file.
        let notes = "# a note about this key, kept with it by its holder\n".repeat(100);
        assert!(notes.len() > 4096);
        let long = pub_file(dir.path(), "long.pub", &format!("{notes}{line}\n"));
        assert_eq!(
            read_public_key_file(&long).unwrap().key,
            key.verifying_key()
        );

        for (name, text) in [
            ("empty.pub", ""),
            ("blank.pub", "\n  \n\t\n"),
            ("comments.pub", "# no key here\n\n  # nor here\n"),
        ] {
            let err = read_public_key_file(&pub_file(dir.path(), name, text)).unwrap_err();
            assert!(
                err.message
                    .ends_with("cannot use this public key: the file holds no key"),
                "{name}: {}",
                err.message
            );
        }
        let other = SigningKey::from_bytes(&[7; 32]);
        let two = pub_file(
            dir.path(),
            "two.pub",
            &format!(
                "# two keys\n{line}\n\n{} bob\n",
                sshsig::public_key_line(&other.verifying_key())
            ),
        );
        let err = read_public_key_file(&two).unwrap_err();
        assert!(
            err.message
                .ends_with("the file holds 2 lines; enrol one key at a time"),
            "{}",
            err.message
        );
    }

    #[test]
    fn remove_key_files_removes_the_private_key_and_its_public_half() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k");
        std::fs::write(&key, "private").unwrap();
        std::fs::write(public_path(&key), "public").unwrap();
        remove_key_files(&key);
        assert!(!key.exists(), "private key left behind");
        assert!(!public_path(&key).exists(), ".pub left behind");
        // The .pub was never written (its write is what failed): the private key goes all the same.
        std::fs::write(&key, "private").unwrap();
        remove_key_files(&key);
        assert!(!key.exists(), "private key left behind");
    }

    /// `remove_key_files` names on standard error each file it could not remove, and says
    /// nothing about a file that is not there (the `.pub` whose write failed). `term::note`
    /// writes to the process's standard error, past the test harness's capture, so this test
    /// runs itself again in a child process and reads the child's standard error.
    #[test]
    fn remove_key_files_notes_only_the_files_it_could_not_remove() {
        const CHILD: &str = "DATAPACT_TEST_REMOVE_KEY_FILES_CHILD";
        if let Some(path) = std::env::var_os(CHILD) {
            remove_key_files(Path::new(&path));
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        // A directory in the private key's place cannot be removed as a file (an error other
        // than "not found"); its .pub does not exist ("not found").
        let key = dir.path().join("k");
        std::fs::create_dir(&key).unwrap();
        let full = concat!(
            module_path!(),
            "::remove_key_files_notes_only_the_files_it_could_not_remove"
        );
        let name = full.split_once("::").unwrap().1; // without the crate name
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, &key)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "the child test did not run: {stdout}{stderr}"
        );
        let notes: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("could not remove"))
            .collect();
        assert_eq!(
            notes.len(),
            1,
            "one note, for the directory only:\n{stderr}"
        );
        let expected = format!("could not remove {} after the failure (", key.display());
        assert!(
            notes[0].starts_with(&expected) && notes[0].ends_with("); delete it yourself"),
            "{stderr}"
        );
        assert!(key.is_dir());
    }
}
