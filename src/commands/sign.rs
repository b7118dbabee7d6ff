//! `datapact sign ID --party ORG_ID --key FILE [--role ROLE]`: sign the current version of an
//! agreement for one party. Writes one statement and one SSHSIG signature file for that party
//! and version, so parties signing in different clones never conflict.
//!
//! The pair appears whole or not at all: the signature is published first and the statement
//! last (see [`publish`]), so a run killed at any moment, or stopped by a full disk, leaves
//! either nothing, or a signature without its statement, which counts for nothing, which
//! `verify` names as an interrupted signing, and which the next `sign` replaces. The signing
//! time is the clock's; only debug builds (the test suite's) can claim another.

use crate::error::{Error, Outcome, Result};
use crate::gate::{self, Kind, Overwrite};
use crate::rules;
use crate::signing::keyfile::{self, Passphrase};
use crate::signing::statement::{
    STATEMENT_TYPE, Statement, latest_signing_time, signature_path, statement_path,
};
use crate::signing::trust::{Refusal, TrustStore, TrustedKey};
use crate::signing::verify::PartyStatus;
use crate::signing::{facts, sshsig, verify};
use crate::workspace::Workspace;
use crate::{git, term};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Sign the current version of an agreement for one party.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The party you sign for (its id in the agreement).
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// Your OpenSSH Ed25519 private key file (such as ~/.ssh/id_ed25519); it must be enrolled
    /// for the party.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The role you sign in: dpo, caldicott-guardian or senior-officer (default: the key's only role).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Read the key's passphrase from the first line of FILE instead of asking.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Sign again when this party's statement for this version no longer counts (revoked,
    /// expired or unknown key, damaged file): the new statement and signature replace it. A
    /// statement that counts is never replaced.
    #[arg(long)]
    pub replace: bool,
    /// Commit the agreement file, the statement and the signature (and nothing else) to git,
    /// so that what was signed is committed with its signature.
    #[arg(long)]
    pub commit: bool,
    /// The signing time to claim (RFC 3339); default: now. For tests only: the option exists
    /// in debug builds (which the test suite runs), never in a release build, so a datapact
    /// that is installed always records the time of signing.
    #[cfg(debug_assertions)]
    #[arg(long, value_name = "TIME", value_parser = parse_time_arg, hide = true)]
    pub signed_at: Option<DateTime<Utc>>,
}

impl Args {
    /// The time the statement records: the clock's (or, in a debug build, `--signed-at`).
    fn signing_time(&self) -> DateTime<Utc> {
        #[cfg(debug_assertions)]
        if let Some(claimed) = self.signed_at {
            return claimed;
        }
        Utc::now()
    }
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
    let today = cx.today_in(&ws);
    let path = ws.resolve_target(&args.target)?;
    let facts = facts::load(&ws, &path)?;
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
    if !facts.party_ids.contains(&args.party) {
        return Err(Error::refused(format!(
            "{} is not a party to {} (its parties are: {})",
            args.party,
            facts.id,
            facts.party_ids.join(", ")
        ))
        .with_hint("pass --party with one of the party ids listed in the agreement"));
    }
    let trust = TrustStore::load(&ws)?;
    warn_if_uncommitted(&ws, &facts, args.commit);
    let passphrase = Passphrase::from_options(args.passphrase_file.as_deref(), false);
    // A key kept where git could commit it is refused before it is read, as `keys generate`
    // refuses to write one there.
    keyfile::refuse_private_key_source(&args.key, &ws.root)?;
    // Only the public half is needed to check the key and show what will be signed; the
    // passphrase is asked for after that, so the signer can still stop.
    let locked = keyfile::open_private_key(&args.key)?;
    let key_id = sshsig::key_id(&locked.verifying_key()?);
    let enrol_hint = format!(
        "enrol its public key first: `datapact keys add --party {} --principal NAME --role ROLE {}`",
        args.party,
        keyfile::public_path(&args.key).display()
    );
    let entry = trust.find(&key_id).ok_or_else(|| {
        Error::refused(format!(
            "key {key_id} ({}) is not in the trust store",
            args.key.display()
        ))
        .with_hint(enrol_hint.clone())
    })?;
    // The decisions verification makes for each statement, made before signing, so that a
    // signature is never made that would not count.
    let refused = |refusal| refused(&refusal, entry, &key_id, &args.party, args.role.as_deref());
    entry.attributes_to(&args.party).map_err(refused)?;
    let role = match (&args.role, entry.roles.as_slice()) {
        (Some(r), _) => {
            crate::signing::check_role(r).map_err(|why| {
                Error::usage(format!("invalid --role: {why}")).with_hint("pass a valid role")
            })?;
            r.clone()
        }
        (None, [only]) => only.clone(),
        (None, _) => {
            return Err(
                Error::usage("which role do you sign in?").with_hint(format!(
                    "pass --role (one of: {})",
                    crate::signing::ROLES.join(", ")
                )),
            );
        }
    };
    let signed_at = args.signing_time();
    entry
        .permits(&role, signed_at.date_naive())
        .map_err(refused)?;
    // Verification rejects a statement signed after today (DP219): never make one.
    let latest = latest_signing_time(today, ws.config.timezone());
    if signed_at > latest {
        let claimed = signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        return Err(Error::refused(format!(
            "refusing to sign: {}",
            verify::from_the_future(&args.party, &claimed, latest)
        ))
        .with_hint(format!(
            "check this computer's clock, and --today / DATAPACT_TODAY if set (today is {today}): signatures are judged against today"
        )));
    }
    let previous = verify::previous_signed_digest(&ws, &facts, &trust).map_err(|why| {
        Error::refused(format!("{}: {why}", facts.id))
            .with_hint("look at signatures/ in git history before signing")
    })?;

