//! `datapact sign ID --party ORG_ID --key FILE [--role ROLE]`: sign the current version of an
//! agreement for one party. Writes one statement and one SSHSIG signature file for that party
//! and version, so parties signing in different clones never conflict.

use crate::error::{Error, Outcome, Result};
use crate::gate::{self, Kind, Overwrite};
use crate::signing::keyfile::{self, Passphrase};
use crate::signing::statement::{STATEMENT_TYPE, Statement, signature_path, statement_path};
use crate::signing::trust::{Refusal, TrustStore, TrustedKey};
use crate::signing::{facts, sshsig, verify};
use crate::term;
use std::io::Write;
use std::path::PathBuf;

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
    /// Commit the statement and signature files (and nothing else) to git.
    #[arg(long)]
    pub commit: bool,
    /// The signing time to claim (RFC 3339); default: now. For tests and re-creating records.
    #[arg(long, value_name = "TIME", value_parser = parse_time_arg, hide = true)]
    pub signed_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
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
    let passphrase = Passphrase::from_options(args.passphrase_file.as_deref(), false);
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
    let signed_at = args.signed_at.unwrap_or_else(chrono::Utc::now);
    entry
        .permits(&role, signed_at.date_naive())
        .map_err(refused)?;
    let previous = verify::previous_signed_digest(&ws, &facts, &trust).map_err(|why| {
        Error::refused(format!("{}: {why}", facts.id))
            .with_hint("look at signatures/ in git history before signing")
    })?;

    let stmt_path = statement_path(&ws, facts.id.as_str(), facts.version, &args.party);
    let sig_path = signature_path(&stmt_path);
    // Never written through a linked signatures/ directory to a place outside the workspace.
    ws.check_inside(&stmt_path)?;
    let taken = |path: &std::path::Path| gate::kind_of(&ws.root, path).map(|k| k != Kind::Missing);
    if taken(&stmt_path)? || taken(&sig_path)? {
        return Err(Error::refused(format!(
            "{} has already signed {} v{} ({} exists)",
            args.party,
            facts.id,
            facts.version,
            ws.display(&stmt_path)
        ))
        .with_hint(format!(
            "run `datapact verify {}`; if the agreement changed since, bump its `version` and sign the new version",
            facts.id
        )));
    }
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
    gate::write_atomic(&ws.root, &stmt_path, text.as_bytes(), Overwrite::Refuse)?;
    gate::write_atomic(&ws.root, &sig_path, armour.as_bytes(), Overwrite::Refuse)?;
    let _ = writeln!(
        term::stdout(),
        "Signed: {}\n        {}",
        ws.display(&stmt_path),
        ws.display(&sig_path)
    );
    cx.commit_if_asked(
        &ws,
        args.commit,
        &[stmt_path, sig_path],
        &format!(
            "Sign {} v{} for {} ({role}, key {key_id})",
            facts.id, facts.version, args.party
        ),
    )?;
    Ok(Outcome::Clean)
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
pub fn parse_time_arg(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time such as 2026-04-01T10:00:00Z"))
}
