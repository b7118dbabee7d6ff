//! `datapact sign ID --party ORG_ID --key FILE [--role ROLE]`: sign the current version of an
//! agreement for one party. Writes one statement and one SSHSIG signature file for that party
//! and version, so parties signing in different clones never conflict.
//!
//! The pair appears whole or not at all: the signature is published first and the statement
//! last (see [`signer::publish`]), so a run killed at any moment, or stopped by a full disk, leaves
//! either nothing, or a signature without its statement, which counts for nothing, which
//! `verify` names as an interrupted signing, and which the next `sign` replaces. The signing
//! time is the clock's; only debug builds (the test suite's) can claim another.

use crate::error::{Error, Outcome, Result};
use crate::signing::keyfile::Passphrase;
use crate::signing::signer::{self, Leftover, Signer};
use crate::signing::statement::{STATEMENT_TYPE, Statement, signature_path, statement_path};
use crate::signing::trust::TrustStore;
use crate::signing::{facts, verify};
use crate::term;
use crate::workspace::Workspace;
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
    /// Commit the statement and signature files (and nothing else) to git.
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
    let passphrase = Passphrase::from_options(args.passphrase_file.as_deref(), false);
    // The key checks verification makes for each statement, made before signing.
    let signed_at = args.signing_time();
    let Signer {
        entry,
        key_id,
        role,
        locked,
    } = signer::check_key(
        &ws,
        &trust,
        &args.key,
        &args.party,
        args.role.as_deref(),
        signed_at,
        today,
    )?;
    let previous = verify::previous_signed_digest(&ws, &facts, &trust).map_err(|why| {
        Error::refused(format!("{}: {why}", facts.id))
            .with_hint("look at signatures/ in git history before signing")
    })?;

    let stmt_path = statement_path(&ws, facts.id.as_str(), facts.version, &args.party);
    let sig_path = signature_path(&stmt_path);
    // Never written through a linked signatures/ directory to a place outside the workspace.
    ws.check_inside(&stmt_path)?;
    // Checked now, before the passphrase is asked for, and again under the lock when writing.
    leftover(
        &ws,
        &stmt_path,
        &sig_path,
        &args.party,
        &facts.id,
        facts.version,
    )?;
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
    signer::sign_and_publish(
        &ws,
        locked,
        &passphrase,
        &statement.to_text(),
        &stmt_path,
        &sig_path,
        || {
            leftover(
                &ws,
                &stmt_path,
                &sig_path,
                &args.party,
                &facts.id,
                facts.version,
            )
        },
    )?;
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

/// What is at the party's statement and signature paths: nothing, or one of them alone (an
/// interrupted signing, which signing again completes). Both there, or anything but a regular
/// file at either, is refused: the party has signed this version already.
fn leftover(
    ws: &Workspace,
    stmt: &Path,
    sig: &Path,
    party: &str,
    id: &crate::workspace::AgreementId,
    version: u32,
) -> Result<Leftover> {
    let already = |there: &Path| {
        Error::refused(format!(
            "{party} has already signed {id} v{version} ({} exists)",
            ws.display(there)
        ))
        .with_hint(format!(
            "run `datapact verify {id}`; if the agreement changed since, bump its `version` and sign the new version"
        ))
    };
    signer::leftover(ws, stmt, sig, |there| Err(already(there)), already)
}

/// Parses an RFC 3339 command-line time (for the hidden `--signed-at`, used by tests), as UTC.
#[cfg(debug_assertions)]
pub fn parse_time_arg(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time such as 2026-04-01T10:00:00Z"))
}