    let stmt_path = statement_path(&ws, facts.id.as_str(), facts.version, &args.party);
    let sig_path = signature_path(&stmt_path);
    // Never written through a linked signatures/ directory to a place outside the workspace.
    ws.check_inside(&stmt_path)?;
    // Checked now, before the passphrase is asked for, and again under the lock when writing.
    let mine = Mine {
        ws: &ws,
        facts: &facts,
        trust: &trust,
        today,
        party: &args.party,
        stmt: &stmt_path,
        sig: &sig_path,
        replace: args.replace,
    };
    mine.leftover()?;
    let statement = Statement {
        statement_type: STATEMENT_TYPE.to_string(),
        agreement: facts.id.to_string(),
        version: facts.version,
        agreement_sha256: facts.digest().to_string(),
        previous_sha256: previous.as_ref().map(|(_, d)| d.clone()),
        party: args.party.clone(),
        key_id: key_id.clone(),
        role: role.clone(),
        signed_at: signed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    // What the signer confirms: every value escaped (`term::escape`), so that text in the
    // agreement or the trust store cannot fake a line of this screen.
    let e = |s: &str| term::escape(s).into_owned();
    let mut err = term::stderr();
    let _ = writeln!(err, "Signing {}", e(&facts.display_path));
    let _ = writeln!(err, "  id:       {}", e(facts.id.as_str()));
    let _ = writeln!(err, "  title:    {}", e(&facts.title));
    let _ = writeln!(err, "  version:  {}", facts.version);
    let _ = writeln!(err, "  sha256:   {}", e(&statement.agreement_sha256));
    if let Some((v, d)) = &previous {
        let _ = writeln!(err, "  previous: v{v} sha256 {}", e(d));
    }
    let _ = writeln!(err, "  parties:  {}", e(&facts.party_ids.join(", ")));
    let _ = writeln!(
        err,
        "  as:       {} ({}) for {} with key {}",
        e(&entry.principal),
        e(&role),
        e(&args.party),
        e(&key_id)
    );
    let signing_key = locked.unlock(&passphrase)?;
    let text = statement.to_text();
    let armour = sshsig::sign(&signing_key, text.as_bytes()).map_err(|why| {
        Error::input(format!("cannot make the signature: {why}")).with_hint("report a bug")
    })?;
    drop(signing_key);
    {
        // One run at a time decides what is there and writes: two runs for the same party
        // never interleave their files.
        let _lock = gate::lock_workspace(&ws.root)?;
        let left = mine.leftover()?;
        publish(&ws, &stmt_path, &sig_path, &text, &armour, left)?;
    }
    let _ = writeln!(
        term::stdout(),
        "Signed: {}\n        {}",
        ws.display(&stmt_path),
        ws.display(&sig_path)
    );
    cx.commit_if_asked(
        &ws,
        args.commit,
        &[facts.path.clone(), stmt_path, sig_path],
        &format!(
            "Sign {} v{} for {} ({role}, key {key_id})",
            facts.id, facts.version, args.party
        ),
    )?;
    Ok(Outcome::Clean)
}

/// What is already at the party's statement and signature paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    /// Neither file: nothing signed yet.
    Nothing,
    /// A statement without its signature (what earlier datapact versions left when killed
    /// between their two writes, which put the statement first; or a signature removed).
    Statement,
    /// A signature without its statement: a run killed between its two writes.
    Signature,
    /// Both, and they no longer count: `--replace` replaces them.
    Both,
}

/// The signing about to be made: whose, of what, and where it goes.
struct Mine<'a> {
    ws: &'a Workspace,
    facts: &'a crate::signing::AgreementFacts,
    trust: &'a TrustStore,
    today: chrono::NaiveDate,
    party: &'a str,
    stmt: &'a Path,
    sig: &'a Path,
    replace: bool,
}

