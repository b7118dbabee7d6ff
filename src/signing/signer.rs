//! What every command that signs shares (`datapact sign` for agreement versions, `datapact
//! review` for reviews): the decisions about the signer's key made before anything is signed,
//! so that no signature is made that verification would not count, and publishing a statement
//! with its signature so that the pair appears whole or not at all.

use super::AgreementFacts;
use super::key_source::{KeySource, UnlockedKey};
use super::keyfile::Passphrase;
use super::statement::{STATEMENT_TYPE, Statement, latest_signing_time};
use super::trust::{Refusal, TrustStore, TrustedKey};
use super::{sshsig, verify};
use crate::error::{Error, Result};
use crate::gate::{self, Kind, Overwrite};
use crate::term;
use crate::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use std::path::Path;

/// A private key checked against the trust store for one party, role and signing time; still
/// locked (a key file's passphrase is asked for, or the ssh-agent asked to sign, only once the
/// signer has seen what they sign).
pub struct Signer<'t> {
    /// The trust store entry holding the key.
    pub entry: &'t TrustedKey,
    pub key_id: String,
    /// The role the statement names.
    pub role: String,
    /// The key: a key file, or a key an ssh-agent holds ([`KeySource`]).
    pub locked: KeySource,
}

/// Opens the key `key` names (a private key file, or a key an ssh-agent holds: [`KeySource`])
/// and checks, before anything is signed, what verification checks for each statement: a key
/// file is not kept where git could commit it, and the key passes [`check_enrolled`]. Only the
/// public half is read.
pub fn check_key<'t>(
    ws: &Workspace,
    trust: &'t TrustStore,
    key: &Path,
    party: &str,
    role: Option<&str>,
    signed_at: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Signer<'t>> {
    // Only the public half is needed to check the key and show what will be signed; the
    // passphrase is asked for (or the agent asked to sign) after that, so the signer can still
    // stop.
    let locked = KeySource::open(key, &ws.root)?;
    let key_id = sshsig::key_id(&locked.verifying_key()?);
    let public = locked.public_file(key);
    let (entry, role) = check_enrolled(
        ws,
        trust,
        Enrolled {
            key_id: &key_id,
            file: key,
            public: &public,
        },
        party,
        role,
        signed_at,
        today,
    )?;
    Ok(Signer {
        entry,
        key_id,
        role,
        locked,
    })
}

/// A key to check against the trust store: its id, the file it was read from (for messages) and
/// its public key file (for the command that enrols it).
#[derive(Debug, Clone, Copy)]
pub struct Enrolled<'a> {
    pub key_id: &'a str,
    pub file: &'a Path,
    pub public: &'a Path,
}

