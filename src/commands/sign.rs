//! `datapact sign ID --party ORG_ID --key FILE [--role ROLE]`: sign the current version of an
//! agreement for one party. Writes one statement and one SSHSIG signature file for that party
//! and version, so parties signing in different clones never conflict.
//!
//! The pair appears whole or not at all: the signature is published first and the statement
//! last (see [`signer::publish`]), so a run killed at any moment, or stopped by a full disk, leaves
//! either nothing, or a signature without its statement, which counts for nothing, which
//! `verify` names as an interrupted signing, and which the next `sign` replaces. The signing
//! time is the clock's; only debug builds (the test suite's) can claim another.
//!
//! `--replace` signs the same version again when the party's statement no longer counts (its
//! key was revoked, expired or removed, say); a statement that counts is never replaced, and
//! one whose agreement changed after signing is not either (that needs a new version).

use crate::error::{Error, Outcome, Result};
use crate::rules;
use crate::signing::keyfile::Passphrase;
use crate::signing::signer::{self, Leftover, Signer};
use crate::signing::statement::{signature_path, statement_path};
use crate::signing::trust::TrustStore;
use crate::signing::verify::PartyStatus;
use crate::signing::{facts, verify};
use crate::workspace::Workspace;
use crate::{git, term};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Sign the current version of an agreement for one party.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo \\
        --role dpo
  # sign again after a key was revoked
  datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo \\
        --replace --commit
  # sign with a key an ssh-agent holds (or a hardware token behind it): name its public key
  datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo.pub")]
pub struct Args {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The party you sign for (its id in the agreement).
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// Your OpenSSH Ed25519 private key file (such as ~/.ssh/id_ed25519); or, for a key an
    /// ssh-agent holds (SSH_AUTH_SOCK; a hardware token through it too), its public key file
    /// (~/.ssh/id_ed25519.pub) or key id (SHA256:...), and the agent signs. It must be enrolled
    /// for the party.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The role you sign in: a built-in role (dpo, siro, authorised-signatory, ...) or one of
    /// datapact.toml's [signing] roles (default: the key's only role).
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
    #[command(flatten)]
    pub time: super::SigningTime,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
    let today = cx.today_in(&ws);
    let path = ws.resolve_target(&args.target)?;
    let facts = facts::load(&ws, &path)?;
    signer::check_signable(&facts, &args.party)?;
    let trust = TrustStore::load(&ws)?;
    warn_if_uncommitted(
        &ws,
        &facts,
        if args.commit {
            "--commit commits it with your signature"
        } else {
            "commit it with your signature (`--commit` does), or the other parties cannot verify what you signed"
        },
    );
    let passphrase = Passphrase::from_options(args.passphrase_file.as_deref(), false);
    // The key checks verification makes for each statement, made before signing.
    let signed_at = args.time.get();
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
    let (statement, previous) =
        signer::agreement_statement(&ws, &facts, &trust, &args.party, &key_id, &role, signed_at)?;
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
        noted: std::cell::Cell::new(false),
    };
    mine.leftover()?;
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
        || mine.leftover(),
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
        &[facts.path.clone(), stmt_path, sig_path],
        &format!(
            "Sign {} v{} for {} ({role}, key {key_id})",
            facts.id, facts.version, args.party
        ),
    )?;
    Ok(Outcome::Clean)
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
    /// Whether the replacement was announced.
    noted: std::cell::Cell<bool>,
}

impl Mine<'_> {
    /// What is at the party's statement and signature paths: nothing, or one of them alone (an
    /// interrupted signing, which signing again completes), or both. Both are replaced only
    /// with `--replace` and only when the statement no longer counts ([`Mine::replaceable`]);
    /// anything but a regular file at either path is refused.
    fn leftover(&self) -> Result<Leftover> {
        let (id, version, party) = (&self.facts.id, self.facts.version, self.party);
        signer::leftover(
            self.ws,
            self.stmt,
            self.sig,
            |_| self.replaceable().map(|()| Leftover::Both),
            |there| {
                Error::refused(format!(
                    "{party} has already signed {id} v{version}, and {} is not a regular file",
                    self.ws.display(there)
                ))
                .with_hint(format!("look at it and remove it; then sign again: `datapact sign {id} --party {party} --key KEYFILE`"))
            },
        )
    }

    /// Whether the party's existing statement may be replaced ([`replaceable`]); the
    /// replacement is announced once, when the decision is first made (it is made again under
    /// the lock).
    fn replaceable(&self) -> Result<()> {
        let reason = replaceable(
            self.ws,
            self.facts,
            self.trust,
            self.today,
            self.party,
            self.stmt,
            self.replace,
        )?;
        if let Some(reason) = reason.filter(|_| !self.noted.replace(true)) {
            term::note(&format!(
                "replacing {}, which no longer counts: {reason}",
                self.ws.display(self.stmt)
            ));
        }
        Ok(())
    }
}

/// Whether `party`'s existing statement `stmt` for the current version may be replaced: only
/// with `replace`, and only when it does not count for a reason signing again mends (a key
/// revoked, expired, removed or no longer enrolled for the role; a damaged file), which is
/// returned. A statement that counts is never replaced; nor is one whose agreement changed after
/// signing: the other parties signed the old text, so the change needs a new version. `Ok(None)`:
/// no statement of the party's counts or was found.
pub(super) fn replaceable(
    ws: &Workspace,
    facts: &crate::signing::AgreementFacts,
    trust: &TrustStore,
    today: chrono::NaiveDate,
    party: &str,
    stmt: &Path,
    replace: bool,
) -> Result<Option<String>> {
    let (id, version) = (&facts.id, facts.version);
    let display = ws.display(stmt);
    let verified = verify::verify_agreement(ws, facts, trust, today);
    let status = verified
        .parties
        .iter()
        .find(|p| p.party == party)
        .map(|p| &p.status);
    match status {
        Some(PartyStatus::Signed { .. }) => Err(Error::refused(format!(
            "{party} has already signed {id} v{version} ({display}), and that signature counts"
        ))
        .with_hint(if replace {
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
        Some(PartyStatus::Invalid { reason, .. }) if !replace => Err(Error::refused(format!(
            "{party}'s statement {display} for {id} v{version} no longer counts: {reason}"
        ))
        .with_hint(format!(
            "sign again, replacing it: `datapact sign {id} --party {party} --key KEYFILE --replace`"
        ))),
        Some(PartyStatus::Invalid { reason, .. }) => Ok(Some(reason.clone())),
        // A statement the party list does not reach (cannot happen for a party of the
        // agreement), or a missing one: nothing valid would be replaced.
        Some(PartyStatus::Missing { .. }) | None => Ok(None),
    }
}

/// Warns when the agreement file differs from what git has committed: the signature covers
/// the bytes on disk, which nobody else can verify until they are committed; `then` says what
/// to do (`sign --commit` commits them with the signature).
pub(super) fn warn_if_uncommitted(
    ws: &Workspace,
    facts: &crate::signing::AgreementFacts,
    then: &str,
) {
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
    term::note(&format!(
        "warning: {} {what}: you are signing the text on disk; {then}",
        facts.display_path
    ));
}

/// Parses an RFC 3339 command-line time (for the hidden `--signed-at`, used by tests), as UTC.
#[cfg(debug_assertions)]
pub fn parse_time_arg(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time such as 2026-04-01T10:00:00Z"))
}