impl Mine<'_> {
    /// What is at the party's statement and signature paths: nothing, or one of them alone (an
    /// interrupted signing, which signing again completes), or both. Both are replaced only
    /// with `--replace` and only when the statement no longer counts ([`Mine::replaceable`]);
    /// anything but a regular file at either path is refused.
    fn leftover(&self) -> Result<Leftover> {
        let kind = |path: &Path| gate::kind_of(&self.ws.root, path);
        let (id, version, party) = (&self.facts.id, self.facts.version, self.party);
        match (kind(self.stmt)?, kind(self.sig)?) {
            (Kind::Missing, Kind::Missing) => Ok(Leftover::Nothing),
            (Kind::File, Kind::Missing) => Ok(Leftover::Statement),
            (Kind::Missing, Kind::File) => Ok(Leftover::Signature),
            (Kind::File, Kind::File) => self.replaceable().map(|()| Leftover::Both),
            (stmt_kind, _) => {
                let there = if stmt_kind == Kind::Missing {
                    self.sig
                } else {
                    self.stmt
                };
                Err(Error::refused(format!(
                    "{party} has already signed {id} v{version}, and {} is not a regular file",
                    self.ws.display(there)
                ))
                .with_hint(format!("look at it and remove it; then sign again: `datapact sign {id} --party {party} --key KEYFILE`")))
            }
        }
    }

    /// Whether the party's existing statement may be replaced: only with `--replace`, and only
    /// when it does not count for a reason signing again mends (a key revoked, expired, removed
    /// or no longer enrolled for the role; a damaged file). A statement that counts is never
    /// replaced; nor is one whose agreement changed after signing: the other parties signed
    /// the old text, so the change needs a new version.
    fn replaceable(&self) -> Result<()> {
        let (id, version, party) = (&self.facts.id, self.facts.version, self.party);
        let display = self.ws.display(self.stmt);
        let verified = verify::verify_agreement(self.ws, self.facts, self.trust, self.today);
        let status = verified
            .parties
            .iter()
            .find(|p| p.party == party)
            .map(|p| &p.status);
        match status {
            Some(PartyStatus::Signed { .. }) => Err(Error::refused(format!(
                "{party} has already signed {id} v{version} ({display}), and that signature counts"
            ))
            .with_hint(if self.replace {
                "a valid signature is never replaced; to change what was signed, bump `version` and sign the new version".to_string()
            } else {
                format!("run `datapact verify {id}`; if the agreement changed since, bump its `version` and sign the new version")
            })),
            Some(PartyStatus::Invalid { rule, .. })
                if std::ptr::eq(*rule, &rules::signatures::SIGNATURE_STALE) =>
            {
                Err(Error::refused(format!(
                    "{party}'s statement {display} signs other content of v{version}: the agreement changed after signing"
                ))
                .with_hint("re-signing would hide the change from the parties who signed the old text: bump `version` (`datapact bump`) and have every party sign the new version"))
            }
            Some(PartyStatus::Invalid { reason, .. }) if !self.replace => Err(Error::refused(format!(
                "{party}'s statement {display} for {id} v{version} no longer counts: {reason}"
            ))
            .with_hint(format!(
                "sign again, replacing it: `datapact sign {id} --party {party} --key KEYFILE --replace`"
            ))),
            Some(PartyStatus::Invalid { reason, .. }) => {
                term::note(&format!(
                    "replacing {display}, which no longer counts: {reason}"
                ));
                Ok(())
            }
            // A statement the party list does not reach (cannot happen for a party of the
            // agreement), or a missing one: nothing valid would be replaced.
            Some(PartyStatus::Missing { .. }) | None => Ok(()),
        }
    }
}

/// Warns when the agreement file differs from what git has committed: the signature covers
/// the bytes on disk, which nobody else can verify until they are committed (`--commit`
/// commits them with the signature).
fn warn_if_uncommitted(ws: &Workspace, facts: &crate::signing::AgreementFacts, commit: bool) {
    let Ok(Some(history)) = git::History::open(&ws.root) else {
        return;
    };
    let Some(state) = history.uncommitted(&facts.path) else {
        return;
    };
    let what = match state {
        git::Uncommitted::New => "has never been committed",
        git::Uncommitted::Changed => "has uncommitted changes",
    };
    let then = if commit {
        "--commit commits it with your signature"
    } else {
        "commit it with your signature (`--commit` does), or the other parties cannot verify what you signed"
    };
    term::note(&format!(
        "warning: {} {what}: you are signing the text on disk; {then}",
        facts.display_path
    ));
}

/// Publishes a statement and its signature so that both appear or neither does. The signature
/// goes first and the statement last, because a signature alone counts for nothing and says
/// so (`verify`: an interrupted signing), while a statement alone would look signed but
/// broken. Each file is written atomically (temporary file, then rename), and the folder is
/// synced between the two renames, so even after a power loss the statement is never there
/// without its signature. A leftover of an interrupted signing is taken away first (a lone
/// statement) or replaced (a lone signature). If the statement cannot be written (a full
/// disk), the signature just written is removed again, and so is the version folder if it is
/// left empty.
fn publish(
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
        // it (DP208), and `sign --replace` again mends it.
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

/// Parses an RFC 3339 command-line time (for the hidden `--signed-at`, used by tests), as UTC.
#[cfg(debug_assertions)]
pub fn parse_time_arg(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time such as 2026-04-01T10:00:00Z"))
}