/// The decisions verification makes for each statement, made before a statement is signed (by
/// `sign`, or printed by `statement` for OpenSSH to sign), so that no signature is made that
/// would not count: the key is enrolled (`trust`) for `party` in `role` (default: the key's only
/// role), valid at `signed_at`, and `signed_at` is not after today (`today`, in the workspace
/// time zone). Returns the key's trust store entry and the role the statement names.
pub fn check_enrolled<'t>(
    ws: &Workspace,
    trust: &'t TrustStore,
    key: Enrolled<'_>,
    party: &str,
    role: Option<&str>,
    signed_at: DateTime<Utc>,
    today: NaiveDate,
) -> Result<(&'t TrustedKey, String)> {
    let key_id = key.key_id;
    let enrol_hint = format!(
        "enrol its public key first: `datapact keys add --party {party} --principal NAME --role ROLE {}`",
        key.public.display()
    );
    let entry = trust.find(key_id).ok_or_else(|| {
        Error::refused(format!(
            "key {key_id} ({}) is not in the trust store",
            key.file.display()
        ))
        .with_hint(enrol_hint.clone())
    })?;
    let refused = |refusal| refused(&refusal, entry, key_id, party, role);
    entry.attributes_to(party).map_err(refused)?;
    let role = match (role, entry.roles.as_slice()) {
        (Some(r), _) => {
            ws.config.check_role(r).map_err(|why| {
                Error::usage(format!("invalid --role: {why}")).with_hint("pass a valid role")
            })?;
            r.to_string()
        }
        (None, [only]) => only.clone(),
        (None, _) => {
            return Err(
                Error::usage("which role do you sign in?").with_hint(format!(
                    "pass --role (one of: {})",
                    ws.config
                        .roles()
                        .iter()
                        .map(|(id, _)| *id)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    };
    entry
        .permits(&role, signed_at.date_naive())
        .map_err(refused)?;
    // Verification rejects a statement signed after today (DP219): never make one.
    let latest = latest_signing_time(today, ws.config.timezone());
    if signed_at > latest {
        let claimed = signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        return Err(Error::refused(format!(
            "refusing to sign: {}",
            verify::from_the_future(party, &claimed, latest)
        ))
        .with_hint(format!(
            "check this computer's clock, and --today / DATAPACT_TODAY if set (today is {today}): signatures are judged against today"
        )));
    }
    Ok((entry, role))
}

/// Refuses to sign an agreement with errors, or for a party it does not name: what `sign` and
/// `statement` check first, before any key.
pub fn check_signable(facts: &AgreementFacts, party: &str) -> Result<()> {
    if facts.has_errors {
        return Err(Error::refused(format!(
            "{} has errors; an agreement with errors cannot be signed",
            facts.display_path
        ))
        .with_hint(format!(
            "run `datapact validate {}` and fix every error first",
            facts.id
        )));
    }
    facts.require_signing_party(party)
}

/// The statement `party` signs for the current version of the agreement (`facts`) with the key
/// `key_id` in `role` at `signed_at`, the statement `sign` signs and `statement` prints, with
/// the latest earlier signed version it chains to (`previous_sha256`), if any.
pub fn agreement_statement(
    ws: &Workspace,
    facts: &AgreementFacts,
    trust: &TrustStore,
    party: &str,
    key_id: &str,
    role: &str,
    signed_at: DateTime<Utc>,
) -> Result<(Statement, Option<(u32, String)>)> {
    let previous = verify::previous_signed_digest(ws, facts, trust).map_err(|why| {
        Error::refused(format!("{}: {why}", facts.id))
            .with_hint("look at signatures/ in git history before signing")
    })?;
    let statement = Statement {
        statement_type: STATEMENT_TYPE.to_string(),
        agreement: facts.id.to_string(),
        version: facts.version,
        agreement_sha256: facts.digest().to_string(),
        previous_sha256: previous.as_ref().map(|(_, d)| d.clone()),
        party: party.to_string(),
        key_id: key_id.to_string(),
        role: role.to_string(),
        signed_at: signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    Ok((statement, previous))
}

/// Why the key may not sign, in the signer's terms, with what to do.
fn refused(
    refusal: &Refusal,
    entry: &TrustedKey,
    key_id: &str,
    party: &str,
    role: Option<&str>,
) -> Error {
    match refusal {
        Refusal::OtherParty => Error::refused(format!(
            "key {key_id} is enrolled for {}, not for {party}",
            entry.party
        ))
        .with_hint(format!(
            "sign with a key enrolled for {party}, or pass --party {}",
            entry.party
        )),
        Refusal::Unusable(problem) => Error::refused(format!(
            "the trust store entry for key {key_id} is unusable ({}:{}): {problem}",
            entry.file, entry.line
        ))
        .with_hint("fix the trust store entry, or enrol the key again"),
        Refusal::Revoked(date) => Error::refused(format!("key {key_id} was revoked on {date}"))
            .with_hint("generate a new key (`datapact keys generate`) and have it enrolled"),
        Refusal::OutsideWindow(day) => Error::refused(format!(
            "key {key_id} is not valid on {day} (valid {})",
            entry.window()
        ))
        .with_hint("sign with a key that is valid today, or have this key's validity extended"),
        Refusal::Role => Error::refused(format!(
            "key {key_id} is not enrolled for role {:?} (only {})",
            role.unwrap_or_default(),
            entry.roles.join(", ")
        ))
        .with_hint("pass --role with one of the key's roles"),
    }
}

/// What an earlier, interrupted signing left of a party's pair of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// Neither file: nothing signed yet.
    Nothing,
    /// A statement without its signature (what earlier datapact versions left when killed
    /// between their two writes, which put the statement first; or a signature removed).
    Statement,
    /// A signature without its statement: a run killed between its two writes.
    Signature,
    /// Both, and the caller replaces them (a statement that no longer counts, signed again).
    Both,
}

/// What is at a statement's and its signature's paths: nothing, or one of them alone (an
/// interrupted signing, which signing again completes). When both are there (regular files),
/// `both` decides: refused (the party has signed already) or [`Leftover::Both`] (replaced).
/// Anything but a regular file at either is refused with the error `other` makes of the path
/// that is there.
pub fn leftover(
    ws: &Workspace,
    stmt: &Path,
    sig: &Path,
    both: impl FnOnce(&Path) -> Result<Leftover>,
    other: impl FnOnce(&Path) -> Error,
) -> Result<Leftover> {
    let kind = |path: &Path| gate::kind_of(&ws.root, path);
    match (kind(stmt)?, kind(sig)?) {
        (Kind::Missing, Kind::Missing) => Ok(Leftover::Nothing),
        (Kind::File, Kind::Missing) => Ok(Leftover::Statement),
        (Kind::Missing, Kind::File) => Ok(Leftover::Signature),
        (Kind::File, Kind::File) => both(stmt),
        (stmt_kind, _) => {
            let there = if stmt_kind == Kind::Missing {
                sig
            } else {
                stmt
            };
            Err(other(there))
        }
    }
}

/// Publishes a statement and its signature so that both appear or neither does. The signature
/// goes first and the statement last, because a signature alone counts for nothing and says
/// so (`verify`: an interrupted signing), while a statement alone would look signed but
/// broken. Each file is written atomically (temporary file, then rename), and the folder is
/// synced between the two renames, so even after a power loss the statement is never there
/// without its signature. A leftover of an interrupted signing is taken away first (a lone
/// statement) or replaced (a lone signature); a pair being replaced is replaced in the same
/// order. If the statement cannot be written (a full disk), the signature just written is
/// removed again, and so is the folder if it is left empty. Callers hold
/// [`gate::lock_workspace`] and have checked `left` under it.
pub fn publish(
    ws: &Workspace,
    stmt: &Path,
    sig: &Path,
    text: &str,
    armour: &str,
    left: Leftover,
) -> Result<()> {
    let dir = stmt.parent().unwrap_or(&ws.root);
    let (overwrite, statement_overwrite) = match left {
        Leftover::Nothing => (Overwrite::Refuse, Overwrite::Refuse),
        Leftover::Statement => {
            gate::remove_file(&ws.root, stmt)?;
            term::note(&format!(
                "completing an interrupted signing: removed {}, a statement left without its signature",
                ws.display(stmt)
            ));
            (Overwrite::Refuse, Overwrite::Refuse)
        }
        Leftover::Signature => {
            term::note(&format!(
                "completing an interrupted signing: replacing {}, a signature left without its statement",
                ws.display(sig)
            ));
            (Overwrite::Allow, Overwrite::Refuse)
        }
        // Replaced in the same order: the new signature first, then the new statement. Killed
        // in between, the old statement sits beside the new signature, which does not verify
        // it, and signing again mends it.
        Leftover::Both => (Overwrite::Allow, Overwrite::Allow),
    };
    let undo = |e: Error| {
        // Best effort: if the signature cannot be removed either, it stays alone, which
        // `verify` explains and the next `sign` replaces.
        let _ = gate::remove_file(&ws.root, sig);
        let _ = gate::remove_empty_dir(&ws.root, dir);
        e
    };
    gate::write_atomic(&ws.root, sig, armour.as_bytes(), overwrite).map_err(undo)?;
    gate::sync_dir(&ws.root, dir).map_err(undo)?;
    gate::write_atomic(&ws.root, stmt, text.as_bytes(), statement_overwrite).map_err(undo)
}

/// Signs a statement's `text` and publishes it: unlocks the key (asking for its passphrase only
/// now, once the signer has seen what they sign) or asks the ssh-agent holding it, signs in the
/// datapact namespace, then, holding the workspace lock so that two runs never interleave their
/// files, checks again what an earlier run `left` at the statement's and signature's paths and
/// [`publish`]es the pair.
pub fn sign_and_publish(
    ws: &Workspace,
    locked: KeySource,
    passphrase: &Passphrase,
    text: &str,
    stmt: &Path,
    sig: &Path,
    left: impl FnOnce() -> Result<Leftover>,
) -> Result<()> {
    let mut key = locked.unlock(passphrase)?;
    sign_and_publish_unlocked(ws, &mut key, text, stmt, sig, left)
}

/// [`sign_and_publish`] with a key already unlocked: what `sign` uses for several agreements,
/// so the key is decrypted (and its passphrase asked for) once for all of them.
pub fn sign_and_publish_unlocked(
    ws: &Workspace,
    key: &mut UnlockedKey,
    text: &str,
    stmt: &Path,
    sig: &Path,
    left: impl FnOnce() -> Result<Leftover>,
) -> Result<()> {
    let armour = key.sign(text.as_bytes())?;
    // One run at a time decides what is there and writes: two runs for the same party never
    // interleave their files.
    let _lock = gate::lock_workspace(&ws.root)?;
    let left = left()?;
    publish(ws, stmt, sig, text, &armour, left)
}
